//! A data protection impact assessment (Art. 35): a screening that says whether one is
//! required and why, and the record itself (Art. 35(7)), with the DPO's advice (Art. 35(2))
//! and the prior-consultation flag (Art. 36(1)).
//!
//! The screening reads WP248 rev.01 (endorsed by the EDPB) as the guidelines put it: two or
//! more of the nine criteria mean a DPIA is required "in most cases", one may suffice, and a
//! controller that decides otherwise documents why (`criteria_notes`). A case of Art. 35(3),
//! or a type on the national list of the supervisory authority (here the Dutch AP's list,
//! Stcrt. 2019, 64418), makes it required outright. The AP list's rows 8-17 are named from
//! the published category names; their descriptions in the catalogues are paraphrases.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::assessments::risk::RiskLevel;
use crate::entity::Entity;
use crate::text::{tidy, tidy_opt};
use crate::validation::{Violations, limits};

/// The nine criteria of WP248 rev.01, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    EvaluationScoring,
    AutomatedDecisionMaking,
    SystematicMonitoring,
    SensitiveData,
    LargeScale,
    MatchingCombining,
    VulnerableSubjects,
    InnovativeTechnology,
    PreventsRights,
}

impl Criterion {
    pub const ALL: [Criterion; 9] = [
        Criterion::EvaluationScoring,
        Criterion::AutomatedDecisionMaking,
        Criterion::SystematicMonitoring,
        Criterion::SensitiveData,
        Criterion::LargeScale,
        Criterion::MatchingCombining,
        Criterion::VulnerableSubjects,
        Criterion::InnovativeTechnology,
        Criterion::PreventsRights,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Criterion::EvaluationScoring => "evaluation_scoring",
            Criterion::AutomatedDecisionMaking => "automated_decision_making",
            Criterion::SystematicMonitoring => "systematic_monitoring",
            Criterion::SensitiveData => "sensitive_data",
            Criterion::LargeScale => "large_scale",
            Criterion::MatchingCombining => "matching_combining",
            Criterion::VulnerableSubjects => "vulnerable_subjects",
            Criterion::InnovativeTechnology => "innovative_technology",
            Criterion::PreventsRights => "prevents_rights",
        }
    }
}

/// The three cases of Art. 35(3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Art35Case {
    /// (a) systematic and extensive evaluation with legal or similarly significant effects.
    ProfilingWithEffects,
    /// (b) large-scale special-category or criminal-offence data.
    LargeScaleSpecial,
    /// (c) large-scale systematic monitoring of a publicly accessible area.
    PublicMonitoring,
}

impl Art35Case {
    pub fn key(self) -> &'static str {
        match self {
            Art35Case::ProfilingWithEffects => "profiling_with_effects",
            Art35Case::LargeScaleSpecial => "large_scale_special",
            Art35Case::PublicMonitoring => "public_monitoring",
        }
    }

    pub fn point(self) -> &'static str {
        match self {
            Art35Case::ProfilingWithEffects => "Art. 35(3)(a)",
            Art35Case::LargeScaleSpecial => "Art. 35(3)(b)",
            Art35Case::PublicMonitoring => "Art. 35(3)(c)",
        }
    }
}

/// The types of the Dutch AP's list (Art. 35(4)), by their number on it.
pub const NATIONAL_LIST_NL: std::ops::RangeInclusive<i64> = 1..=17;

/// What the screening concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// An Art. 35(3) case, a national-list type, or two or more criteria.
    Required,
    /// One criterion: in some cases enough; the reasons for not doing one are documented.
    Consider,
    NotIndicated,
}

impl Outcome {
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Required => "required",
            Outcome::Consider => "consider",
            Outcome::NotIndicated => "not_indicated",
        }
    }
}

/// Why the screening concluded what it did, as keys a catalogue turns into sentences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Screening {
    pub outcome: Outcome,
    pub criteria: Vec<Criterion>,
    pub art35_cases: Vec<Art35Case>,
    pub national_list: Vec<i64>,
}

