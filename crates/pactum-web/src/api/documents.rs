//! Documents out: `GET /orgs/{org}/documents/{kind}` in the API and, with the same
//! answer, under the organisation's pages. The query picks the format (`pdf`, `html`,
//! `xlsx`, `csv`, `json`; PDF by default), the language (`en`, `nl`; the reader's by
//! default), a project (`project_id`, for the data-map documents), the record (`id`, for a
//! breach report or an access pack) and, for CSV, the table. Every document made is in
//! the audit log: they carry the organisation's register contents.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use pactum_documents::{Error as DocError, Format, Kind, Request};
use pactum_domain::organisation::Language;
use pactum_domain::validation::Violations;
use pactum_store::scope::ProjectId;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::access::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::ui::pages::language_of;

/// What the query string asks for, read field by field so each error names its field.
struct Wanted {
    format: Format,
    language: Option<Language>,
    project: Option<Uuid>,
    record: Option<Uuid>,
    table: Option<String>,
}

fn parse_query(pairs: &HashMap<String, String>) -> Result<Wanted, ApiError> {
    let mut v = Violations::new();
    for key in pairs.keys() {
        if !["format", "lang", "project_id", "id", "table"].contains(&key.as_str()) {
            v.add(
                key,
                "unknown_field",
                format!("{key} is not a parameter of this document; use format, lang, project_id, id or table."),
            );
        }
    }
    let format = match pairs.get("format").map(String::as_str) {
        None | Some("") => Format::Pdf,
        Some(f) => Format::parse(f).unwrap_or_else(|| {
            v.add(
                "format",
                "one_of",
                "format must be one of pdf, html, xlsx, csv, json.",
            );
            Format::Pdf
        }),
    };
    let language = match pairs.get("lang").map(String::as_str) {
        None | Some("") => None,
        Some("en") => Some(Language::En),
        Some("nl") => Some(Language::Nl),
        Some(_) => {
            v.add("lang", "one_of", "lang must be en or nl.");
            None
        }
    };
    let mut uuid = |field: &str| match pairs.get(field).map(String::as_str) {
        None | Some("") => None,
        Some(s) => Uuid::parse_str(s).ok().or_else(|| {
            v.add(field, "uuid", format!("{field} must be a UUID."));
            None
        }),
    };
    let project = uuid("project_id");
    let record = uuid("id");
    if !v.is_empty() {
        return Err(ApiError::Invalid(v));
    }
    Ok(Wanted {
        format,
        language,
        project,
        record,
        table: pairs.get("table").cloned().filter(|t| !t.is_empty()),
    })
}

fn doc_error(e: DocError) -> ApiError {
    match e {
        DocError::Store(e) => e.into(),
        DocError::Invalid {
            field,
            rule,
            message,
        } => ApiError::Invalid(Violations::single(field, rule, message)),
        DocError::PdfUnavailable => ApiError::BadRequest(e.to_string()),
        DocError::Render(..) => ApiError::Internal(e.to_string()),
    }
}

/// The style of the HTML document, allowed by its hash and nothing else.
static HTML_POLICY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let digest = Sha256::digest(pactum_documents::render::html::STYLE.as_bytes());
    let hash = base64::engine::general_purpose::STANDARD.encode(digest);
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
});

/// Builds, writes and answers one document; shared by the API and the pages.
pub async fn respond(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    kind: &str,
    query: &HashMap<String, String>,
) -> ApiResult<Response> {
    let kind = Kind::parse(kind).ok_or_else(|| ApiError::NotFound("Document type".into()))?;
    let wanted = parse_query(query)?;
    let language = match wanted.language {
        Some(l) => l,
        None => language_of(state, headers, Some(caller.user_id())).await.0,
    };
    let now = state.clock.now();
    let request = Request {
        org: caller.org_id(),
        kind,
        language,
        project: wanted.project.map(ProjectId),
        record: wanted.record,
        now,
    };
    let doc = pactum_documents::build(&state.store, &request)
        .await
        .map_err(doc_error)?;
    let format = wanted.format;
    let table = wanted.table.clone();
    // Typesetting a PDF or zipping a workbook is CPU work: off the request threads.
    let (doc, bytes) = tokio::task::spawn_blocking(move || {
        let bytes = pactum_documents::render(&doc, format, table.as_deref());
        (doc, bytes)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let bytes = bytes.map_err(doc_error)?;
    pactum_store::audit::record(
        &state.store,
        &caller.actor(),
        pactum_store::audit::Event::org(
            caller.org_id(),
            "document.generated",
            kind.as_str(),
            wanted.record,
        ),
        now,
    )
    .await?;

    let today = pactum_domain::clocks::period::local_date(now, &caller.membership.timezone);
    let name = doc.file_name(&caller.membership.slug, today, format);
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    let disposition = match format {
        Format::Html | Format::Pdf => "inline",
        _ => "attachment",
    };
    if let Ok(v) = HeaderValue::from_str(&format!("{disposition}; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if format == Format::Html
        && let Ok(v) = HeaderValue::from_str(&HTML_POLICY)
    {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `GET /api/v1/orgs/{org}/documents/{kind}`.
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(p): Path<HashMap<String, String>>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(query) = query
        .map_err(|e| ApiError::BadRequest(format!("The query string could not be read: {e}.")))?;
    let kind = p.get("kind").cloned().unwrap_or_default();
    respond(&state, &caller, &headers, &kind, &query).await
}
