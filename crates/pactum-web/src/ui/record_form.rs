//! The forms of the data map: one description per collection of which fields it has and
//! how each is entered, from which the page builds its controls, reads the posted form
//! into the entity's JSON document, and shows the domain's violations next to the field.
//! The entity itself (serde and `validate`) stays the only judge of what is valid.

use std::collections::HashMap;

use pactum_domain::organisation::Language;
use pactum_domain::taxonomy::taxonomy;
use serde_json::{Map, Value};

use crate::ui::i18n::T;

/// Where a select's options come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tax {
    DataCategory,
    SubjectCategory,
    LegalBasis,
    Art9Condition,
    Mechanism,
    Country,
    Measure,
}

/// How a field is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Line,
    Text,
    Number,
    Date,
    Check,
    /// One of the entity's enum values; labels are `choice.<value>`.
    Choice(&'static [&'static str]),
    Taxonomy(Tax),
    /// Several taxonomy keys, as checkboxes.
    Taxonomies(Tax),
    /// The id of another record of the project (by collection).
    Ref(&'static str),
    /// Ids of other records of the project, as checkboxes.
    Refs(&'static str),
    /// A list of short texts, one per line.
    Lines,
    /// A vendor's own sub-processors, as rows of four fields.
    SubProcessors,
}

#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub name: &'static str,
    pub input: Input,
    pub required: bool,
}

const fn f(name: &'static str, input: Input) -> Spec {
    Spec {
        name,
        input,
        required: false,
    }
}

const fn req(name: &'static str, input: Input) -> Spec {
    Spec {
        name,
        input,
        required: true,
    }
}

const CLASSIFICATION: &[&str] = &["public", "internal", "confidential", "restricted"];

/// The fields of each collection (by URL segment), in the order a person fills them in.
pub fn specs(collection: &str) -> Option<&'static [Spec]> {
    use Input::*;
    Some(match collection {
        "processing-activities" => {
            const S: &[Spec] = &[
                req("name", Line),
                req("purposes", Text),
                f(
                    "role",
                    Choice(&["controller", "joint_controller", "processor"]),
                ),
                f("controllers", Text),
                f("joint_controllers", Text),
                f("legal_basis", Taxonomy(Tax::LegalBasis)),
                f("legal_basis_note", Text),
                f("subject_categories", Taxonomies(Tax::SubjectCategory)),
                f("data_item_ids", Refs("data-items")),
                f("recipients", Text),
                f("transfer_ids", Refs("transfers")),
                f("retention", Text),
                f("security_measure_ids", Refs("security-measures")),
            ];
            S
        }
        "services" => {
            const S: &[Spec] = &[
                req("name", Line),
                f("description", Text),
                f("owner_role", Line),
                f("provider", Line),
                f("vendor_id", Ref("vendors")),
                f("hosting_country", Taxonomy(Tax::Country)),
                f("confidentiality", Choice(CLASSIFICATION)),
                f("backup_strategy_id", Ref("backup-strategies")),
                f("device_group_ids", Refs("device-groups")),
                f("dpa_reference", Line),
            ];
            S
        }
        "data-items" => {
            const S: &[Spec] = &[
                req("service_id", Ref("services")),
                req("name", Line),
                f("description", Text),
                req("category", Taxonomy(Tax::DataCategory)),
                f("sensitivity", Choice(&["regular", "special", "criminal"])),
                f("classification", Choice(CLASSIFICATION)),
                f("legal_basis", Taxonomy(Tax::LegalBasis)),
                f("art9_condition", Taxonomy(Tax::Art9Condition)),
                f("art10_basis", Line),
                f("retention_amount", Number),
                f(
                    "retention_unit",
                    Choice(&["days", "weeks", "months", "years"]),
                ),
                f("retention_trigger", Line),
                f("retention_rationale", Text),
                f("subject_category", Taxonomy(Tax::SubjectCategory)),
                f("source", Line),
                f("examples", Text),
            ];
            S
        }
        "data-users" => {
            const S: &[Spec] = &[
                req("role", Line),
                f("description", Text),
                f("access_level", Choice(&["read", "write", "admin"])),
                f("external", Check),
                f("service_ids", Refs("services")),
            ];
            S
        }
        "transfers" => {
            const S: &[Spec] = &[
                req("service_id", Ref("services")),
                req("recipient", Line),
                f("vendor_id", Ref("vendors")),
                req("country", Taxonomy(Tax::Country)),
                f("mechanism", Taxonomy(Tax::Mechanism)),
                f("description", Text),
                f("data_item_ids", Refs("data-items")),
            ];
            S
        }
        "vendors" => {
            const S: &[Spec] = &[
                req("name", Line),
                f("description", Text),
                f(
                    "role",
                    Choice(&[
                        "processor",
                        "sub_processor",
                        "independent_controller",
                        "joint_controller",
                    ]),
                ),
                f("purpose", Text),
                f("country", Taxonomy(Tax::Country)),
                f("transfer_mechanism", Taxonomy(Tax::Mechanism)),
                f("website", Line),
                f("dpa_reference", Line),
                f("breach_notice_hours", Number),
                f("certifications", Lines),
                f("sub_processors", SubProcessors),
            ];
            S
        }
        "security-measures" => {
            const S: &[Spec] = &[
                f("key", Taxonomy(Tax::Measure)),
                f("name", Line),
                f("description", Text),
                f("kind", Choice(&["technical", "organisational"])),
                f(
                    "status",
                    Choice(&["planned", "in_progress", "implemented", "not_applicable"]),
                ),
                f("owner_role", Line),
                f("evidence", Text),
            ];
            S
        }
        "device-groups" => {
            const S: &[Spec] = &[
                req("name", Line),
                f("description", Text),
                f("device_type", Line),
                f("device_count", Number),
                f("managed", Check),
                f("encrypted", Check),
            ];
            S
        }
        "backup-strategies" => {
            const S: &[Spec] = &[
                req("name", Line),
                f("description", Text),
                f(
                    "frequency",
                    Choice(&["continuous", "hourly", "daily", "weekly", "monthly"]),
                ),
                f("location", Line),
                f("country", Taxonomy(Tax::Country)),
                f("encrypted", Check),
                f("retention", Line),
                f("last_restore_test", Date),
            ];
            S
        }
        _ => return None,
    })
}

