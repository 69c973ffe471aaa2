//! The risk register: per project the 4x4 heat map, the risk assessments with their
//! scores before and after measures, and the DPIAs with their screening outcome and
//! decision. What an auditor asks after the Art. 30 record.

use std::collections::HashMap;

use pactum_domain::assessments::risk::{RiskLevel, heat_counts};

use super::common::{columns, draft, join, measure_name};
use crate::Kind;
use crate::labels::Labels;
use crate::model::{Block, Document, HeatMap, Section, Table};
use crate::source::{ProjectSource, Source};

fn bands() -> [[&'static str; 4]; 4] {
    let mut out = [[""; 4]; 4];
    for (l, row) in out.iter_mut().enumerate() {
        for (i, cell) in row.iter_mut().enumerate() {
            *cell = RiskLevel::of(((l + 1) * (i + 1)) as i64).key();
        }
    }
    out
}

fn score(score: i64, l: &Labels) -> String {
    format!("{score} ({})", l.value("risk_level", &RiskLevel::of(score)))
}

fn risk_rows(p: &ProjectSource, l: &Labels) -> Vec<Vec<String>> {
    let map = &p.map;
    let subjects: HashMap<_, _> = map
        .services
        .iter()
        .map(|s| (s.id, s.data.name.clone()))
        .chain(map.activities.iter().map(|a| (a.id, a.data.name.clone())))
        .collect();
    let measures: HashMap<_, _> = map
        .measures
        .iter()
        .map(|m| (m.id, measure_name(&m.data, l)))
        .collect();
    map.risks
        .iter()
        .map(|r| {
            let d = &r.data;
            let about = d.service_id.or(d.processing_activity_id);
            vec![
                p.project.name.clone(),
                d.threat.clone(),
                about
                    .and_then(|id| subjects.get(&id).cloned())
                    .unwrap_or_default(),
                score(d.inherent_score, l),
                join(
                    d.security_measure_ids
                        .iter()
                        .filter_map(|id| measures.get(id).cloned()),
                    "\n",
                ),
                d.residual_score.map(|s| score(s, l)).unwrap_or_default(),
                d.treatment
                    .map(|t| l.value("treatment", &t))
                    .unwrap_or_default(),
                d.review_on.map(|d| l.date(d)).unwrap_or_default(),
            ]
        })
        .collect()
}

fn dpia_rows(p: &ProjectSource, l: &Labels) -> Vec<Vec<String>> {
    p.map
        .dpias
        .iter()
        .map(|d| {
            let d = &d.data;
            vec![
                p.project.name.clone(),
                d.name.clone(),
                l.value("outcome", &d.outcome),
                join(d.criteria.iter().map(|c| l.value("criterion", c)), "\n"),
                d.residual_risk
                    .map(|r| l.value("risk_level", &r))
                    .unwrap_or_default(),
                d.decision
                    .map(|x| l.value("decision", &x))
                    .unwrap_or_default(),
                l.yes_no(d.prior_consultation),
                d.review_on.map(|d| l.date(d)).unwrap_or_default(),
            ]
        })
        .collect()
}

pub fn register(source: &Source, l: &Labels) -> Document {
    let mut sections = vec![Section::new("about", l.t("risk.about")).text(l.t("risk.intro"))];
    for p in &source.projects {
        if p.map.risks.is_empty() {
            continue;
        }
        let mut s = Section::new(
            format!("heat_map_{}", p.id.simple()),
            l.fill("risk.project", &[("project", &p.project.name)]),
        );
        s.blocks.push(Block::HeatMap(Box::new(HeatMap {
            counts: heat_counts(p.map.risks.iter().map(|r| &r.data)),
            likelihood: l.t("risk.likelihood"),
            impact: l.t("risk.impact"),
            bands: bands(),
        })));
        sections.push(s);
    }
    let risks = Table {
        key: "risks".into(),
        title: l.t("risk.risks"),
        columns: columns(
            l,
            &[
                "project",
                "threat",
                "concerns",
                "inherent",
                "measures",
                "residual",
                "treatment",
                "review_on",
            ],
        ),
        rows: source
            .projects
            .iter()
            .flat_map(|p| risk_rows(p, l))
            .collect(),
        cards: true,
        empty: l.t("risk.no_risks"),
    };
    let dpias = Table {
        key: "dpias".into(),
        title: l.t("risk.dpias"),
        columns: columns(
            l,
            &[
                "project",
                "name",
                "outcome",
                "criteria",
                "residual",
                "decision",
                "prior_consultation",
                "review_on",
            ],
        ),
        rows: source
            .projects
            .iter()
            .flat_map(|p| dpia_rows(p, l))
            .collect(),
        cards: true,
        empty: l.t("risk.no_dpias"),
    };
    sections.push(Section::new("risks", l.t("risk.risks")).table(risks));
    sections.push(Section::new("dpias", l.t("risk.dpias")).table(dpias));
    let mut doc = draft(Kind::RiskRegister, l.t("risk.title"), sections);
    doc.primary = Some("risks".into());
    doc
}
