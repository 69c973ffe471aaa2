//! The registration page: the same rules and checks as `POST /api/v1/auth/register`, with
//! the domain's violations turned into messages of the visitor's language.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use pactum_domain::account::{FormProof, NewOrganisation, Registration};
use pactum_domain::organisation::Language;

use crate::api::account::{create_account, open_session, session_cookies, ticket};
use crate::auth::Client;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::assets;
use crate::ui::i18n::{T, negotiate};
use crate::ui::pages::{Chrome, FieldError, error_page, login_csrf, pre_session_csrf, render};

/// One input of the form.
pub struct Field {
    pub id: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub value: String,
    pub autocomplete: &'static str,
    pub required: bool,
}

impl Field {
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    person: Vec<Field>,
    organisation: Vec<Field>,
    language: &'static str,
    accepted: bool,
    terms_error: Option<String>,
    terms_version: String,
    form_token: String,
    challenge: String,
    worker: String,
}

/// (form field, domain field, element id, label key, hint key, autocomplete, kind, required)
type Spec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    bool,
);

const PERSON: [Spec; 4] = [
    (
        "username",
        "username",
        "username",
        "register.username",
        Some("register.username_hint"),
        "username",
        "text",
        true,
    ),
    (
        "display_name",
        "display_name",
        "display_name",
        "register.display_name",
        None,
        "name",
        "text",
        false,
    ),
    (
        "email",
        "email",
        "email",
        "register.email",
        Some("register.email_hint"),
        "email",
        "email",
        true,
    ),
    (
        "password",
        "password",
        "password",
        "register.password",
        Some("register.password_hint"),
        "new-password",
        "password",
        true,
    ),
];

const ORGANISATION: [Spec; 3] = [
    (
        "legal_name",
        "organisation.legal_name",
        "legal_name",
        "register.legal_name",
        None,
        "organization",
        "text",
        true,
    ),
    (
        "slug",
        "organisation.slug",
        "slug",
        "register.slug",
        Some("register.slug_hint"),
        "off",
        "text",
        true,
    ),
    (
        "country",
        "organisation.country",
        "country",
        "register.country",
        Some("register.country_hint"),
        "country",
        "text",
        true,
    ),
];

fn fields(
    t: T,
    specs: &[Spec],
    form: &HashMap<String, String>,
    errors: &[(String, String)],
) -> Vec<Field> {
    specs
        .iter()
        .map(
            |(name, domain, id, label, hint, autocomplete, kind, required)| Field {
                id,
                name,
                kind,
                label: t.s(label).to_owned(),
                hint: hint.map(|h| t.s(h).to_owned()),
                error: errors
                    .iter()
                    .find(|(f, _)| f == domain)
                    .map(|(_, m)| m.clone()),
                // A password is never sent back to the browser.
                value: if *kind == "password" {
                    String::new()
                } else {
                    form.get(*name).cloned().unwrap_or_default()
                },
                autocomplete,
                required: *required,
            },
        )
        .collect()
}

/// The element a domain field's error links to.
fn element_of(domain: &str) -> &'static str {
    PERSON
        .iter()
        .chain(ORGANISATION.iter())
        .find(|s| s.1 == domain)
        .map(|s| s.2)
        .unwrap_or(match domain {
            "accept_terms" => "accept_terms",
            _ => "username",
        })
}

fn page(
    state: &AppState,
    t: T,
    csrf: String,
    form: &HashMap<String, String>,
    errors: Vec<(String, String)>,
) -> RegisterPage {
    let ticket = ticket(state);
    let mut chrome = Chrome::new(t, "register.title", false, csrf);
    chrome.has_errors = !errors.is_empty();
    let language = match form.get("language").map(String::as_str) {
        Some("nl") => "nl",
        Some("en") => "en",
        _ => t.code(),
    };
    RegisterPage {
        person: fields(t, &PERSON, form, &errors),
        organisation: fields(t, &ORGANISATION, form, &errors),
        terms_error: errors
            .iter()
            .find(|(f, _)| f == "accept_terms")
            .map(|(_, m)| m.clone()),
        errors: errors
            .iter()
            .map(|(f, m)| FieldError {
                field: element_of(f),
                message: m.clone(),
            })
            .collect(),
        chrome,
        language,
        accepted: form.get("accept_terms").is_some_and(|v| v == "yes"),
        terms_version: ticket.terms_version,
        form_token: ticket.form_token,
        challenge: ticket.challenge,
        worker: assets::url("pow-worker.js"),
    }
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let t = T(negotiate(&headers, None));
    let (csrf, set) = login_csrf(&headers);
    let mut form = HashMap::new();
    form.insert("country".to_owned(), "NL".to_owned());
    let mut res = render(StatusCode::OK, &page(&state, t, csrf, &form, Vec::new()));
    if let Some(h) = set {
        res.headers_mut().append(header::SET_COOKIE, h);
    }
    res
}

/// The violation's message in the visitor's language, else the domain's own text.
fn message(t: T, field: &str, rule: &str, fallback: &str) -> String {
    let text = t.s(&format!("reg.{field}.{rule}"));
    if text.is_empty() {
        fallback.to_owned()
    } else {
        text.to_owned()
    }
}

pub async fn submit(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let Some(csrf) = pre_session_csrf(&headers, &form) else {
        return error_page(&headers, &ApiError::Forbidden(String::new()));
    };
    let language = if get("language") == "nl" {
        Language::Nl
    } else {
        Language::En
    };
    let display_name = get("display_name");
    let reg = Registration {
        username: get("username"),
        email: get("email"),
        display_name: (!display_name.trim().is_empty()).then_some(display_name),
        password: get("password"),
        language,
        organisation: NewOrganisation {
            legal_name: get("legal_name"),
            slug: get("slug"),
            country: get("country"),
        },
        accept_terms: get("accept_terms") == "yes",
        terms_version: get("terms_version"),
        proof: FormProof {
            form_token: get("form_token"),
            challenge: get("challenge"),
            nonce: get("nonce").trim().parse().unwrap_or(0),
            website: get("website"),
        },
    };
    let t = T(negotiate(&headers, None));
    let (status, errors) = match create_account(&state, &client, reg).await {
        Ok(user) => {
            return match open_session(&state, &client, user.id).await {
                Ok((session, token)) => {
                    let mut res = Redirect::to("/").into_response();
                    for c in session_cookies(&session, &token) {
                        res.headers_mut().append(header::SET_COOKIE, c);
                    }
                    res
                }
                Err(e) => error_page(&headers, &e),
            };
        }
        Err(ApiError::Invalid(v)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            v.0.iter()
                .map(|x| (x.field.clone(), message(t, &x.field, &x.rule, &x.message)))
                .collect(),
        ),
        Err(ApiError::Conflict { field, message: m }) => (
            StatusCode::CONFLICT,
            vec![(field.clone(), message(t, &field, "unique", &m))],
        ),
        Err(e) => return error_page(&headers, &e),
    };
    render(status, &page(&state, t, csrf, &form, errors))
}
