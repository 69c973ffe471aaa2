//! The breach and request registers over the API: deadlines derived from the organisation's
//! calendar, the rules of Art. 12 and 33, and free text encrypted at rest. On both backends.

use axum::http::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::support::{TestApp, TestDb};

async fn requests_are_due_by_the_organisations_calendar(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let base = "/api/v1/orgs/practions/requests";
    // Received on Thursday 5 March 2026 at 00:30 in Amsterdam: a month later is Easter
    // Sunday, then Easter Monday, so Tuesday 7 April, to midnight summer time.
    let created = app
        .send(
            "POST",
            base,
            Some(&t),
            Some(json!({
                "kind": "access", "received_at": "2026-03-04T23:30:00Z",
                "requester_name": "Eva Jansen", "requester_contact": "eva@example.org",
                "due_at": "2030-01-01T00:00:00Z"
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["due_on"], "2026-04-07");
    assert_eq!(created.body["due_at"], "2026-04-07T22:00:00.000000Z");
    assert_eq!(created.body["status"], "received");
    let id = created.body["id"].as_str().unwrap().to_owned();

    // At rest the requester's name is a ciphertext bound to its row; the API reads it back.
    let stored: String = sqlx::query_scalar("SELECT requester_name FROM requests WHERE id = $1")
        .bind(&id)
        .fetch_one(app.db.store.pool())
        .await
        .unwrap();
    assert!(stored.starts_with("pk1:request:"), "{stored}");
    assert!(!stored.contains("Eva"));
    let got = app.get(&format!("{base}/{id}"), &t).await;
    assert_eq!(got.body["requester_name"], "Eva Jansen");

    // Extending needs reasons told within the first month; then two further months.
    let late = app
        .send(
            "PATCH",
            &format!("{base}/{id}"),
            Some(&t),
            Some(json!({"extended": true, "extension_reason": "Many systems", "extension_informed_on": "2026-04-08"})),
        )
        .await;
    assert_eq!(
        late.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        late.body
    );
    assert_eq!(late.body["errors"][0]["field"], "extension_informed_on");
    assert_eq!(late.body["errors"][0]["rule"], "within_first_month");
    let extended = app
        .send(
            "PATCH",
            &format!("{base}/{id}"),
            Some(&t),
            Some(json!({"extended": true, "extension_reason": "Many systems", "extension_informed_on": "2026-04-07"})),
        )
        .await;
    assert_eq!(extended.status, StatusCode::OK, "{:?}", extended.body);
    assert_eq!(extended.body["due_on"], "2026-06-05");

    // A Belgian organisation's calendar: Good Friday is no holiday there.
    let org = app.get("/api/v1/orgs/practions", &t).await.body;
    let mut changed = org.clone();
    for k in ["id", "created_at", "updated_at"] {
        changed.as_object_mut().unwrap().remove(k);
    }
    changed["holiday_region"] = json!("BE");
    changed["closure_days"] = json!(["2026-04-03"]);
    let put = app
        .send("PUT", "/api/v1/orgs/practions", Some(&t), Some(changed))
        .await;
    assert_eq!(put.status, StatusCode::OK, "{:?}", put.body);
    let good_friday = app
        .send(
            "POST",
            base,
            Some(&t),
            Some(json!({"kind": "erasure", "received_at": "2026-03-03T10:00:00Z"})),
        )
        .await;
    // 3 April is a closure day of the organisation, then the weekend and Easter Monday.
    assert_eq!(
        good_friday.body["due_on"], "2026-04-07",
        "{:?}",
        good_friday.body
    );

    let mut bad = org.clone();
    for k in ["id", "created_at", "updated_at"] {
        bad.as_object_mut().unwrap().remove(k);
    }
    bad["holiday_region"] = json!("XX");
    let bad_region = app
        .send("PUT", "/api/v1/orgs/practions", Some(&t), Some(bad))
        .await;
    assert_eq!(bad_region.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_region.body["errors"][0]["field"], "holiday_region");
}

async fn breaches_run_on_72_hours(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let base = "/api/v1/orgs/practions/breaches";
    let created = app
        .send(
            "POST",
            base,
            Some(&t),
            Some(json!({
                "title": "Backup tape lost", "aware_at": "2026-03-27T10:00:00+01:00",
                "nature": ["confidentiality", "availability"],
                "description": "Tape with the 2025 HR archive lost in transit.",
                "risk": "high_risk",
                "updates": [{"at": "2026-03-28T09:00:00Z", "text": "Courier confirms the loss."}]
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    // 72 elapsed hours, across the change to summer time.
    assert_eq!(created.body["due_at"], "2026-03-30T09:00:00.000000Z");
    assert_eq!(
        created.body["updates"][0]["text"],
        "Courier confirms the loss."
    );
    let id = created.body["id"].as_str().unwrap().to_owned();
    let stored: String = sqlx::query_scalar("SELECT updates FROM breaches WHERE id = $1")
        .bind(&id)
        .fetch_one(app.db.store.pool())
        .await
        .unwrap();
    assert!(stored.starts_with("pk1:breach:") && !stored.contains("Courier"));

    let late = app
        .send(
            "PATCH",
            &format!("{base}/{id}"),
            Some(&t),
            Some(json!({"authority_notified_at": "2026-03-31T10:00:00Z"})),
        )
        .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(late.body["errors"][0]["field"], "delay_reason");
    let explained = app
        .send(
            "PATCH",
            &format!("{base}/{id}"),
            Some(&t),
            Some(json!({"authority_notified_at": "2026-03-31T10:00:00Z", "delay_reason": "Scope unclear until the courier's report"})),
        )
        .await;
    assert_eq!(explained.status, StatusCode::OK, "{:?}", explained.body);

    // A ciphertext moved into another row does not open there.
    let other = app
        .send(
            "POST",
            base,
            Some(&t),
            Some(json!({"title": "Other", "aware_at": "2026-03-27T10:00:00Z", "description": "x"})),
        )
        .await;
    let other_id = other.body["id"].as_str().unwrap().to_owned();
    let moved: String = sqlx::query_scalar("SELECT description FROM breaches WHERE id = $1")
        .bind(&id)
        .fetch_one(app.db.store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE breaches SET description = $1 WHERE id = $2")
        .bind(&moved)
        .bind(&other_id)
        .execute(app.db.store.pool())
        .await
        .unwrap();
    let r = pactum_store::records::get::<pactum_domain::registers::breach::Breach>(
        &app.db.store,
        pactum_store::scope::Scope::Org(pactum_store::scope::OrgId(
            uuid::Uuid::parse_str(
                app.get("/api/v1/orgs/practions", &t).await.body["id"]
                    .as_str()
                    .unwrap(),
            )
            .unwrap(),
        )),
        uuid::Uuid::parse_str(&other_id).unwrap(),
    )
    .await;
    assert!(
        matches!(r, Err(pactum_store::StoreError::Sealing(_))),
        "{r:?}"
    );
}

on_both_backends!(
    requests_are_due_by_the_organisations_calendar,
    breaches_run_on_72_hours,
);
