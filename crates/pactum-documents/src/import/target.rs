//! What a column can fill, per collection: the record's field, how the cell's text becomes
//! a value, and the headers (English and Dutch) that map to it without asking.

use pactum_domain::taxonomy::taxonomy;

/// How a cell's text becomes a value of the record's JSON document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    /// Several values in one cell, separated by `;` or line breaks.
    List,
    /// One of the enum's values, by its key or with spaces for underscores.
    Choice,
    /// A taxonomy key, or its English or Dutch name.
    Term(Terms),
    /// Several taxonomy keys or names.
    TermList(Terms),
    /// The name of a record of another collection in the same project.
    Ref(&'static str),
    /// Several names of records of another collection.
    RefList(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terms {
    DataCategory,
    SubjectCategory,
    LegalBasis,
    Art9Condition,
    Country,
    Mechanism,
    Measure,
}

#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub key: &'static str,
    pub kind: Kind,
    /// Headers that mean this field (lower case), besides the key itself.
    pub aliases: &'static [&'static str],
}

const fn f(key: &'static str, kind: Kind, aliases: &'static [&'static str]) -> FieldSpec {
    FieldSpec { key, kind, aliases }
}

/// The collections a spreadsheet can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Services,
    DataItems,
    ProcessingActivities,
    Vendors,
    SecurityMeasures,
}

const SERVICES: &[FieldSpec] = &[
    f(
        "name",
        Kind::Text,
        &[
            "system",
            "application",
            "service",
            "naam",
            "systeem",
            "applicatie",
        ],
    ),
    f("description", Kind::Text, &["omschrijving", "beschrijving"]),
    f("owner_role", Kind::Text, &["owner", "eigenaar"]),
    f("provider", Kind::Text, &["supplier", "leverancier"]),
    f(
        "vendor_id",
        Kind::Ref("vendors"),
        &["vendor", "processor", "verwerker"],
    ),
    f(
        "hosting_country",
        Kind::Term(Terms::Country),
        &["hosting", "country", "land", "locatie"],
    ),
    f(
        "confidentiality",
        Kind::Choice,
        &["classification", "vertrouwelijkheid"],
    ),
    f(
        "dpa_reference",
        Kind::Text,
        &["dpa", "verwerkersovereenkomst"],
    ),
];

const DATA_ITEMS: &[FieldSpec] = &[
    f(
        "service_id",
        Kind::Ref("services"),
        &["service", "system", "systeem", "applicatie"],
    ),
    f(
        "name",
        Kind::Text,
        &["data", "data item", "gegeven", "naam", "persoonsgegeven"],
    ),
    f("description", Kind::Text, &["omschrijving"]),
    f(
        "category",
        Kind::Term(Terms::DataCategory),
        &["data category", "categorie"],
    ),
    f(
        "legal_basis",
        Kind::Term(Terms::LegalBasis),
        &["lawful basis", "rechtsgrond", "grondslag"],
    ),
    f(
        "art9_condition",
        Kind::Term(Terms::Art9Condition),
        &["art. 9 condition", "art 9", "uitzondering art. 9"],
    ),
    f(
        "retention_amount",
        Kind::Integer,
        &["retention", "bewaartermijn"],
    ),
    f("retention_unit", Kind::Choice, &["unit", "eenheid"]),
    f("retention_trigger", Kind::Text, &["after", "na"]),
    f(
        "retention_rationale",
        Kind::Text,
        &["rationale", "onderbouwing"],
    ),
    f(
        "subject_category",
        Kind::Term(Terms::SubjectCategory),
        &["data subjects", "betrokkenen"],
    ),
    f("source", Kind::Text, &["bron"]),
    f("examples", Kind::Text, &["voorbeelden"]),
];

const ACTIVITIES: &[FieldSpec] = &[
    f(
        "name",
        Kind::Text,
        &[
            "processing activity",
            "activity",
            "verwerking",
            "verwerkingsactiviteit",
            "naam",
        ],
    ),
    f(
        "purposes",
        Kind::Text,
        &["purpose", "doel", "doeleinden", "doelen"],
    ),
    f("role", Kind::Choice, &["rol"]),
    f(
        "controllers",
        Kind::Text,
        &["controller", "verwerkingsverantwoordelijke"],
    ),
    f(
        "joint_controllers",
        Kind::Text,
        &[
            "joint controller",
            "gezamenlijk verwerkingsverantwoordelijken",
        ],
    ),
    f(
        "legal_basis",
        Kind::Term(Terms::LegalBasis),
        &["lawful basis", "rechtsgrond", "grondslag"],
    ),
    f("legal_basis_note", Kind::Text, &["toelichting rechtsgrond"]),
    f(
        "subject_categories",
        Kind::TermList(Terms::SubjectCategory),
        &["data subjects", "betrokkenen", "categorieën betrokkenen"],
    ),
    f(
        "data_item_ids",
        Kind::RefList("data_items"),
        &["data", "personal data", "persoonsgegevens", "gegevens"],
    ),
    f("recipients", Kind::Text, &["ontvangers"]),
    f(
        "retention",
        Kind::Text,
        &["retention period", "bewaartermijn", "bewaartermijnen"],
    ),
];

