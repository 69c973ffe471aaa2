//! The Atom feed (RFC 4287) of an organisation's sub-processor change notices. Small
//! enough to write by hand; every text goes through [`escape`].

use pactum_domain::organisation::Organisation;
use pactum_store::processor::notices::Notice;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::processor::{country_name, day_text, display_name, mechanism_name};
use crate::ui::i18n::T;

/// XML character data and attribute values: the five special characters, and control
/// characters XML 1.0 does not allow dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn stamp(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

pub fn notices(
    t: T,
    base: &str,
    org: &Organisation,
    list: &[Notice],
    now: OffsetDateTime,
) -> String {
    let language = t.0;
    let page = format!("{base}/trust/{}", org.slug);
    let name = display_name(org);
    let updated = list
        .iter()
        .map(|n| n.withdrawn_at.unwrap_or(n.published_at))
        .max()
        .unwrap_or(now);
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        crate::processor::language_key(language)
    ));
    out.push_str(&format!(
        "<title>{}</title>\n<id>{}</id>\n<updated>{}</updated>\n<link rel=\"self\" href=\"{}/notices.atom\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<author><name>{}</name></author>\n",
        escape(&format!("{name}: {}", t.s("trust.notices"))),
        escape(&page),
        stamp(updated),
        escape(&page),
        escape(&page),
        escape(&name),
    ));
    for n in list {
        let mut lines = vec![format!(
            "{}: {}",
            t.s("notice.effective_on"),
            day_text(language, n.effective_on)
        )];
        for (key, value) in [
            ("field.purpose", n.purpose.clone()),
            (
                "notice.location",
                n.location.as_deref().map(|c| country_name(language, c)),
            ),
            (
                "field.transfer_mechanism",
                n.transfer_mechanism
                    .as_deref()
                    .map(|m| mechanism_name(language, m)),
            ),
            ("notice.details", n.details.clone()),
            ("notice.withdrawn", n.withdrawn_reason.clone()),
        ] {
            if let Some(v) = value {
                lines.push(format!("{}: {v}", t.s(key)));
            }
        }
        let mut title = crate::ui::trust::notice_title(t, n);
        if n.withdrawn_at.is_some() {
            title = format!("{title} ({})", t.s("notice.withdrawn"));
        }
        out.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>urn:uuid:{}</id>\n<published>{}</published>\n<updated>{}</updated>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}#notice-{}\"/>\n<content type=\"text\">{}</content>\n</entry>\n",
            escape(&title),
            n.id,
            stamp(n.published_at),
            stamp(n.withdrawn_at.unwrap_or(n.published_at)),
            escape(&page),
            n.id,
            escape(&lines.join("\n")),
        ));
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_do_not_survive() {
        assert_eq!(
            escape("a<b>&\"c\"'d'\u{1}\ne"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;\ne"
        );
    }
}
