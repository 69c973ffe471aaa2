//! The data map in the browser: records added through forms, saved with their gaps, the
//! gap on the dashboard until the fix, deletion after confirmation, and the same pages
//! read-only for a viewer.

use axum::http::StatusCode;
use pactum_domain::organisation::{Member, MemberRole};
use pactum_store::audit::Actor;

use crate::on_both_backends;
use crate::support::{NOW, TEST_KEYS, TestApp, TestDb};
use crate::ui::{Visitor, signed_in};

/// A member of `practions` with a role, signed in.
pub(crate) async fn member(app: &TestApp, name: &str, role: MemberRole) -> Visitor {
    let store = &app.db.store;
    let org = pactum_store::scope::OrgId(
        pactum_store::organisations::by_slug(store, "practions")
            .await
            .unwrap()
            .id,
    );
    let hasher = pactum_crypto::password::PasswordHasher::new(
        pactum_crypto::keyring::Keys::from_toml(&TEST_KEYS)
            .unwrap()
            .current()
            .pepper(),
        4,
    );
    let email = format!("{name}@practions.example");
    let password = format!("{name}-password-maple-3");
    pactum_store::accounts::create_user(
        store,
        &Actor::system(),
        name,
        &email,
        None,
        hasher.hash(&password).unwrap(),
        NOW,
    )
    .await
    .unwrap();
    pactum_store::members::add(
        store,
        &Actor::system(),
        org,
        Member {
            email,
            display_name: None,
            role,
        },
        NOW,
    )
    .await
    .unwrap();
    signed_in(app, name, &password).await
}

const GAP: &str = "Special-category data without an Art. 9(2) condition";

