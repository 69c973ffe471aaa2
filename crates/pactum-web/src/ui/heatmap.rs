//! The likelihood-impact heat map of a project's risks, drawn by the server as SVG: four by
//! four cells coloured by risk level, each with the number of risks that sit there (after
//! measures where assessed, before otherwise).

use pactum_domain::assessments::risk::{RiskAssessment, RiskLevel};

use crate::ui::i18n::T;

pub struct Cell {
    pub x: u32,
    pub y: u32,
    pub fill: &'static str,
    pub count: usize,
    pub title: String,
}

pub struct HeatMap {
    pub cells: Vec<Cell>,
    pub total: usize,
    /// Levels 1 to 4 with their words, for the axes.
    pub scale: Vec<(u32, String)>,
    pub summary: String,
}

/// Light fills, so the dark count text keeps AA contrast in every cell.
fn fill(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Low => "#cce2d8",
        RiskLevel::Medium => "#fff2b3",
        RiskLevel::High => "#fcd6c3",
        RiskLevel::VeryHigh => "#f4b6ae",
    }
}

pub const CELL: u32 = 56;

pub fn build(t: T, risks: &[RiskAssessment]) -> Option<HeatMap> {
    if risks.is_empty() {
        return None;
    }
    let counts = pactum_domain::assessments::risk::heat_counts(risks);
    let mut cells = Vec::with_capacity(16);
    let mut high = 0;
    for l in 1..=4u32 {
        for i in 1..=4u32 {
            let count = counts[(l - 1) as usize][(i - 1) as usize] as usize;
            let level = RiskLevel::of(i64::from(l * i));
            if level.is_high() {
                high += count;
            }
            cells.push(Cell {
                // Impact grows to the right, likelihood upwards.
                x: (i - 1) * CELL,
                y: (4 - l) * CELL,
                fill: fill(level),
                count,
                title: t
                    .s("heatmap.cell")
                    .replace("{likelihood}", &l.to_string())
                    .replace("{impact}", &i.to_string())
                    .replace("{level}", t.s(&format!("choice.{}", level.key())))
                    .replace("{n}", &count.to_string()),
            });
        }
    }
    Some(HeatMap {
        cells,
        total: risks.len(),
        scale: (1..=4)
            .map(|n| (n, t.s(&format!("scale.{n}")).to_owned()))
            .collect(),
        summary: t
            .s("heatmap.summary")
            .replace("{n}", &risks.len().to_string())
            .replace("{high}", &high.to_string()),
    })
}
