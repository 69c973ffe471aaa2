//! An organisation's public request form (`/intake/{slug}`, off until an admin turns it
//! on): anyone may make a data-subject request, which lands in the request register with
//! its Art. 12(3) clock running from receipt. Protected like registration (honeypot,
//! minimum fill time, proof of work, per-address rate limit); the requester gets a receipt
//! by e-mail with the reference to quote.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use pactum_domain::account::FormProof;
use pactum_domain::organisation::Organisation;
use pactum_domain::registers::request::{DataSubjectRequest, RequestChannel, RequestKind};
use pactum_domain::validation::Violations;
use pactum_store::records;
use pactum_store::registers::Register;
use pactum_store::scope::{OrgId, Scope};

use crate::api::account::{check_proof, ticket};
use crate::auth::Client;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::assets;
use crate::ui::i18n::{T, negotiate};
use crate::ui::pages::{Chrome, FieldError, error_page, login_csrf, pre_session_csrf, render};
use crate::ui::register::Field;

const KINDS: [&str; 7] = [
    "access",
    "rectification",
    "erasure",
    "restriction",
    "portability",
    "objection",
    "automated_decision",
];

#[derive(Template)]
#[template(path = "intake.html")]
struct IntakePage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    org_name: String,
    slug: String,
    kinds: Vec<(String, String, bool)>,
    kind_error: Option<String>,
    fields: Vec<Field>,
    details: String,
    details_error: Option<String>,
    form_token: String,
    challenge: String,
    worker: String,
}

#[derive(Template)]
#[template(path = "intake_done.html")]
struct ReceiptPage {
    chrome: Chrome,
    org_name: String,
    reference: String,
    due: String,
}

/// The organisation, when its form is open; otherwise (also while it is scheduled for
/// deletion) the same 404 as an unknown slug.
async fn open_org(state: &AppState, slug: &str) -> Result<(OrgId, Organisation), ApiError> {
    match pactum_store::organisations::by_slug(&state.store, slug).await {
        Ok(o) if o.data.intake_enabled => {
            if pactum_store::lifecycle::organisation_schedule(&state.store, OrgId(o.id))
                .await?
                .is_some()
            {
                return Err(ApiError::NotFound("Page".into()));
            }
            Ok((OrgId(o.id), o.data))
        }
        Ok(_) | Err(pactum_store::StoreError::NotFound(_)) => {
            Err(ApiError::NotFound("Page".into()))
        }
        Err(e) => Err(e.into()),
    }
}

fn page(
    state: &AppState,
    t: T,
    csrf: String,
    slug: &str,
    org: &Organisation,
    form: &HashMap<String, String>,
    errors: Vec<FieldError>,
) -> IntakePage {
    let ticket = ticket(state);
    let mut chrome = Chrome::new(t, "intake.title", false, csrf);
    chrome.has_errors = !errors.is_empty();
    let error = |f: &str| {
        errors
            .iter()
            .find(|e| e.field == f)
            .map(|e| e.message.clone())
    };
    let field = |id: &'static str, kind: &'static str, autocomplete: &'static str| Field {
        id,
        name: id,
        kind,
        label: t.s(&format!("intake.{id}")).to_owned(),
        hint: t.get(&format!("intake.{id}_hint")).map(str::to_owned),
        error: error(id),
        value: form.get(id).cloned().unwrap_or_default(),
        autocomplete,
        required: true,
    };
    let chosen = form.get("kind").map(String::as_str).unwrap_or("");
    IntakePage {
        kinds: KINDS
            .iter()
            .map(|k| {
                (
                    (*k).to_owned(),
                    t.s(&format!("choice.{k}")).to_owned(),
                    *k == chosen,
                )
            })
            .collect(),
        kind_error: error("kind"),
        details: form.get("details").cloned().unwrap_or_default(),
        details_error: error("details"),
        fields: vec![
            field("name", "text", "name"),
            field("email", "email", "email"),
        ],
        errors,
        chrome,
        org_name: crate::processor::display_name(org),
        slug: slug.to_owned(),
        form_token: ticket.form_token,
        challenge: ticket.challenge,
        worker: assets::url("pow-worker.js"),
    }
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    let t = T(negotiate(&headers, None));
    let (_, org) = match open_org(&state, &slug).await {
        Ok(o) => o,
        Err(e) => return error_page(&headers, &e),
    };
    let (csrf, set) = login_csrf(&headers);
    let mut res = render(
        StatusCode::OK,
        &page(&state, t, csrf, &slug, &org, &HashMap::new(), Vec::new()),
    );
    if let Some(h) = set {
        res.headers_mut().append(header::SET_COOKIE, h);
    }
    res
}

