//! Rust SDK for the ElevenLabs Agents Platform **MCP servers API**: register remote MCP
//! servers with a workspace, decide how their tools are approved, override per-tool
//! behaviour, and list the tools a server exposes.
//!
//! # Quickstart
//!
//! ```no_run
//! use elevenlabs_mcp::{
//!     ApprovalPolicy, Client, McpServerConfig, McpServerUpdate, ToolApproval,
//!     ToolConfigOverride, Transport,
//! };
//!
//! # async fn run() -> Result<(), elevenlabs_mcp::Error> {
//! // ELEVENLABS_API_KEY, and ELEVENLABS_BASE_URL when set.
//! let client = Client::from_env()?;
//! let servers = client.mcp_servers();
//!
//! let server = servers
//!     .create(
//!         McpServerConfig::new("Docs search", "https://mcp.example.com/mcp")
//!             .transport(Transport::StreamableHttp)
//!             .approval_policy(ApprovalPolicy::RequireApprovalPerTool),
//!     )
//!     .await?;
//!
//! let tools = servers.tools(&server.id).list().await?;
//! for tool in &tools.tools {
//!     servers
//!         .tool_approvals(&server.id)
//!         // The name, description and input schema as listed, which the service hashes.
//!         .create(ToolApproval::from(tool))
//!         .await?;
//! }
//! servers
//!     .tool_configs(&server.id)
//!     .create(ToolConfigOverride::new("search").response_timeout_secs(30))
//!     .await?;
//! servers
//!     .update(&server.id, McpServerUpdate::new().clear_secret_token())
//!     .await?;
//!
//! match servers.get("no-such-server").await {
//!     Err(e) if e.is_not_found() => println!("gone: {e}"),
//!     other => println!("{other:?}"),
//! }
//! servers.delete(&server.id).await?;
//! # Ok(()) }
//! ```
//!
//! # What to expect
//!
//! - **Every operation** hangs off [`Client::mcp_servers`], grouped as in the vendor's SDKs:
//!   [`McpServers`], [`Tools`], [`ApprovalPolicies`], [`ToolApprovals`], [`ToolConfigs`].
//!   A call is a [`Pending`]: await it, or first set a per-call timeout, retry count or
//!   header, or ask for the [`RawResponse`].
//! - **Liberal reading.** Response types ([`McpServer`], [`Tool`], …) come from the
//!   generated [`raw`] crate: unknown enum values, union variants and fields never fail a
//!   decode. A body that does fail names the JSON path ([`DecodeError`]).
//! - **Strict sending.** Bad input is refused before any request with
//!   [`Error::InvalidInput`] naming the field; every path segment is percent-encoded and
//!   ids such as `..` that would address another route are refused.
//! - **Safe retries** ([`RetryPolicy`]): never a second write unless the call opts in.
//! - **Secrets kept**: the key is a sensitive header and never appears in `Debug`, errors
//!   or `tracing` output.
//! - **Tracing**: a span `elevenlabs_mcp.call` per call, with `operation`, `method`,
//!   `path`, `status`, `attempt`, `duration_ms` and `request_id`.
//!
//! # Features
//!
//! - `rustls` (default): TLS through rustls, with reqwest's own crypto provider (aws-lc-rs),
//!   so that no other `reqwest::Client` in your program is left without one.
//! - `native-tls`: TLS through the system library.

#![warn(missing_docs)]

mod client;
mod config;
#[cfg(test)]
mod decode_tests;
mod errors;
mod limit;
mod path;
mod pending;
mod pipeline;
mod resources;
mod retry;
mod tls;

pub(crate) use elevenlabs_mcp_raw::types;

pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT,
};
pub use config::{
    API_KEY_FALLBACK_VAR, API_KEY_VAR, ApiKey, BASE_URL_VAR, Environment, UnknownEnvironment,
    is_loopback_http,
};
/// The generated bindings this crate wraps, for the exact wire types.
pub use elevenlabs_mcp_raw as raw;
/// The type of the spec's integer fields: any whole number, and any other number kept.
pub use elevenlabs_mcp_raw::Integer;
/// The tri-state field of the `PATCH` bodies.
pub use elevenlabs_mcp_raw::Patch;
/// The API's operations, generated from the spec.
pub use elevenlabs_mcp_raw::operations::Operation;
/// The domain types, generated from the spec: every request and response type. No name
/// of this crate's own repeats one of them (a test in `xtask/tests` checks), so nothing
/// here is shadowed.
pub use elevenlabs_mcp_raw::types::*;
pub use errors::{
    ApiError, BODY_EXCERPT_LIMIT, DEFAULT_MAX_RESPONSE_BODY, DecodeError, ERROR_BODY_LIMIT, Error,
    RateLimit, decode, location,
};
pub use pending::{Pending, ResponseMeta, WithEnvironment};
pub use pipeline::RawResponse;
/// The HTTP types the client's API uses (headers, status codes, `reqwest::Client`).
pub use reqwest;
pub use resources::{ApprovalPolicies, McpServers, ToolApprovals, ToolConfigs, Tools};
pub use retry::RetryPolicy;
