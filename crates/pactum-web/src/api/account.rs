//! Accounts: the public forms (registration, sign-in), the session, and one's own profile,
//! password, sessions and two-factor authentication.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pactum_crypto::keyring::Category;
use pactum_crypto::{pow, secret, totp};
use pactum_domain::account::{ProfileChange, Registration, check_password};
use pactum_domain::organisation::Organisation;
use pactum_domain::validation::Violations;
use pactum_store::accounts::{self, Credentials, EmailPurpose, Membership, NewAccount, User};
use pactum_store::audit::{self, Event};
use pactum_store::sessions::{self, Session};
use pactum_store::throttle;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{CSRF_COOKIE, Client, Credential, Principal, SESSION_COOKIE, csrf_token};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, decode, path_id};
use crate::mail::{self, Change, Mail};
use crate::state::AppState;

/// A public form's anti-bot material.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormTicket {
    /// Send back as `proof.form_token`.
    pub form_token: String,
    /// Find a `nonce` such that SHA-256(`challenge` ":" `nonce`) starts with `difficulty`
    /// zero bits; send both back in `proof`.
    pub challenge: String,
    pub difficulty: u8,
    /// The terms and DPA version a registration accepts.
    pub terms_version: String,
}

pub async fn form(State(state): State<AppState>) -> Json<FormTicket> {
    Json(ticket(&state))
}

/// A fresh anti-bot ticket for a public form.
pub(crate) fn ticket(state: &AppState) -> FormTicket {
    let now = state.clock.now();
    let signer = &state.security.signer;
    let auth = state.auth();
    FormTicket {
        form_token: signer.sign("form", &now.unix_timestamp().to_string()),
        challenge: pow::issue(
            signer,
            auth.pow_difficulty,
            (now + auth.form_ttl).unix_timestamp(),
        ),
        difficulty: auth.pow_difficulty,
        terms_version: auth.terms_version.clone(),
    }
}

/// Checks the honeypot, the fill time and the proof of work (once only).
pub(crate) async fn check_proof(
    state: &AppState,
    proof: &pactum_domain::account::FormProof,
) -> ApiResult<()> {
    let refuse = |why: &str| {
        ApiError::Invalid(Violations::single(
            "proof",
            "human",
            format!("proof {why}; fetch a fresh form from /api/v1/auth/form and try again."),
        ))
    };
    if !proof.website.is_empty() {
        return Err(refuse("was not accepted"));
    }
    let now = state.clock.now();
    let signer = &state.security.signer;
    let issued = signer
        .verify("form", &proof.form_token)
        .and_then(|t| t.parse::<i64>().ok())
        .ok_or_else(|| refuse("has an invalid form_token"))?;
    let age = now.unix_timestamp() - issued;
    let auth = state.auth();
    if age < auth.min_fill.whole_seconds() {
        return Err(refuse(
            "came back too fast to have been filled in by a person",
        ));
    }
    if age > auth.form_ttl.whole_seconds() {
        return Err(refuse("has expired"));
    }
    let verified = pow::verify(signer, &proof.challenge, proof.nonce, now.unix_timestamp())
        .map_err(|e| refuse(&format!("is not valid ({e})")))?;
    let expires = OffsetDateTime::from_unix_timestamp(verified.expires_unix).unwrap_or(now);
    if !throttle::spend_challenge(&state.store, &verified.id, expires, now).await? {
        return Err(refuse("was already used"));
    }
    Ok(())
}

/// The signed-in user and the CSRF token their page must echo.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedIn {
    pub user: User,
    pub csrf_token: String,
}

