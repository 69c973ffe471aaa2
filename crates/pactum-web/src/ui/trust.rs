//! An organisation's public trust page (`/trust/{slug}`, off until published in the
//! processor settings; otherwise, and while the organisation is locked, the same 404 as an
//! unknown slug). It shows only what is meant for customers: the sub-processors (name,
//! purpose, location, transfer mechanism), the implemented security measures, the
//! sub-processor change notices with an Atom feed, the DPA annexes as a PDF, a subscription
//! form (double opt-in) and, while a notice runs, a form to object to it. The forms carry
//! the registration form's defences (honeypot, signed fill time, proof of work, rate limit).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pactum_domain::account::FormProof;
use pactum_domain::clocks::period::local_date;
use pactum_domain::datamap::security_measure::{MeasureStatus, SecurityMeasure};
use pactum_domain::datamap::vendor::{Vendor, VendorRole};
use pactum_domain::organisation::{Language, Organisation};
use pactum_domain::processor::notice::{NoticeKind, ObjectionDraft};
use pactum_domain::project::Project;
use pactum_store::StoreError;
use pactum_store::processor::notices::{self, Notice};
use pactum_store::processor::{objections, subscribers};
use pactum_store::records;
use pactum_store::scope::{OrgId, ProjectId, Scope};
use uuid::Uuid;

use crate::api::account::{check_proof, ticket};
use crate::auth::Client;
use crate::error::ApiError;
use crate::processor::{
    country_name, day_text, display_name, language_key, mechanism_name, unsubscribe_subscriber,
};
use crate::state::AppState;
use crate::ui::assets;
use crate::ui::i18n::{T, negotiate};
use crate::ui::pages::{Chrome, FieldError, error_page, login_csrf, pre_session_csrf, render};
use crate::ui::register::Field;

/// The organisation, when its trust page is published and it is not locked.
async fn open_org(state: &AppState, slug: &str) -> Result<(OrgId, Organisation), ApiError> {
    match pactum_store::organisations::by_slug(&state.store, slug).await {
        Ok(o) if o.data.trust_page_enabled => {
            if pactum_store::lifecycle::organisation_schedule(&state.store, OrgId(o.id))
                .await?
                .is_some()
            {
                return Err(ApiError::NotFound("Page".into()));
            }
            Ok((OrgId(o.id), o.data))
        }
        Ok(_) | Err(StoreError::NotFound(_)) => Err(ApiError::NotFound("Page".into())),
        Err(e) => Err(e.into()),
    }
}

pub struct SubRow {
    pub name: String,
    pub purpose: String,
    pub location: String,
    pub mechanism: String,
}

pub struct MeasureRow {
    pub name: String,
    pub description: String,
}

pub struct NoticeRow {
    pub id: String,
    pub title: String,
    pub purpose: String,
    pub location: String,
    pub mechanism: String,
    pub details: String,
    pub published: String,
    pub effective: String,
    pub effective_iso: String,
    pub open: bool,
    pub withdrawn: Option<String>,
}

#[derive(Template)]
#[template(path = "trust.html")]
struct TrustPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    org_name: String,
    slug: String,
    dpo: Option<String>,
    subprocessors: Vec<SubRow>,
    measures: Vec<MeasureRow>,
    notices: Vec<NoticeRow>,
    email: Field,
    form_token: String,
    challenge: String,
    worker: String,
}

#[derive(Template)]
#[template(path = "trust_message.html")]
struct MessagePage {
    chrome: Chrome,
    org_name: String,
    slug: String,
    message: String,
    /// A button that spends a token (confirm, unsubscribe): its form's action.
    action: Option<String>,
    button: String,
}

/// A notice's headline in the reader's language ("Addition: Mailgun").
pub fn notice_title(t: T, n: &Notice) -> String {
    let kind = t.s(&format!("notice.kind.{}", n.kind.key()));
    match (n.kind, &n.replaces) {
        (NoticeKind::Replacement, Some(old)) => {
            format!("{kind}: {old} → {}", n.name)
        }
        _ => format!("{kind}: {}", n.name),
    }
}

pub fn notice_row(t: T, n: &Notice, today: time::Date) -> NoticeRow {
    let language = t.0;
    NoticeRow {
        id: n.id.to_string(),
        title: notice_title(t, n),
        purpose: n.purpose.clone().unwrap_or_default(),
        location: n
            .location
            .as_deref()
            .map(|c| country_name(language, c))
            .unwrap_or_default(),
        mechanism: n
            .transfer_mechanism
            .as_deref()
            .map(|m| mechanism_name(language, m))
            .unwrap_or_default(),
        details: n.details.clone().unwrap_or_default(),
        published: pactum_domain::format::date(language, n.published_at),
        effective: day_text(language, n.effective_on),
        effective_iso: n.effective_on.to_string(),
        open: n.withdrawn_at.is_none() && today < n.effective_on,
        withdrawn: n
            .withdrawn_at
            .map(|_| n.withdrawn_reason.clone().unwrap_or_default()),
    }
}

