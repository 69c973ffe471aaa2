//! Reminders before the registers' deadlines, sent over real SMTP on a controllable clock:
//! each exactly once, by one process at a time, retried when the relay was down; the
//! in-app notifications; and the calendar feed, read by an independent iCalendar parser.
//! On both backends.

use axum::http::StatusCode;
use pactum_store::reminders;
use pactum_web::reminders::round;
use time::Duration;

use crate::on_both_backends;
use crate::support::{NOW, SmtpSink, TestApp, TestDb, test_settings};
use crate::ui::signed_in;

fn with_smtp(port: u16) -> pactum_web::state::WebSettings {
    let mut s = test_settings();
    s.smtp = Some(pactum_web::mail::SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        from: "Pactum <pactum@test.example>".into(),
    });
    s.public_url = "https://pactum.test".into();
    s
}

async fn ids(app: &TestApp, slug: &str, collection: &str) -> Vec<(String, serde_json::Value)> {
    let token = if slug == "practions" {
        &app.practions
    } else {
        &app.locaverdi
    };
    let r = app
        .get(&format!("/api/v1/orgs/{slug}/{collection}"), token)
        .await;
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap().to_owned(), i.clone()))
        .collect()
}

async fn reminders_go_out_once_at_each_lead(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = TestApp::with_settings(db, with_smtp(sink.port)).await;
    let owner = "privacy@practions.example";
    // The demo's breach became known 30 hours ago: 42 hours left, so the 48-hour reminder
    // is due now. Its request was received 26 days ago (due Monday 30 November, Saturday
    // the 28th moved on): the 7-day reminder comes at 23:00 UTC tonight.
    let first = round(&app.state, "a").await.unwrap();
    assert!(first.leader);
    assert_eq!((first.claimed, first.mailed, first.failed), (1, 1, 0));
    let mail = sink
        .message_to(owner, "Support mailbox forwarded to a wrong address")
        .await;
    assert!(mail.contains("Deadline in 1 day, 18 hours"), "{mail}");
    assert!(mail.contains("25 November 2026, 4:30am CET"), "{mail}");
    assert!(
        mail.contains("https://pactum.test/orgs/practions/breaches/"),
        "{mail}"
    );
    // The processor's breach at locaverdi is overdue already: no reminder before it.
    assert!(sink.all().iter().all(|(to, _)| to == owner));

    // The same round again, and another process meanwhile: nothing new, no second leader.
    let again = round(&app.state, "a").await.unwrap();
    assert_eq!((again.leader, again.claimed), (true, 0));
    let other = round(&app.state, "b").await.unwrap();
    assert!(!other.leader, "the lease is held by a");
    assert_eq!(sink.count(), 1);

    // 18 hours later: the 24-hour reminder, and the 7-day ones of both organisations'
    // running requests, each to its own organisation's owner.
    app.clock.advance(Duration::hours(18));
    let later = round(&app.state, "a").await.unwrap();
    assert_eq!((later.claimed, later.mailed), (3, 3));
    sink.message_to("privacy@locaverdi.example", "DSR-2026-004")
        .await;
    let request = sink.message_to(owner, "Request: Access (Art. 15)").await;
    assert!(
        request.contains("30 November 2026, end of day"),
        "{request}"
    );
    assert!(request.contains("DSR-2026-004"), "{request}");

    // A restart (another process id) after the lease expired sends nothing twice.
    app.clock.advance(Duration::minutes(4));
    let restarted = round(&app.state, "c").await.unwrap();
    assert_eq!((restarted.leader, restarted.claimed), (true, 0));
    assert_eq!(sink.count(), 4);

    // Each reminder is recorded as sent.
    let org = pactum_store::organisations::by_slug(&app.db.store, "practions")
        .await
        .unwrap();
    let breach = &ids(&app, "practions", "breaches").await[0].0;
    let sent = reminders::of_record(&app.db.store, org.id, breach.parse().unwrap())
        .await
        .unwrap();
    let leads: Vec<_> = sent.iter().map(|s| s.lead_minutes).collect();
    assert_eq!(leads, [48 * 60, 24 * 60]);
    assert!(sent.iter().all(|s| s.sent_at.is_some() && s.attempts == 1));

    // Notified: the breach stops its clock, and no 4-hour reminder follows.
    let id = ids(&app, "practions", "breaches").await.remove(0).0;
    let put = app
        .send(
            "PATCH",
            &format!("/api/v1/orgs/practions/breaches/{id}"),
            Some(&app.practions),
            Some(serde_json::json!({
                "authority_notified_at":
                    pactum_domain::timestamp::format(NOW + Duration::hours(19))
            })),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{:?}", put.body);
    assert!(put.body["stopped_at"].is_string());
    app.clock.advance(Duration::hours(20));
    let after = round(&app.state, "c").await.unwrap();
    assert_eq!(after.claimed, 0);

    // In the application: three reminders for the owner, marked read in one go.
    let (user, password) = app.logins[0].clone();
    let mut v = signed_in(&app, &user, &password).await;
    let page = v.get(&app, "/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("3 unread"), "{}", page.html);
    assert_eq!(page.html.matches("Support mailbox forwarded").count(), 2);
    let csrf = page.hidden("csrf");
    let read = v
        .post(&app, "/notifications/read", &[("csrf", &csrf)])
        .await;
    assert_eq!(read.status, StatusCode::SEE_OTHER);
    let page = v.get(&app, "/notifications").await;
    assert!(page.html.contains("0 unread"));
    // Another organisation's owner has none of them.
    let (user, password) = app.logins[1].clone();
    let mut other = signed_in(&app, &user, &password).await;
    let page = other.get(&app, "/notifications").await;
    assert!(!page.html.contains("Support mailbox forwarded"));
}

async fn a_relay_that_is_down_gets_the_reminder_later(db: TestDb) {
    // A port nobody listens on yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = TestApp::with_settings(db, with_smtp(port)).await;
    let down = round(&app.state, "a").await.unwrap();
    assert_eq!((down.claimed, down.mailed, down.failed), (1, 0, 1));
    let org = pactum_store::organisations::by_slug(&app.db.store, "practions")
        .await
        .unwrap();
    let breach: uuid::Uuid = ids(&app, "practions", "breaches").await[0]
        .0
        .parse()
        .unwrap();
    let sent = reminders::of_record(&app.db.store, org.id, breach)
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].sent_at, None, "not done until the relay took it");

    // The relay comes up. Within the retry pause nothing is tried; after it, once.
    let sink = SmtpSink::start_on(port).await;
    app.clock.advance(Duration::minutes(5));
    assert_eq!(round(&app.state, "a").await.unwrap().claimed, 0);
    app.clock.advance(Duration::minutes(6));
    let retried = round(&app.state, "a").await.unwrap();
    assert_eq!((retried.claimed, retried.mailed), (1, 1));
    sink.message_to("privacy@practions.example", "Support mailbox")
        .await;
    let sent = reminders::of_record(&app.db.store, org.id, breach)
        .await
        .unwrap();
    assert_eq!(sent[0].attempts, 2);
    assert!(sent[0].sent_at.is_some());
    // One in-app notification, however often the mail was tried.
    let n = pactum_store::notifications::list(&app.db.store, sent_user(&app).await, 10)
        .await
        .unwrap();
    assert_eq!(n.len(), 1);
}

