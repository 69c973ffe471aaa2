//! Accounts and security over HTTP: registration with its bot checks, sessions and CSRF,
//! sign-in back-off, token rotation, two-factor authentication, the role matrix over every
//! organisation route, the audit chain, and secrets at rest.

use axum::http::StatusCode;
use http_body_util::BodyExt;
use pactum_crypto::keyring::{Category, Keys};
use pactum_domain::access::{Permission, TokenScope, allows};
use pactum_domain::organisation::{Member, MemberRole};
use pactum_store::audit::{self, Actor};
use pactum_store::scope::OrgId;
use pactum_store::{accounts, members, organisations};
use serde_json::{Value, json};
use time::Duration;
use tower::ServiceExt;

use crate::on_both_backends;
use crate::support::{NOW, Reply, SmtpSink, TEST_KEYS, TestApp, TestDb, test_settings};

/// A browser: keeps the session and CSRF cookies it was given.
#[derive(Default, Clone)]
pub(crate) struct Browser {
    session: Option<String>,
    csrf: Option<String>,
}

impl Browser {
    fn take_cookies(&mut self, r: &Reply) {
        for v in r.headers.get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let (pair, _) = v.split_once(';').unwrap_or((v, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let value = (!value.is_empty()).then(|| value.to_owned());
            match name {
                "__Host-pactum_session" => self.session = value,
                "__Host-pactum_csrf" => self.csrf = value,
                _ => {}
            }
        }
    }

    pub(crate) async fn send(
        &mut self,
        app: &TestApp,
        method: &str,
        path: &str,
        body: Option<Value>,
        with_csrf: bool,
    ) -> Reply {
        let mut req = axum::http::Request::builder()
            .method(method)
            .uri(path)
            .header("user-agent", "test-browser/1.0");
        let mut cookies = Vec::new();
        if let Some(s) = &self.session {
            cookies.push(format!("__Host-pactum_session={s}"));
        }
        if let Some(c) = &self.csrf {
            cookies.push(format!("__Host-pactum_csrf={c}"));
            if with_csrf {
                req = req.header("x-csrf-token", c);
            }
        }
        if !cookies.is_empty() {
            req = req.header("cookie", cookies.join("; "));
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(axum::body::Body::from(serde_json::to_vec(&b).unwrap()))
                .unwrap(),
            None => req.body(axum::body::Body::empty()).unwrap(),
        };
        let res = app.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let raw = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        let reply = Reply {
            status,
            headers,
            body,
            raw,
        };
        self.take_cookies(&reply);
        reply
    }

    pub(crate) async fn login(app: &TestApp, login: &str, password: &str) -> (Browser, Reply) {
        let mut b = Browser::default();
        let r = b
            .send(
                app,
                "POST",
                "/api/v1/auth/login",
                Some(json!({"login": login, "password": password})),
                false,
            )
            .await;
        (b, r)
    }
}

async fn proof(app: &TestApp) -> Value {
    let form = app.send("GET", "/api/v1/auth/form", None, None).await;
    assert_eq!(form.status, 200, "{:?}", form.body);
    let challenge = form.body["challenge"].as_str().unwrap().to_owned();
    json!({
        "form_token": form.body["form_token"],
        "challenge": challenge,
        "nonce": pactum_crypto::pow::solve(&challenge),
    })
}

fn registration(proof: Value, password: &str) -> Value {
    json!({
        "username": "jan.jansen",
        "email": "Jan@Example.NL",
        "display_name": "<script>alert(1)</script>' OR 1=1 --",
        "password": password,
        "language": "nl",
        "organisation": {"legal_name": "Jansen Advies B.V.", "slug": "jansen", "country": "nl"},
        "accept_terms": true,
        "terms_version": pactum_web::state::TERMS_VERSION,
        "proof": proof,
    })
}

const GOOD_PASSWORD: &str = "lantern-quartz-meadow-71";

async fn registration_signs_in_and_csrf_guards_writes(db: TestDb) {
    let app = TestApp::new(db).await;
    let mut b = Browser::default();

    let weak = b
        .send(
            &app,
            "POST",
            "/api/v1/auth/register",
            Some(registration(proof(&app).await, "jansen123456")),
            false,
        )
        .await;
    assert_eq!(weak.status, 422, "{:?}", weak.body);
    assert_eq!(weak.body["errors"][0]["field"], "password");
    assert_eq!(weak.body["errors"][0]["rule"], "weak");

    let mut bot = registration(proof(&app).await, GOOD_PASSWORD);
    bot["proof"]["website"] = json!("http://spam.example");
    let r = b
        .send(&app, "POST", "/api/v1/auth/register", Some(bot), false)
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["field"], "proof");

    let p = proof(&app).await;
    let r = b
        .send(
            &app,
            "POST",
            "/api/v1/auth/register",
            Some(registration(p.clone(), GOOD_PASSWORD)),
            false,
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-pactum_session="))
        .unwrap();
    for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert_eq!(r.body["user"]["email"], "jan@example.nl");
    // Injection text is stored and echoed as data, nothing more.
    assert_eq!(
        r.body["user"]["display_name"],
        "<script>alert(1)</script>' OR 1=1 --"
    );

    // The same solved puzzle works once.
    let mut again = registration(p, GOOD_PASSWORD);
    again["username"] = json!("other.person");
    let r = Browser::default()
        .send(&app, "POST", "/api/v1/auth/register", Some(again), false)
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body["detail"].as_str().unwrap().contains("already used"));

