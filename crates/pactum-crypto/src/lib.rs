//! Pactum's cryptography, in one small crate so every secret goes through code that was
//! written and reviewed once: password hashing with a pepper, the key ring that encrypts
//! sensitive columns, TOTP, signed values, random secrets and proof-of-work.
//!
//! Nothing here does I/O except reading and writing the key file.

pub mod keyring;
pub mod password;
pub mod pow;
pub mod secret;
pub mod signed;
pub mod stream;
pub mod totp;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("the key file could not be read: {0}")]
    KeyFile(String),
    #[error("no key {1} for category {0}")]
    UnknownKey(&'static str, u32),
    #[error("the ciphertext is malformed")]
    Malformed,
    #[error("the ciphertext does not authenticate (wrong key, context or tampered data)")]
    Forged,
    #[error("password hashing failed: {0}")]
    Hashing(String),
}
