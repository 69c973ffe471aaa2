//! The one place where access is decided. Every route has a [`Rule`] in [`rule`]; a route
//! without one is refused (default deny), and a test walks the router to prove every route
//! has one. The layer runs after routing, so it sees the route template
//! (`/api/v1/orgs/{org}/services/{id}`), never a guess from the raw path.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, MatchedPath, Path, Request, State};
use axum::http::Method;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pactum_domain::access::{Permission, allows, role_name};
use pactum_store::accounts::{self, Membership};
use pactum_store::audit::Actor;
use pactum_store::scope::OrgId;

use crate::auth::{self, Client, Credential, Principal};
use crate::error::ApiError;
use crate::limit::Bucket;
use crate::state::AppState;

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anyone; `Some` bucket when a stranger's use is rate-limited.
    Public(Option<Bucket>),
    /// A signed-in user, whatever organisation.
    User,
    /// A member of the organisation in the path whose role and credential allow this.
    Org(Permission),
}

/// Data-map collections (and projects) all follow one pattern.
fn collection_rule(method: &Method) -> Rule {
    if *method == Method::GET {
        Rule::Org(Permission::Read)
    } else {
        Rule::Org(Permission::Write)
    }
}

use Permission::{Audit, Export, Manage, Own, Read, Tokens, Write};

const LOGIN: Rule = Rule::Public(Some(Bucket::Login));
const PUBLIC: Rule = Rule::Public(Some(Bucket::Public));

