//! Members: people (users) and their role in an organisation. A user may belong to several
//! organisations; the membership is what a tenant sees.

use pactum_domain::organisation::{Member, MemberRole};
use pactum_domain::timestamp::{self, serde_fmt};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::database::Store;
use crate::error::{Result, StoreError};
use crate::organisations::{enum_from, enum_text};
use crate::scope::OrgId;
use crate::sql::{Sql, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MemberRecord {
    pub id: Uuid,
    pub user_id: Uuid,
    pub email: String,
    pub display_name: Option<String>,
    pub role: MemberRole,
    #[serde(with = "serde_fmt")]
    #[schema(value_type = String)]
    pub created_at: OffsetDateTime,
    #[serde(with = "serde_fmt")]
    #[schema(value_type = String)]
    pub updated_at: OffsetDateTime,
}

type Row = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
);

const SELECT: &str = "SELECT m.id, m.user_id, u.email, u.display_name, m.role, m.created_at, m.updated_at \
FROM members m JOIN users u ON u.id = m.user_id WHERE m.org_id = ";

fn from_row(r: Row) -> Result<MemberRecord> {
    let corrupt = |e: String| StoreError::Corrupt(format!("members: {e}"));
    Ok(MemberRecord {
        id: Uuid::parse_str(&r.0).map_err(|e| corrupt(e.to_string()))?,
        user_id: Uuid::parse_str(&r.1).map_err(|e| corrupt(e.to_string()))?,
        email: r.2,
        display_name: r.3,
        role: enum_from(r.4, "members.role")?,
        created_at: timestamp::parse(&r.5).map_err(|e| corrupt(e.to_string()))?,
        updated_at: timestamp::parse(&r.6).map_err(|e| corrupt(e.to_string()))?,
    })
}

pub async fn list(store: &Store, org: OrgId) -> Result<Vec<MemberRecord>> {
    let mut conn = store.pool().acquire().await?;
    list_in(&mut conn, org).await
}

pub(crate) async fn list_in(conn: &mut AnyConnection, org: OrgId) -> Result<Vec<MemberRecord>> {
    let mut sql = Sql::new(SELECT);
    let p = sql.arg(org.0);
    sql.push(&p).push(" ORDER BY m.id");
    let rows: Vec<Row> = sql.query_as().fetch_all(&mut *conn).await?;
    rows.into_iter().map(from_row).collect()
}

pub async fn get(store: &Store, org: OrgId, id: Uuid) -> Result<MemberRecord> {
    let mut sql = Sql::new(SELECT);
    let o = sql.arg(org.0);
    let i = sql.arg(id);
    sql.push(&format!("{o} AND m.id = {i}"));
    let row: Option<Row> = sql.query_as().fetch_optional(store.pool()).await?;
    from_row(row.ok_or(StoreError::NotFound("member"))?)
}

/// Finds the user with this e-mail address or creates one, then the membership.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    org: OrgId,
    rec: &MemberRecord,
) -> Result<MemberRecord> {
    let mut find = Sql::new("SELECT id FROM users WHERE email = ");
    let p = find.arg(rec.email.as_str());
    find.push(&p);
    let existing: Option<(String,)> = find.query_as().fetch_optional(&mut *conn).await?;
    let user_id = match existing {
        Some((id,)) => Uuid::parse_str(&id).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        None => {
            let mut ins = Sql::new(
                "INSERT INTO users (id, email, display_name, created_at, updated_at) VALUES (",
            );
            let ph = [
                ins.arg(rec.user_id),
                ins.arg(rec.email.as_str()),
                ins.arg(Value::Text(rec.display_name.clone())),
                ins.arg(timestamp::format(rec.created_at)),
                ins.arg(timestamp::format(rec.updated_at)),
            ];
            ins.push(&ph.join(", ")).push(")");
            ins.query().execute(&mut *conn).await?;
            rec.user_id
        }
    };
    let mut ins = Sql::new(
        "INSERT INTO members (id, org_id, user_id, role, created_at, updated_at) VALUES (",
    );
    let ph = [
        ins.arg(rec.id),
        ins.arg(org.0),
        ins.arg(user_id),
        ins.arg(enum_text(&rec.role)?),
        ins.arg(timestamp::format(rec.created_at)),
        ins.arg(timestamp::format(rec.updated_at)),
    ];
    ins.push(&ph.join(", ")).push(")");
    ins.query().execute(&mut *conn).await.map_err(|e| {
        let e = StoreError::from(e);
        if e.is_unique_violation() {
            StoreError::Conflict {
                field: "email".into(),
                message: "this person is already a member.".into(),
            }
        } else {
            e
        }
    })?;
    Ok(MemberRecord {
        user_id,
        ..rec.clone()
    })
}

pub async fn add(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    mut member: Member,
    now: OffsetDateTime,
) -> Result<MemberRecord> {
    member.normalise();
    member.validate().map_err(StoreError::Invalid)?;
    let now = timestamp::truncate(now);
    let rec = MemberRecord {
        id: Uuid::now_v7(),
        user_id: Uuid::now_v7(),
        email: member.email,
        display_name: member.display_name,
        role: member.role,
        created_at: now,
        updated_at: now,
    };
    let mut tx = store.write().await?;
    crate::organisations::fetch(&mut tx, org).await?;
    let rec = insert(&mut tx, org, &rec).await?;
    audit::append(
        &mut tx,
        actor,
        Event::org(org, "member.added", "member", Some(rec.id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(rec)
}

async fn owners(conn: &mut AnyConnection, org: OrgId) -> Result<i64> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM members WHERE role = 'owner' AND org_id = ");
    let p = sql.arg(org.0);
    sql.push(&p);
    let (n,): (i64,) = sql.query_as().fetch_one(&mut *conn).await?;
    Ok(n)
}

fn last_owner() -> StoreError {
    StoreError::Conflict {
        field: "role".into(),
        message: "an organisation keeps at least one owner; make someone else owner first.".into(),
    }
}

/// Changes a member's role, keeping at least one owner.
pub async fn set_role(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    role: MemberRole,
    now: OffsetDateTime,
) -> Result<MemberRecord> {
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    let mut sql = Sql::new("UPDATE members SET role = ");
    let r = sql.arg(enum_text(&role)?);
    let t = sql.arg(timestamp::format(now));
    let o = sql.arg(org.0);
    let i = sql.arg(id);
    sql.push(&format!(
        "{r}, updated_at = {t} WHERE org_id = {o} AND id = {i}"
    ));
    if sql.query().execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(StoreError::NotFound("member"));
    }
    if owners(&mut tx, org).await? == 0 {
        return Err(last_owner());
    }
    audit::append(
        &mut tx,
        actor,
        Event::org(org, "member.role_changed", "member", Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    get(store, org, id).await
}

/// Ends a membership, keeping at least one owner.
pub async fn remove(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<()> {
    let mut tx = store.write().await?;
    let mut sql = Sql::new("DELETE FROM members WHERE org_id = ");
    let o = sql.arg(org.0);
    let i = sql.arg(id);
    sql.push(&format!("{o} AND id = {i}"));
    if sql.query().execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(StoreError::NotFound("member"));
    }
    if owners(&mut tx, org).await? == 0 {
        return Err(last_owner());
    }
    audit::append(
        &mut tx,
        actor,
        Event::org(org, "member.removed", "member", Some(id)),
        timestamp::truncate(now),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
