//! The full export of an organisation as one JSON document, and its import. The document
//! is versioned, ordered deterministically (records by id, fields in declaration order) and
//! complete: export, import into a fresh store and export again gives the same bytes.
//!
//! API token hashes are credentials, not data, and are left out.

use pactum_domain::assessments::dpia::Dpia;
use pactum_domain::assessments::risk::RiskAssessment;
use pactum_domain::datamap::backup_strategy::BackupStrategy;
use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::data_user::DataUser;
use pactum_domain::datamap::device_group::DeviceGroup;
use pactum_domain::datamap::processing_activity::ProcessingActivity;
use pactum_domain::datamap::security_measure::SecurityMeasure;
use pactum_domain::datamap::service::Service;
use pactum_domain::datamap::transfer::Transfer;
use pactum_domain::datamap::vendor::Vendor;
use pactum_domain::organisation::Organisation;
use pactum_domain::project::Project;
use pactum_domain::validation::Violations;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use time::OffsetDateTime;

use crate::audit::{self, Actor, Event};

use crate::database::Sealer;
use crate::database::{Backend, Store};
use crate::error::{Result, StoreError};
use crate::members::{self, MemberRecord};
use crate::records::{self, Record};
use crate::schema::Stored;
use crate::scope::{OrgId, ProjectId, Scope};
use pactum_domain::processor::audit::AuditRequest;
use pactum_domain::processor::customer::Customer;
use pactum_domain::registers::breach::Breach;
use pactum_domain::registers::request::DataSubjectRequest;

pub const FORMAT: &str = "pactum-export";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    pub format: String,
    pub version: u32,
    pub organisation: Record<Organisation>,
    pub members: Vec<MemberRecord>,
    pub projects: Vec<Record<Project>>,
    pub vendors: Vec<Record<Vendor>>,
    pub backup_strategies: Vec<Record<BackupStrategy>>,
    pub device_groups: Vec<Record<DeviceGroup>>,
    pub security_measures: Vec<Record<SecurityMeasure>>,
    pub services: Vec<Record<Service>>,
    pub data_items: Vec<Record<DataItem>>,
    pub data_users: Vec<Record<DataUser>>,
    pub transfers: Vec<Record<Transfer>>,
    pub processing_activities: Vec<Record<ProcessingActivity>>,
    /// The assessments (absent from exports made before they existed).
    #[serde(default)]
    pub risk_assessments: Vec<Record<RiskAssessment>>,
    #[serde(default)]
    pub dpias: Vec<Record<Dpia>>,
    /// The customers (controllers) processed for, and their audit requests (absent from
    /// exports made before they existed).
    #[serde(default)]
    pub customers: Vec<Record<Customer>>,
    #[serde(default)]
    pub audit_requests: Vec<Record<AuditRequest>>,
    /// The registers (absent from exports made before they existed).
    #[serde(default)]
    pub breaches: Vec<Record<Breach>>,
    #[serde(default)]
    pub requests: Vec<Record<DataSubjectRequest>>,
    /// The projects' AI reports with the payloads sent (absent from older exports).
    #[serde(default)]
    pub ai_reports: Vec<crate::reports::AiReport>,
}

impl Export {
    /// The document as pretty-printed JSON with a final newline.
    pub fn to_json(&self) -> Result<String> {
        let mut text =
            serde_json::to_string_pretty(self).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        text.push('\n');
        Ok(text)
    }

    /// Parses a document, naming what is wrong with it.
    pub fn from_json(text: &str) -> Result<Export> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            StoreError::invalid(
                "document",
                "json",
                format!("the document is not valid JSON: {e}."),
            )
        })?;
        let format = value.get("format").and_then(|f| f.as_str());
        if format != Some(FORMAT) {
            return Err(StoreError::invalid(
                "format",
                "export_format",
                format!("format must be {FORMAT:?}."),
            ));
        }
        let version = value.get("version").and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(VERSION)) {
            return Err(StoreError::invalid(
                "version",
                "export_version",
                format!(
                    "version {version:?} is not supported; this Pactum reads version {VERSION}."
                ),
            ));
        }
        serde_json::from_value(value).map_err(|e| {
            StoreError::invalid(
                "document",
                "export_schema",
                format!("the document does not match the export schema: {e}."),
            )
        })
    }
}

