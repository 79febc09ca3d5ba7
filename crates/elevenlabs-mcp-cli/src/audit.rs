//! Tool drift: a tool approved today can change its description or input schema tomorrow.
//! `tools pin` records, per server and tool, the SHA-256 of the tool's name, description and
//! input schema (canonical JSON: keys sorted, no spaces) in a lock file; `tools audit` lists
//! the tools again and reports each as unchanged, changed (with what changed), new or
//! removed, and flags tools a per-tool-approval server has not approved. Changed, new and
//! removed tools are drift; an unapproved tool is flagged but is not drift, since leaving a
//! tool unapproved is a choice (each of its calls then asks).

use std::collections::BTreeMap;
use std::path::Path;

use elevenlabs_mcp::{ApprovalPolicy, Client, McpServer, Tool};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::output::Style;

/// The default lock file.
pub const DEFAULT_LOCK: &str = "elevenlabs-mcp.lock";

/// One pinned tool: its hash, and what was hashed, to show what changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pinned {
    pub sha256: String,
    pub description: String,
    pub input_schema: Value,
}

/// The tools pinned for one server.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PinnedServer {
    /// The server's id when pinned (servers are matched by name).
    pub id: String,
    pub tools: BTreeMap<String, Pinned>,
}

/// The lock file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Lock {
    pub version: u32,
    /// By server name.
    pub servers: BTreeMap<String, PinnedServer>,
}

use elevenlabs_mcp::raw::json::canonical;

/// The pin of a tool as listed now.
pub fn pin(tool: &Tool) -> Pinned {
    let description = tool.description.clone().unwrap_or_default();
    let input_schema = Value::Object(tool.input_schema.clone());
    let hashed = serde_json::json!({
        "name": tool.name,
        "description": description,
        "input_schema": input_schema,
    });
    let digest = Sha256::digest(canonical(&hashed).as_bytes());
    Pinned {
        sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        description,
        input_schema,
    }
}

/// Reads the lock file; a missing file is an empty lock.
///
/// # Errors
///
/// The file exists but is not a lock file.
pub fn read_lock(path: &Path) -> Result<Lock, String> {
    match crate::files::read_bounded(path, crate::files::DATA_FILE_LIMIT) {
        Ok(bytes) => parse_lock(&bytes).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lock {
            version: 1,
            ..Lock::default()
        }),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Reads the bytes of a lock file.
///
/// # Errors
///
/// They are not a lock file: serde_json's message, with its line and column.
pub fn parse_lock(bytes: &[u8]) -> Result<Lock, serde_json::Error> {
    serde_json::from_slice(bytes)
}

/// Writes the lock file (pretty, one key per line, for review).
///
/// # Errors
///
/// The file cannot be written.
pub fn write_lock(path: &Path, lock: &Lock) -> Result<(), String> {
    let text = serde_json::to_string_pretty(lock).map_err(|e| e.to_string())?;
    std::fs::write(path, format!("{text}\n")).map_err(|e| format!("{}: {e}", path.display()))
}

/// The tools a server lists now.
///
/// # Errors
///
/// The call fails, or the service could not reach the MCP server.
pub async fn listed(client: &Client, server: &McpServer) -> Result<Vec<Tool>, String> {
    let list = client
        .mcp_servers()
        .tools(&server.id)
        .list()
        .await
        .map_err(|e| format!("{}: {e}", server.config.name))?;
    if !list.success {
        return Err(format!(
            "{}: the service could not list its tools: {}",
            server.config.name,
            list.error_message.unwrap_or_default()
        ));
    }
    Ok(list.tools)
}

/// Paths (`properties.q.type`) whose values differ between two JSON values.
fn changed_paths(old: &Value, new: &Value, path: &str, out: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => changed_paths(x, y, &child, out),
                    (None, Some(_)) => out.push(format!("+{child}")),
                    (Some(_), None) => out.push(format!("-{child}")),
                    (None, None) => {}
                }
            }
        }
        (a, b) if a != b => out.push(format!("~{}", if path.is_empty() { "." } else { path })),
        _ => {}
    }
}

/// The names of the tools approved on `server`.
pub fn approved(server: &McpServer) -> Vec<&str> {
    server
        .config
        .tool_approval_hashes
        .iter()
        .flatten()
        .map(|a| a.tool_name.as_str())
        .collect()
}

/// What the audit found for one tool, for machine output.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub server: String,
    /// `None` for a server that is not pinned at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// `unchanged`, `changed`, `new`, `removed` or `not_pinned`.
    pub state: &'static str,
    /// For a changed tool: what changed (`description`, schema paths such as `~properties.q.type`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    /// Listed by a per-tool-approval server that has not approved it (a flag, not drift).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unapproved: bool,
}

