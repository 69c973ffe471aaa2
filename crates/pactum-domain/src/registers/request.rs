//! A data-subject request (Art. 15 to 22) and its Art. 12(3) clock: one month from receipt,
//! extendable by two further months with reasons given within the first month.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::clocks::{self, OrgCalendar};
use crate::entity::Entity;
use crate::text::tidy_opt;
use crate::timestamp::serde_instant;
use crate::validation::{Violations, limits};

/// The right exercised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// Art. 15.
    Access,
    /// Art. 16.
    Rectification,
    /// Art. 17.
    Erasure,
    /// Art. 18.
    Restriction,
    /// Art. 20.
    Portability,
    /// Art. 21.
    Objection,
    /// Art. 22.
    AutomatedDecision,
}

impl RequestKind {
    pub fn article(self) -> &'static str {
        match self {
            RequestKind::Access => "Art. 15",
            RequestKind::Rectification => "Art. 16",
            RequestKind::Erasure => "Art. 17",
            RequestKind::Restriction => "Art. 18",
            RequestKind::Portability => "Art. 20",
            RequestKind::Objection => "Art. 21",
            RequestKind::AutomatedDecision => "Art. 22",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestChannel {
    Email,
    Letter,
    WebForm,
    Phone,
    InPerson,
    Other,
}

/// Where the request stands. `answered`, `refused` and `withdrawn` stop the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    #[default]
    Received,
    /// Art. 12(6): additional information asked to confirm the requester's identity.
    VerifyingIdentity,
    InProgress,
    Answered,
    /// Art. 12(5)(b), with the ground.
    Refused,
    Withdrawn,
}

impl RequestStatus {
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            RequestStatus::Answered | RequestStatus::Refused | RequestStatus::Withdrawn
        )
    }
}

/// Art. 12(5): why a request may be refused or charged for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Art12Ground {
    ManifestlyUnfounded,
    /// In particular because of its repetitive character.
    Excessive,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DataSubjectRequest {
    #[serde(default)]
    pub reference: Option<String>,
    pub kind: RequestKind,
    /// When the request reached the organisation: the clock starts on that day.
    #[serde(with = "serde_instant")]
    #[schema(value_type = String, format = DateTime)]
    pub received_at: OffsetDateTime,
    #[serde(default)]
    pub channel: Option<RequestChannel>,
    /// Encrypted at rest.
    #[serde(default)]
    pub requester_name: Option<String>,
    /// E-mail address, postal address or phone. Encrypted at rest.
    #[serde(default)]
    pub requester_contact: Option<String>,
    /// What was asked. Encrypted at rest.
    #[serde(default)]
    pub details: Option<String>,
    #[serde(default)]
    pub status: RequestStatus,
    #[serde(default, with = "serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub identity_verified_at: Option<OffsetDateTime>,
    /// How the identity was verified (never a copy of an identity document).
    #[serde(default)]
    pub identity_method: Option<String>,
    /// Art. 12(3): the request is extended by two further months.
    #[serde(default)]
    pub extended: bool,
    #[serde(default)]
    pub extension_reason: Option<String>,
    /// The day the requester was told of the extension and its reasons.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub extension_informed_on: Option<Date>,
    /// Art. 12(5): the ground for a refusal or a fee.
    #[serde(default)]
    pub art12_ground: Option<Art12Ground>,
    /// Why the ground applies (the controller bears the burden of proof).
    #[serde(default)]
    pub art12_reasoning: Option<String>,
    /// Art. 12(5)(a): a reasonable fee, in cents.
    #[serde(default)]
    pub fee_cents: Option<i64>,
    /// When the answer (or refusal, with the right to complain, Art. 12(4)) was sent.
    #[serde(default, with = "serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<OffsetDateTime>,
    /// What was answered or done. Encrypted at rest.
    #[serde(default)]
    pub response: Option<String>,
    /// The member who handles the request: reminders go to them and to the admins.
    #[serde(default)]
    pub assignee_id: Option<Uuid>,
    /// Derived: the end of the last day to answer (one month, or three when extended),
    /// in UTC. Set by the server; a value sent is ignored.
    #[serde(default, with = "serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime, read_only)]
    pub due_at: Option<OffsetDateTime>,
    /// Derived: that last day, in the organisation's time zone.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date, read_only)]
    pub due_on: Option<Date>,
    /// Derived: when the clock stopped (see `done_at`); empty while it runs.
    #[serde(default, with = "serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime, read_only)]
    pub stopped_at: Option<OffsetDateTime>,
}

