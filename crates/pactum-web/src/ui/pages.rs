//! The pages: server-rendered HTML that works without JavaScript. Forms post back to the
//! same path; errors re-render the form with what was typed and an error summary.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use pactum_crypto::secret;
use pactum_domain::access::role_name;
use pactum_store::accounts;
use pactum_store::sessions;
use serde::Deserialize;

use crate::access::Caller;
use crate::api::account::{open_session, session_cookies, verify_login};
use crate::auth::{CSRF_COOKIE, Client, Principal, cookie};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::assets;
use crate::ui::i18n::{T, negotiate};

/// The sources of the templates, for the catalogue test.
pub const TEMPLATE_SOURCES: [(&str, &str); 41] = [
    ("trust.html", include_str!("../../templates/trust.html")),
    (
        "trust_message.html",
        include_str!("../../templates/trust_message.html"),
    ),
    (
        "trust_objection.html",
        include_str!("../../templates/trust_objection.html"),
    ),
    (
        "processor.html",
        include_str!("../../templates/processor.html"),
    ),
    (
        "processor_notice.html",
        include_str!("../../templates/processor_notice.html"),
    ),
    (
        "processor_notice_new.html",
        include_str!("../../templates/processor_notice_new.html"),
    ),
    (
        "breach_notices.html",
        include_str!("../../templates/breach_notices.html"),
    ),
    (
        "org_deletion.html",
        include_str!("../../templates/org_deletion.html"),
    ),
    (
        "account_deletion.html",
        include_str!("../../templates/account_deletion.html"),
    ),
    (
        "ai_reports.html",
        include_str!("../../templates/ai_reports.html"),
    ),
    (
        "ai_report.html",
        include_str!("../../templates/ai_report.html"),
    ),
    ("files.html", include_str!("../../templates/files.html")),
    ("flow.html", include_str!("../../templates/flow.html")),
    (
        "attention.html",
        include_str!("../../templates/attention.html"),
    ),
    ("record.html", include_str!("../../templates/record.html")),
    ("tokens.html", include_str!("../../templates/tokens.html")),
    ("forgot.html", include_str!("../../templates/forgot.html")),
    ("confirm.html", include_str!("../../templates/confirm.html")),
    (
        "settings.html",
        include_str!("../../templates/settings.html"),
    ),
    ("audit.html", include_str!("../../templates/audit.html")),
    (
        "projects.html",
        include_str!("../../templates/projects.html"),
    ),
    (
        "project_form.html",
        include_str!("../../templates/project_form.html"),
    ),
    ("project.html", include_str!("../../templates/project.html")),
    ("records.html", include_str!("../../templates/records.html")),
    ("account.html", include_str!("../../templates/account.html")),
    (
        "two_factor.html",
        include_str!("../../templates/two_factor.html"),
    ),
    ("reauth.html", include_str!("../../templates/reauth.html")),
    ("link.html", include_str!("../../templates/link.html")),
    (
        "register.html",
        include_str!("../../templates/register.html"),
    ),
    ("field.html", include_str!("../../templates/field.html")),
    ("base.html", include_str!("../../templates/base.html")),
    ("errors.html", include_str!("../../templates/errors.html")),
    ("login.html", include_str!("../../templates/login.html")),
    ("home.html", include_str!("../../templates/home.html")),
    (
        "dashboard.html",
        include_str!("../../templates/dashboard.html"),
    ),
    ("message.html", include_str!("../../templates/message.html")),
    (
        "compliance.html",
        include_str!("../../templates/compliance.html"),
    ),
    ("score.html", include_str!("../../templates/score.html")),
    (
        "documents.html",
        include_str!("../../templates/documents.html"),
    ),
    ("import.html", include_str!("../../templates/import.html")),
    ("heatmap.html", include_str!("../../templates/heatmap.html")),
];

/// What every page's frame needs.
pub struct Chrome {
    pub t: T,
    pub title: String,
    pub styles: Vec<String>,
    pub script: String,
    pub signed_in: bool,
    /// The CSRF token the page's forms send back.
    pub csrf: String,
    pub has_errors: bool,
    /// The organisation's own navigation, on every page inside it.
    pub org: Option<OrgNav>,
}

