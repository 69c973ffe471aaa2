//! Risk assessments, DPIAs and the compliance assessment, through the API and the pages:
//! derived scores, rules that name their field, a screening that requires a DPIA, the
//! finding it raises until the DPIA is carried out, the score and its trend. On both
//! backends.

use axum::http::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::support::{TestApp, TestDb};
use crate::ui::signed_in;

async fn risks_dpias_and_the_score(db: TestDb) {
    let app = TestApp::new(db).await;
    let t = app.practions.clone();
    let p = app.project("practions", &t).await;
    let base = format!("/api/v1/orgs/practions/projects/{p}");
    let services = app.get(&format!("{base}/services"), &t).await;
    let service = services.body["items"][0]["id"].as_str().unwrap().to_owned();
    let activities = app.get(&format!("{base}/processing-activities"), &t).await;
    let activity = activities.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A risk: scores derived by the server, whatever the client sent.
    let risk = app
        .send(
            "POST",
            &format!("{base}/risk-assessments"),
            Some(&t),
            Some(json!({
                "service_id": service, "threat": "Unauthorised access to session notes",
                "likelihood": 3, "impact": 4, "residual_likelihood": 1, "residual_impact": 4,
                "inherent_score": 1, "review_on": "2026-11-01"
            })),
        )
        .await;
    assert_eq!(risk.status, StatusCode::CREATED, "{:?}", risk.body);
    assert_eq!(risk.body["inherent_score"], 12);
    assert_eq!(risk.body["residual_score"], 4);

    // Bad input names the field and the rule, and saves nothing.
    let bad = app
        .send(
            "POST",
            &format!("{base}/risk-assessments"),
            Some(&t),
            Some(json!({
                "service_id": service, "processing_activity_id": activity, "threat": "x",
                "likelihood": 7, "impact": 2, "residual_likelihood": 2, "residual_impact": 3
            })),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["field"].as_str().unwrap(),
                e["rule"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            "processing_activity_id:one_subject",
            "likelihood:range",
            "residual_impact:above_inherent"
        ]
    );
    let listed = app.get(&format!("{base}/risk-assessments"), &t).await;
    assert_eq!(listed.body["total"], 3, "the demo's two and this one");

    // A risk of another organisation's service is refused like a missing one.
    let lp = app.project("locaverdi", &app.locaverdi).await;
    let foreign = app
        .send(
            "POST",
            &format!("/api/v1/orgs/locaverdi/projects/{lp}/risk-assessments"),
            Some(&app.locaverdi),
            Some(json!({"service_id": service, "threat": "x", "likelihood": 1, "impact": 1})),
        )
        .await;
    assert_eq!(
        foreign.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        foreign.body
    );

    // A screening with two criteria requires a DPIA; until it is carried out it is a finding.
    let before = app.get("/api/v1/orgs/practions/compliance", &t).await;
    assert_eq!(before.status, StatusCode::OK, "{:?}", before.body);
    let dpia = app
        .send(
            "POST",
            &format!("{base}/dpias"),
            Some(&t),
            Some(json!({
                "name": "Coaching notes", "processing_activity_id": activity,
                "criteria": ["sensitive_data", "vulnerable_subjects"],
                "criteria_notes": "Health-related notes about people in coaching.",
                "risk_assessment_ids": [risk.body["id"]]
            })),
        )
        .await;
    assert_eq!(dpia.status, StatusCode::CREATED, "{:?}", dpia.body);
    assert_eq!(dpia.body["outcome"], "required");
    assert_eq!(dpia.body["prior_consultation"], false);
    let dpia_id = dpia.body["id"].as_str().unwrap().to_owned();

    let report = app.get("/api/v1/orgs/practions/compliance", &t).await;
    // The findings about the records made here (the demo has its own).
    let mine = [dpia_id.as_str(), risk.body["id"].as_str().unwrap()];
    let keys = |r: &serde_json::Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| mine.contains(&f["subject"]["id"].as_str().unwrap()))
            .map(|f| {
                format!(
                    "{}:{}",
                    f["check"].as_str().unwrap(),
                    f["field"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        keys(&report.body),
        ["dpia_missing:description", "review_overdue:review_on"]
    );
    let with_gap = report.body["score"].as_u64().unwrap();
    let dpia_reason = |r: &serde_json::Value| -> (u64, u64) {
        let reason = r["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["check"] == "dpia_missing")
            .unwrap();
        (
            reason["checked"].as_u64().unwrap(),
            reason["failed"].as_u64().unwrap(),
        )
    };
    // The demo's own screening is not carried out either: a check scores its pass rate,
    // so a second failing DPIA leaves it (and the score) where it was.
    assert_eq!(dpia_reason(&before.body), (1, 1));
    assert_eq!(dpia_reason(&report.body), (2, 2));
    assert!(with_gap <= before.body["score"].as_u64().unwrap());

    // Carried out: the finding goes, the score rises, and today's score is the latest.
    let done = app
        .send(
            "PATCH",
            &format!("{base}/dpias/{dpia_id}"),
            Some(&t),
            Some(json!({
                "description": "Coaches keep notes of sessions.",
                "necessity": "Needed to deliver coaching; minimised to themes and actions.",
                "measures": "Encryption at rest; access limited to the coach.",
                "residual_risk": "medium", "decision": "proceed_with_measures",
                "decided_on": "2026-11-20"
            })),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{:?}", done.body);
    let after = app.get("/api/v1/orgs/practions/compliance", &t).await;
    assert_eq!(keys(&after.body), ["review_overdue:review_on"]);
    assert_eq!(dpia_reason(&after.body), (2, 1));
    assert!(after.body["score"].as_u64().unwrap() > with_gap);
    let trend = after.body["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 1, "one score per day");
    assert_eq!(trend[0]["day"], "2026-11-23");
    assert_eq!(trend[0]["score"], after.body["score"]);

    // One project only: the same checks without the registers.
    let project_only = app
        .get(
            &format!("/api/v1/orgs/practions/compliance?project_id={p}"),
            &t,
        )
        .await;
    assert_eq!(project_only.status, StatusCode::OK);
    assert!(
        project_only.body["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["check"] != "breach_overdue" && r["check"] != "request_overdue")
    );
    let other = app
        .get(
            &format!("/api/v1/orgs/practions/compliance?project_id={lp}"),
            &t,
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);

    // The page: score, trend, findings linking to the field to fix.
    let (user, password) = app.logins[0].clone();
    let mut v = signed_in(&app, &user, &password).await;
    let page = v.get(&app, "/orgs/practions/compliance").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.html
            .contains("Review date of a risk assessment or DPIA has passed")
    );
    assert!(page.html.contains(&format!(
        "href=\"/orgs/practions/projects/{p}/risk-assessments/{}#review_on\"",
        risk.body["id"].as_str().unwrap()
    )));
    assert!(page.html.contains("<polyline points="));
    let overview = v.get(&app, "/orgs/practions").await;
    assert!(
        overview
            .html
            .contains("href=\"/orgs/practions/compliance\"")
    );
    assert!(overview.html.contains(&format!(
        "<span class=\"big-number__value\">{}</span> / 100",
        after.body["score"]
    )));

    // The project's heat map places risks after their measures: this one and the demo's
    // session-notes risk both at likelihood 1, impact 4.
    let project_page = v.get(&app, &format!("/orgs/practions/projects/{p}")).await;
    assert!(project_page.html.contains("Risks by likelihood and impact"));
    assert!(
        project_page
            .html
            .contains("<title>Likelihood 1, impact 4 (Medium): 2 risks</title>"),
        "{}",
        project_page.html
    );

    // The DPIA form: the screening's criteria as checkboxes.
    let form = v
        .get(
            &app,
            &format!("/orgs/practions/projects/{p}/dpias/{dpia_id}"),
        )
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.html.contains("Sensitive or highly personal data"));
    assert!(form.html.contains("9. Camera surveillance"));
}

on_both_backends!(risks_dpias_and_the_score);
