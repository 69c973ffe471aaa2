//! The retention batch: each of Pactum's own tables keeps its rows for its period
//! (`pactum_domain::lifecycle::RetentionPolicy`), then they go. Rows of an organisation or
//! a person under a legal hold stay, whatever their age; so do the sign-in records of
//! everyone who belongs to an organisation under hold.
//!
//! A dry run counts what a run would delete and deletes nothing. Every run, dry or not,
//! writes one audit event.

use pactum_domain::lifecycle::{RetentionPolicy, Table};
use serde::Serialize;
use sqlx::AnyConnection;
use time::OffsetDateTime;

use crate::audit::{self, Actor, Event};
use crate::database::Store;
use crate::error::Result;
use crate::row;
use crate::sql::{Sql, q};

/// What a run found for one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TableReport {
    pub table: Table,
    pub days: u32,
    /// Rows past their period that were deleted (or, in a dry run, would be).
    pub deleted: u64,
    /// Rows past their period kept because of a legal hold.
    pub held: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub dry_run: bool,
    pub tables: Vec<TableReport>,
}

impl Report {
    pub fn deleted(&self) -> u64 {
        self.tables.iter().map(|t| t.deleted).sum()
    }
}

/// A person is held when their account is, or when they belong to a held organisation.
const HELD_USERS: &str = "(SELECT id FROM users WHERE legal_hold = TRUE \
     UNION SELECT m.user_id FROM members m JOIN organisations o ON o.id = m.org_id WHERE o.legal_hold = TRUE)";
const HELD_ORGS: &str = "(SELECT id FROM organisations WHERE legal_hold = TRUE)";

/// For a plain table: which rows are past their period (`$1` is the cut-off, `$2` now), and
/// which of those are held.
struct Plain {
    table: &'static str,
    due: &'static str,
    held: Option<String>,
}

fn plain(table: Table) -> Vec<Plain> {
    let user_held = || Some(format!("user_id IN {HELD_USERS}"));
    let user_or_org_held = || {
        Some(format!(
            "(user_id IN {HELD_USERS} OR org_id IN {HELD_ORGS})"
        ))
    };
    match table {
        Table::Sessions => vec![Plain {
            table: "sessions",
            due: "last_seen_at < $1",
            held: user_held(),
        }],
        Table::LoginFailures => vec![Plain {
            table: "login_failures",
            due: "last_failure_at < $1 AND (locked_until IS NULL OR locked_until < $2)",
            held: Some(format!(
                "subject IN (SELECT 'user:' || h.id FROM {HELD_USERS} h)"
            )),
        }],
        Table::SpentChallenges => vec![Plain {
            table: "spent_challenges",
            due: "expires_at < $1",
            held: None,
        }],
        Table::EmailTokens => vec![Plain {
            table: "email_tokens",
            due: "expires_at < $1",
            held: user_held(),
        }],
        Table::Grants => vec![
            Plain {
                table: "access_tokens",
                due: "expires_at < $1",
                held: user_held(),
            },
            Plain {
                table: "refresh_tokens",
                due: "expires_at < $1",
                held: user_held(),
            },
        ],
        Table::ApiTokens => vec![Plain {
            table: "api_tokens",
            due: "COALESCE(revoked_at, expires_at) < $1",
            held: user_or_org_held(),
        }],
        Table::Notifications => vec![Plain {
            table: "notifications",
            due: "created_at < $1",
            held: user_or_org_held(),
        }],
        Table::Reminders => vec![Plain {
            table: "reminders",
            due: "due_at < $1",
            held: Some(format!("org_id IN {HELD_ORGS}")),
        }],
        Table::AuditEvents => vec![],
    }
}

