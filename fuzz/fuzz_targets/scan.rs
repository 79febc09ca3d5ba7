//! The scanner on arbitrary tool definitions: any JSON a server could list (a tool, a
//! `tools/list` page, a `{server: [tools]}` map), and generated tools whose every string
//! (name, title, description, property names and descriptions, enums, defaults) is any
//! Unicode mixed with the characters and phrases the rules weigh.
//!
//! What must hold: no panic; every finding names its server and tool, points (a JSON
//! pointer) at a place that exists in the tool, and shows its evidence with no hidden
//! character left in it, at a length a report can show.

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use mcp_tool_scan::{chars, scan_tools};
use serde_json::Value;

/// The longest evidence a finding may carry, in characters.
const MAX_EVIDENCE: usize = 2_000;

fn check(server: &str, tools: &[Value]) {
    for finding in scan_tools(server, tools) {
        assert_eq!(finding.server, server);
        // Two tools may share a name: the finding belongs to one of them.
        let mut named = tools
            .iter()
            .filter(|t| t.get("name").and_then(Value::as_str).unwrap_or("") == finding.tool)
            .peekable();
        assert!(
            named.peek().is_some(),
            "finding for a tool not scanned: {finding:?}"
        );
        assert!(
            named.any(|t| t.pointer(&finding.pointer).is_some()),
            "{} points nowhere in the tool",
            finding.pointer
        );
        let shown = finding.evidence.chars().count();
        assert!(shown <= MAX_EVIDENCE, "evidence of {shown} characters");
        if let Some(c) = finding
            .evidence
            .chars()
            .find(|&c| chars::hidden(c).is_some() || c.is_control())
        {
            panic!(
                "evidence shows U+{:04X} as it is: {:?}",
                c as u32, finding.evidence
            );
        }
        let _ = finding.describe();
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        match serde_json::from_slice::<Value>(rest) {
            Ok(Value::Array(tools)) => check("S", &tools),
            Ok(Value::Object(map)) if map.contains_key("tools") => {
                if let Some(tools) = map["tools"].as_array() {
                    check("S", tools);
                }
            }
            Ok(Value::Object(map)) if map.contains_key("name") => check("S", &[Value::Object(map)]),
            Ok(Value::Object(servers)) => {
                for (server, tools) in servers {
                    if let Some(tools) = tools.as_array() {
                        check(&server, tools);
                    }
                }
            }
            _ => {}
        }
        return;
    }
    let mut u = Unstructured::new(rest);
    let mut tools = Vec::new();
    for _ in 0..u.int_in_range(1..=4).unwrap_or(1) {
        match elevenlabs_mcp_fuzz::tool(&mut u) {
            Ok(tool) => tools.push(tool),
            Err(_) => break,
        }
    }
    check("S", &tools);
});
