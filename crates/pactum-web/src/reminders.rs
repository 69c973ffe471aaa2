//! The reminder scheduler: once a minute, the process that holds the `reminders` lease
//! looks at every running deadline and sends the reminders whose moment has come, each
//! exactly once (see `pactum_store::reminders` for how a claim is recorded before mail goes
//! out). Several Pactum processes on one PostgreSQL database share the work safely: only
//! the lease holder runs, and even two runners could not both claim one reminder. The same
//! round keeps each organisation's daily compliance score.

use std::time::Duration as StdDuration;

use pactum_domain::organisation::Organisation;
use pactum_store::organisations;
use pactum_store::registers::{self, Deadline, Register};
use pactum_store::reminders::{self, Claim};
use pactum_store::scope::OrgId;
use time::Duration;
use uuid::Uuid;

use crate::mail;
use crate::state::AppState;
use crate::ui::i18n::T;

const LEASE: &str = "reminders";

/// A holder that stops renewing loses the lease after three rounds' time.
fn lease_ttl(state: &AppState) -> Duration {
    Duration::try_from(state.settings.scheduler_interval * 3).unwrap_or(Duration::minutes(3))
}
/// The longest lead any organisation may choose (60 days, see `Organisation::validate`).
const HORIZON: Duration = Duration::days(61);

/// What one round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Round {
    /// False when another process holds the lease (nothing was looked at).
    pub leader: bool,
    /// Reminders claimed (new or retried) in this round.
    pub claimed: usize,
    /// E-mails the relay accepted.
    pub mailed: usize,
    /// E-mails that failed (the reminder is retried later).
    pub failed: usize,
    /// Organisations whose daily compliance score was computed in this round.
    pub scored: usize,
    /// Organisations and accounts removed because their recovery window ended.
    pub purged: pactum_store::lifecycle::Purged,
    /// The retention batch, when this round ran it (once a day).
    pub retention: Option<pactum_store::retention::Report>,
}

/// Organisations scored per round at most, so one round stays short on a large install.
const SCORES_PER_ROUND: u32 = 10;

/// Blobs no row names any more are removed at most once an hour, in the background of the
/// round (a deleted service, vendor, project or organisation took its rows with it).
fn sweep_files(state: &AppState, now: time::OffsetDateTime) {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(i64::MIN);
    let at = now.unix_timestamp();
    let last = LAST.load(Ordering::Relaxed);
    if at.saturating_sub(last) < 3600
        || LAST
            .compare_exchange(last, at, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        match crate::files::sweep(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "swept stored files no record names"),
            Err(e) => tracing::warn!(error = %e, "sweeping stored files failed"),
        }
    });
}

/// Removes what was deleted and not recovered in time, stored files included.
pub async fn purge(
    state: &AppState,
    now: time::OffsetDateTime,
) -> Result<pactum_store::lifecycle::Purged, pactum_store::StoreError> {
    let purged = pactum_store::lifecycle::purge_due(&state.store, now).await?;
    for org in &purged.organisations {
        if let Err(e) = state.settings.files.blobs.remove_org(*org).await {
            // The hourly sweep removes them later: no row names them any more.
            tracing::warn!(error = %e, "removing a purged organisation's files failed");
        }
    }
    if !purged.organisations.is_empty() || purged.accounts > 0 {
        tracing::info!(
            organisations = purged.organisations.len(),
            accounts = purged.accounts,
            "purged what was deleted and not recovered"
        );
    }
    Ok(purged)
}

/// One round at the clock's current time, as `holder` (a process's own id).
pub async fn round(state: &AppState, holder: &str) -> Result<Round, pactum_store::StoreError> {
    let now = state.clock.now();
    let mut out = Round::default();
    if !reminders::lease(&state.store, LEASE, holder, now, lease_ttl(state)).await? {
        return Ok(out);
    }
    out.leader = true;
    sweep_files(state, now);
    out.purged = purge(state, now).await?;
    if pactum_store::retention::claim_daily(&state.store, now).await? {
        let report =
            pactum_store::retention::run(&state.store, &state.settings.retention, now, false)
                .await?;
        tracing::info!(deleted = report.deleted(), "retention batch ran");
        out.retention = Some(report);
    }
    let due = registers::due_between(&state.store, now, now + HORIZON).await?;
    let finished = reminders::finished(&state.store, now).await?;
    let is_finished = |d: &Deadline, lead: i64| {
        finished.contains(&(d.register.collection().to_owned(), d.id, d.due_at, lead))
    };
    let mut orgs: std::collections::HashMap<Uuid, Organisation> = Default::default();
    for d in due {
        let org = match orgs.entry(d.org_id) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => v.insert(
                organisations::get(&state.store, OrgId(d.org_id))
                    .await?
                    .data,
            ),
        };
        let org = &*org;
        let leads = org.reminder_leads(d.register == Register::Breach);
        // Only the latest reminder whose moment has passed: a server that was down (or a
        // case entered late) sends one reminder, not every missed one.
        let Some(lead) = leads
            .iter()
            .copied()
            .filter(|l| d.due_at - Duration::minutes(*l) <= now)
            .min()
        else {
            continue;
        };
        if is_finished(&d, lead) {
            continue;
        }
        let recipients = reminders::recipients(&state.store, d.org_id, d.assignee_id).await?;
        let users: Vec<Uuid> = recipients.iter().map(|r| r.user_id).collect();
        // Skipped leads (larger than the one sent) are claimed too, without mail, so that
        // they never go out after a later one.
        for skipped in leads.iter().copied().filter(|l| *l > lead) {
            if d.due_at - Duration::minutes(skipped) <= now
                && !is_finished(&d, skipped)
                && reminders::claim(&state.store, &d, skipped, &[], now).await? != Claim::Taken
            {
                reminders::mark_sent(&state.store, &d, skipped, now).await?;
            }
        }
        match reminders::claim(&state.store, &d, lead, &users, now).await? {
            Claim::Taken => continue,
            Claim::New | Claim::Retry => out.claimed += 1,
        }
        let (mailed, failed) = send(state, org, &d, &recipients).await;
        out.mailed += mailed;
        out.failed += failed;
        if failed == 0 {
            reminders::mark_sent(&state.store, &d, lead, state.clock.now()).await?;
        }
    }
    // The daily compliance score, for the dashboard's trend also on days nobody looks.
    for (org, zone) in
        pactum_store::compliance::stale(&state.store, now - Duration::days(1), SCORES_PER_ROUND)
            .await?
    {
        let today = pactum_domain::clocks::period::local_date(now, &zone);
        let assessment = pactum_store::compliance::assess(&state.store, org, today, now).await?;
        pactum_store::compliance::record(&state.store, org, today, &assessment, now).await?;
        out.scored += 1;
    }
    Ok(out)
}

