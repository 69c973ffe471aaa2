//! Configuration: one TOML file plus `PACTUM_*` environment variables and command-line
//! flags, in rising order of precedence. Unknown keys are refused, so a typo is noticed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use pactum_store::DatabaseUrl;
use serde::Deserialize;

/// The config file. Every key is optional; see `pactum.example.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Where Pactum keeps its SQLite database (and, later, uploaded files).
    pub data_dir: Option<PathBuf>,
    /// `postgres://...` to use PostgreSQL; by default SQLite in the data directory.
    pub database_url: Option<String>,
    /// Address to listen on.
    pub bind: Option<SocketAddr>,
    /// Log filter, e.g. `info` or `pactum=debug,info`.
    pub log: Option<String>,
    /// Log format: `text` or `json`.
    pub log_format: Option<String>,
    /// Largest request body in bytes.
    pub max_body_bytes: Option<usize>,
    /// Seconds before a request is abandoned.
    pub request_timeout_secs: Option<u64>,
    /// The key file (pepper, signing key, encryption keys); never inside the database.
    pub keys_file: Option<PathBuf>,
    /// Reverse proxies whose X-Forwarded-For is believed.
    pub trusted_proxies: Option<Vec<std::net::IpAddr>>,
    pub session_idle_minutes: Option<i64>,
    pub session_absolute_hours: Option<i64>,
    /// Where people reach Pactum, for links in account e-mail.
    pub public_url: Option<String>,
    /// SMTP relay for account e-mail (verification, password reset, security notices).
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_from: Option<String>,
    /// Where uploaded files are kept, encrypted; by default `files` in the data directory.
    pub files_dir: Option<PathBuf>,
    /// Largest uploaded file in bytes; 25 MB by default.
    pub upload_max_bytes: Option<u64>,
    /// The clamd every upload is scanned by: `unix:///path`, `tcp://host:port`, or `off`
    /// (uploads are then stored unscanned and every upload page says so).
    pub clamd: Option<String>,
    /// Who writes AI reports: `offline` (Pactum's rules, no network; the default) or
    /// `openai` (any OpenAI-compatible chat-completions API).
    pub ai_provider: Option<String>,
    /// For `openai`: the API's base URL, e.g. `https://api.mistral.ai/v1`.
    pub ai_base_url: Option<String>,
    pub ai_model: Option<String>,
    /// The API key; better given as PACTUM_AI_API_KEY than written here.
    pub ai_api_key: Option<String>,
    /// Hosts (`host` or `host:port`) Pactum may send HTTP requests to; every other is
    /// refused and logged. The AI provider's host must be listed.
    pub egress_allow: Option<Vec<String>>,
    /// Days a deleted account or organisation stays recoverable; 30 by default.
    pub deletion_window_days: Option<u32>,
    /// Days each of Pactum's own tables keeps its rows (`[retention]`, e.g.
    /// `sessions = 90`); a table not named keeps its default.
    pub retention: Option<pactum_domain::lifecycle::RetentionPolicy>,
    /// The bearer token Prometheus presents at `/metrics` (at least 16 characters); better
    /// given as PACTUM_METRICS_TOKEN. Without one `/metrics` answers 404.
    pub metrics_token: Option<String>,
    /// Seconds between the background scheduler's rounds (reminders, retention, purges);
    /// 60 by default. Another instance takes over three intervals after the leader stops.
    pub scheduler_interval_secs: Option<u64>,
}

impl FileConfig {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("in the config file {}", path.display()))
    }
}

/// The settings in force after merging file, environment and flags.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database: DatabaseUrl,
    pub bind: SocketAddr,
    pub log: String,
    pub json_logs: bool,
    pub max_body_bytes: usize,
    pub request_timeout_secs: u64,
    pub keys_file: PathBuf,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub public_url: String,
    pub smtp: Option<pactum_web::mail::SmtpSettings>,
    pub files: pactum_web::files::FileSettings,
    pub ai: pactum_web::ai::AiSettings,
    pub deletion_window: time::Duration,
    pub retention: pactum_domain::lifecycle::RetentionPolicy,
    pub metrics_token: Option<String>,
    pub scheduler_interval: std::time::Duration,
}

/// Values given on the command line or in the environment (clap merges those two).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub bind: Option<SocketAddr>,
    pub log: Option<String>,
}

pub const DEFAULT_DATA_DIR: &str = "./pactum-data";

