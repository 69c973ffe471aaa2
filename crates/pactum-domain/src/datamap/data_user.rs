//! Data users: roles with access to services. A role description, though the field may
//! hold a person's name (which is why AI payloads replace it with "User N").

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entity::Entity;
use crate::text::{tidy, tidy_opt};
use crate::validation::{Violations, limits};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessLevel {
    Read,
    Write,
    Admin,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DataUser {
    /// The role, e.g. "Coach" or "Support engineer".
    pub role: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub access_level: Option<AccessLevel>,
    /// Whether the role sits outside the organisation (a contractor, a vendor's staff).
    #[serde(default)]
    pub external: bool,
    #[serde(default)]
    pub service_ids: Vec<Uuid>,
}

impl Entity for DataUser {
    const COLLECTION: &'static str = "data_users";
    const NAME: &'static str = "data user";

    fn normalise(&mut self) {
        tidy(&mut self.role);
        tidy_opt(&mut self.description);
        self.service_ids.sort();
        self.service_ids.dedup();
    }

    fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.required_line("role", &self.role, limits::NAME);
        v.optional_text("description", self.description.as_deref(), limits::TEXT);
        v.into_result()
    }
}
