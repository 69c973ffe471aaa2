//! AI reports end to end: the offline provider; an OpenAI-compatible provider played by a
//! real HTTP server in the test that records exactly what it received; the egress allowlist
//! refusing other hosts, before connecting and after a redirect; the pages.

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::{TestApp, TestDb, test_settings};
use crate::ui::signed_in;

/// What the provider received: (path, authorization header, body).
type Received = Arc<Mutex<Vec<(String, String, Vec<u8>)>>>;

/// A chat-completions server on a free port of 127.0.0.1; `/redirect` sends elsewhere.
async fn provider() -> (u16, Received) {
    let received: Received = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = received.clone();
    let app = axum::Router::new()
        .route(
            "/v1/chat/completions",
            axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let log = log.clone();
                async move {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    log.lock()
                        .unwrap()
                        .push(("/v1/chat/completions".into(), auth, body.to_vec()));
                    axum::Json(json!({
                        "id": "chatcmpl-1",
                        "object": "chat.completion",
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": "## Findings\n\nAdd a DPA for every vendor."}, "finish_reason": "stop"}],
                    }))
                }
            }),
        )
        .route(
            "/redirect/v1/chat/completions",
            axum::routing::post(move || async move {
                axum::response::Redirect::temporary(&format!(
                    "http://localhost:{port}/v1/chat/completions"
                ))
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (port, received)
}

fn with_provider(base_url: String, allow: Vec<String>) -> pactum_web::state::WebSettings {
    let mut s = test_settings();
    s.ai = pactum_web::ai::AiSettings {
        provider: pactum_web::ai::Provider::OpenAiCompatible {
            base_url,
            model: "test-model".into(),
            api_key: Some("sk-test-123".into()),
        },
        egress: pactum_web::egress::Egress::new(allow).unwrap(),
    };
    s
}

/// Names the payload must never carry: the project's and its data users'.
async fn secrets(app: &TestApp, project: &str) -> Vec<String> {
    let export = app
        .get("/api/v1/orgs/practions/export", &app.practions)
        .await
        .body;
    let mut out: Vec<String> = export["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["id"] == project)
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    for u in export["data_users"].as_array().unwrap() {
        if u["project_id"] == project {
            out.push(u["role"].as_str().unwrap().to_owned());
        }
    }
    for b in export["breaches"].as_array().unwrap() {
        out.push(b["title"].as_str().unwrap().to_owned());
    }
    assert!(
        out.len() >= 3,
        "the demo has a project, data users and breaches: {out:?}"
    );
    out
}

async fn the_offline_provider_sends_nothing_and_keeps_what_it_read(db: TestDb) {
    let app = TestApp::new(db).await;
    let token = app.practions.clone();
    let project = app.project("practions", &token).await;
    let base = format!("/api/v1/orgs/practions/projects/{project}/ai-reports");
    let r = app.send("POST", &base, Some(&token), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["provider"], "offline");
    let payload = r.body["payload"].as_str().unwrap();
    let doc: Value = serde_json::from_str(payload).unwrap();
    assert_eq!(doc["project"], "Project");
    assert!(
        !doc["collections"]["services"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    for s in secrets(&app, &project).await {
        assert!(!payload.contains(&s), "{s:?} is in the payload");
    }
    let report = r.body["report"].as_str().unwrap();
    assert!(report.contains("Compliance score"), "{report}");
    let id = r.body["id"].as_str().unwrap();
    let one = app.get(&format!("{base}/{id}"), &token).await;
    assert_eq!(one.body["payload"], payload);
    assert_eq!(
        app.get(&base, &token).await.body.as_array().unwrap().len(),
        1
    );
    let audit = app
        .get(
            "/api/v1/orgs/practions/audit?action=ai_report.created",
            &token,
        )
        .await;
    assert!(
        audit.body.to_string().contains("ai_report.created"),
        "{}",
        audit.body
    );
    // A viewer's read token may read but not make one.
    let read = app
        .token("practions", pactum_domain::access::TokenScope::Read)
        .await;
    assert_eq!(
        app.send("POST", &base, Some(&read), None).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get(&base, &read).await.status, StatusCode::OK);
}

async fn a_provider_receives_exactly_the_stored_anonymised_payload(db: TestDb) {
    let (port, received) = provider().await;
    let settings = with_provider(
        format!("http://127.0.0.1:{port}/v1"),
        vec![format!("127.0.0.1:{port}")],
    );
    let app = TestApp::with_settings(db, settings).await;
    let token = app.practions.clone();
    let project = app.project("practions", &token).await;
    let base = format!("/api/v1/orgs/practions/projects/{project}/ai-reports");
    let r = app.send("POST", &base, Some(&token), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["provider"], "openai_compatible");
    assert_eq!(r.body["model"], "test-model");
    assert_eq!(
        r.body["report"],
        "## Findings\n\nAdd a DPA for every vendor."
    );
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let (path, auth, body) = &got[0];
    assert_eq!(path, "/v1/chat/completions");
    assert_eq!(auth, "Bearer sk-test-123");
    assert_eq!(
        r.body["payload"].as_str().unwrap().as_bytes(),
        body.as_slice(),
        "the stored payload is exactly what was sent"
    );
    let sent = String::from_utf8(body.clone()).unwrap();
    for s in secrets(&app, &project).await {
        assert!(!sent.contains(&s), "{s:?} was sent");
    }
    let request: Value = serde_json::from_str(&sent).unwrap();
    assert_eq!(request["model"], "test-model");
    let inner: Value =
        serde_json::from_str(request["messages"][1]["content"].as_str().unwrap()).unwrap();
    assert_eq!(inner["project"], "Project");
    assert_eq!(inner["collections"]["data_users"][0]["role"], "User 1");
}

async fn the_egress_allowlist_refuses_other_hosts(db: TestDb) {
    let (port, received) = provider().await;
    // Named by a host that is not listed (localhost, where 127.0.0.1 is): refused before
    // any connection, and nothing stored.
    let settings = with_provider(
        format!("http://localhost:{port}/v1"),
        vec![format!("127.0.0.1:{port}")],
    );
    let app = TestApp::with_settings(db, settings).await;
    let token = app.practions.clone();
    let project = app.project("practions", &token).await;
    let base = format!("/api/v1/orgs/practions/projects/{project}/ai-reports");
    let r = app.send("POST", &base, Some(&token), None).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("egress allowlist"),
        "{}",
        r.body
    );
    assert!(received.lock().unwrap().is_empty());
    assert_eq!(app.get(&base, &token).await.body, json!([]));
    // The page says so in words, and keeps the list and the button.
    let (login, password) = app.logins[0].clone();
    let mut v = signed_in(&app, &login, &password).await;
    let list_path = format!("/orgs/practions/projects/{project}/ai-reports");
    let list = v.get(&app, &list_path).await;
    let r = v
        .post(&app, &list_path, &[("csrf", &list.hidden("csrf"))])
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.html.contains("could not be reached"), "{}", r.html);
    assert!(r.html.contains(&format!("action=\"{list_path}\"")));
    assert!(received.lock().unwrap().is_empty());

    // A listed host that redirects to one not listed: refused at the redirect.
    let egress = pactum_web::egress::Egress::new(vec![format!("127.0.0.1:{port}")]).unwrap();
    let err = egress
        .post_json(
            &format!("http://127.0.0.1:{port}/redirect/v1/chat/completions"),
            None,
            b"{}",
        )
        .await
        .unwrap_err();
    assert_eq!(
        err,
        pactum_web::egress::EgressError::Refused("localhost".into())
    );
    assert!(
        received.lock().unwrap().is_empty(),
        "the redirect target got nothing"
    );
    // The same port on another listed name is not the same entry; a listed one works.
    let ok = egress
        .post_json(
            &format!("http://127.0.0.1:{port}/v1/chat/completions"),
            None,
            b"{}",
        )
        .await
        .unwrap();
    assert_eq!(ok["object"], "chat.completion");
    assert!(!egress.allows("http://127.0.0.1:1/"));
    assert!(!egress.allows("https://example.com/"));
}

async fn reports_in_the_browser(db: TestDb) {
    let app = TestApp::new(db).await;
    let (login, password) = app.logins[0].clone();
    let mut v = signed_in(&app, &login, &password).await;
    let project = app.project("practions", &app.practions).await;
    let page = v
        .get(&app, &format!("/orgs/practions/projects/{project}"))
        .await;
    assert!(
        page.html
            .contains(&format!("/orgs/practions/projects/{project}/ai-reports"))
    );
    let list_path = format!("/orgs/practions/projects/{project}/ai-reports");
    let list = v.get(&app, &list_path).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.html.contains("nothing leaves it"), "{}", list.html);
    let r = v
        .post(&app, &list_path, &[("csrf", &list.hidden("csrf"))])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let report = v.get(&app, r.location()).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.html.contains("What was sent"));
    assert!(report.html.contains("Compliance score"));
    let at = report.html.find("payload-title").unwrap();
    let shown = &report.html[at..];
    assert!(
        shown.contains("&#34;project&#34;: &#34;Project&#34;"),
        "the payload is shown: {}",
        &shown[..600.min(shown.len())]
    );
    let list = v.get(&app, &list_path).await;
    assert!(
        list.html.contains("rules (offline)"),
        "the list shows the report"
    );
}

on_both_backends!(
    the_offline_provider_sends_nothing_and_keeps_what_it_read,
    a_provider_receives_exactly_the_stored_anonymised_payload,
    the_egress_allowlist_refuses_other_hosts,
    reports_in_the_browser
);
