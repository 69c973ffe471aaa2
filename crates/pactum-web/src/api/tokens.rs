//! API tokens of the organisation: issue (the secret is shown once), list, revoke.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pactum_domain::access::{NewToken, TokenScope};
use pactum_store::tokens::{self, ApiToken, IssuedToken};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, decode, path_id};
use crate::state::AppState;

pub async fn list(caller: Caller, State(state): State<AppState>) -> ApiResult<Json<Vec<ApiToken>>> {
    caller.allow(TokenScope::Admin)?;
    Ok(Json(tokens::list(&state.store, caller.org_id()).await?))
}

pub async fn create(
    caller: Caller,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<IssuedToken>)> {
    caller.allow(TokenScope::Admin)?;
    let request: NewToken = decode(body)?;
    Ok((
        StatusCode::CREATED,
        Json(tokens::create(&state.store, caller.org_id(), request, state.clock.now()).await?),
    ))
}

pub async fn revoke(
    caller: Caller,
    State(state): State<AppState>,
    Path(p): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    caller.allow(TokenScope::Admin)?;
    let id = path_id(&p, "id", "Token")?;
    if id == caller.token.id {
        return Err(ApiError::Conflict {
            field: "id".into(),
            message: "a token cannot revoke itself; use another admin token.".into(),
        });
    }
    tokens::revoke(&state.store, caller.org_id(), id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
