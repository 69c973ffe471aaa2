//! Device groups: the laptops, phones or servers through which data is reached.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::entity::Entity;
use crate::text::{tidy, tidy_opt};
use crate::validation::{Violations, limits};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceGroup {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// e.g. laptops, phones, servers.
    #[serde(default)]
    pub device_type: Option<String>,
    #[serde(default)]
    pub device_count: Option<i64>,
    /// Centrally managed (updates, screen lock, remote wipe).
    #[serde(default)]
    pub managed: bool,
    /// Storage encrypted.
    #[serde(default)]
    pub encrypted: bool,
}

impl Entity for DeviceGroup {
    const COLLECTION: &'static str = "device_groups";
    const NAME: &'static str = "device group";

    fn normalise(&mut self) {
        tidy(&mut self.name);
        tidy_opt(&mut self.description);
        tidy_opt(&mut self.device_type);
    }

    fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.required_line("name", &self.name, limits::NAME);
        v.optional_text("description", self.description.as_deref(), limits::TEXT);
        v.optional_line("device_type", self.device_type.as_deref(), limits::NAME);
        if let Some(n) = self.device_count
            && !(0..=10_000_000).contains(&n)
        {
            v.add(
                "device_count",
                "range",
                "device_count must be a whole number from 0 to 10000000.",
            );
        }
        v.into_result()
    }
}
