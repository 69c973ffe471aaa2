//! `pactum demo`: a throw-away instance holding two real organisations, modelled from the
//! two agreements Pactum is built from: Practions (a coaching platform, processor for
//! coaches) and LOCAVERDI (the compliance SaaS Readmodel). Everything goes through the same
//! validation as user input.

mod locaverdi;
mod practions;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use pactum_crypto::password::PasswordHasher;
use pactum_domain::access::{NewToken, TokenScope};
use pactum_domain::organisation::{Member, Organisation};
use pactum_domain::project::Project;
use pactum_domain::registers::breach::Breach;
use pactum_domain::registers::request::DataSubjectRequest;
use pactum_store::audit::Actor;
use pactum_store::records;
use pactum_store::schema::Stored;
use pactum_store::scope::{OrgId, ProjectId, Scope};
use pactum_store::{Store, StoreError, accounts, members, organisations, tokens};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::config::{DEFAULT_DATA_DIR, Settings};
use crate::server::{Application, open_store};

/// Marks a data directory as the demo's own, so the demo never wipes real data.
const MARKER: &str = ".pactum-demo";
const DEMO_DIR: &str = "./pactum-demo";

/// Adds records to one scope, failing loudly (with the field) if demo data is invalid.
pub(crate) struct Seeder<'a> {
    pub store: &'a Store,
    pub scope: Scope,
    pub now: OffsetDateTime,
}

impl Seeder<'_> {
    pub async fn add<E: Stored>(&self, value: Value) -> anyhow::Result<Uuid> {
        let entity: E = serde_json::from_value(value.clone())
            .with_context(|| format!("demo {} does not parse: {value}", E::NAME))?;
        match records::create(self.store, &Actor::system(), self.scope, entity, self.now).await {
            Ok(r) => Ok(r.id),
            Err(StoreError::Invalid(v)) => bail!("demo {} is invalid: {v} ({value})", E::NAME),
            Err(e) => Err(e.into()),
        }
    }
}

/// One open breach and two data-subject requests, timed from `now` so the demo's clocks
/// are running: a breach found 30 hours ago, a request due within the week, one answered.
async fn registers(
    store: &Store,
    scope: Scope,
    now: OffsetDateTime,
    role: &str,
) -> anyhow::Result<()> {
    let s = Seeder {
        store,
        scope: Scope::Org(scope.org()),
        now,
    };
    let at = |hours: i64| pactum_domain::timestamp::format(now - time::Duration::hours(hours));
    s.add::<Breach>(json!({
        "reference": "2026-01",
        "title": "Support mailbox forwarded to a wrong address",
        "role": role,
        "occurred_at": at(40),
        "aware_at": at(30),
        "contained_at": at(28),
        "nature": ["confidentiality"],
        "description": "An auto-forward rule sent 14 support e-mails to an outside address.",
        "data_categories": ["contact.email", "identity.name"],
        "subject_categories": ["customers"],
        "subjects_approx": 14,
        "records_approx": 14,
        "consequences": "Names and e-mail addresses of 14 customers seen by one outside person.",
        "measures": "Rule removed; recipient asked to delete the messages and confirmed it.",
        "risk": "risk"
    }))
    .await?;
    s.add::<DataSubjectRequest>(json!({
        "reference": "DSR-2026-004",
        "kind": "access",
        "received_at": at(24 * 26),
        "channel": "email",
        "requester_name": "J. de Vries",
        "requester_contact": "j.devries@example.org",
        "details": "Asks for a copy of all personal data and the recipients.",
        "status": "in_progress",
        "identity_verified_at": at(24 * 25),
        "identity_method": "Reply from the e-mail address on file"
    }))
    .await?;
    s.add::<DataSubjectRequest>(json!({
        "reference": "DSR-2026-003",
        "kind": "erasure",
        "received_at": at(24 * 60),
        "channel": "web_form",
        "requester_name": "A. Peeters",
        "status": "answered",
        "answered_at": at(24 * 50),
        "response": "Account and newsletter subscription erased; invoices kept (fiscal obligation)."
    }))
    .await?;
    Ok(())
}

/// Creates an organisation with one project and its owner (whose user must exist);
/// returns the project scope.
pub(crate) async fn organisation(
    store: &Store,
    org: Value,
    owner_email: &str,
    project: (&str, &str),
    now: OffsetDateTime,
) -> anyhow::Result<Scope> {
    let org: Organisation = serde_json::from_value(org)?;
    let actor = Actor::system();
    let org = OrgId(organisations::create(store, &actor, org, now).await?.id);
    members::add(
        store,
        &actor,
        org,
        Member {
            email: owner_email.into(),
            display_name: Some("Privacy officer".into()),
            role: pactum_domain::organisation::MemberRole::Owner,
        },
        now,
    )
    .await?;
    let p = records::create(
        store,
        &actor,
        Scope::Org(org),
        Project {
            name: project.0.into(),
            description: Some(project.1.into()),
        },
        now,
    )
    .await?;
    Ok(Scope::Project(org, ProjectId(p.id)))
}

