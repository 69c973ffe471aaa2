//! One's calendar feed: a secret address (shown once, only its digest kept) that serves
//! every running deadline of one's organisations as iCalendar, for Outlook, Google or Apple
//! Calendar to subscribe to. Making a new address revokes the old one.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use pactum_store::feeds;
use pactum_store::registers::Register;
use time::Duration;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::ical;
use crate::state::AppState;
use crate::ui::i18n::T;
use crate::ui::pages::{Chrome, csrf_of, error_page, language_of, render};

const PREFIX: &str = "cal_";

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    banner: Option<String>,
    /// When the current address was made, if there is one.
    created: Option<String>,
    /// The new address, shown once.
    new_url: Option<String>,
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &Principal,
    banner: Option<&str>,
    new_url: Option<String>,
) -> Result<Response, ApiError> {
    let t = language_of(state, headers, Some(who.user_id)).await;
    let created = feeds::created(&state.store, who.user_id)
        .await?
        .map(|c| crate::ui::format::date_time(t.0, c));
    Ok(render(
        StatusCode::OK,
        &CalendarPage {
            chrome: Chrome::new(t, "calendar.title", true, csrf_of(headers)),
            banner: banner.map(|k| t.s(k).to_owned()),
            created,
            new_url,
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: Principal,
    q: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let banner = q
        .ok()
        .and_then(|Query(q)| q.get("m").cloned())
        .filter(|m| m == "revoked")
        .map(|_| "calendar.revoked");
    page(&state, &headers, &who, banner, None)
        .await
        .unwrap_or_else(|e| error_page(&headers, &e))
}

/// Makes a new address (replacing any old one) and shows it once.
pub async fn create(State(state): State<AppState>, headers: HeaderMap, who: Principal) -> Response {
    let token = pactum_crypto::secret::random_token(PREFIX);
    let digest = pactum_crypto::secret::digest(&token);
    let result = async {
        feeds::replace(&state.store, who.user_id, &digest, state.clock.now()).await?;
        let url = format!(
            "{}/calendar/{token}.ics",
            state.settings.public_url.trim_end_matches('/')
        );
        page(&state, &headers, &who, Some("calendar.created"), Some(url)).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

pub async fn revoke(State(state): State<AppState>, headers: HeaderMap, who: Principal) -> Response {
    match feeds::revoke(&state.store, who.user_id).await {
        Ok(_) => Redirect::to("/account/calendar?m=revoked").into_response(),
        Err(e) => error_page(&headers, &e.into()),
    }
}

/// `GET /calendar/{token}.ics`: the feed. An unknown or revoked address is a plain 404,
/// the same whether it never existed or was revoked.
pub async fn feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "no such calendar\n").into_response();
    let Some(token) = file
        .strip_suffix(".ics")
        .filter(|t| t.starts_with(PREFIX) && t.len() < 100)
    else {
        return not_found();
    };
    let digest = pactum_crypto::secret::digest(token);
    let user = match feeds::owner(&state.store, &digest).await {
        Ok(Some(u)) => u,
        Ok(None) => return not_found(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let items = match feeds::items(&state.store, user).await {
        Ok(i) => i,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let t = language_of(&state, &headers, Some(user)).await;
    let base = state.settings.public_url.trim_end_matches('/').to_owned();
    let events: Vec<ical::Event> = items
        .iter()
        .map(|i| {
            let d = &i.deadline;
            ical::Event {
                uid: format!("{}-{}@pactum", d.register.collection(), d.id),
                // A short block ending at the deadline, so it shows at the right time.
                start: d.due_at - Duration::hours(1),
                end: d.due_at,
                summary: crate::ui::registers::deadline_name(
                    t,
                    d.register,
                    &d.label,
                    d.reference.as_deref(),
                ),
                description: format!("{}. {}", duty(t, d.register), i.org_name),
                url: format!(
                    "{base}/orgs/{}/{}/{}",
                    i.org_slug,
                    d.register.collection(),
                    d.id
                ),
                modified: i.updated_at,
            }
        })
        .collect();
    let body = ical::calendar(t.s("calendar.name"), state.clock.now(), &events);
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline; filename=\"pactum.ics\""),
    );
    response
}

fn duty(t: T, register: Register) -> String {
    match register {
        Register::Breach => t.s("calendar.breach_duty").to_owned(),
        Register::Request => t.s("clock.duty.request").to_owned(),
    }
}
