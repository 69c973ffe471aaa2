//! Pactum's domain: the GDPR vocabulary (organisations, projects and the data map), the
//! rules that decide whether a record is valid, and the taxonomies shipped as data.
//!
//! This crate does no I/O, has no async code and never reads the clock: callers pass time in.

pub mod access;
pub mod account;
pub mod ai_report;
pub mod assessments;
pub mod clocks;
pub mod compliance;
pub mod datamap;
pub mod entity;
pub mod files;
pub mod format;
pub mod gaps;
pub mod lifecycle;
pub mod organisation;
pub mod processor;
pub mod project;
pub mod registers;
pub mod taxonomy;
pub mod text;
pub mod timestamp;
pub mod validation;
