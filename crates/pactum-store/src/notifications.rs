//! In-app notifications: one per reminder and recipient, written when the reminder is
//! claimed (`reminders::claim`), read and dismissed by their user only.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::database::Store;
use crate::error::Result;
use crate::registers::Register;
use crate::row;
use crate::sql::q;

#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: Uuid,
    pub org_id: Uuid,
    pub org_slug: String,
    pub register: Register,
    pub record_id: Uuid,
    pub label: String,
    pub due_at: OffsetDateTime,
    pub lead_minutes: i64,
    pub created_at: OffsetDateTime,
    pub read: bool,
}

/// The user's newest notifications, in organisations they still belong to.
pub async fn list(store: &Store, user: Uuid, limit: u32) -> Result<Vec<Notification>> {
    let rows = q(
        "SELECT n.id, n.org_id, o.slug, n.register, n.record_id, n.label, n.due_at, \
         n.lead_minutes, n.created_at, n.read_at FROM notifications n \
         JOIN members m ON m.org_id = n.org_id AND m.user_id = n.user_id \
         JOIN organisations o ON o.id = n.org_id \
         WHERE n.user_id = $1 ORDER BY n.created_at DESC, n.id DESC LIMIT $2",
        vec![user.into(), i64::from(limit.min(200)).into()],
    )
    .query()
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Notification {
                id: row::uuid(r, "id")?,
                org_id: row::uuid(r, "org_id")?,
                org_slug: row::text(r, "slug")?,
                register: Register::parse(&row::text(r, "register")?).unwrap_or(Register::Breach),
                record_id: row::uuid(r, "record_id")?,
                label: row::text(r, "label")?,
                due_at: row::ts(r, "due_at")?,
                lead_minutes: row::int(r, "lead_minutes")?,
                created_at: row::ts(r, "created_at")?,
                read: row::opt_text(r, "read_at")?.is_some(),
            })
        })
        .collect()
}

/// How many of the user's notifications are unread.
pub async fn unread(store: &Store, user: Uuid) -> Result<i64> {
    let r = q(
        "SELECT COUNT(*) AS n FROM notifications n \
         JOIN members m ON m.org_id = n.org_id AND m.user_id = n.user_id \
         WHERE n.user_id = $1 AND n.read_at IS NULL",
        vec![user.into()],
    )
    .query()
    .fetch_one(store.pool())
    .await?;
    row::int(&r, "n")
}

/// Marks all the user's notifications read.
pub async fn mark_all_read(store: &Store, user: Uuid, now: OffsetDateTime) -> Result<u64> {
    let mut tx = store.write().await?;
    let done = q(
        "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
        vec![now.into(), user.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}