/// Every route except the data-map collections, with its rule. A route the router serves
/// that is missing here is refused; a test checks every entry is documented in OpenAPI.
pub const ROUTES: &[(&str, &str, Rule)] = &[
    ("GET", "/healthz", Rule::Public(None)),
    ("GET", "/readyz", Rule::Public(None)),
    // Asks for its own bearer token (`metrics_token`), checked by the handler.
    ("GET", "/metrics", Rule::Public(None)),
    ("GET", "/api/openapi.json", Rule::Public(None)),
    ("GET", "/api/v1/taxonomies", Rule::User),
    ("GET", "/api/v1/auth/form", PUBLIC),
    ("POST", "/api/v1/auth/register", PUBLIC),
    ("POST", "/api/v1/auth/password/forgot", PUBLIC),
    ("POST", "/api/v1/auth/login", LOGIN),
    ("POST", "/api/v1/auth/token", LOGIN),
    ("POST", "/api/v1/auth/revoke", LOGIN),
    ("POST", "/api/v1/auth/verify-email", LOGIN),
    ("POST", "/api/v1/auth/confirm-email", LOGIN),
    ("POST", "/api/v1/auth/password/reset", LOGIN),
    ("POST", "/api/v1/auth/logout", Rule::User),
    ("POST", "/api/v1/auth/reauth", Rule::User),
    ("GET", "/api/v1/me", Rule::User),
    ("PATCH", "/api/v1/me", Rule::User),
    ("GET", "/api/v1/me/orgs", Rule::User),
    ("DELETE", "/api/v1/me", Rule::User),
    ("GET", "/api/v1/me/export", Rule::User),
    ("POST", "/api/v1/me/password", Rule::User),
    ("POST", "/api/v1/me/email", Rule::User),
    ("POST", "/api/v1/me/verification", Rule::User),
    ("GET", "/api/v1/me/sessions", Rule::User),
    ("DELETE", "/api/v1/me/sessions/{id}", Rule::User),
    ("POST", "/api/v1/me/two-factor", Rule::User),
    ("POST", "/api/v1/me/two-factor/confirm", Rule::User),
    ("POST", "/api/v1/me/two-factor/disable", Rule::User),
    ("POST", "/api/v1/me/backup-codes", Rule::User),
    ("GET", "/api/v1/orgs/{org}", Rule::Org(Read)),
    ("PUT", "/api/v1/orgs/{org}", Rule::Org(Manage)),
    ("DELETE", "/api/v1/orgs/{org}", Rule::Org(Own)),
    ("GET", "/api/v1/orgs/{org}/export", Rule::Org(Export)),
    ("POST", "/api/v1/orgs/{org}/recover", Rule::Org(Own)),
    ("PUT", "/api/v1/orgs/{org}/legal-hold", Rule::Org(Own)),
    ("GET", "/api/v1/orgs/{org}/audit", Rule::Org(Audit)),
    (
        "GET",
        "/api/v1/orgs/{org}/subprocessor-notices",
        Rule::Org(Read),
    ),
    (
        "POST",
        "/api/v1/orgs/{org}/subprocessor-notices",
        Rule::Org(Manage),
    ),
    (
        "GET",
        "/api/v1/orgs/{org}/subprocessor-notices/{id}",
        Rule::Org(Read),
    ),
    (
        "POST",
        "/api/v1/orgs/{org}/subprocessor-notices/{id}/withdraw",
        Rule::Org(Manage),
    ),
    (
        "GET",
        "/api/v1/orgs/{org}/subprocessor-notices/{id}/deliveries",
        Rule::Org(Read),
    ),
    // Subscribers' addresses are personal data: owners and admins only.
    ("GET", "/api/v1/orgs/{org}/subscribers", Rule::Org(Manage)),
    (
        "DELETE",
        "/api/v1/orgs/{org}/subscribers/{id}",
        Rule::Org(Manage),
    ),
    ("GET", "/api/v1/orgs/{org}/objections", Rule::Org(Read)),
    (
        "PATCH",
        "/api/v1/orgs/{org}/objections/{id}",
        Rule::Org(Manage),
    ),
    (
        "GET",
        "/api/v1/orgs/{org}/breaches/{id}/customer-notices",
        Rule::Org(Read),
    ),
    (
        "POST",
        "/api/v1/orgs/{org}/breaches/{id}/customer-notices",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/api/v1/orgs/{org}/audit-requests/{id}/terms",
        Rule::Org(Read),
    ),
    ("GET", "/api/v1/orgs/{org}/gaps", Rule::Org(Read)),
    ("GET", "/api/v1/orgs/{org}/compliance", Rule::Org(Read)),
    (
        "GET",
        "/api/v1/orgs/{org}/documents/{kind}",
        Rule::Org(Read),
    ),
    (
        "POST",
        "/api/v1/orgs/{org}/projects/{project}/imports/{collection}/preview",
        Rule::Org(Write),
    ),
    (
        "POST",
        "/api/v1/orgs/{org}/projects/{project}/imports/{collection}",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/api/v1/orgs/{org}/projects/{project}/fides",
        Rule::Org(Read),
    ),
    (
        "POST",
        "/api/v1/orgs/{org}/projects/{project}/fides",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/api/v1/orgs/{org}/projects/{project}/services/{id}/files",
        Rule::Org(Read),
    ),
    (
        "POST",
        "/api/v1/orgs/{org}/projects/{project}/services/{id}/files",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/api/v1/orgs/{org}/projects/{project}/services/{id}/files/{file}",
        Rule::Org(Read),
    ),
    (
        "DELETE",
        "/api/v1/orgs/{org}/projects/{project}/services/{id}/files/{file}",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/api/v1/orgs/{org}/projects/{project}/services/{id}/files/{file}/content",
        Rule::Org(Read),
    ),
    (
        "GET",
        "/api/v1/orgs/{org}/projects/{project}/vendors/{id}/files",
        Rule::Org(Read),
    ),
    (
        "POST",
        "/api/v1/orgs/{org}/projects/{project}/vendors/{id}/files",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/api/v1/orgs/{org}/projects/{project}/vendors/{id}/files/{file}",
        Rule::Org(Read),
    ),
    (
        "DELETE",
        "/api/v1/orgs/{org}/projects/{project}/vendors/{id}/files/{file}",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/api/v1/orgs/{org}/projects/{project}/vendors/{id}/files/{file}/content",
        Rule::Org(Read),
    ),
    (
        "GET",
        "/api/v1/orgs/{org}/projects/{project}/ai-reports",
        Rule::Org(Read),
    ),
    (
        "POST",
        "/api/v1/orgs/{org}/projects/{project}/ai-reports",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/api/v1/orgs/{org}/projects/{project}/ai-reports/{id}",
        Rule::Org(Read),
    ),
    ("GET", "/api/v1/orgs/{org}/members", Rule::Org(Read)),
    ("POST", "/api/v1/orgs/{org}/members", Rule::Org(Manage)),
    ("GET", "/api/v1/orgs/{org}/members/{id}", Rule::Org(Read)),
    (
        "PATCH",
        "/api/v1/orgs/{org}/members/{id}",
        Rule::Org(Manage),
    ),
    (
        "DELETE",
        "/api/v1/orgs/{org}/members/{id}",
        Rule::Org(Manage),
    ),
    ("GET", "/api/v1/orgs/{org}/tokens", Rule::Org(Tokens)),
    ("POST", "/api/v1/orgs/{org}/tokens", Rule::Org(Tokens)),
    (
        "DELETE",
        "/api/v1/orgs/{org}/tokens/{id}",
        Rule::Org(Tokens),
    ),
    ("GET", "/static/{file}", Rule::Public(None)),
    ("GET", "/login", PUBLIC),
    ("POST", "/login", LOGIN),
    ("GET", "/register", PUBLIC),
    ("GET", "/password/forgot", PUBLIC),
    ("POST", "/password/forgot", PUBLIC),
    ("GET", "/account", Rule::User),
    ("GET", "/account/deletion", Rule::User),
    ("POST", "/account/deletion", Rule::User),
    ("POST", "/account/profile", Rule::User),
    ("POST", "/account/password", Rule::User),
    ("POST", "/account/email", Rule::User),
    ("GET", "/account/reauth", Rule::User),
    ("POST", "/account/reauth", Rule::User),
    ("GET", "/account/two-factor", Rule::User),
    ("POST", "/account/two-factor", Rule::User),
    ("POST", "/account/two-factor/disable", Rule::User),
    ("POST", "/account/sessions/{id}/end", Rule::User),
    ("GET", "/account/calendar", Rule::User),
    ("POST", "/account/calendar", Rule::User),
    ("POST", "/account/calendar/revoke", Rule::User),
    // The secret in the address is the credential; calendar clients send no cookie.
    ("GET", "/calendar/{file}", PUBLIC),
    // An organisation's public request form (404 unless the organisation turned it on).
    ("GET", "/intake/{org_slug}", PUBLIC),
    ("POST", "/intake/{org_slug}", PUBLIC),
    // An organisation's trust page and what hangs off it (404 unless published).
    ("GET", "/trust/{org_slug}", PUBLIC),
    ("POST", "/trust/{org_slug}/subscribe", PUBLIC),
    ("GET", "/trust/{org_slug}/confirm/{token}", PUBLIC),
    ("POST", "/trust/{org_slug}/confirm/{token}", PUBLIC),
    ("GET", "/trust/{org_slug}/unsubscribe/{token}", PUBLIC),
    ("POST", "/trust/{org_slug}/unsubscribe/{token}", PUBLIC),
    ("GET", "/trust/{org_slug}/notices.atom", PUBLIC),
    ("GET", "/trust/{org_slug}/notices/{id}/objection", PUBLIC),
    ("POST", "/trust/{org_slug}/notices/{id}/objection", PUBLIC),
    ("GET", "/trust/{org_slug}/dpa", PUBLIC),
    // The processor toolkit's pages.
    ("GET", "/orgs/{org}/processor", Rule::Org(Read)),
    ("POST", "/orgs/{org}/processor/settings", Rule::Org(Manage)),
    (
        "GET",
        "/orgs/{org}/processor/notices/new",
        Rule::Org(Manage),
    ),
    ("POST", "/orgs/{org}/processor/notices", Rule::Org(Manage)),
    ("GET", "/orgs/{org}/processor/notices/{id}", Rule::Org(Read)),
    (
        "POST",
        "/orgs/{org}/processor/notices/{id}/withdraw",
        Rule::Org(Manage),
    ),
    (
        "POST",
        "/orgs/{org}/processor/objections/{id}",
        Rule::Org(Manage),
    ),
    (
        "POST",
        "/orgs/{org}/processor/subscribers/{id}/delete",
        Rule::Org(Manage),
    ),
    (
        "GET",
        "/orgs/{org}/breaches/{id}/customer-notices",
        Rule::Org(Read),
    ),
    (
        "POST",
        "/orgs/{org}/breaches/{id}/customer-notices",
        Rule::Org(Write),
    ),
    ("GET", "/notifications", Rule::User),
    ("POST", "/notifications/read", Rule::User),
    ("GET", "/account/verify-email", PUBLIC),
    ("POST", "/account/verify-email", LOGIN),
    ("GET", "/account/confirm-email", PUBLIC),
    ("POST", "/account/confirm-email", LOGIN),
    ("GET", "/account/reset-password", PUBLIC),
    ("POST", "/account/reset-password", LOGIN),
    ("POST", "/register", PUBLIC),
    ("POST", "/logout", Rule::User),
    ("GET", "/", Rule::User),
    ("GET", "/orgs/{org}", Rule::Org(Read)),
    ("GET", "/orgs/{org}/audit", Rule::Org(Audit)),
    ("GET", "/orgs/{org}/settings", Rule::Org(Read)),
    ("GET", "/orgs/{org}/deletion", Rule::Org(Read)),
    ("POST", "/orgs/{org}/deletion", Rule::Org(Own)),
    ("POST", "/orgs/{org}/deletion/recover", Rule::Org(Own)),
    ("POST", "/orgs/{org}/legal-hold", Rule::Org(Own)),
    ("GET", "/orgs/{org}/compliance", Rule::Org(Read)),
    (
        "GET",
        "/orgs/{org}/projects/{project}/import",
        Rule::Org(Write),
    ),
    (
        "POST",
        "/orgs/{org}/projects/{project}/import",
        Rule::Org(Write),
    ),
    ("GET", "/orgs/{org}/documents", Rule::Org(Read)),
    ("GET", "/orgs/{org}/documents/{kind}", Rule::Org(Read)),
    ("POST", "/orgs/{org}/settings", Rule::Org(Manage)),
    ("POST", "/orgs/{org}/members", Rule::Org(Manage)),
    ("GET", "/orgs/{org}/tokens", Rule::Org(Tokens)),
    ("POST", "/orgs/{org}/tokens", Rule::Org(Tokens)),
    ("GET", "/orgs/{org}/tokens/{id}/revoke", Rule::Org(Tokens)),
    ("POST", "/orgs/{org}/tokens/{id}/revoke", Rule::Org(Tokens)),
    ("POST", "/orgs/{org}/members/{id}/role", Rule::Org(Manage)),
    ("GET", "/orgs/{org}/members/{id}/remove", Rule::Org(Manage)),
    ("POST", "/orgs/{org}/members/{id}/remove", Rule::Org(Manage)),
    ("GET", "/orgs/{org}/projects", Rule::Org(Read)),
    ("POST", "/orgs/{org}/projects", Rule::Org(Write)),
    ("GET", "/orgs/{org}/projects/new", Rule::Org(Write)),
    ("GET", "/orgs/{org}/projects/{project}", Rule::Org(Read)),
    (
        "GET",
        "/orgs/{org}/projects/{project}/{collection}",
        Rule::Org(Read),
    ),
    (
        "POST",
        "/orgs/{org}/projects/{project}/{collection}",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/orgs/{org}/projects/{project}/{collection}/new",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/orgs/{org}/projects/{project}/{collection}/{id}",
        Rule::Org(Read),
    ),
    (
        "POST",
        "/orgs/{org}/projects/{project}/{collection}/{id}",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/orgs/{org}/projects/{project}/{collection}/{id}/delete",
        Rule::Org(Write),
    ),
    (
        "POST",
        "/orgs/{org}/projects/{project}/{collection}/{id}/delete",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/orgs/{org}/projects/{project}/ai-reports",
        Rule::Org(Read),
    ),
    (
        "POST",
        "/orgs/{org}/projects/{project}/ai-reports",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/orgs/{org}/projects/{project}/ai-reports/{id}",
        Rule::Org(Read),
    ),
    // A service's or vendor's files (other collections are 404).
    (
        "POST",
        "/orgs/{org}/projects/{project}/{collection}/{id}/files",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/orgs/{org}/projects/{project}/{collection}/{id}/files/{file}",
        Rule::Org(Read),
    ),
    (
        "GET",
        "/orgs/{org}/projects/{project}/{collection}/{id}/files/{file}/delete",
        Rule::Org(Write),
    ),
    (
        "POST",
        "/orgs/{org}/projects/{project}/{collection}/{id}/files/{file}/delete",
        Rule::Org(Write),
    ),
    // The organisation's registers (`breaches`, `requests`); other names are 404.
    ("GET", "/orgs/{org}/{collection}", Rule::Org(Read)),
    ("POST", "/orgs/{org}/{collection}", Rule::Org(Write)),
    ("GET", "/orgs/{org}/{collection}/new", Rule::Org(Write)),
    ("GET", "/orgs/{org}/{collection}/{id}", Rule::Org(Read)),
    ("POST", "/orgs/{org}/{collection}/{id}", Rule::Org(Write)),
    (
        "GET",
        "/orgs/{org}/{collection}/{id}/delete",
        Rule::Org(Write),
    ),
    (
        "POST",
        "/orgs/{org}/{collection}/{id}/delete",
        Rule::Org(Write),
    ),
    (
        "GET",
        "/orgs/{org}/{collection}/documentation",
        Rule::Org(Read),
    ),
    (
        "GET",
        "/orgs/{org}/{collection}/{id}/documentation",
        Rule::Org(Read),
    ),
];

