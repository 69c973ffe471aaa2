//! The single-pass scanner. It walks the bytes once, skipping ordinary words in one step,
//! and looks closer only where an identifier can start: a word start with a digit or a
//! capital, `@`, `$`, `+`, `(` and `://`. Every candidate is then checked (checksum,
//! length table, boundaries) before it becomes a finding.

use std::net::Ipv6Addr;

use crate::checks;
use crate::{Finding, Kind};

const ALNUM: u8 = 1;
const DIGIT: u8 = 2;
const UPPER: u8 = 4;
const HEX: u8 = 8;
const WORD: u8 = 16; // alnum or '_'
const TRIGGER: u8 = 32; // @ $ : + (

/// What the scanner does after looking at a word.
enum Step {
    Found(Finding),
    /// Nothing here; continue after this offset.
    Skip(usize),
}

const fn classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        let mut v = 0;
        if c.is_ascii_alphanumeric() {
            v |= ALNUM | WORD;
        }
        if c.is_ascii_digit() {
            v |= DIGIT;
        }
        if c.is_ascii_uppercase() {
            v |= UPPER;
        }
        if c.is_ascii_hexdigit() {
            v |= HEX;
        }
        if c == b'_' {
            v |= WORD;
        }
        if matches!(c, b'@' | b'$' | b':' | b'+' | b'(') {
            v |= TRIGGER;
        }
        t[i] = v;
        i += 1;
    }
    t
}

static CLASS: [u8; 256] = classes();

#[inline]
fn class(c: u8) -> u8 {
    CLASS[c as usize]
}

#[inline]
fn is_word(c: u8) -> bool {
    class(c) & WORD != 0
}

#[inline]
fn is_alnum(c: u8) -> bool {
    class(c) & ALNUM != 0
}

#[inline]
fn is_digit(c: u8) -> bool {
    c.is_ascii_digit()
}

fn word_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_word(b[i]) {
        i += 1;
    }
    i
}

/// Finds every piece of personal data in `text`, in order, without overlaps.
pub fn scan(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    scan_bytes(text.as_bytes(), &mut out);
    out
}

fn finding(kind: Kind, start: usize, end: usize, confidence: f64) -> Option<Finding> {
    Some(Finding {
        kind,
        start,
        end,
        confidence,
    })
}

pub(crate) fn scan_bytes(b: &[u8], out: &mut Vec<Finding>) {
    let n = b.len();
    let mut i = 0;
    while i < n {
        let c = b[i];
        let cls = class(c);
        if cls == 0 {
            i += 1;
            continue;
        }
        let at_start = i == 0 || !is_word(b[i - 1]);
        if cls & ALNUM != 0 {
            let run_end = word_end(b, i);
            if !at_start {
                i = run_end;
                continue;
            }
            match token(b, i, run_end) {
                Step::Found(f) => {
                    i = f.end;
                    out.push(f);
                }
                Step::Skip(to) => i = to.max(run_end),
            }
            continue;
        }
        let found = match c {
            b'@' => email(b, i).inspect(|f| {
                while out.last().is_some_and(|l| l.end > f.start) {
                    out.pop();
                }
            }),
            b'$' if at_start => password_hash(b, i),
            b':' if b.get(i + 1) == Some(&b'/') && b.get(i + 2) == Some(&b'/') => {
                // Like an e-mail address, a URL is recognised from the middle: it wins
                // over what was found in its scheme or user part.
                credential_url(b, i).inspect(|f| {
                    while out.last().is_some_and(|l| l.end > f.start) {
                        out.pop();
                    }
                })
            }
            b':' if b.get(i + 1) == Some(&b':')
                && (i == 0 || !(is_word(b[i - 1]) || b[i - 1] == b':')) =>
            {
                ipv6(b, i)
            }
            b'+' | b'(' if at_start && b.get(i + 1).is_some_and(|d| is_digit(*d)) => {
                match numeric_run(b, i) {
                    (Some(f), _) => Some(f),
                    // After "+", the digits were not a phone number; after "(" they may still
                    // be something else, so only "+" skips them.
                    (None, skip) if c == b'+' => {
                        i = skip.max(i + 1);
                        continue;
                    }
                    (None, _) => None,
                }
            }
            _ => None,
        };
        match found {
            Some(f) => {
                i = f.end.max(i + 1);
                out.push(f);
            }
            None => i += 1,
        }
    }
}

/// A word starting at `start` (a token boundary) and running to `run_end`.
fn token(b: &[u8], start: usize, run_end: usize) -> Step {
    match word_token(b, start, run_end) {
        Ok(Some(f)) => Step::Found(f),
        Ok(None) => Step::Skip(run_end),
        Err(skip) => Step::Skip(skip),
    }
}

