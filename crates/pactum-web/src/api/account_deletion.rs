//! Leaving Pactum: one's own data as JSON (Art. 15 and 20), and deleting one's account,
//! which locks it at once and removes it when the recovery window ends. Signing in again
//! before then with `recover` keeps it.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pactum_store::accounts::{self, Consent, Membership, User};
use pactum_store::audit::{self, Event};
use pactum_store::sessions::{self, Session};
use pactum_store::tokens::{self, ApiToken};
use pactum_store::{lifecycle, scope::OrgId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::organisation::Deletion;
use crate::auth::{Client, Principal};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Everything Pactum keeps about one person's account (the organisations' records are
/// the organisations' export).
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountExport {
    /// `pactum-account`.
    pub format: &'static str,
    pub version: u32,
    #[serde(with = "pactum_domain::timestamp::serde_fmt")]
    #[schema(value_type = String)]
    pub exported_at: time::OffsetDateTime,
    pub user: User,
    pub organisations: Vec<Membership>,
    pub consents: Vec<Consent>,
    pub sessions: Vec<Session>,
    /// Personal API tokens (names, prefixes and dates; never the secret).
    pub api_tokens: Vec<ApiToken>,
}

pub async fn export(
    State(state): State<AppState>,
    client: Client,
    who: Principal,
) -> ApiResult<Response> {
    // As with the organisation's export: in a browser only just after a proof of identity.
    if who.session_id().is_some() {
        crate::api::account::require_fresh(&state, &who)?;
    }
    let now = state.clock.now();
    let organisations = accounts::memberships(&state.store, who.user_id).await?;
    let mut api_tokens = Vec::new();
    for m in &organisations {
        api_tokens.extend(tokens::list(&state.store, OrgId(m.org_id), who.user_id).await?);
    }
    let doc = AccountExport {
        format: "pactum-account",
        version: 1,
        exported_at: now,
        user: accounts::get(&state.store, who.user_id).await?,
        consents: accounts::consents(&state.store, who.user_id).await?,
        sessions: sessions::list(&state.store, who.user_id, state.auth().session, now).await?,
        organisations,
        api_tokens,
    };
    audit::record(
        &state.store,
        &client.actor(Some(who.user_id)),
        Event::account("account.exported", Some(who.user_id)),
        now,
    )
    .await?;
    let body = serde_json::to_vec_pretty(&doc).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"pactum-account.json\""),
    );
    Ok(res)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Confirm {
    /// The account's e-mail address, typed again.
    pub confirm: Option<String>,
}

/// Schedules one's own account for deletion. In a browser session with a fresh proof of
/// identity; refused while the account is the only owner of an organisation.
pub(crate) async fn schedule(
    state: &AppState,
    client: &Client,
    who: &Principal,
    confirm: Option<&str>,
) -> ApiResult<lifecycle::Scheduled> {
    let user = accounts::get(&state.store, who.user_id).await?;
    if confirm.map(|c| c.trim().to_ascii_lowercase()) != Some(user.email.to_ascii_lowercase()) {
        return Err(ApiError::Invalid(
            pactum_domain::validation::Violations::single(
                "confirm",
                "matches",
                "confirm must be the account's e-mail address: deleting removes the account once the recovery window ends.",
            ),
        ));
    }
    crate::api::account::require_fresh(state, who)?;
    Ok(lifecycle::schedule_account(
        &state.store,
        &client.actor(Some(who.user_id)),
        who.user_id,
        state.clock.now(),
        state.settings.deletion_window,
    )
    .await?)
}

pub async fn delete(
    State(state): State<AppState>,
    client: Client,
    who: Principal,
    query: Result<Query<Confirm>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = query
        .map_err(|e| ApiError::BadRequest(format!("The query string could not be read: {e}.")))?;
    let s = schedule(&state, &client, &who, q.confirm.as_deref()).await?;
    let mut res = (StatusCode::ACCEPTED, Json(Deletion::from(s))).into_response();
    crate::api::account::clearing_cookies(&mut res);
    Ok(res)
}
