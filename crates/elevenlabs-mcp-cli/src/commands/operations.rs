//! The commands that are one API operation each: `servers`, `approvals`, `tool-configs`.
//! Fields are set by their wire names (`--set`, `--clear`) and checked before any request.

use std::process::ExitCode;

use elevenlabs_mcp::{
    ApprovalPolicy, Client, McpServer, McpServerConfig, McpServerUpdate, ToolApproval,
    ToolApprovalPolicy, ToolConfigOverride, ToolConfigOverrideUpdate,
};
use serde_json::{Map, Value};

use super::Outcome;
use crate::audit;
use crate::cli::{Approvals, Servers, ToolConfigs};
use crate::fields;
use crate::manifest::schema;
use crate::output::{self, Style};
use crate::resolve;
use crate::scan;

fn settings(raw: &[String]) -> Result<Vec<(String, Value)>, String> {
    raw.iter().map(|s| fields::setting(s)).collect()
}

fn server_row(s: &McpServer) -> Vec<String> {
    let url = match serde_json::to_value(&s.config.url) {
        Ok(Value::String(u)) => u,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    };
    vec![
        s.id.clone(),
        s.config.name.clone(),
        url,
        s.config
            .transport
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        s.config
            .approval_policy
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    ]
}

const SERVER_HEADER: [&str; 5] = ["ID", "NAME", "URL", "TRANSPORT", "APPROVAL POLICY"];

fn print_server(server: &McpServer, json: bool, style: Style) {
    if json {
        println!("{}", output::json(server));
    } else {
        print!(
            "{}",
            output::table(style, &SERVER_HEADER, &[server_row(server)])
        );
    }
}

/// A `PATCH` body from `--set` and `--clear`; one that changes nothing is refused.
fn patch<T: serde::de::DeserializeOwned + schemars::JsonSchema>(
    set: &[String],
    clear: &[String],
    is_empty: impl Fn(&T) -> bool,
) -> Result<T, String> {
    let update: T = fields::body(Map::new(), &settings(set)?, clear, &allowed::<T>())?;
    if is_empty(&update) {
        return Err("nothing to change: give --set FIELD=VALUE or --clear FIELD".into());
    }
    Ok(update)
}

/// The wire names of a request type's fields.
fn allowed<T: schemars::JsonSchema>() -> Vec<String> {
    schema::properties(&schema::of::<T>())
}

