//! Export, import into a fresh store, export again: the same bytes, on both backends and
//! across them.

use pactum_store::audit::Actor;
use pactum_store::export::{self, Export};
use pactum_store::scope::OrgId;
use pactum_store::{StoreError, organisations};

use crate::on_both_backends;
use crate::support::{NOW, TestDb};

async fn export_text(db: &TestDb, slug: &str) -> String {
    let org = organisations::by_slug(&db.store, slug).await.unwrap();
    export::export(&db.store, OrgId(org.id))
        .await
        .unwrap()
        .to_json()
        .unwrap()
}

async fn round_trip_is_byte_identical(db: TestDb) {
    pactum::demo::seed(&db.store, &crate::support::passwords(), NOW)
        .await
        .unwrap();
    // An AI report goes with its project, payload and all.
    let practions = OrgId(
        organisations::by_slug(&db.store, "practions")
            .await
            .unwrap()
            .id,
    );
    let project = pactum_store::records::every::<pactum_domain::project::Project>(
        &db.store,
        pactum_store::scope::Scope::Org(practions),
    )
    .await
    .unwrap()[0]
        .id;
    pactum_store::reports::insert(
        &db.store,
        &Actor::system(),
        practions,
        pactum_store::scope::ProjectId(project),
        pactum_store::reports::NewReport {
            provider: "offline".into(),
            model: "rules".into(),
            payload: "{\"project\": \"Project\"}".into(),
            report: "# Compliance report\n".into(),
        },
        NOW,
    )
    .await
    .unwrap();
    for slug in ["practions", "locaverdi"] {
        let first = export_text(&db, slug).await;
        assert_eq!(
            first.contains("\"ai_reports\": [\n    {"),
            slug == "practions",
            "{slug}: the report is exported with its organisation only"
        );
        // Into a fresh store of the same backend...
        let fresh = match db.store.backend() {
            pactum_store::Backend::Sqlite => TestDb::sqlite().await,
            pactum_store::Backend::Postgres => TestDb::postgres().await,
        };
        export::import(
            &fresh.store,
            &Actor::system(),
            Export::from_json(&first).unwrap(),
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(
            export_text(&fresh, slug).await,
            first,
            "{slug} on {:?}",
            db.store.backend()
        );
        // ...and into the other backend.
        let other = match db.store.backend() {
            pactum_store::Backend::Sqlite => TestDb::postgres().await,
            pactum_store::Backend::Postgres => TestDb::sqlite().await,
        };
        export::import(
            &other.store,
            &Actor::system(),
            Export::from_json(&first).unwrap(),
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(
            export_text(&other, slug).await,
            first,
            "{slug} across backends"
        );
    }
}

async fn export_is_complete(db: TestDb) {
    pactum::demo::seed(&db.store, &crate::support::passwords(), NOW)
        .await
        .unwrap();
    let doc: serde_json::Value =
        serde_json::from_str(&export_text(&db, "practions").await).unwrap();
    assert_eq!(doc["format"], "pactum-export");
    assert_eq!(doc["version"], 1);
    assert_eq!(
        doc["organisation"]["data"],
        serde_json::Value::Null,
        "fields are flattened"
    );
    assert_eq!(doc["organisation"]["slug"], "practions");
    // Every Annex 1 row of the Practions DPA is there with its examples.
    let items = doc["data_items"].as_array().unwrap();
    for name in [
        "Name",
        "E-mail address",
        "Phone number",
        "Postal address",
        "Client profile",
        "Coaching content",
        "Coaching protocol layers",
        "Client portal account",
        "Financial data",
        "Consent records",
        "Messaging and file exchange",
        "Security telemetry of portal sessions",
    ] {
        assert!(
            items.iter().any(|i| i["name"] == name),
            "missing data item {name}"
        );
    }
    let content = items
        .iter()
        .find(|i| i["name"] == "Coaching content")
        .unwrap();
    assert_eq!(content["sensitivity"], "special");
    assert_eq!(content["art9_condition"], "explicit_consent");
    assert!(
        doc["vendors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["name"] == "Microsoft Azure OpenAI")
    );
    assert!(doc["security_measures"].as_array().unwrap().len() >= 24);
    // Links survive: an activity lists its data items.
    let activity = doc["processing_activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "AI-supported session notes")
        .unwrap();
    assert_eq!(activity["data_item_ids"].as_array().unwrap().len(), 2);
    assert_eq!(activity["transfer_ids"].as_array().unwrap().len(), 1);
    // Records are ordered by id.
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    // Token secrets and hashes are never exported.
    let text = export_text(&db, "practions").await;
    assert!(!text.contains("pct_") && !text.contains("token_hash"));
}

async fn import_refuses_bad_documents_whole(db: TestDb) {
    pactum::demo::seed(&db.store, &crate::support::passwords(), NOW)
        .await
        .unwrap();
    let text = export_text(&db, "practions").await;
    // Importing into a store that already has the organisation is a conflict.
    assert!(matches!(
        export::import(
            &db.store,
            &Actor::system(),
            Export::from_json(&text).unwrap(),
            NOW
        )
        .await,
        Err(StoreError::Conflict { .. })
    ));
    // A broken record deep in the document names its place, and nothing is kept.
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["data_items"][3]["category"] = "no.such.category".into();
    let fresh = TestDb::sqlite().await;
    match export::import(
        &fresh.store,
        &Actor::system(),
        serde_json::from_value(doc).unwrap(),
        NOW,
    )
    .await
    {
        Err(StoreError::Invalid(v)) => assert_eq!(v.0[0].field, "data_items[3].category"),
        other => panic!("expected a violation, got {other:?}"),
    }
    assert!(
        organisations::list(&fresh.store).await.unwrap().is_empty(),
        "nothing half-imported"
    );
    // Wrong format or version is named.
    assert!(matches!(
        Export::from_json("{\"format\": \"other\"}"),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        Export::from_json("not json"),
        Err(StoreError::Invalid(_))
    ));
}

on_both_backends!(
    round_trip_is_byte_identical,
    export_is_complete,
    import_refuses_bad_documents_whole
);
