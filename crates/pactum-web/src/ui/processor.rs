//! The processor toolkit's pages inside an organisation: one page (`/orgs/{org}/processor`)
//! with the trust page's publication and the notice period, the customers, the
//! sub-processor notices, objections, audit requests and subscribers; a page per notice
//! and one to publish a notice; and a breach's customer notices. Customers and audit
//! requests are edited on the generic record pages (`ui::record`).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pactum_domain::access::Permission;
use pactum_domain::clocks::period::local_date;
use pactum_domain::organisation::Organisation;
use pactum_domain::processor::audit::AuditRequest;
use pactum_domain::processor::customer::Customer;
use pactum_domain::processor::notice::{
    NoticeDraft, NoticeKind, ObjectionStatus, earliest_effective,
};
use pactum_domain::validation::Violations;
use pactum_store::processor::notices::{self, Notice};
use pactum_store::processor::{objections, subscribers};
use pactum_store::records;
use pactum_store::scope::Scope;
use uuid::Uuid;

use crate::access::Caller;
use crate::error::ApiError;
use crate::processor::{self as service, day_text};
use crate::state::AppState;
use crate::ui::i18n::T;
use crate::ui::pages::{Chrome, FieldError, csrf_of, error_page, language_of, render};
use crate::ui::record_form::{Opt, Tax, rule_message, taxonomy_options};
use crate::ui::trust::{NoticeRow, notice_row, notice_title};

pub struct CustomerRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub hours: String,
    pub notice_days: String,
    pub audit: String,
}

pub struct NoticeLine {
    pub id: String,
    pub title: String,
    pub published: String,
    pub effective: String,
    pub state: &'static str,
    pub state_label: String,
    pub sent: String,
    pub objections: i64,
}

pub struct ObjectionRow {
    pub id: String,
    pub notice: String,
    pub customer: String,
    pub contact: String,
    pub reasons: String,
    pub status: String,
    pub response: String,
    pub received: String,
}

pub struct AuditRow {
    pub id: String,
    pub customer: String,
    pub received: String,
    pub audit_on: String,
    pub notice: String,
    pub notice_ok: bool,
    pub frequency: String,
    pub frequency_ok: bool,
    pub status: String,
}

pub struct SubscriberRow {
    pub id: String,
    pub email: String,
    pub state: String,
}

#[derive(Template)]
#[template(path = "processor.html")]
struct HubPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    banner: Option<String>,
    slug: String,
    org_name: String,
    can_manage: bool,
    can_write: bool,
    trust_enabled: bool,
    notice_days: String,
    notice_days_error: Option<String>,
    minimum_days: u32,
    customers: Vec<CustomerRow>,
    notices: Vec<NoticeLine>,
    objections: Vec<ObjectionRow>,
    statuses: Vec<(String, String)>,
    audits: Vec<AuditRow>,
    subscribers: Vec<SubscriberRow>,
}

fn notice_state(n: &Notice, today: time::Date) -> &'static str {
    if n.withdrawn_at.is_some() {
        "withdrawn"
    } else if today < n.effective_on {
        "running"
    } else {
        "effective"
    }
}

