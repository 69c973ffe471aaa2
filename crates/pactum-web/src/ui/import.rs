//! Importing a spreadsheet from the browser: upload (a file form), then a preview with the
//! column mapping as choices and every row's outcome, then the import itself. After the
//! upload, the file travels in the preview form (base64, within the body limit), so
//! changing the mapping never needs the file again. Works without JavaScript.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use pactum_documents::import::CellError;
use pactum_documents::import::plan::{Action, Mapping};
use pactum_documents::import::target::Target;

use crate::access::Caller;
use crate::api::imports::{Prepared, commit_prepared, prepare_file, project_scope};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::i18n::T;
use crate::ui::pages::{Chrome, csrf_of, error_page, language_of, render};

pub struct Choice {
    pub value: String,
    pub label: String,
}

pub struct ColumnView {
    pub index: usize,
    pub header: String,
    pub field: String,
}

pub struct RowView {
    pub row: usize,
    pub name: String,
    pub action: &'static str,
    pub action_label: String,
    pub problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    slug: String,
    project: String,
    collections: Vec<Choice>,
    /// Set once a file is read.
    preview: Option<PreviewView>,
    errors: Vec<String>,
}

pub struct PreviewView {
    pub collection: String,
    pub collection_label: String,
    pub format: String,
    pub sheet: String,
    pub content: String,
    pub columns: Vec<ColumnView>,
    pub fields: Vec<Choice>,
    pub rows: Vec<RowView>,
    pub create: usize,
    pub conflicts: usize,
    pub invalid: usize,
    pub clean: bool,
    pub source: String,
}

fn collections(t: T) -> Vec<Choice> {
    Target::ALL
        .into_iter()
        .map(|c| Choice {
            value: c.segment().to_owned(),
            label: t
                .s(&format!("collection.{}", c.segment().replace('-', "_")))
                .to_owned(),
        })
        .collect()
}

fn describe(t: T, e: &CellError) -> String {
    let at = match (e.row, e.column.is_empty()) {
        (0, true) => String::new(),
        (0, false) => format!("{} {:?}: ", t.s("import.column"), e.column),
        (r, true) => format!("{} {r}: ", t.s("import.row")),
        (r, false) => format!(
            "{} {r}, {} {:?}: ",
            t.s("import.row"),
            t.s("import.column"),
            e.column
        ),
    };
    format!("{at}{}", e.message)
}

fn page(
    t: T,
    headers: &HeaderMap,
    caller: &Caller,
    project: &str,
    preview: Option<PreviewView>,
    errors: Vec<String>,
) -> Response {
    render(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        &ImportPage {
            chrome: Chrome::new(t, "import.title", true, csrf_of(headers))
                .in_org(caller, "projects"),
            slug: caller.membership.slug.clone(),
            project: project.to_owned(),
            collections: collections(t),
            preview,
            errors,
        },
    )
}

/// `GET /orgs/{org}/projects/{project}/import`.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<BTreeMap<String, String>>,
) -> Response {
    let project = p.get("project").cloned().unwrap_or_default();
    if let Err(e) = project_scope(&state, &caller, &project).await {
        return error_page(&headers, &e);
    }
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    page(t, &headers, &caller, &project, None, vec![])
}

fn preview_view(
    t: T,
    prepared: &Prepared,
    format: &str,
    sheet: &str,
    content: String,
) -> PreviewView {
    let target = prepared.target;
    let plan = &prepared.plan;
    let mut fields = vec![Choice {
        value: String::new(),
        label: t.s("import.leave_out").to_owned(),
    }];
    fields.extend(target.fields().iter().map(|f| Choice {
        value: f.key.to_owned(),
        label: f.key.to_owned(),
    }));
    PreviewView {
        collection: target.segment().to_owned(),
        collection_label: t
            .s(&format!(
                "collection.{}",
                target.segment().replace('-', "_")
            ))
            .to_owned(),
        format: format.to_owned(),
        sheet: sheet.to_owned(),
        content,
        columns: prepared
            .sheet
            .headers
            .iter()
            .enumerate()
            .map(|(index, h)| ColumnView {
                index,
                header: h.clone(),
                field: plan.mapping.get(h).cloned().unwrap_or_default(),
            })
            .collect(),
        fields,
        rows: plan
            .rows
            .iter()
            .map(|r| {
                let action = match r.action {
                    Action::Create => "create",
                    Action::Conflict => "conflict",
                    Action::Invalid => "invalid",
                };
                RowView {
                    row: r.row,
                    name: r.name.clone(),
                    action: match r.action {
                        Action::Create => "green",
                        Action::Conflict => "yellow",
                        Action::Invalid => "red",
                    },
                    action_label: t.s(&format!("import.action.{action}")).to_owned(),
                    problems: r.errors.iter().map(|e| describe(t, e)).collect(),
                }
            })
            .collect(),
        create: plan.create,
        conflicts: plan.conflicts,
        invalid: plan.invalid,
        clean: plan.is_clean() && plan.create > 0,
        source: t
            .s(&format!("import.source.{}", prepared.source))
            .to_owned(),
    }
}

