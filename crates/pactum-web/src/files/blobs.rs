//! The encrypted blob directory: `<dir>/<organisation id>/<sha256 of the content>`. An
//! upload is written encrypted to `<dir>/tmp/` as it streams in and moved into place only
//! once it passed every check; a blob no row names any more is swept after an hour (the
//! hour covers an upload that found its blob already there and has yet to write its row).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use pactum_crypto::keyring::{Category, Keys};
use pactum_crypto::stream::{HEADER, StreamSealer};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

/// How long an unnamed blob is kept before the sweep removes it.
pub const GRACE: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone)]
pub struct Blobs {
    dir: PathBuf,
}

/// What binds a blob's ciphertext: the organisation. The content hash is its name and is
/// checked against the plaintext on every read.
fn context(org: Uuid) -> String {
    format!("files:{org}")
}

fn is_hash(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl Blobs {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, org: Uuid, sha256: &str) -> Option<PathBuf> {
        is_hash(sha256).then(|| self.dir.join(org.to_string()).join(sha256))
    }

    /// Removes every blob of a purged organisation at once (the sweep would, after its
    /// grace period; a purge is final, so its files go with its rows).
    pub async fn remove_org(&self, org: Uuid) -> std::io::Result<()> {
        match tokio::fs::remove_dir_all(self.dir.join(org.to_string())).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    /// A new encrypted temporary file for an upload to `org`.
    pub async fn begin(&self, keys: &Keys, org: Uuid) -> std::io::Result<Pending> {
        let tmp_dir = self.dir.join("tmp");
        tokio::fs::create_dir_all(&tmp_dir).await?;
        let path = tmp_dir.join(Uuid::new_v4().to_string());
        let (header, sealer) = keys
            .current()
            .stream_sealer(Category::Files, &context(org))
            .map_err(std::io::Error::other)?;
        let mut file = tokio::fs::File::create(&path).await?;
        let guard = TempGuard(Some(path));
        file.write_all(&header).await?;
        Ok(Pending {
            file,
            sealer: Some(sealer),
            hasher: Sha256::new(),
            size: 0,
            guard,
            org,
        })
    }

    /// Streams a blob's plaintext out, piece by piece, checking its content hash at the end.
    pub async fn open(&self, keys: &Keys, org: Uuid, sha256: &str) -> std::io::Result<Reader> {
        let path = self
            .path(org, sha256)
            .ok_or_else(|| std::io::Error::other("not a content hash"))?;
        let mut file = tokio::fs::File::open(&path).await?;
        let mut header = [0u8; HEADER];
        file.read_exact(&mut header).await?;
        let opener = keys
            .stream_opener(Category::Files, &context(org), &header)
            .map_err(std::io::Error::other)?;
        Ok(Reader {
            file,
            opener: Some(opener),
            hasher: Sha256::new(),
            expected: sha256.to_owned(),
        })
    }

    /// Removes blobs that no row names: every blob of an organisation that no longer
    /// exists, and an existing one's blobs outside `in_use`, each once older than [`GRACE`].
    /// `lookup` answers, per organisation directory, `None` for a deleted organisation or
    /// the hashes its rows name.
    pub async fn sweep<F, Fut>(&self, now: SystemTime, lookup: F) -> std::io::Result<usize>
    where
        F: Fn(Uuid) -> Fut,
        Fut: std::future::Future<Output = std::io::Result<Option<std::collections::HashSet<String>>>>,
    {
        let mut removed = 0;
        let Ok(mut orgs) = tokio::fs::read_dir(&self.dir).await else {
            return Ok(0);
        };
        let old = |meta: &std::fs::Metadata| {
            meta.modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .is_some_and(|age| age >= GRACE)
        };
        while let Some(entry) = orgs.next_entry().await? {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name == "tmp" {
                // Leftovers of uploads cut off by a crash.
                let mut tmp = tokio::fs::read_dir(entry.path()).await?;
                while let Some(t) = tmp.next_entry().await? {
                    if old(&t.metadata().await?) {
                        tokio::fs::remove_file(t.path()).await?;
                        removed += 1;
                    }
                }
                continue;
            }
            let Ok(org) = Uuid::parse_str(&name) else {
                continue;
            };
            let in_use = lookup(org).await?;
            let mut blobs = tokio::fs::read_dir(entry.path()).await?;
            while let Some(b) = blobs.next_entry().await? {
                let hash = b.file_name().to_string_lossy().into_owned();
                let named = in_use.as_ref().is_some_and(|set| set.contains(&hash));
                if !named && old(&b.metadata().await?) {
                    tokio::fs::remove_file(b.path()).await?;
                    removed += 1;
                }
            }
            if in_use.is_none() {
                // Fails harmlessly while younger blobs are still there.
                let _ = tokio::fs::remove_dir(entry.path()).await;
            }
        }
        Ok(removed)
    }
}

/// Removes a temporary file unless it was moved into place.
#[derive(Debug)]
struct TempGuard(Option<PathBuf>);

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// An upload being written.
pub struct Pending {
    file: tokio::fs::File,
    sealer: Option<StreamSealer>,
    hasher: Sha256,
    size: u64,
    guard: TempGuard,
    org: Uuid,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl Pending {
    pub async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.size += bytes.len() as u64;
        self.hasher.update(bytes);
        let sealer = self
            .sealer
            .as_mut()
            .ok_or_else(|| std::io::Error::other("written after finishing"))?;
        let out = sealer.update(bytes).map_err(std::io::Error::other)?;
        self.file.write_all(&out).await
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Seals the last chunk, makes the file durable and moves it under its content hash;
    /// returns the hash. An identical blob already there is kept (and its age renewed).
    pub async fn commit(mut self, blobs: &Blobs, now: SystemTime) -> std::io::Result<String> {
        let sealer = self
            .sealer
            .take()
            .ok_or_else(|| std::io::Error::other("finished twice"))?;
        let last = sealer.finish().map_err(std::io::Error::other)?;
        self.file.write_all(&last).await?;
        self.file.sync_all().await?;
        let hash = hex(&self.hasher.clone().finalize());
        let target = blobs
            .path(self.org, &hash)
            .ok_or_else(|| std::io::Error::other("not a content hash"))?;
        let dir = target.parent().map(Path::to_path_buf).unwrap_or_default();
        tokio::fs::create_dir_all(&dir).await?;
        if tokio::fs::try_exists(&target).await? {
            let file = std::fs::File::options().write(true).open(&target)?;
            file.set_modified(now)?;
            return Ok(hash);
        }
        let Some(tmp) = self.guard.0.take() else {
            return Err(std::io::Error::other("no temporary file"));
        };
        if let Err(e) = tokio::fs::rename(&tmp, &target).await {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(e);
        }
        // The rename is durable only once the directory is.
        tokio::fs::File::open(&dir).await?.sync_all().await?;
        Ok(hash)
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A blob being read.
pub struct Reader {
    file: tokio::fs::File,
    opener: Option<pactum_crypto::stream::StreamOpener>,
    hasher: Sha256,
    expected: String,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reader")
    }
}

impl Reader {
    /// The next plaintext piece; `None` at the end, after the hash matched. An error means
    /// the blob was damaged or replaced: the download must stop there.
    pub async fn next(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let Some(opener) = self.opener.as_mut() else {
                return Ok(None);
            };
            let n = self.file.read(&mut buf).await?;
            if n == 0 {
                let opener = self
                    .opener
                    .take()
                    .ok_or_else(|| std::io::Error::other("read after the end"))?;
                let last = opener.finish().map_err(std::io::Error::other)?;
                self.hasher.update(&last);
                if hex(&self.hasher.clone().finalize()) != self.expected {
                    return Err(std::io::Error::other(
                        "the stored file does not match its hash",
                    ));
                }
                return Ok(Some(last).filter(|l| !l.is_empty()));
            }
            let out = opener.update(&buf[..n]).map_err(std::io::Error::other)?;
            if !out.is_empty() {
                self.hasher.update(&out);
                return Ok(Some(out));
            }
        }
    }
}