    let me = b.send(&app, "GET", "/api/v1/me", None, false).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["organisations"][0]["slug"], "jansen");
    assert_eq!(me.body["organisations"][0]["role"], "owner");

    // State changes with the cookie need the CSRF token in a header.
    let change = json!({"display_name": "Jan"});
    let r = b
        .send(&app, "PATCH", "/api/v1/me", Some(change.clone()), false)
        .await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    let mut forged = b.clone();
    forged.csrf = Some("forged".into());
    let r = forged
        .send(&app, "PATCH", "/api/v1/me", Some(change.clone()), true)
        .await;
    assert_eq!(r.status, 403);
    let r = b
        .send(&app, "PATCH", "/api/v1/me", Some(change), true)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["display_name"], "Jan");

    // Consent to the terms and the DPA is on record with the version shown.
    let user = uuid::Uuid::parse_str(me.body["user"]["id"].as_str().unwrap()).unwrap();
    let consents = accounts::consents(&app.db.store, user).await.unwrap();
    let docs: Vec<&str> = consents.iter().map(|c| c.document.as_str()).collect();
    assert_eq!(docs, ["dpa", "terms"]);
    assert!(
        consents
            .iter()
            .all(|c| c.version == pactum_web::state::TERMS_VERSION)
    );
    assert_eq!(me.body["consents"].as_array().unwrap().len(), 2);

    // Unknown fields are refused.
    let r = b
        .send(
            &app,
            "PATCH",
            "/api/v1/me",
            Some(json!({"is_admin": true})),
            true,
        )
        .await;
    assert_eq!(r.status, 422);
}

async fn sign_in_gives_one_answer_and_backs_off(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let (_, unknown) = Browser::login(&app, "nobody.here", "whatever-password").await;
    let (_, wrong) = Browser::login(&app, &user, "whatever-password").await;
    assert_eq!(unknown.status, 401);
    assert_eq!(
        unknown.raw, wrong.raw,
        "unknown user and wrong password must look alike"
    );

    for _ in 0..5 {
        let (_, r) = Browser::login(&app, &user, "wrong-password-again").await;
        assert_eq!(r.status, 401);
    }
    // Six failures lock the account for 30 s, doubling after each further failure.
    let (_, r) = Browser::login(&app, &user, &password).await;
    assert_eq!(r.status, 429, "{:?}", r.body);
    let wait: i64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    app.clock.advance(Duration::seconds(31));
    let (b, r) = Browser::login(&app, &user, &password).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(b.session.is_some());
}

async fn sessions_end_when_idle_or_old(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let (mut b, _) = Browser::login(&app, &user, &password).await;
    // A full export from a browser needs a recent proof of identity.
    let export = "/api/v1/orgs/practions/export";
    assert_eq!(b.send(&app, "GET", export, None, false).await.status, 200);
    app.clock.advance(Duration::minutes(11));
    let r = b.send(&app, "GET", export, None, false).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["type"], "/problems/reauth-required");
    let r = b
        .send(
            &app,
            "POST",
            "/api/v1/auth/reauth",
            Some(json!({"password": password})),
            true,
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(b.send(&app, "GET", export, None, false).await.status, 200);
    app.clock.advance(Duration::minutes(18));
    assert_eq!(
        b.send(&app, "GET", "/api/v1/me", None, false).await.status,
        200
    );
    app.clock.advance(Duration::minutes(31));
    let r = b.send(&app, "GET", "/api/v1/me", None, false).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["type"], "/problems/session-expired");

    let (mut b, _) = Browser::login(&app, &user, &password).await;
    for _ in 0..23 {
        app.clock.advance(Duration::minutes(20));
        assert_eq!(
            b.send(&app, "GET", "/api/v1/me", None, false).await.status,
            200
        );
    }
    app.clock.advance(Duration::minutes(20));
    assert_eq!(
        b.send(&app, "GET", "/api/v1/me", None, false).await.status,
        401
    );

    // Signing out ends the session on the server, not just in the browser.
    let (mut b, _) = Browser::login(&app, &user, &password).await;
    let kept = b.clone();
    assert_eq!(
        b.send(&app, "POST", "/api/v1/auth/logout", None, true)
            .await
            .status,
        204
    );
    let mut kept = kept;
    assert_eq!(
        kept.send(&app, "GET", "/api/v1/me", None, false)
            .await
            .status,
        401
    );
}

