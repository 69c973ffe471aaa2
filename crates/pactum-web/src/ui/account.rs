//! One's own account: details, two-factor authentication (enrol with a QR code, backup
//! codes, turn off) and the sessions one is signed in with.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use pactum_domain::timestamp;
use pactum_store::{accounts, sessions};

use crate::api::account::{confirm_enrolment, enrolment, reauthenticate, turn_off_two_factor};
use crate::auth::{Client, Principal};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::i18n::T;
use crate::ui::pages::{Chrome, FieldError, csrf_of, error_page, language_of, render};
use crate::ui::register::Field;

type Form = axum::Form<HashMap<String, String>>;

fn code_field(t: T, label: &str, error: Option<String>) -> Field {
    Field {
        id: "code",
        name: "code",
        kind: "text",
        label: t.s(label).to_owned(),
        hint: None,
        error,
        value: String::new(),
        autocomplete: "one-time-code",
        required: true,
    }
}

pub struct SessionRow {
    pub id: String,
    pub created: String,
    pub created_iso: String,
    pub seen: String,
    pub seen_iso: String,
    pub ip: String,
    pub agent: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    banner: Option<String>,
    username: String,
    email: String,
    verified: bool,
    two_factor: bool,
    backup_left: i64,
    disable: Vec<Field>,
    sessions: Vec<SessionRow>,
    profile: Vec<Field>,
    password: Vec<Field>,
    email_change: Vec<Field>,
    language: &'static str,
}

async fn account_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &Principal,
    banner: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<AccountPage, ApiError> {
    let t = language_of(state, headers, Some(who.user_id)).await;
    let user = accounts::get(&state.store, who.user_id).await?;
    let list = sessions::list(
        &state.store,
        who.user_id,
        state.auth().session,
        state.clock.now(),
    )
    .await?;
    let mut chrome = Chrome::new(t, "account.title", true, csrf_of(headers));
    chrome.has_errors = !errors.is_empty();
    let disable_error = errors
        .iter()
        .find(|e| e.field == "code")
        .map(|e| e.message.clone());
    Ok(AccountPage {
        banner: banner.map(|k| t.s(k).to_owned()),
        username: user.username.clone().unwrap_or_default(),
        email: user.email.clone(),
        verified: user.email_verified,
        two_factor: user.two_factor_enabled,
        backup_left: accounts::backup_codes_left(&state.store, who.user_id).await?,
        disable: vec![code_field(t, "disable.code", disable_error)],
        profile: vec![Field {
            id: "display_name",
            name: "display_name",
            kind: "text",
            label: t.s("register.display_name").to_owned(),
            hint: None,
            error: errors
                .iter()
                .find(|e| e.field == "display_name")
                .map(|e| e.message.clone()),
            value: user.display_name.clone().unwrap_or_default(),
            autocomplete: "name",
            required: false,
        }],
        email_change: vec![
            Field {
                id: "new_email",
                name: "new_email",
                kind: "email",
                label: t.s("email.new").to_owned(),
                hint: Some(t.s("email.new_hint").to_owned()),
                error: errors
                    .iter()
                    .find(|e| e.field == "new_email")
                    .map(|e| e.message.clone()),
                value: String::new(),
                autocomplete: "email",
                required: true,
            },
            Field {
                id: "email_password",
                name: "password",
                kind: "password",
                label: t.s("email.password").to_owned(),
                hint: None,
                error: errors
                    .iter()
                    .find(|e| e.field == "email_password")
                    .map(|e| e.message.clone()),
                value: String::new(),
                autocomplete: "current-password",
                required: true,
            },
        ],
        password: vec![
            Field {
                id: "current_password",
                name: "current_password",
                kind: "password",
                label: t.s("password.current").to_owned(),
                hint: None,
                error: errors
                    .iter()
                    .find(|e| e.field == "current_password")
                    .map(|e| e.message.clone()),
                value: String::new(),
                autocomplete: "current-password",
                required: true,
            },
            Field {
                id: "new_password",
                name: "new_password",
                kind: "password",
                label: t.s("password.new").to_owned(),
                hint: Some(t.s("register.password_hint").to_owned()),
                error: errors
                    .iter()
                    .find(|e| e.field == "new_password")
                    .map(|e| e.message.clone()),
                value: String::new(),
                autocomplete: "new-password",
                required: true,
            },
        ],
        language: match user.language {
            pactum_domain::organisation::Language::En => "en",
            pactum_domain::organisation::Language::Nl => "nl",
        },
        sessions: list
            .into_iter()
            .map(|s| SessionRow {
                id: s.id.to_string(),
                created: crate::ui::format::date_time(t.0, s.created_at),
                created_iso: timestamp::format(s.created_at),
                seen: crate::ui::format::date_time(t.0, s.last_seen_at),
                seen_iso: timestamp::format(s.last_seen_at),
                ip: s.ip.unwrap_or_default(),
                agent: s.user_agent.unwrap_or_default(),
                current: Some(s.id) == who.session_id(),
            })
            .collect(),
        chrome,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: Principal,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let banner = match q.get("m").map(String::as_str) {
        Some("session_ended") => Some("account.session_ended"),
        Some("two_factor_off") => Some("account.two_factor_off"),
        Some("profile_saved") => Some("profile.saved"),
        Some("password_changed") => Some("password.changed"),
        Some("email_sent") => Some("email.sent"),
        _ => None,
    };
    match account_page(&state, &headers, &who, banner, Vec::new()).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => error_page(&headers, &e),
    }
}

pub async fn end_session(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    who: Principal,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return error_page(&headers, &ApiError::NotFound("Session".into()));
    };
    match sessions::revoke(
        &state.store,
        &client.actor(Some(who.user_id)),
        who.user_id,
        id,
        state.clock.now(),
    )
    .await
    {
        Ok(()) => Redirect::to("/account?m=session_ended").into_response(),
        Err(e) => error_page(&headers, &e.into()),
    }
}

