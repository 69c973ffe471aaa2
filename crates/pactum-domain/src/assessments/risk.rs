//! A risk assessment: one threat to the people whose data a service or processing activity
//! holds, scored on likelihood and impact before and after the measures that address it.
//!
//! The scale is the four-level scale of the CNIL's PIA method (negligible, limited,
//! significant, maximum) for both axes, so a score is the product 1..16 and the heat map is
//! four by four.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entity::Entity;
use crate::text::{tidy, tidy_opt};
use crate::validation::{Violations, limits};

/// The four levels of either axis.
pub const SCALE: std::ops::RangeInclusive<i64> = 1..=4;

/// What is done about the risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    Mitigate,
    Accept,
    Transfer,
    Avoid,
}

/// The band a score falls in: the cells of the four-by-four map, grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl RiskLevel {
    /// Scores 1-2 low, 3-4 medium, 6-8 high, 9-16 very high: the diagonal of the map
    /// splits medium from high, so a risk that is at least significant on one axis and
    /// more than negligible on the other is high.
    pub fn of(score: i64) -> RiskLevel {
        match score {
            ..=2 => RiskLevel::Low,
            3..=4 => RiskLevel::Medium,
            5..=8 => RiskLevel::High,
            _ => RiskLevel::VeryHigh,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::VeryHigh => "very_high",
        }
    }

    pub fn is_high(self) -> bool {
        self >= RiskLevel::High
    }
}

/// The risks per cell of the map, `counts[likelihood - 1][impact - 1]`: where each risk
/// sits after its measures, or before them while no residual values are given.
pub fn heat_counts<'a>(risks: impl IntoIterator<Item = &'a RiskAssessment>) -> [[u32; 4]; 4] {
    let mut counts = [[0u32; 4]; 4];
    for r in risks {
        let (l, i) = match (r.residual_likelihood, r.residual_impact) {
            (Some(l), Some(i)) => (l, i),
            _ => (r.likelihood, r.impact),
        };
        if (1..=4).contains(&l) && (1..=4).contains(&i) {
            counts[(l - 1) as usize][(i - 1) as usize] += 1;
        }
    }
    counts
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskAssessment {
    /// The service the risk concerns (or a processing activity; exactly one of the two).
    #[serde(default)]
    pub service_id: Option<Uuid>,
    #[serde(default)]
    pub processing_activity_id: Option<Uuid>,
    /// The threat, e.g. "Unauthorised access to coaching notes".
    #[serde(default)]
    pub threat: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Before measures, 1 (negligible) to 4 (maximum).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 4)]
    pub likelihood: i64,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 4)]
    pub impact: i64,
    /// After the linked measures; empty until they are assessed.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 4)]
    pub residual_likelihood: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 4)]
    pub residual_impact: Option<i64>,
    #[serde(default)]
    pub treatment: Option<Treatment>,
    /// The security measures that address the threat.
    #[serde(default)]
    pub security_measure_ids: Vec<Uuid>,
    /// The member who owns the risk.
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    /// When the assessment is to be reviewed next.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub review_on: Option<Date>,
    /// Derived: likelihood × impact. Set by the server; a value sent is ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub inherent_score: i64,
    /// Derived: residual likelihood × residual impact, when both are given.
    #[serde(default)]
    #[schema(read_only)]
    pub residual_score: Option<i64>,
}

impl RiskAssessment {
    /// The score that counts now: the residual one once assessed, else the inherent one.
    pub fn current_score(&self) -> i64 {
        self.residual_score.unwrap_or(self.inherent_score)
    }

    pub fn current_level(&self) -> RiskLevel {
        RiskLevel::of(self.current_score())
    }

    /// Whether the review date has passed on `today` (in the organisation's time zone).
    pub fn review_overdue(&self, today: Date) -> bool {
        self.review_on.is_some_and(|d| d < today)
    }
}

fn check_level(v: &mut Violations, field: &str, value: Option<i64>, required: bool) {
    match value {
        None | Some(0) if required => v.add(
            field,
            "required",
            format!(
                "{field} is required: 1 (negligible), 2 (limited), 3 (significant) or 4 (maximum)."
            ),
        ),
        Some(n) if !SCALE.contains(&n) => v.add(
            field,
            "range",
            format!("{field} must be from 1 (negligible) to 4 (maximum), not {n}."),
        ),
        _ => {}
    }
}

impl Entity for RiskAssessment {
    const COLLECTION: &'static str = "risk_assessments";
    const NAME: &'static str = "risk assessment";

    fn normalise(&mut self) {
        tidy(&mut self.threat);
        tidy_opt(&mut self.description);
        self.security_measure_ids.sort();
        self.security_measure_ids.dedup();
        self.inherent_score = if SCALE.contains(&self.likelihood) && SCALE.contains(&self.impact) {
            self.likelihood * self.impact
        } else {
            0
        };
        self.residual_score = match (self.residual_likelihood, self.residual_impact) {
            (Some(l), Some(i)) if SCALE.contains(&l) && SCALE.contains(&i) => Some(l * i),
            _ => None,
        };
    }

    fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        match (self.service_id, self.processing_activity_id) {
            (None, None) => v.add(
                "service_id",
                "subject_required",
                "service_id or processing_activity_id is required: a risk concerns a service or a processing activity.",
            ),
            (Some(_), Some(_)) => v.add(
                "processing_activity_id",
                "one_subject",
                "give service_id or processing_activity_id, not both: assess each separately.",
            ),
            _ => {}
        }
        v.required_line("threat", &self.threat, limits::SHORT);
        v.optional_text("description", self.description.as_deref(), limits::TEXT);
        check_level(&mut v, "likelihood", Some(self.likelihood), true);
        check_level(&mut v, "impact", Some(self.impact), true);
        check_level(
            &mut v,
            "residual_likelihood",
            self.residual_likelihood,
            false,
        );
        check_level(&mut v, "residual_impact", self.residual_impact, false);
        if self.residual_likelihood.is_some() != self.residual_impact.is_some() {
            let missing = if self.residual_likelihood.is_none() {
                "residual_likelihood"
            } else {
                "residual_impact"
            };
            v.add(
                missing,
                "residual_pair",
                format!("{missing} is required with the other residual value: a residual risk has a likelihood and an impact."),
            );
        }
        for (field, residual, inherent) in [
            (
                "residual_likelihood",
                self.residual_likelihood,
                self.likelihood,
            ),
            ("residual_impact", self.residual_impact, self.impact),
        ] {
            if let Some(r) = residual
                && SCALE.contains(&r)
                && SCALE.contains(&inherent)
                && r > inherent
            {
                v.add(
                    field,
                    "above_inherent",
                    format!("{field} cannot be higher than before the measures ({inherent}): measures do not raise a risk."),
                );
            }
        }
        if self.security_measure_ids.len() > 200 {
            v.add(
                "security_measure_ids",
                "max_items",
                "security_measure_ids may list at most 200 measures.",
            );
        }
        v.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn risk(json: serde_json::Value) -> Result<RiskAssessment, Vec<String>> {
        let mut r: RiskAssessment = serde_json::from_value(json).unwrap();
        r.normalise();
        r.validate().map(|()| r).map_err(|e| {
            e.0.into_iter()
                .map(|v| format!("{}:{}", v.field, v.rule))
                .collect()
        })
    }

    const SERVICE: &str = "6f1c2a4e-0000-4000-8000-000000000001";

    #[test]
    fn scores_are_derived_and_sent_scores_ignored() {
        let r = risk(serde_json::json!({
            "service_id": SERVICE, "threat": " Stolen laptop ", "likelihood": 3, "impact": 4,
            "residual_likelihood": 1, "residual_impact": 4, "inherent_score": 1
        }))
        .unwrap();
        assert_eq!(r.threat, "Stolen laptop");
        assert_eq!((r.inherent_score, r.residual_score), (12, Some(4)));
        assert_eq!(r.current_level(), RiskLevel::Medium);
        assert_eq!(RiskLevel::of(12), RiskLevel::VeryHigh);
    }

    #[test]
    fn levels_band_the_map() {
        let levels: Vec<_> = [1, 2, 3, 4, 6, 8, 9, 12, 16]
            .into_iter()
            .map(|s| RiskLevel::of(s).key())
            .collect();
        assert_eq!(
            levels,
            [
                "low",
                "low",
                "medium",
                "medium",
                "high",
                "high",
                "very_high",
                "very_high",
                "very_high"
            ]
        );
    }

    #[test]
    fn every_rule_names_its_field() {
        assert_eq!(
            risk(serde_json::json!({"likelihood": 5})).unwrap_err(),
            [
                "service_id:subject_required",
                "threat:required",
                "likelihood:range",
                "impact:required"
            ]
        );
        assert_eq!(
            risk(serde_json::json!({
                "service_id": SERVICE, "processing_activity_id": SERVICE, "threat": "x",
                "likelihood": 2, "impact": 2, "residual_likelihood": 3
            }))
            .unwrap_err(),
            [
                "processing_activity_id:one_subject",
                "residual_impact:residual_pair",
                "residual_likelihood:above_inherent"
            ]
        );
    }

    #[test]
    fn review_is_overdue_the_day_after() {
        let mut r = risk(serde_json::json!({
            "service_id": SERVICE, "threat": "x", "likelihood": 1, "impact": 1,
            "review_on": "2026-11-20"
        }))
        .unwrap();
        assert!(!r.review_overdue(time::macros::date!(2026 - 11 - 20)));
        assert!(r.review_overdue(time::macros::date!(2026 - 11 - 21)));
        r.review_on = None;
        assert!(!r.review_overdue(time::macros::date!(2030 - 1 - 1)));
    }
}
