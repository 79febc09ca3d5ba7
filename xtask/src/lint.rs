//! The project's own lint: shapes progenitor 0.15 panics on or quietly mishandles,
//! reported with the place they occur before progenitor ever sees the spec.
//!
//! Each finding names a rule, a location (a dotted path into the document, or an
//! operation) and what to write instead. The lint works on the document as a JSON tree, so
//! it sees 3.1 constructs that `openapiv3` would reject or drop without a word.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

/// One problem found in the spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// Short rule name, stable for tests and grep.
    pub rule: &'static str,
    /// Where: `components.schemas.X.properties.y`, or `operation mcp_servers_get`.
    pub location: String,
    /// What is wrong and what to write instead.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error[{}] {}: {}",
            self.rule, self.location, self.message
        )
    }
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Checks the whole document; an empty result means progenitor can take it.
pub fn lint(doc: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |rule: &'static str, location: String, message: String| {
        out.push(Finding {
            rule,
            location,
            message,
        });
    };

    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        other => push(
            "openapi-version",
            "openapi".into(),
            format!(
                "found {}; progenitor reads OpenAPI 3.0.x only: write `openapi: 3.0.3`",
                other.map_or("nothing".to_owned(), |v| format!("`{v}`"))
            ),
        ),
    }

    let schema_names: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();

    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            check_schema(
                schema,
                &format!("components.schemas.{name}"),
                &schema_names,
                &mut push,
            );
        }
    }

    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            if item.get("$ref").is_some() {
                push("path-ref", format!("paths.{path}"), "a `$ref` path item is not supported by progenitor; write the operations inline".into());
                continue;
            }
            for method in METHODS {
                let Some(op) = item.get(*method) else {
                    continue;
                };
                let here = format!("{} {path}", method.to_uppercase());
                let label = match op.get("operationId").and_then(Value::as_str) {
                    Some(id) => {
                        if let Some(prev) = seen_ids.insert(id.to_owned(), here.clone()) {
                            push(
                                "operation-id",
                                format!("operation {here}"),
                                format!(
                                    "operationId `{id}` is also used by {prev}; operationIds must be unique"
                                ),
                            );
                        }
                        format!("operation {id}")
                    }
                    None => {
                        push(
                            "operation-id",
                            format!("operation {here}"),
                            "no operationId: progenitor names methods after it".into(),
                        );
                        format!("operation {here}")
                    }
                };
                check_operation(path, item, op, &label, &schema_names, &mut push);
            }
        }
    }
    out.sort();
    out
}

type Push<'a> = dyn FnMut(&'static str, String, String) + 'a;

