//! Browser sessions, kept on the server. The cookie holds a random id; the table holds only
//! its digest, so a copy of the database cannot be used to take over a session.

use pactum_domain::timestamp::{self, serde_fmt, serde_fmt_option};
use serde::Serialize;
use sqlx::any::AnyRow;
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::database::Store;
use crate::error::{Result, StoreError};
use crate::row;
use crate::sql::q;

/// When a session ends by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime {
    /// Without a request for this long, the session ends (ASVS 3.3.2: 30 minutes).
    pub idle: Duration,
    /// However active, the session ends this long after sign-in (8 hours).
    pub absolute: Duration,
}

impl Default for Lifetime {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(30),
            absolute: Duration::hours(8),
        }
    }
}

/// `last_seen_at` is written at most this often, so reads do not all become writes; the
/// idle timeout is therefore exact to within this much.
const TOUCH_EVERY: Duration = Duration::seconds(60);

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Session {
    pub id: Uuid,
    #[serde(skip)]
    pub user_id: Uuid,
    #[serde(with = "serde_fmt")]
    #[schema(value_type = String)]
    pub created_at: OffsetDateTime,
    #[serde(with = "serde_fmt")]
    #[schema(value_type = String)]
    pub last_seen_at: OffsetDateTime,
    /// When the user last proved it was them (password or code) in this session.
    #[serde(with = "serde_fmt_option")]
    #[schema(value_type = Option<String>)]
    pub reauth_at: Option<OffsetDateTime>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

fn from_row(r: &AnyRow) -> Result<Session> {
    Ok(Session {
        id: row::uuid(r, "id")?,
        user_id: row::uuid(r, "user_id")?,
        created_at: row::ts(r, "created_at")?,
        last_seen_at: row::ts(r, "last_seen_at")?,
        reauth_at: row::opt_ts(r, "reauth_at")?,
        ip: row::opt_text(r, "ip")?,
        user_agent: row::opt_text(r, "user_agent")?,
    })
}

/// Starts a session for a user who has just proved who they are (which counts as a
/// re-authentication too), recording the sign-in in the audit log.
pub async fn create(
    store: &Store,
    actor: &Actor,
    user: Uuid,
    token_hash: &str,
    now: OffsetDateTime,
) -> Result<Session> {
    let now = timestamp::truncate(now);
    let s = Session {
        id: Uuid::now_v7(),
        user_id: user,
        created_at: now,
        last_seen_at: now,
        reauth_at: Some(now),
        ip: actor.ip.clone(),
        user_agent: actor
            .user_agent
            .as_ref()
            .map(|u| u.chars().take(300).collect()),
    };
    let mut tx = store.write().await?;
    q(
        "INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, reauth_at, ip, user_agent) \
         VALUES ($1, $2, $3, $4, $4, $4, $5, $6)",
        vec![
            s.id.into(),
            token_hash.into(),
            user.into(),
            now.into(),
            s.ip.clone().into(),
            s.user_agent.clone().into(),
        ],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    let actor = Actor {
        user_id: Some(user),
        ..actor.clone()
    };
    audit::append(
        &mut tx,
        &actor,
        Event::account("session.started", Some(user)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(s)
}

/// The live session for a cookie's digest; `None` when unknown, revoked, idle too long or
/// too old. Keeps `last_seen_at` fresh.
pub async fn authenticate(
    store: &Store,
    token_hash: &str,
    lifetime: Lifetime,
    now: OffsetDateTime,
) -> Result<Option<Session>> {
    let r = q(
        "SELECT id, user_id, created_at, last_seen_at, reauth_at, ip, user_agent FROM sessions \
         WHERE token_hash = $1 AND revoked_at IS NULL",
        vec![token_hash.into()],
    )
    .query()
    .fetch_optional(store.pool())
    .await?;
    let Some(r) = r else { return Ok(None) };
    let mut s = from_row(&r)?;
    if now - s.last_seen_at >= lifetime.idle || now - s.created_at >= lifetime.absolute {
        return Ok(None);
    }
    if now - s.last_seen_at >= TOUCH_EVERY {
        let now = timestamp::truncate(now);
        q(
            "UPDATE sessions SET last_seen_at = $1 WHERE id = $2",
            vec![now.into(), s.id.into()],
        )
        .query()
        .execute(store.pool())
        .await?;
        s.last_seen_at = now;
    }
    Ok(Some(s))
}

/// A user's live sessions, newest first.
pub async fn list(
    store: &Store,
    user: Uuid,
    lifetime: Lifetime,
    now: OffsetDateTime,
) -> Result<Vec<Session>> {
    let rows = q(
        "SELECT id, user_id, created_at, last_seen_at, reauth_at, ip, user_agent FROM sessions \
         WHERE user_id = $1 AND revoked_at IS NULL AND last_seen_at > $2 AND created_at > $3 ORDER BY created_at DESC, id DESC",
        vec![
            user.into(),
            (now - lifetime.idle).into(),
            (now - lifetime.absolute).into(),
        ],
    )
    .query()
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Ends one of the user's own sessions (signing out is ending the current one).
pub async fn revoke(
    store: &Store,
    actor: &Actor,
    user: Uuid,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<()> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    let done = q(
        "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        vec![now.into(), id.into(), user.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("session"));
    }
    audit::append(
        &mut tx,
        actor,
        Event::account("session.ended", Some(user)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Notes a fresh proof of identity in this session; sensitive actions ask for one.
pub async fn mark_reauthenticated(store: &Store, id: Uuid, now: OffsetDateTime) -> Result<()> {
    q(
        "UPDATE sessions SET reauth_at = $1 WHERE id = $2",
        vec![timestamp::truncate(now).into(), id.into()],
    )
    .query()
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Swaps the session's id for a new one (after a privilege change), keeping its history.
pub async fn rotate(store: &Store, id: Uuid, new_token_hash: &str) -> Result<()> {
    q(
        "UPDATE sessions SET token_hash = $1 WHERE id = $2 AND revoked_at IS NULL",
        vec![new_token_hash.into(), id.into()],
    )
    .query()
    .execute(store.pool())
    .await?;
    Ok(())
}
