//! Deleting organisations and accounts (locked at once, recoverable on day 29, gone with
//! their files on day 31), the legal hold, and the retention batch (what is due goes,
//! nothing under hold does, the audit chains still verify).

use axum::http::StatusCode;
use pactum_domain::organisation::{Member, MemberRole};
use pactum_store::audit::{self, Actor};
use pactum_store::scope::OrgId;
use pactum_store::{accounts, lifecycle, members, organisations, retention};
use serde_json::json;
use sqlx::Row;
use time::Duration;

use crate::accounts::Browser;
use crate::files::{first_service, pdf, upload};
use crate::on_both_backends;
use crate::support::{NOW, TEST_KEYS, TestApp, TestDb};
use crate::ui::signed_in;

on_both_backends!(
    an_organisation_is_recoverable_on_day_29_and_gone_with_its_files_on_day_31,
    an_account_is_locked_at_once_recoverable_by_signing_in_and_purged_after_its_window,
    the_retention_batch_deletes_what_is_due_and_nothing_under_hold,
);

fn now(app: &TestApp) -> time::OffsetDateTime {
    pactum_web::clock::Clock::now(app.clock.as_ref())
}

async fn count(app: &TestApp, sql: &str, arg: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(arg.to_owned())
        .fetch_one(app.db.store.pool())
        .await
        .unwrap()
        .get::<i64, _>(0)
}

async fn owner_of(app: &TestApp, n: usize) -> (Browser, String) {
    let (login, password) = app.logins[n].clone();
    let (b, r) = Browser::login(app, &login, &password).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    (b, login)
}

