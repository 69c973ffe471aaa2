//! What an AI report may see of a project, and the report Pactum writes itself.
//!
//! [`payload`] is the one function that decides what leaves Pactum for an AI provider
//! (readmodel DPA section 8): the project name becomes "Project"; data users become
//! "User 1", "User 2", ... in a stable order, everywhere they are named; the breach and
//! request registers are reduced to counts (totals, risk and status distributions) with no
//! title, name, contact or detail; every remaining text goes through the PII engine, so no
//! e-mail address, phone number, IBAN, BSN and the like leaves either. Internal ids and
//! timestamps are left out; a reference to another record is replaced by that record's
//! (anonymised) name. The offline provider writes its report from the same payload
//! ([`offline_report`]), so what a user reads never depends on more than was shown to them.

use std::collections::{BTreeMap, HashMap};

use pactum_pii::redact::{Policy, Redactor};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::compliance::Assessment;
use crate::registers::breach::Breach;
use crate::registers::request::DataSubjectRequest;

/// The project as the store reads it: each collection's records as their JSON documents
/// (with `id`), registers as records.
#[derive(Debug, Clone)]
pub struct Source<'a> {
    pub project_name: &'a str,
    /// `(collection, records)` for the project's data map and assessments.
    pub collections: Vec<(&'a str, Vec<Value>)>,
    pub breaches: &'a [Breach],
    pub requests: &'a [DataSubjectRequest],
    pub assessment: &'a Assessment,
    pub now: OffsetDateTime,
}

/// Fields never sent: internal identifiers, bookkeeping, and the stored gap tokens (the
/// compliance section carries what is missing).
const LEFT_OUT: &[&str] = &[
    "id",
    "project_id",
    "org_id",
    "created_at",
    "updated_at",
    "gaps",
];

/// The label a data user is sent under.
pub fn user_label(n: usize) -> String {
    format!("User {n}")
}

