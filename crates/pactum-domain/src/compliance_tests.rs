use time::macros::{date, datetime};

use super::*;

fn subject(collection: &'static str, n: u128, name: &str) -> Subject {
    Subject {
        collection,
        id: Uuid::from_u128(n),
        project_id: Some(Uuid::from_u128(1000)),
        name: name.to_owned(),
    }
}

fn assessor() -> Assessor {
    Assessor::new(date!(2026 - 11 - 23), datetime!(2026-11-23 12:00 UTC))
}

const ITEM_RULES: &[GapRule] = &[
    GapRule::LegalBasisMissing,
    GapRule::Art9ConditionMissing,
    GapRule::RetentionMissing,
];

#[test]
fn nothing_to_find_scores_full_marks() {
    let mut a = assessor();
    a.gaps(&subject("data_items", 1, "E-mail"), ITEM_RULES, &[]);
    let result = a.finish();
    assert_eq!(result.score, 100);
    assert!(result.findings.is_empty());
    assert!(
        result
            .reasons
            .iter()
            .all(|r| r.failed == 0 && r.points_lost == 0.0)
    );
    assert_eq!(assessor().finish().score, 100);
}

#[test]
fn checks_weigh_by_severity_not_by_record_count() {
    // One of ten items lacks an Art. 9(2) condition (high, weight 5); two of ten lack a
    // retention period (low, weight 1); legal basis (medium, 3) is fine everywhere.
    let mut a = assessor();
    for n in 0..10 {
        let mut gaps = Vec::new();
        if n == 0 {
            gaps.push(Gap::new("art9_condition", GapRule::Art9ConditionMissing));
        }
        if n < 2 {
            gaps.push(Gap::new("retention_amount", GapRule::RetentionMissing));
        }
        a.gaps(
            &subject("data_items", n, &format!("item {n}")),
            ITEM_RULES,
            &gaps,
        );
    }
    let result = a.finish();
    // Lost: 100 * (5 * 0.1 + 1 * 0.2) / 9 = 7.78 -> 92.
    assert_eq!(result.score, 92);
    assert_eq!(result.reasons[0].check, Check::Art9ConditionMissing);
    assert!((result.reasons[0].points_lost - 50.0 / 9.0).abs() < 1e-9);
    assert_eq!(
        (
            result.reasons[1].check,
            result.reasons[1].failed,
            result.reasons[1].checked
        ),
        (Check::RetentionMissing, 2, 10)
    );
    // Most severe finding first.
    assert_eq!(result.findings[0].check, Check::Art9ConditionMissing);
    assert_eq!(result.count(Severity::Low), 2);
}

#[test]
fn a_record_with_two_failing_fields_counts_once() {
    let mut a = assessor();
    let vendor: Vendor = serde_json::from_value(serde_json::json!({
        "name": "Cloud", "sub_processors": [{"name": "A"}, {"name": "B", "country": "DE"}, {"name": "C"}]
    }))
    .unwrap();
    a.vendor(&subject("vendors", 1, "Cloud"), &vendor);
    let result = a.finish();
    let fields: Vec<_> = result.findings.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        ["sub_processors[0].country", "sub_processors[2].country"]
    );
    assert_eq!(
        (result.reasons[0].checked, result.reasons[0].failed),
        (1, 1)
    );
    assert_eq!(result.score, 0);
}

#[test]
fn dpia_required_but_not_carried_out_and_consultation_missing() {
    let mut dpia: Dpia = serde_json::from_value(serde_json::json!({
        "name": "Scoring", "processing_activity_id": Uuid::from_u128(5),
        "art35_cases": ["profiling_with_effects"], "residual_risk": "high",
        "description": "What happens", "necessity": "Why", "review_on": "2026-11-22"
    }))
    .unwrap();
    crate::entity::Entity::normalise(&mut dpia);
    let mut a = assessor();
    a.dpia(&subject("dpias", 1, "Scoring"), &dpia);
    let found: Vec<_> = a
        .finish()
        .findings
        .into_iter()
        .map(|f| format!("{}:{}", f.check.key(), f.field))
        .collect();
    assert_eq!(
        found,
        [
            "dpia_missing:risks",
            "prior_consultation_missing:decision",
            "review_overdue:review_on"
        ]
    );
}

#[test]
fn only_running_deadlines_in_the_past_are_overdue() {
    let breach = |due: &str, stopped: Option<&str>| -> Breach {
        let mut b: Breach = serde_json::from_value(serde_json::json!({
            "title": "Lost laptop", "aware_at": "2026-11-19T08:00:00.000000Z"
        }))
        .unwrap();
        b.due_at = Some(crate::timestamp::parse(due).unwrap());
        b.stopped_at = stopped.map(|s| crate::timestamp::parse(s).unwrap());
        b
    };
    let mut a = assessor();
    a.breach(
        &subject("breaches", 1, "late, running"),
        &breach("2026-11-22T08:00:00.000000Z", None),
    );
    a.breach(
        &subject("breaches", 2, "late, stopped"),
        &breach(
            "2026-11-22T08:00:00.000000Z",
            Some("2026-11-23T08:00:00.000000Z"),
        ),
    );
    a.breach(
        &subject("breaches", 3, "running, in time"),
        &breach("2026-11-24T08:00:00.000000Z", None),
    );
    let result = a.finish();
    let names: Vec<_> = result
        .findings
        .iter()
        .map(|f| f.subject.name.as_str())
        .collect();
    assert_eq!(names, ["late, running"]);
    assert_eq!(
        (result.reasons[0].checked, result.reasons[0].failed),
        (3, 1)
    );
}

#[test]
fn keys_round_trip_and_every_check_has_an_article() {
    for check in Check::ALL {
        assert_eq!(Check::from_key(check.key()), Some(check));
        assert!(check.article().starts_with("Art. "), "{check:?}");
        assert!(!check.message().is_empty());
    }
}
