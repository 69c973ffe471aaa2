//! The token endpoint for API clients that act as a person: a 15-minute access token and a
//! refresh token that is replaced on every use (reuse revokes the family).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pactum_crypto::secret;
use pactum_store::grants::{self, Pair, Refreshed};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::account::verify_login;
use crate::auth::{ACCESS_PREFIX, Client, REFRESH_PREFIX};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, decode};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "grant_type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Grant {
    Password {
        /// Username or e-mail address.
        username: String,
        password: String,
        #[serde(default)]
        code: Option<String>,
    },
    RefreshToken {
        refresh_token: String,
    },
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub token_type: &'static str,
    /// Seconds the access token lives.
    pub expires_in: i64,
    pub refresh_token: String,
}

pub async fn token(
    State(state): State<AppState>,
    client: Client,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<TokenPair>> {
    let grant: Grant = decode(body)?;
    let access = secret::random_token(ACCESS_PREFIX);
    let refresh = secret::random_token(REFRESH_PREFIX);
    let (access_hash, refresh_hash) = (secret::digest(&access), secret::digest(&refresh));
    let auth = state.auth();
    let pair = Pair {
        access_hash: &access_hash,
        refresh_hash: &refresh_hash,
        access_ttl: auth.access_ttl,
        refresh_ttl: auth.refresh_ttl,
    };
    let now = state.clock.now();
    match grant {
        Grant::Password {
            username,
            password,
            code,
        } => {
            let creds = verify_login(
                &state,
                &client,
                &username,
                &password,
                code.as_deref(),
                false,
            )
            .await?;
            grants::issue(&state.store, &client.actor(None), creds.user.id, &pair, now).await?;
        }
        Grant::RefreshToken { refresh_token } => {
            if !refresh_token.starts_with(REFRESH_PREFIX) || refresh_token.len() > 128 {
                return Err(ApiError::BadCredentials);
            }
            let presented = secret::digest(&refresh_token);
            match grants::refresh(&state.store, &client.actor(None), &presented, &pair, now).await?
            {
                Refreshed::Rotated { .. } => {}
                Refreshed::Reused { user } => {
                    tracing::warn!(%user, "a used refresh token was presented again; its family is revoked");
                    return Err(ApiError::BadCredentials);
                }
                Refreshed::Invalid => return Err(ApiError::BadCredentials),
            }
        }
    }
    Ok(Json(TokenPair {
        access_token: access,
        token_type: "Bearer",
        expires_in: auth.access_ttl.whole_seconds(),
        refresh_token: refresh,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    pub refresh_token: String,
}

/// Signs a client out (RFC 7009: the answer is the same whether the token was known).
pub async fn revoke(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let r: Revocation = decode(body)?;
    if r.refresh_token.len() <= 128 {
        grants::revoke(
            &state.store,
            &secret::digest(&r.refresh_token),
            state.clock.now(),
        )
        .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