/// The controller's decision after the assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Proceed,
    ProceedWithMeasures,
    /// Art. 36(1): the supervisory authority is consulted before processing starts.
    ConsultAuthority,
    DoNotProceed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dpia {
    #[serde(default)]
    pub name: String,
    /// The processing activity assessed.
    #[serde(default)]
    pub processing_activity_id: Option<Uuid>,
    /// Screening: the WP248 criteria the processing meets.
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    /// Screening: the Art. 35(3) cases that apply.
    #[serde(default)]
    pub art35_cases: Vec<Art35Case>,
    /// Screening: the numbers of the Dutch AP list's types that apply (1 to 17).
    #[serde(default)]
    pub national_list: Vec<i64>,
    /// Why the criteria match (or, with two or more, why no DPIA is needed after all).
    #[serde(default)]
    pub criteria_notes: Option<String>,
    /// Art. 35(7)(a): systematic description of the operations and purposes.
    #[serde(default)]
    pub description: Option<String>,
    /// Art. 35(7)(b): necessity and proportionality.
    #[serde(default)]
    pub necessity: Option<String>,
    /// Art. 35(7)(c): the risks to the rights and freedoms of data subjects.
    #[serde(default)]
    pub risks: Option<String>,
    /// The risk assessments the DPIA rests on.
    #[serde(default)]
    pub risk_assessment_ids: Vec<Uuid>,
    /// Art. 35(7)(d): the measures envisaged.
    #[serde(default)]
    pub measures: Option<String>,
    #[serde(default)]
    pub security_measure_ids: Vec<Uuid>,
    /// Art. 35(2): the DPO's advice, and whether it was followed.
    #[serde(default)]
    pub dpo_advice: Option<String>,
    #[serde(default)]
    pub dpo_advice_followed: Option<bool>,
    /// Art. 35(9): the views of data subjects or their representatives, where sought.
    #[serde(default)]
    pub subjects_views: Option<String>,
    /// The risk that remains with the measures in place.
    #[serde(default)]
    pub residual_risk: Option<RiskLevel>,
    #[serde(default)]
    pub decision: Option<Decision>,
    #[serde(default)]
    pub decision_note: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub decided_on: Option<Date>,
    /// Art. 35(11): when it is to be reviewed next.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub review_on: Option<Date>,
    /// Derived: the screening's outcome. Set by the server; a value sent is ignored.
    #[serde(default = "not_indicated")]
    #[schema(read_only)]
    pub outcome: Outcome,
    /// Derived: Art. 36(1) prior consultation is needed (a high residual risk remains).
    #[serde(default)]
    #[schema(read_only)]
    pub prior_consultation: bool,
}

fn not_indicated() -> Outcome {
    Outcome::NotIndicated
}

impl Dpia {
    pub fn screening(&self) -> Screening {
        let outcome = if !self.art35_cases.is_empty()
            || !self.national_list.is_empty()
            || self.criteria.len() >= 2
        {
            Outcome::Required
        } else if self.criteria.len() == 1 {
            Outcome::Consider
        } else {
            Outcome::NotIndicated
        };
        Screening {
            outcome,
            criteria: self.criteria.clone(),
            art35_cases: self.art35_cases.clone(),
            national_list: self.national_list.clone(),
        }
    }

    /// The first Art. 35(7) part (or the decision) still missing, as its field; `None` once
    /// the assessment has been carried out. A screening alone is not a DPIA.
    pub fn missing_part(&self) -> Option<&'static str> {
        if self.description.is_none() {
            Some("description")
        } else if self.necessity.is_none() {
            Some("necessity")
        } else if self.risks.is_none() && self.risk_assessment_ids.is_empty() {
            Some("risks")
        } else if self.measures.is_none() && self.security_measure_ids.is_empty() {
            Some("measures")
        } else if self.decision.is_none() {
            Some("decision")
        } else {
            None
        }
    }

    pub fn is_carried_out(&self) -> bool {
        self.missing_part().is_none()
    }

    pub fn review_overdue(&self, today: Date) -> bool {
        self.review_on.is_some_and(|d| d < today)
    }
}

impl Entity for Dpia {
    const COLLECTION: &'static str = "dpias";
    const NAME: &'static str = "DPIA";

    fn normalise(&mut self) {
        tidy(&mut self.name);
        for text in [
            &mut self.criteria_notes,
            &mut self.description,
            &mut self.necessity,
            &mut self.risks,
            &mut self.measures,
            &mut self.dpo_advice,
            &mut self.subjects_views,
            &mut self.decision_note,
        ] {
            tidy_opt(text);
        }
        self.criteria.sort();
        self.criteria.dedup();
        self.art35_cases.sort();
        self.art35_cases.dedup();
        self.national_list.sort();
        self.national_list.dedup();
        self.risk_assessment_ids.sort();
        self.risk_assessment_ids.dedup();
        self.security_measure_ids.sort();
        self.security_measure_ids.dedup();
        self.outcome = self.screening().outcome;
        self.prior_consultation = self.residual_risk.is_some_and(RiskLevel::is_high);
    }

    fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.required_line("name", &self.name, limits::NAME);
        if self.processing_activity_id.is_none() {
            v.add(
                "processing_activity_id",
                "required",
                "processing_activity_id is required: a DPIA assesses a processing activity.",
            );
        }
        for (i, n) in self.national_list.iter().enumerate() {
            if !NATIONAL_LIST_NL.contains(n) {
                v.add(
                    &format!("national_list[{i}]"),
                    "range",
                    format!(
                        "national_list[{i}] must be a type number of the AP list, 1 to 17, not {n}."
                    ),
                );
            }
        }
        for (field, text) in [
            ("criteria_notes", &self.criteria_notes),
            ("description", &self.description),
            ("necessity", &self.necessity),
            ("risks", &self.risks),
            ("measures", &self.measures),
            ("dpo_advice", &self.dpo_advice),
            ("subjects_views", &self.subjects_views),
            ("decision_note", &self.decision_note),
        ] {
            v.optional_text(field, text.as_deref(), limits::TEXT);
        }
        if self.criteria.len() >= 2
            && self.art35_cases.is_empty()
            && self.national_list.is_empty()
            && self.decision.is_none()
            && self.description.is_none()
            && self.criteria_notes.is_none()
        {
            // Not a refusal of the screening: with two criteria the guidelines ask for the
            // reasons whenever no DPIA follows, so the notes are asked for up front.
            v.add(
                "criteria_notes",
                "reasons_required",
                "criteria_notes is required with two or more criteria: say why they apply (WP248 rev.01 asks for documented reasons).",
            );
        }
        if self.decision.is_some() && self.decided_on.is_none() {
            v.add(
                "decided_on",
                "required_with_decision",
                "decided_on is required with a decision.",
            );
        }
        if self.decision == Some(Decision::Proceed) && self.prior_consultation {
            v.add(
                "decision",
                "consultation_required",
                "decision cannot be \"proceed\" while a high residual risk remains: Art. 36(1) requires consulting the supervisory authority first.",
            );
        }
        for (field, ids) in [
            ("risk_assessment_ids", &self.risk_assessment_ids),
            ("security_measure_ids", &self.security_measure_ids),
        ] {
            if ids.len() > 200 {
                v.add(
                    field,
                    "max_items",
                    format!("{field} may list at most 200 entries."),
                );
            }
        }
        v.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIVITY: &str = "6f1c2a4e-0000-4000-8000-000000000002";

    fn dpia(json: serde_json::Value) -> Result<Dpia, Vec<String>> {
        let mut d: Dpia = serde_json::from_value(json).unwrap();
        d.normalise();
        d.validate().map(|()| d).map_err(|e| {
            e.0.into_iter()
                .map(|v| format!("{}:{}", v.field, v.rule))
                .collect()
        })
    }

    #[test]
    fn two_criteria_require_a_dpia_one_asks_to_consider() {
        let one = dpia(serde_json::json!({
            "name": "Coaching notes", "processing_activity_id": ACTIVITY,
            "criteria": ["sensitive_data"]
        }))
        .unwrap();
        assert_eq!(one.outcome, Outcome::Consider);
        let two = dpia(serde_json::json!({
            "name": "Coaching notes", "processing_activity_id": ACTIVITY,
            "criteria": ["vulnerable_subjects", "sensitive_data", "sensitive_data"],
            "criteria_notes": "Health-related notes about clients in therapy."
        }))
        .unwrap();
        assert_eq!(two.outcome, Outcome::Required);
        assert_eq!(
            two.screening().criteria,
            [Criterion::SensitiveData, Criterion::VulnerableSubjects]
        );
    }

    #[test]
    fn an_art35_case_or_national_type_requires_one_outright() {
        for extra in [
            serde_json::json!({"art35_cases": ["public_monitoring"]}),
            serde_json::json!({"national_list": [9]}),
        ] {
            let mut json =
                serde_json::json!({"name": "Cameras", "processing_activity_id": ACTIVITY});
            json.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            assert_eq!(dpia(json).unwrap().outcome, Outcome::Required);
        }
    }

    #[test]
    fn high_residual_risk_flags_prior_consultation_and_forbids_proceed() {
        let errors = dpia(serde_json::json!({
            "name": "Scoring", "processing_activity_id": ACTIVITY,
            "art35_cases": ["profiling_with_effects"], "residual_risk": "high",
            "decision": "proceed", "national_list": [18]
        }))
        .unwrap_err();
        assert_eq!(
            errors,
            [
                "national_list[0]:range",
                "decided_on:required_with_decision",
                "decision:consultation_required"
            ]
        );
        let ok = dpia(serde_json::json!({
            "name": "Scoring", "processing_activity_id": ACTIVITY,
            "art35_cases": ["profiling_with_effects"], "residual_risk": "very_high",
            "decision": "consult_authority", "decided_on": "2026-11-01", "prior_consultation": false
        }))
        .unwrap();
        assert!(ok.prior_consultation);
        assert!(!ok.is_carried_out());
    }

    #[test]
    fn two_criteria_without_reasons_ask_for_them() {
        assert_eq!(
            dpia(serde_json::json!({
                "name": "x", "processing_activity_id": ACTIVITY,
                "criteria": ["large_scale", "matching_combining"]
            }))
            .unwrap_err(),
            ["criteria_notes:reasons_required"]
        );
    }
}
