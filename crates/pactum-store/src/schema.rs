//! How each entity maps onto its table: columns, references to other records, many-to-many
//! links, search and sort columns. The generic queries in `records` read these descriptions,
//! so adding an entity means a migration, a domain type and one `Table` here.

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
use pactum_domain::entity::Entity;
use pactum_domain::processor::audit::AuditRequest;
use pactum_domain::processor::customer::Customer;
use pactum_domain::project::Project;
use pactum_domain::registers::breach::Breach;
use pactum_domain::registers::request::DataSubjectRequest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Int,
    Bool,
    /// A list or object stored as JSON text (owned values without identity of their own).
    Json,
    /// Any value, stored as its JSON text encrypted with the key-ring category named here
    /// (`breach`, `request`), bound to `table.column:id`. Never searched or sorted on.
    Sealed(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: ColumnKind,
    /// The table this column points into; the target must be in the same project.
    pub references: Option<&'static str>,
}

/// A many-to-many relation kept in a join table `(owner_id, target_id)`.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    /// The entity field holding the list of ids.
    pub field: &'static str,
    pub table: &'static str,
    pub target: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Org,
    Project,
}

#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub scope: ScopeKind,
    pub columns: &'static [Column],
    pub links: &'static [Link],
    /// Columns matched by the `q` text filter.
    pub search: &'static [&'static str],
    /// The natural sort column (also accepted as `sort`).
    pub order: &'static str,
    /// The field a unique constraint applies to, for the conflict message.
    pub unique: Option<&'static str>,
}

impl Table {
    /// Columns that point at other records (filterable with `?column=id`).
    pub fn reference_columns(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| c.references.is_some())
    }
}

/// An entity with a table.
pub trait Stored: Entity {
    const TABLE: &'static Table;
}

const fn text(name: &'static str) -> Column {
    Column {
        name,
        kind: ColumnKind::Text,
        references: None,
    }
}
const fn sealed(name: &'static str, category: &'static str) -> Column {
    Column {
        name,
        kind: ColumnKind::Sealed(category),
        references: None,
    }
}
const fn int(name: &'static str) -> Column {
    Column {
        name,
        kind: ColumnKind::Int,
        references: None,
    }
}
const fn boolean(name: &'static str) -> Column {
    Column {
        name,
        kind: ColumnKind::Bool,
        references: None,
    }
}
const fn json(name: &'static str) -> Column {
    Column {
        name,
        kind: ColumnKind::Json,
        references: None,
    }
}
/// What a [`member`] column refers to: a user who is a member of the organisation.
pub const MEMBERS: &str = "members";

/// A user id that must belong to a member of the record's organisation.
const fn member(name: &'static str) -> Column {
    Column {
        name,
        kind: ColumnKind::Text,
        references: Some(MEMBERS),
    }
}

const fn reference(name: &'static str, table: &'static str) -> Column {
    Column {
        name,
        kind: ColumnKind::Text,
        references: Some(table),
    }
}

impl Stored for Project {
    const TABLE: &'static Table = &Table {
        name: "projects",
        scope: ScopeKind::Org,
        columns: &[text("name"), text("description")],
        links: &[],
        search: &["name", "description"],
        order: "name",
        unique: Some("name"),
    };
}

impl Stored for Service {
    const TABLE: &'static Table = &Table {
        name: "services",
        scope: ScopeKind::Project,
        columns: &[
            text("name"),
            text("description"),
            text("owner_role"),
            text("provider"),
            reference("vendor_id", "vendors"),
            text("hosting_country"),
            text("confidentiality"),
            reference("backup_strategy_id", "backup_strategies"),
            text("dpa_reference"),
        ],
        links: &[Link {
            field: "device_group_ids",
            table: "service_device_groups",
            target: "device_groups",
        }],
        search: &["name", "description", "provider"],
        order: "name",
        unique: Some("name"),
    };
}

impl Stored for DataItem {
    const TABLE: &'static Table = &Table {
        name: "data_items",
        scope: ScopeKind::Project,
        columns: &[
            reference("service_id", "services"),
            text("name"),
            text("description"),
            text("category"),
            text("sensitivity"),
            text("classification"),
            text("legal_basis"),
            text("art9_condition"),
            text("art10_basis"),
            int("retention_amount"),
            text("retention_unit"),
            text("retention_trigger"),
            text("retention_rationale"),
            text("subject_category"),
            text("source"),
            text("examples"),
        ],
        links: &[],
        search: &["name", "description", "category", "examples"],
        order: "name",
        unique: Some("name"),
    };
}

impl Stored for DataUser {
    const TABLE: &'static Table = &Table {
        name: "data_users",
        scope: ScopeKind::Project,
        columns: &[
            text("role"),
            text("description"),
            text("access_level"),
            boolean("external"),
        ],
        links: &[Link {
            field: "service_ids",
            table: "data_user_services",
            target: "services",
        }],
        search: &["role", "description"],
        order: "role",
        unique: None,
    };
}

