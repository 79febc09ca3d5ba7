//! Conveniences the spec cannot state: building a union from plain text, and adding one
//! entry to a map field. The constructors and setters themselves are generated
//! (`cargo xtask regen`), one per field the spec declares.
//!
//! Hand-written beside the generated file because Rust only allows inherent methods in the
//! crate that defines the type.

use std::collections::HashMap;

use crate::types::{
    InputOverride, McpServerConfig, RequestHeaderValue, ServerUrl, ToolConfigOverride,
};

impl From<&str> for ServerUrl {
    fn from(url: &str) -> Self {
        Self::String(url.to_owned())
    }
}

impl From<String> for ServerUrl {
    fn from(url: String) -> Self {
        Self::String(url)
    }
}

impl From<&str> for RequestHeaderValue {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

impl From<String> for RequestHeaderValue {
    fn from(value: String) -> Self {
        Self::String(value)
    }
}

impl McpServerConfig {
    /// Adds one header sent to the MCP server with every request.
    ///
    /// ```
    /// use elevenlabs_mcp_raw::types::{McpServerConfig, Transport};
    ///
    /// let config = McpServerConfig::new("Docs search", "https://mcp.example.com/mcp")
    ///     .transport(Transport::StreamableHttp)
    ///     .request_header("x-team", "docs");
    /// assert_eq!(config.name, "Docs search");
    /// ```
    #[must_use]
    pub fn request_header(
        mut self,
        name: impl Into<String>,
        value: impl Into<RequestHeaderValue>,
    ) -> Self {
        self.request_headers
            .get_or_insert_with(HashMap::new)
            .insert(name.into(), value.into());
        self
    }
}

impl ToolConfigOverride {
    /// Adds one input override, keyed by the tool's parameter name.
    ///
    /// ```
    /// use elevenlabs_mcp_raw::types::{ExecutionMode, ToolConfigOverride};
    ///
    /// let config = ToolConfigOverride::new("search")
    ///     .response_timeout_secs(30)
    ///     .execution_mode(ExecutionMode::Async);
    /// assert_eq!(config.tool_name, "search");
    /// ```
    #[must_use]
    pub fn input_override(mut self, parameter: impl Into<String>, value: InputOverride) -> Self {
        self.input_overrides
            .get_or_insert_with(HashMap::new)
            .insert(parameter.into(), value);
        self
    }
}
