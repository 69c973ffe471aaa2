//! Finds personal data in free text, fast and exactly: e-mail addresses, phone numbers,
//! IBANs, Dutch BSNs, EU VAT numbers, payment cards, IP addresses, JWTs, password hashes,
//! long hex tokens, API keys and URLs with credentials. Values with a checksum (IBAN, BSN,
//! card, Dutch VAT) are only reported when the checksum holds.
//!
//! One pass over the bytes, no regular expressions, no allocation for text without
//! findings. Spans are byte offsets on character boundaries.

pub mod checks;
pub mod redact;
pub mod scope;
#[cfg(feature = "tracing")]
pub mod writer;

mod scanner;

use serde::Serialize;

pub use redact::{Policy, Redactor, redact, redact_stream};
pub use scanner::scan;

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Email,
    /// The part before the `@` of an address whose domain is cut off or masked.
    EmailLocalPart,
    Phone,
    Iban,
    Bsn,
    VatNumber,
    CardNumber,
    Ipv4,
    Ipv6,
    Jwt,
    PasswordHash,
    HexToken,
    ApiKey,
    CredentialUrl,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::Email,
        Kind::EmailLocalPart,
        Kind::Phone,
        Kind::Iban,
        Kind::Bsn,
        Kind::VatNumber,
        Kind::CardNumber,
        Kind::Ipv4,
        Kind::Ipv6,
        Kind::Jwt,
        Kind::PasswordHash,
        Kind::HexToken,
        Kind::ApiKey,
        Kind::CredentialUrl,
    ];

    /// The mask used by [`Policy::Mask`], e.g. `EMAIL`.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Email => "EMAIL",
            Kind::EmailLocalPart => "EMAIL_LOCAL",
            Kind::Phone => "PHONE",
            Kind::Iban => "IBAN",
            Kind::Bsn => "BSN",
            Kind::VatNumber => "VAT",
            Kind::CardNumber => "CARD",
            Kind::Ipv4 => "IPV4",
            Kind::Ipv6 => "IPV6",
            Kind::Jwt => "JWT",
            Kind::PasswordHash => "PASSWORD_HASH",
            Kind::HexToken => "HEX_TOKEN",
            Kind::ApiKey => "API_KEY",
            Kind::CredentialUrl => "CREDENTIAL_URL",
        }
    }

    /// The snake_case name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::EmailLocalPart => "email_local_part",
            Kind::Phone => "phone",
            Kind::Iban => "iban",
            Kind::Bsn => "bsn",
            Kind::VatNumber => "vat_number",
            Kind::CardNumber => "card_number",
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Jwt => "jwt",
            Kind::PasswordHash => "password_hash",
            Kind::HexToken => "hex_token",
            Kind::ApiKey => "api_key",
            Kind::CredentialUrl => "credential_url",
        }
    }

    /// Whether the kind identifies a person (counted by the breach-scope estimator).
    pub fn identifies_subject(self) -> bool {
        matches!(self, Kind::Email | Kind::Bsn | Kind::Phone | Kind::Iban)
    }
}

/// One finding: its kind, byte span `start..end` and how sure the scanner is (0 to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Finding {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub confidence: f64,
}