/// `Err(offset)` when a rejected number should be skipped whole.
fn word_token(b: &[u8], start: usize, run_end: usize) -> Result<Option<Finding>, usize> {
    let c = b[start];
    let next = b.get(run_end).copied();
    if let Some(f) = hex_token(b, start, run_end) {
        return Ok(Some(f));
    }
    if class(c) & HEX != 0
        && next == Some(b':')
        && let Some(f) = ipv6(b, start)
    {
        return Ok(Some(f));
    }
    if is_digit(c) {
        // Digits glued to letters ("57e26b20", "000Z") are ids or words, never numbers.
        let mut d = start;
        while d < run_end && is_digit(b[d]) {
            d += 1;
        }
        if d < run_end {
            return Ok(None);
        }
        if next == Some(b'.')
            && let Some(f) = ipv4(b, start)
        {
            return Ok(Some(f));
        }
        return match numeric_run(b, start) {
            (Some(f), _) => Ok(Some(f)),
            (None, skip) => Err(skip),
        };
    }
    if class(c) & UPPER != 0 && run_end - start >= 4 && class(b[start + 1]) & UPPER != 0 {
        match iban(b, start) {
            Ok(Some(f)) => return Ok(Some(f)),
            // An IBAN-shaped value with a wrong checksum: skip it whole, so its digit
            // groups are not read as a card or phone number.
            Err(end) => return Err(end),
            Ok(None) => {}
        }
        if let Some(f) = vat(b, start, run_end) {
            return Ok(Some(f));
        }
    }
    if c == b'e'
        && b[start..].starts_with(b"eyJ")
        && let Some(f) = jwt(b, start)
    {
        return Ok(Some(f));
    }
    Ok(api_key(b, start))
}

fn hex_token(b: &[u8], start: usize, run_end: usize) -> Option<Finding> {
    if run_end - start < 32 {
        return None;
    }
    let (mut digits, mut letters) = (false, false);
    for &c in &b[start..run_end] {
        if class(c) & HEX == 0 {
            return None;
        }
        if is_digit(c) {
            digits = true;
        } else {
            letters = true;
        }
    }
    (digits && letters).then_some(())?;
    finding(Kind::HexToken, start, run_end, 0.8)
}

fn email(b: &[u8], at: usize) -> Option<Finding> {
    let is_local = |c: u8| is_alnum(c) || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
    let mut s = at;
    while s > 0 && is_local(b[s - 1]) && at - s < 64 {
        s -= 1;
    }
    while s < at && matches!(b[s], b'.' | b'-' | b'+') {
        s += 1;
    }
    if s == at || b[at - 1] == b'.' || (s > 0 && is_local(b[s - 1])) {
        return None;
    }
    let n = b.len();
    let mut e = at + 1;
    while e < n && (is_alnum(b[e]) || b[e] == b'-' || b[e] == b'.') && e - at < 255 {
        e += 1;
    }
    while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
        e -= 1;
    }
    let domain = &b[at + 1..e];
    let valid_domain = !domain.is_empty()
        && is_alnum(domain[0])
        && !domain.windows(2).any(|w| w == b"..")
        && domain.iter().rposition(|c| *c == b'.').is_some_and(|dot| {
            let tld = &domain[dot + 1..];
            tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic)
        });
    if valid_domain {
        return finding(Kind::Email, s, e, 0.95);
    }
    // The local part alone, where a log has masked or cut the domain: "jan.jansen@***".
    let masked = domain.is_empty() && matches!(b.get(at + 1), Some(b'*' | b'<' | b'[' | b'.'));
    let cut = at + 1 == n
        || (domain.is_empty()
            && b.get(at + 1)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'"'));
    let local = &b[s..at];
    let looks_personal = local.len() >= 3 && local.iter().any(|c| matches!(c, b'.' | b'_' | b'-'));
    if (masked || (cut && looks_personal)) && local.iter().any(u8::is_ascii_alphabetic) {
        return finding(Kind::EmailLocalPart, s, at, 0.7);
    }
    None
}

fn ipv4(b: &[u8], start: usize) -> Option<Finding> {
    let mut e = start;
    while e < b.len() && (is_digit(b[e]) || b[e] == b'.') && e - start < 16 {
        e += 1;
    }
    while e > start && b[e - 1] == b'.' {
        e -= 1;
    }
    if b.get(e).is_some_and(|c| is_alnum(*c) || *c == b'.') {
        return None;
    }
    checks::ipv4(&b[start..e]).then_some(())?;
    finding(Kind::Ipv4, start, e, 0.9)
}

