//! Data items: a kind of personal data held in a service, with its GDPR qualification.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::datamap::Classification;
use crate::datamap::check_legal_basis;
use crate::datamap::retention::{RetentionParts, RetentionUnit};
use crate::entity::Entity;
use crate::gaps::{Gap, GapRule};
use crate::taxonomy::{Sensitivity, taxonomy};
use crate::text::{tidy, tidy_opt};
use crate::validation::{Violations, limits};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DataItem {
    /// The service that holds the data.
    pub service_id: Uuid,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Data-category key from the taxonomy.
    pub category: String,
    /// Defaults to the category's sensitivity; may be raised (e.g. coaching notes that
    /// reveal health), never lowered below it.
    #[serde(default)]
    pub sensitivity: Option<Sensitivity>,
    #[serde(default)]
    pub classification: Option<Classification>,
    /// Art. 6(1) legal basis key.
    #[serde(default)]
    pub legal_basis: Option<String>,
    /// Art. 9(2) condition key; special categories without one are a gap.
    #[serde(default)]
    pub art9_condition: Option<String>,
    /// For Art. 10 data: the official authority or the law that authorises the processing.
    #[serde(default)]
    pub art10_basis: Option<String>,
    #[serde(default)]
    pub retention_amount: Option<i64>,
    #[serde(default)]
    pub retention_unit: Option<RetentionUnit>,
    /// The event the retention period runs from.
    #[serde(default)]
    pub retention_trigger: Option<String>,
    #[serde(default)]
    pub retention_rationale: Option<String>,
    /// Data-subject category key from the taxonomy.
    #[serde(default)]
    pub subject_category: Option<String>,
    /// Where the data comes from (the data subject, a third party, ...).
    #[serde(default)]
    pub source: Option<String>,
    /// Examples of the data, as listed in a DPA annex.
    #[serde(default)]
    pub examples: Option<String>,
}

