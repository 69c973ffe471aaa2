//! The OpenAPI document describes exactly the routes the server has.

use axum::http::StatusCode;
use serde_json::Value;

use crate::support::{TestApp, TestDb};

#[tokio::test]
async fn document_matches_the_router() {
    let app = TestApp::new(TestDb::sqlite().await).await;
    let r = app.send("GET", "/api/openapi.json", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let project = app.project("practions", &app.practions).await;
    let paths = doc["paths"].as_object().unwrap();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            assert!(op["summary"].is_string(), "{method} {path} has a summary");
            let concrete = path
                .replace("{org}", "practions")
                .replace("{project}", &project)
                .replace("{id}", &uuid::Uuid::nil().to_string());
            let body =
                matches!(method.as_str(), "post" | "put" | "patch").then(|| serde_json::json!({}));
            let r = app
                .send(
                    &method.to_uppercase(),
                    &concrete,
                    Some(&app.practions),
                    body,
                )
                .await;
            assert_ne!(
                r.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is documented but not routed"
            );
            let unmatched =
                r.status == StatusCode::NOT_FOUND && r.body["detail"] == "Resource not found.";
            assert!(!unmatched, "{method} {path} is documented but not routed");
            assert!(
                r.status.as_u16() < 500,
                "{method} {path} answered {}",
                r.status
            );
        }
    }
    // Every collection is there with its five operations.
    for segment in [
        "services",
        "data-items",
        "data-users",
        "transfers",
        "device-groups",
        "backup-strategies",
        "processing-activities",
        "security-measures",
        "vendors",
    ] {
        let list = format!("/api/v1/orgs/{{org}}/projects/{{project}}/{segment}");
        assert!(
            paths[&list]["get"].is_object() && paths[&list]["post"].is_object(),
            "{list}"
        );
        let item = format!("{list}/{{id}}");
        for m in ["get", "put", "patch", "delete"] {
            assert!(paths[&item][m].is_object(), "{m} {item}");
        }
    }
    // Schemas come from the domain types, with their enumerations.
    let schemas = &doc["components"]["schemas"];
    let unit = &schemas["RetentionUnit"];
    assert_eq!(
        unit["enum"],
        serde_json::json!(["days", "weeks", "months", "years"]),
        "{unit}"
    );
    assert!(
        schemas["DataItem"]["required"]
            .as_array()
            .unwrap()
            .contains(&Value::from("category"))
    );
    assert!(schemas["Problem"].is_object());
}
