//! Account e-mail: address verification, password reset, and notices when a password, an
//! address or two-factor authentication changes. Sent over SMTP (lettre) in the background,
//! so a slow mail server never holds up a request and a failure never reveals whether an
//! address has an account.
//!
//! Plain SMTP to a relay the operator runs next to Pactum (a local MTA or a relay on the
//! private network), which takes care of TLS onwards.

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use pactum_domain::organisation::Language;

/// Where mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// The sender, such as `Pactum <pactum@example.com>`.
    pub from: String,
}

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("smtp_from is not a valid mailbox: {0}")]
    From(String),
}

impl Mailer {
    pub fn new(settings: &SmtpSettings) -> Result<Self, MailError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::From(e.to_string()))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .build();
        Ok(Self { transport, from })
    }

    fn message(&self, to: &str, mail: Mail) -> Result<Message, String> {
        let to: Mailbox = to
            .parse()
            .map_err(|e: lettre::address::AddressError| e.to_string())?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body)
            .map_err(|e| e.to_string())
    }

    /// Queues a message; the outcome is logged, never returned to the requester.
    pub fn send(&self, to: &str, mail: Mail) {
        let kind = mail.kind;
        let message = match self.message(to, mail) {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(kind, error = %e, "could not build account mail");
                return;
            }
        };
        let transport = self.transport.clone();
        tokio::spawn(async move {
            match transport.send(message).await {
                Ok(_) => tracing::info!(kind, "account mail sent"),
                Err(e) => tracing::warn!(kind, error = %e, "account mail could not be sent"),
            }
        });
    }

    /// Sends a message and waits for the relay to take it: for work that records what was
    /// sent (reminders), where a failure must be known.
    pub async fn deliver(&self, to: &str, mail: Mail) -> Result<(), String> {
        let message = self.message(to, mail)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// One message, in the recipient's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// For logs: which message, never to whom.
    pub kind: &'static str,
    pub subject: String,
    pub body: String,
}

const SIGNATURE_EN: &str = "\n\n-- \nPactum\nYou get this message because of your Pactum account.";
const SIGNATURE_NL: &str = "\n\n-- \nPactum\nU ontvangt dit bericht vanwege uw Pactum-account.";

fn mail(kind: &'static str, language: Language, en: (&str, String), nl: (&str, String)) -> Mail {
    let (subject, body, signature) = match language {
        Language::En => (en.0, en.1, SIGNATURE_EN),
        Language::Nl => (nl.0, nl.1, SIGNATURE_NL),
    };
    Mail {
        kind,
        subject: subject.to_owned(),
        body: format!("{body}{signature}"),
    }
}

pub fn verify_email(language: Language, link: &str) -> Mail {
    mail(
        "verify_email",
        language,
        (
            "Confirm your e-mail address",
            format!(
                "Confirm your e-mail address for Pactum by opening this link within 24 hours:\n\n{link}\n\nIf you did not create an account, ignore this message."
            ),
        ),
        (
            "Bevestig uw e-mailadres",
            format!(
                "Bevestig uw e-mailadres voor Pactum door binnen 24 uur deze link te openen:\n\n{link}\n\nHeeft u geen account aangemaakt? Dan kunt u dit bericht negeren."
            ),
        ),
    )
}

pub fn reset_password(language: Language, link: &str) -> Mail {
    mail(
        "reset_password",
        language,
        (
            "Reset your password",
            format!(
                "Someone (hopefully you) asked to reset the password of your Pactum account. Open this link within 1 hour to choose a new one:\n\n{link}\n\nIf this was not you, ignore this message: your password stays as it is."
            ),
        ),
        (
            "Stel uw wachtwoord opnieuw in",
            format!(
                "Iemand (hopelijk u) heeft gevraagd het wachtwoord van uw Pactum-account opnieuw in te stellen. Open binnen 1 uur deze link om een nieuw wachtwoord te kiezen:\n\n{link}\n\nWas u dit niet? Negeer dan dit bericht: uw wachtwoord blijft ongewijzigd."
            ),
        ),
    )
}