async fn count(
    conn: &mut AnyConnection,
    sql: String,
    cut: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<u64> {
    let mut s = Sql::new(sql);
    s.args = vec![cut.into(), now.into()];
    let r = s.query().fetch_one(&mut *conn).await?;
    Ok(row::int(&r, "n")?.max(0) as u64)
}

async fn run_plain(
    store: &Store,
    p: &Plain,
    cut: OffsetDateTime,
    now: OffsetDateTime,
    dry_run: bool,
) -> Result<(u64, u64)> {
    let mut tx = store.write().await?;
    let keep = match &p.held {
        Some(h) => format!(" AND NOT ({h})"),
        None => String::new(),
    };
    let due = count(
        &mut tx,
        format!(
            "SELECT COUNT(*) AS n FROM {} WHERE {}{keep}",
            p.table, p.due
        ),
        cut,
        now,
    )
    .await?;
    let held = match &p.held {
        Some(h) => {
            count(
                &mut tx,
                format!(
                    "SELECT COUNT(*) AS n FROM {} WHERE {} AND ({h})",
                    p.table, p.due
                ),
                cut,
                now,
            )
            .await?
        }
        None => 0,
    };
    if !dry_run && due > 0 {
        let mut s = Sql::new(format!("DELETE FROM {} WHERE {}{keep}", p.table, p.due));
        s.args = vec![cut.into(), now.into()];
        s.query().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok((due, held))
}

/// Prunes each audit chain from its start up to its first event that is either within the
/// period or by a held person; chains of held organisations and held people stay whole.
async fn run_audit(store: &Store, cut: OffsetDateTime, dry_run: bool) -> Result<(u64, u64)> {
    let chains = q(UNHELD_CHAINS, vec![])
        .query()
        .fetch_all(store.pool())
        .await?;
    let old_total = {
        let r = q(
            "SELECT COUNT(*) AS n FROM audit_events WHERE at < $1",
            vec![cut.into()],
        )
        .query()
        .fetch_one(store.pool())
        .await?;
        row::int(&r, "n")?.max(0) as u64
    };
    let mut deleted = 0u64;
    for c in &chains {
        let chain = row::text(c, "chain")?;
        let mut tx = store.write().await?;
        let mut first_kept = Sql::new(format!(
            "SELECT MIN(seq) AS s FROM audit_events WHERE chain = $1 AND (at >= $2 OR user_id IN {HELD_USERS})"
        ));
        first_kept.args = vec![chain.clone().into(), cut.into()];
        let kept = first_kept.query().fetch_one(&mut *tx).await?;
        // No event to keep: the whole chain is past its period.
        let bound = row::opt_int(&kept, "s")?.unwrap_or(i64::MAX);
        let last = q(
            "SELECT seq, hash FROM audit_events WHERE chain = $1 AND seq < $2 ORDER BY seq DESC LIMIT 1",
            vec![chain.clone().into(), bound.into()],
        )
        .query()
        .fetch_optional(&mut *tx)
        .await?;
        let Some(last) = last else {
            continue;
        };
        let (seq, hash) = (row::int(&last, "seq")?, row::text(&last, "hash")?);
        let n = q(
            "SELECT COUNT(*) AS n FROM audit_events WHERE chain = $1 AND seq <= $2",
            vec![chain.clone().into(), seq.into()],
        )
        .query()
        .fetch_one(&mut *tx)
        .await?;
        deleted += row::int(&n, "n")?.max(0) as u64;
        if !dry_run {
            q(
                "DELETE FROM audit_events WHERE chain = $1 AND seq <= $2",
                vec![chain.clone().into(), seq.into()],
            )
            .query()
            .execute(&mut *tx)
            .await?;
            q(
                "UPDATE audit_heads SET pruned_seq = $1, pruned_hash = $2 WHERE chain = $3",
                vec![seq.into(), hash.into(), chain.into()],
            )
            .query()
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    }
    Ok((deleted, old_total.saturating_sub(deleted)))
}

const UNHELD_CHAINS: &str = "SELECT chain FROM audit_heads \
     WHERE chain NOT IN (SELECT id FROM organisations WHERE legal_hold = TRUE) \
     AND chain NOT IN (SELECT 'user:' || id FROM users WHERE legal_hold = TRUE) ORDER BY chain";

/// Applies the policy at `now`; with `dry_run`, only counts.
pub async fn run(
    store: &Store,
    policy: &RetentionPolicy,
    now: OffsetDateTime,
    dry_run: bool,
) -> Result<Report> {
    let mut tables = Vec::new();
    for table in Table::ALL {
        let cut = policy.cutoff(table, now);
        let (deleted, held) = if table == Table::AuditEvents {
            run_audit(store, cut, dry_run).await?
        } else {
            let mut sum = (0, 0);
            for p in plain(table) {
                let (d, h) = run_plain(store, &p, cut, now, dry_run).await?;
                sum = (sum.0 + d, sum.1 + h);
            }
            sum
        };
        tables.push(TableReport {
            table,
            days: policy.days(table),
            deleted,
            held,
        });
    }
    let action = if dry_run {
        "retention.dry_run"
    } else {
        "retention.run"
    };
    audit::record(
        store,
        &Actor::system(),
        Event {
            org: None,
            action,
            entity: "retention",
            entity_id: None,
        },
        now,
    )
    .await?;
    Ok(Report { dry_run, tables })
}

const LAST_RUN: &str = "retention_last_run";

/// True, once a day, for the one caller that should run the batch now: the last run's
/// moment is moved to `now` in the same transaction that read it.
pub async fn claim_daily(store: &Store, now: OffsetDateTime) -> Result<bool> {
    let mut tx = store.write().await?;
    let last = q(
        "SELECT value FROM store_meta WHERE key = $1",
        vec![LAST_RUN.into()],
    )
    .query()
    .fetch_optional(&mut *tx)
    .await?;
    let last = match last {
        Some(r) => Some(row::text(&r, "value")?),
        None => None,
    };
    let due = match last.as_deref().map(pactum_domain::timestamp::parse) {
        Some(Ok(at)) => now - at >= time::Duration::days(1),
        _ => true,
    };
    if due {
        q(
            "DELETE FROM store_meta WHERE key = $1",
            vec![LAST_RUN.into()],
        )
        .query()
        .execute(&mut *tx)
        .await?;
        q(
            "INSERT INTO store_meta (key, value) VALUES ($1, $2)",
            vec![LAST_RUN.into(), now.into()],
        )
        .query()
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(due)
}
