//! One record of the data map: add, view, edit and delete, for every collection, through
//! the form descriptions of `record_form`. Saving a record that is valid but incomplete
//! works; what it still lacks (its gaps) is shown above the form and next to the field.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pactum_domain::access::Permission;
use pactum_domain::entity::Entity;
use pactum_domain::gaps::Gap;
use pactum_domain::project::Project;
use pactum_store::StoreError;
use pactum_store::records;
use pactum_store::schema::Stored;
use pactum_store::scope::{ProjectId, Scope};
use uuid::Uuid;

use crate::access::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::i18n::T;
use crate::ui::pages::{Chrome, ConfirmPage, FieldError, csrf_of, error_page, language_of, render};
use crate::ui::record_form::{
    self, CellKind, EXTRA_ROWS, Input, Opt, Posted, Spec, rule_message, specs, taxonomy_options,
    values_of, values_of_posted,
};

/// Runs `$body` with `$E` bound to the entity type of a collection's URL segment.
#[macro_export]
macro_rules! with_entity {
    ($segment:expr, $E:ident => $body:expr, else $none:expr) => {
        match $segment {
            "processing-activities" => {
                type $E = pactum_domain::datamap::processing_activity::ProcessingActivity;
                $body
            }
            "services" => {
                type $E = pactum_domain::datamap::service::Service;
                $body
            }
            "data-items" => {
                type $E = pactum_domain::datamap::data_item::DataItem;
                $body
            }
            "data-users" => {
                type $E = pactum_domain::datamap::data_user::DataUser;
                $body
            }
            "transfers" => {
                type $E = pactum_domain::datamap::transfer::Transfer;
                $body
            }
            "vendors" => {
                type $E = pactum_domain::datamap::vendor::Vendor;
                $body
            }
            "security-measures" => {
                type $E = pactum_domain::datamap::security_measure::SecurityMeasure;
                $body
            }
            "device-groups" => {
                type $E = pactum_domain::datamap::device_group::DeviceGroup;
                $body
            }
            "backup-strategies" => {
                type $E = pactum_domain::datamap::backup_strategy::BackupStrategy;
                $body
            }
            "risk-assessments" => {
                type $E = pactum_domain::assessments::risk::RiskAssessment;
                $body
            }
            "dpias" => {
                type $E = pactum_domain::assessments::dpia::Dpia;
                $body
            }
            "breaches" => {
                type $E = pactum_domain::registers::breach::Breach;
                $body
            }
            "requests" => {
                type $E = pactum_domain::registers::request::DataSubjectRequest;
                $body
            }
            "customers" => {
                type $E = pactum_domain::processor::customer::Customer;
                $body
            }
            "audit-requests" => {
                type $E = pactum_domain::processor::audit::AuditRequest;
                $body
            }
            _ => $none,
        }
    };
}

/// At most this many records are offered as choices for a reference.
const MAX_CHOICES: u32 = 5000;

pub struct SubCell {
    pub name: String,
    pub id: String,
    pub label: String,
    /// `text`, `textarea`, `datetime-local`, `check` or `select` (with `options`).
    pub kind: &'static str,
    pub value: String,
    pub options: Option<Vec<Opt>>,
}

pub struct SubRow {
    pub cells: Vec<SubCell>,
}

/// One field as the template shows it.
pub struct FormField {
    pub name: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    /// What the record lacks here (shown as attention, not as an error).
    pub gap: Option<String>,
    pub required: bool,
    /// `line`, `text`, `number`, `date`, `datetime-local`, `check`, `select`, `checks` or
    /// `rows`.
    pub kind: &'static str,
    pub value: String,
    pub checked: bool,
    pub options: Vec<Opt>,
    pub rows: Vec<SubRow>,
    /// The value in words, for readers who may not edit.
    pub display: String,
}

