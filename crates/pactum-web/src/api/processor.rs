//! The processor toolkit over the API: sub-processor change notices, their subscribers
//! and objections, breach notices to customers, and an audit request's contract check.
//! Customers and audit requests themselves are ordinary collections (`router::registry`).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pactum_domain::processor::audit::{AuditRequest, AuditTerms, check_terms};
use pactum_domain::processor::customer::Customer;
use pactum_domain::processor::notice::{NoticeDraft, ObjectionStatus};
use pactum_store::processor::notices::{self, Delivery, Notice};
use pactum_store::processor::objections::{self, Objection};
use pactum_store::processor::subscribers::{self, Subscriber};
use pactum_store::records;
use pactum_store::scope::Scope;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::access::Caller;
use crate::error::ApiResult;
use crate::extract::{JsonBody, decode, path_id};
use crate::processor::{self, BreachNotices};
use crate::state::AppState;

pub async fn list_notices(
    caller: Caller,
    State(state): State<AppState>,
) -> ApiResult<Json<Vec<Notice>>> {
    Ok(Json(notices::list(&state.store, caller.org_id()).await?))
}

pub async fn publish(
    caller: Caller,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Notice>)> {
    let draft: NoticeDraft = decode(body)?;
    let notice = processor::publish(&state, &caller.actor(), caller.org_id(), draft).await?;
    Ok((StatusCode::CREATED, Json(notice)))
}

pub async fn get_notice(
    caller: Caller,
    State(state): State<AppState>,
    Path(p): Path<HashMap<String, String>>,
) -> ApiResult<Json<Notice>> {
    let id = path_id(&p, "id", "Subprocessor notice")?;
    Ok(Json(notices::get(&state.store, caller.org_id(), id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    /// Why the change will not go ahead; shown with the notice.
    pub reason: String,
}

pub async fn withdraw(
    caller: Caller,
    State(state): State<AppState>,
    Path(p): Path<HashMap<String, String>>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Notice>> {
    let id = path_id(&p, "id", "Subprocessor notice")?;
    let w: Withdrawal = decode(body)?;
    Ok(Json(
        notices::withdraw(
            &state.store,
            &caller.actor(),
            caller.org_id(),
            id,
            &w.reason,
            state.clock.now(),
        )
        .await?,
    ))
}

pub async fn deliveries(
    caller: Caller,
    State(state): State<AppState>,
    Path(p): Path<HashMap<String, String>>,
) -> ApiResult<Json<Vec<Delivery>>> {
    let id = path_id(&p, "id", "Subprocessor notice")?;
    Ok(Json(
        notices::deliveries(&state.store, caller.org_id(), id).await?,
    ))
}

pub async fn list_subscribers(
    caller: Caller,
    State(state): State<AppState>,
) -> ApiResult<Json<Vec<Subscriber>>> {
    Ok(Json(
        subscribers::list(&state.store, caller.org_id()).await?,
    ))
}

pub async fn remove_subscriber(
    caller: Caller,
    State(state): State<AppState>,
    Path(p): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let id = path_id(&p, "id", "Subscriber")?;
    subscribers::remove(
        &state.store,
        &caller.actor(),
        caller.org_id(),
        id,
        state.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_objections(
    caller: Caller,
    State(state): State<AppState>,
) -> ApiResult<Json<Vec<Objection>>> {
    Ok(Json(objections::list(&state.store, caller.org_id()).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionChange {
    pub status: ObjectionStatus,
    /// What was answered or agreed; required to resolve or to record a termination.
    #[serde(default)]
    pub response: Option<String>,
}

pub async fn change_objection(
    caller: Caller,
    State(state): State<AppState>,
    Path(p): Path<HashMap<String, String>>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Objection>> {
    let id = path_id(&p, "id", "Objection")?;
    let change: ObjectionChange = decode(body)?;
    Ok(Json(
        objections::update(
            &state.store,
            &caller.actor(),
            caller.org_id(),
            id,
            change.status,
            change.response.as_deref(),
            state.clock.now(),
        )
        .await?,
    ))
}

pub async fn breach_notices(
    caller: Caller,
    State(state): State<AppState>,
    Path(p): Path<HashMap<String, String>>,
) -> ApiResult<Json<BreachNotices>> {
    let id = path_id(&p, "id", "Breach")?;
    Ok(Json(
        processor::breach_notices(&state, caller.org_id(), id).await?,
    ))
}

pub async fn send_breach_notices(
    caller: Caller,
    State(state): State<AppState>,
    Path(p): Path<HashMap<String, String>>,
) -> ApiResult<Json<BreachNotices>> {
    let id = path_id(&p, "id", "Breach")?;
    Ok(Json(
        processor::send_breach_notices(&state, &caller.actor(), caller.org_id(), id).await?,
    ))
}

/// An audit request measured against its customer's contract.
pub async fn audit_terms(
    state: &AppState,
    org: pactum_store::scope::OrgId,
    id: uuid::Uuid,
) -> Result<AuditTerms, crate::error::ApiError> {
    let scope = Scope::Org(org);
    let request = records::get::<AuditRequest>(&state.store, scope, id).await?;
    let customer = records::get::<Customer>(&state.store, scope, request.data.customer_id).await?;
    let others: Vec<_> = records::every::<AuditRequest>(&state.store, scope)
        .await?
        .into_iter()
        .filter(|r| r.data.customer_id == request.data.customer_id)
        .map(|r| (r.id, r.data))
        .collect();
    Ok(check_terms(
        (request.id, &request.data),
        customer.data.audit_notice_days,
        customer.data.audits_per_year,
        &others,
    ))
}

pub async fn terms(
    caller: Caller,
    State(state): State<AppState>,
    Path(p): Path<HashMap<String, String>>,
) -> ApiResult<Json<AuditTerms>> {
    let id = path_id(&p, "id", "Audit request")?;
    Ok(Json(audit_terms(&state, caller.org_id(), id).await?))
}
