//! `tools scan` and the approval gate: the `mcp-tool-scan` crate's findings for the tools a
//! workspace's servers list, and what they mean for approving a tool here.

pub use mcp_tool_scan::*;

/// A scope holding the names of the tools a server lists.
pub fn scope_of(tools: &[elevenlabs_mcp::Tool]) -> Scope {
    Scope::new(tools.iter().map(|t| t.name.as_str()))
}

/// The findings of `tool`, one of the tools `server` lists, with the tool names of `scope`
/// known to the shadowing rules.
pub fn scan_listed(server: &str, tool: &elevenlabs_mcp::Tool, scope: &Scope) -> Vec<Finding> {
    scan_tool(server, &as_sent(tool), scope)
}

/// A tool as the server sent it (MCP's camelCase keys), which is what the scan reads.
pub fn as_sent(tool: &elevenlabs_mcp::Tool) -> serde_json::Value {
    serde_json::to_value(tool).unwrap_or(serde_json::Value::Null)
}

/// The high-severity findings that keep `tool` from being approved, unless the user named
/// it in `allowed` (`--allow-flagged TOOL`).
pub fn blocking<'a>(tool: &str, findings: &'a [Finding], allowed: &[String]) -> Vec<&'a Finding> {
    if allowed.iter().any(|a| a == tool) {
        return Vec::new();
    }
    findings
        .iter()
        .filter(|f| f.severity == Severity::High)
        .collect()
}

/// Why an approval is refused: the findings, and how to approve the tool anyway.
pub fn refusal(server: &str, tool: &str, findings: &[&Finding]) -> String {
    let mut lines = vec![format!(
        "tool {} of {} has {} high-severity finding(s) and is not approved:",
        chars::visible(tool, 80),
        chars::visible(server, 80),
        findings.len()
    )];
    lines.extend(findings.iter().map(|f| format!("  {}", f.describe())));
    lines.push(format!(
        "read its definition (`elevenlabs-mcp tools scan`); to approve it anyway, pass --allow-flagged {}",
        chars::visible(tool, 80)
    ));
    lines.join("\n")
}
