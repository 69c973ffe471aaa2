//! The processor toolkit's e-mail: a subscription's confirmation, a sub-processor change
//! notice, and a breach notice (or update) to a customer. Written in the recipient's
//! language: a subscriber's is the page they subscribed from, a customer's the
//! organisation's default.

use pactum_domain::organisation::Language;
use pactum_domain::processor::notice::NoticeKind;
use pactum_domain::registers::breach::Breach;

use crate::mail::Mail;

fn footer(language: Language, organisation: &str) -> String {
    match language {
        Language::En => format!("\n\n-- \nSent by Pactum on behalf of {organisation}."),
        Language::Nl => format!("\n\n-- \nVerzonden door Pactum namens {organisation}."),
    }
}

pub fn confirm_subscription(language: Language, organisation: &str, link: &str) -> Mail {
    let (subject, body) = match language {
        Language::En => (
            format!("Confirm: sub-processor notices of {organisation}"),
            format!(
                "Someone, probably you, asked to receive {organisation}'s notices of changes to its sub-processors at this address.\n\nConfirm within 48 hours:\n{link}\n\nIf it was not you, ignore this message: nothing will be sent."
            ),
        ),
        Language::Nl => (
            format!("Bevestig: meldingen over subverwerkers van {organisation}"),
            format!(
                "Iemand, waarschijnlijk u, vroeg op dit adres de meldingen van {organisation} over wijzigingen in subverwerkers te ontvangen.\n\nBevestig binnen 48 uur:\n{link}\n\nWas u het niet? Negeer dit bericht dan: er wordt niets verzonden."
            ),
        ),
    };
    Mail {
        kind: "subscription_confirmation",
        subject,
        body: format!("{body}{}", footer(language, organisation)),
    }
}

/// What a change notice says.
pub struct NoticeText<'a> {
    pub organisation: &'a str,
    pub kind: NoticeKind,
    pub name: &'a str,
    pub purpose: Option<&'a str>,
    /// Country name in the recipient's language.
    pub location: Option<String>,
    /// Mechanism name in the recipient's language.
    pub mechanism: Option<String>,
    pub replaces: Option<&'a str>,
    pub details: Option<&'a str>,
    pub effective: String,
    pub objection_link: &'a str,
    pub trust_link: &'a str,
    pub unsubscribe_link: &'a str,
}

pub fn subprocessor_notice(language: Language, n: &NoticeText<'_>) -> Mail {
    let en = language == Language::En;
    let what = match (n.kind, en) {
        (NoticeKind::Addition, true) => format!("adds {} as a sub-processor", n.name),
        (NoticeKind::Addition, false) => format!("schakelt {} in als subverwerker", n.name),
        (NoticeKind::Replacement, true) => format!(
            "replaces {} by {} as a sub-processor",
            n.replaces.unwrap_or("?"),
            n.name
        ),
        (NoticeKind::Replacement, false) => format!(
            "vervangt subverwerker {} door {}",
            n.replaces.unwrap_or("?"),
            n.name
        ),
        (NoticeKind::Removal, true) => format!("stops using {} as a sub-processor", n.name),
        (NoticeKind::Removal, false) => format!("stopt met subverwerker {}", n.name),
    };
    let mut lines = vec![if en {
        format!("{} {what} from {}.", n.organisation, n.effective)
    } else {
        format!("{} {what} per {}.", n.organisation, n.effective)
    }];
    let label = |en_l: &str, nl_l: &str| if en { en_l.to_owned() } else { nl_l.to_owned() };
    for (l, v) in [
        (label("Purpose", "Doel"), n.purpose.map(str::to_owned)),
        (label("Location", "Locatie"), n.location.clone()),
        (
            label("Transfer mechanism", "Doorgiftegrondslag"),
            n.mechanism.clone(),
        ),
        (
            label("Details", "Toelichting"),
            n.details.map(str::to_owned),
        ),
    ] {
        if let Some(v) = v {
            lines.push(format!("{l}: {v}"));
        }
    }
    let body = if en {
        format!(
            "{}\n\nYou may object to this change on reasoned grounds until it takes effect:\n{}\n\nAll notices: {}\n\nStop receiving these notices: {}",
            lines.join("\n"),
            n.objection_link,
            n.trust_link,
            n.unsubscribe_link
        )
    } else {
        format!(
            "{}\n\nU kunt tot de ingangsdatum met redenen bezwaar maken tegen deze wijziging:\n{}\n\nAlle meldingen: {}\n\nGeen meldingen meer ontvangen: {}",
            lines.join("\n"),
            n.objection_link,
            n.trust_link,
            n.unsubscribe_link
        )
    };
    Mail {
        kind: "subprocessor_notice",
        subject: if en {
            format!(
                "{}: sub-processor change from {}",
                n.organisation, n.effective
            )
        } else {
            format!(
                "{}: wijziging subverwerkers per {}",
                n.organisation, n.effective
            )
        },
        body: format!("{body}{}", footer(language, n.organisation)),
    }
}

