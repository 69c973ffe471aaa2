//! The JSON API: CRUD, validation answers, scopes, limits and headers.

use axum::http::StatusCode;
use pactum_domain::access::TokenScope;
use serde_json::json;

use crate::on_both_backends;
use crate::support::{TestApp, TestDb};

async fn crud_over_http(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let p = app.project("practions", &t).await;
    let base = format!("/api/v1/orgs/practions/projects/{p}/services");

    let created = app
        .send(
            "POST",
            &base,
            Some(&t),
            Some(json!({"name": "Helpdesk", "hosting_country": "de"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.headers["location"], format!("{base}/{id}").as_str());
    assert_eq!(created.body["hosting_country"], "DE");
    assert_eq!(created.body["created_at"], "2026-11-23T09:30:00.000000Z");

    let got = app.get(&format!("{base}/{id}"), &t).await;
    assert_eq!(got.body, created.body);

    // A client may send back what it got, with one field changed.
    let mut whole = got.body.clone();
    whole["description"] = json!("Ticketing");
    let put = app
        .send("PUT", &format!("{base}/{id}"), Some(&t), Some(whole))
        .await;
    assert_eq!(put.status, StatusCode::OK, "{:?}", put.body);
    assert_eq!(put.body["description"], "Ticketing");

    let patched = app
        .send(
            "PATCH",
            &format!("{base}/{id}"),
            Some(&t),
            Some(json!({"description": null, "provider": "Zendesk"})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
    assert_eq!(patched.body["description"], serde_json::Value::Null);
    assert_eq!(patched.body["provider"], "Zendesk");
    assert_eq!(patched.body["name"], "Helpdesk");

    let listed = app.get(&format!("{base}?q=helpdesk"), &t).await;
    assert_eq!(listed.body["total"], 1);
    assert_eq!(listed.body["items"][0]["id"], id.as_str());

    let deleted = app
        .send("DELETE", &format!("{base}/{id}"), Some(&t), None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("{base}/{id}"), &t).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn validation_names_field_and_rule(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let p = app.project("practions", &t).await;
    let base = format!("/api/v1/orgs/practions/projects/{p}");
    let services = app.get(&format!("{base}/services"), &t).await;
    let service = services.body["items"][0]["id"].as_str().unwrap().to_owned();

    let check = |r: &crate::support::Reply, status: u16, field: &str, rule: &str| {
        assert_eq!(
            r.status.as_u16(),
            status,
            "{}",
            String::from_utf8_lossy(&r.raw)
        );
        assert_eq!(r.headers["content-type"], "application/problem+json");
        let errors = r.body["errors"].as_array().cloned().unwrap_or_default();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["rule"] == rule),
            "expected {field}/{rule} in {}",
            r.body
        );
    };
    let r = app
        .send(
            "POST",
            &format!("{base}/data-items"),
            Some(&t),
            Some(json!({"service_id": service, "name": "E-mail", "category": "contact.email", "art9_condition": "explicit_consent"})),
        )
        .await;
    check(&r, 422, "art9_condition", "art9_condition_not_applicable");
    let r = app
        .send(
            "POST",
            &format!("{base}/transfers"),
            Some(&t),
            Some(json!({"service_id": service, "recipient": "Call centre", "country": "IN", "mechanism": "adequacy"})),
        )
        .await;
    check(&r, 422, "mechanism", "mechanism_not_valid_for_country");
    let r = app.send("POST", &format!("{base}/data-items"), Some(&t), Some(json!({"service_id": service, "name": "Invoices", "category": "financial.invoicing", "retention_amount": 7, "retention_unit": "years"}))).await;
    check(&r, 422, "retention_trigger", "retention_period");
    let r = app
        .send(
            "POST",
            &format!("{base}/services"),
            Some(&t),
            Some(json!({"nmae": "typo"})),
        )
        .await;
    check(&r, 422, "nmae", "unknown_field");
    let r = app
        .send(
            "POST",
            &format!("{base}/services"),
            Some(&t),
            Some(json!({})),
        )
        .await;
    check(&r, 422, "name", "required");
    let r = app
        .send(
            "POST",
            &format!("{base}/device-groups"),
            Some(&t),
            Some(json!({"name": "Phones", "device_count": "many"})),
        )
        .await;
    check(&r, 422, "device_count", "type");
    let r = app
        .send(
            "POST",
            &format!("{base}/data-items"),
            Some(&t),
            Some(
                json!({"service_id": uuid::Uuid::nil(), "name": "x", "category": "contact.email"}),
            ),
        )
        .await;
    check(&r, 422, "service_id", "not_found");
    let r = app
        .send(
            "POST",
            &format!("{base}/services"),
            Some(&t),
            Some(json!({"name": "Client administration"})),
        )
        .await;
    check(&r, 409, "name", "unique");
    let r = app
        .get(&format!("{base}/services?limit=100000&colour=red"), &t)
        .await;
    check(&r, 422, "limit", "range");
    check(&r, 422, "colour", "unknown_parameter");
    // Nothing of the refused writes was stored.
    let after = app.get(&format!("{base}/services"), &t).await;
    assert_eq!(after.body["total"], services.body["total"]);
}

async fn malformed_requests_get_4xx_problems(db: TestDb) {
    let app = TestApp::with_settings(
        db,
        pactum_web::state::WebSettings {
            max_body_bytes: 4096,
            ..crate::support::test_settings()
        },
    )
    .await;
    let t = app.practions.clone();
    let p = app.project("practions", &t).await;
    let url = format!("/api/v1/orgs/practions/projects/{p}/services");
    type Case<'a> = (Option<Vec<u8>>, Option<&'a str>, u16);
    let cases: Vec<Case<'_>> = vec![
        (Some(b"{\"name\": ".to_vec()), Some("application/json"), 400),
        (Some(b"[1,2,3]".to_vec()), Some("application/json"), 422),
        (
            Some(b"name=x".to_vec()),
            Some("application/x-www-form-urlencoded"),
            415,
        ),
        (Some(b"{}".to_vec()), None, 415),
        (
            Some(format!("{{\"name\": \"{}\"}}", "x".repeat(10_000)).into_bytes()),
            Some("application/json"),
            413,
        ),
        (Some(vec![0xff, 0xfe, 0x00]), Some("application/json"), 400),
    ];
    for (body, ct, status) in cases {
        let r = app.send_raw("POST", &url, Some(&t), body, ct).await;
        assert_eq!(
            r.status.as_u16(),
            status,
            "{}",
            String::from_utf8_lossy(&r.raw)
        );
        assert_eq!(r.headers["content-type"], "application/problem+json");
        assert_eq!(r.body["status"], status);
    }
    // A very long name is a validation error, not a crash.
    let r = app
        .send(
            "POST",
            &url,
            Some(&t),
            Some(json!({"name": "n".repeat(300)})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["rule"], "max_length");
    // Unknown routes and methods.
    assert_eq!(
        app.get("/api/v1/nowhere", &t).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.send("DELETE", &url, Some(&t), None).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(
        app.get("/api/v1/orgs/practions/projects/not-a-uuid/services", &t)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn tokens_and_scopes(db: TestDb) {
    let app = TestApp::new(db).await;
    let admin = app.practions.clone();
    let read = app.token("practions", TokenScope::Read).await;
    let write = app.token("practions", TokenScope::Write).await;
    let p = app.project("practions", &admin).await;
    let url = format!("/api/v1/orgs/practions/projects/{p}/services");

    assert_eq!(
        app.send("GET", &url, None, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.send("GET", &url, Some("pct_forged"), None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.send("GET", &url, Some("Basic abc"), None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.get(&url, &read).await.status, StatusCode::OK);
    assert_eq!(
        app.send("POST", &url, Some(&read), Some(json!({"name": "A"})))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.send("POST", &url, Some(&write), Some(json!({"name": "A"})))
            .await
            .status,
        StatusCode::CREATED
    );
    let org_url = "/api/v1/orgs/practions";
    let org = app.get(org_url, &write).await;
    assert_eq!(
        app.send("PUT", org_url, Some(&write), Some(org.body.clone()))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut changed = org.body.clone();
    changed["dpo_email"] = json!("dpo@practions.example");
    let r = app.send("PUT", org_url, Some(&admin), Some(changed)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["dpo_email"], "dpo@practions.example");
    assert_eq!(
        app.get(&format!("{org_url}/tokens"), &write).await.status,
        StatusCode::FORBIDDEN
    );

    // Issue a token over the API: the secret is returned once, and works.
    let issued = app
        .send(
            "POST",
            &format!("{org_url}/tokens"),
            Some(&admin),
            Some(json!({"name": "export job"})),
        )
        .await;
    assert_eq!(issued.status, StatusCode::CREATED);
    let secret = issued.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("pct_"));
    assert_eq!(app.get(&url, &secret).await.status, StatusCode::OK);
    let listed = app.get(&format!("{org_url}/tokens"), &admin).await;
    assert!(
        !String::from_utf8_lossy(&listed.raw).contains(&secret),
        "secrets are never listed"
    );
    // Revoked tokens stop working at once.
    let id = issued.body["id"].as_str().unwrap();
    assert_eq!(
        app.send(
            "DELETE",
            &format!("{org_url}/tokens/{id}"),
            Some(&admin),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&url, &secret).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn members_keep_an_owner(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let url = "/api/v1/orgs/practions/members";
    let members = app.get(url, &t).await;
    let owner = members.body[0]["id"].as_str().unwrap().to_owned();
    let r = app
        .send(
            "PATCH",
            &format!("{url}/{owner}"),
            Some(&t),
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    let added = app
        .send(
            "POST",
            url,
            Some(&t),
            Some(json!({"email": "Auditor@Example.COM", "role": "auditor"})),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.body);
    assert_eq!(added.body["email"], "auditor@example.com");
    let again = app
        .send(
            "POST",
            url,
            Some(&t),
            Some(json!({"email": "auditor@example.com"})),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let bad = app
        .send(
            "POST",
            url,
            Some(&t),
            Some(json!({"email": "not an email"})),
        )
        .await;
    assert_eq!(bad.body["errors"][0]["field"], "email");
}

async fn export_over_the_api(db: TestDb) {
    let app = TestApp::new(db).await;
    let r = app
        .get("/api/v1/orgs/locaverdi/export", &app.locaverdi)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("pactum-locaverdi.json")
    );
    assert_eq!(r.body["organisation"]["vat_number"], "NL867441264B01");
    assert!(
        r.body["vendors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["name"] == "Mollie")
    );
}

async fn gaps_over_the_api(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let created = app
        .send(
            "POST",
            "/api/v1/orgs/practions/projects",
            Some(&t),
            Some(json!({"name": "Coaching"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let p = created.body["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/orgs/practions/projects/{p}");
    let service = app
        .send(
            "POST",
            &format!("{base}/services"),
            Some(&t),
            Some(json!({"name": "Coaching app", "provider": "AppCo"})),
        )
        .await;
    let service_id = service.body["id"].as_str().unwrap().to_owned();
    for name in ["Session notes", "Diagnosis"] {
        let item = app
            .send(
                "POST",
                &format!("{base}/data-items"),
                Some(&t),
                Some(json!({
                    "service_id": service_id, "name": name, "category": "special.health",
                    "legal_basis": "contract", "retention_amount": 1, "retention_unit": "years",
                    "retention_trigger": "end of coaching"
                })),
            )
            .await;
        assert_eq!(item.status, StatusCode::CREATED, "{:?}", item.body);
    }

    let r = app
        .get(
            &format!("/api/v1/orgs/practions/gaps?project_id={p}&limit=1"),
            &t,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let rules: Vec<(&str, &str, &str, i64)> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["rule"].as_str().unwrap(),
                g["article"].as_str().unwrap(),
                g["severity"].as_str().unwrap(),
                g["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            ("art9_condition_missing", "Art. 9(2)", "high", 2),
            ("dpa_missing", "Art. 28(3)", "medium", 1),
        ]
    );
    let sample = &r.body[0]["records"];
    assert_eq!(sample.as_array().unwrap().len(), 1, "limit=1 per rule");
    assert_eq!(sample[0]["collection"], "data-items");
    assert_eq!(sample[0]["project_name"], "Coaching");
    assert_eq!(sample[0]["gaps"][0]["field"], "art9_condition");

    // Without a filter the organisation's other projects count too, never another's.
    let all = app.get("/api/v1/orgs/practions/gaps", &t).await;
    let art9 = all
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["rule"] == "art9_condition_missing")
        .unwrap();
    assert!(art9["count"].as_i64().unwrap() >= 2);
    let theirs = app
        .get(
            &format!("/api/v1/orgs/locaverdi/gaps?project_id={p}"),
            &app.locaverdi,
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{:?}", theirs.body);

    let too_many = app.get("/api/v1/orgs/practions/gaps?limit=201", &t).await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_many.body["errors"][0]["field"], "limit");
    let unknown = app.get("/api/v1/orgs/practions/gaps?colour=red", &t).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
}

async fn security_headers_on_every_answer(db: TestDb) {
    let app = TestApp::new(db).await;
    for r in [
        app.send("GET", "/healthz", None, None).await,
        app.send("GET", "/api/v1/orgs/practions", None, None).await,
        app.get("/api/v1/orgs/practions", &app.practions).await,
    ] {
        assert_eq!(
            r.headers["strict-transport-security"],
            "max-age=31536000; includeSubDomains"
        );
        let csp = r.headers["content-security-policy"].to_str().unwrap();
        for directive in [
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ] {
            assert!(csp.contains(directive), "{csp}");
        }
        assert_eq!(
            r.headers["permissions-policy"],
            "camera=(), microphone=(), geolocation=()"
        );
        assert_eq!(r.headers["x-content-type-options"], "nosniff");
        assert!(r.headers.contains_key("x-request-id"));
    }
    let ready = app.send("GET", "/readyz", None, None).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.body["status"], "ready");
}

on_both_backends!(
    crud_over_http,
    validation_names_field_and_rule,
    malformed_requests_get_4xx_problems,
    tokens_and_scopes,
    members_keep_an_owner,
    export_over_the_api,
    gaps_over_the_api,
    security_headers_on_every_answer,
);
