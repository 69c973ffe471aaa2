//! Uploaded files: the pipeline every upload streams through (type check by the bytes,
//! SHA-256, virus scan, encryption to a temporary file), then the row; and the download
//! back out. API and UI share it, so the two cannot check differently.

pub mod blobs;
pub mod scan;

use axum::body::Body;
use axum::extract::Multipart;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use pactum_domain::files::{self, FileKind};
use pactum_domain::validation::Violations;
use pactum_store::files::{NewFile, Owner, ScanStatus, StoredFile};
use pactum_store::scope::ProjectId;

use crate::access::Caller;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::state::AppState;
use blobs::Blobs;
use scan::{Scanner, Verdict};

/// How uploads are received and kept.
#[derive(Debug, Clone)]
pub struct FileSettings {
    /// Where the encrypted blobs live.
    pub blobs: Blobs,
    /// Largest file, in bytes (25 MB by default).
    pub max_bytes: u64,
    pub scanner: Scanner,
}

impl FileSettings {
    /// Limit for the whole request body: the file plus its form fields and boundaries.
    pub fn body_limit(&self) -> usize {
        usize::try_from(self.max_bytes)
            .unwrap_or(usize::MAX)
            .saturating_add(64 * 1024)
    }
}

/// A size limit as people read it: `25 MB`, `1.5 MB`, `64 kB`.
pub fn limit_text(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{} MB", bytes / MB)
    } else if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else {
        format!("{} kB", bytes.div_ceil(1024))
    }
}

fn invalid(field: &str, rule: &str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid(Violations::single(field, rule, message))
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::Invalid(Violations::single(
            "file",
            "file.size",
            "The upload is larger than this server accepts.",
        ))
    } else {
        ApiError::BadRequest(format!("The upload could not be read: {}", e.body_text()))
    }
}

/// Receives a multipart upload (`kind`, then `file`; other fields ignored), checks and
/// stores it, and records it for `owner`. Nothing is kept unless every check passed.
pub async fn receive(
    state: &AppState,
    caller: &Caller,
    project: ProjectId,
    owner: Owner,
    mut form: Multipart,
) -> Result<StoredFile, ApiError> {
    let settings = &state.settings.files;
    let org = caller.org_id();
    let mut kind = FileKind::Other;
    let mut received = None;
    while let Some(mut field) = form.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("kind") => {
                let text = field.text().await.map_err(multipart_error)?;
                kind = FileKind::parse(text.trim()).ok_or_else(|| {
                    invalid(
                        "kind",
                        "file.kind",
                        "kind must be one of dpa, sla, contract or other.",
                    )
                })?;
            }
            Some("file") if received.is_none() => {
                let name = files::clean_name(field.file_name().unwrap_or_default())
                    .map_err(ApiError::Invalid)?;
                let mut sniffer = files::Sniffer::new();
                let mut scan = settings.scanner.start().await.map_err(|e| {
                    tracing::warn!(error = %e, "upload refused: virus scanner unavailable");
                    ApiError::Unavailable(
                        "The virus scanner cannot be reached, so no file can be accepted now. Try again later or ask the administrator.".into(),
                    )
                })?;
                let mut pending = settings
                    .blobs
                    .begin(&state.security.keys, org.0)
                    .await
                    .map_err(|e| ApiError::Internal(format!("file storage: {e}")))?;
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    if pending.size() + chunk.len() as u64 > settings.max_bytes {
                        return Err(invalid(
                            "file",
                            "file.size",
                            format!(
                                "The file is larger than {}, the most this server accepts.",
                                limit_text(settings.max_bytes)
                            ),
                        ));
                    }
                    sniffer.feed(&chunk);
                    if let Some(s) = scan.as_mut() {
                        s.send(&chunk).await.map_err(|e| scan_failed(state, e))?;
                    }
                    pending
                        .write(&chunk)
                        .await
                        .map_err(|e| ApiError::Internal(format!("file storage: {e}")))?;
                }
                let status = match scan {
                    None => ScanStatus::NotScanned,
                    Some(s) => match s.finish().await.map_err(|e| scan_failed(state, e))? {
                        Verdict::Clean => {
                            Metrics::outcome(&state.metrics.scans, "clean");
                            ScanStatus::Clean
                        }
                        Verdict::Infected(signature) => {
                            Metrics::outcome(&state.metrics.scans, "infected");
                            tracing::warn!(%signature, "upload refused: the virus scanner found malware");
                            pactum_store::files::record_infected(
                                &state.store,
                                &caller.actor(),
                                org,
                                state.clock.now(),
                            )
                            .await?;
                            return Err(invalid(
                                "file",
                                "file.infected",
                                format!(
                                    "The virus scanner found {signature} in this file; it was not stored."
                                ),
                            ));
                        }
                    },
                };
                let file_type = sniffer.finish(&name).map_err(ApiError::Invalid)?;
                // Moved into place only after the last field, so a bad field after the
                // file leaves nothing behind.
                received = Some((name, file_type, status, pending));
            }
            _ => {}
        }
    }
    let Some((name, file_type, scan, pending)) = received else {
        return Err(invalid("file", "required", "Choose a file to upload."));
    };
    let size = pending.size();
    let sha256 = pending
        .commit(&settings.blobs, state.clock.now().into())
        .await
        .map_err(|e| ApiError::Internal(format!("file storage: {e}")))?;
    let stored = pactum_store::files::insert(
        &state.store,
        &caller.actor(),
        org,
        project,
        owner,
        NewFile {
            kind,
            name,
            file_type,
            size_bytes: i64::try_from(size).unwrap_or(i64::MAX),
            sha256,
            scan,
        },
        state.clock.now(),
    )
    .await?;
    Ok(stored)
}

