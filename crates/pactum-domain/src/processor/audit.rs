//! A customer's audit request (Art. 28(3)(h): the processor allows for and contributes to
//! audits). The contract sets the notice the customer must give and how often it may
//! audit; a request outside those terms is still recorded (the processor may agree to it),
//! and [`check_terms`] says where it falls outside.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entity::Entity;
use crate::processor::customer::{DEFAULT_AUDIT_NOTICE_DAYS, DEFAULT_AUDITS_PER_YEAR};
use crate::text::tidy_opt;
use crate::validation::{Violations, limits};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditStatus {
    #[default]
    Requested,
    /// Date, auditor and scope agreed.
    Agreed,
    InProgress,
    Completed,
    /// Refused, with the reason in `outcome` (e.g. outside the contract's terms).
    Declined,
    Withdrawn,
}

impl AuditStatus {
    /// Whether the request counts towards the yearly limit.
    pub fn counts(self) -> bool {
        !matches!(self, AuditStatus::Declined | AuditStatus::Withdrawn)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditRequest {
    /// The customer asking.
    pub customer_id: Uuid,
    #[serde(default)]
    pub reference: Option<String>,
    /// The day the request arrived: the notice runs from here.
    #[schema(value_type = String, format = Date)]
    pub received_on: Date,
    /// The day the audit is to start.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub audit_on: Option<Date>,
    /// The independent auditor and their confidentiality undertaking.
    #[serde(default)]
    pub auditor: Option<String>,
    /// What is audited (compliance with the DPA, which systems).
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub status: AuditStatus,
    /// What was provided: descriptions of measures, certificates, reports, access given.
    #[serde(default)]
    pub evidence: Option<String>,
    /// The result, or why the request was declined.
    #[serde(default)]
    pub outcome: Option<String>,
}

impl Entity for AuditRequest {
    const COLLECTION: &'static str = "audit_requests";
    const NAME: &'static str = "audit request";

    fn normalise(&mut self) {
        tidy_opt(&mut self.reference);
        tidy_opt(&mut self.auditor);
        tidy_opt(&mut self.scope);
        tidy_opt(&mut self.evidence);
        tidy_opt(&mut self.outcome);
    }

    fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.optional_line("reference", self.reference.as_deref(), limits::SHORT);
        v.optional_line("auditor", self.auditor.as_deref(), limits::SHORT);
        v.optional_text("scope", self.scope.as_deref(), limits::TEXT);
        v.optional_text("evidence", self.evidence.as_deref(), limits::TEXT);
        v.optional_text("outcome", self.outcome.as_deref(), limits::TEXT);
        if self.audit_on.is_some_and(|d| d < self.received_on) {
            v.add(
                "audit_on",
                "after_receipt",
                "audit_on cannot be before received_on.",
            );
        }
        if self.status == AuditStatus::Declined && self.outcome.is_none() {
            v.add(
                "outcome",
                "required",
                "outcome is required when a request is declined: say why.",
            );
        }
        if matches!(
            self.status,
            AuditStatus::Agreed | AuditStatus::InProgress | AuditStatus::Completed
        ) && self.audit_on.is_none()
        {
            v.add(
                "audit_on",
                "required",
                "audit_on is required once an audit is agreed.",
            );
        }
        v.into_result()
    }
}

/// How a request measures up to its customer's contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AuditTerms {
    /// The notice the contract asks for, in days.
    pub notice_days: i64,
    /// The notice given (received to audit day); none while no day is proposed.
    pub notice_given_days: Option<i64>,
    /// False when the audit starts sooner than the contract's notice allows.
    pub notice_ok: bool,
    /// The audits the contract allows in a calendar year.
    pub per_year: i64,
    /// The customer's audits in this request's calendar year that count, this one
    /// included (declined and withdrawn requests do not count).
    pub in_year: i64,
    /// False when this request goes beyond the yearly limit.
    pub frequency_ok: bool,
}

/// The calendar year a request belongs to: its audit day's, else its receipt's.
pub fn audit_year(r: &AuditRequest) -> i32 {
    r.audit_on.unwrap_or(r.received_on).year()
}

