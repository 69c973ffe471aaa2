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
