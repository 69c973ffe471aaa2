//! The data map of a project: services and the personal data in them, who uses it, where it
//! goes, how it is protected, and the processing activities of the Art. 30 record.

pub mod backup_strategy;
pub mod data_item;
pub mod data_user;
pub mod device_group;
pub mod processing_activity;
pub mod retention;
pub mod security_measure;
pub mod service;
pub mod transfer;
pub mod vendor;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Confidentiality classification of a service or a data item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    Public,
    Internal,
    Confidential,
    Restricted,
}

/// `legal_basis`, when given, must be one of the six Art. 6(1) bases of the taxonomy.
pub(crate) fn check_legal_basis(v: &mut crate::validation::Violations, key: Option<&str>) {
    let tax = crate::taxonomy::taxonomy();
    if let Some(key) = key
        && tax.legal_basis(key).is_none()
    {
        let keys: Vec<&str> = tax.legal_bases.iter().map(|b| b.key.as_str()).collect();
        v.add(
            "legal_basis",
            "unknown_key",
            format!(
                "legal_basis must be one of {} (Art. 6(1)(a-f)); {key:?} is not.",
                keys.join(", ")
            ),
        );
    }
}
