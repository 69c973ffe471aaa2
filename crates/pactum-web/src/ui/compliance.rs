//! The compliance assessment page: the score with its reasons and trend, and every finding
//! with its article, severity and a link to the field to fix. Each view records the day's
//! score, so the trend follows the people who use it (the scheduler adds a daily one).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use pactum_domain::compliance::{Assessment, Finding};
use pactum_store::compliance::{self, DayScore};

use crate::access::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::i18n::T;
use crate::ui::pages::{Chrome, csrf_of, error_page, language_of, render};

/// How many days the trend shows.
pub const TREND_DAYS: u32 = 30;

pub struct ReasonView {
    pub severity: &'static str,
    pub severity_label: String,
    pub message: String,
    pub article: &'static str,
    pub checked: u32,
    pub failed: u32,
    pub points: String,
}

pub struct FindingView {
    pub severity: &'static str,
    pub severity_label: String,
    pub message: String,
    pub article: &'static str,
    pub href: String,
    pub name: String,
    pub field: String,
}

/// The score over the last days as an SVG polyline (drawn by the server, so the page needs
/// no script): x per recorded day, y from 0 to 100.
pub struct Trend {
    pub points: String,
    pub first: String,
    pub last: String,
    pub days: usize,
    pub summary: String,
}

pub fn trend(t: T, scores: &[DayScore]) -> Option<Trend> {
    let (first, last) = (scores.first()?, scores.last()?);
    let step = if scores.len() > 1 {
        200.0 / (scores.len() - 1) as f64
    } else {
        0.0
    };
    let points = scores
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{:.1},{}", i as f64 * step, 100 - i64::from(s.score)))
        .collect::<Vec<_>>()
        .join(" ");
    let date = |d: time::Date| {
        crate::ui::format::date(t.0, d.with_time(time::Time::MIDNIGHT).assume_utc())
    };
    Some(Trend {
        points,
        first: date(first.day),
        last: date(last.day),
        days: scores.len(),
        summary: t
            .s("compliance.trend_summary")
            .replace("{from}", &first.score.to_string())
            .replace("{to}", &last.score.to_string()),
    })
}

/// Where a finding is fixed: the record's page, at the field.
pub fn href(slug: &str, f: &Finding) -> String {
    let segment = f.subject.collection.replace('_', "-");
    let field = f.field.split(['[', '.']).next().unwrap_or("");
    match f.subject.project_id {
        Some(p) => format!(
            "/orgs/{slug}/projects/{p}/{segment}/{}#{field}",
            f.subject.id
        ),
        None => format!("/orgs/{slug}/{segment}/{}#{field}", f.subject.id),
    }
}

fn severity(t: T, s: pactum_domain::gaps::Severity) -> (&'static str, String) {
    (
        s.as_str(),
        t.s(&format!("severity.{}", s.as_str())).to_owned(),
    )
}

#[derive(Template)]
#[template(path = "compliance.html")]
struct CompliancePage {
    chrome: Chrome,
    score: u8,
    reasons: Vec<ReasonView>,
    findings: Vec<FindingView>,
    trend: Option<Trend>,
}

pub fn views(t: T, slug: &str, a: &Assessment) -> (Vec<ReasonView>, Vec<FindingView>) {
    let reasons = a
        .reasons
        .iter()
        .map(|r| {
            let (sev, label) = severity(t, r.check.severity());
            ReasonView {
                severity: sev,
                severity_label: label,
                message: t.s(&format!("check.{}", r.check.key())).to_owned(),
                article: r.check.article(),
                checked: r.checked,
                failed: r.failed,
                points: format!("{:.1}", r.points_lost),
            }
        })
        .collect();
    let findings = a
        .findings
        .iter()
        .map(|f| {
            let (sev, label) = severity(t, f.check.severity());
            FindingView {
                severity: sev,
                severity_label: label,
                message: t.s(&format!("check.{}", f.check.key())).to_owned(),
                article: f.check.article(),
                href: href(slug, f),
                name: if f.subject.name.is_empty() {
                    t.s(&format!("one.{}", f.subject.collection)).to_owned()
                } else {
                    f.subject.name.clone()
                },
                field: f.field.clone(),
            }
        })
        .collect();
    (reasons, findings)
}

pub async fn show(State(state): State<AppState>, headers: HeaderMap, caller: Caller) -> Response {
    let result = async {
        let now = state.clock.now();
        let today = pactum_domain::clocks::period::local_date(now, &caller.membership.timezone);
        let assessment = compliance::assess(&state.store, caller.org_id(), today, now).await?;
        compliance::record(&state.store, caller.org_id(), today, &assessment, now).await?;
        let scores = compliance::trend(&state.store, caller.org_id(), TREND_DAYS).await?;
        Ok::<_, ApiError>((assessment, scores))
    }
    .await;
    let (assessment, scores) = match result {
        Ok(r) => r,
        Err(e) => return error_page(&headers, &e),
    };
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let (reasons, findings) = views(t, &caller.membership.slug, &assessment);
    render(
        StatusCode::OK,
        &CompliancePage {
            chrome: Chrome::new(t, "compliance.title", true, csrf_of(&headers))
                .in_org(&caller, "compliance"),
            score: assessment.score,
            reasons,
            findings,
            trend: trend(t, &scores),
        },
    )
}
