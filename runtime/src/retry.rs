//! When and how long to wait before sending a throttled request again, as
//! Microsoft's Graph SDKs do: only 429, 503 and 504 are retried; `Retry-After`
//! is honoured; otherwise the wait doubles from a base delay, with jitter.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The most retries a policy may ask for, as in Microsoft's SDKs.
pub const MAX_RETRIES: u32 = 10;

/// How a client retries throttled and transient failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_total_delay: Duration,
    throttled: bool,
    unavailable: bool,
}

impl Default for RetryPolicy {
    /// Microsoft's defaults: 3 retries, a 3 second base delay, 180 seconds of waiting at most.
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_secs(3),
            max_total_delay: Duration::from_secs(180),
            throttled: true,
            unavailable: true,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// How many times a request may be sent again (at most [`MAX_RETRIES`]).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries.min(MAX_RETRIES);
        self
    }

    /// The first wait when the server gives no `Retry-After`; each retry doubles it.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The most time all waits of one call may add up to; a retry that would
    /// go past it is not made, and the last answer is returned.
    pub fn max_total_delay(mut self, delay: Duration) -> Self {
        self.max_total_delay = delay;
        self
    }

    /// Whether throttled answers (429) are retried (default `true`).
    pub fn retry_throttled(mut self, retry: bool) -> Self {
        self.throttled = retry;
        self
    }

    /// Whether unavailable answers (503, 504) are retried (default `true`).
    pub fn retry_unavailable(mut self, retry: bool) -> Self {
        self.unavailable = retry;
        self
    }

    /// The configured number of retries.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The wait before retry number `retry` (1-based) after a response with
    /// `status` and `headers`, or `None` when the response is not to be retried.
    fn delay(&self, retry: u32, waited: Duration, status: u16, headers: &HeaderMap) -> Option<Duration> {
        let wanted = match status {
            429 => self.throttled,
            _ => self.unavailable,
        };
        if !is_retryable(status) || !wanted || retry > self.max_retries {
            return None;
        }
        let delay = retry_after(headers, SystemTime::now()).unwrap_or_else(|| self.backoff(retry));
        (waited.saturating_add(delay) <= self.max_total_delay).then_some(delay)
    }

    /// `base * 2^(retry-1)`, plus up to `base` of jitter so that clients
    /// throttled together do not come back together.
    fn backoff(&self, retry: u32) -> Duration {
        let exponential = self.base_delay.saturating_mul(1 << retry.saturating_sub(1).min(16));
        let jitter = self.base_delay.mul_f64(fastrand::f64());
        exponential.saturating_add(jitter)
    }
}

/// Where one call stands in its retries: how many it made and how long it
/// waited. Calls sent alone, calls in a batch and the slices of an upload
/// keep one each, so all retry, wait and count the same way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Retries {
    /// Retries made so far (the `Retry-Attempt` of the next one is this plus one).
    pub made: u32,
    /// Time waited before them, in all.
    pub waited: Duration,
}

impl Retries {
    /// The wait before the next retry of an answer with `status` and
    /// `headers`, counted as made; `None` when the answer stands.
    pub(super) fn next(&mut self, policy: &RetryPolicy, status: u16, headers: &HeaderMap) -> Option<Duration> {
        let delay = policy.delay(self.made + 1, self.waited, status, headers)?;
        Some(self.count(delay))
    }

    /// The wait before trying again after a failure that is no answer's
    /// status (an upload slice that broke off), counted as made; `None`
    /// once `limit` retries were made.
    pub(super) fn after_failure(&mut self, policy: &RetryPolicy, limit: u32) -> Option<Duration> {
        (self.made < limit).then(|| self.count(policy.backoff(self.made + 1)))
    }

    fn count(&mut self, delay: Duration) -> Duration {
        self.made += 1;
        self.waited = self.waited.saturating_add(delay);
        delay
    }
}

/// 429 Too Many Requests, 503 Service Unavailable, 504 Gateway Timeout.
pub fn is_retryable(status: u16) -> bool {
    matches!(status, 429 | 503 | 504)
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP date.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}
