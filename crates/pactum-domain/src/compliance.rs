//! The compliance assessment: rules that find what is missing or late across the data map,
//! the assessments and the registers, each with its article, severity and the field to fix,
//! and a score with its reasons.
//!
//! The score averages the checks, not the records: each check that applies to at least one
//! record scores the share of its records that pass, weighted by severity (high 5, medium 3,
//! low 1). So one missing Art. 9(2) condition among ten special-category items costs the
//! same whatever the size of the rest of the map, and a check with nothing to look at
//! neither helps nor hurts. Every point lost is attributed to one check (`Reason`).

use std::collections::BTreeMap;

use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::assessments::dpia::{Dpia, Outcome};
use crate::assessments::risk::RiskAssessment;
use crate::datamap::processing_activity::ProcessingActivity;
use crate::datamap::vendor::Vendor;
use crate::gaps::{Gap, GapRule, Severity};
use crate::registers::breach::Breach;
use crate::registers::request::DataSubjectRequest;

/// One rule of the assessment. Keys are stable: stored with scores and used for translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// The data-map gaps of `gaps::GapRule`, one check each.
    Art9ConditionMissing,
    Art10BasisMissing,
    TransferMechanismMissing,
    LegalBasisMissing,
    DpaMissing,
    RetentionMissing,
    /// A processing activity without purposes (Art. 5(1)(b), Art. 30(1)(b)).
    PurposeMissing,
    /// A screening says a DPIA is required and it has not been carried out (Art. 35(1)).
    DpiaMissing,
    /// A high residual risk remains and the authority has not been consulted (Art. 36(1)).
    PriorConsultationMissing,
    /// A risk assessment or DPIA past its review date (Art. 32(1)(d), Art. 35(11)).
    ReviewOverdue,
    /// A running breach deadline has passed (Art. 33(1)).
    BreachOverdue,
    /// A running request deadline has passed (Art. 12(3)).
    RequestOverdue,
    /// A sub-processor whose location is not recorded (Art. 28(2), Chapter V).
    SubProcessorLocationMissing,
}

impl Check {
    pub const ALL: [Check; 13] = [
        Check::Art9ConditionMissing,
        Check::Art10BasisMissing,
        Check::TransferMechanismMissing,
        Check::LegalBasisMissing,
        Check::DpaMissing,
        Check::RetentionMissing,
        Check::PurposeMissing,
        Check::DpiaMissing,
        Check::PriorConsultationMissing,
        Check::ReviewOverdue,
        Check::BreachOverdue,
        Check::RequestOverdue,
        Check::SubProcessorLocationMissing,
    ];

    fn of_gap(rule: GapRule) -> Check {
        match rule {
            GapRule::Art9ConditionMissing => Check::Art9ConditionMissing,
            GapRule::Art10BasisMissing => Check::Art10BasisMissing,
            GapRule::TransferMechanismMissing => Check::TransferMechanismMissing,
            GapRule::LegalBasisMissing => Check::LegalBasisMissing,
            GapRule::DpaMissing => Check::DpaMissing,
            GapRule::RetentionMissing => Check::RetentionMissing,
        }
    }

    fn gap(self) -> Option<GapRule> {
        GapRule::ALL.into_iter().find(|r| Check::of_gap(*r) == self)
    }

