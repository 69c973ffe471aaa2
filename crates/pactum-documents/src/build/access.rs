//! The answer to an access request (Art. 15), from the data map: the request, then the
//! information of Art. 15(1)(a)-(h) and the safeguards of 15(2). Pactum knows the
//! categories, not the person's own records; the pack says so and lists the systems from
//! which the copy of 15(3) is to be taken.

use std::collections::HashMap;

use pactum_domain::assessments::dpia::Criterion;
use pactum_domain::datamap::processing_activity::ProcessingRole;
use pactum_domain::registers::request::DataSubjectRequest;
use pactum_domain::taxonomy::taxonomy;
use pactum_store::records::Record;

use super::common::{columns, draft, field, join, retention, special_mark};
use crate::Kind;
use crate::labels::Labels;
use crate::model::{Document, Section, Table};
use crate::source::Source;

fn table(
    key: &str,
    title: String,
    cols: Vec<crate::model::Column>,
    rows: Vec<Vec<String>>,
    empty: String,
) -> Table {
    Table {
        key: key.into(),
        title,
        columns: cols,
        rows,
        cards: false,
        empty,
    }
}

/// The supervisory authority of the organisation's country, for 15(1)(f).
fn authority(country: &str, l: &Labels) -> String {
    let key = match country {
        "NL" => "access.authority_nl",
        "BE" => "access.authority_be",
        "DE" => "access.authority_de",
        "FR" => "access.authority_fr",
        _ => "access.authority_other",
    };
    l.t(key)
}

pub fn pack(source: &Source, l: &Labels, rec: &Record<DataSubjectRequest>) -> Document {
    let r = &rec.data;
    let none = || l.t("common.none_recorded");
    let activities: Vec<_> = source
        .all(|m| &m.activities)
        .filter(|(_, a)| a.data.role != ProcessingRole::Processor)
        .collect();
    let items: Vec<_> = source.all(|m| &m.items).collect();
    let services: HashMap<_, _> = source
        .all(|m| &m.services)
        .map(|(_, s)| (s.id, s.data.name.as_str()))
        .collect();

    let request = Section::new("request", l.t("access.request")).fields(vec![
        field(l, "reference", r.reference.clone().unwrap_or_default()),
        field(l, "request_kind", l.value("request_kind", &r.kind)),
        field(l, "requester", r.requester_name.clone().unwrap_or_default()),
        field(
            l,
            "requester_contact",
            r.requester_contact.clone().unwrap_or_default(),
        ),
        field(l, "received_at", l.moment(r.received_at)),
        field(
            l,
            "identity_verified_at",
            l.maybe_moment(r.identity_verified_at),
        ),
        field(l, "due", r.due_on.map(|d| l.date(d)).unwrap_or_default()),
    ]);

    let purposes = table(
        "purposes",
        l.t("access.a"),
        columns(l, &["activity", "purposes", "legal_basis"]),
        activities
            .iter()
            .map(|(_, a)| {
                vec![
                    a.data.name.clone(),
                    a.data.purposes.clone(),
                    a.data
                        .legal_basis
                        .as_deref()
                        .map(|b| l.legal_basis(b))
                        .unwrap_or_default(),
                ]
            })
            .collect(),
        none(),
    );
    let mut category_rows: Vec<Vec<String>> = items
        .iter()
        .map(|(_, i)| {
            vec![
                l.data_category(&i.data.category),
                i.data.name.clone(),
                special_mark(&i.data, l),
            ]
        })
        .collect();
    category_rows.sort();
    let categories = table(
        "categories",
        l.t("access.b"),
        columns(l, &["category", "data_item", "special"]),
        category_rows,
        none(),
    );
    let recipient_rows: Vec<Vec<String>> = source
        .all(|m| &m.transfers)
        .map(|(_, t)| {
            let third = taxonomy()
                .country(&t.data.country)
                .is_some_and(|c| c.is_third_country());
            vec![
                t.data.recipient.clone(),
                l.country(&t.data.country),
                l.yes_no(third),
                match (&t.data.mechanism, third) {
                    (Some(m), _) => l.mechanism(m),
                    (None, true) => l.t("common.no_mechanism"),
                    (None, false) => String::new(),
                },
            ]
        })
        .collect();
    let recipients = table(
        "recipients",
        l.t("access.c"),
        columns(
            l,
            &[
                "recipient",
                "country",
                "third_country",
                "transfer_mechanism",
            ],
        ),
        recipient_rows,
        none(),
    );
    let storage = table(
        "storage",
        l.t("access.d"),
        columns(l, &["data_item", "retention"]),
        items
            .iter()
            .map(|(_, i)| {
                let period = retention(&i.data, l);
                vec![
                    i.data.name.clone(),
                    if period.is_empty() { none() } else { period },
                ]
            })
            .collect(),
        none(),
    );
    let sources = table(
        "sources",
        l.t("access.g"),
        columns(l, &["data_item", "source"]),
        items
            .iter()
            .filter_map(|(_, i)| {
                i.data
                    .source
                    .as_ref()
                    .map(|s| vec![i.data.name.clone(), s.clone()])
            })
            .collect(),
        l.t("access.collected_from_subject"),
    );
    let automated: Vec<String> = source
        .all(|m| &m.dpias)
        .filter(|(_, d)| {
            d.data
                .criteria
                .contains(&Criterion::AutomatedDecisionMaking)
        })
        .map(|(_, d)| {
            join(
                [
                    d.data.name.clone(),
                    d.data.description.clone().unwrap_or_default(),
                ],
                ": ",
            )
        })
        .collect();
    let held = table(
        "systems",
        l.t("access.systems"),
        columns(l, &["service", "data_item"]),
        items
            .iter()
            .map(|(_, i)| {
                vec![
                    services
                        .get(&i.data.service_id)
                        .map(|s| (*s).to_owned())
                        .unwrap_or_default(),
                    i.data.name.clone(),
                ]
            })
            .collect(),
        none(),
    );
    let sections = vec![
        request.text(l.t("access.intro")),
        Section::new("purposes", l.t("access.a")).table(purposes),
        Section::new("categories", l.t("access.b")).table(categories),
        Section::new("recipients", l.t("access.c"))
            .text(l.t("access.c_intro"))
            .table(recipients),
        Section::new("storage", l.t("access.d")).table(storage),
        Section::new("rights", l.t("access.e")).text(l.t("access.rights")),
        Section::new("complaint", l.t("access.f")).text(l.fill(
            "access.complaint",
            &[("authority", &authority(&source.organisation.country, l))],
        )),
        Section::new("sources", l.t("access.g")).table(sources),
        Section::new("automated", l.t("access.h")).text(if automated.is_empty() {
            l.t("access.no_automated")
        } else {
            l.fill("access.automated", &[("list", &automated.join("; "))])
        }),
        Section::new("systems", l.t("access.systems"))
            .text(l.t("access.systems_intro"))
            .table(held),
    ];
    let title = l.fill(
        "access.title",
        &[("reference", r.reference.as_deref().unwrap_or(""))],
    );
    draft(Kind::AccessPack, title, sections)
}
