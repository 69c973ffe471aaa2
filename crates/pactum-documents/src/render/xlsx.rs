//! XLSX: a first sheet with the document's title, fields and texts, then one sheet per
//! table (header row frozen, filter on, text wrapped). Every cell is written as a string,
//! so nothing a user typed can become a formula.

use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::Error;
use crate::model::{Block, Document, Table};

fn fail(e: XlsxError) -> Error {
    Error::Render("XLSX", e.to_string())
}

/// Excel's sheet-name rules: at most 31 characters, none of `[]:*?/\`, unique.
fn sheet_name(title: &str, taken: &mut Vec<String>) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    let base: String = clean.trim().trim_matches('\'').chars().take(28).collect();
    let base = if base.is_empty() {
        "Sheet".to_owned()
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{base} {n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

fn band_colour(band: &str) -> Color {
    match band {
        "low" => Color::RGB(0xCCE2D8),
        "medium" => Color::RGB(0xFFF2B3),
        "high" => Color::RGB(0xFCD6C3),
        _ => Color::RGB(0xF4B6AE),
    }
}

fn table_sheet(ws: &mut Worksheet, t: &Table) -> Result<(), Error> {
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xF3F2F1))
        .set_text_wrap();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (c, col) in t.columns.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, &col.label, &header)
            .map_err(fail)?;
        let longest = t
            .rows
            .iter()
            .filter_map(|r| r.get(c as usize))
            .flat_map(|v| v.lines())
            .map(|line| line.chars().count())
            .chain([col.label.chars().count()])
            .max()
            .unwrap_or(10);
        ws.set_column_width(c, (longest as f64 + 2.0).clamp(10.0, 60.0))
            .map_err(fail)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 1, c as u16, v, &wrap)
                .map_err(fail)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(fail)?;
    if !t.rows.is_empty() && !t.columns.is_empty() {
        ws.autofilter(0, 0, t.rows.len() as u32, t.columns.len() as u16 - 1)
            .map_err(fail)?;
    }
    ws.set_landscape();
    Ok(())
}

pub fn write(doc: &Document) -> Result<Vec<u8>, Error> {
    let mut wb = Workbook::new();
    let mut taken = Vec::new();
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let label = Format::new().set_bold().set_align(FormatAlign::Top);

    let first = wb.add_worksheet();
    first
        .set_name(sheet_name(&doc.title, &mut taken))
        .map_err(fail)?;
    first.set_column_width(0, 32).map_err(fail)?;
    first.set_column_width(1, 90).map_err(fail)?;
    first
        .write_string_with_format(0, 0, &doc.title, &title)
        .map_err(fail)?;
    first.write_string(1, 0, &doc.subject).map_err(fail)?;
    first.write_string(2, 0, &doc.generated).map_err(fail)?;
    let mut row = 4u32;
    let mut tables: Vec<&Table> = Vec::new();
    for s in &doc.sections {
        first
            .write_string_with_format(row, 0, &s.title, &bold)
            .map_err(fail)?;
        row += 1;
        for b in &s.blocks {
            match b {
                Block::Text { text } => {
                    first
                        .write_string_with_format(row, 1, text, &wrap)
                        .map_err(fail)?;
                    row += 1;
                }
                Block::Fields { fields } => {
                    for f in fields {
                        first
                            .write_string_with_format(row, 0, &f.label, &label)
                            .map_err(fail)?;
                        first
                            .write_string_with_format(row, 1, &f.value, &wrap)
                            .map_err(fail)?;
                        row += 1;
                    }
                }
                Block::Table(t) => tables.push(t),
                Block::HeatMap(h) => {
                    first
                        .write_string(row, 0, format!("{} / {}", h.likelihood, h.impact))
                        .map_err(fail)?;
                    row += 1;
                    for l in (0..4).rev() {
                        first
                            .write_string(row, 0, (l + 1).to_string())
                            .map_err(fail)?;
                        for i in 0..4 {
                            let f = Format::new()
                                .set_background_color(band_colour(h.bands[l][i]))
                                .set_align(FormatAlign::Center);
                            first
                                .write_number_with_format(
                                    row,
                                    i as u16 + 2,
                                    f64::from(h.counts[l][i]),
                                    &f,
                                )
                                .map_err(fail)?;
                        }
                        row += 1;
                    }
                }
            }
        }
        row += 1;
    }
    for t in tables {
        let name = sheet_name(&t.title, &mut taken);
        let ws = wb.add_worksheet();
        ws.set_name(name).map_err(fail)?;
        table_sheet(ws, t)?;
    }
    wb.save_to_buffer().map_err(fail)
}