async fn hub(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    form: Option<&HashMap<String, String>>,
    errors: Vec<FieldError>,
    banner: Option<&str>,
) -> Result<HubPage, ApiError> {
    let t = language_of(state, headers, Some(caller.user_id())).await;
    let org_id = caller.org_id();
    let org: Organisation = pactum_store::organisations::get(&state.store, org_id)
        .await?
        .data;
    let mut chrome =
        Chrome::new(t, "processor.title", true, csrf_of(headers)).in_org(caller, "processor");
    chrome.has_errors = !errors.is_empty();
    let can_manage = caller.require(Permission::Manage).is_ok();
    let scope = Scope::Org(org_id);
    let language = t.0;
    let today = local_date(state.clock.now(), &org.timezone);
    let customers = records::every::<Customer>(&state.store, scope).await?;
    let name_of = |id: Uuid| {
        customers
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.data.name.clone())
            .unwrap_or_default()
    };
    let mut audits = Vec::new();
    let mut requests = records::every::<AuditRequest>(&state.store, scope).await?;
    requests.sort_by_key(|r| std::cmp::Reverse(r.data.received_on));
    // Every request and customer is at hand: the checks need no further reads.
    let pairs: Vec<_> = requests.iter().map(|r| (r.id, r.data.clone())).collect();
    for r in &requests {
        let customer = customers.iter().find(|c| c.id == r.data.customer_id);
        let same_customer: Vec<_> = pairs
            .iter()
            .filter(|(_, o)| o.customer_id == r.data.customer_id)
            .cloned()
            .collect();
        let terms = pactum_domain::processor::audit::check_terms(
            (r.id, &r.data),
            customer.and_then(|c| c.data.audit_notice_days),
            customer.and_then(|c| c.data.audits_per_year),
            &same_customer,
        );
        audits.push(AuditRow {
            id: r.id.to_string(),
            customer: name_of(r.data.customer_id),
            received: day_text(language, r.data.received_on),
            audit_on: r
                .data
                .audit_on
                .map(|d| day_text(language, d))
                .unwrap_or_default(),
            notice: match terms.notice_given_days {
                Some(g) => t
                    .s("audit.notice_of")
                    .replace("{given}", &g.to_string())
                    .replace("{needed}", &terms.notice_days.to_string()),
                None => t.s("audit.no_date").to_owned(),
            },
            notice_ok: terms.notice_ok,
            frequency: t
                .s("audit.in_year")
                .replace("{count}", &terms.in_year.to_string())
                .replace("{limit}", &terms.per_year.to_string()),
            frequency_ok: terms.frequency_ok,
            status: t
                .s(&format!(
                    "choice.{}",
                    serde_json::to_value(r.data.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                ))
                .to_owned(),
        });
    }
    let notice_list = notices::list(&state.store, org_id).await?;
    Ok(HubPage {
        banner: banner.map(|k| t.s(k).to_owned()),
        slug: caller.membership.slug.clone(),
        org_name: caller.membership.legal_name.clone(),
        can_manage,
        can_write: caller.require(Permission::Write).is_ok(),
        trust_enabled: match form {
            Some(f) => f.get("trust_page_enabled").is_some_and(|v| v == "yes"),
            None => org.trust_page_enabled,
        },
        notice_days: match form {
            Some(f) => f
                .get("subprocessor_notice_days")
                .cloned()
                .unwrap_or_default(),
            None => org.subprocessor_notice_days.to_string(),
        },
        notice_days_error: errors
            .iter()
            .find(|e| e.field == "subprocessor_notice_days")
            .map(|e| e.message.clone()),
        errors,
        minimum_days: notices::minimum_days(&state.store, org_id).await?,
        customers: customers
            .iter()
            .map(|c| CustomerRow {
                id: c.id.to_string(),
                name: c.data.name.clone(),
                email: c.data.notice_email.clone().unwrap_or_default(),
                hours: c.data.breach_hours().to_string(),
                notice_days: c
                    .data
                    .subprocessor_notice_days
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "–".to_owned()),
                audit: t
                    .s("processor.audit_terms")
                    .replace(
                        "{days}",
                        &c.data.audit_notice_days.unwrap_or_default().to_string(),
                    )
                    .replace(
                        "{count}",
                        &c.data.audits_per_year.unwrap_or_default().to_string(),
                    ),
            })
            .collect(),
        notices: notice_list
            .iter()
            .map(|n| {
                let s = notice_state(n, today);
                NoticeLine {
                    id: n.id.to_string(),
                    title: notice_title(t, n),
                    published: pactum_domain::format::date(language, n.published_at),
                    effective: day_text(language, n.effective_on),
                    state: s,
                    state_label: t.s(&format!("notice.state.{s}")).to_owned(),
                    sent: t
                        .s("notice.sent_count")
                        .replace("{ok}", &n.delivered.to_string())
                        .replace("{failed}", &n.failed.to_string()),
                    objections: n.objections,
                }
            })
            .collect(),
        objections: objections::list(&state.store, org_id)
            .await?
            .into_iter()
            .map(|o| ObjectionRow {
                id: o.id.to_string(),
                notice: o.notice_name,
                customer: o.customer_name,
                contact: format!("{} <{}>", o.contact_name, o.email),
                reasons: o.reasons,
                status: o.status.key().to_owned(),
                response: o.response.unwrap_or_default(),
                received: pactum_domain::format::date_time_in(
                    language,
                    &org.timezone,
                    o.received_at,
                ),
            })
            .collect(),
        statuses: ObjectionStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.key().to_owned(),
                    t.s(&format!("objection.status.{}", s.key())).to_owned(),
                )
            })
            .collect(),
        audits,
        subscribers: if can_manage {
            subscribers::list(&state.store, org_id)
                .await?
                .into_iter()
                .map(|s| SubscriberRow {
                    id: s.id.to_string(),
                    email: s.email,
                    state: match s.confirmed_at {
                        Some(at) => t
                            .s("subscriber.confirmed")
                            .replace("{date}", &pactum_domain::format::date(language, at)),
                        None => t.s("subscriber.pending").to_owned(),
                    },
                })
                .collect()
        } else {
            Vec::new()
        },
        chrome,
    })
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    q: Result<
        axum::extract::Query<HashMap<String, String>>,
        axum::extract::rejection::QueryRejection,
    >,
) -> Response {
    let banner = q.ok().and_then(|axum::extract::Query(q)| {
        q.get("m").and_then(|m| match m.as_str() {
            "saved" => Some("processor.saved"),
            "objection" => Some("processor.objection_saved"),
            "removed" => Some("processor.subscriber_removed"),
            _ => None,
        })
    });
    match hub(&state, &headers, &caller, None, Vec::new(), banner).await {
        Ok(p) => render(StatusCode::OK, &p),
        Err(e) => error_page(&headers, &e),
    }
}

