//! What each subcommand does.

use std::io::{BufRead, Write};

use anyhow::{Context, bail};
use pactum_domain::access::NewToken;
use pactum_domain::organisation::Organisation;
use pactum_store::export::{self, Export};
use pactum_store::scope::OrgId;
use pactum_store::{organisations, tokens};

use super::{
    AuditCommand, Cli, Command, KeysCommand, OrgCommand, PiiCommand, PolicyArg, RetentionCommand,
    TokenCommand, UserCommand,
};
use crate::config::unknown_env_vars;
use crate::server::{Application, init_logging, open_store};
use pactum_store::accounts;
use pactum_store::audit::{self, Actor};

fn now() -> time::OffsetDateTime {
    pactum_web::clock::Clock::now(&pactum_web::clock::SystemClock)
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Pii(pii) = &cli.command {
        // Text tools: no configuration, no database, no log noise on the output.
        return run_pii(pii);
    }
    let bind = match &cli.command {
        Command::Serve { bind } => *bind,
        _ => None,
    };
    let settings = cli.settings(bind)?;
    init_logging(&settings);
    for var in unknown_env_vars() {
        match var.meant {
            Some(meant) => bail!(
                "the environment variable {} is not a Pactum setting; did you mean {meant}? \
                 Rename or unset it (stopping rather than running without the setting meant)",
                var.name
            ),
            None => {
                tracing::warn!(variable = %var.name, "unknown PACTUM_ environment variable ignored")
            }
        }
    }
    match cli.command {
        Command::Serve { .. } => {
            let store = open_store(&settings).await?;
            let app = Application::build(store, &settings, settings.bind).await?;
            tracing::info!(address = %app.local_addr()?, database = settings.database.backend().name(), "serving");
            app.run().await
        }
        Command::Demo { port } => crate::demo::run(settings, port).await,
        Command::Migrate => {
            let store = open_store(&settings).await?;
            let names = pactum_store::Store::migration_names(store.backend());
            println!(
                "Database is at migration {}.",
                names.last().map_or(0, |m| m.0)
            );
            Ok(())
        }
        Command::Export { org, output } => {
            let store = open_store(&settings).await?;
            let record = organisations::by_slug(&store, &org)
                .await
                .with_context(|| format!("organisation {org:?}"))?;
            let doc = export::export(&store, OrgId(record.id)).await?;
            let text = doc.to_json()?;
            match output {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => std::io::stdout().write_all(text.as_bytes())?,
            }
            Ok(())
        }
        Command::Document {
            kind,
            org,
            project,
            id,
            format,
            lang,
            table,
            output,
        } => {
            let kind = pactum_documents::Kind::parse(&kind).with_context(|| {
                format!(
                    "kind {kind:?} is not a document; use one of: {}",
                    pactum_documents::Kind::ALL.map(|k| k.as_str()).join(", ")
                )
            })?;
            let format = pactum_documents::Format::parse(&format).with_context(|| {
                format!("--format {format:?}: use pdf, html, xlsx, csv or json")
            })?;
            let language = match lang.as_str() {
                "en" => pactum_domain::organisation::Language::En,
                "nl" => pactum_domain::organisation::Language::Nl,
                other => bail!("--lang {other:?}: use en or nl"),
            };
            let store = open_store(&settings).await?;
            let record = organisations::by_slug(&store, &org)
                .await
                .with_context(|| format!("organisation {org:?}"))?;
            let request = pactum_documents::Request {
                org: OrgId(record.id),
                kind,
                language,
                project: project.map(pactum_store::scope::ProjectId),
                record: id,
                now: now(),
            };
            let doc = pactum_documents::build(&store, &request).await?;
            let bytes = pactum_documents::render(&doc, format, table.as_deref())?;
            pactum_store::audit::record(
                &store,
                &Actor::system(),
                pactum_store::audit::Event::org(
                    OrgId(record.id),
                    "document.generated",
                    kind.as_str(),
                    id,
                ),
                now(),
            )
            .await?;
            match output {
                Some(path) => std::fs::write(&path, &bytes)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => std::io::stdout().write_all(&bytes)?,
            }
            Ok(())
        }
        Command::Backup { output } => {
            let store = open_store(&settings).await?;
            let keys = crate::server::open_keys(&settings)?;
            let manifest = crate::backup::create(
                &store,
                &settings.database,
                settings.files.blobs.dir(),
                &keys.current(),
                &output,
                now(),
            )
            .await?;
            println!(
                "Backed up {} organisations, {} accounts and {} files ({} database, migration {}) into {}.",
                manifest.organisations,
                manifest.users,
                manifest.files.len(),
                manifest.backend,
                manifest.schema_version,
                output.display()
            );
            println!(
                "The key file {} is not in the backup: keep a copy of it apart from the backup.",
                settings.keys_file.display()
            );
            Ok(())
        }
        Command::Restore { dir, force } => {
            let keys = pactum_crypto::keyring::Keys::open(&settings.keys_file, false)
                .with_context(|| {
                    format!(
                        "opening the key file {} (a restore needs the backed-up instance's key file)",
                        settings.keys_file.display()
                    )
                })?;
            let manifest = crate::backup::restore(
                &dir,
                &settings.database,
                settings.files.blobs.dir(),
                &keys.current(),
                force,
            )
            .await?;
            // A backup of an older version is brought up to date.
            let store = open_store(&settings).await?;
            store.close().await;
            println!(
                "Restored {} organisations, {} accounts and {} files from the backup of {}.",
                manifest.organisations,
                manifest.users,
                manifest.files.len(),
                manifest.created_at
            );
            Ok(())
        }
        Command::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let doc = Export::from_json(&text).map_err(describe)?;
            let slug = doc.organisation.data.slug.clone();
            let store = open_store(&settings).await?;
            if organisations::by_slug(&store, &slug).await.is_ok() {
                bail!(
                    "organisation {slug:?} already exists in this store; import into a store without it"
                );
            }
            export::import(&store, &Actor::system(), doc, now())
                .await
                .map_err(describe)?;
            println!("Imported organisation {slug}.");
            Ok(())
        }
        Command::Org(OrgCommand::Create {
            slug,
            name,
            country,
        }) => {
            let store = open_store(&settings).await?;
            let org: Organisation = serde_json::from_value(serde_json::json!({
                "slug": slug, "legal_name": name, "country": country
            }))?;
            let rec = organisations::create(&store, &Actor::system(), org, now())
                .await
                .map_err(describe)?;
            println!("Created organisation {} ({}).", rec.data.slug, rec.id);
            Ok(())
        }
        Command::Org(OrgCommand::List) => {
            let store = open_store(&settings).await?;
            for org in organisations::list(&store).await? {
                println!("{}\t{}", org.data.slug, org.data.legal_name);
            }
            Ok(())
        }
        Command::Org(OrgCommand::Hold { slug, off }) => {
            let store = open_store(&settings).await?;
            let record = organisations::by_slug(&store, &slug)
                .await
                .with_context(|| format!("organisation {slug:?}"))?;
            pactum_store::lifecycle::hold_organisation(
                &store,
                &Actor::system(),
                OrgId(record.id),
                !off,
                now(),
            )
            .await?;
            println!(
                "Legal hold on {slug} {}.",
                if off { "lifted" } else { "set" }
            );
            Ok(())
        }
        Command::User(UserCommand::Hold { login, off }) => {
            let store = open_store(&settings).await?;
            pactum_store::lifecycle::hold_account(&store, &Actor::system(), &login, !off, now())
                .await
                .with_context(|| format!("user {login:?}"))?;
            println!(
                "Legal hold on {login} {}.",
                if off { "lifted" } else { "set" }
            );
            Ok(())
        }
        Command::Retention(RetentionCommand::Run { dry_run }) => {
            let store = open_store(&settings).await?;
            let at = now();
            if !dry_run {
                let purged = pactum_store::lifecycle::purge_due(&store, at).await?;
                for org in &purged.organisations {
                    settings.files.blobs.remove_org(*org).await?;
                }
                println!(
                    "Purged {} organisations and {} accounts whose recovery window ended.",
                    purged.organisations.len(),
                    purged.accounts
                );
            }
            let report =
                pactum_store::retention::run(&store, &settings.retention, at, dry_run).await?;
            println!(
                "table	days	{}	held",
                if dry_run { "due" } else { "deleted" }
            );
            for t in &report.tables {
                println!("{}	{}	{}	{}", t.table.key(), t.days, t.deleted, t.held);
            }
            Ok(())
        }
        Command::Pii(_) => Ok(()),
        Command::User(UserCommand::Create {
            username,
            email,
            org,
            role,
        }) => {
            let store = open_store(&settings).await?;
            let keys = crate::server::open_keys(&settings)?;
            let passwords = pactum_crypto::password::PasswordHasher::new(
                keys.current().pepper(),
                pactum_crypto::password::DEFAULT_COST,
            );
            let mut v = pactum_domain::validation::Violations::new();
            let username = username.trim().to_ascii_lowercase();
            let mut email = email;
            pactum_domain::account::normalise_email(&mut email);
            pactum_domain::account::check_username(&mut v, "--username", &username);
            pactum_domain::account::check_email(&mut v, "--email", &email);
            v.into_result()
                .map_err(pactum_store::StoreError::Invalid)
                .map_err(describe)?;
            let role: pactum_domain::organisation::MemberRole =
                serde_json::from_value(serde_json::Value::String(role.clone())).map_err(|_| {
                    anyhow::anyhow!(
                        "--role must be owner, admin, editor, viewer or auditor, not {role:?}"
                    )
                })?;
            let org = match org {
                Some(slug) => Some(
                    organisations::by_slug(&store, &slug)
                        .await
                        .with_context(|| format!("organisation {slug:?}"))?,
                ),
                None => None,
            };
            let password = pactum_crypto::secret::human_code(20);
            let user = accounts::create_user(
                &store,
                &Actor::system(),
                &username,
                &email,
                None,
                passwords.hash(&password)?,
                now(),
            )
            .await
            .map_err(describe)?;
            if let Some(record) = org {
                pactum_store::members::add(
                    &store,
                    &Actor::system(),
                    OrgId(record.id),
                    pactum_domain::organisation::Member {
                        email: email.clone(),
                        display_name: None,
                        role,
                    },
                    now(),
                )
                .await
                .map_err(describe)?;
            }
            println!("Created user {username} ({}).", user.id);
            println!("Password (shown once): {password}");
            Ok(())
        }
        Command::Keys(KeysCommand::Rotate { categories }) => {
            let mut chosen = Vec::new();
            for c in &categories {
                chosen.push(pactum_crypto::keyring::Category::parse(c).with_context(|| {
                    format!("--category must be one of totp, api_secrets, breach, request, files, not {c:?}")
                })?);
            }
            let store = open_store(&settings).await?;
            let report = crate::keys::rotate(&store, &settings.keys_file, &chosen).await?;
            for (category, id) in &report.new_keys {
                println!("{category}: key {id} is now active");
            }
            println!(
                "Re-encrypted {} values ({} changed meanwhile; run again to move them).",
                report.resealed, report.skipped
            );
            Ok(())
        }
        Command::Audit(AuditCommand::Verify) => {
            let store = open_store(&settings).await?;
            let reports = audit::verify(&store).await?;
            let mut broken = 0;
            for r in &reports {
                match &r.problem {
                    None => println!("ok\t{}\t{} events", r.chain, r.events),
                    Some((seq, what)) => {
                        broken += 1;
                        println!("BROKEN\t{}\tat event {seq}: {what}", r.chain);
                    }
                }
            }
            if broken > 0 {
                bail!("{broken} of {} audit chains are broken", reports.len());
            }
            println!("All {} audit chains are intact.", reports.len());
            Ok(())
        }
        Command::Token(TokenCommand::Create {
            org,
            user,
            name,
            scope,
            expires_in_days,
        }) => {
            let store = open_store(&settings).await?;
            let record = organisations::by_slug(&store, &org)
                .await
                .with_context(|| format!("organisation {org:?}"))?;
            let user_id = match user {
                Some(login) => {
                    let found = accounts::by_login(&store, &login)
                        .await?
                        .with_context(|| format!("no user {login:?}"))?;
                    if accounts::membership(&store, found.user.id, &org)
                        .await?
                        .is_none()
                    {
                        bail!("{login} is not a member of {org}");
                    }
                    found.user.id
                }
                None => accounts::first_owner(&store, OrgId(record.id))
                    .await?
                    .with_context(|| {
                        format!("{org} has no owner yet; add one with `pactum user create --org {org}`, or name one with --user")
                    })?,
            };
            let issued = tokens::create(
                &store,
                &Actor::system(),
                OrgId(record.id),
                user_id,
                NewToken {
                    name,
                    scope: scope.into(),
                    expires_in_days,
                },
                now(),
            )
            .await
            .map_err(describe)?;
            println!("{}", issued.secret);
            Ok(())
        }
    }
}

