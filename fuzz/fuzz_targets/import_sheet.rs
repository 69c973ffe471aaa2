//! A spreadsheet upload, as the import route takes it: the first byte picks CSV or XLSX and
//! the collection, the rest is the file. Reading, suggesting a mapping, checking it and
//! planning every row must never panic, and every error must name a row within the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pactum_documents::import::plan::{Known, check_mapping, plan_for, suggest};
use pactum_documents::import::sheet::{from_csv, from_xlsx};
use pactum_documents::import::target::Target;

const TARGETS: [Target; 5] = [
    Target::Services,
    Target::DataItems,
    Target::ProcessingActivities,
    Target::Vendors,
    Target::SecurityMeasures,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    let target = TARGETS[usize::from(selector % 5)];
    let sheet = if selector & 0x80 == 0 {
        from_csv(file)
    } else {
        from_xlsx(file, None)
    };
    let Ok(sheet) = sheet else {
        return;
    };
    let mapping = suggest(target, &sheet.headers);
    for column in mapping.keys() {
        assert!(sheet.headers.contains(column), "mapped a column the file lacks");
    }
    let problems = check_mapping(target, &sheet.headers, &mapping);
    if !problems.is_empty() {
        return;
    }
    let plan = plan_for(target, &sheet, &mapping, &Known::default());
    let last_row = sheet.rows.iter().map(|(row, _)| *row).max().unwrap_or(0);
    let text = serde_json::to_string(&plan).expect("a plan serialises");
    assert!(!text.is_empty());
    let value: serde_json::Value = serde_json::from_str(&text).expect("and reads back");
    if let Some(rows) = value.get("rows").and_then(|r| r.as_array()) {
        assert_eq!(rows.len(), sheet.rows.len(), "one planned row per row");
        for row in rows {
            for error in row.get("errors").and_then(|e| e.as_array()).into_iter().flatten() {
                let at = error["row"].as_u64().unwrap_or(0) as usize;
                assert!(at <= last_row, "an error names row {at} of {last_row}");
            }
        }
    }
});