impl FormField {
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.gap.is_some() {
            ids.push(format!("{}-gap", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }
}

pub struct GapView {
    pub field: String,
    pub message: String,
    pub article: &'static str,
    pub severity: &'static str,
    pub severity_label: String,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    banner: Option<String>,
    /// The way back: (link, label), outermost first.
    crumbs: Vec<(String, String)>,
    /// A register record's deadline and where it stands.
    clock: Option<crate::ui::registers::ClockView>,
    /// A register record's documentation page.
    /// A processor's breach: its notices to the affected customers.
    notices_link: Option<String>,
    doc_link: Option<String>,
    /// Where the form posts; `None` for readers.
    action: Option<String>,
    delete_link: Option<String>,
    is_new: bool,
    fields: Vec<FormField>,
    gaps: Vec<GapView>,
    /// A service's or vendor's files.
    files: Option<crate::ui::files::FilesView>,
}

/// The reference choices of a collection in the project: (id, name), by name.
async fn choices(
    state: &AppState,
    scope: Scope,
    segment: &str,
) -> Result<Vec<(String, String)>, ApiError> {
    async fn of<E: Stored>(
        state: &AppState,
        scope: Scope,
    ) -> Result<Vec<(String, String)>, ApiError> {
        Ok(records::names::<E>(&state.store, scope, MAX_CHOICES)
            .await?
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect())
    }
    with_entity!(segment, E => of::<E>(state, scope).await, else Ok(Vec::new()))
}

fn label_of(t: T, name: &str) -> String {
    t.s(&format!("field.{name}")).to_owned()
}

/// Builds the fields of a form from the values to show, the errors and the gaps.
async fn build_fields(
    state: &AppState,
    t: T,
    place: &Place,
    values: &HashMap<String, Vec<String>>,
    errors: &[FieldError],
    gaps: &[Gap],
) -> Result<Vec<FormField>, ApiError> {
    let (scope, segment, specs) = (place.scope, place.segment.as_str(), place.specs);
    let mut out = Vec::with_capacity(specs.len());
    for spec in specs {
        let current = values.get(spec.name).cloned().unwrap_or_default();
        let first = current.first().cloned().unwrap_or_default();
        let mut field = FormField {
            name: spec.name,
            label: t
                .get(&format!("field.{segment}.{}", spec.name))
                .map_or_else(|| label_of(t, spec.name), str::to_owned),
            hint: t
                .get(&format!("hint.{segment}.{}", spec.name))
                .or_else(|| t.get(&format!("hint.{}", spec.name)))
                .map(str::to_owned),
            error: errors
                .iter()
                .find(|e| e.field == spec.name)
                .map(|e| e.message.clone()),
            gap: gaps
                .iter()
                .find(|g| record_form::owner_of(specs, &g.field).map(|s| s.name) == Some(spec.name))
                .map(|g| t.s(&format!("gap.{}", g.rule.key())).to_owned()),
            required: spec.required,
            kind: "line",
            value: first.clone(),
            checked: !first.is_empty(),
            options: Vec::new(),
            rows: Vec::new(),
            display: first.clone(),
        };
        let options = |list: Vec<(String, String)>| -> Vec<Opt> {
            list.into_iter()
                .map(|(value, label)| Opt {
                    selected: current.contains(&value),
                    value,
                    label,
                })
                .collect()
        };
        match spec.input {
            Input::Line => {}
            Input::Text => field.kind = "text",
            Input::Number => field.kind = "number",
            Input::Date => field.kind = "date",
            Input::Check => {
                field.kind = "check";
                field.display = t
                    .s(if field.checked { "form.yes" } else { "form.no" })
                    .to_owned();
            }
            Input::Choice(values) => {
                field.kind = "select";
                field.options = options(
                    values
                        .iter()
                        .map(|v| ((*v).to_owned(), t.s(&format!("choice.{v}")).to_owned()))
                        .collect(),
                );
            }
            Input::Taxonomy(tax) => {
                field.kind = "select";
                field.options = options(taxonomy_options(tax, t.0));
            }
            Input::Taxonomies(tax) => {
                field.kind = "checks";
                field.options = options(taxonomy_options(tax, t.0));
            }
            Input::Ref(segment) | Input::Refs(segment) => {
                field.kind = if matches!(spec.input, Input::Ref(_)) {
                    "select"
                } else {
                    "checks"
                };
                let mut list = choices(state, scope, segment).await?;
                // A link beyond the offered choices stays offered (and checked), so saving
                // the form never drops it.
                for id in &current {
                    if !list.iter().any(|(k, _)| k == id) {
                        list.push((id.clone(), id.clone()));
                    }
                }
                field.options = options(list);
            }
            Input::Lines => {
                field.kind = "text";
                field.value = current.join("\n");
                field.display = current.join(", ");
            }
            Input::Moment => {
                field.kind = "datetime-local";
                if let Some(at) = crate::ui::format::from_local_input(place.zone(), &first) {
                    field.display = crate::ui::format::date_time_in(t.0, place.zone(), at);
                }
            }
            Input::Choices(values) => {
                field.kind = "checks";
                field.options = options(
                    values
                        .iter()
                        .map(|v| ((*v).to_owned(), t.s(&format!("choice.{v}")).to_owned()))
                        .collect(),
                );
            }
            Input::Scale => {
                field.kind = "select";
                field.options = options(
                    (1..=4)
                        .map(|n| (n.to_string(), t.s(&format!("scale.{n}")).to_owned()))
                        .collect(),
                );
            }
            Input::YesNo => {
                field.kind = "select";
                let shown = first.as_str();
                field.options = ["yes", "no"]
                    .into_iter()
                    .map(|v| Opt {
                        selected: v == shown,
                        value: v.to_owned(),
                        label: t.s(&format!("form.{v}")).to_owned(),
                    })
                    .collect();
                if !shown.is_empty() {
                    field.display = t.s(&format!("form.{shown}")).to_owned();
                }
            }
            Input::NationalList => {
                field.kind = "checks";
                field.options = options(
                    (1..=17)
                        .map(|n| (n.to_string(), t.s(&format!("ap_list.{n}")).to_owned()))
                        .collect(),
                );
            }
            Input::Member => {
                field.kind = "select";
                let mut list: Vec<(String, String)> =
                    pactum_store::members::list(&state.store, scope.org())
                        .await?
                        .into_iter()
                        .map(|m| {
                            let name = match m.display_name {
                                Some(n) => format!("{n} ({})", m.email),
                                None => m.email,
                            };
                            (m.user_id.to_string(), name)
                        })
                        .collect();
                list.sort_by_key(|a| a.1.to_lowercase());
                for id in &current {
                    if !list.iter().any(|(k, _)| k == id) {
                        list.push((id.clone(), t.s("form.former_member").to_owned()));
                    }
                }
                field.options = options(list);
            }
            Input::Rows(rows_spec) => {
                field.kind = "rows";
                let first_cell = rows_spec.cells[0].name;
                let stored = (0..)
                    .take_while(|i| {
                        values.contains_key(&format!("{}[{i}].{first_cell}", spec.name))
                    })
                    .count();
                let mut lines = Vec::new();
                for i in 0..stored + EXTRA_ROWS {
                    let value = |f: &str| {
                        values
                            .get(&format!("{}[{i}].{f}", spec.name))
                            .and_then(|v| v.first().cloned())
                            .unwrap_or_default()
                    };
                    let mut cells = Vec::new();
                    let mut shown = Vec::new();
                    for c in rows_spec.cells {
                        let v = value(c.name);
                        let (kind, opts) = match c.kind {
                            CellKind::Line => ("text", None),
                            CellKind::Text => ("textarea", None),
                            CellKind::Moment => ("datetime-local", None),
                            CellKind::Check => ("check", None),
                            CellKind::Tax(tax) => (
                                "select",
                                Some(
                                    taxonomy_options(tax, t.0)
                                        .into_iter()
                                        .map(|(k, l)| Opt {
                                            selected: k == v,
                                            value: k,
                                            label: l,
                                        })
                                        .collect::<Vec<_>>(),
                                ),
                            ),
                        };
                        if !v.is_empty() {
                            shown.push(match (c.kind, &opts) {
                                (CellKind::Check, _) => {
                                    label_of(t, &format!("{}{}", rows_spec.label_prefix, c.name))
                                }
                                (CellKind::Moment, _) => {
                                    crate::ui::format::from_local_input(place.zone(), &v)
                                        .map(|m| {
                                            crate::ui::format::date_time_in(t.0, place.zone(), m)
                                        })
                                        .unwrap_or(v.clone())
                                }
                                (_, Some(o)) => o
                                    .iter()
                                    .find(|o| o.selected)
                                    .map(|o| o.label.clone())
                                    .unwrap_or(v.clone()),
                                _ => v.clone(),
                            });
                        }
                        cells.push(SubCell {
                            name: format!("{}[{i}].{}", spec.name, c.name),
                            id: format!("{}-{i}-{}", spec.name, c.name),
                            label: label_of(t, &format!("{}{}", rows_spec.label_prefix, c.name)),
                            kind,
                            value: v,
                            options: opts,
                        });
                    }
                    if i < stored {
                        lines.push(shown.join(", "));
                    }
                    field.rows.push(SubRow { cells });
                }
                field.display = lines.join("; ");
            }
        }
        if matches!(field.kind, "select" | "checks") {
            field.display = field
                .options
                .iter()
                .filter(|o| o.selected)
                .map(|o| o.label.clone())
                .collect::<Vec<_>>()
                .join(", ");
        }
        out.push(field);
    }
    Ok(out)
}

/// A register record's fields as read-only values, for its documentation.
pub(crate) async fn summary(
    state: &AppState,
    caller: &Caller,
    t: T,
    segment: &str,
    doc: &serde_json::Value,
) -> Result<Vec<FormField>, ApiError> {
    let specs = specs(segment).ok_or_else(|| ApiError::NotFound("List".into()))?;
    let place = Place {
        scope: Scope::Org(caller.org_id()),
        project: None,
        segment: segment.to_owned(),
        specs,
        zone: caller.membership.timezone.clone(),
    };
    let values = values_of(doc, specs, place.zone());
    build_fields(state, t, &place, &values, &[], &[]).await
}

fn gap_views(t: T, gaps: &[Gap]) -> Vec<GapView> {
    gaps.iter()
        .map(|g| GapView {
            field: g
                .field
                .split(['[', '.'])
                .next()
                .unwrap_or_default()
                .to_owned(),
            message: t.s(&format!("gap.{}", g.rule.key())).to_owned(),
            article: g.rule.article(),
            severity: g.rule.severity().as_str(),
            severity_label: t
                .s(&format!("severity.{}", g.rule.severity().as_str()))
                .to_owned(),
        })
        .collect()
}

/// Where a record lives: a project's data map, or one of the organisation's registers.
struct Place {
    scope: Scope,
    /// The project (id, name); `None` for the registers.
    project: Option<(Uuid, String)>,
    segment: String,
    specs: &'static [Spec],
    zone: String,
}

impl Place {
    fn zone(&self) -> &str {
        &self.zone
    }

    /// The collection's list page.
    fn base(&self, slug: &str) -> String {
        match &self.project {
            Some((id, _)) => format!("/orgs/{slug}/projects/{id}/{}", self.segment),
            None => format!("/orgs/{slug}/{}", self.segment),
        }
    }

    /// The organisation navigation's section.
    fn section(&self) -> &'static str {
        match self.segment.as_str() {
            "breaches" => "breaches",
            "requests" => "requests",
            "customers" | "audit-requests" => "processor",
            _ => "projects",
        }
    }
}

async fn place(
    state: &AppState,
    caller: &Caller,
    p: &HashMap<String, String>,
) -> Result<Place, ApiError> {
    let segment = p.get("collection").cloned().unwrap_or_default();
    let specs = specs(&segment).ok_or_else(|| ApiError::NotFound("List".into()))?;
    let zone = caller.membership.timezone.clone();
    // Registers live at /orgs/{org}/{collection}, the data map inside a project.
    if record_form::is_register(&segment) == p.contains_key("project") {
        return Err(ApiError::NotFound("List".into()));
    }
    if record_form::is_register(&segment) {
        return Ok(Place {
            scope: Scope::Org(caller.org_id()),
            project: None,
            segment,
            specs,
            zone,
        });
    }
    let project_id = p
        .get("project")
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or_else(|| ApiError::NotFound("Project".into()))?;
    let project =
        records::get::<Project>(&state.store, Scope::Org(caller.org_id()), project_id).await?;
    Ok(Place {
        scope: Scope::Project(caller.org_id(), ProjectId(project_id)),
        project: Some((project_id, project.data.name)),
        segment,
        specs,
        zone,
    })
}

/// What a record is called on its page: a breach's title, a request's right and
/// reference, else the collection's natural column.
fn record_name(t: T, segment: &str, order: &str, doc: &serde_json::Value) -> String {
    match segment {
        "breaches" => doc["title"].as_str().unwrap_or_default().to_owned(),
        "requests" => crate::ui::registers::deadline_name(
            t,
            pactum_store::registers::Register::Request,
            doc["kind"].as_str().unwrap_or_default(),
            doc["reference"].as_str().filter(|r| !r.is_empty()),
        ),
        _ => doc[order].as_str().unwrap_or_default().to_owned(),
    }
}

fn record_id(p: &HashMap<String, String>, name: &str) -> Result<Uuid, ApiError> {
    p.get("id")
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or_else(|| ApiError::NotFound(name.to_owned()))
}

fn collection_title(t: T, segment: &str) -> String {
    crate::ui::projects::capitalise(t.s(&format!("collection.{}", segment.replace('-', "_"))))
}

#[allow(clippy::too_many_arguments, reason = "one page, many parts")]
async fn page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    t: T,
    place: &Place,
    record: Option<(Uuid, String)>,
    values: &HashMap<String, Vec<String>>,
    errors: Vec<FieldError>,
    gaps: &[Gap],
    banner: Option<String>,
    clock: Option<crate::ui::registers::ClockView>,
    files: Option<crate::ui::files::FilesView>,
) -> Result<Response, ApiError> {
    let can_write = caller.require(Permission::Write).is_ok();
    let slug = caller.membership.slug.clone();
    let base = place.base(&slug);
    let fields = build_fields(state, t, place, values, &errors, gaps).await?;
    let mut chrome =
        Chrome::new(t, "records.new", true, csrf_of(headers)).in_org(caller, place.section());
    chrome.has_errors = !errors.is_empty();
    let singular = t
        .s(&format!("one.{}", place.segment.replace('-', "_")))
        .to_owned();
    let (action, delete_link, is_new) = match &record {
        Some((id, name)) => {
            chrome.title = if name.is_empty() {
                singular
            } else {
                name.clone()
            };
            (
                can_write.then(|| format!("{base}/{id}")),
                can_write.then(|| format!("{base}/{id}/delete")),
                false,
            )
        }
        None => {
            chrome.title = format!("{} {}", t.s("records.add"), singular);
            (Some(base.clone()), None, true)
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(
        status,
        &RecordPage {
            chrome,
            errors,
            banner,
            crumbs: {
                let mut crumbs = Vec::new();
                if let Some((id, name)) = &place.project {
                    crumbs.push((format!("/orgs/{slug}/projects/{id}"), name.clone()));
                }
                crumbs.push((base.clone(), collection_title(t, &place.segment)));
                crumbs
            },
            notices_link: match (&record, place.segment.as_str()) {
                (Some((id, _)), "breaches")
                    if values
                        .get("role")
                        .and_then(|v| v.first())
                        .is_some_and(|r| r == "processor") =>
                {
                    Some(format!("{base}/{id}/customer-notices"))
                }
                _ => None,
            },
            doc_link: match (&record, place.segment.as_str()) {
                (Some((id, _)), "breaches" | "requests") => {
                    Some(format!("{base}/{id}/documentation"))
                }
                _ => None,
            },
            clock,
            action,
            delete_link,
            is_new,
            fields,
            gaps: gap_views(t, gaps),
            files,
        },
    ))
}

type Q = Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>;

pub async fn new_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
    q: Q,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        let place = place(&state, &caller, &p).await?;
        // Links such as "add a data item to this service" pass the reference along.
        let values: HashMap<String, Vec<String>> = q
            .into_iter()
            .filter(|(k, _)| place.specs.iter().any(|s| s.name == k))
            .map(|(k, v)| (k, vec![v]))
            .collect();
        page(
            &state,
            &headers,
            &caller,
            t,
            &place,
            None,
            &values,
            Vec::new(),
            &[],
            None,
            None,
            None,
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
    q: Q,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        let place = place(&state, &caller, &p).await?;
        let banner = q
            .get("m")
            .filter(|m| ["created", "saved"].contains(&m.as_str()))
            .map(|m| t.s(&format!("records.{m}")).to_owned());
        with_entity!(place.segment.as_str(), E => {
            let id = record_id(&p, E::NAME)?;
            let rec = records::get::<E>(&state.store, place.scope, id).await?;
            let doc = serde_json::to_value(&rec.data).unwrap_or_default();
            let name = record_name(t, &place.segment, E::TABLE.order, &doc);
            let gaps = rec.data.gaps();
            let clock = crate::ui::registers::clock_of(&state, &caller, t, &place.segment, &doc).await?;
            let values = values_of(&doc, place.specs, place.zone());
            let files = match (place.scope.project(), crate::ui::files::owner_of(&place.segment, id)) {
                (Some(project), Some(owner)) => {
                    let link = format!("{}/{id}", place.base(&caller.membership.slug));
                    Some(crate::ui::files::view(&state, &caller, t, project, owner, &link, &q).await?)
                }
                _ => None,
            };
            page(&state, &headers, &caller, t, &place, Some((id, name)), &values, Vec::new(), &gaps, banner, clock, files).await
        }, else Err(ApiError::NotFound("List".into())))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

/// The form's errors as messages next to their fields.
fn form_errors(t: T, specs: &[Spec], error: StoreError) -> Result<Vec<FieldError>, ApiError> {
    match error {
        StoreError::Invalid(v) => Ok(v
            .0
            .iter()
            .map(|x| {
                let spec = record_form::owner_of(specs, &x.field).unwrap_or(&specs[0]);
                let label = label_of(t, spec.name);
                FieldError {
                    field: spec.name,
                    message: rule_message(t, &label, &x.rule, &x.message),
                }
            })
            .collect()),
        StoreError::Conflict { field, .. } => {
            let spec = record_form::owner_of(specs, &field).unwrap_or(&specs[0]);
            Ok(vec![FieldError {
                field: spec.name,
                message: rule_message(t, &label_of(t, spec.name), "unique", ""),
            }])
        }
        other => Err(other.into()),
    }
}

/// Reads the posted form into an entity, or the errors that stop it: what the form could
/// not read, together with the entity's own rules on the rest.
fn read<E: Stored>(t: T, specs: &[Spec], form: &Posted, zone: &str) -> Result<E, Vec<FieldError>> {
    let (doc, input_errors) = record_form::to_json(specs, form, zone);
    let mut errors: Vec<FieldError> = input_errors
        .into_iter()
        .map(|e| FieldError {
            field: e.field,
            message: t.s(e.key).replace("{field}", &label_of(t, e.field)),
        })
        .collect();
    let mut entity = match serde_json::from_value::<E>(doc) {
        Ok(e) => e,
        Err(e) => {
            // Only a hand-made request gets here: every control the form offers parses.
            errors.push(FieldError {
                field: specs[0].name,
                message: format!("{}: {e}", t.s("form.unreadable")),
            });
            return Err(errors);
        }
    };
    if errors.is_empty() {
        return Ok(entity);
    }
    entity.normalise();
    if let Err(v) = entity.validate()
        && let Ok(more) = form_errors(t, specs, StoreError::Invalid(v))
    {
        let more: Vec<_> = more
            .into_iter()
            .filter(|m| !errors.iter().any(|e| e.field == m.field))
            .collect();
        errors.extend(more);
    }
    Err(errors)
}

async fn save(
    state: AppState,
    headers: HeaderMap,
    caller: Caller,
    p: HashMap<String, String>,
    form: Vec<(String, String)>,
    existing: bool,
) -> Response {
    let form = Posted(form);
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        let place = place(&state, &caller, &p).await?;
        let slug = &caller.membership.slug;
        let base = place.base(slug);
        with_entity!(place.segment.as_str(), E => {
            let id = if existing { Some(record_id(&p, E::NAME)?) } else { None };
            let errors = match read::<E>(t, place.specs, &form, place.zone()) {
                Err(errors) => errors,
                Ok(data) => {
                    let now = state.clock.now();
                    let saved = match id {
                        Some(id) => records::update(&state.store, &caller.actor(), place.scope, id, data, now)
                            .await
                            .map(|r| (r.id, "saved")),
                        None => records::create(&state.store, &caller.actor(), place.scope, data, now)
                            .await
                            .map(|r| (r.id, "created")),
                    };
                    match saved {
                        Ok((id, m)) => return Ok(Redirect::to(&format!("{base}/{id}?m={m}")).into_response()),
                        Err(e) => form_errors(t, place.specs, e)?,
                    }
                }
            };
            let name = record_name(t, &place.segment, E::TABLE.order, &serde_json::Value::Object(
                form.0.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect(),
            ));
            page(&state, &headers, &caller, t, &place, id.map(|id| (id, name)), &values_of_posted(&form), errors, &[], None, None, None).await
        }, else Err(ApiError::NotFound("List".into())))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    save(state, headers, caller, p, form, false).await
}

pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    save(state, headers, caller, p, form, true).await
}

pub async fn confirm_delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let t = language_of(&state, &headers, Some(caller.user_id())).await;
    let result = async {
        let place = place(&state, &caller, &p).await?;
        with_entity!(place.segment.as_str(), E => {
            let id = record_id(&p, E::NAME)?;
            let rec = records::get::<E>(&state.store, place.scope, id).await?;
            let doc = serde_json::to_value(&rec.data).unwrap_or_default();
            let name = record_name(t, &place.segment, E::TABLE.order, &doc);
            let slug = &caller.membership.slug;
            let link = format!("{}/{id}", place.base(slug));
            let mut chrome = Chrome::new(t, "records.delete_title", true, csrf_of(&headers))
                .in_org(&caller, place.section());
            chrome.title = format!("{} {name}", t.s("records.delete_title"));
            let body_key = if place.segment == "services" { "records.delete_service_body" } else { "records.delete_body" };
            Ok(render(StatusCode::OK, &ConfirmPage {
                chrome,
                body: t.s(body_key).to_owned(),
                action: format!("{link}/delete"),
                submit: t.s("records.delete").to_owned(),
                back: link,
            }))
        }, else Err(ApiError::NotFound("List".into())))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let result = async {
        let place = place(&state, &caller, &p).await?;
        with_entity!(place.segment.as_str(), E => {
            let id = record_id(&p, E::NAME)?;
            records::delete::<E>(&state.store, &caller.actor(), place.scope, id, state.clock.now()).await?;
            let slug = &caller.membership.slug;
            Ok(Redirect::to(&format!("{}?m=deleted", place.base(slug))).into_response())
        }, else Err(ApiError::NotFound("List".into())))
    }
    .await;
    result.unwrap_or_else(|e: ApiError| error_page(&headers, &e))
}
