//! `--set FIELD=VALUE`: a field by its wire name, the value as YAML (`30`, `true`,
//! `STREAMABLE_HTTP`, `{X-Team: docs}`). Which fields a body takes is the operation's
//! business ([`crate::ops`]).

use serde_json::Value;

/// Parses `FIELD=VALUE`.
///
/// # Errors
///
/// No `=`, an empty field name, or a value that is not YAML.
pub fn setting(text: &str) -> Result<(String, Value), String> {
    let (field, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected FIELD=VALUE"))?;
    let field = field.trim();
    if field.is_empty() {
        return Err(format!("`{text}`: the field name is empty"));
    }
    let value: Value = serde_norway::from_str(value).map_err(|e| format!("`{text}`: {e}"))?;
    Ok((field.to_owned(), value))
}
