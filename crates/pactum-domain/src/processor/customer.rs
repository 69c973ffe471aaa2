//! A customer the organisation processes personal data for (a controller, or a processor
//! above it in the chain), with the terms of its DPA that set Pactum's clocks.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::clocks::DEFAULT_CONTROLLER_NOTICE_HOURS;
use crate::entity::Entity;
use crate::text::{looks_like_email, tidy, tidy_opt};
use crate::validation::{Violations, limits};

/// Four weeks' notice before an audit, as common DPAs (and the practions DPA, Art. 8(2))
/// ask, unless the contract says otherwise.
pub const DEFAULT_AUDIT_NOTICE_DAYS: i64 = 28;
/// One audit per calendar year unless the contract says otherwise.
pub const DEFAULT_AUDITS_PER_YEAR: i64 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    pub name: String,
    #[serde(default)]
    pub contact_name: Option<String>,
    /// Where breach notices and sub-processor change notices to this customer go.
    #[serde(default)]
    pub notice_email: Option<String>,
    /// The agreement (DPA) with this customer: a reference or URL.
    #[serde(default)]
    pub contract_reference: Option<String>,
    /// Hours the contract gives to notify the customer of a breach, from awareness
    /// (24 unless it says otherwise).
    #[serde(default)]
    pub breach_notice_hours: Option<i64>,
    /// Days of notice the contract requires before a sub-processor change; the
    /// organisation's notices never give less than the longest of these.
    #[serde(default)]
    pub subprocessor_notice_days: Option<i64>,
    /// Days of notice the customer must give before an audit (28 unless it says).
    #[serde(default)]
    pub audit_notice_days: Option<i64>,
    /// Audits the contract allows per calendar year (1 unless it says).
    #[serde(default)]
    pub audits_per_year: Option<i64>,
    #[serde(default)]
    pub notes: Option<String>,
}

impl Customer {
    pub fn breach_hours(&self) -> u32 {
        self.breach_notice_hours
            .and_then(|h| u32::try_from(h).ok())
            .unwrap_or(DEFAULT_CONTROLLER_NOTICE_HOURS)
    }
}

impl Entity for Customer {
    const COLLECTION: &'static str = "customers";
    const NAME: &'static str = "customer";

    fn normalise(&mut self) {
        tidy(&mut self.name);
        tidy_opt(&mut self.contact_name);
        tidy_opt(&mut self.notice_email);
        tidy_opt(&mut self.contract_reference);
        tidy_opt(&mut self.notes);
        // The defaults are written into the record so that what applies is visible.
        self.breach_notice_hours
            .get_or_insert(DEFAULT_CONTROLLER_NOTICE_HOURS.into());
        self.audit_notice_days
            .get_or_insert(DEFAULT_AUDIT_NOTICE_DAYS);
        self.audits_per_year.get_or_insert(DEFAULT_AUDITS_PER_YEAR);
    }

    fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.required_line("name", &self.name, limits::NAME);
        v.optional_line("contact_name", self.contact_name.as_deref(), limits::NAME);
        if let Some(email) = &self.notice_email
            && (!looks_like_email(email) || email.len() > 254)
        {
            v.add(
                "notice_email",
                "email",
                "notice_email must be an e-mail address such as privacy@customer.example.",
            );
        }
        v.optional_line(
            "contract_reference",
            self.contract_reference.as_deref(),
            limits::SHORT,
        );
        v.optional_text("notes", self.notes.as_deref(), limits::TEXT);
        for (field, value, max, unit) in [
            (
                "breach_notice_hours",
                self.breach_notice_hours,
                8760,
                "hours",
            ),
            (
                "subprocessor_notice_days",
                self.subprocessor_notice_days,
                365,
                "days",
            ),
            ("audit_notice_days", self.audit_notice_days, 365, "days"),
            ("audits_per_year", self.audits_per_year, 12, "audits"),
        ] {
            if value.is_some_and(|n| !(1..=max).contains(&n)) {
                v.add(
                    field,
                    "range",
                    format!("{field} must be a whole number of {unit} from 1 to {max}."),
                );
            }
        }
        v.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer() -> Customer {
        serde_json::from_value(serde_json::json!({"name": " Coaching BV "})).unwrap()
    }

    #[test]
    fn the_contract_defaults_are_written_into_the_record() {
        let mut c = customer();
        c.normalise();
        assert_eq!(c.name, "Coaching BV");
        assert_eq!(c.breach_notice_hours, Some(24));
        assert_eq!(c.audit_notice_days, Some(28));
        assert_eq!(c.audits_per_year, Some(1));
        assert_eq!(c.subprocessor_notice_days, None);
        assert_eq!(c.breach_hours(), 24);
        c.validate().unwrap();
    }

    #[test]
    fn terms_out_of_range_and_a_bad_address_name_their_field() {
        let mut c = customer();
        c.breach_notice_hours = Some(0);
        c.audits_per_year = Some(13);
        c.notice_email = Some("not an address".into());
        let err = c.validate().unwrap_err();
        let fields: Vec<_> = err
            .0
            .iter()
            .map(|v| (v.field.as_str(), v.rule.as_str()))
            .collect();
        assert!(
            fields.contains(&("breach_notice_hours", "range")),
            "{fields:?}"
        );
        assert!(fields.contains(&("audits_per_year", "range")), "{fields:?}");
        assert!(fields.contains(&("notice_email", "email")), "{fields:?}");
    }
}
