//! Files of a service or vendor: upload (multipart, streamed through the checks in
//! [`crate::files`]), list, metadata, download and delete.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{MatchedPath, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pactum_store::files::{self, Owner, StoredFile};
use pactum_store::scope::ProjectId;

use crate::access::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::path_id;
use crate::state::AppState;

/// The project and the service or vendor a file route names.
fn owner_of(
    matched: &MatchedPath,
    params: &HashMap<String, String>,
) -> ApiResult<(ProjectId, Owner)> {
    let project = ProjectId(path_id(params, "project", "Project")?);
    let route = matched.as_str();
    let owner = if route.contains("/services/") {
        Owner::Services(path_id(params, "id", "Service")?)
    } else if route.contains("/vendors/") {
        Owner::Vendors(path_id(params, "id", "Vendor")?)
    } else {
        return Err(ApiError::NotFound("Resource".into()));
    };
    Ok((project, owner))
}

/// The file named by the path, if it belongs to the record the path names.
async fn file_of(
    state: &AppState,
    caller: &Caller,
    matched: &MatchedPath,
    params: &HashMap<String, String>,
) -> ApiResult<StoredFile> {
    let (project, owner) = owner_of(matched, params)?;
    let id = path_id(params, "file", "File")?;
    let file = files::get(&state.store, caller.org_id(), project, id).await?;
    if file.owner != owner {
        return Err(ApiError::NotFound("File".into()));
    }
    Ok(file)
}

pub async fn list(
    caller: Caller,
    State(state): State<AppState>,
    matched: MatchedPath,
    Path(params): Path<HashMap<String, String>>,
) -> ApiResult<Json<Vec<StoredFile>>> {
    let (project, owner) = owner_of(&matched, &params)?;
    Ok(Json(
        files::list(&state.store, caller.org_id(), project, owner).await?,
    ))
}

pub async fn upload(
    caller: Caller,
    State(state): State<AppState>,
    matched: MatchedPath,
    Path(params): Path<HashMap<String, String>>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let (project, owner) = owner_of(&matched, &params)?;
    // A missing record is named before a malformed body.
    files::require_owner(&state.store, caller.org_id(), project, owner).await?;
    let form = form.map_err(|_| {
        ApiError::BadRequest(
            "Send the file as multipart/form-data with a `file` field (and optionally `kind`)."
                .into(),
        )
    })?;
    let stored = crate::files::receive(&state, &caller, project, owner, form).await?;
    Ok((StatusCode::CREATED, Json(stored)).into_response())
}

pub async fn get(
    caller: Caller,
    State(state): State<AppState>,
    matched: MatchedPath,
    Path(params): Path<HashMap<String, String>>,
) -> ApiResult<Json<StoredFile>> {
    Ok(Json(file_of(&state, &caller, &matched, &params).await?))
}

pub async fn content(
    caller: Caller,
    State(state): State<AppState>,
    matched: MatchedPath,
    Path(params): Path<HashMap<String, String>>,
) -> ApiResult<Response> {
    let file = file_of(&state, &caller, &matched, &params).await?;
    crate::files::download(&state, &file).await
}

pub async fn delete(
    caller: Caller,
    State(state): State<AppState>,
    matched: MatchedPath,
    Path(params): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let file = file_of(&state, &caller, &matched, &params).await?;
    files::delete(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        ProjectId(file.project_id),
        file.id,
        state.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
