//! What several documents share: the organisation's details, retention periods, measure
//! names, special-category marks, and the header every document gets.

use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::security_measure::SecurityMeasure;
use pactum_domain::organisation::Organisation;
use pactum_domain::taxonomy::{Sensitivity, taxonomy};

use crate::labels::Labels;
use crate::model::{Column, Document, Field, Section};
use crate::source::Source;
use crate::{Kind, Request};

pub fn field(l: &Labels, key: &'static str, value: impl Into<String>) -> Field {
    Field {
        key,
        label: l.t(&format!("field.{key}")),
        value: value.into(),
    }
}

pub fn columns(l: &Labels, keys: &[&'static str]) -> Vec<Column> {
    keys.iter()
        .map(|&key| Column {
            key,
            label: l.t(&format!("field.{key}")),
        })
        .collect()
}

/// A new document of `kind`; `finish` adds who it is about and when it was made.
pub fn draft(kind: Kind, title: String, sections: Vec<Section>) -> Document {
    Document {
        kind,
        language: "",
        title,
        subject: String::new(),
        generated: String::new(),
        primary: None,
        sections,
    }
}

pub fn finish(mut doc: Document, source: &Source, request: &Request, l: &Labels) -> Document {
    let org = &source.organisation;
    let name = match &org.trade_name {
        Some(t) if t != &org.legal_name => format!("{} ({})", org.legal_name, t),
        _ => org.legal_name.clone(),
    };
    doc.subject = match (source.narrowed, source.projects.first()) {
        (true, Some(p)) => format!("{name}: {}", p.project.name),
        _ => name,
    };
    doc.language = l.code();
    doc.generated = l.fill("common.generated", &[("moment", &l.moment(request.now))]);
    doc
}

/// Name and contact details of the organisation, its DPO and representative: Art.
/// 30(1)(a) and 30(2)(a).
pub fn organisation_fields(org: &Organisation, l: &Labels) -> Vec<Field> {
    let dpo = [
        org.dpo_name.as_deref(),
        org.dpo_email.as_deref(),
        org.dpo_phone.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    vec![
        field(l, "legal_name", &org.legal_name),
        field(l, "trade_name", org.trade_name.clone().unwrap_or_default()),
        field(l, "address", org.address.clone().unwrap_or_default()),
        field(l, "country", l.country(&org.country)),
        field(
            l,
            "registration_number",
            org.registration_number.clone().unwrap_or_default(),
        ),
        field(l, "vat_number", org.vat_number.clone().unwrap_or_default()),
        field(
            l,
            "dpo",
            if dpo.is_empty() {
                l.t("common.no_dpo")
            } else {
                dpo
            },
        ),
        field(
            l,
            "eu_representative",
            org.eu_representative.clone().unwrap_or_default(),
        ),
    ]
}

/// "7 years after the invoice", or "" when the item has no period.
pub fn retention(item: &DataItem, l: &Labels) -> String {
    match (
        item.retention_amount,
        item.retention_unit,
        &item.retention_trigger,
    ) {
        (Some(n), Some(unit), Some(trigger)) => {
            let unit = l.value("unit", &unit);
            l.fill(
                "common.retention",
                &[
                    ("amount", &n.to_string()),
                    ("unit", &unit),
                    ("trigger", trigger),
                ],
            )
        }
        _ => String::new(),
    }
}

pub fn sensitivity(item: &DataItem) -> Sensitivity {
    item.sensitivity.unwrap_or_else(|| {
        taxonomy()
            .data_category(&item.category)
            .map_or(Sensitivity::Regular, |c| c.sensitivity)
    })
}

/// "Special category (Art. 9)" and the like, or "" for ordinary data.
pub fn special_mark(item: &DataItem, l: &Labels) -> String {
    match sensitivity(item) {
        Sensitivity::Regular => String::new(),
        Sensitivity::Special => {
            let mut s = l.t("common.special");
            if let Some(c) = &item.art9_condition {
                s.push_str(": ");
                s.push_str(&l.art9_condition(c));
            }
            s
        }
        Sensitivity::Criminal => l.t("common.criminal"),
    }
}

/// The measure's own name, or its taxonomy term's in the reader's language.
pub fn measure_name(m: &SecurityMeasure, l: &Labels) -> String {
    if !m.name.is_empty() {
        let term = m
            .key
            .as_deref()
            .and_then(|k| taxonomy().security_measure(k));
        // A name copied from the taxonomy's English term is shown in the reader's language.
        return match term {
            Some(t) if t.en == m.name => l.pick(&t.en, &t.nl).to_owned(),
            _ => m.name.clone(),
        };
    }
    m.key
        .as_deref()
        .and_then(|k| taxonomy().security_measure(k))
        .map(|t| l.pick(&t.en, &t.nl).to_owned())
        .unwrap_or_default()
}

/// The taxonomy group of a measure (`organisational` for those without a key).
pub fn measure_group(m: &SecurityMeasure) -> String {
    m.key
        .as_deref()
        .and_then(|k| taxonomy().security_measure(k))
        .map(|t| t.group.clone())
        .unwrap_or_else(|| "other".into())
}

pub fn join(parts: impl IntoIterator<Item = String>, sep: &str) -> String {
    let mut seen: Vec<String> = Vec::new();
    for p in parts {
        if !p.is_empty() && !seen.contains(&p) {
            seen.push(p);
        }
    }
    seen.join(sep)
}
