use super::*;
use crate::clocks::holidays::{Calendar, Closed, Region};
use time::macros::{date, datetime};

#[test]
fn months_are_counted_by_calendar_date() {
    for (from, months, expected) in [
        (date!(2026 - 03 - 05), 1, date!(2026 - 04 - 05)),
        (date!(2026 - 01 - 31), 1, date!(2026 - 02 - 28)), // no 31 February
        (date!(2028 - 01 - 31), 1, date!(2028 - 02 - 29)), // leap year
        (date!(2100 - 01 - 31), 1, date!(2100 - 02 - 28)), // century, not a leap year
        (date!(2000 - 01 - 30), 1, date!(2000 - 02 - 29)), // 400th year, a leap year
        (date!(2028 - 02 - 29), 1, date!(2028 - 03 - 29)),
        (date!(2026 - 03 - 31), 1, date!(2026 - 04 - 30)),
        (date!(2026 - 08 - 31), 1, date!(2026 - 09 - 30)),
        (date!(2026 - 12 - 31), 1, date!(2027 - 01 - 31)), // across the year end
        (date!(2026 - 12 - 31), 2, date!(2027 - 02 - 28)),
        (date!(2026 - 10 - 31), 2, date!(2026 - 12 - 31)),
        (date!(2027 - 11 - 30), 3, date!(2028 - 02 - 29)),
    ] {
        assert_eq!(add_months(from, months), expected, "{from} + {months}");
    }
}

fn due(region: &str, received: Date) -> (Date, Date, Vec<Closed>) {
    let cal = Calendar::new(region.parse::<Region>().unwrap());
    let d = months_from(received, 1, &cal);
    (
        d.nominal,
        d.due,
        d.skipped.iter().map(|(_, c)| *c).collect(),
    )
}

#[test]
fn one_month_moves_past_weekends_and_each_countrys_holidays() {
    use Closed::*;
    #[rustfmt::skip]
    let table: &[(&str, Date, Date, Date, &[Closed])] = &[
        // Received on a Thursday; 5 April 2026 is Easter Sunday, the Monday Easter Monday.
        ("NL", date!(2026-03-05), date!(2026-04-05), date!(2026-04-07), &[Sunday, Holiday("easter_monday")]),
        // Good Friday: a holiday in NL (Atw Art. 3(2)), DE and Alsace-Moselle; not in BE or FR.
        ("NL", date!(2026-03-03), date!(2026-04-03), date!(2026-04-07), &[Holiday("good_friday"), Saturday, Sunday, Holiday("easter_monday")]),
        ("DE", date!(2026-03-03), date!(2026-04-03), date!(2026-04-07), &[Holiday("good_friday"), Saturday, Sunday, Holiday("easter_monday")]),
        ("FR-AM", date!(2026-03-03), date!(2026-04-03), date!(2026-04-07), &[Holiday("good_friday"), Saturday, Sunday, Holiday("easter_monday")]),
        ("BE", date!(2026-03-03), date!(2026-04-03), date!(2026-04-03), &[]),
        ("FR", date!(2026-03-03), date!(2026-04-03), date!(2026-04-03), &[]),
        // Koningsdag and Liberation Day (every year under the Atw).
        ("NL", date!(2026-03-27), date!(2026-04-27), date!(2026-04-28), &[Holiday("kings_day")]),
        ("NL", date!(2026-04-05), date!(2026-05-05), date!(2026-05-06), &[Holiday("liberation_day")]),
        ("BE", date!(2026-04-05), date!(2026-05-05), date!(2026-05-05), &[]),
        // Ascension (E+39) and Whit Monday (E+50), in all four countries.
        ("NL", date!(2026-04-14), date!(2026-05-14), date!(2026-05-15), &[Holiday("ascension")]),
        ("BE", date!(2026-04-14), date!(2026-05-14), date!(2026-05-15), &[Holiday("ascension")]),
        ("DE", date!(2026-04-14), date!(2026-05-14), date!(2026-05-15), &[Holiday("ascension")]),
        ("FR", date!(2026-04-14), date!(2026-05-14), date!(2026-05-15), &[Holiday("ascension")]),
        ("FR", date!(2026-04-25), date!(2026-05-25), date!(2026-05-26), &[Holiday("whit_monday")]),
        ("BE", date!(2027-04-17), date!(2027-05-17), date!(2027-05-18), &[Holiday("whit_monday")]),
        // Corpus Christi (E+60) in Bavaria, not in Germany's nationwide list.
        ("DE-BY", date!(2026-05-04), date!(2026-06-04), date!(2026-06-05), &[Holiday("corpus_christi")]),
        ("DE", date!(2026-05-04), date!(2026-06-04), date!(2026-06-04), &[]),
        // Buß- und Bettag in Saxony only.
        ("DE-SN", date!(2026-10-18), date!(2026-11-18), date!(2026-11-19), &[Holiday("repentance_day")]),
        ("DE-BE", date!(2026-10-18), date!(2026-11-18), date!(2026-11-18), &[]),
        // National days.
        ("BE", date!(2027-06-21), date!(2027-07-21), date!(2027-07-22), &[Holiday("be_national_day")]),
        ("FR", date!(2026-06-14), date!(2026-07-14), date!(2026-07-15), &[Holiday("bastille_day")]),
        ("DE", date!(2026-09-03), date!(2026-10-03), date!(2026-10-05), &[Saturday, Sunday]),
        // Christmas into a weekend; the year end; February in and out of leap years.
        ("NL", date!(2026-11-25), date!(2026-12-25), date!(2026-12-28), &[Holiday("christmas"), Saturday, Sunday]),
        ("NL", date!(2026-12-31), date!(2027-01-31), date!(2027-02-01), &[Sunday]),
        ("NL", date!(2027-01-31), date!(2027-02-28), date!(2027-03-01), &[Sunday]),
        ("NL", date!(2028-01-31), date!(2028-02-29), date!(2028-02-29), &[]),
        ("NL", date!(2028-02-29), date!(2028-03-29), date!(2028-03-29), &[]),
        ("NL", date!(2026-01-31), date!(2026-02-28), date!(2026-03-02), &[Saturday, Sunday]),
        // New Year's Day on a Friday.
        ("FR", date!(2026-12-01), date!(2027-01-01), date!(2027-01-04), &[Holiday("new_year"), Saturday, Sunday]),
    ];
    for (region, received, nominal, expected, skipped) in table {
        assert_eq!(
            due(region, *received),
            (*nominal, *expected, skipped.to_vec()),
            "{region}, received {received}"
        );
    }
}

