//! The processor toolkit's work that the API and the pages share: publishing a
//! sub-processor notice and mailing it to the confirmed subscribers, and sending breach
//! notices to the affected customers with a record of each delivery.

use pactum_domain::clocks::{self, period::local_date};
use pactum_domain::organisation::{Language, Organisation};
use pactum_domain::processor::customer::Customer;
use pactum_domain::processor::notice::NoticeDraft;
use pactum_domain::registers::breach::{Breach, BreachRole};
use pactum_domain::taxonomy::taxonomy;
use pactum_domain::validation::Violations;
use pactum_store::audit::Actor;
use pactum_store::processor::breach_notices::{self, CustomerNotice, Sent};
use pactum_store::processor::notices::{self, Notice};
use pactum_store::processor::subscribers;
use pactum_store::records;
use pactum_store::scope::{OrgId, Scope};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiError;
use crate::processor_mail::{self, BreachText, NoticeText};
use crate::state::AppState;

/// The name an organisation goes by towards its customers.
pub fn display_name(org: &Organisation) -> String {
    org.trade_name
        .clone()
        .unwrap_or_else(|| org.legal_name.clone())
}

pub fn language_key(language: Language) -> &'static str {
    match language {
        Language::En => "en",
        Language::Nl => "nl",
    }
}

pub fn language_of_key(key: &str) -> Language {
    if key == "nl" {
        Language::Nl
    } else {
        Language::En
    }
}

/// A calendar day as people write it ("24 December 2026").
pub fn day_text(language: Language, day: Date) -> String {
    pactum_domain::format::date(language, day.midnight().assume_utc())
}

pub fn country_name(language: Language, code: &str) -> String {
    taxonomy().country(code).map_or_else(
        || code.to_owned(),
        |c| match language {
            Language::En => c.en.clone(),
            Language::Nl => c.nl.clone(),
        },
    )
}

pub fn mechanism_name(language: Language, key: &str) -> String {
    taxonomy().transfer_mechanism(key).map_or_else(
        || key.to_owned(),
        |m| match language {
            Language::En => m.en.clone(),
            Language::Nl => m.nl.clone(),
        },
    )
}

/// The signed token of a subscriber's unsubscribe link: nothing to store, and it works
/// for as long as the subscription does.
pub fn unsubscribe_token(state: &AppState, subscriber: Uuid) -> String {
    state
        .security
        .signer
        .sign("unsubscribe", &subscriber.to_string())
}

pub fn unsubscribe_subscriber(state: &AppState, token: &str) -> Option<Uuid> {
    state
        .security
        .signer
        .verify("unsubscribe", token)
        .and_then(|id| Uuid::parse_str(id).ok())
}

fn base(state: &AppState) -> &str {
    state.settings.public_url.trim_end_matches('/')
}

/// Publishes a notice (today in the organisation's time zone is the publication day) and
/// mails it to every confirmed subscriber in the background, recording each delivery.
pub async fn publish(
    state: &AppState,
    actor: &Actor,
    org_id: OrgId,
    draft: NoticeDraft,
) -> Result<Notice, ApiError> {
    let org = pactum_store::organisations::get(&state.store, org_id).await?;
    let now = state.clock.now();
    let published_on = local_date(now, &org.data.timezone);
    let notice = notices::publish(&state.store, actor, org_id, draft, published_on, now).await?;
    let state = state.clone();
    let sent = notice.clone();
    tokio::spawn(async move {
        if let Err(e) = fan_out(&state, org_id, &org.data, &sent).await {
            tracing::warn!(error = %e, "sub-processor notice could not be sent to every subscriber");
        }
    });
    Ok(notice)
}

