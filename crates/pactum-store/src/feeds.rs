//! Calendar feeds: each user may have one secret feed address (only its digest is kept);
//! making a new one replaces the old, revoking deletes it.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::database::Store;
use crate::error::Result;
use crate::registers::{Deadline, RUNNING, deadline};
use crate::row;
use crate::sql::{Sql, q};

/// Replaces the user's feed with one whose token has `token_hash`.
pub async fn replace(
    store: &Store,
    user: Uuid,
    token_hash: &str,
    now: OffsetDateTime,
) -> Result<()> {
    let mut tx = store.write().await?;
    q(
        "DELETE FROM calendar_feeds WHERE user_id = $1",
        vec![user.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    q(
        "INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES ($1, $2, $3)",
        vec![user.into(), token_hash.into(), now.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes the user's feed. True when there was one.
pub async fn revoke(store: &Store, user: Uuid) -> Result<bool> {
    let mut tx = store.write().await?;
    let done = q(
        "DELETE FROM calendar_feeds WHERE user_id = $1",
        vec![user.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() > 0)
}

/// When the user's feed was made, if they have one.
pub async fn created(store: &Store, user: Uuid) -> Result<Option<OffsetDateTime>> {
    q(
        "SELECT created_at FROM calendar_feeds WHERE user_id = $1",
        vec![user.into()],
    )
    .query()
    .fetch_optional(store.pool())
    .await?
    .map(|r| row::ts(&r, "created_at"))
    .transpose()
}

/// The user a feed token's digest belongs to.
pub async fn owner(store: &Store, token_hash: &str) -> Result<Option<Uuid>> {
    q(
        "SELECT user_id FROM calendar_feeds WHERE token_hash = $1",
        vec![token_hash.into()],
    )
    .query()
    .fetch_optional(store.pool())
    .await?
    .map(|r| row::uuid(&r, "user_id"))
    .transpose()
}

/// A deadline in a feed, with the organisation it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    pub deadline: Deadline,
    pub org_slug: String,
    pub org_name: String,
    pub updated_at: OffsetDateTime,
}

/// Every running deadline in every organisation the user belongs to (every role may read
/// both registers).
pub async fn items(store: &Store, user: Uuid) -> Result<Vec<FeedItem>> {
    let mut sql = Sql::new(format!(
        "SELECT d.*, o.slug, o.legal_name FROM {RUNNING} \
         JOIN members m ON m.org_id = d.org_id AND m.user_id = "
    ));
    let u = sql.arg(user);
    sql.push(&format!(
        "{u} JOIN organisations o ON o.id = d.org_id ORDER BY d.due_at, d.id LIMIT 5000"
    ));
    let rows = sql.query().fetch_all(store.pool()).await?;
    rows.iter()
        .map(|r| {
            Ok(FeedItem {
                deadline: deadline(r)?,
                org_slug: row::text(r, "slug")?,
                org_name: row::text(r, "legal_name")?,
                updated_at: row::ts(r, "updated_at")?,
            })
        })
        .collect()
}
