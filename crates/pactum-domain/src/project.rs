//! A project: one data map within an organisation.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::entity::Entity;
use crate::text::{tidy, tidy_opt};
use crate::validation::{Violations, limits};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

impl Entity for Project {
    const COLLECTION: &'static str = "projects";
    const NAME: &'static str = "project";

    fn normalise(&mut self) {
        tidy(&mut self.name);
        tidy_opt(&mut self.description);
    }

    fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.required_line("name", &self.name, limits::NAME);
        v.optional_text("description", self.description.as_deref(), limits::TEXT);
        v.into_result()
    }
}