async fn fan_out(
    state: &AppState,
    org_id: OrgId,
    org: &Organisation,
    notice: &Notice,
) -> Result<(), pactum_store::StoreError> {
    let name = display_name(org);
    let slug = &org.slug;
    let base = base(state);
    for s in subscribers::confirmed(&state.store, org_id).await? {
        let language = language_of_key(&s.language);
        let objection_link = format!("{base}/trust/{slug}/notices/{}/objection", notice.id);
        let trust_link = format!("{base}/trust/{slug}");
        let unsubscribe_link = format!(
            "{base}/trust/{slug}/unsubscribe/{}",
            unsubscribe_token(state, s.id)
        );
        let mail = processor_mail::subprocessor_notice(
            language,
            &NoticeText {
                organisation: &name,
                kind: notice.kind,
                name: &notice.name,
                purpose: notice.purpose.as_deref(),
                location: notice
                    .location
                    .as_deref()
                    .map(|c| country_name(language, c)),
                mechanism: notice
                    .transfer_mechanism
                    .as_deref()
                    .map(|m| mechanism_name(language, m)),
                replaces: notice.replaces.as_deref(),
                details: notice.details.as_deref(),
                effective: day_text(language, notice.effective_on),
                objection_link: &objection_link,
                trust_link: &trust_link,
                unsubscribe_link: &unsubscribe_link,
            },
        );
        let outcome = match &state.security.mailer {
            Some(m) => m.deliver(&s.email, mail).await,
            None => Err("no mail relay is configured (smtp_host)".to_owned()),
        };
        notices::record_delivery(
            &state.store,
            notice.id,
            s.id,
            &s.email,
            outcome,
            state.clock.now(),
        )
        .await?;
    }
    Ok(())
}

/// Where one affected customer stands for a breach.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerStatus {
    pub customer_id: Uuid,
    pub name: String,
    pub notice_email: Option<String>,
    /// The contract's hours from awareness.
    pub hours: u32,
    #[serde(with = "pactum_domain::timestamp::serde_instant")]
    #[schema(value_type = String, format = DateTime)]
    pub due_at: OffsetDateTime,
    /// When the relay took the first notice.
    #[serde(with = "pactum_domain::timestamp::serde_instant::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub notified_at: Option<OffsetDateTime>,
    /// The breach's updates that have not reached this customer yet.
    pub updates_pending: i64,
    /// `due`, `overdue`, `notified`, `notified_late`.
    pub state: &'static str,
}

/// The affected customers of a breach with their deadlines, and every notice sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BreachNotices {
    pub customers: Vec<CustomerStatus>,
    pub notices: Vec<CustomerNotice>,
}