/// `POST /orgs/{org}/processor/settings`: publishes or hides the trust page and sets the
/// notice period.
pub async fn settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        let current = pactum_store::organisations::get(&state.store, caller.org_id())
            .await?
            .data;
        let days = form
            .get("subprocessor_notice_days")
            .map(|d| d.trim())
            .and_then(|d| d.parse::<u32>().ok());
        let Some(days) = days else {
            let errors = vec![FieldError {
                field: "subprocessor_notice_days",
                message: t.s("processor.days_invalid").to_owned(),
            }];
            let p = hub(&state, &headers, &caller, Some(&form), errors, None).await?;
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &p));
        };
        let changed = Organisation {
            trust_page_enabled: form.get("trust_page_enabled").is_some_and(|v| v == "yes"),
            subprocessor_notice_days: days,
            ..current
        };
        match pactum_store::organisations::update(
            &state.store,
            &caller.actor(),
            caller.org_id(),
            changed,
            state.clock.now(),
        )
        .await
        {
            Ok(_) => Ok(Redirect::to(&format!(
                "/orgs/{}/processor?m=saved",
                caller.membership.slug
            ))
            .into_response()),
            Err(pactum_store::StoreError::Invalid(v)) => {
                let errors =
                    v.0.iter()
                        .map(|x| FieldError {
                            field: "subprocessor_notice_days",
                            message: rule_message(
                                t,
                                t.s("field.subprocessor_notice_days"),
                                &x.rule,
                                &x.message,
                            ),
                        })
                        .take(1)
                        .collect();
                let p = hub(&state, &headers, &caller, Some(&form), errors, None).await?;
                Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &p))
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    result.unwrap_or_else(|e: ApiError| error_page(&headers, &e))
}