fn ipv6(b: &[u8], start: usize) -> Option<Finding> {
    let mut e = start;
    let mut colons = 0;
    while e < b.len() && (class(b[e]) & HEX != 0 || b[e] == b':' || b[e] == b'.') && e - start < 45
    {
        if b[e] == b':' {
            colons += 1;
        }
        e += 1;
    }
    while e > start && b[e - 1] == b'.' {
        e -= 1;
    }
    // Letters and colons alone ("A::", "add::") are words and separators, not addresses.
    if colons < 2
        || b.get(e).is_some_and(|c| is_word(*c))
        || !b[start..e].iter().any(u8::is_ascii_digit)
    {
        return None;
    }
    // Eight groups (seven colons) or a "::" abbreviation; times like 09:30:00 are neither.
    if colons != 7 && !b[start..e].windows(2).any(|w| w == b"::") {
        return None;
    }
    let text = std::str::from_utf8(&b[start..e]).ok()?;
    text.parse::<Ipv6Addr>().ok()?;
    finding(Kind::Ipv6, start, e, 0.9)
}

/// Digits with separators, from a digit, `+` or `(`: BSN, card, or phone number.
/// The number at `start` (if it is one) and the end of the digit run examined, so that a
/// rejected number is skipped whole and its tail is not mistaken for a shorter number.
fn numeric_run(b: &[u8], start: usize) -> (Option<Finding>, usize) {
    let found = numeric_inner(b, start);
    (found.0, found.1)
}

fn numeric_inner(b: &[u8], start: usize) -> (Option<Finding>, usize) {
    let n = b.len();
    let mut digits = [0u8; 24];
    let mut nd = 0usize;
    // (digit count, end offset) at each place a group of digits ends.
    let mut groups: [(usize, usize); 12] = [(0, 0); 12];
    let mut ng = 0usize;
    let mut j = start;
    let plus = b[start] == b'+';
    if plus {
        j += 1;
    }
    let mut seps = 0;
    let mut last_end = start;
    while j < n {
        let c = b[j];
        if is_digit(c) {
            if nd == digits.len() {
                return (None, j);
            }
            digits[nd] = c;
            nd += 1;
            j += 1;
            seps = 0;
            last_end = j;
            continue;
        }
        // "+31 (0)6 ...": the trunk zero in brackets is not part of the number.
        if plus && c == b'(' && b.get(j + 1) == Some(&b'0') && b.get(j + 2) == Some(&b')') {
            j += 3;
            continue;
        }
        if matches!(c, b' ' | b'-' | b'(' | b')' | b'/') && seps < 2 && nd > 0
            || (c == b'(' && nd == 0 && !plus)
        {
            if nd > 0 && seps == 0 {
                if ng == groups.len() {
                    break;
                }
                groups[ng] = (nd, last_end);
                ng += 1;
            }
            seps += 1;
            j += 1;
            continue;
        }
        break;
    }
    if nd == 0 {
        return (None, j.max(start + 1));
    }
    let run_end = last_end;
    if (ng == 0 || groups[ng - 1].1 != last_end) && ng < groups.len() {
        groups[ng] = (nd, last_end);
        ng += 1;
    }
    let groups = &groups[..ng];
    // Digits in more than one group: written with separators.
    let separated = ng > 1;
    // A number glued to letters is part of a word ("123abc"), not an identifier.
    let boundary_ok = |end: usize| {
        !b.get(end).is_some_and(|c| {
            is_alnum(*c) || *c == b'.' && b.get(end + 1).is_some_and(|d| is_digit(*d))
        })
    };
    let digits = &digits[..nd];
    // "(06-12345678)": the bracket belongs to the text; "(020) 123 4567": to the number.
    let lead_for = |end: usize| {
        if b[start] == b'(' && !b[start..end].contains(&b')') {
            start + 1
        } else {
            start
        }
    };

    if plus || digits.starts_with(b"00") {
        let skip = if plus { 0 } else { 2 };
        let cc_ok = digits.get(skip).is_some_and(|d| *d != b'0');
        // The longest group-ending prefix with a plausible E.164 length; +31 is 11 digits.
        for &(count, end) in groups.iter().rev() {
            let Some(len) = count.checked_sub(skip) else {
                continue;
            };
            let nl = digits[skip..].starts_with(b"31");
            let fits = if nl {
                len == 11
            } else {
                (8..=15).contains(&len)
            };
            if cc_ok && fits && boundary_ok(end) {
                return (finding(Kind::Phone, lead_for(end), end, 0.9), end);
            }
        }
        return (None, run_end);
    }
    if !separated && nd == 9 && boundary_ok(last_end) && b[start] != b'(' {
        return (
            checks::bsn(digits).then_some(Finding {
                kind: Kind::Bsn,
                start,
                end: last_end,
                confidence: 0.85,
            }),
            run_end,
        );
    }
    for &(count, end) in groups.iter().rev() {
        if (12..=19).contains(&count) && boundary_ok(end) && b[start] != b'(' {
            let d = &digits[..count];
            if checks::luhn(d) && checks::card_issuer(d) {
                return (finding(Kind::CardNumber, start, end, 0.95), end);
            }
        }
    }
    // Dutch national numbers: ten digits starting with a single 0 ("06-12345678", "(020) 123 4567").
    if digits[0] == b'0' && digits.get(1).is_some_and(|d| *d != b'0') {
        for &(count, end) in groups.iter().rev() {
            if count == 10 && boundary_ok(end) {
                return (
                    finding(
                        Kind::Phone,
                        lead_for(end),
                        end,
                        if separated { 0.85 } else { 0.75 },
                    ),
                    end,
                );
            }
        }
    }
    (None, run_end)
}

