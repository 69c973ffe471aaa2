//! The generic record store: CRUD, scoping, references and validation, on both backends.

use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::device_group::DeviceGroup;
use pactum_domain::datamap::service::Service;
use pactum_domain::organisation::Organisation;
use pactum_domain::project::Project;
use pactum_store::audit::Actor;
use pactum_store::records::{self, ListQuery};
use pactum_store::scope::{OrgId, ProjectId, Scope};
use pactum_store::{StoreError, organisations};
use serde_json::json;

use crate::on_both_backends;
use crate::support::{NOW, TestDb};

async fn org_and_project(db: &TestDb, slug: &str) -> Scope {
    let org: Organisation =
        serde_json::from_value(json!({"slug": slug, "legal_name": "Acme B.V.", "country": "NL"}))
            .unwrap();
    let org = organisations::create(&db.store, &Actor::system(), org, NOW)
        .await
        .unwrap();
    let org = OrgId(org.id);
    let project = records::create(
        &db.store,
        &Actor::system(),
        Scope::Org(org),
        Project {
            name: "Main".into(),
            description: None,
        },
        NOW,
    )
    .await
    .unwrap();
    Scope::Project(org, ProjectId(project.id))
}

fn service(name: &str) -> Service {
    serde_json::from_value(json!({"name": name})).unwrap()
}

async fn crud_round_trip(db: TestDb) {
    let scope = org_and_project(&db, "acme").await;
    let dg = records::create(
        &db.store,
        &Actor::system(),
        scope,
        DeviceGroup {
            name: "Laptops".into(),
            description: None,
            device_type: Some("laptop".into()),
            device_count: Some(12),
            managed: true,
            encrypted: true,
        },
        NOW,
    )
    .await
    .unwrap();
    let mut svc = service("  CRM ");
    svc.device_group_ids = vec![dg.id];
    svc.hosting_country = Some("nl".into());
    let created = records::create(&db.store, &Actor::system(), scope, svc, NOW)
        .await
        .unwrap();
    assert_eq!(created.data.name, "CRM");
    assert_eq!(created.data.hosting_country.as_deref(), Some("NL"));

    let got = records::get::<Service>(&db.store, scope, created.id)
        .await
        .unwrap();
    assert_eq!(got, created);
    let got_dg = records::get::<DeviceGroup>(&db.store, scope, dg.id)
        .await
        .unwrap();
    assert!(got_dg.data.managed && got_dg.data.encrypted);
    assert_eq!(got_dg.data.device_count, Some(12));

    let mut changed = got.data.clone();
    changed.description = Some("Customer relations".into());
    changed.device_group_ids.clear();
    let later = NOW + time::Duration::hours(1);
    let updated = records::update(
        &db.store,
        &Actor::system(),
        scope,
        created.id,
        changed,
        later,
    )
    .await
    .unwrap();
    assert_eq!(updated.created_at, created.created_at);
    assert_eq!(updated.updated_at, later);
    let got = records::get::<Service>(&db.store, scope, created.id)
        .await
        .unwrap();
    assert_eq!(got.data.description.as_deref(), Some("Customer relations"));
    assert!(got.data.device_group_ids.is_empty());

    records::delete::<Service>(&db.store, &Actor::system(), scope, created.id, NOW)
        .await
        .unwrap();
    assert!(matches!(
        records::get::<Service>(&db.store, scope, created.id).await,
        Err(StoreError::NotFound("service"))
    ));
}

