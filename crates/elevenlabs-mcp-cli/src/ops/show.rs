//! How each derived command shows its answer: `--json` prints the API's own JSON; tables
//! and key–value lists are for people.

use elevenlabs_mcp::{McpServer, ToolList};
use serde_json::{Value, json};

use super::args::Context;
use crate::output::{Out, Style};

/// The presentation of an operation's answer.
#[derive(Debug, Clone, Copy)]
pub enum Show {
    /// A list of servers, one row each.
    ServerList,
    /// One server, one row.
    Server,
    /// One server, every field.
    ServerDetail,
    /// A server was deleted.
    ServerDeleted,
    /// A tool's override, from the server the API answered with.
    ToolConfigOf,
    /// A tool's override, as answered.
    ToolConfig,
    /// A tool's override was deleted.
    ToolConfigDeleted,
    /// The tools a server lists.
    Tools,
}

const SERVER_HEADER: [&str; 5] = ["ID", "NAME", "URL", "TRANSPORT", "APPROVAL POLICY"];

/// A server's row: the fields people scan for.
pub fn server_row(s: &McpServer) -> Vec<String> {
    let text = |v: Value| match v {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let config = serde_json::to_value(&s.config).unwrap_or_default();
    vec![
        s.id.clone(),
        s.config.name.clone(),
        text(config["url"].clone()),
        text(config["transport"].clone()),
        text(config["approval_policy"].clone()),
    ]
}

/// One server as a table of one row.
pub fn server_table(server: &McpServer, out: Out) -> String {
    out.table(&SERVER_HEADER, &[server_row(server)])
}

/// An object's fields, one per line, nulls left out; nested values as indented YAML.
fn fields(value: &Value, style: Style) -> String {
    let mut out = String::new();
    for (k, v) in value
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| !v.is_null())
    {
        let key = style.bold(&crate::scan::chars::visible(k, 120));
        match v {
            Value::Object(_) | Value::Array(_) => {
                let yaml = serde_norway::to_string(v).unwrap_or_else(|_| v.to_string());
                out.push_str(&format!("{key}:\n"));
                for line in yaml.lines() {
                    out.push_str(&format!(
                        "  {}\n",
                        crate::scan::chars::visible(line, usize::MAX)
                    ));
                }
            }
            Value::String(s) => out.push_str(&format!(
                "{key}  {}\n",
                crate::scan::chars::visible(s, usize::MAX)
            )),
            other => out.push_str(&format!("{key}  {other}\n")),
        }
    }
    out
}

/// The top-level fields that differ between `before` and `after`, one line each:
/// `changed: field: old → new` (what a write did, as the service answered it).
fn changed(before: &Value, after: &Value, style: Style) -> String {
    let empty = serde_json::Map::new();
    let (b, a) = (
        before.as_object().unwrap_or(&empty),
        after.as_object().unwrap_or(&empty),
    );
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let show = |v: Option<&Value>| match v {
        None | Some(Value::Null) => "(none)".to_owned(),
        Some(Value::String(s)) => crate::scan::chars::visible(s, 120),
        Some(other) => crate::scan::chars::visible(&other.to_string(), 120),
    };
    let mut out = String::new();
    for key in keys {
        let (x, y) = (b.get(key), a.get(key));
        if x.filter(|v| !v.is_null()) != y.filter(|v| !v.is_null()) {
            out.push_str(&style.yellow(&format!(
                "changed: {}: {} → {}\n",
                crate::scan::chars::visible(key, 120),
                show(x),
                show(y)
            )));
        }
    }
    out
}

fn decode<T: serde::de::DeserializeOwned>(answer: &Value) -> Result<T, String> {
    serde_json::from_value(answer.clone()).map_err(|e| format!("the answer did not decode: {e}"))
}

