//! A self-hosted proof-of-work challenge for public forms: the server signs a random
//! challenge with a difficulty and an expiry; the browser (in a web worker) searches a
//! nonce whose SHA-256 over `challenge:nonce` starts with `difficulty` zero bits. Checking
//! costs one hash; solving costs about 2^difficulty. The challenge id lets the caller
//! refuse a second use.

use sha2::{Digest, Sha256};

use crate::secret::{hex, random_bytes};
use crate::signed::Signer;

const PURPOSE: &str = "pow";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Unique per challenge; store it to refuse reuse.
    pub id: String,
    pub expires_unix: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PowError {
    #[error("the challenge was not issued by this server")]
    Forged,
    #[error("the challenge has expired")]
    Expired,
    #[error("the answer does not solve the challenge")]
    Unsolved,
}

/// A signed challenge: `id.difficulty.expires.mac`.
pub fn issue(signer: &Signer, difficulty: u8, expires_unix: i64) -> String {
    let id = hex(&random_bytes::<12>());
    signer.sign(PURPOSE, &format!("{id}.{difficulty}.{expires_unix}"))
}

fn leading_zero_bits(hash: &[u8]) -> u32 {
    let mut n = 0;
    for b in hash {
        if *b == 0 {
            n += 8;
        } else {
            n += b.leading_zeros();
            break;
        }
    }
    n
}

fn hash(challenge: &str, nonce: u64) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(challenge.as_bytes());
    h.update(b":");
    h.update(nonce.to_string().as_bytes());
    h.finalize().into()
}

pub fn verify(
    signer: &Signer,
    challenge: &str,
    nonce: u64,
    now_unix: i64,
) -> Result<Verified, PowError> {
    let payload = signer.verify(PURPOSE, challenge).ok_or(PowError::Forged)?;
    let mut parts = payload.split('.');
    let (Some(id), Some(diff), Some(exp), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(PowError::Forged);
    };
    let difficulty: u32 = diff.parse().map_err(|_| PowError::Forged)?;
    let expires_unix: i64 = exp.parse().map_err(|_| PowError::Forged)?;
    if now_unix > expires_unix {
        return Err(PowError::Expired);
    }
    if leading_zero_bits(&hash(challenge, nonce)) < difficulty {
        return Err(PowError::Unsolved);
    }
    Ok(Verified {
        id: id.to_owned(),
        expires_unix,
    })
}

/// Finds an answer; what the browser's worker does, here for tests and scripted clients.
pub fn solve(challenge: &str) -> u64 {
    let difficulty = challenge
        .split('.')
        .nth(1)
        .and_then(|d| d.parse::<u32>().ok())
        .unwrap_or(0);
    (0..u64::MAX)
        .find(|n| leading_zero_bits(&hash(challenge, *n)) >= difficulty)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solved_challenges_verify_once_per_id() {
        let s = Signer::new([3; 32]);
        let c = issue(&s, 8, 1000);
        let n = solve(&c);
        let v = verify(&s, &c, n, 999).unwrap();
        assert_eq!(v.id.len(), 24);
        assert_eq!(verify(&s, &c, n, 1001), Err(PowError::Expired));
        // A wrong nonce almost always fails at 8 bits; find one that does.
        let wrong = (0..)
            .find(|x| leading_zero_bits(&hash(&c, *x)) < 8)
            .unwrap();
        assert_eq!(verify(&s, &c, wrong, 999), Err(PowError::Unsolved));
        let tampered = c.replacen(".8.", ".0.", 1);
        assert_eq!(verify(&s, &tampered, 0, 999), Err(PowError::Forged));
    }

    #[test]
    fn zero_bits_are_counted() {
        assert_eq!(leading_zero_bits(&[0, 0x0f, 0xff]), 12);
        assert_eq!(leading_zero_bits(&[0x80]), 0);
    }
}
