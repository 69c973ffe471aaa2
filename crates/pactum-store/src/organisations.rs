//! Organisations: the tenants. Every other table hangs off one.

use pactum_domain::organisation::Organisation;
use pactum_domain::timestamp;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::database::Store;
use crate::error::{Result, StoreError};
use crate::records::Record;
use crate::scope::OrgId;
use crate::sql::{Sql, Value};

const COLUMNS: &str = "id, slug, legal_name, trade_name, address, country, registration_number, vat_number, \
dpo_name, dpo_email, dpo_phone, eu_representative, default_language, role, timezone, require_two_factor, holiday_region, closure_days, breach_reminder_hours, request_reminder_days, intake_enabled, trust_page_enabled, subprocessor_notice_days, created_at, updated_at";

/// An enum's serde name, e.g. `OrgRole::Both` -> "both".
pub(crate) fn enum_text<T: Serialize>(value: &T) -> Result<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Corrupt(
            "enum did not serialise to a string".into(),
        )),
    }
}

pub(crate) fn enum_from<T: serde::de::DeserializeOwned>(text: String, what: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.clone()))
        .map_err(|_| StoreError::Corrupt(format!("{what} holds unknown value {text:?}")))
}

fn values(org: &Organisation) -> Result<Vec<Value>> {
    Ok(vec![
        Value::from(org.slug.as_str()),
        Value::from(org.legal_name.as_str()),
        Value::Text(org.trade_name.clone()),
        Value::Text(org.address.clone()),
        Value::from(org.country.as_str()),
        Value::Text(org.registration_number.clone()),
        Value::Text(org.vat_number.clone()),
        Value::Text(org.dpo_name.clone()),
        Value::Text(org.dpo_email.clone()),
        Value::Text(org.dpo_phone.clone()),
        Value::Text(org.eu_representative.clone()),
        Value::from(enum_text(&org.default_language)?),
        Value::from(enum_text(&org.role)?),
        Value::from(org.timezone.as_str()),
        Value::Bool(org.require_two_factor),
        Value::Text(org.holiday_region.clone()),
        Value::Text(Some(
            serde_json::to_string(&org.closure_days)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        )),
        Value::Text(Some(
            serde_json::to_string(&org.breach_reminder_hours)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        )),
        Value::Text(Some(
            serde_json::to_string(&org.request_reminder_days)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        )),
        Value::Bool(org.intake_enabled),
        Value::Bool(org.trust_page_enabled),
        Value::Int(Some(org.subprocessor_notice_days.into())),
    ])
}

pub(crate) fn from_row(row: &AnyRow) -> Result<Record<Organisation>> {
    let text = |n: &str| row.try_get::<String, _>(n);
    let opt = |n: &str| row.try_get::<Option<String>, _>(n);
    let ts = |n: &str| -> Result<OffsetDateTime> {
        timestamp::parse(&text(n)?)
            .map_err(|e| StoreError::Corrupt(format!("organisations.{n}: {e}")))
    };
    Ok(Record {
        id: Uuid::parse_str(&text("id")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        project_id: None,
        created_at: ts("created_at")?,
        updated_at: ts("updated_at")?,
        data: Organisation {
            slug: text("slug")?,
            legal_name: text("legal_name")?,
            trade_name: opt("trade_name")?,
            address: opt("address")?,
            country: text("country")?,
            registration_number: opt("registration_number")?,
            vat_number: opt("vat_number")?,
            dpo_name: opt("dpo_name")?,
            dpo_email: opt("dpo_email")?,
            dpo_phone: opt("dpo_phone")?,
            eu_representative: opt("eu_representative")?,
            default_language: enum_from(
                text("default_language")?,
                "organisations.default_language",
            )?,
            role: enum_from(text("role")?, "organisations.role")?,
            timezone: text("timezone")?,
            require_two_factor: crate::row::boolean(row, "require_two_factor")?,
            holiday_region: opt("holiday_region")?,
            closure_days: serde_json::from_str(&text("closure_days")?)
                .map_err(|e| StoreError::Corrupt(format!("organisations.closure_days: {e}")))?,
            breach_reminder_hours: serde_json::from_str(&text("breach_reminder_hours")?).map_err(
                |e| StoreError::Corrupt(format!("organisations.breach_reminder_hours: {e}")),
            )?,
            request_reminder_days: serde_json::from_str(&text("request_reminder_days")?).map_err(
                |e| StoreError::Corrupt(format!("organisations.request_reminder_days: {e}")),
            )?,
            intake_enabled: crate::row::boolean(row, "intake_enabled")?,
            trust_page_enabled: crate::row::boolean(row, "trust_page_enabled")?,
            subprocessor_notice_days: u32::try_from(
                row.try_get::<i64, _>("subprocessor_notice_days")?,
            )
            .map_err(|e| {
                StoreError::Corrupt(format!("organisations.subprocessor_notice_days: {e}"))
            })?,
        },
    })
}

fn slug_conflict(err: StoreError) -> StoreError {
    if err.is_unique_violation() {
        StoreError::Conflict {
            field: "slug".into(),
            message: "another organisation already uses this slug.".into(),
        }
    } else {
        err
    }
}

pub(crate) async fn insert(conn: &mut AnyConnection, rec: &mut Record<Organisation>) -> Result<()> {
    rec.data.normalise();
    rec.data.validate().map_err(StoreError::Invalid)?;
    let mut sql = Sql::new(format!("INSERT INTO organisations ({COLUMNS}) VALUES ("));
    let mut ph = vec![sql.arg(rec.id)];
    for v in values(&rec.data)? {
        ph.push(sql.arg(v));
    }
    ph.push(sql.arg(timestamp::format(rec.created_at)));
    ph.push(sql.arg(timestamp::format(rec.updated_at)));
    sql.push(&ph.join(", ")).push(")");
    sql.query()
        .execute(&mut *conn)
        .await
        .map_err(|e| slug_conflict(e.into()))?;
    Ok(())
}

/// The calendar an organisation's clocks run on, read inside a transaction.
pub(crate) async fn calendar(
    conn: &mut AnyConnection,
    org: OrgId,
) -> Result<pactum_domain::clocks::OrgCalendar> {
    Ok(fetch(conn, org).await?.data.calendar())
}

/// Creates an organisation.
pub async fn create(
    store: &Store,
    actor: &Actor,
    org: Organisation,
    now: OffsetDateTime,
) -> Result<Record<Organisation>> {
    let now = timestamp::truncate(now);
    let mut rec = Record {
        id: Uuid::now_v7(),
        project_id: None,
        created_at: now,
        updated_at: now,
        data: org,
    };
    let mut tx = store.write().await?;
    insert(&mut tx, &mut rec).await?;
    audit::append(
        &mut tx,
        actor,
        Event::org(
            OrgId(rec.id),
            "organisation.created",
            "organisation",
            Some(rec.id),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(rec)
}

pub(crate) async fn fetch(conn: &mut AnyConnection, id: OrgId) -> Result<Record<Organisation>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM organisations WHERE id = "));
    let p = sql.arg(id.0);
    sql.push(&p);
    let row = sql
        .query()
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("organisation"))?;
    from_row(&row)
}

pub async fn get(store: &Store, id: OrgId) -> Result<Record<Organisation>> {
    let mut conn = store.pool().acquire().await?;
    fetch(&mut conn, id).await
}

pub async fn by_slug(store: &Store, slug: &str) -> Result<Record<Organisation>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM organisations WHERE slug = "));
    let p = sql.arg(slug);
    sql.push(&p);
    let row = sql
        .query()
        .fetch_optional(store.pool())
        .await?
        .ok_or(StoreError::NotFound("organisation"))?;
    from_row(&row)
}

