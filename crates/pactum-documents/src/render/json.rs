//! JSON: the document as built, tables as arrays of objects keyed by column key, so a
//! program reads the same content a person reads, without the layout.

use serde_json::{Map, Value, json};

use crate::Error;
use crate::model::{Block, Document};

pub fn write(doc: &Document) -> Result<Vec<u8>, Error> {
    let sections: Vec<Value> = doc
        .sections
        .iter()
        .map(|s| {
            let blocks: Vec<Value> = s
                .blocks
                .iter()
                .map(|b| match b {
                    Block::Text { text } => json!({"type": "text", "text": text}),
                    Block::Fields { fields } => {
                        let map: Map<String, Value> = fields
                            .iter()
                            .map(|f| (f.key.to_owned(), json!({"label": f.label, "value": f.value})))
                            .collect();
                        json!({"type": "fields", "fields": map})
                    }
                    Block::Table(t) => {
                        let rows: Vec<Value> = t
                            .rows
                            .iter()
                            .map(|r| {
                                let obj: Map<String, Value> = t
                                    .columns
                                    .iter()
                                    .zip(r)
                                    .map(|(c, v)| (c.key.to_owned(), Value::String(v.clone())))
                                    .collect();
                                Value::Object(obj)
                            })
                            .collect();
                        let columns: Map<String, Value> = t
                            .columns
                            .iter()
                            .map(|c| (c.key.to_owned(), Value::String(c.label.clone())))
                            .collect();
                        json!({"type": "table", "key": t.key, "title": t.title, "columns": columns, "rows": rows})
                    }
                    Block::HeatMap(h) => json!({
                        "type": "heat_map",
                        "counts_by_likelihood_then_impact": h.counts,
                        "bands": h.bands,
                    }),
                })
                .collect();
            json!({"key": s.key, "title": s.title, "blocks": blocks})
        })
        .collect();
    let out = json!({
        "document": doc.kind,
        "language": doc.language,
        "title": doc.title,
        "subject": doc.subject,
        "generated": doc.generated,
        "sections": sections,
    });
    serde_json::to_vec_pretty(&out).map_err(|e| Error::Render("JSON", e.to_string()))
}
