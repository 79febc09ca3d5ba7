//! Raw bindings for the ElevenLabs Agents Platform **MCP servers API**.
//!
//! Everything in [`types`] and [`operations`] is produced by `cargo xtask regen` from the
//! workspace's `openapi/elevenlabs-mcp.yaml` with [progenitor]'s type generator, then
//! passed through the project's own passes: liberal decoding, request builders, tri-state
//! [`Patch`] fields for `PATCH` bodies, send-side [`check`]s and the operation table. Most
//! users want the `elevenlabs-mcp` crate, which sends requests built from these; this crate
//! is for those who need the exact wire types.
//!
//! There is no HTTP client here: the `elevenlabs-mcp` crate's one request pipeline sends
//! every operation.
//!
//! # Decoding is liberal
//!
//! The service adds enum values, union variants and fields without notice. The types here
//! never fail on them:
//!
//! - every string enum has an `Unknown(String)` variant that keeps a value it does not know
//!   and serialises it back unchanged;
//! - every union has an `Unknown(serde_json::Value)` variant that keeps a value matching
//!   none of its variants; tagged unions (such as [`types::DependentAgent`]) dispatch on
//!   their tag, and keep the raw JSON of an unknown tag or a malformed known variant;
//! - unknown fields are ignored, `null` is accepted wherever a field is optional, and the
//!   limits the spec puts on requests (minimum, maximum, length) are not enforced when
//!   reading.
//!
//! Keeping a malformed variant raw means reading a union's value before choosing, which
//! costs time on large bodies. [`stream::from_str`] reads well-formed variants straight
//! through and says when a body needs the liberal decode instead; the `elevenlabs-mcp`
//! client decodes every response that way.
//!
//! ```
//! use elevenlabs_mcp_raw::types::{ApprovalPolicy, McpServerList};
//!
//! let policy: ApprovalPolicy = serde_json::from_str(r#""require_approval_someday""#)?;
//! assert_eq!(policy, ApprovalPolicy::Unknown("require_approval_someday".into()));
//! assert_eq!(serde_json::to_string(&policy)?, r#""require_approval_someday""#);
//!
//! let list: McpServerList = serde_json::from_str(r#"{"mcp_servers": [], "next": "x"}"#)?;
//! assert!(list.mcp_servers.is_empty());
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! [progenitor]: https://github.com/oxidecomputer/progenitor

// The generated file is not ours to lint or document item by item; its docs come from the
// spec's descriptions.
#[allow(
    clippy::all,
    clippy::pedantic,
    clippy::unwrap_used,
    clippy::todo,
    missing_debug_implementations,
    missing_docs,
    unused_imports,
    deprecated
)]
mod generated;

pub use generated::*;

mod buffer;
mod builders;
pub mod check;
mod integer;
pub mod json;
mod patch;
pub mod stream;
#[cfg(test)]
mod stream_tests;

pub use integer::Integer;
pub use patch::Patch;
