//! What can go wrong in a listing, said so that a person can act on it.
//!
//! Every message names what happened and what to do. None carries the token: the caller's
//! secrets are held apart, URLs are shown without their query, and server-sent text is
//! scrubbed and cut (`redact`) before it lands in a variant.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use crate::transport::Transport;

/// The step of the listing a failure happened in.
///
/// ```
/// assert_eq!(
///     mcp_tools_client::Step::ListTools { page: 2 }.to_string(),
///     "tools/list (page 2)"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Step {
    /// SSE: the `GET` that opens the event stream.
    OpenStream,
    /// SSE: waiting on the stream for the `endpoint` event.
    Endpoint,
    /// The `initialize` request.
    Initialize,
    /// The `notifications/initialized` notification.
    Initialized,
    /// A `tools/list` request; pages count from 1.
    ListTools {
        /// Which page.
        page: usize,
    },
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OpenStream => f.write_str("opening the SSE stream"),
            Self::Endpoint => f.write_str("waiting for the SSE endpoint event"),
            Self::Initialize => f.write_str("initialize"),
            Self::Initialized => f.write_str("notifications/initialized"),
            Self::ListTools { page } => write!(f, "tools/list (page {page})"),
        }
    }
}

/// Which size bound a server went past.
///
/// ```
/// use mcp_tools_client::Bound;
/// assert_eq!(Bound::TotalBytes.to_string(), "in total over the listing");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Bound {
    /// Every byte read over the listing ([`Listing::max_total_bytes`](crate::Listing::max_total_bytes)).
    TotalBytes,
    /// One message: a JSON body or one SSE event's data
    /// ([`Listing::max_message_bytes`](crate::Listing::max_message_bytes)).
    MessageBytes,
    /// One line of an SSE stream ([`Listing::max_sse_line_bytes`](crate::Listing::max_sse_line_bytes)).
    SseLine,
}

impl Bound {
    /// The builder method that raises this bound.
    fn setter(self) -> &'static str {
        match self {
            Self::TotalBytes => "max_total_bytes",
            Self::MessageBytes => "max_message_bytes",
            Self::SseLine => "max_sse_line_bytes",
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TotalBytes => "in total over the listing",
            Self::MessageBytes => "in one message",
            Self::SseLine => "in one SSE line",
        })
    }
}

/// How the server broke the protocol.
///
/// ```
/// use mcp_tools_client::Problem;
/// let p = Problem::RpcError { code: Some(-32601), message: "Method not found".into() };
/// assert!(p.to_string().contains("-32601"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The server answered a request with a JSON-RPC error object.
    RpcError {
        /// The error's `code`, if it was an integer.
        code: Option<i64>,
        /// The error's `message`, scrubbed of the caller's secrets and cut short.
        message: String,
    },
    /// A message was not JSON (garbage, invalid UTF-8, cut off).
    NotJson {
        /// What the JSON parser said.
        detail: String,
    },
    /// A message was JSON but not the JSON-RPC or MCP shape expected.
    Malformed {
        /// What was wrong with it.
        detail: String,
    },
    /// The SSE stream ended without an `endpoint` event.
    MissingEndpoint,
    /// The answer carried no response to the request.
    NoResponse,
    /// The answer's `Content-Type` was not one this step takes.
    UnexpectedContentType {
        /// What the server said, if anything (cut and cleaned).
        content_type: Option<String>,
        /// The transport in use, for the hint.
        transport: Transport,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RpcError { code, message } => {
                f.write_str("the server answered with JSON-RPC error")?;
                if let Some(code) = code {
                    write!(f, " {code}")?;
                }
                write!(f, ": {message:?}")
            }
            Self::NotJson { detail } => write!(
                f,
                "the server sent a message that is not JSON ({detail}); it may not be an MCP server"
            ),
            Self::Malformed { detail } => write!(f, "the server sent a malformed message: {detail}"),
            Self::MissingEndpoint => f.write_str(
                "the SSE stream ended without an endpoint event: the URL may not be a legacy SSE \
                 MCP endpoint (they often end in /sse); if the server speaks Streamable HTTP, \
                 choose STREAMABLE_HTTP",
            ),
            Self::NoResponse => f.write_str(
                "the server's answer carried no response to the request; it may not be an MCP server",
            ),
            Self::UnexpectedContentType {
                content_type,
                transport,
            } => {
                let given = content_type.as_deref().unwrap_or("no Content-Type");
                match transport {
                    Transport::Sse => write!(
                        f,
                        "the server answered with {given}, not an event stream: if it speaks \
                         Streamable HTTP, choose STREAMABLE_HTTP; otherwise check the URL"
                    ),
                    Transport::StreamableHttp => write!(
                        f,
                        "the server answered with {given}, neither JSON nor an event stream: check \
                         the URL and the transport"
                    ),
                }
            }
        }
    }
}

