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

/// A refusal of the spec's rules in words: a pattern is explained where its meaning is
/// plain (an `https://` URL, a value that is not blank), not shown as a regex.
pub fn explain_rule(reason: &str) -> String {
    let Some((value, pattern)) = reason
        .strip_suffix('`')
        .and_then(|r| r.split_once("` does not match the pattern `"))
    else {
        return reason.to_owned();
    };
    let value = value.trim_start_matches('`');
    if pattern.starts_with("^https://") {
        format!(
            "`{value}` is not an https:// URL: the service reaches MCP servers over TLS only (write https://…)"
        )
    } else if pattern == "\\S" {
        "must not be blank".to_owned()
    } else {
        reason.to_owned()
    }
}

/// A type mismatch in words: what was written, what the field takes, and how to write it
/// (values are YAML, so `60` is a number and `"60"` text).
pub fn explain_type(message: &str) -> String {
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return message.to_owned();
    };
    let Some((found, expected)) = rest.split_once(", expected ") else {
        return message.to_owned();
    };
    let expected = match expected {
        "i64" | "u64" | "a number" | "an integer" => "a whole number",
        "a boolean" | "bool" => "true or false",
        other => other,
    };
    format!("{found} is not {expected} (values are YAML: 60, true, some text, [a, b], {{k: v}})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_types_are_said_in_words() {
        assert_eq!(
            explain_rule("`http://x.example` does not match the pattern `^https://[^\\s/?#]+`"),
            "`http://x.example` is not an https:// URL: the service reaches MCP servers over TLS only (write https://…)"
        );
        assert_eq!(
            explain_rule("must be between 5 and 300, not 500"),
            "must be between 5 and 300, not 500"
        );
        assert!(
            explain_type("invalid type: string \"abc\", expected a number")
                .starts_with("string \"abc\" is not a whole number")
        );
    }
}
