//! Personal API tokens: random secrets shown once and stored only as their SHA-256 digest,
//! each belonging to one person and bound to one organisation with a scope. A token acts as
//! its owner: it can never do more than the owner's current role allows.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use pactum_domain::access::{NewToken, TokenScope};
use pactum_domain::timestamp::{self, serde_fmt, serde_fmt_option};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::database::Store;
use crate::error::{Result, StoreError};
use crate::scope::OrgId;
use crate::sql::{Sql, Value};

/// Every token starts with this, so secret scanners and the log scrubber can spot one.
pub const PREFIX: &str = "pct_";

/// How often `last_used_at` is refreshed: often enough to see stale tokens, rarely enough
/// that reads do not turn into writes.
const TOUCH_EVERY: Duration = Duration::minutes(5);

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ApiToken {
    pub id: Uuid,
    #[serde(skip)]
    pub org_id: Uuid,
    /// The person the token acts for.
    #[serde(skip)]
    pub user_id: Option<Uuid>,
    pub name: String,
    /// The first characters of the secret, to recognise it in a list.
    pub prefix: String,
    pub scope: TokenScope,
    #[serde(with = "serde_fmt")]
    #[schema(value_type = String)]
    pub created_at: OffsetDateTime,
    #[serde(with = "serde_fmt_option")]
    #[schema(value_type = Option<String>)]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "serde_fmt_option")]
    #[schema(value_type = Option<String>)]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(with = "serde_fmt_option")]
    #[schema(value_type = Option<String>)]
    pub revoked_at: Option<OffsetDateTime>,
}

/// A freshly issued token with its secret, which is never stored or shown again.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedToken {
    #[serde(flatten)]
    pub token: ApiToken,
    pub secret: String,
}

fn digest(secret: &str) -> String {
    let hash = Sha256::digest(secret.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

type Row = (
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);
const SELECT: &str = "SELECT id, org_id, user_id, name, prefix, scopes, created_at, last_used_at, expires_at, revoked_at FROM api_tokens WHERE ";

fn from_row(r: Row) -> Result<ApiToken> {
    let bad = |e: String| StoreError::Corrupt(format!("api_tokens: {e}"));
    let ts = |t: &str| timestamp::parse(t).map_err(|e| bad(e.to_string()));
    let opt_ts = |t: Option<String>| t.map(|t| ts(&t)).transpose();
    Ok(ApiToken {
        id: Uuid::parse_str(&r.0).map_err(|e| bad(e.to_string()))?,
        org_id: Uuid::parse_str(&r.1).map_err(|e| bad(e.to_string()))?,
        user_id: r
            .2
            .map(|u| Uuid::parse_str(&u).map_err(|e| bad(e.to_string())))
            .transpose()?,
        name: r.3,
        prefix: r.4,
        scope: TokenScope::parse(&r.5).ok_or_else(|| bad(format!("unknown scope {:?}", r.5)))?,
        created_at: ts(&r.6)?,
        last_used_at: opt_ts(r.7)?,
        expires_at: opt_ts(r.8)?,
        revoked_at: opt_ts(r.9)?,
    })
}

/// Issues a token for a member of an organisation.
pub async fn create(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    user: Uuid,
    mut request: NewToken,
    now: OffsetDateTime,
) -> Result<IssuedToken> {
    request.normalise();
    request.validate().map_err(StoreError::Invalid)?;
    let now = timestamp::truncate(now);
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let token = ApiToken {
        id: Uuid::now_v7(),
        org_id: org.0,
        user_id: Some(user),
        name: request.name,
        prefix: secret.chars().take(PREFIX.len() + 6).collect(),
        scope: request.scope,
        created_at: now,
        last_used_at: None,
        expires_at: request.expires_in_days.map(|d| now + Duration::days(d)),
        revoked_at: None,
    };
    let mut tx = store.write().await?;
    crate::organisations::fetch(&mut tx, org).await?;
    let mut sql = Sql::new(
        "INSERT INTO api_tokens (id, org_id, user_id, name, token_hash, prefix, scopes, created_at, expires_at) VALUES (",
    );
    let ph = [
        sql.arg(token.id),
        sql.arg(org.0),
        sql.arg(user),
        sql.arg(token.name.as_str()),
        sql.arg(digest(&secret)),
        sql.arg(token.prefix.as_str()),
        sql.arg(token.scope.as_str()),
        sql.arg(timestamp::format(now)),
        sql.arg(Value::Text(token.expires_at.map(timestamp::format))),
    ];
    sql.push(&ph.join(", ")).push(")");
    sql.query().execute(&mut *tx).await?;
    audit::append(
        &mut tx,
        actor,
        Event::org(org, "token.created", "api_token", Some(token.id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(IssuedToken { token, secret })
}

/// The live token for a presented secret; `None` for unknown, revoked and expired tokens
/// alike. The access layer finds the membership itself, so no organisation is loaded here.
pub async fn authenticate(
    store: &Store,
    secret: &str,
    now: OffsetDateTime,
) -> Result<Option<ApiToken>> {
    if !secret.starts_with(PREFIX) || secret.len() > 128 {
        return Ok(None);
    }
    let mut sql = Sql::new(SELECT);
    let p = sql.arg(digest(secret));
    sql.push(&format!("token_hash = {p} AND revoked_at IS NULL"));
    let Some(row): Option<Row> = sql.query_as().fetch_optional(store.pool()).await? else {
        return Ok(None);
    };
    let token = from_row(row)?;
    if token.expires_at.is_some_and(|e| e <= now) {
        return Ok(None);
    }
    if token.last_used_at.is_none_or(|t| now - t >= TOUCH_EVERY) {
        let mut touch = Sql::new("UPDATE api_tokens SET last_used_at = ");
        let t = touch.arg(timestamp::format(timestamp::truncate(now)));
        let i = touch.arg(token.id);
        touch.push(&format!("{t} WHERE id = {i}"));
        touch.query().execute(store.pool()).await?;
    }
    Ok(Some(token))
}

/// A person's tokens for one organisation.
pub async fn list(store: &Store, org: OrgId, user: Uuid) -> Result<Vec<ApiToken>> {
    let mut sql = Sql::new(SELECT);
    let p = sql.arg(org.0);
    let u = sql.arg(user);
    sql.push(&format!("org_id = {p} AND user_id = {u} ORDER BY id"));
    let rows: Vec<Row> = sql.query_as().fetch_all(store.pool()).await?;
    rows.into_iter().map(from_row).collect()
}

/// Revokes one of a person's tokens at once; it stays listed as revoked.
pub async fn revoke(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    user: Uuid,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<()> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    let mut sql = Sql::new("UPDATE api_tokens SET revoked_at = ");
    let t = sql.arg(timestamp::format(now));
    let o = sql.arg(org.0);
    let u = sql.arg(user);
    let i = sql.arg(id);
    sql.push(&format!(
        "{t} WHERE org_id = {o} AND user_id = {u} AND id = {i} AND revoked_at IS NULL"
    ));
    if sql.query().execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(StoreError::NotFound("token"));
    }
    audit::append(
        &mut tx,
        actor,
        Event::org(org, "token.revoked", "api_token", Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
