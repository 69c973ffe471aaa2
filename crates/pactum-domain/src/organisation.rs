//! The tenant: an organisation, its details for the Art. 30 header, and its members.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::taxonomy::taxonomy;
use crate::text::{looks_like_email, tidy, tidy_country, tidy_opt};
use crate::validation::{Violations, limits};

/// Whether the organisation acts as controller, as processor for others, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgRole {
    #[default]
    Controller,
    Processor,
    Both,
}

/// The languages Pactum speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Nl,
}

/// An organisation's details. The slug names it in URLs and on the command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Lower-case letters, digits and dashes, 2 to 63 characters; unique.
    pub slug: String,
    pub legal_name: String,
    #[serde(default)]
    pub trade_name: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// ISO 3166-1 alpha-2 country of establishment.
    pub country: String,
    /// Chamber of commerce or company registration number.
    #[serde(default)]
    pub registration_number: Option<String>,
    #[serde(default)]
    pub vat_number: Option<String>,
    #[serde(default)]
    pub dpo_name: Option<String>,
    #[serde(default)]
    pub dpo_email: Option<String>,
    #[serde(default)]
    pub dpo_phone: Option<String>,
    /// The Art. 27 representative in the Union, if the organisation is established outside it.
    #[serde(default)]
    pub eu_representative: Option<String>,
    #[serde(default)]
    pub default_language: Language,
    #[serde(default)]
    pub role: OrgRole,
    /// IANA time zone in which deadlines are shown.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// When set, members without two-factor authentication cannot use the organisation
    /// until they enrol.
    #[serde(default)]
    pub require_two_factor: bool,
    /// Whose public holidays move the organisation's deadlines (`NL`, `DE-BY`, `FR-AM`...);
    /// by default the country's own list, when Pactum has one.
    #[serde(default)]
    pub holiday_region: Option<String>,
    /// Extra days on which the organisation's periods do not end (bridge days, closures).
    #[serde(default)]
    pub closure_days: Vec<time::Date>,
    /// Hours before a breach's deadline at which reminders go out. The largest is also
    /// the "due soon" window of breaches.
    #[serde(default = "default_breach_reminders")]
    pub breach_reminder_hours: Vec<u32>,
    /// Days before a data-subject request's deadline at which reminders go out. The
    /// largest is also the "due soon" window of requests.
    #[serde(default = "default_request_reminders")]
    pub request_reminder_days: Vec<u32>,
    /// Whether the public request form (`/intake/{slug}`) takes requests.
    #[serde(default)]
    pub intake_enabled: bool,
    /// Whether the public trust page (`/trust/{slug}`) is published.
    #[serde(default)]
    pub trust_page_enabled: bool,
    /// Days of notice before a sub-processor change takes effect: 30 at least, and never
    /// less than a customer's contract asks (see `processor::notice`).
    #[serde(default = "default_notice_days")]
    pub subprocessor_notice_days: u32,
}

fn default_notice_days() -> u32 {
    crate::processor::notice::MIN_NOTICE_DAYS
}

fn default_breach_reminders() -> Vec<u32> {
    vec![48, 24, 4]
}

fn default_request_reminders() -> Vec<u32> {
    vec![7, 2]
}

fn default_timezone() -> String {
    "Europe/Amsterdam".to_owned()
}

impl Organisation {
    /// How long before a deadline a case counts as due soon: the first reminder's lead.
    pub fn warning(&self, register_is_breach: bool) -> time::Duration {
        if register_is_breach {
            time::Duration::hours(
                self.breach_reminder_hours
                    .iter()
                    .max()
                    .copied()
                    .unwrap_or(0)
                    .into(),
            )
        } else {
            time::Duration::days(
                self.request_reminder_days
                    .iter()
                    .max()
                    .copied()
                    .unwrap_or(0)
                    .into(),
            )
        }
    }

    /// The reminders' leads before a deadline, in minutes, largest first.
    pub fn reminder_leads(&self, register_is_breach: bool) -> Vec<i64> {
        if register_is_breach {
            self.breach_reminder_hours
                .iter()
                .map(|h| i64::from(*h) * 60)
                .collect()
        } else {
            self.request_reminder_days
                .iter()
                .map(|d| i64::from(*d) * 24 * 60)
                .collect()
        }
    }

