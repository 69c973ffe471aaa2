//! A project's AI reports in the browser: the list with a button that makes a new one, and
//! each report beside the exact payload that was sent for it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pactum_domain::access::Permission;
use pactum_domain::project::Project;
use pactum_store::records;
use pactum_store::reports;
use pactum_store::scope::{ProjectId, Scope};

use crate::access::Caller;
use crate::error::ApiError;
use crate::extract::path_id;
use crate::state::AppState;
use crate::ui::pages::{Chrome, csrf_of, error_page, language_of, render};

pub struct ReportRow {
    pub href: String,
    pub when: String,
    pub provider: String,
    pub model: String,
}

#[derive(Template)]
#[template(path = "ai_reports.html")]
struct ListPage {
    chrome: Chrome,
    crumbs: Vec<(String, String)>,
    rows: Vec<ReportRow>,
    /// Where the button posts; `None` for readers.
    action: Option<String>,
    /// What the configured provider is, and whether anything leaves.
    provider_note: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "ai_report.html")]
struct ReportPage {
    chrome: Chrome,
    crumbs: Vec<(String, String)>,
    provider: String,
    model: String,
    report: String,
    payload: String,
}

async fn project_of(
    state: &AppState,
    caller: &Caller,
    p: &HashMap<String, String>,
) -> Result<(ProjectId, String), ApiError> {
    let id = path_id(p, "project", "Project")?;
    let project = records::get::<Project>(&state.store, Scope::Org(caller.org_id()), id).await?;
    Ok((ProjectId(id), project.data.name))
}

/// The list page; with `error`, after a report could not be made (the list stays shown).
async fn list_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    t: crate::ui::i18n::T,
    (project, name): (ProjectId, String),
    error: Option<String>,
) -> Result<Response, ApiError> {
    let base = format!("/orgs/{}/projects/{}", caller.membership.slug, project.0);
    let rows = reports::list(&state.store, caller.org_id(), project)
        .await?
        .into_iter()
        .map(|r| ReportRow {
            href: format!("{base}/ai-reports/{}", r.id),
            when: crate::ui::format::date_time_in(t.0, &caller.membership.timezone, r.created_at),
            provider: t.s(&format!("ai.provider.{}", r.provider)).to_owned(),
            model: r.model,
        })
        .collect();
    let mut chrome = Chrome::new(t, "ai.title", true, csrf_of(headers)).in_org(caller, "projects");
    chrome.title = format!("{} · {name}", t.s("ai.title"));
    chrome.has_errors = error.is_some();
    let provider_note = match &state.settings.ai.provider {
        crate::ai::Provider::Offline => t.s("ai.offline_note").to_owned(),
        crate::ai::Provider::OpenAiCompatible {
            base_url, model, ..
        } => t
            .s("ai.remote_note")
            .replace("{model}", model)
            .replace("{url}", base_url),
    };
    let status = if error.is_some() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        &ListPage {
            chrome,
            crumbs: vec![(base.clone(), name)],
            rows,
            action: caller
                .require(Permission::Write)
                .is_ok()
                .then(|| format!("{base}/ai-reports")),
            provider_note,
            error,
        },
    ))
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        let project = project_of(&state, &caller, &p).await?;
        list_page(&state, &headers, &caller, t, project, None).await
    }
    .await;
    result.unwrap_or_else(|e: ApiError| error_page(&headers, &e))
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        let project = project_of(&state, &caller, &p).await?;
        match crate::ai::generate(&state, &caller, project.0).await {
            Ok(r) => Ok(Redirect::to(&format!(
                "/orgs/{}/projects/{}/ai-reports/{}",
                caller.membership.slug, project.0.0, r.id
            ))
            .into_response()),
            Err(ApiError::Unavailable(_)) => {
                let error = Some(t.s("ai.unavailable").to_owned());
                list_page(&state, &headers, &caller, t, project, error).await
            }
            Err(e) => Err(e),
        }
    }
    .await;
    result.unwrap_or_else(|e: ApiError| error_page(&headers, &e))
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        let (project, name) = project_of(&state, &caller, &p).await?;
        let id = path_id(&p, "id", "AI report")?;
        let report = reports::get(&state.store, caller.org_id(), project, id).await?;
        let base = format!("/orgs/{}/projects/{}", caller.membership.slug, project.0);
        let when =
            crate::ui::format::date_time_in(t.0, &caller.membership.timezone, report.created_at);
        let mut chrome =
            Chrome::new(t, "ai.report", true, csrf_of(&headers)).in_org(&caller, "projects");
        chrome.title = format!("{} · {when}", t.s("ai.report"));
        Ok(render(
            StatusCode::OK,
            &ReportPage {
                chrome,
                crumbs: vec![
                    (base.clone(), name),
                    (format!("{base}/ai-reports"), t.s("ai.title").to_owned()),
                ],
                provider: t.s(&format!("ai.provider.{}", report.provider)).to_owned(),
                payload: crate::ai::readable_payload(&report),
                model: report.model,
                report: report.report,
            },
        ))
    }
    .await;
    result.unwrap_or_else(|e: ApiError| error_page(&headers, &e))
}
