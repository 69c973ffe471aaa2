//! The web UI's words, in message catalogues (`i18n/en.toml`, `i18n/nl.toml`), and the
//! choice of language: the user's preference, else the browser's Accept-Language.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::{HeaderMap, header};
use pactum_domain::organisation::Language;

fn parse(text: &str) -> HashMap<String, String> {
    toml::from_str(text).unwrap_or_default()
}

static EN: LazyLock<HashMap<String, String>> =
    LazyLock::new(|| parse(include_str!("../../i18n/en.toml")));
static NL: LazyLock<HashMap<String, String>> =
    LazyLock::new(|| parse(include_str!("../../i18n/nl.toml")));

/// The messages of one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct T(pub Language);

impl T {
    /// The message for a key; the key itself when it is missing (a test keeps both
    /// catalogues complete, so this shows up in review, not in production).
    pub fn s(&self, key: &str) -> &str {
        let map = match self.0 {
            Language::En => &*EN,
            Language::Nl => &*NL,
        };
        map.get(key).map(String::as_str).unwrap_or_else(|| {
            // Keys are built from enum values, but a form sent back with a value outside its
            // list reaches here too: only a key shaped like the catalogue's is logged, so
            // what a client typed never lands in the log.
            if is_catalogue_shaped(key) {
                tracing::warn!(key, "missing UI message");
            } else {
                tracing::warn!("missing UI message for a key built from unexpected input");
            }
            ""
        })
    }

    /// The message for a key, when the catalogue has one (for optional texts such as
    /// hints, and labels of values a form may send back outside their list).
    pub fn get(&self, key: &str) -> Option<&str> {
        let map = match self.0 {
            Language::En => &*EN,
            Language::Nl => &*NL,
        };
        map.get(key).map(String::as_str)
    }

    /// The `lang` attribute.
    pub fn code(&self) -> &'static str {
        match self.0 {
            Language::En => "en",
            Language::Nl => "nl",
        }
    }
}

/// The language for a request: the signed-in user's, else the first of Accept-Language
/// that Pactum speaks, else English.
pub fn negotiate(headers: &HeaderMap, user: Option<Language>) -> Language {
    if let Some(l) = user {
        return l;
    }
    let Some(accept) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Language::En;
    };
    let mut ranked: Vec<(f32, &str)> = accept
        .split(',')
        .filter_map(|part| {
            let mut it = part.trim().split(';');
            let tag = it.next()?.trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((q, tag))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (_, tag) in ranked {
        let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "nl" => return Language::Nl,
            "en" => return Language::En,
            _ => {}
        }
    }
    Language::En
}

/// Lower-case words, digits, dots, dashes and underscores, as every catalogue key is.
fn is_catalogue_shaped(key: &str) -> bool {
    key.len() <= 80
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_catalogue_shaped_keys_are_logged() {
        assert!(super::is_catalogue_shaped("choice.automated_decision"));
        assert!(super::is_catalogue_shaped("page.bad_request.title"));
        assert!(!super::is_catalogue_shaped(
            "choice.http://evil.example\r\nX: 1"
        ));
        assert!(!super::is_catalogue_shaped("choice.Jan Jansen"));
        assert!(!super::is_catalogue_shaped(&"a".repeat(81)));
    }

    use super::*;

    #[test]
    fn both_catalogues_have_the_same_keys_and_no_empty_text() {
        let mut en: Vec<_> = EN.keys().collect();
        let mut nl: Vec<_> = NL.keys().collect();
        en.sort();
        nl.sort();
        assert!(en.len() > 20, "the catalogue parsed");
        assert_eq!(en, nl);
        assert!(EN.values().chain(NL.values()).all(|v| !v.trim().is_empty()));
    }

    #[test]
    fn every_key_the_templates_use_exists() {
        for (name, text) in crate::ui::pages::TEMPLATE_SOURCES {
            for piece in text.split("s(\"").skip(1) {
                let key = piece.split('"').next().unwrap_or_default();
                assert!(EN.contains_key(key), "{name} uses the missing key {key}");
            }
        }
    }

    #[test]
    fn accept_language_picks_the_best_language_pactum_speaks() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(
                header::ACCEPT_LANGUAGE,
                v.parse()
                    .unwrap_or(axum::http::HeaderValue::from_static("")),
            );
            m
        };
        assert_eq!(negotiate(&h("nl-NL,nl;q=0.9,en;q=0.8"), None), Language::Nl);
        assert_eq!(negotiate(&h("de-DE,en;q=0.5,nl;q=0.7"), None), Language::Nl);
        assert_eq!(negotiate(&h("fr"), None), Language::En);
        assert_eq!(negotiate(&HeaderMap::new(), None), Language::En);
        assert_eq!(negotiate(&h("nl"), Some(Language::En)), Language::En);
    }
}
