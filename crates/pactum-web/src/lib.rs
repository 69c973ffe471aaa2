//! Pactum's HTTP interface: the JSON API under `/api/v1`, its OpenAPI document, health
//! endpoints and the middleware every response passes through. The web UI joins here.

pub mod access;
pub mod ai;
pub mod api;
pub mod auth;
pub mod clock;
pub mod egress;
pub mod error;
pub mod extract;
pub mod files;
pub mod ical;
pub mod limit;
pub mod mail;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod processor;
pub mod processor_mail;
pub mod reminders;
pub mod router;
pub mod state;
pub mod ui;

pub use router::router;
pub use state::AppState;