/// Checks `request` against the contract (`notice_days`, `per_year`, the defaults when the
/// customer's record has none) and the customer's other requests. A request counts as
/// beyond the limit when, in its year, the requests received before it (or on the same day
/// with a smaller id) already reach the limit.
pub fn check_terms(
    request: (Uuid, &AuditRequest),
    notice_days: Option<i64>,
    per_year: Option<i64>,
    others: &[(Uuid, AuditRequest)],
) -> AuditTerms {
    let (id, r) = request;
    let notice_days = notice_days.unwrap_or(DEFAULT_AUDIT_NOTICE_DAYS);
    let per_year = per_year.unwrap_or(DEFAULT_AUDITS_PER_YEAR);
    let notice_given_days = r.audit_on.map(|d| (d - r.received_on).whole_days());
    let year = audit_year(r);
    let same_year = others
        .iter()
        .filter(|(oid, o)| *oid != id && o.status.counts() && audit_year(o) == year);
    let earlier = same_year
        .clone()
        .filter(|(oid, o)| (o.received_on, *oid) < (r.received_on, id))
        .count() as i64;
    let in_year = same_year.count() as i64 + i64::from(r.status.counts());
    AuditTerms {
        notice_days,
        notice_given_days,
        notice_ok: notice_given_days.is_none_or(|g| g >= notice_days),
        per_year,
        in_year,
        frequency_ok: !r.status.counts() || earlier < per_year,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn request(received_on: Date, audit_on: Option<Date>) -> AuditRequest {
        AuditRequest {
            customer_id: Uuid::nil(),
            reference: None,
            received_on,
            audit_on,
            auditor: None,
            scope: None,
            status: AuditStatus::Requested,
            evidence: None,
            outcome: None,
        }
    }

    #[test]
    fn four_weeks_notice_is_checked_from_receipt() {
        let id = Uuid::from_u128(1);
        let short = request(date!(2026 - 11 - 02), Some(date!(2026 - 11 - 27)));
        let t = check_terms((id, &short), None, None, &[]);
        assert_eq!(
            (t.notice_days, t.notice_given_days, t.notice_ok),
            (28, Some(25), false)
        );
        let fine = request(date!(2026 - 11 - 02), Some(date!(2026 - 11 - 30)));
        assert!(check_terms((id, &fine), None, None, &[]).notice_ok);
        let undated = request(date!(2026 - 11 - 02), None);
        assert!(check_terms((id, &undated), Some(60), None, &[]).notice_ok);
    }

    #[test]
    fn a_second_audit_in_a_calendar_year_goes_beyond_a_yearly_limit() {
        let first = (
            Uuid::from_u128(1),
            request(date!(2026 - 02 - 01), Some(date!(2026 - 03 - 10))),
        );
        let second = (
            Uuid::from_u128(2),
            request(date!(2026 - 09 - 01), Some(date!(2026 - 10 - 10))),
        );
        let next_year = (
            Uuid::from_u128(3),
            request(date!(2026 - 12 - 01), Some(date!(2027 - 01 - 10))),
        );
        let all = vec![first.clone(), second.clone(), next_year.clone()];
        let t1 = check_terms((first.0, &first.1), None, None, &all);
        let t2 = check_terms((second.0, &second.1), None, None, &all);
        let t3 = check_terms((next_year.0, &next_year.1), None, None, &all);
        assert!(t1.frequency_ok && !t2.frequency_ok && t3.frequency_ok);
        assert_eq!((t1.in_year, t2.in_year, t3.in_year), (2, 2, 1));
        // A withdrawn first request frees the year; a contract allowing two does too.
        let mut withdrawn = all.clone();
        withdrawn[0].1.status = AuditStatus::Withdrawn;
        assert!(check_terms((second.0, &second.1), None, None, &withdrawn).frequency_ok);
        assert!(check_terms((second.0, &second.1), None, Some(2), &all).frequency_ok);
    }

    #[test]
    fn a_declined_request_needs_its_reason() {
        let mut r = request(date!(2026 - 11 - 02), None);
        r.status = AuditStatus::Declined;
        let err = r.validate().unwrap_err();
        assert_eq!(
            (err.0[0].field.as_str(), err.0[0].rule.as_str()),
            ("outcome", "required")
        );
    }
}
