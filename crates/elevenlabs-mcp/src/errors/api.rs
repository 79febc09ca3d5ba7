//! A non-2xx answer, decoded: its status, the `detail` through the spec's error type, the
//! request id, the retry hint, and what kind of 429 it is.

use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::excerpt;
use super::headers::{request_id, retry_after};
use crate::types::{ErrorDetail, HttpValidationError, ValidationError, ValidationLocation};

/// A non-2xx answer from the service.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body's `detail`, decoded through the spec's error type: a validation list
    /// (422), a message, or a status and message. `None` when the body is not JSON or has
    /// no `detail`.
    pub detail: Option<ErrorDetail>,
    /// The service's request or trace id, for support tickets.
    pub request_id: Option<String>,
    /// How long the service asked us to wait (`Retry-After` or `retry-after-ms`).
    pub retry_after: Option<Duration>,
    /// The start of the body (at most [`BODY_EXCERPT_LIMIT`](crate::BODY_EXCERPT_LIMIT) bytes), as text.
    pub body: String,
    /// How long the call waited for room under the workspace's limit of requests in flight
    /// before this answer, when it was refused for that limit
    /// ([`RetryPolicy::max_limit_wait`](crate::RetryPolicy::max_limit_wait) bounds it).
    pub waited_for_room: Option<Duration>,
}

impl ApiError {
    /// Builds the error from a response's parts. `now` anchors an HTTP-date `Retry-After`.
    pub fn from_parts(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Self {
        let detail = serde_json::from_slice::<HttpValidationError>(body)
            .ok()
            .and_then(|e| e.detail);
        Self {
            status,
            detail,
            request_id: request_id(headers),
            retry_after: retry_after(headers, now),
            body: excerpt(body),
            waited_for_room: None,
        }
    }

    /// The problems of a 422 answer, one per field; empty for other answers.
    pub fn validation_errors(&self) -> &[ValidationError] {
        match &self.detail {
            Some(ErrorDetail::Array(issues)) => issues,
            _ => &[],
        }
    }

    /// Which kind of 429 this is: over the workspace's limit of requests in flight (wait
    /// for one of your own calls to finish), or the service overloaded (back off). `None`
    /// for other statuses.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        (self.status == StatusCode::TOO_MANY_REQUESTS).then(|| RateLimit::of(self.status_code()))
    }

    /// The machine-readable status of a `{"detail": {"status", "message"}}` answer, such
    /// as `tool_config_not_found`.
    pub fn status_code(&self) -> Option<&str> {
        match &self.detail {
            Some(ErrorDetail::ErrorStatus(s)) => s.status.as_deref(),
            _ => None,
        }
    }

    /// What the service said, for people: the message of a `{"detail": "…"}` or
    /// `{"detail": {"message": "…"}}` answer.
    pub fn message(&self) -> Option<&str> {
        match &self.detail {
            Some(ErrorDetail::String(m)) => Some(m),
            Some(ErrorDetail::ErrorStatus(s)) => s.message.as_deref(),
            _ => None,
        }
    }
}

/// What a 429 means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimit {
    /// `too_many_concurrent_requests`: the workspace has as many requests in flight as its
    /// plan allows; one of them must finish first. The client waits for one of its own.
    TooManyConcurrentRequests,
    /// `system_busy`: the service itself is overloaded; back off.
    SystemBusy,
    /// A 429 with another or no status.
    Other,
}

impl RateLimit {
    fn of(status: Option<&str>) -> Self {
        match status {
            Some("too_many_concurrent_requests") => Self::TooManyConcurrentRequests,
            Some("system_busy") => Self::SystemBusy,
            _ => Self::Other,
        }
    }

    /// The kind of a 429's body, read without keeping the rest.
    pub(crate) fn of_body(body: &[u8]) -> Self {
        let status = serde_json::from_slice::<HttpValidationError>(body)
            .ok()
            .and_then(|e| match e.detail {
                Some(ErrorDetail::ErrorStatus(s)) => s.status,
                _ => None,
            });
        Self::of(status.as_deref())
    }
}

/// `body.config.url`: a validation problem's location as one dotted path.
pub fn location(issue: &ValidationError) -> String {
    let steps: Vec<String> = issue
        .loc
        .iter()
        .map(|step| match step {
            ValidationLocation::String(s) => s.clone(),
            ValidationLocation::Integer(i) => i.to_string(),
            other => serde_json::to_string(other).unwrap_or_default(),
        })
        .collect();
    steps.join(".")
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the API answered {}", self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        match &self.detail {
            Some(ErrorDetail::Array(issues)) => {
                f.write_str(":")?;
                for issue in issues {
                    write!(f, "\n  {}: {}", location(issue), issue.msg)?;
                }
                Ok(())
            }
            Some(ErrorDetail::String(m)) => write!(f, ": {m}"),
            Some(ErrorDetail::ErrorStatus(s)) => {
                let message = s.message.as_deref().unwrap_or("");
                match &s.status {
                    Some(status) => write!(f, ": {message} ({status})"),
                    None => write!(f, ": {message}"),
                }
            }
            Some(other) => write!(f, ": {}", serde_json::to_string(other).unwrap_or_default()),
            None if self.body.is_empty() => Ok(()),
            None => write!(f, ": {}", self.body),
        }?;
        if let Some(waited) = self.waited_for_room {
            write!(
                f,
                "; the workspace's limit of requests in flight stayed full for the {:.1} s this call waited for room (other users of the key share it: raise the wait budget, or lower their load)",
                waited.as_secs_f64()
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::Error;
    use reqwest::header::HeaderValue;

    pub(crate) fn api(status: u16, headers: &[(&'static str, &str)], body: &str) -> ApiError {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, HeaderValue::from_str(v).expect("header value"));
        }
        let status = StatusCode::from_u16(status).expect("status");
        ApiError::from_parts(status, &map, body.as_bytes(), SystemTime::UNIX_EPOCH)
    }

    #[test]
    fn validation_errors_display_as_located_lines() {
        let e = api(
            422,
            &[("x-request-id", "req_1")],
            r#"{"detail":[{"loc":["body","config","url"],"msg":"Field required","type":"missing"},{"loc":["body","config","tool_config_overrides",0,"response_timeout_secs"],"msg":"too big","type":"le"}]}"#,
        );
        let shown = Error::Api(Box::new(e)).to_string();
        assert!(shown.contains("(request id req_1)"), "{shown}");
        assert!(
            shown.contains("\n  body.config.url: Field required"),
            "{shown}"
        );
        assert!(
            shown
                .contains("\n  body.config.tool_config_overrides.0.response_timeout_secs: too big"),
            "{shown}"
        );
    }

    #[test]
    fn every_detail_shape_is_parsed() {
        let text = api(404, &[], r#"{"detail":"MCP server not found"}"#);
        assert_eq!(text.message(), Some("MCP server not found"));
        let status = api(
            409,
            &[],
            r#"{"detail":{"status":"exists","message":"already there"}}"#,
        );
        assert_eq!(status.status_code(), Some("exists"));
        assert_eq!(status.message(), Some("already there"));
        assert!(status.to_string().ends_with(": already there (exists)"));
        let other = api(500, &[], r#"{"detail":42}"#);
        assert!(
            matches!(&other.detail, Some(ErrorDetail::Unknown(v)) if *v == serde_json::json!(42))
        );
        assert!(other.to_string().ends_with(": 42"), "{other}");
        let html = api(502, &[], "<html>bad gateway</html>");
        assert!(html.detail.is_none());
        assert!(html.to_string().contains("<html>bad gateway</html>"));
    }
}
