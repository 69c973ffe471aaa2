//! Passwords: bcrypt over a base64 HMAC-SHA-256 pre-hash keyed with a server-side pepper.
//!
//! The pre-hash makes every password 44 ASCII bytes, so bcrypt's 72-byte truncation and
//! its NUL-byte termination never apply, and a stolen database without the pepper (which
//! lives in the key file) cannot be attacked offline at all.

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::CryptoError;

/// bcrypt's work factor for production; tests lower it through configuration.
pub const DEFAULT_COST: u32 = 12;

pub struct PasswordHasher {
    pepper: Zeroizing<[u8; 32]>,
    cost: u32,
    /// A hash of a random password, verified against when the user does not exist, so
    /// unknown users and wrong passwords cost the same time.
    dummy: OnceLock<String>,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("cost", &self.cost)
            .finish_non_exhaustive()
    }
}

impl PasswordHasher {
    pub fn new(pepper: [u8; 32], cost: u32) -> Self {
        Self {
            pepper: Zeroizing::new(pepper),
            cost: cost.clamp(4, 31),
            dummy: OnceLock::new(),
        }
    }

    fn prehash(&self, password: &str) -> Zeroizing<String> {
        #[allow(clippy::expect_used)] // HMAC accepts keys of any length
        let mut mac = Hmac::<Sha256>::new_from_slice(self.pepper.as_slice())
            .expect("HMAC takes any key length");
        mac.update(password.as_bytes());
        Zeroizing::new(STANDARD.encode(mac.finalize().into_bytes()))
    }

    pub fn hash(&self, password: &str) -> Result<String, CryptoError> {
        bcrypt::hash(self.prehash(password).as_bytes(), self.cost)
            .map_err(|e| CryptoError::Hashing(e.to_string()))
    }

    /// True when `password` matches `hash`; a malformed hash never matches.
    pub fn verify(&self, password: &str, hash: &str) -> bool {
        bcrypt::verify(self.prehash(password).as_bytes(), hash).unwrap_or(false)
    }

    /// Spends the time of one verification and answers false.
    pub fn verify_nobody(&self, password: &str) -> bool {
        let dummy = self.dummy.get_or_init(|| {
            self.hash(&crate::secret::random_token(""))
                .unwrap_or_default()
        });
        let _ = self.verify(password, dummy);
        false
    }

    /// True when a stored hash was made with a lower cost than today's and should be
    /// replaced at the next successful login.
    pub fn needs_rehash(&self, hash: &str) -> bool {
        hash.get(4..6)
            .and_then(|c| c.parse::<u32>().ok())
            .is_none_or(|c| c < self.cost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hasher() -> PasswordHasher {
        PasswordHasher::new([7; 32], 4)
    }

    #[test]
    fn verifies_the_right_password_only() {
        let h = hasher();
        let hash = h.hash("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$2b$04$"));
        assert!(h.verify("correct horse battery staple", &hash));
        assert!(!h.verify("correct horse battery stapl", &hash));
        assert!(!h.verify("x", "not a hash"));
    }

    #[test]
    fn no_truncation_at_72_bytes() {
        let h = hasher();
        let long_a = format!("{}a", "x".repeat(100));
        let long_b = format!("{}b", "x".repeat(100));
        let hash = h.hash(&long_a).unwrap();
        assert!(h.verify(&long_a, &hash));
        assert!(!h.verify(&long_b, &hash), "bytes after 72 must count");
    }

    #[test]
    fn nul_bytes_count() {
        let h = hasher();
        let hash = h.hash("abc\0def").unwrap();
        assert!(!h.verify("abc\0xyz", &hash));
        assert!(!h.verify("abc", &hash));
    }

    #[test]
    fn the_pepper_is_part_of_the_hash() {
        let hash = hasher().hash("same password here").unwrap();
        let other = PasswordHasher::new([8; 32], 4);
        assert!(!other.verify("same password here", &hash));
    }

    #[test]
    fn lower_cost_hashes_need_rehash() {
        let low = hasher().hash("pw pw pw pw pw").unwrap();
        assert!(PasswordHasher::new([7; 32], 5).needs_rehash(&low));
        assert!(!hasher().needs_rehash(&low));
        assert!(!hasher().verify_nobody("anything"));
    }
}
