//! Members of the organisation and their roles.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pactum_domain::access::Permission;
use pactum_domain::organisation::{Member, MemberRole};
use pactum_store::members::{self, MemberRecord};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::access::Caller;
use crate::error::ApiResult;
use crate::extract::{JsonBody, decode, path_id};
use crate::state::AppState;

pub async fn list(
    caller: Caller,
    State(state): State<AppState>,
) -> ApiResult<Json<Vec<MemberRecord>>> {
    Ok(Json(members::list(&state.store, caller.org_id()).await?))
}

pub async fn get(
    caller: Caller,
    State(state): State<AppState>,
    Path(p): Path<HashMap<String, String>>,
) -> ApiResult<Json<MemberRecord>> {
    let id = path_id(&p, "id", "Member")?;
    Ok(Json(members::get(&state.store, caller.org_id(), id).await?))
}

pub async fn add(
    caller: Caller,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<MemberRecord>)> {
    let member: Member = decode(body)?;
    if member.role == MemberRole::Owner {
        caller.require(Permission::Own)?;
    }
    Ok((
        StatusCode::CREATED,
        Json(
            members::add(
                &state.store,
                &caller.actor(),
                caller.org_id(),
                member,
                state.clock.now(),
            )
            .await?,
        ),
    ))
}

/// The only thing to change on a membership is its role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    pub role: MemberRole,
}

pub async fn set_role(
    caller: Caller,
    State(state): State<AppState>,
    Path(p): Path<HashMap<String, String>>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<MemberRecord>> {
    let id = path_id(&p, "id", "Member")?;
    let change: RoleChange = decode(body)?;
    let current = members::get(&state.store, caller.org_id(), id).await?;
    if change.role == MemberRole::Owner || current.role == MemberRole::Owner {
        caller.require(Permission::Own)?;
    }
    Ok(Json(
        members::set_role(
            &state.store,
            &caller.actor(),
            caller.org_id(),
            id,
            change.role,
            state.clock.now(),
        )
        .await?,
    ))
}

pub async fn remove(
    caller: Caller,
    State(state): State<AppState>,
    Path(p): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let id = path_id(&p, "id", "Member")?;
    let current = members::get(&state.store, caller.org_id(), id).await?;
    if current.role == MemberRole::Owner {
        caller.require(Permission::Own)?;
    }
    members::remove(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        id,
        state.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
