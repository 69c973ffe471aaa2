//! The processor toolkit: a 29-day sub-processor notice is refused and a 30-day one
//! reaches a double-opt-in subscriber over real SMTP; objections through the trust page;
//! breach notices to customers due within each contract's hours (24 by default); audit
//! requests checked against the contract; the trust page shows only what is public.

use axum::http::StatusCode;
use pactum_store::audit::Actor;
use pactum_store::scope::OrgId;
use serde_json::{Value, json};
use time::Duration;

use crate::on_both_backends;
use crate::support::{NOW, SmtpSink, TestApp, TestDb};
use crate::ui::{Page, Visitor};

on_both_backends!(
    a_29_day_notice_is_refused_and_a_subscriber_receives_the_30_day_one,
    a_customer_breach_notice_is_due_24_hours_after_awareness,
    audit_requests_are_checked_against_the_contract,
);

async fn app_with_mail(db: TestDb) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let mut settings = crate::support::test_settings();
    settings.smtp = Some(pactum_web::mail::SmtpSettings {
        host: "127.0.0.1".into(),
        port: sink.port,
        from: "Pactum <pactum@test.example>".into(),
    });
    (TestApp::with_settings(db, settings).await, sink)
}

async fn publish_trust_page(app: &TestApp, on: bool) {
    let store = &app.db.store;
    let mut org = pactum_store::organisations::by_slug(store, "practions")
        .await
        .unwrap();
    org.data.trust_page_enabled = on;
    pactum_store::organisations::update(store, &Actor::system(), OrgId(org.id), org.data, NOW)
        .await
        .unwrap();
}

