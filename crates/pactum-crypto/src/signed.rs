//! Short values signed with the key file's signing key: a CSRF token bound to a session,
//! the challenge between password and TOTP step, a form's start time. Each use has its own
//! purpose string, so a value signed for one can never be replayed as another.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::secret::constant_time_eq;

#[derive(Clone)]
pub struct Signer {
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)")
    }
}

impl Signer {
    pub fn new(key: [u8; 32]) -> Self {
        Self {
            key: Zeroizing::new(key),
        }
    }

    /// The MAC of `payload` for `purpose`, URL-safe base64.
    pub fn mac(&self, purpose: &str, payload: &str) -> String {
        #[allow(clippy::expect_used)] // HMAC accepts keys of any length
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.key.as_slice()).expect("HMAC takes any key");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(payload.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// `payload.mac`; the payload must not contain a dot's meaning for the caller, it is
    /// split at the last one.
    pub fn sign(&self, purpose: &str, payload: &str) -> String {
        format!("{payload}.{}", self.mac(purpose, payload))
    }

    /// The payload of a value this signer signed for `purpose`, or `None`.
    pub fn verify<'a>(&self, purpose: &str, token: &'a str) -> Option<&'a str> {
        let (payload, mac) = token.rsplit_once('.')?;
        let expected = self.mac(purpose, payload);
        constant_time_eq(expected.as_bytes(), mac.as_bytes()).then_some(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_checks_purpose() {
        let s = Signer::new([1; 32]);
        let t = s.sign("csrf", "abc.def");
        assert_eq!(s.verify("csrf", &t), Some("abc.def"));
        assert_eq!(s.verify("login", &t), None);
        assert_eq!(Signer::new([2; 32]).verify("csrf", &t), None);
        assert_eq!(s.verify("csrf", "abc.def.AAAA"), None);
        assert_eq!(s.verify("csrf", "nodot"), None);
    }
}
