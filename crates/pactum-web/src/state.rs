//! What every handler can reach.

use std::sync::Arc;

use pactum_store::Store;

use crate::clock::Clock;

#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<WebSettings>,
}

/// Limits and switches of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    /// Seconds a request may take before it is answered with 503.
    pub request_timeout_secs: u64,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            request_timeout_secs: 30,
        }
    }
}

impl AppState {
    pub fn new(store: Store, clock: Arc<dyn Clock>, settings: WebSettings) -> Self {
        Self {
            store,
            clock,
            settings: Arc::new(settings),
        }
    }
}
