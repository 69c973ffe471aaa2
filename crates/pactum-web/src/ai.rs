//! AI reports: the provider the operator chose, and the one path from a project to a stored
//! report. The payload is built by [`pactum_domain::ai_report::payload`] (anonymised, pure);
//! exactly the bytes that leave are stored with the report and shown beside it. The offline
//! provider (the default) sends nothing anywhere.

use pactum_domain::ai_report::{self, Source};
use pactum_domain::assessments::dpia::Dpia;
use pactum_domain::assessments::risk::RiskAssessment;
use pactum_domain::datamap::backup_strategy::BackupStrategy;
use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::data_user::DataUser;
use pactum_domain::datamap::device_group::DeviceGroup;
use pactum_domain::datamap::processing_activity::ProcessingActivity;
use pactum_domain::datamap::security_measure::SecurityMeasure;
use pactum_domain::datamap::service::Service;
use pactum_domain::datamap::transfer::Transfer;
use pactum_domain::datamap::vendor::Vendor;
use pactum_domain::project::Project;
use pactum_domain::registers::breach::Breach;
use pactum_domain::registers::request::DataSubjectRequest;
use pactum_store::records;
use pactum_store::reports::{self, AiReport, NewReport};
use pactum_store::schema::Stored;
use pactum_store::scope::{ProjectId, Scope};
use serde::Serialize;
use serde_json::{Value, json};

use crate::access::Caller;
use crate::egress::{Egress, EgressError};
use crate::error::ApiError;
use crate::state::AppState;

/// Who writes the reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provider {
    /// Pactum's rule-based report from the compliance assessment; no network.
    Offline,
    /// A chat-completions API (`POST {base_url}/chat/completions`): OpenAI-compatible
    /// services, EU-hosted providers and local model servers alike.
    OpenAiCompatible {
        base_url: String,
        model: String,
        api_key: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct AiSettings {
    pub provider: Provider,
    /// Every outbound request goes through this client.
    pub egress: Egress,
}

impl Provider {
    pub fn name(&self) -> &'static str {
        match self {
            Provider::Offline => "offline",
            Provider::OpenAiCompatible { .. } => "openai_compatible",
        }
    }

    pub fn model(&self) -> &str {
        match self {
            Provider::Offline => "rules",
            Provider::OpenAiCompatible { model, .. } => model,
        }
    }
}

/// The request body sent to a chat-completions API.
#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: [Message<'a>; 2],
    temperature: f32,
}

#[derive(Serialize)]
struct Message<'a> {
    role: &'a str,
    content: String,
}

fn unavailable(e: EgressError) -> ApiError {
    ApiError::Unavailable(format!(
        "The AI provider could not be used ({e}); no report was made and nothing was stored."
    ))
}

/// Builds the anonymised payload of a project, asks the provider, stores the report.
pub async fn generate(
    state: &AppState,
    caller: &Caller,
    project: ProjectId,
) -> Result<AiReport, ApiError> {
    let org = caller.org_id();
    let store = &state.store;
    let now = state.clock.now();
    // Only this project's records and the registers are read, not the organisation's
    // whole export.
    let project_record = records::get::<Project>(store, Scope::Org(org), project.0).await?;
    let scope = Scope::Project(org, project);
    async fn of<E: Stored>(
        store: &pactum_store::Store,
        scope: Scope,
    ) -> Result<(&'static str, Vec<Value>), ApiError> {
        let all = records::every::<E>(store, scope).await?;
        Ok((
            E::COLLECTION,
            all.iter()
                .filter_map(|r| serde_json::to_value(r).ok())
                .collect(),
        ))
    }
    let collections = vec![
        of::<Service>(store, scope).await?,
        of::<DataItem>(store, scope).await?,
        of::<DataUser>(store, scope).await?,
        of::<Transfer>(store, scope).await?,
        of::<ProcessingActivity>(store, scope).await?,
        of::<Vendor>(store, scope).await?,
        of::<SecurityMeasure>(store, scope).await?,
        of::<DeviceGroup>(store, scope).await?,
        of::<BackupStrategy>(store, scope).await?,
        of::<RiskAssessment>(store, scope).await?,
        of::<Dpia>(store, scope).await?,
    ];
    let registers = Scope::Org(org);
    let breaches: Vec<Breach> = records::every::<Breach>(store, registers)
        .await?
        .into_iter()
        .map(|r| r.data)
        .collect();
    let requests: Vec<DataSubjectRequest> = records::every::<DataSubjectRequest>(store, registers)
        .await?
        .into_iter()
        .map(|r| r.data)
        .collect();
    let today = pactum_domain::clocks::period::local_date(now, &caller.membership.timezone);
    let assessment =
        pactum_store::compliance::assess_project(store, org, project, today, now).await?;
    let payload = ai_report::payload(&Source {
        project_name: &project_record.data.name,
        collections,
        breaches: &breaches,
        requests: &requests,
        assessment: &assessment,
        now,
    });
    let settings = &state.settings.ai;
    let (sent, report) = match &settings.provider {
        Provider::Offline => (
            serde_json::to_string_pretty(&payload).unwrap_or_default(),
            ai_report::offline_report(&payload),
        ),
        Provider::OpenAiCompatible {
            base_url,
            model,
            api_key,
        } => {
            let body = ChatRequest {
                model,
                messages: [
                    Message {
                        role: "system",
                        content: ai_report::PROMPT.to_owned(),
                    },
                    Message {
                        role: "user",
                        content: serde_json::to_string_pretty(&payload).unwrap_or_default(),
                    },
                ],
                temperature: 0.2,
            };
            let bytes = serde_json::to_vec(&body)
                .map_err(|e| ApiError::Internal(format!("encoding the AI request: {e}")))?;
            let url = format!("{}/chat/completions", base_url.trim_end_matches('/'));
            let answer = settings
                .egress
                .post_json(&url, api_key.as_deref(), &bytes)
                .await
                .map_err(unavailable)?;
            let text = answer["choices"][0]["message"]["content"]
                .as_str()
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| {
                    ApiError::Unavailable(
                        "The AI provider's answer held no report; nothing was stored.".into(),
                    )
                })?
                .to_owned();
            (String::from_utf8_lossy(&bytes).into_owned(), text)
        }
    };
    let stored = reports::insert(
        store,
        &caller.actor(),
        org,
        project,
        NewReport {
            provider: settings.provider.name().to_owned(),
            model: settings.provider.model().to_owned(),
            payload: sent,
            report,
        },
        now,
    )
    .await?;
    Ok(stored)
}

/// The payload shown next to a report, indented for reading.
pub fn readable_payload(report: &AiReport) -> String {
    serde_json::from_str::<Value>(&report.payload)
        .map(|v| {
            // A chat request carries the payload as the user message's text: show it as JSON.
            let inner = v["messages"][1]["content"]
                .as_str()
                .and_then(|c| serde_json::from_str::<Value>(c).ok());
            match inner {
                Some(p) => serde_json::to_string_pretty(&json!({"request": v, "payload": p})),
                None => serde_json::to_string_pretty(&v),
            }
            .unwrap_or_default()
        })
        .unwrap_or_else(|_| report.payload.clone())
}
