//! The canned response bodies: one realistic server (the corpus's fullest record) for `get`,
//! and a workspace of many such servers for `list`. Both the server process and the measuring
//! process make them the same way, so the sizes reported match the bytes served.
//!
//! The records keep the corpus file's key order, which follows the vendor's OpenAPI: the
//! service writes a tagged union's tag first for input overrides and parameter evaluations,
//! and fourth for dependent agents. Key order matters to the decode (a tag that comes first
//! lets a union skip buffering), so the decode rows also measure the same workspace with its
//! keys sorted, as the emulator and `serde_json::Value` write them.

use anyhow::{Result, ensure};
use bytes::Bytes;
use serde_json::Value;

/// The record every canned server is made from: every field of the API filled in.
const TEMPLATE: &str = elevenlabs_mcp_corpus::SERVER_TEMPLATE;
/// The template's id and name, replaced in each record so that no two are equal.
const TEMPLATE_ID: &str = "\"mcp_01\"";
const TEMPLATE_NAME: &str = "\"Docs search\"";

/// The id `get` asks for.
pub const SERVER_ID: &str = "mcp_bench_000000";

/// The bodies the loopback server answers with.
#[derive(Debug, Clone)]
pub struct Bodies {
    /// `GET /v1/convai/mcp-servers/{id}`.
    pub server: Bytes,
    /// `GET /v1/convai/mcp-servers`.
    pub list: Bytes,
    /// The same workspace with every object's keys sorted.
    pub list_sorted: Bytes,
}

impl Bodies {
    /// Bodies for a workspace of `servers` servers.
    pub fn new(servers: usize) -> Result<Self> {
        let template = compact(TEMPLATE);
        ensure!(
            template.matches(TEMPLATE_ID).count() == 1
                && template.matches(TEMPLATE_NAME).count() == 1,
            "the corpus record should name its id and name once each"
        );
        let records: Vec<String> = (0..servers).map(|i| server(&template, i)).collect();
        let list = format!(r#"{{"mcp_servers":[{}]}}"#, records.join(","));
        let sorted = serde_json::to_vec(&serde_json::from_str::<Value>(&list)?)?;
        Ok(Self {
            server: server(&template, 0).into_bytes().into(),
            list: list.into_bytes().into(),
            list_sorted: sorted.into(),
        })
    }
}

/// Server number `i`: the template with its own id and name.
fn server(template: &str, i: usize) -> String {
    template
        .replacen(TEMPLATE_ID, &format!("\"mcp_bench_{i:06}\""), 1)
        .replacen(TEMPLATE_NAME, &format!("\"Bench server {i}\""), 1)
}

/// `json` without the whitespace between its tokens, as the service sends it.
fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bodies_hold_the_record_in_its_order_and_sorted() {
        let bodies = Bodies::new(3).expect("bodies");
        let list: Value = serde_json::from_slice(&bodies.list).expect("JSON");
        let sorted: Value = serde_json::from_slice(&bodies.list_sorted).expect("JSON");
        assert_eq!(list, sorted);
        assert_eq!(list["mcp_servers"][2]["id"], "mcp_bench_000002");
        assert_eq!(list["mcp_servers"][2]["config"]["name"], "Bench server 2");
        let template: Value = serde_json::from_str(TEMPLATE).expect("JSON");
        assert_eq!(
            list["mcp_servers"][0]["access_info"],
            template["access_info"]
        );
        // Order kept: the first input override's tag comes before its value.
        let text = std::str::from_utf8(&bodies.list).expect("UTF-8");
        assert!(
            text.contains(r#"{"source":"constant","constant_value""#),
            "{text}"
        );
        assert!(!bodies.list_sorted.windows(2).any(|w| w == b"\n "));
        // Whitespace inside strings survives.
        assert_eq!(compact(r#"{ "a b" : "c\" d" }"#), r#"{"a b":"c\" d"}"#);
    }
}
