//! Backup strategies: how often, where, encrypted or not, and when a restore was last tested.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::datamap::transfer::{check_optional_country, tidy_optional_country};
use crate::entity::Entity;
use crate::text::{tidy, tidy_opt};
use crate::validation::{Violations, limits};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BackupFrequency {
    Continuous,
    Hourly,
    Daily,
    Weekly,
    Monthly,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupStrategy {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub frequency: Option<BackupFrequency>,
    /// Where backups are kept (provider, region).
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub encrypted: bool,
    /// How long backups are kept, in words ("30 days, then overwritten").
    #[serde(default)]
    pub retention: Option<String>,
    /// The date of the last successful restore test (YYYY-MM-DD).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub last_restore_test: Option<Date>,
}

impl Entity for BackupStrategy {
    const COLLECTION: &'static str = "backup_strategies";
    const NAME: &'static str = "backup strategy";

    fn normalise(&mut self) {
        tidy(&mut self.name);
        tidy_opt(&mut self.description);
        tidy_opt(&mut self.location);
        tidy_optional_country(&mut self.country);
        tidy_opt(&mut self.retention);
    }

    fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.required_line("name", &self.name, limits::NAME);
        v.optional_text("description", self.description.as_deref(), limits::TEXT);
        v.optional_line("location", self.location.as_deref(), limits::SHORT);
        check_optional_country(&mut v, "country", self.country.as_deref());
        v.optional_line("retention", self.retention.as_deref(), limits::SHORT);
        v.into_result()
    }
}
