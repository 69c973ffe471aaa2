//! The processor toolkit's own tables (migration 0013): sub-processor change notices and
//! who was sent each, subscribers with double opt-in, objections, and breach notices to
//! customers. Customers and audit requests are ordinary records (`schema`).

pub mod breach_notices;
pub mod notices;
pub mod objections;
pub mod subscribers;

use time::Date;

use crate::error::{Result, StoreError};

pub(crate) fn date(text: &str, what: &str) -> Result<Date> {
    Date::parse(text, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

pub(crate) fn date_text(d: Date) -> String {
    // Date's Display is ISO 8601 (YYYY-MM-DD) for years 0-9999.
    d.to_string()
}
