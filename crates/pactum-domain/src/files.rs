//! Uploaded files (a service's or vendor's DPA, SLA, contract): what kind of document a file
//! is, which content types are accepted, and how that is decided from the bytes alone.
//!
//! The uploaded name says nothing about the content: a "contract.pdf" may be an HTML page or
//! an executable. [`Sniffer`] is fed the bytes as they stream in and decides the type from
//! magic numbers and structure; the name only tells Markdown from plain text. A download is
//! always named with an extension of the detected type, so a text file uploaded as
//! `page.html` comes back as `page.html.txt` and is never opened as a web page.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::validation::Violations;

/// What the document is to the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// A data processing agreement.
    Dpa,
    /// A service level agreement.
    Sla,
    Contract,
    Other,
}

impl FileKind {
    pub const ALL: [FileKind; 4] = [
        FileKind::Dpa,
        FileKind::Sla,
        FileKind::Contract,
        FileKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Dpa => "dpa",
            FileKind::Sla => "sla",
            FileKind::Contract => "contract",
            FileKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An accepted content type, as detected from the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileType {
    Pdf,
    Docx,
    Xlsx,
    Odt,
    Png,
    Jpeg,
    Text,
    Markdown,
}

impl FileType {
    pub const ALL: [FileType; 8] = [
        FileType::Pdf,
        FileType::Docx,
        FileType::Xlsx,
        FileType::Odt,
        FileType::Png,
        FileType::Jpeg,
        FileType::Text,
        FileType::Markdown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Docx => "docx",
            FileType::Xlsx => "xlsx",
            FileType::Odt => "odt",
            FileType::Png => "png",
            FileType::Jpeg => "jpeg",
            FileType::Text => "text",
            FileType::Markdown => "markdown",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The media type a download is served with.
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Odt => "application/vnd.oasis.opendocument.text",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Text => "text/plain; charset=utf-8",
            FileType::Markdown => "text/markdown; charset=utf-8",
        }
    }

    /// File name extensions of the type; the first is the one added when a name lacks one.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileType::Pdf => &["pdf"],
            FileType::Docx => &["docx"],
            FileType::Xlsx => &["xlsx"],
            FileType::Odt => &["odt"],
            FileType::Png => &["png"],
            FileType::Jpeg => &["jpg", "jpeg"],
            FileType::Text => &["txt", "text"],
            FileType::Markdown => &["md", "markdown"],
        }
    }
}

/// The accepted types, for messages.
pub const ACCEPTED: &str = "PDF, DOCX, XLSX, ODT, PNG, JPEG, plain text or Markdown";

/// How much of the start is kept for the magic numbers and the first ZIP entry.
const HEAD: usize = 512;

/// Names inside a ZIP archive that tell an Office Open XML document. Entry names are stored
/// uncompressed in the local headers and again in the central directory, so they can be
/// found in the byte stream without unpacking anything.
const CONTENT_TYPES: &[u8] = b"[Content_Types].xml";
const WORD: &[u8] = b"word/document.xml";
const WORKBOOK: &[u8] = b"xl/workbook.xml";
/// The longest marker, less one: what a chunk boundary may cut through.
const OVERLAP: usize = 18;

/// Decides a file's type from its bytes, fed in chunks of any size.
#[derive(Debug, Clone, Default)]
pub struct Sniffer {
    head: Vec<u8>,
    len: u64,
    tail: Vec<u8>,
    content_types: bool,
    word: bool,
    workbook: bool,
    /// Bytes of an incomplete UTF-8 sequence at the end of the last chunk.
    pending: Vec<u8>,
    not_text: bool,
}

