//! The organisation's settings: the details that head the Article 30 record, the 2FA
//! requirement, and who the members are. Owners and admins change them; others read them.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pactum_domain::access::{Permission, role_name};
use pactum_domain::organisation::{Member, MemberRole, Organisation};
use pactum_store::{StoreError, members, organisations};

use crate::access::Caller;
use crate::state::AppState;
use crate::ui::pages::{Chrome, ConfirmPage, FieldError, csrf_of, error_page, language_of, render};
use crate::ui::register::Field;

/// (form field and element id, label key, autocomplete, input type, required)
const FIELDS: [(&str, &str, &str, &str, bool); 15] = [
    (
        "legal_name",
        "settings.legal_name",
        "organization",
        "text",
        true,
    ),
    ("trade_name", "settings.trade_name", "off", "text", false),
    (
        "address",
        "settings.address",
        "street-address",
        "text",
        false,
    ),
    ("country", "settings.country", "country", "text", true),
    (
        "registration_number",
        "settings.registration_number",
        "off",
        "text",
        false,
    ),
    ("vat_number", "settings.vat_number", "off", "text", false),
    ("dpo_name", "settings.dpo_name", "off", "text", false),
    ("dpo_email", "settings.dpo_email", "off", "email", false),
    ("dpo_phone", "settings.dpo_phone", "off", "tel", false),
    (
        "eu_representative",
        "settings.eu_representative",
        "off",
        "text",
        false,
    ),
    // The registers' clocks.
    ("timezone", "settings.timezone", "off", "text", true),
    (
        "holiday_region",
        "settings.holiday_region",
        "off",
        "text",
        false,
    ),
    (
        "closure_days",
        "settings.closure_days",
        "off",
        "text",
        false,
    ),
    (
        "breach_reminder_hours",
        "settings.breach_reminder_hours",
        "off",
        "text",
        false,
    ),
    (
        "request_reminder_days",
        "settings.request_reminder_days",
        "off",
        "text",
        false,
    ),
];

fn joined<T: ToString>(list: &[T]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A list typed as values separated by commas or spaces.
fn split(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', ' ', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn values(org: &Organisation) -> HashMap<String, String> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    HashMap::from([
        ("legal_name".to_owned(), org.legal_name.clone()),
        ("trade_name".to_owned(), opt(&org.trade_name)),
        ("address".to_owned(), opt(&org.address)),
        ("country".to_owned(), org.country.clone()),
        (
            "registration_number".to_owned(),
            opt(&org.registration_number),
        ),
        ("vat_number".to_owned(), opt(&org.vat_number)),
        ("dpo_name".to_owned(), opt(&org.dpo_name)),
        ("dpo_email".to_owned(), opt(&org.dpo_email)),
        ("dpo_phone".to_owned(), opt(&org.dpo_phone)),
        ("eu_representative".to_owned(), opt(&org.eu_representative)),
        ("timezone".to_owned(), org.timezone.clone()),
        (
            "intake_enabled".to_owned(),
            if org.intake_enabled { "yes" } else { "" }.to_owned(),
        ),
        ("holiday_region".to_owned(), opt(&org.holiday_region)),
        ("closure_days".to_owned(), joined(&org.closure_days)),
        (
            "breach_reminder_hours".to_owned(),
            joined(&org.breach_reminder_hours),
        ),
        (
            "request_reminder_days".to_owned(),
            joined(&org.request_reminder_days),
        ),
    ])
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    banner: Option<String>,
    org_name: String,
    slug: String,
    can_manage: bool,
    fields: Vec<Field>,
    require_two_factor: bool,
    intake_enabled: bool,
    members: Vec<MemberRow>,
    roles: Vec<(String, String)>,
    member_fields: Vec<Field>,
}