/// Spells out validation errors field by field on the terminal.
fn describe(e: pactum_store::StoreError) -> anyhow::Error {
    match e {
        pactum_store::StoreError::Invalid(v) => {
            let lines: Vec<String> =
                v.0.iter()
                    .map(|v| format!("  {}: {} [{}]", v.field, v.message, v.rule))
                    .collect();
            anyhow::anyhow!("the input is not valid:\n{}", lines.join("\n"))
        }
        other => other.into(),
    }
}

fn open_input(path: &std::path::Path) -> anyhow::Result<Box<dyn std::io::BufRead>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::BufReader::new(std::io::stdin().lock())));
    }
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    Ok(Box::new(std::io::BufReader::with_capacity(1 << 20, file)))
}

fn run_pii(command: &PiiCommand) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match command {
        PiiCommand::Scan {
            file,
            summary: true,
        } => {
            let estimate = pactum_pii::scope::estimate(open_input(file)?)?;
            serde_json::to_writer_pretty(&mut out, &estimate)?;
            writeln!(out)?;
        }
        PiiCommand::Scan {
            file,
            summary: false,
        } => {
            let mut input = open_input(file)?;
            let mut line = Vec::new();
            let mut offset = 0usize;
            let mut number = 0usize;
            loop {
                line.clear();
                let n = input.read_until(b'\n', &mut line)?;
                if n == 0 {
                    break;
                }
                number += 1;
                let text = String::from_utf8_lossy(&line);
                for f in pactum_pii::scan(&text) {
                    serde_json::to_writer(
                        &mut out,
                        &serde_json::json!({
                            "kind": f.kind, "line": number,
                            "start": offset + f.start, "end": offset + f.end,
                            "confidence": f.confidence,
                        }),
                    )?;
                    writeln!(out)?;
                }
                offset += n;
            }
        }
        PiiCommand::Redact { policy, key_env } => {
            let policy = match policy {
                PolicyArg::Mask => pactum_pii::Policy::Mask,
                PolicyArg::Placeholder => pactum_pii::Policy::Placeholder,
                PolicyArg::Hash => {
                    let key = std::env::var(key_env).with_context(|| {
                        format!("--policy hash needs a key in the environment variable {key_env}")
                    })?;
                    if key.len() < 16 {
                        bail!("the key in {key_env} must be at least 16 characters");
                    }
                    pactum_pii::Policy::KeyedHash(key.into_bytes())
                }
            };
            let stdin = std::io::stdin();
            pactum_pii::redact_stream(
                std::io::BufReader::with_capacity(1 << 20, stdin.lock()),
                &mut out,
                policy,
            )?;
        }
    }
    out.flush()?;
    Ok(())
}
