//! The audit log: one event per data-changing action, written in the same transaction as
//! the change, hash-chained per organisation so a changed, inserted or deleted event is
//! found by [`verify`].
//!
//! An event says who (user id, IP, user agent), what (action, entity, id) and when; never
//! a secret or a field value.

use pactum_domain::timestamp::{self, serde_fmt};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::database::Store;
use crate::error::Result;
use crate::row;
use crate::scope::OrgId;
use crate::sql::{Sql, Value, q};

/// The chain of events that belong to a person's account rather than an organisation.
pub const ACCOUNTS_CHAIN: &str = "accounts";
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who is acting, as far as the request tells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Actor {
    /// Pactum itself: the demo seeder, imports from the command line, background jobs.
    pub fn system() -> Self {
        Self::default()
    }

    pub fn user(id: Uuid) -> Self {
        Self {
            user_id: Some(id),
            ..Self::default()
        }
    }
}

/// What happened.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// The organisation's chain, or the accounts chain when `None`.
    pub org: Option<OrgId>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<Uuid>,
}

impl<'a> Event<'a> {
    pub fn org(org: OrgId, action: &'a str, entity: &'a str, entity_id: Option<Uuid>) -> Self {
        Self {
            org: Some(org),
            action,
            entity,
            entity_id,
        }
    }

    pub fn account(action: &'a str, user_id: Option<Uuid>) -> Self {
        Self {
            org: None,
            action,
            entity: "user",
            entity_id: user_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: Uuid,
    pub seq: i64,
    pub user_id: Option<Uuid>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<Uuid>,
    #[serde(with = "serde_fmt")]
    #[schema(value_type = String)]
    pub at: OffsetDateTime,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub hash: String,
    #[serde(skip)]
    chain: String,
    #[serde(skip)]
    org_id: Option<Uuid>,
    #[serde(skip)]
    prev_hash: String,
}

/// The hashed text of an event: every field, in a fixed order, as JSON.
fn canonical(e: &AuditEvent) -> String {
    let fields = [
        Some(e.chain.clone()),
        Some(e.seq.to_string()),
        Some(e.id.to_string()),
        e.org_id.map(|u| u.to_string()),
        e.user_id.map(|u| u.to_string()),
        Some(e.action.clone()),
        Some(e.entity.clone()),
        e.entity_id.map(|u| u.to_string()),
        Some(timestamp::format(e.at)),
        e.ip.clone(),
        e.user_agent.clone(),
    ];
    serde_json::to_string(&fields).unwrap_or_default()
}

fn chain_hash(prev: &str, e: &AuditEvent) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(canonical(e).as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// User agents are free text chosen by the client: keep them short.
fn clip(s: &Option<String>, max: usize) -> Option<String> {
    s.as_ref().map(|s| s.chars().take(max).collect())
}

/// The chain of one person's account events, so that it can leave with the account when
/// the account is purged (events written before per-person chains are on the accounts
/// chain and leave with the retention period).
pub fn user_chain(user: Uuid) -> String {
    format!("user:{user}")
}

/// Appends an event inside the caller's transaction.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    actor: &Actor,
    event: Event<'_>,
    at: OffsetDateTime,
) -> Result<()> {
    let chain = match (event.org, event.entity, event.entity_id) {
        (Some(org), _, _) => org.0.to_string(),
        (None, "user", Some(user)) => user_chain(user),
        _ => ACCOUNTS_CHAIN.to_owned(),
    };
    q(
        "INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING",
        vec![chain.clone().into(), GENESIS.into()],
    )
    .query()
    .execute(&mut *conn)
    .await?;
    // The UPDATE takes the head row's lock (PostgreSQL) inside the write transaction
    // (SQLite), so two appends to one chain cannot interleave.
    let head = q(
        "UPDATE audit_heads SET seq = seq + 1 WHERE chain = $1 RETURNING seq, hash",
        vec![chain.clone().into()],
    )
    .query()
    .fetch_one(&mut *conn)
    .await?;
    let mut e = AuditEvent {
        id: Uuid::now_v7(),
        seq: row::int(&head, "seq")?,
        user_id: actor.user_id,
        action: event.action.to_owned(),
        entity: event.entity.to_owned(),
        entity_id: event.entity_id,
        at: timestamp::truncate(at),
        ip: clip(&actor.ip, 64),
        user_agent: clip(&actor.user_agent, 300),
        hash: String::new(),
        chain,
        org_id: event.org.map(|o| o.0),
        prev_hash: row::text(&head, "hash")?,
    };
    e.hash = chain_hash(&e.prev_hash, &e);
    q(
        "INSERT INTO audit_events (id, chain, seq, org_id, user_id, action, entity, entity_id, at, ip, user_agent, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        vec![
            e.id.into(),
            e.chain.clone().into(),
            e.seq.into(),
            Value::Text(e.org_id.map(|u| u.to_string())),
            Value::Text(e.user_id.map(|u| u.to_string())),
            e.action.clone().into(),
            e.entity.clone().into(),
            Value::Text(e.entity_id.map(|u| u.to_string())),
            e.at.into(),
            e.ip.clone().into(),
            e.user_agent.clone().into(),
            e.prev_hash.clone().into(),
            e.hash.clone().into(),
        ],
    )
    .query()
    .execute(&mut *conn)
    .await?;
    q(
        "UPDATE audit_heads SET hash = $1 WHERE chain = $2",
        vec![e.hash.into(), e.chain.into()],
    )
    .query()
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Appends an event in a transaction of its own (for events with no other write).
pub async fn record(
    store: &Store,
    actor: &Actor,
    event: Event<'_>,
    at: OffsetDateTime,
) -> Result<()> {
    let mut tx = store.write().await?;
    append(&mut tx, actor, event, at).await?;
    tx.commit().await?;
    Ok(())
}

const COLUMNS: &str = "id, chain, seq, org_id, user_id, action, entity, entity_id, at, ip, user_agent, prev_hash, hash";

fn from_row(r: &sqlx::any::AnyRow) -> Result<AuditEvent> {
    Ok(AuditEvent {
        id: row::uuid(r, "id")?,
        seq: row::int(r, "seq")?,
        user_id: row::opt_uuid(r, "user_id")?,
        action: row::text(r, "action")?,
        entity: row::text(r, "entity")?,
        entity_id: row::opt_uuid(r, "entity_id")?,
        at: row::ts(r, "at")?,
        ip: row::opt_text(r, "ip")?,
        user_agent: row::opt_text(r, "user_agent")?,
        hash: row::text(r, "hash")?,
        chain: row::text(r, "chain")?,
        org_id: row::opt_uuid(r, "org_id")?,
        prev_hash: row::text(r, "prev_hash")?,
    })
}

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub user_id: Option<Uuid>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    pub limit: i64,
    pub offset: i64,
}

/// An organisation's events, newest first.
pub async fn list(store: &Store, org: OrgId, filter: &Filter) -> Result<Vec<AuditEvent>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM audit_events WHERE chain = "));
    let p = sql.arg(org.0.to_string());
    sql.push(&p);
    if let Some(u) = filter.user_id {
        let p = sql.arg(u);
        sql.push(&format!(" AND user_id = {p}"));
    }
    if let Some(a) = &filter.action {
        let p = sql.arg(a.as_str());
        sql.push(&format!(" AND action = {p}"));
    }
    if let Some(e) = &filter.entity {
        let p = sql.arg(e.as_str());
        sql.push(&format!(" AND entity = {p}"));
    }
    if let Some(t) = filter.from {
        let p = sql.arg(t);
        sql.push(&format!(" AND at >= {p}"));
    }
    if let Some(t) = filter.to {
        let p = sql.arg(t);
        sql.push(&format!(" AND at < {p}"));
    }
    let l = sql.arg(filter.limit);
    let o = sql.arg(filter.offset);
    sql.push(&format!(" ORDER BY seq DESC LIMIT {l} OFFSET {o}"));
    let rows = sql.query().fetch_all(store.pool()).await?;
    rows.iter().map(from_row).collect()
}

