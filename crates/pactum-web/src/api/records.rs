//! List, create, read, replace, patch and delete for every record type of the data map
//! (and projects), written once over the store's [`Stored`] descriptions.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pactum_store::records::{self, Page, Record};
use pactum_store::schema::{ScopeKind, Stored};
use pactum_store::scope::{ProjectId, Scope};

use crate::access::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, decode, list_query, merge_patch, path_id};
use crate::state::AppState;

type Params = Result<Path<HashMap<String, String>>, PathRejection>;

fn params(p: Params) -> ApiResult<HashMap<String, String>> {
    p.map(|Path(p)| p)
        .map_err(|_| ApiError::NotFound("Resource".into()))
}

fn scope_of<E: Stored>(caller: &Caller, params: &HashMap<String, String>) -> ApiResult<Scope> {
    Ok(match E::TABLE.scope {
        ScopeKind::Org => Scope::Org(caller.org_id()),
        ScopeKind::Project => Scope::Project(
            caller.org_id(),
            ProjectId(path_id(params, "project", "Project")?),
        ),
    })
}

fn what<E: Stored>() -> String {
    let mut s = E::NAME.to_owned();
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    s
}

pub async fn list<E: Stored>(
    caller: Caller,
    State(state): State<AppState>,
    path: Params,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Json<Page<Record<E>>>> {
    let params = params(path)?;
    let Query(raw) = query
        .map_err(|e| ApiError::BadRequest(format!("The query string could not be read: {e}.")))?;
    let q = list_query(raw)?;
    let scope = scope_of::<E>(&caller, &params)?;
    Ok(Json(records::list::<E>(&state.store, scope, &q).await?))
}

pub async fn get<E: Stored>(
    caller: Caller,
    State(state): State<AppState>,
    path: Params,
) -> ApiResult<Json<Record<E>>> {
    let params = params(path)?;
    let scope = scope_of::<E>(&caller, &params)?;
    let id = path_id(&params, "id", &what::<E>())?;
    Ok(Json(records::get::<E>(&state.store, scope, id).await?))
}

pub async fn create<E: Stored>(
    caller: Caller,
    State(state): State<AppState>,
    path: Params,
    OriginalUri(uri): OriginalUri,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let params = params(path)?;
    let scope = scope_of::<E>(&caller, &params)?;
    let data: E = decode(body)?;
    let rec = records::create(
        &state.store,
        &caller.actor(),
        scope,
        data,
        state.clock.now(),
    )
    .await?;
    let location = format!("{}/{}", uri.path().trim_end_matches('/'), rec.id);
    let mut res = (StatusCode::CREATED, Json(rec)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// Permission, scope and id of a request that changes one record.
fn target<E: Stored>(caller: &Caller, path: Params) -> ApiResult<(Scope, uuid::Uuid)> {
    let params = params(path)?;
    let scope = scope_of::<E>(caller, &params)?;
    let id = path_id(&params, "id", &what::<E>())?;
    Ok((scope, id))
}

pub async fn replace<E: Stored>(
    caller: Caller,
    State(state): State<AppState>,
    path: Params,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Record<E>>> {
    let (scope, id) = target::<E>(&caller, path)?;
    let data: E = decode(body)?;
    Ok(Json(
        records::update(
            &state.store,
            &caller.actor(),
            scope,
            id,
            data,
            state.clock.now(),
        )
        .await?,
    ))
}

/// JSON merge patch (RFC 7396): send only the fields to change, `null` to clear one.
pub async fn patch<E: Stored>(
    caller: Caller,
    State(state): State<AppState>,
    path: Params,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Record<E>>> {
    let (scope, id) = target::<E>(&caller, path)?;
    if !body.is_object() {
        return Err(ApiError::BadRequest(
            "A merge patch must be a JSON object.".into(),
        ));
    }
    let current = records::get::<E>(&state.store, scope, id).await?;
    let mut merged =
        serde_json::to_value(&current.data).map_err(|e| ApiError::Internal(e.to_string()))?;
    merge_patch(&mut merged, body);
    let data: E = decode(merged)?;
    Ok(Json(
        records::update(
            &state.store,
            &caller.actor(),
            scope,
            id,
            data,
            state.clock.now(),
        )
        .await?,
    ))
}

pub async fn delete<E: Stored>(
    caller: Caller,
    State(state): State<AppState>,
    path: Params,
) -> ApiResult<StatusCode> {
    let (scope, id) = target::<E>(&caller, path)?;
    records::delete::<E>(&state.store, &caller.actor(), scope, id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