impl Settings {
    pub fn resolve(file: FileConfig, over: Overrides) -> anyhow::Result<Settings> {
        let data_dir = over
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let database = match over.database_url.or(file.database_url) {
            Some(url) => DatabaseUrl::parse(&url).context("database_url / PACTUM_DATABASE_URL")?,
            None => DatabaseUrl::sqlite_in(&data_dir),
        };
        let log_format = file.log_format.unwrap_or_else(|| "text".into());
        let json_logs = match log_format.as_str() {
            "text" => false,
            "json" => true,
            other => bail!("log_format must be \"text\" or \"json\", not {other:?}"),
        };
        let max_body_bytes = file.max_body_bytes.unwrap_or(1024 * 1024);
        if !(1024..=64 * 1024 * 1024).contains(&max_body_bytes) {
            bail!("max_body_bytes must be from 1024 to 67108864");
        }
        let request_timeout_secs = file.request_timeout_secs.unwrap_or(30);
        if !(1..=600).contains(&request_timeout_secs) {
            bail!("request_timeout_secs must be from 1 to 600");
        }
        let session_idle_minutes = file.session_idle_minutes.unwrap_or(30);
        if !(1..=24 * 60).contains(&session_idle_minutes) {
            bail!("session_idle_minutes must be from 1 to 1440");
        }
        let session_absolute_hours = file.session_absolute_hours.unwrap_or(8);
        if !(1..=24 * 30).contains(&session_absolute_hours) {
            bail!("session_absolute_hours must be from 1 to 720");
        }
        let keys_file = std::env::var_os("PACTUM_KEYS_FILE")
            .map(PathBuf::from)
            .or(file.keys_file)
            .unwrap_or_else(|| data_dir.join("keys.toml"));
        let bind = over
            .bind
            .or(file.bind)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let public_url = file.public_url.unwrap_or_else(|| format!("http://{bind}"));
        if !(public_url.starts_with("https://") || public_url.starts_with("http://")) {
            bail!("public_url must start with https:// (or http:// for a local test)");
        }
        let smtp = match (file.smtp_host, file.smtp_from) {
            (Some(host), Some(from)) => Some(pactum_web::mail::SmtpSettings {
                host,
                port: file.smtp_port.unwrap_or(25),
                from,
            }),
            (None, None) => None,
            _ => bail!("smtp_host and smtp_from go together: set both, or neither"),
        };
        let upload_max_bytes = file.upload_max_bytes.unwrap_or(25 * 1024 * 1024);
        if !(1024..=1024 * 1024 * 1024).contains(&upload_max_bytes) {
            bail!("upload_max_bytes must be from 1024 to 1073741824");
        }
        let clamd = std::env::var("PACTUM_CLAMD")
            .ok()
            .or(file.clamd)
            .unwrap_or_else(|| format!("unix://{}", pactum_web::files::scan::DEFAULT_SOCKET));
        let scanner = pactum_web::files::scan::Scanner::parse(&clamd)
            .map_err(|e| anyhow::anyhow!("clamd / PACTUM_CLAMD: {e}"))?;
        let files = pactum_web::files::FileSettings {
            blobs: pactum_web::files::blobs::Blobs::new(
                file.files_dir.unwrap_or_else(|| data_dir.join("files")),
            ),
            max_bytes: upload_max_bytes,
            scanner,
        };
        let egress_allow = file.egress_allow.unwrap_or_default();
        let egress = pactum_web::egress::Egress::new(egress_allow.clone())
            .map_err(|e| anyhow::anyhow!("egress_allow: {e}"))?;
        let provider = match file.ai_provider.as_deref().unwrap_or("offline") {
            "offline" => pactum_web::ai::Provider::Offline,
            "openai" => {
                let base_url = file
                    .ai_base_url
                    .context("ai_base_url is needed when ai_provider is \"openai\"")?;
                if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
                    bail!("ai_base_url must start with https:// (or http:// for a local server)");
                }
                if !egress.allows(&base_url) {
                    bail!(
                        "ai_base_url's host is not in egress_allow ({egress_allow:?}): add it there, or Pactum will refuse to reach it"
                    );
                }
                let model = file
                    .ai_model
                    .context("ai_model is needed when ai_provider is \"openai\"")?;
                pactum_web::ai::Provider::OpenAiCompatible {
                    base_url,
                    model,
                    api_key: std::env::var("PACTUM_AI_API_KEY").ok().or(file.ai_api_key),
                }
            }
            other => bail!("ai_provider must be \"offline\" or \"openai\", not {other:?}"),
        };
        let ai = pactum_web::ai::AiSettings { provider, egress };
        let deletion_window = pactum_domain::lifecycle::check_deletion_window(
            file.deletion_window_days
                .unwrap_or(pactum_domain::lifecycle::DEFAULT_DELETION_WINDOW_DAYS),
        )
        .map_err(|v| anyhow::anyhow!("{v}"))?;
        let retention = file.retention.unwrap_or_default();
        retention.validate().map_err(|v| anyhow::anyhow!("{v}"))?;
        let metrics_token = std::env::var("PACTUM_METRICS_TOKEN")
            .ok()
            .or(file.metrics_token)
            .filter(|t| !t.is_empty());
        if let Some(t) = &metrics_token
            && (t.chars().count() < 16 || t.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            bail!(
                "metrics_token / PACTUM_METRICS_TOKEN must be at least 16 characters without spaces"
            );
        }
        let scheduler_interval_secs = file.scheduler_interval_secs.unwrap_or(60);
        if !(1..=3600).contains(&scheduler_interval_secs) {
            bail!("scheduler_interval_secs must be from 1 to 3600");
        }
        Ok(Settings {
            metrics_token,
            scheduler_interval: std::time::Duration::from_secs(scheduler_interval_secs),
            deletion_window,
            retention,
            ai,
            files,
            public_url,
            smtp,
            keys_file,
            trusted_proxies: file.trusted_proxies.unwrap_or_default(),
            session_idle_minutes,
            session_absolute_hours,
            data_dir,
            database,
            bind,
            log: over.log.or(file.log).unwrap_or_else(|| "info".into()),
            json_logs,
            max_body_bytes,
            request_timeout_secs,
        })
    }
}

