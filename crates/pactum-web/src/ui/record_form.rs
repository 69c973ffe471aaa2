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
    /// A moment, entered as the organisation's wall-clock time (`datetime-local`) and kept
    /// in UTC.
    Moment,
    /// Several of the entity's enum values, as checkboxes; labels are `choice.<value>`.
    Choices(&'static [&'static str]),
    /// A member of the organisation (their user id).
    Member,
    /// A list of small records (a vendor's sub-processors, a breach's updates), as rows.
    Rows(&'static RowSpec),
    /// A level 1 to 4 of the risk scale, as a select; labels are `scale.<n>`.
    Scale,
    /// Yes, no, or not known (an optional boolean), as a select.
    YesNo,
    /// Type numbers of the Dutch AP's DPIA list, as checkboxes; labels are `ap_list.<n>`.
    NationalList,
}

/// The fields of one row of a `Rows` input. Labels are `field.<label_prefix><cell>`.
#[derive(Debug, PartialEq, Eq)]
pub struct RowSpec {
    pub label_prefix: &'static str,
    pub cells: &'static [Cell],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub name: &'static str,
    pub kind: CellKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    Line,
    Text,
    Tax(Tax),
    Moment,
    Check,
}

pub const SUB_PROCESSORS: RowSpec = RowSpec {
    label_prefix: "sub_",
    cells: &[
        Cell {
            name: "name",
            kind: CellKind::Line,
        },
        Cell {
            name: "purpose",
            kind: CellKind::Line,
        },
        Cell {
            name: "country",
            kind: CellKind::Tax(Tax::Country),
        },
        Cell {
            name: "transfer_mechanism",
            kind: CellKind::Tax(Tax::Mechanism),
        },
    ],
};

