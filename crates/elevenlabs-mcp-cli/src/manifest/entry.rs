//! A server entry of the manifest, defined once. The reader checks a file against
//! [`schema`], `pull` writes [`Server::to_manifest`], `manifest schema` publishes
//! [`schema`], and `plan` compares a [`Server`] read from the file with a [`Server`] read
//! from the workspace ([`Server::of`]); `apply` sends tool configs through [`wire`].
//!
//! An entry is the server's configuration fields, by the API's wire names, plus two keys of
//! the manifest's own in place of the API's lists: [`APPROVALS`] for
//! `tool_approval_hashes` and [`TOOL_CONFIGS`] for `tool_config_overrides`. In both, a
//! tool is named by [`TOOL`] where the API says `tool_name`: this module is the one place
//! that renaming is stated.

use std::collections::BTreeMap;

use elevenlabs_mcp::{
    McpServer, McpServerConfig, ToolApproval, ToolApprovalPolicy, ToolConfigOverride,
};
use serde_json::{Map, Value, json};

use super::schema::{self, of};

/// The manifest's list of approved tools.
pub const APPROVALS: &str = "tool_approvals";
/// The manifest's list of per-tool overrides.
pub const TOOL_CONFIGS: &str = "tool_configs";
/// The key naming a tool in an approval or a tool config.
pub const TOOL: &str = "tool";
/// The key of an approval's policy.
pub const POLICY: &str = "policy";
/// The API's name for [`TOOL`].
const WIRE_TOOL: &str = "tool_name";
/// The configuration's lists that the manifest writes as [`APPROVALS`] and [`TOOL_CONFIGS`].
pub const MANAGED: [&str; 2] = ["tool_approval_hashes", "tool_config_overrides"];

/// A server in the manifest's terms: what a manifest asks for, or what the workspace has.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Server {
    /// Its name: how it is matched with the workspace's servers.
    pub name: String,
    /// The configuration fields, by wire name (without the [`MANAGED`] lists).
    pub fields: Map<String, Value>,
    /// Tool name -> approval policy (`None`: the service's default).
    pub approvals: BTreeMap<String, Option<String>>,
    /// Tool name -> the override's fields, by wire name (without the tool's name).
    pub tool_configs: BTreeMap<String, Map<String, Value>>,
}

impl Server {
    /// A server as the API returned it. A secret stored in place is written (and compared)
    /// by its id, never its value.
    pub fn of(server: &McpServer) -> Self {
        let mut fields = match serde_json::to_value(&server.config) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        fields.retain(|_, v| !v.is_null());
        if let Some(token) = fields.get_mut("secret_token")
            && token.get("encrypted_value").is_some()
        {
            *token = json!({"secret_id": token["id"].clone()});
        }
        for managed in MANAGED {
            fields.remove(managed);
        }
        let approvals = server
            .config
            .tool_approval_hashes
            .iter()
            .flatten()
            .map(|a| {
                (
                    a.tool_name.clone(),
                    a.approval_policy.as_ref().map(ToString::to_string),
                )
            })
            .collect();
        let tool_configs = server
            .config
            .tool_config_overrides
            .iter()
            .flatten()
            .map(|o| (o.tool_name.clone(), tool_config_fields(o)))
            .collect();
        Self {
            name: server.config.name.clone(),
            fields,
            approvals,
            tool_configs,
        }
    }

    /// The entry as a manifest writes it: fields equal to the service's default left out
    /// (the manifest means the same without them), `name`, `url` and `transport` first.
    pub fn to_manifest(&self) -> serde_norway::Value {
        let config_defaults = McpServerConfig::service_defaults();
        let override_defaults = ToolConfigOverride::service_defaults();
        let approval_default = ToolApproval::service_defaults()
            .get("approval_policy")
            .cloned();
        let mut fields = without_defaults(self.fields.clone(), &config_defaults);
        if !self.approvals.is_empty() {
            let approvals = self.approvals.iter().map(|(tool, policy)| {
                let mut entry = Map::new();
                entry.insert(TOOL.into(), Value::String(tool.clone()));
                if let Some(p) = policy
                    .clone()
                    .map(Value::String)
                    .filter(|p| Some(p) != approval_default.as_ref())
                {
                    entry.insert(POLICY.into(), p);
                }
                Value::Object(entry)
            });
            fields.insert(APPROVALS.into(), Value::Array(approvals.collect()));
        }
        if !self.tool_configs.is_empty() {
            let configs = self.tool_configs.iter().map(|(tool, config)| {
                let mut entry = Map::new();
                entry.insert(TOOL.into(), Value::String(tool.clone()));
                entry.extend(without_defaults(config.clone(), &override_defaults));
                Value::Object(entry)
            });
            fields.insert(TOOL_CONFIGS.into(), Value::Array(configs.collect()));
        }
        serde_norway::Value::Mapping(ordered(fields, &["name", "url", "transport"]))
    }
}

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

