use super::*;
use crate::clocks::holidays::Region;
use time::macros::{date, datetime};

fn nl() -> Calendar {
    Calendar::new(Region::Nl)
}

#[test]
fn a_request_is_due_a_month_after_the_local_day_of_receipt() {
    // Received at 00:30 on 5 March in Amsterdam (still 4 March in UTC).
    let d = request_due(datetime!(2026-03-04 23:30 UTC), "Europe/Amsterdam", &nl());
    assert_eq!(d.nominal, date!(2026 - 04 - 05));
    assert_eq!(d.due, date!(2026 - 04 - 07));
    // The deadline is the end of that day there: midnight summer time.
    assert_eq!(
        period::end_of_day(d.due, "Europe/Amsterdam"),
        datetime!(2026-04-07 22:00 UTC)
    );
}

#[test]
fn the_extension_runs_two_months_from_the_first_months_nominal_end() {
    let received = date!(2026 - 01 - 31);
    let first = period::months_from(received, REQUEST_MONTHS, &nl());
    assert_eq!(first.nominal, date!(2026 - 02 - 28));
    assert_eq!(
        first.due,
        date!(2026 - 03 - 02),
        "28 February 2026 is a Saturday"
    );
    let extended = extended_due(&first, &nl());
    assert_eq!(extended.nominal, date!(2026 - 04 - 28));
    assert_eq!(extended.due, date!(2026 - 04 - 28));
    // And moved like any period: 5 March + 3 months is 5 June 2027, a Saturday.
    let first = period::months_from(date!(2027 - 03 - 05), 1, &nl());
    assert_eq!(extended_due(&first, &nl()).due, date!(2027 - 06 - 07));
}

#[test]
fn an_extension_needs_reasons_and_notice_within_the_first_month() {
    let received = date!(2026 - 01 - 31);
    let first = period::months_from(received, 1, &nl());
    let rules = |informed: Option<Date>, reason: Option<&str>| -> Vec<(String, String)> {
        match check_extension(received, &first, informed, reason) {
            Ok(()) => vec![],
            Err(v) => v.0.into_iter().map(|x| (x.field, x.rule)).collect(),
        }
    };
    assert!(rules(Some(date!(2026 - 03 - 02)), Some("Many systems to search")).is_empty());
    assert_eq!(
        rules(Some(date!(2026 - 03 - 03)), Some("Late")),
        [("extension_informed_on".into(), "within_first_month".into())]
    );
    assert_eq!(
        rules(Some(date!(2026 - 01 - 30)), Some("Early")),
        [("extension_informed_on".into(), "after_receipt".into())]
    );
    assert_eq!(
        rules(None, Some("  ")),
        [
            ("extension_reason".into(), "required".into()),
            ("extension_informed_on".into(), "required".into())
        ]
    );
}

#[test]
fn breach_clocks_count_elapsed_hours() {
    let aware = datetime!(2026-12-24 17:45 UTC);
    assert_eq!(authority_due(aware), datetime!(2026-12-27 17:45 UTC));
    assert_eq!(
        controller_notice_due(aware, DEFAULT_CONTROLLER_NOTICE_HOURS),
        datetime!(2026-12-25 17:45 UTC)
    );
    assert_eq!(
        controller_notice_due(aware, 48),
        datetime!(2026-12-26 17:45 UTC)
    );
}

#[test]
fn states_against_the_deadline() {
    let due = datetime!(2026-11-26 12:00 UTC);
    let day = Duration::days(1);
    #[rustfmt::skip]
    let table = [
        (datetime!(2026-11-24 12:00 UTC), None, ClockState::Open),
        (datetime!(2026-11-25 12:00 UTC), None, ClockState::DueSoon), // exactly a day ahead
        (datetime!(2026-11-26 12:00 UTC), None, ClockState::DueSoon), // the last instant
        (datetime!(2026-11-26 12:00:01 UTC), None, ClockState::Overdue),
        (datetime!(2026-11-30 12:00 UTC), Some(datetime!(2026-11-26 12:00 UTC)), ClockState::ClosedOnTime),
        (datetime!(2026-11-30 12:00 UTC), Some(datetime!(2026-11-26 12:00:01 UTC)), ClockState::ClosedLate),
        (datetime!(2026-11-20 12:00 UTC), Some(datetime!(2026-11-20 12:00 UTC)), ClockState::ClosedOnTime),
    ];
    for (now, done, expected) in table {
        assert_eq!(state(due, now, done, day), expected, "{now} {done:?}");
    }
    assert!(ClockState::ClosedLate.is_closed());
    assert!(!ClockState::Overdue.is_closed());
}