#[derive(Template)]
#[template(path = "reauth.html")]
struct ReauthPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    next: String,
    fields: Vec<Field>,
}

fn reauth_page(t: T, csrf: String, next: &str, errors: Vec<FieldError>) -> ReauthPage {
    let mut chrome = Chrome::new(t, "reauth.title", true, csrf);
    chrome.has_errors = !errors.is_empty();
    let error = |id: &str| {
        errors
            .iter()
            .find(|e| e.field == id)
            .map(|e| e.message.clone())
    };
    ReauthPage {
        fields: vec![
            Field {
                id: "password",
                name: "password",
                kind: "password",
                label: t.s("login.password").to_owned(),
                hint: None,
                error: error("password"),
                value: String::new(),
                autocomplete: "current-password",
                required: true,
            },
            Field {
                hint: Some(t.s("login.code_hint").to_owned()),
                required: false,
                ..code_field(t, "login.code", error("code"))
            },
        ],
        chrome,
        errors,
        next: next.to_owned(),
    }
}

/// Sends the browser to confirm its identity, coming back to `next` after.
fn to_reauth(next: &str) -> Response {
    Redirect::to(&format!(
        "/account/reauth?next={}",
        next.replace('&', "%26")
    ))
    .into_response()
}

fn safe_next(next: &str) -> &str {
    // Only pages of Pactum's own: the account's, and an organisation's deletion page.
    let own_page =
        next.starts_with("/account") || (next.starts_with("/orgs/") && next.ends_with("/deletion"));
    if own_page && !next.contains("//") && !next.contains('\\') {
        next
    } else {
        "/account"
    }
}

pub async fn reauth_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: Principal,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let next = safe_next(q.get("next").map(String::as_str).unwrap_or("/account"));
    let t = language_of(&state, &headers, Some(who.user_id)).await;
    render(
        StatusCode::OK,
        &reauth_page(t, csrf_of(&headers), next, Vec::new()),
    )
}