impl Stored for Transfer {
    const TABLE: &'static Table = &Table {
        name: "transfers",
        scope: ScopeKind::Project,
        columns: &[
            reference("service_id", "services"),
            text("recipient"),
            reference("vendor_id", "vendors"),
            text("country"),
            text("mechanism"),
            text("description"),
        ],
        links: &[Link {
            field: "data_item_ids",
            table: "transfer_data_items",
            target: "data_items",
        }],
        search: &["recipient", "description", "country"],
        order: "recipient",
        unique: None,
    };
}

impl Stored for DeviceGroup {
    const TABLE: &'static Table = &Table {
        name: "device_groups",
        scope: ScopeKind::Project,
        columns: &[
            text("name"),
            text("description"),
            text("device_type"),
            int("device_count"),
            boolean("managed"),
            boolean("encrypted"),
        ],
        links: &[],
        search: &["name", "description", "device_type"],
        order: "name",
        unique: Some("name"),
    };
}

impl Stored for BackupStrategy {
    const TABLE: &'static Table = &Table {
        name: "backup_strategies",
        scope: ScopeKind::Project,
        columns: &[
            text("name"),
            text("description"),
            text("frequency"),
            text("location"),
            text("country"),
            boolean("encrypted"),
            text("retention"),
            text("last_restore_test"),
        ],
        links: &[],
        search: &["name", "description", "location"],
        order: "name",
        unique: Some("name"),
    };
}

impl Stored for ProcessingActivity {
    const TABLE: &'static Table = &Table {
        name: "processing_activities",
        scope: ScopeKind::Project,
        columns: &[
            text("name"),
            text("purposes"),
            text("role"),
            text("controllers"),
            text("joint_controllers"),
            text("legal_basis"),
            text("legal_basis_note"),
            json("subject_categories"),
            text("recipients"),
            text("retention"),
        ],
        links: &[
            Link {
                field: "data_item_ids",
                table: "activity_data_items",
                target: "data_items",
            },
            Link {
                field: "transfer_ids",
                table: "activity_transfers",
                target: "transfers",
            },
            Link {
                field: "security_measure_ids",
                table: "activity_security_measures",
                target: "security_measures",
            },
        ],
        search: &["name", "purposes", "recipients"],
        order: "name",
        unique: Some("name"),
    };
}

impl Stored for Breach {
    const TABLE: &'static Table = &Table {
        name: "breaches",
        scope: ScopeKind::Org,
        columns: &[
            text("reference"),
            text("title"),
            text("role"),
            text("occurred_at"),
            text("aware_at"),
            text("contained_at"),
            json("nature"),
            sealed("description", "breach"),
            json("data_categories"),
            json("subject_categories"),
            int("subjects_approx"),
            int("records_approx"),
            text("contact"),
            sealed("consequences", "breach"),
            sealed("measures", "breach"),
            text("risk"),
            sealed("risk_reasoning", "breach"),
            text("art34_exception"),
            text("authority_notified_at"),
            text("authority_reference"),
            text("delay_reason"),
            text("subjects_informed_at"),
            int("controller_notice_hours"),
            text("controllers_notified_at"),
            sealed("affected_persons", "breach"),
            sealed("updates", "breach"),
            text("closed_at"),
            member("assignee_id"),
            text("due_at"),
            text("stopped_at"),
        ],
        links: &[Link {
            field: "customer_ids",
            table: "breach_customers",
            target: "customers",
        }],
        search: &["title", "reference"],
        order: "aware_at",
        unique: None,
    };
}

impl Stored for Customer {
    const TABLE: &'static Table = &Table {
        name: "customers",
        scope: ScopeKind::Org,
        columns: &[
            text("name"),
            text("contact_name"),
            text("notice_email"),
            text("contract_reference"),
            int("breach_notice_hours"),
            int("subprocessor_notice_days"),
            int("audit_notice_days"),
            int("audits_per_year"),
            text("notes"),
        ],
        links: &[],
        search: &["name", "contact_name", "contract_reference"],
        order: "name",
        unique: Some("name"),
    };
}

impl Stored for AuditRequest {
    const TABLE: &'static Table = &Table {
        name: "audit_requests",
        scope: ScopeKind::Org,
        columns: &[
            reference("customer_id", "customers"),
            text("reference"),
            text("received_on"),
            text("audit_on"),
            text("auditor"),
            text("scope"),
            text("status"),
            text("evidence"),
            text("outcome"),
        ],
        links: &[],
        search: &["reference", "auditor", "status"],
        order: "received_on",
        unique: None,
    };
}

