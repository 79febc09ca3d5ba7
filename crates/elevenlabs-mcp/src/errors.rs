//! The one error type of the crate.
//!
//! Every failure says what happened: an API error keeps the status, the parsed `detail`, the
//! request id, the retry hint and a bounded copy of the body; a decode error names the JSON
//! path; invalid input names the field.

use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::types::{ErrorDetail, HttpValidationError, ValidationError, ValidationLocation};

/// How much of a response body an error keeps, in bytes.
pub const BODY_EXCERPT_LIMIT: usize = 4096;

/// How much of a successful response body the client reads unless
/// [`ClientBuilder::max_response_body`](crate::ClientBuilder::max_response_body) says
/// otherwise: 64 MiB, about fifteen times a 2,000-server `list`.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;

/// How much of an error answer (a non-2xx status) the client reads; the rest is dropped
/// unread. Error bodies are small JSON documents; this keeps a hostile one from growing
/// the process while leaving room for a long 422 list.
pub const ERROR_BODY_LIMIT: usize = 1024 * 1024;

/// Headers that carry the service's request or trace id, in order of preference: the
/// service's own `request-id` first.
const REQUEST_ID_HEADERS: &[&str] = &[
    "request-id",
    "x-request-id",
    "x-trace-id",
    "x-amzn-trace-id",
];

/// Everything that can go wrong in a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a status other than 2xx.
    Api(Box<ApiError>),
    /// The request or the response took longer than the configured timeout.
    Timeout(reqwest::Error),
    /// The connection could not be made or broke off.
    Connection(reqwest::Error),
    /// A 2xx body that could not be decoded.
    Decode(Box<DecodeError>),
    /// Input refused before any request was made.
    InvalidInput {
        /// The argument or field at fault, such as `mcp_server_id`, `config.url` or
        /// `config.tool_config_overrides[0].tool_name` (a JSON path into the body).
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The client could not be built as configured.
    Config(String),
    /// The service answered with a redirect. The client follows none: the API never
    /// redirects, and following one would send the API key to wherever it points.
    Redirect {
        /// The `3xx` status.
        status: StatusCode,
        /// Where the answer pointed (the `Location` header, with control characters
        /// escaped and cut to a readable length), if it said.
        location: Option<String>,
    },
    /// A response body grew past the call's limit
    /// ([`ClientBuilder::max_response_body`](crate::ClientBuilder::max_response_body)).
    /// What had been read is dropped, the connection closed, and the call is not retried.
    ResponseTooLarge {
        /// The limit, in bytes.
        limit: usize,
        /// The status of the answer whose body was too large.
        status: StatusCode,
    },
}

impl Error {
    pub(crate) fn invalid_input(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The HTTP status, for API errors.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status),
            _ => None,
        }
    }

    /// The API error, if the service answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// 404: the server, tool approval or tool override does not exist.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// 409: for example a tool override that already exists.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(StatusCode::CONFLICT)
    }

    /// 422: the service rejected the request body or parameters.
    pub fn is_validation(&self) -> bool {
        self.status() == Some(StatusCode::UNPROCESSABLE_ENTITY)
    }

    /// 429: too many requests, of either kind ([`ApiError::rate_limit`] tells them apart).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// 401 or 403: the key is missing, wrong or lacks permission.
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self.status(),
            Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
        )
    }

    /// A timeout on the client side.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }

    /// Input refused before sending.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::InvalidInput { .. })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(e) => e.fmt(f),
            Self::Timeout(e) => write!(f, "request timed out: {e}"),
            Self::Connection(e) => write!(f, "connection failed: {e}"),
            Self::Decode(e) => e.fmt(f),
            Self::InvalidInput { field, reason } => write!(f, "invalid `{field}`: {reason}"),
            Self::Config(reason) => write!(f, "invalid client configuration: {reason}"),
            Self::Redirect { status, location } => {
                write!(f, "the server answered {status}")?;
                if let Some(location) = location {
                    write!(f, " pointing to `{location}`")?;
                }
                f.write_str(
                    "; the client follows no redirects, so that the API key never goes anywhere but the configured base URL (the API itself never redirects: check the base URL)",
                )
            }
            Self::ResponseTooLarge { limit, status } => write!(
                f,
                "the response ({status}) is larger than the limit of {limit} bytes; nothing of it was kept (raise it with max_response_body if the answer is genuine)"
            ),
        }
    }
}

