//! The command line. Every subcommand shares `--config`, `--data-dir` and
//! `--database-url`, each also settable through its `PACTUM_*` environment variable.

mod commands;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use pactum_domain::access::TokenScope;

use crate::config::{FileConfig, Overrides, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "pactum",
    version,
    about = "A self-hostable GDPR compliance workspace."
)]
pub struct Cli {
    /// A TOML config file (see pactum.example.toml).
    #[arg(long, global = true, env = "PACTUM_CONFIG")]
    pub config: Option<PathBuf>,
    /// Where the embedded database lives [default: ./pactum-data].
    #[arg(long, global = true, env = "PACTUM_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// A postgres:// URL to use PostgreSQL instead of the embedded SQLite.
    #[arg(
        long,
        global = true,
        env = "PACTUM_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Log filter (e.g. info, debug, pactum=debug).
    #[arg(long, global = true, env = "PACTUM_LOG")]
    pub log: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web UI and the API.
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long, env = "PACTUM_BIND")]
        bind: Option<SocketAddr>,
    },
    /// Start a throw-away instance with demo data and print its URL and API token.
    Demo {
        /// Port on 127.0.0.1; 0 picks a free one.
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Write an organisation's complete data as one JSON document.
    Export {
        /// The organisation's slug.
        #[arg(long)]
        org: String,
        /// Output file; standard output when absent.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write a document: an Art. 30 record, the DPA annexes, the risk register, a breach
    /// report or the breach register, or the answer to an access request.
    Document {
        /// ropa-controller, ropa-processor, dpa-annexes, risk-register, breach-report,
        /// breach-register or access-pack.
        kind: String,
        /// The organisation's slug.
        #[arg(long)]
        org: String,
        /// One project only (by id), for the data-map documents.
        #[arg(long)]
        project: Option<uuid::Uuid>,
        /// The breach (breach-report) or request (access-pack).
        #[arg(long)]
        id: Option<uuid::Uuid>,
        /// pdf, html, xlsx, csv or json.
        #[arg(long, default_value = "pdf")]
        format: String,
        /// en or nl.
        #[arg(long, default_value = "en")]
        lang: String,
        /// For CSV: the table to write (its key); the document's main table by default.
        #[arg(long)]
        table: Option<String>,
        /// Output file; standard output when absent.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write a consistent copy of the database and the uploaded files into a new
    /// directory, while Pactum serves. The key file is not included: keep it apart.
    Backup {
        /// The directory to create (it must not exist, or be empty).
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Put a backup in place of this instance's database and files. Stop the server first.
    Restore {
        /// The backup directory.
        dir: PathBuf,
        /// Replace a database that holds organisations or accounts, and existing files.
        #[arg(long)]
        force: bool,
    },
    /// Restore an export into this store (the organisation must not exist yet).
    Import {
        /// The export document.
        file: PathBuf,
    },
    /// Manage organisations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Manage the encryption keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Find and redact personal data in text.
    #[command(subcommand)]
    Pii(PiiCommand),
    /// Apply the retention periods to Pactum's own data.
    #[command(subcommand)]
    Retention(RetentionCommand),
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Remove what is past its period (and deleted accounts and organisations whose
    /// recovery window ended), except what is under a legal hold; print what per table.
    Run {
        /// Count what would go, remove nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PiiCommand {
    /// Print the personal data found in a file: one JSON line per finding, or a summary.
    Scan {
        /// The file to scan (`-` for standard input).
        file: PathBuf,
        /// Print counts per kind and the estimated number of people instead of findings.
        #[arg(long)]
        summary: bool,
    },
    /// Copy standard input to standard output with personal data replaced.
    Redact {
        #[arg(long, value_enum, default_value = "mask")]
        policy: PolicyArg,
        /// The key for `--policy hash`, taken from this environment variable.
        #[arg(long, default_value = "PACTUM_PII_KEY")]
        key_env: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PolicyArg {
    /// `<EMAIL>`
    Mask,
    /// `<EMAIL_1>`, the same value gets the same number within the input.
    Placeholder,
    /// `<EMAIL:3f9a1c0b2d4e>`, a keyed hash stable across inputs.
    Hash,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organisation.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// ISO 3166-1 alpha-2 country of establishment.
        #[arg(long, default_value = "NL")]
        country: String,
    },
    /// List organisations.
    List,
    /// Put an organisation under legal hold: nothing of it is removed by the retention
    /// batch or a deletion until it is lifted.
    Hold {
        slug: String,
        /// Lift the hold instead.
        #[arg(long)]
        off: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScopeArg {
    Read,
    Write,
    Admin,
}

impl From<ScopeArg> for TokenScope {
    fn from(s: ScopeArg) -> Self {
        match s {
            ScopeArg::Read => TokenScope::Read,
            ScopeArg::Write => TokenScope::Write,
            ScopeArg::Admin => TokenScope::Admin,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user (with a generated password, printed once) and optionally make them a
    /// member of an organisation.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        /// The organisation to join (its slug).
        #[arg(long)]
        org: Option<String>,
        /// The role in that organisation.
        #[arg(long, default_value = "owner")]
        role: String,
    },
    /// Put a person's account under legal hold (by e-mail address or username): their
    /// sign-in records and audit events stay, and the account is not purged.
    Hold {
        login: String,
        /// Lift the hold instead.
        #[arg(long)]
        off: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Add a new active key (per category) to the key file and re-encrypt every stored
    /// secret under it, in batches; safe while Pactum serves.
    Rotate {
        /// Only these categories (totp, api_secrets, breach, request, files); all by default.
        #[arg(long = "category")]
        categories: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute every hash chain of the audit log; fails when an event was changed,
    /// inserted or deleted.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a personal API token and print its secret (shown only this once).
    Create {
        /// The organisation's slug.
        #[arg(long)]
        org: String,
        /// Whose token (username or e-mail); the organisation's first owner by default.
        #[arg(long)]
        user: Option<String>,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        name: String,
        #[arg(long, value_enum, default_value = "read")]
        scope: ScopeArg,
        /// Days until it expires.
        #[arg(long)]
        expires_in_days: Option<i64>,
    },
}

impl Cli {
    fn settings(&self, bind: Option<SocketAddr>) -> anyhow::Result<Settings> {
        let file = match &self.config {
            Some(path) => FileConfig::load(path)?,
            None => FileConfig::default(),
        };
        Settings::resolve(
            file,
            Overrides {
                data_dir: self.data_dir.clone(),
                database_url: self.database_url.clone(),
                bind,
                log: self.log.clone(),
            },
        )
    }
}

/// Parses the command line and runs it; errors are printed with their causes.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: starting the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        super::Cli::command().debug_assert();
    }
}