fn check_operation(
    path: &str,
    item: &Value,
    op: &Value,
    label: &str,
    schema_names: &BTreeSet<String>,
    push: &mut Push<'_>,
) {
    // Path parameters must match the template exactly, or progenitor panics.
    let in_template: BTreeSet<String> = path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned()))
        .collect();
    let params: Vec<&Value> = item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .chain(op.get("parameters").and_then(Value::as_array))
        .flatten()
        .collect();
    let mut declared = BTreeSet::new();
    for p in &params {
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
        if location == "path" {
            declared.insert(name.to_owned());
        }
        if location == "header" && name.eq_ignore_ascii_case("xi-api-key") {
            push("api-key-parameter", label.into(), "`xi-api-key` is declared as a header parameter; the key belongs in the `ApiKey` security scheme".into());
        }
        if let Some(schema) = p.get("schema") {
            check_schema(
                schema,
                &format!("{label}.parameters.{name}"),
                schema_names,
                push,
            );
        }
    }
    for missing in in_template.difference(&declared) {
        push(
            "path-parameter",
            label.into(),
            format!("`{{{missing}}}` is in the path but not declared as a path parameter"),
        );
    }
    for extra in declared.difference(&in_template) {
        push(
            "path-parameter",
            label.into(),
            format!("path parameter `{extra}` does not appear in the path"),
        );
    }

    if let Some(content) = op
        .pointer("/requestBody/content")
        .and_then(Value::as_object)
    {
        check_content(content, &format!("{label}.requestBody"), schema_names, push);
    }

    // progenitor asserts one body type for all success codes and one for all error codes.
    let mut success: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut failure: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        for (code, response) in responses {
            let here = format!("{label}.responses.{code}");
            let body = match response.get("content").and_then(Value::as_object) {
                Some(content) => {
                    check_content(content, &here, schema_names, push);
                    content
                        .iter()
                        .find(|(mt, _)| mt.starts_with("application/json"))
                        .map(|(_, mt)| {
                            mt.get("schema")
                                .map_or("<no schema>".to_owned(), Value::to_string)
                        })
                        .unwrap_or_else(|| {
                            if content.is_empty() {
                                "<no body>".into()
                            } else {
                                "<raw body>".into()
                            }
                        })
                }
                None => "<no body>".into(),
            };
            let bucket = if code.starts_with('2') {
                &mut success
            } else {
                &mut failure
            };
            bucket.entry(body).or_default().push(code.clone());
        }
    }
    for (kind, bucket) in [("success", &success), ("error", &failure)] {
        if bucket.len() > 1 {
            let described: Vec<String> = bucket
                .iter()
                .map(|(body, codes)| format!("{} -> {}", codes.join("/"), short(body)))
                .collect();
            push(
                "response-types",
                label.into(),
                format!(
                    "{kind} responses have different body types ({}); progenitor asserts there is one, so give them the same schema",
                    described.join("; ")
                ),
            );
        }
    }
}

fn short(body: &str) -> String {
    body.strip_prefix("{\"$ref\":\"#/components/schemas/")
        .and_then(|s| s.strip_suffix("\"}"))
        .map_or_else(|| body.to_owned(), str::to_owned)
}

fn check_content(
    content: &serde_json::Map<String, Value>,
    here: &str,
    schema_names: &BTreeSet<String>,
    push: &mut Push<'_>,
) {
    for (media, mt) in content {
        let loc = format!("{here}.content.{media}");
        match mt.get("schema") {
            Some(schema) => check_schema(schema, &format!("{loc}.schema"), schema_names, push),
            None if media.starts_with("application/json") => push("media-schema", loc, "a JSON media type without `schema` makes progenitor hit `todo!()`; give it a schema (`{}` for any JSON)".into()),
            None => {}
        }
        if mt
            .get("encoding")
            .and_then(Value::as_object)
            .is_some_and(|e| !e.is_empty())
        {
            push(
                "media-encoding",
                here.to_owned(),
                "`encoding` on a media type makes progenitor panic; remove it".into(),
            );
        }
    }
}

