//! Conveniences the spec cannot state: building a union from plain text, adding one entry
//! to a map field, and approving a tool as it is listed. The constructors and setters themselves are generated
//! (`cargo xtask regen`), one per field the spec declares.
//!
//! Hand-written beside the generated file because Rust only allows inherent methods in the
//! crate that defines the type.

use crate::types::{
    InputOverride, McpServerConfig, RequestHeaderValue, ServerUrl, Tool, ToolApproval,
    ToolConfigOverride,
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
            .get_or_insert_with(Default::default)
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
            .get_or_insert_with(Default::default)
            .insert(parameter.into(), value);
        self
    }
}

/// The approval of a tool as the server lists it: its name, description and input schema,
/// which the service hashes, so that a tool whose description or schema changes later no
/// longer matches its approval. A tool without a description is approved with an empty one.
///
/// ```
/// use elevenlabs_mcp_raw::types::{Tool, ToolApproval, ToolApprovalPolicy};
///
/// let tool: Tool = serde_json::from_str(
///     r#"{"name": "search", "description": "Searches", "inputSchema": {"type": "object"}}"#,
/// )?;
/// let approval = ToolApproval::from(&tool).approval_policy(ToolApprovalPolicy::AutoApproved);
/// assert_eq!(approval.tool_name, "search");
/// assert_eq!(approval.tool_description, "Searches");
/// assert_eq!(approval.input_schema, Some(tool.input_schema.clone()));
/// # Ok::<(), serde_json::Error>(())
/// ```
impl From<&Tool> for ToolApproval {
    fn from(tool: &Tool) -> Self {
        Self::new(
            tool.name.clone(),
            tool.description.clone().unwrap_or_default(),
        )
        .input_schema(tool.input_schema.clone())
    }
}
