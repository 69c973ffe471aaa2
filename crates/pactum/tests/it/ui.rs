//! The web UI over HTTP: sign-in and sign-out forms with their CSRF tokens, languages,
//! static files, redirects for signed-out visitors and error pages.

use axum::http::StatusCode;
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::on_both_backends;
use crate::support::{TestApp, TestDb};

#[derive(Default, Clone)]
pub(crate) struct Visitor {
    cookies: Vec<(String, String)>,
    pub(crate) language: Option<&'static str>,
}

pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) headers: axum::http::HeaderMap,
    pub(crate) html: String,
}

impl Page {
    pub(crate) fn location(&self) -> &str {
        self.headers["location"].to_str().unwrap()
    }

    /// The value of a hidden input.
    pub(crate) fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.html.find(&marker).unwrap() + marker.len();
        self.html[start..].split('"').next().unwrap().to_owned()
    }
}

impl Visitor {
    fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    async fn request(
        &mut self,
        app: &TestApp,
        method: &str,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Page {
        let mut req = axum::http::Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            req = req.header("cookie", jar.join("; "));
        }
        if let Some(l) = self.language {
            req = req.header("accept-language", l);
        }
        let req = match form {
            Some(fields) => req
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(
                    serde_urlencoded::to_string(fields).unwrap(),
                ))
                .unwrap(),
            None => req.body(axum::body::Body::empty()).unwrap(),
        };
        let res = app.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for c in headers.get_all("set-cookie") {
            let c = c.to_str().unwrap();
            let (pair, _) = c.split_once(';').unwrap_or((c, ""));
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != name);
            if !value.is_empty() {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        let html = String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec())
            .unwrap();
        Page {
            status,
            headers,
            html,
        }
    }

    pub(crate) async fn get(&mut self, app: &TestApp, path: &str) -> Page {
        self.request(app, "GET", path, None).await
    }

    pub(crate) async fn post(&mut self, app: &TestApp, path: &str, form: &[(&str, &str)]) -> Page {
        self.request(app, "POST", path, Some(form)).await
    }

    /// A file form (`multipart/form-data`): the fields, then one file `(field, name, bytes)`.
    pub(crate) async fn post_file(
        &mut self,
        app: &TestApp,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> Page {
        let boundary = "----pactum-test-boundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                file.0, file.1
            )
            .as_bytes(),
        );
        body.extend_from_slice(file.2);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let jar: Vec<String> = self
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        let req = axum::http::Request::builder()
            .method("POST")
            .uri(path)
            .header("cookie", jar.join("; "))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(axum::body::Body::from(body))
            .unwrap();
        let res = app.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let html = String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec())
            .unwrap();
        Page {
            status,
            headers,
            html,
        }
    }
}

