//! Reading typed values out of a row, with a message that names the column when the stored
//! data cannot be what the schema says.

use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::{Result, StoreError};

pub(crate) fn text(row: &AnyRow, col: &str) -> Result<String> {
    Ok(row.try_get::<String, _>(col)?)
}

pub(crate) fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

pub(crate) fn int(row: &AnyRow, col: &str) -> Result<i64> {
    Ok(row.try_get::<i64, _>(col)?)
}

pub(crate) fn opt_int(row: &AnyRow, col: &str) -> Result<Option<i64>> {
    Ok(row.try_get::<Option<i64>, _>(col)?)
}

pub(crate) fn uuid(row: &AnyRow, col: &str) -> Result<Uuid> {
    let t = text(row, col)?;
    Uuid::parse_str(&t).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

pub(crate) fn opt_uuid(row: &AnyRow, col: &str) -> Result<Option<Uuid>> {
    opt_text(row, col)?
        .map(|t| Uuid::parse_str(&t).map_err(|e| StoreError::Corrupt(format!("{col}: {e}"))))
        .transpose()
}

pub(crate) fn ts(row: &AnyRow, col: &str) -> Result<OffsetDateTime> {
    let t = text(row, col)?;
    pactum_domain::timestamp::parse(&t).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

pub(crate) fn opt_ts(row: &AnyRow, col: &str) -> Result<Option<OffsetDateTime>> {
    opt_text(row, col)?
        .map(|t| {
            pactum_domain::timestamp::parse(&t)
                .map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
        })
        .transpose()
}

/// PostgreSQL has booleans; SQLite stores them as integers.
pub(crate) fn boolean(row: &AnyRow, col: &str) -> Result<bool> {
    match row.try_get::<bool, _>(col) {
        Ok(b) => Ok(b),
        Err(_) => Ok(row.try_get::<i64, _>(col)? != 0),
    }
}
