//! Storage errors. Validation and conflicts carry the field so the API can name it.

use pactum_domain::validation::Violations;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist in the caller's scope (which is also what a record of
    /// another organisation looks like).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The input breaks a rule; nothing was written.
    #[error("invalid input: {0}")]
    Invalid(Violations),
    /// The input clashes with an existing record (a unique name, an id already taken).
    #[error("conflict on {field}: {message}")]
    Conflict { field: String, message: String },
    /// The stored data could not be read back; a defect or a hand-edited database.
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// An encrypted column could not be sealed or opened (no key ring, a missing key, a
    /// ciphertext that does not authenticate).
    #[error("encrypted data: {0}")]
    Sealing(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    pub fn invalid(field: &str, rule: &str, message: impl Into<String>) -> Self {
        StoreError::Invalid(Violations::single(field, rule, message))
    }

    /// True when the database reported a unique-constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
