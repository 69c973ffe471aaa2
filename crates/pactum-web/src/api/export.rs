//! The organisation's full export (data portability, Art. 20; the same document
//! `pactum export` writes and `pactum import` reads).

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use pactum_store::export;

use crate::access::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub async fn export(caller: Caller, State(state): State<AppState>) -> ApiResult<Response> {
    // The whole organisation in one file: in a browser, only just after a fresh sign-in
    // proof. API clients are trusted with it through their token's export permission.
    if caller.principal.session_id().is_some() {
        crate::api::account::require_fresh(&state, &caller.principal)?;
    }
    let doc = export::export(&state.store, caller.org_id()).await?;
    let body = doc
        .to_json()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let disposition = format!(
        "attachment; filename=\"pactum-{}.json\"",
        caller.membership.slug
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
