//! Reminders before the registers' deadlines, and the lease that lets only one Pactum
//! process send them.
//!
//! Exactly once: a reminder is a row keyed by (register, record, deadline, lead). Whoever
//! inserts the row has claimed it, in the same transaction as the in-app notifications it
//! creates; e-mail goes out after that commit and `sent_at` is set once every recipient was
//! handed to the mail server. A claim that never got `sent_at` (the process died in
//! between) is taken up again after [`RETRY_AFTER`], for the e-mail only, at most
//! [`MAX_ATTEMPTS`] times. A changed deadline (an extension) is a new key, so its reminders
//! go out again.

use pactum_domain::organisation::{Language, MemberRole};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::database::Store;
use crate::error::Result;
use crate::registers::Deadline;
use crate::row;
use crate::sql::{Sql, q};

/// How long an unfinished claim waits before another attempt takes it up.
pub const RETRY_AFTER: Duration = Duration::minutes(10);
pub const MAX_ATTEMPTS: i64 = 5;

/// Takes or renews the named lease for `holder` until `now + ttl`. True when `holder`
/// holds it: it was free, expired, or already `holder`'s.
pub async fn lease(
    store: &Store,
    name: &str,
    holder: &str,
    now: OffsetDateTime,
    ttl: Duration,
) -> Result<bool> {
    let mut tx = store.write().await?;
    q(
        "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO NOTHING",
        vec![name.into(), holder.into(), (now + ttl).into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    let done = q(
        "UPDATE leases SET holder = $1, expires_at = $2 \
         WHERE name = $3 AND (holder = $1 OR expires_at < $4)",
        vec![holder.into(), (now + ttl).into(), name.into(), now.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Gives the named lease up if `holder` has it, so another process takes over at once
/// instead of after the lease runs out (a graceful shutdown).
pub async fn release(store: &Store, name: &str, holder: &str) -> Result<bool> {
    let mut tx = store.write().await?;
    let done = q(
        "DELETE FROM leases WHERE name = $1 AND holder = $2",
        vec![name.into(), holder.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Someone a reminder goes to: the case's assignee and the organisation's owners and
/// admins, each once.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    pub user_id: Uuid,
    pub email: String,
    pub name: Option<String>,
    pub language: Language,
    /// Whether the address was confirmed: only confirmed addresses get e-mail.
    pub verified: bool,
}

pub async fn recipients(
    store: &Store,
    org: Uuid,
    assignee: Option<Uuid>,
) -> Result<Vec<Recipient>> {
    let mut sql = Sql::new(
        "SELECT u.id, u.email, u.display_name, u.language, u.email_verified_at \
         FROM members m JOIN users u ON u.id = m.user_id WHERE m.org_id = ",
    );
    let o = sql.arg(org);
    let owner = sql.arg(crate::organisations::enum_text(&MemberRole::Owner)?);
    let admin = sql.arg(crate::organisations::enum_text(&MemberRole::Admin)?);
    sql.push(&format!("{o} AND (m.role IN ({owner}, {admin})"));
    if let Some(a) = assignee {
        let a = sql.arg(a);
        sql.push(&format!(" OR m.user_id = {a}"));
    }
    sql.push(") ORDER BY u.id");
    let rows = sql.query().fetch_all(store.pool()).await?;
    rows.iter()
        .map(|r| {
            Ok(Recipient {
                user_id: row::uuid(r, "id")?,
                email: row::text(r, "email")?,
                name: row::opt_text(r, "display_name")?,
                language: crate::organisations::enum_from(
                    row::text(r, "language")?,
                    "users.language",
                )?,
                verified: row::opt_text(r, "email_verified_at")?.is_some(),
            })
        })
        .collect()
}

/// What a claim leaves to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Someone else has it, or it is done.
    Taken,
    /// New: the notifications are written; send the e-mail.
    New,
    /// An earlier attempt did not finish: send the e-mail again.
    Retry,
}

/// Claims the reminder `lead_minutes` before `deadline`, writing the in-app notifications
/// for `users` in the same transaction when it is new.
pub async fn claim(
    store: &Store,
    deadline: &Deadline,
    lead_minutes: i64,
    users: &[Uuid],
    now: OffsetDateTime,
) -> Result<Claim> {
    let register = deadline.register.collection();
    let mut tx = store.write().await?;
    let inserted = q(
        "INSERT INTO reminders (register, record_id, due_at, lead_minutes, org_id, claimed_at, attempts) \
         VALUES ($1, $2, $3, $4, $5, $6, 1) \
         ON CONFLICT (register, record_id, due_at, lead_minutes) DO NOTHING",
        vec![
            register.into(),
            deadline.id.into(),
            deadline.due_at.into(),
            lead_minutes.into(),
            deadline.org_id.into(),
            now.into(),
        ],
    )
    .query()
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        for user in users {
            q(
                "INSERT INTO notifications (id, user_id, org_id, register, record_id, label, due_at, lead_minutes, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                vec![
                    Uuid::now_v7().into(),
                    (*user).into(),
                    deadline.org_id.into(),
                    register.into(),
                    deadline.id.into(),
                    deadline.label.clone().into(),
                    deadline.due_at.into(),
                    lead_minutes.into(),
                    now.into(),
                ],
            )
            .query()
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        return Ok(Claim::New);
    }
    let retried = q(
        "UPDATE reminders SET claimed_at = $1, attempts = attempts + 1 \
         WHERE register = $2 AND record_id = $3 AND due_at = $4 AND lead_minutes = $5 \
         AND sent_at IS NULL AND claimed_at < $6 AND attempts < $7",
        vec![
            now.into(),
            register.into(),
            deadline.id.into(),
            deadline.due_at.into(),
            lead_minutes.into(),
            (now - RETRY_AFTER).into(),
            MAX_ATTEMPTS.into(),
        ],
    )
    .query()
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(if retried == 1 {
        Claim::Retry
    } else {
        Claim::Taken
    })
}

/// A reminder's key: (register collection, record, deadline, lead in minutes).
pub type Key = (String, Uuid, OffsetDateTime, i64);

/// The reminders of deadlines after `after` that need no more work (sent, or out of
/// attempts): one read, so that a round touches only what is left to do.
pub async fn finished(
    store: &Store,
    after: OffsetDateTime,
) -> Result<std::collections::HashSet<Key>> {
    let rows = q(
        "SELECT register, record_id, due_at, lead_minutes FROM reminders \
         WHERE due_at > $1 AND (sent_at IS NOT NULL OR attempts >= $2)",
        vec![after.into(), MAX_ATTEMPTS.into()],
    )
    .query()
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                row::text(r, "register")?,
                row::uuid(r, "record_id")?,
                row::ts(r, "due_at")?,
                row::int(r, "lead_minutes")?,
            ))
        })
        .collect()
}

/// Records that the reminder's e-mail went out.
pub async fn mark_sent(
    store: &Store,
    deadline: &Deadline,
    lead_minutes: i64,
    now: OffsetDateTime,
) -> Result<()> {
    let mut tx = store.write().await?;
    q(
        "UPDATE reminders SET sent_at = $1 \
         WHERE register = $2 AND record_id = $3 AND due_at = $4 AND lead_minutes = $5",
        vec![
            now.into(),
            deadline.register.collection().into(),
            deadline.id.into(),
            deadline.due_at.into(),
            lead_minutes.into(),
        ],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A reminder as recorded: for tests and for the record's page.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub lead_minutes: i64,
    pub due_at: OffsetDateTime,
    pub claimed_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    pub attempts: i64,
}

pub async fn of_record(store: &Store, org: Uuid, record: Uuid) -> Result<Vec<Sent>> {
    let rows = q(
        "SELECT lead_minutes, due_at, claimed_at, sent_at, attempts FROM reminders \
         WHERE org_id = $1 AND record_id = $2 ORDER BY due_at, lead_minutes DESC",
        vec![org.into(), record.into()],
    )
    .query()
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Sent {
                lead_minutes: row::int(r, "lead_minutes")?,
                due_at: row::ts(r, "due_at")?,
                claimed_at: row::ts(r, "claimed_at")?,
                sent_at: row::opt_ts(r, "sent_at")?,
                attempts: row::int(r, "attempts")?,
            })
        })
        .collect()
}