impl Sniffer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes seen so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn feed(&mut self, chunk: &[u8]) {
        if chunk.is_empty() {
            return;
        }
        self.len += chunk.len() as u64;
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.find_markers(chunk);
        if !self.not_text {
            self.check_text(chunk);
        }
    }

    fn find_markers(&mut self, chunk: &[u8]) {
        if !self.head.starts_with(b"PK\x03\x04") {
            return;
        }
        let mut window = std::mem::take(&mut self.tail);
        window.extend_from_slice(chunk);
        let has = |needle: &[u8]| window.windows(needle.len()).any(|w| w == needle);
        self.content_types |= has(CONTENT_TYPES);
        self.word |= has(WORD);
        self.workbook |= has(WORKBOOK);
        let keep = window.len().saturating_sub(OVERLAP);
        self.tail = window.split_off(keep);
    }

    fn check_text(&mut self, chunk: &[u8]) {
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(chunk);
        let valid_up_to = match std::str::from_utf8(&bytes) {
            Ok(_) => bytes.len(),
            // An incomplete sequence at the end may be completed by the next chunk.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => {
                self.not_text = true;
                return;
            }
        };
        if bytes[..valid_up_to]
            .iter()
            .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        {
            self.not_text = true;
            return;
        }
        self.pending = bytes.split_off(valid_up_to);
    }

    /// The type, once every byte has been fed; `name` is the uploaded name.
    pub fn finish(&self, name: &str) -> Result<FileType, Violations> {
        let refuse = |rule: &str, message: String| Err(Violations::single("file", rule, message));
        if self.len == 0 {
            return refuse("file.empty", "The file is empty.".into());
        }
        let head = self.head.as_slice();
        if head.starts_with(b"%PDF-") {
            return Ok(FileType::Pdf);
        }
        if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Ok(FileType::Png);
        }
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Ok(FileType::Jpeg);
        }
        if head.starts_with(b"PK\x03\x04") {
            if opendocument_text(head) {
                return Ok(FileType::Odt);
            }
            if self.content_types && self.word {
                return Ok(FileType::Docx);
            }
            if self.content_types && self.workbook {
                return Ok(FileType::Xlsx);
            }
            return refuse(
                "file.type",
                format!(
                    "The file is a ZIP archive but not a DOCX, XLSX or ODT document; accepted are {ACCEPTED}."
                ),
            );
        }
        if !self.not_text && self.pending.is_empty() {
            let lower = name.to_ascii_lowercase();
            let markdown = FileType::Markdown
                .extensions()
                .iter()
                .any(|e| lower.ends_with(&format!(".{e}")));
            return Ok(if markdown {
                FileType::Markdown
            } else {
                FileType::Text
            });
        }
        refuse(
            "file.type",
            format!("The content of the file is not of an accepted type; accepted are {ACCEPTED}."),
        )
    }
}

/// An OpenDocument text: a ZIP whose first entry is `mimetype`, stored, holding the type.
fn opendocument_text(head: &[u8]) -> bool {
    let u16_at = |i: usize| {
        head.get(i..i + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)
    };
    let (Some(name_len), Some(extra_len)) = (u16_at(26), u16_at(28)) else {
        return false;
    };
    let name_end = 30 + name_len;
    if head.get(30..name_end) != Some(b"mimetype".as_slice()) {
        return false;
    }
    head.get(name_end + extra_len..)
        .is_some_and(|rest| rest.starts_with(b"application/vnd.oasis.opendocument.text"))
}

/// The longest name kept, in characters.
pub const NAME_MAX: usize = 200;

/// The uploaded name as kept: its last path component (some browsers send a whole path),
/// without control characters, at most [`NAME_MAX`] characters.
pub fn clean_name(raw: &str) -> Result<String, Violations> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = last
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(NAME_MAX)
        .collect();
    if name.is_empty() || name == "." || name == ".." {
        return Err(Violations::single(
            "file",
            "file.name",
            "The file has no name; choose a file with a name.",
        ));
    }
    Ok(name)
}

/// The name a download is offered under: the kept name, with the type's extension added
/// when the name does not already end in one of the type's extensions.
pub fn download_name(name: &str, ty: FileType) -> String {
    let lower = name.to_ascii_lowercase();
    if ty
        .extensions()
        .iter()
        .any(|e| lower.ends_with(&format!(".{e}")))
    {
        name.to_owned()
    } else {
        format!("{name}.{}", ty.extensions()[0])
    }
}

