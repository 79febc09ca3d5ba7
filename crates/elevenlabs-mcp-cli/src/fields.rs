//! `--set FIELD=VALUE` and `--clear FIELD`: fields by their wire names, values as YAML
//! (`30`, `true`, `STREAMABLE_HTTP`, `{X-Team: docs}`), turned into a request body through
//! the generated types, so a field or value the spec does not have is refused by name.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

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

/// The body `T` from `base` plus the settings, then `null` for each cleared field.
///
/// # Errors
///
/// A field `allowed` does not list, a field both set and cleared, or a value of the wrong
/// type (the message names the field).
pub fn body<T: DeserializeOwned>(
    mut base: Map<String, Value>,
    set: &[(String, Value)],
    clear: &[String],
    allowed: &[String],
) -> Result<T, String> {
    for (field, value) in set {
        known(field, allowed)?;
        base.insert(field.clone(), value.clone());
    }
    for field in clear {
        known(field, allowed)?;
        if set.iter().any(|(f, _)| f == field) {
            return Err(format!("`{field}` is both set and cleared"));
        }
        base.insert(field.clone(), Value::Null);
    }
    serde_path_to_error::deserialize(Value::Object(base))
        .map_err(|e| format!("`{}`: {}", e.path(), e.inner()))
}

fn known(field: &str, allowed: &[String]) -> Result<(), String> {
    if allowed.iter().any(|a| a == field) {
        Ok(())
    } else {
        Err(format!(
            "unknown field `{field}`; the fields are: {}",
            allowed.join(", ")
        ))
    }
}