pub struct MemberRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub role_key: String,
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    form: &HashMap<String, String>,
    require_two_factor: bool,
    errors: Vec<FieldError>,
    banner: Option<&str>,
    member_email: &str,
) -> Result<SettingsPage, crate::error::ApiError> {
    let t = language_of(state, headers, Some(caller.user_id())).await;
    let mut chrome =
        Chrome::new(t, "settings.title", true, csrf_of(headers)).in_org(caller, "settings");
    chrome.has_errors = !errors.is_empty();
    let people = members::list(&state.store, caller.org_id()).await?;
    Ok(SettingsPage {
        banner: banner.map(|k| t.s(k).to_owned()),
        org_name: caller.membership.legal_name.clone(),
        slug: caller.membership.slug.clone(),
        can_manage: caller.require(Permission::Manage).is_ok(),
        fields: FIELDS
            .iter()
            .map(|(name, label, autocomplete, kind, required)| Field {
                id: name,
                name,
                kind,
                label: t.s(label).to_owned(),
                hint: t.get(&format!("{label}_hint")).map(str::to_owned),
                error: errors
                    .iter()
                    .find(|e| e.field == *name)
                    .map(|e| e.message.clone()),
                value: form.get(*name).cloned().unwrap_or_default(),
                autocomplete,
                required: *required,
            })
            .collect(),
        require_two_factor,
        intake_enabled: form.get("intake_enabled").is_some_and(|v| v == "yes"),
        members: people
            .into_iter()
            .map(|m| MemberRow {
                id: m.id.to_string(),
                email: m.email,
                name: m.display_name.unwrap_or_default(),
                role: role_name(m.role).to_owned(),
                role_key: format!("role.{}", role_name(m.role)),
            })
            .collect(),
        roles: pactum_domain::access::ROLES
            .iter()
            .map(|r| (role_name(*r).to_owned(), format!("role.{}", role_name(*r))))
            .collect(),
        member_fields: vec![Field {
            id: "member_email",
            name: "email",
            kind: "email",
            label: t.s("register.email").to_owned(),
            hint: Some(t.s("members.email_hint").to_owned()),
            error: errors
                .iter()
                .find(|e| e.field == "member_email")
                .map(|e| e.message.clone()),
            value: member_email.to_owned(),
            autocomplete: "off",
            required: true,
        }],
        chrome,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    q: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let m = q.ok().and_then(|Query(q)| q.get("m").cloned());
    let banner = match m.as_deref() {
        Some("saved") => Some("settings.saved"),
        Some("added") => Some("members.added"),
        Some("role_changed") => Some("members.role_changed"),
        Some("removed") => Some("members.removed"),
        _ => None,
    };
    let org = match organisations::get(&state.store, caller.org_id()).await {
        Ok(o) => o,
        Err(e) => return error_page(&headers, &e.into()),
    };
    match page(
        &state,
        &headers,
        &caller,
        &values(&org.data),
        org.data.require_two_factor,
        Vec::new(),
        banner,
        "",
    )
    .await
    {
        Ok(p) => render(StatusCode::OK, &p),
        Err(e) => error_page(&headers, &e),
    }
}

pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let current = match organisations::get(&state.store, caller.org_id()).await {
        Ok(o) => o.data,
        Err(e) => return error_page(&headers, &e.into()),
    };
    let text = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let opt = |k: &str| Some(text(k)).filter(|v| !v.is_empty());
    let require_two_factor = form.get("require_two_factor").is_some_and(|v| v == "yes");
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let mut input_errors = Vec::new();
    // A field the posted form leaves out keeps its value (older forms, scripts).
    let closure_days: Vec<time::Date> = match form.get("closure_days") {
        None => current.closure_days.clone(),
        Some(raw) => split(raw)
            .filter_map(|d| {
                let parsed =
                    time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
                        .ok();
                if parsed.is_none()
                    && !input_errors
                        .iter()
                        .any(|e: &FieldError| e.field == "closure_days")
                {
                    input_errors.push(FieldError {
                        field: "closure_days",
                        message: t.s("settings.closure_days_wrong").replace("{value}", d),
                    });
                }
                parsed
            })
            .collect(),
    };
    let mut numbers = |field: &'static str, kept: &[u32]| -> Vec<u32> {
        let Some(raw) = form.get(field) else {
            return kept.to_vec();
        };
        let parsed: Vec<Option<u32>> = split(raw).map(|n| n.parse().ok()).collect();
        if parsed.iter().any(Option::is_none) {
            input_errors.push(FieldError {
                field,
                message: t
                    .s("settings.whole_numbers")
                    .replace("{field}", t.s(&format!("settings.{field}"))),
            });
        }
        parsed.into_iter().flatten().collect()
    };
    let breach_reminder_hours = numbers("breach_reminder_hours", &current.breach_reminder_hours);
    let request_reminder_days = numbers("request_reminder_days", &current.request_reminder_days);
    let timezone = form
        .get("timezone")
        .map_or_else(|| current.timezone.clone(), |z| z.trim().to_owned());
    let holiday_region = match form.get("holiday_region") {
        None => current.holiday_region.clone(),
        Some(_) => opt("holiday_region"),
    };
    let changed = Organisation {
        timezone,
        holiday_region,
        closure_days,
        breach_reminder_hours,
        request_reminder_days,
        legal_name: text("legal_name"),
        trade_name: opt("trade_name"),
        address: opt("address"),
        country: text("country"),
        registration_number: opt("registration_number"),
        vat_number: opt("vat_number"),
        dpo_name: opt("dpo_name"),
        dpo_email: opt("dpo_email"),
        dpo_phone: opt("dpo_phone"),
        eu_representative: opt("eu_representative"),
        require_two_factor,
        intake_enabled: form.get("intake_enabled").is_some_and(|v| v == "yes"),
        ..current
    };
    let slug = caller.membership.slug.clone();
    let errors = if !input_errors.is_empty() {
        input_errors
    } else {
        match organisations::update(
            &state.store,
            &caller.actor(),
            caller.org_id(),
            changed,
            state.clock.now(),
        )
        .await
        {
            Ok(_) => {
                return Redirect::to(&format!("/orgs/{slug}/settings?m=saved")).into_response();
            }
            Err(StoreError::Invalid(v)) => {
                v.0.into_iter()
                    .map(|x| {
                        // A rule on a field this form does not show still reaches the summary.
                        let field = FIELDS
                            .iter()
                            .find(|f| f.0 == x.field)
                            .map_or("legal_name", |f| f.0);
                        let message = match (field, x.rule.as_str()) {
                            ("legal_name", "required") => {
                                t.s("settings.legal_name_required").to_owned()
                            }
                            ("country", _) => t.s("settings.country_wrong").to_owned(),
                            _ => x.message,
                        };
                        FieldError { field, message }
                    })
                    .collect()
            }
            Err(e) => return error_page(&headers, &e.into()),
        }
    };
    match page(
        &state,
        &headers,
        &caller,
        &form,
        require_two_factor,
        errors,
        None,
        "",
    )
    .await
    {
        Ok(p) => render(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(e) => error_page(&headers, &e),
    }
}

/// Re-renders the settings page with a problem in the members part.
async fn member_problem(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    errors: Vec<FieldError>,
    member_email: &str,
) -> Response {
    let org = match organisations::get(&state.store, caller.org_id()).await {
        Ok(o) => o,
        Err(e) => return error_page(headers, &e.into()),
    };
    match page(
        state,
        headers,
        caller,
        &values(&org.data),
        org.data.require_two_factor,
        errors,
        None,
        member_email,
    )
    .await
    {
        Ok(p) => render(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(e) => error_page(headers, &e),
    }
}

fn parse_role(text: &str) -> Option<MemberRole> {
    pactum_domain::access::ROLES
        .into_iter()
        .find(|r| role_name(*r) == text)
}

/// A member change refused for a reason a person can act on: (field, message key).
fn member_error(e: &StoreError) -> Option<&'static str> {
    match e {
        StoreError::Conflict { field, .. } if field == "role" => Some("members.last_owner"),
        StoreError::Conflict { .. } => Some("members.already"),
        StoreError::Invalid(_) => Some("members.email_wrong"),
        _ => None,
    }
}

pub async fn add_member(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let email = form.get("email").cloned().unwrap_or_default();
    let role = form
        .get("role")
        .and_then(|r| parse_role(r))
        .unwrap_or(MemberRole::Viewer);
    if role == MemberRole::Owner && caller.require(Permission::Own).is_err() {
        let e = FieldError {
            field: "member_email",
            message: t.s("members.owner_only").to_owned(),
        };
        return member_problem(&state, &headers, &caller, vec![e], &email).await;
    }
    let member = Member {
        email: email.clone(),
        display_name: None,
        role,
    };
    match members::add(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        member,
        state.clock.now(),
    )
    .await
    {
        Ok(_) => Redirect::to(&format!(
            "/orgs/{}/settings?m=added#members",
            caller.membership.slug
        ))
        .into_response(),
        Err(e) => match member_error(&e) {
            Some(key) => {
                let e = FieldError {
                    field: "member_email",
                    message: t.s(key).to_owned(),
                };
                member_problem(&state, &headers, &caller, vec![e], &email).await
            }
            None => error_page(&headers, &e.into()),
        },
    }
}

fn member_id(p: &HashMap<String, String>) -> Option<uuid::Uuid> {
    p.get("id").and_then(|id| uuid::Uuid::parse_str(id).ok())
}

pub async fn change_role(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let (Some(id), Some(role)) = (member_id(&p), form.get("role").and_then(|r| parse_role(r)))
    else {
        return error_page(&headers, &crate::error::ApiError::NotFound("Member".into()));
    };
    let current = match members::get(&state.store, caller.org_id(), id).await {
        Ok(m) => m,
        Err(e) => return error_page(&headers, &e.into()),
    };
    if (role == MemberRole::Owner || current.role == MemberRole::Owner)
        && caller.require(Permission::Own).is_err()
    {
        let e = FieldError {
            field: "member_email",
            message: t.s("members.owner_only").to_owned(),
        };
        return member_problem(&state, &headers, &caller, vec![e], "").await;
    }
    match members::set_role(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        id,
        role,
        state.clock.now(),
    )
    .await
    {
        Ok(_) => Redirect::to(&format!(
            "/orgs/{}/settings?m=role_changed#members",
            caller.membership.slug
        ))
        .into_response(),
        Err(e) => match member_error(&e) {
            Some(key) => {
                let e = FieldError {
                    field: "member_email",
                    message: t.s(key).to_owned(),
                };
                member_problem(&state, &headers, &caller, vec![e], "").await
            }
            None => error_page(&headers, &e.into()),
        },
    }
}

/// Removing someone is confirmed on a page of its own first.
pub async fn remove_confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let Some(id) = member_id(&p) else {
        return error_page(&headers, &crate::error::ApiError::NotFound("Member".into()));
    };
    let member = match members::get(&state.store, caller.org_id(), id).await {
        Ok(m) => m,
        Err(e) => return error_page(&headers, &e.into()),
    };
    let slug = &caller.membership.slug;
    let mut chrome =
        Chrome::new(t, "members.remove_title", true, csrf_of(&headers)).in_org(&caller, "settings");
    chrome.title = format!("{} {}", chrome.title, member.email);
    let page = ConfirmPage {
        chrome,
        body: t.s("members.remove_body").to_owned(),
        action: format!("/orgs/{slug}/members/{id}/remove"),
        submit: format!("{} {}", t.s("members.remove"), member.email),
        back: format!("/orgs/{slug}/settings#members"),
    };
    render(StatusCode::OK, &page)
}

pub async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let Some(id) = member_id(&p) else {
        return error_page(&headers, &crate::error::ApiError::NotFound("Member".into()));
    };
    let current = match members::get(&state.store, caller.org_id(), id).await {
        Ok(m) => m,
        Err(e) => return error_page(&headers, &e.into()),
    };
    if current.role == MemberRole::Owner && caller.require(Permission::Own).is_err() {
        let e = FieldError {
            field: "member_email",
            message: t.s("members.owner_only").to_owned(),
        };
        return member_problem(&state, &headers, &caller, vec![e], "").await;
    }
    match members::remove(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        id,
        state.clock.now(),
    )
    .await
    {
        Ok(()) => Redirect::to(&format!(
            "/orgs/{}/settings?m=removed#members",
            caller.membership.slug
        ))
        .into_response(),
        Err(e) => match member_error(&e) {
            Some(key) => {
                let e = FieldError {
                    field: "member_email",
                    message: t.s(key).to_owned(),
                };
                member_problem(&state, &headers, &caller, vec![e], "").await
            }
            None => error_page(&headers, &e.into()),
        },
    }
}
