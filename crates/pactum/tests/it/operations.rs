//! Running Pactum: `/metrics` behind its token, readiness that follows the database, and a
//! scheduler that hands its lease over when it stops.

use pactum_web::state::WebSettings;

use crate::on_both_backends;
use crate::support::{TestApp, TestDb, test_settings};

on_both_backends!(metrics_count_routes_limits_and_the_scheduler);

const TOKEN: &str = "a-metrics-token-of-some-length";

fn settings() -> WebSettings {
    WebSettings {
        metrics_token: Some(TOKEN.into()),
        scheduler_interval: std::time::Duration::from_secs(1),
        ..test_settings()
    }
}

async fn scrape(app: &TestApp) -> String {
    let r = app.send("GET", "/metrics", Some(TOKEN), None).await;
    assert_eq!(r.status, 200);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    String::from_utf8(r.raw).unwrap()
}

/// The value of one sample line, by its exact name and labels.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

async fn metrics_count_routes_limits_and_the_scheduler(db: TestDb) {
    // Off unless a token is configured.
    let off = TestApp::new(TestDb::sqlite().await).await;
    assert_eq!(
        off.send("GET", "/metrics", Some(TOKEN), None).await.status,
        404
    );
    let app = TestApp::with_settings(db, settings()).await;
    for token in [
        None,
        Some("wrong-token-of-some-length"),
        Some(app.practions.as_str()),
    ] {
        let r = app.send("GET", "/metrics", token, None).await;
        assert_eq!(r.status, 401, "{token:?}");
        assert!(r.headers.contains_key("www-authenticate"));
    }

    // Requests are counted by their route, never their path.
    assert_eq!(app.get("/healthz", &app.practions).await.status, 200);
    let projects = app
        .get("/api/v1/orgs/practions/projects", &app.practions)
        .await;
    assert_eq!(projects.status, 200);
    let missing = app
        .get("/api/v1/orgs/practions/nonsense/x/y", &app.practions)
        .await;
    assert_eq!(missing.status, 404);
    let text = scrape(&app).await;
    assert_eq!(
        sample(
            &text,
            r#"pactum_http_requests_total{method="GET",route="/healthz",status="200"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            r#"pactum_http_requests_total{method="GET",route="/api/v1/orgs/{org}/projects",status="200"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert!(
        text.contains(r#"pactum_http_request_duration_seconds_count{method="GET",route="/api/v1/orgs/{org}/projects"} 1"#),
        "{text}"
    );
    assert!(
        !text.contains("practions") && !text.contains("nonsense"),
        "{text}"
    );
    assert!(text.contains("pactum_database_connections "), "{text}");
    assert!(text.trim_end().ends_with("# EOF"));

    // A flood on the login route is turned away and counted.
    let mut refused = 0;
    for _ in 0..15 {
        let r = app
            .send(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(serde_json::json!({"login": "nobody", "password": "wrong password"})),
            )
            .await;
        if r.status == 429 {
            refused += 1;
        }
    }
    assert!(refused >= 5, "{refused}");
    let text = scrape(&app).await;
    let limiter = sample(&text, r#"pactum_rate_limited_total{bucket="login"}"#).unwrap_or(0.0);
    let backoff = sample(
        &text,
        r#"pactum_rate_limited_total{bucket="account_backoff"}"#,
    )
    .unwrap_or(0.0);
    assert!(limiter >= 1.0 && backoff >= 1.0, "{text}");
    assert_eq!(limiter + backoff, f64::from(refused), "{text}");

    // The scheduler: this process leads, counts its rounds, and hands the lease back when
    // it stops, so another instance's next round leads at once.
    let scheduler = pactum_web::reminders::spawn(app.state.clone());
    let mut led = None;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let text = scrape(&app).await;
        led = sample(&text, r#"pactum_scheduler_rounds_total{outcome="led"}"#);
        if led.is_some() {
            assert_eq!(sample(&text, "pactum_scheduler_leader"), Some(1.0));
            break;
        }
    }
    assert!(led >= Some(1.0), "a round ran and led");
    let other = app.db.another_store().await;
    let now = pactum_web::clock::Clock::now(&*app.clock);
    assert!(
        !pactum_store::reminders::lease(
            &other,
            "reminders",
            "other",
            now,
            time::Duration::minutes(3)
        )
        .await
        .unwrap(),
        "the lease is held"
    );
    scheduler.stop(&app.state).await;
    assert_eq!(
        sample(&scrape(&app).await, "pactum_scheduler_leader"),
        Some(0.0)
    );
    assert!(
        pactum_store::reminders::lease(
            &other,
            "reminders",
            "other",
            now,
            time::Duration::minutes(3)
        )
        .await
        .unwrap(),
        "handed over at once"
    );

    // Readiness follows the database.
    assert_eq!(app.get("/readyz", &app.practions).await.status, 200);
    app.state.store.close().await;
    let r = app.get("/readyz", &app.practions).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.body["status"], "unavailable");
}