/// The posted form, with repeated names (checkboxes) kept.
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    fn one(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// A field the form itself could not read (before the entity judges the rest).
pub struct InputError {
    pub field: &'static str,
    pub key: &'static str,
}

/// Sub-processor rows the form offers: the stored ones plus this many empty ones.
pub const EXTRA_SUB_PROCESSOR_ROWS: usize = 2;
const SUB_FIELDS: [&str; 4] = ["name", "purpose", "country", "transfer_mechanism"];

/// The posted form as the entity's JSON document, and the fields the form could not read.
/// Empty optional fields are left out, so the entity's defaults apply; a required empty
/// text is kept empty so its rule names it.
pub fn to_json(specs: &[Spec], form: &Posted) -> (Value, Vec<InputError>) {
    let mut doc = Map::new();
    let mut errors = Vec::new();
    for spec in specs {
        let raw = form.one(spec.name).map(str::trim).unwrap_or("");
        let value = match spec.input {
            Input::Line | Input::Text | Input::Date => {
                if raw.is_empty() && !spec.required {
                    continue;
                }
                Value::String(raw.to_owned())
            }
            Input::Ref(_) if raw.is_empty() && spec.required => {
                // The entity needs an id to parse; the error names the field.
                errors.push(InputError {
                    field: spec.name,
                    key: "form.choose_required",
                });
                Value::String(uuid::Uuid::nil().to_string())
            }
            Input::Taxonomy(_) | Input::Ref(_) | Input::Choice(_) => {
                if raw.is_empty() {
                    if spec.required {
                        Value::String(String::new())
                    } else {
                        continue;
                    }
                } else {
                    if let Input::Choice(values) = spec.input
                        && !values.contains(&raw)
                    {
                        errors.push(InputError {
                            field: spec.name,
                            key: "form.choose_option",
                        });
                        continue;
                    }
                    Value::String(raw.to_owned())
                }
            }
            Input::Number => {
                if raw.is_empty() {
                    continue;
                }
                match raw.parse::<i64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => {
                        errors.push(InputError {
                            field: spec.name,
                            key: "form.whole_number",
                        });
                        continue;
                    }
                }
            }
            Input::Check => Value::Bool(!raw.is_empty()),
            Input::Refs(_) | Input::Taxonomies(_) => Value::Array(
                form.all(spec.name)
                    .into_iter()
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| Value::String(v.trim().to_owned()))
                    .collect(),
            ),
            Input::Lines => Value::Array(
                raw.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Value::String(l.to_owned()))
                    .collect(),
            ),
            Input::SubProcessors => {
                let mut rows = Vec::new();
                for i in 0..500 {
                    let cell = |f: &str| {
                        form.one(&format!("{}[{i}].{f}", spec.name))
                            .map(str::trim)
                            .unwrap_or("")
                    };
                    if SUB_FIELDS
                        .iter()
                        .all(|f| form.one(&format!("{}[{i}].{f}", spec.name)).is_none())
                    {
                        break;
                    }
                    if SUB_FIELDS.iter().all(|f| cell(f).is_empty()) {
                        continue;
                    }
                    let mut row = Map::new();
                    row.insert("name".into(), Value::String(cell("name").to_owned()));
                    for f in &SUB_FIELDS[1..] {
                        if !cell(f).is_empty() {
                            row.insert((*f).into(), Value::String(cell(f).to_owned()));
                        }
                    }
                    rows.push(Value::Object(row));
                }
                Value::Array(rows)
            }
        };
        doc.insert(spec.name.to_owned(), value);
    }
    (Value::Object(doc), errors)
}

