//! Validation results that name the field and the rule, so every client (API, CLI, UI) can
//! show the user exactly what to fix.

use serde::Serialize;
use utoipa::ToSchema;

/// One broken rule on one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Violation {
    /// The field, as named in the JSON document (`sub_processors[1].country` for nested fields).
    pub field: String,
    /// A stable identifier of the rule, for clients that translate messages.
    pub rule: String,
    /// A sentence for people, naming the field and the rule.
    pub message: String,
}

/// Every violation found in one record; empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("{}", summary(.0))]
pub struct Violations(pub Vec<Violation>);

fn summary(list: &[Violation]) -> String {
    list.iter()
        .map(|v| v.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: &str, rule: &str, message: impl Into<String>) -> Self {
        let mut v = Self::new();
        v.add(field, rule, message);
        v
    }

    pub fn add(&mut self, field: &str, rule: &str, message: impl Into<String>) {
        self.0.push(Violation {
            field: field.to_owned(),
            rule: rule.to_owned(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds another record's violations under `prefix`, e.g. `sub_processors[2]`.
    pub fn extend_nested(&mut self, prefix: &str, other: Violations) {
        for v in other.0 {
            self.0.push(Violation {
                field: format!("{prefix}.{}", v.field),
                ..v
            });
        }
    }

    pub fn into_result(self) -> Result<(), Violations> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    /// A required single-line text: present, not too long, no control characters.
    pub fn required_line(&mut self, field: &str, value: &str, max: usize) {
        if value.is_empty() {
            self.add(field, "required", format!("{field} is required."));
        } else {
            self.line(field, value, max);
        }
    }

    /// An optional single-line text.
    pub fn optional_line(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            self.line(field, value, max);
        }
    }

    /// A required free text (may span lines).
    pub fn required_text(&mut self, field: &str, value: &str, max: usize) {
        if value.is_empty() {
            self.add(field, "required", format!("{field} is required."));
        } else {
            self.text(field, value, max);
        }
    }

    /// An optional free text (may span lines).
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            self.text(field, value, max);
        }
    }

    fn line(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().any(char::is_control) {
            self.add(
                field,
                "single_line",
                format!("{field} must be a single line without control characters."),
            );
        }
        self.max_len(field, value, max);
    }

    fn text(&mut self, field: &str, value: &str, max: usize) {
        if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            self.add(
                field,
                "no_control_characters",
                format!("{field} must not contain control characters."),
            );
        }
        self.max_len(field, value, max);
    }

    fn max_len(&mut self, field: &str, value: &str, max: usize) {
        let len = value.chars().count();
        if len > max {
            self.add(
                field,
                "max_length",
                format!("{field} must be at most {max} characters (it has {len})."),
            );
        }
    }
}

/// Length limits shared by every entity, so the API and the UI agree.
pub mod limits {
    pub const NAME: usize = 200;
    pub const SHORT: usize = 500;
    pub const TEXT: usize = 20_000;
}
