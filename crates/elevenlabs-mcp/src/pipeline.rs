//! The one request pipeline every operation goes through: build the request, send it,
//! retry what is safe to retry, and record the call in a `tracing` span.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use tracing::Instrument;

use crate::client::Inner;
use crate::errors::{ERROR_BODY_LIMIT, Error, retry_after};
use crate::retry::{Failure, is_idempotent, next_wait};

/// One operation, ready to send: everything taken from the caller is already checked and
/// encoded.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    /// The operation, from the generated table; its operationId names it in tracing.
    pub operation: elevenlabs_mcp_raw::operations::Operation,
    pub method: Method,
    /// The path below the base URL, every segment percent-encoded.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    /// The JSON body; `Bytes` so that a retry re-sends it without copying.
    pub body: Option<Bytes>,
}

impl Call {
    /// Sets query parameter `name` (replacing an earlier value), refusing a name the
    /// operation does not take and an empty value.
    pub(crate) fn set_query(&mut self, name: &str, value: String) -> Result<(), Error> {
        let known = self
            .operation
            .query_params()
            .iter()
            .find(|known| **known == name)
            .ok_or_else(|| {
                Error::invalid_input(
                    name,
                    format!("{} takes no `{name}` parameter", self.operation),
                )
            })?;
        if value.trim().is_empty() {
            return Err(Error::invalid_input(name, "must not be empty"));
        }
        self.query.retain(|(n, _)| n != known);
        self.query.push((known, value));
        Ok(())
    }
}

/// What the caller may change for one call.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    pub headers: HeaderMap,
    pub assume_idempotent: bool,
    /// The largest 2xx body this call reads, instead of the client's.
    pub max_response_body: Option<usize>,
}

/// A response as it arrived, whatever its status.
#[derive(Debug, Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// Whether an earlier attempt of the same call may have reached the server and been
    /// applied (it timed out, its connection broke, or it was answered 408 or 5xx).
    earlier_attempt_may_have_applied: bool,
    /// How long the call waited for room under the workspace's limit before this answer.
    waited_for_room: Duration,
    /// A refusal `too_many_concurrent_requests`: over the workspace's limit of requests in
    /// flight, so not carried out (read from the body once, as it arrived).
    refused_for_limit: bool,
}

impl RawResponse {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body, as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body as text, with invalid UTF-8 replaced.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The service's request id (`request-id`, else `x-request-id` or a trace id header).
    pub fn request_id(&self) -> Option<String> {
        crate::errors::request_id(&self.headers)
    }

    /// Whether an earlier attempt of this call may have reached the service and been
    /// applied before this answer came: it timed out, its connection broke, or it was
    /// answered `408` or `5xx`. A `DELETE` answered `404` after such an attempt most likely
    /// deleted on that attempt.
    pub fn retried_after_possible_delivery(&self) -> bool {
        self.earlier_attempt_may_have_applied
    }

    /// The API error this response stands for, if its status is not 2xx; a redirect is an
    /// error of its own (the client follows none).
    pub(crate) fn into_result(self) -> Result<Self, Error> {
        if self.status.is_success() {
            Ok(self)
        } else if self.status.is_redirection() {
            Err(Error::Redirect {
                status: self.status,
                location: self
                    .headers
                    .get(reqwest::header::LOCATION)
                    .map(|l| crate::errors::visible(l.as_bytes())),
            })
        } else {
            let mut error = crate::ApiError::from_parts(
                self.status,
                &self.headers,
                &self.body,
                SystemTime::now(),
            );
            error.waited_for_room =
                (self.waited_for_room > Duration::ZERO).then_some(self.waited_for_room);
            Err(Error::Api(Box::new(error)))
        }
    }
}

/// How one attempt ended.
enum Attempt {
    Answered(RawResponse),
    Failed(reqwest::Error),
    /// The body passed the limit: final, never retried (the next answer would be as large).
    TooLarge(Error),
}

