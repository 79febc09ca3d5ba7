//! The manifest's JSON Schema, derived from the generated types (the raw crate's
//! `schemars` feature), and what the checks read from it: which keys each object takes
//! and which enum values this version knows.

use serde_json::{Value, json};

use super::entry;

/// The schema of a generated type as JSON (`$defs` included).
pub fn of<T: schemars::JsonSchema>() -> Value {
    // Generating a schema costs more than reading a small manifest: each type's is made
    // once per process.
    static MADE: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, Value>>> =
        std::sync::LazyLock::new(Default::default);
    // `schema_id` tells types apart (a module path and generics, not only the name).
    let id = T::schema_id().into_owned();
    let mut made = MADE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    made.entry(id)
        .or_insert_with(|| serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null))
        .clone()
}

/// The property names of an object schema.
pub fn properties(schema: &Value) -> Vec<String> {
    schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// Follows `$ref`s (into `root`'s `$defs`) and unwraps an `Option`'s `anyOf: [T, null]`.
pub fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    loop {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            match r.strip_prefix('#').and_then(|p| root.pointer(p)) {
                Some(target) => schema = target,
                None => return schema,
            }
            continue;
        }
        let branches = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array);
        if let Some(branches) = branches {
            let real: Vec<&Value> = branches.iter().filter(|b| b["type"] != "null").collect();
            if real.len() == 1 && real.len() < branches.len() {
                schema = real[0];
                continue;
            }
        }
        return schema;
    }
}

/// The values of an enum type's schema (none for a schema that is not an enum).
pub fn enum_values(root: &Value) -> Vec<String> {
    strings(&resolve(root, root)["enum"])
}

/// The strings of a JSON array (`required`, `enum`); none for anything else.
pub fn strings(array: &Value) -> Vec<String> {
    array
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// Strings in `value` that a schema's `enum` (directly, or through an `Option`) does not
/// list: `(path, value, known values)`, so the caller can warn and send them anyway.
pub fn unknown_enum_values(
    root: &Value,
    schema: &Value,
    value: &Value,
    path: &str,
    out: &mut Vec<(String, String, Vec<String>)>,
) {
    let schema = resolve(root, schema);
    if let (Some(known), Some(text)) = (schema["enum"].as_array(), value.as_str()) {
        if !known.iter().any(|k| k == value) {
            let names = known.iter().filter_map(Value::as_str).map(str::to_owned);
            out.push((path.to_owned(), text.to_owned(), names.collect()));
        }
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if let Some(prop) = schema["properties"].get(k) {
                    unknown_enum_values(root, prop, v, &child, out);
                } else if let Some(extra) =
                    schema.get("additionalProperties").filter(|a| a.is_object())
                {
                    unknown_enum_values(root, extra, v, &child, out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    unknown_enum_values(root, item, v, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

/// The manifest's JSON Schema: a list of servers, each an entry as [`entry::schema`]
/// defines it.
pub fn manifest() -> Value {
    let (server, defs) = entry::schema();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "elevenlabs-mcp manifest",
        "description": "The MCP servers of an ElevenLabs workspace, as `elevenlabs-mcp plan` and `apply` read them.",
        "type": "object",
        "required": ["servers"],
        "additionalProperties": false,
        "properties": {
            "servers": {"type": "array", "items": server}
        },
        "$defs": defs
    })
}

/// A schema without the keys that only belong at a document's top.
pub fn strip_meta(mut schema: Value) -> Value {
    if let Some(o) = schema.as_object_mut() {
        o.remove("$schema");
        o.remove("$defs");
        o.remove("title");
    }
    schema
}