/// What the audit found for one server.
#[derive(Debug, Default)]
pub struct Report {
    pub lines: Vec<String>,
    pub verdicts: Vec<Verdict>,
    pub drifted: bool,
}

/// Compares one server's tools now with its pins.
pub fn audit_server(
    style: Style,
    server: &McpServer,
    pins: Option<&PinnedServer>,
    tools: &[Tool],
) -> Report {
    let mut report = Report::default();
    let name = &server.config.name;
    let Some(pins) = pins else {
        report.drifted = true;
        report.lines.push(style.yellow(&format!(
            "{name}: not pinned (run `elevenlabs-mcp tools pin {name:?}`)"
        )));
        report.verdicts.push(Verdict {
            server: name.clone(),
            tool: None,
            state: "not_pinned",
            changes: Vec::new(),
            unapproved: false,
        });
        return report;
    };
    let per_tool = server.config.approval_policy == Some(ApprovalPolicy::RequireApprovalPerTool);
    let approved = approved(server);
    for tool in tools {
        let now = pin(tool);
        let mut state = "unchanged";
        let mut changes = Vec::new();
        let mut line = match pins.tools.get(&tool.name) {
            Some(was) if was.sha256 == now.sha256 => format!("{name}: {} unchanged", tool.name),
            Some(was) => {
                report.drifted = true;
                let mut what = Vec::new();
                state = "changed";
                if was.description != now.description {
                    changes.push("description".to_owned());
                    what.push(format!(
                        "description {:?} → {:?}",
                        was.description, now.description
                    ));
                }
                let mut paths = Vec::new();
                changed_paths(&was.input_schema, &now.input_schema, "", &mut paths);
                if !paths.is_empty() {
                    what.push(format!("input schema {}", paths.join(", ")));
                    changes.extend(paths.iter().map(|p| format!("input_schema {p}")));
                }
                style.red(&format!(
                    "{name}: {} CHANGED: {}",
                    tool.name,
                    what.join("; ")
                ))
            }
            None => {
                report.drifted = true;
                state = "new";
                style.yellow(&format!("{name}: {} NEW", tool.name))
            }
        };
        // Flagged, not drift: leaving a tool unapproved is a choice (each call then asks).
        let unapproved = per_tool && !approved.contains(&tool.name.as_str());
        if unapproved {
            line.push_str(&style.yellow(" (not approved on this per-tool-approval server)"));
        }
        report.lines.push(line);
        report.verdicts.push(Verdict {
            server: name.clone(),
            tool: Some(tool.name.clone()),
            state,
            changes,
            unapproved,
        });
    }
    for gone in pins
        .tools
        .keys()
        .filter(|k| !tools.iter().any(|t| &t.name == *k))
    {
        report.drifted = true;
        report
            .lines
            .push(style.yellow(&format!("{name}: {gone} REMOVED")));
        report.verdicts.push(Verdict {
            server: name.clone(),
            tool: Some(gone.clone()),
            state: "removed",
            changes: Vec::new(),
            unapproved: false,
        });
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `lock_file` fuzz target: a number in a pinned schema read back one unit
    /// in the last place off (2.111111111111111e50 became 2.1111111111111114e50), so a lock
    /// written and read changed.
    #[test]
    fn a_lock_read_and_written_keeps_its_numbers() {
        let text = r#"{"version": 1, "servers": {"Docs": {"id": "mcp_1", "tools": {"search": {
            "sha256": "9cf", "description": "d",
            "input_schema": {"maximum": 2.111111111111111e+50, "minimum": 0.1, "multipleOf": 5e-324}}}}}}"#;
        let lock = parse_lock(text.as_bytes()).expect("a lock");
        let written = serde_json::to_string_pretty(&lock).expect("writes");
        let again = parse_lock(written.as_bytes()).expect("reads back");
        assert_eq!(
            serde_json::to_string_pretty(&again).expect("writes"),
            written
        );
        let schema = &again.servers["Docs"].tools["search"].input_schema;
        assert_eq!(schema["maximum"].as_f64(), Some(2.111111111111111e50));
    }

    #[test]
    fn schema_changes_are_named_by_path() {
        let mut out = Vec::new();
        changed_paths(
            &serde_json::json!({"properties": {"q": {"type": "string"}}}),
            &serde_json::json!({"properties": {"q": {"type": "integer"}, "r": {}}}),
            "",
            &mut out,
        );
        assert_eq!(out, ["~properties.q.type", "+properties.r"]);
    }
}
