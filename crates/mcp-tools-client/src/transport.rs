//! The two HTTP transports, spelled as the ElevenLabs service spells them.

use std::fmt;
use std::str::FromStr;

/// How the client talks to the server.
///
/// The spellings of [`Display`](fmt::Display) and [`FromStr`] are the service's:
/// `"SSE"` and `"STREAMABLE_HTTP"`.
///
/// ```
/// use mcp_tools_client::Transport;
///
/// assert_eq!("STREAMABLE_HTTP".parse::<Transport>(), Ok(Transport::StreamableHttp));
/// assert_eq!(Transport::Sse.to_string(), "SSE");
/// assert_eq!(Transport::default(), Transport::Sse);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Transport {
    /// The legacy HTTP+SSE transport (MCP 2024-11-05): a `GET` opens an event stream whose
    /// first `endpoint` event names the URL to `POST` messages to, and the answers arrive
    /// as `message` events on the stream. The service's default.
    #[default]
    Sse,
    /// Streamable HTTP (MCP 2025-03-26 and later): each message is `POST`ed to the URL and
    /// answered in the response, as JSON or as an event stream.
    StreamableHttp,
}

impl Transport {
    /// The service's spelling: `"SSE"` or `"STREAMABLE_HTTP"`.
    ///
    /// ```
    /// assert_eq!(mcp_tools_client::Transport::StreamableHttp.as_str(), "STREAMABLE_HTTP");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sse => "SSE",
            Self::StreamableHttp => "STREAMABLE_HTTP",
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Transport {
    type Err = ParseTransportError;

    /// Takes the service's spellings exactly; anything else is an error naming them.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "SSE" => Ok(Self::Sse),
            "STREAMABLE_HTTP" => Ok(Self::StreamableHttp),
            _ => Err(ParseTransportError {
                given: crate::redact::sanitize(s),
            }),
        }
    }
}

/// A transport name that is neither `"SSE"` nor `"STREAMABLE_HTTP"`.
///
/// ```
/// let err = "sse".parse::<mcp_tools_client::Transport>().unwrap_err();
/// assert!(err.to_string().contains("STREAMABLE_HTTP"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseTransportError {
    given: String,
}

impl fmt::Display for ParseTransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown MCP transport {:?}: use \"SSE\" or \"STREAMABLE_HTTP\"",
            self.given
        )
    }
}

impl std::error::Error for ParseTransportError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_service_spellings() {
        for t in [Transport::Sse, Transport::StreamableHttp] {
            assert_eq!(t.to_string().parse::<Transport>(), Ok(t));
        }
    }

    #[test]
    fn refuses_other_spellings() {
        for s in ["sse", "streamable_http", "STREAMABLE-HTTP", "", "HTTP"] {
            assert!(s.parse::<Transport>().is_err(), "{s}");
        }
    }
}
