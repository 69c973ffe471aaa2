//! Fides interoperability: fideslang `system` and `dataset` YAML (the open-source
//! privacy-as-code format) in and out of a project's data map.
//!
//! In: a system becomes a service; the fields of the datasets it references become its
//! data items (named `collection.field`, category from the fideslang key, the most specific
//! known prefix if the key itself is finer than Pactum's taxonomy); each privacy
//! declaration becomes a processing activity with the data items of its categories, its
//! data subjects, its legal basis and retention. A dataset no system references becomes a
//! service of its own. Out: the reverse, one dataset per service. Pactum keeps purposes as
//! text, so a declaration's `data_use` is kept in the purposes ("Fides data use: ...") and
//! read back from there; without it, `essential.service` is written.

use std::collections::{BTreeMap, HashMap};

use pactum_domain::taxonomy::taxonomy;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::import::CellError;
use crate::import::target::{Terms, term};

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct FidesFile {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub system: Vec<System>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dataset: Vec<Dataset>,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct System {
    pub fides_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dataset_references: Vec<String>,
    #[serde(default)]
    pub privacy_declarations: Vec<Declaration>,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Declaration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub data_use: String,
    #[serde(default)]
    pub data_categories: Vec<String>,
    #[serde(default)]
    pub data_subjects: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dataset_references: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis_for_processing: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_period: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Dataset {
    pub fides_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub collections: Vec<Collection>,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Collection {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_categories: Vec<String>,
    #[serde(default)]
    pub fields: Vec<Field>,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Field {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
}

/// Pactum's data category for a fideslang key: the key itself, else its longest known
/// prefix (`user.contact.address.city` -> the category of `user.contact.address`).
pub fn category(fides_key: &str) -> Option<String> {
    let mut key = fides_key.trim();
    if taxonomy().data_category_by_fides(key).is_none()
        && let Some(own) = key.strip_prefix("user.")
        && let Some(c) = taxonomy().data_category(own)
    {
        // A category fideslang has no key for, as Pactum writes it: `user.<Pactum key>`.
        return Some(c.key.clone());
    }
    loop {
        if let Some(c) = taxonomy().data_category_by_fides(key) {
            return Some(c.key.clone());
        }
        key = &key[..key.rfind('.')?];
    }
}

fn subject(fides_key: &str) -> Option<String> {
    taxonomy()
        .subject_categories
        .iter()
        .find(|c| c.fides.iter().any(|f| f == fides_key.trim()))
        .map(|c| c.key.clone())
}

/// What an import creates, as the records' JSON documents; references by position.
#[derive(Debug, Default)]
pub struct Plan {
    /// Service documents.
    pub services: Vec<Value>,
    /// (service position, data item document without `service_id`).
    pub items: Vec<(usize, Value)>,
    /// (activity document without `data_item_ids`, positions of its items).
    pub activities: Vec<(Value, Vec<usize>)>,
    pub errors: Vec<CellError>,
}

fn error(path: String, rule: &str, message: String) -> CellError {
    CellError {
        row: 0,
        column: String::new(),
        field: path,
        rule: rule.into(),
        message,
    }
}

fn flatten(
    prefix: &str,
    fields: &[Field],
    inherited: &[String],
    out: &mut Vec<(String, Vec<String>, Option<String>)>,
) {
    for f in fields {
        let name = format!("{prefix}.{}", f.name);
        let categories = if f.data_categories.is_empty() {
            inherited.to_vec()
        } else {
            f.data_categories.clone()
        };
        if f.fields.is_empty() {
            out.push((name, categories, f.description.clone()));
        } else {
            flatten(&name, &f.fields, &categories, out);
        }
    }
}

/// Reads fideslang YAML (a file with `system:` and/or `dataset:`) into a plan.
pub fn read(yaml: &str) -> Result<Plan, CellError> {
    let file: FidesFile = serde_yaml::from_str(yaml).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(" (line {}, column {})", l.line(), l.column()))
            .unwrap_or_default();
        error(
            "content".into(),
            "yaml",
            format!("content is not fideslang YAML{at}: {e}"),
        )
    })?;
    if file.system.is_empty() && file.dataset.is_empty() {
        return Err(error(
            "content".into(),
            "empty",
            "content holds no `system` or `dataset` entries.".into(),
        ));
    }
    let mut plan = Plan::default();
    let datasets: HashMap<&str, (usize, &Dataset)> = file
        .dataset
        .iter()
        .enumerate()
        .map(|(i, d)| (d.fides_key.as_str(), (i, d)))
        .collect();
    // Which service a dataset's fields belong to: the first system that references it.
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (si, s) in file.system.iter().enumerate() {
        let refs = s.dataset_references.iter().chain(
            s.privacy_declarations
                .iter()
                .flat_map(|d| &d.dataset_references),
        );
        for r in refs {
            if !datasets.contains_key(r.as_str()) {
                plan.errors.push(error(
                    format!("system[{si}].dataset_references"),
                    "unknown_dataset",
                    format!("names the dataset {r:?}, which the file does not hold."),
                ));
            }
            owner.entry(r.as_str()).or_insert(si);
        }
        plan.services.push(json!({
            "name": s.name.clone().unwrap_or_else(|| s.fides_key.clone()),
            "description": s.description,
        }));
    }
    let mut by_dataset: BTreeMap<usize, usize> = BTreeMap::new();
    for (di, d) in file.dataset.iter().enumerate() {
        let service = match owner.get(d.fides_key.as_str()) {
            Some(&s) => s,
            None => {
                plan.services.push(json!({
                    "name": d.name.clone().unwrap_or_else(|| d.fides_key.clone()),
                    "description": d.description,
                }));
                plan.services.len() - 1
            }
        };
        by_dataset.insert(di, service);
    }
    // Data items: per (service, categories) so declarations can pick theirs.
    let mut items_of: Vec<Vec<(usize, Vec<String>)>> = vec![Vec::new(); plan.services.len()];
    for (di, d) in file.dataset.iter().enumerate() {
        let service = by_dataset[&di];
        for (ci, c) in d.collections.iter().enumerate() {
            let mut fields = Vec::new();
            flatten(&c.name, &c.fields, &c.data_categories, &mut fields);
            for (fi, (name, categories, description)) in fields.into_iter().enumerate() {
                let Some(first) = categories.first() else {
                    continue; // A field without a category is not personal data here.
                };
                let Some(key) = category(first) else {
                    plan.errors.push(error(
                        format!("dataset[{di}].collections[{ci}].fields[{fi}].data_categories"),
                        "unknown_fides_category",
                        format!("{first:?} is not a fideslang data category Pactum maps."),
                    ));
                    continue;
                };
                let mut doc = json!({"name": name, "category": key});
                if let Some(d) = description {
                    doc["description"] = json!(d);
                }
                plan.items.push((service, doc));
                items_of[service].push((plan.items.len() - 1, categories));
            }
        }
    }
    for (si, s) in file.system.iter().enumerate() {
        for (pi, d) in s.privacy_declarations.iter().enumerate() {
            let path = format!("system[{si}].privacy_declarations[{pi}]");
            let mut subjects = Vec::new();
            for ds in &d.data_subjects {
                match subject(ds) {
                    Some(k) => subjects.push(k),
                    None => plan.errors.push(error(
                        format!("{path}.data_subjects"),
                        "unknown_fides_subject",
                        format!("{ds:?} is not a fideslang data subject Pactum maps."),
                    )),
                }
            }
            let matches = |cats: &[String]| {
                cats.iter().any(|c| {
                    d.data_categories
                        .iter()
                        .any(|w| c == w || c.starts_with(&format!("{w}.")))
                })
            };
            let items: Vec<usize> = items_of[si]
                .iter()
                .filter(|(_, cats)| matches(cats))
                .map(|(i, _)| *i)
                .collect();
            let mut doc = json!({
                "name": d.name.clone().unwrap_or_else(|| d.data_use.clone()),
                "purposes": format!("Fides data use: {}", d.data_use),
                "role": "controller",
                "subject_categories": subjects,
            });
            if let Some(b) = &d.legal_basis_for_processing {
                let b = b.trim().trim_end_matches('s');
                doc["legal_basis"] = json!(term(Terms::LegalBasis, b));
            }
            if let Some(r) = &d.retention_period {
                doc["retention"] = json!(r);
            }
            // A processing activity over several systems is a declaration in each: one
            // activity with the data items of all of them.
            match plan
                .activities
                .iter_mut()
                .find(|(a, _)| a["name"] == doc["name"])
            {
                Some((a, linked)) => {
                    for i in items {
                        if !linked.contains(&i) {
                            linked.push(i);
                        }
                    }
                    let mut subjects: Vec<Value> = a["subject_categories"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    for s in doc["subject_categories"].as_array().into_iter().flatten() {
                        if !subjects.contains(s) {
                            subjects.push(s.clone());
                        }
                    }
                    a["subject_categories"] = Value::Array(subjects);
                }
                None => plan.activities.push((doc, items)),
            }
        }
    }
    Ok(plan)
}

/// What an export is made from: services, their items and the activities, as stored.
pub struct ExportService<'a> {
    pub name: &'a str,
    pub description: Option<&'a str>,
    /// (item name, Pactum category key).
    pub items: Vec<(&'a str, &'a str)>,
    pub declarations: Vec<ExportDeclaration<'a>>,
}

pub struct ExportDeclaration<'a> {
    pub name: &'a str,
    pub purposes: &'a str,
    pub legal_basis: Option<&'a str>,
    pub subject_categories: &'a [String],
    pub retention: Option<&'a str>,
    /// Category keys of the activity's items in this service.
    pub categories: Vec<&'a str>,
}

