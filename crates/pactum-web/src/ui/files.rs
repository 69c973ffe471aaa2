//! The files section of a service's or vendor's page: the list with download links, the
//! upload form (multipart, works without JavaScript) and deleting with a confirmation.
//! Uploads go through the same pipeline as the API's ([`crate::files::receive`]).

use std::collections::HashMap;

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pactum_domain::access::Permission;
use pactum_domain::files::FileKind;
use pactum_store::files::{self, Owner, ScanStatus, StoredFile};
use pactum_store::scope::{OrgId, ProjectId};
use uuid::Uuid;

use crate::access::Caller;
use crate::error::ApiError;
use crate::extract::path_id;
use crate::state::AppState;
use crate::ui::i18n::T;
use crate::ui::pages::{Chrome, ConfirmPage, csrf_of, error_page, language_of, render};

/// One file in the list.
#[derive(Debug, Clone)]
pub struct FileRow {
    pub name: String,
    pub href: String,
    pub kind: String,
    pub file_type: String,
    pub size: String,
    pub when: String,
    pub unscanned: bool,
    pub delete: Option<String>,
}

/// What the record page shows of a service's or vendor's files.
#[derive(Debug, Clone)]
pub struct FilesView {
    pub rows: Vec<FileRow>,
    /// Where the upload form posts; `None` for readers.
    pub upload: Option<String>,
    pub kinds: Vec<(&'static str, String)>,
    pub hint: String,
    /// The operator turned virus scanning off.
    pub scanning_off: bool,
    /// What went wrong with the last upload, or that it worked.
    pub error: Option<String>,
    pub banner: Option<String>,
}

fn size_text(t: T, bytes: i64) -> String {
    let nl = t.0 == pactum_domain::organisation::Language::Nl;
    let (value, unit) = if bytes >= 1024 * 1024 {
        (bytes as f64 / (1024.0 * 1024.0), "MB")
    } else if bytes >= 1024 {
        (bytes as f64 / 1024.0, "kB")
    } else {
        return format!("{bytes} B");
    };
    let text = format!("{value:.1} {unit}");
    if nl { text.replace('.', ",") } else { text }
}

/// The owner a page's path names, if its collection can hold files.
pub fn owner_of(segment: &str, id: Uuid) -> Option<Owner> {
    Owner::parse(segment, id)
}

/// The files section of a record page.
pub async fn view(
    state: &AppState,
    caller: &Caller,
    t: T,
    project: ProjectId,
    owner: Owner,
    record_link: &str,
    query: &HashMap<String, String>,
) -> Result<FilesView, ApiError> {
    let can_write = caller.require(Permission::Write).is_ok();
    let list = files::list(&state.store, caller.org_id(), project, owner).await?;
    let settings = &state.settings.files;
    let rows = list
        .into_iter()
        .map(|f: StoredFile| FileRow {
            href: format!("{record_link}/files/{}", f.id),
            delete: can_write.then(|| format!("{record_link}/files/{}/delete", f.id)),
            kind: t.s(&format!("files.kind.{}", f.kind.as_str())).to_owned(),
            file_type: f.file_type.as_str().to_uppercase(),
            size: size_text(t, f.size_bytes),
            when: crate::ui::format::date_time_in(t.0, &caller.membership.timezone, f.uploaded_at),
            unscanned: f.scan == ScanStatus::NotScanned,
            name: f.name,
        })
        .collect();
    let error = query.get("file_error").map(|rule| match rule.as_str() {
        "file.type" | "file.size" | "file.empty" | "file.infected" | "file.scan" | "file.name"
        | "required" | "unavailable" | "file.kind" => t
            .s(&format!("files.error.{}", rule.replace('.', "_")))
            .replace("{limit}", &crate::files::limit_text(settings.max_bytes)),
        _ => t.s("files.error.other").to_owned(),
    });
    let banner = query
        .get("m")
        .filter(|m| ["uploaded", "file_deleted"].contains(&m.as_str()))
        .map(|m| {
            let key = if m == "uploaded" {
                "files.uploaded_banner"
            } else {
                "files.file_deleted"
            };
            t.s(key).to_owned()
        });
    Ok(FilesView {
        rows,
        upload: can_write.then(|| format!("{record_link}/files")),
        kinds: FileKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    t.s(&format!("files.kind.{}", k.as_str())).to_owned(),
                )
            })
            .collect(),
        hint: t
            .s("files.hint")
            .replace("{limit}", &crate::files::limit_text(settings.max_bytes)),
        scanning_off: settings.scanner.is_off(),
        error,
        banner,
    })
}

