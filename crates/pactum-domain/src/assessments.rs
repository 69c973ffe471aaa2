//! Assessments of the data map: risk assessments (likelihood and impact, before and after
//! measures) and DPIAs (screening, the Art. 35(7) record, the Art. 36 flag).

pub mod dpia;
pub mod risk;
