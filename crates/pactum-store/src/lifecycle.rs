//! Deleting accounts and organisations: locked at once, recoverable until `purge_at`, then
//! removed with everything that hangs off them. A legal hold keeps a row from the purge.
//!
//! The audit trail keeps an anonymous record of each purge on the accounts chain (who
//! asked for the deletion was recorded when they asked); the organisation's own chain and
//! the person's own chain (`user:<id>`) go with them.

use sqlx::AnyConnection;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use pactum_domain::timestamp;

use crate::audit::{self, Actor, Event};
use crate::database::Store;
use crate::error::{Result, StoreError};
use crate::row;
use crate::scope::OrgId;
use crate::sql::{Sql, q};

/// An account's or organisation's pending deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheduled {
    pub requested_at: OffsetDateTime,
    pub purge_at: OffsetDateTime,
}

fn already(what: &str) -> StoreError {
    StoreError::Conflict {
        field: "deletion".into(),
        message: format!("The {what} is already scheduled for deletion."),
    }
}

fn not_scheduled(what: &str) -> StoreError {
    StoreError::Conflict {
        field: "deletion".into(),
        message: format!("The {what} is not scheduled for deletion."),
    }
}

/// The two tables with a deletion schedule.
#[derive(Clone, Copy)]
enum Owner {
    Organisation,
    Account,
}

impl Owner {
    fn table(self) -> &'static str {
        match self {
            Owner::Organisation => "organisations",
            Owner::Account => "users",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Owner::Organisation => "organisation",
            Owner::Account => "account",
        }
    }
}

/// Sets (`Some`) or clears (`None`) the schedule; a conflict when it was already so.
async fn set_schedule(
    conn: &mut AnyConnection,
    owner: Owner,
    id: Uuid,
    schedule: Option<(OffsetDateTime, OffsetDateTime)>,
) -> Result<()> {
    let table = owner.table();
    let sql = match schedule {
        Some((now, purge_at)) => {
            let mut sql = Sql::new(format!(
                "UPDATE {table} SET deletion_requested_at = $1, purge_at = $2 WHERE id = $3 AND purge_at IS NULL"
            ));
            sql.args = vec![now.into(), purge_at.into(), id.into()];
            sql
        }
        None => {
            let mut sql = Sql::new(format!(
                "UPDATE {table} SET deletion_requested_at = NULL, purge_at = NULL WHERE id = $1 AND purge_at IS NOT NULL"
            ));
            sql.args = vec![id.into()];
            sql
        }
    };
    let done = sql.query().execute(&mut *conn).await?.rows_affected();
    if done == 0 {
        return Err(match schedule {
            Some(_) => already(owner.name()),
            None => not_scheduled(owner.name()),
        });
    }
    Ok(())
}

async fn schedule_of(store: &Store, owner: Owner, id: Uuid) -> Result<Option<Scheduled>> {
    let mut sql = Sql::new(format!(
        "SELECT deletion_requested_at, purge_at FROM {} WHERE id = $1",
        owner.table()
    ));
    sql.args = vec![id.into()];
    let r = sql
        .query()
        .fetch_optional(store.pool())
        .await?
        .ok_or(StoreError::NotFound(owner.name()))?;
    scheduled_from(&r)
}

