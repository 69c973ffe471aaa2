//! The gaps stored with each record (see `pactum_domain::gaps`): what needs attention in an
//! organisation or a project, and the recomputation that follows a change of the rules.

use pactum_domain::datamap::backup_strategy::BackupStrategy;
use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::data_user::DataUser;
use pactum_domain::datamap::device_group::DeviceGroup;
use pactum_domain::datamap::processing_activity::ProcessingActivity;
use pactum_domain::datamap::security_measure::SecurityMeasure;
use pactum_domain::datamap::service::Service;
use pactum_domain::datamap::transfer::Transfer;
use pactum_domain::datamap::vendor::Vendor;
use pactum_domain::gaps::{self, Gap, GapRule, RULES_VERSION};
use uuid::Uuid;

use crate::database::Store;
use crate::error::Result;
use crate::records::{self, ListQuery, MAX_PAGE};
use crate::row;
use crate::schema::Stored;
use crate::scope::{OrgId, ProjectId, Scope};
use crate::sql::{Sql, q};

/// One record with a gap of the rule being listed.
#[derive(Debug, Clone, PartialEq)]
pub struct GapRecord {
    /// The collection, e.g. `data_items`.
    pub collection: &'static str,
    pub id: Uuid,
    pub project_id: Uuid,
    pub project_name: String,
    /// The record's natural name (a transfer's recipient, a data user's role).
    pub name: String,
    /// Every gap of the record (the listed rule among them).
    pub gaps: Vec<Gap>,
}

/// One rule with how many records have it and the most recently changed of them.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleGaps {
    pub rule: GapRule,
    pub count: i64,
    pub records: Vec<GapRecord>,
}

/// Where each rule can occur: the tables of the entities that report it.
fn tables_for(rule: GapRule) -> Vec<(&'static str, &'static str, &'static [GapRule])> {
    fn entry<E: Stored>() -> (&'static str, &'static str, &'static [GapRule]) {
        (E::TABLE.name, E::TABLE.order, E::GAP_RULES)
    }
    [
        entry::<ProcessingActivity>(),
        entry::<Service>(),
        entry::<DataItem>(),
        entry::<DataUser>(),
        entry::<Transfer>(),
        entry::<Vendor>(),
        entry::<SecurityMeasure>(),
        entry::<DeviceGroup>(),
        entry::<BackupStrategy>(),
    ]
    .into_iter()
    .filter(|(_, _, rules)| rules.contains(&rule))
    .collect()
}

/// What needs attention in an organisation, or in one of its projects: per rule, most
/// severe first, the number of records and up to `sample` of them (latest change first).
/// Rules without gaps are left out.
pub async fn attention(
    store: &Store,
    org: OrgId,
    project: Option<ProjectId>,
    sample: u32,
) -> Result<Vec<RuleGaps>> {
    let mut out = Vec::new();
    let mut rules = GapRule::ALL.to_vec();
    rules.sort_by_key(|r| (r.severity(), *r));
    for rule in rules {
        let mut count = 0;
        let mut found: Vec<(String, GapRecord)> = Vec::new();
        for (table, name_col, _) in tables_for(rule) {
            let collection = table;
            let mut sql = Sql::new(format!(
                "SELECT t.id, t.project_id, t.{name_col} AS name, t.gaps, t.updated_at, \
                 p.name AS project_name, COUNT(*) OVER () AS n \
                 FROM {table} t JOIN projects p ON p.id = t.project_id \
                 WHERE t.org_id = "
            ));
            let a = sql.arg(org.0);
            sql.push(&a);
            if let Some(p) = project {
                let a = sql.arg(p.0);
                sql.push(&format!(" AND t.project_id = {a}"));
            }
            // Rule keys are never a prefix of one another, so `:key` finds exactly it.
            let a = sql.arg(format!("%:{}%", rule.key()));
            sql.push(&format!(
                " AND t.gaps IS NOT NULL AND t.gaps LIKE {a} ORDER BY t.updated_at DESC, t.id LIMIT {sample}"
            ));
            let rows = sql.query().fetch_all(store.pool()).await?;
            if let Some(first) = rows.first() {
                count += row::int(first, "n")?;
            }
            for r in rows {
                found.push((
                    row::text(&r, "updated_at")?,
                    GapRecord {
                        collection,
                        id: row::uuid(&r, "id")?,
                        project_id: row::uuid(&r, "project_id")?,
                        project_name: row::text(&r, "project_name")?,
                        name: row::opt_text(&r, "name")?.unwrap_or_default(),
                        gaps: gaps::decode(&row::opt_text(&r, "gaps")?.unwrap_or_default()),
                    },
                ));
            }
        }
        if count > 0 {
            found.sort_by(|a, b| b.0.cmp(&a.0));
            found.truncate(sample as usize);
            out.push(RuleGaps {
                rule,
                count,
                records: found.into_iter().map(|(_, r)| r).collect(),
            });
        }
    }
    Ok(out)
}

