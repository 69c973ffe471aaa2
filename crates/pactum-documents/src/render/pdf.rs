//! PDF through typst, as a library: the layout is `templates/document.typ` and the
//! content is the document serialised to JSON, which the template reads with `json()`.
//! Nothing is read from disk or the network; the fonts (Libertinus Serif and the others
//! typst bundles) are compiled in and embedded, subset, in every file.

use crate::Error;
use crate::model::Document;

#[cfg(not(feature = "pdf"))]
pub fn write(_doc: &Document) -> Result<Vec<u8>, Error> {
    Err(Error::PdfUnavailable)
}

#[cfg(feature = "pdf")]
pub fn write(doc: &Document) -> Result<Vec<u8>, Error> {
    let data = serde_json::to_vec(doc).map_err(|e| Error::Render("PDF", e.to_string()))?;
    engine::compile(data)
}

#[cfg(feature = "pdf")]
mod engine {
    use std::sync::OnceLock;

    use typst::diag::{FileError, FileResult};
    use typst::foundations::{Bytes, Datetime};
    use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
    use typst::text::{Font, FontBook};
    use typst::utils::LazyHash;
    use typst::{Library, LibraryExt, World};
    use typst_layout::PagedDocument;

    use crate::Error;

    const TEMPLATE: &str = include_str!("../../templates/document.typ");

    struct Shared {
        library: LazyHash<Library>,
        book: LazyHash<FontBook>,
        fonts: Vec<Font>,
    }

    /// The library and the parsed fonts, made once per process (parsing the fonts is the
    /// costly part of a first document).
    fn shared() -> &'static Shared {
        static SHARED: OnceLock<Shared> = OnceLock::new();
        SHARED.get_or_init(|| {
            let fonts: Vec<Font> = typst_assets::fonts()
                .flat_map(|data| Font::iter(Bytes::new(data)))
                .collect();
            Shared {
                library: LazyHash::new(Library::default()),
                book: LazyHash::new(FontBook::from_fonts(&fonts)),
                fonts,
            }
        })
    }

    fn id(path: &str) -> Option<FileId> {
        let vpath = VirtualPath::new(path).ok()?;
        Some(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
    }

    struct DocumentWorld {
        main: Source,
        data_id: FileId,
        data: Bytes,
    }

    impl World for DocumentWorld {
        fn library(&self) -> &LazyHash<Library> {
            &shared().library
        }

        fn book(&self) -> &LazyHash<FontBook> {
            &shared().book
        }

        fn main(&self) -> FileId {
            self.main.id()
        }

        fn source(&self, id: FileId) -> FileResult<Source> {
            if id == self.main.id() {
                Ok(self.main.clone())
            } else {
                Err(FileError::NotSource)
            }
        }

        fn file(&self, id: FileId) -> FileResult<Bytes> {
            if id == self.data_id {
                Ok(self.data.clone())
            } else if id == self.main.id() {
                Ok(Bytes::from_string(self.main.text().to_owned()))
            } else {
                Err(FileError::AccessDenied)
            }
        }

        fn font(&self, index: usize) -> Option<Font> {
            shared().fonts.get(index).cloned()
        }

        fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
            // The template never asks for the date: the document carries its own moment.
            None
        }
    }

    fn messages(errors: &[typst::diag::SourceDiagnostic]) -> Error {
        let text: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        Error::Render("PDF", text.join("; "))
    }

    pub fn compile(data: Vec<u8>) -> Result<Vec<u8>, Error> {
        let (Some(main_id), Some(data_id)) = (id("/main.typ"), id("/data.json")) else {
            return Err(Error::Render("PDF", "virtual paths".into()));
        };
        let world = DocumentWorld {
            main: Source::new(main_id, TEMPLATE.to_owned()),
            data_id,
            data: Bytes::new(data),
        };
        let document: PagedDocument = typst::compile(&world).output.map_err(|e| messages(&e))?;
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|e| messages(&e))
    }
}