async fn an_organisation_is_recoverable_on_day_29_and_gone_with_its_files_on_day_31(db: TestDb) {
    let app = TestApp::new(db).await;
    let store = app.db.store.clone();
    let org = organisations::by_slug(&store, "practions")
        .await
        .unwrap()
        .id;
    let project = app.project("practions", &app.practions).await;
    let service = first_service(&app, &project).await;
    let r = upload(
        &app,
        &format!("/api/v1/orgs/practions/projects/{project}/services/{service}/files"),
        &app.practions,
        Some("dpa"),
        "dpa.pdf",
        &pdf("Verwerkersovereenkomst"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let blobs = app.state.settings.files.blobs.dir().join(org.to_string());
    assert!(blobs.is_dir());
    let services_before = count(
        &app,
        "SELECT COUNT(*) FROM services WHERE org_id = $1",
        &org.to_string(),
    )
    .await;
    assert!(services_before > 0);

    // Its public request form is open and its clocks run.
    let mut record = organisations::by_slug(&store, "practions").await.unwrap();
    record.data.intake_enabled = true;
    organisations::update(&store, &Actor::system(), OrgId(org), record.data, NOW)
        .await
        .unwrap();
    let mut visitor = crate::ui::Visitor::default();
    assert_eq!(
        visitor.get(&app, "/intake/practions").await.status,
        StatusCode::OK
    );
    let running = |store: pactum_store::Store, at: time::OffsetDateTime| async move {
        pactum_store::registers::due_between(
            &store,
            at - Duration::days(400),
            at + Duration::days(400),
        )
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.org_id == org)
        .count()
    };
    assert!(running(store.clone(), now(&app)).await > 0);

    let (mut owner, _) = owner_of(&app, 0).await;
    let url = "/api/v1/orgs/practions?confirm=practions";
    assert_eq!(
        owner.send(&app, "DELETE", url, None, true).await.status,
        202
    );
    // A locked organisation's clocks send no reminders and its public form is gone.
    assert_eq!(running(store.clone(), now(&app)).await, 0);
    assert_eq!(
        visitor.get(&app, "/intake/practions").await.status,
        StatusCode::NOT_FOUND
    );
    // Locked at once, for tokens too; the export and the way back stay open.
    let r = app
        .get(
            &format!("/api/v1/orgs/practions/projects/{project}/services"),
            &app.practions,
        )
        .await;
    assert_eq!(r.status, 423);
    assert_eq!(r.body["type"], "/problems/organisation-locked");
    let export = app
        .get("/api/v1/orgs/practions/export", &app.practions)
        .await;
    assert_eq!(export.status, 200);
    assert_eq!(export.body["organisation"]["slug"], "practions");
    // Asking again does not start a new window: the organisation is locked.
    assert_eq!(
        owner.send(&app, "DELETE", url, None, true).await.status,
        423
    );

    // Day 29: the purge leaves it alone, and recovery restores everything.
    app.clock.advance(Duration::days(29));
    let purged = pactum_web::reminders::purge(&app.state, now(&app))
        .await
        .unwrap();
    assert!(purged.organisations.is_empty());
    let (mut owner, _) = owner_of(&app, 0).await;
    let r = owner
        .send(&app, "POST", "/api/v1/orgs/practions/recover", None, true)
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = app
        .get(
            &format!("/api/v1/orgs/practions/projects/{project}/services"),
            &app.practions,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM services WHERE org_id = $1",
            &org.to_string()
        )
        .await,
        services_before
    );
    assert!(blobs.is_dir());

    // Deleted again; on day 31 of the new window it is gone, files and audit chain too.
    assert_eq!(
        owner.send(&app, "DELETE", url, None, true).await.status,
        202
    );
    app.clock.advance(Duration::days(30) - Duration::minutes(1));
    let round = pactum_web::reminders::round(&app.state, "leader")
        .await
        .unwrap();
    assert!(round.purged.organisations.is_empty(), "not before its time");
    app.clock.advance(Duration::days(1));
    let round = pactum_web::reminders::round(&app.state, "leader")
        .await
        .unwrap();
    assert_eq!(round.purged.organisations, vec![org]);
    assert!(organisations::by_slug(&store, "practions").await.is_err());
    assert!(!blobs.exists(), "the organisation's files are removed");
    for table in [
        "services",
        "projects",
        "members",
        "files",
        "data_map_revisions",
    ] {
        let n = count(
            &app,
            &format!("SELECT COUNT(*) FROM {table} WHERE org_id = $1"),
            &org.to_string(),
        )
        .await;
        assert_eq!(n, 0, "{table}");
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE chain = $1",
            &org.to_string()
        )
        .await,
        0
    );
    let purge_record = sqlx::query(
        "SELECT user_id, ip, entity_id FROM audit_events WHERE chain = 'accounts' AND action = 'organisation.purged'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(purge_record.get::<Option<String>, _>("user_id"), None);
    assert_eq!(purge_record.get::<Option<String>, _>("ip"), None);
    let reports = audit::verify(&store).await.unwrap();
    assert!(reports.iter().all(|r| r.problem.is_none()), "{reports:?}");
    // The other organisation is untouched.
    assert_eq!(
        app.get("/api/v1/orgs/locaverdi/projects", &app.locaverdi)
            .await
            .status,
        200
    );
}

async fn member(app: &TestApp, slug: &str, email: &str, role: MemberRole) -> String {
    let store = &app.db.store;
    let org = OrgId(organisations::by_slug(store, slug).await.unwrap().id);
    let hasher = pactum_crypto::password::PasswordHasher::new(
        pactum_crypto::keyring::Keys::from_toml(&TEST_KEYS)
            .unwrap()
            .current()
            .pepper(),
        4,
    );
    let username = email.split('@').next().unwrap().replace('.', "-");
    accounts::create_user(
        store,
        &Actor::system(),
        &username,
        email,
        None,
        hasher.hash("member-password-heron-5").unwrap(),
        NOW,
    )
    .await
    .unwrap();
    members::add(
        store,
        &Actor::system(),
        org,
        Member {
            email: email.into(),
            display_name: None,
            role,
        },
        NOW,
    )
    .await
    .unwrap();
    username
}

