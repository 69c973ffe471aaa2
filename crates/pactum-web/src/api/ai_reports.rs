//! A project's AI reports: make one (anonymised payload, the configured provider), list
//! them, read one with the exact payload that was sent.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pactum_store::reports::{self, AiReport};
use pactum_store::scope::ProjectId;

use crate::access::Caller;
use crate::error::ApiResult;
use crate::extract::path_id;
use crate::state::AppState;

pub async fn list(
    caller: Caller,
    State(state): State<AppState>,
    Path(params): Path<HashMap<String, String>>,
) -> ApiResult<Json<Vec<AiReport>>> {
    let project = ProjectId(path_id(&params, "project", "Project")?);
    Ok(Json(
        reports::list(&state.store, caller.org_id(), project).await?,
    ))
}

pub async fn create(
    caller: Caller,
    State(state): State<AppState>,
    Path(params): Path<HashMap<String, String>>,
) -> ApiResult<Response> {
    let project = ProjectId(path_id(&params, "project", "Project")?);
    let report = crate::ai::generate(&state, &caller, project).await?;
    Ok((StatusCode::CREATED, Json(report)).into_response())
}

pub async fn get(
    caller: Caller,
    State(state): State<AppState>,
    Path(params): Path<HashMap<String, String>>,
) -> ApiResult<Json<AiReport>> {
    let project = ProjectId(path_id(&params, "project", "Project")?);
    let id = path_id(&params, "id", "AI report")?;
    Ok(Json(
        reports::get(&state.store, caller.org_id(), project, id).await?,
    ))
}
