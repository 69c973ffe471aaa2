//! What a document is made from, read from the store in one go: the organisation, its
//! projects' data maps (or one project's) and, for the register documents, the registers.

use std::collections::HashMap;

use pactum_domain::assessments::dpia::Dpia;
use pactum_domain::assessments::risk::RiskAssessment;
use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::processing_activity::ProcessingActivity;
use pactum_domain::datamap::security_measure::SecurityMeasure;
use pactum_domain::datamap::service::Service;
use pactum_domain::datamap::transfer::Transfer;
use pactum_domain::datamap::vendor::Vendor;
use pactum_domain::organisation::Organisation;
use pactum_domain::project::Project;
use pactum_domain::registers::breach::Breach;
use pactum_domain::registers::request::DataSubjectRequest;
use pactum_store::records::{self, Record};
use pactum_store::scope::{ProjectId, Scope};
use pactum_store::{Store, StoreError, members, organisations};
use uuid::Uuid;

use crate::{Error, Kind, Request};

/// One project's data map, as far as documents use it.
#[derive(Debug, Clone, Default)]
pub struct DataMap {
    pub services: Vec<Record<Service>>,
    pub items: Vec<Record<DataItem>>,
    pub transfers: Vec<Record<Transfer>>,
    pub activities: Vec<Record<ProcessingActivity>>,
    pub measures: Vec<Record<SecurityMeasure>>,
    pub vendors: Vec<Record<Vendor>>,
    pub risks: Vec<Record<RiskAssessment>>,
    pub dpias: Vec<Record<Dpia>>,
}

#[derive(Debug, Clone)]
pub struct ProjectSource {
    pub id: Uuid,
    pub project: Project,
    pub map: DataMap,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub slug: String,
    pub organisation: Organisation,
    /// Set when the document covers one project only.
    pub narrowed: bool,
    pub projects: Vec<ProjectSource>,
    pub breaches: Vec<Record<Breach>>,
    pub requests: Vec<Record<DataSubjectRequest>>,
    /// Member id -> name, for assignees.
    pub members: HashMap<Uuid, String>,
}

impl Source {
    /// Every project's records of one collection, with the project they belong to.
    pub fn all<'a, T: 'a>(
        &'a self,
        pick: impl Fn(&'a DataMap) -> &'a Vec<Record<T>> + 'a,
    ) -> impl Iterator<Item = (&'a ProjectSource, &'a Record<T>)> + 'a {
        self.projects
            .iter()
            .flat_map(move |p| pick(&p.map).iter().map(move |r| (p, r)))
    }
}

async fn data_map(store: &Store, scope: Scope) -> Result<DataMap, StoreError> {
    Ok(DataMap {
        services: records::every(store, scope).await?,
        items: records::every(store, scope).await?,
        transfers: records::every(store, scope).await?,
        activities: records::every(store, scope).await?,
        measures: records::every(store, scope).await?,
        vendors: records::every(store, scope).await?,
        risks: records::every(store, scope).await?,
        dpias: records::every(store, scope).await?,
    })
}

pub async fn load(store: &Store, request: &Request) -> Result<Source, Error> {
    let org = organisations::get(store, request.org).await?;
    let org_scope = Scope::Org(request.org);
    // The breach documents are made from the register alone; the others from the data map
    // (the access pack too: what is held, where and why).
    let projects: Vec<Record<Project>> = match (request.kind, request.project) {
        (Kind::BreachReport | Kind::BreachRegister, _) => Vec::new(),
        (kind, Some(p)) if !kind.is_register() => {
            vec![records::get::<Project>(store, org_scope, p.0).await?]
        }
        _ => records::every(store, org_scope).await?,
    };
    let mut loaded = Vec::with_capacity(projects.len());
    for p in projects {
        let map = data_map(store, Scope::Project(request.org, ProjectId(p.id))).await?;
        loaded.push(ProjectSource {
            id: p.id,
            project: p.data,
            map,
        });
    }
    let (breaches, requests) = match request.kind {
        Kind::BreachReport | Kind::BreachRegister => (
            records::every::<Breach>(store, org_scope).await?,
            Vec::new(),
        ),
        Kind::AccessPack => (Vec::new(), records::every(store, org_scope).await?),
        _ => (Vec::new(), Vec::new()),
    };
    let members = members::list(store, request.org)
        .await?
        .into_iter()
        .map(|m| (m.id, m.display_name.unwrap_or(m.email)))
        .collect();
    Ok(Source {
        slug: org.data.slug.clone(),
        organisation: org.data,
        narrowed: request.project.is_some() && !request.kind.is_register(),
        projects: loaded,
        breaches,
        requests,
        members,
    })
}