/// What the page shows of the data map: sub-processors and implemented measures across
/// the organisation's projects, each name once.
async fn public_records(
    state: &AppState,
    org: OrgId,
    language: Language,
) -> Result<(Vec<SubRow>, Vec<MeasureRow>), ApiError> {
    let mut subs: Vec<SubRow> = Vec::new();
    let mut measures: Vec<MeasureRow> = Vec::new();
    for p in records::every::<Project>(&state.store, Scope::Org(org)).await? {
        let scope = Scope::Project(org, ProjectId(p.id));
        for v in records::every::<Vendor>(&state.store, scope).await? {
            let v = v.data;
            if v.role != VendorRole::SubProcessor || subs.iter().any(|s| s.name == v.name) {
                continue;
            }
            subs.push(SubRow {
                purpose: v.purpose.unwrap_or_default(),
                location: v
                    .country
                    .as_deref()
                    .map(|c| country_name(language, c))
                    .unwrap_or_default(),
                mechanism: v
                    .transfer_mechanism
                    .as_deref()
                    .map(|m| mechanism_name(language, m))
                    .unwrap_or_default(),
                name: v.name,
            });
        }
        for m in records::every::<SecurityMeasure>(&state.store, scope).await? {
            let m = m.data;
            if m.status != MeasureStatus::Implemented || measures.iter().any(|x| x.name == m.name) {
                continue;
            }
            measures.push(MeasureRow {
                name: m.name,
                description: m.description.unwrap_or_default(),
            });
        }
    }
    subs.sort_by_key(|s| s.name.to_lowercase());
    measures.sort_by_key(|m| m.name.to_lowercase());
    Ok((subs, measures))
}

async fn page(
    state: &AppState,
    t: T,
    csrf: String,
    org_id: OrgId,
    org: &Organisation,
    email: &str,
    errors: Vec<FieldError>,
) -> Result<TrustPage, ApiError> {
    let ticket = ticket(state);
    let mut chrome = Chrome::new(t, "trust.title", false, csrf);
    chrome.has_errors = !errors.is_empty();
    let (subprocessors, measures) = public_records(state, org_id, t.0).await?;
    let today = local_date(state.clock.now(), &org.timezone);
    let notices = notices::list(&state.store, org_id)
        .await?
        .iter()
        .map(|n| notice_row(t, n, today))
        .collect();
    Ok(TrustPage {
        email: Field {
            id: "email",
            name: "email",
            kind: "email",
            label: t.s("trust.email").to_owned(),
            hint: Some(t.s("trust.email_hint").to_owned()),
            error: errors
                .iter()
                .find(|e| e.field == "email")
                .map(|e| e.message.clone()),
            value: email.to_owned(),
            autocomplete: "email",
            required: true,
        },
        errors,
        chrome,
        org_name: display_name(org),
        slug: org.slug.clone(),
        dpo: match (&org.dpo_name, &org.dpo_email) {
            (Some(n), Some(e)) => Some(format!("{n} <{e}>")),
            (Some(n), None) => Some(n.clone()),
            (None, Some(e)) => Some(e.clone()),
            (None, None) => None,
        },
        subprocessors,
        measures,
        notices,
        form_token: ticket.form_token,
        challenge: ticket.challenge,
        worker: assets::url("pow-worker.js"),
    })
}

fn with_cookie(mut res: Response, set: Option<HeaderValue>) -> Response {
    if let Some(h) = set {
        res.headers_mut().append(header::SET_COOKIE, h);
    }
    res
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    let t = T(negotiate(&headers, None));
    let result = async {
        let (org_id, org) = open_org(&state, &slug).await?;
        let (csrf, set) = login_csrf(&headers);
        Ok::<_, ApiError>((
            page(&state, t, csrf, org_id, &org, "", Vec::new()).await?,
            set,
        ))
    }
    .await;
    match result {
        Ok((p, set)) => with_cookie(render(StatusCode::OK, &p), set),
        Err(e) => error_page(&headers, &e),
    }
}