fn slug(name: &str) -> String {
    let s: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let s = s
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if s.is_empty() { "system".into() } else { s }
}

/// The fideslang key of a Pactum category; one fideslang lacks is written as a custom
/// category under `user`, which `category` reads back.
fn fides_category(key: &str) -> String {
    taxonomy()
        .data_category(key)
        .and_then(|c| c.fides.first().cloned())
        .unwrap_or_else(|| format!("user.{key}"))
}

/// Writes fideslang YAML: a system per service, a dataset per service with items.
pub fn write(services: &[ExportService<'_>]) -> Result<String, crate::Error> {
    let mut file = FidesFile::default();
    let mut keys: HashMap<String, usize> = HashMap::new();
    for s in services {
        let mut key = slug(s.name);
        let n = keys.entry(key.clone()).or_default();
        *n += 1;
        if *n > 1 {
            key = format!("{key}_{n}");
        }
        let dataset_key = format!("{key}_data");
        let declarations = s
            .declarations
            .iter()
            .map(|d| {
                let mut categories: Vec<String> =
                    d.categories.iter().map(|c| fides_category(c)).collect();
                categories.sort();
                categories.dedup();
                Declaration {
                    name: Some(d.name.to_owned()),
                    data_use: d
                        .purposes
                        .strip_prefix("Fides data use: ")
                        .map(|u| u.trim().to_owned())
                        .unwrap_or_else(|| "essential.service".into()),
                    data_categories: categories,
                    data_subjects: d
                        .subject_categories
                        .iter()
                        .filter_map(|k| taxonomy().subject_category(k))
                        .filter_map(|c| c.fides.first().cloned())
                        .collect(),
                    dataset_references: if s.items.is_empty() {
                        vec![]
                    } else {
                        vec![dataset_key.clone()]
                    },
                    legal_basis_for_processing: d.legal_basis.and_then(|b| {
                        taxonomy().legal_basis(b).map(|_| {
                            match b {
                                "consent" => "Consent",
                                "contract" => "Contract",
                                "legal_obligation" => "Legal obligations",
                                "vital_interests" => "Vital interests",
                                "public_task" => "Public interest",
                                _ => "Legitimate interests",
                            }
                            .to_owned()
                        })
                    }),
                    retention_period: d.retention.map(str::to_owned),
                }
            })
            .collect();
        file.system.push(System {
            fides_key: key.clone(),
            name: Some(s.name.to_owned()),
            description: s.description.map(str::to_owned),
            system_type: Some("Service".into()),
            dataset_references: vec![],
            privacy_declarations: declarations,
        });
        if !s.items.is_empty() {
            file.dataset.push(Dataset {
                fides_key: dataset_key,
                name: Some(s.name.to_owned()),
                description: None,
                collections: vec![Collection {
                    name: "data".into(),
                    data_categories: vec![],
                    fields: s
                        .items
                        .iter()
                        .map(|(name, category)| Field {
                            name: (*name).to_owned(),
                            description: None,
                            data_categories: vec![fides_category(category)],
                            fields: vec![],
                        })
                        .collect(),
                }],
            });
        }
    }
    serde_yaml::to_string(&file).map_err(|e| crate::Error::Render("YAML", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
system:
  - fides_key: crm
    name: CRM
    description: Customer relations
    privacy_declarations:
      - name: Customer support
        data_use: essential.service
        data_categories: [user.contact]
        data_subjects: [customer]
        dataset_references: [crm_db]
        legal_basis_for_processing: Contract
dataset:
  - fides_key: crm_db
    collections:
      - name: customers
        fields:
          - name: email
            data_categories: [user.contact.email]
          - name: address
            fields:
              - name: city
                data_categories: [user.contact.address.city]
          - name: created_at
  - fides_key: analytics
    name: Analytics
    collections:
      - name: events
        fields:
          - name: device
            data_categories: [user.device.device_id]
"#;

    #[test]
    fn systems_datasets_and_declarations_become_the_data_map() {
        let plan = read(SAMPLE).unwrap();
        assert_eq!(plan.errors, vec![]);
        let names: Vec<&str> = plan
            .services
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["CRM", "Analytics"],
            "an unreferenced dataset is a service of its own"
        );
        let items: Vec<(usize, &str, &str)> = plan
            .items
            .iter()
            .map(|(s, d)| {
                (
                    *s,
                    d["name"].as_str().unwrap(),
                    d["category"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(items[0], (0, "customers.email", "contact.email"));
        assert_eq!(
            items[1].1, "customers.address.city",
            "nested fields are flattened"
        );
        assert_eq!(items[1].0, 0);
        assert_eq!(
            items.len(),
            3,
            "a field without a category is not personal data"
        );
        let (activity, linked) = &plan.activities[0];
        assert_eq!(activity["legal_basis"], "contract");
        assert_eq!(activity["subject_categories"], json!(["customers"]));
        assert_eq!(
            linked,
            &vec![0, 1],
            "user.contact covers email and the address"
        );
    }

    #[test]
    fn what_cannot_be_mapped_is_named() {
        let bad = read("system:\n  - fides_key: x\n    privacy_declarations:\n      - data_use: marketing\n        data_subjects: [martian]\n").unwrap();
        assert_eq!(
            bad.errors[0].field,
            "system[0].privacy_declarations[0].data_subjects"
        );
        assert_eq!(bad.errors[0].rule, "unknown_fides_subject");
        assert_eq!(read("system: [").unwrap_err().rule, "yaml");
        assert_eq!(read("other: 1").unwrap_err().rule, "empty");
    }

    #[test]
    fn written_yaml_reads_back() {
        let subjects = vec!["customers".to_owned()];
        let yaml = write(&[ExportService {
            name: "Web shop",
            description: Some("Orders"),
            items: vec![("E-mail", "contact.email")],
            declarations: vec![ExportDeclaration {
                name: "Orders",
                purposes: "Fides data use: essential.service.payment_processing",
                legal_basis: Some("contract"),
                subject_categories: &subjects,
                retention: Some("7 years"),
                categories: vec!["contact.email"],
            }],
        }])
        .unwrap();
        let back = read(&yaml).unwrap();
        assert_eq!(back.errors, vec![]);
        assert_eq!(back.items[0].1["category"], "contact.email");
        let (a, linked) = &back.activities[0];
        assert_eq!(
            a["purposes"],
            "Fides data use: essential.service.payment_processing"
        );
        assert_eq!(a["legal_basis"], "contract");
        assert_eq!(linked, &vec![0]);
    }
}
