//! HTML: one self-contained page (its style inside, nothing fetched), for the browser,
//! for printing and for attaching to an e-mail. Askama escapes every value.

use askama::Template;

use crate::model::{Block, Document};

/// The page's whole stylesheet. A server that shows the page allows exactly this style by
/// its hash in the Content-Security-Policy.
pub const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1b1b;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}\
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;border-bottom:2px solid #0b5394;padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem}\
.subject{font-size:1.1rem;margin:.2rem 0}.generated{color:#505a5f;font-size:.9rem}.text{white-space:pre-line}.empty{color:#505a5f;font-style:italic}\
dl{display:grid;grid-template-columns:minmax(10rem,16rem) 1fr;gap:.25rem 1rem;margin:.5rem 0}dt{font-weight:600}dd{margin:0;white-space:pre-line}\
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.92rem}th,td{border:1px solid #b1b4b6;padding:.3rem .45rem;text-align:left;vertical-align:top;white-space:pre-line}thead th{background:#f3f2f1}\
.card{border:1px solid #b1b4b6;border-left:4px solid #0b5394;padding:.3rem .8rem;margin:.8rem 0;break-inside:avoid}\
.heat{width:auto}.heat td,.heat th{width:3rem;height:2.4rem;text-align:center;vertical-align:middle}.heat caption{text-align:left;padding-bottom:.3rem}\
.low{background:#cce2d8}.medium{background:#fff2b3}.high{background:#fcd6c3}.very_high{background:#f4b6ae}\
@media print{body{margin:0;max-width:none}h2{break-after:avoid}}";

#[derive(Template)]
#[template(path = "document.html")]
struct Page<'a> {
    doc: &'a Document,
    style: &'static str,
}

pub fn write(doc: &Document) -> String {
    let page = Page { doc, style: STYLE };
    // Rendering fails only on a formatter error, which writing to a String never gives.
    page.render().unwrap_or_default()
}
