//! The one way out: every outbound HTTP request Pactum makes goes through [`Egress`], which
//! refuses any host not in the operator's allowlist, before connecting and again on every
//! redirect, and logs the refusal. TLS is rustls with the system's trust store.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EgressError {
    #[error("{0} is not in the egress allowlist")]
    Refused(String),
    #[error("the address {0:?} cannot be used")]
    BadUrl(String),
    #[error("the server answered {0}")]
    Status(u16),
    #[error("the request failed: {0}")]
    Transport(String),
    #[error("the answer is not JSON")]
    NotJson,
}

/// The allowlist and the client that honours it.
#[derive(Clone)]
pub struct Egress {
    allow: Arc<Vec<String>>,
    client: reqwest::Client,
}

impl std::fmt::Debug for Egress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Egress")
            .field("allow", &self.allow)
            .finish()
    }
}

/// `host` or `host:port`, lowercase, as the allowlist holds them.
fn allowed(allow: &[String], url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
        return false;
    };
    let with_port = url.port_or_known_default().map(|p| format!("{host}:{p}"));
    allow
        .iter()
        .any(|a| *a == host || Some(a) == with_port.as_ref())
}

fn refused(url: &reqwest::Url) -> EgressError {
    let host = url.host_str().unwrap_or("(no host)").to_owned();
    tracing::warn!(%host, "outbound request refused: the host is not in the egress allowlist");
    EgressError::Refused(host)
}

impl Egress {
    /// A client for these hosts (`api.example.eu`, or `127.0.0.1:8080` for one port).
    pub fn new(allow: Vec<String>) -> Result<Self, String> {
        // rustls needs its cryptography chosen once per process; a second call is a no-op.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let allow: Arc<Vec<String>> = Arc::new(
            allow
                .into_iter()
                .map(|a| a.trim().to_ascii_lowercase())
                .collect(),
        );
        let for_redirects = allow.clone();
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(180))
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= 5 {
                    attempt.error("too many redirects")
                } else if allowed(&for_redirects, attempt.url()) {
                    attempt.follow()
                } else {
                    let e = refused(attempt.url());
                    attempt.error(e)
                }
            }))
            .build()
            .map_err(|e| format!("the HTTP client could not be built: {e}"))?;
        Ok(Self { allow, client })
    }

    pub fn allows(&self, url: &str) -> bool {
        reqwest::Url::parse(url).is_ok_and(|u| allowed(&self.allow, &u))
    }

    /// POSTs JSON and reads JSON back.
    pub async fn post_json(
        &self,
        url: &str,
        bearer: Option<&str>,
        body: &[u8],
    ) -> Result<Value, EgressError> {
        let parsed = reqwest::Url::parse(url).map_err(|_| EgressError::BadUrl(url.to_owned()))?;
        if !matches!(parsed.scheme(), "https" | "http") {
            return Err(EgressError::BadUrl(url.to_owned()));
        }
        if !allowed(&self.allow, &parsed) {
            return Err(refused(&parsed));
        }
        let mut request = self
            .client
            .post(parsed)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_vec());
        if let Some(key) = bearer {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.map_err(|e| {
            // A refused redirect comes back as the policy's error.
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            while let Some(s) = source {
                if let Some(r) = s.downcast_ref::<EgressError>() {
                    return r.clone();
                }
                source = s.source();
            }
            EgressError::Transport(e.without_url().to_string())
        })?;
        let status = response.status();
        if !status.is_success() {
            return Err(EgressError::Status(status.as_u16()));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| EgressError::Transport(e.without_url().to_string()))?;
        serde_json::from_slice(&bytes).map_err(|_| EgressError::NotJson)
    }
}