/// The outcome of checking one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub chain: String,
    pub events: u64,
    /// The first problem found, with the sequence number where it shows.
    pub problem: Option<(i64, String)>,
}

/// Recomputes every hash of every chain, in order, and compares sequence numbers and the
/// head: an edited event breaks its hash, an inserted or deleted one breaks the sequence
/// or the link, and a deleted last event no longer matches the head.
pub async fn verify(store: &Store) -> Result<Vec<ChainReport>> {
    let heads = q(
        "SELECT chain, seq, hash, pruned_seq, pruned_hash FROM audit_heads ORDER BY chain",
        vec![],
    )
    .query()
    .fetch_all(store.pool())
    .await?;
    let mut reports = Vec::new();
    for head in heads {
        let chain = row::text(&head, "chain")?;
        let head_seq = row::int(&head, "seq")?;
        let head_hash = row::text(&head, "hash")?;
        let mut report = ChainReport {
            chain: chain.clone(),
            events: 0,
            problem: None,
        };
        // A chain the retention batch pruned starts after the last event it removed.
        let mut prev = row::opt_text(&head, "pruned_hash")?.unwrap_or_else(|| GENESIS.to_owned());
        let mut expected_seq = row::int(&head, "pruned_seq")? + 1;
        // In pages, so a long chain does not sit in memory at once.
        'pages: loop {
            let rows = q(
                "SELECT id, chain, seq, org_id, user_id, action, entity, entity_id, at, ip, user_agent, prev_hash, hash \
                 FROM audit_events WHERE chain = $1 AND seq >= $2 ORDER BY seq LIMIT 1000",
                vec![chain.clone().into(), expected_seq.into()],
            )
            .query()
            .fetch_all(store.pool())
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let e = from_row(r)?;
                report.events += 1;
                let problem = if e.seq != expected_seq {
                    Some(format!("event {expected_seq} is missing"))
                } else if e.prev_hash != prev {
                    Some("the link to the previous event is broken".to_owned())
                } else if chain_hash(&prev, &e) != e.hash {
                    Some("the event was changed after it was written".to_owned())
                } else {
                    None
                };
                if let Some(p) = problem {
                    report.problem = Some((expected_seq, p));
                    break 'pages;
                }
                prev = e.hash.clone();
                expected_seq += 1;
            }
        }
        if report.problem.is_none() && (expected_seq - 1 != head_seq || prev != head_hash) {
            report.problem = Some((
                expected_seq,
                format!(
                    "the chain ends at event {} but its head says {head_seq}: events were deleted",
                    expected_seq - 1
                ),
            ));
        }
        reports.push(report);
    }
    Ok(reports)
}
