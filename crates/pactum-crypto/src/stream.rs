//! Encryption of files of any size, chunk by chunk, so an upload is encrypted as it streams
//! in and a download decrypted as it streams out.
//!
//! The construction is STREAM (Hoang, Reyhanitabar, Rogaway, Vizár, "Online
//! Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", 2015) over
//! XChaCha20-Poly1305: each 64 KiB chunk is sealed with the nonce
//! `prefix(19) || counter(4, big-endian) || last(1)`, so chunks cannot be reordered, dropped
//! or cut off at a chunk boundary without the opening failing. A file starts with a header:
//! `PKF1`, the key id (4 bytes, big-endian) and the random nonce prefix. The associated data
//! binds every chunk to the category, the key id and the caller's context (organisation and
//! content hash), so a file copied under another name does not open.

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::CryptoError;
use crate::keyring::{Category, KeyRing, Keys};
use crate::secret::random_bytes;

/// Plaintext bytes per chunk.
pub const CHUNK: usize = 64 * 1024;
/// What sealing adds to each chunk.
pub const TAG: usize = 16;
const MAGIC: &[u8; 4] = b"PKF1";
const PREFIX: usize = 19;
/// Bytes before the first chunk.
pub const HEADER: usize = 4 + 4 + PREFIX;

fn aad(category: Category, id: u32, context: &str) -> String {
    format!("pkf1:{}:{id}:{context}", category.as_str())
}

fn nonce(prefix: &[u8; PREFIX], counter: u32, last: bool) -> XNonce {
    let mut n = [0u8; 24];
    n[..PREFIX].copy_from_slice(prefix);
    n[PREFIX..PREFIX + 4].copy_from_slice(&counter.to_be_bytes());
    n[23] = u8::from(last);
    XNonce::from(n)
}

/// What sealing and opening share: the cipher, the nonce state, and the bytes of the
/// chunk not yet complete. `step` is the size of a whole chunk on this side (plaintext
/// when sealing, ciphertext when opening).
struct Chunks {
    cipher: XChaCha20Poly1305,
    prefix: [u8; PREFIX],
    counter: u32,
    aad: String,
    buf: Vec<u8>,
    step: usize,
}

/// Seal or open.
#[derive(Clone, Copy)]
enum Way {
    Seal,
    Open,
}

impl Chunks {
    fn new(cipher: XChaCha20Poly1305, prefix: [u8; PREFIX], aad: String, step: usize) -> Self {
        Self {
            cipher,
            prefix,
            counter: 0,
            aad,
            buf: Vec::new(),
            step,
        }
    }

    fn one(&mut self, way: Way, chunk: &[u8], last: bool) -> Result<Vec<u8>, CryptoError> {
        let nonce = nonce(&self.prefix, self.counter, last);
        let payload = Payload {
            msg: chunk,
            aad: self.aad.as_bytes(),
        };
        let out = match way {
            Way::Seal => self
                .cipher
                .encrypt(&nonce, payload)
                .map_err(|_| CryptoError::Malformed)?,
            Way::Open => self
                .cipher
                .decrypt(&nonce, payload)
                .map_err(|_| CryptoError::Forged)?,
        };
        self.counter = self.counter.checked_add(1).ok_or(CryptoError::Malformed)?;
        Ok(out)
    }

    /// Every chunk `data` completes. A whole chunk is processed only once more follows:
    /// the last chunk carries the flag.
    fn update(&mut self, way: Way, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.buf.extend_from_slice(data);
        let mut out = Vec::new();
        while self.buf.len() > self.step {
            let rest = self.buf.split_off(self.step);
            let chunk = std::mem::replace(&mut self.buf, rest);
            out.extend(self.one(way, &chunk, false)?);
        }
        Ok(out)
    }

    fn finish(mut self, way: Way) -> Result<Vec<u8>, CryptoError> {
        let chunk = std::mem::take(&mut self.buf);
        self.one(way, &chunk, true)
    }
}

/// Seals a stream; feed it with [`StreamSealer::update`], end with [`StreamSealer::finish`].
pub struct StreamSealer(Chunks);

impl std::fmt::Debug for StreamSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamSealer")
            .field("counter", &self.0.counter)
            .finish_non_exhaustive()
    }
}

impl StreamSealer {
    /// Ciphertext of every chunk completed by `data`; may be empty.
    pub fn update(&mut self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.0.update(Way::Seal, data)
    }

    /// The last chunk (possibly of no plaintext bytes).
    pub fn finish(self) -> Result<Vec<u8>, CryptoError> {
        self.0.finish(Way::Seal)
    }
}

/// Opens what a [`StreamSealer`] wrote, header first.
pub struct StreamOpener(Chunks);

impl std::fmt::Debug for StreamOpener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamOpener")
            .field("counter", &self.0.counter)
            .finish_non_exhaustive()
    }
}

impl StreamOpener {
    /// Plaintext of every chunk completed by `data`; may be empty.
    pub fn update(&mut self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.0.update(Way::Open, data)
    }

    /// The last chunk; fails when the stream was cut short.
    pub fn finish(self) -> Result<Vec<u8>, CryptoError> {
        if self.0.buf.len() < TAG {
            return Err(CryptoError::Malformed);
        }
        self.0.finish(Way::Open)
    }
}

