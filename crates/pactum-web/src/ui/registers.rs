//! The breach and data-subject-request registers: their lists, and each record's clock
//! (deadline in the organisation's time zone, and where it stands). Adding, viewing and
//! editing a record goes through `ui/record.rs` like any other collection.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use pactum_domain::access::Permission;
use pactum_domain::clocks::{self, ClockState};
use pactum_domain::organisation::Organisation;
use pactum_domain::registers::breach::Breach;
use pactum_domain::registers::request::DataSubjectRequest;
use pactum_domain::timestamp;
use pactum_store::records::{self, ListQuery};
use pactum_store::registers::{Deadline, Register};
use pactum_store::scope::{OrgId, Scope};
use serde_json::Value;
use time::{Duration, OffsetDateTime};

use crate::access::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::format;
use crate::ui::i18n::T;
use crate::ui::pages::{Chrome, csrf_of, error_page, language_of, render};
use crate::ui::projects::capitalise;

/// A record's deadline as its page shows it.
pub struct ClockView {
    /// What must happen by the deadline, with its article.
    pub duty: String,
    pub due: String,
    pub due_iso: String,
    /// `open`, `due_soon`, `overdue`, `closed_on_time` or `closed_late`.
    pub state: &'static str,
    pub state_label: String,
    /// "in 2 days, 4 hours" or "3 hours ago", while the clock runs.
    pub remaining: Option<String>,
    /// A breach's risk decision.
    pub decision: Option<String>,
}

/// Where a register record's clock stands, from its stored document (`due_at` and
/// `stopped_at` are derived by the store on every write).
pub fn state_of(
    doc: &Value,
    now: OffsetDateTime,
    warning: Duration,
) -> Option<(OffsetDateTime, ClockState)> {
    let moment = |k: &str| doc[k].as_str().and_then(|s| timestamp::parse(s).ok());
    let due = moment("due_at")?;
    Some((due, clocks::state(due, now, moment("stopped_at"), warning)))
}

/// A deadline as people read it: a breach's moment ("26 November 2026, 10am CET"), a
/// request's last day ("30 November 2026, end of day"), in the organisation's zone.
pub fn due_text(t: T, zone: &str, register: Register, due_at: OffsetDateTime) -> String {
    match register {
        Register::Breach => format::date_time_in(t.0, zone, due_at),
        Register::Request => {
            // due_at is the first moment after the last day.
            let day = clocks::period::local_date(due_at - Duration::seconds(1), zone);
            format!(
                "{}, {}",
                format::date(t.0, day.midnight().assume_utc()),
                t.s("clock.end_of_day")
            )
        }
    }
}

/// The time between now and a deadline in words, two units at most: "in 2 days, 4
/// hours", "3 hours ago".
pub fn span(t: T, from: OffsetDateTime, to: OffsetDateTime) -> String {
    let key = if to >= from { "time.in" } else { "time.ago" };
    t.s(key).replace("{span}", &amount(t, to - from))
}

/// A length of time in words, two units at most ("2 days, 4 hours").
pub fn amount(t: T, d: Duration) -> String {
    let d = d.abs();
    let (days, hours, minutes) = (d.whole_days(), d.whole_hours() % 24, d.whole_minutes() % 60);
    let unit =
        |n: i64, one: &str, many: &str| format!("{n} {}", t.s(if n == 1 { one } else { many }));
    if days > 0 {
        let mut s = unit(days, "time.day", "time.days");
        if hours > 0 {
            s = format!("{s}, {}", unit(hours, "time.hour", "time.hours"));
        }
        s
    } else if hours > 0 {
        let mut s = unit(hours, "time.hour", "time.hours");
        if minutes > 0 {
            s = format!("{s}, {}", unit(minutes, "time.minute", "time.minutes"));
        }
        s
    } else {
        unit(minutes.max(1), "time.minute", "time.minutes")
    }
}

