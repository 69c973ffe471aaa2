//! Services: an application, system or vendor service in which personal data lives.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::datamap::Classification;
use crate::datamap::transfer::{check_optional_country, tidy_optional_country};
use crate::entity::Entity;
use crate::gaps::{Gap, GapRule};
use crate::text::{tidy, tidy_opt};
use crate::validation::{Violations, limits};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// The role that owns the service (a role, not a person's name).
    #[serde(default)]
    pub owner_role: Option<String>,
    /// Who provides or hosts the service.
    #[serde(default)]
    pub provider: Option<String>,
    /// The vendor record of the provider.
    #[serde(default)]
    pub vendor_id: Option<Uuid>,
    /// ISO 3166-1 alpha-2 country where the data is hosted.
    #[serde(default)]
    pub hosting_country: Option<String>,
    #[serde(default)]
    pub confidentiality: Option<Classification>,
    #[serde(default)]
    pub backup_strategy_id: Option<Uuid>,
    #[serde(default)]
    pub device_group_ids: Vec<Uuid>,
    /// Where the DPA with the provider is (a document reference or URL), if one is needed.
    #[serde(default)]
    pub dpa_reference: Option<String>,
}

impl Entity for Service {
    const COLLECTION: &'static str = "services";
    const NAME: &'static str = "service";
    const GAP_RULES: &'static [GapRule] = &[GapRule::DpaMissing];

    fn normalise(&mut self) {
        tidy(&mut self.name);
        tidy_opt(&mut self.description);
        tidy_opt(&mut self.owner_role);
        tidy_opt(&mut self.provider);
        tidy_optional_country(&mut self.hosting_country);
        tidy_opt(&mut self.dpa_reference);
        self.device_group_ids.sort();
        self.device_group_ids.dedup();
    }

    fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.required_line("name", &self.name, limits::NAME);
        v.optional_text("description", self.description.as_deref(), limits::TEXT);
        v.optional_line("owner_role", self.owner_role.as_deref(), limits::NAME);
        v.optional_line("provider", self.provider.as_deref(), limits::NAME);
        check_optional_country(&mut v, "hosting_country", self.hosting_country.as_deref());
        v.optional_line(
            "dpa_reference",
            self.dpa_reference.as_deref(),
            limits::SHORT,
        );
        v.into_result()
    }

    /// A service run by someone else (a vendor or a named provider) processes the data on
    /// the organisation's behalf: without a DPA reference that is a gap.
    fn gaps(&self) -> Vec<Gap> {
        if (self.vendor_id.is_some() || self.provider.is_some()) && self.dpa_reference.is_none() {
            vec![Gap::new("dpa_reference", GapRule::DpaMissing)]
        } else {
            Vec::new()
        }
    }
}