pub(super) async fn servers(client: &Client, cmd: Servers, json: bool, style: Style) -> Outcome {
    let api = client.mcp_servers();
    match cmd {
        Servers::List => {
            let list = api.list_page().await.map_err(|e| e.to_string())?;
            if json {
                println!("{}", output::json(&list));
            } else {
                let rows: Vec<Vec<String>> = list.mcp_servers.iter().map(server_row).collect();
                print!("{}", output::table(style, &SERVER_HEADER, &rows));
            }
        }
        Servers::Get { server } => {
            let found = resolve::server(client, &server).await?;
            let full = api.get(&found.id).await.map_err(|e| e.to_string())?;
            if json {
                println!("{}", output::json(&full));
            } else {
                let config = serde_json::to_value(&full.config).unwrap_or_default();
                println!("{}  {}", style.bold("id"), full.id);
                for (k, v) in config
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(_, v)| !v.is_null())
                {
                    let shown = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    println!("{}  {shown}", style.bold(k));
                }
            }
        }
        Servers::Create {
            name,
            url,
            settings: s,
        } => {
            let mut base = Map::new();
            base.insert("name".into(), Value::String(name));
            base.insert("url".into(), Value::String(url));
            let config: McpServerConfig =
                fields::body(base, &settings(&s.set)?, &[], &allowed::<McpServerConfig>())?;
            let created = api.create(config).await.map_err(|e| e.to_string())?;
            print_server(&created, json, style);
        }
        Servers::Update {
            server,
            settings: s,
            clear,
        } => {
            // Checked before any request.
            let update = patch(&s.set, &clear, McpServerUpdate::is_empty)?;
            let found = resolve::server(client, &server).await?;
            let updated = api
                .update(&found.id, update)
                .await
                .map_err(|e| e.to_string())?;
            print_server(&updated, json, style);
        }
        Servers::Delete { server } => {
            let found = resolve::server(client, &server).await?;
            api.delete(&found.id).await.map_err(|e| e.to_string())?;
            println!("deleted {} ({})", found.id, found.config.name);
        }
        Servers::SetApprovalPolicy { server, policy } => {
            let found = resolve::server(client, &server).await?;
            #[allow(deprecated)]
            let updated = api
                .approval_policy(&found.id)
                .update(ApprovalPolicy::from(policy.as_str()))
                .await
                .map_err(|e| e.to_string())?;
            print_server(&updated, json, style);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn approvals(
    client: &Client,
    cmd: Approvals,
    json: bool,
    style: Style,
) -> Outcome {
    match cmd {
        Approvals::Add {
            server,
            tool,
            policy,
            allow_flagged,
        } => {
            let found = resolve::server(client, &server).await?;
            // What is approved is the tool as listed now: its description and schema are
            // hashed, so a later change no longer matches the approval.
            let tools = audit::listed(client, &found).await?;
            let listed = tools.iter().find(|t| t.name == tool).ok_or_else(|| {
                let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
                format!(
                    "{} lists no tool {tool:?}; it lists: {}",
                    found.config.name,
                    names.join(", ")
                )
            })?;
            let scope = scan::Scope::of(&tools);
            let findings = scan::scan_listed(&found.config.name, listed, &scope);
            let blocking = scan::blocking(&tool, &findings, &allow_flagged);
            if !blocking.is_empty() {
                return Err(scan::refusal(&found.config.name, &tool, &blocking));
            }
            let mut approval = ToolApproval::from(listed);
            if let Some(policy) = policy {
                approval = approval.approval_policy(ToolApprovalPolicy::from(policy.as_str()));
            }
            let updated = client
                .mcp_servers()
                .tool_approvals(&found.id)
                .create(approval)
                .await
                .map_err(|e| e.to_string())?;
            print_server(&updated, json, style);
        }
        Approvals::Remove { server, tool } => {
            let found = resolve::server(client, &server).await?;
            let updated = client
                .mcp_servers()
                .tool_approvals(&found.id)
                .delete(&tool)
                .await
                .map_err(|e| e.to_string())?;
            print_server(&updated, json, style);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn tool_configs(client: &Client, cmd: ToolConfigs, json: bool) -> Outcome {
    let show = |config: &ToolConfigOverride| {
        let value = serde_json::to_value(config).unwrap_or_default();
        if json {
            println!("{}", output::json(&value));
        } else {
            for (k, v) in value
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, v)| !v.is_null())
            {
                println!(
                    "{k}  {}",
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                );
            }
        }
    };
    let done = |server: &McpServer, tool: &str| {
        server
            .config
            .tool_config_overrides
            .iter()
            .flatten()
            .find(|o| o.tool_name == tool)
            .cloned()
    };
    match cmd {
        ToolConfigs::Get { server, tool } => {
            let found = resolve::server(client, &server).await?;
            let config = client
                .mcp_servers()
                .tool_configs(&found.id)
                .get(&tool)
                .await
                .map_err(|e| e.to_string())?;
            show(&config);
        }
        ToolConfigs::Create {
            server,
            tool,
            settings: s,
        } => {
            let mut base = Map::new();
            base.insert("tool_name".into(), Value::String(tool.clone()));
            let config: ToolConfigOverride = fields::body(
                base,
                &settings(&s.set)?,
                &[],
                &allowed::<ToolConfigOverride>(),
            )?;
            let found = resolve::server(client, &server).await?;
            let updated = client
                .mcp_servers()
                .tool_configs(&found.id)
                .create(config)
                .await
                .map_err(|e| e.to_string())?;
            if let Some(config) = done(&updated, &tool) {
                show(&config);
            }
        }
        ToolConfigs::Update {
            server,
            tool,
            settings: s,
            clear,
        } => {
            let update = patch(&s.set, &clear, ToolConfigOverrideUpdate::is_empty)?;
            let found = resolve::server(client, &server).await?;
            let updated = client
                .mcp_servers()
                .tool_configs(&found.id)
                .update(&tool, update)
                .await
                .map_err(|e| e.to_string())?;
            if let Some(config) = done(&updated, &tool) {
                show(&config);
            }
        }
        ToolConfigs::Delete { server, tool } => {
            let found = resolve::server(client, &server).await?;
            client
                .mcp_servers()
                .tool_configs(&found.id)
                .delete(&tool)
                .await
                .map_err(|e| e.to_string())?;
            println!("deleted the config of {tool} on {}", found.config.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}
