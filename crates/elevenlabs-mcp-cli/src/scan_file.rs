//! The shapes `tools scan --file` reads: what a host saves from a server's `tools/list`
//! (the result, or the whole JSON-RPC response), a bare array of tools, or a map of server
//! names to either. Every tool must be a JSON object; it is scanned as it is, whatever
//! other fields it has or lacks.

use serde_json::Value;

/// The servers and their tools in `doc`; `name` (the file's) names a server the document
/// does not name.
///
/// # Errors
///
/// The document has none of the shapes, or a tool is not an object: what and where.
pub fn servers(doc: Value, name: &str) -> Result<Vec<(String, Vec<Value>)>, String> {
    if let Some(tools) = listing(&doc, "")? {
        return Ok(vec![(name.to_owned(), tools)]);
    }
    let Value::Object(map) = doc else {
        return Err(SHAPES.into());
    };
    if map.contains_key("jsonrpc") || map.contains_key("error") {
        return Err(format!(
            "a JSON-RPC response without a tools/list result (its error: {})",
            map.get("error").map_or("none".into(), Value::to_string)
        ));
    }
    if map.is_empty() {
        return Err(SHAPES.into());
    }
    let mut out = Vec::new();
    for (server, value) in map {
        match listing(
            &value,
            &format!("/{}", server.replace('~', "~0").replace('/', "~1")),
        )? {
            Some(tools) => out.push((server, tools)),
            None => {
                return Err(format!(
                    "server `{server}` maps to neither an array of tools nor a tools/list result; {SHAPES}"
                ));
            }
        }
    }
    Ok(out)
}

const SHAPES: &str = "expected a tools/list result ({\"tools\": [...]}), the JSON-RPC response \
carrying one, an array of tools, or a map of server names to any of these";

/// The tools of one listing (an array, a result, or a response), or `None` when `value`
/// is none of those; `at` is where `value` is, for errors.
fn listing(value: &Value, at: &str) -> Result<Option<Vec<Value>>, String> {
    let (tools, at) = match value {
        Value::Array(tools) => (tools, at.to_owned()),
        Value::Object(map) => match (map.get("tools"), map.get("result")) {
            (Some(Value::Array(tools)), _) => (tools, format!("{at}/tools")),
            (None, Some(Value::Object(result))) => match result.get("tools") {
                Some(Value::Array(tools)) => (tools, format!("{at}/result/tools")),
                _ => return Ok(None),
            },
            _ => return Ok(None),
        },
        _ => return Ok(None),
    };
    if let Some(i) = tools.iter().position(|t| !t.is_object()) {
        return Err(format!("{at}/{i}: a tool must be a JSON object"));
    }
    Ok(Some(tools.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shape(doc: Value) -> Result<Vec<(String, usize)>, String> {
        servers(doc, "saved.json").map(|s| s.into_iter().map(|(n, t)| (n, t.len())).collect())
    }

    #[test]
    fn every_saved_shape_is_read() {
        let tool = json!({"name": "add"});
        assert_eq!(
            shape(json!([tool, tool])),
            Ok(vec![("saved.json".into(), 2)])
        );
        assert_eq!(
            shape(json!({"tools": [tool]})),
            Ok(vec![("saved.json".into(), 1)])
        );
        assert_eq!(
            shape(
                json!({"jsonrpc": "2.0", "id": 2, "result": {"tools": [tool], "nextCursor": "x"}})
            ),
            Ok(vec![("saved.json".into(), 1)])
        );
        assert_eq!(
            shape(json!({"Docs": [tool], "Tickets": {"tools": [tool, tool]}})),
            Ok(vec![("Docs".into(), 1), ("Tickets".into(), 2)])
        );
        // A tool without inputSchema (which the API's type requires) is still scanned.
        assert_eq!(
            shape(json!([{"description": "x"}])),
            Ok(vec![("saved.json".into(), 1)])
        );
    }

    #[test]
    fn other_shapes_are_refused_with_where() {
        assert!(shape(json!("tools")).is_err_and(|e| e.starts_with("expected")));
        assert!(shape(json!({})).is_err_and(|e| e.starts_with("expected")));
        assert_eq!(
            shape(json!({"Docs": [{"name": "a"}, 3]})),
            Err("/Docs/1: a tool must be a JSON object".into())
        );
        assert_eq!(
            shape(json!({"a/b": {"tools": ["x"]}})),
            Err("/a~1b/tools/0: a tool must be a JSON object".into())
        );
        assert!(
            shape(json!({"jsonrpc": "2.0", "id": 1, "error": {"code": -32601, "message": "no"}}))
                .is_err_and(|e| e.contains("-32601"))
        );
        assert!(shape(json!({"Docs": "x"})).is_err_and(|e| e.contains("server `Docs`")));
    }
}
