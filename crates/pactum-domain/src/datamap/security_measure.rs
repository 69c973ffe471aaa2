//! Security measures (Art. 32), keyed to the taxonomy where they match one.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::entity::Entity;
use crate::taxonomy::{MeasureKind, taxonomy};
use crate::text::{tidy, tidy_opt};
use crate::validation::{Violations, limits};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeasureStatus {
    #[default]
    Planned,
    InProgress,
    Implemented,
    NotApplicable,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityMeasure {
    /// Security-measure key from the taxonomy; name and kind default from it.
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub kind: Option<MeasureKind>,
    #[serde(default)]
    pub status: MeasureStatus,
    /// The role responsible for the measure.
    #[serde(default)]
    pub owner_role: Option<String>,
    /// Where the evidence is (policy, configuration, audit report).
    #[serde(default)]
    pub evidence: Option<String>,
}

impl Entity for SecurityMeasure {
    const COLLECTION: &'static str = "security_measures";
    const NAME: &'static str = "security measure";

    fn normalise(&mut self) {
        tidy_opt(&mut self.key);
        tidy(&mut self.name);
        tidy_opt(&mut self.description);
        tidy_opt(&mut self.owner_role);
        tidy_opt(&mut self.evidence);
        if let Some(term) = self
            .key
            .as_deref()
            .and_then(|k| taxonomy().security_measure(k))
        {
            if self.name.is_empty() {
                self.name = term.en.clone();
            }
            if self.kind.is_none() {
                self.kind = Some(term.kind);
            }
        }
    }

    fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        if let Some(key) = &self.key
            && taxonomy().security_measure(key).is_none()
        {
            v.add(
                "key",
                "unknown_key",
                format!(
                    "key {key:?} is not in the security-measure taxonomy (see /api/v1/taxonomies)."
                ),
            );
        }
        v.required_line("name", &self.name, limits::SHORT);
        if self.kind.is_none() {
            v.add(
                "kind",
                "required",
                "kind is required: technical or organisational.",
            );
        }
        v.optional_text("description", self.description.as_deref(), limits::TEXT);
        v.optional_line("owner_role", self.owner_role.as_deref(), limits::NAME);
        v.optional_text("evidence", self.evidence.as_deref(), limits::TEXT);
        v.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taxonomy_key_fills_name_and_kind() {
        let mut m: SecurityMeasure = serde_json::from_value(
            serde_json::json!({"key": "network.hsts", "status": "implemented"}),
        )
        .unwrap();
        m.normalise();
        assert!(m.name.starts_with("HTTP Strict Transport Security"));
        assert_eq!(m.kind, Some(MeasureKind::Technical));
        m.validate().unwrap();
    }

    #[test]
    fn custom_measure_needs_name_and_kind() {
        let mut m: SecurityMeasure = serde_json::from_value(serde_json::json!({})).unwrap();
        m.normalise();
        let rules: Vec<_> = m
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(rules, ["name", "kind"]);
    }
}
