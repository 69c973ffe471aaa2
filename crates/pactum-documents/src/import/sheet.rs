//! A spreadsheet as text: the first row is the header, every other non-empty row a record.
//! CSV in UTF-8 (a byte-order mark is skipped) with `,`, `;` or tab between cells, as
//! Dutch and English spreadsheet programs write it; XLSX through calamine, every cell as
//! the text it shows (whole numbers without ".0", dates as YYYY-MM-DD).

use super::CellError;

/// More rows than a register holds by hand; a bigger file is refused whole.
pub const MAX_ROWS: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub headers: Vec<String>,
    /// `(spreadsheet row number, cells)`; cells as many as the headers.
    pub rows: Vec<(usize, Vec<String>)>,
}

fn finish(mut raw: Vec<Vec<String>>) -> Result<Sheet, CellError> {
    if raw.is_empty() {
        return Err(CellError::file(
            "empty",
            "file is empty: the first row must name the columns.",
        ));
    }
    let headers: Vec<String> = raw
        .remove(0)
        .into_iter()
        .map(|h| h.trim().to_owned())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(CellError::file(
            "no_header",
            "file has no header: the first row must name the columns.",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for h in headers.iter().filter(|h| !h.is_empty()) {
        if !seen.insert(h.to_lowercase()) {
            return Err(CellError::file(
                "duplicate_column",
                format!("file names the column {h:?} twice: every column needs its own header."),
            ));
        }
    }
    let mut rows = Vec::new();
    for (i, mut cells) in raw.into_iter().enumerate() {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        cells.resize(headers.len(), String::new());
        rows.push((i + 2, cells));
    }
    if rows.len() > MAX_ROWS {
        return Err(CellError::file(
            "too_many_rows",
            format!(
                "file has {} rows; at most {MAX_ROWS} are read at once.",
                rows.len()
            ),
        ));
    }
    Ok(Sheet { headers, rows })
}

pub fn from_csv(bytes: &[u8]) -> Result<Sheet, CellError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| {
        CellError::file(
            "encoding",
            "file is not UTF-8 text: save the CSV as UTF-8 (\"CSV UTF-8\" in Excel).",
        )
    })?;
    // The delimiter is the one the header line uses most.
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut raw = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| CellError {
            row: i + 1,
            column: String::new(),
            field: "file".into(),
            rule: "csv".into(),
            message: format!("row {} cannot be read as CSV: {e}", i + 1),
        })?;
        raw.push(record.iter().map(str::to_owned).collect());
        if raw.len() > MAX_ROWS + 1 {
            break;
        }
    }
    finish(raw)
}

pub fn from_xlsx(bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, CellError> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            CellError::file(
                "xlsx",
                format!("file is not a readable XLSX workbook: {e}."),
            )
        })?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| CellError {
                row: 0,
                column: String::new(),
                field: "sheet".into(),
                rule: "unknown".into(),
                message: format!(
                    "sheet must name one of the workbook's sheets: {}.",
                    names.join(", ")
                ),
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| CellError::file("empty", "file has no sheets."))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| CellError::file("xlsx", format!("sheet {name:?} cannot be read: {e}.")))?;
    let text = |c: &Data| match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    };
    let raw: Vec<Vec<String>> = range
        .rows()
        .take(MAX_ROWS + 2)
        .map(|r| r.iter().map(text).collect())
        .collect();
    finish(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_semicolons_a_bom_and_blank_rows() {
        let s = from_csv(
            "\u{feff}Naam;Omschrijving\nCRM;Klanten\n;\nHR;\"Personeel; lonen\"\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(s.headers, ["Naam", "Omschrijving"]);
        assert_eq!(
            s.rows,
            vec![
                (2, vec!["CRM".to_owned(), "Klanten".to_owned()]),
                (4, vec!["HR".to_owned(), "Personeel; lonen".to_owned()]),
            ]
        );
    }

    #[test]
    fn files_that_cannot_be_read_say_why() {
        assert_eq!(from_csv(b"").unwrap_err().rule, "empty");
        assert_eq!(from_csv(b"\xff\xfeN\x00").unwrap_err().rule, "encoding");
        assert_eq!(from_csv(b"a,A\n1,2").unwrap_err().rule, "duplicate_column");
        assert_eq!(from_xlsx(b"not a zip", None).unwrap_err().rule, "xlsx");
    }
}