/// The path's project, owner record and the page of that record.
fn place(p: &HashMap<String, String>, slug: &str) -> Result<(ProjectId, Owner, String), ApiError> {
    let project = path_id(p, "project", "Project")?;
    let collection = p.get("collection").map(String::as_str).unwrap_or_default();
    let id = path_id(p, "id", "Record")?;
    let owner = owner_of(collection, id).ok_or_else(|| ApiError::NotFound("Page".into()))?;
    Ok((
        ProjectId(project),
        owner,
        format!("/orgs/{slug}/projects/{project}/{collection}/{id}"),
    ))
}

async fn file_at(
    state: &AppState,
    caller: &Caller,
    p: &HashMap<String, String>,
) -> Result<(StoredFile, String), ApiError> {
    let (project, owner, link) = place(p, &caller.membership.slug)?;
    let id = path_id(p, "file", "File")?;
    let file = files::get(&state.store, caller.org_id(), project, id).await?;
    if file.owner != owner {
        return Err(ApiError::NotFound("File".into()));
    }
    Ok((file, link))
}

/// The rule an upload broke, for the message on the page it returns to.
fn rule_of(e: &ApiError) -> &str {
    match e {
        ApiError::Invalid(v) => v.0.first().map_or("other", |x| x.rule.as_str()),
        ApiError::Unavailable(_) => "unavailable",
        _ => "other",
    }
}

pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let (project, owner, link) = match place(&p, &caller.membership.slug) {
        Ok(x) => x,
        Err(e) => return error_page(&headers, &e),
    };
    if let Err(e) = files::require_owner(&state.store, caller.org_id(), project, owner).await {
        return error_page(&headers, &e.into());
    }
    let Ok(form) = form else {
        return Redirect::to(&format!("{link}?file_error=required#files")).into_response();
    };
    match crate::files::receive(&state, &caller, project, owner, form).await {
        Ok(_) => Redirect::to(&format!("{link}?m=uploaded#files")).into_response(),
        Err(e @ (ApiError::Invalid(_) | ApiError::Unavailable(_))) => {
            Redirect::to(&format!("{link}?file_error={}#files", rule_of(&e))).into_response()
        }
        Err(e) => error_page(&headers, &e),
    }
}

pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let result = async {
        let (file, _) = file_at(&state, &caller, &p).await?;
        crate::files::download(&state, &file).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

pub async fn confirm_delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        let (file, link) = file_at(&state, &caller, &p).await?;
        let mut chrome = Chrome::new(t, "files.delete_title", true, csrf_of(&headers))
            .in_org(&caller, "projects");
        chrome.title = format!("{} {}", t.s("files.delete_title"), file.name);
        Ok(render(
            StatusCode::OK,
            &ConfirmPage {
                chrome,
                body: t.s("files.delete_body").to_owned(),
                action: format!("{link}/files/{}/delete", file.id),
                submit: t.s("records.delete").to_owned(),
                back: format!("{link}#files"),
            },
        ))
    }
    .await;
    result.unwrap_or_else(|e: ApiError| error_page(&headers, &e))
}

pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let result = async {
        let (file, link) = file_at(&state, &caller, &p).await?;
        files::delete(
            &state.store,
            &caller.actor(),
            OrgId(file.org_id),
            ProjectId(file.project_id),
            file.id,
            state.clock.now(),
        )
        .await?;
        Ok(Redirect::to(&format!("{link}?m=file_deleted#files")).into_response())
    }
    .await;
    result.unwrap_or_else(|e: ApiError| error_page(&headers, &e))
}
