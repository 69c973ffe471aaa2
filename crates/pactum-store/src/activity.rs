//! Recent changes across an organisation's data map, for the dashboard.

use pactum_domain::datamap::backup_strategy::BackupStrategy;
use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::data_user::DataUser;
use pactum_domain::datamap::device_group::DeviceGroup;
use pactum_domain::datamap::processing_activity::ProcessingActivity;
use pactum_domain::datamap::security_measure::SecurityMeasure;
use pactum_domain::datamap::service::Service;
use pactum_domain::datamap::transfer::Transfer;
use pactum_domain::datamap::vendor::Vendor;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::database::Store;
use crate::error::Result;
use crate::row;
use crate::schema::{Stored, Table};
use crate::scope::OrgId;
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

fn tables() -> [&'static Table; 9] {
    [
        ProcessingActivity::TABLE,
        Service::TABLE,
        DataItem::TABLE,
        DataUser::TABLE,
        Transfer::TABLE,
        Vendor::TABLE,
        SecurityMeasure::TABLE,
        DeviceGroup::TABLE,
        BackupStrategy::TABLE,
    ]
}

/// The `limit` most recently created or changed records of the organisation. One query:
/// each table contributes its newest through its `(org_id, updated_at)` index.
pub async fn recent(store: &Store, org: OrgId, limit: u32) -> Result<Vec<Change>> {
    let mut sql = Sql::new("");
    let org_arg = sql.arg(org.0);
    let parts: Vec<String> = tables()
        .iter()
        .enumerate()
        .map(|(i, t)| {
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
