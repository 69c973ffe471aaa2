//! From a sheet and a column mapping to a plan: per row the record it makes, checked by
//! the domain's rules, and whether it will be created, conflicts with a record that exists
//! (or with an earlier row), or is invalid. A commit is all or nothing, so a plan with a
//! conflict or an invalid row creates nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use pactum_domain::entity::Entity;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::CellError;
use super::sheet::Sheet;
use super::target::{Kind, Target, term};

/// Column header -> field key. Columns not in it are left out.
pub type Mapping = BTreeMap<String, String>;

fn norm(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The mapping a file's headers suggest: a header that is a field's key (with spaces or
/// underscores) or one of its English or Dutch names.
pub fn suggest(target: Target, headers: &[String]) -> Mapping {
    let mut out = Mapping::new();
    let mut used = HashSet::new();
    for h in headers {
        let n = norm(h);
        if n.is_empty() {
            continue;
        }
        let hit = target.fields().iter().find(|f| {
            !used.contains(f.key) && (norm(f.key) == n || f.aliases.iter().any(|a| norm(a) == n))
        });
        if let Some(f) = hit {
            used.insert(f.key);
            out.insert(h.clone(), f.key.to_owned());
        }
    }
    out
}

/// A mapping must name columns of the file and fields of the collection, each field once,
/// and fill the fields a record cannot do without.
pub fn check_mapping(target: Target, headers: &[String], mapping: &Mapping) -> Vec<CellError> {
    let mut errors = Vec::new();
    let mut fields = HashSet::new();
    let err = |column: &str, field: &str, rule: &str, message: String| CellError {
        row: 0,
        column: column.to_owned(),
        field: field.to_owned(),
        rule: rule.to_owned(),
        message,
    };
    for (column, field) in mapping {
        if !headers.contains(column) {
            errors.push(err(
                column,
                "mapping",
                "unknown_column",
                format!("mapping names the column {column:?}, which the file does not have."),
            ));
        }
        if target.field(field).is_none() {
            let keys: Vec<&str> = target.fields().iter().map(|f| f.key).collect();
            errors.push(err(
                column,
                "mapping",
                "unknown_field",
                format!(
                    "mapping sends {column:?} to {field:?}, which is not a field of {}: use one of {}.",
                    target.segment(),
                    keys.join(", ")
                ),
            ));
        } else if !fields.insert(field.as_str()) {
            errors.push(err(
                column,
                "mapping",
                "field_twice",
                format!("mapping sends two columns to {field}; each field takes one column."),
            ));
        }
    }
    let mut required = vec!["name"];
    if target == Target::DataItems {
        required.push("service_id");
    }
    for field in required {
        if !fields.contains(field) {
            errors.push(err(
                "",
                field,
                "unmapped",
                format!("{field} is required: map a column of the file to it."),
            ));
        }
    }
    errors
}

/// Records that exist, by collection and lower-case name, for references and conflicts.
/// Data items are named within their service: `"{service id}/{name}"`, and also by name
/// alone for references (a name used in two services is ambiguous there).
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub names: HashMap<&'static str, HashMap<String, Vec<Uuid>>>,
}

impl Known {
    pub fn add(&mut self, collection: &'static str, name: &str, id: Uuid) {
        self.names
            .entry(collection)
            .or_default()
            .entry(name.trim().to_lowercase())
            .or_default()
            .push(id);
    }

    fn find(&self, collection: &str, name: &str) -> &[Uuid] {
        self.names
            .get(collection)
            .and_then(|m| m.get(&name.trim().to_lowercase()))
            .map_or(&[], Vec::as_slice)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Conflict,
    Invalid,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowPlan {
    pub row: usize,
    pub action: Action,
    /// The record's name, as the row gives it.
    pub name: String,
    /// The record as it will be stored (after the domain's normalisation).
    pub record: Value,
    pub errors: Vec<CellError>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub collection: &'static str,
    pub columns: Vec<String>,
    pub mapping: Mapping,
    /// Columns the mapping leaves out.
    pub unmapped: Vec<String>,
    pub rows: Vec<RowPlan>,
    pub create: usize,
    pub conflicts: usize,
    pub invalid: usize,
}

impl Plan {
    pub fn errors(&self) -> impl Iterator<Item = &CellError> {
        self.rows.iter().flat_map(|r| r.errors.iter())
    }

    pub fn is_clean(&self) -> bool {
        self.conflicts == 0 && self.invalid == 0
    }
}

fn split(text: &str) -> Vec<String> {
    text.split([';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// One cell's value, or the error that names the cell.
fn value(kind: Kind, text: &str, known: &Known) -> Result<Value, (String, String)> {
    let reference = |collection: &str, name: &str| match known.find(collection, name) {
        [id] => Ok(Value::String(id.to_string())),
        [] => Err((
            "unknown_reference".to_owned(),
            format!("names {name:?}, which is not a record of {collection} in this project."),
        )),
        _ => Err((
            "ambiguous_reference".to_owned(),
            format!("names {name:?}, which several records of {collection} are called."),
        )),
    };
    Ok(match kind {
        Kind::Text => Value::String(text.to_owned()),
        Kind::Integer => match text.trim().parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => {
                return Err((
                    "integer".into(),
                    format!("must be a whole number, not {text:?}."),
                ));
            }
        },
        Kind::List => Value::from(split(text)),
        Kind::Choice => Value::String(norm(text).replace(' ', "_")),
        Kind::Term(t) => Value::String(term(t, text)),
        Kind::TermList(t) => {
            Value::from(split(text).iter().map(|s| term(t, s)).collect::<Vec<_>>())
        }
        Kind::Ref(collection) => reference(collection, text)?,
        Kind::RefList(collection) => {
            let mut ids = Vec::new();
            for name in split(text) {
                ids.push(reference(collection, &name)?);
            }
            Value::Array(ids)
        }
    })
}

/// Builds and checks every row of the sheet as a record of the target's collection.
pub fn plan_for(target: Target, sheet: &Sheet, mapping: &Mapping, known: &Known) -> Plan {
    use pactum_domain::datamap::{
        data_item::DataItem, processing_activity::ProcessingActivity,
        security_measure::SecurityMeasure, service::Service, vendor::Vendor,
    };
    match target {
        Target::Services => plan::<Service>(target, sheet, mapping, known),
        Target::DataItems => plan::<DataItem>(target, sheet, mapping, known),
        Target::ProcessingActivities => plan::<ProcessingActivity>(target, sheet, mapping, known),
        Target::Vendors => plan::<Vendor>(target, sheet, mapping, known),
        Target::SecurityMeasures => plan::<SecurityMeasure>(target, sheet, mapping, known),
    }
}

/// Builds and checks every row of the sheet as a record of `E`.
pub fn plan<E: Entity + DeserializeOwned + Serialize>(
    target: Target,
    sheet: &Sheet,
    mapping: &Mapping,
    known: &Known,
) -> Plan {
    let column_of: HashMap<&str, &str> = mapping
        .iter()
        .map(|(c, f)| (f.as_str(), c.as_str()))
        .collect();
    let index: HashMap<&str, usize> = sheet
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let own = E::COLLECTION;
    let mut seen: HashSet<String> = HashSet::new();
    let mut rows = Vec::with_capacity(sheet.rows.len());
    for (row, cells) in &sheet.rows {
        let mut doc = Map::new();
        let mut errors = Vec::new();
        let cell_error = |field: &str, rule: &str, message: String| CellError {
            row: *row,
            column: column_of.get(field).copied().unwrap_or_default().to_owned(),
            field: field.to_owned(),
            rule: rule.to_owned(),
            message,
        };
        for (column, field) in mapping {
            let (Some(spec), Some(&i)) = (target.field(field), index.get(column.as_str())) else {
                continue;
            };
            let text = cells[i].trim();
            if text.is_empty() {
                continue;
            }
            match value(spec.kind, text, known) {
                Ok(v) => {
                    doc.insert(field.clone(), v);
                }
                Err((rule, message)) => {
                    errors.push(cell_error(field, &rule, format!("{field} {message}")));
                }
            }
        }
        let name = doc
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut record = Value::Object(doc.clone());
        if errors.is_empty() {
            match serde_path_to_error::deserialize::<_, E>(Value::Object(doc)) {
                Ok(mut e) => {
                    e.normalise();
                    if let Err(v) = e.validate() {
                        for v in v.0 {
                            let field = v.field.split(['.', '[']).next().unwrap_or("").to_owned();
                            errors.push(cell_error(&field, &v.rule, v.message));
                        }
                    }
                    record = serde_json::to_value(&e).unwrap_or(record);
                }
                Err(e) => {
                    let field = e.path().to_string();
                    let field = field.split(['.', '[']).next().unwrap_or("").to_owned();
                    let message = e.inner().to_string();
                    let rule = if message.starts_with("missing field") {
                        "required"
                    } else {
                        "type"
                    };
                    let field = if rule == "required" {
                        message
                            .split('`')
                            .nth(1)
                            .unwrap_or(field.as_str())
                            .to_owned()
                    } else {
                        field
                    };
                    errors.push(cell_error(&field, rule, format!("{field}: {message}.")));
                }
            }
        }
        let action = if !errors.is_empty() {
            Action::Invalid
        } else {
            // The key a unique name is kept under: within the service for data items.
            let scope = record
                .get("service_id")
                .and_then(Value::as_str)
                .map(|s| format!("{s}/"))
                .unwrap_or_default();
            let key = format!("{scope}{}", name.to_lowercase());
            if !known.find(own, &key).is_empty() {
                errors.push(cell_error(
                    "name",
                    "exists",
                    format!("name: a record called {name:?} exists already; it is left as it is."),
                ));
                Action::Conflict
            } else if !seen.insert(key) {
                errors.push(cell_error(
                    "name",
                    "duplicate_in_file",
                    format!("name: an earlier row of the file is called {name:?} too."),
                ));
                Action::Conflict
            } else {
                Action::Create
            }
        };
        rows.push(RowPlan {
            row: *row,
            action,
            name,
            record,
            errors,
        });
    }
    let count = |a: Action| rows.iter().filter(|r| r.action == a).count();
    Plan {
        collection: target.segment(),
        columns: sheet.headers.clone(),
        mapping: mapping.clone(),
        unmapped: sheet
            .headers
            .iter()
            .filter(|h| !h.is_empty() && !mapping.contains_key(*h))
            .cloned()
            .collect(),
        create: count(Action::Create),
        conflicts: count(Action::Conflict),
        invalid: count(Action::Invalid),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use pactum_domain::datamap::data_item::DataItem;
    use pactum_domain::datamap::processing_activity::ProcessingActivity;

    use super::*;
    use crate::import::sheet::from_csv;

    #[test]
    fn dutch_headers_map_themselves_and_rows_are_checked() {
        let sheet = from_csv(
            "Systeem;Naam;Categorie;Rechtsgrond;Bewaartermijn;Eenheid;Na;Opmerking\n\
             CRM;E-mailadres;E-mailadres;Toestemming;2;years;einde klantrelatie;x\n\
             CRM;Telefoon;contact.phone;contract;zes;months;;\n\
             Onbekend;Naam;identity.name;;;;;\n\
             CRM;Klantnummer;identity.name;contract;;;;\n\
             CRM;klantnummer;identity.name;;;;;\n"
                .as_bytes(),
        )
        .unwrap();
        let mapping = suggest(Target::DataItems, &sheet.headers);
        assert_eq!(
            mapping.get("Systeem").map(String::as_str),
            Some("service_id")
        );
        assert_eq!(
            mapping.get("Bewaartermijn").map(String::as_str),
            Some("retention_amount")
        );
        assert!(!mapping.contains_key("Opmerking"));
        assert!(check_mapping(Target::DataItems, &sheet.headers, &mapping).is_empty());

        let crm = Uuid::now_v7();
        let mut known = Known::default();
        known.add("services", "CRM", crm);
        known.add("data_items", &format!("{crm}/klantnummer"), Uuid::now_v7());
        let plan = plan::<DataItem>(Target::DataItems, &sheet, &mapping, &known);
        assert_eq!(plan.unmapped, ["Opmerking"]);
        let r = &plan.rows;
        assert_eq!(r[0].action, Action::Create, "{:?}", r[0].errors);
        assert_eq!(
            r[0].record["category"], "contact.email",
            "a Dutch name becomes the key"
        );
        assert_eq!(r[0].record["legal_basis"], "consent");
        assert_eq!(r[0].record["service_id"], crm.to_string());
        let e = &r[1].errors[0];
        assert_eq!(
            (e.row, e.column.as_str(), e.rule.as_str()),
            (3, "Bewaartermijn", "integer")
        );
        let e = &r[2].errors[0];
        assert_eq!(
            (e.row, e.column.as_str(), e.rule.as_str()),
            (4, "Systeem", "unknown_reference")
        );
        assert_eq!(r[3].action, Action::Conflict);
        assert_eq!(r[3].errors[0].rule, "exists");
        assert_eq!(
            r[4].action,
            Action::Conflict,
            "the same name twice in one service"
        );
        assert_eq!((plan.create, plan.conflicts, plan.invalid), (1, 2, 2));
    }

    #[test]
    fn the_domain_rules_name_the_column() {
        let sheet =
            from_csv(b"Activity,Purposes,Role\nNewsletter,,controller\nPayroll,Pay staff,boss\n")
                .unwrap();
        let mapping = suggest(Target::ProcessingActivities, &sheet.headers);
        let plan = plan::<ProcessingActivity>(
            Target::ProcessingActivities,
            &sheet,
            &mapping,
            &Known::default(),
        );
        let first = &plan.rows[0].errors[0];
        assert_eq!(
            (first.column.as_str(), first.field.as_str()),
            ("Purposes", "purposes")
        );
        let second = &plan.rows[1].errors[0];
        assert_eq!(
            (second.column.as_str(), second.rule.as_str()),
            ("Role", "type")
        );
    }

    #[test]
    fn a_mapping_is_checked_before_any_row() {
        let headers = vec!["A".to_owned(), "B".to_owned()];
        let mut m = Mapping::new();
        m.insert("A".into(), "purposes".into());
        m.insert("B".into(), "purposes".into());
        m.insert("C".into(), "colour".into());
        let rules: Vec<String> = check_mapping(Target::ProcessingActivities, &headers, &m)
            .into_iter()
            .map(|e| e.rule)
            .collect();
        assert_eq!(
            rules,
            ["field_twice", "unknown_column", "unknown_field", "unmapped"]
        );
    }
}