/// Pages answer a browser: a missing sign-in leads to the sign-in page, other refusals
/// to a page in the visitor's language. The API answers with problem details.
fn is_page(route: &str) -> bool {
    !(route.starts_with("/api/") || matches!(route, "/healthz" | "/readyz" | "/metrics"))
}

/// The rule of a route template and method; `None` means no such route is allowed.
pub fn rule(method: &Method, route: &str, collections: &[String]) -> Option<Rule> {
    let m = method.as_str();
    if let Some((_, _, r)) = ROUTES.iter().find(|(rm, rp, _)| *rm == m && *rp == route) {
        return Some(*r);
    }
    let base = route.strip_suffix("/{id}").unwrap_or(route);
    if !collections.iter().any(|c| c == base) {
        return None;
    }
    let item = base != route;
    match (m, item) {
        ("GET" | "POST", false) | ("GET" | "PUT" | "PATCH" | "DELETE", true) => {
            Some(collection_rule(method))
        }
        _ => None,
    }
}

/// What the start of a multipart body says about its first field.
#[derive(Debug, PartialEq, Eq)]
enum FirstField {
    /// The first field is `csrf`, with this value.
    Csrf(String),
    /// The first field is something else, or the body is not multipart as announced.
    Absent,
    /// Not enough of the body yet.
    NeedMore,
}

fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn first_field(buf: &[u8], boundary: &str) -> FirstField {
    let opening = format!("--{boundary}\r\n");
    if buf.len() < opening.len() {
        return if opening.as_bytes().starts_with(buf) {
            FirstField::NeedMore
        } else {
            FirstField::Absent
        };
    }
    if !buf.starts_with(opening.as_bytes()) {
        return FirstField::Absent;
    }
    let Some(head_end) = find(buf, b"\r\n\r\n", opening.len()) else {
        return FirstField::NeedMore;
    };
    let head = String::from_utf8_lossy(&buf[opening.len()..head_end]).to_ascii_lowercase();
    let named_csrf = head.lines().any(|l| {
        l.starts_with("content-disposition:") && l.split(';').any(|p| p.trim() == "name=\"csrf\"")
    });
    if !named_csrf {
        return FirstField::Absent;
    }
    let value_start = head_end + 4;
    let closing = format!("\r\n--{boundary}");
    match find(buf, closing.as_bytes(), value_start) {
        Some(end) => match std::str::from_utf8(&buf[value_start..end]) {
            Ok(v) => FirstField::Csrf(v.to_owned()),
            Err(_) => FirstField::Absent,
        },
        None => FirstField::NeedMore,
    }
}

/// The `csrf` field of a multipart form (the forms put it first), read from the start of
/// the body only: an upload streams on to its handler, whatever its size, with the bytes
/// read here put back in front.
async fn multipart_csrf(
    content_type: &str,
    body: axum::body::Body,
) -> Result<(Option<String>, axum::body::Body), ApiError> {
    use futures_util::StreamExt;
    const MOST: usize = 64 * 1024;
    let mut stream = body.into_data_stream();
    let mut prefix = Vec::new();
    let mut csrf = None;
    if let Some(boundary) = boundary(content_type) {
        loop {
            match first_field(&prefix, &boundary) {
                FirstField::Csrf(v) => {
                    csrf = Some(v);
                    break;
                }
                FirstField::Absent => break,
                FirstField::NeedMore if prefix.len() >= MOST => break,
                FirstField::NeedMore => {}
            }
            match stream.next().await {
                Some(Ok(bytes)) => prefix.extend_from_slice(&bytes),
                Some(Err(_)) => {
                    return Err(ApiError::BadRequest(
                        "The request body could not be read.".into(),
                    ));
                }
                None => break,
            }
        }
    }
    let head = futures_util::stream::once(std::future::ready(Ok::<_, axum::Error>(
        axum::body::Bytes::from(prefix),
    )));
    Ok((csrf, axum::body::Body::from_stream(head.chain(stream))))
}

