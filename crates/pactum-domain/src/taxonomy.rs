//! Taxonomies shipped as data (`taxonomy/*.toml`, compiled into the binary): personal-data
//! and data-subject categories with their fideslang aliases, the Art. 6(1) legal bases,
//! the Art. 9(2) conditions, transfer mechanisms, security measures and countries.
//!
//! The files are the single source: validation, the API's enumerations and the documents
//! all read them through [`taxonomy`].

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How sensitive a category of personal data is under the GDPR.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Ordinary personal data.
    Regular,
    /// Special categories of Art. 9(1).
    Special,
    /// Criminal convictions and offences, Art. 10.
    Criminal,
}

impl Sensitivity {
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Regular => "regular",
            Sensitivity::Special => "special",
            Sensitivity::Criminal => "criminal",
        }
    }
}

/// A term with an article reference and names in the supported languages.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LegalTerm {
    pub key: String,
    pub article: String,
    pub en: String,
    pub nl: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DataCategory {
    pub key: String,
    pub group: String,
    pub sensitivity: Sensitivity,
    #[serde(default)]
    pub article: Option<String>,
    pub en: String,
    pub nl: String,
    /// Matching fideslang data-category keys.
    pub fides: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubjectCategory {
    pub key: String,
    pub en: String,
    pub nl: String,
    /// Matching fideslang data-subject keys.
    pub fides: Vec<String>,
}

/// What kind of Chapter V ground a transfer mechanism is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MechanismKind {
    Adequacy,
    Safeguard,
    Derogation,
    None,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TransferMechanism {
    pub key: String,
    pub kind: MechanismKind,
    pub article: String,
    /// When set, the mechanism only exists towards these countries (the DPF: US).
    #[serde(default)]
    pub countries: Vec<String>,
    pub en: String,
    pub nl: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    Technical,
    Organisational,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MeasureTerm {
    pub key: String,
    pub kind: MeasureKind,
    pub group: String,
    pub en: String,
    pub nl: String,
    /// Where the measure is named in the agreements Pactum is built from.
    pub sources: Vec<String>,
}

/// The Art. 45 status of a country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Adequacy {
    /// An adequacy decision covers every recipient.
    Full,
    /// An adequacy decision covers only some recipients (see the note).
    Partial,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Country {
    /// ISO 3166-1 alpha-2.
    pub code: String,
    pub en: String,
    pub nl: String,
    #[serde(default)]
    pub eu: bool,
    #[serde(default)]
    pub eea: bool,
    #[serde(default)]
    pub adequacy: Option<Adequacy>,
    #[serde(default)]
    pub note: Option<String>,
}

impl Country {
    /// A country outside the EU/EEA, to which Chapter V applies.
    pub fn is_third_country(&self) -> bool {
        !self.eea
    }
}

/// All taxonomies.
#[derive(Debug, Serialize, ToSchema)]
pub struct Taxonomy {
    pub data_categories: Vec<DataCategory>,
    pub subject_categories: Vec<SubjectCategory>,
    pub legal_bases: Vec<LegalTerm>,
    pub art9_conditions: Vec<LegalTerm>,
    pub transfer_mechanisms: Vec<TransferMechanism>,
    pub security_measures: Vec<MeasureTerm>,
    pub countries: Vec<Country>,
}

#[derive(Deserialize)]
struct CategoryFile {
    category: Vec<DataCategory>,
}
#[derive(Deserialize)]
struct SubjectFile {
    subject: Vec<SubjectCategory>,
}
#[derive(Deserialize)]
struct BasisFile {
    basis: Vec<LegalTerm>,
}
#[derive(Deserialize)]
struct ConditionFile {
    condition: Vec<LegalTerm>,
}
#[derive(Deserialize)]
struct MechanismFile {
    mechanism: Vec<TransferMechanism>,
}
#[derive(Deserialize)]
struct MeasureFile {
    measure: Vec<MeasureTerm>,
}
#[derive(Deserialize)]
struct CountryFile {
    country: Vec<Country>,
}

fn load() -> Result<Taxonomy, toml::de::Error> {
    Ok(Taxonomy {
        data_categories: toml::from_str::<CategoryFile>(include_str!(
            "../taxonomy/data_categories.toml"
        ))?
        .category,
        subject_categories: toml::from_str::<SubjectFile>(include_str!(
            "../taxonomy/subject_categories.toml"
        ))?
        .subject,
        legal_bases: toml::from_str::<BasisFile>(include_str!("../taxonomy/legal_bases.toml"))?
            .basis,
        art9_conditions: toml::from_str::<ConditionFile>(include_str!(
            "../taxonomy/art9_conditions.toml"
        ))?
        .condition,
        transfer_mechanisms: toml::from_str::<MechanismFile>(include_str!(
            "../taxonomy/transfer_mechanisms.toml"
        ))?
        .mechanism,
        security_measures: toml::from_str::<MeasureFile>(include_str!(
            "../taxonomy/security_measures.toml"
        ))?
        .measure,
        countries: toml::from_str::<CountryFile>(include_str!("../taxonomy/countries.toml"))?
            .country,
    })
}

static TAXONOMY: LazyLock<Taxonomy> = LazyLock::new(|| {
    #[expect(
        clippy::expect_used,
        reason = "the files are compiled in and a unit test parses them; a broken file is a build defect"
    )]
    load().expect("compiled-in taxonomy files parse")
});

/// The taxonomies, parsed once.
pub fn taxonomy() -> &'static Taxonomy {
    &TAXONOMY
}

