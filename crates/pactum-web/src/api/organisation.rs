//! The caller's organisation: its details (the Art. 30 header).

use axum::Json;
use axum::extract::State;
use pactum_domain::organisation::Organisation;
use pactum_store::organisations;
use pactum_store::records::Record;

use crate::access::Caller;
use crate::error::ApiResult;
use crate::extract::{JsonBody, decode};
use crate::state::AppState;

pub async fn get(
    caller: Caller,
    State(state): State<AppState>,
) -> ApiResult<Json<Record<Organisation>>> {
    Ok(Json(
        organisations::get(&state.store, caller.org_id()).await?,
    ))
}

pub async fn replace(
    caller: Caller,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Record<Organisation>>> {
    let org: Organisation = decode(body)?;
    Ok(Json(
        organisations::update(
            &state.store,
            &caller.actor(),
            caller.org_id(),
            org,
            state.clock.now(),
        )
        .await?,
    ))
}
