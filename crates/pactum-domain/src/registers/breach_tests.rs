use super::*;
use crate::clocks::holidays::Calendar;
use serde_json::json;
use time::macros::datetime;

fn breach(extra: serde_json::Value) -> Breach {
    let mut doc = json!({"title": "Laptop stolen", "aware_at": "2026-12-24T18:45:00+01:00"});
    for (k, v) in extra.as_object().unwrap() {
        doc[k] = v.clone();
    }
    let mut b: Breach = serde_json::from_value(doc).unwrap();
    b.normalise();
    b
}

fn rules(b: &Breach) -> Vec<(String, String)> {
    match b.validate() {
        Ok(()) => vec![],
        Err(v) => v.0.into_iter().map(|x| (x.field, x.rule)).collect(),
    }
}

fn cal() -> OrgCalendar {
    OrgCalendar {
        zone: "Europe/Amsterdam".into(),
        calendar: Calendar::new(crate::clocks::holidays::Region::Nl),
    }
}

#[test]
fn times_are_read_with_any_offset_and_kept_in_utc() {
    let b = breach(json!({}));
    assert_eq!(b.aware_at, datetime!(2026-12-24 17:45 UTC));
    assert_eq!(
        serde_json::to_value(&b).unwrap()["aware_at"],
        "2026-12-24T17:45:00.000000Z"
    );
    let bad: Result<Breach, _> =
        serde_json::from_value(json!({"title": "x", "aware_at": "24-12-2026"}));
    assert!(
        bad.unwrap_err()
            .to_string()
            .contains("not a time with an offset")
    );
}

#[test]
fn the_deadline_is_72_hours_or_the_contracts_hours() {
    let mut b = breach(json!({}));
    b.settle(&cal()).unwrap();
    assert_eq!(b.due_at, Some(datetime!(2026-12-27 17:45 UTC)));
    let mut p = breach(json!({"role": "processor"}));
    assert_eq!(
        p.controller_notice_hours,
        Some(24),
        "the default contract hours"
    );
    p.settle(&cal()).unwrap();
    assert_eq!(p.due_at, Some(datetime!(2026-12-25 17:45 UTC)));
    let mut p = breach(json!({"role": "processor", "controller_notice_hours": 48}));
    p.settle(&cal()).unwrap();
    assert_eq!(p.due_at, Some(datetime!(2026-12-26 17:45 UTC)));
    // A client cannot set the derived deadline.
    let b = breach(json!({"due_at": "2030-01-01T00:00:00Z"}));
    assert_eq!(b.due_at, None);
}

#[test]
fn a_late_notification_needs_its_reason() {
    let on_time = breach(json!({"risk": "risk", "authority_notified_at": "2026-12-27T17:45:00Z"}));
    assert!(rules(&on_time).is_empty());
    let late = breach(json!({"risk": "risk", "authority_notified_at": "2026-12-27T17:45:01Z"}));
    assert_eq!(rules(&late), [("delay_reason".into(), "required".into())]);
    let explained = breach(json!({
        "risk": "risk", "authority_notified_at": "2026-12-28T09:00:00Z",
        "delay_reason": "Forensic report needed to establish the scope"
    }));
    assert!(rules(&explained).is_empty());
}

#[test]
fn the_risk_decides_who_is_told() {
    assert_eq!(breach(json!({})).decision(), BreachDecision::Undecided);
    let unlikely = breach(json!({"risk": "unlikely"}));
    assert_eq!(unlikely.decision(), BreachDecision::NoNotification);
    assert_eq!(
        rules(&unlikely),
        [("risk_reasoning".into(), "required".into())],
        "not notifying must be reasoned"
    );
    assert_eq!(
        breach(json!({"risk": "high_risk"})).decision(),
        BreachDecision::NotifyAuthorityAndSubjects
    );
    let protected = breach(json!({"risk": "high_risk", "art34_exception": "protected"}));
    assert_eq!(protected.decision(), BreachDecision::NotifyAuthority);
    assert!(rules(&protected).is_empty());
    assert_eq!(
        rules(&breach(
            json!({"risk": "risk", "art34_exception": "mitigated"})
        )),
        [("art34_exception".into(), "only_high_risk".into())]
    );
}

#[test]
fn the_clock_stops_at_the_notice_that_is_due() {
    let open = breach(json!({"risk": "risk"}));
    assert_eq!(open.done_at(), None);
    let notified = breach(json!({"risk": "risk", "authority_notified_at": "2026-12-25T10:00:00Z"}));
    assert_eq!(notified.done_at(), Some(datetime!(2026-12-25 10:00 UTC)));
    let closed = breach(json!({
        "risk": "unlikely", "risk_reasoning": "Encrypted disk", "closed_at": "2026-12-25T10:00:00Z"
    }));
    assert_eq!(closed.done_at(), Some(datetime!(2026-12-25 10:00 UTC)));
    let processor = breach(json!({
        "role": "processor", "controllers_notified_at": "2026-12-25T09:00:00Z"
    }));
    assert_eq!(processor.done_at(), Some(datetime!(2026-12-25 09:00 UTC)));
}

#[test]
fn times_must_follow_the_breach() {
    let b = breach(json!({
        "occurred_at": "2026-12-25T00:00:00Z",
        "closed_at": "2026-12-20T00:00:00Z",
        "subjects_approx": -1,
        "data_categories": ["contact.email", "made.up"],
        "updates": [{"at": "2026-12-25T10:00:00Z", "text": "  "}]
    }));
    assert_eq!(
        rules(&b),
        [
            ("data_categories[1]".into(), "unknown_key".into()),
            ("subjects_approx".into(), "range".into()),
            ("occurred_at".into(), "before_awareness".into()),
            ("closed_at".into(), "after_occurrence".into()),
            ("updates[0].text".into(), "required".into()),
        ]
    );
}