/// Locks the organisation and schedules its removal `window` from now.
pub async fn schedule_organisation(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    now: OffsetDateTime,
    window: Duration,
) -> Result<Scheduled> {
    let now = timestamp::truncate(now);
    let purge_at = now + window;
    let mut tx = store.write().await?;
    set_schedule(&mut tx, Owner::Organisation, org.0, Some((now, purge_at))).await?;
    audit::append(
        &mut tx,
        actor,
        Event::org(
            org,
            "organisation.deletion_scheduled",
            "organisation",
            Some(org.0),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Scheduled {
        requested_at: now,
        purge_at,
    })
}

/// Cancels a scheduled deletion: everything is as it was.
pub async fn recover_organisation(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    now: OffsetDateTime,
) -> Result<()> {
    let mut tx = store.write().await?;
    set_schedule(&mut tx, Owner::Organisation, org.0, None).await?;
    audit::append(
        &mut tx,
        actor,
        Event::org(org, "organisation.recovered", "organisation", Some(org.0)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn organisation_schedule(store: &Store, org: OrgId) -> Result<Option<Scheduled>> {
    schedule_of(store, Owner::Organisation, org.0).await
}

fn scheduled_from(r: &sqlx::any::AnyRow) -> Result<Option<Scheduled>> {
    Ok(
        match (
            row::opt_ts(r, "deletion_requested_at")?,
            row::opt_ts(r, "purge_at")?,
        ) {
            (Some(requested_at), Some(purge_at)) => Some(Scheduled {
                requested_at,
                purge_at,
            }),
            _ => None,
        },
    )
}

/// The organisations (slugs) this user is the only owner of, among those not themselves
/// being deleted: an account that holds one cannot go, or the organisation would be left
/// without anyone who may manage it.
pub async fn sole_ownerships(store: &Store, user: Uuid) -> Result<Vec<String>> {
    let mut conn = store.pool().acquire().await?;
    sole_ownerships_in(&mut conn, user).await
}

async fn sole_ownerships_in(conn: &mut AnyConnection, user: Uuid) -> Result<Vec<String>> {
    let rows = q(
        "SELECT o.slug FROM members m JOIN organisations o ON o.id = m.org_id \
         WHERE m.user_id = $1 AND m.role = 'owner' AND o.purge_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM members m2 JOIN users u2 ON u2.id = m2.user_id \
            WHERE m2.org_id = m.org_id AND m2.role = 'owner' AND m2.user_id <> $1 AND u2.purge_at IS NULL) \
         ORDER BY o.slug",
        vec![user.into()],
    )
    .query()
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| row::text(r, "slug")).collect()
}

/// Locks the account (every session and token ends now) and schedules its removal.
pub async fn schedule_account(
    store: &Store,
    actor: &Actor,
    user: Uuid,
    now: OffsetDateTime,
    window: Duration,
) -> Result<Scheduled> {
    let now = timestamp::truncate(now);
    let purge_at = now + window;
    let mut tx = store.write().await?;
    let sole = sole_ownerships_in(&mut tx, user).await?;
    if !sole.is_empty() {
        return Err(StoreError::Conflict {
            field: "account".into(),
            message: format!(
                "You are the only owner of {}: make another member an owner, or delete the organisation first.",
                sole.join(", ")
            ),
        });
    }
    set_schedule(&mut tx, Owner::Account, user, Some((now, purge_at))).await?;
    crate::accounts::revoke_everything(&mut tx, user, None, now).await?;
    // Personal API tokens too: a locked account acts through nothing.
    q(
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        vec![now.into(), user.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        actor,
        Event::account("account.deletion_scheduled", Some(user)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Scheduled {
        requested_at: now,
        purge_at,
    })
}

/// Cancels an account's scheduled deletion (its sessions and tokens stay ended).
pub async fn recover_account(
    store: &Store,
    actor: &Actor,
    user: Uuid,
    now: OffsetDateTime,
) -> Result<()> {
    let mut tx = store.write().await?;
    set_schedule(&mut tx, Owner::Account, user, None).await?;
    audit::append(
        &mut tx,
        actor,
        Event::account("account.recovered", Some(user)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn account_schedule(store: &Store, user: Uuid) -> Result<Option<Scheduled>> {
    schedule_of(store, Owner::Account, user).await
}

/// Sets or lifts a legal hold on an organisation.
pub async fn hold_organisation(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    on: bool,
    now: OffsetDateTime,
) -> Result<()> {
    let mut tx = store.write().await?;
    q(
        "UPDATE organisations SET legal_hold = $1 WHERE id = $2",
        vec![on.into(), org.0.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    let action = if on {
        "organisation.legal_hold_set"
    } else {
        "organisation.legal_hold_lifted"
    };
    audit::append(
        &mut tx,
        actor,
        Event::org(org, action, "organisation", Some(org.0)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn organisation_held(store: &Store, org: OrgId) -> Result<bool> {
    let r = q(
        "SELECT legal_hold FROM organisations WHERE id = $1",
        vec![org.0.into()],
    )
    .query()
    .fetch_optional(store.pool())
    .await?
    .ok_or(StoreError::NotFound("organisation"))?;
    row::boolean(&r, "legal_hold")
}

/// Sets or lifts a legal hold on a person's account (by e-mail address or username).
pub async fn hold_account(
    store: &Store,
    actor: &Actor,
    login: &str,
    on: bool,
    now: OffsetDateTime,
) -> Result<Uuid> {
    let login = login.trim().to_ascii_lowercase();
    let mut tx = store.write().await?;
    let r = q(
        "SELECT id FROM users WHERE email = $1 OR username = $1",
        vec![login.into()],
    )
    .query()
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound("user"))?;
    let user = row::uuid(&r, "id")?;
    q(
        "UPDATE users SET legal_hold = $1 WHERE id = $2",
        vec![on.into(), user.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    let action = if on {
        "account.legal_hold_set"
    } else {
        "account.legal_hold_lifted"
    };
    audit::append(&mut tx, actor, Event::account(action, Some(user)), now).await?;
    tx.commit().await?;
    Ok(user)
}

/// What one purge removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Purged {
    pub organisations: Vec<Uuid>,
    pub accounts: usize,
}

/// Removes every organisation and account whose recovery window has ended, each in a
/// transaction of its own; those under a legal hold wait. The caller removes the
/// organisations' stored files.
pub async fn purge_due(store: &Store, now: OffsetDateTime) -> Result<Purged> {
    let mut out = Purged::default();
    let orgs = q(
        "SELECT id FROM organisations WHERE purge_at IS NOT NULL AND purge_at <= $1 AND legal_hold = $2 ORDER BY purge_at",
        vec![now.into(), false.into()],
    )
    .query()
    .fetch_all(store.pool())
    .await?;
    for r in &orgs {
        let id = row::uuid(r, "id")?;
        if purge_organisation(store, id, now).await? {
            out.organisations.push(id);
        }
    }
    let users = q(
        "SELECT id FROM users WHERE purge_at IS NOT NULL AND purge_at <= $1 AND legal_hold = $2 ORDER BY purge_at",
        vec![now.into(), false.into()],
    )
    .query()
    .fetch_all(store.pool())
    .await?;
    for r in &users {
        if purge_account(store, row::uuid(r, "id")?, now).await? {
            out.accounts += 1;
        }
    }
    Ok(out)
}

async fn drop_chain(conn: &mut AnyConnection, chain: String) -> Result<()> {
    q(
        "DELETE FROM audit_events WHERE chain = $1",
        vec![chain.clone().into()],
    )
    .query()
    .execute(&mut *conn)
    .await?;
    q(
        "DELETE FROM audit_heads WHERE chain = $1",
        vec![chain.into()],
    )
    .query()
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// False when it was recovered or put under hold in the meantime.
async fn purge_organisation(store: &Store, id: Uuid, now: OffsetDateTime) -> Result<bool> {
    let mut tx = store.write().await?;
    let done = q(
        "DELETE FROM organisations WHERE id = $1 AND purge_at IS NOT NULL AND purge_at <= $2 AND legal_hold = $3",
        vec![id.into(), now.into(), false.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Ok(false);
    }
    // The cascade's triggers leave the revision counter behind; it has no foreign key.
    q(
        "DELETE FROM data_map_revisions WHERE org_id = $1",
        vec![id.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    drop_chain(&mut tx, id.to_string()).await?;
    audit::append(
        &mut tx,
        &Actor::system(),
        Event {
            org: None,
            action: "organisation.purged",
            entity: "organisation",
            entity_id: Some(id),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

async fn purge_account(store: &Store, id: Uuid, now: OffsetDateTime) -> Result<bool> {
    let mut tx = store.write().await?;
    let done = q(
        "DELETE FROM users WHERE id = $1 AND purge_at IS NOT NULL AND purge_at <= $2 AND legal_hold = $3",
        vec![id.into(), now.into(), false.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Ok(false);
    }
    drop_chain(&mut tx, audit::user_chain(id)).await?;
    // No id: the record says an account went, not whose.
    audit::append(
        &mut tx,
        &Actor::system(),
        Event {
            org: None,
            action: "account.purged",
            entity: "account",
            entity_id: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
