//! Property tests: whatever bytes or JSON a server sends, the client's decode path and its
//! error parsing return a value or an error, and never panic.

use std::time::SystemTime;

use proptest::prelude::*;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::errors::{ApiError, decode};
use crate::types::{McpServer, McpServerList, Tool, ToolConfigOverride, ToolList};

/// Every response type the client decodes, fed the same body.
fn decode_all(body: &[u8]) {
    let _ = decode::<McpServerList>(body);
    let _ = decode::<McpServer>(body);
    let _ = decode::<ToolList>(body);
    let _ = decode::<Tool>(body);
    let _ = decode::<ToolConfigOverride>(body);
    for status in [400u16, 404, 422, 429, 503] {
        let status = StatusCode::from_u16(status).expect("status");
        let _ =
            ApiError::from_parts(status, &HeaderMap::new(), body, SystemTime::now()).to_string();
    }
}

/// Arbitrary JSON, nested a few levels.
pub(crate) fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        // Values the schemas give meaning to, so that decoding goes deep.
        prop::sample::select(vec![
            "sse",
            "SSE",
            "STREAMABLE_HTTP",
            "auto_approved",
            "require_approval_all",
            "constant",
            "dynamic_variable",
            "available",
            "unknown",
            "https://x.example",
            "",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "id",
                    "config",
                    "metadata",
                    "name",
                    "url",
                    "mcp_servers",
                    "tools",
                    "success",
                    "detail",
                    "loc",
                    "msg",
                    "type",
                    "source",
                    "secret_id",
                    "transport",
                    "created_at",
                    "inputSchema",
                    "tool_name",
                    "dependent_agents",
                    "input_overrides",
                    "eval",
                    "x",
                ])
                .prop_map(str::to_owned),
                inner,
                0..8,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the value at a pseudo-random place in `node` with `with`.
pub(crate) fn graft(node: &mut Value, choice: usize, with: Value) {
    if !choice.is_multiple_of(4) {
        let child = match node {
            Value::Object(map) if !map.is_empty() => {
                let n = map.len();
                map.values_mut().nth(choice % n)
            }
            Value::Array(items) if !items.is_empty() => {
                let n = items.len();
                items.get_mut(choice % n)
            }
            _ => None,
        };
        if let Some(child) = child {
            return graft(child, choice / 3, with);
        }
    }
    *node = with;
}

pub(crate) fn corpus() -> Vec<Value> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus");
    let mut docs = Vec::new();
    for entry in std::fs::read_dir(dir).expect("corpus directory").flatten() {
        let text = std::fs::read(entry.path()).expect("corpus file");
        docs.push(serde_json::from_slice(&text).expect("corpus JSON"));
    }
    docs
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&body);
    }

    #[test]
    fn arbitrary_json_never_panics(doc in json()) {
        decode_all(&serde_json::to_vec(&doc).expect("serialisable"));
    }

    #[test]
    fn realistic_bodies_with_a_part_replaced_never_panic(
        pick in any::<usize>(),
        place in any::<usize>(),
        with in json(),
    ) {
        let docs = corpus();
        let mut doc = docs[pick % docs.len()].clone();
        graft(&mut doc, place, with);
        decode_all(&serde_json::to_vec(&doc).expect("serialisable"));
    }

    #[test]
    fn arbitrary_error_headers_never_panic(
        retry_after in ".{0,40}",
        retry_after_ms in prop_oneof![".{0,20}".boxed(), any::<f64>().prop_map(|f| f.to_string()).boxed()],
        request_id in "[ -~]{0,40}",
    ) {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("retry-after", retry_after),
            ("retry-after-ms", retry_after_ms),
            ("x-request-id", request_id),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
        let e = ApiError::from_parts(StatusCode::TOO_MANY_REQUESTS, &headers, b"{}", SystemTime::now());
        let _ = e.to_string();
    }
}

#[test]
fn a_failed_decode_names_the_path_into_a_list() {
    let body = br#"{"mcp_servers": [{"id": "a", "config": {"name": "n", "url": "u"}, "metadata": {"created_at": 1}}, {"id": 7}]}"#;
    match decode::<McpServerList>(body) {
        Err(crate::Error::Decode(e)) => assert_eq!(e.path, "mcp_servers[1].id"),
        other => panic!("expected a decode error, got {other:?}"),
    }
    // Trailing bytes after a valid document are an error too, not silently dropped.
    assert!(decode::<Value>(b"{} {}").is_err());
}

#[test]
fn a_body_that_is_not_utf8_names_the_string_that_is_not() {
    let body = b"{\"mcp_servers\": [{\"id\": \"a\xff\"}]}";
    match decode::<McpServerList>(body) {
        Err(crate::Error::Decode(e)) => {
            assert_eq!(e.path, "mcp_servers[0].id");
            assert!(e.message.contains("unicode"), "{}", e.message);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}