/// The form's defences; a failure is shown on `field` as "try again".
async fn defended(
    state: &AppState,
    t: T,
    form: &HashMap<String, String>,
    field: &'static str,
) -> Result<Option<FieldError>, ApiError> {
    let get = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let proof = FormProof {
        form_token: get("form_token"),
        challenge: get("challenge"),
        nonce: get("nonce").parse().unwrap_or(0),
        website: form.get("website").cloned().unwrap_or_default(),
    };
    match check_proof(state, &proof).await {
        Ok(()) => Ok(None),
        Err(ApiError::Invalid(_)) => Ok(Some(FieldError {
            field,
            message: t.s("intake.try_again").to_owned(),
        })),
        Err(e) => Err(e),
    }
}

fn message(t: T, title: &str, org: &Organisation, text: &str) -> MessagePage {
    MessagePage {
        chrome: Chrome::new(t, title, false, String::new()),
        org_name: display_name(org),
        slug: org.slug.clone(),
        message: t.s(text).to_owned(),
        action: None,
        button: String::new(),
    }
}

pub async fn subscribe(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(slug): Path<String>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = T(negotiate(&headers, None));
    let result = async {
        let (org_id, org) = open_org(&state, &slug).await?;
        let Some(csrf) = pre_session_csrf(&headers, &form) else {
            return Err(ApiError::Forbidden(String::new()));
        };
        let email = form
            .get("email")
            .map(|v| v.trim().to_lowercase())
            .unwrap_or_default();
        let mut v = pactum_domain::validation::Violations::new();
        pactum_domain::account::check_email(&mut v, "email", &email);
        let mut errors = Vec::new();
        if !v.is_empty() {
            errors.push(FieldError {
                field: "email",
                message: t.s("trust.email_invalid").to_owned(),
            });
        } else if let Some(e) = defended(&state, t, &form, "email").await? {
            errors.push(e);
        }
        if !errors.is_empty() {
            let p = page(&state, t, csrf, org_id, &org, &email, errors).await?;
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &p));
        }
        let token = pactum_crypto::secret::random_token("sub_");
        let outcome = subscribers::subscribe(
            &state.store,
            &client.actor(None),
            org_id,
            &email,
            language_key(t.0),
            &pactum_crypto::secret::digest(&token),
            state.clock.now(),
        )
        .await?;
        if outcome == subscribers::Subscribed::Confirm
            && let Some(mailer) = &state.security.mailer
        {
            let link = format!(
                "{}/trust/{slug}/confirm/{token}",
                state.settings.public_url.trim_end_matches('/')
            );
            mailer.send(
                &email,
                crate::processor_mail::confirm_subscription(t.0, &display_name(&org), &link),
            );
        }
        // The same answer whether or not the address was subscribed already.
        Ok(render(
            StatusCode::OK,
            &message(t, "trust.subscribe_title", &org, "trust.check_mail"),
        ))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

/// Whether a confirmation token still works, for this organisation's page.
async fn pending_here(state: &AppState, org: OrgId, token: &str) -> Result<bool, ApiError> {
    let digest = pactum_crypto::secret::digest(token);
    Ok(
        subscribers::pending(&state.store, &digest, state.clock.now())
            .await?
            .is_some_and(|(o, _)| o == org),
    )
}