impl Show {
    /// Prints `answer`: as data with `--output json|yaml`, for people otherwise.
    ///
    /// # Errors
    ///
    /// The answer is not the shape this presentation reads, or the service could not list
    /// a server's tools.
    pub fn print(self, answer: &Value, context: &Context, out: Out) -> Result<(), String> {
        let style = out.style;
        let server_name = || {
            context
                .server
                .as_ref()
                .map(|s| s.config.name.clone())
                .unwrap_or_default()
        };
        let deleted = || {
            json!({
                "deleted": {
                    "server": context.server.as_ref().map(|s| json!({"id": s.id, "name": s.config.name})),
                    "tool": context.tool,
                }
            })
        };
        if out.machine().is_some() {
            // A delete answers with nothing much: say what was deleted.
            let data = match self {
                Self::ServerDeleted | Self::ToolConfigDeleted => deleted(),
                _ => answer.clone(),
            };
            out.data(&data);
            return Ok(());
        }
        match self {
            Self::ServerList => {
                let list: Vec<McpServer> = decode(&answer["mcp_servers"])?;
                let rows: Vec<Vec<String>> = list.iter().map(server_row).collect();
                print!("{}", out.table(&SERVER_HEADER, &rows));
            }
            Self::Server => {
                print!(
                    "{}",
                    out.table(&SERVER_HEADER, &[server_row(&decode(answer)?)])
                );
                if let Some(before) = &context.server {
                    let before = serde_json::to_value(&before.config).unwrap_or_default();
                    print!("{}", changed(&before, &answer["config"], style));
                }
            }
            Self::ServerDetail => {
                println!(
                    "{}  {}",
                    style.bold("id"),
                    crate::scan::chars::visible(answer["id"].as_str().unwrap_or(""), 120)
                );
                print!("{}", fields(&answer["config"], style));
            }
            Self::ServerDeleted => {
                if let Some(server) = &context.server {
                    println!(
                        "deleted {} ({})",
                        server.id,
                        crate::scan::chars::visible(&server.config.name, 120)
                    );
                }
            }
            Self::ToolConfigOf => {
                let tool = context.tool.as_deref().unwrap_or_default();
                let entry = answer["config"]["tool_config_overrides"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|o| o["tool_name"] == tool);
                if let Some(entry) = entry {
                    print!("{}", fields(entry, style));
                }
                // An update says what it changed; the server read before it has the old.
                let before = context.server.as_ref().and_then(|s| {
                    s.config
                        .tool_config_overrides
                        .iter()
                        .flatten()
                        .find(|o| o.tool_name == tool)
                });
                if let (Some(before), Some(after)) = (before, entry) {
                    let before = serde_json::to_value(before).unwrap_or_default();
                    print!("{}", changed(&before, after, style));
                }
            }
            Self::ToolConfig => print!("{}", fields(answer, style)),
            Self::ToolConfigDeleted => println!(
                "deleted the config of {} on {}",
                crate::scan::chars::visible(context.tool.as_deref().unwrap_or_default(), 120),
                crate::scan::chars::visible(&server_name(), 120)
            ),
            Self::Tools => {
                let list: ToolList = decode(answer)?;
                if !list.success {
                    return Err(format!(
                        "the service could not list the tools of {}: {}",
                        server_name(),
                        list.error_message.unwrap_or_default()
                    ));
                }
                let rows = tool_rows(context.server.as_ref(), &list.tools);
                print!(
                    "{}",
                    out.table(&["TOOL", "APPROVAL", "DEFINITION", "DESCRIPTION"], &rows)
                );
            }
        }
        Ok(())
    }
}

/// One row per tool: its approval on the server (the policy, or `-`), and whether its
/// definition is still the one the lock file pinned. The service does not publish how it
/// hashes an approved definition, so the lock (`tools pin`) is what a change is seen
/// against: `as pinned`, `CHANGED since pinned`, or `not pinned`.
fn tool_rows(server: Option<&McpServer>, tools: &[elevenlabs_mcp::Tool]) -> Vec<Vec<String>> {
    let lock = match crate::audit::read_lock(std::path::Path::new(crate::audit::DEFAULT_LOCK)) {
        Ok(lock) => Some(lock),
        Err(e) => {
            eprintln!("warning: {e}; tool definitions are shown as not pinned");
            None
        }
    };
    let pinned = server.and_then(|s| lock.as_ref()?.servers.get(&s.config.name));
    let approvals: Vec<&elevenlabs_mcp::ToolApprovalHash> = server
        .and_then(|s| s.config.tool_approval_hashes.as_ref())
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    tools
        .iter()
        .map(|t| {
            let approval = approvals
                .iter()
                .find(|a| a.tool_name == t.name)
                .map_or_else(
                    || "-".to_owned(),
                    |a| {
                        a.approval_policy
                            .as_ref()
                            .map_or_else(|| "approved".to_owned(), ToString::to_string)
                    },
                );
            let definition = match pinned.and_then(|p| p.tools.get(&t.name)) {
                Some(pin) if pin.sha256 == crate::audit::pin(t).sha256 => "as pinned",
                Some(_) => "CHANGED since pinned",
                None => "not pinned",
            };
            vec![
                t.name.clone(),
                approval,
                definition.to_owned(),
                t.description.clone().unwrap_or_default(),
            ]
        })
        .collect()
}