pub const BREACH_UPDATES: RowSpec = RowSpec {
    label_prefix: "update_",
    cells: &[
        Cell {
            name: "at",
            kind: CellKind::Moment,
        },
        Cell {
            name: "text",
            kind: CellKind::Text,
        },
        Cell {
            name: "sent_to_authority",
            kind: CellKind::Check,
        },
    ],
};

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
                f("sub_processors", Rows(&SUB_PROCESSORS)),
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
        "risk-assessments" => {
            const S: &[Spec] = &[
                f("service_id", Ref("services")),
                f("processing_activity_id", Ref("processing-activities")),
                req("threat", Line),
                f("description", Text),
                req("likelihood", Scale),
                req("impact", Scale),
                f("security_measure_ids", Refs("security-measures")),
                f("residual_likelihood", Scale),
                f("residual_impact", Scale),
                f(
                    "treatment",
                    Choice(&["mitigate", "accept", "transfer", "avoid"]),
                ),
                f("owner_id", Member),
                f("review_on", Date),
            ];
            S
        }
        "dpias" => {
            const S: &[Spec] = &[
                req("name", Line),
                req("processing_activity_id", Ref("processing-activities")),
                f(
                    "criteria",
                    Choices(&[
                        "evaluation_scoring",
                        "automated_decision_making",
                        "systematic_monitoring",
                        "sensitive_data",
                        "large_scale",
                        "matching_combining",
                        "vulnerable_subjects",
                        "innovative_technology",
                        "prevents_rights",
                    ]),
                ),
                f(
                    "art35_cases",
                    Choices(&[
                        "profiling_with_effects",
                        "large_scale_special",
                        "public_monitoring",
                    ]),
                ),
                f("national_list", NationalList),
                f("criteria_notes", Text),
                f("description", Text),
                f("necessity", Text),
                f("risks", Text),
                f("risk_assessment_ids", Refs("risk-assessments")),
                f("measures", Text),
                f("security_measure_ids", Refs("security-measures")),
                f("dpo_advice", Text),
                f("dpo_advice_followed", YesNo),
                f("subjects_views", Text),
                f(
                    "residual_risk",
                    Choice(&["low", "medium", "high", "very_high"]),
                ),
                f(
                    "decision",
                    Choice(&[
                        "proceed",
                        "proceed_with_measures",
                        "consult_authority",
                        "do_not_proceed",
                    ]),
                ),
                f("decision_note", Text),
                f("decided_on", Date),
                f("review_on", Date),
            ];
            S
        }
        "breaches" => {
            const S: &[Spec] = &[
                req("title", Line),
                f("reference", Line),
                f("role", Choice(&["controller", "processor"])),
                f("assignee_id", Member),
                f("occurred_at", Moment),
                req("aware_at", Moment),
                f("contained_at", Moment),
                f(
                    "nature",
                    Choices(&["confidentiality", "integrity", "availability"]),
                ),
                f("description", Text),
                f("data_categories", Taxonomies(Tax::DataCategory)),
                f("subject_categories", Taxonomies(Tax::SubjectCategory)),
                f("subjects_approx", Number),
                f("records_approx", Number),
                f("contact", Line),
                f("consequences", Text),
                f("measures", Text),
                f("risk", Choice(&["unlikely", "risk", "high_risk"])),
                f("risk_reasoning", Text),
                f(
                    "art34_exception",
                    Choice(&["protected", "mitigated", "disproportionate"]),
                ),
                f("authority_notified_at", Moment),
                f("authority_reference", Line),
                f("delay_reason", Text),
                f("subjects_informed_at", Moment),
                f("controller_notice_hours", Number),
                f("controllers_notified_at", Moment),
                f("customer_ids", Refs("customers")),
                f("affected_persons", Text),
                f("updates", Rows(&BREACH_UPDATES)),
                f("closed_at", Moment),
            ];
            S
        }
        "requests" => {
            const S: &[Spec] = &[
                req(
                    "kind",
                    Choice(&[
                        "access",
                        "rectification",
                        "erasure",
                        "restriction",
                        "portability",
                        "objection",
                        "automated_decision",
                    ]),
                ),
                req("received_at", Moment),
                f("reference", Line),
                f(
                    "channel",
                    Choice(&["email", "letter", "web_form", "phone", "in_person", "other"]),
                ),
                f("assignee_id", Member),
                f("requester_name", Line),
                f("requester_contact", Line),
                f("details", Text),
                f(
                    "status",
                    Choice(&[
                        "received",
                        "verifying_identity",
                        "in_progress",
                        "answered",
                        "refused",
                        "withdrawn",
                    ]),
                ),
                f("identity_verified_at", Moment),
                f("identity_method", Line),
                f("extended", Check),
                f("extension_reason", Text),
                f("extension_informed_on", Date),
                f(
                    "art12_ground",
                    Choice(&["manifestly_unfounded", "excessive"]),
                ),
                f("art12_reasoning", Text),
                f("fee_cents", Number),
                f("answered_at", Moment),
                f("response", Text),
            ];
            S
        }
        "customers" => {
            const S: &[Spec] = &[
                req("name", Line),
                f("contact_name", Line),
                f("notice_email", Line),
                f("contract_reference", Line),
                f("breach_notice_hours", Number),
                f("subprocessor_notice_days", Number),
                f("audit_notice_days", Number),
                f("audits_per_year", Number),
                f("notes", Text),
            ];
            S
        }
        "audit-requests" => {
            const S: &[Spec] = &[
                req("customer_id", Ref("customers")),
                req("received_on", Date),
                f("reference", Line),
                f("audit_on", Date),
                f("auditor", Line),
                f("scope", Text),
                f(
                    "status",
                    Choice(&[
                        "requested",
                        "agreed",
                        "in_progress",
                        "completed",
                        "declined",
                        "withdrawn",
                    ]),
                ),
                f("evidence", Text),
                f("outcome", Text),
            ];
            S
        }
        _ => return None,
    })
}

