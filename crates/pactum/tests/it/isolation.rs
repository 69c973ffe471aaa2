//! Tenant isolation, route by route: every operation of the OpenAPI document is called
//! with one organisation's token against the other organisation's resources, and must
//! answer 404 and change nothing.

use axum::http::StatusCode;
use pactum_domain::access::TokenScope;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::{TestApp, TestDb};

/// Every (method, path template) of the API that acts on an organisation.
pub(crate) fn org_operations() -> Vec<(String, String)> {
    let doc = serde_json::to_value(pactum_web::openapi::document()).unwrap();
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.contains("{org}") {
            continue;
        }
        for method in item.as_object().unwrap().keys() {
            ops.push((method.to_uppercase(), path.clone()));
        }
    }
    assert!(
        ops.len() >= 60,
        "expected every collection's operations, got {}",
        ops.len()
    );
    ops
}

fn collection_key(path: &str) -> Option<String> {
    // /api/v1/orgs/{org}/projects/{project}/data-items/{id} -> data_items
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .collect();
    segments.last().map(|s| s.replace('-', "_"))
}

pub(crate) fn fill(template: &str, org: &str, project: &str, id: &str) -> String {
    template
        .replace("{org}", org)
        .replace("{project}", project)
        .replace("{id}", id)
        .replace("{file}", id)
}

async fn export_of(app: &TestApp, slug: &str, token: &str) -> Value {
    app.get(&format!("/api/v1/orgs/{slug}/export"), token)
        .await
        .body
}

async fn no_route_crosses_organisations(db: TestDb) {
    let app = TestApp::new(db).await;
    let mine = app.practions.clone();
    let theirs = app.locaverdi.clone();
    // The demo gives locaverdi no customers: one, with an audit request, so that those
    // routes are tried against a record that exists.
    let customer = app
        .send(
            "POST",
            "/api/v1/orgs/locaverdi/customers",
            Some(&theirs),
            Some(json!({"name": "Probe customer"})),
        )
        .await;
    assert_eq!(customer.status, StatusCode::CREATED, "{}", customer.body);
    let audit = app
        .send(
            "POST",
            "/api/v1/orgs/locaverdi/audit-requests",
            Some(&theirs),
            Some(json!({"customer_id": customer.body["id"], "received_on": "2026-11-02"})),
        )
        .await;
    assert_eq!(audit.status, StatusCode::CREATED, "{}", audit.body);
    let before = export_of(&app, "locaverdi", &theirs).await;
    let their_project = before["projects"][0]["id"].as_str().unwrap().to_owned();
    let my_project = app.project("practions", &mine).await;
    let their_token_id = {
        let list = app.get("/api/v1/orgs/locaverdi/tokens", &theirs).await;
        list.body[0]["id"].as_str().unwrap().to_owned()
    };
    let their_id = |key: &str| -> (String, Value) {
        let rec = match key {
            "tokens" => json!({"id": their_token_id}),
            k => match before.get(k).and_then(|c| c.get(0)) {
                Some(r) => r.clone(),
                None => json!({"id": uuid::Uuid::nil(), "name": "Probe"}),
            },
        };
        (rec["id"].as_str().unwrap_or_default().to_owned(), rec)
    };

    for (method, template) in org_operations() {
        let key = collection_key(&template).unwrap();
        let (id, record) = their_id(&key);
        // A well-formed body, so that only the scope can refuse the request.
        let body = match (method.as_str(), key.as_str()) {
            ("PATCH", "members") => Some(json!({"role": "viewer"})),
            ("PATCH", "objections") => Some(json!({"status": "in_discussion"})),
            ("POST", "withdraw") => Some(json!({"reason": "Probe"})),
            ("POST" | "PUT" | "PATCH", _) => Some(record.clone()),
            _ => None,
        };

        // 1. My token, their organisation in the path.
        let path = fill(&template, "locaverdi", &their_project, &id);
        let r = app.send(&method, &path, Some(&mine), body.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{method} {path} with another organisation's token: {}",
            r.body
        );

        // 2. My organisation in the path, their project or record ids.
        if template.contains("{project}") || template.contains("{id}") {
            let path = fill(&template, "practions", &their_project, &id);
            let r = app.send(&method, &path, Some(&mine), body.clone()).await;
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "{method} {path} (their project): {}",
                r.body
            );
        }
        if template.contains("{project}") && template.contains("{id}") {
            let path = fill(&template, "practions", &my_project, &id);
            let r = app.send(&method, &path, Some(&mine), body).await;
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "{method} {path} (their record id): {}",
                r.body
            );
        }
    }
    let after = export_of(&app, "locaverdi", &theirs).await;
    assert_eq!(
        before, after,
        "the other organisation's data did not change"
    );
}

async fn every_operation_needs_a_token(db: TestDb) {
    let app = TestApp::new(db).await;
    let project = app.project("practions", &app.practions).await;
    for (method, template) in org_operations() {
        let path = fill(
            &template,
            "practions",
            &project,
            &uuid::Uuid::nil().to_string(),
        );
        let body = matches!(method.as_str(), "POST" | "PUT" | "PATCH").then(|| json!({}));
        let r = app.send(&method, &path, None, body).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path} without a token"
        );
    }
    assert_eq!(
        app.send("GET", "/api/v1/taxonomies", None, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

async fn read_tokens_cannot_change_anything(db: TestDb) {
    let app = TestApp::new(db).await;
    let read = app.token("practions", TokenScope::Read).await;
    let before = export_of(&app, "practions", &app.practions).await;
    let project = before["projects"][0]["id"].as_str().unwrap().to_owned();
    for (method, template) in org_operations() {
        if method == "GET" {
            continue;
        }
        let key = collection_key(&template).unwrap();
        let rec = match before.get(&key).and_then(|c| c.get(0)) {
            Some(r) if key != "members" => r.clone(),
            _ => json!({"id": uuid::Uuid::nil()}),
        };
        let id = rec["id"].as_str().unwrap_or_default().to_owned();
        let path = fill(&template, "practions", &project, &id);
        let body = matches!(method.as_str(), "POST" | "PUT" | "PATCH").then(|| rec.clone());
        let r = app.send(&method, &path, Some(&read), body).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{method} {path} with a read token: {}",
            r.body
        );
    }
    assert_eq!(export_of(&app, "practions", &app.practions).await, before);
}

on_both_backends!(
    no_route_crosses_organisations,
    every_operation_needs_a_token,
    read_tokens_cannot_change_anything
);
