//! Between typed entities and table rows: an entity is serialised to a JSON object whose
//! fields are the table's columns (and link lists), and read back the same way, so the
//! domain type stays the single definition of each record.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::database::Sealer;
use crate::error::{Result, StoreError};
use crate::schema::{ColumnKind, Stored};
use crate::sql::Value;

/// An entity taken apart for writing.
pub(crate) struct Encoded {
    pub values: Vec<Value>,
    pub links: Vec<Vec<Uuid>>,
}

/// `id` and `sealer` are needed only by tables with sealed columns.
pub(crate) fn encode<E: Stored>(
    entity: &E,
    id: Uuid,
    sealer: Option<&dyn Sealer>,
) -> Result<Encoded> {
    let json = serde_json::to_value(entity).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let Json::Object(map) = json else {
        return Err(StoreError::Corrupt(format!(
            "{} did not serialise to an object",
            E::NAME
        )));
    };
    let table = E::TABLE;
    let mut values = Vec::with_capacity(table.columns.len());
    for col in table.columns {
        let v = map.get(col.name).unwrap_or(&Json::Null);
        values.push(match col.kind {
            ColumnKind::Text => Value::Text(match v {
                Json::Null => None,
                Json::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            }),
            ColumnKind::Int => Value::Int(v.as_i64()),
            ColumnKind::Bool => Value::Bool(v.as_bool().unwrap_or(false)),
            ColumnKind::Json => Value::Text(Some(v.to_string())),
            ColumnKind::Sealed(category) => Value::Text(match v {
                Json::Null => None,
                v => {
                    let sealer = sealer.ok_or_else(|| {
                        StoreError::Sealing(format!(
                            "{}.{} needs the key ring",
                            table.name, col.name
                        ))
                    })?;
                    Some(
                        sealer
                            .seal(category, &context(table.name, col.name, id), &v.to_string())
                            .map_err(StoreError::Sealing)?,
                    )
                }
            }),
        });
    }
    let mut links = Vec::with_capacity(table.links.len());
    for link in table.links {
        let ids = match map.get(link.field) {
            Some(Json::Array(items)) => items
                .iter()
                .filter_map(|i| i.as_str().and_then(|s| Uuid::parse_str(s).ok()))
                .collect(),
            _ => Vec::new(),
        };
        links.push(ids);
    }
    Ok(Encoded { values, links })
}

/// Link lists of a page of rows: per link field, owner id to sorted target ids.
pub(crate) type LinkMaps = Vec<HashMap<String, Vec<Json>>>;

/// The AEAD context of a sealed value: a ciphertext opens only in its own row and column.
pub(crate) fn context(table: &str, column: &str, id: impl std::fmt::Display) -> String {
    format!("{table}.{column}:{id}")
}

/// Reads the entity's columns from a row (which must select them by name).
pub(crate) fn decode<E: Stored>(
    row: &AnyRow,
    id: &str,
    links: &LinkMaps,
    sealer: Option<&dyn Sealer>,
) -> Result<E> {
    let table = E::TABLE;
    let mut map = Map::with_capacity(table.columns.len() + table.links.len());
    for col in table.columns {
        let value = match col.kind {
            ColumnKind::Text => row
                .try_get::<Option<String>, _>(col.name)?
                .map_or(Json::Null, Json::String),
            ColumnKind::Int => row
                .try_get::<Option<i64>, _>(col.name)?
                .map_or(Json::Null, |n| Json::Number(n.into())),
            // PostgreSQL has BOOLEAN; SQLite stores 0/1 in an INTEGER column.
            ColumnKind::Bool => Json::Bool(
                row.try_get::<bool, _>(col.name)
                    .or_else(|_| row.try_get::<i64, _>(col.name).map(|n| n != 0))?,
            ),
            ColumnKind::Json => {
                let text: Option<String> = row.try_get(col.name)?;
                match text {
                    None => Json::Null,
                    Some(t) => serde_json::from_str(&t).map_err(|e| {
                        StoreError::Corrupt(format!(
                            "{}.{} holds invalid JSON: {e}",
                            table.name, col.name
                        ))
                    })?,
                }
            }
            ColumnKind::Sealed(category) => {
                let text: Option<String> = row.try_get(col.name)?;
                match text {
                    None => Json::Null,
                    Some(t) => {
                        let sealer = sealer.ok_or_else(|| {
                            StoreError::Sealing(format!(
                                "{}.{} needs the key ring",
                                table.name, col.name
                            ))
                        })?;
                        let plain = sealer
                            .open(category, &context(table.name, col.name, id), &t)
                            .map_err(StoreError::Sealing)?;
                        serde_json::from_str(&plain).map_err(|e| {
                            StoreError::Corrupt(format!(
                                "{}.{} holds an invalid sealed value: {e}",
                                table.name, col.name
                            ))
                        })?
                    }
                }
            }
        };
        map.insert(col.name.to_owned(), value);
    }
    for (link, targets) in table.links.iter().zip(links) {
        let ids = targets.get(id).cloned().unwrap_or_default();
        map.insert(link.field.to_owned(), Json::Array(ids));
    }
    serde_json::from_value(Json::Object(map)).map_err(|e| {
        StoreError::Corrupt(format!(
            "a row of {} does not read back as a {}: {e}",
            table.name,
            E::NAME
        ))
    })
}