pub async fn submit(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(slug): Path<String>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = T(negotiate(&headers, None));
    let (org_id, org) = match open_org(&state, &slug).await {
        Ok(o) => o,
        Err(e) => return error_page(&headers, &e),
    };
    let Some(csrf) = pre_session_csrf(&headers, &form) else {
        return error_page(&headers, &ApiError::Forbidden(String::new()));
    };
    let get = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    // What the person typed, checked field by field before anything is stored.
    let mut errors = Vec::new();
    let kind: Option<RequestKind> =
        serde_json::from_value(serde_json::Value::String(get("kind"))).ok();
    if kind.is_none() {
        errors.push(FieldError {
            field: "kind",
            message: t.s("intake.kind_required").to_owned(),
        });
    }
    let mut v = Violations::new();
    v.required_line(
        "name",
        &get("name"),
        pactum_domain::validation::limits::NAME,
    );
    pactum_domain::account::check_email(&mut v, "email", &get("email"));
    v.required_text(
        "details",
        &get("details"),
        pactum_domain::validation::limits::TEXT,
    );
    for x in v.0 {
        let field = match x.field.as_str() {
            "name" => "name",
            "email" => "email",
            _ => "details",
        };
        if !errors.iter().any(|e: &FieldError| e.field == field) {
            errors.push(FieldError {
                field,
                message: t
                    .s(&format!(
                        "intake.{field}_{}",
                        if x.rule == "required" {
                            "required"
                        } else {
                            "invalid"
                        }
                    ))
                    .to_owned(),
            });
        }
    }
    let proof = FormProof {
        form_token: get("form_token"),
        challenge: get("challenge"),
        nonce: get("nonce").parse().unwrap_or(0),
        website: form.get("website").cloned().unwrap_or_default(),
    };
    if errors.is_empty()
        && let Err(e) = check_proof(&state, &proof).await
    {
        match e {
            ApiError::Invalid(_) => errors.push(FieldError {
                field: "kind",
                message: t.s("intake.try_again").to_owned(),
            }),
            other => return error_page(&headers, &other),
        }
    }
    let (Some(kind), true) = (kind, errors.is_empty()) else {
        let mut res = render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&state, t, csrf, &slug, &org, &form, errors),
        );
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
        return res;
    };
    let now = state.clock.now();
    let reference = format!(
        "WEB-{}",
        pactum_crypto::secret::human_code(10).to_uppercase()
    );
    let request = DataSubjectRequest {
        reference: Some(reference.clone()),
        kind,
        received_at: now,
        channel: Some(RequestChannel::WebForm),
        requester_name: Some(get("name")),
        requester_contact: Some(get("email")),
        details: Some(get("details")),
        status: Default::default(),
        identity_verified_at: None,
        identity_method: None,
        extended: false,
        extension_reason: None,
        extension_informed_on: None,
        art12_ground: None,
        art12_reasoning: None,
        fee_cents: None,
        answered_at: None,
        response: None,
        assignee_id: None,
        due_at: None,
        due_on: None,
        stopped_at: None,
    };
    let saved = match records::create(
        &state.store,
        &client.actor(None),
        Scope::Org(org_id),
        request,
        now,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return error_page(&headers, &e.into()),
    };
    let due = saved
        .data
        .due_at
        .map(|d| crate::ui::registers::due_text(t, &org.timezone, Register::Request, d))
        .unwrap_or_default();
    let org_name = crate::processor::display_name(&org);
    if let Some(mailer) = &state.security.mailer {
        mailer.send(
            &get("email"),
            crate::mail::intake_receipt(t.0, &org_name, &reference, &due),
        );
    }
    render(
        StatusCode::OK,
        &ReceiptPage {
            chrome: Chrome::new(t, "intake.received", false, String::new()),
            org_name,
            reference,
            due,
        },
    )
}
