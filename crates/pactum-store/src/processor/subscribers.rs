//! Subscribers to an organisation's sub-processor notices. Double opt-in: an address is
//! written with the digest of a confirmation token and receives notices only once the link
//! in the confirmation mail was followed (within [`CONFIRM_WITHIN`]). Unsubscribe links are
//! signed by the web layer, so nothing but the confirmation digest is stored.

use serde::Serialize;
use sqlx::any::AnyRow;
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::database::Store;
use crate::error::{Result, StoreError};
use crate::row;
use crate::scope::OrgId;
use crate::sql::q;

/// How long a confirmation link works.
pub const CONFIRM_WITHIN: Duration = Duration::hours(48);

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Subscriber {
    pub id: Uuid,
    pub email: String,
    /// `en` or `nl`: the language of the page it subscribed from, which its mail uses.
    pub language: String,
    #[serde(with = "pactum_domain::timestamp::serde_instant")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "pactum_domain::timestamp::serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub confirmed_at: Option<OffsetDateTime>,
}

fn from_row(r: &AnyRow) -> Result<Subscriber> {
    Ok(Subscriber {
        id: row::uuid(r, "id")?,
        email: row::text(r, "email")?,
        language: row::text(r, "language")?,
        created_at: row::ts(r, "created_at")?,
        confirmed_at: row::opt_ts(r, "confirmed_at")?,
    })
}

/// What a subscription asked for leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subscribed {
    /// New or still unconfirmed: a confirmation mail is to be sent with the token.
    Confirm,
    /// Already confirmed: nothing to send (the page says the same either way).
    Already,
}

/// Adds an address (lower-cased) or renews its confirmation token.
pub async fn subscribe(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    email: &str,
    language: &str,
    confirm_hash: &str,
    now: OffsetDateTime,
) -> Result<Subscribed> {
    let email = email.trim().to_lowercase();
    let now = pactum_domain::timestamp::truncate(now);
    let mut tx = store.write().await?;
    let existing = q(
        "SELECT id, confirmed_at FROM notice_subscribers WHERE org_id = $1 AND email = $2",
        vec![org.0.into(), email.as_str().into()],
    )
    .query()
    .fetch_optional(&mut *tx)
    .await?;
    let outcome = match existing {
        Some(r) if row::opt_ts(&r, "confirmed_at")?.is_some() => Subscribed::Already,
        Some(r) => {
            q(
                "UPDATE notice_subscribers SET confirm_hash = $1, created_at = $2, language = $3 WHERE id = $4",
                vec![
                    confirm_hash.into(),
                    now.into(),
                    language.into(),
                    row::uuid(&r, "id")?.into(),
                ],
            )
            .query()
            .execute(&mut *tx)
            .await?;
            Subscribed::Confirm
        }
        None => {
            let id = Uuid::new_v4();
            q(
                "INSERT INTO notice_subscribers (id, org_id, email, language, confirm_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                vec![
                    id.into(),
                    org.0.into(),
                    email.as_str().into(),
                    language.into(),
                    confirm_hash.into(),
                    now.into(),
                ],
            )
            .query()
            .execute(&mut *tx)
            .await?;
            audit::append(
                &mut tx,
                actor,
                Event::org(org, "subscriber.added", "subscriber", Some(id)),
                now,
            )
            .await?;
            Subscribed::Confirm
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// The unconfirmed subscriber a confirmation token's digest belongs to, while it works.
pub async fn pending(
    store: &Store,
    confirm_hash: &str,
    now: OffsetDateTime,
) -> Result<Option<(OrgId, Subscriber)>> {
    let Some(r) = q(
        "SELECT id, org_id, email, language, created_at, confirmed_at FROM notice_subscribers WHERE confirm_hash = $1",
        vec![confirm_hash.into()],
    )
    .query()
    .fetch_optional(store.pool())
    .await?
    else {
        return Ok(None);
    };
    let s = from_row(&r)?;
    if s.created_at + CONFIRM_WITHIN < now {
        return Ok(None);
    }
    Ok(Some((OrgId(row::uuid(&r, "org_id")?), s)))
}

/// Confirms the subscription a token's digest belongs to; the token is spent.
pub async fn confirm(
    store: &Store,
    actor: &Actor,
    confirm_hash: &str,
    now: OffsetDateTime,
) -> Result<Option<(OrgId, Subscriber)>> {
    let Some((org, mut s)) = pending(store, confirm_hash, now).await? else {
        return Ok(None);
    };
    let now = pactum_domain::timestamp::truncate(now);
    let mut tx = store.write().await?;
    let done = q(
        "UPDATE notice_subscribers SET confirmed_at = $1, confirm_hash = NULL WHERE id = $2 AND confirm_hash = $3",
        vec![now.into(), s.id.into(), confirm_hash.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    audit::append(
        &mut tx,
        actor,
        Event::org(org, "subscriber.confirmed", "subscriber", Some(s.id)),
        now,
    )
    .await?;
    tx.commit().await?;
    s.confirmed_at = Some(now);
    Ok(Some((org, s)))
}

pub async fn get(store: &Store, org: OrgId, id: Uuid) -> Result<Subscriber> {
    q(
        "SELECT id, email, language, created_at, confirmed_at FROM notice_subscribers WHERE org_id = $1 AND id = $2",
        vec![org.0.into(), id.into()],
    )
    .query()
    .fetch_optional(store.pool())
    .await?
    .map(|r| from_row(&r))
    .transpose()?
    .ok_or(StoreError::NotFound("subscriber"))
}

/// Every subscriber, confirmed or not, by address.
pub async fn list(store: &Store, org: OrgId) -> Result<Vec<Subscriber>> {
    q(
        "SELECT id, email, language, created_at, confirmed_at FROM notice_subscribers WHERE org_id = $1 ORDER BY email",
        vec![org.0.into()],
    )
    .query()
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Those who confirmed: the ones a notice goes to.
pub async fn confirmed(store: &Store, org: OrgId) -> Result<Vec<Subscriber>> {
    Ok(list(store, org)
        .await?
        .into_iter()
        .filter(|s| s.confirmed_at.is_some())
        .collect())
}

/// Removes a subscriber (they unsubscribed, or the organisation removed them).
pub async fn remove(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<()> {
    let now = pactum_domain::timestamp::truncate(now);
    let mut tx = store.write().await?;
    let done = q(
        "DELETE FROM notice_subscribers WHERE org_id = $1 AND id = $2",
        vec![org.0.into(), id.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("subscriber"));
    }
    audit::append(
        &mut tx,
        actor,
        Event::org(org, "subscriber.removed", "subscriber", Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
