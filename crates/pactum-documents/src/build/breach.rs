//! A breach as reported to the supervisory authority, under the headings of Art. 33(3)
//! (with the phased updates of 33(4)), and the register of every breach that Art. 33(5)
//! asks the controller to keep: the facts, the effects and the remedial action.

use pactum_domain::clocks;
use pactum_domain::registers::breach::{Breach, BreachRole};
use pactum_store::records::Record;

use super::common::{columns, draft, field, join};
use crate::Kind;
use crate::labels::Labels;
use crate::model::{Document, Section, Table};
use crate::source::Source;

fn natures(b: &Breach, l: &Labels) -> String {
    join(b.nature.iter().map(|n| l.value("nature", n)), ", ")
}

fn categories(b: &Breach, l: &Labels) -> String {
    join(b.data_categories.iter().map(|c| l.data_category(c)), ", ")
}

fn subjects(b: &Breach, l: &Labels) -> String {
    join(
        b.subject_categories.iter().map(|c| l.subject_category(c)),
        ", ",
    )
}

fn number(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

pub fn report(source: &Source, l: &Labels, rec: &Record<Breach>) -> Document {
    let b = &rec.data;
    let org = &source.organisation;
    // Art. 33(3)(b): the DPO or another contact point; the organisation's DPO when the
    // breach names no other.
    let contact = b.contact.clone().unwrap_or_else(|| {
        join(
            [
                org.dpo_name.clone(),
                org.dpo_email.clone(),
                org.dpo_phone.clone(),
            ]
            .into_iter()
            .flatten(),
            ", ",
        )
    });
    // The deadline the register settled (it knows the contract's hours); derived again
    // only for a record stored before deadlines were kept.
    let deadline = b.due_at.unwrap_or_else(|| match b.role {
        BreachRole::Controller => clocks::authority_due(b.aware_at),
        BreachRole::Processor => clocks::controller_notice_due(
            b.aware_at,
            b.controller_notice_hours
                .and_then(|h| u32::try_from(h).ok())
                .unwrap_or(24),
        ),
    });
    let assignee = b
        .assignee_id
        .and_then(|id| source.members.get(&id).cloned())
        .unwrap_or_default();
    let mut sections = vec![
        Section::new("facts", l.t("breach.facts")).fields(vec![
            field(l, "reference", b.reference.clone().unwrap_or_default()),
            field(l, "title", &b.title),
            field(l, "breach_role", l.value("breach_role", &b.role)),
            field(l, "assignee", assignee),
            field(l, "occurred_at", l.maybe_moment(b.occurred_at)),
            field(l, "aware_at", l.moment(b.aware_at)),
            field(l, "contained_at", l.maybe_moment(b.contained_at)),
            field(l, "deadline", l.moment(deadline)),
        ]),
        Section::new("nature", l.t("breach.a")).fields(vec![
            field(l, "nature", natures(b, l)),
            field(l, "description", b.description.clone().unwrap_or_default()),
            field(l, "data_categories", categories(b, l)),
            field(l, "subject_categories", subjects(b, l)),
            field(l, "subjects_approx", number(b.subjects_approx)),
            field(l, "records_approx", number(b.records_approx)),
            field(
                l,
                "affected_persons",
                b.affected_persons.clone().unwrap_or_default(),
            ),
        ]),
        Section::new("contact", l.t("breach.b")).fields(vec![field(l, "contact", contact)]),
        Section::new("consequences", l.t("breach.c")).fields(vec![field(
            l,
            "consequences",
            b.consequences
                .clone()
                .unwrap_or_else(|| l.t("common.not_yet_known")),
        )]),
        Section::new("measures", l.t("breach.d")).fields(vec![field(
            l,
            "breach_measures",
            b.measures
                .clone()
                .unwrap_or_else(|| l.t("common.not_yet_known")),
        )]),
        Section::new("assessment", l.t("breach.assessment")).fields(vec![
            field(
                l,
                "risk",
                b.risk
                    .map(|r| l.value("breach_risk", &r))
                    .unwrap_or_default(),
            ),
            field(
                l,
                "risk_reasoning",
                b.risk_reasoning.clone().unwrap_or_default(),
            ),
            field(
                l,
                "art34_exception",
                b.art34_exception
                    .map(|e| l.value("art34_exception", &e))
                    .unwrap_or_default(),
            ),
        ]),
        Section::new("notifications", l.t("breach.notifications")).fields(vec![
            field(
                l,
                "authority_notified_at",
                l.maybe_moment(b.authority_notified_at),
            ),
            field(
                l,
                "authority_reference",
                b.authority_reference.clone().unwrap_or_default(),
            ),
            field(
                l,
                "delay_reason",
                b.delay_reason.clone().unwrap_or_default(),
            ),
            field(
                l,
                "subjects_informed_at",
                l.maybe_moment(b.subjects_informed_at),
            ),
            field(
                l,
                "controllers_notified_at",
                l.maybe_moment(b.controllers_notified_at),
            ),
            field(l, "closed_at", l.maybe_moment(b.closed_at)),
        ]),
    ];
    let updates = Table {
        key: "updates".into(),
        title: l.t("breach.updates"),
        columns: columns(l, &["at", "text", "sent_to_authority"]),
        rows: b
            .updates
            .iter()
            .map(|u| {
                vec![
                    l.moment(u.at),
                    u.text.clone(),
                    l.yes_no(u.sent_to_authority),
                ]
            })
            .collect(),
        cards: false,
        empty: l.t("breach.no_updates"),
    };
    sections.push(Section::new("updates", l.t("breach.updates")).table(updates));
    let title = l.fill(
        "breach.report_title",
        &[("reference", b.reference.as_deref().unwrap_or(&b.title))],
    );
    draft(Kind::BreachReport, title, sections)
}

pub fn register(source: &Source, l: &Labels) -> Document {
    let mut breaches: Vec<&Record<Breach>> = source.breaches.iter().collect();
    breaches.sort_by_key(|b| std::cmp::Reverse(b.data.aware_at));
    let rows = breaches
        .iter()
        .map(|r| {
            let b = &r.data;
            vec![
                b.reference.clone().unwrap_or_default(),
                b.title.clone(),
                l.value("breach_role", &b.role),
                l.moment(b.aware_at),
                natures(b, l),
                categories(b, l),
                number(b.subjects_approx),
                b.consequences.clone().unwrap_or_default(),
                b.measures.clone().unwrap_or_default(),
                b.risk
                    .map(|r| l.value("breach_risk", &r))
                    .unwrap_or_default(),
                l.maybe_moment(b.authority_notified_at),
                l.maybe_moment(b.subjects_informed_at),
                l.maybe_moment(b.closed_at),
            ]
        })
        .collect();
    let table = Table {
        key: "breaches".into(),
        title: l.t("breach.register"),
        columns: columns(
            l,
            &[
                "reference",
                "title",
                "breach_role",
                "aware_at",
                "nature",
                "data_categories",
                "subjects_approx",
                "consequences",
                "breach_measures",
                "risk",
                "authority_notified_at",
                "subjects_informed_at",
                "closed_at",
            ],
        ),
        rows,
        cards: true,
        empty: l.t("breach.none"),
    };
    let sections = vec![
        Section::new("breaches", l.t("breach.register"))
            .text(l.t("breach.register_intro"))
            .table(table),
    ];
    let mut doc = draft(Kind::BreachRegister, l.t("breach.register_title"), sections);
    doc.primary = Some("breaches".into());
    doc
}
