//! The one integration-test binary (each file under tests/ would be linked separately).

mod support;

mod store_records;