/// A state-changing form post that rides on the session cookie.
fn needs_form_csrf(parts: &Parts) -> bool {
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let is_form = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.starts_with("application/x-www-form-urlencoded")
                || v.starts_with("multipart/form-data")
        });
    unsafe_method
        && is_form
        && !parts.headers.contains_key(auth::CSRF_HEADER)
        && !parts
            .headers
            .contains_key(axum::http::header::AUTHORIZATION)
        && auth::cookie(&parts.headers, auth::SESSION_COOKIE).is_some()
}

/// A member acting on the organisation named in the path.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub membership: Membership,
    pub client: Client,
}

impl Caller {
    pub fn org_id(&self) -> OrgId {
        OrgId(self.membership.org_id)
    }

    pub fn user_id(&self) -> uuid::Uuid {
        self.principal.user_id
    }

    pub fn actor(&self) -> Actor {
        self.client.actor(Some(self.principal.user_id))
    }

    /// A finer check inside a handler (changing an owner needs `Own`, not just `Manage`).
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        check(&self.principal, &self.membership, permission)
    }
}

fn check(p: &Principal, m: &Membership, permission: Permission) -> Result<(), ApiError> {
    if !allows(m.role, permission) {
        return Err(ApiError::Forbidden(format!(
            "Your role in this organisation ({}) does not allow this: it needs the {} permission.",
            role_name(m.role),
            permission.as_str()
        )));
    }
    if !p.scope.covers(permission) {
        return Err(ApiError::Forbidden(format!(
            "This token has the {} scope; this action needs {}.",
            p.scope.as_str(),
            permission.scope().as_str()
        )));
    }
    Ok(())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::Internal("an organisation route without an Org rule".into()))
    }
}

