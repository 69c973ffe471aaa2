//! Projects and the lists of their data map: search, sort by name and pages of 25, all in
//! the query string so a list can be bookmarked and works without JavaScript.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pactum_domain::access::Permission;
use pactum_domain::project::Project;
use pactum_domain::timestamp;
use pactum_store::records::{self, ListQuery};
use pactum_store::schema::Stored;
use pactum_store::scope::{ProjectId, Scope};

use crate::access::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::i18n::T;
use crate::ui::pages::{Chrome, FieldError, csrf_of, error_page, language_of, render};
use crate::ui::register::Field;

const PAGE: u32 = 25;

type Q = Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>;

pub struct Row {
    pub id: String,
    pub name: String,
    pub detail: String,
    /// For `<time datetime>`.
    pub when_iso: String,
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ProjectsPage {
    chrome: Chrome,
    banner: Option<String>,
    org_name: String,
    slug: String,
    can_write: bool,
    rows: Vec<Row>,
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    q: Q,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let query = ListQuery {
        limit: records::MAX_PAGE,
        ..ListQuery::default()
    };
    let page =
        match records::list::<Project>(&state.store, Scope::Org(caller.org_id()), &query).await {
            Ok(p) => p,
            Err(e) => return error_page(&headers, &e.into()),
        };
    let page = ProjectsPage {
        chrome: Chrome::new(t, "projects.title", true, csrf_of(&headers))
            .in_org(&caller, "projects"),
        banner: (q.get("m").map(String::as_str) == Some("created"))
            .then(|| t.s("projects.created").to_owned()),
        org_name: caller.membership.legal_name.clone(),
        slug: caller.membership.slug.clone(),
        can_write: caller.require(Permission::Write).is_ok(),
        rows: page
            .items
            .into_iter()
            .map(|r| Row {
                id: r.id.to_string(),
                name: r.data.name,
                detail: r.data.description.unwrap_or_default(),
                when_iso: String::new(),
            })
            .collect(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "project_form.html")]
struct ProjectForm {
    chrome: Chrome,
    errors: Vec<FieldError>,
    slug: String,
    fields: Vec<Field>,
}

fn project_form(
    caller: &Caller,
    t: T,
    csrf: String,
    slug: &str,
    form: &HashMap<String, String>,
    errors: Vec<FieldError>,
) -> ProjectForm {
    let mut chrome = Chrome::new(t, "projects.new", true, csrf).in_org(caller, "projects");
    chrome.has_errors = !errors.is_empty();
    let error = |id: &str| {
        errors
            .iter()
            .find(|e| e.field == id)
            .map(|e| e.message.clone())
    };
    let value = |k: &str| form.get(k).cloned().unwrap_or_default();
    ProjectForm {
        fields: vec![
            Field {
                id: "name",
                name: "name",
                kind: "text",
                label: t.s("projects.name").to_owned(),
                hint: None,
                error: error("name"),
                value: value("name"),
                autocomplete: "off",
                required: true,
            },
            Field {
                id: "description",
                name: "description",
                kind: "text",
                label: t.s("projects.description_optional").to_owned(),
                hint: None,
                error: error("description"),
                value: value("description"),
                autocomplete: "off",
                required: false,
            },
        ],
        chrome,
        errors,
        slug: slug.to_owned(),
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    render(
        StatusCode::OK,
        &project_form(
            &caller,
            t,
            csrf_of(&headers),
            &caller.membership.slug,
            &HashMap::new(),
            Vec::new(),
        ),
    )
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let description = form.get("description").cloned().unwrap_or_default();
    let project = Project {
        name: form.get("name").cloned().unwrap_or_default(),
        description: (!description.trim().is_empty()).then_some(description),
    };
    let slug = caller.membership.slug.clone();
    let errors = match records::create(
        &state.store,
        &caller.actor(),
        Scope::Org(caller.org_id()),
        project,
        state.clock.now(),
    )
    .await
    {
        Ok(p) => {
            return Redirect::to(&format!("/orgs/{slug}/projects/{}?m=created", p.id))
                .into_response();
        }
        Err(pactum_store::StoreError::Invalid(v)) => {
            v.0.iter()
                .map(|x| FieldError {
                    field: if x.field == "description" {
                        "description"
                    } else {
                        "name"
                    },
                    message: t
                        .s(match (x.field.as_str(), x.rule.as_str()) {
                            ("name", "required") => "projects.name_required",
                            _ => "projects.too_long",
                        })
                        .to_owned(),
                })
                .collect()
        }
        Err(pactum_store::StoreError::Conflict { .. }) => vec![FieldError {
            field: "name",
            message: t.s("projects.name_taken").to_owned(),
        }],
        Err(e) => return error_page(&headers, &e.into()),
    };
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &project_form(&caller, t, csrf_of(&headers), &slug, &form, errors),
    )
}

pub struct Count {
    pub segment: String,
    pub count: i64,
    pub label_key: String,
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    chrome: Chrome,
    slug: String,
    id: String,
    name: String,
    description: Option<String>,
    counts: Vec<Count>,
    attention: Vec<crate::ui::attention::RuleView>,
    flow: crate::ui::flow::Flow,
    heat: Option<crate::ui::heatmap::HeatMap>,
}

fn project_scope(caller: &Caller, id: &str) -> Result<Scope, ApiError> {
    let id = uuid::Uuid::parse_str(id).map_err(|_| ApiError::NotFound("Project".into()))?;
    Ok(Scope::Project(caller.org_id(), ProjectId(id)))
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let result = async {
        let id = p.get("project").cloned().unwrap_or_default();
        let scope = project_scope(&caller, &id)?;
        let ProjectId(pid) = scope
            .project()
            .ok_or_else(|| ApiError::NotFound("Project".into()))?;
        let project =
            records::get::<Project>(&state.store, Scope::Org(caller.org_id()), pid).await?;
        let summary = pactum_store::summaries::project(
            &state.store,
            caller.org_id(),
            ProjectId(pid),
            crate::ui::attention::SAMPLE,
            // The diagram draws at most MAX_NODES services: only those are loaded.
            crate::ui::flow::MAX_NODES as u32,
        )
        .await?;
        Ok::<_, ApiError>((pid, project, summary))
    }
    .await;
    let (pid, project, summary) = match result {
        Ok(r) => r,
        Err(e) => return error_page(&headers, &e),
    };
    let counts: Vec<Count> = summary
        .counts
        .iter()
        .map(|(collection, count)| Count {
            segment: collection.replace('_', "-"),
            count: *count,
            label_key: format!("collection.{collection}"),
        })
        .collect();
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let mut chrome =
        Chrome::new(t, "projects.project", true, csrf_of(&headers)).in_org(&caller, "projects");
    chrome.title = project.data.name.clone();
    let page = ProjectPage {
        chrome,
        slug: caller.membership.slug.clone(),
        id: pid.to_string(),
        name: project.data.name,
        description: project.data.description,
        counts,
        attention: crate::ui::attention::rules(t, &caller.membership.slug, &summary.attention),
        flow: crate::ui::flow::layout(
            t,
            &format!("/orgs/{}/projects/{pid}", caller.membership.slug),
            &summary.services,
            summary.more_services,
            &summary.transfers,
        ),
        heat: crate::ui::heatmap::build(t, &summary.risks),
    };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "records.html")]
struct RecordsPage {
    chrome: Chrome,
    slug: String,
    project_id: String,
    project_name: String,
    q: String,
    showing: String,
    rows: Vec<Row>,
    descending: bool,
    sort_link: String,
    previous: Option<String>,
    next: Option<String>,
    collection: String,
    can_write: bool,
    banner: Option<String>,
    singular: String,
}

/// One page of a collection, sorted by its natural column: rows and the total.
async fn rows_of<E: Stored>(
    state: &AppState,
    scope: Scope,
    mut query: ListQuery,
    descending: bool,
    language: pactum_domain::organisation::Language,
    zone: &str,
) -> Result<(Vec<Row>, i64), ApiError> {
    let order = E::TABLE.order;
    query.sort = Some(if descending {
        format!("-{order}")
    } else {
        order.to_owned()
    });
    let page = records::list::<E>(&state.store, scope, &query).await?;
    let rows = page
        .items
        .into_iter()
        .map(|r| {
            let value = serde_json::to_value(&r.data).unwrap_or_default();
            let name = match &value[order] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            Row {
                id: r.id.to_string(),
                name,
                detail: crate::ui::format::date_time_in(language, zone, r.updated_at),
                when_iso: timestamp::format(r.updated_at),
            }
        })
        .collect();
    Ok((rows, page.total))
}

pub async fn records_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
    q: Q,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let search = q.get("q").cloned().unwrap_or_default();
    let descending = q.get("sort").is_some_and(|s| s.starts_with('-'));
    let page_no: u64 = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let collection = p.get("collection").cloned().unwrap_or_default();
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        if crate::ui::record_form::is_register(&collection) {
            return Err(ApiError::NotFound("List".into()));
        }
        let id = p.get("project").cloned().unwrap_or_default();
        let scope = project_scope(&caller, &id)?;
        let ProjectId(pid) = scope
            .project()
            .ok_or_else(|| ApiError::NotFound("Project".into()))?;
        let project =
            records::get::<Project>(&state.store, Scope::Org(caller.org_id()), pid).await?;
        let query = ListQuery {
            q: (!search.trim().is_empty()).then(|| search.clone()),
            sort: None,
            limit: PAGE,
            offset: (page_no - 1) * u64::from(PAGE),
            filters: Vec::new(),
        };
        let zone = &caller.membership.timezone;
        let (rows, total) = crate::with_entity!(collection.as_str(), E => {
            rows_of::<E>(&state, scope, query, descending, t.0, zone).await?
        }, else return Err(ApiError::NotFound("List".into())));
        Ok::<_, ApiError>((pid, project.data.name, rows, total))
    }
    .await;
    let (pid, project_name, rows, total) = match result {
        Ok(r) => r,
        Err(e) => return error_page(&headers, &e),
    };
    let slug = caller.membership.slug.clone();
    let base = format!("/orgs/{slug}/projects/{pid}/{collection}");
    let link = |page: u64, desc: bool| {
        let mut params = vec![("page", page.to_string())];
        if !search.is_empty() {
            params.push(("q", search.clone()));
        }
        if desc {
            params.push(("sort", "-name".to_owned()));
        }
        format!(
            "{base}?{}",
            serde_urlencoded::to_string(params).unwrap_or_default()
        )
    };
    let first = (page_no - 1) * u64::from(PAGE) + 1;
    let last = (first + rows.len() as u64).saturating_sub(1);
    let showing = if total == 0 {
        t.s("records.none").to_owned()
    } else {
        format!(
            "{} {first}–{last} {} {total}",
            t.s("records.showing"),
            t.s("records.of")
        )
    };
    let mut chrome = Chrome::new(
        t,
        &format!("collection.{}", collection.replace('-', "_")),
        true,
        csrf_of(&headers),
    )
    .in_org(&caller, "projects");
    chrome.title = capitalise(&chrome.title);
    let page = RecordsPage {
        chrome,
        slug: slug.clone(),
        project_id: pid.to_string(),
        project_name,
        q: search.clone(),
        showing,
        rows,
        descending,
        sort_link: link(1, !descending),
        previous: (page_no > 1).then(|| link(page_no - 1, descending)),
        next: (last < total as u64).then(|| link(page_no + 1, descending)),
        singular: t
            .s(&format!("one.{}", collection.replace('-', "_")))
            .to_owned(),
        collection,
        can_write: caller.require(Permission::Write).is_ok(),
        banner: (q.get("m").map(String::as_str) == Some("deleted"))
            .then(|| t.s("records.deleted").to_owned()),
    };
    render(StatusCode::OK, &page)
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
