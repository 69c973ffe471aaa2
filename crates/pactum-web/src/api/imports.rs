//! Spreadsheet imports into a project's data map: `POST .../imports/{collection}/preview`
//! shows what a file would create, what conflicts and what is invalid (row, column, rule);
//! `POST .../imports/{collection}` creates every row or none. The body carries the file
//! (`content`, base64; `format` csv or xlsx; `sheet` for a workbook) and, optionally, the
//! column mapping; without one, the mapping last used for the same headers, else the one
//! the headers suggest. A commit remembers its mapping.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use pactum_documents::import::CellError;
use pactum_documents::import::plan::{self, Known, Mapping, Plan};
use pactum_documents::import::sheet::{self, Sheet};
use pactum_documents::import::target::Target;
use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::processing_activity::ProcessingActivity;
use pactum_domain::datamap::security_measure::SecurityMeasure;
use pactum_domain::datamap::service::Service;
use pactum_domain::datamap::vendor::Vendor;
use pactum_domain::entity::Entity;
use pactum_domain::project::Project;
use pactum_store::records;
use pactum_store::schema::Stored;
use pactum_store::scope::{ProjectId, Scope};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::access::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, decode};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    /// `csv` or `xlsx`.
    pub format: String,
    /// The file, base64.
    pub content: String,
    /// For a workbook: the sheet to read (the first by default).
    #[serde(default)]
    pub sheet: Option<String>,
    /// Column header -> field; without it, the remembered or suggested mapping.
    #[serde(default)]
    pub mapping: Option<Mapping>,
}

#[derive(Debug, Serialize)]
pub struct Preview {
    /// Where the mapping came from: `given`, `remembered` or `suggested`.
    pub mapping_source: &'static str,
    #[serde(flatten)]
    pub plan: Plan,
}

