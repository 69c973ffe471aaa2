//! The key ring: one key per column category, authenticated encryption with the key id in
//! every ciphertext, and rotation by adding a newer key.
//!
//! Ciphertexts are text, so they fit a TEXT column on SQLite and PostgreSQL alike:
//! `pk1:<category>:<key id>:<base64url(nonce || ciphertext || tag)>`. The associated data
//! binds each ciphertext to its category, key id and a caller-given context (table, column
//! and row id), so a value copied into another row or column does not decrypt.
//!
//! Key material comes from a key file (TOML, created with mode 0600) or the environment,
//! never from the database: a stolen database alone reveals nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::CryptoError;
use crate::secret::random_bytes;

/// What a key protects. Each category has its own keys, so rotating or leaking one leaves
/// the others untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// TOTP secrets of users.
    Totp,
    /// Secrets Pactum keeps for talking to other systems (AI provider keys, webhooks).
    ApiSecrets,
    /// Breach details and affected persons.
    Breach,
    /// Data-subject request data.
    Request,
    /// Uploaded files.
    Files,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Totp,
        Category::ApiSecrets,
        Category::Breach,
        Category::Request,
        Category::Files,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Totp => "totp",
            Category::ApiSecrets => "api_secrets",
            Category::Breach => "breach",
            Category::Request => "request",
            Category::Files => "files",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

const VERSION: &str = "pk1";

/// The key file as written on disk.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    /// Mixed into every password hash (HMAC key of the pre-hash).
    pub pepper: String,
    /// Signs CSRF tokens, login challenges, form timestamps and proof-of-work challenges.
    pub signing: String,
    #[serde(default)]
    pub keys: Vec<KeyEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    pub category: Category,
    pub id: u32,
    pub key: String,
}

impl KeyFile {
    /// A fresh file with a pepper, a signing key and key 1 of every category.
    pub fn generate() -> Self {
        let mut file = KeyFile {
            pepper: STANDARD.encode(random_bytes::<32>()),
            signing: STANDARD.encode(random_bytes::<32>()),
            keys: Vec::new(),
        };
        for c in Category::ALL {
            file.add_key(c);
        }
        file
    }

    /// Adds the next key of a category, which becomes its active key; returns its id.
    pub fn add_key(&mut self, category: Category) -> u32 {
        let id = self
            .keys
            .iter()
            .filter(|k| k.category == category)
            .map(|k| k.id)
            .max()
            .unwrap_or(0)
            + 1;
        self.keys.push(KeyEntry {
            category,
            id,
            key: STANDARD.encode(random_bytes::<32>()),
        });
        id
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# Pactum key file. Keep it secret and back it up apart from the database:\n\
             # without it, encrypted columns and password hashes cannot be used.\n{body}"
        )
    }

    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        toml::from_str(text).map_err(|e| CryptoError::KeyFile(e.to_string()))
    }

    /// Writes the file atomically (temporary file, then rename) with mode 0600.
    pub fn write(&self, path: &Path) -> Result<(), CryptoError> {
        let io = |e: std::io::Error| CryptoError::KeyFile(format!("{}: {e}", path.display()));
        let tmp = path.with_extension("tmp");
        {
            use std::io::Write;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(&tmp).map_err(io)?;
            f.write_all(self.to_toml().as_bytes()).map_err(io)?;
            f.sync_all().map_err(io)?;
        }
        std::fs::rename(&tmp, path).map_err(io)
    }
}

fn decode_key(text: &str, what: &str) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    let bytes = Zeroizing::new(
        STANDARD
            .decode(text.trim())
            .map_err(|_| CryptoError::KeyFile(format!("{what} is not base64")))?,
    );
    let arr: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| CryptoError::KeyFile(format!("{what} must be 32 bytes")))?;
    Ok(Zeroizing::new(arr))
}

