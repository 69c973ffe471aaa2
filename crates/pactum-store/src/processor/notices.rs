//! Sub-processor change notices: published once, never edited, withdrawn at most; and the
//! record of each e-mail that carried one to a subscriber.

use pactum_domain::processor::notice::{NoticeDraft, NoticeKind, minimum_notice_days};
use serde::Serialize;
use sqlx::any::AnyRow;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{date, date_text};
use crate::audit::{self, Actor, Event};
use crate::database::Store;
use crate::error::{Result, StoreError};
use crate::organisations::{enum_from, enum_text};
use crate::row;
use crate::scope::OrgId;
use crate::sql::q;

/// A published notice with what is known about it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Notice {
    pub id: Uuid,
    pub kind: NoticeKind,
    pub name: String,
    pub purpose: Option<String>,
    pub location: Option<String>,
    pub transfer_mechanism: Option<String>,
    pub replaces: Option<String>,
    pub details: Option<String>,
    #[serde(with = "pactum_domain::timestamp::serde_instant")]
    #[schema(value_type = String, format = DateTime)]
    pub published_at: OffsetDateTime,
    #[schema(value_type = String, format = Date)]
    pub effective_on: Date,
    /// The notice period that applied when it was published, in days.
    pub minimum_days: u32,
    #[serde(with = "pactum_domain::timestamp::serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub withdrawn_at: Option<OffsetDateTime>,
    pub withdrawn_reason: Option<String>,
    /// E-mails the relay took, and those it refused.
    pub delivered: i64,
    pub failed: i64,
    /// Objections received against it.
    pub objections: i64,
}

const SELECT: &str = "SELECT n.id, n.kind, n.name, n.purpose, n.location, n.transfer_mechanism, n.replaces, n.details, n.published_at, n.effective_on, n.minimum_days, n.withdrawn_at, n.withdrawn_reason, \
(SELECT COUNT(*) FROM notice_deliveries d WHERE d.notice_id = n.id AND d.delivered) AS delivered, \
(SELECT COUNT(*) FROM notice_deliveries d WHERE d.notice_id = n.id AND NOT d.delivered) AS failed, \
(SELECT COUNT(*) FROM notice_objections o WHERE o.notice_id = n.id) AS objections \
FROM subprocessor_notices n WHERE n.org_id = $1";

