//! Raw bindings for the ElevenLabs Agents Platform **MCP servers API**.
//!
//! Everything in [`generated`](self) is produced by `cargo xtask regen` from the
//! workspace's `openapi/elevenlabs-mcp.yaml` with [progenitor], then passed through the
//! project's liberal-decoding step. Most users want the `elevenlabs-mcp` crate, which wraps
//! these bindings in a hand-written API; this crate is for those who need the exact wire
//! types.
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