/// A public form's fields with its defences answered (the puzzle solved).
fn answered(page: &Page, fields: &[(&str, &str)]) -> Vec<(String, String)> {
    let challenge = page.hidden("challenge");
    let mut out = vec![
        ("csrf".to_owned(), page.hidden("csrf")),
        ("form_token".to_owned(), page.hidden("form_token")),
        (
            "nonce".to_owned(),
            pactum_crypto::pow::solve(&challenge).to_string(),
        ),
        ("challenge".to_owned(), challenge),
        ("website".to_owned(), String::new()),
    ];
    out.extend(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    out
}

async fn post_form(
    v: &mut Visitor,
    app: &TestApp,
    path: &str,
    fields: &[(String, String)],
) -> Page {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    v.post(app, path, &refs).await
}

fn link_in(mail: &str, prefix: &str) -> String {
    let start = mail
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {mail}"));
    mail[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_start_matches("http://127.0.0.1:8080")
        .to_owned()
}

async fn a_29_day_notice_is_refused_and_a_subscriber_receives_the_30_day_one(db: TestDb) {
    let (app, sink) = app_with_mail(db).await;
    let token = app.practions.clone();
    let mut v = Visitor::default();
    // Unpublished, the trust page and everything under it is the 404 of an unknown slug.
    assert_eq!(
        v.get(&app, "/trust/practions").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        v.get(&app, "/trust/practions/notices.atom").await.status,
        StatusCode::NOT_FOUND
    );
    publish_trust_page(&app, true).await;

    // Double opt-in: the address gets a confirmation link and nothing else until it is used.
    let page = v.get(&app, "/trust/practions").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let bad = answered(&page, &[("email", "not-an-address")]);
    let refused = post_form(&mut v, &app, "/trust/practions/subscribe", &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("Enter an e-mail address"),
        "{}",
        refused.html
    );
    let page = v.get(&app, "/trust/practions").await;
    let good = answered(&page, &[("email", "Privacy@Customer.example")]);
    let done = post_form(&mut v, &app, "/trust/practions/subscribe", &good).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    let mail = sink
        .message_to("privacy@customer.example", "/trust/practions/confirm/")
        .await;
    let confirm = link_in(&mail, "http://127.0.0.1:8080/trust/practions/confirm/");
    let subs = app.get("/api/v1/orgs/practions/subscribers", &token).await;
    assert_eq!(subs.body[0]["email"], "privacy@customer.example");
    assert!(subs.body[0]["confirmed_at"].is_null(), "{:?}", subs.body);
    // Following the link shows a button; only pressing it confirms.
    let shown = v.get(&app, &confirm).await;
    assert_eq!(shown.status, StatusCode::OK);
    let subs = app.get("/api/v1/orgs/practions/subscribers", &token).await;
    assert!(subs.body[0]["confirmed_at"].is_null());
    let csrf = shown.hidden("csrf");
    let pressed = v.post(&app, &confirm, &[("csrf", &csrf)]).await;
    assert!(
        pressed.html.contains("Your subscription is confirmed"),
        "{}",
        pressed.html
    );
    let subs = app.get("/api/v1/orgs/practions/subscribers", &token).await;
    assert!(subs.body[0]["confirmed_at"].is_string(), "{:?}", subs.body);
    // A second, unconfirmed address gets nothing.
    let page = v.get(&app, "/trust/practions").await;
    let other = answered(&page, &[("email", "lurker@example.org")]);
    post_form(&mut v, &app, "/trust/practions/subscribe", &other).await;
    sink.message_to("lurker@example.org", "confirm").await;

    // 29 days is refused and names the first allowed day; nothing is written.
    let notice = |effective: &str| {
        json!({
            "kind": "addition", "name": "Mail & <Co>", "purpose": "Transactional e-mail",
            "location": "DE", "effective_on": effective
        })
    };
    let r = app
        .send(
            "POST",
            "/api/v1/orgs/practions/subprocessor-notices",
            Some(&token),
            Some(notice("2026-12-22")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let err = &r.body["errors"][0];
    assert_eq!(err["field"], "effective_on");
    assert_eq!(err["rule"], "notice_period");
    assert!(
        err["message"].as_str().unwrap().contains("2026-12-23"),
        "{err}"
    );
    let list = app
        .get("/api/v1/orgs/practions/subprocessor-notices", &token)
        .await;
    assert_eq!(list.body, json!([]));
    // A customer's contract asking for 45 days raises the period for everyone.
    let c = app
        .send(
            "POST",
            "/api/v1/orgs/practions/customers",
            Some(&token),
            Some(json!({"name": "Coaching BV", "subprocessor_notice_days": 45})),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{:?}", c.body);
    let r = app
        .send(
            "POST",
            "/api/v1/orgs/practions/subprocessor-notices",
            Some(&token),
            Some(notice("2026-12-23")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("45 days")
    );
    let id = c.body["id"].as_str().unwrap();
    let r = app
        .send(
            "PATCH",
            &format!("/api/v1/orgs/practions/customers/{id}"),
            Some(&token),
            Some(json!({"subprocessor_notice_days": null})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // 30 days is accepted and mailed to the confirmed subscriber only.
    let r = app
        .send(
            "POST",
            "/api/v1/orgs/practions/subprocessor-notices",
            Some(&token),
            Some(notice("2026-12-23")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["minimum_days"], 30);
    let notice_id = r.body["id"].as_str().unwrap().to_owned();
    let mail = sink
        .message_to("privacy@customer.example", "sub-processor change")
        .await;
    assert!(
        mail.contains("adds Mail & <Co> as a sub-processor from 23 December 2026"),
        "{mail}"
    );
    assert!(mail.contains("Purpose: Transactional e-mail"), "{mail}");
    assert!(mail.contains("Location: Germany"), "{mail}");
    assert!(
        mail.contains(&format!("/trust/practions/notices/{notice_id}/objection")),
        "{mail}"
    );
    let unsubscribe = link_in(&mail, "http://127.0.0.1:8080/trust/practions/unsubscribe/");
    let deliveries = format!("/api/v1/orgs/practions/subprocessor-notices/{notice_id}/deliveries");
    let mut sent = Value::Null;
    for _ in 0..100 {
        sent = app.get(&deliveries, &token).await.body;
        if sent.as_array().is_some_and(|a| !a.is_empty()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(sent[0]["sent_to"], "privacy@customer.example", "{sent}");
    assert_eq!(sent[0]["delivered"], true);
    assert_eq!(
        sent.as_array().unwrap().len(),
        1,
        "the unconfirmed address got nothing"
    );
    assert!(
        !sink
            .all()
            .iter()
            .any(|(to, body)| to == "lurker@example.org" && body.contains("Mail & <Co>")),
    );

    // The Atom feed carries it, escaped.
    let feed = v.get(&app, "/trust/practions/notices.atom").await;
    assert_eq!(feed.status, StatusCode::OK);
    assert_eq!(
        feed.headers["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    assert!(
        feed.html
            .contains(&format!("<id>urn:uuid:{notice_id}</id>")),
        "{}",
        feed.html
    );
    assert!(
        feed.html.contains("Toevoeging: Mail &amp; &lt;Co&gt;"),
        "{}",
        feed.html
    );
    assert!(!feed.html.contains("<Co>"));

    // An objection through the public form, with reasons, during the notice period.
    let path = format!("/trust/practions/notices/{notice_id}/objection");
    let form = v.get(&app, &path).await;
    assert_eq!(form.status, StatusCode::OK);
    let short = answered(
        &form,
        &[
            ("customer_name", "Coaching BV"),
            ("contact_name", "Anna de Vries"),
            ("email", "anna@coaching.example"),
            ("reasons", "no"),
        ],
    );
    let page = post_form(&mut v, &app, &path, &short).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.html.contains("at least 20 characters"),
        "{}",
        page.html
    );
    let objections = app.get("/api/v1/orgs/practions/objections", &token).await;
    assert_eq!(objections.body, json!([]), "nothing half-saved");
    let form = v.get(&app, &path).await;
    let reasoned = answered(
        &form,
        &[
            ("customer_name", "Coaching BV"),
            ("contact_name", "Anna de Vries"),
            ("email", "anna@coaching.example"),
            (
                "reasons",
                "Our sector code keeps client notes inside the Netherlands.",
            ),
        ],
    );
    let page = post_form(&mut v, &app, &path, &reasoned).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let objections = app.get("/api/v1/orgs/practions/objections", &token).await;
    assert_eq!(objections.body[0]["status"], "received");
    assert_eq!(objections.body[0]["notice_name"], "Mail & <Co>");
    let oid = objections.body[0]["id"].as_str().unwrap().to_owned();
    let r = app
        .send(
            "PATCH",
            &format!("/api/v1/orgs/practions/objections/{oid}"),
            Some(&token),
            Some(json!({"status": "resolved"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "response");
    let r = app
        .send(
            "PATCH",
            &format!("/api/v1/orgs/practions/objections/{oid}"),
            Some(&token),
            Some(json!({"status": "resolved", "response": "Client notes stay with the current provider."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["status"], "resolved");
    // Once the change is in effect, objections close.
    app.clock.advance(Duration::days(31));
    assert_eq!(v.get(&app, &path).await.status, StatusCode::NOT_FOUND);

    // The unsubscribe link works from the mail alone.
    let shown = v.get(&app, &unsubscribe).await;
    let csrf = shown.hidden("csrf");
    let gone = v.post(&app, &unsubscribe, &[("csrf", &csrf)]).await;
    assert!(gone.html.contains("You no longer receive the notices"));
    let subs = app.get("/api/v1/orgs/practions/subscribers", &token).await;
    assert!(
        !subs
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["email"] == "privacy@customer.example"),
        "{:?}",
        subs.body
    );
    // A reader may list notices but not publish; the other organisation sees none of it.
    let reader = app
        .token("practions", pactum_domain::access::TokenScope::Read)
        .await;
    let r = app
        .send(
            "POST",
            "/api/v1/orgs/practions/subprocessor-notices",
            Some(&reader),
            Some(notice("2027-06-01")),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .get(
            &format!("/api/v1/orgs/locaverdi/subprocessor-notices/{notice_id}"),
            &app.locaverdi,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Locked for deletion, the page is gone too.
    pactum_store::lifecycle::schedule_organisation(
        &app.db.store,
        &Actor::system(),
        OrgId(
            pactum_store::organisations::by_slug(&app.db.store, "practions")
                .await
                .unwrap()
                .id,
        ),
        NOW,
        Duration::days(30),
    )
    .await
    .unwrap();
    assert_eq!(
        v.get(&app, "/trust/practions").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn a_customer_breach_notice_is_due_24_hours_after_awareness(db: TestDb) {
    let (app, sink) = app_with_mail(db).await;
    let token = app.practions.clone();
    let customer = |body: Value| {
        let app = &app;
        let token = token.clone();
        async move {
            let r = app
                .send(
                    "POST",
                    "/api/v1/orgs/practions/customers",
                    Some(&token),
                    Some(body),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
            r.body["id"].as_str().unwrap().to_owned()
        }
    };
    let a = customer(json!({"name": "Alfa Coaching", "notice_email": "dpo@alfa.example"})).await;
    let b = customer(json!({"name": "Bravo Coaching", "notice_email": "privacy@bravo.example", "breach_notice_hours": 48})).await;
    let c = customer(json!({"name": "Charlie Coaching"})).await;
    let aware = NOW;
    let r = app
        .send(
            "POST",
            "/api/v1/orgs/practions/breaches",
            Some(&token),
            Some(json!({
                "title": "Transcripts readable by other tenants", "role": "processor",
                "aware_at": "2026-11-23T09:30:00Z", "description": "A caching bug served transcripts across tenants.",
                "data_categories": ["communications.content"], "subjects_approx": 40, "contact": "dpo@practions.example",
                "customer_ids": [a, b, c]
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let breach = r.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/orgs/practions/breaches/{breach}/customer-notices");
    let view = app.get(&path, &token).await;
    assert_eq!(view.status, StatusCode::OK, "{:?}", view.body);
    let due = |body: &Value, name: &str, field: &str| -> Value {
        body["customers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()[field]
            .clone()
    };
    let ts = |d: time::OffsetDateTime| pactum_domain::timestamp::format(d);
    assert_eq!(
        due(&view.body, "Alfa Coaching", "due_at"),
        ts(aware + Duration::hours(24))
    );
    assert_eq!(due(&view.body, "Alfa Coaching", "hours"), 24);
    assert_eq!(
        due(&view.body, "Bravo Coaching", "due_at"),
        ts(aware + Duration::hours(48))
    );
    assert_eq!(due(&view.body, "Alfa Coaching", "state"), "due");
    // A day and an hour later Alfa's notice is overdue, Bravo's is not.
    app.clock.advance(Duration::hours(25));
    let view = app.get(&path, &token).await;
    assert_eq!(due(&view.body, "Alfa Coaching", "state"), "overdue");
    assert_eq!(due(&view.body, "Bravo Coaching", "state"), "due");

    let sent = app.send("POST", &path, Some(&token), None).await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    let mail = sink.message_to("dpo@alfa.example", "Melding datalek").await;
    for part in [
        "Transcripts readable by other tenants",
        "(a) Aard van de inbreuk: A caching bug served transcripts across tenants.",
        "(a) Geschat aantal betrokkenen: 40",
        "(b) Contactpunt: dpo@practions.example",
        "(c) Waarschijnlijke gevolgen: nog niet bekend",
    ] {
        assert!(mail.contains(part), "{part} not in {mail}");
    }
    sink.message_to("privacy@bravo.example", "Melding datalek")
        .await;
    assert_eq!(due(&sent.body, "Alfa Coaching", "state"), "notified_late");
    assert_eq!(due(&sent.body, "Bravo Coaching", "state"), "notified");
    assert!(
        due(&sent.body, "Charlie Coaching", "notified_at").is_null(),
        "no address, not sent"
    );
    assert_eq!(sent.body["notices"].as_array().unwrap().len(), 2);
    assert!(
        sent.body["notices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["delivered"] == true && n["phase"] == 0)
    );
    // Not every customer was told: the breach's clock still runs.
    let b_rec = app
        .get(&format!("/api/v1/orgs/practions/breaches/{breach}"), &token)
        .await;
    assert!(b_rec.body["controllers_notified_at"].is_null());

    // A phased update goes to those told, with only what is new; nothing is sent twice.
    let before = sink.count();
    let again = app.send("POST", &path, Some(&token), None).await;
    assert_eq!(again.body["notices"].as_array().unwrap().len(), 2);
    assert_eq!(sink.count(), before);
    let r = app
        .send(
            "PATCH",
            &format!("/api/v1/orgs/practions/breaches/{breach}"),
            Some(&token),
            Some(json!({
                "updates": [{"at": "2026-11-24T12:00:00Z", "text": "The bug was fixed; 12 transcripts were opened."}],
                "customer_ids": [a, b]
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let view = app.get(&path, &token).await;
    assert_eq!(due(&view.body, "Alfa Coaching", "updates_pending"), 1);
    let sent = app.send("POST", &path, Some(&token), None).await;
    let update = sink
        .message_to("dpo@alfa.example", "Aanvulling op de datalekmelding")
        .await;
    assert!(update.contains("12 transcripts were opened"), "{update}");
    let notices = sent.body["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 4);
    assert!(notices.iter().filter(|n| n["phase"] == 1).count() == 2);
    // Every affected customer told: the breach's clock stopped at the last first notice.
    let b_rec = app
        .get(&format!("/api/v1/orgs/practions/breaches/{breach}"), &token)
        .await;
    assert!(
        b_rec.body["controllers_notified_at"].is_string(),
        "{:?}",
        b_rec.body
    );
    assert!(b_rec.body["stopped_at"].is_string());

    // A controller's own breach has no customer notices; the other organisation sees none.
    let own = app
        .send(
            "POST",
            "/api/v1/orgs/practions/breaches",
            Some(&token),
            Some(json!({"title": "Lost laptop", "aware_at": "2026-11-23T09:30:00Z"})),
        )
        .await;
    let own_path = format!(
        "/api/v1/orgs/practions/breaches/{}/customer-notices",
        own.body["id"].as_str().unwrap()
    );
    let r = app.send("POST", &own_path, Some(&token), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["rule"], "processor_only");
    let r = app
        .get(
            &path.replace("/orgs/practions/", "/orgs/locaverdi/"),
            &app.locaverdi,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The page shows the deadlines and the sent notices.
    let (login, password) = app.logins[0].clone();
    let mut browser = crate::ui::signed_in(&app, &login, &password).await;
    let page = browser
        .get(
            &app,
            &format!("/orgs/practions/breaches/{breach}/customer-notices"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(
        page.html.contains("Alfa Coaching") && page.html.contains("Told late"),
        "{}",
        page.html
    );
    let record = browser
        .get(&app, &format!("/orgs/practions/breaches/{breach}"))
        .await;
    assert!(
        record.html.contains("customer-notices"),
        "the breach page links its notices"
    );
}

async fn audit_requests_are_checked_against_the_contract(db: TestDb) {
    let app = TestApp::new(db).await;
    let token = app.practions.clone();
    let c = app
        .send(
            "POST",
            "/api/v1/orgs/practions/customers",
            Some(&token),
            Some(json!({"name": "Coaching BV"})),
        )
        .await;
    assert_eq!(c.body["audit_notice_days"], 28);
    assert_eq!(c.body["audits_per_year"], 1);
    let customer = c.body["id"].as_str().unwrap();
    let request = |received: &str, audit_on: &str| json!({"customer_id": customer, "received_on": received, "audit_on": audit_on, "auditor": "Audit & Co"});
    let first = app
        .send(
            "POST",
            "/api/v1/orgs/practions/audit-requests",
            Some(&token),
            Some(request("2026-11-02", "2026-11-20")),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    let terms = app
        .get(
            &format!(
                "/api/v1/orgs/practions/audit-requests/{}/terms",
                first.body["id"].as_str().unwrap()
            ),
            &token,
        )
        .await;
    assert_eq!(terms.body["notice_given_days"], 18);
    assert_eq!(terms.body["notice_ok"], false);
    assert_eq!(terms.body["frequency_ok"], true);
    let second = app
        .send(
            "POST",
            "/api/v1/orgs/practions/audit-requests",
            Some(&token),
            Some(request("2026-11-10", "2026-12-21")),
        )
        .await;
    let terms = app
        .get(
            &format!(
                "/api/v1/orgs/practions/audit-requests/{}/terms",
                second.body["id"].as_str().unwrap()
            ),
            &token,
        )
        .await;
    assert_eq!(terms.body["notice_ok"], true);
    assert_eq!(terms.body["frequency_ok"], false, "{:?}", terms.body);
    assert_eq!(terms.body["in_year"], 2);
    // Declining needs a reason; a customer of another organisation is refused.
    let r = app
        .send(
            "PATCH",
            &format!(
                "/api/v1/orgs/practions/audit-requests/{}",
                second.body["id"].as_str().unwrap()
            ),
            Some(&token),
            Some(json!({"status": "declined"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "outcome");
    let r = app
        .send(
            "POST",
            "/api/v1/orgs/locaverdi/audit-requests",
            Some(&app.locaverdi),
            Some(request("2026-11-02", "2026-12-20")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "customer_id");
    // The processor page lists both with their checks, in Dutch as well.
    let (login, password) = app.logins[0].clone();
    let mut browser = crate::ui::signed_in(&app, &login, &password).await;
    let page = browser.get(&app, "/orgs/practions/processor").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(
        page.html.contains("18 of 28 days") && page.html.contains("Too short"),
        "{}",
        page.html
    );
    assert!(page.html.contains("Over the limit"));
    assert!(
        page.html.contains("1 a year, 28 days&#39; notice"),
        "{}",
        page.html
    );
    // Publishing from the page: too early is refused with the first allowed day, and
    // what was typed stays.
    let form = browser
        .get(&app, "/orgs/practions/processor/notices/new")
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    assert!(
        form.html.contains("value=\"2026-12-23\""),
        "the earliest day is offered"
    );
    let csrf = form.hidden("csrf");
    let notice = |effective_on: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("kind", "addition".to_owned()),
            ("name", "Postmark".to_owned()),
            ("purpose", "Transactional e-mail".to_owned()),
            ("location", "DE".to_owned()),
            ("effective_on", effective_on.to_owned()),
        ]
    };
    let fields = notice("2026-12-22");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let early = browser
        .post(&app, "/orgs/practions/processor/notices", &refs)
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        early
            .html
            .contains("Too early: give at least 30 days&#39; notice, so 23 December 2026 or later"),
        "{}",
        early.html
    );
    assert!(early.html.contains("value=\"Postmark\""));
    let fields = notice("2026-12-23");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = browser
        .post(&app, "/orgs/practions/processor/notices", &refs)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let shown = browser.get(&app, done.location()).await;
    assert!(shown.html.contains("Addition: Postmark"), "{}", shown.html);
    // The customers list is the processor page.
    let list = browser.get(&app, "/orgs/practions/customers").await;
    assert_eq!(list.status, StatusCode::SEE_OTHER);
    assert_eq!(list.location(), "/orgs/practions/processor#customers");
}
