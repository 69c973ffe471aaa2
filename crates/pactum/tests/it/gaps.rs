//! Gaps stored with their records: listed per rule, closed by the fix, gone with the
//! record, and recomputed when the rules version changes. On both backends.

use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::service::Service;
use pactum_domain::datamap::transfer::Transfer;
use pactum_domain::gaps::GapRule;
use pactum_domain::organisation::Organisation;
use pactum_domain::project::Project;
use pactum_store::audit::Actor;
use pactum_store::gaps;
use pactum_store::organisations;
use pactum_store::records;
use pactum_store::scope::{OrgId, ProjectId, Scope};
use serde_json::json;

use crate::on_both_backends;
use crate::support::{NOW, TestDb};

async fn project(db: &TestDb, slug: &str, name: &str) -> Scope {
    let org: Organisation =
        serde_json::from_value(json!({"slug": slug, "legal_name": "Acme B.V.", "country": "NL"}))
            .unwrap();
    let org = match organisations::create(&db.store, &Actor::system(), org, NOW).await {
        Ok(o) => OrgId(o.id),
        Err(_) => OrgId(organisations::by_slug(&db.store, slug).await.unwrap().id),
    };
    let p = records::create(
        &db.store,
        &Actor::system(),
        Scope::Org(org),
        Project {
            name: name.into(),
            description: None,
        },
        NOW,
    )
    .await
    .unwrap();
    Scope::Project(org, ProjectId(p.id))
}

fn rules(list: &[gaps::RuleGaps]) -> Vec<(GapRule, i64)> {
    list.iter().map(|r| (r.rule, r.count)).collect()
}

