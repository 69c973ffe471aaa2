//! Sub-processor change notices (Art. 28(2) GDPR): under a general authorisation the
//! processor informs its controllers of any intended addition or replacement, so they can
//! object. The practions DPA (Art. 6(3)-(4)) sets the pattern most DPAs follow: at least 30
//! days before the change, with a right to object on reasoned grounds during that period.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use utoipa::ToSchema;

use crate::datamap::transfer::{
    TransferGround, check_optional_country, check_transfer_ground, needs_mechanism,
    tidy_optional_country,
};
use crate::text::{looks_like_email, tidy, tidy_opt};
use crate::validation::{Violations, limits};

/// The shortest notice Pactum lets anyone publish: 30 days. The GDPR names no period;
/// 30 days is what DPAs commonly promise and what the product promises its users.
pub const MIN_NOTICE_DAYS: u32 = 30;
/// The longest notice period an organisation may set.
pub const MAX_NOTICE_DAYS: u32 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A new sub-processor.
    Addition,
    /// A sub-processor takes over from another (`replaces`).
    Replacement,
    /// A sub-processor stops processing.
    Removal,
}

impl NoticeKind {
    pub fn key(self) -> &'static str {
        match self {
            NoticeKind::Addition => "addition",
            NoticeKind::Replacement => "replacement",
            NoticeKind::Removal => "removal",
        }
    }
}

/// A change to the list of sub-processors, as the organisation writes it. Publication
/// time is the server's; the notice cannot be edited once published, only withdrawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeDraft {
    pub kind: NoticeKind,
    /// The sub-processor added, taking over or leaving.
    pub name: String,
    /// What it will do with the personal data.
    #[serde(default)]
    pub purpose: Option<String>,
    /// ISO 3166-1 alpha-2 country where it processes the data.
    #[serde(default)]
    pub location: Option<String>,
    /// Chapter V mechanism (transfer-mechanism taxonomy key), for a third country.
    #[serde(default)]
    pub transfer_mechanism: Option<String>,
    /// For a replacement: the sub-processor it replaces.
    #[serde(default)]
    pub replaces: Option<String>,
    /// Anything else the customers should know (why, what changes for them).
    #[serde(default)]
    pub details: Option<String>,
    /// The day the change takes effect.
    #[schema(value_type = String, format = Date)]
    pub effective_on: Date,
}

impl NoticeDraft {
    pub fn normalise(&mut self) {
        tidy(&mut self.name);
        tidy_opt(&mut self.purpose);
        tidy_optional_country(&mut self.location);
        tidy_opt(&mut self.transfer_mechanism);
        tidy_opt(&mut self.replaces);
        tidy_opt(&mut self.details);
        if self.kind != NoticeKind::Replacement {
            self.replaces = None;
        }
    }

    /// The record's own rules plus the notice period: `published_on` is the day of
    /// publication in the organisation's time zone, `minimum_days` what
    /// [`minimum_notice_days`] gives.
    pub fn validate(&self, published_on: Date, minimum_days: u32) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.required_line("name", &self.name, limits::NAME);
        v.optional_text("purpose", self.purpose.as_deref(), limits::SHORT);
        v.optional_text("details", self.details.as_deref(), limits::TEXT);
        check_optional_country(&mut v, "location", self.location.as_deref());
        check_transfer_ground(
            &mut v,
            TransferGround {
                country_field: "location",
                country: self.location.as_deref(),
                mechanism_field: "transfer_mechanism",
                mechanism: self.transfer_mechanism.as_deref(),
                explanation: self.details.as_deref(),
            },
        );
        if self.kind != NoticeKind::Removal
            && needs_mechanism(self.location.as_deref(), self.transfer_mechanism.as_deref())
        {
            // A data-map record may show a gap; a promise to customers may not.
            v.add(
                "transfer_mechanism",
                "mechanism_required",
                "transfer_mechanism is required: the sub-processor is in a third country without an adequacy decision, and customers must be told on which Chapter V ground the data goes there (Art. 28(4), Art. 46).",
            );
        }
        if self.kind != NoticeKind::Removal && self.purpose.is_none() {
            v.add(
                "purpose",
                "required",
                "purpose is required: customers can only judge a new sub-processor by what it will do.",
            );
        }
        if self.kind == NoticeKind::Replacement {
            match &self.replaces {
                None => v.add(
                    "replaces",
                    "required",
                    "replaces is required for a replacement: name the sub-processor that leaves.",
                ),
                Some(r) => v.optional_line("replaces", Some(r), limits::NAME),
            }
        }
        check_notice_period(&mut v, published_on, self.effective_on, minimum_days);
        v.into_result()
    }
}

/// The notice period an organisation must give: at least [`MIN_NOTICE_DAYS`], its own
/// setting, and the longest period any customer's contract asks for.
pub fn minimum_notice_days(org_days: u32, contracts: impl IntoIterator<Item = i64>) -> u32 {
    contracts
        .into_iter()
        .filter_map(|d| u32::try_from(d).ok())
        .fold(org_days.max(MIN_NOTICE_DAYS), u32::max)
        .min(MAX_NOTICE_DAYS)
}

/// The first day a change published on `published_on` may take effect.
pub fn earliest_effective(published_on: Date, minimum_days: u32) -> Date {
    published_on
        .checked_add(Duration::days(minimum_days.into()))
        .unwrap_or(Date::MAX)
}

/// Refuses an effective date inside the notice period, naming the first allowed day.
pub fn check_notice_period(
    v: &mut Violations,
    published_on: Date,
    effective_on: Date,
    minimum_days: u32,
) {
    let earliest = earliest_effective(published_on, minimum_days);
    if effective_on < earliest {
        let given = (effective_on - published_on).whole_days();
        v.add(
            "effective_on",
            "notice_period",
            format!(
                "effective_on must be at least {minimum_days} days after publication, so {earliest} or later; {effective_on} gives {given} days."
            ),
        );
    }
}

