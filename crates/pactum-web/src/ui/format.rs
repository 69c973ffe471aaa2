//! Dates and times as people write them: "5 maart 2025, 15.30 uur" in Dutch (NL Design
//! System text guidance), "5 March 2025, 3:30pm" in English (GOV.UK style). Shown in UTC
//! with the zone named, until organisations' time zones reach the pages.

use pactum_domain::organisation::Language;
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
}