/// The clock panel of a breach or request page; `None` for other collections.
pub async fn clock_of(
    state: &AppState,
    caller: &Caller,
    t: T,
    segment: &str,
    doc: &Value,
) -> Result<Option<ClockView>, ApiError> {
    let breach = match segment {
        "breaches" => true,
        "requests" => false,
        _ => return Ok(None),
    };
    let org = pactum_store::organisations::get(&state.store, caller.org_id()).await?;
    let now = state.clock.now();
    let Some((due, clock)) = state_of(doc, now, org.data.warning(breach)) else {
        return Ok(None);
    };
    let duty = if !breach {
        t.s("clock.duty.request").to_owned()
    } else if doc["role"] == "processor" {
        t.s("clock.duty.processor").to_owned()
    } else {
        t.s("clock.duty.authority").to_owned()
    };
    let decision = if breach {
        serde_json::from_value::<Breach>(doc.clone()).ok().map(|b| {
            t.s(&format!(
                "decision.{}",
                serde_json::to_value(b.decision())
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ))
            .to_owned()
        })
    } else {
        None
    };
    Ok(Some(ClockView {
        duty,
        due: due_text(
            t,
            &caller.membership.timezone,
            if breach {
                Register::Breach
            } else {
                Register::Request
            },
            due,
        ),
        due_iso: timestamp::format(due),
        state: clock.key(),
        state_label: t.s(&format!("clock.{}", clock.key())).to_owned(),
        remaining: (!clock.is_closed()).then(|| span(t, now, due)),
        decision,
    }))
}

const PAGE: u32 = 25;

pub struct RegisterRow {
    pub id: String,
    pub name: String,
    pub reference: String,
    pub started: String,
    pub started_iso: String,
    pub due: String,
    pub due_iso: String,
    pub state: &'static str,
    pub state_label: String,
}

#[derive(Template)]
#[template(path = "register_list.html")]
struct RegisterPage {
    chrome: Chrome,
    base: String,
    intro: String,
    singular: String,
    started_label: String,
    q: String,
    showing: String,
    rows: Vec<RegisterRow>,
    descending: bool,
    sort_link: String,
    previous: Option<String>,
    next: Option<String>,
    can_write: bool,
    banner: Option<String>,
}

/// A register row's name: a breach's title, or a request's kind.
fn name_of(t: T, breach: bool, doc: &Value) -> String {
    if breach {
        doc["title"].as_str().unwrap_or_default().to_owned()
    } else {
        let kind = doc["kind"].as_str().unwrap_or_default();
        t.s(&format!("choice.{kind}")).to_owned()
    }
}

#[allow(clippy::too_many_arguments, reason = "one page, many parts")]
async fn rows<E: pactum_store::schema::Stored>(
    state: &AppState,
    org: OrgId,
    query: &ListQuery,
    t: T,
    zone: &str,
    warning: Duration,
    breach: bool,
    now: OffsetDateTime,
) -> Result<(Vec<RegisterRow>, i64), ApiError> {
    let page = records::list::<E>(&state.store, Scope::Org(org), query).await?;
    let started_key = E::TABLE.order;
    let rows = page
        .items
        .into_iter()
        .map(|r| {
            let doc = serde_json::to_value(&r.data).unwrap_or_default();
            let started = doc[started_key]
                .as_str()
                .and_then(|s| timestamp::parse(s).ok());
            let clock = state_of(&doc, now, warning);
            RegisterRow {
                id: r.id.to_string(),
                name: name_of(t, breach, &doc),
                reference: doc["reference"].as_str().unwrap_or_default().to_owned(),
                started: started
                    .map(|s| format::date_time_in(t.0, zone, s))
                    .unwrap_or_default(),
                started_iso: started.map(timestamp::format).unwrap_or_default(),
                due: clock
                    .map(|(d, _)| {
                        let register = if breach {
                            Register::Breach
                        } else {
                            Register::Request
                        };
                        due_text(t, zone, register, d)
                    })
                    .unwrap_or_default(),
                due_iso: clock.map(|(d, _)| timestamp::format(d)).unwrap_or_default(),
                state: clock.map(|(_, c)| c.key()).unwrap_or("open"),
                state_label: clock
                    .map(|(_, c)| t.s(&format!("clock.{}", c.key())).to_owned())
                    .unwrap_or_default(),
            }
        })
        .collect();
    Ok((rows, page.total))
}

type Q = Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>;