/// A security change to the account, sent to the address that was on it.
pub fn notice(language: Language, change: Change) -> Mail {
    let (kind, en, nl) = match change {
        Change::Password => (
            "notice_password",
            "The password of your Pactum account was changed.",
            "Het wachtwoord van uw Pactum-account is gewijzigd.",
        ),
        Change::Email => (
            "notice_email",
            "The e-mail address of your Pactum account was changed; this address no longer receives its messages.",
            "Het e-mailadres van uw Pactum-account is gewijzigd; dit adres ontvangt de berichten van het account niet meer.",
        ),
        Change::TwoFactorOn => (
            "notice_2fa_on",
            "Two-factor authentication was turned on for your Pactum account.",
            "Tweestapsverificatie is ingeschakeld voor uw Pactum-account.",
        ),
        Change::TwoFactorOff => (
            "notice_2fa_off",
            "Two-factor authentication was turned off for your Pactum account.",
            "Tweestapsverificatie is uitgeschakeld voor uw Pactum-account.",
        ),
    };
    mail(
        kind,
        language,
        (
            "Security change to your Pactum account",
            format!(
                "{en} All other sessions were signed out.\n\nIf this was not you, reset your password at once and tell your Pactum administrator."
            ),
        ),
        (
            "Beveiligingswijziging in uw Pactum-account",
            format!(
                "{nl} Alle andere sessies zijn afgemeld.\n\nWas u dit niet? Stel dan direct uw wachtwoord opnieuw in en waarschuw uw Pactum-beheerder."
            ),
        ),
    )
}

/// The receipt of a request made through an organisation's public form.
pub fn intake_receipt(language: Language, organisation: &str, reference: &str, due: &str) -> Mail {
    let (subject, body) = match language {
        Language::En => (
            format!("Your request to {organisation}: {reference}"),
            format!(
                "{organisation} received your request. Its reference is {reference}; please quote it if you write about it.\n\nThe law gives {organisation} until {due} to answer (one month, Art. 12(3) GDPR). They may first ask you to confirm who you are.\n\nIf you did not make this request, you can ignore this message."
            ),
        ),
        Language::Nl => (
            format!("Uw verzoek aan {organisation}: {reference}"),
            format!(
                "{organisation} heeft uw verzoek ontvangen. Het kenmerk is {reference}; vermeld dat als u erover schrijft.\n\nDe wet geeft {organisation} tot {due} om te antwoorden (een maand, art. 12 lid 3 AVG). Mogelijk wordt u eerst gevraagd te bevestigen wie u bent.\n\nHeeft u dit verzoek niet gedaan? Dan kunt u dit bericht negeren."
            ),
        ),
    };
    Mail {
        kind: "intake_receipt",
        subject,
        body: format!("{body}\n\n-- \nPactum"),
    }
}

/// A deadline is near: sent to a case's assignee and the organisation's admins.
pub fn reminder(language: Language, what: &str, due: &str, left: &str, link: &str) -> Mail {
    let (subject, body, signature) = match language {
        Language::En => (
            format!("Deadline {left}: {what}"),
            format!(
                "{what}\n\nDeadline: {due} ({left}).\n\nOpen it in Pactum:\n{link}\n\nYou get this reminder as the person handling it or as an administrator of the organisation."
            ),
            SIGNATURE_EN,
        ),
        Language::Nl => (
            format!("Termijn {left}: {what}"),
            format!(
                "{what}\n\nUiterste moment: {due} ({left}).\n\nOpen het in Pactum:\n{link}\n\nU ontvangt deze herinnering als behandelaar of als beheerder van de organisatie."
            ),
            SIGNATURE_NL,
        ),
    };
    Mail {
        kind: "reminder",
        subject,
        body: format!("{body}{signature}"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Password,
    Email,
    TwoFactorOn,
    TwoFactorOff,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_speak_the_recipients_language() {
        let en = reset_password(Language::En, "https://pactum.example/reset#t");
        let nl = reset_password(Language::Nl, "https://pactum.example/reset#t");
        assert!(en.body.contains("https://pactum.example/reset#t"));
        assert!(nl.subject.contains("wachtwoord"));
        assert!(nl.body.contains("Pactum-account"));
        assert_ne!(en.body, nl.body);
    }
}