/// The gaps stored with one record.
pub async fn of_record<E: Stored>(store: &Store, scope: Scope, id: Uuid) -> Result<Vec<Gap>> {
    let mut sql = Sql::new(format!(
        "SELECT gaps FROM {} WHERE org_id = ",
        E::TABLE.name
    ));
    let a = sql.arg(scope.org().0);
    sql.push(&a);
    let a = sql.arg(id);
    sql.push(&format!(" AND id = {a}"));
    let r = sql.query().fetch_optional(store.pool()).await?;
    Ok(match r {
        Some(r) => gaps::decode(&row::opt_text(&r, "gaps")?.unwrap_or_default()),
        None => Vec::new(),
    })
}

const META_KEY: &str = "gap_rules_version";

/// Recomputes every record's gaps when they were computed by other rules than these (a
/// new install, an upgrade that changed a rule). Cheap when current: one read.
pub async fn refresh_if_stale(store: &Store) -> Result<bool> {
    let current = q(
        "SELECT value FROM store_meta WHERE key = $1",
        vec![META_KEY.into()],
    )
    .query()
    .fetch_optional(store.pool())
    .await?
    .map(|r| row::text(&r, "value"))
    .transpose()?;
    if current.as_deref() == Some(RULES_VERSION.to_string().as_str()) {
        return Ok(false);
    }
    let projects = q("SELECT id, org_id FROM projects", vec![])
        .query()
        .fetch_all(store.pool())
        .await?;
    for p in projects {
        let scope = Scope::Project(
            OrgId(row::uuid(&p, "org_id")?),
            ProjectId(row::uuid(&p, "id")?),
        );
        refresh::<ProcessingActivity>(store, scope).await?;
        refresh::<Service>(store, scope).await?;
        refresh::<DataItem>(store, scope).await?;
        refresh::<DataUser>(store, scope).await?;
        refresh::<Transfer>(store, scope).await?;
        refresh::<Vendor>(store, scope).await?;
        refresh::<SecurityMeasure>(store, scope).await?;
        refresh::<DeviceGroup>(store, scope).await?;
        refresh::<BackupStrategy>(store, scope).await?;
    }
    let mut tx = store.write().await?;
    q(
        "DELETE FROM store_meta WHERE key = $1",
        vec![META_KEY.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    q(
        "INSERT INTO store_meta (key, value) VALUES ($1, $2)",
        vec![META_KEY.into(), RULES_VERSION.to_string().into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

async fn refresh<E: Stored>(store: &Store, scope: Scope) -> Result<()> {
    let mut offset = 0;
    loop {
        let page = records::list::<E>(
            store,
            scope,
            &ListQuery {
                limit: MAX_PAGE,
                offset,
                ..ListQuery::default()
            },
        )
        .await?;
        let mut tx = store.write().await?;
        for r in &page.items {
            let mut sql = Sql::new(format!("UPDATE {} SET gaps = ", E::TABLE.name));
            let a = sql.arg(gaps::encode(&r.data.gaps()));
            sql.push(&a);
            let a = sql.arg(r.id);
            sql.push(&format!(" WHERE id = {a}"));
            sql.query().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        offset += page.items.len() as u64;
        if page.items.is_empty() || offset >= page.total as u64 {
            return Ok(());
        }
    }
}