/// The sections of an organisation, shown as a second navigation bar.
pub struct OrgNav {
    pub slug: String,
    pub name: String,
    /// The section the page belongs to (marked `aria-current`).
    pub current: &'static str,
    /// `(section, catalogue key, path below /orgs/{slug})`, only those the caller may open.
    pub sections: Vec<(&'static str, &'static str, &'static str)>,
}

impl Chrome {
    /// Marks the page as part of the caller's organisation, in `section` (`overview`,
    /// `projects`, `settings`, `tokens`, `audit`).
    pub(crate) fn in_org(mut self, caller: &crate::access::Caller, section: &'static str) -> Self {
        let mut sections = vec![
            ("overview", "nav.overview", ""),
            ("projects", "nav.projects", "/projects"),
            ("breaches", "nav.breaches", "/breaches"),
            ("requests", "nav.requests", "/requests"),
            ("compliance", "nav.compliance", "/compliance"),
            ("documents", "nav.documents", "/documents"),
            ("processor", "nav.processor", "/processor"),
            ("settings", "nav.settings", "/settings"),
            ("tokens", "nav.tokens", "/tokens"),
        ];
        if caller
            .require(pactum_domain::access::Permission::Audit)
            .is_ok()
        {
            sections.push(("audit", "audit.title", "/audit"));
        }
        self.org = Some(OrgNav {
            slug: caller.membership.slug.clone(),
            name: caller.membership.legal_name.clone(),
            current: section,
            sections,
        });
        self
    }

    pub(crate) fn new(t: T, title_key: &str, signed_in: bool, csrf: String) -> Self {
        Self {
            t,
            title: t.s(title_key).to_owned(),
            styles: assets::stylesheets(),
            script: assets::url("app.js"),
            signed_in,
            csrf,
            has_errors: false,
            org: None,
        }
    }
}

pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

pub(crate) fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => ApiError::Internal(format!("rendering a page: {e}")).into_response(),
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    chrome: Chrome,
    body: String,
}

/// An error as a page, in the request's language (for routes outside `/api`).
pub fn error_page(headers: &HeaderMap, error: &ApiError) -> Response {
    error_page_in(headers, None, error)
}

/// An error page in the signed-in user's language when known, else the browser's.
pub fn error_page_in(
    headers: &HeaderMap,
    language: Option<pactum_domain::organisation::Language>,
    error: &ApiError,
) -> Response {
    let t = T(negotiate(headers, language));
    let status = error.status();
    let key = match error {
        ApiError::Forbidden(_) | ApiError::ReauthRequired => "forbidden",
        ApiError::TwoFactorRequired => "two_factor",
        ApiError::NotFound(_) | ApiError::MethodNotAllowed => "not_found",
        ApiError::TooManyRequests(_) => "too_many",
        // A request the user can correct (an address edited by hand, a search too long): the
        // rules it broke, as the API names them, never a server error.
        _ if status.is_client_error() => "bad_request",
        _ => "error",
    };
    if let ApiError::Internal(msg) = error {
        tracing::error!(error = %msg, "internal error");
    }
    let mut body = t.s(&format!("page.{key}.body")).to_owned();
    if key == "bad_request" {
        for message in error.messages() {
            body.push(' ');
            body.push_str(&message);
        }
    }
    let page = MessagePage {
        chrome: Chrome::new(t, &format!("page.{key}.title"), false, String::new()),
        body,
    };
    let mut res = render(status, &page);
    if let ApiError::TooManyRequests(secs) = error {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(*secs));
    }
    res
}

/// Where an unauthenticated browser is sent: the sign-in page, coming back here after.
pub fn to_login(path: &str, expired: bool) -> Response {
    let mut url = format!("/login?next={}", encode(path));
    if expired {
        url.push_str("&m=expired");
    }
    Redirect::to(&url).into_response()
}

fn encode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .map(|e| e.trim_start_matches("x=").to_owned())
        .unwrap_or_default()
}

/// Only paths on this site: never `//host` or a full URL (an open redirect).
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

/// The language of a page: the signed-in user's preference, else the browser's.
pub(crate) async fn language_of(
    state: &AppState,
    headers: &HeaderMap,
    user: Option<uuid::Uuid>,
) -> T {
    let preferred = match user {
        Some(id) => accounts::get(&state.store, id)
            .await
            .ok()
            .map(|u| u.language),
        None => None,
    };
    T(negotiate(headers, preferred))
}

/// The CSRF token the page's forms carry: the value of the CSRF cookie.
pub(crate) fn csrf_of(headers: &HeaderMap) -> String {
    cookie(headers, CSRF_COOKIE).unwrap_or_default().to_owned()
}