async fn data_map_records_are_kept_through_forms(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let mut owner = signed_in(&app, &user, &password).await;
    let form = owner.get(&app, "/orgs/practions/projects/new").await;
    let csrf = form.hidden("csrf");
    let created = owner
        .post(
            &app,
            "/orgs/practions/projects",
            &[("csrf", &csrf), ("name", "Coaching")],
        )
        .await;
    let project = created.location().split('?').next().unwrap().to_owned();

    // A service, then a special-category item without an Art. 9(2) condition: saved, with
    // the gap shown on the record and on the dashboard.
    let new_service = owner.get(&app, &format!("{project}/services/new")).await;
    assert_eq!(new_service.status, 200);
    assert!(new_service.html.contains("name=\"dpa_reference\""));
    let s = owner
        .post(
            &app,
            &format!("{project}/services"),
            &[
                ("csrf", &csrf),
                ("name", "Coaching app"),
                ("hosting_country", "NL"),
            ],
        )
        .await;
    assert_eq!(s.status, StatusCode::SEE_OTHER, "{}", s.html);
    let service_id = s
        .location()
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();

    let new_item = owner
        .get(
            &app,
            &format!("{project}/data-items/new?service_id={service_id}"),
        )
        .await;
    assert!(
        new_item.html.contains(&format!(
            "<option value=\"{service_id}\" selected>Coaching app"
        )),
        "the service passed along is chosen"
    );
    let mut item = vec![
        ("csrf", csrf.as_str()),
        ("service_id", service_id.as_str()),
        ("name", "Session notes"),
        ("category", "special.health"),
        ("legal_basis", "contract"),
        ("retention_amount", "two"),
        ("retention_unit", "years"),
        ("retention_trigger", "end of the coaching"),
    ];
    // What cannot be read is named next to its field, and what was typed stays.
    let bad = owner
        .post(&app, &format!("{project}/data-items"), &item)
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.html.contains("must be a whole number"), "{}", bad.html);
    assert!(bad.html.contains("value=\"Session notes\""));
    assert!(bad.html.contains("<option value=\"years\" selected>"));
    assert!(
        bad.html.contains("href=\"#retention_amount\""),
        "error summary links the field"
    );
    item[5] = ("retention_amount", "2");
    let saved = owner
        .post(&app, &format!("{project}/data-items"), &item)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let item_url = saved.location().split('?').next().unwrap().to_owned();
    let page = owner.get(&app, saved.location()).await;
    assert!(page.html.contains("Saved."));
    assert!(page.html.contains("Needs attention"));
    assert!(page.html.contains(GAP));
    assert!(page.html.contains("id=\"art9_condition-gap\""));

    let dashboard = owner.get(&app, "/orgs/practions").await;
    let link = format!("{item_url}#art9_condition");
    assert!(dashboard.html.contains(&link), "the gap links to its field");
    assert!(dashboard.html.contains("Session notes"));
    assert!(dashboard.html.contains("Recent changes"));
    // Times on organisation pages are in the organisation's zone (Europe/Amsterdam).
    assert!(
        dashboard.html.contains(" CET</time>") || dashboard.html.contains(" CEST</time>"),
        "{}",
        dashboard.html
    );

    // A domain rule broken: the message is shown next to the field in the reader's words.
    let mut wrong = item.clone();
    wrong.push(("sensitivity", "regular"));
    let refused = owner.post(&app, &item_url, &wrong).await;
    assert_eq!(refused.status, 422);
    assert!(refused.html.contains("cannot be lower than the category"));

    // The fix closes the gap everywhere.
    let mut fixed = item.clone();
    fixed.push(("art9_condition", "explicit_consent"));
    let done = owner.post(&app, &item_url, &fixed).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let page = owner.get(&app, done.location()).await;
    assert!(page.html.contains("Changes saved."));
    assert!(!page.html.contains(GAP));
    assert!(
        !owner
            .get(&app, "/orgs/practions")
            .await
            .html
            .contains(&link)
    );

    // A transfer to a third country without a mechanism: saved, drawn on the project's
    // data-flow diagram as a marked arrow that links to it.
    let tr = owner
        .post(
            &app,
            &format!("{project}/transfers"),
            &[
                ("csrf", &csrf),
                ("service_id", &service_id),
                ("recipient", "Call centre"),
                ("country", "IN"),
            ],
        )
        .await;
    assert_eq!(tr.status, StatusCode::SEE_OTHER, "{}", tr.html);
    let transfer_url = tr.location().split('?').next().unwrap().to_owned();
    let overview = owner.get(&app, &project).await;
    assert!(overview.html.contains("Data flows"));
    let svg = overview
        .html
        .split("<svg")
        .nth(1)
        .unwrap()
        .split("</svg>")
        .next()
        .unwrap();
    assert!(
        svg.contains(&format!(
            "<a href=\"{transfer_url}\" class=\"flow-edge flow-edge--gap\""
        )),
        "{svg}"
    );
    assert!(svg.contains("IN · no mechanism"));
    assert!(svg.contains(&format!("<a href=\"{project}/services/{service_id}\"")));
    assert!(svg.contains("Call centre"));
    assert!(svg.contains("India · third country"));
    assert!(
        overview
            .html
            .contains("Transfer to a third country without a transfer mechanism")
    );

    // The list links the record; deleting asks first.
    let list = owner.get(&app, &format!("{project}/data-items")).await;
    assert!(list.html.contains(&format!("href=\"{item_url}\"")));
    assert!(list.html.contains(&format!("{project}/data-items/new")));
    let confirm = owner.get(&app, &format!("{item_url}/delete")).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.html.contains("cannot be undone"));
    let gone = owner
        .post(&app, &format!("{item_url}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert!(
        owner
            .get(&app, gone.location())
            .await
            .html
            .contains("Deleted.")
    );
    assert_eq!(owner.get(&app, &item_url).await.status, 404);

    // A viewer reads the service but gets no form, and posting anyway is refused.
    let mut viewer = member(&app, "vera", MemberRole::Viewer).await;
    let service_url = format!("{project}/services/{service_id}");
    let read = viewer.get(&app, &service_url).await;
    assert_eq!(read.status, 200);
    assert!(read.html.contains("Coaching app"));
    assert!(read.html.contains("Netherlands"), "values in words");
    assert!(!read.html.contains(&format!("action=\"{service_url}\"")));
    assert!(!read.html.contains("/delete"));
    let token = read.hidden("csrf");
    for (path, form) in [
        (
            service_url.clone(),
            vec![("csrf", token.as_str()), ("name", "Renamed")],
        ),
        (
            format!("{service_url}/delete"),
            vec![("csrf", token.as_str())],
        ),
        (
            format!("{project}/services"),
            vec![("csrf", token.as_str()), ("name", "New")],
        ),
    ] {
        assert_eq!(viewer.post(&app, &path, &form).await.status, 403, "{path}");
    }
    assert_eq!(
        viewer
            .get(&app, &format!("{project}/services/new"))
            .await
            .status,
        403
    );
    assert!(
        !viewer
            .get(&app, &format!("{project}/services"))
            .await
            .html
            .contains("/services/new")
    );

    // In Dutch, labels and gaps speak Dutch.
    let mut editor = member(&app, "eddy", MemberRole::Editor).await;
    let token = editor.get(&app, "/account").await.hidden("csrf");
    let p = editor
        .post(
            &app,
            "/account/profile",
            &[
                ("csrf", &token),
                ("display_name", "Eddy"),
                ("language", "nl"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let form = editor.get(&app, &format!("{project}/data-items/new")).await;
    assert!(
        form.html.contains("Grond uit art. 9 lid 2"),
        "{}",
        form.html
    );
    assert!(form.html.contains("Bewaartermijn"));

    // Another organisation's record is not found under this one's address.
    let theirs = pactum_store::records::list::<pactum_domain::datamap::service::Service>(
        &app.db.store,
        pactum_store::scope::Scope::Org(pactum_store::scope::OrgId(
            pactum_store::organisations::by_slug(&app.db.store, "locaverdi")
                .await
                .unwrap()
                .id,
        )),
        &pactum_store::records::ListQuery {
            limit: 1,
            ..Default::default()
        },
    )
    .await;
    if let Ok(page) = theirs
        && let Some(s) = page.items.first()
    {
        assert_eq!(
            owner
                .get(&app, &format!("{project}/services/{}", s.id))
                .await
                .status,
            404
        );
    }
    assert_eq!(
        owner
            .get(&app, &format!("{project}/services/not-an-id"))
            .await
            .status,
        404
    );
    assert_eq!(
        owner
            .get(&app, &format!("{project}/nothing/new"))
            .await
            .status,
        404
    );
}

/// Every organisation page of the route table, for every role: refused (403) exactly
/// when the role lacks the route's permission; and for a member of another organisation,
/// not found (404) whatever the role. Ids are made up, so nothing allowed changes anything.
async fn every_organisation_page_follows_the_role_and_the_tenant(db: TestDb) {
    use pactum_domain::access::{ROLES, allows};
    use pactum_web::access::{ROUTES, Rule};
    let app = TestApp::new(db).await;
    let project = pactum_store::records::list::<pactum_domain::project::Project>(
        &app.db.store,
        pactum_store::scope::Scope::Org(pactum_store::scope::OrgId(
            pactum_store::organisations::by_slug(&app.db.store, "practions")
                .await
                .unwrap()
                .id,
        )),
        &pactum_store::records::ListQuery {
            limit: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items[0]
        .id;
    let pages: Vec<_> = ROUTES
        .iter()
        .filter(|(_, path, _)| path.starts_with("/orgs/{org}"))
        .collect();
    assert!(pages.len() >= 20, "{}", pages.len());
    let made_up = uuid::Uuid::now_v7().to_string();
    let path_for = |template: &str, org: &str| {
        template
            .replace("{org}", org)
            .replace("{project}", &project.to_string())
            .replace("{collection}", "services")
            .replace("{id}", &made_up)
    };
    let (user, password) = app.logins[0].clone();
    let owner = signed_in(&app, &user, &password).await;
    let mut checked = 0;
    for role in ROLES {
        let mut visitor = if role == MemberRole::Owner {
            owner.clone()
        } else {
            member(&app, &format!("{role:?}").to_lowercase(), role).await
        };
        let csrf = visitor.get(&app, "/orgs/practions").await.hidden("csrf");
        for (method, template, rule) in &pages {
            let Rule::Org(permission) = rule else {
                panic!("{template} is an organisation page without an organisation rule");
            };
            let path = path_for(template, "practions");
            let form = [("csrf", csrf.as_str())];
            let page = match *method {
                "GET" => visitor.get(&app, &path).await,
                _ => visitor.post(&app, &path, &form).await,
            };
            if allows(role, *permission) {
                assert_ne!(page.status, 403, "{role:?} {method} {path}");
                assert!(
                    page.status.as_u16() < 500,
                    "{role:?} {method} {path}: {}",
                    page.status
                );
            } else {
                assert_eq!(page.status, 403, "{role:?} {method} {path}");
            }
            // Another organisation's pages do not exist for this member.
            let theirs = path_for(template, "locaverdi");
            let page = match *method {
                "GET" => visitor.get(&app, &theirs).await,
                _ => visitor.post(&app, &theirs, &form).await,
            };
            assert_eq!(page.status, 404, "{role:?} {method} {theirs}");
            checked += 2;
        }
    }
    assert!(checked >= 5 * 2 * 20, "{checked}");
}

/// Addresses edited by hand (a search longer than the limit, a document format or id that
/// does not exist) get a page naming the rule with a 4xx status, never a server error.
async fn hand_edited_addresses_get_a_client_error_page(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let mut owner = signed_in(&app, &user, &password).await;
    let form = owner.get(&app, "/orgs/practions/projects/new").await;
    let csrf = form.hidden("csrf");
    let created = owner
        .post(
            &app,
            "/orgs/practions/projects",
            &[("csrf", &csrf), ("name", "Coaching")],
        )
        .await;
    let project = created.location().split('?').next().unwrap().to_owned();
    let long = "a".repeat(201);
    for (path, status, rule) in [
        (
            format!("{project}/services?q={long}"),
            422,
            "q must be at most 200 characters.",
        ),
        (
            format!("/orgs/practions/breaches?q={long}"),
            422,
            "q must be at most 200 characters.",
        ),
        (
            format!("/orgs/practions/requests?q={long}"),
            422,
            "q must be at most 200 characters.",
        ),
        (
            "/orgs/practions/documents/breach-register?format=id&lang=en".to_owned(),
            422,
            "format must be one of pdf, html, xlsx, csv, json.",
        ),
        (
            "/orgs/practions/documents/access-pack?id=id&format=json&lang=en".to_owned(),
            422,
            "id must be a UUID.",
        ),
    ] {
        let page = owner.get(&app, &path).await;
        assert_eq!(page.status.as_u16(), status, "{path}: {}", page.html);
        assert!(page.html.contains("This request cannot be done"), "{path}");
        assert!(page.html.contains(rule), "{path}: {}", page.html);
    }
    // The search box keeps a browser from sending more than the limit.
    let list = owner.get(&app, &format!("{project}/services")).await;
    assert!(
        list.html.contains(r#"name="q" value="" maxlength="200""#),
        "{}",
        list.html
    );
}

on_both_backends!(
    data_map_records_are_kept_through_forms,
    every_organisation_page_follows_the_role_and_the_tenant,
    hand_edited_addresses_get_a_client_error_page,
);