async fn refresh_token_reuse_revokes_the_family(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let r = app
        .send(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"grant_type": "password", "username": user, "password": password})),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["expires_in"], 900);
    let first_refresh = r.body["refresh_token"].as_str().unwrap().to_owned();
    let access = r.body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get("/api/v1/orgs/practions", &access).await.status, 200);

    let r = app
        .send(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"grant_type": "refresh_token", "refresh_token": first_refresh})),
        )
        .await;
    assert_eq!(r.status, 200);
    let second_access = r.body["access_token"].as_str().unwrap().to_owned();
    let second_refresh = r.body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get("/api/v1/me", &second_access).await.status, 200);

    // The first refresh token again: someone copied it. Everything of the family dies.
    let r = app
        .send(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"grant_type": "refresh_token", "refresh_token": first_refresh})),
        )
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(app.get("/api/v1/me", &second_access).await.status, 401);
    let r = app
        .send(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"grant_type": "refresh_token", "refresh_token": second_refresh})),
        )
        .await;
    assert_eq!(r.status, 401);
    let owner = accounts::by_login(&app.db.store, &user)
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let events = audit_actions(&app, owner).await;
    assert!(
        events.contains(&"token.reuse_detected".to_owned()),
        "{events:?}"
    );

    // Access tokens live 15 minutes.
    let r = app
        .send(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"grant_type": "password", "username": user, "password": password})),
        )
        .await;
    let access = r.body["access_token"].as_str().unwrap().to_owned();
    app.clock.advance(Duration::minutes(15));
    assert_eq!(app.get("/api/v1/me", &access).await.status, 401);
}

/// The account chain's actions of one user, oldest first.
/// The account events a user made: on their own chain, or (older ones and those about
/// organisations) on the shared accounts chain.
pub(crate) async fn audit_actions(app: &TestApp, user: uuid::Uuid) -> Vec<String> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT action, user_id FROM audit_events WHERE chain = 'accounts' OR chain LIKE 'user:%' ORDER BY id",
    )
    .fetch_all(app.db.store.pool())
    .await
    .unwrap();
    rows.iter()
        .filter(|r| r.try_get::<Option<String>, _>("user_id").unwrap() == Some(user.to_string()))
        .map(|r| r.try_get::<String, _>("action").unwrap())
        .collect()
}

fn totp_now(app: &TestApp) -> u64 {
    pactum_web::clock::Clock::now(app.clock.as_ref()).unix_timestamp() as u64
}

async fn pending_secret(app: &TestApp, user: uuid::Uuid, column: &str) -> Vec<u8> {
    use sqlx::Row;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {column} FROM users WHERE id = $1"
    )))
    .bind(user.to_string())
    .fetch_one(app.db.store.pool())
    .await
    .unwrap();
    let sealed: String = row.try_get(column).unwrap();
    let keys = Keys::from_toml(&TEST_KEYS).unwrap();
    keys.decrypt(Category::Totp, &format!("users.{column}:{user}"), &sealed)
        .unwrap()
        .to_vec()
}

