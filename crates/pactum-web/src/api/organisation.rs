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

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Confirm {
    /// The organisation's slug, typed again.
    pub confirm: Option<String>,
}

/// Deletes the organisation with all its data: owners only, in a browser session with a
/// fresh proof of identity, and with the slug typed again.
pub async fn delete(
    caller: Caller,
    State(state): State<AppState>,
    query: Result<axum::extract::Query<Confirm>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::http::StatusCode> {
    let axum::extract::Query(q) = query.map_err(|e| {
        crate::error::ApiError::BadRequest(format!("The query string could not be read: {e}."))
    })?;
    if q.confirm.as_deref() != Some(caller.membership.slug.as_str()) {
        return Err(crate::error::ApiError::Invalid(
            pactum_domain::validation::Violations::single(
                "confirm",
                "matches",
                "confirm must be the organisation's slug: deleting removes all its data for good.",
            ),
        ));
    }
    if caller.principal.session_id().is_none() {
        return Err(crate::error::ApiError::Forbidden(
            "An organisation is deleted in a browser session, not with a token.".into(),
        ));
    }
    crate::api::account::require_fresh(&state, &caller.principal)?;
    organisations::delete(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        state.clock.now(),
    )
    .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