/// One selectable option.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Options of a taxonomy, labelled in the reader's language.
pub fn taxonomy_options(tax: Tax, language: Language) -> Vec<(String, String)> {
    let t = taxonomy();
    let pick = |en: &str, nl: &str| match language {
        Language::En => en.to_owned(),
        Language::Nl => nl.to_owned(),
    };
    let mut list: Vec<(String, String)> = match tax {
        Tax::DataCategory => t
            .data_categories
            .iter()
            .map(|c| (c.key.clone(), pick(&c.en, &c.nl)))
            .collect(),
        Tax::SubjectCategory => t
            .subject_categories
            .iter()
            .map(|c| (c.key.clone(), pick(&c.en, &c.nl)))
            .collect(),
        Tax::LegalBasis => t
            .legal_bases
            .iter()
            .map(|c| {
                (
                    c.key.clone(),
                    format!("{} ({})", pick(&c.en, &c.nl), c.article),
                )
            })
            .collect(),
        Tax::Art9Condition => t
            .art9_conditions
            .iter()
            .map(|c| {
                (
                    c.key.clone(),
                    format!("{} ({})", pick(&c.en, &c.nl), c.article),
                )
            })
            .collect(),
        Tax::Mechanism => t
            .transfer_mechanisms
            .iter()
            .map(|c| {
                (
                    c.key.clone(),
                    format!("{} ({})", pick(&c.en, &c.nl), c.article),
                )
            })
            .collect(),
        Tax::Country => t
            .countries
            .iter()
            .map(|c| (c.code.clone(), pick(&c.en, &c.nl)))
            .collect(),
        Tax::Measure => t
            .security_measures
            .iter()
            .map(|c| (c.key.clone(), pick(&c.en, &c.nl)))
            .collect(),
    };
    if matches!(tax, Tax::Country | Tax::DataCategory | Tax::Measure) {
        list.sort_by_key(|a| a.1.to_lowercase());
    }
    list
}

/// A form value as the control shows it: strings as typed, numbers as digits, lists as
/// their elements.
pub fn values_of(doc: &Value) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    let Value::Object(map) = doc else { return out };
    for (k, v) in map {
        let list = match v {
            Value::Null => Vec::new(),
            Value::String(s) => vec![s.clone()],
            Value::Bool(b) => {
                if *b {
                    vec!["on".to_owned()]
                } else {
                    Vec::new()
                }
            }
            Value::Number(n) => vec![n.to_string()],
            Value::Array(items) => items
                .iter()
                .map(|i| match i {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
            Value::Object(_) => Vec::new(),
        };
        out.insert(k.clone(), list);
    }
    if let Some(Value::Array(rows)) = map.get("sub_processors") {
        for (i, row) in rows.iter().enumerate() {
            for f in SUB_FIELDS {
                if let Some(Value::String(s)) = row.get(f) {
                    out.insert(format!("sub_processors[{i}].{f}"), vec![s.clone()]);
                }
            }
        }
    }
    out
}

/// The posted form as values to show again after an error.
pub fn values_of_posted(form: &Posted) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in &form.0 {
        out.entry(k.clone()).or_default().push(v.clone());
    }
    out
}

/// The spec field a violation's field path belongs to (`sub_processors[1].name` ->
/// `sub_processors`).
pub fn owner_of<'a>(specs: &'a [Spec], path: &str) -> Option<&'a Spec> {
    let head = path.split(['[', '.']).next().unwrap_or(path);
    specs.iter().find(|s| s.name == head)
}