/// The confirmation link's page: the token is spent only when the button is pressed, so
/// a mail scanner that follows links confirms nothing.
pub async fn confirm_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((slug, token)): Path<(String, String)>,
) -> Response {
    let t = T(negotiate(&headers, None));
    let result = async {
        let (org_id, org) = open_org(&state, &slug).await?;
        if !pending_here(&state, org_id, &token).await? {
            return Ok(render(
                StatusCode::NOT_FOUND,
                &message(t, "trust.confirm_title", &org, "trust.link_expired"),
            ));
        }
        let (csrf, set) = login_csrf(&headers);
        let mut p = message(t, "trust.confirm_title", &org, "trust.confirm_intro");
        p.chrome.csrf = csrf;
        p.action = Some(format!("/trust/{slug}/confirm/{token}"));
        p.button = t.s("trust.confirm_button").to_owned();
        Ok(with_cookie(render(StatusCode::OK, &p), set))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

pub async fn confirm(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path((slug, token)): Path<(String, String)>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = T(negotiate(&headers, None));
    let result = async {
        let (org_id, org) = open_org(&state, &slug).await?;
        if pre_session_csrf(&headers, &form).is_none() {
            return Err(ApiError::Forbidden(String::new()));
        }
        if !pending_here(&state, org_id, &token).await? {
            return Ok(render(
                StatusCode::NOT_FOUND,
                &message(t, "trust.confirm_title", &org, "trust.link_expired"),
            ));
        }
        let digest = pactum_crypto::secret::digest(&token);
        let done = subscribers::confirm(
            &state.store,
            &client.actor(None),
            &digest,
            state.clock.now(),
        )
        .await?;
        let text = if done.is_some() {
            "trust.confirmed"
        } else {
            "trust.link_expired"
        };
        Ok(render(
            StatusCode::OK,
            &message(t, "trust.confirm_title", &org, text),
        ))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

async fn subscriber_of(
    state: &AppState,
    org: OrgId,
    token: &str,
) -> Result<Option<Uuid>, ApiError> {
    let Some(id) = unsubscribe_subscriber(state, token) else {
        return Ok(None);
    };
    match subscribers::get(&state.store, org, id).await {
        Ok(_) => Ok(Some(id)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub async fn unsubscribe_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((slug, token)): Path<(String, String)>,
) -> Response {
    let t = T(negotiate(&headers, None));
    let result = async {
        let (org_id, org) = open_org(&state, &slug).await?;
        if subscriber_of(&state, org_id, &token).await?.is_none() {
            return Ok(render(
                StatusCode::OK,
                &message(t, "trust.unsubscribe_title", &org, "trust.unsubscribed"),
            ));
        }
        let (csrf, set) = login_csrf(&headers);
        let mut p = message(
            t,
            "trust.unsubscribe_title",
            &org,
            "trust.unsubscribe_intro",
        );
        p.chrome.csrf = csrf;
        p.action = Some(format!("/trust/{slug}/unsubscribe/{token}"));
        p.button = t.s("trust.unsubscribe_button").to_owned();
        Ok(with_cookie(render(StatusCode::OK, &p), set))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

pub async fn unsubscribe(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path((slug, token)): Path<(String, String)>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = T(negotiate(&headers, None));
    let result = async {
        let (org_id, org) = open_org(&state, &slug).await?;
        if pre_session_csrf(&headers, &form).is_none() {
            return Err(ApiError::Forbidden(String::new()));
        }
        if let Some(id) = subscriber_of(&state, org_id, &token).await? {
            subscribers::remove(
                &state.store,
                &client.actor(None),
                org_id,
                id,
                state.clock.now(),
            )
            .await?;
        }
        Ok(render(
            StatusCode::OK,
            &message(t, "trust.unsubscribe_title", &org, "trust.unsubscribed"),
        ))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

/// The notices as an Atom feed (RFC 4287), newest first.
pub async fn feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    let result = async {
        let (org_id, org) = open_org(&state, &slug).await?;
        let list = notices::list(&state.store, org_id).await?;
        let t = T(org.default_language);
        let base = state.settings.public_url.trim_end_matches('/').to_owned();
        Ok::<_, ApiError>(crate::ui::atom::notices(
            t,
            &base,
            &org,
            &list,
            state.clock.now(),
        ))
    }
    .await;
    match result {
        Ok(body) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/atom+xml; charset=utf-8"),
            )],
            body,
        )
            .into_response(),
        Err(e) => error_page(&headers, &e),
    }
}

/// The DPA annexes (Annexes 1-3 from the data map) as a PDF.
pub async fn dpa(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    let t = T(negotiate(&headers, None));
    let result = async {
        let (org_id, org) = open_org(&state, &slug).await?;
        let now = state.clock.now();
        let request = pactum_documents::Request {
            org: org_id,
            kind: pactum_documents::Kind::DpaAnnexes,
            language: t.0,
            project: None,
            record: None,
            now,
        };
        let doc = pactum_documents::build(&state.store, &request)
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let format = pactum_documents::Format::Pdf;
        let name = doc.file_name(&org.slug, local_date(now, &org.timezone), format);
        let bytes =
            tokio::task::spawn_blocking(move || pactum_documents::render(&doc, format, None))
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok::<_, ApiError>((name, bytes))
    }
    .await;
    match result {
        Ok((name, bytes)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/pdf"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                        .unwrap_or(HeaderValue::from_static("attachment")),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error_page(&headers, &e),
    }
}

#[derive(Template)]
#[template(path = "trust_objection.html")]
struct ObjectionPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    org_name: String,
    slug: String,
    notice: NoticeRow,
    fields: Vec<Field>,
    reasons: String,
    reasons_error: Option<String>,
    form_token: String,
    challenge: String,
    worker: String,
}

const OBJECTION_FIELDS: [(&str, &str, &str); 3] = [
    ("customer_name", "text", "organization"),
    ("contact_name", "text", "name"),
    ("email", "email", "email"),
];

/// The notice, while it can be objected to.
async fn open_notice(
    state: &AppState,
    org_id: OrgId,
    org: &Organisation,
    id: &str,
) -> Result<Notice, ApiError> {
    let id = Uuid::parse_str(id).map_err(|_| ApiError::NotFound("Notice".into()))?;
    let n = match notices::get(&state.store, org_id, id).await {
        Ok(n) => n,
        Err(StoreError::NotFound(_)) => return Err(ApiError::NotFound("Notice".into())),
        Err(e) => return Err(e.into()),
    };
    let today = local_date(state.clock.now(), &org.timezone);
    if n.withdrawn_at.is_some() || today >= n.effective_on {
        return Err(ApiError::NotFound("Notice".into()));
    }
    Ok(n)
}

fn objection_page(
    state: &AppState,
    t: T,
    csrf: String,
    org: &Organisation,
    n: &Notice,
    form: &HashMap<String, String>,
    errors: &[FieldError],
) -> ObjectionPage {
    let ticket = ticket(state);
    let mut chrome = Chrome::new(t, "objection.title", false, csrf);
    chrome.has_errors = !errors.is_empty();
    let error = |f: &str| {
        errors
            .iter()
            .find(|e| e.field == f)
            .map(|e| e.message.clone())
    };
    ObjectionPage {
        chrome,
        errors: errors
            .iter()
            .map(|e| FieldError {
                field: e.field,
                message: e.message.clone(),
            })
            .collect(),
        org_name: display_name(org),
        slug: org.slug.clone(),
        notice: notice_row(t, n, local_date(state.clock.now(), &org.timezone)),
        fields: OBJECTION_FIELDS
            .iter()
            .map(|(id, kind, autocomplete)| Field {
                id,
                name: id,
                kind,
                label: t.s(&format!("objection.{id}")).to_owned(),
                hint: None,
                error: error(id),
                value: form.get(*id).cloned().unwrap_or_default(),
                autocomplete,
                required: true,
            })
            .collect(),
        reasons: form.get("reasons").cloned().unwrap_or_default(),
        reasons_error: error("reasons"),
        form_token: ticket.form_token,
        challenge: ticket.challenge,
        worker: assets::url("pow-worker.js"),
    }
}

pub async fn objection_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
) -> Response {
    let t = T(negotiate(&headers, None));
    let result = async {
        let (org_id, org) = open_org(&state, &slug).await?;
        let n = open_notice(&state, org_id, &org, &id).await?;
        let (csrf, set) = login_csrf(&headers);
        let p = objection_page(&state, t, csrf, &org, &n, &HashMap::new(), &[]);
        Ok::<_, ApiError>(with_cookie(render(StatusCode::OK, &p), set))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

pub async fn object(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = T(negotiate(&headers, None));
    let result = async {
        let (org_id, org) = open_org(&state, &slug).await?;
        let n = open_notice(&state, org_id, &org, &id).await?;
        let Some(csrf) = pre_session_csrf(&headers, &form) else {
            return Err(ApiError::Forbidden(String::new()));
        };
        let get = |k: &str| form.get(k).cloned().unwrap_or_default();
        let mut draft = ObjectionDraft {
            customer_name: get("customer_name"),
            contact_name: get("contact_name"),
            email: get("email"),
            reasons: get("reasons"),
        };
        draft.normalise();
        let mut errors: Vec<FieldError> = Vec::new();
        if let Err(v) = draft.validate() {
            for x in v.0 {
                let field = match x.field.as_str() {
                    "customer_name" => "customer_name",
                    "contact_name" => "contact_name",
                    "email" => "email",
                    _ => "reasons",
                };
                if !errors.iter().any(|e| e.field == field) {
                    errors.push(FieldError {
                        field,
                        message: t
                            .get(&format!("objection.{field}_{}", x.rule))
                            .map_or_else(|| x.message.clone(), str::to_owned),
                    });
                }
            }
        } else if let Some(e) = defended(&state, t, &form, "reasons").await? {
            errors.push(e);
        }
        if !errors.is_empty() {
            let p = objection_page(&state, t, csrf, &org, &n, &form, &errors);
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &p));
        }
        let today = local_date(state.clock.now(), &org.timezone);
        objections::object(
            &state.store,
            &client.actor(None),
            org_id,
            n.id,
            draft,
            today,
            state.clock.now(),
        )
        .await?;
        Ok(render(
            StatusCode::OK,
            &message(t, "objection.title", &org, "objection.received"),
        ))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}
