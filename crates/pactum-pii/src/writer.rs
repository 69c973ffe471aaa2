//! A `tracing-subscriber` writer that scrubs each formatted log line before it is written:
//! wrap any writer, e.g. `fmt().with_writer(Scrubbing::new(std::io::stderr))`.

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;

use crate::redact::{Policy, Redactor};

/// Wraps a `MakeWriter`; every event's bytes pass through the PII scanner.
#[derive(Debug, Clone)]
pub struct Scrubbing<M> {
    inner: M,
}

impl<M> Scrubbing<M> {
    pub fn new(inner: M) -> Self {
        Self { inner }
    }
}

/// Collects one event and writes it, redacted, when the event is complete.
pub struct ScrubbingWriter<W: Write> {
    inner: W,
    buf: Vec<u8>,
}

impl<W: Write> Write for ScrubbingWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return self.inner.flush();
        }
        let text = String::from_utf8_lossy(&self.buf);
        let clean = Redactor::new(Policy::Mask).redact(&text).into_owned();
        self.buf.clear();
        self.inner.write_all(clean.as_bytes())?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for ScrubbingWriter<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Scrubbing<M> {
    type Writer = ScrubbingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        ScrubbingWriter {
            inner: self.inner.make_writer(),
            buf: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn log_lines_are_scrubbed() {
        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(Scrubbing::new(move || sink.clone()))
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
            tracing::info!(
                email = "jan.jansen@example.nl",
                token = jwt,
                "login from 06-12345678 iban NL91ABNA0417164300"
            );
        });
        let out = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(
            out.contains("<EMAIL>")
                && out.contains("<JWT>")
                && out.contains("<PHONE>")
                && out.contains("<IBAN>"),
            "{out}"
        );
        for secret in ["jan.jansen", "eyJhbGci", "12345678", "ABNA"] {
            assert!(!out.contains(secret), "{secret} leaked: {out}");
        }
    }
}