/// E-mails one reminder to its recipients with a confirmed address: (sent, failed).
async fn send(
    state: &AppState,
    org: &Organisation,
    d: &Deadline,
    recipients: &[reminders::Recipient],
) -> (usize, usize) {
    let Some(mailer) = &state.security.mailer else {
        // No relay configured: the in-app notification is all there is.
        return (0, 0);
    };
    let now = state.clock.now();
    let link = format!(
        "{}/orgs/{}/{}/{}",
        state.settings.public_url.trim_end_matches('/'),
        org.slug,
        d.register.collection(),
        d.id
    );
    let (mut sent, mut failed) = (0, 0);
    for r in recipients.iter().filter(|r| r.verified) {
        let t = T(r.language);
        let what =
            crate::ui::registers::deadline_name(t, d.register, &d.label, d.reference.as_deref());
        let due = crate::ui::registers::due_text(t, &org.timezone, d.register, d.due_at);
        let left = crate::ui::registers::span(t, now, d.due_at);
        match mailer
            .deliver(
                &r.email,
                mail::reminder(r.language, &what, &due, &left, &link),
            )
            .await
        {
            Ok(()) => sent += 1,
            Err(e) => {
                tracing::warn!(error = %e, "reminder mail could not be sent; it will be retried");
                failed += 1;
            }
        }
    }
    (sent, failed)
}

/// The running scheduler of this process.
pub struct Scheduler {
    task: tokio::task::JoinHandle<()>,
    stop: tokio::sync::watch::Sender<bool>,
    holder: String,
}

/// Runs a round every `scheduler_interval` (a minute by default) until stopped.
pub fn spawn(state: AppState) -> Scheduler {
    let holder = Uuid::now_v7().to_string();
    let interval = state
        .settings
        .scheduler_interval
        .max(StdDuration::from_secs(1));
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn({
        let holder = holder.clone();
        async move {
            // The first round half an interval after start: the server is listening by then.
            let first = tokio::time::Instant::now() + interval / 2;
            let mut every = tokio::time::interval_at(first, interval);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                // A stop waits for the round in progress: its claims and mail go together.
                tokio::select! {
                    _ = every.tick() => {}
                    _ = stopped.changed() => break,
                }
                let result = round(&state, &holder).await;
                count(&state, &result);
                match result {
                    Ok(r) if r.claimed > 0 => tracing::info!(
                        claimed = r.claimed,
                        mailed = r.mailed,
                        failed = r.failed,
                        "reminders sent"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "reminder round failed"),
                }
            }
        }
    });
    Scheduler { task, stop, holder }
}

fn count(state: &AppState, result: &Result<Round, pactum_store::StoreError>) {
    use crate::metrics::Metrics;
    let m = &state.metrics;
    match result {
        Ok(r) => {
            Metrics::outcome(&m.rounds, if r.leader { "led" } else { "followed" });
            m.leader.set(i64::from(r.leader));
            m.reminders
                .get_or_create(&crate::metrics::OutcomeLabels {
                    outcome: "sent".into(),
                })
                .inc_by(r.mailed as u64);
            m.reminders
                .get_or_create(&crate::metrics::OutcomeLabels {
                    outcome: "failed".into(),
                })
                .inc_by(r.failed as u64);
        }
        Err(_) => Metrics::outcome(&m.rounds, "failed"),
    }
}

impl Scheduler {
    /// Lets the round in progress finish (for at most half a minute), then hands the lease
    /// back, so another process takes over at its next round instead of after the lease
    /// runs out.
    pub async fn stop(self, state: &AppState) {
        let _ = self.stop.send(true);
        let abort = self.task.abort_handle();
        if tokio::time::timeout(StdDuration::from_secs(30), self.task)
            .await
            .is_err()
        {
            abort.abort();
            tracing::warn!("the scheduler round did not finish in time and was cut short");
        }
        state.metrics.leader.set(0);
        match reminders::release(&state.store, LEASE, &self.holder).await {
            Ok(true) => tracing::info!("scheduler lease handed back"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "handing back the scheduler lease failed"),
        }
    }
}