async fn collect<E: Stored>(
    conn: &mut AnyConnection,
    org: OrgId,
    projects: &[Record<Project>],
    sealer: Option<&dyn Sealer>,
) -> Result<Vec<Record<E>>> {
    let mut all = Vec::new();
    for p in projects {
        all.extend(records::all::<E>(conn, Scope::Project(org, ProjectId(p.id)), sealer).await?);
    }
    all.sort_by_key(|r| r.id);
    Ok(all)
}

/// Reads everything of one organisation from one consistent snapshot.
pub async fn export(store: &Store, org: OrgId) -> Result<Export> {
    let mut tx = match store.backend() {
        Backend::Sqlite => store.pool().begin().await?,
        Backend::Postgres => {
            store
                .pool()
                .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await?
        }
    };
    let organisation = crate::organisations::fetch(&mut tx, org).await?;
    let members = members::list_in(&mut tx, org).await?;
    let projects = records::all::<Project>(&mut tx, Scope::Org(org), store.sealer_opt()).await?;
    let export = Export {
        format: FORMAT.to_owned(),
        version: VERSION,
        organisation,
        members,
        vendors: collect(&mut tx, org, &projects, store.sealer_opt()).await?,
        backup_strategies: collect(&mut tx, org, &projects, store.sealer_opt()).await?,
        device_groups: collect(&mut tx, org, &projects, store.sealer_opt()).await?,
        security_measures: collect(&mut tx, org, &projects, store.sealer_opt()).await?,
        services: collect(&mut tx, org, &projects, store.sealer_opt()).await?,
        data_items: collect(&mut tx, org, &projects, store.sealer_opt()).await?,
        data_users: collect(&mut tx, org, &projects, store.sealer_opt()).await?,
        transfers: collect(&mut tx, org, &projects, store.sealer_opt()).await?,
        processing_activities: collect(&mut tx, org, &projects, store.sealer_opt()).await?,
        risk_assessments: collect(&mut tx, org, &projects, store.sealer_opt()).await?,
        dpias: collect(&mut tx, org, &projects, store.sealer_opt()).await?,
        customers: records::all(&mut tx, Scope::Org(org), store.sealer_opt()).await?,
        audit_requests: records::all(&mut tx, Scope::Org(org), store.sealer_opt()).await?,
        breaches: records::all(&mut tx, Scope::Org(org), store.sealer_opt()).await?,
        requests: records::all(&mut tx, Scope::Org(org), store.sealer_opt()).await?,
        ai_reports: crate::reports::all_in(&mut tx, org).await?,
        projects,
    };
    tx.rollback().await?;
    Ok(export)
}

/// Prefixes a record's errors with where it sits in the document (`services[3].name`).
fn locate(collection: &str, index: usize, err: StoreError) -> StoreError {
    match err {
        StoreError::Invalid(v) => {
            let mut out = Violations::new();
            out.extend_nested(&format!("{collection}[{index}]"), v);
            StoreError::Invalid(out)
        }
        StoreError::Conflict { field, message } => StoreError::Conflict {
            field: format!("{collection}[{index}].{field}"),
            message,
        },
        StoreError::NotFound(what) => StoreError::invalid(
            &format!("{collection}[{index}].project_id"),
            "not_found",
            format!("{collection}[{index}] belongs to a {what} that is not in the document."),
        ),
        other => other,
    }
}

async fn insert_all<E: Stored>(
    conn: &mut AnyConnection,
    org: OrgId,
    items: &mut [Record<E>],
    sealer: Option<&dyn Sealer>,
) -> Result<()> {
    for (i, rec) in items.iter_mut().enumerate() {
        let Some(project) = rec.project_id else {
            return Err(StoreError::invalid(
                &format!("{}[{i}].project_id", E::COLLECTION),
                "required",
                "project_id is required for records of the data map.",
            ));
        };
        records::insert(conn, Scope::Project(org, ProjectId(project)), rec, sealer)
            .await
            .map_err(|e| locate(E::COLLECTION, i, e))?;
    }
    Ok(())
}

