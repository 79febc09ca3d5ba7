//! What the spec says about operations and request bodies, read from the document as
//! written (before lowering), for the passes that generate the operation table, the request
//! builders and the send-side checks.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::naming::rust_type_name;

/// One operation of the spec.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The operationId, such as `mcp_servers_get`.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// Path parameters, in the order they appear in the template.
    pub path_params: Vec<String>,
    /// Query parameters, in the spec's order.
    pub query_params: Vec<String>,
    /// The summary line, for docs.
    pub summary: String,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
    /// Component schema of the JSON request body, if any.
    pub request: Option<String>,
    /// Component schema of the 2xx response, if it is a reference.
    pub response: Option<String>,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation, in the spec's order.
pub fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let params: Vec<&Value> = item["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .chain(op["parameters"].as_array().into_iter().flatten())
                .collect();
            let named = |place: &str| -> Vec<String> {
                params
                    .iter()
                    .filter(|p| p["in"] == place)
                    .filter_map(|p| p["name"].as_str().map(str::to_owned))
                    .collect()
            };
            let declared = named("path");
            let path_params = template_params(path)
                .into_iter()
                .filter(|p| declared.contains(p))
                .collect();
            let success = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .find(|(status, _)| status.starts_with('2'))
                .map(|(_, r)| r);
            out.push(Operation {
                id: id.to_owned(),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                path_params,
                query_params: named("query"),
                summary: op["summary"].as_str().unwrap_or(id).to_owned(),
                deprecated: op["deprecated"] == true,
                request: op
                    .pointer("/requestBody/content/application~1json/schema/$ref")
                    .and_then(Value::as_str)
                    .map(ref_name),
                response: success
                    .and_then(|r| r.pointer("/content/application~1json/schema/$ref"))
                    .and_then(Value::as_str)
                    .map(ref_name),
            });
        }
    }
    out
}

/// `{name}` placeholders of a path template, in order.
pub fn template_params(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

/// The component name a `#/components/schemas/X` reference points at.
pub fn ref_name(reference: &str) -> String {
    reference.rsplit('/').next().unwrap_or(reference).to_owned()
}

/// The component schema called `name`.
pub fn component<'a>(doc: &'a Value, name: &str) -> Option<&'a Value> {
    doc.pointer("/components/schemas")?.get(name)
}

/// Component schemas (by spec name) that a request body can contain: the bodies and every
/// schema they reference, transitively.
pub fn request_schemas(doc: &Value) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = operations(doc)
        .into_iter()
        .filter_map(|o| o.request)
        .collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = component(doc, &name) {
            collect_refs(schema, &mut todo);
        }
    }
    seen
}

fn collect_refs(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref" {
                    if let Some(r) = child.as_str() {
                        out.push(ref_name(r));
                    }
                } else {
                    collect_refs(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_refs(i, out)),
        _ => {}
    }
}

/// Rust names of the request bodies of `PATCH` operations: their optional fields are
/// tri-state.
pub fn patch_bodies(doc: &Value) -> BTreeSet<String> {
    operations(doc)
        .into_iter()
        .filter(|o| o.method == "PATCH")
        .filter_map(|o| o.request)
        .map(|name| rust_type_name(&name))
        .collect()
}

/// Rust names of every request body.
pub fn request_bodies(doc: &Value) -> BTreeSet<String> {
    operations(doc)
        .into_iter()
        .filter_map(|o| o.request)
        .map(|name| rust_type_name(&name))
        .collect()
}

/// For each component schema, by Rust name: its properties by wire name, and the order of
/// its required properties.
#[derive(Debug, Default)]
pub struct Objects {
    pub properties: BTreeMap<String, BTreeMap<String, Value>>,
    pub required: BTreeMap<String, Vec<String>>,
    /// The `oneOf` branches of unions, by Rust name.
    pub branches: BTreeMap<String, Vec<Value>>,
}

impl Objects {
    pub fn new(doc: &Value) -> Self {
        let mut out = Self::default();
        for (name, schema) in doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let rust = rust_type_name(name);
            if let Some(props) = schema["properties"].as_object() {
                out.properties.insert(
                    rust.clone(),
                    props.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                );
            }
            let required = schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            out.required.insert(rust.clone(), required);
            if let Some(branches) = schema["oneOf"].as_array() {
                out.branches.insert(rust, branches.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "paths": {
                "/a/{id}/b/{name}": {
                    "patch": {
                        "operationId": "a_update",
                        "parameters": [
                            {"name": "name", "in": "path"},
                            {"name": "id", "in": "path"},
                            {"name": "env", "in": "query"}
                        ],
                        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/AUpdate"}}}},
                        "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}
                    }
                }
            },
            "components": {"schemas": {
                "AUpdate": {"properties": {"inner": {"allOf": [{"$ref": "#/components/schemas/Inner"}]}}},
                "Inner": {"properties": {"leaf": {"$ref": "#/components/schemas/Leaf"}}},
                "Leaf": {"type": "string"},
                "A": {"properties": {}}
            }}
        })
    }

    #[test]
    fn operations_keep_the_template_order_of_path_parameters() {
        let ops = operations(&doc());
        assert_eq!(ops.len(), 1);
        assert_eq!(ops[0].path_params, ["id", "name"]);
        assert_eq!(ops[0].query_params, ["env"]);
        assert_eq!(ops[0].request.as_deref(), Some("AUpdate"));
        assert_eq!(ops[0].response.as_deref(), Some("A"));
    }

    #[test]
    fn request_schemas_follow_references() {
        let names: Vec<String> = request_schemas(&doc()).into_iter().collect();
        assert_eq!(names, ["AUpdate", "Inner", "Leaf"]);
        assert!(patch_bodies(&doc()).contains("AUpdate"));
    }
}
