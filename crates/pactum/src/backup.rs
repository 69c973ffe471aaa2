//! `pactum backup` and `pactum restore`: a directory holding a consistent copy of the
//! database, the encrypted uploaded files, and a manifest with a checksum of each.
//!
//! The key file is not in the backup, on purpose: a stolen backup must not open the sealed
//! columns or files. The manifest records a one-way check of every key instead, so a
//! restore refuses a key file that could not read what it restores.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use pactum_crypto::keyring::KeyRing;
use pactum_store::backup::{self as db, BackupError};
use pactum_store::{DatabaseUrl, Store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const FORMAT: &str = "pactum-backup/1";
const MANIFEST: &str = "manifest.json";
const FILES: &str = "files";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: String,
    pub pactum_version: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    pub backend: String,
    /// The newest migration the copied database had.
    pub schema_version: i64,
    pub organisations: i64,
    pub users: i64,
    pub database: Entry,
    pub files: Vec<Entry>,
    /// Key name to its one-way check (see `KeyRing::checks`).
    pub keys: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the backup directory, always with `/`.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Writes a backup into `out`, which must not exist or be an empty directory. The manifest
/// is written last: a directory without one is an interrupted backup, and restore refuses it.
pub async fn create(
    store: &Store,
    url: &DatabaseUrl,
    blobs: &Path,
    keys: &KeyRing,
    out: &Path,
    now: time::OffsetDateTime,
) -> anyhow::Result<Manifest> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        bail!(
            "{} is not empty; back up into a new directory",
            out.display()
        );
    }
    create_private_dir(out)?;
    let backend = store.backend();
    let db_name = db::file_name(backend);
    db::snapshot(store, url, &out.join(db_name))
        .await
        .context("copying the database")?;
    let database = entry(out, db_name)?;
    let (schema_version, organisations, users) = db::facts(store).await?;
    let mut files = Vec::new();
    if blobs.is_dir() {
        for rel in blob_files(blobs)? {
            let target = out.join(FILES).join(&rel);
            if let Some(dir) = target.parent() {
                create_private_dir(dir)?;
            }
            std::fs::copy(blobs.join(&rel), &target)
                .with_context(|| format!("copying {}", blobs.join(&rel).display()))?;
            std::fs::File::open(&target)?.sync_all()?;
            files.push(entry(out, &format!("{FILES}/{}", slash(&rel)))?);
        }
    }
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        pactum_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: now,
        backend: backend.name().to_owned(),
        schema_version,
        organisations,
        users,
        database,
        files,
        keys: keys.checks(),
    };
    let staged = out.join(".manifest.json.partial");
    std::fs::write(&staged, serde_json::to_string_pretty(&manifest)?)?;
    std::fs::File::open(&staged)?.sync_all()?;
    std::fs::rename(&staged, out.join(MANIFEST))?;
    std::fs::File::open(out)?.sync_all()?;
    Ok(manifest)
}

/// Reads and checks a backup: its format, and every file against its checksum.
pub fn verify(dir: &Path) -> anyhow::Result<Manifest> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).with_context(|| {
        format!(
            "{} has no {MANIFEST}: not a Pactum backup, or an interrupted one",
            dir.display()
        )
    })?;
    let manifest: Manifest =
        serde_json::from_str(&text).with_context(|| format!("reading {MANIFEST}"))?;
    if manifest.format != FORMAT {
        bail!(
            "{MANIFEST}: format {:?} is not {FORMAT:?}; this Pactum cannot restore it",
            manifest.format
        );
    }
    for e in std::iter::once(&manifest.database).chain(&manifest.files) {
        let path = inside(dir, &e.path)?;
        let (bytes, sha256) =
            digest(&path).with_context(|| format!("reading {} of the backup", e.path))?;
        if bytes != e.bytes || sha256 != e.sha256 {
            bail!(
                "{} of the backup does not match its checksum in {MANIFEST}: the backup is damaged",
                e.path
            );
        }
    }
    Ok(manifest)
}