/// A 422 whose errors name the row and column of each broken rule.
pub(crate) fn problem(detail: String, errors: &[CellError]) -> Response {
    let body = json!({
        "type": "/problems/invalid",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": detail,
        "errors": errors,
    });
    let mut res = (
        StatusCode::UNPROCESSABLE_ENTITY,
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

async fn known(state: &AppState, scope: Scope) -> Result<Known, ApiError> {
    let mut k = Known::default();
    for r in records::every::<Service>(&state.store, scope).await? {
        k.add(Service::COLLECTION, &r.data.name, r.id);
    }
    for r in records::every::<Vendor>(&state.store, scope).await? {
        k.add(Vendor::COLLECTION, &r.data.name, r.id);
    }
    for r in records::every::<DataItem>(&state.store, scope).await? {
        k.add(DataItem::COLLECTION, &r.data.name, r.id);
        k.add(
            DataItem::COLLECTION,
            &format!("{}/{}", r.data.service_id, r.data.name),
            r.id,
        );
    }
    for r in records::every::<ProcessingActivity>(&state.store, scope).await? {
        k.add(ProcessingActivity::COLLECTION, &r.data.name, r.id);
    }
    for r in records::every::<SecurityMeasure>(&state.store, scope).await? {
        k.add(SecurityMeasure::COLLECTION, &r.data.name, r.id);
    }
    Ok(k)
}

/// A file read and planned: what a preview shows and a commit creates.
pub(crate) struct Prepared {
    pub target: Target,
    pub scope: Scope,
    pub sheet: Sheet,
    pub plan: Plan,
    pub source: &'static str,
}

/// The project scope of a path's project id, when the project is the caller's.
pub(crate) async fn project_scope(
    state: &AppState,
    caller: &Caller,
    project: &str,
) -> Result<Scope, ApiError> {
    let project = Uuid::parse_str(project).map_err(|_| ApiError::NotFound("Project".into()))?;
    records::get::<Project>(&state.store, Scope::Org(caller.org_id()), project).await?;
    Ok(Scope::Project(caller.org_id(), ProjectId(project)))
}

/// Reads the file and plans it: `Err` with the problems of the file or the mapping.
#[allow(clippy::too_many_arguments, reason = "the parts of one upload, named")]
pub(crate) async fn prepare_file(
    state: &AppState,
    caller: &Caller,
    scope: Scope,
    target: Target,
    format: &str,
    bytes: &[u8],
    sheet_name: Option<&str>,
    mapping: Option<Mapping>,
) -> Result<Result<Prepared, Vec<CellError>>, ApiError> {
    let read = match format {
        "csv" => sheet::from_csv(bytes),
        "xlsx" => sheet::from_xlsx(bytes, sheet_name),
        _ => {
            return Err(ApiError::Invalid(
                pactum_domain::validation::Violations::single(
                    "format",
                    "one_of",
                    "format must be csv or xlsx.",
                ),
            ));
        }
    };
    let sheet = match read {
        Ok(s) => s,
        Err(e) => return Ok(Err(vec![e])),
    };
    let (mapping, source) = match mapping {
        Some(m) => (m, "given"),
        None => match pactum_store::imports::remembered(
            &state.store,
            caller.org_id(),
            target.segment(),
            &sheet.headers,
        )
        .await?
        {
            Some(m) => (m, "remembered"),
            None => (plan::suggest(target, &sheet.headers), "suggested"),
        },
    };
    let mapping_errors = plan::check_mapping(target, &sheet.headers, &mapping);
    if !mapping_errors.is_empty() {
        return Ok(Err(mapping_errors));
    }
    let known = known(state, scope).await?;
    let plan = plan::plan_for(target, &sheet, &mapping, &known);
    Ok(Ok(Prepared {
        target,
        scope,
        sheet,
        plan,
        source,
    }))
}

async fn prepare(
    state: &AppState,
    caller: &Caller,
    project: &str,
    collection: &str,
    body: serde_json::Value,
) -> Result<Result<Prepared, Response>, ApiError> {
    let target =
        Target::parse(collection).ok_or_else(|| ApiError::NotFound("Collection".into()))?;
    let scope = project_scope(state, caller, project).await?;
    let body: ImportBody = decode(body)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body.content.trim())
        .map_err(|_| {
            ApiError::Invalid(pactum_domain::validation::Violations::single(
                "content",
                "base64",
                "content must be the file in base64.",
            ))
        })?;
    let prepared = prepare_file(
        state,
        caller,
        scope,
        target,
        &body.format,
        &bytes,
        body.sheet.as_deref(),
        body.mapping,
    )
    .await?;
    Ok(prepared.map_err(|errors| {
        let detail = match errors.as_slice() {
            [one] if one.row == 0 && one.column.is_empty() => one.message.clone(),
            _ => "The column mapping does not fit the file or the collection.".into(),
        };
        problem(detail, &errors)
    }))
}

/// `POST /orgs/{org}/projects/{project}/imports/{collection}/preview`.
pub async fn preview(
    State(state): State<AppState>,
    caller: Caller,
    Path(p): Path<BTreeMap<String, String>>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let project = p.get("project").cloned().unwrap_or_default();
    let collection = p.get("collection").cloned().unwrap_or_default();
    match prepare(&state, &caller, &project, &collection, body).await? {
        Ok(prepared) => Ok(axum::Json(Preview {
            mapping_source: prepared.source,
            plan: prepared.plan,
        })
        .into_response()),
        Err(res) => Ok(res),
    }
}

async fn create_all<E: Stored + serde::de::DeserializeOwned>(
    state: &AppState,
    caller: &Caller,
    prepared: &Prepared,
) -> Result<Result<Vec<Uuid>, Vec<CellError>>, ApiError> {
    let mut data = Vec::with_capacity(prepared.plan.rows.len());
    for row in &prepared.plan.rows {
        data.push(
            serde_json::from_value::<E>(row.record.clone())
                .map_err(|e| ApiError::Internal(e.to_string()))?,
        );
    }
    let now = state.clock.now();
    match records::create_all(&state.store, &caller.actor(), prepared.scope, data, now).await {
        Ok(recs) => Ok(Ok(recs.into_iter().map(|r| r.id).collect())),
        // Another writer got there between the plan and the commit: the row is named.
        Err((i, e)) => {
            let row = prepared.plan.rows.get(i).map_or(0, |r| r.row);
            let message = match ApiError::from(e) {
                ApiError::Conflict { message, .. } => message,
                ApiError::Invalid(v) => {
                    v.0.iter()
                        .map(|v| v.message.clone())
                        .collect::<Vec<_>>()
                        .join(" ")
                }
                other => return Err(other),
            };
            Ok(Err(vec![CellError {
                row,
                column: String::new(),
                field: "row".into(),
                rule: "conflict".into(),
                message,
            }]))
        }
    }
}

/// Creates every row of a clean plan, or none, and remembers the mapping.
pub(crate) async fn commit_prepared(
    state: &AppState,
    caller: &Caller,
    prepared: &Prepared,
) -> Result<Result<Vec<Uuid>, Vec<CellError>>, ApiError> {
    if !prepared.plan.is_clean() {
        return Ok(Err(prepared.plan.errors().cloned().collect()));
    }
    let created = match prepared.target {
        Target::Services => create_all::<Service>(state, caller, prepared).await?,
        Target::DataItems => create_all::<DataItem>(state, caller, prepared).await?,
        Target::ProcessingActivities => {
            create_all::<ProcessingActivity>(state, caller, prepared).await?
        }
        Target::Vendors => create_all::<Vendor>(state, caller, prepared).await?,
        Target::SecurityMeasures => create_all::<SecurityMeasure>(state, caller, prepared).await?,
    };
    if created.is_ok() {
        pactum_store::imports::remember(
            &state.store,
            caller.org_id(),
            prepared.target.segment(),
            &prepared.sheet.headers,
            &prepared.plan.mapping,
            state.clock.now(),
        )
        .await?;
    }
    Ok(created)
}

/// `POST /orgs/{org}/projects/{project}/imports/{collection}`: all rows or none.
pub async fn commit(
    State(state): State<AppState>,
    caller: Caller,
    Path(p): Path<BTreeMap<String, String>>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let project = p.get("project").cloned().unwrap_or_default();
    let collection = p.get("collection").cloned().unwrap_or_default();
    let prepared = match prepare(&state, &caller, &project, &collection, body).await? {
        Ok(p) => p,
        Err(res) => return Ok(res),
    };
    match commit_prepared(&state, &caller, &prepared).await? {
        Ok(ids) => Ok((
            StatusCode::CREATED,
            axum::Json(json!({"created": ids.len(), "ids": ids})),
        )
            .into_response()),
        Err(errors) => Ok(problem(
            format!(
                "Nothing was imported: {} rows conflict and {} are invalid.",
                prepared.plan.conflicts, prepared.plan.invalid
            ),
            &errors,
        )),
    }
}
