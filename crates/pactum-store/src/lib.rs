//! Pactum's storage. One set of runtime-checked queries with `$N` placeholders serves SQLite
//! (the embedded default) and PostgreSQL, through sqlx's `Any` driver. Every write is one
//! transaction; every query on tenant data is scoped by organisation (and project).
//!
//! Only this crate knows SQL.

pub mod accounts;
pub mod activity;
pub mod audit;
pub mod backup;
pub mod compliance;
pub mod database;
pub mod error;
pub mod export;
pub mod feeds;
pub mod files;
pub mod gaps;
pub mod grants;
pub mod imports;
pub mod lifecycle;
pub mod members;
pub mod notifications;
pub mod organisations;
pub mod processor;
pub mod records;
pub mod registers;
pub mod reminders;
pub mod reports;
pub mod retention;
pub mod schema;
pub mod scope;
pub mod sealed;
pub mod sessions;
pub mod summaries;
pub mod throttle;
pub mod tokens;

mod codec;
mod row;
mod sql;

pub use database::{Backend, DatabaseUrl, Store};
pub use error::StoreError;
