//! Deleting an organisation or one's own account, and the organisation's legal hold.
//! A deletion locks at once and is final only when the recovery window ends; both pages
//! offer the full JSON export first, and the organisation's page is the one place a
//! locked organisation still opens (to recover it, or take its export).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use pactum_domain::access::Permission;
use pactum_domain::format;
use pactum_store::{StoreError, accounts, lifecycle};

use crate::access::Caller;
use crate::api::account::require_fresh;
use crate::auth::{Client, Principal};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::i18n::T;
use crate::ui::pages::{Chrome, FieldError, csrf_of, error_page, language_of, render};
use crate::ui::register::Field;

fn to_reauth(next: &str) -> Response {
    Redirect::to(&format!("/account/reauth?next={next}")).into_response()
}

fn confirm_field(t: T, label: String, value: &str, error: Option<String>) -> Field {
    Field {
        id: "confirm",
        name: "confirm",
        kind: "text",
        label,
        hint: Some(t.s("deletion.confirm_hint").to_owned()),
        error,
        value: value.to_owned(),
        autocomplete: "off",
        required: true,
    }
}

#[derive(Template)]
#[template(path = "org_deletion.html")]
struct OrgDeletionPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    banner: Option<String>,
    slug: String,
    is_owner: bool,
    /// When scheduled: the moment it goes, as people read it.
    purge_at: Option<String>,
    requested_at: String,
    window_days: i64,
    legal_hold: bool,
    fields: Vec<Field>,
}

async fn org_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    errors: Vec<FieldError>,
    banner: Option<&str>,
    typed: &str,
) -> Result<Response, ApiError> {
    let t = language_of(state, headers, Some(caller.user_id())).await;
    let zone = caller.membership.timezone.as_str();
    let scheduled = lifecycle::organisation_schedule(&state.store, caller.org_id()).await?;
    let mut chrome = Chrome::new(t, "deletion.org_title", true, csrf_of(headers));
    if scheduled.is_none() {
        chrome = chrome.in_org(caller, "settings");
    }
    chrome.has_errors = !errors.is_empty();
    let error = errors
        .iter()
        .find(|e| e.field == "confirm")
        .map(|e| e.message.clone());
    let page = OrgDeletionPage {
        banner: banner.map(|k| t.s(k).to_owned()),
        slug: caller.membership.slug.clone(),
        is_owner: caller.require(Permission::Own).is_ok(),
        purge_at: scheduled.map(|s| format::date_time_in(t.0, zone, s.purge_at)),
        requested_at: scheduled
            .map(|s| format::date_time_in(t.0, zone, s.requested_at))
            .unwrap_or_default(),
        window_days: state.settings.deletion_window.whole_days(),
        legal_hold: lifecycle::organisation_held(&state.store, caller.org_id()).await?,
        fields: vec![confirm_field(
            t,
            t.s("deletion.org_confirm")
                .replace("{slug}", &caller.membership.slug),
            typed,
            error,
        )],
        chrome,
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(status, &page))
}

/// Owners need a fresh proof of identity here: the page hands out the whole export.
fn owner_freshness(state: &AppState, caller: &Caller) -> Option<Response> {
    if caller.require(Permission::Own).is_ok()
        && matches!(
            require_fresh(state, &caller.principal),
            Err(ApiError::ReauthRequired)
        )
    {
        return Some(to_reauth(&format!(
            "/orgs/{}/deletion",
            caller.membership.slug
        )));
    }
    None
}

pub async fn org_show(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    q: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Some(r) = owner_freshness(&state, &caller) {
        return r;
    }
    let banner = match q
        .as_ref()
        .ok()
        .and_then(|Query(q)| q.get("m"))
        .map(String::as_str)
    {
        Some("recovered") => Some("deletion.recovered"),
        Some("hold_set") => Some("deletion.hold_set"),
        Some("hold_lifted") => Some("deletion.hold_lifted"),
        _ => None,
    };
    org_page(&state, &headers, &caller, Vec::new(), banner, "")
        .await
        .unwrap_or_else(|e| error_page(&headers, &e))
}

pub async fn org_schedule(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    if let Err(ApiError::ReauthRequired) = require_fresh(&state, &caller.principal) {
        return to_reauth(&format!("/orgs/{}/deletion", caller.membership.slug));
    }
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let typed = form.get("confirm").map(|s| s.trim()).unwrap_or_default();
    if typed != caller.membership.slug {
        let e = FieldError {
            field: "confirm",
            message: t.s("deletion.org_confirm_wrong").to_owned(),
        };
        return org_page(&state, &headers, &caller, vec![e], None, typed)
            .await
            .unwrap_or_else(|e| error_page(&headers, &e));
    }
    match lifecycle::schedule_organisation(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        state.clock.now(),
        state.settings.deletion_window,
    )
    .await
    {
        Ok(_) | Err(StoreError::Conflict { .. }) => {
            Redirect::to(&format!("/orgs/{}/deletion", caller.membership.slug)).into_response()
        }
        Err(e) => error_page(&headers, &e.into()),
    }
}

