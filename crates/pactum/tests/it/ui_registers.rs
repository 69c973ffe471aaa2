//! The registers in the web UI: lists with deadlines and states, forms that read times in
//! the organisation's zone and keep what was typed on error, the overview's running
//! deadlines, the settings that move them, and what a viewer may not do. On both backends.

use axum::http::StatusCode;
use pactum_domain::organisation::{Member, MemberRole};
use pactum_store::audit::Actor;

use crate::on_both_backends;
use crate::support::{NOW, TestApp, TestDb};
use crate::ui::signed_in;

async fn breaches_and_requests_in_the_browser(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let mut v = signed_in(&app, &user, &password).await;

    // The overview lists the running deadlines, soonest first, with their state.
    let overview = v.get(&app, "/orgs/practions").await;
    assert_eq!(overview.status, StatusCode::OK);
    let html = &overview.html;
    let breach_at = html.find("Breach: Support mailbox forwarded").unwrap();
    let request_at = html
        .find("Request: Access (Art. 15) (DSR-2026-004)")
        .unwrap();
    assert!(breach_at < request_at, "soonest first");
    assert!(
        html.contains("Due soon"),
        "42 hours left within the 48-hour window"
    );
    assert!(
        !html.contains("Erasure (Art. 17)"),
        "an answered request is not running"
    );

    // The breach register: the list, the navigation, an add control for an owner.
    let list = v.get(&app, "/orgs/practions/breaches").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.html
            .contains("href=\"/orgs/practions/breaches\" aria-current=\"page\"")
    );
    assert!(list.html.contains("25 November 2026, 4:30am CET"));
    assert!(list.html.contains("/orgs/practions/breaches/new"));

    // A new breach: times are the organisation's wall clock (Amsterdam, CET in November).
    let form = v.get(&app, "/orgs/practions/breaches/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.html
            .contains("type=\"datetime-local\" id=\"aware_at\"")
    );
    let csrf = form.hidden("csrf");
    let bad = v
        .post(
            &app,
            "/orgs/practions/breaches",
            &[
                ("csrf", &csrf),
                ("title", "Stolen laptop"),
                ("aware_at", "Monday morning"),
                ("risk", "unlikely"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.html
            .contains("Enter Became aware at as a date and time"),
        "{}",
        bad.html
    );
    assert!(
        bad.html.contains("value=\"Stolen laptop\""),
        "what was typed stays"
    );
    let unreasoned = v
        .post(
            &app,
            "/orgs/practions/breaches",
            &[
                ("csrf", &csrf),
                ("title", "Stolen laptop"),
                ("aware_at", "2026-11-23T10:00"),
                ("risk", "unlikely"),
            ],
        )
        .await;
    assert_eq!(unreasoned.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unreasoned
            .html
            .contains("Enter Reasoning of the risk assessment")
    );
    let made = v
        .post(
            &app,
            "/orgs/practions/breaches",
            &[
                ("csrf", &csrf),
                ("title", "Stolen laptop"),
                ("aware_at", "2026-11-23T10:00"),
                ("nature", "confidentiality"),
                ("updates[0].at", "2026-11-23T12:00"),
                ("updates[0].text", "Disk was encrypted"),
                ("updates[0].sent_to_authority", "on"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.html);
    let location = made.location().to_owned();
    assert!(
        location.starts_with("/orgs/practions/breaches/"),
        "{location}"
    );
    let page = v.get(&app, &location).await;
    assert!(page.html.contains("Saved. You can keep editing below."));
    assert!(
        page.html
            .contains("Notify the supervisory authority (Art. 33(1))")
    );
    assert!(
        page.html.contains("26 November 2026, 10am CET"),
        "72 hours after 10:00"
    );
    assert!(
        page.html.contains("value=\"2026-11-23T10:00\""),
        "shown as typed"
    );
    assert!(page.html.contains("value=\"2026-11-23T12:00\""));
    assert!(page.html.contains("not assessed yet"));
    // Stored in UTC.
    let id = location
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap();
    let api = app
        .get(
            &format!("/api/v1/orgs/practions/breaches/{id}"),
            &app.practions,
        )
        .await;
    assert_eq!(api.body["aware_at"], "2026-11-23T09:00:00.000000Z");
    assert_eq!(api.body["updates"][0]["sent_to_authority"], true);

    // A request: its deadline is a day, a month after receipt.
    let csrf = v
        .get(&app, "/orgs/practions/requests/new")
        .await
        .hidden("csrf");
    let made = v
        .post(
            &app,
            "/orgs/practions/requests",
            &[
                ("csrf", &csrf),
                ("kind", "erasure"),
                ("received_at", "2026-11-23T08:00"),
                ("requester_name", "Sam Smit"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.html);
    let page = v.get(&app, made.location()).await;
    assert!(page.html.contains("<h1>Request: Erasure (Art. 17)</h1>"));
    assert!(page.html.contains("Answer the request (Art. 12(3))"));
    assert!(
        page.html.contains("23 December 2026, end of day"),
        "{}",
        page.html
    );
    let list = v.get(&app, "/orgs/practions/requests").await;
    assert!(list.html.contains("Erasure (Art. 17)"));
    assert!(
        !list.html.contains("Sam Smit"),
        "requesters stay off the list"
    );

    // The Art. 33(5) documentation: one breach, and the whole register, with the text
    // that is encrypted at rest, grouped as Art. 33(3) lists it; each view is audited.
    let one = v
        .get(
            &app,
            &format!("/orgs/practions/breaches/{id}/documentation"),
        )
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.html);
    assert!(one.html.contains("Stolen laptop"));
    assert!(
        one.html
            .contains("Information provided in phases (Art. 33(4))")
    );
    assert!(one.html.contains("Disk was encrypted"));
    let all = v.get(&app, "/orgs/practions/breaches/documentation").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.html.contains("Likely consequences (Art. 33(3)(c))"));
    assert!(
        all.html
            .contains("Names and e-mail addresses of 14 customers"),
        "decrypted"
    );
    assert!(all.html.contains("<h2>Stolen laptop</h2>"));
    let audit = app
        .get(
            "/api/v1/orgs/practions/audit?action=register.documented",
            &app.practions,
        )
        .await;
    assert_eq!(
        audit.body.as_array().map(Vec::len),
        Some(2),
        "{:?}",
        audit.body
    );
    let (other, other_password) = app.logins[1].clone();
    let mut stranger = signed_in(&app, &other, &other_password).await;
    assert_eq!(
        stranger
            .get(&app, "/orgs/practions/breaches/documentation")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        stranger
            .get(
                &app,
                &format!("/orgs/practions/breaches/{id}/documentation")
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let requests = v.get(&app, "/orgs/practions/requests/documentation").await;
    assert!(
        requests.html.contains("J. de Vries"),
        "the requests' record"
    );

    // In Dutch, the same register.
    let csrf = v.get(&app, "/account").await.hidden("csrf");
    let saved = v
        .post(
            &app,
            "/account/profile",
            &[
                ("csrf", &csrf),
                ("display_name", "Fenna"),
                ("language", "nl"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let lijst = v.get(&app, "/orgs/practions/requests").await;
    assert!(lijst.html.contains("<h1>Verzoeken</h1>"), "{}", lijst.html);
    assert!(lijst.html.contains("Gegevenswissing (art. 17)"));
    assert!(lijst.html.contains("23 december 2026, einde van de dag"));

    // A data-map collection is not a register, and a register is not in a project.
    assert_eq!(
        v.get(&app, "/orgs/practions/services").await.status,
        StatusCode::NOT_FOUND
    );
    let project = app.project("practions", &app.practions).await;
    assert_eq!(
        v.get(
            &app,
            &format!("/orgs/practions/projects/{project}/breaches")
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

async fn closure_days_move_running_deadlines(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let mut v = signed_in(&app, &user, &password).await;
    let page = v.get(&app, "/orgs/practions/settings").await;
    assert!(page.html.contains("value=\"48, 24, 4\""));
    let csrf = page.hidden("csrf");
    let post = |closure: &'static str, hours: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("legal_name", "Klaver Solutions".to_owned()),
            ("country", "NL".to_owned()),
            ("timezone", "Europe/Amsterdam".to_owned()),
            ("closure_days", closure.to_owned()),
            ("breach_reminder_hours", hours.to_owned()),
            ("request_reminder_days", "7, 2".to_owned()),
        ]
    };
    let form = post("30-11-2026", "48, 24, 4");
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let bad = v.post(&app, "/orgs/practions/settings", &refs).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("30-11-2026 is not one"));
    let form = post("2026-11-30", "48, soon");
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let bad = v.post(&app, "/orgs/practions/settings", &refs).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.html
            .contains("Enter Breach reminders, hours before the deadline as whole numbers")
    );
    let form = post("2026-11-30", "100");
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let bad = v.post(&app, "/orgs/practions/settings", &refs).await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "at most 72 hours"
    );

    // The running request was due Monday 30 November; closed that day, Tuesday.
    let form = post("2026-11-30", "24, 48");
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ok = v.post(&app, "/orgs/practions/settings", &refs).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html);
    let requests = app
        .get("/api/v1/orgs/practions/requests", &app.practions)
        .await;
    let running = requests.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reference"] == "DSR-2026-004")
        .unwrap()
        .clone();
    assert_eq!(running["due_on"], "2026-12-01");
    let org = pactum_store::organisations::by_slug(&app.db.store, "practions")
        .await
        .unwrap();
    assert_eq!(org.data.breach_reminder_hours, [48, 24], "largest first");
}

async fn viewers_read_registers_but_do_not_change_them(db: TestDb) {
    let app = TestApp::new(db).await;
    let store = &app.db.store;
    let org = pactum_store::scope::OrgId(
        pactum_store::organisations::by_slug(store, "practions")
            .await
            .unwrap()
            .id,
    );
    let hasher = pactum_crypto::password::PasswordHasher::new(
        pactum_crypto::keyring::Keys::from_toml(&crate::support::TEST_KEYS)
            .unwrap()
            .current()
            .pepper(),
        4,
    );
    let viewer = pactum_store::accounts::create_user(
        store,
        &Actor::system(),
        "vera.viewer",
        "vera@practions.example",
        None,
        hasher.hash("viewer-password-maple-3").unwrap(),
        NOW,
    )
    .await
    .unwrap();
    pactum_store::members::add(
        store,
        &Actor::system(),
        org,
        Member {
            email: "vera@practions.example".into(),
            display_name: None,
            role: MemberRole::Viewer,
        },
        NOW,
    )
    .await
    .unwrap();
    let mut v = signed_in(&app, "vera.viewer", "viewer-password-maple-3").await;
    let list = v.get(&app, "/orgs/practions/breaches").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.html.contains("/breaches/new"));
    let id = list
        .html
        .split("<td><a href=\"/orgs/practions/breaches/")
        .nth(1)
        .unwrap()[..36]
        .to_owned();
    let shown = v.get(&app, &format!("/orgs/practions/breaches/{id}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        !shown
            .html
            .contains("<form method=\"post\" action=\"/orgs/practions/breaches/")
    );
    assert!(shown.html.contains("Support mailbox forwarded"));
    let csrf = list.hidden("csrf");
    for path in [
        "/orgs/practions/breaches".to_owned(),
        format!("/orgs/practions/breaches/{id}"),
        format!("/orgs/practions/breaches/{id}/delete"),
    ] {
        let refused = v
            .post(
                &app,
                &path,
                &[
                    ("csrf", &csrf),
                    ("title", "x"),
                    ("aware_at", "2026-11-23T10:00"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        v.get(&app, "/orgs/practions/requests/new").await.status,
        StatusCode::FORBIDDEN
    );

    // A case can be assigned to a member only; the assignee field offers the members.
    let t = &app.practions;
    let assigned = app
        .send(
            "POST",
            "/api/v1/orgs/practions/requests",
            Some(t),
            Some(serde_json::json!({
                "kind": "objection", "received_at": "2026-11-20T10:00:00Z",
                "assignee_id": viewer.id
            })),
        )
        .await;
    assert_eq!(assigned.status, StatusCode::CREATED, "{:?}", assigned.body);
    let theirs = app
        .get(
            &format!("/api/v1/orgs/practions/requests?assignee_id={}", viewer.id),
            t,
        )
        .await;
    assert_eq!(theirs.body["total"], 1, "{:?}", theirs.body);
    let stranger = app
        .send(
            "POST",
            "/api/v1/orgs/practions/requests",
            Some(t),
            Some(serde_json::json!({
                "kind": "objection", "received_at": "2026-11-20T10:00:00Z",
                "assignee_id": uuid::Uuid::now_v7()
            })),
        )
        .await;
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stranger.body["errors"][0]["field"], "assignee_id");
    // Another organisation's member is no assignee either.
    let other = pactum_store::accounts::first_owner(
        store,
        pactum_store::scope::OrgId(
            pactum_store::organisations::by_slug(store, "locaverdi")
                .await
                .unwrap()
                .id,
        ),
    )
    .await
    .unwrap()
    .unwrap();
    let outsider = app
        .send(
            "POST",
            "/api/v1/orgs/practions/requests",
            Some(t),
            Some(serde_json::json!({
                "kind": "objection", "received_at": "2026-11-20T10:00:00Z",
                "assignee_id": other
            })),
        )
        .await;
    assert_eq!(outsider.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn the_public_request_form(db: TestDb) {
    let sink = crate::support::SmtpSink::start().await;
    let mut settings = crate::support::test_settings();
    settings.smtp = Some(pactum_web::mail::SmtpSettings {
        host: "127.0.0.1".into(),
        port: sink.port,
        from: "Pactum <pactum@test.example>".into(),
    });
    let app = TestApp::with_settings(db, settings).await;
    let store = &app.db.store;
    let count = || async {
        app.get("/api/v1/orgs/practions/requests", &app.practions)
            .await
            .body["total"]
            .as_i64()
            .unwrap()
    };
    let before = count().await;
    let mut v = crate::ui::Visitor::default();
    // Off by default: the same 404 as an organisation that does not exist.
    assert_eq!(
        v.get(&app, "/intake/practions").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        v.get(&app, "/intake/nobody").await.status,
        StatusCode::NOT_FOUND
    );
    let mut org = pactum_store::organisations::by_slug(store, "practions")
        .await
        .unwrap();
    org.data.intake_enabled = true;
    pactum_store::organisations::update(
        store,
        &Actor::system(),
        pactum_store::scope::OrgId(org.id),
        org.data,
        NOW,
    )
    .await
    .unwrap();

    let form = v.get(&app, "/intake/practions").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.html
            .contains("Make a request about your personal data")
    );
    let fill = |page: &crate::ui::Page, website: &str, email: &str| {
        let challenge = page.hidden("challenge");
        vec![
            ("csrf".to_owned(), page.hidden("csrf")),
            ("form_token".to_owned(), page.hidden("form_token")),
            (
                "nonce".to_owned(),
                pactum_crypto::pow::solve(&challenge).to_string(),
            ),
            ("challenge".to_owned(), challenge),
            ("website".to_owned(), website.to_owned()),
            ("kind".to_owned(), "erasure".to_owned()),
            ("name".to_owned(), "Noor Bakker".to_owned()),
            ("email".to_owned(), email.to_owned()),
            (
                "details".to_owned(),
                "Please erase my coaching account.".to_owned(),
            ),
        ]
    };
    let post = |fields: Vec<(String, String)>| fields;
    // Bad input names each field and keeps what was typed; nothing is stored.
    let bad = post(fill(&form, "", "noor-at-example"));
    let refs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let page = v.post(&app, "/intake/practions", &refs).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.html
            .contains("Enter an e-mail address in the right format")
    );
    assert!(
        page.html.contains("Please erase my coaching account."),
        "kept"
    );
    // A bot filling the hidden field is refused.
    let bot = post(fill(&form, "https://spam.example", "noor@example.org"));
    let refs: Vec<(&str, &str)> = bot.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let page = v.post(&app, "/intake/practions", &refs).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.html.contains("The form could not be checked"));
    assert_eq!(count().await, before, "nothing half-saved");

    let good = post(fill(&form, "", "noor@example.org"));
    let refs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let done = v.post(&app, "/intake/practions", &refs).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    assert!(done.html.contains("Your request was received"));
    assert!(
        done.html.contains("23 December 2026, end of day"),
        "{}",
        done.html
    );
    let reference = done
        .html
        .split("<strong>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert!(reference.starts_with("WEB-"), "{reference}");
    let receipt = sink.message_to("noor@example.org", &reference).await;
    assert!(
        receipt.contains("until 23 December 2026, end of day"),
        "{receipt}"
    );
    // The same solved puzzle cannot be spent twice.
    let replay = v.post(&app, "/intake/practions", &refs).await;
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count().await, before + 1);

    // In the register: from the web form, received now, its clock running.
    let list = app
        .get("/api/v1/orgs/practions/requests", &app.practions)
        .await;
    let made = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reference"] == reference.as_str())
        .unwrap()
        .clone();
    assert_eq!(made["channel"], "web_form");
    assert_eq!(made["kind"], "erasure");
    assert_eq!(made["requester_name"], "Noor Bakker");
    assert_eq!(made["due_on"], "2026-12-23");
    assert_eq!(made["received_at"], "2026-11-23T09:30:00.000000Z");
}

on_both_backends!(
    the_public_request_form,
    breaches_and_requests_in_the_browser,
    closure_days_move_running_deadlines,
    viewers_read_registers_but_do_not_change_them,
);
