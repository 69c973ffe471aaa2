//! A personal-data breach as Art. 33 and 34 describe it: what happened, what it touches,
//! the risk decision, and each notification against its clock.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::clocks::{self, OrgCalendar};
use crate::entity::Entity;
use crate::text::{tidy, tidy_list, tidy_opt};
use crate::timestamp::serde_instant;
use crate::validation::{Violations, limits};

/// Whose breach it is: the organisation's own (it notifies the authority), or one it
/// suffered as a processor (it notifies its controllers, who notify the authority).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreachRole {
    #[default]
    Controller,
    Processor,
}

/// The security property that was lost (EDPB Guidelines 9/2022).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreachNature {
    Confidentiality,
    Integrity,
    Availability,
}

/// The assessed risk to the rights and freedoms of the people concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreachRisk {
    /// Art. 33(1): no notification; the reasoning must be documented.
    Unlikely,
    /// Notify the supervisory authority.
    Risk,
    /// Art. 34(1): also inform the people concerned, unless an Art. 34(3) exception holds.
    HighRisk,
}

/// Art. 34(3): when the people concerned need not be informed despite a high risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Art34Exception {
    /// (a) the data were unintelligible to others, e.g. encrypted.
    Protected,
    /// (b) later measures ensure the high risk is no longer likely.
    Mitigated,
    /// (c) it would involve disproportionate effort; a public communication instead.
    Disproportionate,
}

/// What the risk assessment leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreachDecision {
    /// No risk assessment yet.
    Undecided,
    NoNotification,
    NotifyAuthority,
    NotifyAuthorityAndSubjects,
}

/// A phased update (Art. 33(4): information may be provided in phases).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BreachUpdate {
    #[serde(with = "serde_instant")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    pub text: String,
    /// Whether this update was sent to the supervisory authority.
    #[serde(default)]
    pub sent_to_authority: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Breach {
    /// The organisation's own reference, e.g. `2026-07`.
    #[serde(default)]
    pub reference: Option<String>,
    pub title: String,
    #[serde(default)]
    pub role: BreachRole,
    #[serde(default, with = "serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub occurred_at: Option<OffsetDateTime>,
    /// When the organisation became aware: the Art. 33(1) clock starts here.
    #[serde(with = "serde_instant")]
    #[schema(value_type = String, format = DateTime)]
    pub aware_at: OffsetDateTime,
    #[serde(default, with = "serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub contained_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub nature: Vec<BreachNature>,
    /// Art. 33(3)(a): the nature of the breach. Encrypted at rest.
    #[serde(default)]
    pub description: Option<String>,
    /// Categories of personal data concerned (data-category taxonomy keys).
    #[serde(default)]
    pub data_categories: Vec<String>,
    /// Categories of data subjects concerned (data-subject taxonomy keys).
    #[serde(default)]
    pub subject_categories: Vec<String>,
    /// Approximate number of data subjects concerned.
    #[serde(default)]
    pub subjects_approx: Option<i64>,
    /// Approximate number of personal-data records concerned.
    #[serde(default)]
    pub records_approx: Option<i64>,
    /// Art. 33(3)(b): the DPO or other contact point.
    #[serde(default)]
    pub contact: Option<String>,
    /// Art. 33(3)(c): likely consequences. Encrypted at rest.
    #[serde(default)]
    pub consequences: Option<String>,
    /// Art. 33(3)(d): measures taken or proposed. Encrypted at rest.
    #[serde(default)]
    pub measures: Option<String>,
    #[serde(default)]
    pub risk: Option<BreachRisk>,
    /// Why the risk is what it is; required when no notification follows. Encrypted.
    #[serde(default)]
    pub risk_reasoning: Option<String>,
    #[serde(default)]
    pub art34_exception: Option<Art34Exception>,
    #[serde(default, with = "serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub authority_notified_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub authority_reference: Option<String>,
    /// Art. 33(1): the reasons for a notification later than 72 hours.
    #[serde(default)]
    pub delay_reason: Option<String>,
    #[serde(default, with = "serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub subjects_informed_at: Option<OffsetDateTime>,
    /// As a processor: the hours the contract gives to notify the controllers (24 unless
    /// it says otherwise).
    #[serde(default)]
    pub controller_notice_hours: Option<i64>,
    #[serde(default, with = "serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub controllers_notified_at: Option<OffsetDateTime>,
    /// As a processor: the customers (controllers) whose data the breach touches. Each is
    /// owed a notice within its own contract's hours.
    #[serde(default)]
    pub customer_ids: Vec<Uuid>,
    /// The people affected, when known. Encrypted at rest.
    #[serde(default)]
    pub affected_persons: Option<String>,
    /// Phased updates, oldest first. Encrypted at rest.
    #[serde(default)]
    pub updates: Vec<BreachUpdate>,
    #[serde(default, with = "serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<OffsetDateTime>,
    /// The member who handles the breach: reminders go to them and to the admins.
    #[serde(default)]
    pub assignee_id: Option<Uuid>,
    /// Derived: the Art. 33(1) deadline, `aware_at` + 72 hours (for a processor, the
    /// controllers' notice deadline). Set by the server; a value sent is ignored.
    #[serde(default, with = "serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime, read_only)]
    pub due_at: Option<OffsetDateTime>,
    /// Derived: when the clock stopped (see `done_at`); empty while it runs.
    #[serde(default, with = "serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime, read_only)]
    pub stopped_at: Option<OffsetDateTime>,
}

