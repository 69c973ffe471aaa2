//! Redaction: replace every finding by a mask (`<EMAIL>`), a placeholder that is stable
//! within one document (`<EMAIL_1>`: the same address gets the same number), or a keyed
//! hash (`<EMAIL:3f9a1c0b2d4e>`: stable across documents for whoever holds the key).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, BufRead, Write};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::scanner::scan_bytes;
use crate::{Finding, Kind};

#[derive(Debug, Clone)]
pub enum Policy {
    Mask,
    Placeholder,
    KeyedHash(Vec<u8>),
}

/// Redacts with state: placeholders keep their numbers across calls (one document read
/// in pieces, e.g. line by line).
#[derive(Debug)]
pub struct Redactor {
    policy: Policy,
    numbers: HashMap<(Kind, String), usize>,
    next: HashMap<Kind, usize>,
    findings: Vec<Finding>,
}

/// Normalises a value so spacing and case do not make two placeholders of one value.
fn canonical(kind: Kind, value: &str) -> String {
    match kind {
        Kind::Email | Kind::EmailLocalPart => value.to_ascii_lowercase(),
        Kind::Phone | Kind::Iban | Kind::CardNumber | Kind::Bsn | Kind::VatNumber => value
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect(),
        _ => value.to_owned(),
    }
}

impl Redactor {
    pub fn new(policy: Policy) -> Self {
        Self {
            policy,
            numbers: HashMap::new(),
            next: HashMap::new(),
            findings: Vec::new(),
        }
    }

    fn replacement(&mut self, kind: Kind, value: &str) -> String {
        match &self.policy {
            Policy::Mask => format!("<{}>", kind.label()),
            Policy::Placeholder => {
                let key = (kind, canonical(kind, value));
                let n = match self.numbers.get(&key) {
                    Some(n) => *n,
                    None => {
                        let n = self.next.entry(kind).or_insert(0);
                        *n += 1;
                        let n = *n;
                        self.numbers.insert(key, n);
                        n
                    }
                };
                format!("<{}_{n}>", kind.label())
            }
            Policy::KeyedHash(key) => {
                let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
                    Ok(m) => m,
                    Err(_) => return format!("<{}>", kind.label()),
                };
                mac.update(canonical(kind, value).as_bytes());
                let digest = mac.finalize().into_bytes();
                let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
                format!("<{}:{hex}>", kind.label())
            }
        }
    }

    /// Redacts one piece of text; borrows it unchanged when there is nothing to redact.
    pub fn redact<'a>(&mut self, text: &'a str) -> Cow<'a, str> {
        self.findings.clear();
        let mut findings = std::mem::take(&mut self.findings);
        scan_bytes(text.as_bytes(), &mut findings);
        if findings.is_empty() {
            self.findings = findings;
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 16 * findings.len());
        let mut last = 0;
        for f in &findings {
            out.push_str(&text[last..f.start]);
            let r = self.replacement(f.kind, &text[f.start..f.end]);
            out.push_str(&r);
            last = f.end;
        }
        out.push_str(&text[last..]);
        self.findings = findings;
        Cow::Owned(out)
    }
}

/// Redacts one text on its own.
pub fn redact<'a>(text: &'a str, policy: &Policy) -> Cow<'a, str> {
    Redactor::new(policy.clone()).redact(text)
}

/// Redacts a stream line by line, without holding more than one line: works for files of
/// any size. Bytes that are not UTF-8 are passed through the lossy decoder (and replaced).
pub fn redact_stream<R: BufRead, W: Write>(
    mut input: R,
    mut output: W,
    policy: Policy,
) -> io::Result<()> {
    let mut redactor = Redactor::new(policy);
    let mut line = Vec::with_capacity(8192);
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&line);
        output.write_all(redactor.redact(&text).as_bytes())?;
    }
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask() {
        let out = redact("mail jan@example.nl or bel 06-12345678", &Policy::Mask);
        assert_eq!(out, "mail <EMAIL> or bel <PHONE>");
    }

    #[test]
    fn nothing_found_borrows() {
        assert!(matches!(
            redact("plain text", &Policy::Mask),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn placeholders_are_stable_within_a_document() {
        let mut r = Redactor::new(Policy::Placeholder);
        assert_eq!(r.redact("a@x.nl b@x.nl"), "<EMAIL_1> <EMAIL_2>");
        assert_eq!(r.redact("A@X.NL again"), "<EMAIL_1> again");
        assert_eq!(
            r.redact("NL91 ABNA 0417 1643 00 and NL91ABNA0417164300"),
            "<IBAN_1> and <IBAN_1>"
        );
    }

    #[test]
    fn keyed_hash_depends_on_the_key() {
        let a = redact("jan@example.nl", &Policy::KeyedHash(b"k1".to_vec()));
        let b = redact("jan@example.nl", &Policy::KeyedHash(b"k2".to_vec()));
        assert!(a.starts_with("<EMAIL:") && a.len() == "<EMAIL:>".len() + 12);
        assert_ne!(a, b);
        assert_eq!(
            a,
            redact("JAN@example.nl", &Policy::KeyedHash(b"k1".to_vec()))
        );
    }

    #[test]
    fn stream_keeps_numbering_across_lines() {
        let input = b"jan@example.nl\nnobody\njan@example.nl piet@example.nl\n";
        let mut out = Vec::new();
        redact_stream(&input[..], &mut out, Policy::Placeholder).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<EMAIL_1>\nnobody\n<EMAIL_1> <EMAIL_2>\n"
        );
    }
}
