//! When a failed attempt is tried again, and after how long.
//!
//! The rule that matters most: a write that may have reached the server is never repeated
//! unless the caller says repeating it is harmless, because the service has no idempotency
//! keys and a repeated `create` makes a second server.

use std::time::Duration;

use reqwest::{Method, StatusCode};

/// How the client retries failed attempts.
///
/// Retried, up to [`max_retries`](Self::max_retries) times, while the waits between attempts
/// add up to at most [`max_total_wait`](Self::max_total_wait):
///
/// - a connection that could not be made (nothing was sent), for every method;
/// - `429 Too Many Requests`, for every method (the server refused the request), after the
///   `Retry-After` / `retry-after-ms` hint, capped at [`max_retry_after`](Self::max_retry_after)
///   (but a refusal `too_many_concurrent_requests` is waited out within
///   [`max_limit_wait`](Self::max_limit_wait) instead, while the limiter is on);
/// - `408`, any `5xx` and timeouts, for `GET`, `DELETE` and `PATCH` only — a `POST` that may
///   have reached the server is retried only when the call opts in with
///   [`Pending::assume_idempotent`](crate::Pending::assume_idempotent).
///
/// Without a hint the wait grows exponentially from
/// [`initial_backoff`](Self::initial_backoff) up to [`max_backoff`](Self::max_backoff), with
/// random jitter so that many clients do not retry in step.
///
/// What bounds a call: at most `max_retries + 1` attempts, each bounded by the client's (or
/// the call's) timeout, and between them waits that add up to at most `max_total_wait`. So a
/// call takes at most `(max_retries + 1) × timeout + max_total_wait`; with the defaults
/// (60 s timeout, 2 retries, 60 s of waits) that is 4 minutes, and an attempt that timed out
/// is still retried, because the time the attempt took is not charged to the waits.
///
/// ```
/// use std::time::Duration;
/// use elevenlabs_mcp::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_retries(5)
///     .max_total_wait(Duration::from_secs(120));
/// let never = RetryPolicy::none();
/// assert_eq!(never.retries(), 0);
/// # let _ = patient;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_total_wait: Duration,
    max_retry_after: Duration,
    max_limit_wait: Duration,
}

impl Default for RetryPolicy {
    /// 2 retries, backoff from 500 ms up to 8 s, at most 60 s of waiting in all, server hints
    /// honoured up to 60 s, and up to 60 s of waiting for room under the workspace's limit.
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_total_wait: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(60),
            max_limit_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all: every failure is returned as it happens.
    pub fn none() -> Self {
        Self::default().max_retries(0)
    }

    /// How many times a failed attempt may be repeated (0 turns retries off).
    #[must_use]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The wait before the first retry when the server gives no hint; it doubles each time.
    #[must_use]
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest wait between two attempts when the server gives no hint.
    #[must_use]
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The most a call may spend waiting between attempts, all waits added up (backoffs and
    /// `Retry-After` hints). The attempts themselves are not counted: each is bounded by the
    /// timeout, and their number by [`max_retries`](Self::max_retries). A retry whose wait
    /// would take the total past this budget is not made; the last error is returned
    /// instead.
    #[must_use]
    pub fn max_total_wait(mut self, budget: Duration) -> Self {
        self.max_total_wait = budget;
        self
    }

    /// The longest wait taken on a server's `Retry-After` hint; longer hints are cut to it.
    #[must_use]
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// The most one call waits, in all, for room under the workspace's shared limit of
    /// requests in flight: a call refused 429 `too_many_concurrent_requests` was not carried
    /// out, and goes again once the workspace has room (after one of this client's calls
    /// finishes, or about the time a call takes). Such refusals are not counted against
    /// [`max_retries`](Self::max_retries), nor their waits against
    /// [`max_total_wait`](Self::max_total_wait): a call behind other users of the
    /// workspace takes longer, it does not fail, until this budget is spent. The error
    /// then says how long the call waited ([`ApiError::waited_for_room`](crate::ApiError::waited_for_room)).
    /// Applies while the client's limiter is on (the default).
    ///
    /// ```
    /// use std::time::Duration;
    /// use elevenlabs_mcp::RetryPolicy;
    ///
    /// // A batch job that may queue behind production traffic for a while.
    /// let patient = RetryPolicy::default().max_limit_wait(Duration::from_secs(600));
    /// assert_eq!(patient.limit_wait(), Duration::from_secs(600));
    /// ```
    #[must_use]
    pub fn max_limit_wait(mut self, budget: Duration) -> Self {
        self.max_limit_wait = budget;
        self
    }

    /// The configured budget of waiting for room under the workspace's limit.
    pub fn limit_wait(&self) -> Duration {
        self.max_limit_wait
    }

    /// The configured number of retries.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The wait before retry number `retry` (1-based) when the server gives no hint: an
    /// exponential step with "equal jitter", i.e. between half of it and all of it.
    fn backoff(&self, retry: u32) -> Duration {
        let step = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_backoff);
        let half = step / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// What an attempt came to, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Failure {
    /// The connection could not be made: nothing reached the server.
    NotSent,
    /// The attempt timed out, or the connection broke after the request may have been sent.
    MaybeSent,
    /// The server answered with a non-2xx status.
    Status(StatusCode),
}

/// Whether a method may be repeated without changing the outcome. `PATCH` counts: every
/// update this API has sets fields to given values, so repeating it lands in the same state.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::DELETE | Method::PATCH | Method::HEAD
    )
}

