//! Documents out, through the API: the demo processor's DPA annexes carry every row and
//! measure of its agreement's annexes; every document comes in every format and both
//! languages, each read back by an independent reader (calamine for XLSX, poppler's
//! pdftotext for PDF, the csv crate for CSV); formula cells are neutralised; bad
//! parameters name their field; each document made is audited. On both backends.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::{TestApp, TestDb};

const ANNEXES: &str = include_str!("../fixtures/practions-annexes.txt");

/// Every text of a table in a JSON document, by section and table key.
fn table<'a>(doc: &'a Value, section: &str, key: &str) -> &'a Value {
    doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == section)
        .unwrap_or_else(|| panic!("no section {section}"))["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "table" && b["key"] == key)
        .unwrap_or_else(|| panic!("no table {key} in {section}"))
}

fn column(t: &Value, col: &str) -> Vec<String> {
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[col].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// `[some.key]` is how a missing catalogue text shows.
fn missing_keys(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('[') {
        let after = &rest[start + 1..];
        let end = after.find(']').unwrap_or(0);
        let inner = &after[..end];
        if inner.contains('.')
            && inner
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_' || c == '-')
        {
            out.push(inner.to_owned());
        }
        rest = after;
    }
    out
}

async fn practions_annexes_carry_the_agreement(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let r = app
        .get(
            "/api/v1/orgs/practions/documents/dpa-annexes?format=json&lang=en",
            &t,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let doc = &r.body;
    assert_eq!(doc["document"], "dpa-annexes");

    // Annex 1: every example of every row of the agreement's table, and both categories
    // of data subjects.
    let data = table(doc, "annex_1", "personal_data");
    let examples = column(data, "examples").join(" | ").to_lowercase();
    let names = column(data, "data_item").join(" | ").to_lowercase();
    let rows: Vec<&str> = ANNEXES
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Category"))
        .collect();
    assert_eq!(rows.len(), 9, "the agreement's Annex 1 has nine rows");
    for row in &rows {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        for example in cells[2].split([',', ';']).flat_map(|e| e.split(" and ")) {
            let example = example.trim().to_lowercase();
            assert!(
                examples.contains(&example),
                "Annex 1 lacks {example:?} of row {:?}",
                cells[1]
            );
        }
    }
    let special = column(data, "special");
    let content_row = column(data, "data_item")
        .iter()
        .position(|n| n == "Coaching content")
        .expect("the coaching content row");
    assert!(
        special[content_row].contains("Art. 9"),
        "coaching content is marked special: {special:?}"
    );
    assert!(names.contains("security telemetry"));
    let subjects = column(table(doc, "annex_1", "data_subjects"), "subject_category");
    assert_eq!(subjects.len(), 2, "{subjects:?}");

    // Annex 2: the sub-processor the agreement names, with location and mechanism.
    let subs = table(doc, "annex_2", "sub_processors");
    let names = column(subs, "name");
    let azure = names
        .iter()
        .position(|n| n.contains("Microsoft Azure OpenAI"))
        .unwrap_or_else(|| panic!("Azure OpenAI in Annex 2: {names:?}"));
    // The agreement says "EU regions"; the data map's transfer to Azure records NL.
    assert_eq!(column(subs, "location")[azure], "Netherlands");
    assert_eq!(
        column(subs, "transfer_mechanism")[azure],
        "Not needed: within the EEA"
    );

    // Annex 3: every measure the taxonomy takes from the agreement's Annex 3, under the
    // agreement's headings, and at least as many measures as the annex has bullets.
    let annex3 = table(doc, "annex_3", "security_measures");
    let measures: BTreeSet<String> = column(annex3, "measure").into_iter().collect();
    for term in &pactum_domain::taxonomy::taxonomy().security_measures {
        if term.sources.iter().any(|s| s == "practions Annex 3") {
            assert!(
                measures.contains(&term.en),
                "Annex 3 lacks {:?}; it has {measures:?}",
                term.en
            );
        }
    }
    let groups: BTreeSet<String> = column(annex3, "group").into_iter().collect();
    for heading in [
        "Encryption",
        "Access and authentication",
        "Network and infrastructure",
        "Logging and monitoring",
        "Retention and deletion",
        "Organisational",
    ] {
        assert!(groups.contains(heading), "{heading} in {groups:?}");
    }
    let annex3_text = &ANNEXES[ANNEXES.find("Annex 3.").unwrap()..];
    let bullets = annex3_text.lines().filter(|l| l.starts_with("- ")).count();
    assert!(
        measures.len() >= bullets,
        "{} measures for {bullets} bullets",
        measures.len()
    );

    // The Art. 28(3) checklist has every stipulation, (a) to (h).
    let clauses = column(table(doc, "checklist", "art28_checklist"), "clause").join(" ");
    for point in ["(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "(g)", "(h)"] {
        assert!(clauses.contains(point), "{point} in {clauses}");
    }
}

async fn every_document_in_every_format(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let breach = app.get("/api/v1/orgs/practions/breaches", &t).await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let request = app.get("/api/v1/orgs/practions/requests", &t).await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for kind in pactum_documents::Kind::ALL {
        let id = match kind {
            pactum_documents::Kind::BreachReport => format!("&id={breach}"),
            pactum_documents::Kind::AccessPack => format!("&id={request}"),
            _ => String::new(),
        };
        for lang in ["en", "nl"] {
            let url = |format: &str| {
                format!(
                    "/api/v1/orgs/practions/documents/{}?format={format}&lang={lang}{id}",
                    kind.as_str()
                )
            };
            let json = app.get(&url("json"), &t).await;
            assert_eq!(
                json.status,
                StatusCode::OK,
                "{kind:?} {lang}: {:?}",
                json.body
            );
            let title = json.body["title"].as_str().unwrap().to_owned();
            let text = String::from_utf8(json.raw.clone()).unwrap();
            assert_eq!(missing_keys(&text), Vec::<String>::new(), "{kind:?} {lang}");

            let html = app.get(&url("html"), &t).await;
            assert_eq!(html.status, StatusCode::OK);
            assert_eq!(html.headers["content-type"], "text/html; charset=utf-8");
            let csp = html.headers["content-security-policy"].to_str().unwrap();
            assert!(
                csp.starts_with("default-src 'none'; style-src 'sha256-"),
                "{csp}"
            );
            let page = String::from_utf8(html.raw).unwrap();
            assert!(page.contains(&format!("<html lang=\"{lang}\">")));
            let escaped = title.replace('\'', "&#39;").replace('"', "&#34;");
            assert!(page.contains(&escaped) || page.contains(&title), "{title}");

            let xlsx = app.get(&url("xlsx"), &t).await;
            assert_eq!(xlsx.status, StatusCode::OK);
            assert!(
                xlsx.headers["content-disposition"]
                    .to_str()
                    .unwrap()
                    .starts_with(&format!(
                        "attachment; filename=\"{}-practions-",
                        kind.as_str()
                    ))
            );
            use calamine::Reader;
            let mut book: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.raw)).unwrap();
            let sheets = book.sheet_names();
            let first = book.worksheet_range(&sheets[0]).unwrap();
            assert_eq!(
                first.get_value((0, 0)).map(|v| v.to_string()),
                Some(title.clone())
            );
            let tables = json.body["sections"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|s| s["blocks"].as_array().unwrap())
                .filter(|b| b["type"] == "table")
                .count();
            assert_eq!(sheets.len(), 1 + tables, "{kind:?}: {sheets:?}");

            let csv = app.get(&url("csv"), &t).await;
            assert_eq!(csv.status, StatusCode::OK);
            assert!(csv.raw.starts_with(b"\xEF\xBB\xBF"));
            let mut reader = csv::Reader::from_reader(&csv.raw[3..]);
            assert!(!reader.headers().unwrap().is_empty());
            assert!(reader.records().all(|r| r.is_ok()));

            let pdf = app.get(&url("pdf"), &t).await;
            assert_eq!(
                pdf.status,
                StatusCode::OK,
                "{kind:?} {lang}: {:?}",
                pdf.body
            );
            assert_eq!(pdf.headers["content-type"], "application/pdf");
            assert!(pdf.raw.starts_with(b"%PDF-"));
            let text = pdf_text(&pdf.raw);
            let first_words: String = title
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                text.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .contains(&first_words),
                "{kind:?} {lang}: {first_words:?} not in the PDF's text"
            );
            assert!(
                pdf_fonts(&pdf.raw).iter().all(|embedded| *embedded),
                "every font of the PDF is embedded"
            );
        }
    }
    let audited = app
        .get(
            "/api/v1/orgs/practions/audit?action=document.generated&limit=500",
            &t,
        )
        .await;
    assert_eq!(
        audited.body.as_array().unwrap().len(),
        pactum_documents::Kind::ALL.len() * 2 * 5,
        "each document made is in the audit log"
    );
}