/// The message for a broken rule on a field, in the reader's language.
pub fn rule_message(t: T, label: &str, rule: &str, fallback: &str) -> String {
    match t.get(&format!("rule.{rule}")) {
        Some(m) => m.replace("{field}", label),
        None => fallback.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(pairs: &[(&str, &str)]) -> Posted {
        Posted(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn every_spec_field_exists_on_its_entity() {
        use pactum_domain::datamap::*;
        fn fields<E: serde::Serialize + serde::de::DeserializeOwned>(
            segment: &str,
            json: serde_json::Value,
        ) {
            let doc = serde_json::to_value(serde_json::from_value::<E>(json).unwrap()).unwrap();
            for s in specs(segment).unwrap() {
                assert!(
                    doc.get(s.name).is_some(),
                    "{segment}: {} is not a field",
                    s.name
                );
            }
        }
        let id = uuid::Uuid::nil();
        fields::<processing_activity::ProcessingActivity>(
            "processing-activities",
            serde_json::json!({"name": "x", "purposes": "y"}),
        );
        fields::<service::Service>("services", serde_json::json!({"name": "x"}));
        fields::<data_item::DataItem>(
            "data-items",
            serde_json::json!({"service_id": id, "name": "x", "category": "contact.email"}),
        );
        fields::<data_user::DataUser>("data-users", serde_json::json!({"role": "x"}));
        fields::<transfer::Transfer>(
            "transfers",
            serde_json::json!({"service_id": id, "recipient": "x", "country": "NL"}),
        );
        fields::<vendor::Vendor>("vendors", serde_json::json!({"name": "x"}));
        fields::<security_measure::SecurityMeasure>(
            "security-measures",
            serde_json::json!({"name": "x", "kind": "technical"}),
        );
        fields::<device_group::DeviceGroup>("device-groups", serde_json::json!({"name": "x"}));
        fields::<backup_strategy::BackupStrategy>(
            "backup-strategies",
            serde_json::json!({"name": "x"}),
        );
    }

    #[test]
    fn form_becomes_the_entity_document() {
        let doc = to_json(
            specs("vendors").unwrap(),
            &posted(&[
                ("name", " Mailer "),
                ("description", ""),
                ("role", "sub_processor"),
                ("breach_notice_hours", "24"),
                ("certifications", "ISO 27001\n\n SOC 2 "),
                ("sub_processors[0].name", "Host"),
                ("sub_processors[0].country", "US"),
                ("sub_processors[0].purpose", ""),
                ("sub_processors[0].transfer_mechanism", ""),
                ("sub_processors[1].name", ""),
                ("sub_processors[1].country", ""),
                ("sub_processors[1].purpose", ""),
                ("sub_processors[1].transfer_mechanism", ""),
            ]),
        );
        assert!(doc.1.is_empty());
        let doc = doc.0;
        assert_eq!(
            doc,
            serde_json::json!({
                "name": "Mailer", "role": "sub_processor", "breach_notice_hours": 24,
                "certifications": ["ISO 27001", "SOC 2"],
                "sub_processors": [{"name": "Host", "country": "US"}]
            })
        );
        let v: pactum_domain::datamap::vendor::Vendor = serde_json::from_value(doc).unwrap();
        assert_eq!(v.sub_processors.len(), 1);
    }

    #[test]
    fn unreadable_numbers_and_unknown_choices_name_their_field() {
        let errors = to_json(
            specs("data-items").unwrap(),
            &posted(&[("retention_amount", "two"), ("sensitivity", "secret")]),
        )
        .1;
        let fields: Vec<_> = errors.iter().map(|e| (e.field, e.key)).collect();
        assert_eq!(
            fields,
            [
                ("service_id", "form.choose_required"),
                ("sensitivity", "form.choose_option"),
                ("retention_amount", "form.whole_number")
            ]
        );
    }

    #[test]
    fn checkboxes_and_multiple_values() {
        let doc = to_json(
            specs("data-users").unwrap(),
            &posted(&[
                ("role", "Support"),
                ("service_ids", "a"),
                ("service_ids", "b"),
            ]),
        )
        .0;
        assert_eq!(
            doc,
            serde_json::json!({"role": "Support", "external": false, "service_ids": ["a", "b"]})
        );
        assert_eq!(
            owner_of(specs("vendors").unwrap(), "sub_processors[3].country").map(|s| s.name),
            Some("sub_processors")
        );
    }
}
