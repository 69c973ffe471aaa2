//! Fides interoperability for a project: `GET .../fides` writes its data map as fideslang
//! `system` and `dataset` YAML; `POST .../fides` (JSON `{"content": "<yaml>"}`) reads such
//! YAML into new services, data items and processing activities, all or none.

use std::collections::{BTreeMap, HashSet};

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pactum_documents::fides::{self, ExportDeclaration, ExportService};
use pactum_documents::import::CellError;
use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::processing_activity::ProcessingActivity;
use pactum_domain::datamap::service::Service;
use pactum_store::records::{self, Batch};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::access::Caller;
use crate::api::imports::{problem, project_scope};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, decode};
use crate::state::AppState;

/// `GET /orgs/{org}/projects/{project}/fides`.
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Path(p): Path<BTreeMap<String, String>>,
) -> ApiResult<Response> {
    let scope = project_scope(&state, &caller, p.get("project").map_or("", String::as_str)).await?;
    let services = records::every::<Service>(&state.store, scope).await?;
    let items = records::every::<DataItem>(&state.store, scope).await?;
    let activities = records::every::<ProcessingActivity>(&state.store, scope).await?;
    let export: Vec<ExportService<'_>> = services
        .iter()
        .map(|s| {
            let own: Vec<&pactum_store::records::Record<DataItem>> =
                items.iter().filter(|i| i.data.service_id == s.id).collect();
            let ids: HashSet<Uuid> = own.iter().map(|i| i.id).collect();
            ExportService {
                name: &s.data.name,
                description: s.data.description.as_deref(),
                items: own
                    .iter()
                    .map(|i| (i.data.name.as_str(), i.data.category.as_str()))
                    .collect(),
                declarations: activities
                    .iter()
                    .filter(|a| a.data.data_item_ids.iter().any(|id| ids.contains(id)))
                    .map(|a| ExportDeclaration {
                        name: &a.data.name,
                        purposes: &a.data.purposes,
                        legal_basis: a.data.legal_basis.as_deref(),
                        subject_categories: &a.data.subject_categories,
                        retention: a.data.retention.as_deref(),
                        categories: own
                            .iter()
                            .filter(|i| a.data.data_item_ids.contains(&i.id))
                            .map(|i| i.data.category.as_str())
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    let yaml = fides::write(&export).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut res = yaml.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/yaml"),
    );
    res.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"fides.yml\""),
    );
    Ok(res)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FidesBody {
    /// fideslang YAML with `system` and/or `dataset`.
    content: String,
}

/// `POST /orgs/{org}/projects/{project}/fides`.
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Path(p): Path<BTreeMap<String, String>>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let scope = project_scope(&state, &caller, p.get("project").map_or("", String::as_str)).await?;
    let body: FidesBody = decode(body)?;
    let plan = match fides::read(&body.content) {
        Ok(plan) => plan,
        Err(e) => return Ok(problem(e.message.clone(), &[e])),
    };
    let mut errors = plan.errors.clone();
    let existing: HashSet<String> = records::every::<Service>(&state.store, scope)
        .await?
        .into_iter()
        .map(|s| s.data.name.to_lowercase())
        .collect();
    for (i, s) in plan.services.iter().enumerate() {
        let name = s["name"].as_str().unwrap_or_default();
        if existing.contains(&name.to_lowercase()) {
            errors.push(CellError {
                row: 0,
                column: String::new(),
                field: format!("services[{i}].name"),
                rule: "exists".into(),
                message: format!("a service called {name:?} exists already in this project."),
            });
        }
    }
    if !errors.is_empty() {
        return Ok(problem(
            "Nothing was imported: the YAML names what Pactum cannot map.".into(),
            &errors,
        ));
    }
    let now = state.clock.now();
    let actor = caller.actor();
    let invalid = |what: String, e: pactum_store::StoreError| -> Response {
        match ApiError::from(e) {
            ApiError::Invalid(v) => {
                let errs: Vec<CellError> =
                    v.0.into_iter()
                        .map(|v| CellError {
                            row: 0,
                            column: String::new(),
                            field: format!("{what}.{}", v.field),
                            rule: v.rule,
                            message: v.message,
                        })
                        .collect();
                problem("Nothing was imported.".into(), &errs)
            }
            ApiError::Conflict { message, .. } => problem(
                "Nothing was imported.".into(),
                &[CellError {
                    row: 0,
                    column: String::new(),
                    field: what,
                    rule: "exists".into(),
                    message,
                }],
            ),
            other => other.into_response(),
        }
    };
    let mut batch = Batch::begin(&state.store, &actor, now).await?;
    let mut service_ids = Vec::with_capacity(plan.services.len());
    for (i, doc) in plan.services.iter().enumerate() {
        let data: Service = decode(doc.clone())?;
        match batch.create(scope, data).await {
            Ok(r) => service_ids.push(r.id),
            Err(e) => return Ok(invalid(format!("services[{i}]"), e)),
        }
    }
    let mut item_ids = Vec::with_capacity(plan.items.len());
    for (i, (service, doc)) in plan.items.iter().enumerate() {
        let mut doc = doc.clone();
        doc["service_id"] = json!(service_ids[*service]);
        let data: DataItem = decode(doc)?;
        match batch.create(scope, data).await {
            Ok(r) => item_ids.push(r.id),
            Err(e) => return Ok(invalid(format!("data_items[{i}]"), e)),
        }
    }
    for (i, (doc, items)) in plan.activities.iter().enumerate() {
        let mut doc = doc.clone();
        doc["data_item_ids"] = json!(items.iter().map(|i| item_ids[*i]).collect::<Vec<_>>());
        let data: ProcessingActivity = decode(doc)?;
        if let Err(e) = batch.create(scope, data).await {
            return Ok(invalid(format!("processing_activities[{i}]"), e));
        }
    }
    batch.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({
            "services": service_ids.len(),
            "data_items": item_ids.len(),
            "processing_activities": plan.activities.len(),
        })),
    )
        .into_response())
}
