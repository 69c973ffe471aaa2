//! The records of processing activities: Art. 30(1) for a controller (one entry per
//! activity with fields (a) to (g)) and Art. 30(2) for a processor (per category of
//! processing, the controllers it is done for, transfers and measures). Fields the article
//! asks "where applicable" or "where possible" are written as "none recorded" rather than
//! left out, so a reader sees that they were considered.

use std::collections::{BTreeMap, HashMap};

use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::processing_activity::{ProcessingActivity, ProcessingRole};
use pactum_domain::datamap::transfer::Transfer;
use pactum_domain::datamap::vendor::VendorRole;
use pactum_domain::taxonomy::taxonomy;
use pactum_store::records::Record;
use uuid::Uuid;

use super::common::{
    columns, draft, join, measure_group, measure_name, organisation_fields, retention, special_mark,
};
use crate::Kind;
use crate::labels::Labels;
use crate::model::{Document, Section, Table};
use crate::source::Source;

/// Lookups by id across every project of the source.
struct Index<'a> {
    items: HashMap<Uuid, &'a DataItem>,
    transfers: HashMap<Uuid, &'a Transfer>,
    measures: HashMap<Uuid, &'a pactum_domain::datamap::security_measure::SecurityMeasure>,
}

impl<'a> Index<'a> {
    fn new(source: &'a Source) -> Self {
        Self {
            items: source
                .all(|m| &m.items)
                .map(|(_, r)| (r.id, &r.data))
                .collect(),
            transfers: source
                .all(|m| &m.transfers)
                .map(|(_, r)| (r.id, &r.data))
                .collect(),
            measures: source
                .all(|m| &m.measures)
                .map(|(_, r)| (r.id, &r.data))
                .collect(),
        }
    }
}

fn is_third_country(code: &str) -> bool {
    taxonomy()
        .country(code)
        .is_some_and(|c| c.is_third_country())
}

fn data_categories(a: &ProcessingActivity, ix: &Index<'_>, l: &Labels) -> String {
    join(
        a.data_item_ids
            .iter()
            .filter_map(|id| ix.items.get(id))
            .map(|i| {
                let mark = special_mark(i, l);
                let category = l.data_category(&i.category);
                if mark.is_empty() {
                    format!("{} ({category})", i.name)
                } else {
                    format!("{} ({category}; {mark})", i.name)
                }
            }),
        "\n",
    )
}

fn subject_categories(a: &ProcessingActivity, ix: &Index<'_>, l: &Labels) -> String {
    let from_items = a
        .data_item_ids
        .iter()
        .filter_map(|id| ix.items.get(id))
        .filter_map(|i| i.subject_category.as_deref());
    join(
        a.subject_categories
            .iter()
            .map(String::as_str)
            .chain(from_items)
            .map(|k| l.subject_category(k)),
        "\n",
    )
}

fn recipients(a: &ProcessingActivity, ix: &Index<'_>, l: &Labels) -> String {
    let own = a.recipients.clone().into_iter();
    let linked = a
        .transfer_ids
        .iter()
        .filter_map(|id| ix.transfers.get(id))
        .map(|t| format!("{} ({})", t.recipient, l.country(&t.country)));
    join(own.chain(linked), "\n")
}

/// Art. 30(1)(e) / 30(2)(c): the transfers to third countries, with their safeguard.
fn third_country_transfers(a: &ProcessingActivity, ix: &Index<'_>, l: &Labels) -> String {
    let text = join(
        a.transfer_ids
            .iter()
            .filter_map(|id| ix.transfers.get(id))
            .filter(|t| is_third_country(&t.country))
            .map(|t| {
                let ground = match &t.mechanism {
                    Some(m) => l.mechanism(m),
                    None => l.t("common.no_mechanism"),
                };
                format!("{}, {}: {ground}", t.recipient, l.country(&t.country))
            }),
        "\n",
    );
    if text.is_empty() {
        l.t("common.none")
    } else {
        text
    }
}

fn erasure(a: &ProcessingActivity, ix: &Index<'_>, l: &Labels) -> String {
    let per_item = join(
        a.data_item_ids
            .iter()
            .filter_map(|id| ix.items.get(id))
            .map(|i| (i.name.as_str(), retention(i, l)))
            .filter(|(_, r)| !r.is_empty())
            .map(|(n, r)| format!("{n}: {r}")),
        "\n",
    );
    let text = join(a.retention.clone().into_iter().chain([per_item]), "\n");
    if text.is_empty() {
        l.t("common.none_recorded")
    } else {
        text
    }
}

fn measures(a: &ProcessingActivity, ix: &Index<'_>, l: &Labels) -> String {
    let text = join(
        a.security_measure_ids
            .iter()
            .filter_map(|id| ix.measures.get(id))
            .map(|m| measure_name(m, l)),
        "; ",
    );
    if text.is_empty() {
        l.t("common.see_measures")
    } else {
        text
    }
}

fn legal_basis(a: &ProcessingActivity, l: &Labels) -> String {
    let basis = a.legal_basis.as_deref().map(|b| l.legal_basis(b));
    join(basis.into_iter().chain(a.legal_basis_note.clone()), "; ")
}

fn activities<'a>(
    source: &'a Source,
    roles: &'a [ProcessingRole],
) -> impl Iterator<Item = (&'a str, &'a Record<ProcessingActivity>)> + 'a {
    source
        .all(|m| &m.activities)
        .filter(move |(_, a)| roles.contains(&a.data.role))
        .map(|(p, a)| (p.project.name.as_str(), a))
}

