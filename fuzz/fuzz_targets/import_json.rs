//! The JSON export document, as `pactum import` and the import route read it: parsing must
//! never panic, and a document that parses writes out to one that parses to the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pactum_store::export::Export;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Export::from_json(text) {
        Ok(doc) => {
            let out = doc.to_json().expect("a parsed document writes out");
            let again = Export::from_json(&out).expect("what was written reads back");
            assert_eq!(again.to_json().expect("and writes out again"), out);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
