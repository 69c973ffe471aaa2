//! The pages behind e-mailed links: confirm an address, confirm a new address, choose a new
//! password. Opening a link only shows a form; the token is used when the person presses
//! the button, so mail scanners that open links do not spend them.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use crate::api::account::{Reset, use_email_change, use_reset, use_verification};
use crate::auth::Client;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::i18n::{T, negotiate};
use crate::ui::pages::{Chrome, FieldError, error_page, login_csrf, pre_session_csrf, render};
use crate::ui::register::Field;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Verify,
    Change,
    Reset,
}

impl Link {
    fn key(self) -> &'static str {
        match self {
            Link::Verify => "verify",
            Link::Change => "change",
            Link::Reset => "reset",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Link::Verify => "/account/verify-email",
            Link::Change => "/account/confirm-email",
            Link::Reset => "/account/reset-password",
        }
    }
}

#[derive(Template)]
#[template(path = "link.html")]
struct LinkPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    intro: String,
    action: &'static str,
    token: String,
    fields: Vec<Field>,
    submit: String,
}

#[derive(Template)]
#[template(path = "message.html")]
struct DonePage {
    chrome: Chrome,
    body: String,
}

fn reset_fields(t: T, errors: &[FieldError]) -> Vec<Field> {
    let error = |id: &str| {
        errors
            .iter()
            .find(|e| e.field == id)
            .map(|e| e.message.clone())
    };
    vec![
        Field {
            id: "new_password",
            name: "new_password",
            kind: "password",
            label: t.s("link.reset.password").to_owned(),
            hint: Some(t.s("register.password_hint").to_owned()),
            error: error("new_password"),
            value: String::new(),
            autocomplete: "new-password",
            required: true,
        },
        Field {
            id: "code",
            name: "code",
            kind: "text",
            label: t.s("login.code").to_owned(),
            hint: Some(t.s("login.code_hint").to_owned()),
            error: error("code"),
            value: String::new(),
            autocomplete: "one-time-code",
            required: false,
        },
    ]
}

fn page(link: Link, t: T, csrf: String, token: String, errors: Vec<FieldError>) -> LinkPage {
    let k = link.key();
    let mut chrome = Chrome::new(t, &format!("link.{k}.title"), false, csrf);
    chrome.has_errors = !errors.is_empty();
    LinkPage {
        fields: if link == Link::Reset {
            reset_fields(t, &errors)
        } else {
            Vec::new()
        },
        chrome,
        errors,
        intro: t.s(&format!("link.{k}.intro")).to_owned(),
        action: link.path(),
        token,
        submit: t.s(&format!("link.{k}.submit")).to_owned(),
    }
}

async fn show(link: Link, headers: HeaderMap, query: HashMap<String, String>) -> Response {
    let t = T(negotiate(&headers, None));
    let (csrf, set) = login_csrf(&headers);
    let token = query.get("token").cloned().unwrap_or_default();
    let mut res = render(StatusCode::OK, &page(link, t, csrf, token, Vec::new()));
    if let Some(h) = set {
        res.headers_mut().append(header::SET_COOKIE, h);
    }
    res
}

async fn submit(
    link: Link,
    state: AppState,
    client: Client,
    headers: HeaderMap,
    form: HashMap<String, String>,
) -> Response {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let Some(csrf) = pre_session_csrf(&headers, &form) else {
        return error_page(&headers, &ApiError::Forbidden(String::new()));
    };
    let t = T(negotiate(&headers, None));
    let token = get("token");
    let outcome = match link {
        Link::Verify => use_verification(&state, &client, &token).await,
        Link::Change => use_email_change(&state, &client, &token).await,
        Link::Reset => {
            let code = get("code");
            let reset = Reset {
                token: token.clone(),
                new_password: get("new_password"),
                code: (!code.trim().is_empty()).then_some(code),
            };
            use_reset(&state, &client, reset).await
        }
    };
    let (status, errors) = match outcome {
        Ok(()) => {
            let done = DonePage {
                chrome: Chrome::new(t, "link.done_title", false, csrf),
                body: t.s(&format!("link.{}.done", link.key())).to_owned(),
            };
            return render(StatusCode::OK, &done);
        }
        Err(ApiError::Invalid(v)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            v.0.iter()
                .map(|x| {
                    let known = t.s(&format!("reg.{}.{}", x.field, x.rule));
                    let (field, message) = if x.field == "token" {
                        ("new_password", t.s("link.bad").to_owned())
                    } else if known.is_empty() {
                        ("new_password", x.message.clone())
                    } else {
                        ("new_password", known.to_owned())
                    };
                    FieldError { field, message }
                })
                .collect::<Vec<_>>(),
        ),
        Err(ApiError::TwoFactorNeeded(_)) => (
            StatusCode::UNAUTHORIZED,
            vec![FieldError {
                field: "code",
                message: t
                    .s(if get("code").trim().is_empty() {
                        "login.code_needed"
                    } else {
                        "login.code_wrong"
                    })
                    .to_owned(),
            }],
        ),
        Err(e) => return error_page(&headers, &e),
    };
    // A bad link has no field to fix: say so on a page of its own.
    if link != Link::Reset || errors.iter().any(|e| e.message == t.s("link.bad")) {
        let bad = DonePage {
            chrome: Chrome::new(t, &format!("link.{}.title", link.key()), false, csrf),
            body: t.s("link.bad").to_owned(),
        };
        return render(StatusCode::UNPROCESSABLE_ENTITY, &bad);
    }
    render(status, &page(link, t, csrf, token, errors))
}

type Q = Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>;
type F = axum::Form<HashMap<String, String>>;

fn query(q: Q) -> HashMap<String, String> {
    q.map(|Query(q)| q).unwrap_or_default()
}

pub async fn verify_form(headers: HeaderMap, q: Q) -> Response {
    show(Link::Verify, headers, query(q)).await
}

pub async fn verify_submit(
    State(s): State<AppState>,
    c: Client,
    h: HeaderMap,
    axum::Form(f): F,
) -> Response {
    submit(Link::Verify, s, c, h, f).await
}

pub async fn change_form(headers: HeaderMap, q: Q) -> Response {
    show(Link::Change, headers, query(q)).await
}

pub async fn change_submit(
    State(s): State<AppState>,
    c: Client,
    h: HeaderMap,
    axum::Form(f): F,
) -> Response {
    submit(Link::Change, s, c, h, f).await
}

pub async fn reset_form(headers: HeaderMap, q: Q) -> Response {
    show(Link::Reset, headers, query(q)).await
}

pub async fn reset_submit(
    State(s): State<AppState>,
    c: Client,
    h: HeaderMap,
    axum::Form(f): F,
) -> Response {
    submit(Link::Reset, s, c, h, f).await
}
