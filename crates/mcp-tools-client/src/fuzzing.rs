//! The parsers a listing runs on what a server sends, opened to the fuzz targets in `fuzz/`.
//! Built only with `--cfg fuzzing` (cargo-fuzz sets it): they are the crate's own, not an
//! interface. Errors come back as the text a caller of [`Listing`](crate::Listing) would see.

use serde_json::{Map, Value};

use crate::error::Step;

/// The step the framing targets report their errors under.
const STEP: Step = Step::ListTools { page: 1 };

/// The bounded `text/event-stream` parser.
#[derive(Debug)]
pub struct SseParser(crate::sse::Parser);

impl SseParser {
    /// A parser holding at most `max_line` bytes of a line and `max_data` of an event.
    pub fn new(max_line: usize, max_data: usize) -> Self {
        Self(crate::sse::Parser::new(max_line, max_data))
    }

    /// Feeds the next bytes of the stream.
    ///
    /// # Errors
    ///
    /// A line or an event went past its bound: which bound, and its limit.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), (crate::Bound, usize)> {
        self.0.feed(bytes).map_err(|o| (o.bound, o.limit))
    }

    /// The next dispatched event: its name and data.
    pub fn next_event(&mut self) -> Option<(String, Vec<u8>)> {
        self.0.next().map(|e| (e.name, e.data))
    }
}

/// Scrubs the caller's secrets from server text.
#[derive(Debug, Clone, Default)]
pub struct Redactor(crate::redact::Redactor);

impl Redactor {
    /// A redactor that scrubs `secret`.
    pub fn of(secret: &str) -> Self {
        let mut r = crate::redact::Redactor::default();
        r.add(secret);
        Self(r)
    }
}

/// One message's JSON, depth-checked then parsed.
///
/// # Errors
///
/// Too deep, or not JSON.
pub fn message(bytes: &[u8], max_depth: usize) -> Result<Value, String> {
    crate::json::parse(bytes, max_depth, STEP).map_err(|e| e.to_string())
}

/// The result of the response to request `id` in `message` (one message or a batch).
///
/// # Errors
///
/// The response is an error, or malformed; the text is scrubbed by `redactor`.
pub fn response_for(
    message: Value,
    id: u64,
    redactor: &Redactor,
) -> Result<Option<Map<String, Value>>, String> {
    crate::jsonrpc::response_for(message, id, STEP, &redactor.0).map_err(|e| e.to_string())
}

/// Adds a `tools/list` result's tools to `tools` and returns its next cursor.
///
/// # Errors
///
/// The page is malformed or brings the listing past `max_tools`.
pub fn take_page(
    result: Map<String, Value>,
    tools: &mut Vec<Map<String, Value>>,
    max_tools: usize,
) -> Result<Option<String>, String> {
    crate::session::take_page(result, tools, max_tools, STEP).map_err(|e| e.to_string())
}

/// Where an SSE `endpoint` event sends the messages of a server registered at
/// `registered` (reached at `target`, when given).
///
/// # Errors
///
/// A URL is refused, or the endpoint leaves the origin; the text is scrubbed by `redactor`.
pub fn endpoint(
    registered: &str,
    target: Option<&str>,
    data: &str,
    redactor: &Redactor,
) -> Result<url::Url, String> {
    let route = crate::route::Route::new(registered, target, false).map_err(|e| e.to_string())?;
    route.endpoint(data, &redactor.0).map_err(|e| e.to_string())
}
