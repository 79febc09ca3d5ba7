//! The streamed decode ([`stream::from_str`](crate::stream::from_str)) against the liberal one (`serde_json`):
//! wherever the streamed decode gives a value, the liberal one gives the same value, so that
//! `decode` may try the fast way first. Bodies are written with their keys in varying
//! orders, the tag of a tagged union first or not, since only a tag that comes first streams.

use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::stream;
use crate::types::{
    HttpValidationError, McpServer, McpServerList, Tool, ToolConfigOverride, ToolList,
};
use elevenlabs_mcp_corpus::{arbitrary_json as json, graft};

/// Whether `text` streamed as `T`; panics if the two decodes disagree.
fn agree<T: DeserializeOwned + Serialize>(text: &str) -> bool {
    let Some(streamed) = stream::from_str::<T>(text) else {
        return false;
    };
    let liberal: T = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("streamed, but the liberal decode failed ({e}): {text}"));
    assert_eq!(
        serde_json::to_value(&streamed).expect("serialises"),
        serde_json::to_value(&liberal).expect("serialises"),
        "the two decodes disagree on {text}"
    );
    true
}

/// Every response type the client decodes, tried on `text`; how many streamed.
fn agree_all(text: &str) -> usize {
    [
        agree::<McpServerList>(text),
        agree::<McpServer>(text),
        agree::<ToolList>(text),
        agree::<Tool>(text),
        agree::<ToolConfigOverride>(text),
        agree::<HttpValidationError>(text),
    ]
    .into_iter()
    .filter(|streamed| *streamed)
    .count()
}

/// `value` as JSON text, each object's keys in an order picked by `turn`: sorted, rotated,
/// or with `type` and `source` (the API's tags) moved first.
fn write(value: &Value, turn: usize, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            match turn % 3 {
                0 => keys.sort_by_key(|k| !matches!(k.as_str(), "type" | "source")),
                1 if !keys.is_empty() => {
                    let n = turn / 3 % keys.len();
                    keys.rotate_left(n);
                }
                _ => {}
            }
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write(&map[key], turn / 3 + i, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, turn + i, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn text(value: &Value, turn: usize) -> String {
    let mut out = String::new();
    write(value, turn, &mut out);
    out
}

#[test]
fn the_corpus_streams_and_both_decodes_agree() {
    for (name, body) in elevenlabs_mcp_corpus::all() {
        let streamed = agree_all(&body);
        // The well-formed records, written as the service writes them (tags first), take
        // the fast way; the rest may not, but must agree where they do.
        if matches!(
            name.as_str(),
            "mcp_server.full.json"
                | "mcp_server_list.json"
                | "tool_config_override.json"
                | "tool_list.json"
        ) {
            assert!(streamed > 0, "{name} did not stream");
        }
    }
}

#[test]
fn a_malformed_variant_or_a_late_tag_leaves_the_value_to_the_liberal_decode() {
    let record =
        |input: &str| format!(r#"{{"tool_name": "t", "input_overrides": {{"q": {input}}}}}"#);
    // Well formed, tag first: streams.
    assert!(agree::<ToolConfigOverride>(&record(
        r#"{"source": "llm", "prompt": "p"}"#
    )));
    // The tag later: still the same value, the liberal way inside the streamed decode.
    assert!(agree::<ToolConfigOverride>(&record(
        r#"{"prompt": "p", "source": "llm"}"#
    )));
    // An unknown tag is kept raw on the fast way too.
    assert!(agree::<ToolConfigOverride>(&record(
        r#"{"source": "from_the_future", "x": [1]}"#
    )));
    // A known tag whose variant lacks a required field needs the fallback: no streamed value.
    let odd = record(r#"{"source": "dynamic_variable"}"#);
    assert!(stream::from_str::<ToolConfigOverride>(&odd).is_none());
    assert!(serde_json::from_str::<ToolConfigOverride>(&odd).is_ok());
    // An untagged object with a key its variant lacks: the liberal decode chooses.
    let header = r#"{"name": "n", "url": "https://x.example", "request_headers": {"h": {"variable_name": "v", "secret_id": "s"}}}"#;
    assert!(stream::from_str::<crate::types::McpServerConfig>(header).is_none());
    let decoded: crate::types::McpServerConfig =
        serde_json::from_str(header).expect("decodes the liberal way");
    assert!(matches!(
        decoded.request_headers.as_ref().and_then(|h| h.get("h")),
        Some(crate::types::RequestHeaderValue::SecretLocator(_))
    ));
}

#[test]
fn escaped_keys_and_tags_stream_like_plain_ones() {
    // `source`, `llm` and `type` spelled with escapes: the streamed decode unescapes them
    // before dispatching, as the liberal one does; the input `r`, with no tag at all, is
    // kept raw by both.
    let text = r#"{"tool_name": "t", "input_overrides": {"q": {"sour\u0063e": "\u006clm", "prompt": "p\n"}, "r": {"s\u0065cret_id": 1}}, "response_mocks": [{"mock_result": "x", "parameter_conditions": [{"path": "a", "eval": {"typ\u0065": "regex", "pattern": "^a"}}]}]}"#;
    assert!(agree::<ToolConfigOverride>(text));
    let streamed: ToolConfigOverride = stream::from_str(text).expect("streams");
    assert!(matches!(
        streamed.input_overrides.as_ref().and_then(|o| o.get("q")),
        Some(crate::types::InputOverride::LlmInputOverride(_))
    ));
    // After a streamed decode, the thread is back to the liberal decode.
    let odd = r#"{"tool_name": "t", "input_overrides": {"q": {"source": "dynamic_variable"}}}"#;
    let liberal: ToolConfigOverride = serde_json::from_str(odd).expect("liberal");
    assert!(matches!(
        liberal.input_overrides.as_ref().and_then(|o| o.get("q")),
        Some(crate::types::InputOverride::Unknown(_))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn both_decodes_agree_on_realistic_bodies_with_a_part_replaced(
        pick in any::<usize>(),
        place in any::<usize>(),
        turn in any::<usize>(),
        with in json(),
    ) {
        let docs = elevenlabs_mcp_corpus::all();
        let mut doc: Value = serde_json::from_str(&docs[pick % docs.len()].1).expect("corpus JSON");
        graft(&mut doc, place, with);
        agree_all(&text(&doc, turn));
    }

    #[test]
    fn both_decodes_agree_on_arbitrary_json(doc in json(), turn in any::<usize>()) {
        agree_all(&text(&doc, turn));
    }
}
