//! TOTP (RFC 6238): SHA-1, six digits, 30-second steps, one step of clock skew either way,
//! which is what every authenticator app implements. The matching step is returned so the
//! caller can refuse a code that was already used in that step.

use base64::Engine;
use qrcode::QrCode;
use qrcode::render::svg;
use totp_rs::{Algorithm, TOTP};

use crate::secret::{constant_time_eq, random_bytes};

pub const STEP_SECONDS: u64 = 30;
const DIGITS: usize = 6;

/// 160 random bits, the size RFC 4226 recommends.
pub fn new_secret() -> Vec<u8> {
    random_bytes::<20>().to_vec()
}

/// The secret as authenticator apps take it when typed in: base32 without padding.
pub fn base32(secret: &[u8]) -> String {
    base32_encode(secret)
}

fn base32_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        percent(issuer),
        percent(account),
        base32(secret),
        percent(issuer)
    )
}

/// The QR code of `uri` as an SVG document, drawn by the server (no script, no remote image).
pub fn qr_svg(uri: &str) -> String {
    match QrCode::new(uri.as_bytes()) {
        Ok(code) => code
            .render::<svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// The QR code as a `data:` URL, for an `<img>` under a CSP without inline content.
pub fn qr_data_url(uri: &str) -> String {
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(qr_svg(uri))
    )
}

fn generator(secret: &[u8]) -> TOTP {
    TOTP::new_unchecked(Algorithm::SHA1, DIGITS, 1, STEP_SECONDS, secret.to_vec())
}

/// The code for a moment (for tests and for showing what the server expects in a demo).
pub fn code_at(secret: &[u8], unix_time: u64) -> String {
    generator(secret).generate(unix_time)
}

/// The time step a code matches at `unix_time`, allowing one step of skew either way.
pub fn matching_step(secret: &[u8], code: &str, unix_time: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = generator(secret);
    let now = unix_time / STEP_SECONDS;
    let mut found = None;
    // Checks all three steps so the time taken does not depend on which one matched.
    for step in [now.saturating_sub(1), now, now + 1] {
        let expected = totp.generate(step * STEP_SECONDS);
        if constant_time_eq(expected.as_bytes(), code.as_bytes()) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 column (8 digits there; the last 6 are ours).
    #[test]
    fn rfc6238_vectors() {
        let secret = b"12345678901234567890";
        for (t, code) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
        ] {
            assert_eq!(code_at(secret, t), code[2..], "t={t}");
        }
    }

    #[test]
    fn skew_of_one_step_and_no_more() {
        let secret = new_secret();
        let t = 1_800_000_000;
        let code = code_at(&secret, t);
        assert_eq!(matching_step(&secret, &code, t), Some(t / 30));
        assert_eq!(matching_step(&secret, &code, t + 30), Some(t / 30));
        assert_eq!(matching_step(&secret, &code, t - 30), Some(t / 30));
        assert_eq!(matching_step(&secret, &code, t + 90), None);
        assert_eq!(matching_step(&secret, "12345", t), None);
        assert_eq!(matching_step(&secret, "abcdef", t), None);
    }

    #[test]
    fn uri_and_qr() {
        let uri = otpauth_uri("Pactum", "anna@example.com", b"12345678901234567890");
        assert!(uri.starts_with(
            "otpauth://totp/Pactum:anna%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&"
        ));
        let svg = qr_svg(&uri);
        assert!(svg.contains("<svg") && svg.contains("<path"), "{svg:.200}");
        assert!(!svg.contains("<script"));
        assert!(qr_data_url(&uri).starts_with("data:image/svg+xml;base64,"));
    }
}
