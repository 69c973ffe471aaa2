//! The documents' wording in English and Dutch (`i18n/en.toml`, `i18n/nl.toml`), and the
//! names of taxonomy terms, countries, enum values and moments in the reader's language.
//! A missing key shows as `[key]`, which the tests look for in every document.

use std::sync::OnceLock;

use pactum_domain::format;
use pactum_domain::organisation::Language;
use pactum_domain::taxonomy::taxonomy;
use serde::Serialize;
use time::OffsetDateTime;

fn catalogue(language: Language) -> &'static toml::Table {
    static EN: OnceLock<toml::Table> = OnceLock::new();
    static NL: OnceLock<toml::Table> = OnceLock::new();
    let (cell, text) = match language {
        Language::En => (&EN, include_str!("../i18n/en.toml")),
        Language::Nl => (&NL, include_str!("../i18n/nl.toml")),
    };
    // The catalogues are compiled in and parsed by a test; an empty table would only
    // show every key as `[key]`.
    cell.get_or_init(|| text.parse().unwrap_or_default())
}

/// Every key of a catalogue, dotted, for the test that keeps both languages equal.
pub fn keys(language: Language) -> Vec<String> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut Vec<String>) {
        for (k, v) in table {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(t) => walk(&key, t, out),
                _ => out.push(key),
            }
        }
    }
    let mut out = Vec::new();
    walk("", catalogue(language), &mut out);
    out.sort();
    out
}

#[derive(Debug, Clone)]
pub struct Labels {
    pub language: Language,
    /// The organisation's time zone: every moment is written in it (an unknown one as UTC).
    pub zone: String,
}

impl Labels {
    pub fn new(language: Language, zone: &str) -> Self {
        Self {
            language,
            zone: zone.to_owned(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self.language {
            Language::En => "en",
            Language::Nl => "nl",
        }
    }

    pub fn t(&self, key: &str) -> String {
        let mut value: Option<&toml::Value> = None;
        let mut table = catalogue(self.language);
        for part in key.split('.') {
            match table.get(part) {
                Some(toml::Value::Table(t)) => table = t,
                Some(v) => {
                    value = Some(v);
                    break;
                }
                None => return format!("[{key}]"),
            }
        }
        match value.and_then(|v| v.as_str()) {
            Some(s) => s.to_owned(),
            None => format!("[{key}]"),
        }
    }

    /// A catalogue text with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key);
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    pub fn pick<'a>(&self, en: &'a str, nl: &'a str) -> &'a str {
        match self.language {
            Language::En => en,
            Language::Nl => nl,
        }
    }

    /// The label of an enum value: `enum.<type>.<serde name>`.
    pub fn value<T: Serialize>(&self, kind: &str, value: &T) -> String {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::String(s)) => self.t(&format!("enum.{kind}.{s}")),
            _ => String::new(),
        }
    }

    pub fn yes_no(&self, yes: bool) -> String {
        self.t(if yes { "common.yes" } else { "common.no" })
    }

    pub fn moment(&self, t: OffsetDateTime) -> String {
        format::date_time_in(self.language, &self.zone, t)
    }

    pub fn maybe_moment(&self, t: Option<OffsetDateTime>) -> String {
        t.map(|t| self.moment(t)).unwrap_or_default()
    }

    pub fn date(&self, d: time::Date) -> String {
        format::date(self.language, d.midnight().assume_utc())
    }

    pub fn data_category(&self, key: &str) -> String {
        match taxonomy().data_category(key) {
            Some(c) => self.pick(&c.en, &c.nl).to_owned(),
            None => key.to_owned(),
        }
    }

    pub fn subject_category(&self, key: &str) -> String {
        match taxonomy().subject_category(key) {
            Some(c) => self.pick(&c.en, &c.nl).to_owned(),
            None => key.to_owned(),
        }
    }

    pub fn legal_basis(&self, key: &str) -> String {
        match taxonomy().legal_basis(key) {
            Some(c) => format!("{} ({})", self.pick(&c.en, &c.nl), c.article),
            None => key.to_owned(),
        }
    }

