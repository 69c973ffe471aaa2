//! The overview's and the project page's summaries, kept per data-map revision: reused
//! while nothing changed, recomputed after any change (create, update, delete, a cascade,
//! an import batch, a write through another instance), and never shared between
//! organisations. On both backends.

use std::sync::Arc;

use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::service::Service;
use pactum_domain::project::Project;
use pactum_store::audit::Actor;
use pactum_store::records;
use pactum_store::scope::{ProjectId, Scope};
use pactum_store::summaries;
use serde_json::json;

use crate::on_both_backends;
use crate::support::{NOW, TestDb};

fn count(list: &[(&str, i64)], collection: &str) -> i64 {
    list.iter().find(|(c, _)| *c == collection).unwrap().1
}

async fn org_and_project(db: &TestDb, slug: &str) -> Scope {
    let org: pactum_domain::organisation::Organisation =
        serde_json::from_value(json!({"slug": slug, "legal_name": "Acme B.V.", "country": "NL"}))
            .unwrap();
    let org = pactum_store::organisations::create(&db.store, &Actor::system(), org, NOW)
        .await
        .unwrap();
    let org = pactum_store::scope::OrgId(org.id);
    let p = records::create(
        &db.store,
        &Actor::system(),
        Scope::Org(org),
        Project {
            name: "Shop".into(),
            description: None,
        },
        NOW,
    )
    .await
    .unwrap();
    Scope::Project(org, ProjectId(p.id))
}

fn service(name: &str) -> Service {
    serde_json::from_value(json!({ "name": name })).unwrap()
}

async fn summaries_follow_every_change(db: TestDb) {
    let a = Actor::system();
    let scope = org_and_project(&db, "acme").await;
    let other = org_and_project(&db, "other").await;
    let (org, project) = (scope.org(), scope.project().unwrap());

    let first = summaries::organisation(&db.store, org, 5, 8).await.unwrap();
    let again = summaries::organisation(&db.store, org, 5, 8).await.unwrap();
    assert!(Arc::ptr_eq(&first, &again), "nothing changed: reused");
    assert_eq!(count(&first.counts, "services"), 0);
    let before = summaries::revision(&db.store, org).await.unwrap();

    // Create.
    let crm = records::create(&db.store, &a, scope, service("CRM"), NOW)
        .await
        .unwrap();
    let after_create = summaries::revision(&db.store, org).await.unwrap();
    assert!(after_create > before, "a create moves the revision on");
    let s = summaries::organisation(&db.store, org, 5, 8).await.unwrap();
    assert_eq!(count(&s.counts, "services"), 1);
    assert_eq!(s.recent[0].name, "CRM");

    // Another organisation's change leaves this one's revision and summary alone.
    records::create(&db.store, &a, other, service("Mail"), NOW)
        .await
        .unwrap();
    assert_eq!(
        summaries::revision(&db.store, org).await.unwrap(),
        after_create
    );
    let same = summaries::organisation(&db.store, org, 5, 8).await.unwrap();
    assert!(Arc::ptr_eq(&s, &same));
    let theirs = summaries::organisation(&db.store, other.org(), 5, 8)
        .await
        .unwrap();
    assert_eq!(theirs.recent[0].name, "Mail", "never another tenant's");

    // Update: the project page's summary names the new service name.
    let p = summaries::project(&db.store, org, project, 5, 40)
        .await
        .unwrap();
    assert_eq!(p.services[0].data.name, "CRM");
    records::update(&db.store, &a, scope, crm.id, service("CRM suite"), NOW)
        .await
        .unwrap();
    let p = summaries::project(&db.store, org, project, 5, 40)
        .await
        .unwrap();
    assert_eq!(p.services[0].data.name, "CRM suite");

    // A special-category item without an Art. 9 condition is a gap; the summary shows it.
    let item: DataItem = serde_json::from_value(json!({
        "service_id": crm.id, "name": "Diagnosis", "category": "special.health"
    }))
    .unwrap();
    let item = records::create(&db.store, &a, scope, item, NOW)
        .await
        .unwrap();
    let p = summaries::project(&db.store, org, project, 5, 40)
        .await
        .unwrap();
    assert_eq!(count(&p.counts, "data_items"), 1);
    assert!(
        p.attention
            .iter()
            .any(|r| r.records.iter().any(|g| g.id == item.id)),
        "the new item's gap is listed: {:?}",
        p.attention
    );

    // Delete.
    records::delete::<DataItem>(&db.store, &a, scope, item.id, NOW)
        .await
        .unwrap();
    let p = summaries::project(&db.store, org, project, 5, 40)
        .await
        .unwrap();
    assert_eq!(count(&p.counts, "data_items"), 0);
    assert!(
        p.attention
            .iter()
            .all(|r| r.records.iter().all(|g| g.id != item.id))
    );

    // A batch (an import) in one transaction.
    let mut batch = records::Batch::begin(&db.store, &a, NOW).await.unwrap();
    for name in ["HR", "Payroll"] {
        batch.create(scope, service(name)).await.unwrap();
    }
    batch.commit().await.unwrap();
    let s = summaries::organisation(&db.store, org, 5, 8).await.unwrap();
    assert_eq!(count(&s.counts, "services"), 3);

    // A write through a second instance on the same database.
    let second = db.another_store().await;
    records::create(&second, &a, scope, service("Helpdesk"), NOW)
        .await
        .unwrap();
    let s = summaries::organisation(&db.store, org, 5, 8).await.unwrap();
    assert_eq!(
        count(&s.counts, "services"),
        4,
        "the other instance's write is seen"
    );

    // Deleting the project cascades to its records, and the counts follow.
    records::delete::<Project>(&db.store, &a, Scope::Org(org), project.0, NOW)
        .await
        .unwrap();
    let s = summaries::organisation(&db.store, org, 5, 8).await.unwrap();
    assert_eq!(count(&s.counts, "projects"), 0);
    assert_eq!(count(&s.counts, "services"), 0);
}

on_both_backends!(summaries_follow_every_change);
