//! The organisation's audit log: filtered listing, and export as CSV or JSON.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use pactum_domain::validation::Violations;
use pactum_store::audit::{self, AuditEvent, Filter};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub user_id: Option<uuid::Uuid>,
    pub action: Option<String>,
    pub entity: Option<String>,
    /// RFC 3339; inclusive.
    pub from: Option<String>,
    /// RFC 3339; exclusive.
    pub to: Option<String>,
    /// 1 to 1000; 100 by default.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

fn when(v: &mut Violations, field: &str, text: Option<&str>) -> Option<time::OffsetDateTime> {
    let t = text?;
    match time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339) {
        Ok(t) => Some(t),
        Err(_) => {
            v.add(
                field,
                "datetime",
                format!("{field} must be an RFC 3339 time such as 2026-11-23T09:30:00Z."),
            );
            None
        }
    }
}

fn csv_field(s: &str) -> String {
    // A leading =, +, - or @ would make a spreadsheet run the cell as a formula.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn to_csv(events: &[AuditEvent]) -> String {
    let mut out = String::from("seq,at,user_id,action,entity,entity_id,ip,user_agent,hash\n");
    for e in events {
        let cells = [
            e.seq.to_string(),
            pactum_domain::timestamp::format(e.at),
            e.user_id.map(|u| u.to_string()).unwrap_or_default(),
            e.action.clone(),
            e.entity.clone(),
            e.entity_id.map(|u| u.to_string()).unwrap_or_default(),
            e.ip.clone().unwrap_or_default(),
            e.user_agent.clone().unwrap_or_default(),
            e.hash.clone(),
        ];
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

pub async fn list(
    caller: Caller,
    State(state): State<AppState>,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = query
        .map_err(|e| ApiError::BadRequest(format!("The query string could not be read: {e}.")))?;
    let mut v = Violations::new();
    let from = when(&mut v, "from", q.from.as_deref());
    let to = when(&mut v, "to", q.to.as_deref());
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        v.add("limit", "range", "limit must be from 1 to 1000.");
    }
    let offset = q.offset.unwrap_or(0);
    if offset < 0 {
        v.add("offset", "range", "offset must be 0 or more.");
    }
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            v.add("format", "one_of", "format must be json or csv.");
            false
        }
    };
    v.into_result().map_err(ApiError::Invalid)?;
    let filter = Filter {
        user_id: q.user_id,
        action: q.action,
        entity: q.entity,
        from,
        to,
        limit,
        offset,
    };
    let events = audit::list(&state.store, caller.org_id(), &filter).await?;
    if !csv {
        return Ok(Json(events).into_response());
    }
    let mut res = to_csv(&events).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"pactum-audit-{}.csv\"",
        caller.membership.slug
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