const VENDORS: &[FieldSpec] = &[
    f(
        "name",
        Kind::Text,
        &["vendor", "supplier", "leverancier", "naam"],
    ),
    f("description", Kind::Text, &["omschrijving"]),
    f("role", Kind::Choice, &["rol"]),
    f("purpose", Kind::Text, &["doel"]),
    f(
        "country",
        Kind::Term(Terms::Country),
        &["location", "land", "locatie"],
    ),
    f(
        "transfer_mechanism",
        Kind::Term(Terms::Mechanism),
        &["mechanism", "doorgiftemechanisme", "waarborg"],
    ),
    f("website", Kind::Text, &[]),
    f(
        "dpa_reference",
        Kind::Text,
        &["dpa", "verwerkersovereenkomst"],
    ),
    f(
        "breach_notice_hours",
        Kind::Integer,
        &["breach notice", "meldtermijn"],
    ),
    f("certifications", Kind::List, &["certificeringen"]),
];

const MEASURES: &[FieldSpec] = &[
    f(
        "key",
        Kind::Term(Terms::Measure),
        &["taxonomy", "taxonomie"],
    ),
    f("name", Kind::Text, &["measure", "maatregel", "naam"]),
    f("description", Kind::Text, &["omschrijving"]),
    f("kind", Kind::Choice, &["type", "soort"]),
    f("status", Kind::Choice, &[]),
    f("owner_role", Kind::Text, &["owner", "eigenaar"]),
    f("evidence", Kind::Text, &["bewijs"]),
];

impl Target {
    pub const ALL: [Target; 5] = [
        Target::Services,
        Target::DataItems,
        Target::ProcessingActivities,
        Target::Vendors,
        Target::SecurityMeasures,
    ];

    /// The collection's segment in URLs.
    pub fn segment(self) -> &'static str {
        match self {
            Target::Services => "services",
            Target::DataItems => "data-items",
            Target::ProcessingActivities => "processing-activities",
            Target::Vendors => "vendors",
            Target::SecurityMeasures => "security-measures",
        }
    }

    pub fn parse(segment: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.segment() == segment)
    }

    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            Target::Services => SERVICES,
            Target::DataItems => DATA_ITEMS,
            Target::ProcessingActivities => ACTIVITIES,
            Target::Vendors => VENDORS,
            Target::SecurityMeasures => MEASURES,
        }
    }

    pub fn field(self, key: &str) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|f| f.key == key)
    }
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The short names registers give the six bases, in English and Dutch.
const LEGAL_BASIS_WORDS: &[(&str, &[&str])] = &[
    ("consent", &["consent", "toestemming", "6(1)(a)"]),
    (
        "contract",
        &[
            "contract",
            "overeenkomst",
            "uitvoering overeenkomst",
            "6(1)(b)",
        ],
    ),
    (
        "legal_obligation",
        &["legal obligation", "wettelijke verplichting", "6(1)(c)"],
    ),
    (
        "vital_interests",
        &[
            "vital interests",
            "vital interest",
            "vitale belangen",
            "vitaal belang",
            "6(1)(d)",
        ],
    ),
    (
        "public_task",
        &[
            "public task",
            "public interest",
            "algemeen belang",
            "publieke taak",
            "6(1)(e)",
        ],
    ),
    (
        "legitimate_interests",
        &[
            "legitimate interests",
            "legitimate interest",
            "gerechtvaardigd belang",
            "gerechtvaardigde belangen",
            "6(1)(f)",
        ],
    ),
];

/// The taxonomy key a cell names: the key itself, or an English or Dutch name. Text that
/// names nothing is passed on as it is, for the domain's rule to name.
pub fn term(terms: Terms, text: &str) -> String {
    let t = taxonomy();
    let spaced = text.trim().to_lowercase().replace('_', " ");
    if terms == Terms::LegalBasis
        && let Some((key, _)) = LEGAL_BASIS_WORDS
            .iter()
            .find(|(_, words)| words.contains(&spaced.as_str()))
    {
        return (*key).to_owned();
    }
    fn find<T>(items: &[T], text: &str, names: impl Fn(&T) -> [&str; 4]) -> Option<String> {
        items
            .iter()
            .find(|i| names(i).iter().any(|n| same(n, text)))
            .map(|i| names(i)[0].to_owned())
    }
    // The first name is the key; the others are what a register may write instead.
    let found = match terms {
        Terms::DataCategory => find(&t.data_categories, text, |c| [&c.key, &c.en, &c.nl, &c.key]),
        Terms::SubjectCategory => find(&t.subject_categories, text, |c| {
            [&c.key, &c.en, &c.nl, &c.key]
        }),
        Terms::LegalBasis => find(&t.legal_bases, text, |c| [&c.key, &c.en, &c.nl, &c.article]),
        Terms::Art9Condition => find(&t.art9_conditions, text, |c| {
            [&c.key, &c.en, &c.nl, &c.article]
        }),
        Terms::Country => find(&t.countries, text, |c| [&c.code, &c.en, &c.nl, &c.code]),
        Terms::Mechanism => find(&t.transfer_mechanisms, text, |c| {
            [&c.key, &c.en, &c.nl, &c.key]
        }),
        Terms::Measure => find(&t.security_measures, text, |c| {
            [&c.key, &c.en, &c.nl, &c.key]
        }),
    };
    found.unwrap_or_else(|| text.trim().to_owned())
}