/// A `Content-Disposition` value that always downloads, never displays, with an ASCII
/// fallback name and the exact name in RFC 5987 form.
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff_in_chunks(bytes: &[u8], name: &str, size: usize) -> Result<FileType, Violations> {
        let mut s = Sniffer::new();
        for chunk in bytes.chunks(size.max(1)) {
            s.feed(chunk);
        }
        s.finish(name)
    }

    fn sniff(bytes: &[u8], name: &str) -> Result<FileType, Violations> {
        // Every chunk size must give the same answer as one whole chunk.
        let whole = sniff_in_chunks(bytes, name, bytes.len());
        for size in [1, 2, 3, 7, 64] {
            assert_eq!(
                sniff_in_chunks(bytes, name, size).map_err(|e| e.0[0].rule.clone()),
                whole.clone().map_err(|e| e.0[0].rule.clone()),
                "chunk size {size}"
            );
        }
        whole
    }

    fn zip_entry(name: &str, content: &[u8]) -> Vec<u8> {
        let mut v = b"PK\x03\x04".to_vec();
        v.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        v.extend_from_slice(&[0; 12]);
        v.extend_from_slice(&(name.len() as u16).to_le_bytes());
        v.extend_from_slice(&0u16.to_le_bytes());
        v.extend_from_slice(name.as_bytes());
        v.extend_from_slice(content);
        v
    }

    #[test]
    fn types_come_from_the_bytes_not_the_name() {
        assert_eq!(sniff(b"%PDF-1.7\n...", "x.docx").unwrap(), FileType::Pdf);
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "scan.pdf").unwrap(),
            FileType::Png
        );
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], "a").unwrap(),
            FileType::Jpeg
        );
        assert_eq!(sniff(b"Plain words.\n", "notes").unwrap(), FileType::Text);
        assert_eq!(
            sniff("# Kop\n\nTekst met é.\n".as_bytes(), "README.md").unwrap(),
            FileType::Markdown
        );
        let mut odt = zip_entry("mimetype", b"application/vnd.oasis.opendocument.text");
        odt.extend(zip_entry("content.xml", b"<x/>"));
        assert_eq!(sniff(&odt, "c.pdf").unwrap(), FileType::Odt);
        let mut docx = zip_entry("[Content_Types].xml", b"<Types/>");
        docx.extend(zip_entry("word/document.xml", b"<w/>"));
        assert_eq!(sniff(&docx, "c").unwrap(), FileType::Docx);
        let mut xlsx = zip_entry("[Content_Types].xml", b"<Types/>");
        xlsx.extend(zip_entry("xl/workbook.xml", b"<w/>"));
        assert_eq!(sniff(&xlsx, "c").unwrap(), FileType::Xlsx);
    }

    #[test]
    fn anything_else_is_refused_naming_the_field_and_rule() {
        let rule = |bytes: &[u8]| sniff(bytes, "f.txt").unwrap_err().0[0].clone();
        let v = rule(b"MZ\x90\0\x03\0\0\0");
        assert_eq!((v.field.as_str(), v.rule.as_str()), ("file", "file.type"));
        assert!(v.message.contains("PDF"), "{}", v.message);
        assert_eq!(rule(b"").rule, "file.empty");
        assert_eq!(rule(&zip_entry("evil.exe", b"MZ")).rule, "file.type");
        // Text with a NUL, or broken UTF-8, is binary.
        assert_eq!(rule(b"abc\0def").rule, "file.type");
        assert_eq!(rule(b"abc\xFF\xFEdef").rule, "file.type");
        // A text cut in the middle of a character is not text either.
        assert_eq!(
            rule("abcé".as_bytes().split_last().unwrap().1).rule,
            "file.type"
        );
        // An OpenDocument spreadsheet is not an accepted text document.
        let ods = zip_entry(
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        );
        assert_eq!(rule(&ods).rule, "file.type");
    }

    #[test]
    fn a_marker_cut_by_a_chunk_boundary_is_still_found() {
        let mut docx = zip_entry("[Content_Types].xml", b"<Types/>");
        docx.extend(vec![b'x'; 1000]);
        docx.extend(zip_entry("word/document.xml", b"<w/>"));
        let at = docx.windows(WORD.len()).position(|w| w == WORD).unwrap() + 5;
        let mut s = Sniffer::new();
        s.feed(&docx[..at]);
        s.feed(&docx[at..]);
        assert_eq!(s.finish("x").unwrap(), FileType::Docx);
        assert_eq!(s.len(), docx.len() as u64);
    }

    #[test]
    fn names_are_cleaned_and_downloads_carry_the_detected_extension() {
        assert_eq!(
            clean_name("C:\\fakepath\\DPA 2026.pdf").unwrap(),
            "DPA 2026.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(clean_name("a\u{0}b\nc.txt").unwrap(), "abc.txt");
        assert_eq!(clean_name("  ").unwrap_err().0[0].rule, "file.name");
        assert_eq!(clean_name("dir/..").unwrap_err().0[0].rule, "file.name");
        assert_eq!(clean_name(&"x".repeat(500)).unwrap().len(), NAME_MAX);
        assert_eq!(download_name("page.html", FileType::Text), "page.html.txt");
        assert_eq!(download_name("Scan.JPEG", FileType::Jpeg), "Scan.JPEG");
        assert_eq!(download_name("dpa", FileType::Pdf), "dpa.pdf");
    }

    #[test]
    fn the_disposition_always_downloads_and_quotes_nothing_it_should_not() {
        let d = content_disposition("Verwerkers\"overeenkomst é;.pdf");
        assert!(d.starts_with("attachment; "), "{d}");
        assert_eq!(
            d,
            "attachment; filename=\"Verwerkers_overeenkomst __.pdf\"; \
             filename*=UTF-8''Verwerkers%22overeenkomst%20%C3%A9%3B.pdf"
        );
        assert!(!content_disposition("a\r\nSet-Cookie: x").contains('\n'));
    }
}