async fn other_tenants_records_are_invisible(db: TestDb) {
    let mine = org_and_project(&db, "mine").await;
    let theirs = org_and_project(&db, "theirs").await;
    let their_service = records::create(
        &db.store,
        &Actor::system(),
        theirs,
        service("Their CRM"),
        NOW,
    )
    .await
    .unwrap();

    assert!(matches!(
        records::get::<Service>(&db.store, mine, their_service.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        records::update(
            &db.store,
            &Actor::system(),
            mine,
            their_service.id,
            service("Hijacked"),
            NOW
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        records::delete::<Service>(&db.store, &Actor::system(), mine, their_service.id, NOW).await,
        Err(StoreError::NotFound(_))
    ));
    // Pointing at another tenant's record is refused as if it did not exist.
    let item: DataItem = serde_json::from_value(json!({
        "service_id": their_service.id, "name": "E-mail", "category": "contact.email"
    }))
    .unwrap();
    match records::create(&db.store, &Actor::system(), mine, item, NOW).await {
        Err(StoreError::Invalid(v)) => assert_eq!(v.0[0].field, "service_id"),
        other => panic!("expected a violation, got {other:?}"),
    }
    // Using my organisation with their project is a missing project.
    let (Scope::Project(my_org, _), Scope::Project(_, their_project)) = (mine, theirs) else {
        unreachable!()
    };
    let mixed = Scope::Project(my_org, their_project);
    assert!(matches!(
        records::list::<Service>(
            &db.store,
            mixed,
            &ListQuery {
                limit: 10,
                ..Default::default()
            }
        )
        .await,
        Err(StoreError::NotFound("project"))
    ));
    let still = records::get::<Service>(&db.store, theirs, their_service.id)
        .await
        .unwrap();
    assert_eq!(still.data.name, "Their CRM");
}

async fn list_filters_sorts_and_pages(db: TestDb) {
    let scope = org_and_project(&db, "acme").await;
    for name in ["Zendesk", "Exact Online", "Mailchimp", "50% off_tool"] {
        records::create(&db.store, &Actor::system(), scope, service(name), NOW)
            .await
            .unwrap();
    }
    let q = |q: Option<&str>, sort: Option<&str>, limit, offset| ListQuery {
        q: q.map(Into::into),
        sort: sort.map(Into::into),
        limit,
        offset,
        filters: vec![],
    };
    let page = records::list::<Service>(&db.store, scope, &q(None, None, 2, 0))
        .await
        .unwrap();
    assert_eq!(page.total, 4);
    let names: Vec<_> = page.items.iter().map(|r| r.data.name.as_str()).collect();
    assert_eq!(names, ["50% off_tool", "Exact Online"]);
    let page = records::list::<Service>(&db.store, scope, &q(None, Some("-name"), 10, 1))
        .await
        .unwrap();
    let names: Vec<_> = page.items.iter().map(|r| r.data.name.as_str()).collect();
    assert_eq!(names, ["Mailchimp", "Exact Online", "50% off_tool"]);
    assert_eq!(
        page.total, 4,
        "a short last page still reports the full total"
    );
    let past_end = records::list::<Service>(&db.store, scope, &q(None, None, 10, 9))
        .await
        .unwrap();
    assert!(past_end.items.is_empty());
    assert_eq!(past_end.total, 4);
    let page = records::list::<Service>(&db.store, scope, &q(Some("MAIL"), None, 10, 0))
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    // LIKE wildcards in the search text match literally.
    let page = records::list::<Service>(&db.store, scope, &q(Some("0%"), None, 10, 0))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let page = records::list::<Service>(&db.store, scope, &q(Some("_"), None, 10, 0))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    match records::list::<Service>(&db.store, scope, &q(None, Some("password"), 0, 0)).await {
        Err(StoreError::Invalid(v)) => {
            let fields: Vec<_> = v.0.iter().map(|v| v.field.as_str()).collect();
            assert_eq!(fields, ["limit", "sort"]);
        }
        other => panic!("expected violations, got {other:?}"),
    }
}

async fn unique_names_conflict_and_nothing_half_saved(db: TestDb) {
    let scope = org_and_project(&db, "acme").await;
    records::create(&db.store, &Actor::system(), scope, service("CRM"), NOW)
        .await
        .unwrap();
    match records::create(&db.store, &Actor::system(), scope, service("CRM"), NOW).await {
        Err(StoreError::Conflict { field, .. }) => assert_eq!(field, "name"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // A service with a link to a missing device group is refused whole.
    let mut svc = service("Helpdesk");
    svc.device_group_ids = vec![uuid::Uuid::now_v7()];
    assert!(matches!(
        records::create(&db.store, &Actor::system(), scope, svc, NOW).await,
        Err(StoreError::Invalid(_))
    ));
    let page = records::list::<Service>(
        &db.store,
        scope,
        &ListQuery {
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page.total, 1);
}

async fn deleting_a_service_cascades_to_its_data_items(db: TestDb) {
    let scope = org_and_project(&db, "acme").await;
    let svc = records::create(&db.store, &Actor::system(), scope, service("CRM"), NOW)
        .await
        .unwrap();
    let item: DataItem = serde_json::from_value(
        json!({"service_id": svc.id, "name": "E-mail", "category": "contact.email"}),
    )
    .unwrap();
    let item = records::create(&db.store, &Actor::system(), scope, item, NOW)
        .await
        .unwrap();
    records::delete::<Service>(&db.store, &Actor::system(), scope, svc.id, NOW)
        .await
        .unwrap();
    assert!(matches!(
        records::get::<DataItem>(&db.store, scope, item.id).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn sqlite_pragmas_or_postgres(db: TestDb) {
    if db.store.backend() == pactum_store::Backend::Sqlite {
        assert_eq!(db.store.pragma("journal_mode").await.unwrap(), "wal");
        assert_eq!(db.store.pragma("foreign_keys").await.unwrap(), "1");
        assert_eq!(
            db.store.pragma("synchronous").await.unwrap(),
            "2",
            "FULL: commits are durable"
        );
    }
    db.store.ping().await.unwrap();
}

/// Search finds a substring of any search column, ignoring case, through the index where
/// there is one (three characters or more) and by scanning below that; it follows updates
/// and deletes, takes quotes and LIKE's wildcards literally, and stays in its tenant.
async fn search_finds_substrings_and_follows_changes(db: TestDb) {
    let a = Actor::system();
    let scope = org_and_project(&db, "acme").await;
    let other = org_and_project(&db, "other").await;
    let svc = records::create(&db.store, &a, scope, service("CRM"), NOW)
        .await
        .unwrap();
    let item = |name: &str, description: &str| -> DataItem {
        serde_json::from_value(json!({
            "service_id": svc.id, "name": name, "description": description,
            "category": "contact.email"
        }))
        .unwrap()
    };
    let mail = records::create(
        &db.store,
        &a,
        scope,
        item("Work e-mail", "Used for \"quotes\" 100%"),
        NOW,
    )
    .await
    .unwrap();
    records::create(&db.store, &a, scope, item("Phone", "Mobile number"), NOW)
        .await
        .unwrap();
    let theirs = records::create(&db.store, &a, other, service("E-MAIL relay"), NOW).await;
    assert!(theirs.is_ok());
    let find = |q: &str| {
        let store = db.store.clone();
        let q = q.to_owned();
        async move {
            let page = records::list::<DataItem>(
                &store,
                scope,
                &ListQuery {
                    q: Some(q),
                    limit: 50,
                    ..ListQuery::default()
                },
            )
            .await
            .unwrap();
            let mut names: Vec<String> = page.items.into_iter().map(|r| r.data.name).collect();
            names.sort();
            assert_eq!(page.total as usize, names.len());
            names
        }
    };
    assert_eq!(find("E-MAIL").await, ["Work e-mail"], "a name, any case");
    assert_eq!(find("obile num").await, ["Phone"], "inside a description");
    assert_eq!(
        find("contact.em").await,
        ["Phone", "Work e-mail"],
        "the category"
    );
    assert_eq!(
        find("\"quotes\"").await,
        ["Work e-mail"],
        "quotes are literal"
    );
    assert_eq!(find("100%").await, ["Work e-mail"], "% is literal");
    assert_eq!(find("10_").await, Vec::<String>::new(), "_ is literal");
    assert_eq!(find("ph").await, ["Phone"], "two characters: scanned");
    assert_eq!(
        find("relay").await,
        Vec::<String>::new(),
        "never another tenant's"
    );

    records::update(
        &db.store,
        &a,
        scope,
        mail.id,
        item("Private address", "Home"),
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(
        find("e-mail").await,
        Vec::<String>::new(),
        "the old name is gone"
    );
    assert_eq!(find("private addr").await, ["Private address"]);
    records::delete::<DataItem>(&db.store, &a, scope, mail.id, NOW)
        .await
        .unwrap();
    assert_eq!(find("private addr").await, Vec::<String>::new());
    // A cascade (the service goes, and its items with it) empties the index too.
    records::delete::<Service>(&db.store, &a, scope, svc.id, NOW)
        .await
        .unwrap();
    assert_eq!(find("phone").await, Vec::<String>::new());
}

on_both_backends!(
    search_finds_substrings_and_follows_changes,
    crud_round_trip,
    other_tenants_records_are_invisible,
    list_filters_sorts_and_pages,
    unique_names_conflict_and_nothing_half_saved,
    deleting_a_service_cascades_to_its_data_items,
    sqlite_pragmas_or_postgres,
);
