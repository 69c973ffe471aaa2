//! Breach notices to customers: for a breach the organisation suffered as a processor,
//! each affected customer (controller) is owed a notice within its contract's hours from
//! awareness (Art. 33(2) plus the DPA), then updates as more becomes known (Art. 33(4)).
//! Every e-mail is recorded with its outcome; phase 0 is the first notice, phase n the
//! update that carried the breach's first n updates.

use serde::Serialize;
use sqlx::any::AnyRow;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::database::Store;
use crate::error::Result;
use crate::row;
use crate::scope::OrgId;
use crate::sql::q;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CustomerNotice {
    pub id: Uuid,
    /// Empty once the customer record was removed; the name and address stay.
    pub customer_id: Option<Uuid>,
    pub customer_name: String,
    pub sent_to: String,
    /// 0 for the first notice, n for an update carrying the breach's first n updates.
    pub phase: i64,
    /// The customer's deadline for the first notice.
    #[serde(with = "pactum_domain::timestamp::serde_instant")]
    #[schema(value_type = String, format = DateTime)]
    pub due_at: OffsetDateTime,
    #[serde(with = "pactum_domain::timestamp::serde_instant")]
    #[schema(value_type = String, format = DateTime)]
    pub sent_at: OffsetDateTime,
    /// Whether the mail relay took the message.
    pub delivered: bool,
    pub error: Option<String>,
}

fn from_row(r: &AnyRow) -> Result<CustomerNotice> {
    Ok(CustomerNotice {
        id: row::uuid(r, "id")?,
        customer_id: row::opt_uuid(r, "customer_id")?,
        customer_name: row::text(r, "customer_name")?,
        sent_to: row::text(r, "sent_to")?,
        phase: row::int(r, "phase")?,
        due_at: row::ts(r, "due_at")?,
        sent_at: row::ts(r, "sent_at")?,
        delivered: row::boolean(r, "delivered")?,
        error: row::opt_text(r, "error")?,
    })
}

/// The notices sent for a breach, oldest first.
pub async fn list(store: &Store, org: OrgId, breach: Uuid) -> Result<Vec<CustomerNotice>> {
    q(
        "SELECT id, customer_id, customer_name, sent_to, phase, due_at, sent_at, delivered, error \
         FROM customer_notices WHERE org_id = $1 AND breach_id = $2 ORDER BY sent_at, customer_name, id",
        vec![org.0.into(), breach.into()],
    )
    .query()
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// What one e-mail to a customer was.
#[derive(Debug, Clone)]
pub struct Sent<'a> {
    pub breach: Uuid,
    pub customer: Uuid,
    pub customer_name: &'a str,
    pub sent_to: &'a str,
    pub phase: i64,
    pub due_at: OffsetDateTime,
    pub outcome: std::result::Result<(), String>,
}

/// Records a notice with its outcome, and audits it.
pub async fn record(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    sent: Sent<'_>,
    now: OffsetDateTime,
) -> Result<CustomerNotice> {
    let now = pactum_domain::timestamp::truncate(now);
    let id = Uuid::new_v4();
    let mut tx = store.write().await?;
    q(
        "INSERT INTO customer_notices (id, org_id, breach_id, customer_id, customer_name, sent_to, phase, due_at, sent_at, delivered, error, sent_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        vec![
            id.into(),
            org.0.into(),
            sent.breach.into(),
            sent.customer.into(),
            sent.customer_name.into(),
            sent.sent_to.into(),
            sent.phase.into(),
            sent.due_at.into(),
            now.into(),
            sent.outcome.is_ok().into(),
            sent.outcome.clone().err().into(),
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
            if sent.outcome.is_ok() {
                "breach.customer_notified"
            } else {
                "breach.customer_notice_failed"
            },
            "breach",
            Some(sent.breach),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(CustomerNotice {
        id,
        customer_id: Some(sent.customer),
        customer_name: sent.customer_name.to_owned(),
        sent_to: sent.sent_to.to_owned(),
        phase: sent.phase,
        due_at: sent.due_at,
        sent_at: now,
        delivered: sent.outcome.is_ok(),
        error: sent.outcome.err(),
    })
}
