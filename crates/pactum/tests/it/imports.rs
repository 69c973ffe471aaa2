//! Spreadsheet imports through the API: a Dutch CSV register maps itself, the preview
//! names row, column and rule of every problem, a commit with a problem creates nothing,
//! a clean one creates every row, the mapping is remembered for the next file with the
//! same headers, and an XLSX workbook's named sheet is read. On both backends.

use axum::http::StatusCode;
use base64::Engine;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::{TestApp, TestDb};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn count(app: &TestApp, base: &str, collection: &str, t: &str) -> u64 {
    app.get(&format!("{base}/{collection}?limit=1"), t)
        .await
        .body["total"]
        .as_u64()
        .unwrap()
}

async fn csv_register_previewed_refused_then_imported(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let p = app.project("practions", &t).await;
    let base = format!("/api/v1/orgs/practions/projects/{p}");
    let url = format!("{base}/imports/data-items");
    let before = count(&app, &base, "data-items", &t).await;

    let bad = "Systeem;Naam;Categorie;Rechtsgrond;Bewaartermijn;Eenheid;Na\n\
               Client portal;Geboortedatum;identity.date_of_birth;Overeenkomst;2;years;einde relatie\n\
               Client portal;Lievelingskleur;colour.favourite;;;;\n\
               Client portal;Consent records;consent.records;;;;\n\
               Kassasysteem;Pinpas;financial.card;;;;\n\
               Client portal;Bewaard;identity.name;;twee;years;einde\n";
    let preview = app
        .send(
            "POST",
            &format!("{url}/preview"),
            Some(&t),
            Some(json!({"format": "csv", "content": b64(bad.as_bytes())})),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{:?}", preview.body);
    let body = &preview.body;
    assert_eq!(body["mapping_source"], "suggested");
    assert_eq!(body["mapping"]["Systeem"], "service_id");
    assert_eq!(body["mapping"]["Rechtsgrond"], "legal_basis");
    assert_eq!(
        (
            body["create"].as_u64(),
            body["conflicts"].as_u64(),
            body["invalid"].as_u64()
        ),
        (Some(1), Some(1), Some(3))
    );
    let rows = body["rows"].as_array().unwrap();
    assert_eq!(rows[0]["action"], "create");
    assert_eq!(rows[0]["record"]["legal_basis"], "contract");
    let first_error = |i: usize| -> (Value, Value, Value) {
        let e = &rows[i]["errors"][0];
        (e["row"].clone(), e["column"].clone(), e["rule"].clone())
    };
    assert_eq!(
        first_error(1),
        (json!(3), json!("Categorie"), json!("unknown_key"))
    );
    assert_eq!(first_error(2), (json!(4), json!("Naam"), json!("exists")));
    assert_eq!(
        first_error(3),
        (json!(5), json!("Systeem"), json!("unknown_reference"))
    );
    assert_eq!(
        first_error(4),
        (json!(6), json!("Bewaartermijn"), json!("integer"))
    );

    // A commit of that file creates nothing and says why, row by row.
    let refused = app
        .send(
            "POST",
            &url,
            Some(&t),
            Some(json!({"format": "csv", "content": b64(bad.as_bytes())})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["errors"].as_array().unwrap().len(), 4);
    assert_eq!(count(&app, &base, "data-items", &t).await, before);

    // Fixed, it goes in whole, with the names turned into keys and references.
    let good = "Systeem;Naam;Categorie;Rechtsgrond;Bewaartermijn;Eenheid;Na\n\
                Client portal;Geboortedatum;identity.date_of_birth;Overeenkomst;2;years;einde relatie\n\
                Client portal;Woonplaats;Postal address;toestemming;;;\n";
    let done = app
        .send(
            "POST",
            &url,
            Some(&t),
            Some(json!({"format": "csv", "content": b64(good.as_bytes())})),
        )
        .await;
    assert_eq!(done.status, StatusCode::CREATED, "{:?}", done.body);
    assert_eq!(done.body["created"], 2);
    assert_eq!(count(&app, &base, "data-items", &t).await, before + 2);
    let id = done.body["ids"][1].as_str().unwrap();
    let item = app.get(&format!("{base}/data-items/{id}"), &t).await;
    assert_eq!(item.body["category"], "contact.postal_address");
    assert_eq!(item.body["legal_basis"], "consent");

    // Importing the same file again conflicts on every row.
    let again = app
        .send(
            "POST",
            &format!("{url}/preview"),
            Some(&t),
            Some(json!({"format": "csv", "content": b64(good.as_bytes())})),
        )
        .await;
    assert_eq!(again.body["conflicts"], 2);
}

async fn mappings_are_remembered_and_workbooks_read(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let p = app.project("practions", &t).await;
    let base = format!("/api/v1/orgs/practions/projects/{p}");

    // A workbook whose register is on its second sheet, with headers nobody would guess.
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet()
        .set_name("Intro")
        .unwrap()
        .write_string(0, 0, "Read me")
        .unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Register").unwrap();
    for (c, h) in ["Verwerking (kort)", "Waarom", "Wie is het"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "Nieuwsbrief").unwrap();
    ws.write_string(1, 1, "Klanten informeren over nieuwe functies")
        .unwrap();
    ws.write_string(1, 2, "Customers; Prospects").unwrap();
    ws.write_number(2, 0, 2026).unwrap();
    ws.write_string(2, 1, "Jaarverslag").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let body = |mapping: Option<Value>| {
        let mut b = json!({"format": "xlsx", "sheet": "Register", "content": b64(&bytes)});
        if let Some(m) = mapping {
            b["mapping"] = m;
        }
        b
    };
    let url = format!("{base}/imports/processing-activities");
    let unmapped = app
        .send(
            "POST",
            &format!("{url}/preview"),
            Some(&t),
            Some(body(None)),
        )
        .await;
    assert_eq!(unmapped.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unmapped.body["errors"][0]["field"], "name");
    assert_eq!(unmapped.body["errors"][0]["rule"], "unmapped");

    let mapping = json!({
        "Verwerking (kort)": "name", "Waarom": "purposes", "Wie is het": "subject_categories"
    });
    let done = app
        .send("POST", &url, Some(&t), Some(body(Some(mapping.clone()))))
        .await;
    assert_eq!(done.status, StatusCode::CREATED, "{:?}", done.body);
    assert_eq!(done.body["created"], 2);
    let id = done.body["ids"][0].as_str().unwrap();
    let activity = app
        .get(&format!("{base}/processing-activities/{id}"), &t)
        .await;
    assert_eq!(activity.body["name"], "Nieuwsbrief");
    assert_eq!(
        activity.body["subject_categories"],
        json!(["customers", "prospects"])
    );
    let id = done.body["ids"][1].as_str().unwrap();
    let numbered = app
        .get(&format!("{base}/processing-activities/{id}"), &t)
        .await;
    assert_eq!(
        numbered.body["name"], "2026",
        "a number cell reads as it shows"
    );

    // The next file with these headers is mapped as before.
    let next = app
        .send(
            "POST",
            &format!("{url}/preview"),
            Some(&t),
            Some(body(None)),
        )
        .await;
    assert_eq!(next.status, StatusCode::OK, "{:?}", next.body);
    assert_eq!(next.body["mapping_source"], "remembered");
    assert_eq!(next.body["mapping"], mapping);
    assert_eq!(next.body["conflicts"], 2);

    // What the request itself gets wrong is named.
    let bad = app
        .send(
            "POST",
            &format!("{url}/preview"),
            Some(&t),
            Some(json!({"format": "ods", "content": "!!"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["errors"][0]["field"], "content");
    let bad = app
        .send(
            "POST",
            &format!("{url}/preview"),
            Some(&t),
            Some(json!({"format": "xlsx", "sheet": "Nope", "content": b64(&bytes)})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["errors"][0]["field"], "sheet");
    let unknown = app
        .send(
            "POST",
            &format!("{base}/imports/transfers/preview"),
            Some(&t),
            Some(body(None)),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // A reader may not import.
    let reader = app
        .token("practions", pactum_domain::access::TokenScope::Read)
        .await;
    let refused = app
        .send(
            "POST",
            &format!("{url}/preview"),
            Some(&reader),
            Some(body(None)),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

on_both_backends!(
    csv_register_previewed_refused_then_imported,
    mappings_are_remembered_and_workbooks_read,
);

async fn fides_yaml_out_and_back_in(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let p = app.project("practions", &t).await;
    let base = format!("/api/v1/orgs/practions/projects/{p}");
    let yaml = app.get(&format!("{base}/fides"), &t).await;
    assert_eq!(yaml.status, StatusCode::OK);
    assert_eq!(yaml.headers["content-type"], "application/yaml");
    let text = String::from_utf8(yaml.raw).unwrap();
    assert!(text.contains("fides_key: client_portal"), "{text}");
    assert!(
        text.contains("user.contact.email"),
        "categories as fideslang keys"
    );

    // Into a new project: the same services and data items.
    let created = app
        .send(
            "POST",
            "/api/v1/orgs/practions/projects",
            Some(&t),
            Some(json!({"name": "From Fides"})),
        )
        .await;
    let q = created.body["id"].as_str().unwrap().to_owned();
    let target = format!("/api/v1/orgs/practions/projects/{q}");
    let done = app
        .send(
            "POST",
            &format!("{target}/fides"),
            Some(&t),
            Some(json!({"content": text})),
        )
        .await;
    assert_eq!(done.status, StatusCode::CREATED, "{:?}", done.body);
    for collection in ["services", "data-items"] {
        assert_eq!(
            count(&app, &target, collection, &t).await,
            count(&app, &base, collection, &t).await,
            "{collection}"
        );
    }
    assert!(done.body["processing_activities"].as_u64().unwrap() >= 1);
    let activities = app
        .get(&format!("{target}/processing-activities?limit=100"), &t)
        .await;
    assert!(
        activities.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| !a["data_item_ids"].as_array().unwrap().is_empty()),
        "every declaration keeps its data items"
    );

    // Again: every service exists, nothing is added.
    let before = count(&app, &target, "data-items", &t).await;
    let again = app
        .send(
            "POST",
            &format!("{target}/fides"),
            Some(&t),
            Some(json!({"content": text})),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.body["errors"][0]["rule"], "exists");
    assert_eq!(count(&app, &target, "data-items", &t).await, before);
    let bad = app
        .send(
            "POST",
            &format!("{target}/fides"),
            Some(&t),
            Some(json!({"content": "system:\n  - fides_key: x\n    privacy_declarations:\n      - data_use: marketing\n        data_subjects: [martian]\n"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.body["errors"][0]["field"],
        "system[0].privacy_declarations[0].data_subjects"
    );
}

/// The upload form rides on the session cookie: its CSRF field is checked like any form's.
async fn the_upload_form_checks_its_csrf_field(db: TestDb) {
    let app = TestApp::new(db).await;
    let (login, password) = app.logins[0].clone();
    let mut v = crate::ui::signed_in(&app, &login, &password).await;
    let p = app.project("practions", &app.practions).await;
    let path = format!("/orgs/practions/projects/{p}/import");
    let form = v.get(&app, &path).await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.hidden("csrf");
    let file = (
        "file",
        "leveranciers.csv",
        "Leverancier;Doel\nBoekhoudpakket;Boekhouding\n".as_bytes(),
    );
    let forged = v
        .post_file(
            &app,
            &path,
            &[("csrf", "forged"), ("collection", "vendors")],
            file,
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let preview = v
        .post_file(
            &app,
            &path,
            &[("csrf", &csrf), ("collection", "vendors")],
            file,
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.html);
    assert!(
        preview.html.contains("name=\"content\""),
        "the file rides along in the preview"
    );
    assert!(preview.html.contains("Boekhoudpakket"));
}

on_both_backends!(
    fides_yaml_out_and_back_in,
    the_upload_form_checks_its_csrf_field
);