/// Replaces every occurrence of `needle` that stands as a word of its own (not inside a
/// longer word), ignoring ASCII case, with `with`.
fn replace_ci(hay: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() {
        return hay.to_owned();
    }
    let n = needle.len();
    let mut out = String::with_capacity(hay.len());
    let mut i = 0;
    let mut copied = 0;
    while i + n <= hay.len() {
        // Boundaries first: slicing inside a multi-byte character would panic.
        if hay.is_char_boundary(i)
            && hay.is_char_boundary(i + n)
            && hay[i..i + n].eq_ignore_ascii_case(needle)
            && hay[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
            && hay[i + n..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
        {
            out.push_str(&hay[copied..i]);
            out.push_str(with);
            i += n;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&hay[copied..]);
    out
}

struct Anonymiser {
    /// (name, label), longest name first so "Jan de Vries" goes before "Jan".
    names: Vec<(String, String)>,
    /// Record id -> the label or name it is sent under.
    labels: HashMap<String, String>,
    redactor: Redactor,
}

impl Anonymiser {
    fn text(&mut self, s: &str) -> String {
        if let Some(label) = self.labels.get(s) {
            return label.clone();
        }
        let mut out = s.to_owned();
        for (name, label) in &self.names {
            out = replace_ci(&out, name, label);
        }
        self.redactor.redact(&out).into_owned()
    }

    fn value(&mut self, v: &Value) -> Value {
        match v {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(items) => Value::Array(items.iter().map(|i| self.value(i)).collect()),
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    if LEFT_OUT.contains(&k.as_str()) || v.is_null() {
                        continue;
                    }
                    out.insert(k.clone(), self.value(v));
                }
                Value::Object(out)
            }
            other => other.clone(),
        }
    }
}

/// The field that names a record (a data user is named by its role).
const NAME_FIELDS: [&str; 4] = ["name", "role", "title", "threat"];

fn name_of(record: &Value) -> Option<&str> {
    NAME_FIELDS
        .iter()
        .find_map(|k| record.get(*k).and_then(Value::as_str))
}

fn count_by<K: Ord>(keys: impl Iterator<Item = K>) -> BTreeMap<K, usize> {
    let mut out = BTreeMap::new();
    for k in keys {
        *out.entry(k).or_insert(0) += 1;
    }
    out
}

fn key_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The anonymised payload for an AI provider.
pub fn payload(source: &Source<'_>) -> Value {
    let mut names = vec![(source.project_name.trim().to_owned(), "Project".to_owned())];
    let mut labels = HashMap::new();
    let users = source
        .collections
        .iter()
        .find(|(c, _)| *c == "data_users")
        .map(|(_, r)| r.as_slice())
        .unwrap_or_default();
    for (i, user) in users.iter().enumerate() {
        let label = user_label(i + 1);
        if let Some(name) = name_of(user) {
            names.push((name.trim().to_owned(), label.clone()));
        }
        if let Some(id) = user.get("id").and_then(Value::as_str) {
            labels.insert(id.to_owned(), label);
        }
    }
    // Register titles and requester details are never sent, even where a data-map text
    // happens to repeat them.
    for b in source.breaches {
        names.push((b.title.trim().to_owned(), "[breach]".to_owned()));
    }
    for r in source.requests {
        for t in [&r.requester_name, &r.requester_contact, &r.details]
            .into_iter()
            .flatten()
        {
            names.push((t.trim().to_owned(), "[request]".to_owned()));
        }
    }
    names.retain(|(n, _)| n.chars().count() >= 2);
    names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    let mut anon = Anonymiser {
        names,
        labels,
        redactor: Redactor::new(Policy::Placeholder),
    };
    // Other records are referred to by their (anonymised) names.
    for (collection, records) in &source.collections {
        if *collection == "data_users" {
            continue;
        }
        for r in records {
            if let (Some(id), Some(name)) = (r.get("id").and_then(Value::as_str), name_of(r)) {
                let label = anon.text(name);
                anon.labels.insert(id.to_owned(), label);
            }
        }
    }
    let mut collections = Map::new();
    for (collection, records) in &source.collections {
        let sent: Vec<Value> = records
            .iter()
            .map(|r| {
                let mut v = anon.value(r);
                if *collection == "data_users"
                    && let (Some(obj), Some(id)) =
                        (v.as_object_mut(), r.get("id").and_then(Value::as_str))
                    && let Some(label) = anon.labels.get(id)
                {
                    obj.insert("name".into(), Value::String(label.clone()));
                }
                v
            })
            .collect();
        collections.insert((*collection).to_owned(), Value::Array(sent));
    }
    let breaches = source.breaches;
    let open = |stopped: Option<OffsetDateTime>| stopped.is_none();
    let overdue = |due: Option<OffsetDateTime>, stopped: Option<OffsetDateTime>| {
        stopped.is_none() && due.is_some_and(|d| d < source.now)
    };
    let by_risk = count_by(breaches.iter().map(|b| match b.risk {
        None => "not_assessed".to_owned(),
        Some(r) => key_of(&r),
    }));
    let requests = source.requests;
    let compliance = json!({
        "score": source.assessment.score,
        "checks": source.assessment.reasons.iter().map(|r| json!({
            "check": r.check.key(),
            "article": r.check.article(),
            "checked": r.checked,
            "failed": r.failed,
        })).collect::<Vec<_>>(),
        "findings": source.assessment.findings.iter()
            .filter(|f| !matches!(f.subject.collection, "breaches" | "requests"))
            .map(|f| json!({
                "check": f.check.key(),
                "article": f.check.article(),
                "collection": f.subject.collection,
                "record": anon.labels.get(&f.subject.id.to_string()).cloned()
                    .unwrap_or_else(|| anon.text(&f.subject.name)),
                "field": f.field,
            }))
            .collect::<Vec<_>>(),
    });
    json!({
        "project": "Project",
        "collections": collections,
        "registers": {
            "breaches": {
                "total": breaches.len(),
                "open": breaches.iter().filter(|b| open(b.closed_at)).count(),
                "overdue": breaches.iter().filter(|b| overdue(b.due_at, b.stopped_at)).count(),
                "by_risk": by_risk,
                "notified_to_authority": breaches.iter().filter(|b| b.authority_notified_at.is_some()).count(),
            },
            "requests": {
                "total": requests.len(),
                "overdue": requests.iter().filter(|r| overdue(r.due_at, r.stopped_at)).count(),
                "by_status": count_by(requests.iter().map(|r| key_of(&r.status))),
                "by_kind": count_by(requests.iter().map(|r| key_of(&r.kind))),
            },
        },
        "compliance": compliance,
    })
}

/// The instructions sent with the payload to a language model.
pub const PROMPT: &str = "You are a data protection consultant. The JSON below describes one \
project of an organisation's GDPR record: its data map (services, data items, data users, \
transfers, processing activities, vendors, security measures, risks, DPIAs), aggregate \
figures of its breach and data-subject-request registers, and Pactum's compliance \
assessment. Names of people and identifiers were replaced before sending. Write a report in \
Markdown: a short summary, the most important risks and gaps with the GDPR article each \
concerns, and concrete next steps in order of priority. Do not invent facts that are not in \
the JSON.";

/// The report the offline provider writes: rule-based, from the payload alone.
pub fn offline_report(payload: &Value) -> String {
    let mut out = String::from("# Compliance report\n\n");
    let c = &payload["compliance"];
    let score = c["score"].as_u64().unwrap_or(0);
    out.push_str(&format!(
        "Compliance score: **{score} / 100**. Written by Pactum's rule-based assessment, without any AI provider.\n\n"
    ));
    out.push_str("## The data map\n\n");
    if let Some(collections) = payload["collections"].as_object() {
        for (name, records) in collections {
            let n = records.as_array().map_or(0, Vec::len);
            out.push_str(&format!("- {}: {n}\n", name.replace('_', " ")));
        }
    }
    out.push_str("\n## Checks\n\n");
    let checks = c["checks"].as_array().cloned().unwrap_or_default();
    if checks.is_empty() {
        out.push_str("Nothing to check yet: the project has no records.\n");
    }
    for check in &checks {
        let failed = check["failed"].as_u64().unwrap_or(0);
        let checked = check["checked"].as_u64().unwrap_or(0);
        let status = if failed == 0 { "met" } else { "not met" };
        out.push_str(&format!(
            "- {} ({}): {status}, {failed} of {checked} failing\n",
            check["check"]
                .as_str()
                .unwrap_or_default()
                .replace('_', " "),
            check["article"].as_str().unwrap_or_default(),
        ));
    }
    let findings = c["findings"].as_array().cloned().unwrap_or_default();
    if !findings.is_empty() {
        out.push_str("\n## What to fix first\n\n");
        for f in findings.iter().take(20) {
            out.push_str(&format!(
                "1. {} ({}): {} of {}\n",
                f["check"].as_str().unwrap_or_default().replace('_', " "),
                f["article"].as_str().unwrap_or_default(),
                f["field"].as_str().unwrap_or_default(),
                f["record"].as_str().unwrap_or_default(),
            ));
        }
        if findings.len() > 20 {
            out.push_str(&format!("\n…and {} more.\n", findings.len() - 20));
        }
    }
    let b = &payload["registers"]["breaches"];
    let r = &payload["registers"]["requests"];
    out.push_str(&format!(
        "\n## Registers\n\n- Breaches: {} in total, {} open, {} past their deadline.\n- Data subject requests: {} in total, {} past their deadline.\n",
        b["total"], b["open"], b["overdue"], r["total"], r["overdue"],
    ));
    out
}

#[cfg(test)]
#[path = "ai_report_tests.rs"]
mod tests;
