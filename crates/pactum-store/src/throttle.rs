//! Failed sign-ins and spent one-time challenges. Failures are counted per subject (an
//! account, an IP address) in the database, so the back-off survives a restart and holds
//! across several Pactum processes sharing one database.

use pactum_domain::timestamp;
use time::{Duration, OffsetDateTime};

use crate::database::Store;
use crate::error::Result;
use crate::row;
use crate::sql::q;

/// How the lock grows: after `free` failures, each further failure locks the subject for
/// `base` × 2^(n − free − 1), capped at `max`. Failures older than `forget` start over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub free: i64,
    pub base: Duration,
    pub max: Duration,
    pub forget: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            free: 5,
            base: Duration::seconds(30),
            max: Duration::hours(1),
            forget: Duration::hours(24),
        }
    }
}

impl Backoff {
    pub fn lock_for(&self, failures: i64) -> Option<Duration> {
        if failures <= self.free {
            return None;
        }
        let doublings = (failures - self.free - 1).min(20) as u32;
        let lock = self.base * 2i32.pow(doublings.min(30));
        Some(lock.min(self.max))
    }
}

/// Until when a subject is locked, if it is.
pub async fn locked_until(
    store: &Store,
    subject: &str,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>> {
    let r = q(
        "SELECT locked_until FROM login_failures WHERE subject = $1",
        vec![subject.into()],
    )
    .query()
    .fetch_optional(store.pool())
    .await?;
    Ok(r.map(|r| row::opt_ts(&r, "locked_until"))
        .transpose()?
        .flatten()
        .filter(|t| *t > now))
}

/// Counts a failure; returns the failures so far and the lock it caused.
pub async fn fail(
    store: &Store,
    subject: &str,
    backoff: Backoff,
    now: OffsetDateTime,
) -> Result<(i64, Option<OffsetDateTime>)> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    let r = q(
        "SELECT failures, last_failure_at FROM login_failures WHERE subject = $1",
        vec![subject.into()],
    )
    .query()
    .fetch_optional(&mut *tx)
    .await?;
    let failures = match &r {
        Some(r) if now - row::ts(r, "last_failure_at")? < backoff.forget => {
            row::int(r, "failures")? + 1
        }
        _ => 1,
    };
    let until = backoff.lock_for(failures).map(|d| now + d);
    q(
        "INSERT INTO login_failures (subject, failures, last_failure_at, locked_until) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (subject) DO UPDATE SET failures = $2, last_failure_at = $3, locked_until = $4",
        vec![subject.into(), failures.into(), now.into(), until.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((failures, until))
}

/// Forgets a subject's failures after a successful sign-in.
pub async fn clear(store: &Store, subject: &str) -> Result<()> {
    q(
        "DELETE FROM login_failures WHERE subject = $1",
        vec![subject.into()],
    )
    .query()
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Marks a one-time challenge (a proof-of-work puzzle) as spent. False when it already was.
pub async fn spend_challenge(
    store: &Store,
    id: &str,
    expires_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<bool> {
    let mut tx = store.write().await?;
    // Spent challenges are only needed until they would have expired anyway.
    q(
        "DELETE FROM spent_challenges WHERE expires_at < $1",
        vec![now.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    let done = q(
        "INSERT INTO spent_challenges (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
        vec![id.into(), expires_at.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_doubles_up_to_the_cap() {
        let b = Backoff::default();
        assert_eq!(b.lock_for(5), None);
        assert_eq!(b.lock_for(6), Some(Duration::seconds(30)));
        assert_eq!(b.lock_for(7), Some(Duration::seconds(60)));
        assert_eq!(b.lock_for(8), Some(Duration::seconds(120)));
        assert_eq!(b.lock_for(100), Some(Duration::hours(1)));
    }
}
