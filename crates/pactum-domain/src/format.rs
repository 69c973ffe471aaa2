//! Dates and times as people write them: "5 maart 2025, 15.30 uur" in Dutch (NL Design
//! System text guidance), "5 March 2025, 3:30pm" in English (GOV.UK style). Organisation
//! pages show the organisation's time zone (IANA, from the tz database compiled in, so a
//! host without tzdata shows the same); pages of one's own account show UTC. The zone's
//! abbreviation is named after the time.

use crate::organisation::Language;
use time::OffsetDateTime;

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const NL_MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

pub fn date(language: Language, t: OffsetDateTime) -> String {
    let month = usize::from(u8::from(t.month())) - 1;
    let name = match language {
        Language::En => EN_MONTHS[month],
        Language::Nl => NL_MONTHS[month],
    };
    format!("{} {name} {}", t.day(), t.year())
}

pub fn time_of_day(language: Language, t: OffsetDateTime) -> String {
    match language {
        // No ".00" on whole hours.
        Language::Nl if t.minute() == 0 => format!("{} uur", t.hour()),
        Language::Nl => format!("{}.{:02} uur", t.hour(), t.minute()),
        Language::En => {
            let (h, suffix) = match t.hour() {
                0 => (12, "am"),
                h @ 1..=11 => (h, "am"),
                12 => (12, "pm"),
                h => (h - 12, "pm"),
            };
            if t.minute() == 0 {
                format!("{h}{suffix}")
            } else {
                format!("{h}:{:02}{suffix}", t.minute())
            }
        }
    }
}

pub fn date_time(language: Language, t: OffsetDateTime) -> String {
    format!("{}, {} UTC", date(language, t), time_of_day(language, t))
}

/// A moment as the wall clock of `zone` shows it, with the zone's abbreviation ("CET",
/// "CEST"), or its offset where the database has no letters for it. An unknown zone
/// falls back to UTC.
pub fn date_time_in(language: Language, zone: &str, t: OffsetDateTime) -> String {
    let Ok(tz) = jiff::tz::TimeZone::get(zone) else {
        return date_time(language, t);
    };
    let Ok(ts) = jiff::Timestamp::from_second(t.unix_timestamp()) else {
        return date_time(language, t);
    };
    let info = tz.to_offset_info(ts);
    let seconds = info.offset().seconds();
    let Ok(local) = time::UtcOffset::from_whole_seconds(seconds).map(|o| t.to_offset(o)) else {
        return date_time(language, t);
    };
    let abbreviation = info.abbreviation();
    let name = if abbreviation.chars().all(|c| c.is_ascii_alphabetic()) {
        abbreviation.to_owned()
    } else {
        let sign = if seconds < 0 { '-' } else { '+' };
        let m = seconds.abs() / 60;
        format!("UTC{sign}{}:{:02}", m / 60, m % 60)
    };
    format!(
        "{}, {} {name}",
        date(language, local),
        time_of_day(language, local)
    )
}

/// A moment as a `datetime-local` control shows it: the wall clock of `zone`, to the minute
/// (`2026-11-23T14:30`).
pub fn local_input(zone: &str, t: OffsetDateTime) -> String {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_second(t.unix_timestamp()) {
        Ok(ts) => ts.to_zoned(tz).strftime("%Y-%m-%dT%H:%M").to_string(),
        Err(_) => String::new(),
    }
}

/// A `datetime-local` value (minutes, optionally seconds) read as the wall clock of `zone`.
/// A time that does not exist there (skipped by daylight saving) is read as the time the
/// clocks show after the change; one that happens twice, as the first.
pub fn from_local_input(zone: &str, text: &str) -> Option<OffsetDateTime> {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let civil: jiff::civil::DateTime = text.trim().parse().ok()?;
    let zoned = civil.to_zoned(tz).ok()?;
    OffsetDateTime::from_unix_timestamp(zoned.timestamp().as_second()).ok()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn dutch_and_english_conventions() {
        let t = datetime!(2025-03-05 15:30 UTC);
        assert_eq!(date_time(Language::Nl, t), "5 maart 2025, 15.30 uur UTC");
        assert_eq!(date_time(Language::En, t), "5 March 2025, 3:30pm UTC");
        let whole = datetime!(2026-11-23 09:00 UTC);
        assert_eq!(time_of_day(Language::Nl, whole), "9 uur");
        assert_eq!(time_of_day(Language::En, whole), "9am");
        assert_eq!(
            time_of_day(Language::En, datetime!(2026-11-23 00:05 UTC)),
            "12:05am"
        );
        assert_eq!(
            time_of_day(Language::En, datetime!(2026-11-23 12:00 UTC)),
            "12pm"
        );
    }

    #[test]
    fn form_moments_are_wall_clock_times_of_the_organisation() {
        let zone = "Europe/Amsterdam";
        let winter = datetime!(2026-01-15 13:30 UTC);
        assert_eq!(local_input(zone, winter), "2026-01-15T14:30");
        assert_eq!(from_local_input(zone, "2026-01-15T14:30"), Some(winter));
        let summer = datetime!(2026-07-15 12:30 UTC);
        assert_eq!(local_input(zone, summer), "2026-07-15T14:30");
        assert_eq!(from_local_input(zone, "2026-07-15T14:30:00"), Some(summer));
        // 29 March 2026, 02:30 does not exist in Amsterdam: read as 03:30 CEST.
        assert_eq!(
            from_local_input(zone, "2026-03-29T02:30"),
            Some(datetime!(2026-03-29 01:30 UTC))
        );
        // 25 October 2026, 02:30 happens twice: the first (CEST) is taken.
        assert_eq!(
            from_local_input(zone, "2026-10-25T02:30"),
            Some(datetime!(2026-10-25 00:30 UTC))
        );
        assert_eq!(from_local_input(zone, "yesterday"), None);
        assert_eq!(from_local_input(zone, "2026-02-30T10:00"), None);
    }

    #[test]
    fn organisation_time_zones_follow_daylight_saving() {
        // Winter and summer time in Amsterdam; the clocks went forward on 30 March 2025.
        let winter = datetime!(2025-03-05 15:30 UTC);
        assert_eq!(
            date_time_in(Language::Nl, "Europe/Amsterdam", winter),
            "5 maart 2025, 16.30 uur CET"
        );
        let summer = datetime!(2025-03-30 01:30 UTC);
        assert_eq!(
            date_time_in(Language::En, "Europe/Amsterdam", summer),
            "30 March 2025, 3:30am CEST"
        );
        // The day changes with the zone.
        assert_eq!(
            date_time_in(
                Language::En,
                "America/New_York",
                datetime!(2025-01-01 03:00 UTC)
            ),
            "31 December 2024, 10pm EST"
        );
        assert_eq!(
            date_time_in(Language::En, "No/Such_Zone", winter),
            "5 March 2025, 3:30pm UTC"
        );
    }
}
