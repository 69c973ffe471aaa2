//! "Forgot your password?": asks for the address and mails a reset link. The answer is the
//! same whether or not an account uses the address.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use pactum_domain::account::FormProof;

use crate::api::account::{Forgot, request_reset, ticket};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::assets;
use crate::ui::i18n::{T, negotiate};
use crate::ui::pages::{Chrome, FieldError, error_page, login_csrf, pre_session_csrf, render};
use crate::ui::register::Field;

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    banner: Option<String>,
    fields: Vec<Field>,
    form_token: String,
    challenge: String,
    worker: String,
}

fn page(
    state: &AppState,
    t: T,
    csrf: String,
    email: &str,
    errors: Vec<FieldError>,
    banner: Option<String>,
) -> ForgotPage {
    let ticket = ticket(state);
    let mut chrome = Chrome::new(t, "forgot.title", false, csrf);
    chrome.has_errors = !errors.is_empty();
    ForgotPage {
        fields: vec![Field {
            id: "email",
            name: "email",
            kind: "email",
            label: t.s("register.email").to_owned(),
            hint: None,
            error: errors.first().map(|e| e.message.clone()),
            value: email.to_owned(),
            autocomplete: "email",
            required: true,
        }],
        chrome,
        errors,
        banner,
        form_token: ticket.form_token,
        challenge: ticket.challenge,
        worker: assets::url("pow-worker.js"),
    }
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let t = T(negotiate(&headers, None));
    let (csrf, set) = login_csrf(&headers);
    let mut res = render(StatusCode::OK, &page(&state, t, csrf, "", Vec::new(), None));
    if let Some(h) = set {
        res.headers_mut().append(header::SET_COOKIE, h);
    }
    res
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let Some(csrf) = pre_session_csrf(&headers, &form) else {
        return error_page(&headers, &ApiError::Forbidden(String::new()));
    };
    let t = T(negotiate(&headers, None));
    let request = Forgot {
        email: get("email"),
        proof: FormProof {
            form_token: get("form_token"),
            challenge: get("challenge"),
            nonce: get("nonce").trim().parse().unwrap_or(0),
            website: get("website"),
        },
    };
    let email = get("email");
    match request_reset(&state, request).await {
        Ok(()) => render(
            StatusCode::OK,
            &page(
                &state,
                t,
                csrf,
                "",
                Vec::new(),
                Some(t.s("forgot.sent").to_owned()),
            ),
        ),
        Err(ApiError::Invalid(v)) => {
            let key = if v.0.iter().any(|x| x.field == "proof") {
                "reg.proof.human"
            } else {
                "reg.email.email"
            };
            let error = FieldError {
                field: "email",
                message: t.s(key).to_owned(),
            };
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&state, t, csrf, &email, vec![error], None),
            )
        }
        Err(e) => error_page(&headers, &e),
    }
}