/// A tool config as the API returned it, in the manifest's terms: its set fields, without
/// the tool's name (the entry keys its tool configs by it).
pub fn tool_config_fields(config: &ToolConfigOverride) -> Map<String, Value> {
    let mut fields = match serde_json::to_value(config) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    fields.remove(WIRE_TOOL);
    fields.retain(|_, v| !v.is_null());
    fields
}

/// A tool config's fields as the API takes them: the tool named as the API names it.
pub fn wire(tool: Value, fields: &Map<String, Value>) -> Map<String, Value> {
    let mut wire = fields.clone();
    wire.insert(WIRE_TOOL.into(), tool);
    wire
}

/// A field path of the API's tool config (`tool_name`) as the manifest spells it (`tool`).
pub fn manifest_path(wire_path: &str) -> String {
    match wire_path.strip_prefix(WIRE_TOOL) {
        Some(rest) if rest.is_empty() || rest.starts_with(['.', '[']) => format!("{TOOL}{rest}"),
        _ => wire_path.to_owned(),
    }
}

/// The JSON Schema of one entry, with the `$defs` it refers to: the server configuration
/// without the [`MANAGED`] lists, plus [`APPROVALS`] and [`TOOL_CONFIGS`]; unknown keys are
/// refused, as the reader refuses them.
pub fn schema() -> (Value, Map<String, Value>) {
    let mut config = of::<McpServerConfig>();
    let override_schema = of::<ToolConfigOverride>();
    let mut defs = Map::new();
    for schema in [&config, &override_schema] {
        if let Some(d) = schema.get("$defs").and_then(Value::as_object) {
            defs.extend(d.clone());
        }
    }
    defs.insert(
        "ToolApprovalPolicy".into(),
        schema::strip_meta(of::<ToolApprovalPolicy>()),
    );

    let mut server = schema::strip_meta(config.take());
    if let Some(props) = server.get_mut("properties").and_then(Value::as_object_mut) {
        for managed in MANAGED {
            props.remove(managed);
        }
        props.insert(
            APPROVALS.into(),
            json!({
                "description": "Tools approved on this server (for `require_approval_per_tool`), by name, as the server lists them.",
                "type": "array",
                "items": {
                    "type": "object",
                    "required": [TOOL],
                    "additionalProperties": false,
                    "properties": {
                        TOOL: {"type": "string", "description": "The tool's name."},
                        POLICY: {"$ref": "#/$defs/ToolApprovalPolicy"}
                    }
                }
            }),
        );
        let mut item = schema::strip_meta(override_schema);
        if let Some(p) = item.get_mut("properties").and_then(Value::as_object_mut)
            && let Some(name) = p.remove(WIRE_TOOL)
        {
            p.insert(TOOL.into(), name);
        }
        if let Some(required) = item.get_mut("required").and_then(Value::as_array_mut) {
            for r in required.iter_mut() {
                if r == WIRE_TOOL {
                    *r = json!(TOOL);
                }
            }
        }
        item["additionalProperties"] = json!(false);
        props.insert(
            TOOL_CONFIGS.into(),
            json!({
                "description": "Per-tool overrides of the server's settings, by tool name.",
                "type": "array",
                "items": item
            }),
        );
    }
    server["additionalProperties"] = json!(false);
    (server, defs)
}

/// The keys an entry takes, and the keys a tool config of it takes, from [`schema`].
pub fn keys() -> (Vec<String>, Vec<String>) {
    // Every manifest read asks; the schema is the same for the life of the process.
    static KEYS: std::sync::LazyLock<(Vec<String>, Vec<String>)> = std::sync::LazyLock::new(|| {
        let (server, _) = schema();
        let entry = schema::properties(&server);
        let tool_config = schema::properties(&server["properties"][TOOL_CONFIGS]["items"]);
        (entry, tool_config)
    });
    KEYS.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tool_is_renamed_in_paths_and_only_there() {
        assert_eq!(manifest_path("tool_name"), "tool");
        assert_eq!(manifest_path("tool_name.x"), "tool.x");
        assert_eq!(manifest_path("tool_names"), "tool_names");
        assert_eq!(
            manifest_path("response_timeout_secs"),
            "response_timeout_secs"
        );
    }

    #[test]
    fn the_reader_and_the_schema_take_the_same_keys() {
        let (entry, tool_config) = keys();
        assert!(entry.contains(&APPROVALS.to_owned()) && entry.contains(&TOOL_CONFIGS.to_owned()));
        assert!(!entry.iter().any(|k| MANAGED.contains(&k.as_str())));
        assert!(tool_config.contains(&TOOL.to_owned()));
        assert!(!tool_config.contains(&WIRE_TOOL.to_owned()));
    }
}
