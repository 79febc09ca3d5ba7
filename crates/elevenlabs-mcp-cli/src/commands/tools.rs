//! `tools list`, and the drift audit: `tools pin` and `tools audit`.

use std::process::ExitCode;

use elevenlabs_mcp::{Client, McpServer};

use super::{CHANGES, Outcome};
use crate::audit;
use crate::cli::Tools;
use crate::output::{self, Style};
use crate::resolve;

pub(super) async fn tools(client: &Client, cmd: Tools, json: bool, style: Style) -> Outcome {
    match cmd {
        Tools::List {
            server,
            environment,
        } => {
            let found = resolve::server(client, &server).await?;
            let mut call = client.mcp_servers().tools(&found.id).list();
            if let Some(env) = environment {
                call = call.environment(env);
            }
            let list = call.await.map_err(|e| e.to_string())?;
            if json {
                println!("{}", output::json(&list));
                return Ok(ExitCode::SUCCESS);
            }
            if !list.success {
                return Err(format!(
                    "the service could not list the tools of {}: {}",
                    found.config.name,
                    list.error_message.unwrap_or_default()
                ));
            }
            let approved = audit::approved(&found);
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
            Ok(ExitCode::SUCCESS)
        }
        Tools::Pin { servers, lock } => {
            let mut pins = audit::read_lock(&lock)?;
            pins.version = 1;
            for server in chosen(client, &servers).await? {
                let tools = audit::listed(client, &server).await?;
                let entry = audit::PinnedServer {
                    id: server.id.clone(),
                    tools: tools
                        .iter()
                        .map(|t| (t.name.clone(), audit::pin(t)))
                        .collect(),
                };
                println!(
                    "pinned {} tool(s) of {}",
                    entry.tools.len(),
                    server.config.name
                );
                pins.servers.insert(server.config.name.clone(), entry);
            }
            audit::write_lock(&lock, &pins)?;
            Ok(ExitCode::SUCCESS)
        }
        Tools::Audit { servers, lock } => {
            let pins = audit::read_lock(&lock)?;
            let names: Vec<String> = if servers.is_empty() {
                pins.servers.keys().cloned().collect()
            } else {
                servers
            };
            if names.is_empty() {
                return Err(format!(
                    "{} pins no server: run `elevenlabs-mcp tools pin` first",
                    lock.display()
                ));
            }
            let mut drifted = false;
            for name in names {
                let server = resolve::server(client, &name).await?;
                let tools = audit::listed(client, &server).await?;
                let report = audit::audit_server(
                    style,
                    &server,
                    pins.servers.get(&server.config.name),
                    &tools,
                );
                drifted |= report.drifted;
                for line in report.lines {
                    println!("{line}");
                }
            }
            if drifted {
                println!("{}", style.red("Drift found."));
                Ok(ExitCode::from(CHANGES))
            } else {
                println!("{}", style.green("No drift."));
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}

/// The servers named, or every server of the workspace.
async fn chosen(client: &Client, names: &[String]) -> Result<Vec<McpServer>, String> {
    if names.is_empty() {
        return client.mcp_servers().list().await.map_err(|e| e.to_string());
    }
    let mut out = Vec::new();
    for name in names {
        out.push(resolve::server(client, name).await?);
    }
    Ok(out)
}