/// A request body that the spec's rules refuse (checked before sending).
impl From<elevenlabs_mcp_raw::check::Invalid> for Error {
    fn from(invalid: elevenlabs_mcp_raw::check::Invalid) -> Self {
        Self::InvalidInput {
            field: invalid.field,
            reason: invalid.reason,
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Timeout(e) | Self::Connection(e) => Some(e),
            _ => None,
        }
    }
}

/// A 2xx body that did not decode into the expected type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// JSON path of the value that failed, such as `mcp_servers[3].config.name`.
    pub path: String,
    /// What serde reported.
    pub message: String,
    /// The start of the body (at most [`BODY_EXCERPT_LIMIT`] bytes), as text.
    pub body: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode the response at `{}`: {}; body starts: {}",
            self.path, self.message, self.body
        )
    }
}

/// Decodes a response body as the client does, naming the JSON path of a failure. Every
/// response the client reads goes through here; use it to read a body you kept, such as
/// one saved from [`RawResponse`](crate::RawResponse), with the same liberal types and the
/// same errors.
///
/// ```
/// use elevenlabs_mcp::{Error, McpServerList, decode};
///
/// let list: McpServerList = decode(br#"{"mcp_servers": []}"#)?;
/// assert!(list.mcp_servers.is_empty());
///
/// match decode::<McpServerList>(br#"{"mcp_servers": [{"id": 7}]}"#) {
///     Err(Error::Decode(e)) => assert_eq!(e.path, "mcp_servers[0].id"),
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), Error>(())
/// ```
///
/// How it goes, fastest first (BENCHMARKS.md has the figures for a large `list`):
///
/// - the body's UTF-8 is checked once, whole, and the text decoded from there: serde_json
///   otherwise checks each string as it reads it;
/// - the text is decoded with every union read straight into its variant
///   ([`raw::stream::from_str`](crate::raw::stream::from_str)). A body where some union
///   needs its fallback (a malformed variant the service should not send) is then decoded
///   again the liberal way, which gives the same value wherever the first way succeeds;
/// - the JSON path is worked out only when decoding fails: tracking it costs about a third
///   of the decode, and a body that decodes has no use for it. A failed body is decoded once
///   more with tracking on, which finds the same first error.
pub fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    // All of these reject bytes after the document: not what the service sends.
    let decoded = match std::str::from_utf8(body) {
        Ok(text) => match crate::raw::stream::from_str(text) {
            Some(value) => return Ok(value),
            None => serde_json::from_str(text),
        },
        // Not UTF-8: serde_json's own reading finds where, and says so.
        Err(_) => serde_json::from_slice(body),
    };
    decoded.map_err(|first| locate::<T>(body, first))
}

/// The decode error for a body that failed to decode, with the JSON path of the failure.
#[cold]
fn locate<T: serde::de::DeserializeOwned>(body: &[u8], first: serde_json::Error) -> Error {
    let fail = |path: String, message: String| {
        Error::Decode(Box::new(DecodeError {
            path,
            message,
            body: excerpt(body),
        }))
    };
    let de = &mut serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut *de) {
        Err(e) => fail(e.path().to_string(), e.into_inner().to_string()),
        // The document decoded, so what failed was the check for trailing bytes.
        Ok(_) => fail(".".into(), first.to_string()),
    }
}

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
    /// The start of the body (at most [`BODY_EXCERPT_LIMIT`] bytes), as text.
    pub body: String,
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

/// The service's request or trace id, from the first of [`REQUEST_ID_HEADERS`] present.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(str::to_owned)
}

