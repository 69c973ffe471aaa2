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
    Sqlite(TempDir),
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

/// One key file for the whole test run (generating keys is cheap, but one is enough).
pub static TEST_KEYS: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| pactum_crypto::keyring::KeyFile::generate().to_toml());

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The test key ring as the store's sealer for encrypted columns.
pub fn test_sealer() -> std::sync::Arc<dyn pactum_store::database::Sealer> {
    std::sync::Arc::new(pactum_web::state::KeySealer(std::sync::Arc::new(
        pactum_crypto::keyring::Keys::from_toml(&TEST_KEYS).unwrap(),
    )))
}

impl TestDb {
    /// The SQLite database file, when this is SQLite.
    pub fn sqlite_dir(&self) -> Option<std::path::PathBuf> {
        match &self._guard {
            Guard::Sqlite(dir) => Some(dir.path().to_owned()),
            Guard::Postgres { .. } => None,
        }
    }

    /// The database's URL.
    pub fn url(&self) -> DatabaseUrl {
        match &self._guard {
            Guard::Sqlite(dir) => DatabaseUrl::sqlite_in(dir.path()),
            Guard::Postgres { admin_url, name } => {
                let (base, _) = admin_url.rsplit_once('/').unwrap();
                DatabaseUrl::parse(&format!("{base}/{name}")).unwrap()
            }
        }
    }

    /// A new, empty (not migrated) database on the same backend, removed when dropped.
    pub async fn blank(&self) -> Blank {
        match &self._guard {
            Guard::Sqlite(_) => {
                let dir = tempfile::tempdir().unwrap();
                Blank {
                    url: DatabaseUrl::sqlite_in(dir.path()),
                    _guard: Guard::Sqlite(dir),
                }
            }
            Guard::Postgres { admin_url, .. } => {
                let (url, name) = create_postgres_database(admin_url).await;
                Blank {
                    url,
                    _guard: Guard::Postgres {
                        admin_url: admin_url.clone(),
                        name,
                    },
                }
            }
        }
    }

    /// A second store on the same database, as a second instance of the server has.
    pub async fn another_store(&self) -> Store {
        let url = self.url();
        Store::connect(&url)
            .await
            .unwrap()
            .with_sealer(test_sealer())
    }

    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&DatabaseUrl::sqlite_in(dir.path()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        TestDb {
            store: store.with_sealer(test_sealer()),
            _guard: Guard::Sqlite(dir),
        }
    }

    pub async fn postgres() -> TestDb {
        let admin_url = postgres_admin_url();
        let (url, name) = create_postgres_database(&admin_url).await;
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        TestDb {
            store: store.with_sealer(test_sealer()),
            _guard: Guard::Postgres { admin_url, name },
        }
    }
}

/// A database that exists but holds nothing yet (a restore's target).
pub struct Blank {
    pub url: DatabaseUrl,
    _guard: Guard,
}

