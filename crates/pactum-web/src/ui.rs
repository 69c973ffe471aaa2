//! The web UI: server-rendered pages (askama templates, auto-escaped), the static files
//! they link, and the message catalogues. Pages sit behind the same access layer as the
//! API; a signed-out browser is sent to the sign-in page instead of getting a 401.

pub mod account;
pub mod ai_reports;
pub mod assets;
pub mod atom;
pub mod attention;
pub mod audit;
pub mod calendar;
pub mod compliance;
pub mod deletion;
pub mod documentation;
pub mod documents;
pub mod files;
pub mod flow;
pub mod forgot;
pub use pactum_domain::format;
pub mod heatmap;
pub mod i18n;
pub mod import;
pub mod intake;
pub mod links;
pub mod notifications;
pub mod pages;
pub mod processor;
pub mod projects;
pub mod record;
pub mod record_form;
pub mod register;
pub mod registers;
pub mod settings;
pub mod tokens;
pub mod trust;
