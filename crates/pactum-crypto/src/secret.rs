//! Random secrets handed to clients (tokens, session ids, codes) and the digests stored in
//! their place. A 256-bit random secret needs no slow hash: SHA-256 cannot be reversed and
//! guessing is hopeless, so lookups stay one indexed equality.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// `prefix` followed by 256 random bits in URL-safe base64.
pub fn random_token(prefix: &str) -> String {
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
}

/// Lower-case hex SHA-256 of a secret, as stored.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// A code a person can type: groups of lower-case letters and digits without look-alikes
/// (no 0/o, 1/l/i), about 50 bits for 10 characters.
pub fn human_code(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let mut out = String::with_capacity(len + len / 5);
    for i in 0..len {
        if i > 0 && i % 5 == 0 {
            out.push('-');
        }
        let idx = (rng.next_u32() as usize) % ALPHABET.len();
        out.push(char::from(ALPHABET[idx]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_prefixed() {
        let a = random_token("pct_");
        let b = random_token("pct_");
        assert!(a.starts_with("pct_"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 43);
    }

    #[test]
    fn digest_is_sha256_hex() {
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn human_codes_use_the_unambiguous_alphabet() {
        let c = human_code(10);
        assert_eq!(c.len(), 11);
        assert_eq!(c.as_bytes()[5], b'-');
        assert!(!c.contains(['0', 'o', '1', 'l', 'i']));
    }
}
