//! The registers an organisation keeps against the legal clocks: personal-data breaches
//! (Art. 33(5)) and data-subject requests (Art. 12 to 22). Their deadlines are derived from
//! the organisation's calendar on every write (`Entity::settle`).

pub mod breach;
pub mod request;

use crate::taxonomy::taxonomy;
use crate::validation::Violations;

/// Checks taxonomy keys of a list field: data categories or data-subject categories.
pub(crate) fn check_keys(v: &mut Violations, field: &str, keys: &[String], subjects: bool) {
    let tax = taxonomy();
    if keys.len() > 100 {
        v.add(
            field,
            "max_items",
            format!("{field} may list at most 100 entries."),
        );
    }
    for (i, key) in keys.iter().enumerate() {
        let known = if subjects {
            tax.subject_category(key).is_some()
        } else {
            tax.data_category(key).is_some()
        };
        if !known {
            let which = if subjects {
                "data-subject"
            } else {
                "data-category"
            };
            v.add(
                &format!("{field}[{i}]"),
                "unknown_key",
                format!(
                    "{field}[{i}] {key:?} is not in the {which} taxonomy (see /api/v1/taxonomies)."
                ),
            );
        }
    }
}