pub struct Input {
    pub name: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Opt>,
    pub error: Option<String>,
    pub required: bool,
}

#[derive(Template)]
#[template(path = "processor_notice_new.html")]
struct NewNoticePage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    slug: String,
    org_name: String,
    earliest: String,
    minimum_days: u32,
    inputs: Vec<Input>,
}

const NOTICE_FIELDS: [&str; 8] = [
    "kind",
    "name",
    "replaces",
    "purpose",
    "location",
    "transfer_mechanism",
    "details",
    "effective_on",
];

async fn new_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    form: &HashMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<NewNoticePage, ApiError> {
    let t = language_of(state, headers, Some(caller.user_id())).await;
    let org = pactum_store::organisations::get(&state.store, caller.org_id())
        .await?
        .data;
    let minimum = notices::minimum_days(&state.store, caller.org_id()).await?;
    let earliest = earliest_effective(local_date(state.clock.now(), &org.timezone), minimum);
    let mut chrome =
        Chrome::new(t, "notice.new_title", true, csrf_of(headers)).in_org(caller, "processor");
    chrome.has_errors = !errors.is_empty();
    let options = |list: Vec<(String, String)>, current: &str, blank: bool| {
        let mut out = Vec::new();
        if blank {
            out.push(Opt {
                value: String::new(),
                label: "—".to_owned(),
                selected: current.is_empty(),
            });
        }
        out.extend(list.into_iter().map(|(value, label)| Opt {
            selected: value == current,
            value,
            label,
        }));
        out
    };
    let inputs = NOTICE_FIELDS
        .iter()
        .map(|&name| {
            let value = form.get(name).cloned().unwrap_or_else(|| {
                if name == "effective_on" {
                    earliest.to_string()
                } else {
                    String::new()
                }
            });
            let (kind, opts) = match name {
                "kind" => (
                    "select",
                    options(
                        ["addition", "replacement", "removal"]
                            .iter()
                            .map(|k| ((*k).to_owned(), t.s(&format!("notice.kind.{k}")).to_owned()))
                            .collect(),
                        &value,
                        false,
                    ),
                ),
                "location" => (
                    "select",
                    options(taxonomy_options(Tax::Country, t.0), &value, true),
                ),
                "transfer_mechanism" => (
                    "select",
                    options(taxonomy_options(Tax::Mechanism, t.0), &value, true),
                ),
                "details" | "purpose" => ("text", Vec::new()),
                "effective_on" => ("date", Vec::new()),
                _ => ("line", Vec::new()),
            };
            Input {
                name,
                label: t.s(&format!("notice.field.{name}")).to_owned(),
                hint: t
                    .get(&format!("notice.field.{name}_hint"))
                    .map(str::to_owned),
                kind,
                value,
                options: opts,
                error: errors
                    .iter()
                    .find(|e| e.field == name)
                    .map(|e| e.message.clone()),
                required: matches!(name, "kind" | "name" | "effective_on"),
            }
        })
        .collect();
    Ok(NewNoticePage {
        chrome,
        errors,
        slug: caller.membership.slug.clone(),
        org_name: caller.membership.legal_name.clone(),
        earliest: day_text(t.0, earliest),
        minimum_days: minimum,
        inputs,
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
) -> Response {
    match new_page(&state, &headers, &caller, &HashMap::new(), Vec::new()).await {
        Ok(p) => render(StatusCode::OK, &p),
        Err(e) => error_page(&headers, &e),
    }
}

fn violations_to_errors(t: T, v: &Violations, earliest: &str, days: u32) -> Vec<FieldError> {
    let mut out: Vec<FieldError> = Vec::new();
    for x in &v.0 {
        let field = NOTICE_FIELDS
            .iter()
            .find(|f| **f == x.field)
            .copied()
            .unwrap_or("name");
        if out.iter().any(|e| e.field == field) {
            continue;
        }
        let message = match x.rule.as_str() {
            "notice_period" => t
                .s("notice.rule.notice_period")
                .replace("{days}", &days.to_string())
                .replace("{earliest}", earliest),
            rule => rule_message(t, t.s(&format!("notice.field.{field}")), rule, &x.message),
        };
        out.push(FieldError { field, message });
    }
    out
}

pub async fn publish(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        let get = |k: &str| {
            form.get(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut errors = Vec::new();
        let kind: Option<NoticeKind> =
            get("kind").and_then(|k| serde_json::from_value(serde_json::Value::String(k)).ok());
        let effective = get("effective_on").and_then(|d| {
            time::Date::parse(&d, &time::format_description::well_known::Iso8601::DATE).ok()
        });
        if kind.is_none() {
            errors.push(FieldError {
                field: "kind",
                message: t.s("notice.kind_required").to_owned(),
            });
        }
        if effective.is_none() {
            errors.push(FieldError {
                field: "effective_on",
                message: t.s("notice.date_required").to_owned(),
            });
        }
        let (Some(kind), Some(effective_on)) = (kind, effective) else {
            let p = new_page(&state, &headers, &caller, &form, errors).await?;
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &p));
        };
        let draft = NoticeDraft {
            kind,
            name: get("name").unwrap_or_default(),
            purpose: get("purpose"),
            location: get("location"),
            transfer_mechanism: get("transfer_mechanism"),
            replaces: get("replaces"),
            details: get("details"),
            effective_on,
        };
        match service::publish(&state, &caller.actor(), caller.org_id(), draft).await {
            Ok(n) => Ok(Redirect::to(&format!(
                "/orgs/{}/processor/notices/{}?m=published",
                caller.membership.slug, n.id
            ))
            .into_response()),
            Err(ApiError::Invalid(v)) => {
                let org = pactum_store::organisations::get(&state.store, caller.org_id())
                    .await?
                    .data;
                let days = notices::minimum_days(&state.store, caller.org_id()).await?;
                let earliest =
                    earliest_effective(local_date(state.clock.now(), &org.timezone), days);
                let errors = violations_to_errors(t, &v, &day_text(t.0, earliest), days);
                let p = new_page(&state, &headers, &caller, &form, errors).await?;
                Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &p))
            }
            Err(e) => Err(e),
        }
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

#[derive(Template)]
#[template(path = "processor_notice.html")]
struct NoticePage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    banner: Option<String>,
    slug: String,
    org_name: String,
    notice: NoticeRow,
    state_label: String,
    can_manage: bool,
    deliveries: Vec<(String, String, bool, String)>,
    reason_error: Option<String>,
}