async fn sent_user(app: &TestApp) -> uuid::Uuid {
    let org = pactum_store::organisations::by_slug(&app.db.store, "practions")
        .await
        .unwrap();
    pactum_store::accounts::first_owner(&app.db.store, pactum_store::scope::OrgId(org.id))
        .await
        .unwrap()
        .unwrap()
}

async fn two_workers_cannot_claim_one_reminder(db: TestDb) {
    let app = TestApp::new(db).await;
    let due = pactum_store::registers::due_between(&app.db.store, NOW, NOW + Duration::days(60))
        .await
        .unwrap();
    let d = due
        .iter()
        .find(|d| d.register == pactum_store::registers::Register::Breach)
        .unwrap()
        .clone();
    let (a, b) = tokio::join!(
        reminders::claim(&app.db.store, &d, 2880, &[], NOW),
        reminders::claim(&app.db.store, &d, 2880, &[], NOW),
    );
    let mut outcomes = [a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|c| format!("{c:?}"));
    assert_eq!(outcomes, [reminders::Claim::New, reminders::Claim::Taken]);
    // The lease: one holder at a time, taken over once expired.
    let s = &app.db.store;
    assert!(
        reminders::lease(s, "x", "a", NOW, Duration::minutes(3))
            .await
            .unwrap()
    );
    assert!(
        !reminders::lease(s, "x", "b", NOW, Duration::minutes(3))
            .await
            .unwrap()
    );
    assert!(
        reminders::lease(
            s,
            "x",
            "a",
            NOW + Duration::minutes(2),
            Duration::minutes(3)
        )
        .await
        .unwrap()
    );
    assert!(
        !reminders::lease(
            s,
            "x",
            "b",
            NOW + Duration::minutes(4),
            Duration::minutes(3)
        )
        .await
        .unwrap()
    );
    assert!(
        reminders::lease(
            s,
            "x",
            "b",
            NOW + Duration::minutes(6),
            Duration::minutes(3)
        )
        .await
        .unwrap()
    );
}

