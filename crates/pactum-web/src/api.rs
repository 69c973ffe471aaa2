//! JSON API handlers, one module per resource. Routes are registered in `router.rs`.

pub mod account;
pub mod account_deletion;
pub mod ai_reports;
pub mod audit;
pub mod compliance;
pub mod documents;
pub mod export;
pub mod fides;
pub mod files;
pub mod gaps;
pub mod grant;
pub mod health;
pub mod imports;
pub mod members;
pub mod organisation;
pub mod processor;
pub mod records;
pub mod taxonomies;
pub mod tokens;
