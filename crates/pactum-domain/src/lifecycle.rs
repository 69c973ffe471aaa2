//! The lifecycle of Pactum's own data: how long a deleted account or organisation stays
//! recoverable, and how long each of Pactum's own tables keeps its rows (the retention
//! batch). Pure: the store applies these periods, the clock is the caller's.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::validation::Violations;

/// Days a deleted account or organisation stays recoverable, unless configured otherwise.
pub const DEFAULT_DELETION_WINDOW_DAYS: u32 = 30;

/// The recovery window: at least a day (a deletion is never final on the spot), at most a
/// year (a deletion that never happens is not one).
pub fn check_deletion_window(days: u32) -> Result<Duration, Violations> {
    if (1..=365).contains(&days) {
        Ok(Duration::days(i64::from(days)))
    } else {
        Err(Violations::single(
            "deletion_window_days",
            "range",
            "deletion_window_days must be between 1 and 365 days.",
        ))
    }
}

/// One of Pactum's own tables the retention batch looks after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    /// Browser sessions (with the address and user agent they came from), counted from
    /// their last use.
    Sessions,
    /// Failed sign-in counters per account and address, from the last failure.
    LoginFailures,
    /// Spent proof-of-work challenges, from their expiry.
    SpentChallenges,
    /// E-mailed links (verification, reset, change of address), from their expiry.
    EmailTokens,
    /// API access and refresh tokens, from their expiry.
    Grants,
    /// Personal API tokens that were revoked or expired, from that moment.
    ApiTokens,
    /// In-app reminders, from when they were made.
    Notifications,
    /// Records of reminders sent, from the deadline they were about.
    Reminders,
    /// Audit events, from when they happened; a chain is pruned from its start.
    AuditEvents,
}

impl Table {
    pub const ALL: [Table; 9] = [
        Table::Sessions,
        Table::LoginFailures,
        Table::SpentChallenges,
        Table::EmailTokens,
        Table::Grants,
        Table::ApiTokens,
        Table::Notifications,
        Table::Reminders,
        Table::AuditEvents,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Table::Sessions => "sessions",
            Table::LoginFailures => "login_failures",
            Table::SpentChallenges => "spent_challenges",
            Table::EmailTokens => "email_tokens",
            Table::Grants => "grants",
            Table::ApiTokens => "api_tokens",
            Table::Notifications => "notifications",
            Table::Reminders => "reminders",
            Table::AuditEvents => "audit_events",
        }
    }

    /// The default period. Sign-in records are kept long enough to look into an incident
    /// reported late (90 days); audit events for seven years, the longest period Dutch law
    /// asks records to be kept (art. 2:10 BW, art. 52 AWR), so the accountability of Art.
    /// 5(2) can be shown for every record an authority may still ask about.
    pub fn default_days(self) -> u32 {
        match self {
            Table::Sessions => 90,
            Table::LoginFailures => 30,
            Table::SpentChallenges => 1,
            Table::EmailTokens => 30,
            Table::Grants => 30,
            Table::ApiTokens => 365,
            Table::Notifications => 365,
            Table::Reminders => 365,
            Table::AuditEvents => 2555,
        }
    }
}

/// Days per table; a table not named keeps its default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionPolicy {
    pub sessions: Option<u32>,
    pub login_failures: Option<u32>,
    pub spent_challenges: Option<u32>,
    pub email_tokens: Option<u32>,
    pub grants: Option<u32>,
    pub api_tokens: Option<u32>,
    pub notifications: Option<u32>,
    pub reminders: Option<u32>,
    pub audit_events: Option<u32>,
}

impl RetentionPolicy {
    fn configured(&self, table: Table) -> Option<u32> {
        match table {
            Table::Sessions => self.sessions,
            Table::LoginFailures => self.login_failures,
            Table::SpentChallenges => self.spent_challenges,
            Table::EmailTokens => self.email_tokens,
            Table::Grants => self.grants,
            Table::ApiTokens => self.api_tokens,
            Table::Notifications => self.notifications,
            Table::Reminders => self.reminders,
            Table::AuditEvents => self.audit_events,
        }
    }

    pub fn days(&self, table: Table) -> u32 {
        self.configured(table)
            .unwrap_or_else(|| table.default_days())
    }

    /// Rows of `table` whose moment is before this are due.
    pub fn cutoff(&self, table: Table, now: OffsetDateTime) -> OffsetDateTime {
        now - Duration::days(i64::from(self.days(table)))
    }

    /// Every period at least a day and at most 100 years. The audit log keeps at least a
    /// year: a shorter log could not answer for the last annual review.
    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        for table in Table::ALL {
            let Some(days) = self.configured(table) else {
                continue;
            };
            let min = if table == Table::AuditEvents { 365 } else { 1 };
            if !(min..=36_500).contains(&days) {
                v.add(
                    &format!("retention.{}", table.key()),
                    "range",
                    format!(
                        "retention.{} must be between {min} and 36500 days.",
                        table.key()
                    ),
                );
            }
        }
        if v.is_empty() { Ok(()) } else { Err(v) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_not_configured_is_the_default_and_a_configured_one_wins() {
        let p = RetentionPolicy {
            sessions: Some(7),
            ..Default::default()
        };
        assert_eq!(p.days(Table::Sessions), 7);
        assert_eq!(p.days(Table::AuditEvents), 2555);
        let now = OffsetDateTime::UNIX_EPOCH + Duration::days(100);
        assert_eq!(
            p.cutoff(Table::Sessions, now),
            OffsetDateTime::UNIX_EPOCH + Duration::days(93)
        );
    }

    #[test]
    fn periods_out_of_range_name_the_table() {
        let p = RetentionPolicy {
            sessions: Some(0),
            audit_events: Some(30),
            ..Default::default()
        };
        let v = p.validate().unwrap_err();
        let fields: Vec<_> = v.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["retention.sessions", "retention.audit_events"]);
        assert!(v.0[1].message.contains("between 365"));
        assert!(RetentionPolicy::default().validate().is_ok());
    }

    #[test]
    fn the_deletion_window_is_between_a_day_and_a_year() {
        assert_eq!(check_deletion_window(30).unwrap(), Duration::days(30));
        assert!(check_deletion_window(0).is_err());
        assert!(check_deletion_window(366).is_err());
        assert_eq!(
            check_deletion_window(0).unwrap_err().0[0].field,
            "deletion_window_days"
        );
    }
}