fn check_schema(schema: &Value, here: &str, names: &BTreeSet<String>, push: &mut Push<'_>) {
    let Some(map) = schema.as_object() else {
        if !schema.is_boolean() {
            push(
                "schema-shape",
                here.into(),
                "a schema must be an object".into(),
            );
        }
        return;
    };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        match reference.strip_prefix("#/components/schemas/") {
            Some(target) if names.contains(target) => {}
            _ => push(
                "dangling-ref",
                here.into(),
                format!("`{reference}` does not name a schema in components.schemas"),
            ),
        }
        if map.contains_key("nullable") {
            push("nullable-ref", here.into(), "`nullable` beside a bare `$ref` is silently ignored by progenitor; write `allOf: [{$ref: …}]` with `nullable: true`".into());
        }
    }
    if map.get("type").is_some_and(Value::is_array) {
        push(
            "type-array",
            here.into(),
            "`type: [x, 'null']` is OpenAPI 3.1; write `type: x` with `nullable: true`".into(),
        );
    }
    if map.contains_key("const") {
        push(
            "const",
            here.into(),
            "`const` is OpenAPI 3.1; write a one-value `enum`".into(),
        );
    }
    if map.get("type").and_then(Value::as_str) == Some("null") {
        push("null-type", here.into(), "`type: 'null'` is OpenAPI 3.1 (inside oneOf it panics progenitor); mark the other schema `nullable: true`".into());
    }
    for (bound, exclusive) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        match map.get(exclusive) {
            Some(Value::Bool(_)) if !map.contains_key(bound) => push(
                "exclusive-bound",
                here.into(),
                format!("`{exclusive}` without `{bound}` makes progenitor hit `todo!()`"),
            ),
            Some(Value::Number(_)) => push(
                "exclusive-bound",
                here.into(),
                format!(
                    "a numeric `{exclusive}` is OpenAPI 3.1; write `{bound}` with `{exclusive}: true`"
                ),
            ),
            _ => {}
        }
    }
    if map.contains_key("anyOf") {
        push("any-of", here.into(), "typify turns `anyOf` into a struct of optional flattened fields; write `oneOf` for a union, or `allOf: [$ref]` + `nullable` for an optional reference".into());
    }
    if let Some(disc) = map.get("discriminator") {
        if !map.contains_key("oneOf") {
            push(
                "discriminator",
                here.into(),
                "`discriminator` is only honoured beside `oneOf`".into(),
            );
        }
        if disc
            .get("mapping")
            .and_then(Value::as_object)
            .is_none_or(|m| m.is_empty())
        {
            push("discriminator", here.into(), "a discriminator needs an explicit `mapping` from tag value to schema; the bindings dispatch on it".into());
        }
        if disc.get("propertyName").and_then(Value::as_str).is_none() {
            push(
                "discriminator",
                here.into(),
                "a discriminator needs `propertyName`".into(),
            );
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(options)) = map.get(key) {
            for (i, option) in options.iter().enumerate() {
                if option.get("type").and_then(Value::as_str) == Some("null") {
                    push(
                        "null-variant",
                        format!("{here}.{key}[{i}]"),
                        format!(
                            "a `{{type: 'null'}}` variant in `{key}` panics progenitor; drop it and mark the property `nullable: true`"
                        ),
                    );
                    continue;
                }
                check_schema(option, &format!("{here}.{key}[{i}]"), names, push);
            }
        }
    }
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            check_schema(prop, &format!("{here}.properties.{name}"), names, push);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get(key).filter(|c| c.is_object()) {
            check_schema(child, &format!("{here}.{key}"), names, push);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A minimal valid document with `schemas` and `paths` swapped in.
    fn doc(schemas: Value, paths: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths,
               "components": {"schemas": schemas}})
    }

    fn rules(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.rule).collect()
    }

    fn one(schema: Value) -> Vec<Finding> {
        lint(&doc(
            json!({"A": schema, "B": {"type": "string"}}),
            json!({}),
        ))
    }

    #[test]
    fn clean_document_has_no_findings() {
        let d = doc(
            json!({"B": {"type": "string"}, "A": {"type": "object", "properties": {
                "b": {"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": true}}}}),
            json!({"/x/{id}": {"get": {"operationId": "x_get",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}}),
        );
        assert_eq!(lint(&d), vec![]);
    }

    #[test]
    fn openapi_31_is_rejected() {
        let mut d = doc(json!({}), json!({}));
        d["openapi"] = json!("3.1.0");
        let f = lint(&d);
        assert_eq!(rules(&f), ["openapi-version"]);
        assert!(f[0].to_string().contains("`3.1.0`"), "{}", f[0]);
    }

    #[test]
    fn type_array_names_the_property() {
        let f = one(json!({"type": "object", "properties": {"x": {"type": ["string", "null"]}}}));
        assert_eq!(rules(&f), ["type-array"]);
        assert_eq!(f[0].location, "components.schemas.A.properties.x");
        assert!(f[0].message.contains("nullable: true"));
    }

    #[test]
    fn nullable_beside_ref_is_rejected() {
        let f = one(
            json!({"type": "object", "properties": {"x": {"$ref": "#/components/schemas/B", "nullable": true}}}),
        );
        assert_eq!(rules(&f), ["nullable-ref"]);
        assert!(f[0].message.contains("allOf"));
    }

    #[test]
    fn null_variant_in_one_of_is_rejected() {
        let f = one(json!({"oneOf": [{"type": "string"}, {"type": "null"}]}));
        assert_eq!(rules(&f), ["null-variant"]);
        assert_eq!(f[0].location, "components.schemas.A.oneOf[1]");
    }

    #[test]
    fn const_any_of_and_null_type_are_rejected() {
        assert_eq!(
            rules(&one(json!({"type": "string", "const": "x"}))),
            ["const"]
        );
        assert_eq!(
            rules(&one(
                json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
            )),
            ["any-of"]
        );
        assert_eq!(rules(&one(json!({"type": "null"}))), ["null-type"]);
    }

    #[test]
    fn exclusive_bounds_are_checked() {
        assert_eq!(
            rules(&one(json!({"type": "integer", "exclusiveMinimum": true}))),
            ["exclusive-bound"]
        );
        assert_eq!(
            rules(&one(json!({"type": "integer", "exclusiveMaximum": 3}))),
            ["exclusive-bound"]
        );
        assert_eq!(
            rules(&one(
                json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true})
            )),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn dangling_ref_and_bad_discriminator() {
        assert_eq!(
            rules(&one(json!({"$ref": "#/components/schemas/Nope"}))),
            ["dangling-ref"]
        );
        let f = one(
            json!({"oneOf": [{"$ref": "#/components/schemas/B"}], "discriminator": {"propertyName": "type"}}),
        );
        assert_eq!(rules(&f), ["discriminator"]);
        assert!(f[0].message.contains("mapping"));
    }

    fn op(op: Value) -> Vec<Finding> {
        lint(&doc(
            json!({"A": {"type": "object"}, "E": {"type": "object"}}),
            json!({"/x/{id}": {"post": op}}),
        ))
    }

    fn id_param() -> Value {
        json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}])
    }

    #[test]
    fn error_bodies_of_different_types_are_rejected() {
        let f = op(
            json!({"operationId": "x", "parameters": id_param(), "responses": {
            "200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}},
            "404": {"description": "missing"},
            "422": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}}}}),
        );
        assert_eq!(rules(&f), ["response-types"]);
        assert!(f[0].message.contains("404 -> <no body>"), "{}", f[0]);
        assert!(f[0].message.contains("422 -> E"), "{}", f[0]);
        assert_eq!(f[0].location, "operation x");
    }

    #[test]
    fn json_without_schema_and_encoding_are_rejected() {
        let f = op(
            json!({"operationId": "x", "parameters": id_param(), "responses": {
            "200": {"description": "", "content": {"application/json": {}}}}}),
        );
        assert_eq!(rules(&f), ["media-schema"]);
        let f = op(json!({"operationId": "x", "parameters": id_param(),
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}, "encoding": {"a": {}}}}},
            "responses": {"200": {"description": ""}}}));
        assert_eq!(rules(&f), ["media-encoding"]);
    }

    #[test]
    fn operation_ids_and_path_parameters_are_checked() {
        let f = op(json!({"responses": {"200": {"description": ""}}}));
        assert_eq!(rules(&f), ["operation-id", "path-parameter"]);
        let d = doc(
            json!({}),
            json!({
            "/a": {"get": {"operationId": "same", "responses": {}}},
            "/b": {"get": {"operationId": "same", "responses": {}}}}),
        );
        let f = lint(&d);
        assert_eq!(rules(&f), ["operation-id"]);
        assert!(f[0].message.contains("GET /a"), "{}", f[0]);
    }

    #[test]
    fn api_key_must_be_a_security_scheme() {
        let f = op(json!({"operationId": "x", "parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "xi-api-key", "in": "header", "schema": {"type": "string"}}],
            "responses": {"200": {"description": ""}}}));
        assert_eq!(rules(&f), ["api-key-parameter"]);
    }

    #[test]
    fn garbage_never_panics() {
        for d in [
            json!(null),
            json!([]),
            json!({"paths": 3}),
            json!({"paths": {"/x": {"get": 1}}}),
            json!({"components": {"schemas": {"A": 5, "B": {"properties": {"x": []}}}}}),
        ] {
            let _ = lint(&d);
        }
    }
}