pub async fn reauth_submit(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    who: Principal,
    axum::Form(form): Form,
) -> Response {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let next = safe_next(&get("next")).to_owned();
    let code = get("code");
    let code = (!code.trim().is_empty()).then_some(code.trim().to_owned());
    let t = language_of(&state, &headers, Some(who.user_id)).await;
    let error = match reauthenticate(&state, &client, &who, &get("password"), code.as_deref()).await
    {
        Ok(()) => return Redirect::to(&next).into_response(),
        Err(ApiError::BadCredentials) => FieldError {
            field: "password",
            message: t.s("login.bad_credentials").to_owned(),
        },
        Err(ApiError::TwoFactorNeeded(_)) => FieldError {
            field: "code",
            message: t
                .s(if code.is_some() {
                    "login.code_wrong"
                } else {
                    "login.code_needed"
                })
                .to_owned(),
        },
        Err(ApiError::TooManyRequests(_)) => FieldError {
            field: "password",
            message: t.s("login.locked").to_owned(),
        },
        Err(e) => return error_page(&headers, &e),
    };
    render(
        StatusCode::UNAUTHORIZED,
        &reauth_page(t, csrf_of(&headers), &next, vec![error]),
    )
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct TwoFactorPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    qr_svg: String,
    secret: String,
    fields: Vec<Field>,
    backup_codes: Option<Vec<String>>,
}

/// The QR code as markup to put inline: the SVG element without its XML declaration.
fn inline_svg(svg: &str) -> String {
    match svg.find("<svg") {
        Some(i) => svg[i..].to_owned(),
        None => String::new(),
    }
}

/// Groups of four, as authenticator apps show keys.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn enrol_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &Principal,
    errors: Vec<FieldError>,
) -> Response {
    let t = language_of(state, headers, Some(who.user_id)).await;
    let e = match enrolment(state, who).await {
        Ok(e) => e,
        Err(ApiError::Conflict { .. }) => return Redirect::to("/account").into_response(),
        Err(e) => return error_page(headers, &e),
    };
    let mut chrome = Chrome::new(t, "two_factor.title", true, csrf_of(headers));
    chrome.has_errors = !errors.is_empty();
    let error = errors.first().map(|e| e.message.clone());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = TwoFactorPage {
        chrome,
        errors,
        qr_svg: inline_svg(&e.qr_svg),
        secret: grouped(&e.secret),
        fields: vec![Field {
            kind: "text",
            ..code_field(t, "two_factor.code", error)
        }],
        backup_codes: None,
    };
    render(status, &page)
}

pub async fn enrol_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: Principal,
) -> Response {
    if crate::api::account::require_fresh(&state, &who).is_err() {
        return to_reauth("/account/two-factor");
    }
    enrol_page(&state, &headers, &who, Vec::new()).await
}

