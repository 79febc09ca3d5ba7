//! `Patch<T>`: one field of a `PATCH` body, which has three states on the wire.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One field of an update: left alone (not sent), cleared (sent as `null`) or set.
///
/// The generated `PATCH` bodies ([`McpServerUpdate`](crate::types::McpServerUpdate),
/// [`ToolConfigOverrideUpdate`](crate::types::ToolConfigOverrideUpdate)) hold one per field,
/// with a setter and a `clear_…` method for each.
///
/// ```
/// use elevenlabs_mcp_raw::Patch;
/// use elevenlabs_mcp_raw::types::McpServerUpdate;
///
/// let update = McpServerUpdate::new().response_timeout_secs(30).clear_secret_token();
/// assert_eq!(update.response_timeout_secs, Patch::Set(30.into()));
/// assert!(matches!(update.secret_token, Patch::Clear));
/// assert!(update.approval_policy.is_keep());
/// assert_eq!(
///     serde_json::to_string(&update)?,
///     r#"{"response_timeout_secs":30,"secret_token":null}"#,
/// );
/// # Ok::<(), serde_json::Error>(())
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

/// `null` reads as [`Patch::Clear`], a value as [`Patch::Set`]; an absent field is
/// [`Patch::Keep`] through the containing struct's `#[serde(default)]`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Self::Set(value),
            None => Self::Clear,
        })
    }
}

/// A field that may be left out, `null`, or a value.
#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Patch<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        Option::<T>::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Option::<T>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::McpServerUpdate;

    #[test]
    fn absent_null_and_value_read_back_as_the_three_states() {
        let update: McpServerUpdate =
            serde_json::from_str(r#"{"response_timeout_secs": 60, "secret_token": null}"#)
                .expect("decodes");
        assert_eq!(update.response_timeout_secs, Patch::Set(60.into()));
        assert!(matches!(update.secret_token, Patch::Clear));
        assert_eq!(update.approval_policy, Patch::Keep);
        assert!(McpServerUpdate::new().is_empty());
        assert!(!update.is_empty());
    }
}
