//! Access and refresh tokens for API clients that sign in as a person (OAuth 2.0 style):
//! a short-lived access token and a refresh token that is replaced on every use. Tokens of
//! one sign-in form a family; presenting a refresh token that was already used means it
//! was copied, so the whole family is revoked and the event is audited (RFC 6819 5.2.2.3,
//! OAuth 2.0 Security BCP 4.14).

use pactum_domain::timestamp;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::database::Store;
use crate::error::Result;
use crate::row;
use crate::sql::q;

/// Digests of a freshly minted pair (the secrets themselves go to the client only).
pub struct Pair<'a> {
    pub access_hash: &'a str,
    pub refresh_hash: &'a str,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
}

async fn insert_pair(
    conn: &mut sqlx::AnyConnection,
    family: Uuid,
    user: Uuid,
    pair: &Pair<'_>,
    now: OffsetDateTime,
) -> Result<()> {
    q(
        "INSERT INTO access_tokens (token_hash, family_id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        vec![
            pair.access_hash.into(),
            family.into(),
            user.into(),
            now.into(),
            (now + pair.access_ttl).into(),
        ],
    )
    .query()
    .execute(&mut *conn)
    .await?;
    q(
        "INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        vec![
            Uuid::now_v7().into(),
            family.into(),
            user.into(),
            pair.refresh_hash.into(),
            now.into(),
            (now + pair.refresh_ttl).into(),
        ],
    )
    .query()
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Starts a family for a user who has just signed in.
pub async fn issue(
    store: &Store,
    actor: &Actor,
    user: Uuid,
    pair: &Pair<'_>,
    now: OffsetDateTime,
) -> Result<Uuid> {
    let now = timestamp::truncate(now);
    let family = Uuid::now_v7();
    let mut tx = store.write().await?;
    insert_pair(&mut tx, family, user, pair, now).await?;
    let actor = Actor {
        user_id: Some(user),
        ..actor.clone()
    };
    audit::append(
        &mut tx,
        &actor,
        Event::account("token.issued", Some(user)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(family)
}

/// What presenting a refresh token led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refreshed {
    /// The token was live: the new pair replaces it.
    Rotated { user: Uuid },
    /// The token had been used before: the family is revoked.
    Reused { user: Uuid },
    /// Unknown, expired or revoked.
    Invalid,
}

pub async fn refresh(
    store: &Store,
    actor: &Actor,
    presented_hash: &str,
    pair: &Pair<'_>,
    now: OffsetDateTime,
) -> Result<Refreshed> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    let r = q(
        "SELECT id, family_id, user_id, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = $1",
        vec![presented_hash.into()],
    )
    .query()
    .fetch_optional(&mut *tx)
    .await?;
    let Some(r) = r else {
        return Ok(Refreshed::Invalid);
    };
    let id = row::uuid(&r, "id")?;
    let family = row::uuid(&r, "family_id")?;
    let user = row::uuid(&r, "user_id")?;
    let actor = Actor {
        user_id: Some(user),
        ..actor.clone()
    };
    if row::opt_ts(&r, "revoked_at")?.is_some() || row::ts(&r, "expires_at")? <= now {
        return Ok(Refreshed::Invalid);
    }
    if row::opt_ts(&r, "used_at")?.is_some() {
        revoke_family(&mut tx, family, now).await?;
        audit::append(
            &mut tx,
            &actor,
            Event::account("token.reuse_detected", Some(user)),
            now,
        )
        .await?;
        tx.commit().await?;
        return Ok(Refreshed::Reused { user });
    }
    // Conditional, so two racing uses of one token cannot both rotate it.
    let done = q(
        "UPDATE refresh_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
        vec![now.into(), id.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(Refreshed::Invalid);
    }
    insert_pair(&mut tx, family, user, pair, now).await?;
    tx.commit().await?;
    Ok(Refreshed::Rotated { user })
}

async fn revoke_family(
    conn: &mut sqlx::AnyConnection,
    family: Uuid,
    now: OffsetDateTime,
) -> Result<()> {
    for sql in [
        "UPDATE refresh_tokens SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL",
        "UPDATE access_tokens SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL",
    ] {
        q(sql, vec![now.into(), family.into()])
            .query()
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The user an access token stands for, while it lives.
pub async fn authenticate(
    store: &Store,
    access_hash: &str,
    now: OffsetDateTime,
) -> Result<Option<Uuid>> {
    let r = q(
        "SELECT user_id FROM access_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
        vec![access_hash.into(), now.into()],
    )
    .query()
    .fetch_optional(store.pool())
    .await?;
    r.map(|r| row::uuid(&r, "user_id")).transpose()
}

/// Signs a client out: the family of this refresh token ends.
pub async fn revoke(store: &Store, presented_hash: &str, now: OffsetDateTime) -> Result<bool> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    let r = q(
        "SELECT family_id FROM refresh_tokens WHERE token_hash = $1",
        vec![presented_hash.into()],
    )
    .query()
    .fetch_optional(&mut *tx)
    .await?;
    let Some(r) = r else { return Ok(false) };
    revoke_family(&mut tx, row::uuid(&r, "family_id")?, now).await?;
    tx.commit().await?;
    Ok(true)
}