impl Breach {
    /// The notification the risk assessment calls for.
    pub fn decision(&self) -> BreachDecision {
        match self.risk {
            None => BreachDecision::Undecided,
            Some(BreachRisk::Unlikely) => BreachDecision::NoNotification,
            Some(BreachRisk::Risk) => BreachDecision::NotifyAuthority,
            Some(BreachRisk::HighRisk) if self.art34_exception.is_some() => {
                BreachDecision::NotifyAuthority
            }
            Some(BreachRisk::HighRisk) => BreachDecision::NotifyAuthorityAndSubjects,
        }
    }

    /// The deadline this breach's clock runs to: the authority's 72 hours for the
    /// organisation's own breach, the contract's hours for a processor's notice.
    pub fn deadline(&self) -> OffsetDateTime {
        match self.role {
            BreachRole::Controller => clocks::authority_due(self.aware_at),
            BreachRole::Processor => clocks::controller_notice_due(
                self.aware_at,
                self.controller_notice_hours
                    .and_then(|h| u32::try_from(h).ok())
                    .unwrap_or(clocks::DEFAULT_CONTROLLER_NOTICE_HOURS),
            ),
        }
    }

    /// When the clock stopped: the notice the deadline is about was given, or the breach
    /// was closed without one being due.
    pub fn done_at(&self) -> Option<OffsetDateTime> {
        match self.role {
            BreachRole::Controller => self.authority_notified_at.or(
                if self.decision() == BreachDecision::NoNotification {
                    self.closed_at
                } else {
                    None
                },
            ),
            BreachRole::Processor => self.controllers_notified_at,
        }
    }
}

impl Entity for Breach {
    const COLLECTION: &'static str = "breaches";
    const NAME: &'static str = "breach";
    const DATED: bool = true;

    fn normalise(&mut self) {
        tidy_opt(&mut self.reference);
        tidy(&mut self.title);
        self.nature.sort();
        self.nature.dedup();
        tidy_opt(&mut self.description);
        tidy_list(&mut self.data_categories);
        tidy_list(&mut self.subject_categories);
        tidy_opt(&mut self.contact);
        tidy_opt(&mut self.consequences);
        tidy_opt(&mut self.measures);
        tidy_opt(&mut self.risk_reasoning);
        tidy_opt(&mut self.authority_reference);
        tidy_opt(&mut self.delay_reason);
        tidy_opt(&mut self.affected_persons);
        for u in &mut self.updates {
            tidy(&mut u.text);
        }
        self.updates.sort_by_key(|u| u.at);
        self.customer_ids.sort();
        self.customer_ids.dedup();
        if self.role == BreachRole::Processor && self.controller_notice_hours.is_none() {
            self.controller_notice_hours = Some(clocks::DEFAULT_CONTROLLER_NOTICE_HOURS.into());
        }
        // Derived on the server only.
        self.due_at = None;
        self.stopped_at = None;
    }

    fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.optional_line("reference", self.reference.as_deref(), limits::SHORT);
        v.required_line("title", &self.title, limits::NAME);
        for (field, text) in [
            ("description", &self.description),
            ("consequences", &self.consequences),
            ("measures", &self.measures),
            ("risk_reasoning", &self.risk_reasoning),
            ("delay_reason", &self.delay_reason),
            ("affected_persons", &self.affected_persons),
        ] {
            v.optional_text(field, text.as_deref(), limits::TEXT);
        }
        v.optional_line("contact", self.contact.as_deref(), limits::SHORT);
        v.optional_line(
            "authority_reference",
            self.authority_reference.as_deref(),
            limits::SHORT,
        );
        super::check_keys(&mut v, "data_categories", &self.data_categories, false);
        super::check_keys(&mut v, "subject_categories", &self.subject_categories, true);
        for (field, n) in [
            ("subjects_approx", self.subjects_approx),
            ("records_approx", self.records_approx),
        ] {
            if n.is_some_and(|n| n < 0) {
                v.add(field, "range", format!("{field} must be 0 or more."));
            }
        }
        if let Some(h) = self.controller_notice_hours
            && !(1..=8760).contains(&h)
        {
            v.add(
                "controller_notice_hours",
                "range",
                "controller_notice_hours must be a whole number of hours from 1 to 8760.",
            );
        }
        if self.occurred_at.is_some_and(|o| o > self.aware_at) {
            v.add(
                "occurred_at",
                "before_awareness",
                "occurred_at cannot be after aware_at: a breach is known only once it happened.",
            );
        }
        for (field, at) in [
            ("contained_at", self.contained_at),
            ("authority_notified_at", self.authority_notified_at),
            ("subjects_informed_at", self.subjects_informed_at),
            ("controllers_notified_at", self.controllers_notified_at),
            ("closed_at", self.closed_at),
        ] {
            if at.is_some_and(|t| t < self.aware_at.min(self.occurred_at.unwrap_or(self.aware_at)))
            {
                v.add(
                    field,
                    "after_occurrence",
                    format!("{field} cannot be before the breach occurred or became known."),
                );
            }
        }
        if self.risk == Some(BreachRisk::Unlikely) && self.risk_reasoning.is_none() {
            v.add(
                "risk_reasoning",
                "required",
                "risk_reasoning is required when no notification follows: the decision not to notify must be documented (Art. 33(5)).",
            );
        }
        if self.art34_exception.is_some() && self.risk != Some(BreachRisk::HighRisk) {
            v.add(
                "art34_exception",
                "only_high_risk",
                "art34_exception applies only to a high risk (Art. 34(3)).",
            );
        }
        if let Some(notified) = self.authority_notified_at
            && notified > clocks::authority_due(self.aware_at)
            && self.delay_reason.is_none()
        {
            v.add(
                "delay_reason",
                "required",
                "delay_reason is required: the authority was notified more than 72 hours after awareness (Art. 33(1)).",
            );
        }
        if self.updates.len() > 500 {
            v.add(
                "updates",
                "max_items",
                "updates may list at most 500 entries.",
            );
        }
        for (i, u) in self.updates.iter().enumerate() {
            v.required_text(&format!("updates[{i}].text"), &u.text, limits::TEXT);
        }
        v.into_result()
    }

    fn settle(&mut self, _calendar: &OrgCalendar) -> Result<(), Violations> {
        self.due_at = Some(self.deadline());
        self.stopped_at = self.done_at();
        Ok(())
    }
}

#[cfg(test)]
#[path = "breach_tests.rs"]
mod tests;
