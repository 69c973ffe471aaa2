//! What the overview and the project page show of a data map (counts, what needs
//! attention, recent changes, the diagram's services and transfers, the risks), kept in
//! memory under the organisation's data-map revision.
//!
//! Every change to an organisation's data map moves its revision on in the same transaction
//! (triggers of migration 0009), whichever path wrote. A request reads the revision (one
//! primary-key lookup) and uses the summary computed at that revision, or computes it.
//! The revision is read *before* the summary's queries, so a summary is never filed under
//! a revision newer than the data it saw; at worst it is filed under an older one and
//! recomputed on the next request. Each instance keeps its own memory and stays exact,
//! since the counter lives in the database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pactum_domain::assessments::risk::RiskAssessment;
use pactum_domain::datamap::service::Service;
use pactum_domain::datamap::transfer::Transfer;
use uuid::Uuid;

use crate::activity::{self, Change};
use crate::database::Store;
use crate::error::Result;
use crate::gaps::{self, RuleGaps};
use crate::records::{self, ListQuery, MAX_PAGE, Record};
use crate::scope::{OrgId, ProjectId, Scope};
use crate::sql::Sql;

/// The overview of an organisation.
#[derive(Debug)]
pub struct OrgSummary {
    /// As [`activity::counts`] for the organisation (projects first).
    pub counts: Vec<(&'static str, i64)>,
    pub attention: Vec<RuleGaps>,
    pub recent: Vec<Change>,
}

/// The page of one project.
#[derive(Debug)]
pub struct ProjectSummary {
    pub counts: Vec<(&'static str, i64)>,
    pub attention: Vec<RuleGaps>,
    /// The first services by name, at most as many as asked for.
    pub services: Vec<Record<Service>>,
    /// How many services there are beyond `services`.
    pub more_services: usize,
    pub transfers: Vec<Record<Transfer>>,
    pub risks: Vec<RiskAssessment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Org {
        org: Uuid,
        sample: u32,
        recent: u32,
    },
    Project {
        org: Uuid,
        project: Uuid,
        sample: u32,
        services: u32,
    },
    Counts {
        org: Uuid,
        project: Uuid,
    },
}

#[derive(Debug, Clone)]
enum Value {
    Org(Arc<OrgSummary>),
    Project(Arc<ProjectSummary>),
    Counts(Arc<Vec<(&'static str, i64)>>),
}

/// Bounded: a summary is a few kilobytes, and this many cover every organisation and
/// project a single instance serves at once; when full, it starts over.
const CAPACITY: usize = 512;

/// The summaries one store has computed, by key, with the revision each was computed at.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    entries: Mutex<HashMap<Key, (i64, Value)>>,
}

impl Cache {
    fn get(&self, key: Key, revision: i64) -> Option<Value> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&key)
            .filter(|(at, _)| *at == revision)
            .map(|(_, v)| v.clone())
    }

    fn put(&self, key: Key, revision: i64, value: Value) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (revision, value));
    }
}

/// The organisation's data-map revision: 0 before its first change.
pub async fn revision(store: &Store, org: OrgId) -> Result<i64> {
    let mut sql = Sql::new("SELECT revision FROM data_map_revisions WHERE org_id = ");
    let arg = sql.arg(org.0);
    sql.push(&arg);
    let row: Option<(i64,)> = sql.query_as().fetch_optional(store.pool()).await?;
    Ok(row.map_or(0, |(r,)| r))
}

/// The overview: counts, up to `sample` records per rule that needs attention, and the
/// `recent` latest changes.
pub async fn organisation(
    store: &Store,
    org: OrgId,
    sample: u32,
    recent: u32,
) -> Result<Arc<OrgSummary>> {
    let key = Key::Org {
        org: org.0,
        sample,
        recent,
    };
    let at = revision(store, org).await?;
    if let Some(Value::Org(s)) = store.summaries().get(key, at) {
        return Ok(s);
    }
    let summary = Arc::new(OrgSummary {
        counts: activity::counts(store, org, None).await?,
        attention: gaps::attention(store, org, None, sample).await?,
        recent: activity::recent(store, org, recent).await?,
    });
    store.summaries().put(key, at, Value::Org(summary.clone()));
    Ok(summary)
}

/// The project page: counts, what needs attention, the first `services` services and
/// every transfer for the diagram, and the risks for the heat map. The caller has checked
/// that the project is the organisation's.
pub async fn project(
    store: &Store,
    org: OrgId,
    project: ProjectId,
    sample: u32,
    services: u32,
) -> Result<Arc<ProjectSummary>> {
    let key = Key::Project {
        org: org.0,
        project: project.0,
        sample,
        services,
    };
    let at = revision(store, org).await?;
    if let Some(Value::Project(s)) = store.summaries().get(key, at) {
        return Ok(s);
    }
    let scope = Scope::Project(org, project);
    let counts = activity::counts(store, org, Some(project)).await?;
    // Risks are read only when there are some, so a project without keeps its speed.
    let risks = if counts
        .iter()
        .any(|(c, n)| *c == "risk_assessments" && *n > 0)
    {
        records::every::<RiskAssessment>(store, scope)
            .await?
            .into_iter()
            .map(|r| r.data)
            .collect()
    } else {
        Vec::new()
    };
    let first = ListQuery {
        limit: services.clamp(1, MAX_PAGE),
        ..ListQuery::default()
    };
    let page = records::list::<Service>(store, scope, &first).await?;
    let all = ListQuery {
        limit: MAX_PAGE,
        ..ListQuery::default()
    };
    let summary = Arc::new(ProjectSummary {
        attention: gaps::attention(store, org, Some(project), sample).await?,
        more_services: usize::try_from(page.total)
            .unwrap_or(0)
            .saturating_sub(page.items.len()),
        services: page.items,
        transfers: records::list::<Transfer>(store, scope, &all).await?.items,
        counts,
        risks,
    });
    store
        .summaries()
        .put(key, at, Value::Project(summary.clone()));
    Ok(summary)
}

/// How many records a data-map table holds in a project, from the counts kept per
/// revision: what an unfiltered list answers as its total without counting the index
/// (measured: a third of a list page's time at 10,000 records). `None` for a table
/// outside the data map.
pub(crate) async fn count_in_project(
    store: &Store,
    org: OrgId,
    project: ProjectId,
    table: &str,
) -> Result<Option<i64>> {
    let Some(collection) = crate::schema::data_map()
        .iter()
        .find(|m| m.table.name == table)
        .map(|m| m.collection)
    else {
        return Ok(None);
    };
    let key = Key::Counts {
        org: org.0,
        project: project.0,
    };
    let at = revision(store, org).await?;
    let counts = match store.summaries().get(key, at) {
        Some(Value::Counts(c)) => c,
        _ => {
            let c = Arc::new(activity::counts(store, org, Some(project)).await?);
            store.summaries().put(key, at, Value::Counts(c.clone()));
            c
        }
    };
    Ok(counts
        .iter()
        .find(|(c, _)| *c == collection)
        .map(|(_, n)| *n))
}