    pub fn key(self) -> &'static str {
        match self {
            Check::PurposeMissing => "purpose_missing",
            Check::DpiaMissing => "dpia_missing",
            Check::PriorConsultationMissing => "prior_consultation_missing",
            Check::ReviewOverdue => "review_overdue",
            Check::BreachOverdue => "breach_overdue",
            Check::RequestOverdue => "request_overdue",
            Check::SubProcessorLocationMissing => "sub_processor_location_missing",
            gap => gap.gap().map_or("", GapRule::key),
        }
    }

    pub fn from_key(key: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|c| c.key() == key)
    }

    pub fn article(self) -> &'static str {
        match self {
            Check::PurposeMissing => "Art. 5(1)(b)",
            Check::DpiaMissing => "Art. 35(1)",
            Check::PriorConsultationMissing => "Art. 36(1)",
            Check::ReviewOverdue => "Art. 35(11)",
            Check::BreachOverdue => "Art. 33(1)",
            Check::RequestOverdue => "Art. 12(3)",
            Check::SubProcessorLocationMissing => "Art. 28(2)",
            gap => gap.gap().map_or("", GapRule::article),
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Check::DpiaMissing
            | Check::PriorConsultationMissing
            | Check::BreachOverdue
            | Check::RequestOverdue => Severity::High,
            Check::PurposeMissing | Check::SubProcessorLocationMissing => Severity::Medium,
            Check::ReviewOverdue => Severity::Low,
            gap => gap.gap().map_or(Severity::Low, GapRule::severity),
        }
    }

    /// An English sentence for people (the UI translates by key).
    pub fn message(self) -> &'static str {
        match self {
            Check::PurposeMissing => "The processing activity states no purpose.",
            Check::DpiaMissing => {
                "The screening requires a DPIA, and the assessment has not been carried out (description, necessity, risks, measures, decision)."
            }
            Check::PriorConsultationMissing => {
                "A high residual risk remains and the supervisory authority has not been consulted."
            }
            Check::ReviewOverdue => "The review date has passed.",
            Check::BreachOverdue => "The breach's notification deadline has passed.",
            Check::RequestOverdue => "The request's answer deadline has passed.",
            Check::SubProcessorLocationMissing => "A sub-processor's location is not recorded.",
            gap => gap.gap().map_or("", GapRule::message),
        }
    }

    fn weight(self) -> u32 {
        match self.severity() {
            Severity::High => 5,
            Severity::Medium => 3,
            Severity::Low => 1,
        }
    }
}

/// The record a finding is about, and where to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Subject {
    /// The collection, e.g. `data_items` or `breaches`.
    pub collection: &'static str,
    pub id: Uuid,
    /// The project, for records of the data map and assessments.
    pub project_id: Option<Uuid>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Finding {
    pub check: Check,
    pub subject: Subject,
    /// The field to fill in, as named in the JSON document.
    pub field: String,
}

/// What one check contributed to the score.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Reason {
    pub check: Check,
    /// Records the check looked at.
    pub checked: u32,
    /// Records that failed it (once each, however many fields).
    pub failed: u32,
    /// Points of the 100 lost to it.
    pub points_lost: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Assessment {
    /// 0 to 100.
    pub score: u8,
    /// Every check that looked at something, most points lost first.
    pub reasons: Vec<Reason>,
    /// Most severe first, then by check and record name.
    pub findings: Vec<Finding>,
}

impl Assessment {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.check.severity() == severity)
            .count()
    }
}

/// Collects records one by one (so callers can stream a large organisation through it) and
/// turns them into an [`Assessment`]. `today` is in the organisation's time zone.
#[derive(Debug)]
pub struct Assessor {
    today: Date,
    now: OffsetDateTime,
    checked: BTreeMap<Check, u32>,
    findings: Vec<Finding>,
}

impl Assessor {
    pub fn new(today: Date, now: OffsetDateTime) -> Self {
        Assessor {
            today,
            now,
            checked: BTreeMap::new(),
            findings: Vec::new(),
        }
    }

    fn checked(&mut self, check: Check) {
        *self.checked.entry(check).or_default() += 1;
    }

    fn found(&mut self, check: Check, subject: &Subject, field: &str) {
        self.findings.push(Finding {
            check,
            subject: subject.clone(),
            field: field.to_owned(),
        });
    }

    /// A record of the data map with the gap rules its kind can report and its gaps.
    pub fn gaps(&mut self, subject: &Subject, rules: &[GapRule], gaps: &[Gap]) {
        for rule in rules {
            let check = Check::of_gap(*rule);
            self.checked(check);
            for gap in gaps.iter().filter(|g| g.rule == *rule) {
                self.found(check, subject, &gap.field);
            }
        }
    }

    pub fn activity(&mut self, subject: &Subject, activity: &ProcessingActivity) {
        self.checked(Check::PurposeMissing);
        if activity.purposes.trim().is_empty() {
            self.found(Check::PurposeMissing, subject, "purposes");
        }
    }