async fn notice_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    id: Uuid,
    banner: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<NoticePage, ApiError> {
    let t = language_of(state, headers, Some(caller.user_id())).await;
    let n = notices::get(&state.store, caller.org_id(), id).await?;
    let zone = caller.membership.timezone.clone();
    let today = local_date(state.clock.now(), &zone);
    let mut chrome =
        Chrome::new(t, "notice.title", true, csrf_of(headers)).in_org(caller, "processor");
    chrome.has_errors = !errors.is_empty();
    let s = notice_state(&n, today);
    Ok(NoticePage {
        banner: banner.map(|k| t.s(k).to_owned()),
        slug: caller.membership.slug.clone(),
        org_name: caller.membership.legal_name.clone(),
        notice: notice_row(t, &n, today),
        state_label: t.s(&format!("notice.state.{s}")).to_owned(),
        can_manage: caller.require(Permission::Manage).is_ok(),
        deliveries: notices::deliveries(&state.store, caller.org_id(), id)
            .await?
            .into_iter()
            .map(|d| {
                (
                    d.sent_to,
                    pactum_domain::format::date_time_in(t.0, &zone, d.sent_at),
                    d.delivered,
                    d.error.unwrap_or_default(),
                )
            })
            .collect(),
        reason_error: errors
            .iter()
            .find(|e| e.field == "reason")
            .map(|e| e.message.clone()),
        errors,
        chrome,
    })
}