async fn an_account_is_locked_at_once_recoverable_by_signing_in_and_purged_after_its_window(
    db: TestDb,
) {
    let app = TestApp::new(db).await;
    let store = app.db.store.clone();
    let login = member(
        &app,
        "practions",
        "bea@practions.example",
        MemberRole::Editor,
    )
    .await;
    let password = "member-password-heron-5";
    let id = accounts::by_login(&store, &login)
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let (mut b, _) = Browser::login(&app, &login, password).await;

    let export = b.send(&app, "GET", "/api/v1/me/export", None, false).await;
    assert_eq!(export.status, 200);
    assert_eq!(export.body["format"], "pactum-account");
    assert_eq!(export.body["user"]["email"], "bea@practions.example");
    assert_eq!(export.body["organisations"][0]["slug"], "practions");
    assert!(
        export.body["sessions"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );

    let r = b
        .send(
            &app,
            "DELETE",
            "/api/v1/me?confirm=someone@else.example",
            None,
            true,
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["field"], "confirm");
    let r = b
        .send(
            &app,
            "DELETE",
            "/api/v1/me?confirm=Bea@Practions.example",
            None,
            true,
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    // Signed out everywhere at once.
    let mut old = b.clone();
    assert_eq!(
        old.send(&app, "GET", "/api/v1/me", None, false)
            .await
            .status,
        401
    );
    let r = app
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"login": login, "password": password})),
        )
        .await;
    assert_eq!(r.status, 423);
    assert_eq!(r.body["type"], "/problems/account-scheduled-for-deletion");
    // A wrong password learns nothing about the deletion.
    let r = app
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"login": login, "password": "not-the-password-1"})),
        )
        .await;
    assert_eq!(r.status, 401);

    // Day 29: signing in with `recover` keeps the account.
    app.clock.advance(Duration::days(29));
    pactum_web::reminders::purge(&app.state, now(&app))
        .await
        .unwrap();
    let mut b = Browser::default();
    let r = b
        .send(
            &app,
            "POST",
            "/api/v1/auth/login",
            Some(json!({"login": login, "password": password, "recover": true})),
            false,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        b.send(&app, "GET", "/api/v1/me", None, false).await.status,
        200
    );
    assert!(
        lifecycle::account_schedule(&store, id)
            .await
            .unwrap()
            .is_none()
    );

    // Deleted again and not recovered: gone on day 31, with its own audit chain.
    let r = b
        .send(
            &app,
            "DELETE",
            "/api/v1/me?confirm=bea@practions.example",
            None,
            true,
        )
        .await;
    assert_eq!(r.status, 202);
    app.clock.advance(Duration::days(31));
    let purged = pactum_web::reminders::purge(&app.state, now(&app))
        .await
        .unwrap();
    assert_eq!(purged.accounts, 1);
    assert!(accounts::by_login(&store, &login).await.unwrap().is_none());
    let chain = pactum_store::audit::user_chain(id);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE chain = $1",
            &chain
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM members WHERE user_id = $1",
            &id.to_string()
        )
        .await,
        0
    );
    let record = sqlx::query(
        "SELECT user_id, entity_id FROM audit_events WHERE chain = 'accounts' AND action = 'account.purged'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(record.get::<Option<String>, _>("user_id"), None);
    assert_eq!(record.get::<Option<String>, _>("entity_id"), None);
    let reports = audit::verify(&store).await.unwrap();
    assert!(reports.iter().all(|r| r.problem.is_none()), "{reports:?}");

    // The only owner of an organisation cannot leave it ownerless.
    let (mut owner, owner_login) = owner_of(&app, 0).await;
    let owner_email = accounts::by_login(&store, &owner_login)
        .await
        .unwrap()
        .unwrap()
        .user
        .email;
    let r = owner
        .send(
            &app,
            "DELETE",
            &format!("/api/v1/me?confirm={owner_email}"),
            None,
            true,
        )
        .await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    assert!(r.body["detail"].as_str().unwrap().contains("practions"));
    assert_eq!(
        owner
            .send(&app, "GET", "/api/v1/me", None, false)
            .await
            .status,
        200
    );
}

async fn sessions_of(app: &TestApp, login: &str) -> i64 {
    let id = accounts::by_login(&app.db.store, login)
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    count(
        app,
        "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
        &id.to_string(),
    )
    .await
}

