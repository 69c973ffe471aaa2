//! "Needs attention" and "recent changes", as the dashboard and the project page show
//! them: each gap links to the field that closes it.

use pactum_store::activity::Change;
use pactum_store::gaps::RuleGaps;

use crate::ui::format;
use crate::ui::i18n::T;

/// Records shown per rule before "and N more".
pub const SAMPLE: u32 = 5;

pub struct GapLink {
    pub href: String,
    pub name: String,
    pub project_name: String,
}

pub struct RuleView {
    pub message: String,
    pub article: &'static str,
    pub severity: &'static str,
    pub severity_label: String,
    pub count: i64,
    pub records: Vec<GapLink>,
    pub more: Option<String>,
}

fn segment(collection: &str) -> String {
    collection.replace('_', "-")
}

pub fn rules(t: T, slug: &str, list: &[RuleGaps]) -> Vec<RuleView> {
    list.iter()
        .map(|r| {
            let shown = r.records.len() as i64;
            RuleView {
                message: t.s(&format!("gap.{}", r.rule.key())).to_owned(),
                article: r.rule.article(),
                severity: r.rule.severity().as_str(),
                severity_label: t
                    .s(&format!("severity.{}", r.rule.severity().as_str()))
                    .to_owned(),
                count: r.count,
                records: r
                    .records
                    .iter()
                    .map(|g| {
                        // The field of the first gap of this rule, as the form's anchor.
                        let field = g
                            .gaps
                            .iter()
                            .find(|x| x.rule == r.rule)
                            .map(|x| {
                                x.field
                                    .split(['[', '.'])
                                    .next()
                                    .unwrap_or_default()
                                    .to_owned()
                            })
                            .unwrap_or_default();
                        GapLink {
                            href: format!(
                                "/orgs/{slug}/projects/{}/{}/{}#{field}",
                                g.project_id,
                                segment(g.collection),
                                g.id
                            ),
                            name: if g.name.is_empty() {
                                t.s(&format!("one.{}", g.collection)).to_owned()
                            } else {
                                g.name.clone()
                            },
                            project_name: g.project_name.clone(),
                        }
                    })
                    .collect(),
                more: (r.count > shown).then(|| {
                    t.s("gaps.more")
                        .replace("{n}", &(r.count - shown).to_string())
                }),
            }
        })
        .collect()
}

pub struct ChangeView {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub verb: String,
    pub when: String,
    pub when_iso: String,
}

pub fn changes(t: T, slug: &str, zone: &str, list: &[Change]) -> Vec<ChangeView> {
    list.iter()
        .map(|c| ChangeView {
            href: format!(
                "/orgs/{slug}/projects/{}/{}/{}",
                c.project_id,
                segment(&c.collection),
                c.id
            ),
            kind: t.s(&format!("one.{}", c.collection)).to_owned(),
            name: c.name.clone(),
            verb: t
                .s(if c.created {
                    "recent.created"
                } else {
                    "recent.changed"
                })
                .to_owned(),
            when: format::date_time_in(t.0, zone, c.at),
            when_iso: pactum_domain::timestamp::format(c.at),
        })
        .collect()
}
