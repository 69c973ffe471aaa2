//! Tenancy: every record belongs to an organisation, most to a project inside it. Store
//! functions take the scope first, so no query can forget it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrgId(pub Uuid);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProjectId(pub Uuid);

/// Where a record lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Organisation-level records (projects).
    Org(OrgId),
    /// Records of one project's data map.
    Project(OrgId, ProjectId),
}

impl Scope {
    pub fn org(&self) -> OrgId {
        match self {
            Scope::Org(o) | Scope::Project(o, _) => *o,
        }
    }

    pub fn project(&self) -> Option<ProjectId> {
        match self {
            Scope::Org(_) => None,
            Scope::Project(_, p) => Some(*p),
        }
    }
}