/// Whether a collection is one of the organisation-wide registers (not a project's).
pub fn is_register(collection: &str) -> bool {
    matches!(
        collection,
        "breaches" | "requests" | "customers" | "audit-requests"
    )
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

/// Rows a `Rows` input offers: the stored ones plus this many empty ones.
pub const EXTRA_ROWS: usize = 2;

/// The posted form as the entity's JSON document, and the fields the form could not read.
/// Empty optional fields are left out, so the entity's defaults apply; a required empty
/// text is kept empty so its rule names it.
pub fn to_json(specs: &[Spec], form: &Posted, zone: &str) -> (Value, Vec<InputError>) {
    let mut doc = Map::new();
    let mut errors = Vec::new();
    for spec in specs {
        let raw = form.one(spec.name).map(str::trim).unwrap_or("");
        let value = match spec.input {
            Input::Moment => {
                if raw.is_empty() {
                    if spec.required {
                        errors.push(InputError {
                            field: spec.name,
                            key: "form.date_time_required",
                        });
                    }
                    continue;
                }
                match crate::ui::format::from_local_input(zone, raw) {
                    Some(t) => Value::String(pactum_domain::timestamp::format(t)),
                    None => {
                        errors.push(InputError {
                            field: spec.name,
                            key: "form.date_time",
                        });
                        continue;
                    }
                }
            }
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
            Input::Taxonomy(_) | Input::Ref(_) | Input::Choice(_) | Input::Member => {
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
            Input::Scale => {
                if raw.is_empty() {
                    continue;
                }
                match raw.parse::<i64>() {
                    Ok(n) if (1..=4).contains(&n) => Value::from(n),
                    _ => {
                        errors.push(InputError {
                            field: spec.name,
                            key: "form.choose_option",
                        });
                        continue;
                    }
                }
            }
            Input::YesNo => match raw {
                "" => continue,
                "yes" => Value::Bool(true),
                "no" => Value::Bool(false),
                _ => {
                    errors.push(InputError {
                        field: spec.name,
                        key: "form.choose_option",
                    });
                    continue;
                }
            },
            Input::NationalList => {
                let mut picked = Vec::new();
                let mut bad = false;
                for v in form.all(spec.name).into_iter().map(str::trim) {
                    match v.parse::<i64>() {
                        Ok(n) if (1..=17).contains(&n) => picked.push(Value::from(n)),
                        _ if v.is_empty() => {}
                        _ => bad = true,
                    }
                }
                if bad {
                    errors.push(InputError {
                        field: spec.name,
                        key: "form.choose_option",
                    });
                    continue;
                }
                Value::Array(picked)
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
            Input::Choices(values) => {
                let picked: Vec<&str> = form
                    .all(spec.name)
                    .into_iter()
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .collect();
                if picked.iter().any(|v| !values.contains(v)) {
                    errors.push(InputError {
                        field: spec.name,
                        key: "form.choose_option",
                    });
                    continue;
                }
                Value::Array(
                    picked
                        .into_iter()
                        .map(|v| Value::String(v.to_owned()))
                        .collect(),
                )
            }
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
            Input::Rows(rows_spec) => {
                let cells = rows_spec.cells;
                let key = |i: usize, c: &Cell| format!("{}[{i}].{}", spec.name, c.name);
                // Unchecked boxes are not posted: a row exists when its other cells do.
                let entries: Vec<&Cell> =
                    cells.iter().filter(|c| c.kind != CellKind::Check).collect();
                let mut rows = Vec::new();
                for i in 0..500 {
                    let cell = |c: &Cell| form.one(&key(i, c)).map(str::trim).unwrap_or("");
                    if entries.iter().all(|c| form.one(&key(i, c)).is_none()) {
                        break;
                    }
                    if entries.iter().all(|c| cell(c).is_empty()) {
                        continue;
                    }
                    let mut row = Map::new();
                    for (n, c) in cells.iter().enumerate() {
                        let raw = cell(c);
                        let value = match c.kind {
                            CellKind::Check => Value::Bool(!raw.is_empty()),
                            // The first cell is always sent, so its rule names it.
                            _ if raw.is_empty() && n > 0 => continue,
                            CellKind::Moment if raw.is_empty() => {
                                errors.push(InputError {
                                    field: spec.name,
                                    key: "form.date_time_required",
                                });
                                continue;
                            }
                            CellKind::Moment => {
                                match crate::ui::format::from_local_input(zone, raw) {
                                    Some(t) => Value::String(pactum_domain::timestamp::format(t)),
                                    None => {
                                        errors.push(InputError {
                                            field: spec.name,
                                            key: "form.date_time",
                                        });
                                        continue;
                                    }
                                }
                            }
                            _ => Value::String(raw.to_owned()),
                        };
                        row.insert(c.name.into(), value);
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
/// their elements, moments as the organisation's wall-clock time.
pub fn values_of(doc: &Value, specs: &[Spec], zone: &str) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    let Value::Object(map) = doc else { return out };
    let moment = |v: &Value| -> Option<String> {
        let t = pactum_domain::timestamp::parse(v.as_str()?).ok()?;
        Some(crate::ui::format::local_input(zone, t))
    };
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
    for spec in specs {
        match spec.input {
            Input::YesNo => {
                if let Some(Value::Bool(b)) = map.get(spec.name) {
                    let shown = if *b { "yes" } else { "no" };
                    out.insert(spec.name.to_owned(), vec![shown.to_owned()]);
                }
            }
            Input::Moment => {
                if let Some(local) = map.get(spec.name).and_then(moment) {
                    out.insert(spec.name.to_owned(), vec![local]);
                }
            }
            Input::Rows(rows_spec) => {
                let Some(Value::Array(rows)) = map.get(spec.name) else {
                    continue;
                };
                for (i, row) in rows.iter().enumerate() {
                    for c in rows_spec.cells {
                        let shown = match (c.kind, row.get(c.name)) {
                            (CellKind::Moment, Some(v)) => moment(v),
                            (_, Some(Value::String(s))) => Some(s.clone()),
                            (_, Some(Value::Bool(true))) => Some("on".to_owned()),
                            _ => None,
                        };
                        if let Some(s) = shown {
                            out.insert(format!("{}[{i}].{}", spec.name, c.name), vec![s]);
                        }
                    }
                }
            }
            _ => {}
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
        fields::<pactum_domain::assessments::risk::RiskAssessment>(
            "risk-assessments",
            serde_json::json!({"threat": "x", "likelihood": 1, "impact": 1}),
        );
        fields::<pactum_domain::assessments::dpia::Dpia>(
            "dpias",
            serde_json::json!({"name": "x", "dpo_advice_followed": true}),
        );
        fields::<pactum_domain::registers::breach::Breach>(
            "breaches",
            serde_json::json!({"title": "x", "aware_at": "2026-01-01T00:00:00.000000Z"}),
        );
        fields::<pactum_domain::registers::request::DataSubjectRequest>(
            "requests",
            serde_json::json!({"kind": "access", "received_at": "2026-01-01T00:00:00.000000Z"}),
        );
    }

    #[test]
    fn breach_form_reads_local_times_and_update_rows() {
        let specs = specs("breaches").unwrap();
        let (doc, errors) = to_json(
            specs,
            &posted(&[
                ("title", "Lost laptop"),
                ("aware_at", "2026-03-29T03:30"),
                ("nature", "confidentiality"),
                ("nature", "availability"),
                ("updates[0].at", "2026-03-30T09:00"),
                ("updates[0].text", "Laptop found"),
                ("updates[0].sent_to_authority", "on"),
                ("updates[1].at", "2026-03-31T09:00"),
                ("updates[1].text", "Wiped remotely"),
                ("updates[2].at", ""),
                ("updates[2].text", ""),
            ]),
            "Europe/Amsterdam",
        );
        assert!(errors.is_empty());
        assert_eq!(doc["aware_at"], "2026-03-29T01:30:00.000000Z");
        assert_eq!(
            doc["updates"],
            serde_json::json!([
                {"at": "2026-03-30T07:00:00.000000Z", "text": "Laptop found", "sent_to_authority": true},
                {"at": "2026-03-31T07:00:00.000000Z", "text": "Wiped remotely", "sent_to_authority": false}
            ])
        );
        let breach: pactum_domain::registers::breach::Breach =
            serde_json::from_value(doc.clone()).unwrap();
        assert_eq!(breach.updates.len(), 2);
        // Shown again as the organisation's wall clock.
        let shown = values_of(&doc, specs, "Europe/Amsterdam");
        assert_eq!(shown["aware_at"], ["2026-03-29T03:30"]);
        assert_eq!(shown["updates[0].at"], ["2026-03-30T09:00"]);
        assert_eq!(shown["updates[0].sent_to_authority"], ["on"]);
        assert!(!shown.contains_key("updates[1].sent_to_authority"));

        let (_, errors) = to_json(
            specs,
            &posted(&[("title", "x"), ("aware_at", "soon"), ("nature", "secrecy")]),
            "Europe/Amsterdam",
        );
        let fields: Vec<_> = errors.iter().map(|e| (e.field, e.key)).collect();
        assert_eq!(
            fields,
            [
                ("aware_at", "form.date_time"),
                ("nature", "form.choose_option")
            ]
        );
        let (_, errors) = to_json(specs, &posted(&[("title", "x")]), "UTC");
        assert_eq!(errors[0].key, "form.date_time_required");
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
            "UTC",
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
            "UTC",
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
            "UTC",
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