/// Environment variables Pactum reads; anything else starting with `PACTUM_` is a typo.
pub const KNOWN_ENV: &[&str] = &[
    "PACTUM_CONFIG",
    "PACTUM_DATA_DIR",
    "PACTUM_DATABASE_URL",
    "PACTUM_BIND",
    "PACTUM_LOG",
    "PACTUM_KEYS_FILE",
    "PACTUM_CLAMD",
    "PACTUM_AI_API_KEY",
    "PACTUM_METRICS_TOKEN",
    "PACTUM_PII_KEY",
];

/// Read by the repository's test and benchmark scripts, which pass their environment on to
/// the servers they start.
const TOOLING_ENV: &[&str] = &[
    "PACTUM_TEST_POSTGRES_URL",
    "PACTUM_BIN",
    "PACTUM_CI_TARGET_DIR",
    "PACTUM_FUZZ_TARGET_DIR",
];

/// A `PACTUM_` variable Pactum does not read.
#[derive(Debug, PartialEq, Eq)]
pub struct UnknownVar {
    pub name: String,
    /// The setting it is one or two keystrokes away from: a typo that would otherwise start
    /// the server without the setting meant (on the default SQLite file instead of the
    /// PostgreSQL database, say).
    pub meant: Option<&'static str>,
}

pub fn unknown_env_vars() -> Vec<UnknownVar> {
    unknown_among(std::env::vars().map(|(k, _)| k))
}

