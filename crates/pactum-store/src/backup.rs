//! Consistent online copies of the database, and putting one back.
//!
//! SQLite is copied with `VACUUM INTO`, which reads one snapshot of the database while
//! writers go on (WAL mode) and writes a compact, self-contained file. PostgreSQL is
//! copied with its own `pg_dump` (custom format, one repeatable-read snapshot) and put back
//! with `pg_restore` in one transaction. The password never appears on a command line:
//! the tools get it through `PGPASSWORD`.

use std::path::{Path, PathBuf};

use sqlx::Connection;

use crate::database::{Backend, DatabaseUrl, Store};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Store(#[from] crate::StoreError),
    #[error("{tool} failed ({status}): {stderr}")]
    Tool {
        tool: &'static str,
        status: String,
        stderr: String,
    },
    #[error("{tool} was not found; install PostgreSQL's client tools (Debian: postgresql-client)")]
    ToolMissing { tool: &'static str },
    #[error("the copy fails its integrity check: {0}")]
    Integrity(String),
    #[error("{0}")]
    Refused(String),
}

/// The file name of the database copy inside a backup, per backend.
pub fn file_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "database.sqlite",
        Backend::Postgres => "database.pgdump",
    }
}

/// Writes a consistent copy of the store's database to `dest` (which must not exist).
pub async fn snapshot(store: &Store, url: &DatabaseUrl, dest: &Path) -> Result<(), BackupError> {
    if dest.exists() {
        return Err(BackupError::Refused(format!(
            "{} exists already",
            dest.display()
        )));
    }
    match store.backend() {
        Backend::Sqlite => {
            let target = dest.to_str().ok_or_else(|| {
                BackupError::Refused(format!("{} is not valid UTF-8", dest.display()))
            })?;
            sqlx::query("VACUUM INTO $1")
                .bind(target.to_owned())
                .execute(store.pool())
                .await?;
            check_sqlite(dest).await?;
            sync_file(dest)?;
        }
        Backend::Postgres => {
            let mut cmd = pg_tool("pg_dump", url)?;
            cmd.arg("--format=custom")
                .arg("--no-owner")
                .arg("--no-acl")
                .arg("--file")
                .arg(dest);
            run(cmd, "pg_dump").await?;
            sync_file(dest)?;
        }
    }
    Ok(())
}

/// The newest applied migration, and the number of organisations and accounts.
pub async fn facts(store: &Store) -> Result<(i64, i64, i64), BackupError> {
    let one = |sql: &'static str| async move {
        sqlx::query_as::<_, (i64,)>(sql)
            .fetch_one(store.pool())
            .await
            .map(|(n,)| n)
    };
    Ok((
        one("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations").await?,
        one("SELECT COUNT(*) FROM organisations").await?,
        one("SELECT COUNT(*) FROM users").await?,
    ))
}

/// True when the database at `url` holds no organisation and no account (a new or only
/// migrated database), so a restore overwrites nothing of value.
pub async fn is_empty(url: &DatabaseUrl) -> Result<bool, BackupError> {
    if url.backend() == Backend::Sqlite {
        let path = sqlite_path(url)?;
        if !path.exists() {
            return Ok(true);
        }
    }
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url.expose()).await?;
    for table in ["organisations", "users"] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        match sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut conn)
            .await
        {
            Ok((0,)) => {}
            Ok(_) => return Ok(false),
            // No such table: not migrated yet, so nothing is in it.
            Err(sqlx::Error::Database(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    conn.close().await?;
    Ok(true)
}

/// Puts the copy `source` (made by [`snapshot`] for the same backend) in place of the
/// database at `url`. The caller has checked that nothing of value is overwritten and
/// that no server uses the database.
pub async fn restore(source: &Path, url: &DatabaseUrl) -> Result<(), BackupError> {
    match url.backend() {
        Backend::Sqlite => {
            check_sqlite(source).await?;
            let target = sqlite_path(url)?;
            let dir = match target.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            };
            std::fs::create_dir_all(&dir)?;
            let staged = dir.join(".pactum-restore.db");
            std::fs::copy(source, &staged)?;
            sync_file(&staged)?;
            // A write-ahead log left beside the old file would be replayed into the new one.
            for suffix in ["-wal", "-shm"] {
                let side = PathBuf::from(format!("{}{suffix}", target.display()));
                match std::fs::remove_file(&side) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                    _ => {}
                }
            }
            std::fs::rename(&staged, &target)?;
            std::fs::File::open(&dir)?.sync_all()?;
        }
        Backend::Postgres => {
            let mut cmd = pg_tool("pg_restore", url)?;
            cmd.arg("--clean")
                .arg("--if-exists")
                .arg("--no-owner")
                .arg("--no-acl")
                .arg("--single-transaction")
                .arg("--exit-on-error")
                .arg(source);
            run(cmd, "pg_restore").await?;
        }
    }
    Ok(())
}

/// The file of a `sqlite://` URL.
pub fn sqlite_path(url: &DatabaseUrl) -> Result<PathBuf, BackupError> {
    let rest = url
        .expose()
        .strip_prefix("sqlite://")
        .ok_or_else(|| BackupError::Refused("not a sqlite:// URL".into()))?;
    Ok(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

/// `PRAGMA integrity_check` on a closed SQLite file, read-only.
async fn check_sqlite(path: &Path) -> Result<(), BackupError> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let mut conn = SqliteConnection::connect_with(&options).await?;
    let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await?;
    conn.close().await?;
    match rows.as_slice() {
        [(ok,)] if ok == "ok" => Ok(()),
        other => Err(BackupError::Integrity(
            other
                .iter()
                .map(|(s,)| s.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        )),
    }
}

fn sync_file(path: &Path) -> std::io::Result<()> {
    std::fs::File::open(path)?.sync_all()?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// A PostgreSQL client tool pointed at `url`, the password handed over in the environment.
fn pg_tool(tool: &'static str, url: &DatabaseUrl) -> Result<tokio::process::Command, BackupError> {
    let mut parsed = url::Url::parse(url.expose())
        .map_err(|e| BackupError::Refused(format!("the database URL does not parse: {e}")))?;
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    let _ = parsed.set_password(None);
    let mut cmd = tokio::process::Command::new(tool);
    cmd.arg("--dbname").arg(parsed.as_str());
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    cmd.stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .env_remove("PGDATABASE")
        .env_remove("PGSERVICE");
    Ok(cmd)
}

async fn run(mut cmd: tokio::process::Command, tool: &'static str) -> Result<(), BackupError> {
    let out = match cmd.output().await {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(BackupError::ToolMissing { tool });
        }
        Err(e) => return Err(e.into()),
    };
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    Err(BackupError::Tool {
        tool,
        status: out.status.to_string(),
        stderr: stderr.lines().take(20).collect::<Vec<_>>().join("\n"),
    })
}
