//! Canonical JSON: one text for one value, whatever the order its objects were built in.

use serde_json::Value;

/// `value` as JSON text with object keys sorted at every level and no whitespace, so that
/// equal values hash equally (tool approvals, tool pins).
///
/// ```
/// use elevenlabs_mcp_raw::json::canonical;
///
/// let v = serde_json::json!({"b": 1, "a": {"d": [2, {"z": 0, "y": 1}], "c": "x"}});
/// assert_eq!(canonical(&v), r#"{"a":{"c":"x","d":[2,{"y":1,"z":0}]},"b":1}"#);
/// ```
pub fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{}:{}", Value::String((*k).clone()), canonical(&map[*k])))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(canonical).collect();
            format!("[{}]", parts.join(","))
        }
        other => other.to_string(),
    }
}
