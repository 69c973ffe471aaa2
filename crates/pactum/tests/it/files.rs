//! Service and vendor files against a real clamd: a clean file is stored encrypted under
//! its content hash and comes back byte for byte; the EICAR file, a file of a type not
//! accepted, an oversized file and any upload while the scanner is down are refused with
//! nothing stored; scanning turned off is said on the record; the browser form works.

use axum::http::StatusCode;
use serde_json::Value;

use crate::on_both_backends;
use crate::support::{Clamd, EICAR, Reply, TestApp, TestDb, test_settings};
use crate::ui::signed_in;

const BOUNDARY: &str = "pactum-files-test";

fn multipart(kind: Option<&str>, name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(kind) = kind {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub(crate) async fn upload(
    app: &TestApp,
    path: &str,
    token: &str,
    kind: Option<&str>,
    name: &str,
    bytes: &[u8],
) -> Reply {
    app.send_raw(
        "POST",
        path,
        Some(token),
        Some(multipart(kind, name, bytes)),
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
    )
    .await
}

/// Every file under the blob directory (blobs and temporary files alike).
fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                if e.path().is_dir() {
                    walk(&e.path(), out);
                } else {
                    out.push(e.path());
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(app.state.settings.files.blobs.dir(), &mut out);
    out.sort();
    out
}

pub(crate) fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% {text}\n%%EOF\n").into_bytes()
}

pub(crate) async fn first_service(app: &TestApp, project: &str) -> String {
    let r = app
        .get(
            &format!("/api/v1/orgs/practions/projects/{project}/services"),
            &app.practions,
        )
        .await;
    r.body["items"][0]["id"].as_str().unwrap().to_owned()
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    let r = app
        .get("/api/v1/orgs/practions/audit?limit=50", &app.practions)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let items = r.body.get("items").unwrap_or(&r.body);
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn uploads_are_scanned_checked_encrypted_and_served_back(db: TestDb) {
    let clamd = Clamd::start().await;
    let mut settings = test_settings();
    settings.files.scanner = clamd.scanner();
    settings.files.max_bytes = 64 * 1024;
    let app = TestApp::with_settings(db, settings).await;
    let token = app.practions.clone();
    let project = app.project("practions", &token).await;
    let service = first_service(&app, &project).await;
    let base = format!("/api/v1/orgs/practions/projects/{project}/services/{service}/files");

    // A clean PDF, uploaded under a name that says something else.
    let content = pdf("Verwerkersovereenkomst Practions 2026");
    let r = upload(
        &app,
        &base,
        &token,
        Some("dpa"),
        "C:\\fakepath\\dpa.docx",
        &content,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["file_type"], "pdf");
    assert_eq!(r.body["kind"], "dpa");
    assert_eq!(r.body["scan"], "clean");
    assert_eq!(r.body["name"], "dpa.docx");
    assert_eq!(r.body["size_bytes"], content.len());
    let id = r.body["id"].as_str().unwrap().to_owned();
    let sha = r.body["sha256"].as_str().unwrap().to_owned();

    // On disk: one blob, named by the content hash, holding no plaintext.
    let files = stored_files(&app);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].file_name().unwrap().to_string_lossy(), sha);
    let on_disk = std::fs::read(&files[0]).unwrap();
    assert!(
        !on_disk.windows(8).any(|w| w == b"Praction"),
        "stored in the clear"
    );
    assert!(!files[0].to_string_lossy().contains("dpa"));

    // Back out: the same bytes, as an attachment with the detected type and extension.
    let r = app.get(&format!("{base}/{id}/content"), &token).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.raw, content);
    assert_eq!(r.headers["content-type"], "application/pdf");
    assert_eq!(r.headers["x-content-type-options"], "nosniff");
    let disposition = r.headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment; "), "{disposition}");
    assert!(disposition.contains("dpa.docx.pdf"), "{disposition}");
    let r = app.get(&base, &token).await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    let r = app.get(&format!("{base}/{id}"), &token).await;
    assert_eq!(r.body["sha256"], sha.as_str());

    // The EICAR file, alone and inside text: refused, nothing stored, an audit event.
    let infected_text = [b"Notes from the audit.\n".as_slice(), EICAR, b"\n"].concat();
    for (name, bytes) in [("eicar.com", EICAR.to_vec()), ("notes.txt", infected_text)] {
        let r = upload(&app, &base, &token, None, name, &bytes).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            r.body
        );
        assert_eq!(r.body["errors"][0]["field"], "file");
        assert_eq!(r.body["errors"][0]["rule"], "file.infected", "{name}");
    }
    assert_eq!(stored_files(&app).len(), 1);
    assert!(
        audit_actions(&app)
            .await
            .iter()
            .any(|a| a == "file.refused_infected")
    );

    // A program under a PDF name, a ZIP that is no office document, an empty file, too large.
    let zip = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x07\0\0\0evil.js".to_vec();
    for (bytes, rule) in [
        (b"MZ\x90\0\x03\0\0\0\x04\0".to_vec(), "file.type"),
        (zip, "file.type"),
        (Vec::new(), "file.empty"),
        (pdf(&"x".repeat(70 * 1024)), "file.size"),
    ] {
        let r = upload(&app, &base, &token, None, "contract.pdf", &bytes).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{rule}: {}",
            r.body
        );
        assert_eq!(r.body["errors"][0]["rule"], rule, "{}", r.body);
    }
    let r = upload(&app, &base, &token, Some("invoice"), "a.pdf", &pdf("x")).await;
    assert_eq!(r.body["errors"][0]["field"], "kind", "{}", r.body);
    // The same with the kind after the file: still nothing kept.
    let mut body = multipart(None, "a.pdf", &pdf("kind last"));
    let end = format!("--{BOUNDARY}--\r\n");
    body.truncate(body.len() - end.len());
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ninvoice\r\n{end}"
        )
        .as_bytes(),
    );
    let r = app
        .send_raw(
            "POST",
            &base,
            Some(&token),
            Some(body),
            Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        )
        .await;
    assert_eq!(r.body["errors"][0]["field"], "kind", "{}", r.body);
    assert_eq!(stored_files(&app).len(), 1, "a refused upload left a file");
    assert_eq!(
        app.get(&base, &token).await.body.as_array().unwrap().len(),
        1
    );

    // The same service's file is not reachable as a vendor's, nor from another project.
    let vendors = app
        .get(
            &format!("/api/v1/orgs/practions/projects/{project}/vendors"),
            &token,
        )
        .await;
    let vendor = vendors.body["items"][0]["id"].as_str().unwrap().to_owned();
    let vbase = format!("/api/v1/orgs/practions/projects/{project}/vendors/{vendor}/files");
    assert_eq!(
        app.get(&format!("{vbase}/{id}/content"), &token)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = upload(
        &app,
        &vbase,
        &token,
        Some("contract"),
        "contract.md",
        b"# Contract\n\nTerms.\n",
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["file_type"], "markdown");
    assert_eq!(r.body["owner"]["collection"], "vendors");

    // The scanner gone: refused (fail closed), nothing stored.
    drop(clamd);
    let r = upload(&app, &base, &token, None, "later.pdf", &pdf("later")).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert_eq!(stored_files(&app).len(), 2);

    // Deleted: the row at once, the blob at the sweep once no row names it and it is old.
    let r = app
        .send("DELETE", &format!("{base}/{id}"), Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("{base}/{id}/content"), &token)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        pactum_web::files::sweep(&app.state).await.unwrap(),
        0,
        "too young to sweep"
    );
    // The sweep reads the application's clock: two hours before it is old enough.
    let two_hours_ago =
        std::time::SystemTime::from(crate::support::NOW) - std::time::Duration::from_secs(7200);
    for f in stored_files(&app) {
        std::fs::File::options()
            .write(true)
            .open(&f)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
    }
    assert_eq!(pactum_web::files::sweep(&app.state).await.unwrap(), 1);
    let left = stored_files(&app);
    assert_eq!(left.len(), 1, "the vendor's file stays: {left:?}");
    let actions = audit_actions(&app).await;
    assert!(actions.iter().any(|a| a == "file.uploaded"));
    assert!(actions.iter().any(|a| a == "file.deleted"));
}

