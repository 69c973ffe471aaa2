//! Rate limits per client address on the routes a stranger can call: sign-in, registration,
//! password reset, the token endpoint and the public forms. In memory (GCRA from
//! `governor`); the per-account back-off of failed sign-ins is in the database
//! (`pactum_store::throttle`) so it holds across restarts and processes.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::state::AuthSettings;

/// Which budget a request draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Password, code and token checks.
    Login,
    /// Registration, reset requests and handing out forms.
    Public,
}

impl Bucket {
    pub fn name(self) -> &'static str {
        match self {
            Bucket::Login => "login",
            Bucket::Public => "public",
        }
    }
}

pub struct Limits {
    login: DefaultKeyedRateLimiter<IpAddr>,
    public: DefaultKeyedRateLimiter<IpAddr>,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Limits")
    }
}

fn quota(per_minute: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN))
}

impl Limits {
    pub fn new(settings: &AuthSettings) -> Self {
        Self {
            login: RateLimiter::keyed(quota(settings.login_per_minute)),
            public: RateLimiter::keyed(quota(settings.public_per_minute)),
        }
    }

    /// `Err(wait)` when the address has used up its budget.
    pub fn check(&self, bucket: Bucket, ip: IpAddr) -> Result<(), Duration> {
        let limiter = match bucket {
            Bucket::Login => &self.login,
            Bucket::Public => &self.public,
        };
        let outcome = limiter.check_key(&ip);
        // Forget addresses that have been quiet, so the map does not grow without bound.
        if limiter.len() > 10_000 {
            limiter.retain_recent();
        }
        outcome.map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}