/// The wait before the next attempt, or `None` when the failure should be returned.
///
/// `retry` is the number of the retry being considered (1 for the first), `waited` the
/// waits taken so far in this call, `hint` the server's `Retry-After`, `repeatable` whether
/// the request may be sent twice (an idempotent method, or the caller opted in).
pub(crate) fn next_wait(
    policy: &RetryPolicy,
    max_retries: u32,
    retry: u32,
    waited: Duration,
    repeatable: bool,
    failure: Failure,
    hint: Option<Duration>,
) -> Option<Duration> {
    if retry > max_retries {
        return None;
    }
    let retryable = match failure {
        Failure::NotSent => true,
        Failure::MaybeSent => repeatable,
        Failure::Status(StatusCode::TOO_MANY_REQUESTS) => true,
        Failure::Status(status) => {
            repeatable && (status == StatusCode::REQUEST_TIMEOUT || status.is_server_error())
        }
    };
    if !retryable {
        return None;
    }
    let wait = match hint {
        Some(hint) => hint.min(policy.max_retry_after),
        None => policy.backoff(retry),
    };
    (waited.saturating_add(wait) <= policy.max_total_wait).then_some(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait(method: Method, failure: Failure, hint: Option<Duration>) -> Option<Duration> {
        let policy = RetryPolicy::default();
        next_wait(
            &policy,
            policy.retries(),
            1,
            Duration::ZERO,
            is_idempotent(&method),
            failure,
            hint,
        )
    }

    #[test]
    fn writes_that_may_have_arrived_are_not_repeated() {
        for status in [502, 503, 500, 408] {
            let s = StatusCode::from_u16(status).expect("status");
            assert_eq!(wait(Method::POST, Failure::Status(s), None), None);
            assert!(wait(Method::GET, Failure::Status(s), None).is_some());
            assert!(wait(Method::DELETE, Failure::Status(s), None).is_some());
            assert!(wait(Method::PATCH, Failure::Status(s), None).is_some());
        }
        assert_eq!(wait(Method::POST, Failure::MaybeSent, None), None);
        assert!(wait(Method::GET, Failure::MaybeSent, None).is_some());
        // Nothing was sent, or the server refused it: safe for a POST too.
        assert!(wait(Method::POST, Failure::NotSent, None).is_some());
        let s429 = Failure::Status(StatusCode::TOO_MANY_REQUESTS);
        assert!(wait(Method::POST, s429, None).is_some());
    }

    #[test]
    fn client_errors_other_than_408_and_429_are_final() {
        for status in [400, 401, 403, 404, 409, 422] {
            let s = StatusCode::from_u16(status).expect("status");
            assert_eq!(wait(Method::GET, Failure::Status(s), None), None, "{s}");
        }
    }

    #[test]
    fn hints_are_honoured_and_capped() {
        let s429 = Failure::Status(StatusCode::TOO_MANY_REQUESTS);
        let hint = Duration::from_millis(1500);
        assert_eq!(wait(Method::POST, s429, Some(hint)), Some(hint));
        let capped = wait(Method::GET, s429, Some(Duration::from_secs(3600)));
        assert_eq!(capped, Some(RetryPolicy::default().max_retry_after));
    }

    #[test]
    fn retries_stop_at_the_count_and_the_time_budget() {
        let policy = RetryPolicy::default().max_retries(2);
        let f = Failure::Status(StatusCode::SERVICE_UNAVAILABLE);
        let at = |retry, elapsed| next_wait(&policy, 2, retry, elapsed, true, f, None);
        assert!(at(2, Duration::ZERO).is_some());
        assert_eq!(at(3, Duration::ZERO), None);
        assert_eq!(at(1, Duration::from_secs(60)), None, "60 s already waited");
        assert_eq!(
            next_wait(&RetryPolicy::none(), 0, 1, Duration::ZERO, true, f, None),
            None
        );
    }

    #[test]
    fn the_defaults_retry_an_attempt_that_timed_out() {
        // The first attempt of a GET hung for the whole default timeout (60 s): nothing was
        // waited yet, so the retry the documentation promises is made.
        let policy = RetryPolicy::default();
        for method in [Method::GET, Method::DELETE, Method::PATCH] {
            let wait = next_wait(
                &policy,
                policy.retries(),
                1,
                Duration::ZERO,
                is_idempotent(&method),
                Failure::MaybeSent,
                None,
            );
            assert!(wait.is_some(), "{method} after a timeout");
        }
        // And the second retry too: the first wait was at most `max_backoff`.
        let second = next_wait(
            &policy,
            policy.retries(),
            2,
            policy.max_backoff,
            true,
            Failure::MaybeSent,
            None,
        );
        assert!(second.is_some());
        assert!(policy.max_total_wait >= crate::DEFAULT_TIMEOUT);
    }

    #[test]
    fn backoff_grows_exponentially_within_its_jitter_band() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(1000));
        for (retry, step) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (4, 800),
            (5, 1000),
            (30, 1000),
        ] {
            for _ in 0..50 {
                let d = policy.backoff(retry).as_secs_f64() * 1000.0;
                assert!(
                    d >= step as f64 / 2.0 - 0.001 && d <= step as f64 + 0.001,
                    "retry {retry}: {d} ms outside [{}, {step}]",
                    step / 2
                );
            }
        }
    }
}
