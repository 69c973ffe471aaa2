//! The registers as documentation: one breach, or the whole register, as a page made to be
//! printed or saved as PDF from the browser. For breaches this is the documentation Art.
//! 33(5) asks for ("the facts relating to the personal data breach, its effects and the
//! remedial action taken"), grouped by the contents of Art. 33(3); for requests, the record
//! of how each was handled (accountability, Art. 5(2)). Every view is in the audit log.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use pactum_domain::registers::breach::Breach;
use pactum_domain::registers::request::DataSubjectRequest;
use pactum_store::records;
use pactum_store::schema::Stored;
use pactum_store::scope::Scope;
use serde_json::Value;
use uuid::Uuid;

use crate::access::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::i18n::T;
use crate::ui::pages::{Chrome, csrf_of, error_page, language_of, render};
use crate::ui::record::FormField;
use crate::ui::registers::{ClockView, clock_of};

/// The sections of a breach's documentation and the fields in each.
const BREACH_SECTIONS: &[(&str, &[&str])] = &[
    (
        "report.facts",
        &[
            "reference",
            "role",
            "assignee_id",
            "occurred_at",
            "aware_at",
            "contained_at",
            "nature",
            "description",
        ],
    ),
    (
        "report.scope",
        &[
            "data_categories",
            "subject_categories",
            "subjects_approx",
            "records_approx",
            "affected_persons",
        ],
    ),
    ("report.effects", &["consequences"]),
    (
        "report.assessment",
        &["risk", "risk_reasoning", "art34_exception"],
    ),
    ("report.measures", &["measures"]),
    (
        "report.notifications",
        &[
            "contact",
            "authority_notified_at",
            "authority_reference",
            "delay_reason",
            "subjects_informed_at",
            "controller_notice_hours",
            "controllers_notified_at",
            "closed_at",
        ],
    ),
    ("report.updates", &["updates"]),
];

pub struct Section {
    pub title: String,
    pub fields: Vec<FormField>,
}

pub struct Entry {
    pub title: String,
    pub clock: Option<ClockView>,
    pub sections: Vec<Section>,
}

#[derive(Template)]
#[template(path = "documentation.html")]
struct DocumentationPage {
    chrome: Chrome,
    intro: String,
    made: String,
    back: String,
    entries: Vec<Entry>,
}

async fn entry(
    state: &AppState,
    caller: &Caller,
    t: T,
    segment: &str,
    doc: &Value,
) -> Result<Entry, ApiError> {
    let mut fields = crate::ui::record::summary(state, caller, t, segment, doc).await?;
    let clock = clock_of(state, caller, t, segment, doc).await?;
    let (title, sections) = if segment == "breaches" {
        let title = doc["title"].as_str().unwrap_or_default().to_owned();
        let sections = BREACH_SECTIONS
            .iter()
            .map(|(key, names)| Section {
                title: t.s(key).to_owned(),
                fields: names
                    .iter()
                    .filter_map(|n| {
                        let at = fields.iter().position(|f| f.name == *n)?;
                        Some(fields.remove(at))
                    })
                    .collect(),
            })
            .collect();
        (title, sections)
    } else {
        let kind = doc["kind"].as_str().unwrap_or_default();
        let title = crate::ui::registers::deadline_name(
            t,
            pactum_store::registers::Register::Request,
            kind,
            doc["reference"].as_str(),
        );
        (
            title,
            vec![Section {
                title: t.s("report.request").to_owned(),
                fields,
            }],
        )
    };
    Ok(Entry {
        title,
        clock,
        sections,
    })
}

async fn all<E: Stored>(state: &AppState, caller: &Caller) -> Result<Vec<Value>, ApiError> {
    Ok(
        records::every::<E>(&state.store, Scope::Org(caller.org_id()))
            .await?
            .iter()
            .map(|r| serde_json::to_value(&r.data).unwrap_or_default())
            .collect(),
    )
}

async fn show(
    state: AppState,
    headers: HeaderMap,
    caller: Caller,
    p: HashMap<String, String>,
    id: Option<Uuid>,
) -> Response {
    let segment = p.get("collection").cloned().unwrap_or_default();
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        let docs = match (segment.as_str(), id) {
            ("breaches", Some(id)) => vec![
                serde_json::to_value(
                    records::get::<Breach>(&state.store, Scope::Org(caller.org_id()), id)
                        .await?
                        .data,
                )
                .unwrap_or_default(),
            ],
            ("requests", Some(id)) => vec![
                serde_json::to_value(
                    records::get::<DataSubjectRequest>(
                        &state.store,
                        Scope::Org(caller.org_id()),
                        id,
                    )
                    .await?
                    .data,
                )
                .unwrap_or_default(),
            ],
            ("breaches", None) => all::<Breach>(&state, &caller).await?,
            ("requests", None) => all::<DataSubjectRequest>(&state, &caller).await?,
            _ => return Err(ApiError::NotFound("Page".into())),
        };
        let mut entries = Vec::with_capacity(docs.len());
        for doc in &docs {
            entries.push(entry(&state, &caller, t, &segment, doc).await?);
        }
        let now = state.clock.now();
        pactum_store::audit::record(
            &state.store,
            &caller.actor(),
            pactum_store::audit::Event::org(
                caller.org_id(),
                "register.documented",
                if segment == "breaches" {
                    "breach"
                } else {
                    "request"
                },
                id,
            ),
            now,
        )
        .await?;
        let slug = &caller.membership.slug;
        let mut chrome = Chrome::new(
            t,
            &format!("report.{segment}.title"),
            true,
            csrf_of(&headers),
        )
        .in_org(
            &caller,
            if segment == "breaches" {
                "breaches"
            } else {
                "requests"
            },
        );
        if id.is_some()
            && let Some(e) = entries.first()
        {
            chrome.title = format!("{}: {}", chrome.title, e.title);
        }
        Ok(render(
            StatusCode::OK,
            &DocumentationPage {
                intro: t
                    .s(&format!("report.{segment}.intro"))
                    .replace("{organisation}", &caller.membership.legal_name),
                made: crate::ui::format::date_time_in(t.0, &caller.membership.timezone, now),
                back: match id {
                    Some(id) => format!("/orgs/{slug}/{segment}/{id}"),
                    None => format!("/orgs/{slug}/{segment}"),
                },
                chrome,
                entries,
            },
        ))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

/// `/orgs/{org}/{collection}/documentation`: the whole register.
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    show(state, headers, caller, p, None).await
}

/// `/orgs/{org}/{collection}/{id}/documentation`: one record.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let Some(id) = p.get("id").and_then(|i| Uuid::parse_str(i).ok()) else {
        return error_page(&headers, &ApiError::NotFound("Record".into()));
    };
    show(state, headers, caller, p, Some(id)).await
}