/// The keys in memory.
pub struct KeyRing {
    pepper: Zeroizing<[u8; 32]>,
    signing: Zeroizing<[u8; 32]>,
    keys: BTreeMap<(Category, u32), Zeroizing<[u8; 32]>>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("keys", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl KeyRing {
    pub fn from_file(file: &KeyFile) -> Result<Self, CryptoError> {
        let mut keys = BTreeMap::new();
        for k in &file.keys {
            let what = format!("key {} of {}", k.id, k.category.as_str());
            if keys
                .insert((k.category, k.id), decode_key(&k.key, &what)?)
                .is_some()
            {
                return Err(CryptoError::KeyFile(format!("{what} appears twice")));
            }
        }
        for c in Category::ALL {
            if !keys.keys().any(|(kc, _)| *kc == c) {
                return Err(CryptoError::KeyFile(format!(
                    "no key for category {}",
                    c.as_str()
                )));
            }
        }
        Ok(Self {
            pepper: decode_key(&file.pepper, "pepper")?,
            signing: decode_key(&file.signing, "signing")?,
            keys,
        })
    }

    pub fn pepper(&self) -> [u8; 32] {
        *self.pepper
    }

    pub fn signing_key(&self) -> [u8; 32] {
        *self.signing
    }

    /// A short one-way check value per key (`pepper`, `signing`, `<category>:<id>`), so a
    /// backup can record which keys it needs and a restore can tell whether the key file
    /// at hand holds them, without either revealing a key.
    pub fn checks(&self) -> BTreeMap<String, String> {
        use sha2::{Digest, Sha256};
        let check = |name: &str, key: &[u8; 32]| {
            let mut h = Sha256::new();
            h.update(b"pactum key check v1\0");
            h.update(name.as_bytes());
            h.update(b"\0");
            h.update(key);
            h.finalize()[..8]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        let mut out = BTreeMap::new();
        out.insert("pepper".to_owned(), check("pepper", &self.pepper));
        out.insert("signing".to_owned(), check("signing", &self.signing));
        for ((category, id), key) in &self.keys {
            let name = format!("{}:{id}", category.as_str());
            out.insert(name.clone(), check(&name, key));
        }
        out
    }

    /// The id new ciphertexts of a category are made with: the highest.
    pub fn active_id(&self, category: Category) -> u32 {
        self.keys
            .keys()
            .filter(|(c, _)| *c == category)
            .map(|(_, id)| *id)
            .max()
            .unwrap_or(0)
    }

    pub(crate) fn cipher(
        &self,
        category: Category,
        id: u32,
    ) -> Result<XChaCha20Poly1305, CryptoError> {
        let key = self
            .keys
            .get(&(category, id))
            .ok_or(CryptoError::UnknownKey(category.as_str(), id))?;
        XChaCha20Poly1305::new_from_slice(key.as_slice()).map_err(|_| CryptoError::Malformed)
    }

    pub fn encrypt(
        &self,
        category: Category,
        context: &str,
        plaintext: &[u8],
    ) -> Result<String, CryptoError> {
        let id = self.active_id(category);
        let cipher = self.cipher(category, id)?;
        let nonce = random_bytes::<24>();
        let header = format!("{VERSION}:{}:{id}", category.as_str());
        let aad = format!("{header}:{context}");
        let ct = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Malformed)?;
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ct);
        Ok(format!("{header}:{}", URL_SAFE_NO_PAD.encode(blob)))
    }

    pub fn decrypt(
        &self,
        category: Category,
        context: &str,
        text: &str,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let (cat, id, body) = parse(text)?;
        if cat != category {
            return Err(CryptoError::Forged);
        }
        let cipher = self.cipher(category, id)?;
        let blob = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| CryptoError::Malformed)?;
        if blob.len() < 24 + 16 {
            return Err(CryptoError::Malformed);
        }
        let aad = format!("{VERSION}:{}:{id}:{context}", category.as_str());
        let nonce: [u8; 24] = blob[..24].try_into().map_err(|_| CryptoError::Malformed)?;
        cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &blob[24..],
                    aad: aad.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Forged)
    }
}

/// The category and key id a ciphertext names.
pub fn key_of(text: &str) -> Result<(Category, u32), CryptoError> {
    parse(text).map(|(c, id, _)| (c, id))
}

