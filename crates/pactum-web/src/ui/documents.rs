//! The documents page: every document Pactum writes, each with a form (GET, so it works
//! without JavaScript and the address can be bookmarked) for its project or record, its
//! format and its language; and the download itself, which answers like the API.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use pactum_documents::Kind;
use pactum_domain::project::Project;
use pactum_domain::registers::breach::Breach;
use pactum_domain::registers::request::DataSubjectRequest;
use pactum_store::records;
use pactum_store::scope::Scope;

use crate::access::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::pages::{Chrome, csrf_of, error_page, language_of, render};

pub struct KindView {
    pub key: &'static str,
    pub title: String,
    pub about: String,
    pub per_project: bool,
    /// `breaches` or `requests` for the documents about one record.
    pub record_of: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage {
    chrome: Chrome,
    slug: String,
    kinds: Vec<KindView>,
    projects: Vec<(String, String)>,
    breaches: Vec<(String, String)>,
    requests: Vec<(String, String)>,
    language: &'static str,
}

/// `GET /orgs/{org}/documents`.
pub async fn list(State(state): State<AppState>, headers: HeaderMap, caller: Caller) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let scope = Scope::Org(caller.org_id());
    let result = async {
        let projects = records::every::<Project>(&state.store, scope).await?;
        let breaches = records::every::<Breach>(&state.store, scope).await?;
        let requests = records::every::<DataSubjectRequest>(&state.store, scope).await?;
        Ok::<_, ApiError>((projects, breaches, requests))
    }
    .await;
    let (projects, mut breaches, mut requests) = match result {
        Ok(r) => r,
        Err(e) => return error_page(&headers, &e),
    };
    breaches.sort_by_key(|b| std::cmp::Reverse(b.data.aware_at));
    requests.sort_by_key(|r| std::cmp::Reverse(r.data.received_at));
    let kinds = Kind::ALL
        .into_iter()
        .map(|k| KindView {
            key: k.as_str(),
            title: t.s(&format!("documents.{}.title", k.as_str())).to_owned(),
            about: t.s(&format!("documents.{}.about", k.as_str())).to_owned(),
            per_project: !k.is_register(),
            record_of: match k {
                Kind::BreachReport => Some("breaches"),
                Kind::AccessPack => Some("requests"),
                _ => None,
            },
        })
        .collect();
    render(
        StatusCode::OK,
        &DocumentsPage {
            chrome: Chrome::new(t, "documents.title", true, csrf_of(&headers))
                .in_org(&caller, "documents"),
            slug: caller.membership.slug.clone(),
            kinds,
            projects: projects
                .into_iter()
                .map(|p| (p.id.to_string(), p.data.name))
                .collect(),
            breaches: breaches
                .into_iter()
                .map(|b| {
                    let label = match &b.data.reference {
                        Some(r) => format!("{r}: {}", b.data.title),
                        None => b.data.title.clone(),
                    };
                    (b.id.to_string(), label)
                })
                .collect(),
            requests: requests
                .into_iter()
                .map(|r| {
                    let day = crate::ui::format::date(t.0, r.data.received_at);
                    let label = match &r.data.reference {
                        Some(x) => format!("{x} ({day})"),
                        None => day,
                    };
                    (r.id.to_string(), label)
                })
                .collect(),
            language: match t.0 {
                pactum_domain::organisation::Language::En => "en",
                pactum_domain::organisation::Language::Nl => "nl",
            },
        },
    )
}

/// `GET /orgs/{org}/documents/{kind}`: the document itself, or an error page.
pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let kind = p.get("kind").cloned().unwrap_or_default();
    match crate::api::documents::respond(&state, &caller, &headers, &kind, &query).await {
        Ok(r) => r,
        Err(e) => error_page(&headers, &e),
    }
}
