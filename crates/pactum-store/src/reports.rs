//! AI reports of a project: the report text, the provider and model that wrote it, and the
//! exact payload that left Pactum to get it.

use pactum_domain::timestamp::{self, serde_fmt};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::database::Store;
use crate::error::{Result, StoreError};
use crate::row;
use crate::scope::{OrgId, ProjectId, Scope};
use crate::sql::{Sql, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AiReport {
    #[schema(value_type = String)]
    pub id: Uuid,
    #[serde(skip)]
    pub org_id: Uuid,
    #[schema(value_type = String)]
    pub project_id: Uuid,
    /// `offline` or `openai_compatible`.
    pub provider: String,
    pub model: String,
    /// The anonymised payload exactly as it was sent (JSON text).
    pub payload: String,
    /// The report, as Markdown.
    pub report: String,
    #[serde(with = "serde_fmt")]
    #[schema(value_type = String)]
    pub created_at: OffsetDateTime,
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub created_by: Option<Uuid>,
}

/// A report to keep.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub provider: String,
    pub model: String,
    pub payload: String,
    pub report: String,
}

const COLUMNS: &str =
    "id, org_id, project_id, provider, model, payload, report, created_at, created_by";

fn from_row(r: &AnyRow) -> Result<AiReport> {
    Ok(AiReport {
        id: row::uuid(r, "id")?,
        org_id: row::uuid(r, "org_id")?,
        project_id: row::uuid(r, "project_id")?,
        provider: row::text(r, "provider")?,
        model: row::text(r, "model")?,
        payload: row::text(r, "payload")?,
        report: row::text(r, "report")?,
        created_at: row::ts(r, "created_at")?,
        created_by: row::opt_uuid(r, "created_by")?,
    })
}

/// Keeps a report, with its audit event.
pub async fn insert(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    project: ProjectId,
    new: NewReport,
    now: OffsetDateTime,
) -> Result<AiReport> {
    let now = timestamp::truncate(now);
    let report = AiReport {
        id: Uuid::now_v7(),
        org_id: org.0,
        project_id: project.0,
        provider: new.provider,
        model: new.model,
        payload: new.payload,
        report: new.report,
        created_at: now,
        created_by: actor.user_id,
    };
    let mut tx = store.write().await?;
    crate::records::ensure_project(&mut tx, Scope::Project(org, project)).await?;
    let mut sql = Sql::new(format!("INSERT INTO ai_reports ({COLUMNS}) VALUES ("));
    let ph = [
        sql.arg(report.id),
        sql.arg(org.0),
        sql.arg(project.0),
        sql.arg(report.provider.as_str()),
        sql.arg(report.model.as_str()),
        sql.arg(report.payload.as_str()),
        sql.arg(report.report.as_str()),
        sql.arg(now),
        sql.arg(Value::Text(actor.user_id.map(|u| u.to_string()))),
    ];
    sql.push(&ph.join(", ")).push(")");
    sql.query().execute(&mut *tx).await?;
    audit::append(
        &mut tx,
        actor,
        Event::org(org, "ai_report.created", "ai_report", Some(report.id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// A project's reports, newest first.
pub async fn list(store: &Store, org: OrgId, project: ProjectId) -> Result<Vec<AiReport>> {
    crate::records::ensure_project(
        &mut *store.pool().acquire().await?,
        Scope::Project(org, project),
    )
    .await?;
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM ai_reports WHERE "));
    let o = sql.arg(org.0);
    let p = sql.arg(project.0);
    sql.push(&format!(
        "org_id = {o} AND project_id = {p} ORDER BY created_at DESC, id DESC"
    ));
    let rows = sql.query().fetch_all(store.pool()).await?;
    rows.iter().map(from_row).collect()
}

pub async fn get(store: &Store, org: OrgId, project: ProjectId, id: Uuid) -> Result<AiReport> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM ai_reports WHERE "));
    let i = sql.arg(id);
    let o = sql.arg(org.0);
    let p = sql.arg(project.0);
    sql.push(&format!("id = {i} AND org_id = {o} AND project_id = {p}"));
    let row = sql
        .query()
        .fetch_optional(store.pool())
        .await?
        .ok_or(StoreError::NotFound("AI report"))?;
    from_row(&row)
}

/// Every report of an organisation, by id, for the export.
pub(crate) async fn all_in(conn: &mut sqlx::AnyConnection, org: OrgId) -> Result<Vec<AiReport>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM ai_reports WHERE org_id = "));
    let o = sql.arg(org.0);
    sql.push(&o).push(" ORDER BY id");
    let rows = sql.query().fetch_all(&mut *conn).await?;
    rows.iter().map(from_row).collect()
}

/// Restores an exported report as it was. Its author is kept when that account exists in
/// this store, and left empty otherwise.
pub(crate) async fn restore(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    report: &AiReport,
) -> Result<()> {
    crate::records::ensure_project(conn, Scope::Project(org, ProjectId(report.project_id))).await?;
    let author = match report.created_by {
        Some(user) => {
            let mut q = Sql::new("SELECT id FROM users WHERE id = ");
            let u = q.arg(user);
            q.push(&u);
            q.query().fetch_optional(&mut *conn).await?.map(|_| user)
        }
        None => None,
    };
    let mut sql = Sql::new(format!("INSERT INTO ai_reports ({COLUMNS}) VALUES ("));
    let ph = [
        sql.arg(report.id),
        sql.arg(org.0),
        sql.arg(report.project_id),
        sql.arg(report.provider.as_str()),
        sql.arg(report.model.as_str()),
        sql.arg(report.payload.as_str()),
        sql.arg(report.report.as_str()),
        sql.arg(timestamp::truncate(report.created_at)),
        sql.arg(Value::Text(author.map(|u| u.to_string()))),
    ];
    sql.push(&ph.join(", ")).push(")");
    sql.query().execute(&mut *conn).await?;
    Ok(())
}
