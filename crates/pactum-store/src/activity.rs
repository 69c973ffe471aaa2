//! Across an organisation's data map, one query each: how many records each collection
//! holds, and the most recent changes.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::database::Store;
use crate::error::Result;
use crate::row;
use crate::schema::data_map;
use crate::scope::{OrgId, ProjectId};
use crate::sql::Sql;

/// A record that changed, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub collection: String,
    pub id: Uuid,
    pub project_id: Uuid,
    pub name: String,
    pub created: bool,
    pub at: OffsetDateTime,
}

/// How many records each data-map collection holds in the organisation, or in one of its
/// projects, in the order of [`data_map`]; for the whole organisation the number of
/// projects comes first. One query; each count is served by an index on `org_id`.
pub async fn counts(
    store: &Store,
    org: OrgId,
    project: Option<ProjectId>,
) -> Result<Vec<(&'static str, i64)>> {
    let mut sql = Sql::new("");
    let org_arg = sql.arg(org.0);
    let project_filter = match project {
        Some(p) => format!(" AND project_id = {}", sql.arg(p.0)),
        None => String::new(),
    };
    let mut tables: Vec<(&'static str, &'static str)> = Vec::new();
    if project.is_none() {
        tables.push(("projects", "projects"));
    }
    tables.extend(data_map().iter().map(|m| (m.collection, m.table.name)));
    let parts: Vec<String> = tables
        .iter()
        .map(|(c, t)| {
            format!(
                "SELECT '{c}' AS collection, COUNT(*) AS n FROM {t} WHERE org_id = {org_arg}{project_filter}"
            )
        })
        .collect();
    sql.push(&parts.join(" UNION ALL "));
    let rows = sql.query().fetch_all(store.pool()).await?;
    let mut found = std::collections::HashMap::new();
    for r in &rows {
        found.insert(row::text(r, "collection")?, row::int(r, "n")?);
    }
    Ok(tables
        .iter()
        .map(|(c, _)| (*c, found.get(*c).copied().unwrap_or(0)))
        .collect())
}

/// The `limit` most recently created or changed records of the organisation. One query:
/// each table contributes its newest through its `(org_id, updated_at)` index.
pub async fn recent(store: &Store, org: OrgId, limit: u32) -> Result<Vec<Change>> {
    let mut sql = Sql::new("");
    let org_arg = sql.arg(org.0);
    let parts: Vec<String> = data_map()
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let t = m.table;
            format!(
                "SELECT * FROM (SELECT '{name}' AS collection, id, project_id, {order} AS name, \
                 created_at, updated_at FROM {name} WHERE org_id = {org_arg} \
                 ORDER BY updated_at DESC LIMIT {limit}) r{i}",
                name = t.name,
                order = t.order,
            )
        })
        .collect();
    sql.push(&parts.join(" UNION ALL "));
    sql.push(&format!(" ORDER BY updated_at DESC LIMIT {limit}"));
    let rows = sql.query().fetch_all(store.pool()).await?;
    rows.iter()
        .map(|r| {
            let created_at = row::text(r, "created_at")?;
            let updated_at = row::text(r, "updated_at")?;
            Ok(Change {
                collection: row::text(r, "collection")?,
                id: row::uuid(r, "id")?,
                project_id: row::uuid(r, "project_id")?,
                name: row::opt_text(r, "name")?.unwrap_or_default(),
                created: created_at == updated_at,
                at: row::ts(r, "updated_at")?,
            })
        })
        .collect()
}
