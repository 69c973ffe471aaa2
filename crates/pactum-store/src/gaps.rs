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
use crate::schema::{Stored, data_map};
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

/// What needs attention in an organisation, or in one of its projects: per rule, most
/// severe first, the number of records and up to `sample` of them (latest change first).
/// Rules without gaps are left out. Two queries whatever the size of the data map: the
/// counts (grouped by the stored gap list, which takes few distinct values) and the samples
/// (each table's newest per rule, through the partial `gaps` indexes).
pub async fn attention(
    store: &Store,
    org: OrgId,
    project: Option<ProjectId>,
    sample: u32,
) -> Result<Vec<RuleGaps>> {
    let map = data_map();
    let with_rules: Vec<_> = map.iter().filter(|m| !m.gap_rules.is_empty()).collect();

    let mut sql = Sql::new("");
    let org_arg = sql.arg(org.0);
    let project_filter = match project {
        Some(p) => format!(" AND t.project_id = {}", sql.arg(p.0)),
        None => String::new(),
    };
    let parts: Vec<String> = with_rules
        .iter()
        .map(|m| {
            format!(
                "SELECT t.gaps, COUNT(*) AS n FROM {} t WHERE t.org_id = {org_arg}{project_filter} \
                 AND t.gaps IS NOT NULL GROUP BY t.gaps",
                m.table.name
            )
        })
        .collect();
    sql.push(&parts.join(" UNION ALL "));
    let mut counts: std::collections::HashMap<GapRule, i64> = Default::default();
    for r in sql.query().fetch_all(store.pool()).await? {
        let n = row::int(&r, "n")?;
        let mut rules: Vec<GapRule> = gaps::decode(&row::opt_text(&r, "gaps")?.unwrap_or_default())
            .into_iter()
            .map(|g| g.rule)
            .collect();
        // A record counts once per rule, however many of its fields the rule concerns.
        rules.sort();
        rules.dedup();
        for rule in rules {
            *counts.entry(rule).or_default() += n;
        }
    }
    if counts.is_empty() {
        return Ok(Vec::new());
    }

    let mut sql = Sql::new("");
    let org_arg = sql.arg(org.0);
    let project_filter = match project {
        Some(p) => format!(" AND t.project_id = {}", sql.arg(p.0)),
        None => String::new(),
    };
    let mut parts = Vec::new();
    for m in &with_rules {
        for rule in m.gap_rules.iter().filter(|r| counts.contains_key(r)) {
            // Rule keys are never a prefix of one another, so `:key` finds exactly it; they
            // are identifiers of the code, never input.
            parts.push(format!(
                "SELECT * FROM (SELECT '{rule}' AS rule, '{collection}' AS collection, t.id, \
                 t.project_id, t.{name} AS name, t.gaps, t.updated_at, p.name AS project_name \
                 FROM {table} t JOIN projects p ON p.id = t.project_id \
                 WHERE t.org_id = {org_arg}{project_filter} AND t.gaps IS NOT NULL \
                 AND t.gaps LIKE '%:{rule}%' ORDER BY t.updated_at DESC, t.id LIMIT {sample}) s{i}",
                rule = rule.key(),
                collection = m.collection,
                name = m.table.order,
                table = m.table.name,
                i = parts.len(),
            ));
        }
    }
    sql.push(&parts.join(" UNION ALL "));
    let mut found: std::collections::HashMap<GapRule, Vec<(String, GapRecord)>> =
        Default::default();
    for r in sql.query().fetch_all(store.pool()).await? {
        let key = row::text(&r, "rule")?;
        let Some(rule) = GapRule::from_key(&key) else {
            continue;
        };
        let stored = row::text(&r, "collection")?;
        // Back to the schema's `&'static str`; the query only names these collections.
        let Some(collection) = with_rules
            .iter()
            .map(|m| m.collection)
            .find(|c| *c == stored)
        else {
            continue;
        };
        found.entry(rule).or_default().push((
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

    let mut rules: Vec<GapRule> = counts.keys().copied().collect();
    rules.sort_by_key(|r| (r.severity(), *r));
    Ok(rules
        .into_iter()
        .map(|rule| {
            let mut records = found.remove(&rule).unwrap_or_default();
            records.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
            records.truncate(sample as usize);
            RuleGaps {
                rule,
                count: counts[&rule],
                records: records.into_iter().map(|(_, r)| r).collect(),
            }
        })
        .collect())
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
        // One line per collection of `schema::data_map`: the refresh needs each type.
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
