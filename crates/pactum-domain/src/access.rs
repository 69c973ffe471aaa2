//! Who may do what. A member's role in an organisation grants permissions (the matrix
//! below); a credential's scope caps them. The web layer checks both, in one place, for
//! every route; this module is the single source of the rules and of their documentation.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::organisation::MemberRole;
use crate::validation::{Violations, limits};

/// What a route needs. Every organisation route names exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Read the organisation's details, members and its data map.
    Read,
    /// Create, change and delete data-map records and projects.
    Write,
    /// Change organisation details and settings (such as requiring 2FA); add, change and
    /// remove members below owner.
    Manage,
    /// Grant or take the owner role; delete the organisation.
    Own,
    /// Read and export the audit log.
    Audit,
    /// Take the full JSON export of the organisation.
    Export,
    /// Create and revoke one's own API tokens for this organisation.
    Tokens,
}

impl Permission {
    pub const ALL: [Permission; 7] = [
        Permission::Read,
        Permission::Write,
        Permission::Manage,
        Permission::Own,
        Permission::Audit,
        Permission::Export,
        Permission::Tokens,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Read => "read",
            Permission::Write => "write",
            Permission::Manage => "manage",
            Permission::Own => "own",
            Permission::Audit => "audit",
            Permission::Export => "export",
            Permission::Tokens => "tokens",
        }
    }

    /// The lowest token scope that carries this permission.
    pub fn scope(self) -> TokenScope {
        match self {
            Permission::Read | Permission::Audit | Permission::Export => TokenScope::Read,
            Permission::Write => TokenScope::Write,
            Permission::Manage | Permission::Own | Permission::Tokens => TokenScope::Admin,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Permission::Read => "read organisation details, members and the data map",
            Permission::Write => "create, change and delete projects and data-map records",
            Permission::Manage => "change organisation settings; manage members below owner",
            Permission::Own => "grant or take the owner role; delete the organisation",
            Permission::Audit => "read and export the audit log",
            Permission::Export => "take the full JSON export",
            Permission::Tokens => "create and revoke one's own API tokens",
        }
    }
}

/// The permission matrix.
pub fn allows(role: MemberRole, permission: Permission) -> bool {
    use MemberRole::*;
    use Permission::*;
    match permission {
        Read | Tokens => true,
        Write => matches!(role, Owner | Admin | Editor),
        Manage => matches!(role, Owner | Admin),
        Own => matches!(role, Owner),
        // The auditor reads everything and may take the evidence away, but changes nothing.
        Audit | Export => matches!(role, Owner | Admin | Auditor),
    }
}

pub const ROLES: [MemberRole; 5] = [
    MemberRole::Owner,
    MemberRole::Admin,
    MemberRole::Editor,
    MemberRole::Viewer,
    MemberRole::Auditor,
];

pub fn role_name(role: MemberRole) -> &'static str {
    match role {
        MemberRole::Owner => "owner",
        MemberRole::Admin => "admin",
        MemberRole::Editor => "editor",
        MemberRole::Viewer => "viewer",
        MemberRole::Auditor => "auditor",
    }
}

/// The matrix as a Markdown table; the documentation embeds exactly this text and a test
/// keeps the two equal.
pub fn matrix_markdown() -> String {
    let mut out = String::from("| Permission | Token scope | What it allows |");
    for r in ROLES {
        out.push_str(&format!(" {} |", role_name(r)));
    }
    out.push_str("\n|---|---|---|");
    for _ in ROLES {
        out.push_str(":-:|");
    }
    out.push('\n');
    for p in Permission::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |",
            p.as_str(),
            p.scope().as_str(),
            p.describe()
        ));
        for r in ROLES {
            out.push_str(if allows(r, p) { " ✓ |" } else { " – |" });
        }
        out.push('\n');
    }
    out
}

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

    /// True when a credential of this scope may use `permission` (the role decides too).
    pub fn covers(self, permission: Permission) -> bool {
        self >= permission.scope()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_writers_write_and_only_owners_own() {
        for r in ROLES {
            assert!(allows(r, Permission::Read));
            assert_eq!(
                allows(r, Permission::Write),
                matches!(
                    r,
                    MemberRole::Owner | MemberRole::Admin | MemberRole::Editor
                )
            );
            assert_eq!(allows(r, Permission::Own), r == MemberRole::Owner);
        }
        assert!(allows(MemberRole::Auditor, Permission::Audit));
        assert!(!allows(MemberRole::Editor, Permission::Audit));
        assert!(!allows(MemberRole::Viewer, Permission::Export));
    }

    #[test]
    fn scopes_cap_permissions() {
        assert!(TokenScope::Read.covers(Permission::Read));
        assert!(TokenScope::Read.covers(Permission::Export));
        assert!(!TokenScope::Read.covers(Permission::Write));
        assert!(TokenScope::Write.covers(Permission::Write));
        assert!(!TokenScope::Write.covers(Permission::Manage));
        assert!(TokenScope::Admin.covers(Permission::Own));
    }

    #[test]
    fn the_documented_matrix_is_the_enforced_one() {
        let doc = include_str!("../../../docs/PERMISSIONS.md");
        assert!(
            doc.contains(&matrix_markdown()),
            "docs/PERMISSIONS.md is out of date; paste:\n{}",
            matrix_markdown()
        );
    }
}
