//! People's accounts: registration, credentials, profile, e-mail tokens, two-factor
//! enrolment and backup codes, and which organisations a person belongs to.
//!
//! This module stores what it is given. Hashing passwords, encrypting TOTP secrets and
//! digesting tokens happen above it (`pactum-crypto`), so no secret in plain form ever
//! reaches a query.

use pactum_domain::organisation::{Language, MemberRole, Organisation};
use pactum_domain::timestamp::{self, serde_fmt};
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::database::Store;
use crate::error::{Result, StoreError};
use crate::organisations::{enum_from, enum_text};
use crate::records::Record;
use crate::row;
use crate::scope::OrgId;
use crate::sql::q;

/// A person as they see themselves.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct User {
    pub id: Uuid,
    pub username: Option<String>,
    pub email: String,
    pub display_name: Option<String>,
    pub language: Language,
    pub email_verified: bool,
    pub two_factor_enabled: bool,
    #[serde(with = "serde_fmt")]
    #[schema(value_type = String)]
    pub created_at: OffsetDateTime,
}

/// A user with what signing in checks.
#[derive(Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: Option<String>,
    /// The key ring's ciphertext of the TOTP secret.
    pub totp_secret: Option<String>,
    pub totp_pending: Option<String>,
    pub totp_last_step: Option<i64>,
    /// When the account is scheduled for deletion, the moment it goes.
    pub purge_at: Option<OffsetDateTime>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user.id)
            .finish_non_exhaustive()
    }
}

fn credentials_from(r: &AnyRow) -> Result<Credentials> {
    let language: String = row::text(r, "language")?;
    Ok(Credentials {
        user: User {
            id: row::uuid(r, "id")?,
            username: row::opt_text(r, "username")?,
            email: row::text(r, "email")?,
            display_name: row::opt_text(r, "display_name")?,
            language: enum_from(language, "users.language")?,
            email_verified: row::opt_ts(r, "email_verified_at")?.is_some(),
            two_factor_enabled: row::opt_ts(r, "totp_enabled_at")?.is_some(),
            created_at: row::ts(r, "created_at")?,
        },
        password_hash: row::opt_text(r, "password_hash")?,
        totp_secret: row::opt_text(r, "totp_secret")?,
        totp_pending: row::opt_text(r, "totp_pending")?,
        totp_last_step: row::opt_int(r, "totp_last_step")?,
        purge_at: row::opt_ts(r, "purge_at")?,
    })
}

