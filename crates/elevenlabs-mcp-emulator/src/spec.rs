//! The project's OpenAPI spec, embedded, and what the emulator takes from it: the request
//! and response schemas of each operation of the generated table, the defaults the service
//! fills in, and validation with FastAPI-shaped errors. Nothing here names a field of the
//! API.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use elevenlabs_mcp_raw::operations::Operation;
use serde_json::{Map, Value, json};

/// The spec: the crate's own copy of the workspace's `openapi/elevenlabs-mcp.yaml`, written
/// by `cargo xtask regen` (and checked by `regen --check`), so the published crate carries
/// it.
pub const SPEC_YAML: &str = include_str!("../spec/elevenlabs-mcp.yaml");

/// The parsed spec, once per process.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        // The spec is checked by the workspace's own tests; a broken one is a build bug.
        #[allow(clippy::expect_used)]
        serde_norway::from_str(SPEC_YAML).expect("the embedded spec is valid YAML")
    })
}

/// One operation: its entry in the generated table, with the schemas the spec gives it.
#[derive(Debug, Clone)]
pub struct OperationSpec {
    /// The operation.
    pub op: Operation,
    /// The JSON schema of the request body, if the operation takes one.
    pub request: Option<Value>,
    /// The `responses` object, by status.
    pub responses: Value,
}

/// Every operation of the table, in its order, with its schemas from the embedded spec.
pub fn operations() -> &'static [OperationSpec] {
    static OPS: OnceLock<Vec<OperationSpec>> = OnceLock::new();
    OPS.get_or_init(|| {
        Operation::ALL
            .into_iter()
            .map(|op| {
                let method = op.method().to_ascii_lowercase();
                let item = &spec()["paths"][op.path_template()][method.as_str()];
                OperationSpec {
                    op,
                    request: item
                        .pointer("/requestBody/content/application~1json/schema")
                        .cloned(),
                    responses: item["responses"].clone(),
                }
            })
            .collect()
    })
}

/// The spec of one operation.
pub fn operation(op: Operation) -> &'static OperationSpec {
    let all = operations();
    // `operations()` holds every entry of `Operation::ALL`, in order.
    let at = Operation::ALL.iter().position(|o| *o == op).unwrap_or(0);
    &all[at]
}

/// The response schema of `operation` for `status`, if the spec gives one.
pub fn response_schema(operation: Operation, status: u16) -> Option<Value> {
    let responses = &self::operation(operation).responses;
    responses
        .get(status.to_string())
        .or_else(|| responses.get("default"))?
        .pointer("/content/application~1json/schema")
        .cloned()
}

/// Matches a request path against the templates; returns the operations of that path
/// (one per method) and the decoded path parameters.
pub fn route(path: &str) -> Option<(Vec<&'static OperationSpec>, Map<String, Value>)> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut found = Vec::new();
    let mut params = Map::new();
    for op in operations() {
        let template: Vec<&str> = op.op.path_template().split('/').collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut these = Map::new();
        let matched = template.iter().zip(&segments).all(|(t, s)| {
            if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                let value = percent_encoding::percent_decode_str(s).decode_utf8_lossy();
                these.insert(name.to_owned(), Value::String(value.into_owned()));
                !s.is_empty()
            } else {
                t == s
            }
        });
        if matched {
            params = these;
            found.push(op);
        }
    }
    (!found.is_empty()).then_some((found, params))
}

