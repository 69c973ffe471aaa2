//! Transfers: personal data leaving a service for a recipient, and the Chapter V rules on
//! transfers to third countries.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entity::Entity;
use crate::gaps::{Gap, GapRule};
use crate::organisation::check_country;
use crate::taxonomy::{Adequacy, MechanismKind, taxonomy};
use crate::text::{tidy, tidy_country, tidy_opt};
use crate::validation::{Violations, limits};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// The service the data leaves from.
    pub service_id: Uuid,
    /// Who receives the data.
    pub recipient: String,
    /// The vendor record of the recipient, when it is one.
    #[serde(default)]
    pub vendor_id: Option<Uuid>,
    /// ISO 3166-1 alpha-2 country of the recipient.
    pub country: String,
    /// Transfer mechanism key from the taxonomy.
    #[serde(default)]
    pub mechanism: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The data items that are transferred.
    #[serde(default)]
    pub data_item_ids: Vec<Uuid>,
}

impl Entity for Transfer {
    const COLLECTION: &'static str = "transfers";
    const NAME: &'static str = "transfer";
    const GAP_RULES: &'static [GapRule] = &[GapRule::TransferMechanismMissing];

    fn normalise(&mut self) {
        tidy(&mut self.recipient);
        tidy(&mut self.country);
        self.country.make_ascii_uppercase();
        tidy_opt(&mut self.mechanism);
        tidy_opt(&mut self.description);
        self.data_item_ids.sort();
        self.data_item_ids.dedup();
    }

    fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.required_line("recipient", &self.recipient, limits::NAME);
        v.optional_text("description", self.description.as_deref(), limits::TEXT);
        check_country(&mut v, "country", &self.country);
        check_transfer_ground(
            &mut v,
            TransferGround {
                country_field: "country",
                country: Some(&self.country),
                mechanism_field: "mechanism",
                mechanism: self.mechanism.as_deref(),
                explanation: self.description.as_deref(),
            },
        );
        v.into_result()
    }

    fn gaps(&self) -> Vec<Gap> {
        let mut gaps = Vec::new();
        if needs_mechanism(Some(&self.country), self.mechanism.as_deref()) {
            gaps.push(Gap::new("mechanism", GapRule::TransferMechanismMissing));
        }
        gaps
    }
}

/// The fields that together say on what ground data goes to a country.
pub struct TransferGround<'a> {
    pub country_field: &'a str,
    pub country: Option<&'a str>,
    pub mechanism_field: &'a str,
    pub mechanism: Option<&'a str>,
    /// Free text that must explain an Art. 49 derogation.
    pub explanation: Option<&'a str>,
}

/// Chapter V: inside the EU/EEA nothing is needed; a country with a full adequacy decision
/// needs nothing more; any other third country needs an Art. 46/47 safeguard or an Art. 49
/// derogation; "adequacy" can only be claimed where a decision exists, and the DPF only
/// towards the United States.
pub fn check_transfer_ground(v: &mut Violations, g: TransferGround<'_>) {
    let tax = taxonomy();
    let mechanism = match g.mechanism {
        None => None,
        Some(key) => match tax.transfer_mechanism(key) {
            Some(m) => Some(m),
            None => {
                let keys: Vec<_> = tax
                    .transfer_mechanisms
                    .iter()
                    .map(|m| m.key.as_str())
                    .collect();
                v.add(
                    g.mechanism_field,
                    "unknown_key",
                    format!(
                        "{} must be one of {}; {key:?} is not.",
                        g.mechanism_field,
                        keys.join(", ")
                    ),
                );
                return;
            }
        },
    };
    let Some(country) = g.country.and_then(|c| tax.country(c)) else {
        return;
    };
    if !country.is_third_country() {
        return;
    }
    let name = format!("{} ({})", country.en, country.code);
    let kind = mechanism.map_or(MechanismKind::None, |m| m.kind);
    match kind {
        // A missing mechanism is a gap, not an error: see `needs_mechanism`.
        MechanismKind::None => {}
        MechanismKind::Adequacy => {
            let Some(m) = mechanism else { return };
            let allowed = if m.countries.is_empty() {
                country.adequacy.is_some()
                    && !tax
                        .transfer_mechanisms
                        .iter()
                        .any(|o| o.countries.iter().any(|c| c == &country.code))
            } else {
                m.countries.iter().any(|c| c == &country.code)
            };
            if !allowed {
                v.add(
                    g.mechanism_field,
                    "mechanism_not_valid_for_country",
                    format!(
                        "{} {:?} does not apply to {name}: {}",
                        g.mechanism_field,
                        m.key,
                        if country.code == "US" {
                            "transfers to the United States rely on adequacy only through the EU-US Data Privacy Framework (eu_us_dpf)."
                        } else if m.countries.is_empty() {
                            "there is no adequacy decision for that country."
                        } else {
                            "that mechanism exists only for other countries."
                        }
                    ),
                );
            }
        }
        MechanismKind::Safeguard => {}
        MechanismKind::Derogation => {
            if g.explanation.is_none_or(str::is_empty) {
                v.add(
                    "description",
                    "derogation_ground_required",
                    "description must name the Art. 49(1) ground the derogation relies on (e.g. explicit consent, performance of a contract).",
                );
            }
        }
    }
}

