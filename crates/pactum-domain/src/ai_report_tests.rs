use proptest::prelude::*;
use serde_json::json;
use time::macros::datetime;

use super::*;
use crate::compliance::Assessment;

/// Distinctive names (a fixed prefix, letters and digits), so that finding one in the
/// payload means it leaked rather than that it is also an ordinary word.
fn name(prefix: &'static str) -> impl Strategy<Value = String> {
    "[A-Z][a-z]{3,8} [A-Z][a-z]{3,8}".prop_map(move |s| format!("{prefix}{s}"))
}

fn email() -> impl Strategy<Value = String> {
    "[a-z]{3,10}\\.[a-z]{3,10}@[a-z]{4,10}\\.(nl|com|eu)"
}

fn phone() -> impl Strategy<Value = String> {
    "06[1-9][0-9]{7}".prop_map(|d| format!("+31 6 {} {}", &d[2..6], &d[6..]))
}

/// A valid Dutch IBAN (mod-97 check digits computed).
fn iban() -> impl Strategy<Value = String> {
    "[0-9]{10}".prop_map(|account| {
        let bank = "ABNA";
        let digits: String = format!("{bank}{account}NL00")
            .chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    c.to_string()
                } else {
                    (c as u32 - 'A' as u32 + 10).to_string()
                }
            })
            .collect();
        let rem = digits
            .bytes()
            .fold(0u32, |acc, b| (acc * 10 + u32::from(b - b'0')) % 97);
        format!("NL{:02}{bank}{account}", 98 - rem)
    })
}

#[derive(Debug, Clone)]
struct Case {
    project: String,
    users: Vec<String>,
    breach_titles: Vec<String>,
    requesters: Vec<(String, String)>,
    email: String,
    phone: String,
    iban: String,
}

fn case() -> impl Strategy<Value = Case> {
    (
        name("Prj"),
        proptest::collection::vec(name("Usr"), 1..5),
        proptest::collection::vec(name("Brc"), 0..4),
        proptest::collection::vec((name("Req"), email()), 0..4),
        email(),
        phone(),
        iban(),
    )
        .prop_map(
            |(project, users, breach_titles, requesters, email, phone, iban)| Case {
                project,
                users,
                breach_titles,
                requesters,
                email,
                phone,
                iban,
            },
        )
}