impl Inner {
    /// Sends `call`, retrying as the policy allows, and returns the last response whatever
    /// its status. Only transport failures are errors here.
    pub(crate) async fn execute(
        &self,
        call: &Call,
        options: &CallOptions,
    ) -> Result<RawResponse, Error> {
        let span = tracing::info_span!(
            "elevenlabs_mcp.call",
            operation = call.operation.id(),
            method = %call.method,
            path = %call.path,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.execute_in_span(call, options).instrument(span).await
    }

    async fn execute_in_span(
        &self,
        call: &Call,
        options: &CallOptions,
    ) -> Result<RawResponse, Error> {
        let span = tracing::Span::current();
        let started = Instant::now();
        let max_retries = options.max_retries.unwrap_or(self.retry.retries());
        let repeatable = is_idempotent(&call.method) || options.assume_idempotent;
        let mut attempt: u32 = 0;
        let mut waited = Duration::ZERO;
        let mut may_have_applied = false;
        // Refusals for the workspace's shared limit: waited out within their own budget,
        // not counted as retries.
        let mut refusals: u32 = 0;
        let mut waited_for_room = Duration::ZERO;
        // The slot of a call refused for the limit, kept while it waits for room: a client
        // with refused calls waiting does not send others in their place.
        let mut held: Option<crate::limit::Slot> = None;
        loop {
            attempt += 1;
            // Bodies at debug level, cut to an excerpt: the key travels in a header, never
            // here, and an answer that echoes it was scrubbed as it was read.
            if let Some(body) = &call.body {
                tracing::debug!(body = %crate::errors::excerpt(body), "request body");
            }
            let (mut outcome, slot) = self.attempt(call, options, held.take()).await;
            if let Attempt::Answered(r) = &outcome {
                tracing::debug!(
                    status = r.status.as_u16(),
                    body = %crate::errors::excerpt(&r.body),
                    "response body"
                );
            }
            if let Attempt::Answered(r) = &mut outcome {
                r.earlier_attempt_may_have_applied = may_have_applied;
                r.waited_for_room = waited_for_room;
            }
            span.record("attempt", attempt);
            let refused = matches!(&outcome, Attempt::Answered(r) if r.refused_for_limit);
            if let (Some(limiter), true) = (&self.limiter, refused) {
                // Over the workspace's limit of calls in flight: nothing was carried out,
                // and what is missing is room, not time. Wait for it, within the budget.
                let budget = self.retry.limit_wait();
                if waited_for_room < budget {
                    held = slot;
                    refusals += 1;
                    tracing::debug!(
                        attempt,
                        refusals,
                        "refused for the workspace's limit; waiting for room"
                    );
                    waited_for_room += limiter
                        .wait_for_room(refusals, budget - waited_for_room)
                        .await;
                    continue;
                }
            }
            let (failure, hint) = match &outcome {
                Attempt::TooLarge(_) => (None, None),
                Attempt::Answered(r) => {
                    span.record("status", r.status.as_u16());
                    if let Some(id) = crate::errors::request_id(&r.headers) {
                        span.record("request_id", id.as_str());
                    }
                    if r.status.is_success() {
                        (None, None)
                    } else {
                        (
                            Some(Failure::Status(r.status)),
                            retry_after(&r.headers, SystemTime::now()),
                        )
                    }
                }
                Attempt::Failed(e) if e.is_connect() && !e.is_timeout() => {
                    (Some(Failure::NotSent), None)
                }
                Attempt::Failed(_) => (Some(Failure::MaybeSent), None),
            };
            let limit_exhausted = refusals > 0 && refused;
            let wait = failure.filter(|_| !limit_exhausted).and_then(|failure| {
                next_wait(
                    &self.retry,
                    max_retries,
                    attempt - refusals,
                    waited,
                    repeatable,
                    failure,
                    hint,
                )
            });
            let Some(wait) = wait else {
                span.record("duration_ms", elapsed_ms(started));
                return match outcome {
                    Attempt::Answered(response) => Ok(response),
                    Attempt::Failed(e) => Err(transport_error(e)),
                    Attempt::TooLarge(e) => Err(e),
                };
            };
            tracing::debug!(
                attempt,
                wait_ms = wait.as_millis() as u64,
                reason = %describe(&outcome),
                "retrying"
            );
            may_have_applied |= match failure {
                Some(Failure::MaybeSent) => true,
                Some(Failure::Status(status)) => crate::errors::status_may_have_applied(status),
                _ => false,
            };
            waited += wait;
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt, in `slot` when the call kept one, else in a slot waited for; the slot
    /// comes back with the outcome.
    async fn attempt(
        &self,
        call: &Call,
        options: &CallOptions,
        slot: Option<crate::limit::Slot>,
    ) -> (Attempt, Option<crate::limit::Slot>) {
        // Held until the answer is read: the workspace counts the request until then.
        let slot = match (&self.limiter, slot) {
            (Some(limiter), Some(mut slot)) => {
                limiter.again(&mut slot);
                Some(slot)
            }
            (Some(limiter), None) => Some(limiter.acquire().await),
            (None, _) => None,
        };
        let sent = Instant::now();
        let url = format!("{}{}", self.base_url, call.path);
        let mut request = self
            .http
            .request(call.method.clone(), url)
            .timeout(options.timeout.unwrap_or(self.timeout))
            // Each `.headers` replaces the names it carries: the client's defaults, then the
            // call's own, then the key and user agent.
            .headers(self.default_headers.clone())
            .headers(options.headers.clone())
            // After the caller's headers, so that none of them can replace these.
            .headers(self.headers.clone());
        if !call.query.is_empty() {
            request = request.query(&call.query);
        }
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => return (Attempt::Failed(e), slot),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let limit = if status.is_success() {
            options.max_response_body.unwrap_or(self.max_response_body)
        } else {
            ERROR_BODY_LIMIT
        };
        let outcome = match read_body(response, limit).await {
            Ok(Body::Whole(body) | Body::Cut(body)) => Attempt::Answered(RawResponse {
                status,
                headers,
                refused_for_limit: status == StatusCode::TOO_MANY_REQUESTS
                    && crate::RateLimit::of_body(&body)
                        == crate::RateLimit::TooManyConcurrentRequests,
                body: scrub(body, &self.secret),
                earlier_attempt_may_have_applied: false,
                waited_for_room: Duration::ZERO,
            }),
            Ok(Body::TooLarge) => Attempt::TooLarge(Error::ResponseTooLarge { limit, status }),
            Err(e) => Attempt::Failed(e),
        };
        if let (Some(limiter), Some(slot)) = (&self.limiter, &slot) {
            // An answer too large to keep still counts: its headers were not kept.
            let empty = HeaderMap::new();
            let (headers, refused) = match &outcome {
                Attempt::Answered(r) => (&r.headers, r.refused_for_limit),
                _ => (&empty, false),
            };
            if !matches!(outcome, Attempt::Failed(_)) {
                limiter.observe(
                    slot,
                    crate::limit::Answer {
                        headers,
                        refused,
                        took: sent.elapsed(),
                    },
                );
            }
        }
        (outcome, slot)
    }
}

/// A body read within a limit.
enum Body {
    /// All of it.
    Whole(Bytes),
    /// Its first `limit` bytes; the rest was left unread (error answers only).
    Cut(Bytes),
    /// A success body past the limit: nothing kept.
    TooLarge,
}

/// Reads `response`'s body, chunk by chunk, up to `limit` bytes. A `Content-Length` over
/// the limit is refused before reading anything. Past the limit, a 2xx body is
/// [`Body::TooLarge`] and what was read is freed at once; an error body is cut. Dropping
/// the response closes the connection, so the server's unsent bytes are never read.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Body, reqwest::Error> {
    let success = response.status().is_success();
    let declared = response
        .content_length()
        .and_then(|n| usize::try_from(n).ok());
    if success && declared.is_some_and(|n| n > limit) {
        return Ok(Body::TooLarge);
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            if success {
                return Ok(Body::TooLarge);
            }
            body.extend_from_slice(&chunk[..limit - body.len()]);
            return Ok(Body::Cut(Bytes::from(body)));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Body::Whole(Bytes::from(body)))
}

/// Keys shorter than this are not scrubbed: a short test key would match ordinary text.
const MIN_SCRUBBED_KEY: usize = 8;

/// Replaces the API key wherever a response body echoes it (a validation error on the
/// `xi-api-key` header shows its `input`), so that it cannot reach an error message, a
/// log or a [`RawResponse`]. Bodies without it, nearly all, are passed through uncopied.
fn scrub(body: Bytes, secret: &[u8]) -> Bytes {
    if secret.len() < MIN_SCRUBBED_KEY || memchr::memmem::find(&body, secret).is_none() {
        return body;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut rest: &[u8] = &body;
    while let Some(at) = memchr::memmem::find(rest, secret) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(b"<redacted>");
        rest = &rest[at + secret.len()..];
    }
    out.extend_from_slice(rest);
    Bytes::from(out)
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn describe(outcome: &Attempt) -> String {
    match outcome {
        Attempt::Answered(r) => r.status.to_string(),
        Attempt::Failed(e) if e.is_timeout() => "timeout".into(),
        Attempt::Failed(e) if e.is_connect() => "connection failed".into(),
        Attempt::Failed(_) => "connection broke".into(),
        Attempt::TooLarge(e) => e.to_string(),
    }
}

fn transport_error(e: reqwest::Error) -> Error {
    // reqwest errors carry the URL, which holds ids but never the key (it travels in a
    // header).
    if e.is_timeout() {
        Error::Timeout(e)
    } else {
        Error::Connection(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_echoed_key_is_scrubbed_from_bodies() {
        let key = b"sk_0123456789";
        let body =
            Bytes::from_static(b"{\"input\":\"sk_0123456789\",\"again\":\"xsk_0123456789x\"}");
        let out = scrub(body, key);
        assert_eq!(
            &out[..],
            b"{\"input\":\"<redacted>\",\"again\":\"x<redacted>x\"}"
        );
        let clean = Bytes::from_static(b"{}");
        assert_eq!(scrub(clean.clone(), key), clean);
    }
}
