//! The one error type of the crate, and what each kind of failure carries.
//!
//! Every failure says what happened: an API error keeps the status, the parsed `detail`, the
//! request id, the retry hint and a bounded copy of the body ([`api`]); a decode error names
//! the JSON path ([`decode`]); invalid input names the field. What the service's headers say
//! (request id, retry hint) is read in [`headers`].

mod api;
mod decode;
mod headers;

pub use api::{ApiError, RateLimit, location};
pub use decode::{DecodeError, decode};
pub(crate) use headers::{request_id, retry_after, visible};

use std::fmt;

use reqwest::StatusCode;

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

    /// Whether a failed write may still have been carried out by the service: it timed
    /// out, its connection broke, or it was answered 408 or 5xx (the request may have
    /// arrived and been stored before the failure). The service has no idempotency keys,
    /// so before repeating such a write, look whether it took effect (for a create, list
    /// the servers and look for its name).
    ///
    /// ```
    /// use elevenlabs_mcp::Error;
    /// assert!(!Error::Config("no key".into()).may_have_applied());
    /// ```
    pub fn may_have_applied(&self) -> bool {
        match self {
            Self::Timeout(_) | Self::Connection(_) => true,
            Self::Api(api) => status_may_have_applied(api.status),
            _ => false,
        }
    }
}

/// Whether an answer with this status leaves open that the request was carried out: 408
/// and 5xx may come after the service stored the write.
pub(crate) fn status_may_have_applied(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT || status.is_server_error()
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

/// The first [`BODY_EXCERPT_LIMIT`] bytes as text, cut on a character boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use api::tests::api;

    #[test]
    fn body_copy_is_bounded_and_cut_on_a_char_boundary() {
        let body = "é".repeat(BODY_EXCERPT_LIMIT);
        let e = api(500, &[], &body);
        assert!(e.body.len() < BODY_EXCERPT_LIMIT + 64, "{}", e.body.len());
        assert!(e.body.ends_with(&format!("({} bytes in all)", body.len())));
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
