//! Processing activities: the rows of the Art. 30 record.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::datamap::check_legal_basis;
use crate::entity::Entity;
use crate::gaps::{Gap, GapRule};
use crate::taxonomy::taxonomy;
use crate::text::{tidy, tidy_list, tidy_opt};
use crate::validation::{Violations, limits};

/// The organisation's role in this activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProcessingRole {
    #[default]
    Controller,
    JointController,
    Processor,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessingActivity {
    pub name: String,
    /// Art. 30(1)(b): the purposes of the processing.
    pub purposes: String,
    #[serde(default)]
    pub role: ProcessingRole,
    /// For processor activities, Art. 30(2)(a): the controller(s) on whose behalf it runs.
    #[serde(default)]
    pub controllers: Option<String>,
    /// For joint control: the other controllers and the Art. 26 arrangement.
    #[serde(default)]
    pub joint_controllers: Option<String>,
    /// Art. 6(1) legal basis key.
    #[serde(default)]
    pub legal_basis: Option<String>,
    /// What the legitimate interest is, or which contract or law applies.
    #[serde(default)]
    pub legal_basis_note: Option<String>,
    /// Art. 30(1)(c): data-subject category keys.
    #[serde(default)]
    pub subject_categories: Vec<String>,
    /// Art. 30(1)(c): the data items processed.
    #[serde(default)]
    pub data_item_ids: Vec<Uuid>,
    /// Art. 30(1)(d): categories of recipients.
    #[serde(default)]
    pub recipients: Option<String>,
    /// Art. 30(1)(e): the transfers involved.
    #[serde(default)]
    pub transfer_ids: Vec<Uuid>,
    /// Art. 30(1)(f): envisaged time limits for erasure.
    #[serde(default)]
    pub retention: Option<String>,
    /// Art. 30(1)(g): the security measures that apply.
    #[serde(default)]
    pub security_measure_ids: Vec<Uuid>,
}

impl Entity for ProcessingActivity {
    const COLLECTION: &'static str = "processing_activities";
    const NAME: &'static str = "processing activity";
    const GAP_RULES: &'static [GapRule] = &[GapRule::LegalBasisMissing, GapRule::RetentionMissing];

    fn normalise(&mut self) {
        tidy(&mut self.name);
        tidy(&mut self.purposes);
        tidy_opt(&mut self.controllers);
        tidy_opt(&mut self.joint_controllers);
        tidy_opt(&mut self.legal_basis);
        tidy_opt(&mut self.legal_basis_note);
        tidy_list(&mut self.subject_categories);
        tidy_opt(&mut self.recipients);
        tidy_opt(&mut self.retention);
        for ids in [
            &mut self.data_item_ids,
            &mut self.transfer_ids,
            &mut self.security_measure_ids,
        ] {
            ids.sort();
            ids.dedup();
        }
    }

    fn validate(&self) -> Result<(), Violations> {
        let tax = taxonomy();
        let mut v = Violations::new();
        v.required_line("name", &self.name, limits::NAME);
        if self.purposes.is_empty() {
            v.add(
                "purposes",
                "required",
                "purposes is required: Art. 30(1)(b) asks for the purposes of every processing activity.",
            );
        } else {
            v.optional_text("purposes", Some(&self.purposes), limits::TEXT);
        }
        if self.role == ProcessingRole::Processor && self.controllers.is_none() {
            v.add(
                "controllers",
                "controllers_required",
                "controllers is required for a processor activity: Art. 30(2)(a) asks for the controller(s) on whose behalf it runs (e.g. \"all customers under the Terms of Service\").",
            );
        }
        if self.role == ProcessingRole::JointController && self.joint_controllers.is_none() {
            v.add(
                "joint_controllers",
                "joint_controllers_required",
                "joint_controllers is required for joint control: name the other controllers (Art. 26).",
            );
        }
        v.optional_text("controllers", self.controllers.as_deref(), limits::TEXT);
        v.optional_text(
            "joint_controllers",
            self.joint_controllers.as_deref(),
            limits::TEXT,
        );
        check_legal_basis(&mut v, self.legal_basis.as_deref());
        if self.legal_basis.as_deref() == Some("legitimate_interests")
            && self.legal_basis_note.is_none()
        {
            v.add(
                "legal_basis_note",
                "legitimate_interest_required",
                "legal_basis_note is required with legitimate_interests: describe the interest pursued (Art. 6(1)(f)).",
            );
        }
        v.optional_text(
            "legal_basis_note",
            self.legal_basis_note.as_deref(),
            limits::TEXT,
        );
        for (i, key) in self.subject_categories.iter().enumerate() {
            if tax.subject_category(key).is_none() {
                v.add(
                    &format!("subject_categories[{i}]"),
                    "unknown_key",
                    format!("subject_categories[{i}] {key:?} is not in the data-subject taxonomy (see /api/v1/taxonomies)."),
                );
            }
        }
        v.optional_text("recipients", self.recipients.as_deref(), limits::TEXT);
        v.optional_text("retention", self.retention.as_deref(), limits::TEXT);
        v.into_result()
    }

    /// The legal basis and retention are the controller's to record (Art. 30(1)(f));
    /// a processor's record (Art. 30(2)) has neither.
    fn gaps(&self) -> Vec<Gap> {
        let mut gaps = Vec::new();
        if self.role != ProcessingRole::Processor {
            if self.legal_basis.is_none() {
                gaps.push(Gap::new("legal_basis", GapRule::LegalBasisMissing));
            }
            if self.retention.is_none() {
                gaps.push(Gap::new("retention", GapRule::RetentionMissing));
            }
        }
        gaps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(json: serde_json::Value) -> Vec<String> {
        let mut a: ProcessingActivity = serde_json::from_value(json).unwrap();
        a.normalise();
        a.validate()
            .err()
            .map(|e| {
                e.0.into_iter()
                    .map(|v| format!("{}:{}", v.field, v.rule))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn purposes_are_required() {
        assert_eq!(
            activity(serde_json::json!({"name": "Payroll", "purposes": "  "})),
            ["purposes:required"]
        );
    }

    #[test]
    fn processor_names_its_controllers() {
        assert_eq!(
            activity(
                serde_json::json!({"name": "Hosting", "purposes": "Hosting", "role": "processor"})
            ),
            ["controllers:controllers_required"]
        );
    }

    #[test]
    fn legitimate_interest_is_described_and_subjects_known() {
        assert_eq!(
            activity(serde_json::json!({
                "name": "Fraud checks", "purposes": "Prevent fraud",
                "legal_basis": "legitimate_interests", "subject_categories": ["customers", "robots"]
            })),
            [
                "legal_basis_note:legitimate_interest_required",
                "subject_categories[1]:unknown_key"
            ]
        );
    }
}