impl Entity for DataSubjectRequest {
    const COLLECTION: &'static str = "requests";
    const NAME: &'static str = "request";
    const DATED: bool = true;

    fn normalise(&mut self) {
        tidy_opt(&mut self.reference);
        tidy_opt(&mut self.requester_name);
        tidy_opt(&mut self.requester_contact);
        tidy_opt(&mut self.details);
        tidy_opt(&mut self.identity_method);
        tidy_opt(&mut self.extension_reason);
        tidy_opt(&mut self.art12_reasoning);
        tidy_opt(&mut self.response);
        self.due_at = None;
        self.due_on = None;
        self.stopped_at = None;
    }

    fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.optional_line("reference", self.reference.as_deref(), limits::SHORT);
        v.optional_line(
            "requester_name",
            self.requester_name.as_deref(),
            limits::NAME,
        );
        v.optional_line(
            "requester_contact",
            self.requester_contact.as_deref(),
            limits::SHORT,
        );
        v.optional_text("details", self.details.as_deref(), limits::TEXT);
        v.optional_line(
            "identity_method",
            self.identity_method.as_deref(),
            limits::SHORT,
        );
        v.optional_text("response", self.response.as_deref(), limits::TEXT);
        v.optional_text(
            "art12_reasoning",
            self.art12_reasoning.as_deref(),
            limits::TEXT,
        );
        if self.status == RequestStatus::Refused && self.art12_ground.is_none() {
            v.add(
                "art12_ground",
                "required",
                "art12_ground is required to refuse: a request may be refused only when manifestly unfounded or excessive (Art. 12(5)(b)).",
            );
        }
        if (self.art12_ground.is_some() || self.fee_cents.is_some())
            && self.art12_reasoning.is_none()
        {
            v.add(
                "art12_reasoning",
                "required",
                "art12_reasoning is required with a refusal or a fee: the controller must demonstrate the ground (Art. 12(5)).",
            );
        }
        if self.fee_cents.is_some() && self.art12_ground.is_none() {
            v.add(
                "fee_cents",
                "needs_ground",
                "fee_cents needs an art12_ground: requests are free of charge otherwise (Art. 12(5)).",
            );
        }
        if self
            .fee_cents
            .is_some_and(|c| !(0..=10_000_000).contains(&c))
        {
            v.add(
                "fee_cents",
                "range",
                "fee_cents must be from 0 to 10000000 (100,000.00).",
            );
        }
        if matches!(
            self.status,
            RequestStatus::Answered | RequestStatus::Refused
        ) && self.answered_at.is_none()
        {
            v.add(
                "answered_at",
                "required",
                "answered_at is required once the request is answered or refused.",
            );
        }
        for (field, at) in [
            ("answered_at", self.answered_at),
            ("identity_verified_at", self.identity_verified_at),
        ] {
            if at.is_some_and(|t| t < self.received_at) {
                v.add(
                    field,
                    "after_receipt",
                    format!("{field} cannot be before the request was received."),
                );
            }
        }
        v.into_result()
    }

    fn settle(&mut self, calendar: &OrgCalendar) -> Result<(), Violations> {
        let first = clocks::request_due(self.received_at, &calendar.zone, &calendar.calendar);
        let due = if self.extended {
            clocks::check_extension(
                crate::clocks::period::local_date(self.received_at, &calendar.zone),
                &first,
                self.extension_informed_on,
                self.extension_reason.as_deref(),
            )?;
            clocks::extended_due(&first, &calendar.calendar)
        } else {
            first
        };
        self.due_on = Some(due.due);
        self.due_at = Some(crate::clocks::period::end_of_day(due.due, &calendar.zone));
        self.stopped_at = self.done_at();
        Ok(())
    }
}

impl DataSubjectRequest {
    /// When the clock stopped: the answer or refusal was sent, or the request withdrawn.
    pub fn done_at(&self) -> Option<OffsetDateTime> {
        match self.status {
            RequestStatus::Answered | RequestStatus::Refused => self.answered_at,
            RequestStatus::Withdrawn => Some(self.answered_at.unwrap_or(self.received_at)),
            _ => None,
        }
    }
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