async fn affected(
    state: &AppState,
    org: OrgId,
    breach: &Breach,
) -> Result<Vec<(Uuid, Customer)>, ApiError> {
    let mut out = Vec::with_capacity(breach.customer_ids.len());
    for id in &breach.customer_ids {
        match records::get::<Customer>(&state.store, Scope::Org(org), *id).await {
            Ok(c) => out.push((c.id, c.data)),
            Err(pactum_store::StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    out.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    Ok(out)
}

fn status(
    id: Uuid,
    c: &Customer,
    breach: &Breach,
    sent: &[CustomerNotice],
    now: OffsetDateTime,
) -> CustomerStatus {
    let hours = c.breach_hours();
    let due_at = clocks::controller_notice_due(breach.aware_at, hours);
    let mine = sent
        .iter()
        .filter(|n| n.customer_id == Some(id) && n.delivered);
    let notified_at = mine.clone().map(|n| n.sent_at).min();
    let phase = mine.map(|n| n.phase).max();
    let total = breach.updates.len() as i64;
    let state = match notified_at {
        Some(at) if at <= due_at => "notified",
        Some(_) => "notified_late",
        None if now > due_at => "overdue",
        None => "due",
    };
    CustomerStatus {
        customer_id: id,
        name: c.name.clone(),
        notice_email: c.notice_email.clone(),
        hours,
        due_at,
        notified_at,
        updates_pending: phase.map_or(0, |p| (total - p).max(0)),
        state,
    }
}

async fn processor_breach(
    state: &AppState,
    org: OrgId,
    id: Uuid,
) -> Result<pactum_store::records::Record<Breach>, ApiError> {
    let breach = records::get::<Breach>(&state.store, Scope::Org(org), id).await?;
    if breach.data.role != BreachRole::Processor {
        return Err(ApiError::Invalid(Violations::single(
            "role",
            "processor_only",
            "customer notices are for breaches the organisation suffered as a processor (role = processor).",
        )));
    }
    Ok(breach)
}

pub async fn breach_notices(
    state: &AppState,
    org: OrgId,
    id: Uuid,
) -> Result<BreachNotices, ApiError> {
    let breach = processor_breach(state, org, id).await?;
    let sent = breach_notices::list(&state.store, org, id).await?;
    let now = state.clock.now();
    Ok(BreachNotices {
        customers: affected(state, org, &breach.data)
            .await?
            .iter()
            .map(|(cid, c)| status(*cid, c, &breach.data, &sent, now))
            .collect(),
        notices: sent,
    })
}

/// Sends each affected customer what it has not had yet: the first notice with the
/// Art. 33(3) contents known now (and the updates so far), or an update with the updates
/// since. A customer without an address, or with nothing new, is skipped. Once every
/// affected customer has had its first notice, the breach's `controllers_notified_at` is
/// set (its clock stops).
pub async fn send_breach_notices(
    state: &AppState,
    actor: &Actor,
    org_id: OrgId,
    id: Uuid,
) -> Result<BreachNotices, ApiError> {
    let mut breach = processor_breach(state, org_id, id).await?;
    let customers = affected(state, org_id, &breach.data).await?;
    if customers.is_empty() {
        return Err(ApiError::Invalid(Violations::single(
            "customer_ids",
            "required",
            "customer_ids is empty: list the customers whose data the breach touches first.",
        )));
    }
    let org = pactum_store::organisations::get(&state.store, org_id)
        .await?
        .data;
    let language = org.default_language;
    let zone = org.timezone.clone();
    let name = display_name(&org);
    let moment = |at: OffsetDateTime| pactum_domain::format::date_time_in(language, &zone, at);
    let tax = taxonomy();
    let names = |keys: &[String], subject: bool| -> Vec<String> {
        keys.iter()
            .map(|k| {
                let (en, nl) = if subject {
                    tax.subject_category(k)
                        .map(|c| (c.en.clone(), c.nl.clone()))
                } else {
                    tax.data_category(k).map(|c| (c.en.clone(), c.nl.clone()))
                }
                .unwrap_or_else(|| (k.clone(), k.clone()));
                if language == Language::Nl { nl } else { en }
            })
            .collect()
    };
    let b = &breach.data;
    let data_categories = names(&b.data_categories, false);
    let subject_categories = names(&b.subject_categories, true);
    let total = b.updates.len() as i64;
    let sent = breach_notices::list(&state.store, org_id, id).await?;
    for (cid, c) in &customers {
        let Some(to) = &c.notice_email else { continue };
        let done = sent
            .iter()
            .filter(|n| n.customer_id == Some(*cid) && n.delivered)
            .map(|n| n.phase)
            .max();
        let from = match done {
            Some(p) if p >= total => continue,
            Some(p) => usize::try_from(p).unwrap_or(0),
            None => 0,
        };
        let mail = processor_mail::breach_notice(
            language,
            &BreachText {
                organisation: &name,
                breach: b,
                aware: moment(b.aware_at),
                occurred: b.occurred_at.map(moment),
                contained: b.contained_at.map(moment),
                data_categories: data_categories.clone(),
                subject_categories: subject_categories.clone(),
                updates: b.updates[from..]
                    .iter()
                    .map(|u| (moment(u.at), u.text.clone()))
                    .collect(),
                is_update: done.is_some(),
            },
        );
        let outcome = match &state.security.mailer {
            Some(m) => m.deliver(to, mail).await,
            None => Err("no mail relay is configured (smtp_host)".to_owned()),
        };
        breach_notices::record(
            &state.store,
            actor,
            org_id,
            Sent {
                breach: id,
                customer: *cid,
                customer_name: &c.name,
                sent_to: to,
                phase: total,
                due_at: clocks::controller_notice_due(b.aware_at, c.breach_hours()),
                outcome,
            },
            state.clock.now(),
        )
        .await?;
    }
    let result = breach_notices(state, org_id, id).await?;
    let all_told = result.customers.iter().all(|c| c.notified_at.is_some());
    if all_told && breach.data.controllers_notified_at.is_none() {
        breach.data.controllers_notified_at =
            result.customers.iter().filter_map(|c| c.notified_at).max();
        records::update(
            &state.store,
            actor,
            Scope::Org(org_id),
            id,
            breach.data,
            state.clock.now(),
        )
        .await?;
    }
    Ok(result)
}