fn unknown_among(names: impl Iterator<Item = String>) -> Vec<UnknownVar> {
    names
        .filter(|k| {
            k.starts_with("PACTUM_")
                && !KNOWN_ENV.contains(&k.as_str())
                && !TOOLING_ENV.contains(&k.as_str())
        })
        .map(|name| {
            let meant = KNOWN_ENV
                .iter()
                .map(|known| (strsim::damerau_levenshtein(&name, known), *known))
                .filter(|(distance, _)| *distance <= 2)
                .min()
                .map(|(_, known)| known);
            UnknownVar { name, meant }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_flags_over_file_over_default() {
        let file: FileConfig =
            toml::from_str("data_dir = \"/srv/pactum\"\nbind = \"0.0.0.0:9000\"").unwrap();
        let s = Settings::resolve(
            file,
            Overrides {
                bind: Some("127.0.0.1:7000".parse().unwrap()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(s.bind.port(), 7000);
        assert_eq!(s.data_dir, PathBuf::from("/srv/pactum"));
        assert!(
            s.database
                .expose()
                .starts_with("sqlite:///srv/pactum/pactum.db")
        );
    }

    #[test]
    fn the_example_file_is_valid() {
        let file: FileConfig =
            toml::from_str(include_str!("../../../pactum.example.toml")).unwrap();
        let s = Settings::resolve(file, Overrides::default()).unwrap();
        assert_eq!(s.session_idle_minutes, 30);
        assert!(s.smtp.is_none());
    }

    #[test]
    fn retention_and_the_recovery_window_are_read_and_checked_by_name() {
        let file: FileConfig =
            toml::from_str("deletion_window_days = 14\n[retention]\nsessions = 7\n").unwrap();
        let s = Settings::resolve(file, Overrides::default()).unwrap();
        assert_eq!(s.deletion_window, time::Duration::days(14));
        assert_eq!(
            s.retention.days(pactum_domain::lifecycle::Table::Sessions),
            7
        );
        let file: FileConfig = toml::from_str("[retention]\naudit_events = 30\n").unwrap();
        let err = Settings::resolve(file, Overrides::default()).unwrap_err();
        assert!(
            format!("{err:#}").contains("retention.audit_events"),
            "{err:#}"
        );
        let file: FileConfig = toml::from_str("metrics_token = \"short\"").unwrap();
        let err = Settings::resolve(file, Overrides::default()).unwrap_err();
        assert!(format!("{err:#}").contains("metrics_token"), "{err:#}");
        let file: FileConfig = toml::from_str("scheduler_interval_secs = 0").unwrap();
        let err = Settings::resolve(file, Overrides::default()).unwrap_err();
        assert!(
            format!("{err:#}").contains("scheduler_interval_secs"),
            "{err:#}"
        );
        let file: FileConfig = toml::from_str("deletion_window_days = 0").unwrap();
        let err = Settings::resolve(file, Overrides::default()).unwrap_err();
        assert!(
            format!("{err:#}").contains("deletion_window_days"),
            "{err:#}"
        );
        assert!(toml::from_str::<FileConfig>("[retention]\nsesions = 7\n").is_err());
    }

    #[test]
    fn an_ai_provider_outside_the_allowlist_stops_the_start() {
        let file: FileConfig = toml::from_str(
            "ai_provider = \"openai\"\nai_base_url = \"https://api.example.eu/v1\"\nai_model = \"m\"",
        )
        .unwrap();
        let err = Settings::resolve(file, Overrides::default()).unwrap_err();
        assert!(format!("{err:#}").contains("egress_allow"), "{err:#}");
        let file: FileConfig = toml::from_str(
            "ai_provider = \"openai\"\nai_base_url = \"https://api.example.eu/v1\"\nai_model = \"m\"\negress_allow = [\"api.example.eu\"]",
        )
        .unwrap();
        let s = Settings::resolve(file, Overrides::default()).unwrap();
        assert_eq!(s.ai.provider.model(), "m");
        let file: FileConfig = toml::from_str("ai_provider = \"gpt\"").unwrap();
        let err = Settings::resolve(file, Overrides::default()).unwrap_err();
        assert!(format!("{err:#}").contains("ai_provider"), "{err:#}");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        assert!(toml::from_str::<FileConfig>("databse_url = \"x\"").is_err());
        let file: FileConfig = toml::from_str("database_url = \"mysql://x\"").unwrap();
        let err = Settings::resolve(file, Overrides::default()).unwrap_err();
        assert!(
            format!("{err:#}").contains("sqlite:// or postgres://"),
            "{err:#}"
        );
    }

    #[test]
    fn a_misspelt_variable_names_the_setting_it_resembles() {
        let names = [
            "PACTUM_DATABSE_URL",
            "PACTUM_METRIC_TOKEN",
            "PACTUM_BIND",
            "PACTUM_BIN",
            "PACTUM_SOMETHING_ELSE",
            "HOME",
        ]
        .map(String::from);
        let found = unknown_among(names.into_iter());
        assert_eq!(
            found,
            vec![
                UnknownVar {
                    name: "PACTUM_DATABSE_URL".into(),
                    meant: Some("PACTUM_DATABASE_URL"),
                },
                UnknownVar {
                    name: "PACTUM_METRIC_TOKEN".into(),
                    meant: Some("PACTUM_METRICS_TOKEN"),
                },
                UnknownVar {
                    name: "PACTUM_SOMETHING_ELSE".into(),
                    meant: None,
                },
            ]
        );
    }
}
