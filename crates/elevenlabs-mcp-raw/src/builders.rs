//! Constructors and chained setters for the request bodies.
//!
//! Hand-written beside the generated file because Rust only allows inherent methods in the
//! crate that defines the type. Nothing here validates: the `elevenlabs-mcp` client checks
//! every body before it sends it, so a builder can be filled in any order.

use std::collections::HashMap;

use crate::types::{
    ApprovalPolicy, AuthConnection, DynamicVariableAssignment, ExecutionMode, InputOverride,
    InterruptionMode, McpServerConfig, PreToolSpeech, RequestHeaderValue, RequestMetaValue,
    SecretToken, ServerUrl, ToolApproval, ToolApprovalHash, ToolApprovalPolicy, ToolCallSound,
    ToolCallSoundBehavior, ToolCallSoundOverride, ToolConfigOverride, ToolConfigOverrideCreate,
    ToolResponseMock, Transport,
};

/// One chained setter per optional field: `value.into()` is stored as `Some`.
macro_rules! setters {
    ($ty:ident { $($field:ident: $value:ty),* $(,)? }) => {
        impl $ty {
            $(
                #[doc = concat!("Sets `", stringify!($field), "`.")]
                #[must_use]
                pub fn $field(mut self, value: impl Into<$value>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }
    };
}

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
    /// A server configuration with a display name and the URL of the remote MCP server;
    /// every other field is left to the service's defaults.
    ///
    /// ```
    /// use elevenlabs_mcp_raw::types::{McpServerConfig, Transport};
    ///
    /// let config = McpServerConfig::new("Docs search", "https://mcp.example.com/mcp")
    ///     .transport(Transport::StreamableHttp)
    ///     .request_header("x-team", "docs");
    /// assert_eq!(config.name, "Docs search");
    /// ```
    pub fn new(name: impl Into<String>, url: impl Into<ServerUrl>) -> Self {
        Self {
            name: name.into(),
            url: url.into(),
            approval_policy: None,
            auth_connection: None,
            description: None,
            disable_compression: None,
            disable_interruptions: None,
            execution_mode: None,
            force_pre_tool_speech: None,
            interruption_mode: None,
            pre_tool_speech: None,
            request_headers: None,
            request_meta: None,
            response_timeout_secs: None,
            secret_token: None,
            tool_approval_hashes: None,
            tool_call_sound: None,
            tool_call_sound_behavior: None,
            tool_config_overrides: None,
            transport: None,
        }
    }

    /// Adds one header sent to the MCP server with every request.
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

setters!(McpServerConfig {
    approval_policy: ApprovalPolicy,
    auth_connection: AuthConnection,
    description: String,
    disable_compression: bool,
    disable_interruptions: bool,
    execution_mode: ExecutionMode,
    force_pre_tool_speech: bool,
    interruption_mode: InterruptionMode,
    pre_tool_speech: PreToolSpeech,
    request_headers: HashMap<String, RequestHeaderValue>,
    request_meta: HashMap<String, RequestMetaValue>,
    response_timeout_secs: i64,
    secret_token: SecretToken,
    tool_approval_hashes: Vec<ToolApprovalHash>,
    tool_call_sound: ToolCallSound,
    tool_call_sound_behavior: ToolCallSoundBehavior,
    tool_config_overrides: Vec<ToolConfigOverride>,
    transport: Transport,
});

impl ToolApproval {
    /// Approval of one tool, by name, with the description the approval records.
    ///
    /// ```
    /// use elevenlabs_mcp_raw::types::{ToolApproval, ToolApprovalPolicy};
    ///
    /// let approval = ToolApproval::new("search", "Searches the docs")
    ///     .approval_policy(ToolApprovalPolicy::AutoApproved);
    /// assert_eq!(approval.tool_name, "search");
    /// ```
    pub fn new(tool_name: impl Into<String>, tool_description: impl Into<String>) -> Self {
        Self {
            tool_name: tool_name.into(),
            tool_description: tool_description.into(),
            approval_policy: None,
            input_schema: None,
        }
    }
}

setters!(ToolApproval {
    approval_policy: ToolApprovalPolicy,
    input_schema: serde_json::Map<String, serde_json::Value>,
});

impl ToolConfigOverride {
    /// An override of one tool's behaviour, by tool name; every other field inherits the
    /// server's settings.
    ///
    /// ```
    /// use elevenlabs_mcp_raw::types::{ExecutionMode, ToolConfigOverride};
    ///
    /// let config = ToolConfigOverride::new("search")
    ///     .response_timeout_secs(30)
    ///     .execution_mode(ExecutionMode::Async);
    /// assert_eq!(config.tool_name, "search");
    /// ```
    pub fn new(tool_name: impl Into<String>) -> Self {
        Self {
            tool_name: tool_name.into(),
            assignments: None,
            disable_interruptions: None,
            execution_mode: None,
            force_pre_tool_speech: None,
            input_overrides: None,
            interruption_mode: None,
            pre_tool_speech: None,
            response_mocks: None,
            response_timeout_secs: None,
            tool_call_sound: None,
            tool_call_sound_behavior: None,
        }
    }

    /// Adds one input override, keyed by the tool's parameter name.
    #[must_use]
    pub fn input_override(mut self, parameter: impl Into<String>, value: InputOverride) -> Self {
        self.input_overrides
            .get_or_insert_with(HashMap::new)
            .insert(parameter.into(), value);
        self
    }
}

setters!(ToolConfigOverride {
    assignments: Vec<DynamicVariableAssignment>,
    disable_interruptions: bool,
    execution_mode: ExecutionMode,
    force_pre_tool_speech: bool,
    input_overrides: HashMap<String, InputOverride>,
    interruption_mode: InterruptionMode,
    pre_tool_speech: PreToolSpeech,
    response_mocks: Vec<ToolResponseMock>,
    response_timeout_secs: i64,
    tool_call_sound: ToolCallSoundOverride,
    tool_call_sound_behavior: ToolCallSoundBehavior,
});

/// The create body carries the same fields as the override it creates.
impl From<ToolConfigOverride> for ToolConfigOverrideCreate {
    fn from(o: ToolConfigOverride) -> Self {
        Self {
            tool_name: o.tool_name,
            assignments: o.assignments,
            disable_interruptions: o.disable_interruptions,
            execution_mode: o.execution_mode,
            force_pre_tool_speech: o.force_pre_tool_speech,
            input_overrides: o.input_overrides,
            interruption_mode: o.interruption_mode,
            pre_tool_speech: o.pre_tool_speech,
            response_mocks: o.response_mocks,
            response_timeout_secs: o.response_timeout_secs,
            tool_call_sound: o.tool_call_sound,
            tool_call_sound_behavior: o.tool_call_sound_behavior,
        }
    }
}
