//! Precision, recall and F1 per kind on a labeled set (JSON lines with `text` and gold
//! `spans` as byte offsets), counting a finding as right only when kind and span match
//! exactly. Look-alikes (`lookalike` set, no gold span) must give no finding of that kind.
//! Prints one JSON object. Usage: evaluate LABELED.jsonl

#![allow(
    clippy::expect_used,
    reason = "a benchmark tool: a bad argument ends it with the message"
)]

use std::collections::BTreeMap;

use serde_json::{Value, json};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: evaluate LABELED.jsonl");
    let text = std::fs::read_to_string(path).expect("readable file");
    // kind -> (true positives, false positives, false negatives)
    let mut counts: BTreeMap<String, (u32, u32, u32)> = BTreeMap::new();
    let mut lookalike_hits: BTreeMap<String, u32> = BTreeMap::new();
    for line in text.lines() {
        let record: Value = serde_json::from_str(line).expect("JSON line");
        let sample = record["text"].as_str().unwrap_or_default();
        let gold: Vec<(String, u64, u64)> = record["spans"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| {
                        (
                            s["kind"].as_str().unwrap_or_default().to_owned(),
                            s["start"].as_u64().unwrap_or(0),
                            s["end"].as_u64().unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let found: Vec<(String, u64, u64)> = pactum_pii::scan(sample)
            .into_iter()
            .map(|f| (f.kind.name().to_owned(), f.start as u64, f.end as u64))
            .collect();
        if let Some(kind) = record["lookalike"].as_str() {
            let hits = found.iter().filter(|f| f.0 == kind).count() as u32;
            *lookalike_hits.entry(kind.to_owned()).or_insert(0) += hits;
        }
        for f in &found {
            let entry = counts.entry(f.0.clone()).or_default();
            if gold.contains(f) {
                entry.0 += 1;
            } else {
                entry.1 += 1;
            }
        }
        for g in &gold {
            if !found.contains(g) {
                counts.entry(g.0.clone()).or_default().2 += 1;
            }
        }
    }
    let mut per_kind = serde_json::Map::new();
    for (kind, (tp, fp, fn_)) in counts {
        let p = if tp + fp == 0 {
            0.0
        } else {
            f64::from(tp) / f64::from(tp + fp)
        };
        let r = if tp + fn_ == 0 {
            0.0
        } else {
            f64::from(tp) / f64::from(tp + fn_)
        };
        let f1 = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        per_kind.insert(
            kind,
            json!({"tp": tp, "fp": fp, "fn": fn_, "precision": p, "recall": r, "f1": f1}),
        );
    }
    println!(
        "{}",
        json!({"per_kind": per_kind, "lookalike_findings": lookalike_hits})
    );
}