    /// The days on which the organisation's periods cannot end: its holiday region's public
    /// holidays (the chosen one, else its country's) and its closure days. `None` for a
    /// country without a holiday list and no region chosen: then only weekends and
    /// closure days move deadlines.
    pub fn calendar(&self) -> crate::clocks::OrgCalendar {
        crate::clocks::OrgCalendar::new(
            &self.timezone,
            &self.country,
            self.holiday_region.as_deref(),
            &self.closure_days,
        )
    }

    pub fn normalise(&mut self) {
        tidy(&mut self.slug);
        self.slug.make_ascii_lowercase();
        tidy(&mut self.legal_name);
        tidy_opt(&mut self.trade_name);
        tidy_opt(&mut self.address);
        tidy(&mut self.country);
        self.country.make_ascii_uppercase();
        tidy_opt(&mut self.registration_number);
        tidy_country(&mut self.vat_number);
        if let Some(vat) = &mut self.vat_number {
            vat.retain(|c| !c.is_whitespace() && c != '.');
        }
        tidy_opt(&mut self.holiday_region);
        if let Some(r) = &mut self.holiday_region {
            r.make_ascii_uppercase();
        }
        self.closure_days.sort();
        self.closure_days.dedup();
        for list in [
            &mut self.breach_reminder_hours,
            &mut self.request_reminder_days,
        ] {
            list.sort_unstable_by(|a, b| b.cmp(a));
            list.dedup();
        }
        tidy_opt(&mut self.dpo_name);
        tidy_opt(&mut self.dpo_email);
        tidy_opt(&mut self.dpo_phone);
        tidy_opt(&mut self.eu_representative);
        tidy(&mut self.timezone);
    }

    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        check_slug(&mut v, "slug", &self.slug);
        v.required_line("legal_name", &self.legal_name, limits::NAME);
        v.optional_line("trade_name", self.trade_name.as_deref(), limits::NAME);
        v.optional_text("address", self.address.as_deref(), limits::SHORT);
        check_country(&mut v, "country", &self.country);
        v.optional_line(
            "registration_number",
            self.registration_number.as_deref(),
            64,
        );
        if let Some(vat) = &self.vat_number {
            check_vat(&mut v, vat);
        }
        v.optional_line("dpo_name", self.dpo_name.as_deref(), limits::NAME);
        if let Some(email) = &self.dpo_email
            && !looks_like_email(email)
        {
            v.add(
                "dpo_email",
                "email",
                "dpo_email must be an e-mail address such as dpo@example.com.",
            );
        }
        v.optional_line("dpo_phone", self.dpo_phone.as_deref(), 64);
        v.optional_text(
            "eu_representative",
            self.eu_representative.as_deref(),
            limits::SHORT,
        );
        let tz_ok = !self.timezone.is_empty()
            && self.timezone.len() <= 64
            && self
                .timezone
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c));
        if !tz_ok || jiff::tz::TimeZone::get(&self.timezone).is_err() {
            v.add(
                "timezone",
                "timezone",
                "timezone must be an IANA time zone name such as Europe/Amsterdam.",
            );
        }
        if let Some(r) = &self.holiday_region
            && r.parse::<crate::clocks::holidays::Region>().is_err()
        {
            v.add(
                "holiday_region",
                "one_of",
                "holiday_region must be NL, BE, DE, a German Land such as DE-BY, FR, FR-AM (Alsace-Moselle) or an overseas department such as FR-RE.",
            );
        }
        if self.closure_days.len() > 400 {
            v.add(
                "closure_days",
                "max_items",
                "closure_days may list at most 400 days.",
            );
        }
        for (field, list, max, what) in [
            (
                "breach_reminder_hours",
                &self.breach_reminder_hours,
                72,
                "hours",
            ),
            (
                "request_reminder_days",
                &self.request_reminder_days,
                60,
                "days",
            ),
        ] {
            if list.len() > 5 {
                v.add(
                    field,
                    "max_items",
                    format!("{field} may list at most 5 reminders."),
                );
            }
            if list.iter().any(|n| *n == 0 || *n > max) {
                v.add(
                    field,
                    "range",
                    format!("{field} must be whole numbers of {what} from 1 to {max}."),
                );
            }
        }
        let (min, max) = (
            crate::processor::notice::MIN_NOTICE_DAYS,
            crate::processor::notice::MAX_NOTICE_DAYS,
        );
        if !(min..=max).contains(&self.subprocessor_notice_days) {
            v.add(
                "subprocessor_notice_days",
                "range",
                format!("subprocessor_notice_days must be a whole number of days from {min} to {max}: customers are told at least {min} days before a sub-processor change."),
            );
        }
        v.into_result()
    }
}