async fn the_calendar_feed_is_secret_revocable_and_valid(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let mut v = signed_in(&app, &user, &password).await;
    let page = v.get(&app, "/account/calendar").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("You have no calendar address."));
    let csrf = page.hidden("csrf");
    let made = v.post(&app, "/account/calendar", &[("csrf", &csrf)]).await;
    assert_eq!(made.status, StatusCode::OK);
    let start = made.html.find("/calendar/cal_").unwrap();
    let path = made.html[start..].split('<').next().unwrap().to_owned();
    assert!(path.ends_with(".ics"), "{path}");

    // A calendar client: no cookie, just the address.
    let feed = app.send("GET", &path, None, None).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert_eq!(feed.headers["content-type"], "text/calendar; charset=utf-8");
    let text = String::from_utf8(feed.raw.clone()).unwrap();
    assert!(text.lines().all(|l| l.len() <= 76), "folded at 75 octets");
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = calendars.next().unwrap().unwrap();
    assert!(calendars.next().is_none());
    let prop = |props: &[ical::property::Property], name: &str| {
        props
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    assert_eq!(prop(&cal.properties, "VERSION"), "2.0");
    // The two running deadlines of the practions organisation, soonest first; the answered
    // request and the other organisation's breach are not in it.
    assert_eq!(cal.events.len(), 2, "{text}");
    let breach = &cal.events[0].properties;
    assert_eq!(
        prop(breach, "SUMMARY"),
        "Breach: Support mailbox forwarded to a wrong address (2026-01)"
    );
    assert_eq!(prop(breach, "DTEND"), "20261125T033000Z");
    assert!(prop(breach, "UID").starts_with("breaches-"));
    let request = &cal.events[1].properties;
    assert_eq!(
        prop(request, "SUMMARY"),
        "Request: Access (Art. 15) (DSR-2026-004)"
    );
    assert_eq!(prop(request, "DTEND"), "20261130T230000Z");
    assert!(prop(request, "URL").starts_with("http://127.0.0.1:8080/orgs/practions/requests/"));

    // A new address replaces the old; revoking ends it. Unknown addresses look the same.
    let csrf = made.hidden("csrf");
    let again = v.post(&app, "/account/calendar", &[("csrf", &csrf)]).await;
    let start = again.html.find("/calendar/cal_").unwrap();
    let new_path = again.html[start..].split('<').next().unwrap().to_owned();
    assert_ne!(new_path, path);
    assert_eq!(
        app.send("GET", &path, None, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.send("GET", &new_path, None, None).await.status,
        StatusCode::OK
    );
    let revoked = v
        .post(&app, "/account/calendar/revoke", &[("csrf", &csrf)])
        .await;
    assert_eq!(revoked.location(), "/account/calendar?m=revoked");
    assert_eq!(
        app.send("GET", &new_path, None, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.send("GET", "/calendar/cal_nothing.ics", None, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Without a session the management page is not reachable.
    let stranger = app.send("GET", "/account/calendar", None, None).await;
    assert_eq!(stranger.status, StatusCode::SEE_OTHER);
}

on_both_backends!(
    reminders_go_out_once_at_each_lead,
    a_relay_that_is_down_gets_the_reminder_later,
    two_workers_cannot_claim_one_reminder,
    the_calendar_feed_is_secret_revocable_and_valid,
);
