//! Answers of "get a server" generated from the response schema of the vendor's current
//! OpenAPI document, as a JSON Schema generator would make them: every one must decode.
//!
//! The schema comes from the facts of the vendor's current document that the spec-diff
//! tests keep (`xtask/tests/fixtures/vendor-mcp-servers.facts.json`, written by `cargo xtask
//! spec-facts`: types, enums, required keys, bounds, discriminators; no prose). JSON Schema's `integer` is any number
//! with no fractional part, so the generator writes integers as `7`, as `7.0`, and as floats
//! far beyond `i64` (`8.4e37`), as schema-driven generators do; and, where an object allows
//! more properties, it adds some.

use elevenlabs_mcp::{McpServer, decode};
use proptest::prelude::*;
use proptest::strategy::Union;
use serde_json::{Map, Value, json};

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../xtask/tests/fixtures/vendor-mcp-servers.facts.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("the fixture")).expect("JSON")
}

/// The 200 answer's schema of "get a server".
fn get_server_answer(doc: &Value) -> Value {
    doc.pointer(
        "/paths/~1v1~1convai~1mcp-servers~1{mcp_server_id}/get/responses/200/content/application~1json/schema",
    )
    .cloned()
    .expect("get a server answers 200 with a schema")
}

/// How deep objects and arrays go before only required keys and empty arrays remain.
const MAX_DEPTH: u32 = 6;

struct Generator {
    schemas: Map<String, Value>,
}

impl Generator {
    fn resolve<'a>(&'a self, reference: &str) -> &'a Value {
        let name = reference.rsplit('/').next().expect("a name");
        self.schemas
            .get(name)
            .unwrap_or_else(|| panic!("{reference} is not in the fixture"))
    }

    fn value(&self, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        let Some(schema) = schema.as_object() else {
            return any_json().boxed();
        };
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            return self.value(self.resolve(r), depth);
        }
        if let Some(c) = schema.get("const") {
            return Just(c.clone()).boxed();
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return proptest::sample::select(values.clone()).boxed();
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                return Union::new(branches.iter().map(|b| self.value(b, depth))).boxed();
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array)
            && let Some(first) = parts.first()
        {
            return self.value(first, depth);
        }
        match schema.get("type") {
            Some(Value::Array(types)) => Union::new(types.iter().map(|t| {
                let mut one = schema.clone();
                one.insert("type".into(), t.clone());
                self.value(&Value::Object(one), depth)
            }))
            .boxed(),
            Some(Value::String(t)) => self.typed(t, schema, depth),
            _ if schema.contains_key("properties") => self.typed("object", schema, depth),
            _ => any_json().boxed(),
        }
    }

    fn typed(&self, kind: &str, schema: &Map<String, Value>, depth: u32) -> BoxedStrategy<Value> {
        match kind {
            "null" => Just(Value::Null).boxed(),
            "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
            "integer" => integer().boxed(),
            "number" => prop_oneof![integer(), (-1e12f64..1e12).prop_map(|f| json!(f)),].boxed(),
            "string" => "[a-zA-Z0-9 _./:-]{0,16}".prop_map(Value::String).boxed(),
            "array" => {
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                let most = if depth == 0 { 0 } else { 3 };
                proptest::collection::vec(self.value(&items, depth.saturating_sub(1)), 0..=most)
                    .prop_map(Value::Array)
                    .boxed()
            }
            "object" => self.object(schema, depth),
            other => panic!("a type the generator does not know: {other}"),
        }
    }

    fn object(&self, schema: &Map<String, Value>, depth: u32) -> BoxedStrategy<Value> {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let below = depth.saturating_sub(1);
        let mut entries: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, property) in properties.into_iter().flatten() {
            let value = self.value(property, below);
            let name = name.clone();
            if required.contains(&name.as_str()) {
                entries.push(value.prop_map(move |v| Some((name.clone(), v))).boxed());
            } else if depth > 0 {
                entries.push(
                    proptest::option::of(value)
                        .prop_map(move |v| v.map(|v| (name.clone(), v)))
                        .boxed(),
                );
            }
        }
        // Properties the schema does not name, where it allows them.
        let extra = match schema.get("additionalProperties") {
            Some(Value::Bool(false)) => None,
            Some(Value::Object(extra)) => Some(self.value(&Value::Object(extra.clone()), below)),
            _ => Some(any_json().boxed()),
        };
        let extra = match extra {
            Some(values) if depth > 0 => {
                proptest::collection::vec(("x_[a-z]{1,6}", values), 0..=2).boxed()
            }
            _ => Just(Vec::new()).boxed(),
        };
        (entries, extra)
            .prop_map(|(entries, extra)| {
                let mut object: Map<String, Value> = extra.into_iter().collect();
                object.extend(entries.into_iter().flatten());
                Value::Object(object)
            })
            .boxed()
    }
}

/// Integers as a JSON Schema generator writes them: plain, as whole floats, and as floats
/// no 64-bit integer holds.
fn integer() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        (-1_000_000_000_000i64..1_000_000_000_000).prop_map(|n| json!(n as f64)),
        (19i32..300, 1.0f64..10.0, any::<bool>()).prop_map(|(exp, mantissa, negative)| {
            let sign = if negative { -1.0 } else { 1.0 };
            json!(sign * mantissa.trunc() * 10f64.powi(exp))
        }),
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        integer(),
        "[a-z]{0,8}".prop_map(Value::String),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_answer_the_vendor_schema_allows_decodes(answer in {
        let doc = fixture();
        let generator = Generator {
            schemas: doc.pointer("/components/schemas").and_then(Value::as_object).expect("schemas").clone(),
        };
        generator.value(&get_server_answer(&doc), MAX_DEPTH)
    }) {
        let body = serde_json::to_vec(&answer).expect("JSON");
        // The numbers as any serde_json reader gets them from the text (its float parsing
        // may differ from the generated float in the last place).
        let answer: Value = serde_json::from_slice(&body).expect("JSON");
        let server: McpServer = decode(&body)
            .unwrap_or_else(|e| panic!("{e}\n{}", serde_json::to_string_pretty(&answer).unwrap_or_default()));
        // Every number is kept: written back, the integers are the numbers that came.
        let created = &answer["metadata"]["created_at"];
        prop_assert_eq!(server.metadata.created_at.as_f64(), created.as_f64().expect("a number"));
        let back = serde_json::to_value(&server.metadata.created_at).expect("writes");
        prop_assert_eq!(back.as_f64(), created.as_f64());
        if let Some(timeout) = answer["config"].get("response_timeout_secs").and_then(Value::as_f64) {
            prop_assert_eq!(server.config.response_timeout_secs.map(|t| t.as_f64()), Some(timeout));
        }
    }
}

#[test]
fn the_fixture_is_the_get_server_answer() {
    let doc = fixture();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .expect("schemas");
    let name = get_server_answer(&doc)["$ref"]
        .as_str()
        .and_then(|r| r.rsplit('/').next())
        .expect("a ref")
        .to_owned();
    let root = &schemas[&name];
    for key in ["id", "config", "metadata"] {
        assert!(
            root["required"]
                .as_array()
                .expect("required")
                .contains(&json!(key)),
            "{key}"
        );
    }
    // The integer fields this test is about are in it.
    let text = doc.to_string();
    for field in [
        "created_at",
        "response_timeout_secs",
        "created_at_unix_secs",
    ] {
        assert!(text.contains(&format!("\"{field}\"")), "{field}");
    }
}
