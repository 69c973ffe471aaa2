//! What every handler can reach.

use std::net::IpAddr;
use std::sync::Arc;

use pactum_crypto::keyring::Keys;
use pactum_crypto::password::PasswordHasher;
use pactum_crypto::signed::Signer;
use pactum_store::Store;
use pactum_store::sessions::Lifetime;
use pactum_store::throttle::Backoff;
use time::Duration;

use crate::clock::Clock;
use crate::limit::Limits;
use crate::mail::{Mailer, SmtpSettings};

#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<WebSettings>,
    pub security: Arc<Security>,
    pub metrics: Arc<crate::metrics::Metrics>,
}

/// Keys and the tools made from them.
#[derive(Debug)]
pub struct Security {
    pub keys: Arc<Keys>,
    pub passwords: PasswordHasher,
    pub signer: Signer,
    pub limits: Limits,
    /// `None` when no SMTP relay is configured: account mail is then logged as not sent.
    pub mailer: Option<Mailer>,
}

/// Limits and switches of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    /// Seconds a request may take before it is answered with 503.
    pub request_timeout_secs: u64,
    pub auth: AuthSettings,
    /// Where people reach Pactum, for links in e-mail (`https://pactum.example.com`).
    pub public_url: String,
    pub smtp: Option<SmtpSettings>,
    /// Uploads: where they are kept, how large they may be, the virus scanner.
    pub files: crate::files::FileSettings,
    /// AI reports: the provider and the egress client it must use.
    pub ai: crate::ai::AiSettings,
    /// How long a deleted account or organisation stays recoverable.
    pub deletion_window: Duration,
    /// How long each of Pactum's own tables keeps its rows.
    pub retention: pactum_domain::lifecycle::RetentionPolicy,
    /// The bearer token `/metrics` asks for; without one the endpoint answers 404.
    pub metrics_token: Option<String>,
    /// How often the background scheduler runs a round; a holder that stops renewing
    /// loses the lease after three of them.
    pub scheduler_interval: std::time::Duration,
}

/// How people sign in and stay signed in.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub session: Lifetime,
    /// bcrypt's cost factor (2^cost rounds); 12 by default, lower only in tests.
    pub bcrypt_cost: u32,
    /// Leading zero bits a public form's proof of work needs (each bit doubles the work).
    pub pow_difficulty: u8,
    /// A public form sent back sooner than this after it was handed out is a bot's.
    pub min_fill: Duration,
    /// How long a handed-out form (and its puzzle) stays usable.
    pub form_ttl: Duration,
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed. Empty: none is.
    pub trusted_proxies: Vec<IpAddr>,
    /// The version of Pactum's terms and DPA a registration accepts.
    pub terms_version: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    /// Sensitive actions need a proof of identity at most this old.
    pub reauth_window: Duration,
    pub backoff: Backoff,
    /// Requests per minute to the public account routes, per client address.
    pub public_per_minute: u32,
    /// Sign-in attempts per minute per client address.
    pub login_per_minute: u32,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            session: Lifetime::default(),
            bcrypt_cost: pactum_crypto::password::DEFAULT_COST,
            pow_difficulty: 18,
            min_fill: Duration::seconds(3),
            form_ttl: Duration::minutes(30),
            trusted_proxies: Vec::new(),
            terms_version: TERMS_VERSION.to_owned(),
            access_ttl: Duration::minutes(15),
            refresh_ttl: Duration::days(30),
            reauth_window: Duration::minutes(10),
            backoff: Backoff::default(),
            public_per_minute: 30,
            login_per_minute: 10,
        }
    }
}

/// The version of Pactum's terms of service and data processing agreement in force.
pub const TERMS_VERSION: &str = "2026-11";

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            auth: AuthSettings::default(),
            public_url: "http://127.0.0.1:8080".to_owned(),
            smtp: None,
            files: crate::files::FileSettings {
                blobs: crate::files::blobs::Blobs::new("./pactum-data/files".into()),
                max_bytes: 25 * 1024 * 1024,
                scanner: crate::files::scan::Scanner::Unix(
                    crate::files::scan::DEFAULT_SOCKET.into(),
                ),
            },
            ai: crate::ai::AiSettings {
                provider: crate::ai::Provider::Offline,
                egress: crate::egress::Egress::new(Vec::new()).unwrap_or_else(|e| panic!("{e}")),
            },
            deletion_window: Duration::days(i64::from(
                pactum_domain::lifecycle::DEFAULT_DELETION_WINDOW_DAYS,
            )),
            retention: Default::default(),
            metrics_token: None,
            scheduler_interval: std::time::Duration::from_secs(60),
        }
    }
}

/// The key ring as the store's [`pactum_store::database::Sealer`]: encrypted columns are
/// sealed with the category the schema names, bound to their row and column.
#[derive(Debug)]
pub struct KeySealer(pub Arc<Keys>);

impl pactum_store::database::Sealer for KeySealer {
    fn seal(&self, category: &str, context: &str, plaintext: &str) -> Result<String, String> {
        let c = pactum_crypto::keyring::Category::parse(category)
            .ok_or_else(|| format!("unknown key category {category}"))?;
        self.0
            .encrypt(c, context, plaintext.as_bytes())
            .map_err(|e| e.to_string())
    }

    fn open(&self, category: &str, context: &str, sealed: &str) -> Result<String, String> {
        let c = pactum_crypto::keyring::Category::parse(category)
            .ok_or_else(|| format!("unknown key category {category}"))?;
        let plain = self
            .0
            .decrypt(c, context, sealed)
            .map_err(|e| e.to_string())?;
        String::from_utf8(plain.to_vec()).map_err(|e| e.to_string())
    }
}

impl AppState {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        settings: WebSettings,
        keys: Arc<Keys>,
    ) -> Self {
        let ring = keys.current();
        let security = Security {
            passwords: PasswordHasher::new(ring.pepper(), settings.auth.bcrypt_cost),
            signer: Signer::new(ring.signing_key()),
            limits: Limits::new(&settings.auth),
            mailer: settings.smtp.as_ref().and_then(|s| match Mailer::new(s) {
                Ok(m) => Some(m),
                Err(e) => {
                    tracing::error!(error = %e, "account mail is off");
                    None
                }
            }),
            keys,
        };
        let store = store.with_sealer(Arc::new(KeySealer(security.keys.clone())));
        Self {
            store,
            clock,
            settings: Arc::new(settings),
            security: Arc::new(security),
            metrics: Arc::new(crate::metrics::Metrics::default()),
        }
    }

    pub fn auth(&self) -> &AuthSettings {
        &self.settings.auth
    }
}
