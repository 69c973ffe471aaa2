//! `scan` and `redact` on arbitrary input (as lossy UTF-8): no panic; spans in bounds, on character
//! boundaries, ordered and disjoint; redaction replaces exactly the found spans; and no
//! found value occurs in the output more often than it occurred outside the found spans
//! (so redaction never leaves a found value behind).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pactum_pii::{Policy, redact, scan};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let findings = scan(&text);
    let mut last_end = 0;
    let mut expected = String::new();
    let mut outside = Vec::new();
    for f in &findings {
        assert!(f.start < f.end && f.end <= text.len());
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        assert!(f.start >= last_end, "findings overlap or are out of order");
        outside.push(&text[last_end..f.start]);
        expected.push_str(&text[last_end..f.start]);
        expected.push_str(&format!("<{}>", f.kind.label()));
        last_end = f.end;
    }
    outside.push(&text[last_end..]);
    expected.push_str(&text[last_end..]);
    let masked = redact(&text, &Policy::Mask);
    assert_eq!(masked, expected);
    let masked = masked.into_owned();
    // Placeholders: taking out every `<KIND_n>` leaves exactly the text outside findings.
    if !text.contains('<') {
        let out = redact(&text, &Policy::Placeholder);
        assert_eq!(strip_placeholders(&out), outside.join("\u{1}"));
    }
    for f in &findings {
        let value = &text[f.start..f.end];
        let before: usize = outside.iter().map(|s| s.matches(value).count()).sum();
        let after = strip_placeholders(&masked).matches(value).count();
        assert!(after <= before, "{value:?} survived redaction");
    }
});

fn strip_placeholders(out: &str) -> String {
    let mut kept = String::new();
    let mut rest = out;
    while let Some(i) = rest.find('<') {
        kept.push_str(&rest[..i]);
        let tail = &rest[i..];
        match tail.find('>') {
            Some(j) if tail[1..j].chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') => {
                // A separator no value contains, so neighbours do not join up.
                kept.push('\u{1}');
                rest = &tail[j + 1..];
            }
            _ => {
                kept.push('<');
                rest = &tail[1..];
            }
        }
    }
    kept.push_str(rest);
    kept
}
