//! Lists the tools of a remote MCP server the way a host does when it connects to a
//! registered server: `initialize`, `notifications/initialized`, then `tools/list` page by
//! page, over either the legacy HTTP+SSE transport ([`Transport::Sse`]) or Streamable HTTP
//! ([`Transport::StreamableHttp`]).
//!
//! The server is not trusted. Every listing is bounded in time (one deadline over
//! everything, connecting included), in bytes (in total, per message and per SSE line), in
//! pages, in tools and in JSON nesting, and each bound that trips is an error naming it
//! ([`ListError`]). Redirects are never followed and an SSE endpoint on another origin is
//! refused, so the bearer token goes to the registered origin and nowhere else; no error,
//! `Debug` output or tracing event carries it.
//!
//! ```no_run
//! use mcp_tools_client::{Listing, Transport};
//!
//! # async fn run() -> Result<(), mcp_tools_client::ListError> {
//! let listed = Listing::new("https://mcp.example.com/mcp")
//!     .transport(Transport::StreamableHttp)
//!     .bearer_token("my-secret-token")
//!     .header("X-Team", "voice")
//!     .list_tools()
//!     .await?;
//! for tool in &listed.tools {
//!     println!("{}", tool["name"]);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Tools come back liberally: each is the JSON object the server sent, unknown fields
//! included, checked only to be an object with a string `name`. Field order is
//! `serde_json::Map`'s (sorted by key unless serde_json's `preserve_order` feature is on in
//! the build), and numbers are what serde_json makes of them.
//!
//! # Why the transports are written here rather than taken from `rmcp`
//!
//! The official Rust SDK, `rmcp`, was read for this (3.1 at the time) and not used:
//!
//! - Its Streamable HTTP client decodes every message into its typed model. A `Tool` there
//!   has fixed fields, so unknown ones are dropped and a tool without `inputSchema` fails
//!   the whole page; its worker also removes tools whose `x-mcp-header` annotations it
//!   judges invalid. A listing that must return each tool exactly as sent cannot go through
//!   that model.
//! - It has no client for the legacy SSE transport (gone since 0.11), which is the service's
//!   default, so that transport would be hand-written anyway.
//! - Its bounds are not ours: no request timeout, no total byte budget, and an SSE event
//!   bound fixed inside the crate. A `StreamableHttpClient` of ours could bound what it
//!   reads, but the session worker, its reconnecting SSE stream and its background tasks sit
//!   between that and the caller, so a deadline or a byte budget spanning the whole listing
//!   could not be enforced for certain.
//!
//! Hand-written, each transport is a short sequence of requests over one `reqwest` client
//! (`http`), every byte read goes through one budget (`body`, `sse`), every JSON document is
//! scanned for depth before it is parsed (`json`), and every await sits under the one
//! deadline (`deadline`).
//!
//! # Runtime
//!
//! [`Listing::list_tools`] runs on Tokio (reqwest's runtime) with timers enabled.

mod body;
mod deadline;
mod error;
mod headers;
mod http;
mod json;
mod jsonrpc;
mod limits;
mod listing;
mod redact;
mod route;
mod session;
mod sse;
mod sse_channel;
mod streamable_channel;
mod transport;

#[cfg(fuzzing)]
pub mod fuzzing;

pub use error::{Bound, ListError, Problem, Step};
pub use limits::{
    DEFAULT_DEADLINE, DEFAULT_MAX_DEPTH, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_PAGES,
    DEFAULT_MAX_SSE_LINE_BYTES, DEFAULT_MAX_TOOLS, DEFAULT_MAX_TOTAL_BYTES,
    DEFAULT_PROTOCOL_VERSION, MAX_DEPTH_CEILING,
};
pub use listing::{Listing, ToolList};
pub use transport::{ParseTransportError, Transport};