/// Creates a fresh, empty PostgreSQL database; returns its URL and name.
async fn create_postgres_database(admin_url: &str) -> (DatabaseUrl, String) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let name = format!(
        "pactum_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = sqlx::AnyConnection::connect(admin_url)
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
    (DatabaseUrl::parse(&format!("{base}/{name}")).unwrap(), name)
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

/// bcrypt at its lowest cost, so tests stay fast; the production cost is checked in
/// `pactum-crypto`.
pub fn passwords() -> pactum_crypto::password::PasswordHasher {
    pactum_crypto::password::PasswordHasher::new([7; 32], 4)
}

/// Web settings for tests: cheap hashing and puzzles, no minimum fill time.
pub fn test_settings() -> pactum_web::state::WebSettings {
    let mut s = pactum_web::state::WebSettings::default();
    s.auth.bcrypt_cost = 4;
    s.auth.pow_difficulty = 4;
    s.auth.min_fill = time::Duration::ZERO;
    // Each test its own blob directory; scanning off unless a test starts clamd.
    s.files.blobs = pactum_web::files::blobs::Blobs::new(tempfile::tempdir().unwrap().keep());
    s.files.scanner = pactum_web::files::scan::Scanner::Off;
    s
}

/// The EICAR test file: every virus scanner reports it, and it harms nothing.
pub const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// A real clamd on a free port of 127.0.0.1, with a signature database of two EICAR
/// signatures written here (no download needed); stopped when dropped.
pub struct Clamd {
    pub port: u16,
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl Clamd {
    pub async fn start() -> Clamd {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        std::fs::create_dir(&db).unwrap();
        let md5 = md5_hex(EICAR);
        std::fs::write(
            db.join("eicar.hdb"),
            format!("{md5}:{}:Test.EICAR.HDB\n", EICAR.len()),
        )
        .unwrap();
        let body: String = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        std::fs::write(db.join("eicar.ndb"), format!("Test.EICAR.NDB:0:*:{body}\n")).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let conf = dir.path().join("clamd.conf");
        std::fs::write(
            &conf,
            format!(
                "Foreground yes\nDatabaseDirectory {}\nTCPSocket {port}\nTCPAddr 127.0.0.1\nStreamMaxLength 2M\nSelfCheck 0\nLogFile {}\n",
                db.display(),
                dir.path().join("clamd.log").display()
            ),
        )
        .unwrap();
        let binary = ["/usr/sbin/clamd", "/usr/bin/clamd"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("clamd is not installed: apt-get install clamav-daemon (.ci/run does)");
        let child = std::process::Command::new(binary)
            .arg("-c")
            .arg(&conf)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let clamd = Clamd {
            port,
            child,
            _dir: dir,
        };
        let scanner = clamd.scanner();
        for _ in 0..200 {
            if scanner.ping().await.is_ok() {
                return clamd;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("clamd did not answer PING within 10 s");
    }

    pub fn scanner(&self) -> pactum_web::files::scan::Scanner {
        pactum_web::files::scan::Scanner::Tcp(format!("127.0.0.1:{}", self.port))
    }
}

impl Drop for Clamd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// MD5, for clamd's whole-file signature format only.
fn md5_hex(data: &[u8]) -> String {
    let out = std::process::Command::new("md5sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(data)?;
            c.wait_with_output()
        })
        .unwrap();
    String::from_utf8(out.stdout).unwrap()[..32].to_owned()
}

/// The HTTP application in process, on a seeded database, with tokens per organisation.
pub struct TestApp {
    pub db: TestDb,
    pub router: axum::Router,
    /// What the router serves from (for background work such as reminder rounds).
    pub state: pactum_web::AppState,
    pub clock: std::sync::Arc<pactum_web::clock::ManualClock>,
    /// Demo owners' (username, password), practions first.
    pub logins: Vec<(String, String)>,
    /// Admin tokens: practions first, then locaverdi.
    pub practions: String,
    pub locaverdi: String,
}

/// A response, parsed.
#[derive(Debug)]
pub struct Reply {
    pub status: axum::http::StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: serde_json::Value,
    pub raw: Vec<u8>,
}

impl TestApp {
    pub async fn new(db: TestDb) -> TestApp {
        Self::with_settings(db, test_settings()).await
    }

    pub async fn with_settings(db: TestDb, settings: pactum_web::state::WebSettings) -> TestApp {
        let keys =
            std::sync::Arc::new(pactum_crypto::keyring::Keys::from_toml(&TEST_KEYS).unwrap());
        let mut db = db;
        db.store = db
            .store
            .clone()
            .with_sealer(std::sync::Arc::new(pactum_web::state::KeySealer(
                keys.clone(),
            )));
        let hasher = pactum_crypto::password::PasswordHasher::new(
            keys.current().pepper(),
            settings.auth.bcrypt_cost,
        );
        let seeded = pactum::demo::seed(&db.store, &hasher, NOW).await.unwrap();
        let clock = std::sync::Arc::new(pactum_web::clock::ManualClock::new(NOW));
        let state = pactum_web::AppState::new(db.store.clone(), clock.clone(), settings, keys);
        let router = pactum_web::router(state.clone());
        let mut tokens = seeded.tokens.into_iter().map(|(_, t)| t);
        TestApp {
            router,
            state,
            clock,
            logins: seeded.logins.into_iter().map(|(_, u, p)| (u, p)).collect(),
            practions: tokens.next().unwrap(),
            locaverdi: tokens.next().unwrap(),
            db,
        }
    }

    /// A token of another scope for an organisation's first owner.
    pub async fn token(&self, slug: &str, scope: pactum_domain::access::TokenScope) -> String {
        let org = pactum_store::organisations::by_slug(&self.db.store, slug)
            .await
            .unwrap();
        let org = pactum_store::scope::OrgId(org.id);
        let owner = pactum_store::accounts::first_owner(&self.db.store, org)
            .await
            .unwrap()
            .unwrap();
        self.token_for(slug, owner, scope).await
    }

    /// A token of a given user (who must be a member) for an organisation.
    pub async fn token_for(
        &self,
        slug: &str,
        user: uuid::Uuid,
        scope: pactum_domain::access::TokenScope,
    ) -> String {
        let org = pactum_store::organisations::by_slug(&self.db.store, slug)
            .await
            .unwrap();
        pactum_store::tokens::create(
            &self.db.store,
            &pactum_store::audit::Actor::system(),
            pactum_store::scope::OrgId(org.id),
            user,
            pactum_domain::access::NewToken {
                name: "test".into(),
                scope,
                expires_in_days: None,
            },
            NOW,
        )
        .await
        .unwrap()
        .secret
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> Reply {
        let raw = body.map(|b| serde_json::to_vec(&b).unwrap());
        self.send_raw(method, path, token, raw, Some("application/json"))
            .await
    }

    pub async fn send_raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
        content_type: Option<&str>,
    ) -> Reply {
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let mut req = axum::http::Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => {
                if let Some(ct) = content_type {
                    req = req.header("content-type", ct);
                }
                req.body(axum::body::Body::from(b)).unwrap()
            }
            None => req.body(axum::body::Body::empty()).unwrap(),
        };
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let raw = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        let body = serde_json::from_slice(&raw).unwrap_or(serde_json::Value::Null);
        Reply {
            status,
            headers,
            body,
            raw,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.send("GET", path, Some(token), None).await
    }

    /// The id of the organisation's first project.
    pub async fn project(&self, slug: &str, token: &str) -> String {
        let r = self
            .get(&format!("/api/v1/orgs/{slug}/projects"), token)
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body["items"][0]["id"].as_str().unwrap().to_owned()
    }
}

/// A real SMTP server on a loopback socket that keeps every message it receives.
pub struct SmtpSink {
    pub port: u16,
    messages: std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        Self::start_on(0).await
    }

    /// On a given port (0: any free one).
    pub async fn start_on(port: u16) -> SmtpSink {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let store = messages.clone();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let store = store.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                    let (mut to, mut data, mut in_data) = (String::new(), String::new(), false);
                    while let Ok(Some(line)) = lines.next_line().await {
                        if in_data {
                            if line == "." {
                                in_data = false;
                                store.lock().unwrap().push((to.clone(), data.clone()));
                                data.clear();
                                let _ = write.write_all(b"250 queued\r\n").await;
                            } else {
                                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                                data.push('\n');
                            }
                            continue;
                        }
                        let upper = line.to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") {
                            b"250-sink\r\n250 8BITMIME\r\n"
                        } else if upper.starts_with("RCPT TO:") {
                            to = line[8..].trim().trim_matches(['<', '>']).to_owned();
                            b"250 ok\r\n"
                        } else if upper == "DATA" {
                            in_data = true;
                            b"354 go on\r\n"
                        } else if upper == "QUIT" {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        } else {
                            b"250 ok\r\n"
                        };
                        let _ = write.write_all(reply).await;
                    }
                });
            }
        });
        SmtpSink { port, messages }
    }

    /// Waits (up to five seconds) for a message to this address and returns its text,
    /// its quoted-printable body decoded.
    pub async fn message_to(&self, to: &str, containing: &str) -> String {
        for _ in 0..100 {
            let found = self
                .messages
                .lock()
                .unwrap()
                .iter()
                .map(|(t, body)| (t.clone(), decode_quoted_printable(body)))
                .find(|(t, body)| t == to && body.contains(containing))
                .map(|(_, body)| body);
            if let Some(body) = found {
                return body;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no message to {to} containing {containing:?}");
    }

    pub fn count(&self) -> usize {
        self.messages.lock().unwrap().len()
    }

    /// Every message received so far: (recipient, text with quoted-printable decoded).
    pub fn all(&self) -> Vec<(String, String)> {
        self.messages
            .lock()
            .unwrap()
            .iter()
            .map(|(t, body)| (t.clone(), decode_quoted_printable(body)))
            .collect()
    }
}

/// Soft line breaks and `=XX` escapes of a quoted-printable text (RFC 2045 6.7).
fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(b) = joined
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
