//! Retention periods: a duration plus the event that starts it ("7 years after the last
//! invoice"). A duration without a trigger cannot be applied, so it is refused.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::validation::{Violations, limits};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RetentionUnit {
    Days,
    Weeks,
    Months,
    Years,
}

/// A validated retention period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionPeriod<'a> {
    pub amount: u32,
    pub unit: RetentionUnit,
    pub trigger: &'a str,
}

/// The three stored parts of a retention period, as they arrive.
pub struct RetentionParts<'a> {
    pub amount: Option<i64>,
    pub unit: Option<RetentionUnit>,
    pub trigger: Option<&'a str>,
}

impl<'a> RetentionParts<'a> {
    /// `Ok(None)` when no retention is given at all; otherwise all three parts are needed.
    pub fn check(&self, v: &mut Violations) -> Option<RetentionPeriod<'a>> {
        if self.amount.is_none() && self.unit.is_none() && self.trigger.is_none() {
            return None;
        }
        let before = v.0.len();
        let amount = match self.amount {
            None => {
                v.add(
                    "retention_amount",
                    "retention_period",
                    "retention_amount is required: a retention period is a duration plus a trigger (e.g. 7 years after the last invoice).",
                );
                None
            }
            Some(a) if !(1..=1200).contains(&a) => {
                v.add(
                    "retention_amount",
                    "range",
                    "retention_amount must be a whole number from 1 to 1200.",
                );
                None
            }
            Some(a) => u32::try_from(a).ok(),
        };
        if self.unit.is_none() {
            v.add(
                "retention_unit",
                "retention_period",
                "retention_unit is required with a retention period: days, weeks, months or years.",
            );
        }
        match self.trigger {
            None => v.add(
                "retention_trigger",
                "retention_period",
                "retention_trigger is required: say from which event the period runs (e.g. end of the contract).",
            ),
            Some(t) => v.optional_line("retention_trigger", Some(t), limits::SHORT),
        }
        if v.0.len() != before {
            return None;
        }
        Some(RetentionPeriod {
            amount: amount?,
            unit: self.unit?,
            trigger: self.trigger?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        amount: Option<i64>,
        unit: Option<RetentionUnit>,
        trigger: Option<&str>,
    ) -> Vec<String> {
        let mut v = Violations::new();
        RetentionParts {
            amount,
            unit,
            trigger,
        }
        .check(&mut v);
        v.0.into_iter()
            .map(|x| format!("{}:{}", x.field, x.rule))
            .collect()
    }

    #[test]
    fn none_at_all_is_fine_here() {
        assert!(check(None, None, None).is_empty());
    }

    #[test]
    fn complete_period() {
        assert!(
            check(
                Some(7),
                Some(RetentionUnit::Years),
                Some("after the last invoice")
            )
            .is_empty()
        );
    }

    #[test]
    fn duration_without_trigger() {
        assert_eq!(
            check(Some(7), Some(RetentionUnit::Years), None),
            ["retention_trigger:retention_period"]
        );
    }

    #[test]
    fn trigger_without_duration() {
        assert_eq!(
            check(None, None, Some("end of contract")),
            [
                "retention_amount:retention_period",
                "retention_unit:retention_period"
            ]
        );
    }

    #[test]
    fn boundaries() {
        assert_eq!(
            check(Some(0), Some(RetentionUnit::Days), Some("x")),
            ["retention_amount:range"]
        );
        assert!(check(Some(1), Some(RetentionUnit::Days), Some("x")).is_empty());
        assert!(check(Some(1200), Some(RetentionUnit::Months), Some("x")).is_empty());
        assert_eq!(
            check(Some(1201), Some(RetentionUnit::Days), Some("x")),
            ["retention_amount:range"]
        );
    }
}
