//! Objections to sub-processor changes (Art. 28(2)): received through the trust page
//! during a notice's period, then followed up by the organisation.

use pactum_domain::processor::notice::{ObjectionDraft, ObjectionStatus};
use serde::Serialize;
use sqlx::any::AnyRow;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::database::Store;
use crate::error::{Result, StoreError};
use crate::organisations::{enum_from, enum_text};
use crate::row;
use crate::scope::OrgId;
use crate::sql::q;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Objection {
    pub id: Uuid,
    pub notice_id: Uuid,
    /// The sub-processor the notice is about.
    pub notice_name: String,
    pub customer_name: String,
    pub contact_name: String,
    pub email: String,
    pub reasons: String,
    pub status: ObjectionStatus,
    /// What the organisation answered or agreed.
    pub response: Option<String>,
    #[serde(with = "pactum_domain::timestamp::serde_instant")]
    #[schema(value_type = String, format = DateTime)]
    pub received_at: OffsetDateTime,
    #[serde(with = "pactum_domain::timestamp::serde_instant")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

const SELECT: &str = "SELECT o.id, o.notice_id, n.name AS notice_name, o.customer_name, o.contact_name, o.email, o.reasons, o.status, o.response, o.received_at, o.updated_at \
FROM notice_objections o JOIN subprocessor_notices n ON n.id = o.notice_id WHERE o.org_id = $1";

fn from_row(r: &AnyRow) -> Result<Objection> {
    Ok(Objection {
        id: row::uuid(r, "id")?,
        notice_id: row::uuid(r, "notice_id")?,
        notice_name: row::text(r, "notice_name")?,
        customer_name: row::text(r, "customer_name")?,
        contact_name: row::text(r, "contact_name")?,
        email: row::text(r, "email")?,
        reasons: row::text(r, "reasons")?,
        status: enum_from(row::text(r, "status")?, "notice_objections.status")?,
        response: row::opt_text(r, "response")?,
        received_at: row::ts(r, "received_at")?,
        updated_at: row::ts(r, "updated_at")?,
    })
}

/// Records an objection to a notice of the organisation. Only while the notice runs: it
/// must not be withdrawn and `today` (the organisation's) must be before its effective day.
pub async fn object(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    notice: Uuid,
    mut draft: ObjectionDraft,
    today: Date,
    now: OffsetDateTime,
) -> Result<Objection> {
    draft.normalise();
    draft.validate().map_err(StoreError::Invalid)?;
    let n = super::notices::get(store, org, notice).await?;
    if n.withdrawn_at.is_some() || today >= n.effective_on {
        return Err(StoreError::invalid(
            "notice",
            "closed",
            "this notice is no longer open to objections: it was withdrawn or its notice period has ended.",
        ));
    }
    let now = pactum_domain::timestamp::truncate(now);
    let id = Uuid::new_v4();
    let mut tx = store.write().await?;
    q(
        "INSERT INTO notice_objections (id, org_id, notice_id, customer_name, contact_name, email, reasons, status, received_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        vec![
            id.into(),
            org.0.into(),
            notice.into(),
            draft.customer_name.as_str().into(),
            draft.contact_name.as_str().into(),
            draft.email.as_str().into(),
            draft.reasons.as_str().into(),
            enum_text(&ObjectionStatus::Received)?.into(),
            now.into(),
            now.into(),
        ],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        actor,
        Event::org(org, "objection.received", "objection", Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    get(store, org, id).await
}

/// The organisation's objections, open ones first, newest first within.
pub async fn list(store: &Store, org: OrgId) -> Result<Vec<Objection>> {
    let mut all: Vec<Objection> = crate::sql::Sql {
        text: format!("{SELECT} ORDER BY o.received_at DESC, o.id"),
        args: vec![org.0.into()],
    }
    .query()
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(from_row)
    .collect::<Result<_>>()?;
    all.sort_by_key(|o| !o.status.is_open());
    Ok(all)
}

pub async fn get(store: &Store, org: OrgId, id: Uuid) -> Result<Objection> {
    crate::sql::Sql {
        text: format!("{SELECT} AND o.id = $2"),
        args: vec![org.0.into(), id.into()],
    }
    .query()
    .fetch_optional(store.pool())
    .await?
    .map(|r| from_row(&r))
    .transpose()?
    .ok_or(StoreError::NotFound("objection"))
}

/// Moves an objection on, with the organisation's response.
pub async fn update(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    status: ObjectionStatus,
    response: Option<&str>,
    now: OffsetDateTime,
) -> Result<Objection> {
    let response = response.map(str::trim).filter(|r| !r.is_empty());
    let mut v = pactum_domain::validation::Violations::new();
    v.optional_text(
        "response",
        response,
        pactum_domain::validation::limits::TEXT,
    );
    if matches!(
        status,
        ObjectionStatus::Resolved | ObjectionStatus::Terminated
    ) && response.is_none()
    {
        v.add(
            "response",
            "required",
            "response is required to close an objection: record what was agreed or why the customer terminates.",
        );
    }
    v.into_result().map_err(StoreError::Invalid)?;
    let now = pactum_domain::timestamp::truncate(now);
    let mut tx = store.write().await?;
    let done = q(
        "UPDATE notice_objections SET status = $1, response = $2, updated_at = $3 WHERE org_id = $4 AND id = $5",
        vec![
            enum_text(&status)?.into(),
            response.into(),
            now.into(),
            org.0.into(),
            id.into(),
        ],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("objection"));
    }
    audit::append(
        &mut tx,
        actor,
        Event::org(org, "objection.changed", "objection", Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    get(store, org, id).await
}
