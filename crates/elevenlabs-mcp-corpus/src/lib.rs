//! The response corpus: bodies written by the project that stress decoding (unknown enum
//! values and fields at every level, nulls, every union variant, failures), one JSON file
//! each under `corpus/`, and the property-test strategies that vary them. Tests of the raw
//! crate, the client, the workspace and the benchmark all read the corpus through here, so
//! it lives in one place.
//!
//! ```
//! let server = elevenlabs_mcp_corpus::json("mcp_server.full.json");
//! assert!(server["id"].is_string());
//! assert!(elevenlabs_mcp_corpus::all().len() >= 10);
//! ```

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;

/// A full `McpServer` answer: every field set. The benchmark builds its bodies from it.
pub const SERVER_TEMPLATE: &str = include_str!("../corpus/mcp_server.full.json");

/// The directory of the corpus files.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// One corpus body, as text.
///
/// # Panics
///
/// When no such file is in the corpus (a test's mistake).
pub fn text(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("corpus {name}: {e}"))
}

/// One corpus body, as JSON.
///
/// # Panics
///
/// When no such file is in the corpus, or it is not JSON.
pub fn json(name: &str) -> Value {
    serde_json::from_str(&text(name)).unwrap_or_else(|e| panic!("corpus {name}: {e}"))
}

/// Every corpus body, as `(file name, text)`, in name order.
///
/// # Panics
///
/// When the corpus directory cannot be read.
pub fn all() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap_or_else(|e| panic!("corpus directory: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let body =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, body)
        })
        .collect()
}

/// Arbitrary JSON nested a few levels: scalars, the API's own enum values and key names.
pub fn arbitrary_json() -> impl Strategy<Value = Value> {
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

/// Replaces the value at a pseudo-random place in `node` (chosen by `choice`) with `with`.
pub fn graft(node: &mut Value, choice: usize, with: Value) {
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
