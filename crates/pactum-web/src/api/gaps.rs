//! What needs attention in an organisation's data map: the gaps the domain rules find,
//! per rule, as the dashboard shows them.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use pactum_domain::gaps::{Gap, GapRule, Severity};
use pactum_domain::validation::Violations;
use pactum_store::scope::ProjectId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Records listed per rule when the caller does not say.
const DEFAULT_SAMPLE: u32 = 20;
const MAX_SAMPLE: u32 = 200;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GapsQuery {
    pub project_id: Option<uuid::Uuid>,
    /// Records listed per rule, 0 to 200.
    pub limit: Option<u32>,
}

/// One rule with gaps: how many records have it and the most recently changed of them.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleGaps {
    pub rule: GapRule,
    /// The GDPR article the rule comes from, e.g. `Art. 9(2)`.
    pub article: &'static str,
    pub severity: Severity,
    pub count: i64,
    pub records: Vec<GapRecord>,
}

/// A record with at least one gap.
#[derive(Debug, Serialize, ToSchema)]
pub struct GapRecord {
    /// The collection's path segment, e.g. `data-items`.
    pub collection: String,
    pub id: uuid::Uuid,
    pub project_id: uuid::Uuid,
    pub project_name: String,
    pub name: String,
    /// Every gap of the record: the field to fill in and the rule.
    pub gaps: Vec<Gap>,
}

/// `GET /orgs/{org}/gaps`: per rule, most severe first; rules without gaps are left out.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<GapsQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<RuleGaps>>> {
    let Query(query) = query
        .map_err(|e| ApiError::BadRequest(format!("The query string could not be read: {e}.")))?;
    let sample = query.limit.unwrap_or(DEFAULT_SAMPLE);
    if sample > MAX_SAMPLE {
        let mut v = Violations::new();
        v.add(
            "limit",
            "range",
            format!("limit must be from 0 to {MAX_SAMPLE}."),
        );
        return Err(ApiError::Invalid(v));
    }
    let project = query.project_id.map(ProjectId);
    if let Some(p) = project {
        // An unknown project, or another organisation's, is a 404 like everywhere else.
        pactum_store::records::get::<pactum_domain::project::Project>(
            &state.store,
            pactum_store::scope::Scope::Org(caller.org_id()),
            p.0,
        )
        .await?;
    }
    let rules =
        pactum_store::gaps::attention(&state.store, caller.org_id(), project, sample).await?;
    Ok(Json(
        rules
            .into_iter()
            .map(|r| RuleGaps {
                rule: r.rule,
                article: r.rule.article(),
                severity: r.rule.severity(),
                count: r.count,
                records: r
                    .records
                    .into_iter()
                    .map(|g| GapRecord {
                        collection: g.collection.replace('_', "-"),
                        id: g.id,
                        project_id: g.project_id,
                        project_name: g.project_name,
                        name: g.name,
                        gaps: g.gaps,
                    })
                    .collect(),
            })
            .collect(),
    ))
}
