//! Property tests: whatever bytes or JSON a server sends, the client's decode path and its
//! error parsing return a value or an error, and never panic.

use std::time::SystemTime;

use proptest::prelude::*;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::errors::{ApiError, decode};
use crate::types::{McpServer, McpServerList, Tool, ToolConfigOverride, ToolList};
use elevenlabs_mcp_corpus::{arbitrary_json as json, graft};

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
        let docs = elevenlabs_mcp_corpus::all();
        let mut doc: Value = serde_json::from_str(&docs[pick % docs.len()].1).expect("corpus JSON");
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
