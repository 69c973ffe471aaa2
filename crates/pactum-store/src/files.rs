//! Uploaded files: one row per upload, naming the service or vendor it belongs to, the
//! uploaded name (kept here only), the detected type, the size, the SHA-256 the encrypted
//! blob is stored under and what the virus scan said. The blob itself is written by the web
//! layer before the row, and swept once no row names it.

use std::collections::HashSet;

use pactum_domain::files::{FileKind, FileType};
use pactum_domain::timestamp::{self, serde_fmt};
use serde::Serialize;
use sqlx::any::AnyRow;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::database::Store;
use crate::error::{Result, StoreError};
use crate::row;
use crate::scope::{OrgId, ProjectId};
use crate::sql::{Sql, Value};

/// The record a file is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "collection", content = "id", rename_all = "snake_case")]
pub enum Owner {
    Services(Uuid),
    Vendors(Uuid),
}

impl Owner {
    /// `collection` as in the API path (`services`, `vendors`).
    pub fn parse(collection: &str, id: Uuid) -> Option<Self> {
        match collection {
            "services" => Some(Owner::Services(id)),
            "vendors" => Some(Owner::Vendors(id)),
            _ => None,
        }
    }

    pub fn collection(self) -> &'static str {
        match self {
            Owner::Services(_) => "services",
            Owner::Vendors(_) => "vendors",
        }
    }

    pub fn id(self) -> Uuid {
        match self {
            Owner::Services(id) | Owner::Vendors(id) => id,
        }
    }

    fn column(self) -> &'static str {
        match self {
            Owner::Services(_) => "service_id",
            Owner::Vendors(_) => "vendor_id",
        }
    }
}

/// What the virus scanner said before the file was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScanStatus {
    /// Scanned and found clean.
    Clean,
    /// Stored while the operator had turned scanning off.
    NotScanned,
}

impl ScanStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ScanStatus::Clean => "clean",
            ScanStatus::NotScanned => "not_scanned",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StoredFile {
    #[schema(value_type = String)]
    pub id: Uuid,
    #[serde(skip)]
    pub org_id: Uuid,
    #[schema(value_type = String)]
    pub project_id: Uuid,
    pub owner: Owner,
    pub kind: FileKind,
    /// The name it was uploaded under (cleaned of paths and control characters).
    pub name: String,
    pub file_type: FileType,
    pub size_bytes: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    pub scan: ScanStatus,
    #[serde(with = "serde_fmt")]
    #[schema(value_type = String)]
    pub uploaded_at: OffsetDateTime,
    #[schema(value_type = Option<String>)]
    pub uploaded_by: Option<Uuid>,
}

/// A file about to be recorded; its blob is already stored.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub kind: FileKind,
    pub name: String,
    pub file_type: FileType,
    pub size_bytes: i64,
    pub sha256: String,
    pub scan: ScanStatus,
}

const COLUMNS: &str = "id, org_id, project_id, service_id, vendor_id, kind, name, file_type, size_bytes, sha256, scan, uploaded_at, uploaded_by";

fn from_row(r: &AnyRow) -> Result<StoredFile> {
    let bad = |what: &str| StoreError::Corrupt(format!("files: {what}"));
    let owner = match (
        row::opt_uuid(r, "service_id")?,
        row::opt_uuid(r, "vendor_id")?,
    ) {
        (Some(s), None) => Owner::Services(s),
        (None, Some(v)) => Owner::Vendors(v),
        _ => return Err(bad("not exactly one owner")),
    };
    let kind = row::text(r, "kind")?;
    let file_type = row::text(r, "file_type")?;
    Ok(StoredFile {
        id: row::uuid(r, "id")?,
        org_id: row::uuid(r, "org_id")?,
        project_id: row::uuid(r, "project_id")?,
        owner,
        kind: FileKind::parse(&kind).ok_or_else(|| bad("kind"))?,
        name: row::text(r, "name")?,
        file_type: FileType::parse(&file_type).ok_or_else(|| bad("file_type"))?,
        size_bytes: row::int(r, "size_bytes")?,
        sha256: row::text(r, "sha256")?,
        scan: match row::text(r, "scan")?.as_str() {
            "clean" => ScanStatus::Clean,
            "not_scanned" => ScanStatus::NotScanned,
            _ => return Err(bad("scan")),
        },
        uploaded_at: row::ts(r, "uploaded_at")?,
        uploaded_by: row::opt_uuid(r, "uploaded_by")?,
    })
}

/// Refuses an owner that is not a record of this project (another project's or another
/// organisation's record looks exactly like a missing one).
async fn check_owner(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    project: ProjectId,
    owner: Owner,
) -> Result<()> {
    let mut sql = Sql::new(format!("SELECT id FROM {} WHERE id = ", owner.collection()));
    let i = sql.arg(owner.id());
    let o = sql.arg(org.0);
    let p = sql.arg(project.0);
    sql.push(&format!("{i} AND org_id = {o} AND project_id = {p}"));
    match sql.query().fetch_optional(&mut *conn).await? {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound(match owner {
            Owner::Services(_) => "Service",
            Owner::Vendors(_) => "Vendor",
        })),
    }
}