fn id_of(p: &HashMap<String, String>, what: &str) -> Result<Uuid, ApiError> {
    p.get("id")
        .and_then(|i| Uuid::parse_str(i).ok())
        .ok_or_else(|| ApiError::NotFound(what.to_owned()))
}

pub async fn notice(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
    q: Result<
        axum::extract::Query<HashMap<String, String>>,
        axum::extract::rejection::QueryRejection,
    >,
) -> Response {
    let banner = q.ok().and_then(
        |axum::extract::Query(q)| match q.get("m").map(String::as_str) {
            Some("published") => Some("notice.published"),
            Some("withdrawn") => Some("notice.withdrawn_done"),
            _ => None,
        },
    );
    let result = async {
        let id = id_of(&p, "Notice")?;
        notice_page(&state, &headers, &caller, id, banner, Vec::new()).await
    }
    .await;
    match result {
        Ok(p) => render(StatusCode::OK, &p),
        Err(e) => error_page(&headers, &e),
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        let id = id_of(&p, "Notice")?;
        let reason = form.get("reason").cloned().unwrap_or_default();
        match notices::withdraw(
            &state.store,
            &caller.actor(),
            caller.org_id(),
            id,
            &reason,
            state.clock.now(),
        )
        .await
        {
            Ok(_) => Ok(Redirect::to(&format!(
                "/orgs/{}/processor/notices/{id}?m=withdrawn",
                caller.membership.slug
            ))
            .into_response()),
            Err(pactum_store::StoreError::Invalid(_)) => {
                let errors = vec![FieldError {
                    field: "reason",
                    message: t.s("notice.reason_required").to_owned(),
                }];
                let p = notice_page(&state, &headers, &caller, id, None, errors).await?;
                Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &p))
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    result.unwrap_or_else(|e: ApiError| error_page(&headers, &e))
}

pub async fn objection(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        let id = id_of(&p, "Objection")?;
        let status: Option<ObjectionStatus> = form
            .get("status")
            .and_then(|s| serde_json::from_value(serde_json::Value::String(s.clone())).ok());
        let outcome = match status {
            None => Err(FieldError {
                field: "status",
                message: t.s("objection.status_required").to_owned(),
            }),
            Some(s) => match objections::update(
                &state.store,
                &caller.actor(),
                caller.org_id(),
                id,
                s,
                form.get("response").map(String::as_str),
                state.clock.now(),
            )
            .await
            {
                Ok(_) => Ok(()),
                Err(pactum_store::StoreError::Invalid(_)) => Err(FieldError {
                    field: "response",
                    message: t.s("objection.response_required").to_owned(),
                }),
                Err(e) => return Err(e.into()),
            },
        };
        match outcome {
            Ok(()) => Ok(Redirect::to(&format!(
                "/orgs/{}/processor?m=objection#objections",
                caller.membership.slug
            ))
            .into_response()),
            Err(e) => {
                let p = hub(&state, &headers, &caller, None, vec![e], None).await?;
                Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &p))
            }
        }
    }
    .await;
    result.unwrap_or_else(|e: ApiError| error_page(&headers, &e))
}

