//! Columns that hold key-ring ciphertexts, for key rotation: read them in pages and swap a
//! value for its re-encryption only if nobody changed it in between, so rotation can run
//! while Pactum serves.

use crate::database::Store;
use crate::error::Result;
use crate::row;
use crate::sql::Sql;

/// An encrypted column. Its AEAD context is `table.column:id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedColumn {
    pub table: &'static str,
    pub column: &'static str,
    /// The key-ring category (`pactum_crypto::keyring::Category` by name).
    pub category: &'static str,
}

impl SealedColumn {
    pub fn context(&self, id: &str) -> String {
        format!("{}.{}:{id}", self.table, self.column)
    }
}

/// Every encrypted column. A new one is added here, and `pactum keys rotate` covers it.
pub const SEALED: &[SealedColumn] = &[
    SealedColumn {
        table: "users",
        column: "totp_secret",
        category: "totp",
    },
    SealedColumn {
        table: "users",
        column: "totp_pending",
        category: "totp",
    },
];

/// Every encrypted column: [`SEALED`] plus the sealed columns of the record tables.
pub fn all() -> Vec<SealedColumn> {
    use crate::schema::{ColumnKind, Stored};
    let mut out = SEALED.to_vec();
    for table in [
        pactum_domain::registers::breach::Breach::TABLE,
        pactum_domain::registers::request::DataSubjectRequest::TABLE,
    ] {
        for col in table.columns {
            if let ColumnKind::Sealed(category) = col.kind {
                out.push(SealedColumn {
                    table: table.name,
                    column: col.name,
                    category,
                });
            }
        }
    }
    out
}

/// Up to `limit` (id, ciphertext) pairs with ids after `after`, in id order.
pub async fn page(
    store: &Store,
    col: SealedColumn,
    after: &str,
    limit: i64,
) -> Result<Vec<(String, String)>> {
    let mut sql = Sql::new(format!(
        "SELECT id, {c} AS sealed FROM {t} WHERE {c} IS NOT NULL AND id > ",
        c = col.column,
        t = col.table
    ));
    let a = sql.arg(after);
    let l = sql.arg(limit);
    sql.push(&format!("{a} ORDER BY id LIMIT {l}"));
    let rows = sql.query().fetch_all(store.pool()).await?;
    rows.iter()
        .map(|r| Ok((row::text(r, "id")?, row::text(r, "sealed")?)))
        .collect()
}

/// Replaces `old` with `new`; false when the value changed meanwhile (it is then left to
/// the next run).
pub async fn reseal(
    store: &Store,
    col: SealedColumn,
    id: &str,
    old: &str,
    new: &str,
) -> Result<bool> {
    let mut sql = Sql::new(format!("UPDATE {} SET {} = ", col.table, col.column));
    let n = sql.arg(new);
    let i = sql.arg(id);
    let o = sql.arg(old);
    sql.push(&format!("{n} WHERE id = {i} AND {} = {o}", col.column));
    Ok(sql.query().execute(store.pool()).await?.rows_affected() == 1)
}
