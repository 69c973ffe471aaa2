//! CSV: one table per file (the document's main table, or the one `?table=` names), or,
//! for a document without one, every field as `section, field, value`. UTF-8 with a byte
//! order mark, so spreadsheet programs read the accents right.
//!
//! Formula injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
//! return is what a spreadsheet may run as a formula, so it gets a leading apostrophe
//! (OWASP's advice). Text is never lost: the apostrophe is the only change.

use crate::Error;
use crate::model::{Block, Document, Table};

pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn find<'a>(doc: &'a Document, key: &str) -> Result<&'a Table, Error> {
    doc.tables().find(|t| t.key == key).ok_or_else(|| {
        let keys: Vec<&str> = doc.tables().map(|t| t.key.as_str()).collect();
        Error::Invalid {
            field: "table",
            rule: "unknown",
            message: format!(
                "table must name one of this document's tables: {}.",
                keys.join(", ")
            ),
        }
    })
}

pub fn write(doc: &Document, table: Option<&str>) -> Result<Vec<u8>, Error> {
    let table = match table.or(doc.primary.as_deref()) {
        Some(key) => Some(find(doc, key)?),
        None => None,
    };
    let mut w = ::csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: ::csv::Error| Error::Render("CSV", e.to_string());
    match table {
        Some(t) => {
            w.write_record(t.columns.iter().map(|c| neutralise(&c.label).into_owned()))
                .map_err(fail)?;
            for row in &t.rows {
                w.write_record(row.iter().map(|c| neutralise(c).into_owned()))
                    .map_err(fail)?;
            }
        }
        None => {
            w.write_record(["section", "field", "value"])
                .map_err(fail)?;
            for s in &doc.sections {
                for b in &s.blocks {
                    if let Block::Fields { fields } = b {
                        for f in fields {
                            w.write_record([
                                neutralise(&s.title).as_ref(),
                                neutralise(&f.label).as_ref(),
                                neutralise(&f.value).as_ref(),
                            ])
                            .map_err(fail)?;
                        }
                    }
                }
            }
        }
    }
    w.into_inner()
        .map_err(|e| Error::Render("CSV", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn cells_a_spreadsheet_would_run_get_an_apostrophe() {
        for bad in ["=1+1", "+31 20", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
        for fine in ["Name", "1+1", "a=b", "", "'quoted"] {
            assert_eq!(neutralise(fine), fine);
        }
    }
}