/// `/orgs/{org}/breaches` and `/orgs/{org}/requests`: newest first, searchable, paged.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
    q: Q,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let search = q.get("q").cloned().unwrap_or_default();
    let descending = q.get("sort").is_none_or(|s| s != "oldest");
    let page_no: u64 = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| (1..=1_000_000).contains(p))
        .unwrap_or(1);
    let collection = p.get("collection").cloned().unwrap_or_default();
    // Customers and audit requests are listed on the processor page.
    if let Some(anchor) = match collection.as_str() {
        "customers" => Some("customers"),
        "audit-requests" => Some("audits"),
        _ => None,
    } {
        return axum::response::Redirect::to(&format!(
            "/orgs/{}/processor#{anchor}",
            caller.membership.slug
        ))
        .into_response();
    }
    let breach = collection == "breaches";
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let zone = caller.membership.timezone.clone();
    let result = async {
        let org: Organisation = pactum_store::organisations::get(&state.store, caller.org_id())
            .await?
            .data;
        let order = if breach { "aware_at" } else { "received_at" };
        let query = ListQuery {
            q: (!search.trim().is_empty()).then(|| search.clone()),
            sort: Some(if descending {
                format!("-{order}")
            } else {
                order.to_owned()
            }),
            limit: PAGE,
            offset: (page_no - 1) * u64::from(PAGE),
            filters: Vec::new(),
        };
        let now = state.clock.now();
        let warning = org.warning(breach);
        match collection.as_str() {
            "breaches" => {
                rows::<Breach>(
                    &state,
                    caller.org_id(),
                    &query,
                    t,
                    &zone,
                    warning,
                    true,
                    now,
                )
                .await
            }
            "requests" => {
                rows::<DataSubjectRequest>(
                    &state,
                    caller.org_id(),
                    &query,
                    t,
                    &zone,
                    warning,
                    false,
                    now,
                )
                .await
            }
            _ => Err(ApiError::NotFound("Page".into())),
        }
    }
    .await;
    let (rows, total) = match result {
        Ok(r) => r,
        Err(e) => return error_page(&headers, &e),
    };
    let slug = caller.membership.slug.clone();
    let base = format!("/orgs/{slug}/{collection}");
    let link = |page: u64, desc: bool| {
        let mut params = vec![("page", page.to_string())];
        if !search.is_empty() {
            params.push(("q", search.clone()));
        }
        if !desc {
            params.push(("sort", "oldest".to_owned()));
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
    let section = if breach { "breaches" } else { "requests" };
    let chrome =
        Chrome::new(t, &format!("nav.{section}"), true, csrf_of(&headers)).in_org(&caller, section);
    let page = RegisterPage {
        chrome,
        intro: t.s(&format!("register.{section}.intro")).to_owned(),
        singular: t.s(&format!("one.{section}")).to_owned(),
        started_label: t
            .s(if breach {
                "field.aware_at"
            } else {
                "field.received_at"
            })
            .to_owned(),
        q: search.clone(),
        showing,
        rows,
        descending,
        sort_link: link(1, !descending),
        previous: (page_no > 1).then(|| link(page_no - 1, descending)),
        next: (last < total as u64).then(|| link(page_no + 1, descending)),
        can_write: caller.require(Permission::Write).is_ok(),
        banner: (q.get("m").map(String::as_str) == Some("deleted"))
            .then(|| t.s("records.deleted").to_owned()),
        base,
    };
    render(StatusCode::OK, &page)
}

/// A deadline's name in a list (overview, notifications, calendar): a breach's title, or
/// "Request: Access (Art. 15)" with the reference when there is one.
pub fn deadline_name(t: T, register: Register, label: &str, reference: Option<&str>) -> String {
    let name = match register {
        Register::Breach => format!("{}: {label}", capitalise(t.s("one.breaches"))),
        // A request form sent back with a kind outside the list still has a name.
        Register::Request => match t.get(&format!("choice.{label}")) {
            Some(kind) => format!("{}: {kind}", capitalise(t.s("one.requests"))),
            None => capitalise(t.s("one.requests")),
        },
    };
    match reference {
        Some(r) => format!("{name} ({r})"),
        None => name,
    }
}

/// A running deadline on the overview.
pub struct DeadlineView {
    pub href: String,
    pub name: String,
    pub due: String,
    pub due_iso: String,
    pub state: &'static str,
    pub state_label: String,
    pub remaining: String,
}

pub fn deadlines(
    t: T,
    slug: &str,
    zone: &str,
    org: &Organisation,
    now: OffsetDateTime,
    list: Vec<Deadline>,
) -> Vec<DeadlineView> {
    list.into_iter()
        .map(|d| {
            let breach = d.register == Register::Breach;
            let clock = clocks::state(d.due_at, now, None, org.warning(breach));
            DeadlineView {
                href: format!("/orgs/{slug}/{}/{}", d.register.collection(), d.id),
                name: deadline_name(t, d.register, &d.label, d.reference.as_deref()),
                due: due_text(t, zone, d.register, d.due_at),
                due_iso: timestamp::format(d.due_at),
                state: clock.key(),
                state_label: t.s(&format!("clock.{}", clock.key())).to_owned(),
                remaining: span(t, now, d.due_at),
            }
        })
        .collect()
}
