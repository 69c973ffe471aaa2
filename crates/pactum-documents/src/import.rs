//! Documents in: registers kept as spreadsheets (CSV or XLSX) read into data-map records.
//! `sheet` reads the file into headers and rows of text; `target` says, per collection,
//! which fields a column can fill and how its text becomes a value; `plan` maps the
//! columns, builds each row's record and checks it with the domain's own rules, so the
//! preview shows per row what will be created, what conflicts and what is invalid (row,
//! column, rule). Pure: the store's part (names that exist, the all-or-nothing commit, the
//! remembered mapping) is in `pactum_store` and the web layer.

pub mod plan;
pub mod sheet;
pub mod target;

use serde::Serialize;

/// A problem with one cell, or with the file (row 0 and an empty column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellError {
    /// The spreadsheet's row number (the header is row 1); 0 for the file as a whole.
    pub row: usize,
    /// The column's header, as in the file.
    pub column: String,
    /// The record's field the column fills.
    pub field: String,
    pub rule: String,
    pub message: String,
}

impl CellError {
    pub fn file(rule: &str, message: impl Into<String>) -> Self {
        Self {
            row: 0,
            column: String::new(),
            field: "file".into(),
            rule: rule.into(),
            message: message.into(),
        }
    }
}
