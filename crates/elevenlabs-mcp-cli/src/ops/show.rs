//! How each derived command shows its answer: `--json` prints the API's own JSON; tables
//! and key–value lists are for people.

use elevenlabs_mcp::{McpServer, ToolList};
use serde_json::Value;

use super::args::Context;
use crate::output::{self, Style};

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
pub fn server_table(server: &McpServer, style: Style) -> String {
    output::table(style, &SERVER_HEADER, &[server_row(server)])
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

fn decode<T: serde::de::DeserializeOwned>(answer: &Value) -> Result<T, String> {
    serde_json::from_value(answer.clone()).map_err(|e| format!("the answer did not decode: {e}"))
}

impl Show {
    /// Prints `answer`.
    ///
    /// # Errors
    ///
    /// The answer is not the shape this presentation reads, or the service could not list
    /// a server's tools.
    pub fn print(
        self,
        answer: &Value,
        context: &Context,
        json: bool,
        style: Style,
    ) -> Result<(), String> {
        let server_name = || {
            context
                .server
                .as_ref()
                .map(|s| s.config.name.clone())
                .unwrap_or_default()
        };
        if json {
            println!("{}", output::json(answer));
            return Ok(());
        }
        match self {
            Self::ServerList => {
                let list: Vec<McpServer> = decode(&answer["mcp_servers"])?;
                let rows: Vec<Vec<String>> = list.iter().map(server_row).collect();
                print!("{}", output::table(style, &SERVER_HEADER, &rows));
            }
            Self::Server => print!("{}", server_table(&decode(answer)?, style)),
            Self::ServerDetail => {
                println!(
                    "{}  {}",
                    style.bold("id"),
                    answer["id"].as_str().unwrap_or("")
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
                let approved = context
                    .server
                    .as_ref()
                    .map(crate::audit::approved)
                    .unwrap_or_default();
                let rows: Vec<Vec<String>> = list
                    .tools
                    .iter()
                    .map(|t| {
                        vec![
                            t.name.clone(),
                            if approved.contains(&t.name.as_str()) {
                                "yes"
                            } else {
                                "no"
                            }
                            .to_owned(),
                            t.description.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    output::table(style, &["TOOL", "APPROVED", "DESCRIPTION"], &rows)
                );
            }
        }
        Ok(())
    }
}