impl Stored for DataSubjectRequest {
    const TABLE: &'static Table = &Table {
        name: "requests",
        scope: ScopeKind::Org,
        columns: &[
            text("reference"),
            text("kind"),
            text("received_at"),
            text("channel"),
            sealed("requester_name", "request"),
            sealed("requester_contact", "request"),
            sealed("details", "request"),
            text("status"),
            text("identity_verified_at"),
            text("identity_method"),
            boolean("extended"),
            text("extension_reason"),
            text("extension_informed_on"),
            text("art12_ground"),
            text("art12_reasoning"),
            int("fee_cents"),
            text("answered_at"),
            sealed("response", "request"),
            member("assignee_id"),
            text("due_at"),
            text("due_on"),
            text("stopped_at"),
        ],
        links: &[],
        // Requesters' names and contacts are encrypted and cannot be searched.
        search: &["reference", "kind", "status"],
        order: "received_at",
        unique: None,
    };
}

impl Stored for SecurityMeasure {
    const TABLE: &'static Table = &Table {
        name: "security_measures",
        scope: ScopeKind::Project,
        columns: &[
            text("key"),
            text("name"),
            text("description"),
            text("kind"),
            text("status"),
            text("owner_role"),
            text("evidence"),
        ],
        links: &[],
        search: &["name", "description", "key"],
        order: "name",
        unique: None,
    };
}

impl Stored for Vendor {
    const TABLE: &'static Table = &Table {
        name: "vendors",
        scope: ScopeKind::Project,
        columns: &[
            text("name"),
            text("description"),
            text("role"),
            text("purpose"),
            text("country"),
            text("transfer_mechanism"),
            text("website"),
            text("dpa_reference"),
            int("breach_notice_hours"),
            json("certifications"),
            json("sub_processors"),
        ],
        links: &[],
        search: &["name", "description", "purpose"],
        order: "name",
        unique: Some("name"),
    };
}

impl Stored for RiskAssessment {
    const TABLE: &'static Table = &Table {
        name: "risk_assessments",
        scope: ScopeKind::Project,
        columns: &[
            reference("service_id", "services"),
            reference("processing_activity_id", "processing_activities"),
            text("threat"),
            text("description"),
            int("likelihood"),
            int("impact"),
            int("residual_likelihood"),
            int("residual_impact"),
            text("treatment"),
            member("owner_id"),
            text("review_on"),
            int("inherent_score"),
            int("residual_score"),
        ],
        links: &[Link {
            field: "security_measure_ids",
            table: "risk_security_measures",
            target: "security_measures",
        }],
        search: &["threat", "description"],
        order: "threat",
        unique: None,
    };
}

impl Stored for Dpia {
    const TABLE: &'static Table = &Table {
        name: "dpias",
        scope: ScopeKind::Project,
        columns: &[
            text("name"),
            reference("processing_activity_id", "processing_activities"),
            json("criteria"),
            json("art35_cases"),
            json("national_list"),
            text("criteria_notes"),
            text("description"),
            text("necessity"),
            text("risks"),
            text("measures"),
            text("dpo_advice"),
            boolean("dpo_advice_followed"),
            text("subjects_views"),
            text("residual_risk"),
            text("decision"),
            text("decision_note"),
            text("decided_on"),
            text("review_on"),
            text("outcome"),
            boolean("prior_consultation"),
        ],
        links: &[
            Link {
                field: "risk_assessment_ids",
                table: "dpia_risk_assessments",
                target: "risk_assessments",
            },
            Link {
                field: "security_measure_ids",
                table: "dpia_security_measures",
                target: "security_measures",
            },
        ],
        search: &["name", "description"],
        order: "name",
        unique: Some("name"),
    };
}

/// The project tables in the order an import must insert them (referenced before referring).
pub const PROJECT_TABLES_IN_DEPENDENCY_ORDER: &[&str] = &[
    "vendors",
    "backup_strategies",
    "device_groups",
    "security_measures",
    "services",
    "data_items",
    "data_users",
    "transfers",
    "processing_activities",
    "risk_assessments",
    "dpias",
];

/// One collection of a project's data map, as the cross-collection queries need it.
#[derive(Debug, Clone, Copy)]
pub struct MapTable {
    pub table: &'static Table,
    /// The collection's name, e.g. `data_items`.
    pub collection: &'static str,
    /// The gap rules its records can report.
    pub gap_rules: &'static [pactum_domain::gaps::GapRule],
}

impl MapTable {
    fn of<E: Stored>() -> Self {
        MapTable {
            table: E::TABLE,
            collection: E::COLLECTION,
            gap_rules: E::GAP_RULES,
        }
    }
}

/// The collections of a project, in the order the pages list them: the nine of the data map,
/// then the assessments. The one list every query across the data map (counts, gaps,
/// recent changes) reads.
pub fn data_map() -> [MapTable; 11] {
    [
        MapTable::of::<ProcessingActivity>(),
        MapTable::of::<Service>(),
        MapTable::of::<DataItem>(),
        MapTable::of::<DataUser>(),
        MapTable::of::<Transfer>(),
        MapTable::of::<Vendor>(),
        MapTable::of::<SecurityMeasure>(),
        MapTable::of::<DeviceGroup>(),
        MapTable::of::<BackupStrategy>(),
        MapTable::of::<RiskAssessment>(),
        MapTable::of::<Dpia>(),
    ]
}
