//! Starting the HTTP server: bind (port 0 picks a free port), serve, stop gracefully.

use std::net::SocketAddr;

use std::sync::Arc;

use anyhow::Context;
use pactum_crypto::keyring::Keys;
use pactum_store::Store;
use pactum_web::AppState;
use pactum_web::state::WebSettings;
use tokio::net::TcpListener;

use crate::config::Settings;

/// A bound, not yet serving, application: tests and the demo read the real port first.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    pub async fn build(
        store: Store,
        settings: &Settings,
        bind: SocketAddr,
    ) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(bind)
            .await
            .with_context(|| format!("binding {bind}"))?;
        let keys = open_keys(settings)?;
        let state = AppState::new(
            store,
            pactum_web::clock::system(),
            web_settings(settings),
            keys,
        );
        Ok(Self { listener, state })
    }

    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
    pub async fn run(self) -> anyhow::Result<()> {
        let scheduler = pactum_web::reminders::spawn(self.state.clone());
        let app = pactum_web::router(self.state.clone());
        axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await?;
        scheduler.stop(&self.state).await;
        Ok(())
    }
}

pub fn web_settings(settings: &Settings) -> WebSettings {
    let mut web = WebSettings {
        max_body_bytes: settings.max_body_bytes,
        request_timeout_secs: settings.request_timeout_secs,
        public_url: settings.public_url.clone(),
        smtp: settings.smtp.clone(),
        files: settings.files.clone(),
        ai: settings.ai.clone(),
        deletion_window: settings.deletion_window,
        retention: settings.retention.clone(),
        metrics_token: settings.metrics_token.clone(),
        scheduler_interval: settings.scheduler_interval,
        ..WebSettings::default()
    };
    web.auth.trusted_proxies = settings.trusted_proxies.clone();
    web.auth.session.idle = time::Duration::minutes(settings.session_idle_minutes);
    web.auth.session.absolute = time::Duration::hours(settings.session_absolute_hours);
    web
}

/// Opens the key file, creating it (readable by the owner only) on first start.
pub fn open_keys(settings: &Settings) -> anyhow::Result<Arc<Keys>> {
    if let Some(dir) = settings.keys_file.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).with_context(|| {
            format!("creating the directory of {}", settings.keys_file.display())
        })?;
    }
    let keys = Keys::open(&settings.keys_file, true)
        .with_context(|| format!("opening the key file {}", settings.keys_file.display()))?;
    Ok(Arc::new(keys))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

/// Opens the store and brings its schema up to date.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    // An explicit sqlite:// URL must name an existing file: a typo must not start an empty
    // database (only the default file in the data directory is created).
    let url = settings.database.expose();
    if let Some(rest) = url.strip_prefix("sqlite://")
        && !url.contains("mode=rwc")
    {
        let path = rest.split('?').next().unwrap_or(rest);
        if !std::path::Path::new(path).exists() {
            anyhow::bail!(
                "the SQLite database {path} does not exist; check the path, or leave out the URL to use (and create) pactum.db in --data-dir"
            );
        }
    }
    if settings.database.backend() == pactum_store::Backend::Sqlite {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "creating the data directory {}",
                settings.data_dir.display()
            )
        })?;
    }
    let store = Store::connect(&settings.database)
        .await
        .with_context(|| format!("connecting to {}", settings.database))?;
    store.migrate().await.context("running migrations")?;
    // Encrypted columns (the registers' free text) need the key ring, also for the
    // commands that import or export without serving.
    let keys = open_keys(settings)?;
    let store = store.with_sealer(Arc::new(pactum_web::state::KeySealer(keys)));
    // Clocks derived by earlier rules are derived again (needs the key ring to read).
    pactum_store::registers::resettle_if_stale(&store)
        .await
        .context("deriving the registers' deadlines")?;
    Ok(store)
}

pub fn init_logging(settings: &Settings) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(&settings.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if settings.json_logs {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