fn build(c: &Case) -> Value {
    let user_ids: Vec<String> = (0..c.users.len())
        .map(|i| format!("00000000-0000-7000-8000-{i:012}"))
        .collect();
    let users: Vec<Value> = c
        .users
        .iter()
        .zip(&user_ids)
        .map(|(u, id)| json!({"id": id, "role": u, "description": format!("{u} works on {}; reach {} or {}", c.project, c.email, c.phone)}))
        .collect();
    let services = vec![json!({
        "id": "00000000-0000-7000-8000-100000000000",
        "name": "Payroll",
        "description": format!("Run for {} by {}. Refunds to {}. Contact {}.", c.project, c.users[0], c.iban, c.email),
        "owner_role": c.users.last(),
    })];
    let transfers = vec![json!({
        "id": "00000000-0000-7000-8000-200000000000",
        "name": "Export",
        "data_user_ids": user_ids,
        "service_id": "00000000-0000-7000-8000-100000000000",
        "notes": c.breach_titles.first().cloned().unwrap_or_default(),
    })];
    let breaches: Vec<Breach> = c
        .breach_titles
        .iter()
        .enumerate()
        .map(|(i, t)| {
            serde_json::from_value(json!({
                "title": t,
                "aware_at": "2026-10-01T10:00:00+02:00",
                "description": format!("{} lost a laptop; {}", c.users[0], c.email),
                "risk": if i % 2 == 0 { "high_risk" } else { "unlikely" },
                "affected_persons": c.requesters.first().map(|r| r.0.clone()),
            }))
            .unwrap()
        })
        .collect();
    let requests: Vec<DataSubjectRequest> = c
        .requesters
        .iter()
        .map(|(n, e)| {
            serde_json::from_value(json!({
                "kind": "erasure",
                "received_at": "2026-10-01T10:00:00+02:00",
                "requester_name": n,
                "requester_contact": e,
                "details": format!("Please delete everything about {n} at {}", c.iban),
            }))
            .unwrap()
        })
        .collect();
    let assessment = Assessment {
        score: 40,
        reasons: vec![],
        findings: vec![],
    };
    payload(&Source {
        project_name: &c.project,
        collections: vec![
            ("services", services),
            ("data_users", users),
            ("transfers", transfers),
        ],
        breaches: &breaches,
        requests: &requests,
        assessment: &assessment,
        now: datetime!(2026-11-23 12:00 UTC),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn nothing_that_names_a_person_or_the_project_leaves(c in case()) {
        let p = build(&c);
        let text = p.to_string();
        let lower = text.to_lowercase();
        let mut secrets = vec![c.project.clone(), c.email.clone(), c.phone.clone(), c.iban.clone()];
        secrets.extend(c.users.iter().cloned());
        secrets.extend(c.breach_titles.iter().cloned());
        for (n, e) in &c.requesters {
            secrets.push(n.clone());
            secrets.push(e.clone());
        }
        for s in &secrets {
            prop_assert!(!lower.contains(&s.to_lowercase()), "{s:?} leaked: {text}");
        }
        // The IBAN's digits and the phone number's digits do not survive in another spacing.
        let digits: String = c.iban.chars().filter(char::is_ascii_digit).collect();
        prop_assert!(!text.contains(&digits[4..]), "IBAN digits leaked: {text}");
        // What must be there: labels, structure, aggregates.
        prop_assert_eq!(&p["project"], "Project");
        for i in 1..=c.users.len() {
            prop_assert_eq!(&p["collections"]["data_users"][i - 1]["role"], &json!(user_label(i)));
        }
        prop_assert_eq!(
            &p["collections"]["transfers"][0]["data_user_ids"],
            &json!((1..=c.users.len()).map(user_label).collect::<Vec<_>>())
        );
        prop_assert_eq!(&p["collections"]["transfers"][0]["service_id"], "Payroll");
        prop_assert_eq!(&p["registers"]["breaches"]["total"], &json!(c.breach_titles.len()));
        prop_assert_eq!(&p["registers"]["requests"]["total"], &json!(c.requesters.len()));
        prop_assert!(p["registers"]["requests"].get("requester_name").is_none());
        prop_assert!(!text.contains("00000000-0000-7000"), "an internal id was sent: {text}");
    }
}

#[test]
fn registers_are_counted_not_copied() {
    let c = Case {
        project: "Prj Alpha".into(),
        users: vec!["Usr Jan de Vries".into()],
        breach_titles: vec!["Brc One".into(), "Brc Two".into(), "Brc Three".into()],
        requesters: vec![("Req Piet".into(), "piet@example.nl".into())],
        email: "a.b@example.com".into(),
        phone: "+31 6 1234 5678".into(),
        iban: "NL91ABNA0417164300".into(),
    };
    let p = build(&c);
    assert_eq!(
        p["registers"]["breaches"]["by_risk"],
        json!({"high_risk": 2, "unlikely": 1})
    );
    assert_eq!(p["registers"]["breaches"]["open"], 3);
    assert_eq!(p["registers"]["requests"]["by_kind"], json!({"erasure": 1}));
    let report = offline_report(&p);
    assert!(
        report.contains("Compliance score: **40 / 100**"),
        "{report}"
    );
    assert!(report.contains("Breaches: 3 in total"), "{report}");
    assert!(report.contains("- data users: 1"), "{report}");
    assert!(!report.contains("Usr Jan"), "{report}");
}

#[test]
fn names_are_replaced_in_text_with_multibyte_characters() {
    // Found by schemathesis: a record text with a character wider than one byte before a
    // name made the replacement slice inside that character.
    assert_eq!(
        super::replace_ci("Ωjan, één Jan en jan.", "Jan", "User 1"),
        "Ωjan, één User 1 en User 1."
    );
    assert_eq!(super::replace_ci("ééé", "e", "x"), "ééé");
    assert_eq!(super::replace_ci("🙂Jan🙂", "jan", "User 1"), "🙂User 1🙂");
    // Every prefix of a multibyte text is walked without a panic.
    let text = "Jan—Ωmega 🙂 jan";
    for end in (0..=text.len()).filter(|e| text.is_char_boundary(*e)) {
        let _ = super::replace_ci(&text[..end], "jan", "x");
    }
}
