//! The checksums and formats that separate real identifiers from look-alikes.

/// Luhn (ISO/IEC 7812) over ASCII digits.
pub fn luhn(digits: &[u8]) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// Issuer prefixes and lengths of the major card schemes.
pub fn card_issuer(digits: &[u8]) -> bool {
    let n = digits.len();
    let prefix = |k: usize| -> u32 {
        digits[..k.min(n)]
            .iter()
            .fold(0u32, |a, d| a * 10 + u32::from(d - b'0'))
    };
    let p1 = prefix(1);
    let p2 = prefix(2);
    let p3 = prefix(3);
    let p4 = prefix(4);
    match p1 {
        4 => matches!(n, 13 | 16 | 19),                             // Visa
        5 if (51..=55).contains(&p2) => n == 16,                    // Mastercard
        2 if (2221..=2720).contains(&p4) => n == 16,                // Mastercard 2-series
        3 if p2 == 34 || p2 == 37 => n == 15,                       // American Express
        3 if (3528..=3589).contains(&p4) => (16..=19).contains(&n), // JCB
        3 if (300..=305).contains(&p3) || p2 == 36 || p2 == 38 => (14..=19).contains(&n), // Diners
        6 if p4 == 6011 || p2 == 65 || (644..=649).contains(&p3) => (16..=19).contains(&n), // Discover
        5 | 6 => (12..=19).contains(&n) && (p2 == 50 || (56..=69).contains(&p2)), // Maestro
        _ => false,
    }
}

/// The Dutch eleven-test for a BSN: 9 digits, weights 9..2 and -1.
pub fn bsn(digits: &[u8]) -> bool {
    if digits.len() != 9 || digits.iter().all(|d| *d == b'0') {
        return false;
    }
    let mut sum: i32 = 0;
    for (i, d) in digits.iter().enumerate() {
        let v = i32::from(d - b'0');
        let w = if i == 8 { -1 } else { 9 - i as i32 };
        sum += v * w;
    }
    sum % 11 == 0
}

/// IBAN lengths per country (SWIFT IBAN registry).
const IBAN_LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NL", 18),
    (b"NO", 15),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"SA", 24),
    (b"SC", 31),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"ST", 25),
    (b"SV", 28),
    (b"TL", 23),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
];

pub fn iban_length(country: &[u8]) -> Option<usize> {
    IBAN_LENGTHS
        .iter()
        .find(|(c, _)| c.as_slice() == country)
        .map(|(_, n)| *n)
}