/// `retry-after-ms` (milliseconds), else `Retry-After` in seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| headers.get(name)?.to_str().ok().map(str::trim);
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return Duration::try_from_secs_f64(ms / 1000.0).ok();
    }
    let value = header("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).ok();
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A header value from the server, fit for a message: control characters escaped (so that
/// it cannot move the cursor or recolour a terminal) and cut after 256 characters.
pub(crate) fn visible(value: &[u8]) -> String {
    const MAX_CHARS: usize = 256;
    let text = String::from_utf8_lossy(value);
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == MAX_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The first [`BODY_EXCERPT_LIMIT`] bytes as text, cut on a character boundary.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= BODY_EXCERPT_LIMIT {
        return text.into_owned();
    }
    let mut end = BODY_EXCERPT_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], body.len())
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn api(status: u16, headers: &[(&'static str, &str)], body: &str) -> ApiError {
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

    #[test]
    fn retry_hints_in_every_form() {
        assert_eq!(
            api(429, &[("retry-after", "3")], "").retry_after,
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            api(429, &[("retry-after-ms", "250")], "").retry_after,
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            api(429, &[("retry-after", "Thu, 01 Jan 1970 00:00:10 GMT")], "").retry_after,
            Some(Duration::from_secs(10))
        );
        assert_eq!(api(429, &[("retry-after", "soon")], "").retry_after, None);
        assert_eq!(api(429, &[("retry-after", "-1")], "").retry_after, None);
    }

    #[test]
    fn body_copy_is_bounded_and_cut_on_a_char_boundary() {
        let body = "é".repeat(BODY_EXCERPT_LIMIT);
        let e = api(500, &[], &body);
        assert!(e.body.len() < BODY_EXCERPT_LIMIT + 64, "{}", e.body.len());
        assert!(e.body.ends_with(&format!("({} bytes in all)", body.len())));
    }

    #[test]
    fn decode_errors_name_the_json_path() {
        let body = br#"{"mcp_servers":[{"id":"a","config":{"url":"https://x","name":"A"},"metadata":{"created_at":1}},{"id":"b","config":{"url":"https://x"},"metadata":{"created_at":2}}]}"#;
        let err =
            decode::<elevenlabs_mcp_raw::types::McpServerList>(body).expect_err("name is missing");
        let Error::Decode(d) = &err else {
            panic!("not a decode error: {err}")
        };
        assert_eq!(d.path, "mcp_servers[1].config");
        assert!(d.message.contains("missing field `name`"), "{}", d.message);
        assert!(err.to_string().contains("mcp_servers[1].config"), "{err}");
        // Any bytes at all produce an error, never a panic.
        for junk in [
            &b""[..],
            b"\xff\xfe",
            b"[",
            b"null",
            b"{\"mcp_servers\": 3}",
        ] {
            assert!(decode::<elevenlabs_mcp_raw::types::McpServerList>(junk).is_err());
        }
    }

    #[test]
    fn a_redirect_target_is_shown_escaped_and_cut() {
        let shown = visible(b"http://127.0.0.1:9/\x1b[2Jx\r\n");
        assert_eq!(shown, "http://127.0.0.1:9/\\u{1b}[2Jx\\r\\n");
        let long = visible("é".repeat(1000).as_bytes());
        assert_eq!(long.chars().count(), 257);
        let e = Error::Redirect {
            status: StatusCode::TEMPORARY_REDIRECT,
            location: Some(shown),
        };
        let text = e.to_string();
        assert!(
            text.contains("307") && text.contains("\\u{1b}[2J"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'), "{text}");
    }

    #[test]
    fn helpers_answer_the_common_questions() {
        let e = |s| Error::Api(Box::new(api(s, &[], "")));
        assert!(e(404).is_not_found() && e(409).is_conflict() && e(422).is_validation());
        assert!(e(429).is_rate_limited() && e(401).is_unauthorized() && e(403).is_unauthorized());
        assert!(!e(500).is_not_found());
        assert_eq!(e(500).status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
        let input = Error::invalid_input("config.url", "must use https");
        assert_eq!(input.to_string(), "invalid `config.url`: must use https");
        assert_eq!(input.status(), None);
    }
}