fn parse(text: &str) -> Result<(Category, u32, &str), CryptoError> {
    let mut parts = text.splitn(4, ':');
    let (Some(VERSION), Some(cat), Some(id), Some(body)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(CryptoError::Malformed);
    };
    let cat = Category::parse(cat).ok_or(CryptoError::Malformed)?;
    let id = id.parse().map_err(|_| CryptoError::Malformed)?;
    Ok((cat, id, body))
}

/// Where the key ring came from, so a running server can pick up a rotated key file.
#[derive(Debug, Clone)]
pub enum KeySource {
    File(PathBuf),
    /// From an environment variable or a test: fixed for the life of the process.
    Fixed,
}

/// The key ring a process shares. When a ciphertext names a key this process has not seen
/// (another process rotated the key file), the file is read again once.
#[derive(Debug, Clone)]
pub struct Keys {
    ring: Arc<RwLock<Arc<KeyRing>>>,
    source: KeySource,
}

impl Keys {
    pub fn new(ring: KeyRing, source: KeySource) -> Self {
        Self {
            ring: Arc::new(RwLock::new(Arc::new(ring))),
            source,
        }
    }

    /// Reads a key file, creating it with fresh keys when `create` is set and it is missing.
    pub fn open(path: &Path, create: bool) -> Result<Self, CryptoError> {
        if create && !path.exists() {
            KeyFile::generate().write(path)?;
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| CryptoError::KeyFile(format!("{}: {e}", path.display())))?;
        let ring = KeyRing::from_file(&KeyFile::parse(&text)?)?;
        Ok(Self::new(ring, KeySource::File(path.to_owned())))
    }

    /// Keys for tests and for `PACTUM_KEYS`: the key file's TOML text.
    pub fn from_toml(text: &str) -> Result<Self, CryptoError> {
        let ring = KeyRing::from_file(&KeyFile::parse(text)?)?;
        Ok(Self::new(ring, KeySource::Fixed))
    }

    pub fn source(&self) -> &KeySource {
        &self.source
    }