/// The key id a sealed stream names, from its header.
pub fn key_of(header: &[u8]) -> Result<u32, CryptoError> {
    if header.len() < HEADER || &header[..4] != MAGIC {
        return Err(CryptoError::Malformed);
    }
    Ok(u32::from_be_bytes([
        header[4], header[5], header[6], header[7],
    ]))
}

impl KeyRing {
    /// A sealer under the category's active key, and the header to write before its output.
    pub fn stream_sealer(
        &self,
        category: Category,
        context: &str,
    ) -> Result<(Vec<u8>, StreamSealer), CryptoError> {
        let id = self.active_id(category);
        let cipher = self.cipher(category, id)?;
        let prefix = random_bytes::<PREFIX>();
        let mut header = MAGIC.to_vec();
        header.extend_from_slice(&id.to_be_bytes());
        header.extend_from_slice(&prefix);
        Ok((
            header,
            StreamSealer(Chunks::new(
                cipher,
                prefix,
                aad(category, id, context),
                CHUNK,
            )),
        ))
    }

    /// An opener for the stream whose first [`HEADER`] bytes are `header`.
    pub fn stream_opener(
        &self,
        category: Category,
        context: &str,
        header: &[u8],
    ) -> Result<StreamOpener, CryptoError> {
        let id = key_of(header)?;
        let cipher = self.cipher(category, id)?;
        let mut prefix = [0u8; PREFIX];
        prefix.copy_from_slice(&header[8..HEADER]);
        Ok(StreamOpener(Chunks::new(
            cipher,
            prefix,
            aad(category, id, context),
            CHUNK + TAG,
        )))
    }
}

impl Keys {
    /// As [`KeyRing::stream_opener`], reading the key file again for a key not yet seen.
    pub fn stream_opener(
        &self,
        category: Category,
        context: &str,
        header: &[u8],
    ) -> Result<StreamOpener, CryptoError> {
        match self.current().stream_opener(category, context, header) {
            Err(CryptoError::UnknownKey(..)) => {
                self.reload()?;
                self.current().stream_opener(category, context, header)
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyring::KeyFile;

    fn ring() -> KeyRing {
        KeyRing::from_file(&KeyFile::generate()).unwrap()
    }

    fn seal(ring: &KeyRing, ctx: &str, data: &[u8], feed: usize) -> Vec<u8> {
        let (mut out, mut s) = ring.stream_sealer(Category::Files, ctx).unwrap();
        for part in data.chunks(feed.max(1)) {
            out.extend(s.update(part).unwrap());
        }
        out.extend(s.finish().unwrap());
        out
    }

    fn open(ring: &KeyRing, ctx: &str, sealed: &[u8], feed: usize) -> Result<Vec<u8>, CryptoError> {
        let mut o = ring.stream_opener(
            Category::Files,
            ctx,
            sealed.get(..HEADER).ok_or(CryptoError::Malformed)?,
        )?;
        let mut out = Vec::new();
        for part in sealed[HEADER..].chunks(feed.max(1)) {
            out.extend(o.update(part)?);
        }
        out.extend(o.finish()?);
        Ok(out)
    }

    #[test]
    fn round_trips_at_every_size_around_the_chunk_boundaries() {
        let ring = ring();
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 7] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            for feed in [1000, CHUNK, 3 * CHUNK] {
                let sealed = seal(&ring, "org:hash", &data, feed);
                let chunks = len.div_ceil(CHUNK).max(1);
                assert_eq!(sealed.len(), HEADER + len + chunks * TAG);
                assert_eq!(
                    open(&ring, "org:hash", &sealed, 777).unwrap(),
                    data,
                    "len {len}"
                );
            }
        }
    }

    #[test]
    fn tampering_truncation_and_another_context_are_refused() {
        let ring = ring();
        let data = vec![7u8; 2 * CHUNK + 10];
        let sealed = seal(&ring, "org:a", &data, CHUNK);
        assert_eq!(
            open(&ring, "org:b", &sealed, CHUNK),
            Err(CryptoError::Forged)
        );
        let mut flipped = sealed.clone();
        flipped[HEADER + 5] ^= 1;
        assert_eq!(
            open(&ring, "org:a", &flipped, CHUNK),
            Err(CryptoError::Forged)
        );
        // Cut after a whole chunk: the shortened stream ends without the last flag.
        let cut = &sealed[..HEADER + CHUNK + TAG];
        assert!(open(&ring, "org:a", cut, CHUNK).is_err());
        let cut = &sealed[..HEADER + 2 * (CHUNK + TAG)];
        assert!(open(&ring, "org:a", cut, CHUNK).is_err());
        assert_eq!(
            open(&ring, "org:a", &sealed[..10], 1),
            Err(CryptoError::Malformed)
        );
        // The plaintext is nowhere in the output.
        assert!(!sealed.windows(64).any(|w| w.iter().all(|&b| b == 7)));
    }

    #[test]
    fn an_older_key_still_opens_after_rotation() {
        let mut file = KeyFile::generate();
        let old = KeyRing::from_file(&file).unwrap();
        let sealed = seal(&old, "c", b"contract", 3);
        assert_eq!(key_of(&sealed).unwrap(), 1);
        file.add_key(Category::Files);
        let new = KeyRing::from_file(&file).unwrap();
        assert_eq!(open(&new, "c", &sealed, 3).unwrap(), b"contract");
        assert_eq!(key_of(&seal(&new, "c", b"x", 1)).unwrap(), 2);
    }
}