#[test]
fn closure_days_count_like_holidays() {
    let mut cal = Calendar::new(Region::Nl);
    cal.closures.insert(date!(2026 - 05 - 15));
    let d = months_from(date!(2026 - 04 - 14), 1, &cal);
    assert_eq!(d.due, date!(2026 - 05 - 18));
    assert_eq!(
        d.skipped,
        [
            (date!(2026 - 05 - 14), Closed::Holiday("ascension")),
            (date!(2026 - 05 - 15), Closed::Closure),
            (date!(2026 - 05 - 16), Closed::Saturday),
            (date!(2026 - 05 - 17), Closed::Sunday),
        ]
    );
}

fn wall_clock(at: OffsetDateTime, zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone).unwrap();
    jiff::Timestamp::from_second(at.unix_timestamp())
        .unwrap()
        .to_zoned(tz)
        .strftime("%Y-%m-%d %H:%M %Z")
        .to_string()
}

#[test]
fn hours_are_elapsed_hours_whatever_the_calendar_says() {
    // Over a weekend and Easter: nothing moves.
    let aware = datetime!(2026-04-03 16:00 UTC);
    assert_eq!(hours_from(aware, 72), datetime!(2026-04-06 16:00 UTC));
    // Into summer time: the wall clock shows an hour later than the moment of awareness.
    let spring = datetime!(2026-03-27 09:00 UTC);
    assert_eq!(
        wall_clock(spring, "Europe/Amsterdam"),
        "2026-03-27 10:00 CET"
    );
    assert_eq!(
        wall_clock(hours_from(spring, 72), "Europe/Amsterdam"),
        "2026-03-30 11:00 CEST"
    );
    // Into winter time: an hour earlier.
    let autumn = datetime!(2026-10-23 08:00 UTC);
    assert_eq!(
        wall_clock(autumn, "Europe/Amsterdam"),
        "2026-10-23 10:00 CEST"
    );
    assert_eq!(
        wall_clock(hours_from(autumn, 72), "Europe/Amsterdam"),
        "2026-10-26 09:00 CET"
    );
    // Awareness in the repeated hour of the autumn change.
    let twice = datetime!(2026-10-25 00:30 UTC); // 02:30 CEST, the first of two 02:30s
    assert_eq!(hours_from(twice, 24), datetime!(2026-10-26 00:30 UTC));
    assert_eq!(
        wall_clock(hours_from(twice, 24), "Europe/Amsterdam"),
        "2026-10-26 01:30 CET"
    );
}

#[test]
fn a_day_ends_at_the_next_local_midnight() {
    // Winter: midnight in Amsterdam is 23:00 UTC.
    assert_eq!(
        end_of_day(date!(2026 - 03 - 28), "Europe/Amsterdam"),
        datetime!(2026-03-28 23:00 UTC)
    );
    // The day of the spring change ends at midnight summer time: 22:00 UTC.
    assert_eq!(
        end_of_day(date!(2026 - 03 - 29), "Europe/Amsterdam"),
        datetime!(2026-03-29 22:00 UTC)
    );
    // And the day of the autumn change, 25 hours long, at 23:00 UTC.
    assert_eq!(
        end_of_day(date!(2026 - 10 - 25), "Europe/Amsterdam"),
        datetime!(2026-10-25 23:00 UTC)
    );
    assert_eq!(
        end_of_day(date!(2026 - 12 - 31), "UTC"),
        datetime!(2027-01-01 00:00 UTC)
    );
}

#[test]
fn receipt_is_the_local_day() {
    // 23:30 UTC on 4 March is 00:30 on 5 March in Amsterdam.
    let at = datetime!(2026-03-04 23:30 UTC);
    assert_eq!(local_date(at, "Europe/Amsterdam"), date!(2026 - 03 - 05));
    assert_eq!(local_date(at, "UTC"), date!(2026 - 03 - 04));
    assert_eq!(local_date(at, "America/New_York"), date!(2026 - 03 - 04));
}