    pub fn current(&self) -> Arc<KeyRing> {
        match self.ring.read() {
            Ok(r) => r.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Re-reads the key file; used after rotation and on an unknown key id.
    pub fn reload(&self) -> Result<(), CryptoError> {
        let KeySource::File(path) = &self.source else {
            return Ok(());
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| CryptoError::KeyFile(format!("{}: {e}", path.display())))?;
        let ring = Arc::new(KeyRing::from_file(&KeyFile::parse(&text)?)?);
        match self.ring.write() {
            Ok(mut w) => *w = ring,
            Err(poisoned) => *poisoned.into_inner() = ring,
        }
        Ok(())
    }

    pub fn encrypt(
        &self,
        category: Category,
        context: &str,
        plaintext: &[u8],
    ) -> Result<String, CryptoError> {
        self.current().encrypt(category, context, plaintext)
    }

    pub fn decrypt(
        &self,
        category: Category,
        context: &str,
        text: &str,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        match self.current().decrypt(category, context, text) {
            Err(CryptoError::UnknownKey(..)) => {
                self.reload()?;
                self.current().decrypt(category, context, text)
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> (KeyFile, KeyRing) {
        let file = KeyFile::generate();
        let ring = KeyRing::from_file(&file).unwrap();
        (file, ring)
    }

    #[test]
    fn checks_name_every_key_and_differ_between_files() {
        let (mut file, first) = ring();
        let checks = first.checks();
        assert_eq!(checks.len(), 2 + Category::ALL.len());
        assert!(checks.contains_key("pepper") && checks.contains_key("totp:1"));
        assert!(checks.values().all(|c| c.len() == 16));
        // The same file gives the same checks; a rotation adds one and keeps the rest.
        assert_eq!(KeyRing::from_file(&file).unwrap().checks(), checks);
        file.add_key(Category::Files);
        let rotated = KeyRing::from_file(&file).unwrap().checks();
        assert_eq!(rotated.len(), checks.len() + 1);
        assert!(checks.iter().all(|(k, v)| rotated.get(k) == Some(v)));
        // Another file's keys check differently.
        let (_, other) = ring();
        assert_ne!(other.checks()["pepper"], checks["pepper"]);
        assert_ne!(other.checks()["totp:1"], checks["totp:1"]);
    }

    #[test]
    fn round_trip_names_category_and_key() {
        let (_, ring) = ring();
        let ct = ring
            .encrypt(Category::Totp, "users.totp:1", b"secret")
            .unwrap();
        assert!(ct.starts_with("pk1:totp:1:"), "{ct}");
        assert!(!ct.contains("secret"));
        let pt = ring.decrypt(Category::Totp, "users.totp:1", &ct).unwrap();
        assert_eq!(pt.as_slice(), b"secret");
        assert_eq!(key_of(&ct).unwrap(), (Category::Totp, 1));
    }

    #[test]
    fn context_category_and_tampering_are_detected() {
        let (_, ring) = ring();
        let ct = ring
            .encrypt(Category::Breach, "breaches.details:a", b"x")
            .unwrap();
        assert_eq!(
            ring.decrypt(Category::Breach, "breaches.details:b", &ct),
            Err(CryptoError::Forged)
        );
        assert_eq!(
            ring.decrypt(Category::Request, "breaches.details:a", &ct),
            Err(CryptoError::Forged)
        );
        let mut bad = ct.clone();
        let last = bad.pop().unwrap();
        bad.push(if last == 'A' { 'B' } else { 'A' });
        assert!(
            ring.decrypt(Category::Breach, "breaches.details:a", &bad)
                .is_err()
        );
        assert_eq!(
            ring.decrypt(Category::Breach, "x", "plain text"),
            Err(CryptoError::Malformed)
        );
    }

    #[test]
    fn categories_have_separate_keys() {
        let (file, ring) = ring();
        let ct = ring.encrypt(Category::Files, "c", b"x").unwrap();
        // Relabel a files ciphertext as a request one: a different key, so it fails.
        let relabelled = ct.replacen("files", "request", 1);
        assert!(ring.decrypt(Category::Request, "c", &relabelled).is_err());
        assert_eq!(file.keys.len(), Category::ALL.len());
    }

    #[test]
    fn rotation_keeps_old_ciphertexts_readable() {
        let (mut file, ring) = ring();
        let old = ring.encrypt(Category::Totp, "c", b"old").unwrap();
        assert_eq!(file.add_key(Category::Totp), 2);
        let ring2 = KeyRing::from_file(&file).unwrap();
        let new = ring2.encrypt(Category::Totp, "c", b"new").unwrap();
        assert!(new.starts_with("pk1:totp:2:"));
        assert_eq!(
            ring2.decrypt(Category::Totp, "c", &old).unwrap().as_slice(),
            b"old"
        );
        assert_eq!(
            ring.decrypt(Category::Totp, "c", &new),
            Err(CryptoError::UnknownKey("totp", 2))
        );
    }

    #[test]
    fn a_running_process_picks_up_a_rotated_file() {
        let dir = std::env::temp_dir().join(format!(
            "pactum-keys-{}",
            crate::secret::hex(&random_bytes::<6>())
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("keys.toml");
        let keys = Keys::open(&path, true).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let mut file = KeyFile::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        file.add_key(Category::Breach);
        file.write(&path).unwrap();
        let other = Keys::open(&path, false).unwrap();
        let ct = other.encrypt(Category::Breach, "c", b"v").unwrap();
        assert!(ct.starts_with("pk1:breach:2:"));
        assert_eq!(
            keys.decrypt(Category::Breach, "c", &ct).unwrap().as_slice(),
            b"v"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn bad_key_files_are_refused_with_a_reason() {
        let mut file = KeyFile::generate();
        file.keys.retain(|k| k.category != Category::Files);
        let err = KeyRing::from_file(&file).unwrap_err();
        assert!(err.to_string().contains("files"), "{err}");
        let mut file = KeyFile::generate();
        file.pepper = "c2hvcnQ=".into();
        assert!(
            KeyRing::from_file(&file)
                .unwrap_err()
                .to_string()
                .contains("32 bytes")
        );
        assert!(KeyFile::parse("pepper = 1").is_err());
    }
}
