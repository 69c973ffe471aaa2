//! Who is calling, and for which organisation. Every API route except health and the
//! OpenAPI document needs a bearer token; the token is bound to one organisation, and a
//! request naming another organisation is answered exactly like one naming none.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::header;
use axum::http::request::Parts;
use pactum_domain::access::TokenScope;
use pactum_domain::organisation::Organisation;
use pactum_store::records::Record;
use pactum_store::scope::OrgId;
use pactum_store::tokens::{self, ApiToken};

use crate::error::ApiError;
use crate::state::AppState;

/// A request authenticated by an API token (and the token's organisation).
pub struct Token(pub ApiToken, pub Record<Organisation>);

impl FromRequestParts<AppState> for Token {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(ApiError::Unauthorized)?;
        let secret = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or(ApiError::Unauthorized)?
            .trim();
        let (token, org) = tokens::authenticate(&state.store, secret, state.clock.now())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Ok(Token(token, org))
    }
}

/// A token holder acting on the organisation named in the path (`/orgs/{org}/...`).
pub struct Caller {
    pub token: ApiToken,
    pub org: Record<Organisation>,
}

impl Caller {
    pub fn org_id(&self) -> OrgId {
        OrgId(self.org.id)
    }

    /// The one permission check: a token's scope must reach the action's scope.
    pub fn allow(&self, needed: TokenScope) -> Result<(), ApiError> {
        if self.token.scope >= needed {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "This token has the {} scope; this action needs {}.",
                self.token.scope.as_str(),
                needed.as_str()
            )))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Token(token, org) = Token::from_request_parts(parts, state).await?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound("Organisation".into()))?;
        let slug = params
            .get("org")
            .ok_or_else(|| ApiError::NotFound("Organisation".into()))?;
        if &org.data.slug != slug {
            return Err(ApiError::NotFound("Organisation".into()));
        }
        Ok(Caller { token, org })
    }
}
