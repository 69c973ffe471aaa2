//! Breach scope: what kinds of personal data a leaked file holds, how many of each, and
//! how many distinct people that is at least.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::{self, BufRead};

use serde::Serialize;

use crate::Kind;
use crate::scanner::scan_bytes;

#[derive(Debug, Default, Serialize)]
pub struct ScopeEstimate {
    pub bytes: u64,
    pub lines: u64,
    /// Findings per kind.
    pub counts: BTreeMap<Kind, u64>,
    /// Distinct values per identifying kind (e-mail, BSN, phone, IBAN).
    pub distinct: BTreeMap<Kind, u64>,
    /// A lower bound on the number of people concerned: the largest of the distinct counts
    /// (one person may appear with an e-mail and a phone number, so they are not added).
    pub estimated_subjects: u64,
}

fn canonical_hash(kind: Kind, value: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    kind.hash(&mut h);
    for c in value {
        if c.is_ascii_alphanumeric() || matches!(kind, Kind::Email) {
            c.to_ascii_lowercase().hash(&mut h);
        }
    }
    h.finish()
}

/// Reads CSV, JSON lines or plain text line by line, in constant memory per distinct value.
pub fn estimate<R: BufRead>(mut input: R) -> io::Result<ScopeEstimate> {
    let mut est = ScopeEstimate::default();
    let mut seen: BTreeMap<Kind, HashSet<u64>> = BTreeMap::new();
    let mut line = Vec::with_capacity(8192);
    let mut findings = Vec::new();
    loop {
        line.clear();
        let n = input.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        est.bytes += n as u64;
        est.lines += 1;
        findings.clear();
        let text = String::from_utf8_lossy(&line);
        scan_bytes(text.as_bytes(), &mut findings);
        for f in &findings {
            *est.counts.entry(f.kind).or_insert(0) += 1;
            if f.kind.identifies_subject() {
                seen.entry(f.kind)
                    .or_default()
                    .insert(canonical_hash(f.kind, &text.as_bytes()[f.start..f.end]));
            }
        }
    }
    for (kind, set) in seen {
        est.distinct.insert(kind, set.len() as u64);
    }
    est.estimated_subjects = est.distinct.values().copied().max().unwrap_or(0);
    Ok(est)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_distinct_people() {
        let csv = "name,email,phone,iban\n\
                   Jan,jan@example.nl,06-12345678,NL91ABNA0417164300\n\
                   Jan,JAN@example.nl,0612345678,NL91 ABNA 0417 1643 00\n\
                   Piet,piet@example.nl,,\n";
        let est = estimate(csv.as_bytes()).unwrap();
        assert_eq!(est.lines, 4);
        assert_eq!(est.counts[&Kind::Email], 3);
        assert_eq!(est.distinct[&Kind::Email], 2);
        assert_eq!(est.distinct[&Kind::Phone], 1);
        assert_eq!(est.distinct[&Kind::Iban], 1);
        assert_eq!(est.estimated_subjects, 2);
    }
}
