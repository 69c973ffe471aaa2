//! The column mappings of spreadsheet imports, remembered per organisation, collection and
//! set of headers (lower case, sorted): a register exported again next month maps itself.

use std::collections::BTreeMap;

use pactum_domain::timestamp;
use time::OffsetDateTime;

use crate::database::Store;
use crate::error::{Result, StoreError};
use crate::scope::OrgId;
use crate::sql::Sql;

fn signature(headers: &[String]) -> String {
    let mut h: Vec<String> = headers
        .iter()
        .map(|h| h.trim().to_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    h.sort();
    h.join("\n")
}

/// The mapping last used for a file with these headers, if any.
pub async fn remembered(
    store: &Store,
    org: OrgId,
    collection: &str,
    headers: &[String],
) -> Result<Option<BTreeMap<String, String>>> {
    let mut sql = Sql::new("SELECT mapping FROM import_mappings WHERE org_id = ");
    let a = sql.arg(org.0);
    sql.push(&a).push(" AND collection = ");
    let b = sql.arg(collection.to_owned());
    sql.push(&b).push(" AND columns = ");
    let c = sql.arg(signature(headers));
    sql.push(&c);
    let Some(row) = sql.query().fetch_optional(store.pool()).await? else {
        return Ok(None);
    };
    let text = crate::row::text(&row, "mapping")?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| StoreError::Corrupt(format!("import_mappings.mapping: {e}")))
}

/// Keeps the mapping used for a file with these headers (the last one wins).
pub async fn remember(
    store: &Store,
    org: OrgId,
    collection: &str,
    headers: &[String],
    mapping: &BTreeMap<String, String>,
    now: OffsetDateTime,
) -> Result<()> {
    let text = serde_json::to_string(mapping)
        .map_err(|e| StoreError::Corrupt(format!("import_mappings.mapping: {e}")))?;
    let mut sql = Sql::new(
        "INSERT INTO import_mappings (org_id, collection, columns, mapping, updated_at) VALUES (",
    );
    let values = [
        sql.arg(org.0),
        sql.arg(collection.to_owned()),
        sql.arg(signature(headers)),
        sql.arg(text),
        sql.arg(timestamp::format(now)),
    ];
    sql.push(&values.join(", "));
    sql.push(
        ") ON CONFLICT (org_id, collection, columns) DO UPDATE SET mapping = excluded.mapping, \
         updated_at = excluded.updated_at",
    );
    sql.query().execute(store.pool()).await?;
    Ok(())
}