    pub fn vendor(&mut self, subject: &Subject, vendor: &Vendor) {
        if !vendor.sub_processors.is_empty() {
            self.checked(Check::SubProcessorLocationMissing);
        }
        for (i, sub) in vendor.sub_processors.iter().enumerate() {
            if sub.country.is_none() {
                self.found(
                    Check::SubProcessorLocationMissing,
                    subject,
                    &format!("sub_processors[{i}].country"),
                );
            }
        }
    }

    pub fn risk(&mut self, subject: &Subject, risk: &RiskAssessment) {
        self.checked(Check::ReviewOverdue);
        if risk.review_overdue(self.today) {
            self.found(Check::ReviewOverdue, subject, "review_on");
        }
    }

    pub fn dpia(&mut self, subject: &Subject, dpia: &Dpia) {
        use crate::assessments::dpia::Decision;
        if dpia.outcome == Outcome::Required {
            self.checked(Check::DpiaMissing);
            if let Some(field) = dpia.missing_part() {
                self.found(Check::DpiaMissing, subject, field);
            }
        }
        if dpia.prior_consultation {
            self.checked(Check::PriorConsultationMissing);
            if !matches!(
                dpia.decision,
                Some(Decision::ConsultAuthority | Decision::DoNotProceed)
            ) {
                self.found(Check::PriorConsultationMissing, subject, "decision");
            }
        }
        self.checked(Check::ReviewOverdue);
        if dpia.review_overdue(self.today) {
            self.found(Check::ReviewOverdue, subject, "review_on");
        }
    }

    fn deadline(
        &mut self,
        check: Check,
        subject: &Subject,
        due_at: Option<OffsetDateTime>,
        stopped_at: Option<OffsetDateTime>,
    ) {
        self.checked(check);
        if stopped_at.is_none() && due_at.is_some_and(|due| due < self.now) {
            self.found(check, subject, "due_at");
        }
    }

    pub fn breach(&mut self, subject: &Subject, breach: &Breach) {
        self.deadline(
            Check::BreachOverdue,
            subject,
            breach.due_at,
            breach.stopped_at,
        );
    }

    pub fn request(&mut self, subject: &Subject, request: &DataSubjectRequest) {
        self.deadline(
            Check::RequestOverdue,
            subject,
            request.due_at,
            request.stopped_at,
        );
    }

    pub fn finish(mut self) -> Assessment {
        // A record counts once per check, however many of its fields fail it.
        let mut failing = std::collections::BTreeSet::new();
        for f in &self.findings {
            failing.insert((f.check, f.subject.collection, f.subject.id));
        }
        let mut failed: BTreeMap<Check, u32> = BTreeMap::new();
        for (check, _, _) in failing {
            *failed.entry(check).or_default() += 1;
        }
        let total_weight: u32 = self
            .checked
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(c, _)| c.weight())
            .sum();
        let mut reasons: Vec<Reason> = self
            .checked
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(check, checked)| {
                let failed = failed.get(check).copied().unwrap_or(0).min(*checked);
                let share = f64::from(failed) / f64::from(*checked);
                Reason {
                    check: *check,
                    checked: *checked,
                    failed,
                    points_lost: 100.0 * f64::from(check.weight()) * share
                        / f64::from(total_weight),
                }
            })
            .collect();
        let lost: f64 = reasons.iter().map(|r| r.points_lost).sum();
        // Rounded down, so any finding at all keeps the score below 100.
        let score = if lost > 0.0 {
            (100.0 - lost).floor().clamp(0.0, 99.0) as u8
        } else {
            100
        };
        reasons.sort_by(|a, b| {
            b.points_lost
                .total_cmp(&a.points_lost)
                .then(a.check.cmp(&b.check))
        });
        self.findings.sort_by(|a, b| {
            a.check
                .severity()
                .cmp(&b.check.severity())
                .then(a.check.cmp(&b.check))
                .then(a.subject.name.cmp(&b.subject.name))
                .then(a.field.cmp(&b.field))
        });
        Assessment {
            score,
            reasons,
            findings: self.findings,
        }
    }
}

#[cfg(test)]
#[path = "compliance_tests.rs"]
mod tests;