/// For forms posted without a session (sign-in, registration, e-mailed links): the cookie's
/// token when the form sent the same one back, else `None`.
pub(crate) fn pre_session_csrf(
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Option<String> {
    let csrf = csrf_of(headers);
    let sent = form.get("csrf").map(String::as_str).unwrap_or("");
    (!csrf.is_empty() && secret::constant_time_eq(csrf.as_bytes(), sent.as_bytes())).then_some(csrf)
}

/// A page that asks before a destructive action.
#[derive(Template)]
#[template(path = "confirm.html")]
pub(crate) struct ConfirmPage {
    pub chrome: Chrome,
    pub body: String,
    pub action: String,
    pub submit: String,
    pub back: String,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    login: String,
    next: String,
    banner: Option<String>,
    /// The account is scheduled for deletion: the form offers to recover it.
    offer_recover: bool,
}

impl LoginPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    m: Option<String>,
}

/// A pre-session CSRF token: set as the cookie the login form must echo, so another site
/// cannot sign a browser in to an account of its choosing.
pub(crate) fn login_csrf(headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    if let Some(existing) = cookie(headers, CSRF_COOKIE).filter(|c| c.len() >= 32) {
        return (existing.to_owned(), None);
    }
    let fresh = secret::random_token("");
    let header = HeaderValue::from_str(&format!(
        "{CSRF_COOKIE}={fresh}; Path=/; Secure; SameSite=Strict"
    ))
    .ok();
    (fresh, header)
}

pub async fn login_form(
    headers: HeaderMap,
    query: Result<Query<LoginQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let t = T(negotiate(&headers, None));
    let (csrf, set) = login_csrf(&headers);
    let banner = match q.m.as_deref() {
        Some("signed_out") => Some(t.s("login.signed_out").to_owned()),
        Some("expired") => Some(t.s("login.expired").to_owned()),
        _ => None,
    };
    let page = LoginPage {
        chrome: Chrome::new(t, "login.title", false, csrf),
        errors: Vec::new(),
        login: String::new(),
        next: safe_next(q.next.as_deref().unwrap_or("/")).to_owned(),
        banner,
        offer_recover: false,
    };
    let mut res = render(StatusCode::OK, &page);
    if let Some(h) = set {
        res.headers_mut().append(header::SET_COOKIE, h);
    }
    res
}

pub async fn login_submit(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let t = T(negotiate(&headers, None));
    let field = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let Some(csrf) = pre_session_csrf(&headers, &form) else {
        return error_page(&headers, &ApiError::Forbidden(String::new()));
    };
    let login = field("login");
    let password = form.get("password").cloned().unwrap_or_default();
    let code = field("code");
    let next = safe_next(&field("next")).to_owned();
    let mut errors = Vec::new();
    if login.is_empty() {
        errors.push(FieldError {
            field: "login",
            message: t.s("login.login_required").to_owned(),
        });
    }
    if password.is_empty() {
        errors.push(FieldError {
            field: "password",
            message: t.s("login.password_required").to_owned(),
        });
    }
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut offer_recover = false;
    if errors.is_empty() {
        let code = (!code.is_empty()).then_some(code.as_str());
        let recover = form.get("recover").is_some_and(|v| v == "yes");
        match verify_login(&state, &client, &login, &password, code, recover).await {
            Ok(creds) => {
                return match open_session(&state, &client, creds.user.id).await {
                    Ok((session, csrf)) => {
                        let mut res = Redirect::to(&next).into_response();
                        for c in session_cookies(&session, &csrf) {
                            res.headers_mut().append(header::SET_COOKIE, c);
                        }
                        res
                    }
                    Err(e) => error_page(&headers, &e),
                };
            }
            Err(ApiError::BadCredentials) => {
                status = StatusCode::UNAUTHORIZED;
                errors.push(FieldError {
                    field: "login",
                    message: t.s("login.bad_credentials").to_owned(),
                });
            }
            Err(ApiError::TwoFactorNeeded(_)) => {
                status = StatusCode::UNAUTHORIZED;
                let key = if code.is_some() {
                    "login.code_wrong"
                } else {
                    "login.code_needed"
                };
                errors.push(FieldError {
                    field: "code",
                    message: t.s(key).to_owned(),
                });
            }
            Err(ApiError::AccountScheduled { purge_at }) => {
                status = StatusCode::LOCKED;
                offer_recover = true;
                let when = pactum_domain::timestamp::parse(&purge_at)
                    .map(|at| pactum_domain::format::date_time(t.0, at))
                    .unwrap_or(purge_at);
                errors.push(FieldError {
                    field: "login",
                    message: t.s("login.scheduled").replace("{date}", &when),
                });
            }
            Err(ApiError::TooManyRequests(secs)) => {
                status = StatusCode::TOO_MANY_REQUESTS;
                errors.push(FieldError {
                    field: "login",
                    message: t.s("login.locked").to_owned(),
                });
                let _ = secs;
            }
            Err(e) => return error_page(&headers, &e),
        }
    }
    let mut chrome = Chrome::new(t, "login.title", false, csrf);
    chrome.has_errors = true;
    // The password is never sent back; the login name is.
    let page = LoginPage {
        chrome,
        errors,
        login,
        next,
        banner: None,
        offer_recover,
    };
    render(status, &page)
}