/// Art. 30(1)(g) and 30(2)(d): a general description of the measures, by taxonomy group.
pub fn measures_table(source: &Source, l: &Labels) -> Table {
    let mut groups: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for (_, m) in source.all(|m| &m.measures) {
        use pactum_domain::datamap::security_measure::MeasureStatus;
        if m.data.status == MeasureStatus::NotApplicable {
            continue;
        }
        let group = measure_group(&m.data);
        groups.entry(group.clone()).or_default().push(vec![
            l.measure_group(&group),
            measure_name(&m.data, l),
            m.data.description.clone().unwrap_or_default(),
            l.value("measure_status", &m.data.status),
        ]);
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (_, mut r) in groups {
        r.sort_by(|a, b| a[1].cmp(&b[1]));
        rows.extend(r);
    }
    Table {
        key: "measures".into(),
        title: l.t("ropa.measures"),
        columns: columns(l, &["group", "measure", "description", "status"]),
        rows,
        cards: false,
        empty: l.t("common.none_recorded"),
    }
}

pub fn controller(source: &Source, l: &Labels) -> Document {
    let ix = Index::new(source);
    let roles = [ProcessingRole::Controller, ProcessingRole::JointController];
    let rows = activities(source, &roles)
        .map(|(project, a)| {
            let a_ = &a.data;
            vec![
                project.to_owned(),
                a_.name.clone(),
                a_.purposes.clone(),
                l.value("processing_role", &a_.role),
                a_.joint_controllers.clone().unwrap_or_default(),
                legal_basis(a_, l),
                subject_categories(a_, &ix, l),
                data_categories(a_, &ix, l),
                recipients(a_, &ix, l),
                third_country_transfers(a_, &ix, l),
                erasure(a_, &ix, l),
                measures(a_, &ix, l),
            ]
        })
        .collect();
    let table = Table {
        key: "activities".into(),
        title: l.t("ropa.activities"),
        columns: columns(
            l,
            &[
                "project",
                "activity",
                "purposes",
                "role",
                "joint_controllers",
                "legal_basis",
                "subject_categories",
                "data_categories",
                "recipients",
                "third_country_transfers",
                "erasure",
                "measures",
            ],
        ),
        rows,
        cards: true,
        empty: l.t("ropa.no_controller_activities"),
    };
    let sections = vec![
        Section::new("controller", l.t("ropa.controller.part_a"))
            .text(l.t("ropa.controller.intro"))
            .fields(organisation_fields(&source.organisation, l)),
        Section::new("activities", l.t("ropa.activities")).table(table),
        Section::new("measures", l.t("ropa.measures_g"))
            .text(l.t("ropa.measures_intro"))
            .table(measures_table(source, l)),
    ];
    let mut doc = draft(Kind::RopaController, l.t("ropa.controller.title"), sections);
    doc.primary = Some("activities".into());
    doc
}

pub fn processor(source: &Source, l: &Labels) -> Document {
    let ix = Index::new(source);
    let roles = [ProcessingRole::Processor];
    let rows = activities(source, &roles)
        .map(|(project, a)| {
            let a_ = &a.data;
            vec![
                project.to_owned(),
                a_.controllers
                    .clone()
                    .unwrap_or_else(|| l.t("common.none_recorded")),
                a_.name.clone(),
                a_.purposes.clone(),
                subject_categories(a_, &ix, l),
                data_categories(a_, &ix, l),
                third_country_transfers(a_, &ix, l),
                measures(a_, &ix, l),
            ]
        })
        .collect();
    let categories = Table {
        key: "categories".into(),
        title: l.t("ropa.processor.categories"),
        columns: columns(
            l,
            &[
                "project",
                "controllers",
                "processing",
                "description",
                "subject_categories",
                "data_categories",
                "third_country_transfers",
                "measures",
            ],
        ),
        rows,
        cards: true,
        empty: l.t("ropa.no_processor_activities"),
    };
    let sub_rows = source
        .all(|m| &m.vendors)
        .filter(|(_, v)| {
            matches!(
                v.data.role,
                VendorRole::SubProcessor | VendorRole::Processor
            )
        })
        .map(|(_, v)| {
            vec![
                v.data.name.clone(),
                v.data.purpose.clone().unwrap_or_default(),
                v.data
                    .country
                    .as_deref()
                    .map(|c| l.country(c))
                    .unwrap_or_default(),
                v.data.website.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let subs = Table {
        key: "sub_processors".into(),
        title: l.t("ropa.processor.sub_processors"),
        columns: columns(l, &["name", "purpose", "location", "website"]),
        rows: sub_rows,
        cards: false,
        empty: l.t("common.none_recorded"),
    };
    let sections = vec![
        Section::new("processor", l.t("ropa.processor.part_a"))
            .text(l.t("ropa.processor.intro"))
            .fields(organisation_fields(&source.organisation, l))
            .table(subs),
        Section::new("categories", l.t("ropa.processor.categories")).table(categories),
        Section::new("measures", l.t("ropa.measures_d"))
            .text(l.t("ropa.measures_intro"))
            .table(measures_table(source, l)),
    ];
    let mut doc = draft(Kind::RopaProcessor, l.t("ropa.processor.title"), sections);
    doc.primary = Some("categories".into());
    doc
}
