//! The compliance assessment over what the store holds (see `pactum_domain::compliance`),
//! and the score kept per organisation and day for the dashboard's trend.

use pactum_domain::assessments::dpia::Dpia;
use pactum_domain::assessments::risk::RiskAssessment;
use pactum_domain::compliance::{Assessment, Assessor, Subject};
use pactum_domain::datamap::backup_strategy::BackupStrategy;
use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::data_user::DataUser;
use pactum_domain::datamap::device_group::DeviceGroup;
use pactum_domain::datamap::processing_activity::ProcessingActivity;
use pactum_domain::datamap::security_measure::SecurityMeasure;
use pactum_domain::datamap::service::Service;
use pactum_domain::datamap::transfer::Transfer;
use pactum_domain::datamap::vendor::Vendor;
use pactum_domain::gaps::Severity;
use pactum_domain::project::Project;
use pactum_domain::registers::breach::Breach;
use pactum_domain::registers::request::DataSubjectRequest;
use pactum_domain::timestamp;
use time::{Date, OffsetDateTime};

use crate::database::Store;
use crate::error::Result;
use crate::records::{self, Record};
use crate::row;
use crate::schema::Stored;
use crate::scope::{OrgId, ProjectId, Scope};
use crate::sql::Sql;

fn subject<E: Stored>(rec: &Record<E>, name: String) -> Subject {
    Subject {
        collection: E::COLLECTION,
        id: rec.id,
        project_id: rec.project_id,
        name,
    }
}

/// Feeds every record of one collection to the assessor: its gaps, then what `more` checks.
async fn feed<E: Stored>(
    store: &Store,
    scope: Scope,
    a: &mut Assessor,
    name: fn(&E) -> &str,
    more: fn(&mut Assessor, &Subject, &E),
) -> Result<()> {
    for rec in records::every::<E>(store, scope).await? {
        let s = subject(&rec, name(&rec.data).to_owned());
        if !E::GAP_RULES.is_empty() {
            a.gaps(&s, E::GAP_RULES, &rec.data.gaps());
        }
        more(a, &s, &rec.data);
    }
    Ok(())
}

/// Feeds the stored gaps of every record of a collection that is checked for its gaps only:
/// one query over the organisation (or one project) reading the name and the `gaps` column,
/// never the whole record. The gaps are written with each record and recomputed when the
/// rules change (`gaps::refresh_if_stale`), so they are what `Entity::gaps` would say.
async fn feed_gaps<E: Stored>(
    store: &Store,
    org: OrgId,
    project: Option<ProjectId>,
    a: &mut Assessor,
) -> Result<()> {
    let table = E::TABLE;
    let mut sql = Sql::new(format!(
        "SELECT id, project_id, {} AS name, gaps FROM {} WHERE org_id = ",
        table.order, table.name
    ));
    let o = sql.arg(org.0);
    sql.push(&o);
    if let Some(p) = project {
        let p = sql.arg(p.0);
        sql.push(&format!(" AND project_id = {p}"));
    }
    for r in sql.query().fetch_all(store.pool()).await? {
        let s = Subject {
            collection: E::COLLECTION,
            id: row::uuid(&r, "id")?,
            project_id: row::opt_uuid(&r, "project_id")?,
            name: row::text(&r, "name")?,
        };
        let gaps = pactum_domain::gaps::decode(&row::opt_text(&r, "gaps")?.unwrap_or_default());
        a.gaps(&s, E::GAP_RULES, &gaps);
    }
    Ok(())
}

async fn feed_project(store: &Store, scope: Scope, a: &mut Assessor) -> Result<()> {
    feed::<ProcessingActivity>(store, scope, a, |r| &r.name, |a, s, r| a.activity(s, r)).await?;
    feed::<Vendor>(store, scope, a, |r| &r.name, |a, s, r| a.vendor(s, r)).await?;
    feed::<RiskAssessment>(store, scope, a, |r| &r.threat, |a, s, r| a.risk(s, r)).await?;
    feed::<Dpia>(store, scope, a, |r| &r.name, |a, s, r| a.dpia(s, r)).await?;
    Ok(())
}

/// The collections checked for their gaps only, in one query each.
async fn feed_gap_collections(
    store: &Store,
    org: OrgId,
    project: Option<ProjectId>,
    a: &mut Assessor,
) -> Result<()> {
    feed_gaps::<Service>(store, org, project, a).await?;
    feed_gaps::<DataItem>(store, org, project, a).await?;
    feed_gaps::<DataUser>(store, org, project, a).await?;
    feed_gaps::<Transfer>(store, org, project, a).await?;
    feed_gaps::<SecurityMeasure>(store, org, project, a).await?;
    feed_gaps::<DeviceGroup>(store, org, project, a).await?;
    feed_gaps::<BackupStrategy>(store, org, project, a).await?;
    Ok(())
}

