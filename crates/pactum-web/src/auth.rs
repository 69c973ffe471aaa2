//! Who is calling. A request carries one credential: a personal API token (`pct_`), an
//! access token from the token endpoint (`pat_`), or the browser session cookie. This
//! module turns it into a [`Principal`]; [`crate::access`] decides what the principal may do.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use pactum_crypto::secret;
use pactum_domain::access::TokenScope;
use pactum_store::audit::Actor;
use pactum_store::{grants, sessions, tokens};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// The session cookie. `__Host-` makes browsers refuse it unless it is Secure, has no
/// Domain and has Path=/, so no other host or path can plant or read it.
pub const SESSION_COOKIE: &str = "__Host-pactum_session";
/// The CSRF cookie (double submit): readable by the page's script, which echoes it in the
/// `X-CSRF-Token` header of every state-changing request.
pub const CSRF_COOKIE: &str = "__Host-pactum_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Prefix of access tokens from the token endpoint; refresh tokens use `prt_`.
pub const ACCESS_PREFIX: &str = "pat_";
pub const REFRESH_PREFIX: &str = "prt_";

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Session {
        id: Uuid,
        reauth_at: Option<OffsetDateTime>,
    },
    /// A personal API token, bound to one organisation.
    ApiToken {
        id: Uuid,
        org_id: Uuid,
    },
    AccessToken,
}

/// An authenticated user and what their credential allows at most.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: Uuid,
    pub credential: Credential,
    /// The credential's cap; the role decides within it.
    pub scope: TokenScope,
}

impl Principal {
    pub fn session_id(&self) -> Option<Uuid> {
        match self.credential {
            Credential::Session { id, .. } => Some(id),
            _ => None,
        }
    }
}

/// The client's address and user agent, for audit events, limits and session lists.
#[derive(Debug, Clone)]
pub struct Client {
    pub ip: IpAddr,
    pub user_agent: Option<String>,
}

impl Client {
    pub fn actor(&self, user: Option<Uuid>) -> Actor {
        Actor {
            user_id: user,
            ip: Some(self.ip.to_string()),
            user_agent: self.user_agent.clone(),
        }
    }

    /// The peer address, or the address a trusted proxy reports: the right-most entry of
    /// `X-Forwarded-For` that is not itself a trusted proxy. From anyone else the header is
    /// ignored, so a client cannot choose its own address (and rate-limit bucket).
    pub fn from_parts(parts: &Parts, trusted: &[IpAddr]) -> Self {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let mut ip = peer;
        if trusted.contains(&peer) {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|s| s.trim().parse::<IpAddr>().ok())
                .collect::<Vec<_>>();
            if let Some(real) = forwarded.into_iter().rev().find(|a| !trusted.contains(a)) {
                ip = real;
            }
        }
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect());
        Client { ip, user_agent }
    }
}

impl FromRequestParts<AppState> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(Client::from_parts(parts, &state.auth().trusted_proxies))
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The CSRF token of a session: a MAC of the session secret, so it cannot be forged
/// without the session and changes whenever the session id does.
pub fn csrf_token(state: &AppState, session_secret: &str) -> String {
    state.security.signer.mac("csrf", session_secret)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Finds and checks the request's credential. `Ok(None)` when it carries none.
pub async fn authenticate(
    parts: &Parts,
    state: &AppState,
    form_csrf: Option<&str>,
) -> Result<Option<Principal>, ApiError> {
    let now = state.clock.now();
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| ApiError::Unauthorized)?;
        let presented = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or(ApiError::Unauthorized)?
            .trim();
        if presented.starts_with(tokens::PREFIX) {
            let token = tokens::authenticate(&state.store, presented, now)
                .await?
                .ok_or(ApiError::Unauthorized)?;
            let user_id = token.user_id.ok_or(ApiError::Unauthorized)?;
            return Ok(Some(Principal {
                user_id,
                credential: Credential::ApiToken {
                    id: token.id,
                    org_id: token.org_id,
                },
                scope: token.scope,
            }));
        }
        if presented.starts_with(ACCESS_PREFIX) && presented.len() <= 128 {
            let user_id = grants::authenticate(&state.store, &secret::digest(presented), now)
                .await?
                .ok_or(ApiError::Unauthorized)?;
            return Ok(Some(Principal {
                user_id,
                credential: Credential::AccessToken,
                scope: TokenScope::Admin,
            }));
        }
        return Err(ApiError::Unauthorized);
    }
    let Some(session_secret) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    if session_secret.len() > 128 {
        return Err(ApiError::SessionExpired);
    }
    let session = sessions::authenticate(
        &state.store,
        &secret::digest(session_secret),
        state.auth().session,
        now,
    )
    .await?
    .ok_or(ApiError::SessionExpired)?;
    if !is_safe(&parts.method) {
        let expected = csrf_token(state, session_secret);
        let header = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .or(form_csrf)
            .unwrap_or("");
        let cookie = cookie(&parts.headers, CSRF_COOKIE).unwrap_or("");
        if !(secret::constant_time_eq(header.as_bytes(), expected.as_bytes())
            && secret::constant_time_eq(cookie.as_bytes(), expected.as_bytes()))
        {
            return Err(ApiError::Forbidden(
                "The CSRF token is missing or wrong: send the value of the __Host-pactum_csrf cookie in the X-CSRF-Token header.".into(),
            ));
        }
    }
    Ok(Some(Principal {
        user_id: session.user_id,
        credential: Credential::Session {
            id: session.id,
            reauth_at: session.reauth_at,
        },
        scope: TokenScope::Admin,
    }))
}

/// The signed-in user (set by the access layer on every route that needs one).
impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or(ApiError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(peer: &str, forwarded: Option<&str>) -> Parts {
        let mut req = axum::http::Request::builder().uri("/");
        if let Some(f) = forwarded {
            req = req.header("x-forwarded-for", f);
        }
        let (mut parts, ()) = req.body(()).unwrap_or_default().into_parts();
        let addr: SocketAddr = format!("{peer}:40000")
            .parse()
            .unwrap_or(([0, 0, 0, 0], 0).into());
        parts.extensions.insert(ConnectInfo(addr));
        parts
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy = [ip("10.0.0.2")];
        let spoofed = parts("203.0.113.9", Some("198.51.100.1"));
        assert_eq!(Client::from_parts(&spoofed, &proxy).ip, ip("203.0.113.9"));
        assert_eq!(Client::from_parts(&spoofed, &[]).ip, ip("203.0.113.9"));
        // Through the proxy: the right-most address the proxy did not add itself.
        let via = parts("10.0.0.2", Some("198.51.100.1, 192.0.2.7"));
        assert_eq!(Client::from_parts(&via, &proxy).ip, ip("192.0.2.7"));
        let chained = parts("10.0.0.2", Some("192.0.2.7, 10.0.0.2"));
        assert_eq!(Client::from_parts(&chained, &proxy).ip, ip("192.0.2.7"));
        let garbage = parts("10.0.0.2", Some("not-an-address"));
        assert_eq!(Client::from_parts(&garbage, &proxy).ip, ip("10.0.0.2"));
    }
}