/// `POST /orgs/{org}/projects/{project}/import`: the upload, a new mapping, or the import.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<BTreeMap<String, String>>,
    mut form: Multipart,
) -> Response {
    let project = p.get("project").cloned().unwrap_or_default();
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let scope = match project_scope(&state, &caller, &project).await {
        Ok(s) => s,
        Err(e) => return error_page(&headers, &e),
    };
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                if name == "file" {
                    let file_name = field.file_name().unwrap_or_default().to_lowercase();
                    match field.bytes().await {
                        Ok(b) if !b.is_empty() => file = Some((file_name, b.to_vec())),
                        Ok(_) => {}
                        Err(_) => {
                            return error_page(
                                &headers,
                                &ApiError::PayloadTooLarge(state.settings.max_body_bytes),
                            );
                        }
                    }
                } else if let Ok(text) = field.text().await {
                    fields.insert(name, text);
                }
            }
            Ok(None) => break,
            Err(_) => {
                return error_page(
                    &headers,
                    &ApiError::BadRequest("The form could not be read.".into()),
                );
            }
        }
    }
    let Some(target) = fields.get("collection").and_then(|c| Target::parse(c)) else {
        return page(
            t,
            &headers,
            &caller,
            &project,
            None,
            vec![t.s("import.choose_collection").to_owned()],
        );
    };
    // The file: uploaded now (its type by its first bytes: a workbook is a zip), or
    // carried by the preview form.
    let (format, bytes) = match file {
        Some((_, bytes)) => {
            let format = if bytes.starts_with(b"PK\x03\x04") {
                "xlsx"
            } else {
                "csv"
            };
            (format.to_owned(), bytes)
        }
        None => match fields
            .get("content")
            .map(|c| base64::engine::general_purpose::STANDARD.decode(c.trim()))
        {
            Some(Ok(bytes)) => (
                fields
                    .get("format")
                    .cloned()
                    .unwrap_or_else(|| "csv".into()),
                bytes,
            ),
            _ => {
                return page(
                    t,
                    &headers,
                    &caller,
                    &project,
                    None,
                    vec![t.s("import.choose_file").to_owned()],
                );
            }
        },
    };
    let sheet = fields.get("sheet").cloned().unwrap_or_default();
    // The mapping from the preview's choices (`map.<column index>`), when it has them.
    let mapping: Option<Mapping> = if fields.keys().any(|k| k.starts_with("map.")) {
        let headers_in_form: Vec<(usize, String)> = fields
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("header.")
                    .and_then(|i| i.parse().ok())
                    .map(|i| (i, v.clone()))
            })
            .collect();
        Some(
            headers_in_form
                .into_iter()
                .filter_map(|(i, header)| {
                    let field = fields.get(&format!("map.{i}"))?;
                    (!field.is_empty()).then(|| (header, field.clone()))
                })
                .collect(),
        )
    } else {
        None
    };
    let prepared = match prepare_file(
        &state,
        &caller,
        scope,
        target,
        &format,
        &bytes,
        (!sheet.is_empty()).then_some(sheet.as_str()),
        mapping,
    )
    .await
    {
        Ok(Ok(p)) => p,
        Ok(Err(errors)) => {
            let errors = errors.iter().map(|e| describe(t, e)).collect();
            return page(t, &headers, &caller, &project, None, errors);
        }
        Err(e) => return error_page(&headers, &e),
    };
    let content = base64::engine::general_purpose::STANDARD.encode(&bytes);
    if fields.get("action").map(String::as_str) == Some("commit") {
        match commit_prepared(&state, &caller, &prepared).await {
            Ok(Ok(ids)) => {
                return Redirect::to(&format!(
                    "/orgs/{}/projects/{project}/{}?m=imported&n={}",
                    caller.membership.slug,
                    target.segment(),
                    ids.len()
                ))
                .into_response();
            }
            Ok(Err(errors)) => {
                let errors = errors.iter().map(|e| describe(t, e)).collect();
                let view = preview_view(t, &prepared, &format, &sheet, content);
                return page(t, &headers, &caller, &project, Some(view), errors);
            }
            Err(e) => return error_page(&headers, &e),
        }
    }
    let view = preview_view(t, &prepared, &format, &sheet, content);
    page(t, &headers, &caller, &project, Some(view), vec![])
}