impl Taxonomy {
    pub fn data_category(&self, key: &str) -> Option<&DataCategory> {
        self.data_categories.iter().find(|c| c.key == key)
    }

    /// Finds a category by its own key or by a fideslang alias.
    pub fn data_category_by_fides(&self, fides_key: &str) -> Option<&DataCategory> {
        self.data_categories
            .iter()
            .find(|c| c.fides.iter().any(|f| f == fides_key))
    }

    pub fn subject_category(&self, key: &str) -> Option<&SubjectCategory> {
        self.subject_categories.iter().find(|c| c.key == key)
    }

    pub fn legal_basis(&self, key: &str) -> Option<&LegalTerm> {
        self.legal_bases.iter().find(|c| c.key == key)
    }

    pub fn art9_condition(&self, key: &str) -> Option<&LegalTerm> {
        self.art9_conditions.iter().find(|c| c.key == key)
    }

    pub fn transfer_mechanism(&self, key: &str) -> Option<&TransferMechanism> {
        self.transfer_mechanisms.iter().find(|c| c.key == key)
    }

    pub fn security_measure(&self, key: &str) -> Option<&MeasureTerm> {
        self.security_measures.iter().find(|c| c.key == key)
    }

    pub fn country(&self, code: &str) -> Option<&Country> {
        self.countries
            .binary_search_by(|c| c.code.as_str().cmp(code))
            .ok()
            .and_then(|i| self.countries.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn files_parse_and_keys_are_unique() {
        let t = load().expect("taxonomy parses");
        fn unique<'a>(keys: impl Iterator<Item = &'a str>) {
            let mut seen = HashSet::new();
            for k in keys {
                assert!(seen.insert(k), "duplicate key {k}");
            }
        }
        unique(t.data_categories.iter().map(|c| c.key.as_str()));
        unique(t.subject_categories.iter().map(|c| c.key.as_str()));
        unique(t.legal_bases.iter().map(|c| c.key.as_str()));
        unique(t.art9_conditions.iter().map(|c| c.key.as_str()));
        unique(t.transfer_mechanisms.iter().map(|c| c.key.as_str()));
        unique(t.security_measures.iter().map(|c| c.key.as_str()));
        unique(t.countries.iter().map(|c| c.code.as_str()));
        assert_eq!(t.legal_bases.len(), 6, "Art. 6(1)(a-f)");
        assert_eq!(t.art9_conditions.len(), 10, "Art. 9(2)(a-j)");
    }

    #[test]
    fn countries_are_sorted_for_binary_search() {
        let t = taxonomy();
        assert!(t.countries.windows(2).all(|w| w[0].code < w[1].code));
        assert_eq!(t.countries.len(), 249);
    }

    #[test]
    fn eu_eea_and_adequacy() {
        let t = taxonomy();
        assert_eq!(t.countries.iter().filter(|c| c.eu).count(), 27);
        assert_eq!(t.countries.iter().filter(|c| c.eea).count(), 30);
        assert!(!t.country("NL").unwrap().is_third_country());
        assert!(!t.country("NO").unwrap().is_third_country());
        let ch = t.country("CH").unwrap();
        assert!(ch.is_third_country());
        assert_eq!(ch.adequacy, Some(Adequacy::Full));
        assert_eq!(t.country("US").unwrap().adequacy, Some(Adequacy::Partial));
        assert_eq!(t.country("IN").unwrap().adequacy, None);
        assert!(t.country("XX").is_none());
    }

    #[test]
    fn all_nine_special_categories_and_art10_are_marked() {
        let t = taxonomy();
        let special = t
            .data_categories
            .iter()
            .filter(|c| c.sensitivity == Sensitivity::Special)
            .count();
        // Art. 9(1) names eight groups; religious and philosophical beliefs share one key.
        assert_eq!(special, 8);
        assert!(
            t.data_categories
                .iter()
                .any(|c| c.sensitivity == Sensitivity::Criminal)
        );
    }

    #[test]
    fn fides_aliases_map_back() {
        let t = taxonomy();
        assert_eq!(
            t.data_category_by_fides("user.health_and_medical")
                .map(|c| c.key.as_str()),
            Some("special.health")
        );
        assert_eq!(
            t.data_category_by_fides("user.contact.email")
                .map(|c| c.key.as_str()),
            Some("contact.email")
        );
    }

    #[test]
    fn every_seed_measure_has_a_key() {
        let t = taxonomy();
        // One key per security promise of the two agreements (see the `sources` field).
        for key in [
            "encryption.in_transit_tls",
            "encryption.at_rest_column_keys",
            "encryption.at_rest_database",
            "auth.password_hashing",
            "auth.password_hashing_prehash",
            "auth.totp_2fa",
            "auth.short_lived_tokens",
            "auth.secure_cookies",
            "auth.session_timeouts",
            "auth.csrf_protection",
            "access.role_based",
            "access.periodic_review",
            "app.prepared_statements",
            "app.output_escaping",
            "app.virus_scanning",
            "app.brute_force_protection",
            "app.bot_protection",
            "network.egress_allowlist",
            "network.hsts",
            "network.csp",
            "network.permissions_policy",
            "network.rate_limiting",
            "network.intrusion_prevention",
            "logging.audit_log",
            "logging.pii_scrubber",
            "logging.error_monitoring_scrubbed",
            "retention.daily_batch",
            "retention.tax_hold",
            "location.eu_eea",
            "org.confidentiality_undertaking",
            "org.incident_response",
        ] {
            let m = t
                .security_measure(key)
                .unwrap_or_else(|| panic!("missing {key}"));
            assert!(!m.sources.is_empty(), "{key} should cite its seed");
        }
    }
}
