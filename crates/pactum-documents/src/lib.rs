//! The documents an authority, a customer or an auditor asks for, generated from what the
//! store holds and always current: the Art. 30(1) and 30(2) records, a processor's DPA
//! annexes with the Art. 28(3) checklist, a breach report with the Art. 33(5) register,
//! and the pack that answers an access request (Art. 15).
//!
//! `source` loads what a document needs; `build/` makes a format-free `model::Document`
//! (pure: no I/O, every text translated); `render/` writes it as HTML, PDF, XLSX, CSV or
//! JSON.

pub mod build;
pub mod fides;
pub mod import;
pub mod labels;
pub mod model;
pub mod render;
pub mod source;

use pactum_domain::organisation::Language;
use pactum_store::StoreError;
use pactum_store::scope::{OrgId, ProjectId};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

pub use model::Document;

/// The documents Pactum writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Art. 30(1): the controller's record of processing activities.
    RopaController,
    /// Art. 30(2): the processor's record of categories of processing.
    RopaProcessor,
    /// Annexes 1-3 of a processor's DPA and the Art. 28(3) checklist.
    DpaAnnexes,
    /// One breach, as reported to the supervisory authority (Art. 33(3)).
    BreachReport,
    /// Every breach: the documentation Art. 33(5) asks for.
    BreachRegister,
    /// The answer to one access request, under the headings of Art. 15(1)(a)-(h).
    AccessPack,
    /// Risk assessments with the heat map, and DPIAs, per project.
    RiskRegister,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::RopaController,
        Kind::RopaProcessor,
        Kind::DpaAnnexes,
        Kind::RiskRegister,
        Kind::BreachReport,
        Kind::BreachRegister,
        Kind::AccessPack,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::RopaController => "ropa-controller",
            Kind::RopaProcessor => "ropa-processor",
            Kind::DpaAnnexes => "dpa-annexes",
            Kind::BreachReport => "breach-report",
            Kind::BreachRegister => "breach-register",
            Kind::AccessPack => "access-pack",
            Kind::RiskRegister => "risk-register",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Documents of the registers cover the organisation; the others may be narrowed to a
    /// project.
    pub fn is_register(self) -> bool {
        matches!(
            self,
            Kind::BreachReport | Kind::BreachRegister | Kind::AccessPack
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Html,
    Pdf,
    Xlsx,
    Csv,
    Json,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Pdf,
        Format::Html,
        Format::Xlsx,
        Format::Csv,
        Format::Json,
    ];

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == s)
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
        }
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Request {
    pub org: OrgId,
    pub kind: Kind,
    pub language: Language,
    /// Narrows a data-map document to one project.
    pub project: Option<ProjectId>,
    /// The breach (breach report) or request (access pack) the document is about.
    pub record: Option<Uuid>,
    pub now: OffsetDateTime,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The request names no record, or one that is not of the organisation.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        rule: &'static str,
        message: String,
    },
    #[error("the document could not be written as {0}: {1}")]
    Render(&'static str, String),
    #[error("this build of Pactum writes no PDF (built without the `pdf` feature)")]
    PdfUnavailable,
}

/// Loads what the request needs and builds the document.
pub async fn build(store: &pactum_store::Store, request: &Request) -> Result<Document, Error> {
    let source = source::load(store, request).await?;
    build::document(&source, request)
}

/// Writes a document in one format. `table` picks the table a CSV holds (a section's
/// table key); without it, the document's first table.
pub fn render(doc: &Document, format: Format, table: Option<&str>) -> Result<Vec<u8>, Error> {
    match format {
        Format::Html => Ok(render::html::write(doc).into_bytes()),
        Format::Json => render::json::write(doc),
        Format::Csv => render::csv::write(doc, table),
        Format::Xlsx => render::xlsx::write(doc),
        Format::Pdf => render::pdf::write(doc),
    }
}