/// Slugs: what a person can type in a URL or on the command line without quoting.
pub fn check_slug(v: &mut Violations, field: &str, slug: &str) {
    let ok = (2..=63).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if !ok {
        v.add(
            field,
            "slug",
            format!(
                "{field} must be 2 to 63 lower-case letters, digits or dashes, not starting or ending with a dash."
            ),
        );
    }
}

/// A country code from the taxonomy.
pub fn check_country(v: &mut Violations, field: &str, code: &str) {
    if code.is_empty() {
        v.add(field, "required", format!("{field} is required."));
    } else if taxonomy().country(code).is_none() {
        v.add(
            field,
            "country",
            format!("{field} must be an ISO 3166-1 alpha-2 country code such as NL; {code:?} is not one."),
        );
    }
}

/// EU VAT numbers: a country prefix and 2 to 13 characters; the Dutch form in full.
fn check_vat(v: &mut Violations, vat: &str) {
    let (prefix, rest) = vat.split_at(vat.len().min(2));
    let prefix_ok = prefix.len() == 2 && prefix.chars().all(|c| c.is_ascii_uppercase());
    let rest_ok = (2..=13).contains(&rest.len())
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '*');
    let nl_ok = prefix != "NL" || {
        let b = rest.as_bytes();
        b.len() == 12
            && b[..9].iter().all(u8::is_ascii_digit)
            && b[9] == b'B'
            && b[10..].iter().all(u8::is_ascii_digit)
    };
    if !(prefix_ok && rest_ok && nl_ok) {
        v.add(
            "vat_number",
            "vat_number",
            "vat_number must start with the country prefix, e.g. NL123456789B01.",
        );
    }
}

/// What a member may do in an organisation. The permission matrix is in docs/PERMISSIONS.md.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    Owner,
    Admin,
    Editor,
    #[default]
    Viewer,
    Auditor,
}

/// A person's membership of an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub email: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role: MemberRole,
}

impl Member {
    pub fn normalise(&mut self) {
        tidy(&mut self.email);
        self.email.make_ascii_lowercase();
        tidy_opt(&mut self.display_name);
    }

    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        if self.email.is_empty() {
            v.add("email", "required", "email is required.");
        } else if !looks_like_email(&self.email) {
            v.add(
                "email",
                "email",
                "email must be an e-mail address such as name@example.com.",
            );
        }
        v.optional_line("display_name", self.display_name.as_deref(), limits::NAME);
        v.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> Organisation {
        serde_json::from_value(serde_json::json!({
            "slug": " Acme ", "legal_name": "Acme B.V.", "country": "nl",
            "vat_number": "nl 8674.41264B01"
        }))
        .unwrap()
    }

    #[test]
    fn normalises_and_accepts() {
        let mut o = org();
        o.normalise();
        assert_eq!(o.slug, "acme");
        assert_eq!(o.country, "NL");
        assert_eq!(o.vat_number.as_deref(), Some("NL867441264B01"));
        assert_eq!(o.timezone, "Europe/Amsterdam");
        o.validate().unwrap();
    }

    #[test]
    fn names_field_and_rule() {
        let mut o = org();
        o.slug = "-x".into();
        o.country = "ZZ".into();
        o.vat_number = Some("NL12".into());
        o.dpo_email = Some("not-an-email".into());
        let err = o.validate().unwrap_err();
        let got: Vec<_> = err
            .0
            .iter()
            .map(|v| (v.field.as_str(), v.rule.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("slug", "slug"),
                ("country", "country"),
                ("vat_number", "vat_number"),
                ("dpo_email", "email")
            ]
        );
        assert!(err.0[1].message.contains("country"));
    }

    #[test]
    fn member_email() {
        let mut m: Member =
            serde_json::from_value(serde_json::json!({"email": " DPO@Example.NL "})).unwrap();
        m.normalise();
        assert_eq!(m.email, "dpo@example.nl");
        assert_eq!(m.role, MemberRole::Viewer);
        m.validate().unwrap();
    }
}
