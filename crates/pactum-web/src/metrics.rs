//! `/metrics` in the Prometheus (OpenMetrics) text format: requests by route and status,
//! their latency, the background scheduler (rounds, leadership, reminder mail), upload
//! scans, and requests the rate limiter turned away. Labels carry the matched route and
//! never a raw path, so no name or address ends up in a time series.
//!
//! The endpoint is off until `metrics_token` is set, and then answers only a request that
//! presents it as a bearer token: the figures say how an organisation's Pactum is used.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BucketLabels {
    pub bucket: String,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s, doubling.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    in_flight: Gauge,
    /// Scheduler rounds by outcome: `led`, `followed` (another process holds the lease), `failed`.
    pub rounds: Family<OutcomeLabels, Counter>,
    /// 1 while this process holds the scheduler's lease.
    pub leader: Gauge,
    /// Reminder e-mails by outcome: `sent`, `failed`.
    pub reminders: Family<OutcomeLabels, Counter>,
    /// Upload scans by result: `clean`, `infected`, `failed`.
    pub scans: Family<OutcomeLabels, Counter>,
    /// Requests answered 429, by what refused them: the per-address limiter (`login`,
    /// `public`) or the sign-in back-off (`account_backoff`, `address_backoff`).
    pub limited: Family<BucketLabels, Counter>,
    pool_size: Gauge,
    pool_idle: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("pactum");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, matched route and status",
            requests.clone(),
        );
        let latency: LatencyFamily = Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time from routing to the response, by method and matched route",
            latency.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "http_requests_in_flight",
            "Requests being handled now",
            in_flight.clone(),
        );
        let rounds = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "scheduler_rounds",
            "Rounds of the background scheduler, by outcome (led, followed, failed)",
            rounds.clone(),
        );
        let leader = Gauge::default();
        registry.register(
            "scheduler_leader",
            "1 while this process holds the scheduler lease, else 0",
            leader.clone(),
        );
        let reminders = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "reminder_mails",
            "Reminder e-mails, by outcome (sent, failed)",
            reminders.clone(),
        );
        let scans = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "upload_scans",
            "Virus scans of uploads, by result (clean, infected, failed)",
            scans.clone(),
        );
        let limited = Family::<BucketLabels, Counter>::default();
        registry.register(
            "rate_limited",
            "Requests refused with 429 by the rate limiter or the sign-in back-off, by bucket",
            limited.clone(),
        );
        let pool_size = Gauge::default();
        registry.register(
            "database_connections",
            "Open database connections",
            pool_size.clone(),
        );
        let pool_idle = Gauge::default();
        registry.register(
            "database_connections_idle",
            "Open database connections not in use",
            pool_idle.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            in_flight,
            rounds,
            leader,
            reminders,
            scans,
            limited,
            pool_size,
            pool_idle,
        }
    }
}

impl Metrics {
    pub fn outcome(family: &Family<OutcomeLabels, Counter>, outcome: &str) {
        family
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    pub fn limited(&self, bucket: &str) {
        self.limited
            .get_or_create(&BucketLabels {
                bucket: bucket.to_owned(),
            })
            .inc();
    }

    fn encode(&self, state: &AppState) -> Result<String, std::fmt::Error> {
        let pool = state.store.pool();
        self.pool_size.set(i64::from(pool.size()));
        self.pool_idle
            .set(i64::try_from(pool.num_idle()).unwrap_or(i64::MAX));
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

/// Counts and times every routed request (the layer runs inside routing, so the matched
/// route is known; unmatched requests count under `(unmatched)`).
pub async fn record(
    State(metrics): State<std::sync::Arc<Metrics>>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str)
        .to_owned();
    let method = req.method().as_str().to_owned();
    let start = std::time::Instant::now();
    metrics.in_flight.inc();
    let response = next.run(req).await;
    metrics.in_flight.dec();
    metrics
        .latency
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(start.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// `GET /metrics`.
pub async fn serve(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let Some(expected) = state.settings.metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !pactum_crypto::secret::constant_time_eq(presented.as_bytes(), expected.as_bytes()) {
        let mut response = StatusCode::UNAUTHORIZED.into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"metrics\""),
        );
        return response;
    }
    match state.metrics.encode(&state) {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                ),
            )],
            text,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