fn iban(b: &[u8], start: usize) -> Result<Option<Finding>, usize> {
    let mut compact = [0u8; 34];
    let mut nc = 0;
    let mut j = start;
    let mut end = start;
    while j < b.len() && nc < 34 {
        let c = b[j];
        if c.is_ascii_alphanumeric() {
            compact[nc] = c.to_ascii_uppercase();
            nc += 1;
            j += 1;
            end = j;
        } else if c == b' ' && nc % 4 == 0 && b.get(j + 1).is_some_and(u8::is_ascii_alphanumeric) {
            j += 1;
        } else {
            break;
        }
    }
    if nc < 4 || !compact[2].is_ascii_digit() || !compact[3].is_ascii_digit() {
        return Ok(None);
    }
    let Some(expected) = checks::iban_length(&compact[..2]) else {
        return Ok(None);
    };
    if nc < expected {
        return Ok(None);
    }
    // With spaces, the IBAN ends where its length says; compact, the word must end there.
    let mut cut = end;
    if nc > expected {
        let mut count = 0;
        cut = start;
        for (k, c) in b[start..].iter().enumerate() {
            if c.is_ascii_alphanumeric() {
                count += 1;
                if count == expected {
                    cut = start + k + 1;
                    break;
                }
            }
        }
        if b.get(cut).is_some_and(|c| is_alnum(*c)) {
            return Ok(None);
        }
    }
    if b.get(cut).is_some_and(|c| is_word(*c)) {
        return Ok(None);
    }
    if checks::iban(&compact[..expected]) {
        Ok(Some(Finding {
            kind: Kind::Iban,
            start,
            end: cut,
            confidence: 0.99,
        }))
    } else {
        Err(cut)
    }
}

fn vat(b: &[u8], start: usize, run_end: usize) -> Option<Finding> {
    let word = &b[start..run_end];
    if word.len() > 14 {
        return None;
    }
    let verified = checks::vat(word)?;
    finding(
        Kind::VatNumber,
        start,
        run_end,
        if verified { 0.95 } else { 0.6 },
    )
}

fn jwt(b: &[u8], start: usize) -> Option<Finding> {
    let is_b64 = |c: u8| is_alnum(c) || c == b'-' || c == b'_';
    let mut seg = [0usize; 3];
    let mut k = 0;
    let mut j = start;
    let mut len = 0;
    while j < b.len() {
        let c = b[j];
        if is_b64(c) {
            len += 1;
        } else if c == b'.' && k < 2 {
            seg[k] = len;
            k += 1;
            len = 0;
            if k == 1 && !b[j + 1..].starts_with(b"eyJ") {
                return None;
            }
        } else {
            break;
        }
        j += 1;
    }
    if k < 2 {
        return None;
    }
    seg[2] = len;
    (seg[0] >= 10 && seg[1] >= 10 && (seg[2] == 0 || seg[2] >= 16)).then_some(())?;
    finding(Kind::Jwt, start, j, 0.99)
}