async fn a_tampered_blob_is_not_served(db: TestDb) {
    let app = TestApp::new(db).await;
    let token = app.practions.clone();
    let project = app.project("practions", &token).await;
    let service = first_service(&app, &project).await;
    let base = format!("/api/v1/orgs/practions/projects/{project}/services/{service}/files");
    let r = upload(&app, &base, &token, None, "notes.txt", b"Plain notes.\n").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["scan"], "not_scanned");
    let id = r.body["id"].as_str().unwrap();
    let blob = stored_files(&app).remove(0);
    let mut bytes = std::fs::read(&blob).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&blob, bytes).unwrap();
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let req = axum::http::Request::get(format!("{base}/{id}/content"))
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let body = res.into_body().collect().await;
    assert!(body.is_err(), "a damaged blob must not be served whole");
}

async fn files_in_the_browser(db: TestDb) {
    let app = TestApp::new(db).await;
    let (login, password) = app.logins[0].clone();
    let mut v = signed_in(&app, &login, &password).await;
    let project = app.project("practions", &app.practions).await;
    let service = first_service(&app, &project).await;
    let page_path = format!("/orgs/practions/projects/{project}/services/{service}");
    let page = v.get(&app, &page_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.html.contains("enctype=\"multipart/form-data\""),
        "no upload form"
    );
    assert!(
        page.html.contains("Virus scanning is turned off"),
        "scanning off must be said"
    );
    let csrf = page.hidden("csrf");

    // Larger than the general body limit: the form streams past the access layer.
    let big = [b"Annex".as_slice(), &vec![b'a'; 2 * 1024 * 1024]].concat();
    let r = v
        .post_file(
            &app,
            &format!("{page_path}/files"),
            &[("csrf", &csrf), ("kind", "sla")],
            ("file", "annex.txt", &big),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert!(r.location().contains("m=uploaded"), "{}", r.location());
    let page = v.get(&app, &page_path).await;
    assert!(page.html.contains("annex.txt"), "the list shows the file");
    assert!(page.html.contains("Service level agreement"));

    // Without the CSRF field: refused, nothing stored.
    let r = v
        .post_file(
            &app,
            &format!("{page_path}/files"),
            &[("kind", "sla")],
            ("file", "b.txt", b"b"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A type not accepted comes back as a message on the page.
    let r = v
        .post_file(
            &app,
            &format!("{page_path}/files"),
            &[("csrf", &csrf)],
            ("file", "x.exe", b"MZ\x90\0"),
        )
        .await;
    assert!(
        r.location().contains("file_error=file.type"),
        "{}",
        r.location()
    );
    let page = v.get(&app, r.location()).await;
    assert!(
        page.html.contains("its content is not PDF"),
        "{}",
        page.html
    );

    let list: Value = app
        .get(
            &format!("/api/v1/orgs/practions/projects/{project}/services/{service}/files"),
            &app.practions,
        )
        .await
        .body;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let id = list[0]["id"].as_str().unwrap();
    let download = v.get(&app, &format!("{page_path}/files/{id}")).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.html.len(), big.len());
    let confirm = v.get(&app, &format!("{page_path}/files/{id}/delete")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    let r = v
        .post(
            &app,
            &format!("{page_path}/files/{id}/delete"),
            &[("csrf", &confirm.hidden("csrf"))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = v.get(&app, &page_path).await;
    assert!(!page.html.contains("annex.txt"));
}

on_both_backends!(
    uploads_are_scanned_checked_encrypted_and_served_back,
    a_tampered_blob_is_not_served,
    files_in_the_browser
);