fn scan_failed(state: &AppState, e: scan::ScanError) -> ApiError {
    Metrics::outcome(&state.metrics.scans, "failed");
    tracing::warn!(error = %e, "upload refused by the virus scanner step");
    match e {
        scan::ScanError::Unreachable(_) => ApiError::Unavailable(
            "The virus scanner cannot be reached, so no file can be accepted now. Try again later or ask the administrator.".into(),
        ),
        scan::ScanError::Protocol(_) => invalid(
            "file",
            "file.scan",
            "The virus scanner could not check this file (it may be larger than the scanner accepts); it was not stored.",
        ),
    }
}

/// The file's content as a download: always an attachment, with its detected type.
pub async fn download(state: &AppState, file: &StoredFile) -> Result<Response, ApiError> {
    let reader = state
        .settings
        .files
        .blobs
        .open(&state.security.keys, file.org_id, &file.sha256)
        .await
        .map_err(|e| ApiError::Internal(format!("reading a stored file: {e}")))?;
    let body = Body::from_stream(futures_util::stream::unfold(
        Some(reader),
        |reader| async move {
            let mut reader = reader?;
            match reader.next().await {
                Ok(Some(bytes)) => Some((Ok(bytes), Some(reader))),
                Ok(None) => None,
                Err(e) => {
                    // A damaged or replaced blob: the download stops short rather than
                    // hand out bytes that are not the uploaded file.
                    tracing::error!(error = %e, "a stored file failed its check while being read");
                    Some((Err(e), None))
                }
            }
        },
    ));
    let name = files::download_name(&file.name, file.file_type);
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.file_type.mime()),
    );
    if let Ok(v) = HeaderValue::from_str(&files::content_disposition(&name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(u64::try_from(file.size_bytes).unwrap_or(0)),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// Removes blobs no row names any more (see [`Blobs::sweep`]).
pub async fn sweep(state: &AppState) -> std::io::Result<usize> {
    let store = state.store.clone();
    state
        .settings
        .files
        .blobs
        .sweep(state.clock.now().into(), move |org| {
            let store = store.clone();
            async move {
                let exists = pactum_store::files::organisation_exists(&store, org)
                    .await
                    .map_err(std::io::Error::other)?;
                if !exists {
                    return Ok(None);
                }
                pactum_store::files::hashes_in_use(&store, org)
                    .await
                    .map(Some)
                    .map_err(std::io::Error::other)
            }
        })
        .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn limits_read_as_people_write_them() {
        assert_eq!(super::limit_text(25 * 1024 * 1024), "25 MB");
        assert_eq!(super::limit_text(1536 * 1024), "1.5 MB");
        assert_eq!(super::limit_text(64 * 1024), "64 kB");
    }
}
