//! The audit log page: newest first, filtered by action and person, 50 a page.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use pactum_domain::timestamp;
use pactum_store::audit::{self, Filter};
use pactum_store::members;

use crate::access::Caller;
use crate::state::AppState;
use crate::ui::pages::{Chrome, csrf_of, error_page, language_of, render};

const PAGE: i64 = 50;

/// The actions Pactum writes to an organisation's chain.
const ACTIONS: [&str; 12] = [
    "record.created",
    "record.changed",
    "record.deleted",
    "organisation.created",
    "organisation.changed",
    "organisation.imported",
    "member.added",
    "member.role_changed",
    "member.removed",
    "token.created",
    "token.revoked",
    "organisation.deleted",
];

pub struct AuditRow {
    pub when: String,
    pub iso: String,
    pub who: String,
    pub action: String,
    pub entity: String,
    pub ip: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    org_name: String,
    slug: String,
    actions: Vec<String>,
    action: String,
    people: Vec<(String, String)>,
    user: String,
    showing: String,
    rows: Vec<AuditRow>,
    previous: Option<String>,
    next: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    q: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let action = q
        .get("action")
        .filter(|a| ACTIONS.contains(&a.as_str()))
        .cloned()
        .unwrap_or_default();
    let user = q.get("user_id").and_then(|u| uuid::Uuid::parse_str(u).ok());
    let page_no: i64 = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let filter = Filter {
        user_id: user,
        action: (!action.is_empty()).then(|| action.clone()),
        // One more than a page, to know whether there is a next one.
        limit: PAGE + 1,
        offset: (page_no - 1) * PAGE,
        ..Filter::default()
    };
    let (mut events, people) = match async {
        Ok::<_, pactum_store::StoreError>((
            audit::list(&state.store, caller.org_id(), &filter).await?,
            members::list(&state.store, caller.org_id()).await?,
        ))
    }
    .await
    {
        Ok(r) => r,
        Err(e) => return error_page(&headers, &e.into()),
    };
    let more = events.len() as i64 > PAGE;
    events.truncate(PAGE as usize);
    let names: HashMap<uuid::Uuid, String> = people
        .iter()
        .map(|m| (m.user_id, m.display_name.clone().unwrap_or(m.email.clone())))
        .collect();
    let slug = caller.membership.slug.clone();
    let link = |page: i64| {
        let mut params = vec![("page", page.to_string())];
        if !action.is_empty() {
            params.push(("action", action.clone()));
        }
        if let Some(u) = user {
            params.push(("user_id", u.to_string()));
        }
        format!(
            "/orgs/{slug}/audit?{}",
            serde_urlencoded::to_string(params).unwrap_or_default()
        )
    };
    let first = (page_no - 1) * PAGE + 1;
    let showing = if events.is_empty() {
        t.s("records.none").to_owned()
    } else {
        format!(
            "{} {first}–{}",
            t.s("audit.showing"),
            first + events.len() as i64 - 1
        )
    };
    let page = AuditPage {
        chrome: Chrome::new(t, "audit.title", true, csrf_of(&headers)).in_org(&caller, "audit"),
        org_name: caller.membership.legal_name.clone(),
        slug: slug.clone(),
        actions: ACTIONS.iter().map(|a| (*a).to_owned()).collect(),
        action: action.clone(),
        people: people
            .iter()
            .map(|m| {
                (
                    m.user_id.to_string(),
                    m.display_name.clone().unwrap_or(m.email.clone()),
                )
            })
            .collect(),
        user: user.map(|u| u.to_string()).unwrap_or_default(),
        showing,
        rows: events
            .iter()
            .map(|e| AuditRow {
                when: crate::ui::format::date_time_in(t.0, &caller.membership.timezone, e.at),
                iso: timestamp::format(e.at),
                who: e
                    .user_id
                    .and_then(|u| names.get(&u).cloned())
                    .or_else(|| e.user_id.map(|u| u.to_string()))
                    .unwrap_or_else(|| t.s("audit.system").to_owned()),
                action: e.action.clone(),
                entity: e.entity.clone(),
                ip: e.ip.clone().unwrap_or_default(),
            })
            .collect(),
        previous: (page_no > 1).then(|| link(page_no - 1)),
        next: more.then(|| link(page_no + 1)),
    };
    render(StatusCode::OK, &page)
}
