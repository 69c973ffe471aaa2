//! What a document is, before it has a format: a title, the organisation's header, and
//! sections of fields, tables, paragraphs and a heat map. The builders in `build/` make
//! these from the data map; the writers in `render/` turn one into bytes. Every text is
//! final (translated, dates written out), so the writers never decide wording.

use serde::Serialize;

use crate::{Format, Kind};

#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub kind: Kind,
    pub language: &'static str,
    pub title: String,
    /// Who the document is about: the organisation's legal name, and the project when the
    /// document covers one project.
    pub subject: String,
    /// "Generated on ... from the data map of ..." as a sentence.
    pub generated: String,
    /// The table a CSV holds when none is asked for; without one, CSV lists the fields.
    pub primary: Option<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Stable key (for JSON readers and `?table=` of CSV), never translated.
    pub key: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Text { text: String },
    Fields { fields: Vec<Field> },
    Table(Table),
    HeatMap(Box<HeatMap>),
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub key: &'static str,
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub key: &'static str,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub key: String,
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// Wide records (an Art. 30 entry has a dozen fields) read better one card per row on
    /// paper; spreadsheets and CSV keep them as rows either way.
    pub cards: bool,
    /// Shown instead of an empty table.
    pub empty: String,
}

/// Risks counted per cell of the 4x4 likelihood-impact map.
#[derive(Debug, Clone, Serialize)]
pub struct HeatMap {
    /// `counts[likelihood - 1][impact - 1]`.
    pub counts: [[u32; 4]; 4],
    pub likelihood: String,
    pub impact: String,
    /// Band per cell (`low`, `medium`, `high`, `very_high`), the same indexing.
    pub bands: [[&'static str; 4]; 4],
}

impl Document {
    /// Every table of the document, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections.iter().flat_map(|s| {
            s.blocks.iter().filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
        })
    }

    /// A file name made of the kind, the organisation's slug and the date, never of
    /// anything a user typed beyond the slug (which is already `[a-z0-9-]`).
    pub fn file_name(&self, slug: &str, date: time::Date, format: Format) -> String {
        format!(
            "{}-{slug}-{date}.{}",
            self.kind.as_str(),
            format.extension()
        )
    }
}

impl Section {
    pub fn new(key: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Text { text: text.into() });
        self
    }

    pub fn fields(mut self, fields: Vec<Field>) -> Self {
        let fields: Vec<Field> = fields.into_iter().filter(|f| !f.value.is_empty()).collect();
        if !fields.is_empty() {
            self.blocks.push(Block::Fields { fields });
        }
        self
    }

    pub fn table(mut self, table: Table) -> Self {
        self.blocks.push(Block::Table(table));
        self
    }
}
