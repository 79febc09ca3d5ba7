//! Lowering: the spec as written, rewritten into the form progenitor should see.
//!
//! The YAML describes the wire format for every reader (validators, the emulator, the
//! wrapper's request checks). The generated types, though, are mostly used to *read* what
//! the service sends, and the service is liberal: it adds fields, sends `null` for optional
//! values and may relax limits. So before progenitor runs, this pass:
//!
//! - removes request-side constraints (`minimum`, `maxLength`, `pattern`, …), so the
//!   generated types never refuse a response over a limit meant for requests;
//! - marks every optional property `nullable` (wrapping a bare `$ref` in `allOf`, the only
//!   form progenitor honours), so `null` decodes as `None` wherever a value is optional;
//! - drops `default` on properties, so an absent field decodes as `None` rather than as a
//!   value the service never sent;
//! - drops `additionalProperties: false`, so unknown fields are ignored everywhere.
//!
//! Every change is driven by the shape of the schema, never by its name: a schema added to
//! the YAML gets the same treatment with no edit here.

use serde_json::{Map, Value};

const CONSTRAINTS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "format",
];

/// Returns the lowered copy of `doc`.
pub fn lower(doc: &Value) -> Value {
    let mut doc = doc.clone();
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for schema in schemas.values_mut() {
            lower_schema(schema);
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            visit_inline_schemas(item);
        }
    }
    doc
}

/// Schemas inline in operations (parameters, bodies) get the same treatment.
fn visit_inline_schemas(node: &mut Value) {
    match node {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "schema" {
                    lower_schema(child);
                } else {
                    visit_inline_schemas(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(visit_inline_schemas),
        _ => {}
    }
}

fn lower_schema(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    for key in CONSTRAINTS {
        // `format` only narrows strings and numbers; keeping `int64` etc. is harmless but a
        // `date-time` would pull in chrono and refuse odd timestamps, so it goes too.
        map.remove(*key);
    }
    if map.get("additionalProperties") == Some(&Value::Bool(false)) {
        map.remove("additionalProperties");
    }
    let required: Vec<String> = map
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if let Some(props) = map.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, prop) in props.iter_mut() {
            if !required.contains(name) {
                make_optional(prop);
            }
            lower_schema(prop);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key) {
            lower_schema(child);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(children)) = map.get_mut(key) {
            children.iter_mut().for_each(lower_schema);
        }
    }
}

/// An optional property: nullable, and without a default the service did not send.
fn make_optional(prop: &mut Value) {
    let Some(map) = prop.as_object_mut() else {
        return;
    };
    map.remove("default");
    if let Some(reference) = map.remove("$ref") {
        let mut wrapped = Map::new();
        wrapped.insert("$ref".into(), reference);
        map.insert("allOf".into(), Value::Array(vec![Value::Object(wrapped)]));
    }
    map.insert("nullable".into(), Value::Bool(true));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn optional_ref_becomes_nullable_all_of_and_loses_default() {
        let doc = json!({"components": {"schemas": {"A": {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "mode": {"$ref": "#/components/schemas/M", "default": "x"},
                "n": {"type": "integer", "minimum": 5, "maximum": 300, "default": 30}
            }
        }}}});
        let lowered = lower(&doc);
        let props = &lowered["components"]["schemas"]["A"]["properties"];
        assert_eq!(props["id"], json!({"type": "string"}));
        assert_eq!(
            props["mode"],
            json!({"allOf": [{"$ref": "#/components/schemas/M"}], "nullable": true})
        );
        assert_eq!(props["n"], json!({"type": "integer", "nullable": true}));
    }

    #[test]
    fn closed_objects_are_opened() {
        let doc = json!({"components": {"schemas": {"A": {
            "type": "object", "additionalProperties": false, "properties": {}
        }}}});
        let lowered = lower(&doc);
        assert!(
            lowered["components"]["schemas"]["A"]
                .get("additionalProperties")
                .is_none()
        );
    }
}
