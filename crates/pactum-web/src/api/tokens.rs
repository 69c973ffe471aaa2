//! API tokens of the organisation: issue (the secret is shown once), list, revoke.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pactum_domain::access::NewToken;
use pactum_store::tokens::{self, ApiToken, IssuedToken};

use crate::access::Caller;
use crate::auth::Credential;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, decode, path_id};
use crate::state::AppState;

pub async fn list(caller: Caller, State(state): State<AppState>) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(
        tokens::list(&state.store, caller.org_id(), caller.user_id()).await?,
    ))
}

pub async fn create(
    caller: Caller,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<IssuedToken>)> {
    let request: NewToken = decode(body)?;
    if request.scope > caller.principal.scope {
        return Err(crate::error::ApiError::Forbidden(format!(
            "A token cannot grant more than it has: this credential has the {} scope.",
            caller.principal.scope.as_str()
        )));
    }
    Ok((
        StatusCode::CREATED,
        Json(
            tokens::create(
                &state.store,
                &caller.actor(),
                caller.org_id(),
                caller.user_id(),
                request,
                state.clock.now(),
            )
            .await?,
        ),
    ))
}

pub async fn revoke(
    caller: Caller,
    State(state): State<AppState>,
    Path(p): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let id = path_id(&p, "id", "Token")?;
    if matches!(caller.principal.credential, Credential::ApiToken { id: own, .. } if own == id) {
        return Err(ApiError::Conflict {
            field: "id".into(),
            message: "a token cannot revoke itself; use another token or sign in.".into(),
        });
    }
    tokens::revoke(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        caller.user_id(),
        id,
        state.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
