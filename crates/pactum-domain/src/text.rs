//! Normalisation of user-entered text before validation: surrounding white space is not
//! meaningful, and an empty optional field means "not given".

/// Trims a required text in place.
pub fn tidy(value: &mut String) {
    let trimmed = value.trim();
    if trimmed.len() != value.len() {
        *value = trimmed.to_owned();
    }
}

/// Trims an optional text in place and turns an empty one into `None`.
pub fn tidy_opt(value: &mut Option<String>) {
    if let Some(v) = value {
        tidy(v);
        if v.is_empty() {
            *value = None;
        }
    }
}

/// Trims every entry of a list, drops empty ones, sorts and removes duplicates, so that
/// stored lists are canonical (and exports deterministic).
pub fn tidy_list(values: &mut Vec<String>) {
    for v in values.iter_mut() {
        tidy(v);
    }
    values.retain(|v| !v.is_empty());
    values.sort();
    values.dedup();
}

/// Upper-cases a country code, which people type in any case.
pub fn tidy_country(value: &mut Option<String>) {
    tidy_opt(value);
    if let Some(v) = value {
        v.make_ascii_uppercase();
    }
}

/// A pragmatic e-mail syntax check: one `@`, a local part, a domain with a dot, no spaces.
/// Deliverability is proven by sending, not by parsing.
pub fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && value.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_opt_drops_blank() {
        let mut v = Some("  ".to_owned());
        tidy_opt(&mut v);
        assert_eq!(v, None);
        let mut v = Some(" a ".to_owned());
        tidy_opt(&mut v);
        assert_eq!(v.as_deref(), Some("a"));
    }

    #[test]
    fn tidy_list_is_canonical() {
        let mut v = vec![
            " b".to_owned(),
            "a".to_owned(),
            "".to_owned(),
            "b".to_owned(),
        ];
        tidy_list(&mut v);
        assert_eq!(v, ["a", "b"]);
    }

    #[test]
    fn email_syntax() {
        assert!(looks_like_email("dpo@example.nl"));
        assert!(!looks_like_email("dpo@example"));
        assert!(!looks_like_email("dpo example@x.nl"));
        assert!(!looks_like_email("@x.nl"));
        assert!(!looks_like_email("a@b@c.nl"));
    }
}
