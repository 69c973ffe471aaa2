//! The one integration-test binary (each file under tests/ would be linked separately).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap is a failed test"
)]

mod support;

mod accounts;
mod ai_reports;
mod api;
mod assessments;
mod backup;
mod cli;
mod documents;
mod export_roundtrip;
mod files;
mod gaps;
mod imports;
mod isolation;
mod lifecycle;
mod openapi;
mod operations;
mod processor;
mod registers;
mod reminders;
mod store_records;
mod summaries;
mod ui;
mod ui_datamap;
mod ui_registers;
