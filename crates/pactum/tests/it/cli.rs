//! The binary itself: `pactum demo` prints a working URL and token, and the export/import
//! commands round-trip byte for byte.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn pactum() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pactum"));
    c.env_remove("PACTUM_DATABASE_URL")
        .env_remove("PACTUM_CONFIG")
        .env("PACTUM_LOG", "warn");
    c
}

/// A minimal HTTP/1.1 GET over a socket, returning status and body.
fn http_get(url: &str, token: Option<&str>) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut s = TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

struct Killed(std::process::Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn demo_prints_url_and_token_that_work() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let child = pactum()
        .args(["demo", "--port", "0", "--data-dir"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Killed(child);
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let (mut url, mut token) = (None, None);
    while url.is_none() || token.is_none() {
        let line = lines
            .next()
            .expect("demo printed its URL and token")
            .unwrap();
        if let Some(u) = line.strip_prefix("URL: ") {
            url = Some(u.to_owned());
        }
        if let Some(t) = line.strip_prefix("API token: ") {
            token = Some(t.to_owned());
        }
    }
    let (url, token) = (url.unwrap(), token.unwrap());
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(http_get(&format!("{url}/healthz"), None).0, 200);
    let (status, body) = http_get(
        &format!("{url}/api/v1/orgs/practions/projects"),
        Some(&token),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Practions coaching platform"), "{body}");
    assert_eq!(
        http_get(&format!("{url}/api/v1/orgs/practions/projects"), None).0,
        401
    );
    drop(child);

    // A second start resets the demo's own directory...
    let again = pactum()
        .args(["demo", "--port", "0", "--data-dir"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut again = Killed(again);
    let first = BufReader::new(again.0.stdout.take().unwrap())
        .lines()
        .next()
        .unwrap()
        .unwrap();
    assert!(first.starts_with("Pactum demo"), "{first}");
    drop(again);

    // ...but never a directory holding someone else's database.
    let real = tempfile::tempdir().unwrap();
    let migrate = pactum()
        .args(["migrate", "--data-dir"])
        .arg(real.path())
        .output()
        .unwrap();
    assert!(migrate.status.success());
    let refused = pactum()
        .args(["demo", "--port", "0", "--data-dir"])
        .arg(real.path())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not the demo's"));
}

/// `pactum demo` without a directory, as the README runs it: its data, key file included,
/// is in ./pactum-demo, so the other commands read it with `--data-dir ./pactum-demo`.
#[test]
fn the_demo_directory_holds_its_key_file() {
    let cwd = tempfile::tempdir().unwrap();
    let child = pactum()
        .args(["demo", "--port", "0"])
        .env_remove("PACTUM_KEYS_FILE")
        .current_dir(cwd.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Killed(child);
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    while !lines.next().unwrap().unwrap().starts_with("URL: ") {}
    assert!(cwd.path().join("pactum-demo/keys.toml").exists());
    assert!(
        !cwd.path().join("pactum-data").exists(),
        "nothing outside the demo's directory"
    );
    let out = pactum()
        .args([
            "document",
            "breach-register",
            "--org",
            "practions",
            "--format",
            "csv",
            "--data-dir",
            "./pactum-demo",
        ])
        .current_dir(cwd.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The breach's consequences are a sealed field: read back with the demo's own key.
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("14 customers seen by one outside person"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    drop(child);
}

#[test]
fn export_import_export_through_the_cli() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    // Seed a store through the CLI: an organisation and a token.
    let run = |args: &[&str], dir: &std::path::Path| {
        let out = pactum()
            .args(args)
            .arg("--data-dir")
            .arg(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(
        &[
            "org",
            "create",
            "--slug",
            "acme",
            "--name",
            "Acme B.V.",
            "--country",
            "NL",
        ],
        a.path(),
    );
    // An organisation made on the command line has no owner until one is added.
    let out = pactum()
        .args(["token", "create", "--org", "acme", "--data-dir"])
        .arg(a.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no owner"));
    let created = run(
        &[
            "user",
            "create",
            "--username",
            "anna",
            "--email",
            "anna@acme.example",
            "--org",
            "acme",
        ],
        a.path(),
    );
    assert!(created.contains("Password (shown once): "), "{created}");
    let token = run(
        &["token", "create", "--org", "acme", "--scope", "admin"],
        a.path(),
    );
    assert!(token.trim().starts_with("pct_"));
    let verified = run(&["audit", "verify"], a.path());
    assert!(verified.contains("audit chains are intact"), "{verified}");
    let rotated = run(&["keys", "rotate", "--category", "totp"], a.path());
    assert!(rotated.contains("totp: key 2 is now active"), "{rotated}");
    let keys = std::fs::read_to_string(a.path().join("keys.toml")).unwrap();
    assert!(keys.contains("id = 2"), "the key file holds the new key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(a.path().join("keys.toml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the key file is readable by its owner only"
        );
    }
    // Documents from the command line: the Art. 30 record as CSV on standard output and as
    // a workbook in a file; an unknown kind is named.
    let csv = run(
        &[
            "document",
            "ropa-controller",
            "--org",
            "acme",
            "--format",
            "csv",
        ],
        a.path(),
    );
    assert!(
        csv.trim_start_matches('\u{feff}')
            .starts_with("Project,Processing activity,Purposes (b)"),
        "{csv}"
    );
    let workbook = a.path().join("ropa.xlsx");
    run(
        &[
            "document",
            "ropa-controller",
            "--org",
            "acme",
            "--format",
            "xlsx",
            "--lang",
            "nl",
            "-o",
            workbook.to_str().unwrap(),
        ],
        a.path(),
    );
    assert!(std::fs::read(&workbook).unwrap().starts_with(b"PK"));
    let out = pactum()
        .args(["document", "annual-report", "--org", "acme", "--data-dir"])
        .arg(a.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ropa-controller, ropa-processor"));
    let first = a.path().join("first.json");
    run(
        &["export", "--org", "acme", "-o", first.to_str().unwrap()],
        a.path(),
    );
    run(&["import", first.to_str().unwrap()], b.path());
    let second = run(&["export", "--org", "acme"], b.path());
    assert_eq!(std::fs::read_to_string(&first).unwrap(), second);
    // A backup of the first store, restored into a third directory with its key file,
    // exports the same; the key file itself stays out of the backup.
    let backup = a.path().join("backup");
    let said = run(&["backup", "-o", backup.to_str().unwrap()], a.path());
    assert!(said.contains("Backed up 1 organisations"), "{said}");
    assert!(said.contains("not in the backup"), "{said}");
    assert!(!backup.join("keys.toml").exists());
    let c = tempfile::tempdir().unwrap();
    let out = pactum()
        .args(["restore", backup.to_str().unwrap(), "--data-dir"])
        .arg(c.path())
        .output()
        .unwrap();
    assert!(!out.status.success(), "no key file, no restore");
    assert!(String::from_utf8_lossy(&out.stderr).contains("key file"));
    assert!(!c.path().join("keys.toml").exists(), "none was made up");
    std::fs::copy(a.path().join("keys.toml"), c.path().join("keys.toml")).unwrap();
    let said = run(&["restore", backup.to_str().unwrap()], c.path());
    assert!(said.contains("Restored 1 organisations"), "{said}");
    let restored = run(&["export", "--org", "acme"], c.path());
    assert_eq!(std::fs::read_to_string(&first).unwrap(), restored);
    // Importing again into the same store is refused with a reason.
    let out = pactum()
        .args(["import", first.to_str().unwrap(), "--data-dir"])
        .arg(b.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    // Bad input is explained.
    let out = pactum()
        .args([
            "org",
            "create",
            "--slug=-bad-",
            "--name",
            "X",
            "--country",
            "ZZ",
            "--data-dir",
        ])
        .arg(b.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("slug") && err.contains("country"), "{err}");
    let out = pactum()
        .args(["--database-url", "mysql://x/y", "migrate"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("sqlite:// or postgres://"));
}

#[test]
fn pii_commands() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("leak.csv");
    std::fs::write(
        &file,
        "name,email,iban\nJan,jan@example.nl,NL91ABNA0417164300\nJan,JAN@example.nl,NL91 ABNA 0417 1643 00\nPiet,piet@example.nl,NL91ABNA0417164301\n",
    )
    .unwrap();
    let out = pactum().args(["pii", "scan"]).arg(&file).output().unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["email", "iban", "email", "iban", "email"],
        "the IBAN with a wrong checksum is not reported"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let first = &lines[0];
    let (s, e) = (
        first["start"].as_u64().unwrap() as usize,
        first["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &text[s..e],
        "jan@example.nl",
        "offsets are byte offsets into the file"
    );

    let out = pactum()
        .args(["pii", "scan", "--summary"])
        .arg(&file)
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["distinct"]["email"], 2);
    assert_eq!(summary["distinct"]["iban"], 1);
    assert_eq!(summary["estimated_subjects"], 2);

    let mut child = pactum()
        .args(["pii", "redact", "--policy", "placeholder"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let redacted = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        redacted,
        "name,email,iban\nJan,<EMAIL_1>,<IBAN_1>\nJan,<EMAIL_1>,<IBAN_1>\nPiet,<EMAIL_2>,NL91ABNA0417164301\n"
    );
    let out = pactum()
        .args(["pii", "redact", "--policy", "hash"])
        .env_remove("PACTUM_PII_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("PACTUM_PII_KEY"));
}

#[test]
fn server_logs_carry_no_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let child = pactum()
        .args(["demo", "--port", "0", "--data-dir"])
        .arg(dir.path())
        .env("PACTUM_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Killed(child);
    // Drain the log while the server runs: a full pipe would block it.
    let mut err = child.0.stderr.take().unwrap();
    let log = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err.read_to_string(&mut text);
        text
    });
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let (mut url, mut token) = (None, None);
    while url.is_none() || token.is_none() {
        let line = lines.next().unwrap().unwrap();
        if let Some(u) = line.strip_prefix("URL: ") {
            url = Some(u.to_owned());
        }
        if let Some(t) = line.strip_prefix("API token: ") {
            token = Some(t.to_owned());
        }
    }
    let (url, token) = (url.unwrap(), token.unwrap());
    let (status, body) = http_get(
        &format!("{url}/api/v1/orgs/practions/projects?q=jan.jansen@example.nl"),
        Some(&token),
    );
    assert_eq!(status, 200, "{body}");
    let (status, _) = http_get(
        &format!("{url}/api/v1/orgs/practions/projects?q=NL91ABNA0417164300"),
        Some("pct_not-a-real-token-0123456789"),
    );
    assert_eq!(status, 401);
    drop(child);
    let stderr = log.join().unwrap();
    assert!(stderr.contains("request"), "trace logging was on: {stderr}");
    for secret in ["jan.jansen", "NL91ABNA", &token, "pct_not-a-real-token"] {
        assert!(
            !stderr.contains(secret),
            "{secret} reached the log:\n{stderr}"
        );
    }
}

/// Starts `pactum demo` on a free port and returns the process, its URL and its API token.
fn start_demo(dir: &std::path::Path) -> (Killed, String, String) {
    let child = pactum()
        .args(["demo", "--port", "0", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Killed(child);
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let (mut url, mut token) = (None, None);
    while url.is_none() || token.is_none() {
        let line = lines.next().expect("demo printed its URL").unwrap();
        if let Some(u) = line.strip_prefix("URL: ") {
            url = Some(u.to_owned());
        }
        if let Some(t) = line.strip_prefix("API token: ") {
            token = Some(t.to_owned());
        }
    }
    (child, url.unwrap(), token.unwrap())
}

/// SIGTERM while a request is half-sent: the server stops taking connections at once, but the
/// request it already has is answered in full and its write is kept; then the process exits 0.
#[test]
fn sigterm_finishes_the_request_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url, token) = start_demo(dir.path());
    let host = url.strip_prefix("http://").unwrap().to_owned();

    let body = r#"{"name": "Begun before the shutdown", "description": "sent in two halves"}"#;
    let (first, rest) = body.split_at(20);
    let mut s = TcpStream::connect(&host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "POST /api/v1/orgs/practions/projects HTTP/1.1\r\nHost: {host}\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    s.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let pid = child.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    // Once the signal is handled the listener is closed: new connections are refused.
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(&host).is_ok() {
        assert!(
            Instant::now() < deadline,
            "still accepting connections after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        child.0.try_wait().unwrap().is_none(),
        "the server exited with a request in flight"
    );

    s.write_all(rest.as_bytes()).unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    assert!(response.contains("Begun before the shutdown"), "{response}");

    let deadline = Instant::now() + Duration::from_secs(35);
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit after SIGTERM: {status}");

    // The write answered during the shutdown is in the database the next start opens.
    let out = pactum()
        .args(["export", "--org", "practions", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Begun before the shutdown"));
}
