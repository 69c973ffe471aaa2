//! One's own personal API tokens for an organisation: list, create (the secret is shown
//! once), revoke after a confirmation page.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pactum_domain::access::{NewToken, TokenScope};
use pactum_store::{StoreError, tokens};

use crate::access::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::pages::{Chrome, ConfirmPage, FieldError, csrf_of, error_page, language_of, render};
use crate::ui::register::Field;

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub scope_key: String,
    pub last_used: String,
    pub live: bool,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    banner: Option<String>,
    org_name: String,
    slug: String,
    new_secret: Option<String>,
    rows: Vec<TokenRow>,
    fields: Vec<Field>,
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    form: &HashMap<String, String>,
    errors: Vec<FieldError>,
    banner: Option<&str>,
    new_secret: Option<String>,
) -> Result<TokensPage, ApiError> {
    let t = language_of(state, headers, Some(caller.user_id())).await;
    let now = state.clock.now();
    let list = tokens::list(&state.store, caller.org_id(), caller.user_id()).await?;
    let mut chrome =
        Chrome::new(t, "tokens.title", true, csrf_of(headers)).in_org(caller, "tokens");
    chrome.has_errors = !errors.is_empty();
    let error = |id: &str| {
        errors
            .iter()
            .find(|e| e.field == id)
            .map(|e| e.message.clone())
    };
    let value = |k: &str| form.get(k).cloned().unwrap_or_default();
    Ok(TokensPage {
        fields: vec![
            Field {
                id: "name",
                name: "name",
                kind: "text",
                label: t.s("tokens.name").to_owned(),
                hint: Some(t.s("tokens.name_hint").to_owned()),
                error: error("name"),
                value: value("name"),
                autocomplete: "off",
                required: true,
            },
            Field {
                id: "expires_in_days",
                name: "expires_in_days",
                kind: "text",
                label: t.s("tokens.expires").to_owned(),
                hint: None,
                error: error("expires_in_days"),
                value: value("expires_in_days"),
                autocomplete: "off",
                required: false,
            },
        ],
        rows: list
            .into_iter()
            .map(|tk| TokenRow {
                id: tk.id.to_string(),
                live: tk.revoked_at.is_none() && tk.expires_at.is_none_or(|e| e > now),
                name: tk.name,
                prefix: tk.prefix,
                scope_key: format!("scope.{}", tk.scope.as_str()),
                last_used: tk
                    .last_used_at
                    .map(|l| crate::ui::format::date_time_in(t.0, &caller.membership.timezone, l))
                    .unwrap_or_else(|| t.s("tokens.never").to_owned()),
            })
            .collect(),
        banner: banner.map(|k| t.s(k).to_owned()),
        org_name: caller.membership.legal_name.clone(),
        slug: caller.membership.slug.clone(),
        new_secret,
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
    let revoked = q
        .ok()
        .and_then(|Query(q)| q.get("m").cloned())
        .is_some_and(|m| m == "revoked");
    let banner = revoked.then_some("tokens.revoked_done");
    match page(
        &state,
        &headers,
        &caller,
        &HashMap::new(),
        Vec::new(),
        banner,
        None,
    )
    .await
    {
        Ok(p) => render(StatusCode::OK, &p),
        Err(e) => error_page(&headers, &e),
    }
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let scope = form
        .get("scope")
        .and_then(|s| TokenScope::parse(s))
        .unwrap_or(TokenScope::Read);
    let days = form.get("expires_in_days").map(|d| d.trim()).unwrap_or("");
    let expires_in_days = if days.is_empty() {
        None
    } else {
        match days.parse::<i64>() {
            Ok(d) => Some(d),
            Err(_) => Some(0),
        }
    };
    let request = NewToken {
        name: form.get("name").cloned().unwrap_or_default(),
        scope,
        expires_in_days,
    };
    let (status, errors, secret) = match tokens::create(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        caller.user_id(),
        request,
        state.clock.now(),
    )
    .await
    {
        // The secret is shown on this answer only; a reload does not show it again.
        Ok(issued) => (StatusCode::CREATED, Vec::new(), Some(issued.secret)),
        Err(StoreError::Invalid(v)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            v.0.into_iter()
                .map(|x| {
                    if x.field == "expires_in_days" {
                        FieldError {
                            field: "expires_in_days",
                            message: t.s("tokens.expires_range").to_owned(),
                        }
                    } else {
                        FieldError {
                            field: "name",
                            message: t.s("tokens.name_required").to_owned(),
                        }
                    }
                })
                .collect(),
            None,
        ),
        Err(e) => return error_page(&headers, &e.into()),
    };
    let shown = if secret.is_some() {
        HashMap::new()
    } else {
        form
    };
    match page(&state, &headers, &caller, &shown, errors, None, secret).await {
        Ok(p) => render(status, &p),
        Err(e) => error_page(&headers, &e),
    }
}

fn token_id(p: &HashMap<String, String>) -> Option<uuid::Uuid> {
    p.get("id").and_then(|id| uuid::Uuid::parse_str(id).ok())
}

pub async fn revoke_confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let Some(id) = token_id(&p) else {
        return error_page(&headers, &ApiError::NotFound("Token".into()));
    };
    let mine = tokens::list(&state.store, caller.org_id(), caller.user_id())
        .await
        .unwrap_or_default();
    let Some(token) = mine.into_iter().find(|tk| tk.id == id) else {
        return error_page(&headers, &ApiError::NotFound("Token".into()));
    };
    let slug = &caller.membership.slug;
    let mut chrome =
        Chrome::new(t, "tokens.revoke_title", true, csrf_of(&headers)).in_org(&caller, "tokens");
    chrome.title = format!("{} {}", chrome.title, token.name);
    let page = ConfirmPage {
        chrome,
        body: t.s("tokens.revoke_body").to_owned(),
        action: format!("/orgs/{slug}/tokens/{id}/revoke"),
        submit: format!("{} {}", t.s("tokens.revoke"), token.name),
        back: format!("/orgs/{slug}/tokens"),
    };
    render(StatusCode::OK, &page)
}

pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let Some(id) = token_id(&p) else {
        return error_page(&headers, &ApiError::NotFound("Token".into()));
    };
    match tokens::revoke(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        caller.user_id(),
        id,
        state.clock.now(),
    )
    .await
    {
        Ok(()) => Redirect::to(&format!(
            "/orgs/{}/tokens?m=revoked",
            caller.membership.slug
        ))
        .into_response(),
        Err(e) => error_page(&headers, &e.into()),
    }
}