fn assert_page_headers(p: &Page) {
    let csp = p.headers["content-security-policy"].to_str().unwrap();
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    for d in [
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "style-src 'self'",
    ] {
        assert!(csp.contains(d), "{csp}");
    }
    assert_eq!(
        p.headers["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    assert_eq!(p.headers["x-content-type-options"], "nosniff");
    assert_eq!(p.headers["referrer-policy"], "no-referrer");
    assert_eq!(
        p.headers["permissions-policy"],
        "camera=(), microphone=(), geolocation=()"
    );
}

async fn signing_in_and_out_in_the_browser(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let mut v = Visitor {
        language: Some("nl-NL,nl;q=0.9,en;q=0.5"),
        ..Visitor::default()
    };

    // Signed out, a page sends the visitor to sign in, and back afterwards.
    let p = v.get(&app, "/orgs/practions").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location(), "/login?next=%2Forgs%2Fpractions");

    let form = v.get(&app, p.location()).await;
    assert_eq!(form.status, 200);
    assert_page_headers(&form);
    assert!(form.html.contains("<html lang=\"nl\">"));
    assert!(form.html.contains("<h1>Inloggen</h1>"));
    for tag in form.html.split("<script").skip(1) {
        assert!(
            tag.starts_with(" src=\"/static/app."),
            "only Pactum's own script file, never inline: {tag}"
        );
    }
    let csrf = form.hidden("csrf");
    assert_eq!(v.cookie("__Host-pactum_csrf"), Some(csrf.as_str()));

    // The stylesheets are served under hashed names, cacheable for a year.
    let css = form
        .html
        .split("href=\"/static/")
        .nth(2)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert!(css.starts_with("app.") && css.ends_with(".css"), "{css}");
    let sheet = v.get(&app, &format!("/static/{css}")).await;
    assert_eq!(sheet.status, 200);
    assert_eq!(sheet.headers["content-type"], "text/css; charset=utf-8");
    assert_eq!(
        sheet.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_page_headers(&sheet);
    assert_eq!(
        v.get(&app, "/static/app.000000000000.css").await.status,
        404
    );

    // Without the form's token, nothing happens.
    let p = v
        .post(
            &app,
            "/login",
            &[
                ("login", &user),
                ("password", &password),
                ("csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(p.status, 403);
    assert!(p.html.contains("<html lang=\"nl\">"));

    // A wrong password: the same form again, with the problem named and the name kept.
    let typed = "<script>alert(1)</script>";
    let p = v
        .post(
            &app,
            "/login",
            &[
                ("login", typed),
                ("password", "wrong-password"),
                ("csrf", &csrf),
                ("next", "/orgs/practions"),
            ],
        )
        .await;
    assert_eq!(p.status, 401);
    assert_page_headers(&p);
    assert!(p.html.contains("<title>Fout: Inloggen"), "{}", p.html);
    assert!(p.html.contains("class=\"error-summary\""));
    assert!(
        p.html
            .contains("De gebruikersnaam, het e-mailadres of het wachtwoord klopt niet")
    );
    assert!(p.html.contains("aria-invalid=\"true\""));
    assert!(!p.html.contains(typed), "typed text is escaped");
    assert!(
        p.html.contains("&#60;script&#62;alert(1)") || p.html.contains("&lt;script&gt;alert(1)"),
        "the typed name is kept, escaped"
    );
    assert!(
        !p.html.contains("wrong-password"),
        "the password is never sent back"
    );
    let empty = v
        .post(
            &app,
            "/login",
            &[("login", ""), ("password", ""), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(
        empty
            .html
            .contains("Vul uw gebruikersnaam of e-mailadres in")
    );
    assert!(empty.html.contains("Vul uw wachtwoord in"));

    // The right password: a session, and back where the visitor wanted to go.
    let p = v
        .post(
            &app,
            "/login",
            &[
                ("login", &user),
                ("password", &password),
                ("csrf", &csrf),
                ("next", "/orgs/practions"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location(), "/orgs/practions");
    assert!(v.cookie("__Host-pactum_session").is_some());
    assert_ne!(
        v.cookie("__Host-pactum_csrf"),
        Some(csrf.as_str()),
        "a new token comes with the session"
    );
    let dash = v.get(&app, "/orgs/practions").await;
    assert_eq!(dash.status, 200);
    assert!(dash.html.contains("Klaver Solutions"));
    // Signed in, the account's language (English here) wins over the browser's.
    assert!(dash.html.contains("<html lang=\"en\">"));
    assert!(dash.html.contains("processing activities"));
    assert!(dash.html.contains("action=\"/logout\""));
    // The start page goes straight to the only organisation.
    let home = v.get(&app, "/").await;
    assert_eq!(home.location(), "/orgs/practions");
    // Another organisation's page does not exist for this user.
    let other = v.get(&app, "/orgs/locaverdi").await;
    assert_eq!(other.status, 404);
    // Told in the account's language (English), not the browser's.
    assert!(other.html.contains("Page not found"), "{}", other.html);
    // Only paths on this site are followed after sign-in.
    let off_site = v
        .post(
            &app,
            "/login",
            &[
                ("login", &user),
                ("password", &password),
                (
                    "csrf",
                    v.cookie("__Host-pactum_csrf").unwrap().to_owned().as_str(),
                ),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(off_site.location(), "/");

    // Signing out needs the page's token too.
    // (That sign-in started a new session; the old page's token belongs to the old one.)
    let stale = dash.hidden("csrf");
    assert_eq!(
        v.post(&app, "/logout", &[("csrf", &stale)]).await.status,
        403
    );
    let token = v.get(&app, "/orgs/practions").await.hidden("csrf");
    let p = v.post(&app, "/logout", &[("csrf", "forged")]).await;
    assert_eq!(p.status, 403);
    let p = v.post(&app, "/logout", &[("csrf", &token)]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert_eq!(p.location(), "/login?m=signed_out");
    assert!(v.cookie("__Host-pactum_session").is_none());
    let banner = v.get(&app, "/login?m=signed_out").await;
    assert!(banner.html.contains("U bent uitgelogd."));
}

async fn english_by_default_and_expired_sessions_say_so(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let mut v = Visitor::default();
    let form = v.get(&app, "/login").await;
    assert!(form.html.contains("<html lang=\"en\">"));
    assert!(form.html.contains("<h1>Sign in</h1>"));
    let csrf = form.hidden("csrf");
    let p = v
        .post(
            &app,
            "/login",
            &[("login", &user), ("password", &password), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(p.location(), "/");
    app.clock.advance(time::Duration::minutes(31));
    let p = v.get(&app, "/orgs/practions").await;
    assert_eq!(p.location(), "/login?next=%2Forgs%2Fpractions&m=expired");
    let p = v.get(&app, p.location()).await;
    assert!(p.html.contains("Your session has ended. Sign in again."));
}

async fn registering_through_the_form(db: TestDb) {
    let app = TestApp::new(db).await;
    let mut v = Visitor {
        language: Some("nl"),
        ..Visitor::default()
    };
    let form = v.get(&app, "/register").await;
    assert_eq!(form.status, 200);
    assert!(form.html.contains("<h1>Account aanmaken</h1>"));
    assert!(form.html.contains("data-pow-worker=\"/static/pow-worker."));
    assert!(
        form.html
            .contains("<label for=\"password\">Kies een wachtwoord</label>")
    );
    let worker = form
        .html
        .split("data-pow-worker=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let js = v.get(&app, &worker).await;
    assert_eq!(js.headers["content-type"], "text/javascript; charset=utf-8");
    let fill = |page: &Page, password: &str, website: &str| {
        let challenge = page.hidden("challenge");
        vec![
            ("csrf".to_owned(), page.hidden("csrf")),
            ("form_token".to_owned(), page.hidden("form_token")),
            (
                "nonce".to_owned(),
                pactum_crypto::pow::solve(&challenge).to_string(),
            ),
            ("challenge".to_owned(), challenge),
            ("terms_version".to_owned(), page.hidden("terms_version")),
            ("website".to_owned(), website.to_owned()),
            ("username".to_owned(), "jan.jansen".to_owned()),
            ("email".to_owned(), "jan@example.nl".to_owned()),
            ("password".to_owned(), password.to_owned()),
            ("language".to_owned(), "nl".to_owned()),
            ("legal_name".to_owned(), "Jansen Advies B.V.".to_owned()),
            ("slug".to_owned(), "jansen".to_owned()),
            ("country".to_owned(), "NL".to_owned()),
            ("accept_terms".to_owned(), "yes".to_owned()),
        ]
    };

    // A weak password: the form again, in Dutch, with what was typed (but the password).
    let fields = fill(&form, "jansen123456", "");
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let p = v.post(&app, "/register", &refs).await;
    assert_eq!(p.status, 422, "{}", p.html);
    assert!(
        p.html.contains("Dit wachtwoord is te makkelijk te raden"),
        "{}",
        p.html
    );
    assert!(p.html.contains("href=\"#password\""));
    assert!(p.html.contains("value=\"jan.jansen\""));
    assert!(!p.html.contains("jansen123456"));

    // A bot fills in the hidden field.
    let fields = fill(&p, "lantern-quartz-meadow-71", "http://spam.example");
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let bot = v.post(&app, "/register", &refs).await;
    assert_eq!(bot.status, 422);
    assert!(
        bot.html
            .contains("kon niet bevestigen dat een mens het invulde")
    );

    // All well: an account, signed in, and straight to the new organisation.
    let fields = fill(&bot, "lantern-quartz-meadow-71", "");
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let done = v.post(&app, "/register", &refs).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    assert_eq!(v.get(&app, "/").await.location(), "/orgs/jansen");
    let dash = v.get(&app, "/orgs/jansen").await;
    assert!(dash.html.contains("Jansen Advies B.V."));
    assert!(
        dash.html.contains("<html lang=\"nl\">"),
        "the account's language"
    );
    let user = pactum_store::accounts::by_login(&app.db.store, "jan.jansen")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        pactum_store::accounts::consents(&app.db.store, user.user.id)
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn emailed_links_open_pages_that_use_them_once(db: TestDb) {
    use pactum_store::accounts::{self, EmailPurpose};
    let app = TestApp::new(db).await;
    let (user, _) = app.logins[0].clone();
    let id = accounts::by_login(&app.db.store, &user)
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let issue = |purpose, token: &'static str| {
        let store = app.db.store.clone();
        async move {
            accounts::create_email_token(
                &store,
                id,
                purpose,
                &pactum_crypto::secret::digest(token),
                None,
                time::Duration::hours(1),
                crate::support::NOW,
            )
            .await
            .unwrap();
        }
    };
    let mut v = Visitor {
        language: Some("nl"),
        ..Visitor::default()
    };

    // Opening the link only shows a button.
    issue(EmailPurpose::Verify, "verify-token-for-the-page-test").await;
    let p = v
        .get(
            &app,
            "/account/verify-email?token=verify-token-for-the-page-test",
        )
        .await;
    assert_eq!(p.status, 200);
    assert!(p.html.contains("Bevestig uw e-mailadres"));
    assert_eq!(p.hidden("token"), "verify-token-for-the-page-test");
    let csrf = p.hidden("csrf");
    let form = [
        ("csrf", csrf.as_str()),
        ("token", "verify-token-for-the-page-test"),
    ];
    assert_eq!(
        v.post(
            &app,
            "/account/verify-email",
            &[("csrf", "x"), ("token", "verify-token-for-the-page-test")]
        )
        .await
        .status,
        403
    );
    let done = v.post(&app, "/account/verify-email", &form).await;
    assert_eq!(done.status, 200, "{}", done.html);
    assert!(done.html.contains("Uw e-mailadres is bevestigd."));
    let again = v.post(&app, "/account/verify-email", &form).await;
    assert_eq!(again.status, 422);
    assert!(
        again
            .html
            .contains("Deze link is onbekend, al gebruikt of verlopen.")
    );

    // A new password: checked like any other, and the link still works after a mistake.
    issue(EmailPurpose::Reset, "reset-token-for-the-page-test").await;
    let p = v
        .get(
            &app,
            "/account/reset-password?token=reset-token-for-the-page-test",
        )
        .await;
    assert!(p.html.contains("autocomplete=\"new-password\""));
    let weak = v
        .post(
            &app,
            "/account/reset-password",
            &[
                ("csrf", &csrf),
                ("token", "reset-token-for-the-page-test"),
                ("new_password", "jansen123456"),
            ],
        )
        .await;
    assert_eq!(weak.status, 422);
    assert!(
        weak.html
            .contains("Dit wachtwoord is te makkelijk te raden")
    );
    assert!(weak.html.contains("<title>Fout: "));
    let ok = v
        .post(
            &app,
            "/account/reset-password",
            &[
                ("csrf", &csrf),
                ("token", "reset-token-for-the-page-test"),
                ("new_password", "cobalt-meadow-lantern-39"),
            ],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.html);
    assert!(ok.html.contains("Uw wachtwoord is gewijzigd."));
    let form = v.get(&app, "/login").await;
    let signed_in = v
        .post(
            &app,
            "/login",
            &[
                ("login", &user),
                ("password", "cobalt-meadow-lantern-39"),
                ("csrf", &form.hidden("csrf")),
            ],
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
}

async fn two_factor_is_turned_on_from_the_account_page(db: TestDb) {
    use pactum_crypto::keyring::{Category, Keys};
    use sqlx::Row;
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let id = pactum_store::accounts::by_login(&app.db.store, &user)
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let mut v = Visitor::default();
    let form = v.get(&app, "/login").await;
    let csrf = form.hidden("csrf");
    v.post(
        &app,
        "/login",
        &[("login", &user), ("password", &password), ("csrf", &csrf)],
    )
    .await;

    let account = v.get(&app, "/account").await;
    assert_eq!(account.status, 200);
    assert!(account.html.contains("This session"));
    assert!(account.html.contains(">Off<"));

    // Long after signing in, the page first asks for the password again.
    app.clock.advance(time::Duration::minutes(11));
    let p = v.get(&app, "/account/two-factor").await;
    assert_eq!(p.location(), "/account/reauth?next=/account/two-factor");
    let token = v.get(&app, p.location()).await.hidden("csrf");
    let wrong = v
        .post(
            &app,
            "/account/reauth",
            &[
                ("csrf", &token),
                ("password", "nope"),
                ("next", "/account/two-factor"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    let ok = v
        .post(
            &app,
            "/account/reauth",
            &[
                ("csrf", &token),
                ("password", &password),
                ("next", "/account/two-factor"),
            ],
        )
        .await;
    assert_eq!(ok.location(), "/account/two-factor");

    let enrol = v.get(&app, "/account/two-factor").await;
    assert_eq!(enrol.status, 200);
    assert!(
        enrol.html.contains("<div class=\"qr\"><svg"),
        "the QR code is inline SVG"
    );
    assert!(!enrol.html.contains("<?xml"));
    let row = sqlx::query("SELECT totp_pending FROM users WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(app.db.store.pool())
        .await
        .unwrap();
    let sealed: String = row.try_get("totp_pending").unwrap();
    let keys = Keys::from_toml(&crate::support::TEST_KEYS).unwrap();
    let secret = keys
        .decrypt(Category::Totp, &format!("users.totp_pending:{id}"), &sealed)
        .unwrap()
        .to_vec();
    let shown = enrol
        .html
        .split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .replace(' ', "");
    assert_eq!(shown, pactum_crypto::totp::base32(&secret));

    let bad = v
        .post(
            &app,
            "/account/two-factor",
            &[("csrf", &token), ("code", "000000")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.html.contains(&shown[..4]),
        "the same key is shown again"
    );
    let now = pactum_web::clock::Clock::now(app.clock.as_ref()).unix_timestamp() as u64;
    let code = pactum_crypto::totp::code_at(&secret, now);
    let codes = v
        .post(
            &app,
            "/account/two-factor",
            &[("csrf", &token), ("code", &code)],
        )
        .await;
    assert_eq!(codes.status, 200, "{}", codes.html);
    assert_eq!(codes.html.matches("<li><code>").count(), 10);
    let account = v.get(&app, "/account").await;
    assert!(account.html.contains(">On<"));
    assert!(account.html.contains("backup codes left: 10"));

    // From now on, signing in needs a code.
    let mut other = Visitor::default();
    let csrf = other.get(&app, "/login").await.hidden("csrf");
    let p = other
        .post(
            &app,
            "/login",
            &[("login", &user), ("password", &password), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(p.status, 401);
    assert!(
        p.html
            .contains("Enter the code from your authenticator app")
    );
}

/// Signs a visitor in through the form.
pub(crate) async fn signed_in(app: &TestApp, login: &str, password: &str) -> Visitor {
    let mut v = Visitor::default();
    let csrf = v.get(app, "/login").await.hidden("csrf");
    let p = v
        .post(
            app,
            "/login",
            &[("login", login), ("password", password), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    v
}

async fn projects_and_lists_follow_the_role(db: TestDb) {
    use pactum_domain::organisation::{Member, MemberRole};
    use pactum_store::audit::Actor;
    let app = TestApp::new(db).await;
    let store = &app.db.store;
    let org = pactum_store::scope::OrgId(
        pactum_store::organisations::by_slug(store, "practions")
            .await
            .unwrap()
            .id,
    );
    let hasher = pactum_crypto::password::PasswordHasher::new(
        pactum_crypto::keyring::Keys::from_toml(&crate::support::TEST_KEYS)
            .unwrap()
            .current()
            .pepper(),
        4,
    );
    pactum_store::accounts::create_user(
        store,
        &Actor::system(),
        "vera.viewer",
        "vera@practions.example",
        None,
        hasher.hash("viewer-password-maple-3").unwrap(),
        crate::support::NOW,
    )
    .await
    .unwrap();
    pactum_store::members::add(
        store,
        &Actor::system(),
        org,
        Member {
            email: "vera@practions.example".into(),
            display_name: None,
            role: MemberRole::Viewer,
        },
        crate::support::NOW,
    )
    .await
    .unwrap();

    // A viewer sees the projects but no control to add one, and posting anyway is refused.
    let mut viewer = signed_in(&app, "vera.viewer", "viewer-password-maple-3").await;
    let list = viewer.get(&app, "/orgs/practions/projects").await;
    assert_eq!(list.status, 200);
    assert!(list.html.contains("Practions coaching platform"));
    assert!(
        !list.html.contains("/projects/new"),
        "no edit control for a viewer"
    );
    let token = list.hidden("csrf");
    let refused = viewer
        .post(
            &app,
            "/orgs/practions/projects",
            &[("csrf", &token), ("name", "Sneaky")],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(refused.html.contains("You cannot do this"));
    assert_eq!(
        viewer
            .get(&app, "/orgs/practions/projects/new")
            .await
            .status,
        403
    );
    let settings = viewer.get(&app, "/orgs/practions/settings").await;
    assert_eq!(settings.status, 200);
    assert!(
        !settings
            .html
            .contains("action=\"/orgs/practions/settings\""),
        "no form for a viewer"
    );
    assert!(settings.html.contains("Klaver Solutions"));
    let refused = viewer
        .post(
            &app,
            "/orgs/practions/settings",
            &[("csrf", &token), ("legal_name", "Taken over")],
        )
        .await;
    assert_eq!(refused.status, 403);

    // The owner adds a project; a missing name is named next to the field.
    let (user, password) = app.logins[0].clone();
    let mut owner = signed_in(&app, &user, &password).await;
    let form = owner.get(&app, "/orgs/practions/projects/new").await;
    let token = form.hidden("csrf");
    let empty = owner
        .post(
            &app,
            "/orgs/practions/projects",
            &[("csrf", &token), ("name", " ")],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(empty.html.contains("Enter the name of the project"));
    let created = owner
        .post(
            &app,
            "/orgs/practions/projects",
            &[
                ("csrf", &token),
                ("name", "Webshop"),
                ("description", "<b>new</b> shop"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    let page = owner.get(&app, created.location()).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("Webshop"));
    assert!(page.html.contains("&#60;b&#62;new") || page.html.contains("&lt;b&gt;new"));
    let dup = owner
        .post(
            &app,
            "/orgs/practions/projects",
            &[("csrf", &token), ("name", "Webshop")],
        )
        .await;
    assert_eq!(dup.status, 422);
    assert!(dup.html.contains("already exists"));

    // Lists: search and pages in the query string.
    let projects = owner.get(&app, "/orgs/practions/projects").await;
    let first = projects
        .html
        .split("/orgs/practions/projects/")
        .nth(2)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let items = owner
        .get(
            &app,
            &format!("/orgs/practions/projects/{first}/data-items"),
        )
        .await;
    assert_eq!(items.status, 200);
    let total: i64 = pactum_store::records::count_in_org::<
        pactum_domain::datamap::data_item::DataItem,
    >(store, org)
    .await
    .unwrap();
    assert!(
        items.html.contains(&format!("of {total}")),
        "{}",
        items.html
    );
    let found = owner
        .get(
            &app,
            &format!("/orgs/practions/projects/{first}/data-items?q=zzz-nothing"),
        )
        .await;
    assert!(found.html.contains("Nothing found."));
    assert_eq!(
        owner
            .get(
                &app,
                &format!("/orgs/practions/projects/{first}/no-such-list")
            )
            .await
            .status,
        404
    );
    // Another organisation's project does not exist here.
    let theirs = pactum_store::records::list::<pactum_domain::project::Project>(
        store,
        pactum_store::scope::Scope::Org(pactum_store::scope::OrgId(
            pactum_store::organisations::by_slug(store, "locaverdi")
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
    .unwrap();
    let their_id = theirs.items[0].id;
    assert_eq!(
        owner
            .get(&app, &format!("/orgs/practions/projects/{their_id}"))
            .await
            .status,
        404
    );
    assert_eq!(
        owner
            .get(
                &app,
                &format!("/orgs/practions/projects/{their_id}/services")
            )
            .await
            .status,
        404
    );
    // The audit log: the owner sees who created the project; a viewer may not read it.
    let log = owner
        .get(&app, "/orgs/practions/audit?action=record.created")
        .await;
    assert_eq!(log.status, 200);
    assert!(log.html.contains("<code>record.created</code>"));
    assert!(log.html.contains("Privacy officer"), "the person, by name");
    assert!(
        !log.html.contains("<code>member.added</code>"),
        "the filter holds"
    );
    assert_eq!(viewer.get(&app, "/orgs/practions/audit").await.status, 403);
    assert!(
        !viewer
            .get(&app, "/orgs/practions")
            .await
            .html
            .contains("/audit\"")
    );
    assert!(
        owner
            .get(&app, "/orgs/practions")
            .await
            .html
            .contains("/orgs/practions/audit\"")
    );
}

async fn pages_and_styles_are_sent_compressed(db: TestDb) {
    let app = TestApp::new(db).await;
    let fetch = |path: String, gzip: bool| {
        let router = app.router.clone();
        async move {
            let mut req = axum::http::Request::builder().uri(path);
            if gzip {
                req = req.header("accept-encoding", "gzip");
            }
            let res = router
                .oneshot(req.body(axum::body::Body::empty()).unwrap())
                .await
                .unwrap();
            let encoding = res
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_owned());
            let bytes = res.into_body().collect().await.unwrap().to_bytes().len();
            (encoding, bytes)
        }
    };
    let css = pactum_web::ui::assets::url("app.css");
    for path in ["/login".to_owned(), css] {
        let (plain_enc, plain) = fetch(path.clone(), false).await;
        let (enc, packed) = fetch(path.clone(), true).await;
        assert_eq!(plain_enc, None, "{path}");
        assert_eq!(enc.as_deref(), Some("gzip"), "{path}");
        assert!(packed * 2 < plain, "{path}: {packed} of {plain} bytes");
    }
}

async fn organisation_settings_are_kept_by_owners_and_admins(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let mut owner = signed_in(&app, &user, &password).await;
    let page = owner.get(&app, "/orgs/practions/settings").await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("value=\"Klaver Solutions\""));
    let csrf = page.hidden("csrf");
    let form = |legal: &str, two_factor: bool| {
        let mut f = vec![
            ("csrf".to_owned(), csrf.clone()),
            ("legal_name".to_owned(), legal.to_owned()),
            ("country".to_owned(), "NL".to_owned()),
            ("dpo_name".to_owned(), "Fenna de Vries".to_owned()),
        ];
        if two_factor {
            f.push(("require_two_factor".to_owned(), "yes".to_owned()));
        }
        f
    };
    let f = form("", false);
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let bad = owner.post(&app, "/orgs/practions/settings", &refs).await;
    assert_eq!(bad.status, 422);
    assert!(bad.html.contains("Enter the legal name"));
    assert!(
        bad.html.contains("value=\"Fenna de Vries\""),
        "what was typed stays"
    );
    let f = form("Klaver Solutions B.V.", false);
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let ok = owner.post(&app, "/orgs/practions/settings", &refs).await;
    assert_eq!(ok.location(), "/orgs/practions/settings?m=saved");
    let saved = owner.get(&app, ok.location()).await;
    assert!(saved.html.contains("The settings are saved."));
    assert!(saved.html.contains("value=\"Fenna de Vries\""));
    let org = pactum_store::organisations::by_slug(&app.db.store, "practions")
        .await
        .unwrap();
    assert_eq!(org.data.dpo_name.as_deref(), Some("Fenna de Vries"));
    assert_eq!(
        org.data.slug, "practions",
        "what the form does not show is kept"
    );

    // Members: add, change the role, remove after a confirmation page.
    let add = owner
        .post(
            &app,
            "/orgs/practions/members",
            &[
                ("csrf", &csrf),
                ("email", "Nina@Practions.example"),
                ("role", "editor"),
            ],
        )
        .await;
    assert_eq!(add.location(), "/orgs/practions/settings?m=added#members");
    let page = owner.get(&app, "/orgs/practions/settings?m=added").await;
    assert!(page.html.contains("The member is added."));
    assert!(page.html.contains("nina@practions.example"));
    let bad = owner
        .post(
            &app,
            "/orgs/practions/members",
            &[
                ("csrf", &csrf),
                ("email", "not-an-address"),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.html.contains("like name@example.com"));
    let members = pactum_store::members::list(&app.db.store, pactum_store::scope::OrgId(org.id))
        .await
        .unwrap();
    let nina = members
        .iter()
        .find(|m| m.email == "nina@practions.example")
        .unwrap()
        .id;
    let me = members
        .iter()
        .find(|m| m.role == pactum_domain::organisation::MemberRole::Owner)
        .unwrap()
        .id;
    let changed = owner
        .post(
            &app,
            &format!("/orgs/practions/members/{nina}/role"),
            &[("csrf", &csrf), ("role", "auditor")],
        )
        .await;
    assert_eq!(
        changed.location(),
        "/orgs/practions/settings?m=role_changed#members"
    );
    let last = owner
        .post(
            &app,
            &format!("/orgs/practions/members/{me}/role"),
            &[("csrf", &csrf), ("role", "viewer")],
        )
        .await;
    assert_eq!(last.status, 422);
    assert!(last.html.contains("keeps at least one owner"));
    let confirm = owner
        .get(&app, &format!("/orgs/practions/members/{nina}/remove"))
        .await;
    assert!(
        confirm
            .html
            .contains("Remove this member? nina@practions.example")
    );
    let removed = owner
        .post(
            &app,
            &format!("/orgs/practions/members/{nina}/remove"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(
        removed.location(),
        "/orgs/practions/settings?m=removed#members"
    );
    let members = pactum_store::members::list(&app.db.store, pactum_store::scope::OrgId(org.id))
        .await
        .unwrap();
    assert!(members.iter().all(|m| m.email != "nina@practions.example"));

    // Requiring 2FA locks out the owner until they turn it on themselves.
    let f = form("Klaver Solutions B.V.", true);
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    owner.post(&app, "/orgs/practions/settings", &refs).await;
    let locked = owner.get(&app, "/orgs/practions").await;
    assert_eq!(locked.status, 403);
    assert!(locked.html.contains("Turn on two-factor authentication"));
}

async fn forgotten_passwords_are_asked_for_through_a_form(db: TestDb) {
    let sink = crate::support::SmtpSink::start().await;
    let mut settings = crate::support::test_settings();
    settings.smtp = Some(pactum_web::mail::SmtpSettings {
        host: "127.0.0.1".into(),
        port: sink.port,
        from: "Pactum <pactum@pactum.test>".into(),
    });
    let app = TestApp::with_settings(db, settings).await;
    let mut v = Visitor {
        language: Some("nl"),
        ..Visitor::default()
    };
    let login = v.get(&app, "/login").await;
    assert!(login.html.contains("href=\"/password/forgot\""));
    let ask = |page: &Page, email: &str| {
        let challenge = page.hidden("challenge");
        vec![
            ("csrf".to_owned(), page.hidden("csrf")),
            ("form_token".to_owned(), page.hidden("form_token")),
            (
                "nonce".to_owned(),
                pactum_crypto::pow::solve(&challenge).to_string(),
            ),
            ("challenge".to_owned(), challenge),
            ("email".to_owned(), email.to_owned()),
        ]
    };
    let mut form = v.get(&app, "/password/forgot").await;
    assert!(form.html.contains("Wachtwoord vergeten?"));
    for email in ["nobody@practions.example", "privacy@practions.example"] {
        // Each answer carries a fresh puzzle: one is spent per request.
        let f = ask(&form, email);
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let sent = v.post(&app, "/password/forgot", &refs).await;
        assert_eq!(sent.status, 200, "{}", sent.html);
        assert!(
            sent.html.contains("Als een account dit adres gebruikt"),
            "the same answer for {email}"
        );
        form = sent;
    }
    let mail = sink
        .message_to("privacy@practions.example", "account/reset-password?token=")
        .await;
    assert!(
        mail.contains("Reset your password"),
        "in the account's language (English)"
    );
    assert_eq!(sink.count(), 1, "nothing went to the unknown address");
}

async fn profile_language_and_password_are_changed_on_the_account_page(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let mut v = signed_in(&app, &user, &password).await;
    let page = v.get(&app, "/account").await;
    assert!(page.html.contains("<html lang=\"en\">"));
    let csrf = page.hidden("csrf");
    let saved = v
        .post(
            &app,
            "/account/profile",
            &[
                ("csrf", &csrf),
                ("display_name", "Fenna"),
                ("language", "nl"),
            ],
        )
        .await;
    assert_eq!(saved.location(), "/account?m=profile_saved");
    let page = v.get(&app, saved.location()).await;
    assert!(
        page.html.contains("<html lang=\"nl\">"),
        "the account now speaks Dutch"
    );
    assert!(page.html.contains("Uw profiel is opgeslagen."));
    assert!(page.html.contains("value=\"Fenna\""));

    let wrong = v
        .post(
            &app,
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", "nope"),
                ("new_password", "harbour-violet-quill-61"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.html.contains("Het huidige wachtwoord klopt niet"));
    let weak = v
        .post(
            &app,
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", &password),
                ("new_password", "password1234"),
            ],
        )
        .await;
    assert_eq!(weak.status, 422);
    assert!(weak.html.contains("te makkelijk te raden"));
    let before = v.cookie("__Host-pactum_session").map(str::to_owned);
    let changed = v
        .post(
            &app,
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", &password),
                ("new_password", "harbour-violet-quill-61"),
            ],
        )
        .await;
    assert_eq!(changed.location(), "/account?m=password_changed");
    assert_ne!(
        v.cookie("__Host-pactum_session").map(str::to_owned),
        before,
        "a new session id"
    );
    let page = v.get(&app, changed.location()).await;
    assert!(page.html.contains("Uw wachtwoord is gewijzigd."));
    let again = signed_in(&app, &user, "harbour-violet-quill-61").await;
    assert!(again.cookie("__Host-pactum_session").is_some());
}

async fn personal_api_tokens_are_made_and_revoked_on_a_page(db: TestDb) {
    let app = TestApp::new(db).await;
    let (user, password) = app.logins[0].clone();
    let mut v = signed_in(&app, &user, &password).await;
    let page = v.get(&app, "/orgs/practions/tokens").await;
    assert_eq!(page.status, 200);
    let csrf = page.hidden("csrf");
    let empty = v
        .post(
            &app,
            "/orgs/practions/tokens",
            &[("csrf", &csrf), ("name", ""), ("scope", "read")],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(empty.html.contains("Enter what the token is for"));
    let made = v
        .post(
            &app,
            "/orgs/practions/tokens",
            &[
                ("csrf", &csrf),
                ("name", "Nightly export"),
                ("scope", "read"),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.html);
    let secret = made
        .html
        .split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert!(secret.starts_with("pct_"));
    assert_eq!(
        app.get("/api/v1/orgs/practions/projects", &secret)
            .await
            .status,
        200
    );
    assert_eq!(
        app.send(
            "POST",
            "/api/v1/orgs/practions/projects",
            Some(&secret),
            Some(serde_json::json!({"name": "x"}))
        )
        .await
        .status,
        403,
        "a read token cannot write"
    );
    let listed = v.get(&app, "/orgs/practions/tokens").await;
    assert!(listed.html.contains("Nightly export"));
    assert!(
        !listed.html.contains(&secret),
        "the secret is never shown again"
    );
    let row = listed
        .html
        .split("<tr>")
        .find(|r| r.contains("Nightly export"))
        .unwrap();
    let id = row
        .split("/orgs/practions/tokens/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let confirm = v
        .get(&app, &format!("/orgs/practions/tokens/{id}/revoke"))
        .await;
    assert!(confirm.html.contains("Revoke this token? Nightly export"));
    let done = v
        .post(
            &app,
            &format!("/orgs/practions/tokens/{id}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(done.location(), "/orgs/practions/tokens?m=revoked");
    assert_eq!(
        app.get("/api/v1/orgs/practions/projects", &secret)
            .await
            .status,
        401
    );
}

async fn the_email_address_is_changed_from_the_account_page(db: TestDb) {
    let sink = crate::support::SmtpSink::start().await;
    let mut settings = crate::support::test_settings();
    settings.smtp = Some(pactum_web::mail::SmtpSettings {
        host: "127.0.0.1".into(),
        port: sink.port,
        from: "Pactum <pactum@pactum.test>".into(),
    });
    let app = TestApp::with_settings(db, settings).await;
    let (user, password) = app.logins[0].clone();
    let mut v = signed_in(&app, &user, &password).await;
    let csrf = v.get(&app, "/account").await.hidden("csrf");
    let wrong = v
        .post(
            &app,
            "/account/email",
            &[
                ("csrf", &csrf),
                ("new_email", "fenna@klaver.example"),
                ("password", "nope"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.html.contains("The current password is wrong"));
    let sent = v
        .post(
            &app,
            "/account/email",
            &[
                ("csrf", &csrf),
                ("new_email", "Fenna@Klaver.example"),
                ("password", &password),
            ],
        )
        .await;
    assert_eq!(sent.location(), "/account?m=email_sent");
    let mail = sink
        .message_to("fenna@klaver.example", "account/confirm-email?token=")
        .await;
    let start = mail.find("confirm-email?token=").unwrap() + "confirm-email?token=".len();
    let token = mail[start..]
        .split(char::is_whitespace)
        .next()
        .unwrap()
        .to_owned();
    let page = v
        .get(&app, &format!("/account/confirm-email?token={token}"))
        .await;
    let done = v
        .post(
            &app,
            "/account/confirm-email",
            &[("csrf", &page.hidden("csrf")), ("token", &token)],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.html);
    sink.message_to(
        "privacy@practions.example",
        "e-mail address of your Pactum account was changed",
    )
    .await;
    assert!(
        v.get(&app, "/account")
            .await
            .html
            .contains("fenna@klaver.example")
    );
}

on_both_backends!(
    signing_in_and_out_in_the_browser,
    english_by_default_and_expired_sessions_say_so,
    registering_through_the_form,
    emailed_links_open_pages_that_use_them_once,
    two_factor_is_turned_on_from_the_account_page,
    projects_and_lists_follow_the_role,
    pages_and_styles_are_sent_compressed,
    organisation_settings_are_kept_by_owners_and_admins,
    forgotten_passwords_are_asked_for_through_a_form,
    profile_language_and_password_are_changed_on_the_account_page,
    personal_api_tokens_are_made_and_revoked_on_a_page,
    the_email_address_is_changed_from_the_account_page,
);