pub async fn enrol_submit(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    who: Principal,
    axum::Form(form): Form,
) -> Response {
    let code = form.get("code").cloned().unwrap_or_default();
    let t = language_of(&state, &headers, Some(who.user_id)).await;
    match confirm_enrolment(&state, &client, &who, &code).await {
        Ok((codes, cookies)) => {
            let mut chrome = Chrome::new(t, "two_factor.codes_title", true, String::new());
            chrome.csrf = cookies
                .get(1)
                .and_then(|c| c.to_str().ok())
                .and_then(|c| c.split(';').next())
                .and_then(|c| c.split_once('='))
                .map(|(_, v)| v.to_owned())
                .unwrap_or_default();
            let page = TwoFactorPage {
                chrome,
                errors: Vec::new(),
                qr_svg: String::new(),
                secret: String::new(),
                fields: Vec::new(),
                backup_codes: Some(codes),
            };
            let mut res = render(StatusCode::OK, &page);
            for c in cookies {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            res
        }
        Err(ApiError::ReauthRequired) => to_reauth("/account/two-factor"),
        Err(ApiError::Invalid(_)) => {
            let error = FieldError {
                field: "code",
                message: t.s("two_factor.code_wrong").to_owned(),
            };
            enrol_page(&state, &headers, &who, vec![error]).await
        }
        Err(e) => error_page(&headers, &e),
    }
}

pub async fn disable(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    who: Principal,
    axum::Form(form): Form,
) -> Response {
    let code = form.get("code").cloned().unwrap_or_default();
    match turn_off_two_factor(&state, &client, &who, &code).await {
        Ok(()) => Redirect::to("/account?m=two_factor_off").into_response(),
        Err(ApiError::ReauthRequired) => to_reauth("/account"),
        Err(ApiError::Invalid(_)) => {
            let t = language_of(&state, &headers, Some(who.user_id)).await;
            let error = FieldError {
                field: "code",
                message: t.s("login.code_wrong").to_owned(),
            };
            match account_page(&state, &headers, &who, None, vec![error]).await {
                Ok(page) => render(StatusCode::UNPROCESSABLE_ENTITY, &page),
                Err(e) => error_page(&headers, &e),
            }
        }
        Err(e) => error_page(&headers, &e),
    }
}

async fn account_problem(
    state: &AppState,
    headers: &HeaderMap,
    who: &Principal,
    errors: Vec<FieldError>,
) -> Response {
    match account_page(state, headers, who, None, errors).await {
        Ok(page) => render(StatusCode::UNPROCESSABLE_ENTITY, &page),
        Err(e) => error_page(headers, &e),
    }
}

pub async fn save_profile(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    who: Principal,
    axum::Form(form): Form,
) -> Response {
    let chosen = match form.get("language").map(String::as_str) {
        Some("nl") => pactum_domain::organisation::Language::Nl,
        _ => pactum_domain::organisation::Language::En,
    };
    let mut change = pactum_domain::account::ProfileChange {
        username: None,
        display_name: Some(form.get("display_name").cloned().unwrap_or_default()),
        language: Some(chosen),
    };
    change.normalise();
    if let Err(v) = change.validate() {
        let t = language_of(&state, &headers, Some(who.user_id)).await;
        let errors =
            v.0.into_iter()
                .map(|x| FieldError {
                    field: "display_name",
                    message: if x.rule == "max_length" {
                        t.s("projects.too_long").to_owned()
                    } else {
                        x.message
                    },
                })
                .collect();
        return account_problem(&state, &headers, &who, errors).await;
    }
    match accounts::update_profile(
        &state.store,
        &client.actor(Some(who.user_id)),
        who.user_id,
        change,
        state.clock.now(),
    )
    .await
    {
        Ok(_) => Redirect::to("/account?m=profile_saved").into_response(),
        Err(e) => error_page(&headers, &e.into()),
    }
}

pub async fn change_password(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    who: Principal,
    axum::Form(form): Form,
) -> Response {
    let change = crate::api::account::PasswordChange {
        current_password: form.get("current_password").cloned().unwrap_or_default(),
        new_password: form.get("new_password").cloned().unwrap_or_default(),
    };
    let t = language_of(&state, &headers, Some(who.user_id)).await;
    match crate::api::account::set_new_password(&state, &client, &who, change).await {
        Ok(cookies) => {
            let mut res = Redirect::to("/account?m=password_changed").into_response();
            for c in cookies {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            res
        }
        Err(ApiError::Invalid(v)) => {
            let errors =
                v.0.into_iter()
                    .map(|x| {
                        if x.field == "current_password" {
                            FieldError {
                                field: "current_password",
                                message: t.s("password.current_wrong").to_owned(),
                            }
                        } else {
                            let known = t.s(&format!("reg.new_password.{}", x.rule));
                            FieldError {
                                field: "new_password",
                                message: if known.is_empty() {
                                    x.message
                                } else {
                                    known.to_owned()
                                },
                            }
                        }
                    })
                    .collect();
            account_problem(&state, &headers, &who, errors).await
        }
        Err(e) => error_page(&headers, &e),
    }
}

pub async fn change_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: Principal,
    axum::Form(form): Form,
) -> Response {
    let change = crate::api::account::EmailChange {
        new_email: form.get("new_email").cloned().unwrap_or_default(),
        password: form.get("password").cloned().unwrap_or_default(),
    };
    let t = language_of(&state, &headers, Some(who.user_id)).await;
    match crate::api::account::request_email_change(&state, &who, change).await {
        Ok(()) => Redirect::to("/account?m=email_sent").into_response(),
        Err(ApiError::Invalid(v)) => {
            let errors =
                v.0.into_iter()
                    .map(|x| {
                        if x.field == "password" {
                            FieldError {
                                field: "email_password",
                                message: t.s("password.current_wrong").to_owned(),
                            }
                        } else {
                            FieldError {
                                field: "new_email",
                                message: t.s("reg.email.email").to_owned(),
                            }
                        }
                    })
                    .collect();
            account_problem(&state, &headers, &who, errors).await
        }
        Err(e) => error_page(&headers, &e),
    }
}
