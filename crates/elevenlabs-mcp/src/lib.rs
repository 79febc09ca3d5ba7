//! Rust SDK for the ElevenLabs Agents Platform **MCP servers API**.
//!
//! This crate is being built up on top of [`elevenlabs_mcp_raw`], the bindings generated
//! from the project's OpenAPI spec. What is here so far: the crate's [`Error`] type, which
//! turns any answer of the service into an error that says what happened.
//!
//! ```
//! use std::time::SystemTime;
//! use elevenlabs_mcp::{ApiError, Error};
//! use reqwest::{StatusCode, header::HeaderMap};
//!
//! let body = br#"{"detail":[{"loc":["body","config","url"],"msg":"Field required","type":"missing"}]}"#;
//! let err = Error::Api(Box::new(ApiError::from_parts(
//!     StatusCode::UNPROCESSABLE_ENTITY, &HeaderMap::new(), body, SystemTime::now(),
//! )));
//! assert!(err.is_validation());
//! assert!(err.to_string().contains("body.config.url: Field required"));
//! ```

// `decode`, `Error::invalid_input` and parts of `config` serve the client and its request
// pipeline, the next piece of work.
#[allow(dead_code)]
mod config;
#[allow(dead_code)]
mod error;
// The request pipeline that encodes ids with it is the next piece of work.
#[allow(dead_code)]
mod path;

pub use config::{API_KEY_FALLBACK_VAR, API_KEY_VAR, ApiKey, BASE_URL_VAR, Environment};
pub use elevenlabs_mcp_raw as raw;
pub use error::{ApiError, BODY_EXCERPT_LIMIT, DecodeError, Error, ErrorDetail, ValidationIssue};
/// The HTTP types errors carry.
pub use reqwest;
