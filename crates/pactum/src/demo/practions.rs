//! Practions (Klaver Solutions): a coaching platform that processes its customers' client
//! data as processor. Everything here comes from its data processing agreement
//! (Articles 2, 3, 6, 9 and 12, Annexes 1 to 3); what the agreement leaves open is said so
//! in the record instead of being invented.

use pactum_domain::assessments::dpia::Dpia;
use pactum_domain::assessments::risk::RiskAssessment;
use pactum_domain::datamap::backup_strategy::BackupStrategy;
use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::data_user::DataUser;
use pactum_domain::datamap::processing_activity::ProcessingActivity;
use pactum_domain::datamap::security_measure::SecurityMeasure;
use pactum_domain::datamap::service::Service;
use pactum_domain::datamap::transfer::Transfer;
use pactum_domain::datamap::vendor::Vendor;
use pactum_store::Store;
use pactum_store::scope::Scope;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Seeder, organisation};

const AFTER_CARE: &str =
    "end of the Agreement: 90-day grace period for export, then deletion from production";

pub async fn seed(store: &Store, now: OffsetDateTime) -> anyhow::Result<Scope> {
    let scope = organisation(
        store,
        json!({
            "slug": "practions",
            "legal_name": "Klaver Solutions",
            "trade_name": "Practions",
            "country": "NL",
            "role": "both",
            "default_language": "nl",
            "timezone": "Europe/Amsterdam"
        }),
        "privacy@practions.example",
        (
            "Practions coaching platform",
            "Online platform for managing a coaching practice: client administration, session calendar, real-time transcription, AI-supported session notes, file exchange, invoicing, payment processing and accounting integration (DPA Article 2).",
        ),
        now,
    )
    .await?;
    let s = Seeder { store, scope, now };

    // Annex 2 names one sub-processor (Article 9); Sentry is named in Annex 3 as optional.
    let azure = s
        .add::<Vendor>(json!({
            "name": "Microsoft Azure OpenAI",
            "role": "sub_processor",
            "purpose": "AI-supported session notes and suggestions in production.",
            "description": "Used exclusively in EU regions (DPA Article 9). The direct OpenAI API in the United States is not used in production. The agreement does not name the region: confirm it with the vendor.",
            "dpa_reference": "Annex 2, Sub-processor List (https://practions.com/en/sub-processors)"
        }))
        .await?;
    let sentry = s
        .add::<Vendor>(json!({
            "name": "Sentry",
            "role": "sub_processor",
            "purpose": "Optional error monitoring of the Service.",
            "country": "US",
            "transfer_mechanism": "scc",
            "description": "Optional. Events pass a PII scrubber and a forbidden-fields filter before they are sent (Annex 3)."
        }))
        .await?;
    let backups = s
        .add::<BackupStrategy>(json!({
            "name": "Production backups",
            "retention": "Overwritten within 30 days after deletion from production (Article 12)",
            "description": "The agreement states the overwrite period; frequency, location and encryption of backups are not stated and should be recorded."
        }))
        .await?;

    let service = |name: &str, description: &str| json!({"name": name, "description": description, "provider": "Practions", "backup_strategy_id": backups, "confidentiality": "confidential"});
    let admin = s
        .add::<Service>(service(
            "Client administration",
            "Client records and profiles of the coaching practice.",
        ))
        .await?;
    let sessions = s
        .add::<Service>(service(
            "Coaching sessions",
            "Session calendar, real-time transcription and session notes.",
        ))
        .await?;
    let mut ai = service(
        "AI note assistance",
        "AI-supported session notes and optional AI suggestions on notes, enabled per practice and subject to per-session consent.",
    );
    ai["vendor_id"] = json!(azure);
    let ai = s.add::<Service>(ai).await?;
    let protocol = s.add::<Service>(service("Coaching protocol", "Goals, habits, programs, enrollments, groups, rule-based client insights and automations.")).await?;
    let portal = s
        .add::<Service>(service(
            "Client portal",
            "Portal accounts for clients, messaging and file exchange with the coach.",
        ))
        .await?;
    let billing = s
        .add::<Service>(service(
            "Invoicing and payments",
            "Invoicing, payment processing and accounting integration.",
        ))
        .await?;

    let item = |service: Uuid, name: &str, category: &str, examples: &str, subject: &str| {
        json!({
            "service_id": service, "name": name, "category": category, "examples": examples,
            "subject_category": subject, "source": "Controller (the coach) and the client",
            "legal_basis": "contract",
            "retention_amount": 90, "retention_unit": "days", "retention_trigger": AFTER_CARE,
            "retention_rationale": "After-care of Article 12(2): export window, then deletion; backups overwritten within 30 days."
        })
    };
    let clients = "clients_of_customers";
    let name = s
        .add::<DataItem>(item(admin, "Name", "identity.name", "name", clients))
        .await?;
    let email = s
        .add::<DataItem>(item(
            admin,
            "E-mail address",
            "contact.email",
            "email",
            clients,
        ))
        .await?;
    let phone = s
        .add::<DataItem>(item(
            admin,
            "Phone number",
            "contact.phone",
            "phone",
            clients,
        ))
        .await?;
    let address = s
        .add::<DataItem>(item(
            admin,
            "Postal address",
            "contact.postal_address",
            "postal address",
            clients,
        ))
        .await?;
    let profile = s
        .add::<DataItem>(item(
            admin,
            "Client profile",
            "online.profiling",
            "initials, photo, focus of coaching, frequency, status of relationship",
            clients,
        ))
        .await?;
    let mut content = item(
        sessions,
        "Coaching content",
        "special.health",
        "session transcripts, session notes, private notes, themes, action items",
        clients,
    );
    content["legal_basis"] = json!("consent");
    content["art9_condition"] = json!("explicit_consent");
    content["description"] = json!(
        "Special category (Art. 9): coaching content can reveal health. The controller warrants a valid basis, in principle the client's explicit consent (Article 3); the Service records consent per session for recording, transcription and AI processing."
    );
    let content = s.add::<DataItem>(content).await?;
    let mut suggestions = item(
        ai,
        "AI suggestions on notes",
        "communications.content",
        "optional AI suggestions on notes",
        clients,
    );
    suggestions["sensitivity"] = json!("special");
    suggestions["legal_basis"] = json!("consent");
    suggestions["art9_condition"] = json!("explicit_consent");
    let suggestions = s.add::<DataItem>(suggestions).await?;
    let protocol_items = s
        .add::<DataItem>(item(
            protocol,
            "Coaching protocol layers",
            "communications.content",
            "coach-defined goals (Goals), habits (Habits), program enrollments (Programs/Enrollments), group membership (Groups), rule-based client insights (ClientInsights), automations (Automations)",
            clients,
        ))
        .await?;
    let portal_account = s
        .add::<DataItem>(item(
            portal,
            "Client portal account",
            "account.profile",
            "email address, hashed password, optional name, photo, phone; a single portal account may be linked to multiple coaches",
            clients,
        ))
        .await?;
    let mut consent = item(
        portal,
        "Consent records",
        "consent.records",
        "timestamp, IP address, user-agent, version of consent text shown",
        clients,
    );
    consent["legal_basis"] = json!("legal_obligation");
    let consent = s.add::<DataItem>(consent).await?;
    let messages = s
        .add::<DataItem>(item(
            portal,
            "Messaging and file exchange",
            "communications.content",
            "messages, attachments",
            clients,
        ))
        .await?;
    let mut telemetry = item(
        portal,
        "Security telemetry of portal sessions",
        "online.security_logs",
        "IP, user-agent, login timestamps",
        clients,
    );
    telemetry["legal_basis"] = json!("legitimate_interests");
    let telemetry = s.add::<DataItem>(telemetry).await?;
    let mut financial = item(
        billing,
        "Financial data",
        "financial.invoicing",
        "invoice lines, VAT status, payment status, billing address",
        "contact_persons",
    );
    financial["legal_basis"] = json!("legal_obligation");
    financial["retention_amount"] = json!(7);
    financial["retention_unit"] = json!("years");
    financial["retention_trigger"] = json!("the invoice (Dutch fiscal retention obligation)");
    financial["retention_rationale"] = json!(
        "Retained for seven years under the Dutch tax retention obligation (Article 12); deletion is operator-confirmed, never automatic (Annex 3)."
    );
    let financial = s.add::<DataItem>(financial).await?;

    s.add::<DataUser>(json!({"role": "Coach (customer's user)", "access_level": "write", "service_ids": [admin, sessions, ai, protocol, portal, billing], "description": "Works with the data of their own clients only."}))
        .await?;
    s.add::<DataUser>(json!({"role": "Client (portal user)", "access_level": "read", "external": true, "service_ids": [portal], "description": "Sees and exchanges their own messages and files."}))
        .await?;
    s.add::<DataUser>(json!({"role": "Practions support and operations", "access_level": "admin", "service_ids": [admin, sessions, portal, billing], "description": "Bound by a confidentiality undertaking; access rights reviewed periodically (Annex 3)."}))
        .await?;

    let to_azure = s
        .add::<Transfer>(json!({
            "service_id": ai, "recipient": "Microsoft Azure OpenAI (EU region)", "vendor_id": azure, "country": "NL",
            "description": "Session content for AI-supported notes, only with the client's per-session consent. The agreement says \"EU regions\" without naming one; NL is recorded until the vendor confirms the region.",
            "data_item_ids": [content, suggestions]
        }))
        .await?;
    let to_sentry = s
        .add::<Transfer>(json!({
            "service_id": portal, "recipient": "Sentry (error monitoring, optional)", "vendor_id": sentry, "country": "US", "mechanism": "scc",
            "description": "Error events after PII scrubbing and a forbidden-fields filter; supplemented by a transfer impact assessment where needed (Article 9)."
        }))
        .await?;

    let annex3 = [
        ("encryption.in_transit_tls", None),
        (
            "encryption.at_rest_column_keys",
            Some(
                "Substantive session data (transcripts, session summaries, private notes, transcript lines), TOTP seeds and sub-processor API tokens, with separate Fernet keys per column category.",
            ),
        ),
        ("auth.password_hashing_prehash", None),
        ("auth.short_lived_tokens", None),
        (
            "auth.totp_2fa",
            Some("Optional, with encrypted seed and bcrypt-hashed recovery codes."),
        ),
        ("auth.secure_cookies", None),
        ("auth.csrf_protection", None),
        (
            "access.role_based",
            Some("Role-based access for administrative functions."),
        ),
        ("network.egress_allowlist", None),
        ("network.hsts", None),
        ("network.csp", None),
        ("network.permissions_policy", None),
        ("network.rate_limiting", None),
        ("logging.audit_log", None),
        ("logging.pii_scrubber", None),
        ("logging.error_monitoring_scrubbed", None),
        (
            "retention.daily_batch",
            Some("Per-table retention periods as set out in Article 7 of the Privacy Policy."),
        ),
        ("retention.tax_hold", None),
        (
            "retention.deletion_after_termination",
            Some(
                "90-day export window, then deletion from production; backups overwritten within 30 days (Article 12).",
            ),
        ),
        (
            "app.consent_records",
            Some(
                "Per-session consent recording for recording, transcription and AI processing (Article 3).",
            ),
        ),
        ("org.confidentiality_undertaking", None),
        (
            "org.subprocessor_obligations",
            Some("Article 6(5): the same obligations, in particular Art. 28(4) GDPR."),
        ),
        ("access.periodic_review", None),
        (
            "org.incident_response",
            Some("Breaches reported to the controller within 24 hours of discovery (Article 7)."),
        ),
    ];
    let mut measures = Vec::new();
    for (key, description) in annex3 {
        measures.push(
            s.add::<SecurityMeasure>(
                json!({"key": key, "status": "implemented", "description": description}),
            )
            .await?,
        );
    }
    let protocol_encryption = s.add::<SecurityMeasure>(json!({
        "key": "encryption.at_rest_column_keys",
        "name": "Encryption at rest of coaching protocol metadata",
        "status": "planned",
        "description": "Goals, Habits, Programs, Enrollments, Groups, ClientInsights, Automations and AI suggestions on notes are not separately encrypted at rest in the current release; they are under the same access, audit and network controls. Extending encryption is on the roadmap (Annex 3)."
    }))
    .await?;

    let controllers = "Each customer (coach or coaching practice) that has an Agreement for the Service; the DPA applies automatically.";
    let activity = |name: &str,
                    purposes: &str,
                    items: Vec<Uuid>,
                    transfers: Vec<Uuid>,
                    subjects: Vec<&str>,
                    retention: &str| {
        json!({
            "name": name, "purposes": purposes, "role": "processor", "controllers": controllers,
            "subject_categories": subjects, "data_item_ids": items, "transfer_ids": transfers,
            "security_measure_ids": measures, "retention": retention,
            "recipients": "The controller and its clients; sub-processors listed in Annex 2."
        })
    };
    let after_care = "90-day export window after the Agreement ends, then deletion; backups overwritten within 30 days.";
    let all_clients = vec!["clients_of_customers"];
    s.add::<ProcessingActivity>(activity(
        "Client administration",
        "Keeping the client records and client profiles of the coaching practice.",
        vec![name, email, phone, address, profile],
        vec![],
        all_clients.clone(),
        after_care,
    ))
    .await?;
    s.add::<ProcessingActivity>(activity(
        "Session calendar and real-time transcription",
        "Planning coaching sessions and transcribing them in real time for the coach.",
        vec![name, content],
        vec![],
        all_clients.clone(),
        after_care,
    ))
    .await?;
    let ai_notes = s.add::<ProcessingActivity>(activity("AI-supported session notes", "Drafting session notes and optional suggestions with AI, when the practice enables it and the client consented for the session.", vec![content, suggestions], vec![to_azure], all_clients.clone(), after_care)).await?;
    s.add::<ProcessingActivity>(activity("Coaching protocol", "Goals, habits, programs, groups, rule-based insights and automations that structure the coaching.", vec![protocol_items], vec![], all_clients.clone(), after_care)).await?;
    s.add::<ProcessingActivity>(activity("Client portal: messaging and file exchange", "Giving clients a portal account to exchange messages and files with their coach, and recording their consent.", vec![portal_account, messages, consent, telemetry], vec![], all_clients.clone(), after_care)).await?;
    s.add::<ProcessingActivity>(activity("Invoicing, payment processing and accounting integration", "Invoicing clients on behalf of the coach, processing payments and passing entries to the coach's accounting.", vec![name, email, address, financial], vec![], vec!["clients_of_customers", "contact_persons"], "Invoicing data seven years (Dutch tax retention obligation); the rest as the after-care.")).await?;
    // The risks Annex 3 itself points at, and a DPIA screening of the AI notes. The
    // agreement records no DPIA: the screening stays open, as the assessment shows.
    // Annex 3's first two: TLS, and encryption at rest of session data.
    let session_measures: Vec<Uuid> = measures.iter().take(2).copied().collect();
    s.add::<RiskAssessment>(json!({
        "service_id": protocol,
        "threat": "Disclosure of coaching protocol metadata from a copy of the database",
        "description": "Goals, habits, programs, groups, insights and automations are not separately encrypted at rest in the current release (Annex 3).",
        "likelihood": 2, "impact": 3, "residual_likelihood": 2, "residual_impact": 3,
        "treatment": "mitigate", "security_measure_ids": [protocol_encryption],
        "review_on": "2027-03-31"
    }))
    .await?;
    s.add::<RiskAssessment>(json!({
        "service_id": sessions,
        "threat": "Unauthorised access to session transcripts and notes",
        "description": "Coaching content can reveal health and other special categories (Annex 1).",
        "likelihood": 3, "impact": 4, "residual_likelihood": 1, "residual_impact": 4,
        "treatment": "mitigate", "security_measure_ids": session_measures,
        "review_on": "2027-06-30"
    }))
    .await?;
    s.add::<Dpia>(json!({
        "name": "AI-supported session notes",
        "processing_activity_id": ai_notes,
        "criteria": ["sensitive_data", "innovative_technology"],
        "criteria_notes": "Session content is special-category data (Annex 1) and is processed with a generative AI model (Article 9). As processor, Practions assists its customers' DPIAs (Art. 28(3)(f)); the agreement does not record one."
    }))
    .await?;
    s.add::<ProcessingActivity>(activity("Securing, maintaining and developing the Service", "Delivering, securing, maintaining and further developing the Service, and complying with statutory obligations of the processor (Article 2).", vec![telemetry], vec![to_sentry], all_clients, after_care)).await?;
    Ok(scope)
}