/// What an organisation scheduled for deletion still answers: its export, and the way back.
const OPEN_WHILE_LOCKED: &[(&str, &str)] = &[
    ("GET", "/api/v1/orgs/{org}/export"),
    ("POST", "/api/v1/orgs/{org}/recover"),
    ("GET", "/orgs/{org}/deletion"),
    ("POST", "/orgs/{org}/deletion/recover"),
];

/// The router's collection list, for [`rule`].
#[derive(Clone)]
pub struct Collections(pub std::sync::Arc<Vec<String>>);

/// The access layer.
pub async fn enforce(
    State((state, collections)): State<(AppState, Collections)>,
    request: Request,
    next: Next,
) -> Response {
    let page = request
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|m| is_page(m.as_str()));
    let path = request.uri().path().to_owned();
    let headers = request.headers().clone();
    let mut who = None;
    match decide(&state, &collections, request, &mut who).await {
        Ok(request) => next.run(request).await,
        Err(e) if page => match e {
            ApiError::Unauthorized => crate::ui::pages::to_login(&path, false),
            ApiError::SessionExpired => crate::ui::pages::to_login(&path, true),
            ApiError::OrganisationLocked { slug, .. } => {
                axum::response::Redirect::to(&format!("/orgs/{slug}/deletion")).into_response()
            }
            other => {
                let language = match who {
                    Some(user) => accounts::get(&state.store, user)
                        .await
                        .ok()
                        .map(|u| u.language),
                    None => None,
                };
                crate::ui::pages::error_page_in(&headers, language, &other)
            }
        },
        Err(e) => e.into_response(),
    }
}