/// Why a listing failed.
///
/// Each variant is a different thing to do: fix the configuration ([`InvalidUrl`],
/// [`InvalidHeader`]), reach the server ([`Connect`], [`Timeout`], [`Disconnected`]), fix
/// access ([`Status`]), register the right URL ([`Redirect`], [`OriginMismatch`]), or
/// decide whether a large server is legitimate ([`TooLarge`], [`TooManyPages`],
/// [`TooManyTools`], [`TooDeep`]). [`Protocol`] means the server does not speak MCP as
/// expected. The `Display` message says which, and what to do.
///
/// No variant, `Display` or `Debug` output carries the bearer token.
///
/// ```
/// use mcp_tools_client::{ListError, Step};
///
/// fn advice(err: &ListError) -> &'static str {
///     match err {
///         ListError::Status { status: 401 | 403, .. } => "check the token",
///         ListError::Timeout { .. } | ListError::Connect { .. } => "check the server is up",
///         _ => "see the message",
///     }
/// }
/// # let _ = advice;
/// ```
///
/// [`InvalidUrl`]: ListError::InvalidUrl
/// [`InvalidHeader`]: ListError::InvalidHeader
/// [`Connect`]: ListError::Connect
/// [`Timeout`]: ListError::Timeout
/// [`Disconnected`]: ListError::Disconnected
/// [`Status`]: ListError::Status
/// [`Redirect`]: ListError::Redirect
/// [`OriginMismatch`]: ListError::OriginMismatch
/// [`TooLarge`]: ListError::TooLarge
/// [`TooManyPages`]: ListError::TooManyPages
/// [`TooManyTools`]: ListError::TooManyTools
/// [`TooDeep`]: ListError::TooDeep
/// [`Protocol`]: ListError::Protocol
#[derive(Debug)]
#[non_exhaustive]
pub enum ListError {
    /// The URL (or the [`connect_to`](crate::Listing::connect_to) target) is not one the
    /// client will use. Nothing was sent.
    InvalidUrl {
        /// The URL as given, without user info or query.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A header (or the bearer token) cannot be sent. Nothing was sent.
    InvalidHeader {
        /// The header's name, as given (cleaned); `Authorization` for the token.
        name: String,
        /// What is wrong with it. Never the value.
        reason: String,
    },
    /// The connection could not be made: refused, unreachable, name not found, TLS failed.
    Connect {
        /// Where the client tried to connect, without query.
        url: String,
        /// The underlying cause, as the system said it.
        reason: String,
        /// The HTTP client's error, without its URL.
        source: Box<dyn StdError + Send + Sync>,
    },
    /// The server answered with an HTTP status other than 2xx (and not a redirect).
    Status {
        /// The step that was answered.
        step: Step,
        /// The HTTP status code, such as 401.
        status: u16,
        /// The start of the answer's body, scrubbed and cut, if it had one.
        body: Option<String>,
    },
    /// The server answered with a redirect. Redirects are never followed: the token must
    /// not travel to another origin.
    Redirect {
        /// The step that was answered.
        step: Step,
        /// The 3xx status code.
        status: u16,
        /// Where it pointed (the `Location` header, scrubbed and cut), if it said.
        location: Option<String>,
    },
    /// An SSE `endpoint` event named an origin other than the stream's. Refused, and nothing
    /// was sent there: the token would have travelled with the messages.
    OriginMismatch {
        /// The endpoint the event named, without query.
        endpoint: String,
        /// The origin the messages had to go to.
        expected: String,
    },
    /// The listing's deadline passed.
    Timeout {
        /// What the client was waiting for when it passed.
        step: Step,
        /// The deadline, over the whole listing.
        deadline: Duration,
    },
    /// The connection broke, or the stream ended, before the server answered.
    Disconnected {
        /// The step that was cut off.
        step: Step,
        /// What the system said, if anything.
        reason: Option<String>,
    },
    /// The server sent more bytes than a bound allows; reading stopped there.
    TooLarge {
        /// The step that was being read.
        step: Step,
        /// Which bound.
        bound: Bound,
        /// The bound, in bytes.
        limit: usize,
    },
    /// The server still had a next page after the last page allowed.
    TooManyPages {
        /// The page bound.
        limit: usize,
    },
    /// The server listed more tools than allowed.
    TooManyTools {
        /// The tool bound.
        limit: usize,
    },
    /// A JSON message nests deeper than allowed; it was refused before parsing.
    TooDeep {
        /// The step whose message it was.
        step: Step,
        /// The nesting bound.
        limit: usize,
    },
    /// The server broke the protocol, or answered with a JSON-RPC error.
    Protocol {
        /// The step whose answer it was.
        step: Step,
        /// What was wrong.
        problem: Problem,
    },
}

impl ListError {
    /// The step the listing failed in, for failures past the configuration.
    ///
    /// ```
    /// use mcp_tools_client::{ListError, Step};
    /// let err = ListError::TooManyPages { limit: 3 };
    /// assert_eq!(err.step(), None);
    /// ```
    pub fn step(&self) -> Option<Step> {
        match self {
            Self::Status { step, .. }
            | Self::Redirect { step, .. }
            | Self::Timeout { step, .. }
            | Self::Disconnected { step, .. }
            | Self::TooLarge { step, .. }
            | Self::TooDeep { step, .. }
            | Self::Protocol { step, .. } => Some(*step),
            Self::OriginMismatch { .. } => Some(Step::Endpoint),
            Self::InvalidUrl { .. }
            | Self::InvalidHeader { .. }
            | Self::Connect { .. }
            | Self::TooManyPages { .. }
            | Self::TooManyTools { .. } => None,
        }
    }

