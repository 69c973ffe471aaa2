//! People's accounts: what registration and profile changes must satisfy. The rules live
//! here so the API and the web forms give the same messages.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::organisation::{Language, check_country, check_slug};
use crate::text::{looks_like_email, tidy, tidy_opt};
use crate::validation::{Violations, limits};

/// Shortest password accepted (OWASP ASVS 2.1.1).
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Longest password accepted; ASVS asks for at least 64, and nothing is ever truncated.
pub const PASSWORD_MAX_CHARS: usize = 1024;
/// zxcvbn's score from 0 to 4; 3 means "safely unguessable: moderate protection from an
/// offline slow-hash scenario" (about 10^10 guesses).
pub const PASSWORD_MIN_SCORE: u8 = 3;
/// zxcvbn is quadratic in the length; beyond this the estimate looks at the start only,
/// which can only underestimate the strength.
const STRENGTH_WINDOW: usize = 128;

/// Checks a new password against length and a strength estimate that knows common and
/// leaked passwords, keyboard patterns, dates, and the person's own name and address.
pub fn check_password(v: &mut Violations, field: &str, password: &str, user_inputs: &[&str]) {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        v.add(
            field,
            "min_length",
            format!("{field} must have at least {PASSWORD_MIN_CHARS} characters."),
        );
        return;
    }
    if chars > PASSWORD_MAX_CHARS {
        v.add(
            field,
            "max_length",
            format!("{field} may have at most {PASSWORD_MAX_CHARS} characters."),
        );
        return;
    }
    let window: String = password.chars().take(STRENGTH_WINDOW).collect();
    let estimate = zxcvbn::zxcvbn(&window, user_inputs);
    if u8::from(estimate.score()) < PASSWORD_MIN_SCORE {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| format!(" {w}"))
            .unwrap_or_default();
        v.add(
            field,
            "weak",
            format!(
                "{field} is too easy to guess: it is a common or leaked password, a pattern, or built from your own details.{hint} Use a longer phrase of unrelated words."
            ),
        );
    }
}

/// Lower-case letters, digits, dots, dashes and underscores; 3 to 40; starts with a letter.
pub fn check_username(v: &mut Violations, field: &str, username: &str) {
    let ok_chars = username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if !(3..=40).contains(&username.len())
        || !ok_chars
        || !username.starts_with(|c: char| c.is_ascii_lowercase())
    {
        v.add(
            field,
            "username",
            format!(
                "{field} must be 3 to 40 lower-case letters, digits, dots, dashes or underscores, starting with a letter."
            ),
        );
    }
}

pub fn check_email(v: &mut Violations, field: &str, email: &str) {
    if email.is_empty() {
        v.add(field, "required", format!("{field} is required."));
    } else if !looks_like_email(email) {
        v.add(
            field,
            "email",
            format!("{field} must be an e-mail address such as name@example.com."),
        );
    }
}

pub fn normalise_email(email: &mut String) {
    tidy(email);
    email.make_ascii_lowercase();
}

/// What a public form carries besides its fields, to tell people from bots: an empty
/// honeypot, the signed time the form was handed out, and a solved proof-of-work.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormProof {
    /// The signed start time from `GET /api/v1/auth/form`.
    pub form_token: String,
    /// The proof-of-work challenge from the same call.
    pub challenge: String,
    /// A nonce that solves the challenge.
    pub nonce: u64,
    /// Must be left empty: people do not see this field, bots fill it in.
    #[serde(default)]
    pub website: String,
}

/// The organisation created with a new account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    pub legal_name: String,
    pub slug: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// A registration: the person, their first organisation, and their consent to Pactum's
/// terms and data processing agreement in the version they were shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub username: String,
    pub email: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub password: String,
    #[serde(default)]
    pub language: Language,
    pub organisation: NewOrganisation,
    /// Must be true: the terms and the DPA shown were accepted.
    pub accept_terms: bool,
    /// The version of the terms and DPA the form showed.
    pub terms_version: String,
    pub proof: FormProof,
}

