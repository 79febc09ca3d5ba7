//! The workspace written as a manifest: what `plan` then reports as no change.
//!
//! Fields equal to the service's default are left out (the manifest means the same
//! without them); secrets appear by id, never by value.

use elevenlabs_mcp::{McpServer, McpServerConfig, ToolApproval, ToolConfigOverride};
use serde_json::{Map, Value};

use super::plan::Actual;

/// The file the schema line points at, written beside a pulled manifest.
pub const SCHEMA_FILE: &str = "elevenlabs-mcp.schema.json";

fn without_defaults(
    mut fields: Map<String, Value>,
    defaults: &Map<String, Value>,
) -> Map<String, Value> {
    fields.retain(|k, v| defaults.get(k) != Some(v));
    fields
}

/// One YAML mapping with `first` keys first, in order, then the rest as they come.
fn ordered(fields: Map<String, Value>, first: &[&str]) -> serde_norway::Mapping {
    let mut out = serde_norway::Mapping::new();
    let mut rest = fields;
    for key in first {
        if let Some(v) = rest.remove(*key) {
            out.insert((*key).into(), serde_norway::to_value(v).unwrap_or_default());
        }
    }
    for (k, v) in rest {
        out.insert(k.into(), serde_norway::to_value(v).unwrap_or_default());
    }
    out
}

/// The manifest of `servers`, as YAML, headed by the editor's schema line.
pub fn manifest_yaml(servers: &[McpServer]) -> String {
    let config_defaults = McpServerConfig::service_defaults();
    let override_defaults = ToolConfigOverride::service_defaults();
    let approval_default = ToolApproval::service_defaults()
        .get("approval_policy")
        .cloned();
    let mut list = Vec::new();
    for server in servers {
        let actual = Actual::of(server);
        let mut fields = without_defaults(actual.fields, &config_defaults);
        if !actual.approvals.is_empty() {
            let approvals: Vec<Value> = actual
                .approvals
                .iter()
                .map(|(tool, policy)| {
                    let mut entry = Map::new();
                    entry.insert("tool".into(), Value::String(tool.clone()));
                    if let Some(p) = policy
                        .clone()
                        .map(Value::String)
                        .filter(|p| Some(p) != approval_default.as_ref())
                    {
                        entry.insert("policy".into(), p);
                    }
                    Value::Object(entry)
                })
                .collect();
            fields.insert("tool_approvals".into(), Value::Array(approvals));
        }
        if !actual.tool_configs.is_empty() {
            let configs: Vec<Value> = actual
                .tool_configs
                .into_iter()
                .map(|(tool, fields)| {
                    let mut entry = Map::new();
                    entry.insert("tool".into(), Value::String(tool));
                    entry.extend(without_defaults(fields, &override_defaults));
                    Value::Object(entry)
                })
                .collect();
            fields.insert("tool_configs".into(), Value::Array(configs));
        }
        list.push(serde_norway::Value::Mapping(ordered(
            fields,
            &["name", "url", "transport"],
        )));
    }
    let mut root = serde_norway::Mapping::new();
    root.insert("servers".into(), serde_norway::Value::Sequence(list));
    let body = serde_norway::to_string(&root).unwrap_or_default();
    format!("# yaml-language-server: $schema={SCHEMA_FILE}\n{body}")
}