/// The Art. 33(3) contents of a breach as far as known, for a customer.
pub struct BreachText<'a> {
    pub organisation: &'a str,
    pub breach: &'a Breach,
    /// Moments already written in the organisation's time zone and the language.
    pub aware: String,
    pub occurred: Option<String>,
    pub contained: Option<String>,
    /// Category names in the language.
    pub data_categories: Vec<String>,
    pub subject_categories: Vec<String>,
    /// Updates not sent to this customer before: (when, text).
    pub updates: Vec<(String, String)>,
    /// False for the first notice.
    pub is_update: bool,
}

pub fn breach_notice(language: Language, b: &BreachText<'_>) -> Mail {
    let en = language == Language::En;
    let unknown = if en {
        "not yet known"
    } else {
        "nog niet bekend"
    };
    let or_unknown = |v: Option<String>| v.unwrap_or_else(|| unknown.to_owned());
    let list = |v: &[String]| (!v.is_empty()).then(|| v.join(", "));
    let breach = b.breach;
    let title = match &breach.reference {
        Some(r) => format!("{} ({r})", breach.title),
        None => breach.title.clone(),
    };
    let mut out = Vec::new();
    if b.is_update {
        out.push(if en {
            format!("{} sends further information about the personal data breach it notified you of (Art. 33(4) GDPR): {title}.", b.organisation)
        } else {
            format!("{} stuurt aanvullende informatie over het datalek dat het u meldde (art. 33 lid 4 AVG): {title}.", b.organisation)
        });
        for (at, text) in &b.updates {
            out.push(format!("\n{at}\n{text}"));
        }
        out.push(String::new());
    } else {
        out.push(if en {
            format!("{} processes personal data on your behalf and notifies you of a personal data breach (Art. 33(2) GDPR): {title}.\nThis notice gives what is known now (Art. 33(3)); more follows as it becomes known (Art. 33(4)).", b.organisation)
        } else {
            format!("{} verwerkt persoonsgegevens in uw opdracht en meldt u een inbreuk in verband met persoonsgegevens (art. 33 lid 2 AVG): {title}.\nDeze melding geeft wat nu bekend is (art. 33 lid 3); meer volgt zodra het bekend is (art. 33 lid 4).", b.organisation)
        });
    }
    let rows: Vec<(&str, &str, String)> = vec![
        ("Became aware", "Ontdekt", b.aware.clone()),
        ("Occurred", "Ontstaan", or_unknown(b.occurred.clone())),
        ("Contained", "Ingeperkt", or_unknown(b.contained.clone())),
        (
            "(a) Nature of the breach",
            "(a) Aard van de inbreuk",
            or_unknown(breach.description.clone()),
        ),
        (
            "(a) Categories of personal data",
            "(a) Categorieën persoonsgegevens",
            or_unknown(list(&b.data_categories)),
        ),
        (
            "(a) Categories of data subjects",
            "(a) Categorieën betrokkenen",
            or_unknown(list(&b.subject_categories)),
        ),
        (
            "(a) Approximate number of data subjects",
            "(a) Geschat aantal betrokkenen",
            or_unknown(breach.subjects_approx.map(|n| n.to_string())),
        ),
        (
            "(a) Approximate number of records",
            "(a) Geschat aantal registraties",
            or_unknown(breach.records_approx.map(|n| n.to_string())),
        ),
        (
            "(b) Contact point",
            "(b) Contactpunt",
            or_unknown(breach.contact.clone()),
        ),
        (
            "(c) Likely consequences",
            "(c) Waarschijnlijke gevolgen",
            or_unknown(breach.consequences.clone()),
        ),
        (
            "(d) Measures taken or proposed",
            "(d) Genomen of voorgestelde maatregelen",
            or_unknown(breach.measures.clone()),
        ),
    ];
    if !b.is_update || !b.updates.is_empty() {
        out.push(if en {
            "Where things stand:".to_owned()
        } else {
            "Stand van zaken:".to_owned()
        });
    }
    for (l_en, l_nl, v) in rows {
        out.push(format!("{}: {v}", if en { l_en } else { l_nl }));
    }
    if !b.is_update && !b.updates.is_empty() {
        out.push(String::new());
        out.push(if en {
            "Updates so far:".to_owned()
        } else {
            "Aanvullingen tot nu toe:".to_owned()
        });
        for (at, text) in &b.updates {
            out.push(format!("{at}: {text}"));
        }
    }
    Mail {
        kind: if b.is_update {
            "breach_update"
        } else {
            "breach_notice"
        },
        subject: match (b.is_update, en) {
            (false, true) => format!(
                "Personal data breach notice from {}: {title}",
                b.organisation
            ),
            (false, false) => format!("Melding datalek van {}: {title}", b.organisation),
            (true, true) => format!(
                "Update on the breach notice from {}: {title}",
                b.organisation
            ),
            (true, false) => format!(
                "Aanvulling op de datalekmelding van {}: {title}",
                b.organisation
            ),
        },
        body: format!("{}{}", out.join("\n"), footer(language, b.organisation)),
    }
}
