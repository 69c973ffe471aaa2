//! Across the two registers: the deadlines still running, and re-deriving every clock when
//! what it depends on changes (an organisation's calendar, or the clock rules themselves).
//!
//! A clock runs while `stopped_at` is empty; `due_at` and `stopped_at` are derived by the
//! domain (`Entity::settle`) on every write, so these queries never decode sealed columns.

use pactum_domain::registers::breach::Breach;
use pactum_domain::registers::request::DataSubjectRequest;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::database::Store;
use crate::error::Result;
use crate::records::{self, MAX_PAGE};
use crate::row;
use crate::schema::Stored;
use crate::scope::{OrgId, Scope};
use crate::sql::{Sql, q};

/// Which register a deadline belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Register {
    Breach,
    Request,
}

impl Register {
    /// The collection's URL segment and table name.
    pub fn collection(self) -> &'static str {
        match self {
            Register::Breach => "breaches",
            Register::Request => "requests",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "breaches" => Some(Register::Breach),
            "requests" => Some(Register::Request),
            _ => None,
        }
    }
}

/// A running clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Deadline {
    pub register: Register,
    pub id: Uuid,
    pub org_id: Uuid,
    pub reference: Option<String>,
    /// A breach's title, or a request's kind (`access`, `erasure`...): never sealed text.
    pub label: String,
    pub due_at: OffsetDateTime,
    pub assignee_id: Option<Uuid>,
}

/// Both registers' running clocks as one table `d` (never a sealed column).
/// Organisations scheduled for deletion are locked: their clocks neither remind nor show.
pub(crate) const RUNNING: &str = "(\
    SELECT 'breaches' AS register, id, org_id, reference, title AS label, due_at, assignee_id, updated_at \
    FROM breaches WHERE stopped_at IS NULL AND due_at IS NOT NULL \
    AND org_id NOT IN (SELECT id FROM organisations WHERE purge_at IS NOT NULL) \
    UNION ALL \
    SELECT 'requests' AS register, id, org_id, reference, kind AS label, due_at, assignee_id, updated_at \
    FROM requests WHERE stopped_at IS NULL AND due_at IS NOT NULL \
    AND org_id NOT IN (SELECT id FROM organisations WHERE purge_at IS NOT NULL)) d";

pub(crate) fn deadline(r: &sqlx::any::AnyRow) -> Result<Deadline> {
    let register = row::text(r, "register")?;
    Ok(Deadline {
        register: Register::parse(&register).unwrap_or(Register::Breach),
        id: row::uuid(r, "id")?,
        org_id: row::uuid(r, "org_id")?,
        reference: row::opt_text(r, "reference")?,
        label: row::opt_text(r, "label")?.unwrap_or_default(),
        due_at: row::ts(r, "due_at")?,
        assignee_id: row::opt_uuid(r, "assignee_id")?,
    })
}

/// The organisation's running clocks, soonest (or most overdue) first.
pub async fn open(store: &Store, org: OrgId, limit: u32) -> Result<Vec<Deadline>> {
    let mut sql = Sql::new(format!("SELECT d.* FROM {RUNNING}"));
    let o = sql.arg(org.0);
    sql.push(&format!(
        " WHERE org_id = {o} ORDER BY due_at, id LIMIT {}",
        limit.min(MAX_PAGE)
    ));
    let rows = sql.query().fetch_all(store.pool()).await?;
    rows.iter().map(deadline).collect()
}

/// Every organisation's running clocks that end after `after` and no later than `until`:
/// what the reminder scheduler looks at.
pub async fn due_between(
    store: &Store,
    after: OffsetDateTime,
    until: OffsetDateTime,
) -> Result<Vec<Deadline>> {
    let mut sql = Sql::new(format!("SELECT d.* FROM {RUNNING}"));
    let a = sql.arg(after);
    let u = sql.arg(until);
    sql.push(&format!(
        " WHERE due_at > {a} AND due_at <= {u} ORDER BY due_at, id"
    ));
    let rows = sql.query().fetch_all(store.pool()).await?;
    rows.iter().map(deadline).collect()
}

/// Derives every clock of the organisation again (after its time zone, holiday region or
/// closure days changed). A record whose stored dates no longer pass the calendar's rules
/// (an extension now told after the first month) keeps its previous deadline; the next
/// edit names the problem.
pub async fn resettle(store: &Store, org: OrgId) -> Result<()> {
    resettle_all::<Breach>(store, org).await?;
    resettle_all::<DataSubjectRequest>(store, org).await
}

async fn resettle_all<E: Stored>(store: &Store, org: OrgId) -> Result<()> {
    let calendar = {
        let mut conn = store.pool().acquire().await?;
        crate::organisations::calendar(&mut conn, org).await?
    };
    let records = records::every::<E>(store, Scope::Org(org)).await?;
    let mut tx = store.write().await?;
    for r in &records {
        let mut data = r.data.clone();
        if data.settle(&calendar).is_err() {
            continue;
        }
        let derived = serde_json::to_value(&data).unwrap_or_default();
        let table = E::TABLE;
        let mut sql = Sql::new(format!("UPDATE {} SET ", table.name));
        let mut sets = Vec::new();
        for col in ["due_at", "due_on", "stopped_at"] {
            if table.columns.iter().any(|c| c.name == col) {
                let v = derived[col].as_str().map(str::to_owned);
                let p = sql.arg(v);
                sets.push(format!("{col} = {p}"));
            }
        }
        sql.push(&sets.join(", "));
        let p = sql.arg(r.id);
        sql.push(&format!(" WHERE id = {p}"));
        sql.query().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Bumped when the clock rules change how `due_at` or `stopped_at` are derived.
const CLOCKS_VERSION: &str = "1";
const META_KEY: &str = "clocks_version";

/// Derives every organisation's clocks again when they were derived by other rules than
/// these. Needs the store's sealer (the records are read whole). Cheap when current.
pub async fn resettle_if_stale(store: &Store) -> Result<bool> {
    let current = q(
        "SELECT value FROM store_meta WHERE key = $1",
        vec![META_KEY.into()],
    )
    .query()
    .fetch_optional(store.pool())
    .await?
    .map(|r| row::text(&r, "value"))
    .transpose()?;
    if current.as_deref() == Some(CLOCKS_VERSION) {
        return Ok(false);
    }
    let orgs = q("SELECT id FROM organisations", vec![])
        .query()
        .fetch_all(store.pool())
        .await?;
    for o in orgs {
        resettle(store, OrgId(row::uuid(&o, "id")?)).await?;
    }
    let mut tx = store.write().await?;
    q(
        "DELETE FROM store_meta WHERE key = $1",
        vec![META_KEY.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    q(
        "INSERT INTO store_meta (key, value) VALUES ($1, $2)",
        vec![META_KEY.into(), CLOCKS_VERSION.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}