/// Remainder mod 97 of a string where letters count as 10..35, reading `chars` in order.
fn mod97<'a>(chars: impl Iterator<Item = &'a u8>) -> Option<u32> {
    let mut r: u32 = 0;
    for c in chars {
        match c {
            b'0'..=b'9' => r = (r * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => r = (r * 100 + u32::from(c - b'A') + 10) % 97,
            _ => return None,
        }
    }
    Some(r)
}

/// An IBAN without spaces, upper case: right length for its country, mod-97 == 1.
pub fn iban(compact: &[u8]) -> bool {
    if compact.len() < 15 || compact.len() > 34 {
        return false;
    }
    if !(compact[0].is_ascii_uppercase()
        && compact[1].is_ascii_uppercase()
        && compact[2].is_ascii_digit()
        && compact[3].is_ascii_digit())
    {
        return false;
    }
    if iban_length(&compact[..2]) != Some(compact.len()) {
        return false;
    }
    let rotated = compact[4..].iter().chain(compact[..4].iter());
    mod97(rotated) == Some(1)
}

fn all_digits(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

/// EU VAT numbers (the prefix included, no spaces). `Some(true)` when a checksum was
/// verified, `Some(false)` when only the format could be checked, `None` when it is no
/// VAT number (including a Dutch or Belgian one whose check fails).
pub fn vat(v: &[u8]) -> Option<bool> {
    if v.len() < 4 {
        return None;
    }
    let (cc, rest) = v.split_at(2);
    let n = rest.len();
    let digits = all_digits(rest);
    match cc {
        b"NL" => {
            // 9 digits, 'B', 2 digits. Since 2020 sole traders' numbers pass mod 97 over
            // "NL" + number; older numbers pass the eleven-test on the first 9 digits.
            if n == 12 && all_digits(&rest[..9]) && rest[9] == b'B' && all_digits(&rest[10..]) {
                let elf = {
                    let d = &rest[..9];
                    let sum: u32 = d
                        .iter()
                        .enumerate()
                        .take(8)
                        .map(|(i, c)| u32::from(c - b'0') * (9 - i as u32))
                        .sum();
                    let check = sum % 11;
                    check != 10 && check == u32::from(d[8] - b'0')
                };
                let m97 = mod97(v.iter().filter(|c| c.is_ascii_alphanumeric())) == Some(1);
                (elf || m97).then_some(true)
            } else {
                None
            }
        }
        b"BE" => {
            if n == 10 && digits && (rest[0] == b'0' || rest[0] == b'1') {
                let body: u64 = rest[..8]
                    .iter()
                    .fold(0, |a, c| a * 10 + u64::from(c - b'0'));
                let check: u64 = rest[8..]
                    .iter()
                    .fold(0, |a, c| a * 10 + u64::from(c - b'0'));
                (97 - body % 97 == check).then_some(true)
            } else {
                None
            }
        }
        b"DE" => {
            if n == 9 && digits && rest[0] != b'0' {
                // ISO 7064 MOD 11,10.
                let mut p = 10u32;
                for c in &rest[..8] {
                    let mut s = (u32::from(c - b'0') + p) % 10;
                    if s == 0 {
                        s = 10;
                    }
                    p = (2 * s) % 11;
                }
                let check = (11 - p) % 10;
                (check == u32::from(rest[8] - b'0')).then_some(true)
            } else {
                None
            }
        }
        b"AT" => (n == 9 && rest[0] == b'U' && all_digits(&rest[1..])).then_some(false),
        b"BG" => ((n == 9 || n == 10) && digits).then_some(false),
        b"CY" => {
            (n == 9 && all_digits(&rest[..8]) && rest[8].is_ascii_uppercase()).then_some(false)
        }
        b"CZ" => ((8..=10).contains(&n) && digits).then_some(false),
        b"DK" | b"FI" | b"HU" | b"LU" | b"MT" | b"SI" => (n == 8 && digits).then_some(false),
        b"EE" | b"EL" | b"PT" => (n == 9 && digits).then_some(false),
        b"ES" => (n == 9
            && rest[0].is_ascii_alphanumeric()
            && all_digits(&rest[1..8])
            && rest[8].is_ascii_alphanumeric())
        .then_some(false),
        b"FR" => {
            (n == 11 && rest[..2].iter().all(u8::is_ascii_alphanumeric) && all_digits(&rest[2..]))
                .then_some(false)
        }
        b"HR" | b"IT" | b"LV" => (n == 11 && digits).then_some(false),
        b"IE" => ((n == 8 || n == 9)
            && rest[0].is_ascii_digit()
            && rest[2..7].iter().all(u8::is_ascii_digit)
            && rest[7].is_ascii_uppercase())
        .then_some(false),
        b"LT" => ((n == 9 || n == 12) && digits).then_some(false),
        b"PL" | b"SK" => (n == 10 && digits).then_some(false),
        b"RO" => ((2..=10).contains(&n) && digits).then_some(false),
        b"SE" => (n == 12 && digits && rest.ends_with(b"01")).then_some(false),
        _ => None,
    }
}

/// Dotted-quad IPv4 with every octet 0..=255 and no leading zeros.
pub fn ipv4(s: &[u8]) -> bool {
    let mut parts = 0;
    for part in s.split(|c| *c == b'.') {
        parts += 1;
        if part.is_empty()
            || part.len() > 3
            || !all_digits(part)
            || (part.len() > 1 && part[0] == b'0')
        {
            return false;
        }
        let v: u32 = part.iter().fold(0, |a, c| a * 10 + u32::from(c - b'0'));
        if v > 255 {
            return false;
        }
    }
    parts == 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_and_issuers() {
        assert!(luhn(b"4111111111111111") && card_issuer(b"4111111111111111"));
        assert!(!luhn(b"4111111111111112"));
        assert!(luhn(b"378282246310005") && card_issuer(b"378282246310005"));
        assert!(luhn(b"5555555555554444") && card_issuer(b"5555555555554444"));
        assert!(!card_issuer(b"9111111111111111"));
    }

    #[test]
    fn bsn_eleven_test() {
        assert!(bsn(b"111222333"));
        assert!(bsn(b"123456782"));
        assert!(!bsn(b"123456789"));
        assert!(!bsn(b"000000000"));
    }

    #[test]
    fn ibans() {
        assert!(iban(b"NL91ABNA0417164300"));
        assert!(iban(b"DE89370400440532013000"));
        assert!(iban(b"GB82WEST12345698765432"));
        assert!(!iban(b"NL91ABNA0417164301"), "checksum");
        assert!(!iban(b"NL91ABNA041716430"), "length");
        assert!(!iban(b"XX91ABNA0417164300"), "country");
    }

    #[test]
    fn vat_numbers() {
        assert_eq!(vat(b"NL867441264B01"), Some(true), "the seed's own number");
        assert_eq!(vat(b"NL000099998B57"), Some(true), "mod-97 form");
        assert_eq!(vat(b"NL867441265B01"), None);
        assert_eq!(vat(b"BE0403170701"), Some(true));
        assert_eq!(vat(b"BE0403170702"), None);
        assert_eq!(vat(b"DE136695976"), Some(true));
        assert_eq!(vat(b"DE136695977"), None);
        assert_eq!(vat(b"FR40303265045"), Some(false));
        assert_eq!(vat(b"XX123"), None);
    }

    #[test]
    fn ipv4s() {
        assert!(ipv4(b"192.168.1.10"));
        assert!(!ipv4(b"256.1.1.1"));
        assert!(!ipv4(b"1.2.3"));
        assert!(!ipv4(b"01.2.3.4"));
    }
}