/// Tokens and sign-ins for the seeded organisations, in the order they were seeded.
pub struct Seeded {
    /// (organisation slug, owner's admin API token)
    pub tokens: Vec<(String, String)>,
    /// (organisation slug, owner's username, owner's password)
    pub logins: Vec<(String, String, String)>,
}

/// The owners of the demo organisations: (slug, username, e-mail address).
const OWNERS: [(&str, &str, &str); 2] = [
    (
        "practions",
        "privacy.practions",
        "privacy@practions.example",
    ),
    (
        "locaverdi",
        "privacy.locaverdi",
        "privacy@locaverdi.example",
    ),
];

/// Seeds both organisations with their owners (each with a fresh random password) and
/// issues an admin token for each owner.
pub async fn seed(
    store: &Store,
    passwords: &PasswordHasher,
    now: OffsetDateTime,
) -> anyhow::Result<Seeded> {
    let mut logins = Vec::new();
    let mut users = Vec::new();
    for (slug, username, email) in OWNERS {
        let password = pactum_crypto::secret::human_code(20);
        let user = accounts::create_user(
            store,
            &Actor::system(),
            username,
            email,
            Some("Privacy officer"),
            passwords.hash(&password)?,
            now,
        )
        .await?;
        users.push(user.id);
        logins.push((slug.to_owned(), username.to_owned(), password));
    }
    let practions = practions::seed(store, now)
        .await
        .context("seeding practions")?;
    let locaverdi = locaverdi::seed(store, now)
        .await
        .context("seeding locaverdi")?;
    registers(store, practions, now, "controller").await?;
    registers(store, locaverdi, now, "processor").await?;
    let mut out = Vec::new();
    for ((slug, scope), user) in [("practions", practions), ("locaverdi", locaverdi)]
        .into_iter()
        .zip(users)
    {
        let issued = tokens::create(
            store,
            &Actor::system(),
            scope.org(),
            user,
            NewToken {
                name: "demo".into(),
                scope: TokenScope::Admin,
                expires_in_days: None,
            },
            now,
        )
        .await?;
        out.push((slug.to_owned(), issued.secret));
    }
    Ok(Seeded {
        tokens: out,
        logins,
    })
}

fn prepare_dir(dir: &Path) -> anyhow::Result<()> {
    let db = dir.join("pactum.db");
    if db.exists() && !dir.join(MARKER).exists() {
        bail!(
            "{} holds a database that is not the demo's; the demo only resets its own directory (use --data-dir to pick another)",
            dir.display()
        );
    }
    for name in ["pactum.db", "pactum.db-wal", "pactum.db-shm"] {
        let path = dir.join(name);
        if path.exists() {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(
        dir.join(MARKER),
        "This directory belongs to `pactum demo`, which resets it at every start.\n",
    )?;
    Ok(())
}

/// Resets the demo directory, seeds, serves on 127.0.0.1:`port` and prints how to get in.
pub async fn run(mut settings: Settings, port: u16) -> anyhow::Result<()> {
    if settings.database.backend() != pactum_store::Backend::Sqlite {
        bail!(
            "the demo runs on its own embedded SQLite store; leave out --database-url / PACTUM_DATABASE_URL"
        );
    }
    if settings.data_dir == Path::new(DEFAULT_DATA_DIR) {
        // The key file moves with the directory unless it was named on its own: otherwise
        // the demo's sealed records are written with a key outside its directory, and
        // `--data-dir ./pactum-demo` reads them with another.
        if settings.keys_file == Path::new(DEFAULT_DATA_DIR).join("keys.toml") {
            settings.keys_file = Path::new(DEMO_DIR).join("keys.toml");
        }
        settings.data_dir = PathBuf::from(DEMO_DIR);
        settings.database = pactum_store::DatabaseUrl::sqlite_in(&settings.data_dir);
    }
    prepare_dir(&settings.data_dir)?;
    let store = open_store(&settings).await?;
    let now = pactum_web::clock::Clock::now(&pactum_web::clock::SystemClock);
    let keys = crate::server::open_keys(&settings)?;
    let passwords = PasswordHasher::new(
        keys.current().pepper(),
        pactum_crypto::password::DEFAULT_COST,
    );
    let seeded = seed(&store, &passwords, now).await?;
    let app = Application::build(store, &settings, ([127, 0, 0, 1], port).into()).await?;
    let url = format!("http://{}", app.local_addr()?);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Pactum demo (data in {}, reset at every start)",
        settings.data_dir.display()
    )?;
    writeln!(out, "URL: {url}")?;
    for (slug, username, password) in &seeded.logins {
        writeln!(out, "Login ({slug}): {username} / {password}")?;
    }
    for (i, (slug, token)) in seeded.tokens.iter().enumerate() {
        if i == 0 {
            writeln!(out, "API token: {token}")?;
        } else {
            writeln!(out, "API token ({slug}): {token}")?;
        }
    }
    writeln!(
        out,
        "Try: curl -H \"Authorization: Bearer {}\" {url}/api/v1/orgs/practions/projects",
        seeded.tokens.first().map_or("", |t| t.1.as_str())
    )?;
    out.flush()?;
    drop(out);
    app.run().await
}