/// A new account with its first organisation, already validated and hashed.
pub struct NewAccount {
    pub username: String,
    pub email: String,
    pub display_name: Option<String>,
    pub language: Language,
    pub password_hash: String,
    pub organisation: Organisation,
    /// Versions of the documents the person accepted: ("terms", "2026-11"), ("dpa", ...).
    pub consents: Vec<(&'static str, String)>,
}

fn taken(field: &str, what: &str) -> StoreError {
    StoreError::Conflict {
        field: field.into(),
        message: format!("{field} is already taken by another {what}; choose another."),
    }
}

/// Creates the user, the organisation with the user as owner, and the consent records, in
/// one transaction with their audit events.
pub async fn register(
    store: &Store,
    actor: &Actor,
    account: NewAccount,
    now: OffsetDateTime,
) -> Result<(User, Record<Organisation>)> {
    let now = timestamp::truncate(now);
    let user = User {
        id: Uuid::now_v7(),
        username: Some(account.username),
        email: account.email,
        display_name: account.display_name,
        language: account.language,
        email_verified: false,
        two_factor_enabled: false,
        created_at: now,
    };
    let mut tx = store.write().await?;
    let clash = q(
        "SELECT username, email FROM users WHERE username = $1 OR email = $2",
        vec![user.username.clone().into(), user.email.clone().into()],
    )
    .query()
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(r) = clash {
        return Err(if row::opt_text(&r, "username")? == user.username {
            taken("username", "account")
        } else {
            taken("email", "account")
        });
    }
    q(
        "INSERT INTO users (id, username, email, display_name, language, password_hash, password_changed_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7)",
        vec![
            user.id.into(),
            user.username.clone().into(),
            user.email.clone().into(),
            user.display_name.clone().into(),
            enum_text(&user.language)?.into(),
            account.password_hash.into(),
            now.into(),
        ],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    let mut org = Record {
        id: Uuid::now_v7(),
        project_id: None,
        created_at: now,
        updated_at: now,
        data: account.organisation,
    };
    crate::organisations::insert(&mut tx, &mut org)
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => taken("organisation.slug", "organisation"),
            other => other,
        })?;
    q(
        "INSERT INTO members (id, org_id, user_id, role, created_at, updated_at) VALUES ($1, $2, $3, 'owner', $4, $4)",
        vec![Uuid::now_v7().into(), org.id.into(), user.id.into(), now.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    for (document, version) in account.consents {
        q(
            "INSERT INTO consents (id, user_id, document, version, accepted_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            vec![
                Uuid::now_v7().into(),
                user.id.into(),
                document.into(),
                version.into(),
                now.into(),
                actor.ip.clone().into(),
                actor.user_agent.clone().into(),
            ],
        )
        .query()
        .execute(&mut *tx)
        .await?;
    }
    let actor = Actor {
        user_id: Some(user.id),
        ..actor.clone()
    };
    audit::append(
        &mut tx,
        &actor,
        Event::account("account.registered", Some(user.id)),
        now,
    )
    .await?;
    audit::append(
        &mut tx,
        &actor,
        Event::org(
            OrgId(org.id),
            "organisation.created",
            "organisation",
            Some(org.id),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((user, org))
}

/// The account signing in with this username or e-mail address.
pub async fn by_login(store: &Store, login: &str) -> Result<Option<Credentials>> {
    let login = login.trim().to_ascii_lowercase();
    let r = q(
        "SELECT id, username, email, display_name, language, email_verified_at, password_changed_at, \
         password_hash, totp_secret, totp_pending, totp_enabled_at, totp_last_step, created_at, purge_at \
         FROM users WHERE username = $1 OR email = $1",
        vec![login.into()],
    )
    .query()
    .fetch_optional(store.pool())
    .await?;
    r.as_ref().map(credentials_from).transpose()
}

pub async fn credentials(store: &Store, id: Uuid) -> Result<Credentials> {
    let mut conn = store.pool().acquire().await?;
    credentials_in(&mut conn, id).await
}

async fn credentials_in(conn: &mut AnyConnection, id: Uuid) -> Result<Credentials> {
    let r = q(
        "SELECT id, username, email, display_name, language, email_verified_at, password_changed_at, \
         password_hash, totp_secret, totp_pending, totp_enabled_at, totp_last_step, created_at, purge_at \
         FROM users WHERE id = $1",
        vec![id.into()],
    )
    .query()
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("user"))?;
    credentials_from(&r)
}

pub async fn get(store: &Store, id: Uuid) -> Result<User> {
    Ok(credentials(store, id).await?.user)
}

/// Changes username, display name or language.
pub async fn update_profile(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    change: pactum_domain::account::ProfileChange,
    now: OffsetDateTime,
) -> Result<User> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    let mut user = credentials_in(&mut tx, id).await?.user;
    if let Some(u) = change.username
        && user.username.as_deref() != Some(u.as_str())
    {
        let other = q(
            "SELECT id FROM users WHERE username = $1 AND id <> $2",
            vec![u.clone().into(), id.into()],
        )
        .query()
        .fetch_optional(&mut *tx)
        .await?;
        if other.is_some() {
            return Err(taken("username", "account"));
        }
        user.username = Some(u);
    }
    if change.display_name.is_some() {
        user.display_name = change.display_name.filter(|d| !d.is_empty());
    }
    if let Some(l) = change.language {
        user.language = l;
    }
    q(
        "UPDATE users SET username = $1, display_name = $2, language = $3, updated_at = $4 WHERE id = $5",
        vec![
            user.username.clone().into(),
            user.display_name.clone().into(),
            enum_text(&user.language)?.into(),
            now.into(),
            id.into(),
        ],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        actor,
        Event::account("profile.changed", Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// Ends every session and token of a user except one session (the one making the change).
pub(crate) async fn revoke_everything(
    conn: &mut AnyConnection,
    user: Uuid,
    keep_session: Option<Uuid>,
    now: OffsetDateTime,
) -> Result<()> {
    let keep = keep_session.map(|k| k.to_string()).unwrap_or_default();
    q(
        "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND id <> $3",
        vec![now.into(), user.into(), keep.into()],
    )
    .query()
    .execute(&mut *conn)
    .await?;
    for table in [
        "UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        "UPDATE access_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    ] {
        q(table, vec![now.into(), user.into()])
            .query()
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Sets a new password hash and signs the user out everywhere else.
pub async fn set_password(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    password_hash: String,
    keep_session: Option<Uuid>,
    now: OffsetDateTime,
) -> Result<()> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    let done = q(
        "UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2 WHERE id = $3",
        vec![password_hash.into(), now.into(), id.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("user"));
    }
    revoke_everything(&mut tx, id, keep_session, now).await?;
    audit::append(
        &mut tx,
        actor,
        Event::account("password.changed", Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces a stored hash with a stronger one after a successful sign-in.
pub async fn rehash_password(store: &Store, id: Uuid, old: &str, new: String) -> Result<()> {
    q(
        "UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3",
        vec![new.into(), id.into(), old.into()],
    )
    .query()
    .execute(store.pool())
    .await?;
    Ok(())
}

/// What an e-mailed link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailPurpose {
    Verify,
    Reset,
    ChangeEmail,
}

impl EmailPurpose {
    fn as_str(self) -> &'static str {
        match self {
            EmailPurpose::Verify => "verify",
            EmailPurpose::Reset => "reset",
            EmailPurpose::ChangeEmail => "change_email",
        }
    }
}

/// Stores the digest of an e-mailed token; earlier unused tokens of the same purpose die.
pub async fn create_email_token(
    store: &Store,
    user: Uuid,
    purpose: EmailPurpose,
    token_hash: &str,
    new_email: Option<String>,
    ttl: Duration,
    now: OffsetDateTime,
) -> Result<()> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    q(
        "UPDATE email_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL",
        vec![now.into(), user.into(), purpose.as_str().into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    q(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, new_email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        vec![
            token_hash.into(),
            user.into(),
            purpose.as_str().into(),
            new_email.into(),
            now.into(),
            (now + ttl).into(),
        ],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Uses an e-mailed token once: the user and, for a change of address, the new address.
/// Unknown, used and expired tokens are all `None`.
pub async fn take_email_token(
    store: &Store,
    purpose: EmailPurpose,
    token_hash: &str,
    now: OffsetDateTime,
) -> Result<Option<(Uuid, Option<String>)>> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    let r = q(
        "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 \
         RETURNING user_id, new_email",
        vec![now.into(), token_hash.into(), purpose.as_str().into()],
    )
    .query()
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    r.map(|r| Ok((row::uuid(&r, "user_id")?, row::opt_text(&r, "new_email")?)))
        .transpose()
}

/// When the user's newest e-mail token of this purpose was made, if any: a second mail
/// within a short while is not sent, so nobody can flood a mailbox through Pactum.
pub async fn last_email_token_at(
    store: &Store,
    user: Uuid,
    purpose: EmailPurpose,
) -> Result<Option<OffsetDateTime>> {
    let r = q(
        "SELECT MAX(created_at) AS t FROM email_tokens WHERE user_id = $1 AND purpose = $2",
        vec![user.into(), purpose.as_str().into()],
    )
    .query()
    .fetch_one(store.pool())
    .await?;
    row::opt_ts(&r, "t")
}

/// Looks up, without using it, whether a token is live (to show the reset form).
pub async fn email_token_user(
    store: &Store,
    purpose: EmailPurpose,
    token_hash: &str,
    now: OffsetDateTime,
) -> Result<Option<Uuid>> {
    let r = q(
        "SELECT user_id FROM email_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
        vec![token_hash.into(), purpose.as_str().into(), now.into()],
    )
    .query()
    .fetch_optional(store.pool())
    .await?;
    r.map(|r| row::uuid(&r, "user_id")).transpose()
}

pub async fn mark_email_verified(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<()> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    q(
        "UPDATE users SET email_verified_at = $1, updated_at = $1 WHERE id = $2",
        vec![now.into(), id.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        actor,
        Event::account("email.verified", Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the account to a confirmed new address.
pub async fn set_email(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    email: String,
    now: OffsetDateTime,
) -> Result<()> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    let other = q(
        "SELECT id FROM users WHERE email = $1 AND id <> $2",
        vec![email.clone().into(), id.into()],
    )
    .query()
    .fetch_optional(&mut *tx)
    .await?;
    if other.is_some() {
        return Err(taken("email", "account"));
    }
    q(
        "UPDATE users SET email = $1, email_verified_at = $2, updated_at = $2 WHERE id = $3",
        vec![email.into(), now.into(), id.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        actor,
        Event::account("email.changed", Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Keeps a TOTP secret (encrypted) until the user confirms it with a code.
pub async fn set_totp_pending(store: &Store, id: Uuid, ciphertext: Option<String>) -> Result<()> {
    q(
        "UPDATE users SET totp_pending = $1 WHERE id = $2",
        vec![ciphertext.into(), id.into()],
    )
    .query()
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Turns two-factor authentication on with the confirmed secret and a fresh set of
/// backup codes (their digests), signing the user out elsewhere.
#[allow(clippy::too_many_arguments)]
pub async fn enable_totp(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    ciphertext: String,
    step: i64,
    backup_code_hashes: &[String],
    keep_session: Option<Uuid>,
    now: OffsetDateTime,
) -> Result<()> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    q(
        "UPDATE users SET totp_secret = $1, totp_pending = NULL, totp_enabled_at = $2, totp_last_step = $3, updated_at = $2 WHERE id = $4",
        vec![ciphertext.into(), now.into(), step.into(), id.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    replace_backup_codes_in(&mut tx, id, backup_code_hashes, now).await?;
    revoke_everything(&mut tx, id, keep_session, now).await?;
    audit::append(
        &mut tx,
        actor,
        Event::account("two_factor.enabled", Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn disable_totp(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<()> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    q(
        "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_enabled_at = NULL, totp_last_step = NULL, updated_at = $1 WHERE id = $2",
        vec![now.into(), id.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    q(
        "DELETE FROM backup_codes WHERE user_id = $1",
        vec![id.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        actor,
        Event::account("two_factor.disabled", Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records that a TOTP time step was used. False when it (or a later one) was used
/// before: a code works once (ASVS 2.8.4), even between two racing requests.
pub async fn use_totp_step(store: &Store, id: Uuid, step: i64) -> Result<bool> {
    let done = q(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_secret IS NOT NULL \
         AND (totp_last_step IS NULL OR totp_last_step < $1)",
        vec![step.into(), id.into()],
    )
    .query()
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

async fn replace_backup_codes_in(
    conn: &mut AnyConnection,
    id: Uuid,
    hashes: &[String],
    now: OffsetDateTime,
) -> Result<()> {
    q(
        "DELETE FROM backup_codes WHERE user_id = $1",
        vec![id.into()],
    )
    .query()
    .execute(&mut *conn)
    .await?;
    for h in hashes {
        q(
            "INSERT INTO backup_codes (id, user_id, code_hash, created_at) VALUES ($1, $2, $3, $4)",
            vec![
                Uuid::now_v7().into(),
                id.into(),
                h.clone().into(),
                now.into(),
            ],
        )
        .query()
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn replace_backup_codes(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    hashes: &[String],
    now: OffsetDateTime,
) -> Result<()> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    replace_backup_codes_in(&mut tx, id, hashes, now).await?;
    audit::append(
        &mut tx,
        actor,
        Event::account("backup_codes.renewed", Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Uses a backup code once; false for an unknown or used one.
pub async fn use_backup_code(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    code_hash: &str,
    now: OffsetDateTime,
) -> Result<bool> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    let done = q(
        "UPDATE backup_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        vec![now.into(), id.into(), code_hash.into()],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    audit::append(
        &mut tx,
        actor,
        Event::account("backup_code.used", Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn backup_codes_left(store: &Store, id: Uuid) -> Result<i64> {
    let r = q(
        "SELECT COUNT(*) AS n FROM backup_codes WHERE user_id = $1 AND used_at IS NULL",
        vec![id.into()],
    )
    .query()
    .fetch_one(store.pool())
    .await?;
    row::int(&r, "n")
}

/// An organisation a user belongs to, with their role.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Membership {
    pub org_id: Uuid,
    pub slug: String,
    pub legal_name: String,
    pub role: MemberRole,
    pub require_two_factor: bool,
    /// The organisation's IANA time zone, in which its pages show times.
    pub timezone: String,
    /// When the organisation is scheduled for deletion (and locked), the moment it goes.
    #[serde(with = "pactum_domain::timestamp::serde_fmt_option")]
    #[schema(value_type = Option<String>)]
    pub purge_at: Option<OffsetDateTime>,
}

fn membership_from(r: &AnyRow) -> Result<Membership> {
    Ok(Membership {
        org_id: row::uuid(r, "org_id")?,
        slug: row::text(r, "slug")?,
        legal_name: row::text(r, "legal_name")?,
        role: enum_from(row::text(r, "role")?, "members.role")?,
        require_two_factor: row::boolean(r, "require_two_factor")?,
        timezone: row::text(r, "timezone")?,
        purge_at: row::opt_ts(r, "purge_at")?,
    })
}

pub async fn memberships(store: &Store, user: Uuid) -> Result<Vec<Membership>> {
    let rows = q(
        "SELECT o.id AS org_id, o.slug, o.legal_name, m.role, o.require_two_factor, o.timezone, o.purge_at \
         FROM members m JOIN organisations o ON o.id = m.org_id WHERE m.user_id = $1 ORDER BY o.slug",
        vec![user.into()],
    )
    .query()
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(membership_from).collect()
}

/// The user's membership of the organisation with this slug; `None` when the user is not
/// a member or the organisation does not exist, which callers answer alike.
pub async fn membership(store: &Store, user: Uuid, slug: &str) -> Result<Option<Membership>> {
    let r = q(
        "SELECT o.id AS org_id, o.slug, o.legal_name, m.role, o.require_two_factor, o.timezone, o.purge_at \
         FROM members m JOIN organisations o ON o.id = m.org_id WHERE m.user_id = $1 AND o.slug = $2",
        vec![user.into(), slug.into()],
    )
    .query()
    .fetch_optional(store.pool())
    .await?;
    r.as_ref().map(membership_from).transpose()
}

/// A recorded acceptance of one of Pactum's documents.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Consent {
    /// `terms` or `dpa`.
    pub document: String,
    pub version: String,
    #[serde(with = "serde_fmt")]
    #[schema(value_type = String)]
    pub accepted_at: OffsetDateTime,
}

/// The consent records of a user, oldest first.
pub async fn consents(store: &Store, user: Uuid) -> Result<Vec<Consent>> {
    let rows = q(
        "SELECT document, version, accepted_at FROM consents WHERE user_id = $1 ORDER BY accepted_at, document",
        vec![user.into()],
    )
    .query()
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Consent {
                document: row::text(r, "document")?,
                version: row::text(r, "version")?,
                accepted_at: row::ts(r, "accepted_at")?,
            })
        })
        .collect()
}

/// Creates a user without an organisation (the command line and the demo; people register
/// through [`register`]).
#[allow(clippy::too_many_arguments)]
pub async fn create_user(
    store: &Store,
    actor: &Actor,
    username: &str,
    email: &str,
    display_name: Option<&str>,
    password_hash: String,
    now: OffsetDateTime,
) -> Result<User> {
    let now = timestamp::truncate(now);
    let user = User {
        id: Uuid::now_v7(),
        username: Some(username.to_owned()),
        email: email.to_owned(),
        display_name: display_name.map(str::to_owned),
        language: Language::En,
        email_verified: true,
        two_factor_enabled: false,
        created_at: now,
    };
    let mut tx = store.write().await?;
    let clash = q(
        "SELECT username FROM users WHERE username = $1 OR email = $2",
        vec![username.into(), email.into()],
    )
    .query()
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(r) = clash {
        return Err(
            if row::opt_text(&r, "username")?.as_deref() == Some(username) {
                taken("username", "account")
            } else {
                taken("email", "account")
            },
        );
    }
    q(
        "INSERT INTO users (id, username, email, display_name, language, password_hash, password_changed_at, email_verified_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'en', $5, $6, $6, $6, $6)",
        vec![
            user.id.into(),
            username.into(),
            email.into(),
            display_name.into(),
            password_hash.into(),
            now.into(),
        ],
    )
    .query()
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        actor,
        Event::account("account.created", Some(user.id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// The organisation's longest-standing owner.
pub async fn first_owner(store: &Store, org: OrgId) -> Result<Option<Uuid>> {
    let r = q(
        "SELECT user_id FROM members WHERE org_id = $1 AND role = 'owner' ORDER BY created_at, id LIMIT 1",
        vec![org.0.into()],
    )
    .query()
    .fetch_optional(store.pool())
    .await?;
    r.map(|r| row::uuid(&r, "user_id")).transpose()
}
