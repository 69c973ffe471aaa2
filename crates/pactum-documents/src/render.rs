//! Writers: one module per format, each taking a finished `Document`.

pub mod csv;
pub mod html;
pub mod json;
pub mod pdf;
pub mod xlsx;