/// Prefix, minimum length of what follows it, and whether `.` may appear inside.
const KEY_PREFIXES: &[(&[u8], usize)] = &[
    (b"sk-", 20),
    (b"sk_live_", 16),
    (b"sk_test_", 16),
    (b"rk_live_", 16),
    (b"rk_test_", 16),
    (b"ghp_", 30),
    (b"gho_", 30),
    (b"ghu_", 30),
    (b"ghs_", 30),
    (b"ghr_", 30),
    (b"github_pat_", 40),
    (b"glpat-", 20),
    (b"xoxb-", 20),
    (b"xoxp-", 20),
    (b"xoxa-", 20),
    (b"xoxs-", 20),
    (b"AKIA", 16),
    (b"ASIA", 16),
    (b"AIza", 30),
    (b"SG.", 40),
    // Pactum's own: personal API tokens, access tokens, refresh tokens.
    (b"pct_", 32),
    (b"pat_", 32),
    (b"prt_", 32),
    (b"npm_", 30),
    (b"hf_", 30),
];

/// First bytes of the prefixes above, so ordinary words are dismissed with one lookup.
const fn key_starts() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < KEY_PREFIXES.len() {
        t[KEY_PREFIXES[i].0[0] as usize] = true;
        i += 1;
    }
    t
}

static KEY_START: [bool; 256] = key_starts();

fn api_key(b: &[u8], start: usize) -> Option<Finding> {
    if !KEY_START[b[start] as usize] {
        return None;
    }
    let rest = &b[start..];
    let (prefix, min) = KEY_PREFIXES.iter().find(|(p, _)| rest.starts_with(p))?;
    let body_start = start + prefix.len();
    let mut e = body_start;
    while e < b.len() && (is_alnum(b[e]) || matches!(b[e], b'-' | b'_' | b'.')) {
        e += 1;
    }
    while e > body_start && b[e - 1] == b'.' {
        e -= 1;
    }
    let body = &b[body_start..e];
    if body.len() < *min
        || !body.iter().any(u8::is_ascii_digit) && !body.iter().any(u8::is_ascii_uppercase)
    {
        return None;
    }
    if prefix.starts_with(b"A")
        && prefix.len() == 4
        && prefix != b"AIza"
        && !(body.len() == 16
            && body
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
    {
        return None;
    }
    finding(Kind::ApiKey, start, e, 0.95)
}

fn password_hash(b: &[u8], start: usize) -> Option<Finding> {
    let rest = &b[start..];
    let n = b.len();
    if rest.len() >= 60
        && rest[1] == b'2'
        && matches!(rest[2], b'a' | b'b' | b'x' | b'y')
        && rest[3] == b'$'
        && is_digit(rest[4])
        && is_digit(rest[5])
        && rest[6] == b'$'
    {
        let body_ok = rest[7..60]
            .iter()
            .all(|c| is_alnum(*c) || *c == b'.' || *c == b'/');
        let end = start + 60;
        if body_ok && !b.get(end).is_some_and(|c| is_alnum(*c)) {
            return finding(Kind::PasswordHash, start, end, 0.99);
        }
        return None;
    }
    let known = [
        &b"$argon2id$"[..],
        b"$argon2i$",
        b"$argon2d$",
        b"$scrypt$",
        b"$7$",
        b"$y$",
        b"$gy$",
        b"$6$",
        b"$5$",
    ];
    known.iter().find(|p| rest.starts_with(p))?;
    let mut e = start;
    let mut dollars = 0;
    while e < n
        && (is_alnum(b[e]) || matches!(b[e], b'$' | b'=' | b',' | b'+' | b'/' | b'.' | b'-'))
    {
        if b[e] == b'$' {
            dollars += 1;
        }
        e += 1;
    }
    (dollars >= 3 && e - start >= 40).then_some(())?;
    finding(Kind::PasswordHash, start, e, 0.95)
}

fn credential_url(b: &[u8], colon: usize) -> Option<Finding> {
    let mut s = colon;
    while s > 0 && (b[s - 1].is_ascii_alphanumeric() || matches!(b[s - 1], b'+' | b'.' | b'-')) {
        s -= 1;
    }
    if s == colon || !b[s].is_ascii_alphabetic() {
        return None;
    }
    let auth_start = colon + 3;
    let mut e = auth_start;
    while e < b.len()
        && !matches!(
            b[e],
            b'/' | b'?'
                | b'#'
                | b'"'
                | b'\''
                | b'<'
                | b'>'
                | b'`'
                | b')'
                | b']'
                | b'}'
                | b','
                | b';'
        )
        && !b[e].is_ascii_whitespace()
    {
        e += 1;
    }
    let authority = &b[auth_start..e];
    let at = authority.iter().rposition(|c| *c == b'@')?;
    let userinfo = &authority[..at];
    let colon_in = userinfo.iter().position(|c| *c == b':')?;
    (colon_in + 1 < userinfo.len() && at + 1 < authority.len()).then_some(())?;
    finding(Kind::CredentialUrl, s, e, 0.95)
}

#[cfg(test)]
mod tests;
