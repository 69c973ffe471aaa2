//! The legal clocks: when a data-subject request must be answered (Art. 12(3)) and when a
//! breach must be notified (Art. 33(1)), and where a case stands against its deadline.
//! Pure functions of their inputs; callers pass the current time in.

pub mod holidays;
pub mod period;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};
use utoipa::ToSchema;

use crate::validation::Violations;
use holidays::Calendar;
use period::DayDeadline;

/// An organisation's time zone and the days its periods cannot end on: what every clock of
/// its registers needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgCalendar {
    pub zone: String,
    pub calendar: Calendar,
}

impl OrgCalendar {
    /// The chosen holiday region, else the country's list when Pactum has one, else none
    /// (then only weekends and closure days move deadlines).
    pub fn new(zone: &str, country: &str, region: Option<&str>, closures: &[Date]) -> Self {
        let region = region
            .and_then(|r| r.parse::<holidays::Region>().ok())
            .or_else(|| holidays::Region::of_country(country));
        OrgCalendar {
            zone: zone.to_owned(),
            calendar: Calendar {
                region,
                closures: closures.iter().copied().collect(),
            },
        }
    }
}

/// Art. 12(3): one month from receipt.
pub const REQUEST_MONTHS: u32 = 1;
/// Art. 12(3): extendable "by two further months".
pub const EXTENSION_MONTHS: u32 = 2;
/// Art. 33(1): "not later than 72 hours after having become aware of it".
pub const AUTHORITY_HOURS: u32 = 72;
/// Art. 33(2) says "without undue delay"; the contract sets the hours. 24 unless it says.
pub const DEFAULT_CONTROLLER_NOTICE_HOURS: u32 = 24;

/// When a data-subject request must be answered: one month from the day of receipt in the
/// organisation's time zone, moved past weekends, public holidays and closure days.
pub fn request_due(received_at: OffsetDateTime, zone: &str, calendar: &Calendar) -> DayDeadline {
    period::months_from(
        period::local_date(received_at, zone),
        REQUEST_MONTHS,
        calendar,
    )
}

/// The extended deadline: two further months. Counted from the nominal end of the first
/// month (before any move past a weekend or holiday), which at month ends is up to three
/// days earlier than three months from receipt (received 31 January: 28 April, not 30
/// April). Both readings are found; Pactum takes the earlier one so that no one relies on
/// days the stricter reading does not give.
pub fn extended_due(first: &DayDeadline, calendar: &Calendar) -> DayDeadline {
    period::months_from(first.nominal, EXTENSION_MONTHS, calendar)
}

/// Art. 12(3): an extension needs its reasons and must be communicated within the first
/// month (on or before the first deadline's day, and not before receipt).
pub fn check_extension(
    received_on: Date,
    first: &DayDeadline,
    informed_on: Option<Date>,
    reason: Option<&str>,
) -> Result<(), Violations> {
    let mut v = Violations::new();
    if reason.is_none_or(|r| r.trim().is_empty()) {
        v.add(
            "extension_reason",
            "required",
            "extension_reason is required to extend: Art. 12(3) asks for the reasons, given to the requester.",
        );
    }
    match informed_on {
        None => v.add(
            "extension_informed_on",
            "required",
            "extension_informed_on is required to extend: the date the requester was told of the extension.",
        ),
        Some(d) if d > first.due => v.add(
            "extension_informed_on",
            "within_first_month",
            format!(
                "extension_informed_on must be on or before {} (within the first month, Art. 12(3)).",
                first.due
            ),
        ),
        Some(d) if d < received_on => v.add(
            "extension_informed_on",
            "after_receipt",
            format!("extension_informed_on cannot be before the request was received ({received_on})."),
        ),
        Some(_) => {}
    }
    v.into_result()
}

/// The 72 hours to notify the supervisory authority, from awareness.
pub fn authority_due(aware_at: OffsetDateTime) -> OffsetDateTime {
    period::hours_from(aware_at, AUTHORITY_HOURS)
}

/// A processor's notice to its controllers: the contract's hours from awareness.
pub fn controller_notice_due(aware_at: OffsetDateTime, contract_hours: u32) -> OffsetDateTime {
    period::hours_from(aware_at, contract_hours)
}

/// Where a case stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    Open,
    /// Inside the warning window before the deadline.
    DueSoon,
    Overdue,
    ClosedOnTime,
    ClosedLate,
}

impl ClockState {
    pub fn key(self) -> &'static str {
        match self {
            ClockState::Open => "open",
            ClockState::DueSoon => "due_soon",
            ClockState::Overdue => "overdue",
            ClockState::ClosedOnTime => "closed_on_time",
            ClockState::ClosedLate => "closed_late",
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, ClockState::ClosedOnTime | ClockState::ClosedLate)
    }
}

/// The state of a clock with deadline `due` (the instant the period expires; done at that
/// instant is on time) at `now`, closed at `done_at` if it is, warning `warning` ahead.
pub fn state(
    due: OffsetDateTime,
    now: OffsetDateTime,
    done_at: Option<OffsetDateTime>,
    warning: Duration,
) -> ClockState {
    match done_at {
        Some(done) if done <= due => ClockState::ClosedOnTime,
        Some(_) => ClockState::ClosedLate,
        None if now > due => ClockState::Overdue,
        None if now + warning >= due => ClockState::DueSoon,
        None => ClockState::Open,
    }
}

#[cfg(test)]
#[path = "clocks/clocks_tests.rs"]
mod tests;