/// Whether data going to `country` under `mechanism` lacks the Chapter V ground it needs:
/// a third country without a full adequacy decision and no safeguard or derogation named.
/// (Partial adequacy, e.g. Canada's commercial organisations, counts as lacking: the
/// record must say which instrument covers this recipient.)
pub fn needs_mechanism(country: Option<&str>, mechanism: Option<&str>) -> bool {
    let tax = taxonomy();
    let Some(country) = country.and_then(|c| tax.country(c)) else {
        return false;
    };
    let kind = match mechanism {
        None => MechanismKind::None,
        Some(key) => match tax.transfer_mechanism(key) {
            Some(m) => m.kind,
            None => return false,
        },
    };
    country.is_third_country()
        && kind == MechanismKind::None
        && country.adequacy != Some(Adequacy::Full)
}

/// Same checks for an optional country given as a list entry (vendors, sub-processors).
pub fn check_optional_country(v: &mut Violations, field: &str, country: Option<&str>) {
    if let Some(c) = country {
        check_country(v, field, c);
    }
}

/// Upper-cases an optional country code.
pub fn tidy_optional_country(value: &mut Option<String>) {
    tidy_country(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transfer(country: &str, mechanism: Option<&str>) -> Transfer {
        let mut t = Transfer {
            service_id: Uuid::nil(),
            recipient: "Recipient".into(),
            vendor_id: None,
            country: country.into(),
            mechanism: mechanism.map(Into::into),
            description: None,
            data_item_ids: vec![],
        };
        t.normalise();
        t
    }

    /// Validation errors, then gaps (as `field:gap:rule`).
    fn rules(t: &Transfer) -> Vec<String> {
        let mut out: Vec<String> = t
            .validate()
            .err()
            .map(|e| {
                e.0.into_iter()
                    .map(|v| format!("{}:{}", v.field, v.rule))
                    .collect()
            })
            .unwrap_or_default();
        out.extend(
            t.gaps()
                .iter()
                .map(|g| format!("{}:gap:{}", g.field, g.rule.key())),
        );
        out
    }

    #[test]
    fn inside_eea_needs_nothing() {
        assert!(rules(&transfer("de", None)).is_empty());
        assert!(rules(&transfer("NO", None)).is_empty());
    }

    #[test]
    fn full_adequacy_needs_nothing_more() {
        assert!(rules(&transfer("CH", None)).is_empty());
        assert!(rules(&transfer("JP", Some("adequacy"))).is_empty());
    }

    #[test]
    fn third_country_without_adequacy_needs_a_mechanism() {
        assert_eq!(
            rules(&transfer("IN", None)),
            ["mechanism:gap:transfer_mechanism_missing"]
        );
        assert_eq!(
            rules(&transfer("IN", Some("none"))),
            ["mechanism:gap:transfer_mechanism_missing"]
        );
        assert!(rules(&transfer("IN", Some("scc"))).is_empty());
        assert_eq!(
            rules(&transfer("IN", Some("adequacy"))),
            ["mechanism:mechanism_not_valid_for_country"]
        );
    }

    #[test]
    fn united_states_only_through_dpf_or_safeguards() {
        assert_eq!(
            rules(&transfer("US", None)),
            ["mechanism:gap:transfer_mechanism_missing"]
        );
        assert_eq!(
            rules(&transfer("US", Some("adequacy"))),
            ["mechanism:mechanism_not_valid_for_country"]
        );
        assert!(rules(&transfer("US", Some("eu_us_dpf"))).is_empty());
        assert!(rules(&transfer("US", Some("scc"))).is_empty());
        assert_eq!(
            rules(&transfer("CH", Some("eu_us_dpf"))),
            ["mechanism:mechanism_not_valid_for_country"]
        );
    }

    #[test]
    fn derogation_needs_its_ground() {
        assert_eq!(
            rules(&transfer("IN", Some("art49_derogation"))),
            ["description:derogation_ground_required"]
        );
        let mut t = transfer("IN", Some("art49_derogation"));
        t.description = Some("Art. 49(1)(b): booking a hotel the guest asked for".into());
        assert!(rules(&t).is_empty());
    }

    #[test]
    fn unknown_values_are_named() {
        assert_eq!(rules(&transfer("XX", None)), ["country:country"]);
        assert_eq!(
            rules(&transfer("IN", Some("handshake"))),
            ["mechanism:unknown_key"]
        );
    }
}
