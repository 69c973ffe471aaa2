//! fideslang YAML, as the import route takes it: reading must never panic, every error says
//! what is wrong, and a plan's references by position point at records it holds.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match pactum_documents::fides::read(text) {
        Ok(plan) => {
            for (service, _) in &plan.items {
                assert!(*service < plan.services.len(), "an item names a missing service");
            }
            for (_, items) in &plan.activities {
                for item in items {
                    assert!(*item < plan.items.len(), "an activity names a missing item");
                }
            }
            for e in &plan.errors {
                assert!(!e.message.is_empty() && !e.rule.is_empty());
            }
        }
        Err(e) => assert!(!e.message.is_empty(), "an error says what is wrong"),
    }
});
