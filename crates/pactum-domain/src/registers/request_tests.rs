use super::*;
use crate::clocks::holidays::{Calendar, Region};
use serde_json::json;
use time::macros::{date, datetime};

fn request(extra: serde_json::Value) -> DataSubjectRequest {
    let mut doc = json!({"kind": "access", "received_at": "2026-01-31T10:00:00+01:00"});
    for (k, v) in extra.as_object().unwrap() {
        doc[k] = v.clone();
    }
    let mut r: DataSubjectRequest = serde_json::from_value(doc).unwrap();
    r.normalise();
    r
}

fn cal() -> OrgCalendar {
    OrgCalendar {
        zone: "Europe/Amsterdam".into(),
        calendar: Calendar::new(Region::Nl),
    }
}

fn rules(r: &DataSubjectRequest) -> Vec<(String, String)> {
    let v = r.validate();
    let mut s = r.clone();
    let settled = s.settle(&cal());
    v.err()
        .into_iter()
        .chain(settled.err())
        .flat_map(|v| v.0)
        .map(|x| (x.field, x.rule))
        .collect()
}

#[test]
fn due_a_month_after_receipt_moved_to_a_working_day() {
    let mut r = request(json!({}));
    r.settle(&cal()).unwrap();
    // 28 February 2026 is a Saturday: Monday 2 March, to its end in Amsterdam.
    assert_eq!(r.due_on, Some(date!(2026 - 03 - 02)));
    assert_eq!(r.due_at, Some(datetime!(2026-03-02 23:00 UTC)));
}

#[test]
fn an_extension_adds_two_months_when_told_in_time() {
    let mut r = request(json!({
        "extended": true, "extension_reason": "Twelve systems to search",
        "extension_informed_on": "2026-02-20"
    }));
    r.settle(&cal()).unwrap();
    assert_eq!(r.due_on, Some(date!(2026 - 04 - 28)));
    let late = request(json!({
        "extended": true, "extension_reason": "Too late",
        "extension_informed_on": "2026-03-03"
    }));
    assert_eq!(
        rules(&late),
        [("extension_informed_on".into(), "within_first_month".into())]
    );
}

#[test]
fn refusals_and_fees_need_their_art12_ground() {
    assert_eq!(
        rules(&request(
            json!({"status": "refused", "answered_at": "2026-02-10T09:00:00Z"})
        )),
        [("art12_ground".into(), "required".into())]
    );
    assert_eq!(
        rules(&request(json!({"fee_cents": 2500}))),
        [
            ("art12_reasoning".into(), "required".into()),
            ("fee_cents".into(), "needs_ground".into())
        ]
    );
    assert!(
        rules(&request(json!({
            "status": "refused", "answered_at": "2026-02-10T09:00:00Z",
            "art12_ground": "excessive", "art12_reasoning": "Fifth identical request this month"
        })))
        .is_empty()
    );
    assert_eq!(
        rules(&request(json!({"status": "answered"}))),
        [("answered_at".into(), "required".into())]
    );
    assert_eq!(
        rules(&request(
            json!({"status": "answered", "answered_at": "2026-01-30T09:00:00Z"})
        )),
        [("answered_at".into(), "after_receipt".into())]
    );
}

#[test]
fn the_clock_stops_when_answered_refused_or_withdrawn() {
    assert_eq!(request(json!({"status": "in_progress"})).done_at(), None);
    let answered = request(json!({"status": "answered", "answered_at": "2026-02-10T09:00:00Z"}));
    assert_eq!(answered.done_at(), Some(datetime!(2026-02-10 09:00 UTC)));
    assert!(RequestStatus::Withdrawn.is_closed());
    assert_eq!(RequestKind::Portability.article(), "Art. 20");
}