impl Entity for DataItem {
    const COLLECTION: &'static str = "data_items";
    const NAME: &'static str = "data item";
    const GAP_RULES: &'static [GapRule] = &[
        GapRule::LegalBasisMissing,
        GapRule::Art9ConditionMissing,
        GapRule::Art10BasisMissing,
        GapRule::RetentionMissing,
    ];

    fn normalise(&mut self) {
        tidy(&mut self.name);
        tidy_opt(&mut self.description);
        tidy(&mut self.category);
        tidy_opt(&mut self.legal_basis);
        tidy_opt(&mut self.art9_condition);
        tidy_opt(&mut self.art10_basis);
        tidy_opt(&mut self.retention_trigger);
        tidy_opt(&mut self.retention_rationale);
        tidy_opt(&mut self.subject_category);
        tidy_opt(&mut self.source);
        tidy_opt(&mut self.examples);
        if self.sensitivity.is_none()
            && let Some(c) = taxonomy().data_category(&self.category)
        {
            self.sensitivity = Some(c.sensitivity);
        }
    }

    fn validate(&self) -> Result<(), Violations> {
        let tax = taxonomy();
        let mut v = Violations::new();
        v.required_line("name", &self.name, limits::NAME);
        v.optional_text("description", self.description.as_deref(), limits::TEXT);
        v.optional_text("examples", self.examples.as_deref(), limits::TEXT);
        v.optional_line("source", self.source.as_deref(), limits::SHORT);
        v.optional_text(
            "retention_rationale",
            self.retention_rationale.as_deref(),
            limits::TEXT,
        );

        let category = if self.category.is_empty() {
            v.add(
                "category",
                "required",
                "category is required: pick a data category from the taxonomy.",
            );
            None
        } else {
            let found = tax.data_category(&self.category);
            if found.is_none() {
                v.add(
                    "category",
                    "unknown_key",
                    format!("category {:?} is not in the data-category taxonomy (see /api/v1/taxonomies).", self.category),
                );
            }
            found
        };
        let sensitivity = self.sensitivity.unwrap_or(Sensitivity::Regular);
        if let Some(c) = category
            && sensitivity < c.sensitivity
        {
            v.add(
                "sensitivity",
                "sensitivity_below_category",
                format!(
                    "sensitivity cannot be {} for category {}: that category is {} data under Art. {}.",
                    sensitivity.as_str(),
                    c.key,
                    c.sensitivity.as_str(),
                    c.article.as_deref().unwrap_or("9(1)")
                ),
            );
        }
        check_legal_basis(&mut v, self.legal_basis.as_deref());
        match (&self.art9_condition, sensitivity) {
            (Some(key), _) if tax.art9_condition(key).is_none() => v.add(
                "art9_condition",
                "unknown_key",
                format!("art9_condition {key:?} is not one of the Art. 9(2)(a-j) conditions (see /api/v1/taxonomies)."),
            ),
            (Some(_), Sensitivity::Regular) => v.add(
                "art9_condition",
                "art9_condition_not_applicable",
                "art9_condition applies only to special-category data; set sensitivity to special or remove the condition.",
            ),
            _ => {}
        }
        v.optional_text("art10_basis", self.art10_basis.as_deref(), limits::SHORT);
        if let Some(key) = &self.subject_category
            && tax.subject_category(key).is_none()
        {
            v.add(
                "subject_category",
                "unknown_key",
                format!("subject_category {key:?} is not in the data-subject taxonomy (see /api/v1/taxonomies)."),
            );
        }
        RetentionParts {
            amount: self.retention_amount,
            unit: self.retention_unit,
            trigger: self.retention_trigger.as_deref(),
        }
        .check(&mut v);
        v.into_result()
    }

    fn gaps(&self) -> Vec<Gap> {
        let mut gaps = Vec::new();
        if self.legal_basis.is_none() {
            gaps.push(Gap::new("legal_basis", GapRule::LegalBasisMissing));
        }
        match self.sensitivity.unwrap_or(Sensitivity::Regular) {
            Sensitivity::Special if self.art9_condition.is_none() => {
                gaps.push(Gap::new("art9_condition", GapRule::Art9ConditionMissing));
            }
            Sensitivity::Criminal if self.art10_basis.is_none() => {
                gaps.push(Gap::new("art10_basis", GapRule::Art10BasisMissing));
            }
            _ => {}
        }
        if self.retention_amount.is_none() && self.retention_trigger.is_none() {
            gaps.push(Gap::new("retention_amount", GapRule::RetentionMissing));
        }
        gaps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(category: &str) -> DataItem {
        let mut d: DataItem = serde_json::from_value(serde_json::json!({
            "service_id": Uuid::nil(), "name": " E-mail ", "category": category
        }))
        .unwrap();
        d.normalise();
        d
    }

    fn rules(d: &DataItem) -> Vec<String> {
        d.validate()
            .err()
            .map(|e| {
                e.0.into_iter()
                    .map(|v| format!("{}:{}", v.field, v.rule))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Gaps other than the legal basis and retention every bare test item lacks.
    fn gaps(d: &DataItem) -> Vec<&'static str> {
        d.gaps()
            .into_iter()
            .map(|g| g.rule.key())
            .filter(|k| *k != "legal_basis_missing" && *k != "retention_missing")
            .collect()
    }

    #[test]
    fn regular_item_is_valid_and_tidied() {
        let d = item("contact.email");
        assert_eq!(d.name, "E-mail");
        assert_eq!(d.sensitivity, Some(Sensitivity::Regular));
        assert!(rules(&d).is_empty());
    }

    #[test]
    fn special_category_without_art9_condition_is_a_gap_not_an_error() {
        let mut d = item("special.health");
        assert_eq!(d.sensitivity, Some(Sensitivity::Special));
        assert!(rules(&d).is_empty());
        assert_eq!(gaps(&d), ["art9_condition_missing"]);
        d.art9_condition = Some("explicit_consent".into());
        assert!(rules(&d).is_empty());
        assert!(gaps(&d).is_empty());
    }

    #[test]
    fn legal_basis_and_retention_gaps_close_when_filled() {
        let mut d = item("contact.email");
        let keys = |d: &DataItem| {
            d.gaps()
                .into_iter()
                .map(|g| g.rule.key())
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(&d), ["legal_basis_missing", "retention_missing"]);
        d.legal_basis = Some("contract".into());
        d.retention_amount = Some(2);
        d.retention_unit = Some(RetentionUnit::Years);
        d.retention_trigger = Some("end of contract".into());
        assert!(rules(&d).is_empty());
        assert!(keys(&d).is_empty());
    }

    #[test]
    fn raised_sensitivity_needs_condition_and_cannot_be_lowered() {
        let mut d = item("communications.content");
        d.sensitivity = Some(Sensitivity::Special);
        assert_eq!(gaps(&d), ["art9_condition_missing"]);
        let mut d = item("special.genetic");
        d.sensitivity = Some(Sensitivity::Regular);
        d.art9_condition = None;
        assert_eq!(rules(&d), ["sensitivity:sensitivity_below_category"]);
    }

    #[test]
    fn condition_on_regular_data_is_refused() {
        let mut d = item("contact.email");
        d.art9_condition = Some("explicit_consent".into());
        assert_eq!(rules(&d), ["art9_condition:art9_condition_not_applicable"]);
    }

    #[test]
    fn criminal_data_without_art10_basis_is_a_gap() {
        let mut d = item("criminal.convictions_offences");
        assert!(rules(&d).is_empty());
        assert_eq!(gaps(&d), ["art10_basis_missing"]);
        d.art10_basis = Some("Wet justitiële en strafvorderlijke gegevens, art. 39f".into());
        assert!(gaps(&d).is_empty());
    }

    #[test]
    fn unknown_keys_are_named() {
        let mut d = item("contact.pigeon");
        d.legal_basis = Some("vibes".into());
        d.subject_category = Some("aliens".into());
        assert_eq!(
            rules(&d),
            [
                "category:unknown_key",
                "legal_basis:unknown_key",
                "subject_category:unknown_key"
            ]
        );
    }

    #[test]
    fn retention_needs_a_trigger() {
        let mut d = item("financial.invoicing");
        d.retention_amount = Some(7);
        d.retention_unit = Some(RetentionUnit::Years);
        assert_eq!(rules(&d), ["retention_trigger:retention_period"]);
    }
}
