//! The bounds of one listing and their defaults.

use std::time::Duration;

/// The whole listing, connecting included, must finish within this: 30 seconds.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);

/// Bytes read from the server over the whole listing, every response and stream together:
/// 16 MiB.
pub const DEFAULT_MAX_TOTAL_BYTES: usize = 16 * 1024 * 1024;

/// Bytes of one message: a JSON response body, or the data of one SSE event: 4 MiB. A page
/// of a few hundred tools with large schemas is well under it.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

/// Bytes of one SSE line. A message usually travels as a single `data:` line, so this is
/// the message bound plus room for the field name: the message bound trips first.
pub const DEFAULT_MAX_SSE_LINE_BYTES: usize = DEFAULT_MAX_MESSAGE_BYTES + 1024;

/// `tools/list` pages: 100.
pub const DEFAULT_MAX_PAGES: usize = 100;

/// Tools over all pages: 10,000.
pub const DEFAULT_MAX_TOOLS: usize = 10_000;

/// JSON nesting, counting every array and object of a message, the JSON-RPC envelope
/// included (a tool's own fields sit at depth 4): 64.
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// The highest nesting bound that can be set: serde_json's own recursion limit, which
/// would refuse deeper documents anyway (with a less telling error).
pub const MAX_DEPTH_CEILING: usize = 128;

/// The protocol version offered in `initialize`; the server answers with the one it speaks.
pub const DEFAULT_PROTOCOL_VERSION: &str = "2025-06-18";

/// The bounds in force for one listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub(crate) deadline: Duration,
    pub(crate) max_total_bytes: usize,
    pub(crate) max_message_bytes: usize,
    pub(crate) max_sse_line_bytes: usize,
    pub(crate) max_pages: usize,
    pub(crate) max_tools: usize,
    pub(crate) max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            deadline: DEFAULT_DEADLINE,
            max_total_bytes: DEFAULT_MAX_TOTAL_BYTES,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            max_sse_line_bytes: DEFAULT_MAX_SSE_LINE_BYTES,
            max_pages: DEFAULT_MAX_PAGES,
            max_tools: DEFAULT_MAX_TOOLS,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}