fn cookie_header(name: &str, value: &str, http_only: bool) -> HeaderValue {
    let flags = if http_only { "; HttpOnly" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Secure; SameSite=Strict{flags}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub(crate) fn clearing_cookies(res: &mut Response) {
    for name in [SESSION_COOKIE, CSRF_COOKIE] {
        if let Ok(v) = HeaderValue::from_str(&format!(
            "{name}=; Path=/; Secure; SameSite=Strict; HttpOnly; Max-Age=0"
        )) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
}

/// Starts a session for a user who has just proved who they are: the session secret for
/// the cookie and its CSRF token.
pub(crate) async fn open_session(
    state: &AppState,
    client: &Client,
    user: Uuid,
) -> ApiResult<(String, String)> {
    let session_secret = secret::random_token("");
    sessions::create(
        &state.store,
        &client.actor(Some(user)),
        user,
        &secret::digest(&session_secret),
        state.clock.now(),
    )
    .await?;
    let csrf = csrf_token(state, &session_secret);
    Ok((session_secret, csrf))
}

/// The two cookies of a session.
pub(crate) fn session_cookies(session_secret: &str, csrf: &str) -> [HeaderValue; 2] {
    [
        cookie_header(SESSION_COOKIE, session_secret, true),
        cookie_header(CSRF_COOKIE, csrf, false),
    ]
}

/// Starts a session and answers with its cookies.
async fn start_session(
    state: &AppState,
    client: &Client,
    user: User,
    status: StatusCode,
) -> ApiResult<Response> {
    let (session_secret, csrf) = open_session(state, client, user.id).await?;
    let mut res = (
        status,
        Json(SignedIn {
            user,
            csrf_token: csrf.clone(),
        }),
    )
        .into_response();
    for c in session_cookies(&session_secret, &csrf) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// A new id for the session (after a privilege change), as the cookies that carry it.
pub(crate) async fn renewed_cookies(
    state: &AppState,
    session: Uuid,
) -> ApiResult<[HeaderValue; 2]> {
    let session_secret = secret::random_token("");
    sessions::rotate(&state.store, session, &secret::digest(&session_secret)).await?;
    let csrf = csrf_token(state, &session_secret);
    Ok(session_cookies(&session_secret, &csrf))
}

pub async fn register(
    State(state): State<AppState>,
    client: Client,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let reg: Registration = decode(body)?;
    let user = create_account(&state, &client, reg).await?;
    start_session(&state, &client, user, StatusCode::CREATED).await
}

/// Registration, for the API and the web form alike: the bot checks, every rule, then the
/// user, organisation, membership and consents in one transaction, and the verification mail.
pub(crate) async fn create_account(
    state: &AppState,
    client: &Client,
    mut reg: Registration,
) -> ApiResult<User> {
    check_proof(state, &reg.proof).await?;
    reg.normalise();
    reg.validate(&state.auth().terms_version)
        .map_err(ApiError::Invalid)?;
    let organisation: Organisation = decode(serde_json::json!({
        "slug": reg.organisation.slug,
        "legal_name": reg.organisation.legal_name,
        "country": reg.organisation.country,
        "default_language": reg.language,
    }))?;
    let password_hash = state
        .security
        .passwords
        .hash(&reg.password)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let account = NewAccount {
        username: reg.username,
        email: reg.email,
        display_name: reg.display_name,
        language: reg.language,
        password_hash,
        organisation,
        consents: vec![
            ("terms", reg.terms_version.clone()),
            ("dpa", reg.terms_version),
        ],
    };
    let (user, _org) = accounts::register(
        &state.store,
        &client.actor(None),
        account,
        state.clock.now(),
    )
    .await?;
    send_verification(state, &user).await?;
    Ok(user)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// Username or e-mail address.
    pub login: String,
    pub password: String,
    /// The current code of the authenticator app, or one backup code, when two-factor
    /// authentication is on.
    #[serde(default)]
    pub code: Option<String>,
    /// Cancels the account's scheduled deletion, when it has one, and signs in.
    #[serde(default)]
    pub recover: bool,
}

fn lock_error(until: OffsetDateTime, now: OffsetDateTime) -> ApiError {
    ApiError::TooManyRequests((until - now).whole_seconds().max(1) as u64)
}

/// Checks a login's password and second factor, with the per-account and per-address
/// back-off. Unknown users cost the same bcrypt work and get the same answer. An account
/// scheduled for deletion is told so only once password and second factor are right; with
/// `recover` its deletion is cancelled.
pub(crate) async fn verify_login(
    state: &AppState,
    client: &Client,
    login: &str,
    password: &str,
    code: Option<&str>,
    recover: bool,
) -> ApiResult<Credentials> {
    let now = state.clock.now();
    let found = accounts::by_login(&state.store, login).await?;
    // One counter per account, whichever of username or address is typed; unknown names
    // get a counter of their own so they answer exactly like known ones.
    let account_key = match &found {
        Some(c) => format!("user:{}", c.user.id),
        None => format!("acct:{}", login.trim().to_ascii_lowercase()),
    };
    let ip_key = format!("ip:{}", client.ip);
    for (key, bucket) in [
        (&account_key, "account_backoff"),
        (&ip_key, "address_backoff"),
    ] {
        if let Some(until) = throttle::locked_until(&state.store, key, now).await? {
            state.metrics.limited(bucket);
            return Err(lock_error(until, now));
        }
    }
    let passwords = &state.security.passwords;
    let ok = match found.as_ref().and_then(|c| c.password_hash.as_deref()) {
        Some(hash) => passwords.verify(password, hash),
        None => passwords.verify_nobody(password),
    };
    let backoff = state.auth().backoff;
    // Many people can share one address (an office, a VPN): it gets more room than an account.
    let ip_backoff = throttle::Backoff {
        free: backoff.free * 4,
        ..backoff
    };
    let known = found.as_ref().map(|c| c.user.id);
    let Some(creds) = found.filter(|_| ok) else {
        throttle::fail(&state.store, &account_key, backoff, now).await?;
        throttle::fail(&state.store, &ip_key, ip_backoff, now).await?;
        if let Some(user) = known {
            audit::record(
                &state.store,
                &client.actor(Some(user)),
                Event::account("login.failed", Some(user)),
                now,
            )
            .await?;
        }
        return Err(ApiError::BadCredentials);
    };
    if creds.user.two_factor_enabled {
        let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
            return Err(ApiError::TwoFactorNeeded(
                "Enter the code from your authenticator app, or a backup code.".into(),
            ));
        };
        if !second_factor(state, client, &creds, code).await? {
            throttle::fail(&state.store, &account_key, backoff, now).await?;
            return Err(ApiError::TwoFactorNeeded(
                "That code is wrong or was already used; enter the current code.".into(),
            ));
        }
    }
    throttle::clear(&state.store, &account_key).await?;
    if let Some(hash) = creds.password_hash.as_deref()
        && passwords.needs_rehash(hash)
        && let Ok(new) = passwords.hash(password)
    {
        accounts::rehash_password(&state.store, creds.user.id, hash, new).await?;
    }
    if let Some(purge_at) = creds.purge_at {
        if !recover {
            return Err(ApiError::AccountScheduled {
                purge_at: pactum_domain::timestamp::format(purge_at),
            });
        }
        pactum_store::lifecycle::recover_account(
            &state.store,
            &client.actor(Some(creds.user.id)),
            creds.user.id,
            now,
        )
        .await?;
    }
    Ok(creds)
}

fn totp_context(user: Uuid) -> String {
    format!("users.totp_secret:{user}")
}

fn backup_hash(state: &AppState, code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    state.security.signer.mac("backup-code", &normal)
}

/// A TOTP code (each time step once only) or an unused backup code.
async fn second_factor(
    state: &AppState,
    client: &Client,
    creds: &Credentials,
    code: &str,
) -> ApiResult<bool> {
    let user = creds.user.id;
    let Some(sealed) = creds.totp_secret.as_deref() else {
        return Ok(false);
    };
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()) {
        let secret = state
            .security
            .keys
            .decrypt(Category::Totp, &totp_context(user), sealed)
            .map_err(|e| ApiError::Internal(format!("TOTP secret: {e}")))?;
        let now = state.clock.now().unix_timestamp().max(0) as u64;
        let Some(step) = totp::matching_step(&secret, &digits, now) else {
            return Ok(false);
        };
        if accounts::use_totp_step(&state.store, user, step as i64).await? {
            return Ok(true);
        }
        audit::record(
            &state.store,
            &client.actor(Some(user)),
            Event::account("two_factor.code_reused", Some(user)),
            state.clock.now(),
        )
        .await?;
        return Ok(false);
    }
    Ok(accounts::use_backup_code(
        &state.store,
        &client.actor(Some(user)),
        user,
        &backup_hash(state, code),
        state.clock.now(),
    )
    .await?)
}

pub async fn login(
    State(state): State<AppState>,
    client: Client,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let login: Login = decode(body)?;
    let creds = verify_login(
        &state,
        &client,
        &login.login,
        &login.password,
        login.code.as_deref(),
        login.recover,
    )
    .await?;
    start_session(&state, &client, creds.user, StatusCode::OK).await
}

pub async fn logout(
    State(state): State<AppState>,
    client: Client,
    who: Principal,
) -> ApiResult<Response> {
    if let Some(id) = who.session_id() {
        sessions::revoke(
            &state.store,
            &client.actor(Some(who.user_id)),
            who.user_id,
            id,
            state.clock.now(),
        )
        .await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    clearing_cookies(&mut res);
    Ok(res)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reauth {
    pub password: String,
    #[serde(default)]
    pub code: Option<String>,
}

/// Proves, again, that the person at the keyboard is the account holder.
pub async fn reauth(
    State(state): State<AppState>,
    client: Client,
    who: Principal,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let r: Reauth = decode(body)?;
    reauthenticate(&state, &client, &who, &r.password, r.code.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A fresh proof of identity in this browser session.
pub(crate) async fn reauthenticate(
    state: &AppState,
    client: &Client,
    who: &Principal,
    password: &str,
    code: Option<&str>,
) -> ApiResult<()> {
    let Some(session) = who.session_id() else {
        return Err(ApiError::Forbidden(
            "Re-authentication is for browser sessions.".into(),
        ));
    };
    let user = accounts::get(&state.store, who.user_id).await?;
    let login = user.username.clone().unwrap_or(user.email.clone());
    verify_login(state, client, &login, password, code, false).await?;
    sessions::mark_reauthenticated(&state.store, session, state.clock.now()).await?;
    Ok(())
}

/// Sensitive account changes need a browser session with a fresh proof of identity.
pub(crate) fn require_fresh(state: &AppState, who: &Principal) -> ApiResult<Uuid> {
    match who.credential {
        Credential::Session { id, reauth_at } => {
            if reauth_at.is_some_and(|t| state.clock.now() - t <= state.auth().reauth_window) {
                Ok(id)
            } else {
                Err(ApiError::ReauthRequired)
            }
        }
        _ => Err(ApiError::Forbidden(
            "Account security is changed in a browser session, not with a token.".into(),
        )),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub user: User,
    pub organisations: Vec<Membership>,
    pub backup_codes_left: i64,
    /// The terms and DPA versions you accepted, and when.
    pub consents: Vec<pactum_store::accounts::Consent>,
}

pub async fn me(State(state): State<AppState>, who: Principal) -> ApiResult<Json<Me>> {
    Ok(Json(Me {
        user: accounts::get(&state.store, who.user_id).await?,
        organisations: accounts::memberships(&state.store, who.user_id).await?,
        backup_codes_left: accounts::backup_codes_left(&state.store, who.user_id).await?,
        consents: accounts::consents(&state.store, who.user_id).await?,
    }))
}

pub async fn update_me(
    State(state): State<AppState>,
    client: Client,
    who: Principal,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<User>> {
    let mut change: ProfileChange = decode(body)?;
    change.normalise();
    change.validate().map_err(ApiError::Invalid)?;
    Ok(Json(
        accounts::update_profile(
            &state.store,
            &client.actor(Some(who.user_id)),
            who.user_id,
            change,
            state.clock.now(),
        )
        .await?,
    ))
}

pub async fn my_orgs(
    State(state): State<AppState>,
    who: Principal,
) -> ApiResult<Json<Vec<Membership>>> {
    Ok(Json(
        accounts::memberships(&state.store, who.user_id).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    client: Client,
    who: Principal,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let change: PasswordChange = decode(body)?;
    let cookies = set_new_password(&state, &client, &who, change).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    for c in cookies {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// Changes the password after checking the current one; other sessions end and this one
/// gets a new id (its cookies are returned).
pub(crate) async fn set_new_password(
    state: &AppState,
    client: &Client,
    who: &Principal,
    change: PasswordChange,
) -> ApiResult<[HeaderValue; 2]> {
    let Some(session) = who.session_id() else {
        return Err(ApiError::Forbidden(
            "Account security is changed in a browser session, not with a token.".into(),
        ));
    };
    let creds = accounts::credentials(&state.store, who.user_id).await?;
    let current_ok = creds
        .password_hash
        .as_deref()
        .is_some_and(|h| state.security.passwords.verify(&change.current_password, h));
    if !current_ok {
        return Err(ApiError::Invalid(Violations::single(
            "current_password",
            "matches",
            "current_password is not your current password.",
        )));
    }
    let u = &creds.user;
    let mut v = Violations::new();
    let inputs = [
        u.username.as_deref().unwrap_or_default(),
        u.email.as_str(),
        u.display_name.as_deref().unwrap_or_default(),
        "pactum",
    ];
    check_password(&mut v, "new_password", &change.new_password, &inputs);
    v.into_result().map_err(ApiError::Invalid)?;
    let hash = state
        .security
        .passwords
        .hash(&change.new_password)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    accounts::set_password(
        &state.store,
        &client.actor(Some(u.id)),
        u.id,
        hash,
        Some(session),
        state.clock.now(),
    )
    .await?;
    send_mail(state, &u.email, mail::notice(u.language, Change::Password));
    renewed_cookies(state, session).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    #[serde(flatten)]
    pub session: Session,
    /// True for the session this request came with.
    pub current: bool,
}

pub async fn my_sessions(
    State(state): State<AppState>,
    who: Principal,
) -> ApiResult<Json<Vec<SessionView>>> {
    let list = sessions::list(
        &state.store,
        who.user_id,
        state.auth().session,
        state.clock.now(),
    )
    .await?;
    let current = who.session_id();
    Ok(Json(
        list.into_iter()
            .map(|s| SessionView {
                current: Some(s.id) == current,
                session: s,
            })
            .collect(),
    ))
}

pub async fn end_session(
    State(state): State<AppState>,
    client: Client,
    who: Principal,
    Path(p): Path<std::collections::HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let id = path_id(&p, "id", "Session")?;
    sessions::revoke(
        &state.store,
        &client.actor(Some(who.user_id)),
        who.user_id,
        id,
        state.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new authenticator secret to scan.
#[derive(Debug, Serialize, ToSchema)]
pub struct Enrolment {
    /// Base32, for typing in by hand.
    pub secret: String,
    pub otpauth_uri: String,
    /// The QR code of `otpauth_uri`, as an SVG image.
    pub qr_svg: String,
}

pub async fn start_two_factor(
    State(state): State<AppState>,
    who: Principal,
) -> ApiResult<Json<Enrolment>> {
    require_fresh(&state, &who)?;
    Ok(Json(enrolment(&state, &who).await?))
}

/// A new pending authenticator secret, with its QR code.
pub(crate) async fn enrolment(state: &AppState, who: &Principal) -> ApiResult<Enrolment> {
    let user = accounts::get(&state.store, who.user_id).await?;
    if user.two_factor_enabled {
        return Err(ApiError::Conflict {
            field: "two_factor".into(),
            message:
                "two-factor authentication is already on; turn it off first to enrol a new device."
                    .into(),
        });
    }
    // A waiting secret is shown again (the person may have scanned it already); otherwise
    // a new one is made.
    let creds = accounts::credentials(&state.store, user.id).await?;
    let keys = &state.security.keys;
    let waiting = creds.totp_pending.as_deref().and_then(|sealed| {
        keys.decrypt(Category::Totp, &pending_context(user.id), sealed)
            .ok()
            .map(|s| s.to_vec())
    });
    let secret = match waiting {
        Some(secret) => secret,
        None => {
            let secret = totp::new_secret();
            let sealed = keys
                .encrypt(Category::Totp, &pending_context(user.id), &secret)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            accounts::set_totp_pending(&state.store, user.id, Some(sealed)).await?;
            secret
        }
    };
    let account = user.username.clone().unwrap_or(user.email.clone());
    let uri = totp::otpauth_uri("Pactum", &account, &secret);
    Ok(Enrolment {
        secret: totp::base32(&secret),
        qr_svg: totp::qr_svg(&uri),
        otpauth_uri: uri,
    })
}

fn pending_context(user: Uuid) -> String {
    format!("users.totp_pending:{user}")
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BackupCodes {
    /// Ten single-use codes, shown once.
    pub backup_codes: Vec<String>,
}

fn new_backup_codes(state: &AppState) -> (Vec<String>, Vec<String>) {
    let codes: Vec<String> = (0..10).map(|_| secret::human_code(10)).collect();
    let hashes = codes.iter().map(|c| backup_hash(state, c)).collect();
    (codes, hashes)
}

pub async fn confirm_two_factor(
    State(state): State<AppState>,
    client: Client,
    who: Principal,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let body: CodeBody = decode(body)?;
    let (codes, cookies) = confirm_enrolment(&state, &client, &who, &body.code).await?;
    let mut res = Json(BackupCodes {
        backup_codes: codes,
    })
    .into_response();
    for c in cookies {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// Turns 2FA on with a code of the pending secret: the backup codes (shown once) and the
/// cookies of the renewed session.
pub(crate) async fn confirm_enrolment(
    state: &AppState,
    client: &Client,
    who: &Principal,
    code: &str,
) -> ApiResult<(Vec<String>, [HeaderValue; 2])> {
    let session = require_fresh(state, who)?;
    let creds = accounts::credentials(&state.store, who.user_id).await?;
    let Some(pending) = creds.totp_pending.as_deref() else {
        return Err(ApiError::Conflict {
            field: "code".into(),
            message: "no enrolment is waiting; start one with POST /api/v1/me/two-factor.".into(),
        });
    };
    let keys = &state.security.keys;
    let secret = keys
        .decrypt(Category::Totp, &pending_context(who.user_id), pending)
        .map_err(|e| ApiError::Internal(format!("pending TOTP secret: {e}")))?;
    let now = state.clock.now().unix_timestamp().max(0) as u64;
    let Some(step) = totp::matching_step(&secret, code.trim(), now) else {
        return Err(ApiError::Invalid(Violations::single(
            "code",
            "totp",
            "code does not match: enter the 6-digit code your app shows now.",
        )));
    };
    let sealed = keys
        .encrypt(Category::Totp, &totp_context(who.user_id), &secret)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let (codes, hashes) = new_backup_codes(state);
    accounts::enable_totp(
        &state.store,
        &client.actor(Some(who.user_id)),
        who.user_id,
        sealed,
        step as i64,
        &hashes,
        Some(session),
        state.clock.now(),
    )
    .await?;
    send_mail(
        state,
        &creds.user.email,
        mail::notice(creds.user.language, Change::TwoFactorOn),
    );
    Ok((codes, renewed_cookies(state, session).await?))
}

async fn fresh_code(
    state: &AppState,
    client: &Client,
    who: &Principal,
    code: &str,
) -> ApiResult<()> {
    let creds = accounts::credentials(&state.store, who.user_id).await?;
    if !creds.user.two_factor_enabled {
        return Err(ApiError::Conflict {
            field: "two_factor".into(),
            message: "two-factor authentication is not on.".into(),
        });
    }
    if !second_factor(state, client, &creds, code).await? {
        return Err(ApiError::Invalid(Violations::single(
            "code",
            "totp",
            "code is wrong or was already used: enter the code your app shows now.",
        )));
    }
    Ok(())
}

pub async fn disable_two_factor(
    State(state): State<AppState>,
    client: Client,
    who: Principal,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let body: CodeBody = decode(body)?;
    turn_off_two_factor(&state, &client, &who, &body.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Turns 2FA off with a fresh code.
pub(crate) async fn turn_off_two_factor(
    state: &AppState,
    client: &Client,
    who: &Principal,
    code: &str,
) -> ApiResult<()> {
    require_fresh(state, who)?;
    fresh_code(state, client, who, code).await?;
    accounts::disable_totp(
        &state.store,
        &client.actor(Some(who.user_id)),
        who.user_id,
        state.clock.now(),
    )
    .await?;
    let user = accounts::get(&state.store, who.user_id).await?;
    send_mail(
        state,
        &user.email,
        mail::notice(user.language, Change::TwoFactorOff),
    );
    Ok(())
}

pub async fn renew_backup_codes(
    State(state): State<AppState>,
    client: Client,
    who: Principal,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<BackupCodes>> {
    require_fresh(&state, &who)?;
    let body: CodeBody = decode(body)?;
    fresh_code(&state, &client, &who, &body.code).await?;
    let (codes, hashes) = new_backup_codes(&state);
    accounts::replace_backup_codes(
        &state.store,
        &client.actor(Some(who.user_id)),
        who.user_id,
        &hashes,
        state.clock.now(),
    )
    .await?;
    Ok(Json(BackupCodes {
        backup_codes: codes,
    }))
}

fn send_mail(state: &AppState, to: &str, mail: Mail) {
    match &state.security.mailer {
        Some(m) => m.send(to, mail),
        None => tracing::warn!(
            kind = mail.kind,
            "account mail not sent: no SMTP relay is configured"
        ),
    }
}

fn link(state: &AppState, page: &str, token: &str) -> String {
    format!(
        "{}/{page}?token={token}",
        state.settings.public_url.trim_end_matches('/')
    )
}

/// Mails a fresh address-verification link.
async fn send_verification(state: &AppState, user: &User) -> ApiResult<()> {
    let token = secret::random_token("");
    accounts::create_email_token(
        &state.store,
        user.id,
        EmailPurpose::Verify,
        &secret::digest(&token),
        None,
        Duration::hours(24),
        state.clock.now(),
    )
    .await?;
    send_mail(
        state,
        &user.email,
        mail::verify_email(user.language, &link(state, "account/verify-email", &token)),
    );
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    pub token: String,
}

fn bad_link() -> ApiError {
    ApiError::Invalid(Violations::single(
        "token",
        "valid",
        "token is unknown, used or expired: ask for a new link.",
    ))
}

pub async fn verify_email(
    State(state): State<AppState>,
    client: Client,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let t: TokenBody = decode(body)?;
    use_verification(&state, &client, &t.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Uses an address-verification link.
pub(crate) async fn use_verification(
    state: &AppState,
    client: &Client,
    token: &str,
) -> ApiResult<()> {
    let now = state.clock.now();
    let (user, _) = accounts::take_email_token(
        &state.store,
        EmailPurpose::Verify,
        &secret::digest(token),
        now,
    )
    .await?
    .ok_or_else(bad_link)?;
    accounts::mark_email_verified(&state.store, &client.actor(Some(user)), user, now).await?;
    Ok(())
}

/// Sends a new verification link to the signed-in user.
pub async fn resend_verification(
    State(state): State<AppState>,
    who: Principal,
) -> ApiResult<StatusCode> {
    let user = accounts::get(&state.store, who.user_id).await?;
    if !user.email_verified {
        send_verification(&state, &user).await?;
    }
    Ok(StatusCode::ACCEPTED)
}

/// At most one reset mail per account this often, whatever the number of requests.
const RESET_MAIL_EVERY: Duration = Duration::minutes(2);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Forgot {
    pub email: String,
    pub proof: pactum_domain::account::FormProof,
}

/// Always the same answer, whether or not the address has an account.
pub async fn forgot_password(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let f: Forgot = decode(body)?;
    request_reset(&state, f).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Mails a reset link when the address has an account (at most one per two minutes per
/// account); the caller answers the same either way.
pub(crate) async fn request_reset(state: &AppState, f: Forgot) -> ApiResult<()> {
    check_proof(state, &f.proof).await?;
    let mut email = f.email;
    pactum_domain::account::normalise_email(&mut email);
    let mut v = Violations::new();
    pactum_domain::account::check_email(&mut v, "email", &email);
    v.into_result().map_err(ApiError::Invalid)?;
    let now = state.clock.now();
    if let Some(c) = accounts::by_login(&state.store, &email).await?
        && c.user.email == email
        && accounts::last_email_token_at(&state.store, c.user.id, EmailPurpose::Reset)
            .await?
            .is_none_or(|t| now - t >= RESET_MAIL_EVERY)
    {
        let token = secret::random_token("");
        accounts::create_email_token(
            &state.store,
            c.user.id,
            EmailPurpose::Reset,
            &secret::digest(&token),
            None,
            Duration::hours(1),
            state.clock.now(),
        )
        .await?;
        send_mail(
            state,
            &c.user.email,
            mail::reset_password(
                c.user.language,
                &link(state, "account/reset-password", &token),
            ),
        );
    }
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reset {
    pub token: String,
    pub new_password: String,
    /// Required when two-factor authentication is on: a reset never bypasses it.
    #[serde(default)]
    pub code: Option<String>,
}

pub async fn reset_password(
    State(state): State<AppState>,
    client: Client,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let r: Reset = decode(body)?;
    use_reset(&state, &client, r).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Uses a password-reset link: checks the new password and, when 2FA is on, the code.
pub(crate) async fn use_reset(state: &AppState, client: &Client, r: Reset) -> ApiResult<()> {
    let client = client.clone();
    let now = state.clock.now();
    let hash = secret::digest(&r.token);
    let user = accounts::email_token_user(&state.store, EmailPurpose::Reset, &hash, now)
        .await?
        .ok_or_else(bad_link)?;
    let creds = accounts::credentials(&state.store, user).await?;
    let u = &creds.user;
    let mut v = Violations::new();
    let inputs = [
        u.username.as_deref().unwrap_or_default(),
        u.email.as_str(),
        u.display_name.as_deref().unwrap_or_default(),
        "pactum",
    ];
    check_password(&mut v, "new_password", &r.new_password, &inputs);
    v.into_result().map_err(ApiError::Invalid)?;
    if u.two_factor_enabled {
        let Some(code) = r.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) else {
            return Err(ApiError::TwoFactorNeeded(
                "Enter the code from your authenticator app, or a backup code: a password reset does not turn two-factor authentication off.".into(),
            ));
        };
        // The same back-off as signing in: a mailed link is no way around it.
        let key = format!("user:{user}");
        if let Some(until) = throttle::locked_until(&state.store, &key, now).await? {
            return Err(lock_error(until, now));
        }
        if !second_factor(state, &client, &creds, code).await? {
            throttle::fail(&state.store, &key, state.auth().backoff, now).await?;
            return Err(ApiError::TwoFactorNeeded(
                "That code is wrong or was already used.".into(),
            ));
        }
    }
    accounts::take_email_token(&state.store, EmailPurpose::Reset, &hash, now)
        .await?
        .ok_or_else(bad_link)?;
    let new_hash = state
        .security
        .passwords
        .hash(&r.new_password)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    accounts::set_password(
        &state.store,
        &client.actor(Some(user)),
        user,
        new_hash,
        None,
        now,
    )
    .await?;
    // The link proved the mailbox is theirs.
    if !u.email_verified {
        accounts::mark_email_verified(&state.store, &client.actor(Some(user)), user, now).await?;
    }
    send_mail(state, &u.email, mail::notice(u.language, Change::Password));
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailChange {
    pub new_email: String,
    /// The current password: changing the address is changing who can recover the account.
    pub password: String,
}

/// Sends a confirmation link to the new address; the change happens when it is opened.
pub async fn change_email(
    State(state): State<AppState>,
    who: Principal,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let c: EmailChange = decode(body)?;
    request_email_change(&state, &who, c).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Checks the password and mails a confirmation link to the new address.
pub(crate) async fn request_email_change(
    state: &AppState,
    who: &Principal,
    c: EmailChange,
) -> ApiResult<()> {
    if who.session_id().is_none() {
        return Err(ApiError::Forbidden(
            "Account security is changed in a browser session, not with a token.".into(),
        ));
    }
    let creds = accounts::credentials(&state.store, who.user_id).await?;
    if !creds
        .password_hash
        .as_deref()
        .is_some_and(|h| state.security.passwords.verify(&c.password, h))
    {
        return Err(ApiError::Invalid(Violations::single(
            "password",
            "matches",
            "password is not your current password.",
        )));
    }
    let mut email = c.new_email;
    pactum_domain::account::normalise_email(&mut email);
    let mut v = Violations::new();
    pactum_domain::account::check_email(&mut v, "new_email", &email);
    v.into_result().map_err(ApiError::Invalid)?;
    let token = secret::random_token("");
    accounts::create_email_token(
        &state.store,
        who.user_id,
        EmailPurpose::ChangeEmail,
        &secret::digest(&token),
        Some(email.clone()),
        Duration::hours(24),
        state.clock.now(),
    )
    .await?;
    send_mail(
        state,
        &email,
        mail::verify_email(
            creds.user.language,
            &link(state, "account/confirm-email", &token),
        ),
    );
    Ok(())
}

pub async fn confirm_email(
    State(state): State<AppState>,
    client: Client,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let t: TokenBody = decode(body)?;
    use_email_change(&state, &client, &t.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Uses a change-of-address link, telling the old address.
pub(crate) async fn use_email_change(
    state: &AppState,
    client: &Client,
    token: &str,
) -> ApiResult<()> {
    let now = state.clock.now();
    let (user, new_email) = accounts::take_email_token(
        &state.store,
        EmailPurpose::ChangeEmail,
        &secret::digest(token),
        now,
    )
    .await?
    .ok_or_else(bad_link)?;
    let new_email = new_email.ok_or_else(bad_link)?;
    let before = accounts::get(&state.store, user).await?;
    accounts::set_email(
        &state.store,
        &client.actor(Some(user)),
        user,
        new_email,
        now,
    )
    .await?;
    send_mail(
        state,
        &before.email,
        mail::notice(before.language, Change::Email),
    );
    Ok(())
}
