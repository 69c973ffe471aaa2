//! Connecting: the backend is chosen by the URL's scheme, migrations are embedded, and
//! SQLite connections get the pragmas that make it safe for concurrent use.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor, Transaction};

use crate::error::{Result, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A database URL whose `Debug` and `Display` never show a password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    backend: Backend,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UrlError {
    #[error(
        "database URL must start with sqlite:// or postgres:// (got scheme {0:?}); refusing to guess"
    )]
    UnknownScheme(String),
    #[error("database URL has no scheme; use sqlite://PATH or postgres://USER@HOST/DB")]
    NoScheme,
}

impl DatabaseUrl {
    /// Parses an operator-supplied URL. An existing SQLite file is required: a typo must
    /// not silently create an empty database.
    pub fn parse(url: &str) -> Result<Self, UrlError> {
        let Some((scheme, _)) = url.split_once(':') else {
            return Err(UrlError::NoScheme);
        };
        let backend = match scheme {
            "sqlite" => Backend::Sqlite,
            "postgres" | "postgresql" => Backend::Postgres,
            other => return Err(UrlError::UnknownScheme(other.to_owned())),
        };
        Ok(Self {
            url: url.to_owned(),
            backend,
        })
    }

    /// The embedded default: `pactum.db` in the data directory, created when missing.
    pub fn sqlite_in(data_dir: &Path) -> Self {
        let path = data_dir.join("pactum.db");
        Self {
            url: format!("sqlite://{}?mode=rwc", path.display()),
            backend: Backend::Sqlite,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL itself, for the driver only.
    pub fn expose(&self) -> &str {
        &self.url
    }

    fn masked(&self) -> String {
        // scheme://user:password@host -> scheme://user:***@host
        if let Some((scheme, rest)) = self.url.split_once("://")
            && let Some((creds, host)) = rest.split_once('@')
            && let Some((user, _)) = creds.split_once(':')
        {
            return format!("{scheme}://{user}:***@{host}");
        }
        self.url.clone()
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.masked())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Encrypts and decrypts the values of sealed columns (see `ColumnKind::Sealed`). The
/// key ring lives outside the store; the binary hands it in with [`Store::with_sealer`].
pub trait Sealer: Send + Sync + fmt::Debug {
    fn seal(&self, category: &str, context: &str, plaintext: &str) -> Result<String, String>;
    fn open(&self, category: &str, context: &str, sealed: &str) -> Result<String, String>;
}

/// The storage handle: cheap to clone, shared by every request.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    sealer: Option<std::sync::Arc<dyn Sealer>>,
    summaries: std::sync::Arc<crate::summaries::Cache>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// The store with the key ring that seals and opens encrypted columns. Without one,
    /// reading or writing such a column fails (closed) instead of storing plaintext.
    pub fn with_sealer(mut self, sealer: std::sync::Arc<dyn Sealer>) -> Self {
        self.sealer = Some(sealer);
        self
    }

    pub(crate) fn sealer_opt(&self) -> Option<&dyn Sealer> {
        self.sealer.as_deref()
    }

    pub(crate) fn summaries(&self) -> &crate::summaries::Cache {
        &self.summaries
    }

    /// Opens a pool. SQLite gets WAL, foreign keys, a busy timeout and full fsync on commit
    /// on every connection: an acknowledged write must survive a crash.
    pub async fn connect(url: &DatabaseUrl) -> Result<Store> {
        install_default_drivers();
        let backend = url.backend();
        // Measured on 2 cores (bench/README.md): SQLite serves lists best with 4
        // connections (each is a worker thread), PostgreSQL as well with 8 as with 16.
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 8,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect(url.expose()).await?;
        Ok(Store {
            pool,
            backend,
            sealer: None,
            summaries: Default::default(),
        })
    }

    /// Brings the schema up to date. Safe to run at every start.
    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                SQLITE_MIGRATIONS.run(&self.pool).await?;
                // Gathers statistics where they are missing or stale, so the planner
                // chooses between the list and filter indexes well (cheap when current).
                sqlx::query("PRAGMA optimize=0x10002")
                    .execute(&self.pool)
                    .await?;
            }
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        crate::gaps::refresh_if_stale(self).await?;
        Ok(())
    }

    /// The version names of the embedded migrations, per backend (kept in step by a test).
    pub fn migration_names(backend: Backend) -> Vec<(i64, String)> {
        let m = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        m.iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Readiness: the database answers a query.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A write transaction. On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`),
    /// so two writers queue on the busy timeout instead of failing on a lock upgrade.
    pub(crate) async fn write(&self) -> Result<Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Raw access for the few checks that inspect the database itself (tests, doctor).
    pub async fn pragma(&self, name: &'static str) -> Result<String> {
        let sql = match name {
            "journal_mode" => "PRAGMA journal_mode",
            "foreign_keys" => "PRAGMA foreign_keys",
            "synchronous" => "PRAGMA synchronous",
            _ => return Err(StoreError::Corrupt(format!("unknown pragma {name}"))),
        };
        let row: (String,) = match sqlx::query_as::<_, (String,)>(sql)
            .fetch_one(&self.pool)
            .await
        {
            Ok(r) => r,
            Err(_) => {
                let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&self.pool).await?;
                (n.to_string(),)
            }
        };
        Ok(row.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_schemes() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://x.db").unwrap().backend(),
            Backend::Sqlite
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://a@b/c").unwrap().backend(),
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("mysql://a@b/c").unwrap_err(),
            UrlError::UnknownScheme("mysql".into())
        );
        assert_eq!(
            DatabaseUrl::parse("pactum.db").unwrap_err(),
            UrlError::NoScheme
        );
    }

    #[test]
    fn password_is_masked() {
        let url = DatabaseUrl::parse("postgres://pactum:s3cret@db.internal:5432/pactum").unwrap();
        let shown = format!("{url} {url:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("pactum:***@db.internal"));
    }
}

#[cfg(test)]
mod migration_parity {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migrations() {
        let sqlite = Store::migration_names(Backend::Sqlite);
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, Store::migration_names(Backend::Postgres));
    }
}
