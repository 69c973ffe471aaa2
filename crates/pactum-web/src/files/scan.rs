//! A clamd client: the INSTREAM command over TCP or a Unix socket, fed as an upload streams
//! in. Every failure to get a clear "OK" (no connection, a size limit, a timeout, an answer
//! it cannot read) is an error, so an upload is refused unless the scanner vouched for it.

use std::path::PathBuf;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Where clamd listens, or that scanning is off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanner {
    Tcp(String),
    Unix(PathBuf),
    /// The operator turned scanning off explicitly; every upload page says so.
    Off,
}

/// Debian's clamav-daemon socket.
pub const DEFAULT_SOCKET: &str = "/var/run/clamav/clamd.ctl";
/// How long connecting and each exchange may take.
const TIMEOUT: Duration = Duration::from_secs(30);
/// clamd's largest chunk is its StreamMaxLength; smaller pieces keep memory flat.
const PIECE: usize = 64 * 1024;

impl Scanner {
    /// `tcp://host:port`, `unix:///path` or `off`.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text == "off" {
            return Ok(Scanner::Off);
        }
        if let Some(addr) = text.strip_prefix("tcp://") {
            if addr
                .rsplit_once(':')
                .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok())
            {
                return Ok(Scanner::Tcp(addr.to_owned()));
            }
            return Err(format!(
                "{text:?} needs a host and a port: tcp://127.0.0.1:3310"
            ));
        }
        if let Some(path) = text.strip_prefix("unix://")
            && path.starts_with('/')
        {
            return Ok(Scanner::Unix(PathBuf::from(path)));
        }
        Err(format!(
            "{text:?} is not tcp://host:port, unix:///path/to/clamd.socket or off"
        ))
    }

    pub fn is_off(&self) -> bool {
        *self == Scanner::Off
    }

    /// Opens an INSTREAM session; `None` when scanning is off.
    pub async fn start(&self) -> Result<Option<ScanStream>, ScanError> {
        let mut conn: Box<dyn Conn> = match self {
            Scanner::Off => return Ok(None),
            Scanner::Tcp(addr) => Box::new(
                timed(tokio::net::TcpStream::connect(addr.as_str()))
                    .await?
                    .map_err(|e| ScanError::Unreachable(e.to_string()))?,
            ),
            Scanner::Unix(path) => Box::new(
                timed(tokio::net::UnixStream::connect(path))
                    .await?
                    .map_err(|e| ScanError::Unreachable(e.to_string()))?,
            ),
        };
        timed(conn.write_all(b"zINSTREAM\0"))
            .await?
            .map_err(|e| ScanError::Unreachable(e.to_string()))?;
        Ok(Some(ScanStream { conn }))
    }

    /// Whether clamd answers `PING`.
    pub async fn ping(&self) -> Result<(), ScanError> {
        let mut conn: Box<dyn Conn> = match self {
            Scanner::Off => return Ok(()),
            Scanner::Tcp(addr) => Box::new(
                timed(tokio::net::TcpStream::connect(addr.as_str()))
                    .await?
                    .map_err(|e| ScanError::Unreachable(e.to_string()))?,
            ),
            Scanner::Unix(path) => Box::new(
                timed(tokio::net::UnixStream::connect(path))
                    .await?
                    .map_err(|e| ScanError::Unreachable(e.to_string()))?,
            ),
        };
        timed(conn.write_all(b"zPING\0"))
            .await?
            .map_err(|e| ScanError::Unreachable(e.to_string()))?;
        match read_answer(&mut conn).await?.as_str() {
            "PONG" => Ok(()),
            other => Err(ScanError::Protocol(other.to_owned())),
        }
    }
}

trait Conn: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Conn for T {}

async fn timed<F: std::future::Future>(f: F) -> Result<F::Output, ScanError> {
    tokio::time::timeout(TIMEOUT, f)
        .await
        .map_err(|_| ScanError::Unreachable("no answer in time".into()))
}

/// clamd answers with one NUL-terminated line.
async fn read_answer(conn: &mut Box<dyn Conn>) -> Result<String, ScanError> {
    let mut answer = Vec::new();
    timed(conn.read_to_end(&mut answer))
        .await?
        .map_err(|e| ScanError::Protocol(e.to_string()))?;
    let text = String::from_utf8_lossy(&answer);
    Ok(text.trim_end_matches(['\0', '\n']).trim().to_owned())
}

/// What the scanner found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// The signature's name, e.g. `Eicar-Test-Signature`.
    Infected(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error("the virus scanner cannot be reached: {0}")]
    Unreachable(String),
    #[error("the virus scanner did not accept the file: {0}")]
    Protocol(String),
}

/// An INSTREAM session in progress.
pub struct ScanStream {
    conn: Box<dyn Conn>,
}

impl std::fmt::Debug for ScanStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScanStream")
    }
}

impl ScanStream {
    pub async fn send(&mut self, bytes: &[u8]) -> Result<(), ScanError> {
        for piece in bytes.chunks(PIECE) {
            let len = u32::try_from(piece.len()).unwrap_or(u32::MAX).to_be_bytes();
            let sent = async {
                self.conn.write_all(&len).await?;
                self.conn.write_all(piece).await
            };
            if let Err(e) = timed(sent).await? {
                // clamd closes the connection when the stream passes its limit; its answer
                // says why.
                let why = read_answer(&mut self.conn)
                    .await
                    .ok()
                    .filter(|a| !a.is_empty())
                    .unwrap_or_else(|| e.to_string());
                return Err(ScanError::Protocol(why));
            }
        }
        Ok(())
    }

    pub async fn finish(mut self) -> Result<Verdict, ScanError> {
        timed(self.conn.write_all(&[0, 0, 0, 0]))
            .await?
            .map_err(|e| ScanError::Protocol(e.to_string()))?;
        let answer = read_answer(&mut self.conn).await?;
        let body = answer.strip_prefix("stream:").map(str::trim);
        match body {
            Some("OK") => Ok(Verdict::Clean),
            Some(found) if found.ends_with(" FOUND") => Ok(Verdict::Infected(
                found.trim_end_matches(" FOUND").trim().to_owned(),
            )),
            _ => Err(ScanError::Protocol(answer)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_or_name_the_form() {
        assert_eq!(
            Scanner::parse("tcp://127.0.0.1:3310").unwrap(),
            Scanner::Tcp("127.0.0.1:3310".into())
        );
        assert_eq!(
            Scanner::parse("unix:///run/clamav/clamd.ctl").unwrap(),
            Scanner::Unix("/run/clamav/clamd.ctl".into())
        );
        assert_eq!(Scanner::parse("off").unwrap(), Scanner::Off);
        for bad in ["tcp://nohost", "clamd:3310", "unix://relative", "", "OFF"] {
            assert!(Scanner::parse(bad).is_err(), "{bad}");
        }
    }
}
