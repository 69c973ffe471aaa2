//! The caller's organisation: its details (the Art. 30 header).

use axum::Json;
use axum::extract::State;
use pactum_domain::organisation::Organisation;
use pactum_store::records::Record;
use pactum_store::{lifecycle, organisations};

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

/// Schedules the organisation's deletion: owners only, in a browser session with a fresh
/// proof of identity, and with the slug typed again. It is locked at once and removed
/// with all its data when the recovery window ends.
pub async fn delete(
    caller: Caller,
    State(state): State<AppState>,
    query: Result<axum::extract::Query<Confirm>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<(axum::http::StatusCode, Json<Deletion>)> {
    let axum::extract::Query(q) = query.map_err(|e| {
        crate::error::ApiError::BadRequest(format!("The query string could not be read: {e}."))
    })?;
    if q.confirm.as_deref() != Some(caller.membership.slug.as_str()) {
        return Err(crate::error::ApiError::Invalid(
            pactum_domain::validation::Violations::single(
                "confirm",
                "matches",
                "confirm must be the organisation's slug: deleting removes all its data once the recovery window ends.",
            ),
        ));
    }
    if caller.principal.session_id().is_none() {
        return Err(crate::error::ApiError::Forbidden(
            "An organisation is deleted in a browser session, not with a token.".into(),
        ));
    }
    crate::api::account::require_fresh(&state, &caller.principal)?;
    let s = lifecycle::schedule_organisation(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        state.clock.now(),
        state.settings.deletion_window,
    )
    .await?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(Deletion::from(s))))
}

/// A scheduled deletion.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Deletion {
    #[serde(with = "pactum_domain::timestamp::serde_fmt")]
    #[schema(value_type = String)]
    pub requested_at: time::OffsetDateTime,
    /// When everything goes; until then it can be recovered.
    #[serde(with = "pactum_domain::timestamp::serde_fmt")]
    #[schema(value_type = String)]
    pub purge_at: time::OffsetDateTime,
}

impl From<lifecycle::Scheduled> for Deletion {
    fn from(s: lifecycle::Scheduled) -> Self {
        Self {
            requested_at: s.requested_at,
            purge_at: s.purge_at,
        }
    }
}

/// Cancels the organisation's scheduled deletion.
pub async fn recover(
    caller: Caller,
    State(state): State<AppState>,
) -> ApiResult<axum::http::StatusCode> {
    lifecycle::recover_organisation(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        state.clock.now(),
    )
    .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalHold {
    /// True keeps every row of the organisation from the retention batch and the purge.
    pub on: bool,
}

/// Sets or lifts the organisation's legal hold.
pub async fn legal_hold(
    caller: Caller,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<LegalHold>> {
    let hold: LegalHold = decode(body)?;
    lifecycle::hold_organisation(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        hold.on,
        state.clock.now(),
    )
    .await?;
    Ok(Json(hold))
}