pub async fn remove_subscriber(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let result = async {
        let id = id_of(&p, "Subscriber")?;
        subscribers::remove(
            &state.store,
            &caller.actor(),
            caller.org_id(),
            id,
            state.clock.now(),
        )
        .await?;
        Ok::<_, ApiError>(
            Redirect::to(&format!(
                "/orgs/{}/processor?m=removed#subscribers",
                caller.membership.slug
            ))
            .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

pub struct StatusRow {
    pub name: String,
    pub email: String,
    pub hours: u32,
    pub due: String,
    pub due_iso: String,
    pub state: &'static str,
    pub state_label: String,
    pub notified: String,
    pub pending: i64,
}

#[derive(Template)]
#[template(path = "breach_notices.html")]
struct BreachNoticesPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    banner: Option<String>,
    slug: String,
    breach_id: String,
    breach_title: String,
    can_write: bool,
    customers: Vec<StatusRow>,
    sent: Vec<(String, String, String, String, bool, String)>,
}

async fn breach_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    id: Uuid,
    errors: Vec<FieldError>,
    banner: Option<&str>,
) -> Result<BreachNoticesPage, ApiError> {
    let t = language_of(state, headers, Some(caller.user_id())).await;
    let zone = caller.membership.timezone.clone();
    let breach = records::get::<pactum_domain::registers::breach::Breach>(
        &state.store,
        Scope::Org(caller.org_id()),
        id,
    )
    .await?;
    let view = service::breach_notices(state, caller.org_id(), id).await?;
    let mut chrome =
        Chrome::new(t, "breach_notices.title", true, csrf_of(headers)).in_org(caller, "breaches");
    chrome.has_errors = !errors.is_empty();
    let moment = |at| pactum_domain::format::date_time_in(t.0, &zone, at);
    Ok(BreachNoticesPage {
        banner: banner.map(|k| t.s(k).to_owned()),
        slug: caller.membership.slug.clone(),
        breach_id: id.to_string(),
        breach_title: breach.data.title,
        can_write: caller.require(Permission::Write).is_ok(),
        customers: view
            .customers
            .iter()
            .map(|c| StatusRow {
                name: c.name.clone(),
                email: c.notice_email.clone().unwrap_or_default(),
                hours: c.hours,
                due: moment(c.due_at),
                due_iso: pactum_domain::timestamp::format(c.due_at),
                state: c.state,
                state_label: t.s(&format!("breach_notices.state.{}", c.state)).to_owned(),
                notified: c.notified_at.map(moment).unwrap_or_default(),
                pending: c.updates_pending,
            })
            .collect(),
        sent: view
            .notices
            .iter()
            .map(|n| {
                (
                    moment(n.sent_at),
                    n.customer_name.clone(),
                    n.sent_to.clone(),
                    if n.phase == 0 {
                        t.s("breach_notices.first").to_owned()
                    } else {
                        t.s("breach_notices.with_updates")
                            .replace("{n}", &n.phase.to_string())
                    },
                    n.delivered,
                    n.error.clone().unwrap_or_default(),
                )
            })
            .collect(),
        errors,
        chrome,
    })
}

pub async fn breach_notices(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
    q: Result<
        axum::extract::Query<HashMap<String, String>>,
        axum::extract::rejection::QueryRejection,
    >,
) -> Response {
    let banner = q.ok().and_then(|axum::extract::Query(q)| {
        (q.get("m").map(String::as_str) == Some("sent")).then_some("breach_notices.sent")
    });
    let result = async {
        let id = id_of(&p, "Breach")?;
        breach_page(&state, &headers, &caller, id, Vec::new(), banner).await
    }
    .await;
    match result {
        Ok(p) => render(StatusCode::OK, &p),
        Err(e) => error_page(&headers, &e),
    }
}

pub async fn send_breach_notices(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        let id = id_of(&p, "Breach")?;
        match service::send_breach_notices(&state, &caller.actor(), caller.org_id(), id).await {
            Ok(_) => Ok(Redirect::to(&format!(
                "/orgs/{}/breaches/{id}/customer-notices?m=sent",
                caller.membership.slug
            ))
            .into_response()),
            Err(ApiError::Invalid(v)) if v.0.iter().any(|x| x.field == "customer_ids") => {
                let errors = vec![FieldError {
                    field: "customer_ids",
                    message: t.s("breach_notices.no_customers").to_owned(),
                }];
                let p = breach_page(&state, &headers, &caller, id, errors, None).await?;
                Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &p))
            }
            Err(e) => Err(e),
        }
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}
