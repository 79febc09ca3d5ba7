//! `cargo xtask spec-diff --upstream FILE`: what the vendor's published document has that
//! ours lacks, and the reverse, for the MCP servers part of the API.
//!
//! Schema names differ on purpose (ours are named for the domain), so the comparison is
//! structural: every operation contributes facts about its parameters, request body and
//! success body, found by walking the schemas from the operation; unions are walked
//! through, so a field reached through any variant counts. A fact looks like
//! `PATCH /v1/convai/mcp-servers/{mcp_server_id} request.request_headers{}.secret_id` or
//! `… response.config.approval_policy = auto_approve_all`.

use std::collections::BTreeSet;

use serde_json::Value;

/// The paths compared: those of the upstream document under the longest prefix that every
/// path of ours shares (the MCP servers part of the API).
pub fn prefix(ours: &Value) -> String {
    let paths: Vec<&String> = ours
        .get("paths")
        .and_then(Value::as_object)
        .map(|p| p.keys().collect())
        .unwrap_or_default();
    let Some(first) = paths.first() else {
        return String::new();
    };
    let mut prefix: &str = first;
    for path in &paths[1..] {
        while !path.starts_with(prefix) {
            prefix = &prefix[..prefix.len() - 1];
        }
    }
    prefix.to_owned()
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch"];

/// The differences, each a sorted list of facts.
#[derive(Debug, Default)]
pub struct SpecDiff {
    /// In upstream, not in ours.
    pub missing: Vec<String>,
    /// In ours, not in upstream.
    pub extra: Vec<String>,
}

/// Compares `ours` with `upstream`.
pub fn diff(ours: &Value, upstream: &Value) -> SpecDiff {
    let prefix = prefix(ours);
    let (a, b) = (facts(ours, &prefix), facts(upstream, &prefix));
    SpecDiff {
        missing: b.difference(&a).cloned().collect(),
        extra: a.difference(&b).cloned().collect(),
    }
}

/// Every fact of one document, for the paths under `prefix`.
pub fn facts(doc: &Value, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths.iter().filter(|(p, _)| p.starts_with(prefix)) {
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let at = format!("{} {path}", method.to_uppercase());
            out.insert(format!("{at} (operation)"));
            if op.get("deprecated") == Some(&Value::Bool(true)) {
                out.insert(format!("{at} (deprecated)"));
            }
            for param in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = param
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let place = param.get("in").and_then(Value::as_str).unwrap_or_default();
                // The key is a security scheme in ours and a header parameter upstream.
                if place == "header" && name.eq_ignore_ascii_case("xi-api-key") {
                    continue;
                }
                out.insert(format!("{at} {place} parameter {name}"));
            }
            if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                walk(
                    doc,
                    schema,
                    &format!("{at} request"),
                    &mut Vec::new(),
                    &mut out,
                );
            }
            if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                for code in responses.keys() {
                    out.insert(format!("{at} status {code}"));
                }
            }
            if let Some(schema) = op.pointer("/responses/200/content/application~1json/schema") {
                walk(
                    doc,
                    schema,
                    &format!("{at} response"),
                    &mut Vec::new(),
                    &mut out,
                );
            }
        }
    }
    out
}

fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(&reference.strip_prefix('#')?.replace("~1", "/"))
}

/// Records the fields and enum values reachable from `schema`, prefixed by `at`.
/// `stack` holds the references being expanded, to stop on recursive schemas.
fn walk(
    doc: &Value,
    schema: &Value,
    at: &str,
    stack: &mut Vec<String>,
    out: &mut BTreeSet<String>,
) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        if stack.iter().any(|r| r == reference) {
            return;
        }
        if let Some(target) = resolve(doc, reference) {
            stack.push(reference.to_owned());
            walk(doc, target, at, stack, out);
            stack.pop();
        }
    }
    for value in schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.insert(format!("{at} = {}", scalar(value)));
    }
    if let Some(value) = schema.get("const") {
        out.insert(format!("{at} = {}", scalar(value)));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for option in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            walk(doc, option, at, stack, out);
        }
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            let here = format!("{at}.{name}");
            out.insert(here.clone());
            walk(doc, prop, &here, stack, out);
        }
    }
    if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
        walk(doc, items, &format!("{at}[]"), stack, out);
    }
    if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        walk(doc, values, &format!("{at}{{}}"), stack, out);
    }
}

fn scalar(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(config: Value) -> Value {
        json!({"paths": {"/v1/convai/mcp-servers": {"post": {
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/C"}}}},
            "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/C"}}}}}}}},
            "components": {"schemas": {"C": config, "Mode": {"type": "string", "enum": ["a", "b"]}}}})
    }

    #[test]
    fn reports_missing_fields_and_enum_values_through_unions() {
        let ours = doc(json!({"properties": {"mode": {"$ref": "#/components/schemas/Mode"}}}));
        let mut upstream = doc(json!({"properties": {
            "mode": {"anyOf": [{"$ref": "#/components/schemas/Mode"}, {"type": "string", "const": "c"}, {"type": "null"}]},
            "extra": {"type": "string"}}}));
        // Another part of the API, which our spec does not describe: not compared.
        upstream["paths"]["/v1/other"] = json!({"get": {}});
        let d = diff(&ours, &upstream);
        assert!(
            d.missing
                .contains(&"POST /v1/convai/mcp-servers request.mode = c".to_owned()),
            "{d:?}"
        );
        assert!(
            d.missing
                .contains(&"POST /v1/convai/mcp-servers response.extra".to_owned()),
            "{d:?}"
        );
        assert!(d.extra.is_empty(), "{d:?}");
        assert!(!d.missing.iter().any(|f| f.contains("/v1/other")), "{d:?}");
    }

    #[test]
    fn recursive_schemas_terminate() {
        let d = doc(json!({"properties": {"child": {"$ref": "#/components/schemas/C"}}}));
        assert!(facts(&d, "/v1").contains("POST /v1/convai/mcp-servers request.child"));
    }
}
