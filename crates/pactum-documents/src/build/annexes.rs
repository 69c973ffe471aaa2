//! A processor's DPA annexes, from its data map: Annex 1 (data subjects and personal data,
//! special categories marked), Annex 2 (sub-processors: name, purpose, location, transfer
//! mechanism), Annex 3 (the Art. 32 measures, grouped as the taxonomy groups them), and a
//! checklist of the Art. 28(3) stipulations with what the data map shows for each. Clauses
//! only the agreement's text can show are marked "confirm in the agreement", never ticked.

use pactum_domain::datamap::processing_activity::ProcessingRole;
use pactum_domain::datamap::security_measure::MeasureStatus;
use pactum_domain::datamap::vendor::VendorRole;
use pactum_domain::taxonomy::taxonomy;

use super::common::{columns, draft, join, special_mark};
use super::ropa::measures_table;
use crate::Kind;
use crate::labels::Labels;
use crate::model::{Document, Section, Table};
use crate::source::Source;

fn subjects(source: &Source, l: &Labels) -> Table {
    let from_activities = source
        .all(|m| &m.activities)
        .filter(|(_, a)| a.data.role == ProcessingRole::Processor)
        .flat_map(|(_, a)| a.data.subject_categories.iter().cloned());
    let from_items = source
        .all(|m| &m.items)
        .filter_map(|(_, i)| i.data.subject_category.clone());
    let mut keys: Vec<String> = from_activities.chain(from_items).collect();
    keys.sort();
    keys.dedup();
    let rows = keys
        .iter()
        .map(|k| {
            let term = taxonomy().subject_category(k);
            vec![
                l.subject_category(k),
                term.map(|_| k.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    Table {
        key: "data_subjects".into(),
        title: l.t("annex.subjects"),
        columns: columns(l, &["subject_category", "key"]),
        rows,
        cards: false,
        empty: l.t("common.none_recorded"),
    }
}

fn personal_data(source: &Source, l: &Labels) -> Table {
    let services: std::collections::HashMap<_, _> = source
        .all(|m| &m.services)
        .map(|(_, s)| (s.id, s.data.name.as_str()))
        .collect();
    let mut rows: Vec<Vec<String>> = source
        .all(|m| &m.items)
        .map(|(_, i)| {
            let d = &i.data;
            vec![
                l.data_category(&d.category),
                d.name.clone(),
                d.examples.clone().unwrap_or_default(),
                special_mark(d, l),
                services
                    .get(&d.service_id)
                    .map(|s| (*s).to_owned())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    rows.sort();
    Table {
        key: "personal_data".into(),
        title: l.t("annex.data"),
        columns: columns(
            l,
            &["category", "data_item", "examples", "special", "service"],
        ),
        rows,
        cards: false,
        empty: l.t("common.none_recorded"),
    }
}

/// The ground for a transfer to `country`: the recorded mechanism, an adequacy decision,
/// or "within the EEA".
fn ground(country: Option<&str>, mechanism: Option<&str>, l: &Labels) -> String {
    if let Some(m) = mechanism {
        return l.mechanism(m);
    }
    let Some(c) = country.and_then(|c| taxonomy().country(c)) else {
        return l.t("common.none_recorded");
    };
    if !c.is_third_country() {
        l.t("annex.within_eea")
    } else if c.adequacy.is_some() {
        l.t("annex.adequacy")
    } else {
        l.t("common.no_mechanism")
    }
}

fn sub_processors(source: &Source, l: &Labels) -> Table {
    let mut rows = Vec::new();
    for (_, v) in source.all(|m| &m.vendors) {
        let d = &v.data;
        if !matches!(d.role, VendorRole::SubProcessor | VendorRole::Processor) {
            continue;
        }
        // Without a country of its own, the vendor is where the data map's transfers to it
        // go; each of those transfers carries its own ground.
        let transfers: Vec<_> = source
            .all(|m| &m.transfers)
            .filter(|(_, t)| t.data.vendor_id == Some(v.id))
            .map(|(_, t)| &t.data)
            .collect();
        let (location, mechanism) = match &d.country {
            Some(c) => (
                l.country(c),
                ground(Some(c), d.transfer_mechanism.as_deref(), l),
            ),
            None if !transfers.is_empty() => (
                join(transfers.iter().map(|t| l.country(&t.country)), ", "),
                join(
                    transfers.iter().map(|t| {
                        ground(
                            Some(&t.country),
                            t.mechanism.as_deref().or(d.transfer_mechanism.as_deref()),
                            l,
                        )
                    }),
                    "; ",
                ),
            ),
            None => (
                l.t("common.none_recorded"),
                ground(None, d.transfer_mechanism.as_deref(), l),
            ),
        };
        rows.push(vec![
            d.name.clone(),
            d.purpose.clone().unwrap_or_default(),
            location,
            mechanism,
            d.dpa_reference.clone().unwrap_or_default(),
        ]);
        for s in &d.sub_processors {
            rows.push(vec![
                l.fill("annex.via", &[("name", &s.name), ("vendor", &d.name)]),
                s.purpose.clone().unwrap_or_default(),
                s.country
                    .as_deref()
                    .map(|c| l.country(c))
                    .unwrap_or_default(),
                ground(s.country.as_deref(), s.transfer_mechanism.as_deref(), l),
                String::new(),
            ]);
        }
    }
    Table {
        key: "sub_processors".into(),
        title: l.t("annex.sub_processors"),
        columns: columns(
            l,
            &["name", "purpose", "location", "transfer_mechanism", "dpa"],
        ),
        rows,
        cards: false,
        empty: l.t("annex.no_sub_processors"),
    }
}

/// What the data map shows for one stipulation: evidence found, or a reason to look.
enum Status {
    Shown,
    Missing,
    Confirm,
}

fn checklist(source: &Source, l: &Labels) -> Table {
    let has_measure = |key: &str| {
        source.all(|m| &m.measures).any(|(_, m)| {
            m.data.key.as_deref() == Some(key) && m.data.status == MeasureStatus::Implemented
        })
    };
    let activities: Vec<_> = source
        .all(|m| &m.activities)
        .filter(|(_, a)| a.data.role == ProcessingRole::Processor)
        .collect();
    let items = source.all(|m| &m.items).count();
    let measures = source.all(|m| &m.measures).count();
    let implemented = source
        .all(|m| &m.measures)
        .filter(|(_, m)| m.data.status == MeasureStatus::Implemented)
        .count();
    let vendors: Vec<_> = source
        .all(|m| &m.vendors)
        .filter(|(_, v)| {
            matches!(
                v.data.role,
                VendorRole::SubProcessor | VendorRole::Processor
            )
        })
        .collect();
    let with_dpa = vendors
        .iter()
        .filter(|(_, v)| v.data.dpa_reference.is_some())
        .count();
    let n = |x: usize| x.to_string();
    let measure_evidence = |key: &str| {
        if has_measure(key) {
            (
                Status::Shown,
                l.fill("check.measure", &[("measure", &measure_label(key, l))]),
            )
        } else {
            (Status::Confirm, l.t("check.confirm"))
        }
    };
    let rows: Vec<(&str, (Status, String))> = vec![
        (
            "subject_matter",
            if activities.is_empty() {
                (Status::Missing, l.t("check.no_activities"))
            } else {
                (
                    Status::Shown,
                    join(activities.iter().map(|(_, a)| a.data.name.clone()), "; "),
                )
            },
        ),
        (
            "data_and_subjects",
            if items == 0 {
                (Status::Missing, l.t("check.no_items"))
            } else {
                (
                    Status::Shown,
                    l.fill("check.annex1", &[("items", &n(items))]),
                )
            },
        ),
        ("controller_rights", (Status::Confirm, l.t("check.confirm"))),
        ("a_instructions", (Status::Confirm, l.t("check.confirm"))),
        (
            "b_confidentiality",
            measure_evidence("org.confidentiality_undertaking"),
        ),
        (
            "c_security",
            if implemented == 0 {
                (Status::Missing, l.t("check.no_measures"))
            } else {
                (
                    Status::Shown,
                    l.fill(
                        "check.annex3",
                        &[("measures", &n(measures)), ("implemented", &n(implemented))],
                    ),
                )
            },
        ),
        (
            "d_sub_processors",
            if vendors.is_empty() {
                (Status::Confirm, l.t("check.no_sub_processors"))
            } else {
                (
                    if with_dpa == vendors.len() {
                        Status::Shown
                    } else {
                        Status::Missing
                    },
                    l.fill(
                        "check.annex2",
                        &[("count", &n(vendors.len())), ("with_dpa", &n(with_dpa))],
                    ),
                )
            },
        ),
        (
            "e_data_subject_rights",
            (Status::Confirm, l.t("check.confirm")),
        ),
        ("f_assistance", measure_evidence("org.incident_response")),
        (
            "g_deletion",
            measure_evidence("retention.deletion_after_termination"),
        ),
        ("h_audits", (Status::Confirm, l.t("check.confirm"))),
        (
            "unlawful_instructions",
            (Status::Confirm, l.t("check.confirm")),
        ),
    ];
    let rows = rows
        .into_iter()
        .map(|(key, (status, evidence))| {
            vec![
                l.t(&format!("check.{key}.clause")),
                l.t(&format!("check.{key}.text")),
                evidence,
                l.t(match status {
                    Status::Shown => "check.status.shown",
                    Status::Missing => "check.status.missing",
                    Status::Confirm => "check.status.confirm",
                }),
            ]
        })
        .collect();
    Table {
        key: "art28_checklist".into(),
        title: l.t("annex.checklist"),
        columns: columns(l, &["clause", "requirement", "evidence", "status"]),
        rows,
        cards: false,
        empty: String::new(),
    }
}

fn measure_label(key: &str, l: &Labels) -> String {
    taxonomy()
        .security_measure(key)
        .map(|t| l.pick(&t.en, &t.nl).to_owned())
        .unwrap_or_else(|| key.to_owned())
}

pub fn annexes(source: &Source, l: &Labels) -> Document {
    let mut annex3 = measures_table(source, l);
    annex3.key = "security_measures".into();
    annex3.title = l.t("annex.measures");
    let sections = vec![
        Section::new("annex_1", l.t("annex.annex1"))
            .table(subjects(source, l))
            .table(personal_data(source, l)),
        Section::new("annex_2", l.t("annex.annex2")).table(sub_processors(source, l)),
        Section::new("annex_3", l.t("annex.annex3"))
            .text(l.t("annex.annex3_intro"))
            .table(annex3),
        Section::new("checklist", l.t("annex.checklist"))
            .text(l.t("annex.checklist_intro"))
            .table(checklist(source, l)),
    ];
    let mut doc = draft(Kind::DpaAnnexes, l.t("annex.title"), sections);
    doc.primary = Some("personal_data".into());
    doc
}