/// Restores a backup over the database at `url` and the file directory `blobs`. Without
/// `force`, both must be empty (a new or only migrated database). Nothing is changed
/// unless the backup checks out and the key ring can read it.
pub async fn restore(
    dir: &Path,
    url: &DatabaseUrl,
    blobs: &Path,
    keys: &KeyRing,
    force: bool,
) -> anyhow::Result<Manifest> {
    let manifest = verify(dir)?;
    if manifest.backend != url.backend().name() {
        bail!(
            "the backup is of a {} database and the target is {}; move between backends with `pactum export` and `pactum import`",
            manifest.backend,
            url.backend().name()
        );
    }
    let have = keys.checks();
    let missing: Vec<&str> = manifest
        .keys
        .iter()
        .filter(|(name, check)| have.get(*name) != Some(*check))
        .map(|(name, _)| name.as_str())
        .collect();
    if !missing.is_empty() {
        bail!(
            "the key file does not hold the keys this backup was made with ({}); point PACTUM_KEYS_FILE (keys_file) at the key file of the backed-up instance",
            missing.join(", ")
        );
    }
    if !force {
        if !db::is_empty(url).await? {
            bail!(
                "the target database holds organisations or accounts; restore into a new database, or pass --force to replace it"
            );
        }
        if blobs.is_dir() && !blob_files(blobs)?.is_empty() {
            bail!(
                "the file directory {} holds files; restore into an empty one, or pass --force to replace them",
                blobs.display()
            );
        }
    }
    db::restore(&inside(dir, &manifest.database.path)?, url)
        .await
        .map_err(|e| match e {
            BackupError::Tool { .. } | BackupError::ToolMissing { .. } => anyhow::anyhow!(e),
            other => anyhow::anyhow!(other).context("restoring the database"),
        })?;
    replace_files(dir, &manifest, blobs)?;
    Ok(manifest)
}

fn replace_files(dir: &Path, manifest: &Manifest, blobs: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(blobs)?;
    for entry in std::fs::read_dir(blobs)? {
        let entry = entry?;
        // Organisation folders are named by their id; anything else is not ours to remove.
        let name = entry.file_name();
        if entry.file_type()?.is_dir() && uuid::Uuid::parse_str(&name.to_string_lossy()).is_ok() {
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    for e in &manifest.files {
        let rel = e
            .path
            .strip_prefix(&format!("{FILES}/"))
            .with_context(|| format!("{MANIFEST}: {} is not under {FILES}/", e.path))?;
        let target = blobs.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let staged = target.with_extension("restoring");
        std::fs::copy(inside(dir, &e.path)?, &staged)?;
        std::fs::File::open(&staged)?.sync_all()?;
        std::fs::rename(&staged, &target)?;
    }
    if blobs.is_dir() {
        std::fs::File::open(blobs)?.sync_all()?;
    }
    Ok(())
}

/// A manifest path inside the backup directory; never `..` or absolute.
fn inside(dir: &Path, rel: &str) -> anyhow::Result<PathBuf> {
    let ok = !rel.is_empty()
        && rel
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains('\\'));
    if !ok {
        bail!("{MANIFEST}: {rel:?} is not a path inside the backup");
    }
    Ok(dir.join(rel))
}

/// Every stored blob, relative to the blob directory (`<organisation>/<hash>`); uploads
/// still in `tmp/` are not stored yet.
fn blob_files(blobs: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for org in std::fs::read_dir(blobs)? {
        let org = org?;
        let name = org.file_name();
        if !org.file_type()?.is_dir() || uuid::Uuid::parse_str(&name.to_string_lossy()).is_err() {
            continue;
        }
        for blob in std::fs::read_dir(org.path())? {
            let blob = blob?;
            if blob.file_type()?.is_file() {
                out.push(PathBuf::from(&name).join(blob.file_name()));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn slash(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn entry(dir: &Path, rel: &str) -> anyhow::Result<Entry> {
    let (bytes, sha256) = digest(&dir.join(rel))?;
    Ok(Entry {
        path: rel.to_owned(),
        bytes,
        sha256,
    })
}

fn digest(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hasher.update(&buf[..n]);
    }
    let sha = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((bytes, sha))
}

/// A directory only its owner can read: a backup holds personal data.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}
