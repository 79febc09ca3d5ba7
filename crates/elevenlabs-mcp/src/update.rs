//! Bodies of the two `PATCH` operations, where every field has three states: left alone
//! (absent from the JSON), cleared (`null`) or set (a value).
//!
//! The generated request types cannot send an explicit `null` (an `Option` that is `None` is
//! skipped), so these two are written here.

use std::collections::HashMap;

use serde::{Serialize, Serializer};

use crate::types::{
    ApprovalPolicy, AuthConnection, DynamicVariableAssignment, ExecutionMode, InputOverride,
    InterruptionMode, PreToolSpeech, RequestHeaderValue, RequestMetaValue, SecretLocator,
    ToolCallSound, ToolCallSoundBehavior, ToolCallSoundOverride, ToolResponseMock,
};

/// One field of an update.
///
/// ```
/// use elevenlabs_mcp::{McpServerUpdate, Patch};
///
/// let update = McpServerUpdate::new().response_timeout_secs(30).clear_secret_token();
/// assert_eq!(update.response_timeout_secs, Patch::Set(30));
/// assert!(matches!(update.secret_token, Patch::Clear));
/// assert!(update.approval_policy.is_keep());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    /// Left as it is on the server: the field is not sent.
    #[default]
    Keep,
    /// Cleared: the field is sent as `null`, and the server falls back to its default.
    Clear,
    /// Set to this value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the field is left alone (and so not sent).
    pub fn is_keep(&self) -> bool {
        matches!(self, Self::Keep)
    }

    /// The value being set, if any.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Self::Set(value) => Some(value),
            _ => None,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // `Keep` is skipped by the containing struct; `null` is its safest reading if a
            // `Patch` is ever serialised on its own.
            Self::Keep | Self::Clear => serializer.serialize_none(),
            Self::Set(value) => value.serialize(serializer),
        }
    }
}

/// Declares an update body: one `Patch` field per updatable field, with a setter and a
/// `clear_…` method for each.
macro_rules! update_body {
    (
        $(#[$meta:meta])*
        $name:ident { $($field:ident / $clear:ident: $value:ty),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, Serialize)]
        #[non_exhaustive]
        pub struct $name {
            $(
                #[doc = concat!("`", stringify!($field), "`: left alone, cleared or set.")]
                #[serde(skip_serializing_if = "Patch::is_keep")]
                pub $field: Patch<$value>,
            )*
        }

        impl $name {
            /// An update that changes nothing yet.
            pub fn new() -> Self {
                Self::default()
            }

            /// Whether the update leaves every field alone.
            pub fn is_empty(&self) -> bool {
                true $(&& self.$field.is_keep())*
            }

            $(
                #[doc = concat!("Sets `", stringify!($field), "`.")]
                #[must_use]
                pub fn $field(mut self, value: impl Into<$value>) -> Self {
                    self.$field = Patch::Set(value.into());
                    self
                }

                #[doc = concat!("Clears `", stringify!($field), "` (sends `null`), so the server uses its default.")]
                #[must_use]
                pub fn $clear(mut self) -> Self {
                    self.$field = Patch::Clear;
                    self
                }
            )*
        }
    };
}

update_body! {
    /// Changes to an MCP server's configuration, for
    /// [`McpServers::update`](crate::McpServers::update).
    ///
    /// Fields not mentioned are left as they are.
    ///
    /// ```
    /// use elevenlabs_mcp::{ApprovalPolicy, McpServerUpdate};
    ///
    /// let update = McpServerUpdate::new()
    ///     .approval_policy(ApprovalPolicy::RequireApprovalAll)
    ///     .clear_secret_token();
    /// assert_eq!(
    ///     serde_json::to_string(&update)?,
    ///     r#"{"approval_policy":"require_approval_all","secret_token":null}"#,
    /// );
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    McpServerUpdate {
        approval_policy / clear_approval_policy: ApprovalPolicy,
        auth_connection / clear_auth_connection: AuthConnection,
        disable_compression / clear_disable_compression: bool,
        disable_interruptions / clear_disable_interruptions: bool,
        execution_mode / clear_execution_mode: ExecutionMode,
        force_pre_tool_speech / clear_force_pre_tool_speech: bool,
        interruption_mode / clear_interruption_mode: InterruptionMode,
        pre_tool_speech / clear_pre_tool_speech: PreToolSpeech,
        request_headers / clear_request_headers: HashMap<String, RequestHeaderValue>,
        request_meta / clear_request_meta: HashMap<String, RequestMetaValue>,
        response_timeout_secs / clear_response_timeout_secs: i64,
        secret_token / clear_secret_token: SecretLocator,
        tool_call_sound / clear_tool_call_sound: ToolCallSound,
        tool_call_sound_behavior / clear_tool_call_sound_behavior: ToolCallSoundBehavior,
    }
}

update_body! {
    /// Changes to one tool's override, for
    /// [`ToolConfigs::update`](crate::ToolConfigs::update).
    ///
    /// Fields not mentioned are left as they are; a cleared field falls back to the
    /// server-wide setting.
    ///
    /// ```
    /// use elevenlabs_mcp::ToolConfigOverrideUpdate;
    ///
    /// let update = ToolConfigOverrideUpdate::new()
    ///     .response_timeout_secs(45)
    ///     .clear_execution_mode();
    /// assert_eq!(
    ///     serde_json::to_string(&update)?,
    ///     r#"{"execution_mode":null,"response_timeout_secs":45}"#,
    /// );
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ToolConfigOverrideUpdate {
        assignments / clear_assignments: Vec<DynamicVariableAssignment>,
        disable_interruptions / clear_disable_interruptions: bool,
        execution_mode / clear_execution_mode: ExecutionMode,
        force_pre_tool_speech / clear_force_pre_tool_speech: bool,
        input_overrides / clear_input_overrides: HashMap<String, InputOverride>,
        interruption_mode / clear_interruption_mode: InterruptionMode,
        pre_tool_speech / clear_pre_tool_speech: PreToolSpeech,
        response_mocks / clear_response_mocks: Vec<ToolResponseMock>,
        response_timeout_secs / clear_response_timeout_secs: i64,
        tool_call_sound / clear_tool_call_sound: ToolCallSoundOverride,
        tool_call_sound_behavior / clear_tool_call_sound_behavior: ToolCallSoundBehavior,
    }
}
