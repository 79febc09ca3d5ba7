//! `cargo xtask spec-facts --upstream FILE --output FILE`: the facts of the vendor's
//! document, kept in the repository for the spec-diff tests.
//!
//! The vendor's document is theirs, prose and all; what the tests need are its facts. So
//! this keeps the paths under our spec's prefix and every schema they reach, and drops
//! every description, summary, title, example, tag and vendor extension (`x-…`). Property
//! names are kept whatever they are called (a property may be named `title`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// Keys that carry prose or tooling hints rather than facts.
fn is_prose(key: &str) -> bool {
    matches!(
        key,
        "description" | "summary" | "title" | "example" | "examples" | "tags"
    ) || key.starts_with("x-")
}

/// The facts document of `upstream` for the paths under `prefix`.
pub fn facts_document(upstream: &Value, prefix: &str) -> Value {
    let mut paths = Map::new();
    for (path, item) in upstream
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(path, _)| path.starts_with(prefix))
    {
        paths.insert(path.clone(), strip(item, false));
    }
    let schemas = upstream
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    let mut queue: Vec<String> = refs(&Value::Object(paths.clone()));
    while let Some(name) = queue.pop() {
        if !wanted.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = schemas.and_then(|s| s.get(&name)) {
            queue.extend(refs(schema));
        }
    }
    let kept: BTreeMap<String, Value> = wanted
        .into_iter()
        .filter_map(|name| {
            let schema = schemas?.get(&name)?;
            Some((name, strip(schema, false)))
        })
        .collect();
    let mut doc = Map::new();
    if let Some(version) = upstream.get("openapi") {
        doc.insert("openapi".into(), version.clone());
    }
    doc.insert("paths".into(), Value::Object(paths));
    doc.insert("components".into(), serde_json::json!({ "schemas": kept }));
    Value::Object(doc)
}

/// `value` without prose keys; the members of a `properties` object are names, all kept.
fn strip(value: &Value, names: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| names || !is_prose(k))
                .map(|(k, v)| (k.clone(), strip(v, !names && k == "properties")))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| strip(v, false)).collect()),
        other => other.clone(),
    }
}

/// The component schema names `value` refers to.
fn refs(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(Value::as_str)
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                {
                    out.push(name.to_owned());
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prose_goes_and_reachable_schemas_stay() {
        let upstream = json!({
            "openapi": "3.1.0",
            "info": {"title": "theirs"},
            "paths": {
                "/v1/a": {"get": {"summary": "s", "tags": ["t"], "x-fern-sdk": 1,
                    "responses": {"200": {"description": "ok", "content": {"application/json":
                        {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
                "/v2/other": {"get": {"responses": {}}}
            },
            "components": {"schemas": {
                "A": {"title": "A", "description": "d", "properties": {
                    "title": {"type": "string", "description": "a field named title"},
                    "b": {"$ref": "#/components/schemas/B"}}},
                "B": {"enum": ["x"], "examples": ["x"]},
                "Unused": {"type": "string"}
            }}
        });
        let facts = facts_document(&upstream, "/v1");
        assert_eq!(
            facts,
            json!({
                "openapi": "3.1.0",
                "paths": {"/v1/a": {"get": {"responses": {"200": {"content": {"application/json":
                    {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
                "components": {"schemas": {
                    "A": {"properties": {"title": {"type": "string"}, "b": {"$ref": "#/components/schemas/B"}}},
                    "B": {"enum": ["x"]}
                }}
            })
        );
        // The facts of the facts are the facts.
        assert_eq!(facts_document(&facts, "/v1"), facts);
    }
}