async fn the_retention_batch_deletes_what_is_due_and_nothing_under_hold(db: TestDb) {
    let app = TestApp::new(db).await;
    let store = app.db.store.clone();
    let (_, practions_owner) = owner_of(&app, 0).await;
    let (mut locaverdi, locaverdi_owner) = owner_of(&app, 1).await;
    let locaverdi_id = organisations::by_slug(&store, "locaverdi")
        .await
        .unwrap()
        .id;
    let practions_id = organisations::by_slug(&store, "practions")
        .await
        .unwrap()
        .id;
    // The owner puts their organisation under hold; a read-only token may not.
    let reader = app
        .token("locaverdi", pactum_domain::access::TokenScope::Read)
        .await;
    assert_eq!(
        app.send(
            "PUT",
            "/api/v1/orgs/locaverdi/legal-hold",
            Some(&reader),
            Some(json!({"on": true}))
        )
        .await
        .status,
        403
    );
    let r = locaverdi
        .send(
            &app,
            "PUT",
            "/api/v1/orgs/locaverdi/legal-hold",
            Some(json!({"on": true})),
            true,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(
        lifecycle::organisation_held(&store, OrgId(locaverdi_id))
            .await
            .unwrap()
    );
    assert_eq!(sessions_of(&app, &practions_owner).await, 1);
    assert_eq!(sessions_of(&app, &locaverdi_owner).await, 1);

    // 100 days on: the sessions (90 days) are due. A dry run only counts.
    app.clock.advance(Duration::days(100));
    let policy = app.state.settings.retention.clone();
    let dry = retention::run(&store, &policy, now(&app), true)
        .await
        .unwrap();
    let sessions = dry
        .tables
        .iter()
        .find(|t| t.table == pactum_domain::lifecycle::Table::Sessions)
        .unwrap();
    assert_eq!((sessions.deleted, sessions.held), (1, 1));
    assert_eq!(sessions_of(&app, &practions_owner).await, 1);

    let report = retention::run(&store, &policy, now(&app), false)
        .await
        .unwrap();
    assert_eq!(report.tables.len(), 9);
    assert_eq!(sessions_of(&app, &practions_owner).await, 0);
    assert_eq!(sessions_of(&app, &locaverdi_owner).await, 1, "held");
    let runs = count(
        &app,
        "SELECT COUNT(*) FROM audit_events WHERE chain = 'accounts' AND action LIKE $1",
        "retention.%",
    )
    .await;
    assert_eq!(runs, 2, "one event per run, dry or not");

    // Seven years on, the audit events go from the start of each chain, except the held
    // organisation's; every chain still verifies, and goes on after the pruning.
    let events = |org: uuid::Uuid| {
        let app = &app;
        async move {
            count(
                app,
                "SELECT COUNT(*) FROM audit_events WHERE chain = $1",
                &org.to_string(),
            )
            .await
        }
    };
    let held_before = events(locaverdi_id).await;
    assert!(events(practions_id).await > 0 && held_before > 0);
    app.clock.advance(Duration::days(2555));
    let report = retention::run(&store, &policy, now(&app), false)
        .await
        .unwrap();
    let audit_row = report
        .tables
        .iter()
        .find(|t| t.table == pactum_domain::lifecycle::Table::AuditEvents)
        .unwrap();
    assert!(audit_row.deleted > 0 && audit_row.held > 0, "{audit_row:?}");
    assert_eq!(events(practions_id).await, 0);
    assert_eq!(events(locaverdi_id).await, held_before);
    let reports = audit::verify(&store).await.unwrap();
    assert!(reports.iter().all(|r| r.problem.is_none()), "{reports:?}");
    audit::record(
        &store,
        &Actor::system(),
        audit::Event::org(
            OrgId(practions_id),
            "test.after_pruning",
            "organisation",
            None,
        ),
        now(&app),
    )
    .await
    .unwrap();
    let reports = audit::verify(&store).await.unwrap();
    assert!(reports.iter().all(|r| r.problem.is_none()), "{reports:?}");

    // Once a day, whoever asks.
    assert!(retention::claim_daily(&store, now(&app)).await.unwrap());
    assert!(
        !retention::claim_daily(&store, now(&app) + Duration::hours(23))
            .await
            .unwrap()
    );
    assert!(
        retention::claim_daily(&store, now(&app) + Duration::hours(24))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn the_deletion_pages_lock_recover_and_explain_in_both_languages() {
    let app = TestApp::new(TestDb::sqlite().await).await;
    let (login, password) = app.logins[0].clone();
    let mut v = signed_in(&app, &login, &password).await;
    let page = v.get(&app, "/orgs/practions/deletion").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains("Delete the organisation"));
    assert!(page.html.contains("/api/v1/orgs/practions/export"));
    let csrf = page.hidden("csrf");
    let wrong = v
        .post(
            &app,
            "/orgs/practions/deletion",
            &[("csrf", &csrf), ("confirm", "practicons")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.html.contains("exactly as shown"));
    assert!(wrong.html.contains("value=\"practicons\""));
    let done = v
        .post(
            &app,
            "/orgs/practions/deletion",
            &[("csrf", &csrf), ("confirm", "practions")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    // Every page of the organisation now leads to the deletion page.
    let locked = v.get(&app, "/orgs/practions").await;
    assert_eq!(locked.status, StatusCode::SEE_OTHER);
    assert_eq!(locked.location(), "/orgs/practions/deletion");
    let page = v.get(&app, "/orgs/practions/deletion").await;
    assert!(
        page.html.contains("Recover the organisation"),
        "{}",
        page.html
    );
    let back = v
        .post(&app, "/orgs/practions/deletion/recover", &[("csrf", &csrf)])
        .await;
    assert_eq!(back.location(), "/orgs/practions/deletion?m=recovered");
    assert_eq!(v.get(&app, "/orgs/practions").await.status, StatusCode::OK);

    // The account page, in Dutch: the only owner is told why it cannot go yet.
    let owner_id = accounts::by_login(&app.db.store, &login)
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    accounts::update_profile(
        &app.db.store,
        &Actor::system(),
        owner_id,
        pactum_domain::account::ProfileChange {
            language: Some(pactum_domain::organisation::Language::Nl),
            ..Default::default()
        },
        NOW,
    )
    .await
    .unwrap();
    let mut nl = signed_in(&app, &login, &password).await;
    let page = nl.get(&app, "/account/deletion").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains("Uw account verwijderen"));
    assert!(page.html.contains("enige eigenaar"));
    let email = accounts::by_login(&app.db.store, &login)
        .await
        .unwrap()
        .unwrap()
        .user
        .email;
    let csrf = page.hidden("csrf");
    let refused = nl
        .post(
            &app,
            "/account/deletion",
            &[("csrf", &csrf), ("confirm", &email)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("enige eigenaar"));

    // A member with no organisation of their own goes, and is told how to come back.
    let bea = member(
        &app,
        "practions",
        "bea@practions.example",
        MemberRole::Viewer,
    )
    .await;
    let mut b = signed_in(&app, &bea, "member-password-heron-5").await;
    let csrf = b.get(&app, "/account/deletion").await.hidden("csrf");
    let gone = b
        .post(
            &app,
            "/account/deletion",
            &[("csrf", &csrf), ("confirm", "bea@practions.example")],
        )
        .await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.html);
    assert!(gone.html.contains("Recover my account"));
    assert_eq!(b.get(&app, "/account").await.status, StatusCode::SEE_OTHER);
    // Signing in again offers the recovery, and takes it when ticked.
    let mut again = crate::ui::Visitor::default();
    let csrf = again.get(&app, "/login").await.hidden("csrf");
    let p = again
        .post(
            &app,
            "/login",
            &[
                ("login", &bea),
                ("password", "member-password-heron-5"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::LOCKED);
    assert!(p.html.contains("name=\"recover\""));
    let p = again
        .post(
            &app,
            "/login",
            &[
                ("login", &bea),
                ("password", "member-password-heron-5"),
                ("csrf", &csrf),
                ("recover", "yes"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
}
