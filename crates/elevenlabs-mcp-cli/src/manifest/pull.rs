//! The workspace written as a manifest: what `plan` then reports as no change.
//!
//! Fields equal to the service's default are left out (the manifest means the same
//! without them); secrets appear by id, never by value.

use elevenlabs_mcp::McpServer;

use super::entry::Server;

/// The file the schema line points at, written beside a pulled manifest.
pub const SCHEMA_FILE: &str = "elevenlabs-mcp.schema.json";

/// The names `servers` has more than once, each with what to do about it.
pub fn duplicates(servers: &[McpServer]) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for server in servers {
        let name = server.config.name.as_str();
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let ids: Vec<&str> = servers
            .iter()
            .filter(|s| s.config.name == name)
            .map(|s| s.id.as_str())
            .collect();
        if ids.len() > 1 {
            out.push(super::plan::duplicate(name, &ids));
        }
    }
    out
}

/// The manifest of `servers`, as YAML, headed by the editor's schema line.
pub fn manifest_yaml(servers: &[McpServer]) -> String {
    let list = servers
        .iter()
        .map(|s| Server::of(s).to_manifest())
        .collect();
    let mut root = serde_norway::Mapping::new();
    root.insert("servers".into(), serde_norway::Value::Sequence(list));
    let body = serde_norway::to_string(&root).unwrap_or_default();
    format!("# yaml-language-server: $schema={SCHEMA_FILE}\n{body}")
}
