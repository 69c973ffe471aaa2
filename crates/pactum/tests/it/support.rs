//! Test fixtures: a fresh database per test, on SQLite or PostgreSQL.

use std::sync::atomic::{AtomicU32, Ordering};

use pactum_store::{DatabaseUrl, Store};
use tempfile::TempDir;
use time::OffsetDateTime;
use time::macros::datetime;

/// A fixed "now" so results do not depend on the clock.
pub const NOW: OffsetDateTime = datetime!(2026-11-23 09:30:00 UTC);

/// A migrated, empty store that removes itself when dropped.
pub struct TestDb {
    pub store: Store,
    _guard: Guard,
}

enum Guard {
    Sqlite(#[allow(dead_code)] TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Guard::Postgres { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Dropping happens outside the test's runtime; use a short-lived one.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    use sqlx::Connection;
                    sqlx::any::install_default_drivers();
                    if let Ok(mut c) = sqlx::AnyConnection::connect(&admin_url).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&mut c)
                        .await;
                    }
                });
            })
            .join();
        }
    }
}

pub fn postgres_admin_url() -> String {
    std::env::var("PACTUM_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&DatabaseUrl::sqlite_in(dir.path()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        TestDb {
            store,
            _guard: Guard::Sqlite(dir),
        }
    }

    pub async fn postgres() -> TestDb {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let admin_url = postgres_admin_url();
        let name = format!(
            "pactum_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = sqlx::AnyConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| {
                panic!("PostgreSQL must be reachable at {admin_url} for the test suite: {e}")
            });
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut admin)
        .await
        .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap();
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let url = DatabaseUrl::parse(&format!("{base}/{name}")).unwrap();
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        TestDb {
            store,
            _guard: Guard::Postgres { admin_url, name },
        }
    }
}

/// Runs each listed `async fn(TestDb)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::support::TestDb::sqlite().await).await
                }
                #[tokio::test]
                async fn postgres() {
                    super::$name($crate::support::TestDb::postgres().await).await
                }
            }
        )*
    };
}
