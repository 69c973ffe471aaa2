//! The compliance assessment of an organisation (or one project): score, reasons, findings,
//! and the organisation's recorded scores of the last days.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use pactum_domain::compliance::{Finding, Reason};
use pactum_store::scope::{ProjectId, Scope};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplianceQuery {
    /// Assess one project only (its data map and assessments; no registers, no trend).
    pub project_id: Option<uuid::Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayScore {
    #[schema(value_type = String, format = Date)]
    pub day: time::Date,
    pub score: u8,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComplianceReport {
    /// 0 to 100: the severity-weighted average of the checks' pass rates.
    pub score: u8,
    /// What each check that looked at something contributed, most points lost first.
    pub reasons: Vec<Reason>,
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// The organisation's score per recorded day, oldest first (empty for a project).
    pub trend: Vec<DayScore>,
}

/// `GET /orgs/{org}/compliance`: assesses now; the organisation's assessment is kept as the
/// day's score.
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<ComplianceQuery>, QueryRejection>,
) -> ApiResult<Json<ComplianceReport>> {
    let Query(query) = query
        .map_err(|e| ApiError::BadRequest(format!("The query string could not be read: {e}.")))?;
    let now = state.clock.now();
    let today = pactum_domain::clocks::period::local_date(now, &caller.membership.timezone);
    let store = &state.store;
    let org = caller.org_id();
    let (assessment, trend) = match query.project_id {
        Some(p) => {
            // An unknown project, or another organisation's, is a 404 like everywhere else.
            pactum_store::records::get::<pactum_domain::project::Project>(
                store,
                Scope::Org(org),
                p,
            )
            .await?;
            let a = pactum_store::compliance::assess_project(store, org, ProjectId(p), today, now)
                .await?;
            (a, Vec::new())
        }
        None => {
            let a = pactum_store::compliance::assess(store, org, today, now).await?;
            pactum_store::compliance::record(store, org, today, &a, now).await?;
            let trend =
                pactum_store::compliance::trend(store, org, crate::ui::compliance::TREND_DAYS)
                    .await?;
            (a, trend)
        }
    };
    Ok(Json(ComplianceReport {
        score: assessment.score,
        reasons: assessment.reasons,
        findings: assessment.findings,
        trend: trend
            .into_iter()
            .map(|d| DayScore {
                day: d.day,
                score: d.score,
                high: d.high,
                medium: d.medium,
                low: d.low,
            })
            .collect(),
    }))
}