/// `who` is set as soon as the caller is known, so a refusal can be told in their language.
async fn decide(
    state: &AppState,
    collections: &Collections,
    request: Request,
    who: &mut Option<uuid::Uuid>,
) -> Result<Request, ApiError> {
    let (mut parts, body) = request.into_parts();
    let route = parts
        .extensions
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let Some(rule) = rule(&parts.method, &route, &collections.0) else {
        // A known path with another method reaches the router's 405 answer; anything
        // else is refused.
        let known = [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ]
        .iter()
        .any(|m| self::rule(m, &route, &collections.0).is_some());
        if known {
            return Err(ApiError::MethodNotAllowed);
        }
        return Err(ApiError::NotFound("Resource".into()));
    };
    let client = Client::from_parts(&parts, &state.auth().trusted_proxies);
    if let Rule::Public(Some(bucket)) = rule
        && let Err(wait) = state.security.limits.check(bucket, client.ip)
    {
        state.metrics.limited(bucket.name());
        return Err(ApiError::TooManyRequests(wait.as_secs().max(1)));
    }
    if let Rule::Public(_) = rule {
        parts.extensions.insert(client);
        return Ok(Request::from_parts(parts, body));
    }
    // An HTML form cannot set a header: its CSRF token comes as the `csrf` field, read
    // here from the body (a url-encoded form whole and size-limited, a multipart one only
    // up to its first field), which is then handed on unchanged.
    let mut body = body;
    let mut form_csrf = None;
    if needs_form_csrf(&parts) {
        let content_type = parts
            .headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if content_type.starts_with("multipart/form-data") {
            (form_csrf, body) = multipart_csrf(&content_type, body).await?;
        } else {
            let bytes = axum::body::to_bytes(body, state.settings.max_body_bytes)
                .await
                .map_err(|_| ApiError::PayloadTooLarge(state.settings.max_body_bytes))?;
            form_csrf = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .ok()
                .and_then(|fields| {
                    fields
                        .into_iter()
                        .find(|(k, _)| k == "csrf")
                        .map(|(_, v)| v)
                });
            body = axum::body::Body::from(bytes);
        }
    }
    let principal = auth::authenticate(&parts, state, form_csrf.as_deref())
        .await?
        .ok_or(ApiError::Unauthorized)?;
    *who = Some(principal.user_id);
    if let Rule::Org(permission) = rule {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(&mut parts, state)
            .await
            .map_err(|_| ApiError::NotFound("Organisation".into()))?;
        let slug = params.get("org").map(String::as_str).unwrap_or_default();
        let membership = accounts::membership(&state.store, principal.user_id, slug)
            .await?
            .ok_or_else(|| ApiError::NotFound("Organisation".into()))?;
        if let Credential::ApiToken { org_id, .. } = principal.credential
            && org_id != membership.org_id
        {
            return Err(ApiError::NotFound("Organisation".into()));
        }
        if membership.require_two_factor {
            let user = accounts::get(&state.store, principal.user_id).await?;
            if !user.two_factor_enabled {
                return Err(ApiError::TwoFactorRequired);
            }
        }
        if let Some(purge_at) = membership.purge_at
            && !OPEN_WHILE_LOCKED.contains(&(parts.method.as_str(), route.as_str()))
        {
            return Err(ApiError::OrganisationLocked {
                slug: membership.slug.clone(),
                purge_at: pactum_domain::timestamp::format(purge_at),
            });
        }
        check(&principal, &membership, permission)?;
        parts.extensions.insert(Caller {
            principal: principal.clone(),
            membership,
            client: client.clone(),
        });
    }
    parts.extensions.insert(principal);
    parts.extensions.insert(client);
    Ok(Request::from_parts(parts, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_multipart_field_is_found_however_the_body_arrives() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok-123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--XyZ--\r\n";
        let whole = first_field(body, "XyZ");
        assert_eq!(whole, FirstField::Csrf("tok-123".into()));
        // Every shorter prefix either needs more or already has the answer.
        for cut in 0..body.len() {
            match first_field(&body[..cut], "XyZ") {
                FirstField::NeedMore | FirstField::Csrf(_) => {}
                other => panic!("cut at {cut}: {other:?}"),
            }
        }
        let other_first =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ndpa\r\n--XyZ--";
        assert_eq!(first_field(other_first, "XyZ"), FirstField::Absent);
        assert_eq!(first_field(b"garbage", "XyZ"), FirstField::Absent);
        assert_eq!(
            boundary("multipart/form-data; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(
            boundary("multipart/form-data; charset=utf-8; Boundary=q1").as_deref(),
            Some("q1")
        );
    }
}