fn from_row(r: &AnyRow) -> Result<Notice> {
    Ok(Notice {
        id: row::uuid(r, "id")?,
        kind: enum_from(row::text(r, "kind")?, "subprocessor_notices.kind")?,
        name: row::text(r, "name")?,
        purpose: row::opt_text(r, "purpose")?,
        location: row::opt_text(r, "location")?,
        transfer_mechanism: row::opt_text(r, "transfer_mechanism")?,
        replaces: row::opt_text(r, "replaces")?,
        details: row::opt_text(r, "details")?,
        published_at: row::ts(r, "published_at")?,
        effective_on: date(
            &row::text(r, "effective_on")?,
            "subprocessor_notices.effective_on",
        )?,
        minimum_days: u32::try_from(row::int(r, "minimum_days")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        withdrawn_at: row::opt_ts(r, "withdrawn_at")?,
        withdrawn_reason: row::opt_text(r, "withdrawn_reason")?,
        delivered: row::int(r, "delivered")?,
        failed: row::int(r, "failed")?,
        objections: row::int(r, "objections")?,
    })
}

/// The notice period the organisation must give now: 30 days at least, its own setting,
/// and the longest any customer's contract asks for.
pub async fn minimum_days(store: &Store, org: OrgId) -> Result<u32> {
    let rows = q(
        "SELECT o.subprocessor_notice_days AS own, c.subprocessor_notice_days AS contract \
         FROM organisations o LEFT JOIN customers c ON c.org_id = o.id AND c.subprocessor_notice_days IS NOT NULL \
         WHERE o.id = $1",
        vec![org.0.into()],
    )
    .query()
    .fetch_all(store.pool())
    .await?;
    let own = match rows.first() {
        Some(r) => u32::try_from(row::int(r, "own")?).unwrap_or(0),
        None => return Err(StoreError::NotFound("organisation")),
    };
    let mut contracts = Vec::new();
    for r in &rows {
        if let Some(d) = row::opt_int(r, "contract")? {
            contracts.push(d);
        }
    }
    Ok(minimum_notice_days(own, contracts))
}

/// Publishes a notice. `published_on` is today in the organisation's time zone; the
/// effective date must leave [`minimum_days`] of notice, or nothing is written.
pub async fn publish(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    mut draft: NoticeDraft,
    published_on: Date,
    now: OffsetDateTime,
) -> Result<Notice> {
    draft.normalise();
    let minimum = minimum_days(store, org).await?;
    draft
        .validate(published_on, minimum)
        .map_err(StoreError::Invalid)?;
    let now = pactum_domain::timestamp::truncate(now);
    let id = Uuid::new_v4();
    let mut tx = store.write().await?;
    q(
        "INSERT INTO subprocessor_notices (id, org_id, kind, name, purpose, location, transfer_mechanism, replaces, details, published_at, effective_on, minimum_days, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        vec![
            id.into(),
            org.0.into(),
            enum_text(&draft.kind)?.into(),
            draft.name.as_str().into(),
            draft.purpose.clone().into(),
            draft.location.clone().into(),
            draft.transfer_mechanism.clone().into(),
            draft.replaces.clone().into(),
            draft.details.clone().into(),
            now.into(),
            date_text(draft.effective_on).into(),
            i64::from(minimum).into(),
            actor.user_id.map(|u| u.to_string()).into(),
        ],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        actor,
        Event::org(
            org,
            "subprocessor_notice.published",
            "subprocessor_notice",
            Some(id),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    get(store, org, id).await
}

/// The organisation's notices, newest first.
pub async fn list(store: &Store, org: OrgId) -> Result<Vec<Notice>> {
    crate::sql::Sql {
        text: format!("{SELECT} ORDER BY n.published_at DESC, n.id"),
        args: vec![org.0.into()],
    }
    .query()
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(from_row)
    .collect()
}

pub async fn get(store: &Store, org: OrgId, id: Uuid) -> Result<Notice> {
    crate::sql::Sql {
        text: format!("{SELECT} AND n.id = $2"),
        args: vec![org.0.into(), id.into()],
    }
    .query()
    .fetch_optional(store.pool())
    .await?
    .map(|r| from_row(&r))
    .transpose()?
    .ok_or(StoreError::NotFound("subprocessor notice"))
}

/// Withdraws a notice that has not been withdrawn yet; the reason is shown wherever the
/// notice is (page, feed).
pub async fn withdraw(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    reason: &str,
    now: OffsetDateTime,
) -> Result<Notice> {
    let reason = reason.trim();
    let mut v = pactum_domain::validation::Violations::new();
    v.required_text("reason", reason, pactum_domain::validation::limits::SHORT);
    v.into_result().map_err(StoreError::Invalid)?;
    let now = pactum_domain::timestamp::truncate(now);
    let mut tx = store.write().await?;
    let done = q(
        "UPDATE subprocessor_notices SET withdrawn_at = $1, withdrawn_reason = $2 WHERE org_id = $3 AND id = $4 AND withdrawn_at IS NULL",
        vec![now.into(), reason.into(), org.0.into(), id.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        drop(tx);
        get(store, org, id).await?;
        return Err(StoreError::Conflict {
            field: "id".into(),
            message: "this notice was already withdrawn.".into(),
        });
    }
    audit::append(
        &mut tx,
        actor,
        Event::org(
            org,
            "subprocessor_notice.withdrawn",
            "subprocessor_notice",
            Some(id),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    get(store, org, id).await
}

/// One e-mail that carried a notice.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Delivery {
    pub sent_to: String,
    #[serde(with = "pactum_domain::timestamp::serde_instant")]
    #[schema(value_type = String, format = DateTime)]
    pub sent_at: OffsetDateTime,
    /// Whether the mail relay took the message.
    pub delivered: bool,
    pub error: Option<String>,
}

pub async fn record_delivery(
    store: &Store,
    notice: Uuid,
    subscriber: Uuid,
    sent_to: &str,
    outcome: std::result::Result<(), String>,
    now: OffsetDateTime,
) -> Result<()> {
    let mut tx = store.write().await?;
    q(
        "INSERT INTO notice_deliveries (notice_id, subscriber_id, sent_to, sent_at, delivered, error) VALUES ($1, $2, $3, $4, $5, $6)",
        vec![
            notice.into(),
            subscriber.into(),
            sent_to.into(),
            pactum_domain::timestamp::truncate(now).into(),
            outcome.is_ok().into(),
            outcome.err().into(),
        ],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn deliveries(store: &Store, org: OrgId, notice: Uuid) -> Result<Vec<Delivery>> {
    get(store, org, notice).await?;
    q(
        "SELECT sent_to, sent_at, delivered, error FROM notice_deliveries WHERE notice_id = $1 ORDER BY sent_at, sent_to",
        vec![notice.into()],
    )
    .query()
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(Delivery {
            sent_to: row::text(r, "sent_to")?,
            sent_at: row::ts(r, "sent_at")?,
            delivered: row::boolean(r, "delivered")?,
            error: row::opt_text(r, "error")?,
        })
    })
    .collect()
}