/// Where an objection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionStatus {
    #[default]
    Received,
    /// The parties are looking for a solution acceptable to both.
    InDiscussion,
    /// A solution was agreed (the objection is settled).
    Resolved,
    /// The customer withdrew the objection.
    Withdrawn,
    /// No solution: the customer terminates against the date the change takes effect.
    Terminated,
}

impl ObjectionStatus {
    pub const ALL: [ObjectionStatus; 5] = [
        ObjectionStatus::Received,
        ObjectionStatus::InDiscussion,
        ObjectionStatus::Resolved,
        ObjectionStatus::Withdrawn,
        ObjectionStatus::Terminated,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ObjectionStatus::Received => "received",
            ObjectionStatus::InDiscussion => "in_discussion",
            ObjectionStatus::Resolved => "resolved",
            ObjectionStatus::Withdrawn => "withdrawn",
            ObjectionStatus::Terminated => "terminated",
        }
    }

    pub fn is_open(self) -> bool {
        matches!(
            self,
            ObjectionStatus::Received | ObjectionStatus::InDiscussion
        )
    }
}

/// The least a reasoned objection says; one word is not a reason.
pub const MIN_REASONS_CHARS: usize = 20;

/// An objection as a customer sends it through the public form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionDraft {
    /// The customer (organisation) objecting.
    pub customer_name: String,
    pub contact_name: String,
    pub email: String,
    /// The reasoned grounds.
    pub reasons: String,
}

impl ObjectionDraft {
    pub fn normalise(&mut self) {
        tidy(&mut self.customer_name);
        tidy(&mut self.contact_name);
        tidy(&mut self.email);
        self.reasons = self.reasons.trim().to_owned();
    }

    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.required_line("customer_name", &self.customer_name, limits::NAME);
        v.required_line("contact_name", &self.contact_name, limits::NAME);
        if !looks_like_email(&self.email) || self.email.len() > 254 {
            v.add(
                "email",
                "email",
                "email must be an e-mail address such as privacy@customer.example.",
            );
        }
        v.required_text("reasons", &self.reasons, limits::TEXT);
        if !self.reasons.is_empty() && self.reasons.chars().count() < MIN_REASONS_CHARS {
            v.add(
                "reasons",
                "reasoned",
                format!(
                    "reasons must give the grounds of the objection in at least {MIN_REASONS_CHARS} characters."
                ),
            );
        }
        v.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn draft(effective_on: Date) -> NoticeDraft {
        NoticeDraft {
            kind: NoticeKind::Addition,
            name: "Mailgun".into(),
            purpose: Some("Transactional e-mail".into()),
            location: Some("de".into()),
            transfer_mechanism: None,
            replaces: None,
            details: None,
            effective_on,
        }
    }

    #[test]
    fn a_29_day_notice_is_refused_and_30_days_accepted() {
        let published = date!(2026 - 11 - 24);
        let mut d = draft(date!(2026 - 12 - 23));
        d.normalise();
        let err = d.validate(published, 30).unwrap_err();
        assert_eq!(err.0.len(), 1);
        assert_eq!(err.0[0].field, "effective_on");
        assert_eq!(err.0[0].rule, "notice_period");
        assert!(
            err.0[0].message.contains("2026-12-24"),
            "{}",
            err.0[0].message
        );
        assert!(err.0[0].message.contains("29 days"), "{}", err.0[0].message);
        d.effective_on = date!(2026 - 12 - 24);
        d.validate(published, 30).unwrap();
    }

    #[test]
    fn the_longest_of_law_setting_and_contracts_applies() {
        assert_eq!(minimum_notice_days(0, []), 30);
        assert_eq!(minimum_notice_days(14, [10]), 30);
        assert_eq!(minimum_notice_days(45, [30, 60]), 60);
        assert_eq!(minimum_notice_days(30, [-1, 90]), 90);
        assert_eq!(minimum_notice_days(30, [9999]), MAX_NOTICE_DAYS);
        assert_eq!(
            earliest_effective(date!(2026 - 01 - 31), 30),
            date!(2026 - 03 - 02)
        );
    }

    #[test]
    fn a_third_country_without_ground_and_a_replacement_without_predecessor_are_refused() {
        let mut d = draft(date!(2027 - 06 - 01));
        d.kind = NoticeKind::Replacement;
        d.location = Some("IN".into());
        d.normalise();
        let err = d.validate(date!(2026 - 11 - 24), 30).unwrap_err();
        let rules: Vec<_> = err
            .0
            .iter()
            .map(|v| (v.field.as_str(), v.rule.as_str()))
            .collect();
        assert!(
            rules.contains(&("transfer_mechanism", "mechanism_required")),
            "{rules:?}"
        );
        assert!(rules.contains(&("replaces", "required")), "{rules:?}");
        d.transfer_mechanism = Some("scc".into());
        d.replaces = Some("Sendgrid".into());
        d.validate(date!(2026 - 11 - 24), 30).unwrap();
    }

    #[test]
    fn an_objection_needs_reasons() {
        let mut o = ObjectionDraft {
            customer_name: "Coaching BV".into(),
            contact_name: "Anna".into(),
            email: "anna@coaching.example".into(),
            reasons: " no ".into(),
        };
        o.normalise();
        let err = o.validate().unwrap_err();
        assert_eq!(err.0[0].field, "reasons");
        assert_eq!(err.0[0].rule, "reasoned");
        o.reasons = "Our clients' health data may not leave the EEA under our sector code.".into();
        o.validate().unwrap();
    }
}
