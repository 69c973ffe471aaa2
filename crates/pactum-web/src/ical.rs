//! iCalendar (RFC 5545) text for the calendar feeds: one VEVENT per deadline. Written by
//! hand, as the format needs little: CRLF line ends, TEXT escaping (§3.3.11) and lines
//! folded at 75 octets (§3.1) without splitting a UTF-8 character.

use std::fmt::Write;

use time::OffsetDateTime;
use time::macros::format_description;

/// One event of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Globally unique and stable across fetches, so clients update rather than duplicate.
    pub uid: String,
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub summary: String,
    pub description: String,
    pub url: String,
    /// When the underlying record last changed (LAST-MODIFIED).
    pub modified: OffsetDateTime,
}

/// A whole calendar. `stamp` is DTSTAMP: when this text was made.
pub fn calendar(name: &str, stamp: OffsetDateTime, events: &[Event]) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Pactum//Deadlines//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", escape(&e.uid)));
        line(&mut out, &format!("DTSTAMP:{}", utc(stamp)));
        line(&mut out, &format!("DTSTART:{}", utc(e.start)));
        line(&mut out, &format!("DTEND:{}", utc(e.end)));
        line(&mut out, &format!("LAST-MODIFIED:{}", utc(e.modified)));
        line(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
        line(&mut out, &format!("DESCRIPTION:{}", escape(&e.description)));
        // URL is a URI value, not TEXT: no escaping.
        line(&mut out, &format!("URL:{}", e.url));
        line(&mut out, "TRANSP:TRANSPARENT");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// A UTC DATE-TIME (`20261123T143000Z`).
fn utc(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default()
}

/// TEXT escaping: backslash, semicolon, comma and line breaks.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded so that no line exceeds 75 octets (continuations start
/// with one space, which counts).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    let _ = out.write_str("\r\n");
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn text_is_escaped_and_long_lines_folded_on_character_boundaries() {
        let events = [Event {
            uid: "breach-1@pactum".into(),
            start: datetime!(2026-11-23 13:00 UTC),
            end: datetime!(2026-11-23 14:00 UTC),
            summary: "Lek; klantenbestand, \"ë\"\\ test".into(),
            description: "één\ntwee ".repeat(20),
            url: "https://pactum.example/orgs/acme/breaches/1".into(),
            modified: datetime!(2026-11-20 09:00 UTC),
        }];
        let text = calendar("Pactum", datetime!(2026-11-23 12:00 UTC), &events);
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("SUMMARY:Lek\\; klantenbestand\\, \"ë\"\\\\ test\r\n"));
        assert!(text.contains("DTSTART:20261123T130000Z\r\n"));
        for l in text.split("\r\n") {
            assert!(l.len() <= 75, "{l:?} is {} octets", l.len());
            assert!(!l.contains('\n'));
        }
        // Unfolding gives the escaped description back whole.
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{}", "één\\ntwee ".repeat(20))));
    }
}
