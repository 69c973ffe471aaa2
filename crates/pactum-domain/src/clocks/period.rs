//! Periods in months and in hours, computed as Regulation (EEC, Euratom) No 1182/71 says.
//!
//! Applying 1182/71 to GDPR periods is the common reading, not a rule the GDPR states (it
//! names no method); Pactum follows it and shows every step (the nominal end, each day it
//! moved past and why), so a reader who reads otherwise can see the difference.

use serde::Serialize;
use time::{Date, Duration, Month, OffsetDateTime};

use super::holidays::{Calendar, Closed};

/// The end of a period counted in months, as a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayDeadline {
    /// Art. 3(2)(c): the same date in the last month, or that month's last day.
    pub nominal: Date,
    /// Art. 3(4): the nominal end, or the next working day after it.
    pub due: Date,
    /// The days skipped to reach `due`, with the reason for each.
    pub skipped: Vec<(Date, Closed)>,
}

/// `months` after `from` by the calendar: the same day of the month, or the last day of the
/// target month when it has no such day (31 January + 1 month = 28 or 29 February).
pub fn add_months(from: Date, months: u32) -> Date {
    let index = from.year() * 12 + (from.month() as i32 - 1) + months as i32;
    let year = index.div_euclid(12);
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, from.day().min(last)).unwrap_or(from)
}

/// A period of `months` counted from an event on `from` (Art. 3(1): the day of the event
/// does not count; Art. 3(2)(c): it ends with the last hour of the day with the same date;
/// Art. 3(4): when that day is a Saturday, Sunday or public holiday, at the end of the next
/// working day).
pub fn months_from(from: Date, months: u32, calendar: &Calendar) -> DayDeadline {
    let nominal = add_months(from, months);
    let mut due = nominal;
    let mut skipped = Vec::new();
    while let Some(why) = calendar.closed(due) {
        skipped.push((due, why));
        match due.next_day() {
            Some(d) => due = d,
            None => break,
        }
    }
    DayDeadline {
        nominal,
        due,
        skipped,
    }
}

/// A period in hours from an event (Art. 3(4) does not move periods "expressed in hours":
/// weekends and holidays change nothing). The result is the event plus exactly `hours`
/// elapsed hours; across a daylight-saving change the local wall-clock time of the end
/// differs from that of the event by the hour gained or lost.
///
/// Art. 3(1) would leave out the hour in which the event occurs (awareness at 14:35 ends
/// at 15:00 three days later). Pactum ends the period at the event plus the full hours, which
/// is never later than that reading and so the safe one to work to.
pub fn hours_from(event: OffsetDateTime, hours: u32) -> OffsetDateTime {
    event + Duration::hours(hours as i64)
}

/// The instant a day ends in a time zone: the first moment of the next day there, in UTC.
/// An unknown zone is read as UTC (organisation settings only accept known zones).
pub fn end_of_day(day: Date, zone: &str) -> OffsetDateTime {
    let next = day.next_day().unwrap_or(day);
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let civil =
        jiff::civil::date(next.year() as i16, next.month() as i8, next.day() as i8).at(0, 0, 0, 0);
    // Midnight can fall in a gap (a zone that switches at 00:00); jiff resolves it forward.
    let seconds = civil
        .to_zoned(tz)
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0);
    OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The calendar date of an instant in a time zone (when a request was received, say).
pub fn local_date(at: OffsetDateTime, zone: &str) -> Date {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let local = jiff::Timestamp::from_second(at.unix_timestamp())
        .map(|ts| ts.to_zoned(tz).date())
        .ok();
    local
        .and_then(|d| {
            Date::from_calendar_date(
                d.year() as i32,
                Month::try_from(d.month() as u8).ok()?,
                d.day() as u8,
            )
            .ok()
        })
        .unwrap_or(at.date())
}

#[cfg(test)]
#[path = "period_tests.rs"]
mod tests;