/// Restores an export, keeping its ids, in one transaction: all of it or none of it.
pub async fn import(
    store: &Store,
    actor: &Actor,
    mut doc: Export,
    now: OffsetDateTime,
) -> Result<OrgId> {
    let org = OrgId(doc.organisation.id);
    let mut tx = store.write().await?;
    crate::organisations::insert(&mut tx, &mut doc.organisation).await.map_err(|e| match e {
        StoreError::Invalid(v) => {
            let mut out = Violations::new();
            out.extend_nested("organisation", v);
            StoreError::Invalid(out)
        }
        StoreError::Database(ref d) if matches!(d, sqlx::Error::Database(db) if db.is_unique_violation()) => {
            StoreError::Conflict { field: "organisation.id".into(), message: "this organisation is already in the store.".into() }
        }
        other => other,
    })?;
    for (i, m) in doc.members.iter().enumerate() {
        members::insert(&mut tx, org, m)
            .await
            .map_err(|e| locate("members", i, e))?;
    }
    for (i, p) in doc.projects.iter_mut().enumerate() {
        records::insert(&mut tx, Scope::Org(org), p, store.sealer_opt())
            .await
            .map_err(|e| locate("projects", i, e))?;
    }
    insert_all(&mut tx, org, &mut doc.vendors, store.sealer_opt()).await?;
    insert_all(&mut tx, org, &mut doc.backup_strategies, store.sealer_opt()).await?;
    insert_all(&mut tx, org, &mut doc.device_groups, store.sealer_opt()).await?;
    insert_all(&mut tx, org, &mut doc.security_measures, store.sealer_opt()).await?;
    insert_all(&mut tx, org, &mut doc.services, store.sealer_opt()).await?;
    insert_all(&mut tx, org, &mut doc.data_items, store.sealer_opt()).await?;
    insert_all(&mut tx, org, &mut doc.data_users, store.sealer_opt()).await?;
    insert_all(&mut tx, org, &mut doc.transfers, store.sealer_opt()).await?;
    insert_all(
        &mut tx,
        org,
        &mut doc.processing_activities,
        store.sealer_opt(),
    )
    .await?;
    insert_all(&mut tx, org, &mut doc.risk_assessments, store.sealer_opt()).await?;
    insert_all(&mut tx, org, &mut doc.dpias, store.sealer_opt()).await?;
    // Breaches and audit requests refer to customers, so customers go first.
    for (i, c) in doc.customers.iter_mut().enumerate() {
        records::insert(&mut tx, Scope::Org(org), c, store.sealer_opt())
            .await
            .map_err(|e| locate("customers", i, e))?;
    }
    for (i, a) in doc.audit_requests.iter_mut().enumerate() {
        records::insert(&mut tx, Scope::Org(org), a, store.sealer_opt())
            .await
            .map_err(|e| locate("audit_requests", i, e))?;
    }
    for (i, b) in doc.breaches.iter_mut().enumerate() {
        records::insert(&mut tx, Scope::Org(org), b, store.sealer_opt())
            .await
            .map_err(|e| locate("breaches", i, e))?;
    }
    for (i, r) in doc.requests.iter_mut().enumerate() {
        records::insert(&mut tx, Scope::Org(org), r, store.sealer_opt())
            .await
            .map_err(|e| locate("requests", i, e))?;
    }
    for (i, r) in doc.ai_reports.iter().enumerate() {
        crate::reports::restore(&mut tx, org, r)
            .await
            .map_err(|e| locate("ai_reports", i, e))?;
    }
    audit::append(
        &mut tx,
        actor,
        Event::org(org, "organisation.imported", "organisation", Some(org.0)),
        now,
    )
    .await?;
    tx.commit().await?;
    // A bulk load changes the tables' shape: refresh the planner's statistics so list and
    // filter queries pick the right index straight away. On PostgreSQL, VACUUM also moves
    // the trigram indexes' pending entries into the index proper; until then the planner
    // costs them as a scan and searches read every row (measured: 20 ms against 0.5 ms).
    let refresh = match store.backend() {
        crate::Backend::Sqlite => "ANALYZE",
        crate::Backend::Postgres => "VACUUM (ANALYZE)",
    };
    // As a simple query: VACUUM may not run inside the implicit transaction of a prepared
    // statement's pipeline.
    sqlx::Executor::execute(store.pool(), refresh).await?;
    Ok(org)
}