async fn two_factor_enrol_sign_in_and_codes_work_once(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let id = accounts::by_login(&app.db.store, &user)
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let (mut b, _) = Browser::login(&app, &user, &password).await;
    let r = b
        .send(&app, "POST", "/api/v1/me/two-factor", None, true)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(r.body["qr_svg"].as_str().unwrap().contains("<svg"));
    assert!(
        r.body["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    let secret = pending_secret(&app, id, "totp_pending").await;
    let wrong = b
        .send(
            &app,
            "POST",
            "/api/v1/me/two-factor/confirm",
            Some(json!({"code": "000000"})),
            true,
        )
        .await;
    assert_eq!(wrong.status, 422);
    let old_session = b.session.clone();
    let code = pactum_crypto::totp::code_at(&secret, totp_now(&app));
    let r = b
        .send(
            &app,
            "POST",
            "/api/v1/me/two-factor/confirm",
            Some(json!({"code": code})),
            true,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let backup: Vec<String> = serde_json::from_value(r.body["backup_codes"].clone()).unwrap();
    assert_eq!(backup.len(), 10);
    assert_ne!(
        b.session, old_session,
        "a privilege change gives a new session id"
    );
    assert_eq!(pending_secret(&app, id, "totp_secret").await, secret);

    // Password alone no longer signs in; the code just used does not work twice.
    let (_, r) = Browser::login(&app, &user, &password).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["type"], "/problems/two-factor-needed");
    let login = |code: String| json!({"login": user, "password": password, "code": code});
    let r = Browser::default()
        .send(
            &app,
            "POST",
            "/api/v1/auth/login",
            Some(login(code.clone())),
            false,
        )
        .await;
    assert_eq!(r.status, 401, "a TOTP code works once");
    assert!(
        audit_actions(&app, id)
            .await
            .contains(&"two_factor.code_reused".to_owned())
    );
    app.clock.advance(Duration::seconds(30));
    let fresh = pactum_crypto::totp::code_at(&secret, totp_now(&app));
    let r = Browser::default()
        .send(
            &app,
            "POST",
            "/api/v1/auth/login",
            Some(login(fresh)),
            false,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = Browser::default()
        .send(
            &app,
            "POST",
            "/api/v1/auth/login",
            Some(login(backup[0].clone())),
            false,
        )
        .await;
    assert_eq!(r.status, 200, "a backup code signs in");
    let r = Browser::default()
        .send(
            &app,
            "POST",
            "/api/v1/auth/login",
            Some(login(backup[0].clone())),
            false,
        )
        .await;
    assert_eq!(r.status, 401, "a backup code works once");

    // Turning it off needs a fresh code.
    app.clock.advance(Duration::seconds(30));
    let (mut b, r) = Browser::login(&app, &user, &password).await;
    assert_eq!(r.status, 401);
    let r = b
        .send(
            &app,
            "POST",
            "/api/v1/auth/login",
            Some(login(pactum_crypto::totp::code_at(&secret, totp_now(&app)))),
            false,
        )
        .await;
    assert_eq!(r.status, 200);
    let r = b
        .send(
            &app,
            "POST",
            "/api/v1/me/two-factor/disable",
            Some(json!({"code": "123456"})),
            true,
        )
        .await;
    assert_eq!(r.status, 422);
    app.clock.advance(Duration::seconds(30));
    let code = pactum_crypto::totp::code_at(&secret, totp_now(&app));
    let r = b
        .send(
            &app,
            "POST",
            "/api/v1/me/two-factor/disable",
            Some(json!({"code": code})),
            true,
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let (_, r) = Browser::login(&app, &user, &password).await;
    assert_eq!(r.status, 200);
}

async fn an_organisation_can_require_two_factor(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let mut org = app.get("/api/v1/orgs/practions", &t).await.body;
    for k in ["id", "project_id", "created_at", "updated_at"] {
        org.as_object_mut().unwrap().remove(k);
    }
    org["require_two_factor"] = json!(true);
    let r = app
        .send("PUT", "/api/v1/orgs/practions", Some(&t), Some(org))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app.get("/api/v1/orgs/practions/projects", &t).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["type"], "/problems/two-factor-required");
    // Other organisations are not affected.
    assert_eq!(
        app.get("/api/v1/orgs/locaverdi/projects", &app.locaverdi)
            .await
            .status,
        200
    );
}

/// Every organisation route, for every role: allowed exactly when the documented matrix
/// says so, and refused with 403 otherwise.
async fn every_route_follows_the_role_matrix(db: TestDb) {
    let app = TestApp::new(db).await;
    let store = &app.db.store;
    let org = OrgId(organisations::by_slug(store, "practions").await.unwrap().id);
    let project = app.project("practions", &app.practions).await;
    let mut callers = Vec::new();
    for role in pactum_domain::access::ROLES {
        let name = pactum_domain::access::role_name(role);
        let user = accounts::create_user(
            store,
            &Actor::system(),
            &format!("{name}.user"),
            &format!("{name}@practions.example"),
            None,
            "unused".into(),
            NOW,
        )
        .await
        .unwrap();
        members::add(
            store,
            &Actor::system(),
            org,
            Member {
                email: format!("{name}@practions.example"),
                display_name: None,
                role,
            },
            NOW,
        )
        .await
        .unwrap();
        callers.push((
            role,
            app.token_for("practions", user.id, TokenScope::Admin).await,
        ));
    }
    let collections: Vec<String> = pactum_web::router::registry()
        .collections
        .iter()
        .map(|c| format!("/api/v1{}", c.path))
        .collect();
    let ops = crate::isolation::org_operations();
    assert!(ops.iter().any(|(_, p)| p.ends_with("/audit")));
    let absent = uuid::Uuid::now_v7().to_string();
    let mut checked = 0;
    for (method, template) in &ops {
        let m = axum::http::Method::from_bytes(method.as_bytes()).unwrap();
        let rule = pactum_web::access::rule(&m, template, &collections)
            .unwrap_or_else(|| panic!("{method} {template} has no access rule"));
        let pactum_web::access::Rule::Org(permission) = rule else {
            panic!("{method} {template} is an organisation route without an Org rule");
        };
        let path = crate::isolation::fill(template, "practions", &project, &absent);
        for (role, token) in &callers {
            // Deletes and writes use an absent id or an empty body, so allowed callers get
            // 404 or 422 and the fixture stays as it is.
            let body = (method != "GET" && method != "DELETE").then(|| json!({}));
            let r = app.send(method, &path, Some(token), body).await;
            let expected = allows(*role, permission);
            if expected {
                assert_ne!(
                    r.status,
                    StatusCode::FORBIDDEN,
                    "{role:?} {method} {template}: {:?}",
                    r.body
                );
            } else {
                assert_eq!(
                    r.status,
                    StatusCode::FORBIDDEN,
                    "{role:?} {method} {template}: {:?}",
                    r.body
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 300, "{checked}");
    // Owners are made and unmade by owners only.
    let admin = &callers[1].1;
    let r = app
        .send(
            "POST",
            "/api/v1/orgs/practions/members",
            Some(admin),
            Some(json!({"email": "new@practions.example", "role": "owner"})),
        )
        .await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    let _ = Permission::Own;
}

async fn audit_log_records_changes_and_detects_tampering(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let project = app.project("practions", &t).await;
    let r = app
        .send(
            "POST",
            &format!("/api/v1/orgs/practions/projects/{project}/vendors"),
            Some(&t),
            Some(json!({"name": "Acme Mail", "role": "sub_processor", "country": "NL"})),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let vendor = r.body["id"].as_str().unwrap().to_owned();
    let log = app
        .get(
            "/api/v1/orgs/practions/audit?action=record.created&entity=vendor",
            &t,
        )
        .await;
    assert_eq!(log.status, 200, "{:?}", log.body);
    let newest = &log.body[0];
    assert_eq!(newest["entity_id"], vendor);
    assert!(newest["user_id"].is_string(), "the acting user is recorded");
    let csv = app.get("/api/v1/orgs/practions/audit?format=csv", &t).await;
    assert!(String::from_utf8_lossy(&csv.raw).starts_with("seq,at,user_id,action"));
    let bad = app
        .get("/api/v1/orgs/practions/audit?from=yesterday", &t)
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.body["errors"][0]["field"], "from");

    let reports = audit::verify(&app.db.store).await.unwrap();
    assert!(reports.iter().all(|r| r.problem.is_none()), "{reports:?}");
    sqlx::query(
        "UPDATE audit_events SET action = 'record.viewed' WHERE seq = 2 AND chain <> 'accounts'",
    )
    .execute(app.db.store.pool())
    .await
    .unwrap();
    let reports = audit::verify(&app.db.store).await.unwrap();
    assert!(
        reports
            .iter()
            .any(|r| r.problem.as_ref().is_some_and(|p| p.0 == 2)),
        "{reports:?}"
    );
}

async fn secrets_are_not_stored_in_plain_form(db: TestDb) {
    let Some(dir) = db.sqlite_dir() else { return };
    let app = TestApp::new(db).await;
    let mut b = Browser::default();
    let r = b
        .send(
            &app,
            "POST",
            "/api/v1/auth/register",
            Some(registration(proof(&app).await, GOOD_PASSWORD)),
            false,
        )
        .await;
    assert_eq!(r.status, 201);
    let r = b
        .send(&app, "POST", "/api/v1/me/two-factor", None, true)
        .await;
    let secret_b32 = r.body["secret"].as_str().unwrap().to_owned();
    let id =
        uuid::Uuid::parse_str(r.body.get("id").and_then(Value::as_str).unwrap_or_default()).ok();
    let _ = id;
    let session = b.session.clone().unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(app.db.store.pool())
        .await
        .unwrap();
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("jan.jansen"), "the test reads the right file");
    for secret in [
        GOOD_PASSWORD,
        secret_b32.as_str(),
        session.as_str(),
        app.practions.as_str(),
    ] {
        assert!(!text.contains(secret), "a secret is stored in plain form");
    }
}

fn token_in(message: &str, page: &str) -> String {
    let start = message.find(&format!("{page}?token=")).unwrap() + page.len() + 7;
    message[start..]
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap()
        .to_owned()
}

async fn account_mail_goes_out_over_smtp(db: TestDb) {
    let sink = SmtpSink::start().await;
    let mut settings = test_settings();
    settings.public_url = "https://pactum.test".into();
    settings.smtp = Some(pactum_web::mail::SmtpSettings {
        host: "127.0.0.1".into(),
        port: sink.port,
        from: "Pactum <pactum@pactum.test>".into(),
    });
    let app = TestApp::with_settings(db, settings).await;
    let mut b = Browser::default();
    let r = b
        .send(
            &app,
            "POST",
            "/api/v1/auth/register",
            Some(registration(proof(&app).await, GOOD_PASSWORD)),
            false,
        )
        .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["user"]["email_verified"], false);

    // Verification, in the language chosen at registration.
    let mail = sink
        .message_to("jan@example.nl", "account/verify-email")
        .await;
    assert!(mail.contains("Bevestig uw e-mailadres"), "{mail}");
    assert!(
        mail.contains("https://pactum.test/account/verify-email?token="),
        "{mail}"
    );
    let token = token_in(&mail, "account/verify-email");
    let verify = |t: String| json!({"token": t});
    let r = app
        .send(
            "POST",
            "/api/v1/auth/verify-email",
            None,
            Some(verify(token.clone())),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = app
        .send(
            "POST",
            "/api/v1/auth/verify-email",
            None,
            Some(verify(token)),
        )
        .await;
    assert_eq!(r.status, 422, "a link works once");
    assert_eq!(
        b.send(&app, "GET", "/api/v1/me", None, false).await.body["user"]["email_verified"],
        true
    );

    // Reset: the same answer for unknown addresses, a link for known ones.
    let forgot = |email: &str, proof: Value| json!({"email": email, "proof": proof});
    let before = sink.count();
    let r = app
        .send(
            "POST",
            "/api/v1/auth/password/forgot",
            None,
            Some(forgot("nobody@example.nl", proof(&app).await)),
        )
        .await;
    assert_eq!(r.status, 202);
    let r = app
        .send(
            "POST",
            "/api/v1/auth/password/forgot",
            None,
            Some(forgot("jan@example.nl", proof(&app).await)),
        )
        .await;
    assert_eq!(r.status, 202);
    let mail = sink
        .message_to("jan@example.nl", "account/reset-password")
        .await;
    assert_eq!(
        sink.count(),
        before + 1,
        "nothing went to the unknown address"
    );
    // Asking again at once sends nothing more: a mailbox cannot be flooded.
    let r = app
        .send(
            "POST",
            "/api/v1/auth/password/forgot",
            None,
            Some(forgot("jan@example.nl", proof(&app).await)),
        )
        .await;
    assert_eq!(r.status, 202);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(sink.count(), before + 1);
    let token = token_in(&mail, "account/reset-password");
    let reset = |p: &str| json!({"token": token, "new_password": p});
    let r = app
        .send(
            "POST",
            "/api/v1/auth/password/reset",
            None,
            Some(reset("jansen123456")),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["field"], "new_password");
    let new_password = "orbit-saffron-willow-93";
    let r = app
        .send(
            "POST",
            "/api/v1/auth/password/reset",
            None,
            Some(reset(new_password)),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = app
        .send(
            "POST",
            "/api/v1/auth/password/reset",
            None,
            Some(reset("another-fine-phrase-44")),
        )
        .await;
    assert_eq!(r.status, 422, "a reset link works once");
    assert_eq!(
        b.send(&app, "GET", "/api/v1/me", None, false).await.status,
        401,
        "a reset signs out everywhere"
    );
    let notice = sink
        .message_to(
            "jan@example.nl",
            "wachtwoord van uw Pactum-account is gewijzigd",
        )
        .await;
    assert!(notice.contains("Beveiligingswijziging"));
    let (_, r) = Browser::login(&app, "jan.jansen", GOOD_PASSWORD).await;
    assert_eq!(r.status, 401);
    let (mut b, r) = Browser::login(&app, "jan.jansen", new_password).await;
    assert_eq!(r.status, 200);

    // A new address is confirmed from that address; the old one hears about it.
    let r = b
        .send(
            &app,
            "POST",
            "/api/v1/me/email",
            Some(json!({"new_email": "jan@jansen.example", "password": new_password})),
            true,
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let mail = sink
        .message_to("jan@jansen.example", "account/confirm-email")
        .await;
    let token = token_in(&mail, "account/confirm-email");
    let r = app
        .send(
            "POST",
            "/api/v1/auth/confirm-email",
            None,
            Some(json!({"token": token})),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    sink.message_to(
        "jan@example.nl",
        "e-mailadres van uw Pactum-account is gewijzigd",
    )
    .await;
    assert_eq!(
        b.send(&app, "GET", "/api/v1/me", None, false).await.body["user"]["email"],
        "jan@jansen.example"
    );
}

async fn sealed_value(app: &TestApp, user: uuid::Uuid, column: &str) -> String {
    use sqlx::Row;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {column} FROM users WHERE id = $1"
    )))
    .bind(user.to_string())
    .fetch_one(app.db.store.pool())
    .await
    .unwrap();
    row.try_get(column).unwrap()
}

async fn key_rotation_reencrypts_stored_secrets(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let id = accounts::by_login(&app.db.store, &user)
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let (mut b, _) = Browser::login(&app, &user, &password).await;
    assert_eq!(
        b.send(&app, "POST", "/api/v1/me/two-factor", None, true)
            .await
            .status,
        200
    );
    let secret = pending_secret(&app, id, "totp_pending").await;
    let code = pactum_crypto::totp::code_at(&secret, totp_now(&app));
    let r = b
        .send(
            &app,
            "POST",
            "/api/v1/me/two-factor/confirm",
            Some(json!({"code": code})),
            true,
        )
        .await;
    assert_eq!(r.status, 200);
    let before = sealed_value(&app, id, "totp_secret").await;
    assert_eq!(pactum_crypto::keyring::key_of(&before).unwrap().1, 1);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.toml");
    std::fs::write(&path, TEST_KEYS.as_str()).unwrap();
    let report = pactum::keys::rotate(&app.db.store, &path, &[Category::Totp])
        .await
        .unwrap();
    assert_eq!(report.new_keys, [("totp".to_owned(), 2)]);
    assert_eq!((report.resealed, report.skipped), (1, 0));
    let after = sealed_value(&app, id, "totp_secret").await;
    assert_eq!(pactum_crypto::keyring::key_of(&after).unwrap().1, 2);
    let context = format!("users.totp_secret:{id}");
    let rotated = Keys::open(&path, false).unwrap();
    assert_eq!(
        rotated
            .decrypt(Category::Totp, &context, &after)
            .unwrap()
            .to_vec(),
        secret
    );
    // The old ring cannot read the new ciphertext, and the new ring still reads the old.
    let old = Keys::from_toml(&TEST_KEYS).unwrap();
    assert!(old.decrypt(Category::Totp, &context, &after).is_err());
    assert_eq!(
        rotated
            .decrypt(Category::Totp, &context, &before)
            .unwrap()
            .to_vec(),
        secret
    );
    // Rotating another category re-seals its values (the demo breaches' sealed fields:
    // description, consequences, measures and the update list, in two organisations) and
    // leaves the TOTP secret alone.
    let again = pactum::keys::rotate(&app.db.store, &path, &[Category::Breach])
        .await
        .unwrap();
    assert_eq!(again.resealed, 8);
    assert_eq!(sealed_value(&app, id, "totp_secret").await, after);
    let (_, breach_key) = pactum_crypto::keyring::key_of(
        &sqlx::query_scalar::<_, String>("SELECT description FROM breaches LIMIT 1")
            .fetch_one(app.db.store.pool())
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(breach_key, 2, "re-sealed under the new breach key");
}

async fn sessions_are_listed_and_revoked_and_passwords_changed(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let (mut laptop, _) = Browser::login(&app, &user, &password).await;
    let (mut phone, _) = Browser::login(&app, &user, &password).await;
    let list = laptop
        .send(&app, "GET", "/api/v1/me/sessions", None, false)
        .await;
    assert_eq!(list.status, 200);
    let sessions = list.body.as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    assert_eq!(sessions[0]["user_agent"], "test-browser/1.0");
    let other = sessions.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = laptop
        .send(
            &app,
            "DELETE",
            &format!("/api/v1/me/sessions/{other}"),
            None,
            true,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        phone
            .send(&app, "GET", "/api/v1/me", None, false)
            .await
            .status,
        401
    );
    // Someone else's session id is not found.
    let (_, theirs) = Browser::login(&app, &app.logins[1].0, &app.logins[1].1).await;
    assert_eq!(theirs.status, 200);

    // Changing the password: the current one is checked, other sessions end, this one
    // gets a new id.
    let (mut phone, _) = Browser::login(&app, &user, &password).await;
    let change = |current: &str| json!({"current_password": current, "new_password": "violet-harbour-copper-58"});
    let r = laptop
        .send(
            &app,
            "POST",
            "/api/v1/me/password",
            Some(change("not-my-password")),
            true,
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["field"], "current_password");
    let old_cookie = laptop.session.clone();
    let r = laptop
        .send(
            &app,
            "POST",
            "/api/v1/me/password",
            Some(change(&password)),
            true,
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_ne!(laptop.session, old_cookie);
    assert_eq!(
        laptop
            .send(&app, "GET", "/api/v1/me", None, false)
            .await
            .status,
        200
    );
    assert_eq!(
        phone
            .send(&app, "GET", "/api/v1/me", None, false)
            .await
            .status,
        401
    );
    let mut stale = laptop.clone();
    stale.session = old_cookie;
    assert_eq!(
        stale
            .send(&app, "GET", "/api/v1/me", None, false)
            .await
            .status,
        401
    );
    let (_, r) = Browser::login(&app, &user, "violet-harbour-copper-58").await;
    assert_eq!(r.status, 200);
    // Personal API tokens stay valid; they are revoked one by one.
    assert_eq!(
        app.get("/api/v1/orgs/practions", &app.practions)
            .await
            .status,
        200
    );
}

async fn public_routes_are_rate_limited_per_address(db: TestDb) {
    let mut settings = test_settings();
    settings.auth.public_per_minute = 3;
    let app = TestApp::with_settings(db, settings).await;
    for _ in 0..3 {
        assert_eq!(
            app.send("GET", "/api/v1/auth/form", None, None)
                .await
                .status,
            200
        );
    }
    let r = app.send("GET", "/api/v1/auth/form", None, None).await;
    assert_eq!(r.status, 429);
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(r.headers["content-type"], "application/problem+json");
    // Signed-in routes do not draw on the public budget.
    assert_eq!(
        app.get("/api/v1/orgs/practions", &app.practions)
            .await
            .status,
        200
    );
    // The token endpoint refuses unknown fields like every other body.
    let r = app
        .send(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(
                json!({"grant_type": "password", "username": "x", "password": "y", "scope": "all"}),
            ),
        )
        .await;
    assert_eq!(r.status, 422, "{:?}", r.body);
}

/// Every operation the API documents has an access rule, and the documented security
/// matches it: public operations need no credential, all others do.
#[test]
fn every_documented_route_has_an_access_rule() {
    let doc = serde_json::to_value(pactum_web::openapi::document()).unwrap();
    let collections: Vec<String> = pactum_web::router::registry()
        .collections
        .iter()
        .map(|c| format!("/api/v1{}", c.path))
        .collect();
    let mut count = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let m = axum::http::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let rule = pactum_web::access::rule(&m, path, &collections)
                .unwrap_or_else(|| panic!("{method} {path} is documented but has no access rule"));
            let public = matches!(rule, pactum_web::access::Rule::Public(_));
            let documented_public = op.get("security").is_none();
            assert_eq!(public, documented_public, "{method} {path}");
            count += 1;
        }
    }
    assert!(count >= 90, "{count}");
    // And the other way round: every route with a rule is documented, so the walks over
    // the document above reach every route the router serves.
    for (method, path, _) in pactum_web::access::ROUTES {
        // Pages of the web UI are not part of the API.
        let api = path.starts_with("/api/v1") || matches!(*path, "/healthz" | "/readyz");
        if !api {
            continue;
        }
        assert!(
            doc["paths"][*path][method.to_lowercase()].is_object(),
            "{method} {path} has a rule but is not documented"
        );
    }
    // Nothing undocumented is let through: a made-up route has no rule.
    let m = axum::http::Method::GET;
    assert!(pactum_web::access::rule(&m, "/api/v1/admin", &collections).is_none());
    assert!(
        pactum_web::access::rule(
            &axum::http::Method::POST,
            "/api/v1/orgs/{org}/export",
            &collections
        )
        .is_none()
    );
}

async fn only_an_owner_deletes_an_organisation_after_a_fresh_sign_in(db: TestDb) {
    let app = TestApp::new(db).await;
    let store = &app.db.store;
    let org = OrgId(organisations::by_slug(store, "practions").await.unwrap().id);
    let (owner, password) = app.logins[0].clone();
    let hasher = pactum_crypto::password::PasswordHasher::new(
        Keys::from_toml(&TEST_KEYS).unwrap().current().pepper(),
        4,
    );
    accounts::create_user(
        store,
        &Actor::system(),
        "anne.admin",
        "anne@practions.example",
        None,
        hasher.hash("admin-password-quilt-7").unwrap(),
        NOW,
    )
    .await
    .unwrap();
    members::add(
        store,
        &Actor::system(),
        org,
        Member {
            email: "anne@practions.example".into(),
            display_name: None,
            role: MemberRole::Admin,
        },
        NOW,
    )
    .await
    .unwrap();
    let url = "/api/v1/orgs/practions?confirm=practions";
    let (mut admin, r) = Browser::login(&app, "anne.admin", "admin-password-quilt-7").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        admin.send(&app, "DELETE", url, None, true).await.status,
        403
    );

    let (mut b, _) = Browser::login(&app, &owner, &password).await;
    let r = b
        .send(&app, "DELETE", "/api/v1/orgs/practions", None, true)
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["field"], "confirm");
    let r = b
        .send(
            &app,
            "DELETE",
            "/api/v1/orgs/practions?confirm=locaverdi",
            None,
            true,
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        app.send("DELETE", url, Some(&app.practions), None)
            .await
            .status,
        403,
        "not with a token"
    );
    app.clock.advance(Duration::minutes(11));
    let r = b.send(&app, "DELETE", url, None, true).await;
    assert_eq!(r.body["type"], "/problems/reauth-required");
    let r = b
        .send(
            &app,
            "POST",
            "/api/v1/auth/reauth",
            Some(json!({"password": password})),
            true,
        )
        .await;
    assert_eq!(r.status, 204);
    let r = b.send(&app, "DELETE", url, None, true).await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let purge_at = pactum_web::clock::Clock::now(app.clock.as_ref()) + Duration::days(30);
    assert_eq!(
        r.body["purge_at"],
        pactum_domain::timestamp::format(purge_at)
    );

    // Locked at once for every member and credential, but still there.
    let r = b
        .send(&app, "GET", "/api/v1/orgs/practions", None, false)
        .await;
    assert_eq!(r.status, 423);
    assert_eq!(r.body["type"], "/problems/organisation-locked");
    assert!(organisations::by_slug(store, "practions").await.is_ok());
    assert_eq!(
        app.get("/api/v1/orgs/locaverdi/projects", &app.locaverdi)
            .await
            .status,
        200
    );
    let owner_id = accounts::by_login(store, &owner)
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let org_id = organisations::by_slug(store, "practions").await.unwrap().id;
    let chain: Vec<String> = {
        use sqlx::Row;
        sqlx::query("SELECT action FROM audit_events WHERE chain = $1 ORDER BY seq")
            .bind(org_id.to_string())
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>("action"))
            .collect()
    };
    assert_eq!(chain.last().unwrap(), "organisation.deletion_scheduled");
    assert!(!audit_actions(&app, owner_id).await.is_empty());
    let reports = audit::verify(store).await.unwrap();
    assert!(reports.iter().all(|r| r.problem.is_none()), "{reports:?}");
}

async fn a_password_reset_does_not_bypass_two_factor(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let id = accounts::by_login(&app.db.store, &user)
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let (mut b, _) = Browser::login(&app, &user, &password).await;
    assert_eq!(
        b.send(&app, "POST", "/api/v1/me/two-factor", None, true)
            .await
            .status,
        200
    );
    let secret = pending_secret(&app, id, "totp_pending").await;
    let code = pactum_crypto::totp::code_at(&secret, totp_now(&app));
    let r = b
        .send(
            &app,
            "POST",
            "/api/v1/me/two-factor/confirm",
            Some(json!({"code": code})),
            true,
        )
        .await;
    assert_eq!(r.status, 200);
    // A reset link, as the mail would carry it.
    let token = "reset-link-token-for-the-test";
    accounts::create_email_token(
        &app.db.store,
        id,
        accounts::EmailPurpose::Reset,
        &pactum_crypto::secret::digest(token),
        None,
        Duration::hours(1),
        NOW,
    )
    .await
    .unwrap();
    let reset = |code: Option<String>| json!({"token": token, "new_password": "juniper-anchor-falcon-26", "code": code});
    let r = app
        .send(
            "POST",
            "/api/v1/auth/password/reset",
            None,
            Some(reset(None)),
        )
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["type"], "/problems/two-factor-needed");
    let r = app
        .send(
            "POST",
            "/api/v1/auth/password/reset",
            None,
            Some(reset(Some("000000".into()))),
        )
        .await;
    assert_eq!(r.status, 401);
    app.clock.advance(Duration::seconds(30));
    let code = pactum_crypto::totp::code_at(&secret, totp_now(&app));
    let r = app
        .send(
            "POST",
            "/api/v1/auth/password/reset",
            None,
            Some(reset(Some(code))),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    // Two-factor authentication is still on after the reset.
    let (_, r) = Browser::login(&app, &user, "juniper-anchor-falcon-26").await;
    assert_eq!(r.body["type"], "/problems/two-factor-needed");
}

on_both_backends!(
    registration_signs_in_and_csrf_guards_writes,
    sign_in_gives_one_answer_and_backs_off,
    sessions_end_when_idle_or_old,
    refresh_token_reuse_revokes_the_family,
    two_factor_enrol_sign_in_and_codes_work_once,
    an_organisation_can_require_two_factor,
    every_route_follows_the_role_matrix,
    audit_log_records_changes_and_detects_tampering,
    secrets_are_not_stored_in_plain_form,
    account_mail_goes_out_over_smtp,
    key_rotation_reencrypts_stored_secrets,
    sessions_are_listed_and_revoked_and_passwords_changed,
    public_routes_are_rate_limited_per_address,
    only_an_owner_deletes_an_organisation_after_a_fresh_sign_in,
    a_password_reset_does_not_bypass_two_factor,
);