/// Assesses one project's data map and assessments.
pub async fn assess_project(
    store: &Store,
    org: OrgId,
    project: ProjectId,
    today: Date,
    now: OffsetDateTime,
) -> Result<Assessment> {
    let mut a = Assessor::new(today, now);
    feed_project(store, Scope::Project(org, project), &mut a).await?;
    feed_gap_collections(store, org, Some(project), &mut a).await?;
    Ok(a.finish())
}

/// Assesses the whole organisation: every project, and the registers' deadlines. `today`
/// is the date in the organisation's time zone.
pub async fn assess(
    store: &Store,
    org: OrgId,
    today: Date,
    now: OffsetDateTime,
) -> Result<Assessment> {
    let mut a = Assessor::new(today, now);
    for p in records::every::<Project>(store, Scope::Org(org)).await? {
        feed_project(store, Scope::Project(org, ProjectId(p.id)), &mut a).await?;
    }
    feed_gap_collections(store, org, None, &mut a).await?;
    let scope = Scope::Org(org);
    feed::<Breach>(store, scope, &mut a, |r| &r.title, |a, s, r| a.breach(s, r)).await?;
    feed::<DataSubjectRequest>(
        store,
        scope,
        &mut a,
        |r| r.reference.as_deref().unwrap_or(""),
        |a, s, r| a.request(s, r),
    )
    .await?;
    Ok(a.finish())
}

/// One day's score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayScore {
    pub day: Date,
    pub score: u8,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

/// Keeps the assessment as the organisation's score of `today` (the last one of a day wins).
pub async fn record(
    store: &Store,
    org: OrgId,
    today: Date,
    assessment: &Assessment,
    now: OffsetDateTime,
) -> Result<()> {
    let mut sql = Sql::new(
        "INSERT INTO compliance_scores (org_id, day, score, high, medium, low, computed_at) VALUES (",
    );
    let values = [
        sql.arg(org.0),
        sql.arg(today.to_string()),
        sql.arg(i64::from(assessment.score)),
        sql.arg(assessment.count(Severity::High) as i64),
        sql.arg(assessment.count(Severity::Medium) as i64),
        sql.arg(assessment.count(Severity::Low) as i64),
        sql.arg(timestamp::format(now)),
    ];
    sql.push(&values.join(", "));
    sql.push(
        ") ON CONFLICT (org_id, day) DO UPDATE SET score = excluded.score, high = excluded.high, \
         medium = excluded.medium, low = excluded.low, computed_at = excluded.computed_at",
    );
    sql.query().execute(store.pool()).await?;
    Ok(())
}

/// The organisation's scores of its last `days` recorded days, oldest first.
pub async fn trend(store: &Store, org: OrgId, days: u32) -> Result<Vec<DayScore>> {
    let mut sql =
        Sql::new("SELECT day, score, high, medium, low FROM compliance_scores WHERE org_id = ");
    let o = sql.arg(org.0);
    sql.push(&format!("{o} ORDER BY day DESC LIMIT {days}"));
    let rows = sql.query().fetch_all(store.pool()).await?;
    let mut out = rows
        .iter()
        .map(|r| {
            let day = row::text(r, "day")?;
            Ok(DayScore {
                day: Date::parse(
                    &day,
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .map_err(|_| crate::error::StoreError::Corrupt(format!("day {day:?}")))?,
                score: u8::try_from(row::int(r, "score")?).unwrap_or(0),
                high: row::int(r, "high")?,
                medium: row::int(r, "medium")?,
                low: row::int(r, "low")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    out.reverse();
    Ok(out)
}

/// Organisations without a score computed since `since`, with their time zone, at most
/// `limit` (the scheduler's daily scoring works through them a few per round).
pub async fn stale(
    store: &Store,
    since: OffsetDateTime,
    limit: u32,
) -> Result<Vec<(OrgId, String)>> {
    let mut sql = Sql::new(
        "SELECT o.id, o.timezone FROM organisations o WHERE NOT EXISTS \
         (SELECT 1 FROM compliance_scores s WHERE s.org_id = o.id AND s.computed_at >= ",
    );
    let p = sql.arg(timestamp::format(since));
    sql.push(&format!("{p}) ORDER BY o.id LIMIT {limit}"));
    let rows = sql.query().fetch_all(store.pool()).await?;
    rows.iter()
        .map(|r| Ok((OrgId(row::uuid(r, "id")?), row::text(r, "timezone")?)))
        .collect()
}
