//! API errors as RFC 9457 problem details (`application/problem+json`). Validation problems
//! list every field with its rule; internal errors are logged once and answered without
//! their text.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pactum_domain::validation::{Violation, Violations};
use pactum_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug)]
pub enum ApiError {
    Unauthorized,
    /// The session cookie names no live session (expired, revoked or unknown).
    SessionExpired,
    /// Wrong credentials at sign-in; the same answer whatever was wrong.
    BadCredentials,
    /// The password was right; the second factor is missing or wrong.
    TwoFactorNeeded(String),
    /// The organisation requires two-factor authentication and the user has none.
    TwoFactorRequired,
    /// The action needs a fresh proof of identity (`POST /api/v1/auth/reauth`).
    ReauthRequired,
    /// Too many attempts; retry after this many seconds.
    TooManyRequests(u64),
    Forbidden(String),
    NotFound(String),
    MethodNotAllowed,
    Invalid(Violations),
    BadRequest(String),
    Conflict {
        field: String,
        message: String,
    },
    PayloadTooLarge(usize),
    UnsupportedMediaType,
    /// The organisation is scheduled for deletion and locked until then (its slug, and the
    /// moment it goes as timestamp text).
    OrganisationLocked {
        slug: String,
        purge_at: String,
    },
    /// The account is scheduled for deletion; signing in with `recover` cancels it.
    AccountScheduled {
        purge_at: String,
    },
    /// Something Pactum depends on (the virus scanner, an AI provider) cannot be used now.
    Unavailable(String),
    Internal(String),
}

/// The problem-details body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Every broken rule, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Violation>,
}

impl ApiError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        self.parts().0
    }

    /// What the user is told: the violated rules one by one, or the problem's detail.
    pub fn messages(&self) -> Vec<String> {
        let (_, _, detail, errors) = self.parts();
        if errors.is_empty() {
            vec![detail]
        } else {
            errors.into_iter().map(|v| v.message).collect()
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, String, Vec<Violation>) {
        match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Sign in first: send a valid token as `Authorization: Bearer ...`, or the session cookie.".into(),
                vec![],
            ),
            ApiError::SessionExpired => (
                StatusCode::UNAUTHORIZED,
                "session-expired",
                "Your session has ended; sign in again.".into(),
                vec![],
            ),
            ApiError::BadCredentials => (
                StatusCode::UNAUTHORIZED,
                "bad-credentials",
                "The username, e-mail address or password is wrong.".into(),
                vec![],
            ),
            ApiError::TwoFactorNeeded(d) => (StatusCode::UNAUTHORIZED, "two-factor-needed", d.clone(), vec![]),
            ApiError::TwoFactorRequired => (
                StatusCode::FORBIDDEN,
                "two-factor-required",
                "This organisation requires two-factor authentication: turn it on under your account first.".into(),
                vec![],
            ),
            ApiError::ReauthRequired => (
                StatusCode::FORBIDDEN,
                "reauth-required",
                "Confirm it is you first: send your password (and code) to /api/v1/auth/reauth, then repeat this request.".into(),
                vec![],
            ),
            ApiError::TooManyRequests(secs) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-requests",
                format!("Too many attempts; try again in {secs} seconds."),
                vec![],
            ),
            ApiError::Forbidden(d) => (StatusCode::FORBIDDEN, "forbidden", d.clone(), vec![]),
            ApiError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                "not-found",
                format!("{what} not found."),
                vec![],
            ),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "This resource does not support that method.".into(),
                vec![],
            ),
            ApiError::Invalid(v) => {
                let detail = if v.0.len() == 1 {
                    v.0[0].message.clone()
                } else {
                    format!("{} fields need attention.", v.0.len())
                };
                (StatusCode::UNPROCESSABLE_ENTITY, "validation", detail, v.0.clone())
            }
            ApiError::BadRequest(d) => (StatusCode::BAD_REQUEST, "bad-request", d.clone(), vec![]),
            ApiError::Conflict { field, message } => {
                let v = Violation {
                    field: field.clone(),
                    rule: "unique".into(),
                    message: message.clone(),
                };
                (StatusCode::CONFLICT, "conflict", message.clone(), vec![v])
            }
            ApiError::PayloadTooLarge(max) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                format!("The request body is larger than the limit of {max} bytes."),
                vec![],
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Send the body as JSON with `Content-Type: application/json`.".into(),
                vec![],
            ),
            ApiError::Unavailable(d) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                d.clone(),
                vec![],
            ),
            ApiError::OrganisationLocked { slug, purge_at } => (
                StatusCode::LOCKED,
                "organisation-locked",
                format!(
                    "This organisation is scheduled for deletion at {purge_at} and is locked until then. An owner can download its export (GET /api/v1/orgs/{slug}/export) or recover it (POST /api/v1/orgs/{slug}/recover)."
                ),
                vec![],
            ),
            ApiError::AccountScheduled { purge_at } => (
                StatusCode::LOCKED,
                "account-scheduled-for-deletion",
                format!(
                    "This account is scheduled for deletion at {purge_at}. Sign in with \"recover\": true to cancel the deletion."
                ),
                vec![],
            ),
            ApiError::Internal(_) => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on our side; the request was not completed. The error has been logged.".into(),
                    vec![],
                ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = match &self {
            ApiError::TooManyRequests(secs) => Some(*secs),
            _ => None,
        };
        if let ApiError::Internal(msg) = &self {
            tracing::error!(error = %msg, "internal error");
        }
        let (status, kind, detail, errors) = self.parts();
        let problem = Problem {
            kind: format!("/problems/{kind}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::NotFound(capitalise(what)),
            StoreError::Invalid(v) => ApiError::Invalid(v),
            StoreError::Conflict { field, message } => ApiError::Conflict { field, message },
            other => ApiError::Internal(other.to_string()),
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