pub async fn logout(State(state): State<AppState>, client: Client, who: Principal) -> Response {
    if let Some(id) = who.session_id() {
        let _ = sessions::revoke(
            &state.store,
            &client.actor(Some(who.user_id)),
            who.user_id,
            id,
            state.clock.now(),
        )
        .await;
    }
    let mut res = Redirect::to("/login?m=signed_out").into_response();
    crate::api::account::clearing_cookies(&mut res);
    res
}

pub struct OrgRow {
    pub slug: String,
    pub legal_name: String,
    pub role_key: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    orgs: Vec<OrgRow>,
}

/// The start page: straight to the organisation when there is one, else the list.
pub async fn home(State(state): State<AppState>, headers: HeaderMap, who: Principal) -> Response {
    let orgs = match accounts::memberships(&state.store, who.user_id).await {
        Ok(o) => o,
        Err(e) => return error_page(&headers, &e.into()),
    };
    if let [only] = orgs.as_slice() {
        return Redirect::to(&format!("/orgs/{}", only.slug)).into_response();
    }
    let t = language_of(&state, &headers, Some(who.user_id)).await;
    let page = HomePage {
        chrome: Chrome::new(t, "home.title", true, csrf_of(&headers)),
        orgs: orgs
            .into_iter()
            .map(|m| OrgRow {
                role_key: format!("role.{}", role_name(m.role)),
                slug: m.slug,
                legal_name: m.legal_name,
            })
            .collect(),
    };
    render(StatusCode::OK, &page)
}

pub struct Count {
    pub count: i64,
    pub label_key: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    legal_name: String,
    require_two_factor: bool,
    counts: Vec<Count>,
    attention: Vec<crate::ui::attention::RuleView>,
    recent: Vec<crate::ui::attention::ChangeView>,
    deadlines: Vec<crate::ui::registers::DeadlineView>,
    /// The latest recorded compliance score and the trend before it.
    latest_score: Option<u8>,
    trend: Option<crate::ui::compliance::Trend>,
    slug: String,
}

/// An organisation's overview.
pub async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
) -> Response {
    let more = async {
        let summary = pactum_store::summaries::organisation(
            &state.store,
            caller.org_id(),
            crate::ui::attention::SAMPLE,
            RECENT,
        )
        .await?;
        let deadlines =
            pactum_store::registers::open(&state.store, caller.org_id(), DEADLINES).await?;
        let org = pactum_store::organisations::get(&state.store, caller.org_id()).await?;
        let scores = pactum_store::compliance::trend(
            &state.store,
            caller.org_id(),
            crate::ui::compliance::TREND_DAYS,
        )
        .await?;
        Ok::<_, ApiError>((summary, deadlines, org.data, scores))
    }
    .await;
    let (summary, deadlines, org, scores) = match more {
        Ok(m) => m,
        Err(e) => return error_page(&headers, &e),
    };
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let slug = caller.membership.slug.clone();
    let page = DashboardPage {
        chrome: Chrome::new(t, "dashboard.title", true, csrf_of(&headers))
            .in_org(&caller, "overview"),
        legal_name: caller.membership.legal_name.clone(),
        require_two_factor: caller.membership.require_two_factor,
        counts: summary
            .counts
            .iter()
            .map(|(collection, count)| Count {
                count: *count,
                label_key: format!("collection.{collection}"),
            })
            .collect(),
        attention: crate::ui::attention::rules(t, &slug, &summary.attention),
        recent: crate::ui::attention::changes(
            t,
            &slug,
            &caller.membership.timezone,
            &summary.recent,
        ),
        deadlines: crate::ui::registers::deadlines(
            t,
            &slug,
            &caller.membership.timezone,
            &org,
            state.clock.now(),
            deadlines,
        ),
        latest_score: scores.last().map(|s| s.score),
        trend: crate::ui::compliance::trend(t, &scores),
        slug,
    };
    render(StatusCode::OK, &page)
}

/// How many running deadlines the overview lists, soonest first.
const DEADLINES: u32 = 10;

/// How many of the latest changes the overview lists.
const RECENT: u32 = 8;