    pub fn art9_condition(&self, key: &str) -> String {
        match taxonomy().art9_condition(key) {
            Some(c) => format!("{} ({})", self.pick(&c.en, &c.nl), c.article),
            None => key.to_owned(),
        }
    }

    pub fn country(&self, code: &str) -> String {
        match taxonomy().country(code) {
            Some(c) => self.pick(&c.en, &c.nl).to_owned(),
            None => code.to_owned(),
        }
    }

    pub fn mechanism(&self, key: &str) -> String {
        match taxonomy().transfer_mechanism(key) {
            Some(m) => format!("{} ({})", self.pick(&m.en, &m.nl), m.article),
            None => key.to_owned(),
        }
    }

    pub fn measure_group(&self, group: &str) -> String {
        self.t(&format!("measure_group.{group}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let en = keys(Language::En);
        assert!(en.len() > 200, "the English catalogue parses: {}", en.len());
        assert_eq!(en, keys(Language::Nl));
    }

    #[test]
    fn every_enum_value_the_documents_name_has_a_text() {
        use pactum_domain::assessments::dpia::{Criterion, Decision, Outcome};
        use pactum_domain::assessments::risk::{RiskLevel, Treatment};
        use pactum_domain::datamap::retention::RetentionUnit;
        use pactum_domain::registers::breach::{Art34Exception, BreachNature, BreachRisk};
        use pactum_domain::registers::request::RequestKind;
        for language in [Language::En, Language::Nl] {
            let l = Labels::new(language, "Europe/Amsterdam");
            let mut texts = Vec::new();
            texts.extend(Criterion::ALL.iter().map(|c| l.value("criterion", c)));
            for v in [Outcome::Required, Outcome::Consider, Outcome::NotIndicated] {
                texts.push(l.value("outcome", &v));
            }
            for v in [
                Decision::Proceed,
                Decision::ProceedWithMeasures,
                Decision::ConsultAuthority,
                Decision::DoNotProceed,
            ] {
                texts.push(l.value("decision", &v));
            }
            for v in [
                RiskLevel::Low,
                RiskLevel::Medium,
                RiskLevel::High,
                RiskLevel::VeryHigh,
            ] {
                texts.push(l.value("risk_level", &v));
            }
            for v in [
                Treatment::Mitigate,
                Treatment::Accept,
                Treatment::Transfer,
                Treatment::Avoid,
            ] {
                texts.push(l.value("treatment", &v));
            }
            for v in [
                RetentionUnit::Days,
                RetentionUnit::Weeks,
                RetentionUnit::Months,
                RetentionUnit::Years,
            ] {
                texts.push(l.value("unit", &v));
            }
            for v in [
                BreachNature::Confidentiality,
                BreachNature::Integrity,
                BreachNature::Availability,
            ] {
                texts.push(l.value("nature", &v));
            }
            for v in [BreachRisk::Unlikely, BreachRisk::Risk, BreachRisk::HighRisk] {
                texts.push(l.value("breach_risk", &v));
            }
            for v in [
                Art34Exception::Protected,
                Art34Exception::Mitigated,
                Art34Exception::Disproportionate,
            ] {
                texts.push(l.value("art34_exception", &v));
            }
            for v in [
                RequestKind::Access,
                RequestKind::Rectification,
                RequestKind::Erasure,
                RequestKind::Restriction,
                RequestKind::Portability,
                RequestKind::Objection,
                RequestKind::AutomatedDecision,
            ] {
                texts.push(l.value("request_kind", &v));
            }
            let groups = taxonomy()
                .security_measures
                .iter()
                .map(|m| l.measure_group(&m.group));
            texts.extend(groups);
            for t in &texts {
                assert!(!t.starts_with('[') && !t.is_empty(), "{language:?}: {t}");
            }
        }
    }

    #[test]
    fn placeholders_are_filled() {
        let l = Labels::new(Language::Nl, "Europe/Amsterdam");
        assert_eq!(
            l.fill("annex.via", &[("name", "A"), ("vendor", "B")]),
            "A (ingeschakeld door B)"
        );
        assert_eq!(l.t("no.such.key"), "[no.such.key]");
    }
}
