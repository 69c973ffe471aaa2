//! fideslang YAML, as the import route takes it: reading must never panic, and a plan read
//! from it serialises.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match pactum_documents::fides::read(text) {
        Ok(plan) => {
            serde_json::to_string(&plan).expect("a plan serialises");
        }
        Err(e) => assert!(!e.message.is_empty(), "an error says what is wrong"),
    }
});
