//! Vendors: processors and sub-processors the organisation engages, with their own
//! sub-processors (the fourth parties an Annex 2 must disclose).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::datamap::transfer::{
    TransferGround, check_optional_country, check_transfer_ground, needs_mechanism,
    tidy_optional_country,
};
use crate::entity::Entity;
use crate::gaps::{Gap, GapRule};
use crate::text::{tidy, tidy_list, tidy_opt};
use crate::validation::{Violations, limits};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VendorRole {
    /// Processes personal data on the organisation's behalf (Art. 28).
    #[default]
    Processor,
    /// Engaged by the organisation while it is itself a processor (Art. 28(2) and (4)).
    SubProcessor,
    /// Receives data for its own purposes.
    IndependentController,
    JointController,
}

/// One of the vendor's own sub-processors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubProcessor {
    pub name: String,
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub transfer_mechanism: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub role: VendorRole,
    /// What the vendor does with the data.
    #[serde(default)]
    pub purpose: Option<String>,
    /// ISO 3166-1 alpha-2 country where the vendor processes the data.
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub transfer_mechanism: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    /// Where the signed DPA is (document reference or URL).
    #[serde(default)]
    pub dpa_reference: Option<String>,
    /// Hours within which the vendor must report a breach to the organisation.
    #[serde(default)]
    pub breach_notice_hours: Option<i64>,
    /// Certifications (ISO 27001, SOC 2, NEN 7510, ...).
    #[serde(default)]
    pub certifications: Vec<String>,
    #[serde(default)]
    pub sub_processors: Vec<SubProcessor>,
}

impl Entity for Vendor {
    const COLLECTION: &'static str = "vendors";
    const NAME: &'static str = "vendor";
    const GAP_RULES: &'static [GapRule] = &[GapRule::DpaMissing, GapRule::TransferMechanismMissing];

    fn normalise(&mut self) {
        tidy(&mut self.name);
        tidy_opt(&mut self.description);
        tidy_opt(&mut self.purpose);
        tidy_optional_country(&mut self.country);
        tidy_opt(&mut self.transfer_mechanism);
        tidy_opt(&mut self.website);
        tidy_opt(&mut self.dpa_reference);
        tidy_list(&mut self.certifications);
        for s in &mut self.sub_processors {
            tidy(&mut s.name);
            tidy_opt(&mut s.purpose);
            tidy_optional_country(&mut s.country);
            tidy_opt(&mut s.transfer_mechanism);
        }
    }

    fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.required_line("name", &self.name, limits::NAME);
        v.optional_text("description", self.description.as_deref(), limits::TEXT);
        v.optional_text("purpose", self.purpose.as_deref(), limits::TEXT);
        check_optional_country(&mut v, "country", self.country.as_deref());
        check_transfer_ground(
            &mut v,
            TransferGround {
                country_field: "country",
                country: self.country.as_deref(),
                mechanism_field: "transfer_mechanism",
                mechanism: self.transfer_mechanism.as_deref(),
                explanation: self.description.as_deref(),
            },
        );
        v.optional_line("website", self.website.as_deref(), limits::SHORT);
        v.optional_line(
            "dpa_reference",
            self.dpa_reference.as_deref(),
            limits::SHORT,
        );
        if let Some(h) = self.breach_notice_hours
            && !(1..=8760).contains(&h)
        {
            v.add(
                "breach_notice_hours",
                "range",
                "breach_notice_hours must be a whole number of hours from 1 to 8760.",
            );
        }
        for (i, c) in self.certifications.iter().enumerate() {
            v.optional_line(&format!("certifications[{i}]"), Some(c), limits::NAME);
        }
        if self.sub_processors.len() > 500 {
            v.add(
                "sub_processors",
                "max_items",
                "sub_processors may list at most 500 entries.",
            );
        }
        for (i, s) in self.sub_processors.iter().enumerate() {
            let mut sv = Violations::new();
            sv.required_line("name", &s.name, limits::NAME);
            sv.optional_text("purpose", s.purpose.as_deref(), limits::SHORT);
            check_optional_country(&mut sv, "country", s.country.as_deref());
            check_transfer_ground(
                &mut sv,
                TransferGround {
                    country_field: "country",
                    country: s.country.as_deref(),
                    mechanism_field: "transfer_mechanism",
                    mechanism: s.transfer_mechanism.as_deref(),
                    explanation: s.purpose.as_deref(),
                },
            );
            v.extend_nested(&format!("sub_processors[{i}]"), sv);
        }
        v.into_result()
    }

    fn gaps(&self) -> Vec<Gap> {
        let mut gaps = Vec::new();
        if matches!(self.role, VendorRole::Processor | VendorRole::SubProcessor)
            && self.dpa_reference.is_none()
        {
            gaps.push(Gap::new("dpa_reference", GapRule::DpaMissing));
        }
        if needs_mechanism(self.country.as_deref(), self.transfer_mechanism.as_deref()) {
            gaps.push(Gap::new(
                "transfer_mechanism",
                GapRule::TransferMechanismMissing,
            ));
        }
        for (i, s) in self.sub_processors.iter().enumerate() {
            if needs_mechanism(s.country.as_deref(), s.transfer_mechanism.as_deref()) {
                gaps.push(Gap::new(
                    format!("sub_processors[{i}].transfer_mechanism"),
                    GapRule::TransferMechanismMissing,
                ));
            }
        }
        gaps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_sub_processor_errors_name_their_path() {
        let mut vendor: Vendor = serde_json::from_value(serde_json::json!({
            "name": "Mailer", "country": "nl",
            "sub_processors": [
                {"name": "EU host", "country": "DE"},
                {"name": "", "country": "US"}
            ]
        }))
        .unwrap();
        vendor.normalise();
        let fields: Vec<_> = vendor
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|v| format!("{}:{}", v.field, v.rule))
            .collect();
        assert_eq!(fields, ["sub_processors[1].name:required"]);
        let gaps: Vec<_> = vendor.gaps().iter().map(ToString::to_string).collect();
        assert_eq!(
            gaps,
            [
                "dpa_reference:dpa_missing",
                "sub_processors[1].transfer_mechanism:transfer_mechanism_missing"
            ]
        );
        vendor.dpa_reference = Some("DPA 2025-03".into());
        vendor.sub_processors[1].transfer_mechanism = Some("eu_us_dpf".into());
        assert!(vendor.gaps().is_empty());
    }
}
