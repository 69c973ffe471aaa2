//! Gaps: what a record states that is allowed to be stored but is not (yet) compliant.
//!
//! The data map records reality, and reality is often incomplete: a special-category item
//! whose Art. 9(2) condition nobody has settled yet must still be recorded, or the register
//! hides exactly what needs attention. So these rules do not refuse a write (that is what
//! validation is for: malformed or contradictory input); they mark the record, and the
//! dashboard lists the marks until someone fixes them.

use std::fmt;

use serde::Serialize;
use utoipa::ToSchema;

/// A kind of gap. The key is stable: it is stored with the record and used for
/// translations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GapRule {
    /// Special-category data without an Art. 9(2) condition.
    Art9ConditionMissing,
    /// Criminal-offence data without the authority or law Art. 10 requires.
    Art10BasisMissing,
    /// Transfer to a third country without adequacy and without a Chapter V mechanism.
    TransferMechanismMissing,
    /// Personal data or a processing activity without an Art. 6(1) legal basis.
    LegalBasisMissing,
    /// A processor or sub-processor (or a service run by one) without a recorded DPA.
    DpaMissing,
    /// No retention period (storage limitation, Art. 5(1)(e); Art. 30(1)(f)).
    RetentionMissing,
}

/// How urgent a gap is: high when processing is unlawful as recorded, medium when a duty
/// is undocumented, low when a record is incomplete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

impl GapRule {
    pub const ALL: [GapRule; 6] = [
        GapRule::Art9ConditionMissing,
        GapRule::Art10BasisMissing,
        GapRule::TransferMechanismMissing,
        GapRule::LegalBasisMissing,
        GapRule::DpaMissing,
        GapRule::RetentionMissing,
    ];

    pub fn key(self) -> &'static str {
        match self {
            GapRule::Art9ConditionMissing => "art9_condition_missing",
            GapRule::Art10BasisMissing => "art10_basis_missing",
            GapRule::TransferMechanismMissing => "transfer_mechanism_missing",
            GapRule::LegalBasisMissing => "legal_basis_missing",
            GapRule::DpaMissing => "dpa_missing",
            GapRule::RetentionMissing => "retention_missing",
        }
    }

    pub fn from_key(key: &str) -> Option<GapRule> {
        GapRule::ALL.into_iter().find(|r| r.key() == key)
    }

    /// The GDPR provision the gap is measured against.
    pub fn article(self) -> &'static str {
        match self {
            GapRule::Art9ConditionMissing => "Art. 9(2)",
            GapRule::Art10BasisMissing => "Art. 10",
            GapRule::TransferMechanismMissing => "Art. 44-49",
            GapRule::LegalBasisMissing => "Art. 6(1)",
            GapRule::DpaMissing => "Art. 28(3)",
            GapRule::RetentionMissing => "Art. 5(1)(e)",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            GapRule::Art9ConditionMissing
            | GapRule::Art10BasisMissing
            | GapRule::TransferMechanismMissing => Severity::High,
            GapRule::LegalBasisMissing | GapRule::DpaMissing => Severity::Medium,
            GapRule::RetentionMissing => Severity::Low,
        }
    }

    /// An English sentence for people (the UI translates by key).
    pub fn message(self) -> &'static str {
        match self {
            GapRule::Art9ConditionMissing => {
                "Special-category data (Art. 9(1)) is processed without an Art. 9(2) condition."
            }
            GapRule::Art10BasisMissing => {
                "Criminal-offence data is processed without naming the authority or law Art. 10 requires."
            }
            GapRule::TransferMechanismMissing => {
                "Data goes to a third country without an adequacy decision and without a transfer mechanism (Chapter V)."
            }
            GapRule::LegalBasisMissing => "No Art. 6(1) legal basis is recorded.",
            GapRule::DpaMissing => {
                "No data processing agreement (Art. 28(3)) is recorded for this processor."
            }
            GapRule::RetentionMissing => "No retention period is recorded (Art. 5(1)(e)).",
        }
    }
}

/// One gap on one field of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Gap {
    /// The field to fill in, as named in the JSON document.
    pub field: String,
    pub rule: GapRule,
}

impl Gap {
    pub fn new(field: impl Into<String>, rule: GapRule) -> Self {
        Gap {
            field: field.into(),
            rule,
        }
    }
}

impl fmt::Display for Gap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.field, self.rule.key())
    }
}

/// Gaps as stored with their record: `field:rule` tokens separated by spaces, or `None`
/// when there are none (so an index can skip complete records).
pub fn encode(gaps: &[Gap]) -> Option<String> {
    (!gaps.is_empty()).then(|| {
        gaps.iter()
            .map(Gap::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// Reads stored gaps; tokens with a rule this version no longer knows are skipped.
pub fn decode(stored: &str) -> Vec<Gap> {
    stored
        .split_ascii_whitespace()
        .filter_map(|t| {
            let (field, rule) = t.rsplit_once(':')?;
            Some(Gap::new(field, GapRule::from_key(rule)?))
        })
        .collect()
}

/// Bumped whenever a rule changes, so stores recompute the gaps of existing records.
pub const RULES_VERSION: i64 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_are_unique() {
        let mut keys: Vec<_> = GapRule::ALL.iter().map(|r| r.key()).collect();
        for r in GapRule::ALL {
            assert_eq!(GapRule::from_key(r.key()), Some(r));
        }
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), GapRule::ALL.len());
    }

    #[test]
    fn stored_form_round_trips() {
        let gaps = vec![
            Gap::new("art9_condition", GapRule::Art9ConditionMissing),
            Gap::new(
                "sub_processors[1].transfer_mechanism",
                GapRule::TransferMechanismMissing,
            ),
        ];
        let s = encode(&gaps).unwrap();
        assert_eq!(
            s,
            "art9_condition:art9_condition_missing sub_processors[1].transfer_mechanism:transfer_mechanism_missing"
        );
        assert_eq!(decode(&s), gaps);
        assert_eq!(encode(&[]), None);
        assert_eq!(
            decode("x:no_such_rule legal_basis:legal_basis_missing"),
            vec![Gap::new("legal_basis", GapRule::LegalBasisMissing)]
        );
    }
}