impl Registration {
    pub fn normalise(&mut self) {
        tidy(&mut self.username);
        self.username.make_ascii_lowercase();
        normalise_email(&mut self.email);
        tidy_opt(&mut self.display_name);
        tidy(&mut self.organisation.legal_name);
        tidy(&mut self.organisation.slug);
        self.organisation.slug.make_ascii_lowercase();
        tidy(&mut self.organisation.country);
        self.organisation.country.make_ascii_uppercase();
        tidy(&mut self.terms_version);
    }

    /// Every rule at once, so the form can show all problems together.
    pub fn validate(&self, current_terms: &str) -> Result<(), Violations> {
        let mut v = Violations::new();
        check_username(&mut v, "username", &self.username);
        check_email(&mut v, "email", &self.email);
        v.optional_line("display_name", self.display_name.as_deref(), limits::NAME);
        let local = self.email.split('@').next().unwrap_or_default();
        let inputs = [
            self.username.as_str(),
            self.email.as_str(),
            local,
            self.display_name.as_deref().unwrap_or_default(),
            self.organisation.legal_name.as_str(),
            "pactum",
        ];
        check_password(&mut v, "password", &self.password, &inputs);
        v.required_line(
            "organisation.legal_name",
            &self.organisation.legal_name,
            limits::NAME,
        );
        check_slug(&mut v, "organisation.slug", &self.organisation.slug);
        check_country(&mut v, "organisation.country", &self.organisation.country);
        if !self.accept_terms {
            v.add(
                "accept_terms",
                "required",
                "accept_terms must be true: Pactum's terms and DPA must be accepted.",
            );
        }
        if self.terms_version != current_terms {
            v.add(
                "terms_version",
                "current",
                format!("terms_version must be the version shown ({current_terms})."),
            );
        }
        v.into_result()
    }
}

/// A change to one's own profile; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileChange {
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub language: Option<Language>,
}

impl ProfileChange {
    pub fn normalise(&mut self) {
        if let Some(u) = &mut self.username {
            tidy(u);
            u.make_ascii_lowercase();
        }
        tidy_opt(&mut self.display_name);
    }

    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        if let Some(u) = &self.username {
            check_username(&mut v, "username", u);
        }
        v.optional_line("display_name", self.display_name.as_deref(), limits::NAME);
        v.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(password: &str, inputs: &[&str]) -> Vec<String> {
        let mut v = Violations::new();
        check_password(&mut v, "password", password, inputs);
        v.into_result()
            .err()
            .map(|v| v.0.into_iter().map(|x| x.rule).collect())
            .unwrap_or_default()
    }

    #[test]
    fn passwords_need_length_and_strength() {
        assert_eq!(errors("short", &[]), ["min_length"]);
        assert_eq!(errors("password1234", &[]), ["weak"]);
        assert_eq!(errors("qwertyuiop123", &[]), ["weak"]);
        assert_eq!(errors("Password2026!", &[]), ["weak"]);
        assert_eq!(errors("annadevries1990", &["annadevries"]), ["weak"]);
        assert!(errors("tulip-ferry-quantum-lantern", &[]).is_empty());
        assert_eq!(errors(&"x".repeat(1025), &[]), ["max_length"]);
    }

    #[test]
    fn long_passwords_are_accepted_whole() {
        let long = "correct horse battery staple ".repeat(20);
        assert!(long.chars().count() > 64);
        assert!(errors(&long, &[]).is_empty());
    }

    #[test]
    fn usernames() {
        let check = |u: &str| {
            let mut v = Violations::new();
            check_username(&mut v, "username", u);
            v.is_empty()
        };
        assert!(check("anna.devries"));
        assert!(!check("Anna"));
        assert!(!check("1anna"));
        assert!(!check("an"));
        assert!(!check("anna<script>"));
    }
}