/// The text of a PDF as poppler's pdftotext reads it.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Per font of a PDF, whether pdffonts reports it embedded.
fn pdf_fonts(pdf: &[u8]) -> Vec<bool> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdffonts")
        .arg(&path)
        .output()
        .expect("pdffonts (poppler-utils) is installed");
    let text = String::from_utf8(out.stdout).unwrap();
    let fonts: Vec<bool> = text
        .lines()
        .skip(2)
        .map(|l| {
            // name, type, encoding, emb, sub, uni, object ID: "emb" is the 4th from the end.
            let cols: Vec<&str> = l.split_whitespace().collect();
            cols.len() >= 6 && cols[cols.len() - 5] == "yes"
        })
        .collect();
    assert!(!fonts.is_empty(), "the PDF has fonts: {text}");
    fonts
}

async fn formulas_are_neutralised_and_parameters_checked(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let p = app.project("practions", &t).await;
    let base = format!("/api/v1/orgs/practions/projects/{p}");
    let service = app.get(&format!("{base}/services"), &t).await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let item = app
        .send(
            "POST",
            &format!("{base}/data-items"),
            Some(&t),
            Some(json!({
                "service_id": service, "name": "=HYPERLINK(\"http://x.example\",\"click\")",
                "category": "identity.name", "examples": "@SUM(A1:A2)"
            })),
        )
        .await;
    assert_eq!(item.status, StatusCode::CREATED, "{:?}", item.body);
    let csv = app
        .get(
            "/api/v1/orgs/practions/documents/dpa-annexes?format=csv",
            &t,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(&csv.raw[3..]);
    let cells: Vec<String> = reader
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    assert!(cells.contains(&"'=HYPERLINK(\"http://x.example\",\"click\")".to_owned()));
    assert!(cells.contains(&"'@SUM(A1:A2)".to_owned()));
    assert!(
        !cells.iter().any(|c| c.starts_with(['=', '+', '-', '@'])),
        "no cell starts a formula"
    );
    // Another table by its key; an unknown one is named.
    let subs = app
        .get(
            "/api/v1/orgs/practions/documents/dpa-annexes?format=csv&table=sub_processors",
            &t,
        )
        .await;
    assert!(String::from_utf8_lossy(&subs.raw).contains("Microsoft Azure OpenAI"));
    let bad = app
        .get(
            "/api/v1/orgs/practions/documents/dpa-annexes?format=csv&table=nope",
            &t,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["errors"][0]["field"], "table");

    // Bad parameters: each named, with its rule.
    let bad = app
        .get(
            "/api/v1/orgs/practions/documents/ropa-controller?format=doc&lang=fr&project_id=x&colour=red",
            &t,
        )
        .await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        bad.body
    );
    let fields: BTreeSet<(String, String)> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("colour", "unknown_field"),
            ("format", "one_of"),
            ("lang", "one_of"),
            ("project_id", "uuid")
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect()
    );
    let none = app
        .get("/api/v1/orgs/practions/documents/breach-report", &t)
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(none.body["errors"][0]["field"], "id");
    assert_eq!(none.body["errors"][0]["rule"], "required");
    let unknown = app
        .get("/api/v1/orgs/practions/documents/annual-report", &t)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // Another organisation's breach or project is not found here.
    let theirs = app
        .get("/api/v1/orgs/locaverdi/breaches", &app.locaverdi)
        .await
        .body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cross = app
        .get(
            &format!("/api/v1/orgs/practions/documents/breach-report?id={theirs}"),
            &t,
        )
        .await;
    assert_eq!(cross.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(cross.body["errors"][0]["rule"], "not_found");
    let their_project = app.project("locaverdi", &app.locaverdi).await;
    let cross = app
        .get(
            &format!(
                "/api/v1/orgs/practions/documents/ropa-processor?format=json&project_id={their_project}"
            ),
            &t,
        )
        .await;
    assert_eq!(cross.status, StatusCode::NOT_FOUND);
    // And a token of one organisation opens no document of the other.
    let stranger = app
        .get(
            "/api/v1/orgs/practions/documents/ropa-processor?format=json",
            &app.locaverdi,
        )
        .await;
    assert!(
        stranger.status == StatusCode::FORBIDDEN || stranger.status == StatusCode::NOT_FOUND,
        "{}",
        stranger.status
    );
}

on_both_backends!(
    practions_annexes_carry_the_agreement,
    every_document_in_every_format,
    formulas_are_neutralised_and_parameters_checked,
);