/// All organisations, by slug (operator commands only; never exposed to tenants).
pub async fn list(store: &Store) -> Result<Vec<Record<Organisation>>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM organisations ORDER BY slug"
    )))
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Replaces the organisation's details.
pub async fn update(
    store: &Store,
    actor: &Actor,
    id: OrgId,
    mut org: Organisation,
    now: OffsetDateTime,
) -> Result<Record<Organisation>> {
    org.normalise();
    org.validate().map_err(StoreError::Invalid)?;
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    let current = fetch(&mut tx, id).await?;
    let names = [
        "slug",
        "legal_name",
        "trade_name",
        "address",
        "country",
        "registration_number",
        "vat_number",
        "dpo_name",
        "dpo_email",
        "dpo_phone",
        "eu_representative",
        "default_language",
        "role",
        "timezone",
        "require_two_factor",
        "holiday_region",
        "closure_days",
        "breach_reminder_hours",
        "request_reminder_days",
        "intake_enabled",
        "trust_page_enabled",
        "subprocessor_notice_days",
    ];
    let mut sql = Sql::new("UPDATE organisations SET ");
    let mut sets = Vec::new();
    for (name, v) in names.iter().zip(values(&org)?) {
        let p = sql.arg(v);
        sets.push(format!("{name} = {p}"));
    }
    let p = sql.arg(timestamp::format(now));
    sets.push(format!("updated_at = {p}"));
    let idp = sql.arg(id.0);
    sql.push(&sets.join(", "))
        .push(&format!(" WHERE id = {idp}"));
    sql.query()
        .execute(&mut *tx)
        .await
        .map_err(|e| slug_conflict(e.into()))?;
    audit::append(
        &mut tx,
        actor,
        Event::org(id, "organisation.changed", "organisation", Some(id.0)),
        now,
    )
    .await?;
    tx.commit().await?;
    let calendar_changed = current.data.calendar() != org.calendar();
    if calendar_changed {
        crate::registers::resettle(store, id).await?;
    }
    Ok(Record {
        id: id.0,
        project_id: None,
        created_at: current.created_at,
        updated_at: now,
        data: org,
    })
}

/// Deletes the organisation and everything it holds (members, tokens, projects, the data
/// map), in one transaction. Its audit events stay; the deletion itself is recorded on the
/// accounts chain, since the organisation's own chain has no owner any more.
pub async fn delete(store: &Store, actor: &Actor, id: OrgId, now: OffsetDateTime) -> Result<()> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    let mut sql = Sql::new("DELETE FROM organisations WHERE id = ");
    let p = sql.arg(id.0);
    sql.push(&p);
    if sql.query().execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(StoreError::NotFound("organisation"));
    }
    audit::append(
        &mut tx,
        actor,
        Event {
            org: None,
            action: "organisation.deleted",
            entity: "organisation",
            entity_id: Some(id.0),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