pub async fn org_recover(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
) -> Response {
    match lifecycle::recover_organisation(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        state.clock.now(),
    )
    .await
    {
        Ok(()) | Err(StoreError::Conflict { .. }) => Redirect::to(&format!(
            "/orgs/{}/deletion?m=recovered",
            caller.membership.slug
        ))
        .into_response(),
        Err(e) => error_page(&headers, &e.into()),
    }
}

pub async fn org_hold(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let on = form.get("legal_hold").is_some_and(|v| v == "yes");
    match lifecycle::hold_organisation(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        on,
        state.clock.now(),
    )
    .await
    {
        Ok(()) => Redirect::to(&format!(
            "/orgs/{}/deletion?m={}",
            caller.membership.slug,
            if on { "hold_set" } else { "hold_lifted" }
        ))
        .into_response(),
        Err(e) => error_page(&headers, &e.into()),
    }
}

#[derive(Template)]
#[template(path = "account_deletion.html")]
struct AccountDeletionPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    /// Organisations only this account owns: it cannot go while there are any.
    sole: Vec<String>,
    window_days: i64,
    fields: Vec<Field>,
}

async fn account_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &Principal,
    errors: Vec<FieldError>,
    typed: &str,
) -> Result<Response, ApiError> {
    let t = language_of(state, headers, Some(who.user_id)).await;
    let mut chrome = Chrome::new(t, "deletion.account_title", true, csrf_of(headers));
    chrome.has_errors = !errors.is_empty();
    let error = errors
        .iter()
        .find(|e| e.field == "confirm")
        .map(|e| e.message.clone());
    let page = AccountDeletionPage {
        sole: lifecycle::sole_ownerships(&state.store, who.user_id).await?,
        window_days: state.settings.deletion_window.whole_days(),
        fields: vec![confirm_field(
            t,
            t.s("deletion.account_confirm").to_owned(),
            typed,
            error,
        )],
        chrome,
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(status, &page))
}

pub async fn account_show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: Principal,
) -> Response {
    if let Err(ApiError::ReauthRequired) = require_fresh(&state, &who) {
        return to_reauth("/account/deletion");
    }
    account_page(&state, &headers, &who, Vec::new(), "")
        .await
        .unwrap_or_else(|e| error_page(&headers, &e))
}

#[derive(Template)]
#[template(path = "message.html")]
struct Scheduled {
    chrome: Chrome,
    body: String,
}

pub async fn account_schedule(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
    who: Principal,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(who.user_id)).await;
    let typed = form.get("confirm").map(|s| s.trim()).unwrap_or_default();
    let problem = |key: &str| FieldError {
        field: "confirm",
        message: t.s(key).to_owned(),
    };
    let result = crate::api::account_deletion::schedule(&state, &client, &who, Some(typed)).await;
    let errors = match result {
        Ok(s) => {
            let user = accounts::get(&state.store, who.user_id).await.ok();
            // The person has no time zone of their own: their first organisation's.
            let zone = accounts::memberships(&state.store, who.user_id)
                .await
                .ok()
                .and_then(|m| m.into_iter().next())
                .map_or_else(|| "UTC".to_owned(), |m| m.timezone);
            let when = format::date_time_in(t.0, &zone, s.purge_at);
            let page = Scheduled {
                chrome: Chrome::new(t, "deletion.account_scheduled_title", false, String::new()),
                body: t
                    .s("deletion.account_scheduled")
                    .replace("{date}", &when)
                    .replace(
                        "{email}",
                        user.as_ref().map(|u| u.email.as_str()).unwrap_or_default(),
                    ),
            };
            let mut res = render(StatusCode::OK, &page);
            crate::api::account::clearing_cookies(&mut res);
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            return res;
        }
        Err(ApiError::ReauthRequired) => return to_reauth("/account/deletion"),
        Err(ApiError::Invalid(_)) => vec![problem("deletion.account_confirm_wrong")],
        Err(ApiError::Conflict { field, .. }) if field == "account" => {
            vec![problem("deletion.account_sole_owner")]
        }
        Err(e) => return error_page(&headers, &e),
    };
    account_page(&state, &headers, &who, errors, typed)
        .await
        .unwrap_or_else(|e| error_page(&headers, &e))
}
