//! What a credential may do. API tokens carry scopes; the accounts system will add roles on
//! top, and both are checked in one place in the web layer.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::validation::{Violations, limits};

/// A permission carried by an API token. Each scope includes the ones before it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Read the organisation's data and exports.
    Read,
    /// Also create, change and delete records.
    Write,
    /// Also manage the organisation itself: details, members, tokens, imports.
    Admin,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
            TokenScope::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "read" => Some(TokenScope::Read),
            "write" => Some(TokenScope::Write),
            "admin" => Some(TokenScope::Admin),
            _ => None,
        }
    }
}

/// A request for a new token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for ("CI export", "Zapier").
    pub name: String,
    /// The highest scope granted; defaults to read.
    #[serde(default = "default_scope")]
    pub scope: TokenScope,
    /// Days until the token expires; none for no expiry.
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

fn default_scope() -> TokenScope {
    TokenScope::Read
}

impl NewToken {
    pub fn normalise(&mut self) {
        crate::text::tidy(&mut self.name);
    }

    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.required_line("name", &self.name, limits::NAME);
        if let Some(d) = self.expires_in_days
            && !(1..=3650).contains(&d)
        {
            v.add(
                "expires_in_days",
                "range",
                "expires_in_days must be from 1 to 3650.",
            );
        }
        v.into_result()
    }
}