/// Refuses, as not found, an owner that is not a record of this project.
pub async fn require_owner(
    store: &Store,
    org: OrgId,
    project: ProjectId,
    owner: Owner,
) -> Result<()> {
    let mut conn = store.pool().acquire().await?;
    check_owner(&mut conn, org, project, owner).await
}

/// Records an uploaded file, with its audit event, in one transaction.
pub async fn insert(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    project: ProjectId,
    owner: Owner,
    file: NewFile,
    now: OffsetDateTime,
) -> Result<StoredFile> {
    let now = timestamp::truncate(now);
    let stored = StoredFile {
        id: Uuid::now_v7(),
        org_id: org.0,
        project_id: project.0,
        owner,
        kind: file.kind,
        name: file.name,
        file_type: file.file_type,
        size_bytes: file.size_bytes,
        sha256: file.sha256,
        scan: file.scan,
        uploaded_at: now,
        uploaded_by: actor.user_id,
    };
    let mut tx = store.write().await?;
    check_owner(&mut tx, org, project, owner).await?;
    let mut sql = Sql::new(format!(
        "INSERT INTO files (id, org_id, project_id, {}, kind, name, file_type, size_bytes, sha256, scan, uploaded_at, uploaded_by) VALUES (",
        owner.column()
    ));
    let ph = [
        sql.arg(stored.id),
        sql.arg(org.0),
        sql.arg(project.0),
        sql.arg(owner.id()),
        sql.arg(stored.kind.as_str()),
        sql.arg(stored.name.as_str()),
        sql.arg(stored.file_type.as_str()),
        sql.arg(stored.size_bytes),
        sql.arg(stored.sha256.as_str()),
        sql.arg(stored.scan.as_str()),
        sql.arg(now),
        sql.arg(Value::Text(actor.user_id.map(|u| u.to_string()))),
    ];
    sql.push(&ph.join(", ")).push(")");
    sql.query().execute(&mut *tx).await?;
    audit::append(
        &mut tx,
        actor,
        Event::org(org, "file.uploaded", "file", Some(stored.id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(stored)
}

/// The files of a service or vendor, newest first.
pub async fn list(
    store: &Store,
    org: OrgId,
    project: ProjectId,
    owner: Owner,
) -> Result<Vec<StoredFile>> {
    require_owner(store, org, project, owner).await?;
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM files WHERE "));
    let o = sql.arg(org.0);
    let p = sql.arg(project.0);
    let w = sql.arg(owner.id());
    sql.push(&format!(
        "org_id = {o} AND project_id = {p} AND {} = {w} ORDER BY uploaded_at DESC, id DESC",
        owner.column()
    ));
    let rows = sql.query().fetch_all(store.pool()).await?;
    rows.iter().map(from_row).collect()
}

/// One file of a project.
pub async fn get(store: &Store, org: OrgId, project: ProjectId, id: Uuid) -> Result<StoredFile> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM files WHERE "));
    let i = sql.arg(id);
    let o = sql.arg(org.0);
    let p = sql.arg(project.0);
    sql.push(&format!("id = {i} AND org_id = {o} AND project_id = {p}"));
    let row = sql
        .query()
        .fetch_optional(store.pool())
        .await?
        .ok_or(StoreError::NotFound("File"))?;
    from_row(&row)
}

/// Deletes a file's row; the blob goes with the next sweep once no other row names it.
pub async fn delete(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    project: ProjectId,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<StoredFile> {
    let file = get(store, org, project, id).await?;
    let mut tx = store.write().await?;
    let mut sql = Sql::new("DELETE FROM files WHERE id = ");
    let i = sql.arg(id);
    let o = sql.arg(org.0);
    sql.push(&format!("{i} AND org_id = {o}"));
    if sql.query().execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(StoreError::NotFound("File"));
    }
    audit::append(
        &mut tx,
        actor,
        Event::org(org, "file.deleted", "file", Some(id)),
        timestamp::truncate(now),
    )
    .await?;
    tx.commit().await?;
    Ok(file)
}

/// An upload refused by the virus scanner: an audit event, and nothing else stored.
pub async fn record_infected(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    now: OffsetDateTime,
) -> Result<()> {
    audit::record(
        store,
        actor,
        Event::org(org, "file.refused_infected", "file", None),
        timestamp::truncate(now),
    )
    .await
}

/// The content hashes an organisation's rows name, for sweeping unnamed blobs.
pub async fn hashes_in_use(store: &Store, org: Uuid) -> Result<HashSet<String>> {
    let mut sql = Sql::new("SELECT DISTINCT sha256 FROM files WHERE org_id = ");
    let o = sql.arg(org);
    sql.push(&o);
    let rows = sql.query().fetch_all(store.pool()).await?;
    rows.iter().map(|r| row::text(r, "sha256")).collect()
}

/// Whether an organisation still exists (a deleted one's blob directory goes entirely).
pub async fn organisation_exists(store: &Store, org: Uuid) -> Result<bool> {
    let mut sql = Sql::new("SELECT id FROM organisations WHERE id = ");
    let o = sql.arg(org);
    sql.push(&o);
    Ok(sql.query().fetch_optional(store.pool()).await?.is_some())
}