    pub(crate) fn protocol(step: Step, problem: Problem) -> Self {
        Self::Protocol { step, problem }
    }

    pub(crate) fn malformed(step: Step, detail: impl Into<String>) -> Self {
        Self::Protocol {
            step,
            problem: Problem::Malformed {
                detail: detail.into(),
            },
        }
    }
}

/// What to do about an HTTP status.
fn status_hint(status: u16) -> &'static str {
    match status {
        401 => "the server refused the token (or wants one): check the bearer token",
        403 => "the server refused access with this token: check its permissions",
        404 => {
            "nothing is served at this URL: check the path (SSE servers often use /sse, \
             Streamable HTTP ones /mcp) and the transport"
        }
        405 | 406 | 415 => {
            "the server does not take this kind of request here: check the transport \
             (SSE or STREAMABLE_HTTP) and the URL"
        }
        408 | 429 => "the server is busy or rate limiting: try again later",
        500..=599 => "the server failed: try again later, or check its logs",
        _ => "check the URL, the transport and the headers",
    }
}

impl fmt::Display for ListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUrl { url, reason } => {
                write!(f, "the MCP server URL {url:?} cannot be used: {reason}")
            }
            Self::InvalidHeader { name, reason } => {
                write!(f, "the header {name:?} cannot be sent: {reason}")
            }
            Self::Connect { url, reason, .. } => write!(
                f,
                "could not connect to {url}: {reason}; check that the server is running and \
                 reachable at that host and port"
            ),
            Self::Status { step, status, body } => {
                write!(f, "{step}: the server answered HTTP {status}")?;
                if let Some(body) = body {
                    write!(f, " ({body:?})")?;
                }
                write!(f, "; {}", status_hint(*status))
            }
            Self::Redirect {
                step,
                status,
                location,
            } => {
                write!(f, "{step}: the server answered HTTP {status}, a redirect")?;
                if let Some(location) = location {
                    write!(f, " to {location:?}")?;
                }
                f.write_str(
                    "; redirects are never followed, so that the token cannot travel to another \
                     address: register the URL the server really serves",
                )
            }
            Self::OriginMismatch { endpoint, expected } => write!(
                f,
                "the SSE endpoint event named {endpoint}, outside the stream's origin {expected}; \
                 refused, since the token would travel there with every message: the server \
                 must take its messages on its own origin"
            ),
            Self::Timeout { step, deadline } => write!(
                f,
                "the listing did not finish within its deadline of {deadline:?}: no answer yet \
                 to {step}; the server may be hung or overloaded (raise the deadline if it is \
                 only slow)"
            ),
            Self::Disconnected { step, reason } => {
                write!(
                    f,
                    "{step}: the connection closed before the server answered"
                )?;
                if let Some(reason) = reason {
                    write!(f, " ({reason})")?;
                }
                f.write_str("; the server may have crashed or restarted: check its logs")
            }
            Self::TooLarge { step, bound, limit } => write!(
                f,
                "{step}: the server sent more than {limit} bytes {bound}; reading stopped \
                 there (raise {} if this server is legitimately that large)",
                bound.setter()
            ),
            Self::TooManyPages { limit } => write!(
                f,
                "the server still had more tools after {limit} pages of tools/list (a cursor \
                 that never ends?); stopped there (raise max_pages if it is legitimately that large)"
            ),
            Self::TooManyTools { limit } => write!(
                f,
                "the server listed more than {limit} tools; stopped there (raise max_tools if it \
                 is legitimately that large)"
            ),
            Self::TooDeep { step, limit } => write!(
                f,
                "{step}: a message nests JSON deeper than {limit} levels; refused before parsing \
                 (raise max_depth, up to {}, if its schemas are legitimately that deep)",
                crate::MAX_DEPTH_CEILING
            ),
            Self::Protocol { step, problem } => write!(f, "{step}: {problem}"),
        }
    }
}

impl StdError for ListError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Connect { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}
