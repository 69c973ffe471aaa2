//! The organisation's settings: the details that head the Article 30 record, the 2FA
//! requirement, and who the members are. Owners and admins change them; others read them.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pactum_domain::access::{Permission, role_name};
use pactum_domain::organisation::Organisation;
use pactum_store::{StoreError, members, organisations};

use crate::access::Caller;
use crate::state::AppState;
use crate::ui::i18n::{T, negotiate};
use crate::ui::pages::{Chrome, FieldError, error_page, render};
use crate::ui::register::Field;

/// (form field and element id, label key, autocomplete, input type, required)
const FIELDS: [(&str, &str, &str, &str, bool); 10] = [
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
];

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
    members: Vec<(String, String, String)>,
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    form: &HashMap<String, String>,
    require_two_factor: bool,
    errors: Vec<FieldError>,
    banner: Option<&str>,
) -> Result<SettingsPage, crate::error::ApiError> {
    let preferred = pactum_store::accounts::get(&state.store, caller.user_id())
        .await
        .ok()
        .map(|u| u.language);
    let t = T(negotiate(headers, preferred));
    let mut chrome = Chrome::new(
        t,
        "settings.title",
        true,
        crate::auth::cookie(headers, crate::auth::CSRF_COOKIE)
            .unwrap_or_default()
            .to_owned(),
    );
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
                hint: None,
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
        members: people
            .into_iter()
            .map(|m| {
                (
                    m.email,
                    m.display_name.unwrap_or_default(),
                    format!("role.{}", role_name(m.role)),
                )
            })
            .collect(),
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
    let saved = q
        .ok()
        .and_then(|Query(q)| q.get("m").cloned())
        .is_some_and(|m| m == "saved");
    let org = match organisations::get(&state.store, caller.org_id()).await {
        Ok(o) => o,
        Err(e) => return error_page(&headers, &e.into()),
    };
    let banner = saved.then_some("settings.saved");
    match page(
        &state,
        &headers,
        &caller,
        &values(&org.data),
        org.data.require_two_factor,
        Vec::new(),
        banner,
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
    let changed = Organisation {
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
        ..current
    };
    let slug = caller.membership.slug.clone();
    let preferred = pactum_store::accounts::get(&state.store, caller.user_id())
        .await
        .ok()
        .map(|u| u.language);
    let t = T(negotiate(&headers, preferred));
    let errors = match organisations::update(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        changed,
        state.clock.now(),
    )
    .await
    {
        Ok(_) => return Redirect::to(&format!("/orgs/{slug}/settings?m=saved")).into_response(),
        Err(StoreError::Invalid(v)) => v
            .0
            .into_iter()
            .map(|x| {
                // A rule on a field this form does not show still reaches the summary.
                let field = FIELDS
                    .iter()
                    .find(|f| f.0 == x.field)
                    .map_or("legal_name", |f| f.0);
                let message = match (field, x.rule.as_str()) {
                    ("legal_name", "required") => t.s("settings.legal_name_required").to_owned(),
                    ("country", _) => t.s("settings.country_wrong").to_owned(),
                    _ => x.message,
                };
                FieldError { field, message }
            })
            .collect(),
        Err(e) => return error_page(&headers, &e.into()),
    };
    match page(
        &state,
        &headers,
        &caller,
        &form,
        require_two_factor,
        errors,
        None,
    )
    .await
    {
        Ok(p) => render(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(e) => error_page(&headers, &e),
    }
}