/// Follows a `$ref` to its schema.
fn resolve(schema: &Value) -> &Value {
    let mut schema = schema;
    while let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        match r.strip_prefix('#').and_then(|p| spec().pointer(p)) {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

/// The schema of property `name` of an object schema.
pub fn property(schema: &Value, name: &str) -> Option<Value> {
    resolve(schema)["properties"].get(name).cloned()
}

/// Drops the keys of `value` that `schema` does not declare, as the service ignores them.
pub fn retain_declared(schema: &Value, value: &mut Value) {
    let schema = resolve(schema);
    if let (Some(props), Some(obj)) = (schema["properties"].as_object(), value.as_object_mut()) {
        obj.retain(|k, _| props.contains_key(k));
    }
}

/// Fills the defaults the schema declares for absent properties of `value`, one level
/// deep: what the service does for a new server's configuration.
pub fn apply_defaults(schema: &Value, value: &mut Value) {
    let schema = resolve(schema);
    let (Some(props), Some(obj)) = (schema["properties"].as_object(), value.as_object_mut()) else {
        return;
    };
    for (name, prop) in props {
        if let Some(default) = prop.get("default")
            && !obj.contains_key(name)
        {
            obj.insert(name.clone(), default.clone());
        }
    }
}

/// One validation problem, in FastAPI's shape.
fn issue(loc: &[Value], kind: &str, msg: String, input: &Value) -> Value {
    json!({"type": kind, "loc": loc, "msg": msg, "input": input})
}

/// Validates `value` against `schema`; `loc` is where `value` sits (such as `["body"]`).
/// Returns FastAPI-style `detail` entries, empty when the value is valid.
pub fn validate(schema: &Value, value: &Value, loc: &mut Vec<Value>) -> Vec<Value> {
    let mut out = Vec::new();
    check(schema, value, loc, &mut out);
    out
}

fn check(schema: &Value, value: &Value, loc: &mut Vec<Value>, out: &mut Vec<Value>) {
    let schema = resolve(schema);
    // `null` passes where the schema allows it: `nullable`, or no constraints at all. A
    // nullable `allOf` wrapper is the spec's way of making a `$ref` nullable.
    if value.is_null()
        && (schema["nullable"] == true || schema.as_object().is_none_or(Map::is_empty))
    {
        return;
    }
    if let Some(all) = schema["allOf"].as_array() {
        for s in all {
            check(s, value, loc, out);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = schema[key].as_array() {
            let fits = branches
                .iter()
                .filter(|b| validate(b, value, &mut loc.clone()).is_empty())
                .count();
            // `oneOf` means exactly one: a value that fits two shapes is ambiguous, and
            // the spec's readers (and schema checkers) would refuse it.
            let problem = match (key, fits) {
                (_, 0) => Some("Input does not match any of the allowed shapes"),
                ("oneOf", n) if n > 1 => Some("Input matches more than one of the allowed shapes"),
                _ => None,
            };
            if let Some(msg) = problem {
                out.push(issue(loc, "union_tag_invalid", msg.into(), value));
            }
            return;
        }
    }
    if let Some(values) = schema["enum"].as_array()
        && !values.contains(value)
    {
        let names: Vec<String> = values.iter().map(|v| format!("'{}'", text(v))).collect();
        out.push(issue(
            loc,
            "enum",
            format!("Input should be {}", names.join(", ")),
            value,
        ));
        return;
    }
    match schema["type"].as_str() {
        Some("string") => {
            let Some(s) = value.as_str() else {
                return out.push(issue(
                    loc,
                    "string_type",
                    "Input should be a valid string".into(),
                    value,
                ));
            };
            if let Some(max) = schema["maxLength"].as_u64()
                && (s.chars().count() as u64) > max
            {
                out.push(issue(
                    loc,
                    "string_too_long",
                    format!("String should have at most {max} characters"),
                    value,
                ));
            }
            if let Some(pattern) = schema["pattern"].as_str()
                && !matches_pattern(pattern, s)
            {
                out.push(issue(
                    loc,
                    "string_pattern_mismatch",
                    format!("String should match pattern '{pattern}'"),
                    value,
                ));
            }
            if let Some(min) = schema["minLength"].as_u64()
                && (s.chars().count() as u64) < min
            {
                out.push(issue(
                    loc,
                    "string_too_short",
                    format!(
                        "String should have at least {min} character{}",
                        if min == 1 { "" } else { "s" }
                    ),
                    value,
                ));
            }
        }
        Some("integer") => {
            let Some(n) = value.as_i64() else {
                return out.push(issue(
                    loc,
                    "int_type",
                    "Input should be a valid integer".into(),
                    value,
                ));
            };
            bounds(schema, n as f64, loc, value, out);
        }
        Some("number") => {
            let Some(n) = value.as_f64() else {
                return out.push(issue(
                    loc,
                    "float_type",
                    "Input should be a valid number".into(),
                    value,
                ));
            };
            bounds(schema, n, loc, value, out);
        }
        Some("boolean") if !value.is_boolean() => {
            out.push(issue(
                loc,
                "bool_type",
                "Input should be a valid boolean".into(),
                value,
            ));
        }
        Some("array") => {
            let Some(items) = value.as_array() else {
                return out.push(issue(
                    loc,
                    "list_type",
                    "Input should be a valid list".into(),
                    value,
                ));
            };
            for (i, item) in items.iter().enumerate() {
                loc.push(json!(i));
                check(&schema["items"], item, loc, out);
                loc.pop();
            }
        }
        Some("object") => {
            let Some(obj) = value.as_object() else {
                return out.push(issue(
                    loc,
                    "model_attributes_type",
                    "Input should be a valid dictionary or object to extract fields from".into(),
                    value,
                ));
            };
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = text(name);
                if !obj.contains_key(&name) {
                    loc.push(json!(name));
                    out.push(issue(loc, "missing", "Field required".into(), value));
                    loc.pop();
                }
            }
            let props = schema["properties"].as_object();
            for (name, v) in obj {
                loc.push(json!(name));
                match props.and_then(|p| p.get(name)) {
                    Some(prop) => check(prop, v, loc, out),
                    None => {
                        if let Some(extra) =
                            schema.get("additionalProperties").filter(|a| a.is_object())
                        {
                            check(extra, v, loc, out);
                        }
                    }
                }
                loc.pop();
            }
        }
        _ => {}
    }
}

fn bounds(schema: &Value, n: f64, loc: &[Value], value: &Value, out: &mut Vec<Value>) {
    if let Some(min) = schema["minimum"].as_f64()
        && n < min
    {
        out.push(issue(
            loc,
            "greater_than_equal",
            format!(
                "Input should be greater than or equal to {}",
                schema["minimum"]
            ),
            value,
        ));
    }
    if let Some(max) = schema["maximum"].as_f64()
        && n > max
    {
        out.push(issue(
            loc,
            "less_than_equal",
            format!(
                "Input should be less than or equal to {}",
                schema["maximum"]
            ),
            value,
        ));
    }
}

/// Whether `text` matches the spec's `pattern` (anywhere, as in ECMA-262, unless anchored).
/// The same engine as the client's checks, so both judge a value alike. A pattern that does
/// not compile refuses nothing.
fn matches_pattern(pattern: &str, text: &str) -> bool {
    static COMPILED: OnceLock<Mutex<HashMap<String, Option<regex_lite::Regex>>>> = OnceLock::new();
    let mut cache = COMPILED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    cache
        .entry(pattern.to_owned())
        .or_insert_with(|| regex_lite::Regex::new(pattern).ok())
        .as_ref()
        .is_none_or(|re| re.is_match(text))
}

fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_gives_all_thirteen_operations() {
        assert_eq!(operations().len(), 13);
        let (ops, params) =
            route("/v1/convai/mcp-servers/a%2Fb/tool-configs/t%20x").expect("route");
        assert_eq!(ops.len(), 3, "get, patch and delete");
        assert_eq!(params["mcp_server_id"], "a/b");
        assert_eq!(params["tool_name"], "t x");
        assert!(route("/v1/convai/elsewhere").is_none());
    }

    #[test]
    fn one_of_means_exactly_one() {
        let schema = json!({"oneOf": [
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
            {"type": "object", "required": ["b"], "properties": {"b": {"type": "string"}}}
        ]});
        let at = || vec![json!("body")];
        assert!(validate(&schema, &json!({"a": "x"}), &mut at()).is_empty());
        let both = validate(&schema, &json!({"a": "x", "b": "y"}), &mut at());
        assert_eq!(
            both[0]["msg"],
            "Input matches more than one of the allowed shapes"
        );
        assert_eq!(validate(&schema, &json!({"c": 1}), &mut at()).len(), 1);
    }

    #[test]
    fn validation_reports_fastapi_locations() {
        let create = operation(Operation::McpServersCreate)
            .request
            .clone()
            .expect("create body");
        let body = json!({"config": {"name": 5, "response_timeout_secs": 999, "transport": "x"}});
        let blank = json!({"config": {"name": " ", "url": "http://x.example"}});
        let blank_issues = validate(&create, &blank, &mut vec![json!("body")]);
        assert_eq!(blank_issues.len(), 2, "{blank_issues:?}");
        assert!(blank_issues.iter().all(|i| i["type"] == "string_pattern_mismatch" || i["type"] == "union_tag_invalid"));
        let issues = validate(&create, &body, &mut vec![json!("body")]);
        let found: Vec<(String, String)> = issues
            .iter()
            .map(|i| {
                (
                    i["loc"].to_string(),
                    i["type"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        for expected in [
            (r#"["body","config","url"]"#, "missing"),
            (r#"["body","config","name"]"#, "string_type"),
            (
                r#"["body","config","response_timeout_secs"]"#,
                "less_than_equal",
            ),
            (r#"["body","config","transport"]"#, "enum"),
        ] {
            assert!(
                found.contains(&(expected.0.to_owned(), expected.1.to_owned())),
                "{expected:?} not in {found:?}"
            );
        }
        let ok = json!({"config": {"name": "n", "url": "https://x.example"}});
        assert!(validate(&create, &ok, &mut vec![json!("body")]).is_empty());
    }
}