async fn gaps_are_listed_fixed_and_removed(db: TestDb) {
    let scope = project(&db, "acme", "Coaching").await;
    let org = scope.org();
    let a = Actor::system();
    let service: Service = serde_json::from_value(json!({"name": "Coaching app"})).unwrap();
    let service = records::create(&db.store, &a, scope, service, NOW)
        .await
        .unwrap();
    let item: DataItem = serde_json::from_value(json!({
        "service_id": service.id, "name": "Session notes", "category": "special.health",
        "legal_basis": "contract", "retention_amount": 2, "retention_unit": "years",
        "retention_trigger": "end of coaching"
    }))
    .unwrap();
    let item = records::create(&db.store, &a, scope, item, NOW)
        .await
        .unwrap();
    let transfer: Transfer = serde_json::from_value(json!({
        "service_id": service.id, "recipient": "Call centre", "country": "IN"
    }))
    .unwrap();
    records::create(&db.store, &a, scope, transfer, NOW)
        .await
        .unwrap();

    let list = gaps::attention(&db.store, org, None, 5).await.unwrap();
    assert_eq!(
        rules(&list),
        [
            (GapRule::Art9ConditionMissing, 1),
            (GapRule::TransferMechanismMissing, 1)
        ],
        "most severe first, only rules with gaps"
    );
    let first = &list[0].records[0];
    assert_eq!(first.id, item.id);
    assert_eq!(first.collection, "data_items");
    assert_eq!(first.name, "Session notes");
    assert_eq!(first.project_name, "Coaching");
    assert_eq!(first.gaps[0].field, "art9_condition");
    assert_eq!(
        gaps::of_record::<DataItem>(&db.store, scope, item.id)
            .await
            .unwrap()
            .len(),
        1
    );

    // Another organisation's gaps never show up here, and a project filter narrows.
    let other = project(&db, "other", "Other").await;
    let s: Service = serde_json::from_value(json!({"name": "CRM", "provider": "Vendor"})).unwrap();
    records::create(&db.store, &a, other, s, NOW).await.unwrap();
    assert_eq!(
        rules(&gaps::attention(&db.store, org, None, 5).await.unwrap()).len(),
        2
    );
    let elsewhere = project(&db, "acme", "Empty").await;
    assert!(
        gaps::attention(&db.store, org, elsewhere.project(), 5)
            .await
            .unwrap()
            .is_empty()
    );

    // The fix closes the gap.
    let mut fixed = item.data.clone();
    fixed.art9_condition = Some("explicit_consent".into());
    records::update(&db.store, &a, scope, item.id, fixed, NOW)
        .await
        .unwrap();
    assert_eq!(
        rules(&gaps::attention(&db.store, org, None, 5).await.unwrap()),
        [(GapRule::TransferMechanismMissing, 1)]
    );

    // Deleting the service takes its transfer, and the transfer's gap, with it.
    records::delete::<Service>(&db.store, &a, scope, service.id, NOW)
        .await
        .unwrap();
    assert!(
        gaps::attention(&db.store, org, None, 5)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn sample_is_capped_and_counted(db: TestDb) {
    let scope = project(&db, "acme", "Big").await;
    let a = Actor::system();
    let service: Service = serde_json::from_value(json!({"name": "HR"})).unwrap();
    let service = records::create(&db.store, &a, scope, service, NOW)
        .await
        .unwrap();
    for i in 0..7 {
        let item: DataItem = serde_json::from_value(json!({
            "service_id": service.id, "name": format!("Item {i}"), "category": "contact.email"
        }))
        .unwrap();
        records::create(&db.store, &a, scope, item, NOW)
            .await
            .unwrap();
    }
    let list = gaps::attention(&db.store, scope.org(), scope.project(), 3)
        .await
        .unwrap();
    assert_eq!(
        rules(&list),
        [
            (GapRule::LegalBasisMissing, 7),
            (GapRule::RetentionMissing, 7)
        ]
    );
    assert_eq!(list[0].records.len(), 3);
}

async fn a_rules_change_recomputes_stored_gaps(db: TestDb) {
    let scope = project(&db, "acme", "Old").await;
    let a = Actor::system();
    let service: Service =
        serde_json::from_value(json!({"name": "Payroll", "provider": "Payroll Co"})).unwrap();
    records::create(&db.store, &a, scope, service, NOW)
        .await
        .unwrap();
    assert!(
        !gaps::refresh_if_stale(&db.store).await.unwrap(),
        "current after migrate"
    );
    // As a store written by an older version would look: no gaps stored, old rules.
    sqlx::query("UPDATE services SET gaps = NULL")
        .execute(db.store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE store_meta SET value = '0' WHERE key = 'gap_rules_version'")
        .execute(db.store.pool())
        .await
        .unwrap();
    assert!(
        gaps::attention(&db.store, scope.org(), None, 5)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(gaps::refresh_if_stale(&db.store).await.unwrap());
    assert_eq!(
        rules(
            &gaps::attention(&db.store, scope.org(), None, 5)
                .await
                .unwrap()
        ),
        [(GapRule::DpaMissing, 1)]
    );
    assert!(!gaps::refresh_if_stale(&db.store).await.unwrap());
}

async fn counts_per_collection_in_one_query(db: TestDb) {
    let scope = project(&db, "acme", "Counted").await;
    let a = Actor::system();
    let service: Service = serde_json::from_value(json!({"name": "HR"})).unwrap();
    let service = records::create(&db.store, &a, scope, service, NOW)
        .await
        .unwrap();
    for i in 0..3 {
        let item: DataItem = serde_json::from_value(json!({
            "service_id": service.id, "name": format!("Item {i}"), "category": "contact.email"
        }))
        .unwrap();
        records::create(&db.store, &a, scope, item, NOW)
            .await
            .unwrap();
    }
    let second = project(&db, "acme", "Second").await;
    let s: Service = serde_json::from_value(json!({"name": "CRM"})).unwrap();
    records::create(&db.store, &a, second, s, NOW)
        .await
        .unwrap();
    let other = project(&db, "other", "Elsewhere").await;
    let s: Service = serde_json::from_value(json!({"name": "Mail"})).unwrap();
    records::create(&db.store, &a, other, s, NOW).await.unwrap();

    let org = pactum_store::activity::counts(&db.store, scope.org(), None)
        .await
        .unwrap();
    let get = |list: &[(&str, i64)], c: &str| list.iter().find(|(k, _)| *k == c).unwrap().1;
    assert_eq!(
        org[0],
        ("projects", 2),
        "projects first, this organisation's only"
    );
    assert_eq!(get(&org, "services"), 2);
    assert_eq!(get(&org, "data_items"), 3);
    assert_eq!(get(&org, "vendors"), 0);
    assert_eq!(
        org.len(),
        12,
        "projects, the data map's nine, risks and DPIAs"
    );
    let one = pactum_store::activity::counts(&db.store, scope.org(), scope.project())
        .await
        .unwrap();
    assert_eq!(one.len(), 11, "no project count inside a project");
    assert_eq!(get(&one, "services"), 1);
    assert_eq!(get(&one, "data_items"), 3);
}

on_both_backends!(
    counts_per_collection_in_one_query,
    gaps_are_listed_fixed_and_removed,
    sample_is_capped_and_counted,
    a_rules_change_recomputes_stored_gaps,
);
