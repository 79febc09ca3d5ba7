//! The commands that are one API operation each, and the rest of the dispatch.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use elevenlabs_mcp::{
    ApprovalPolicy, Client, McpServer, McpServerConfig, McpServerUpdate, ToolApproval,
    ToolApprovalPolicy, ToolConfigOverride, ToolConfigOverrideUpdate,
};
use serde_json::{Map, Value};

use crate::audit;
use crate::cli::{Approvals, Cli, Command, ManifestCommand, Servers, ToolConfigs, Tools};
use crate::connect;
use crate::fields;
use crate::manifest::{self, schema};
use crate::output::{self, Style};
use crate::resolve;

/// Exit codes: 0 done (or nothing to do), 1 error, 2 changes pending or drift found.
pub const CHANGES: u8 = 2;

/// What a command printed, and how it exits.
type Outcome = Result<ExitCode, String>;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Outcome {
    let style = Style::detect(cli.no_color);
    let connect = || connect::client(cli.environment.map(Into::into), cli.base_url.as_deref());
    match cli.command {
        Command::Emulator { port, state, tools } => emulator(port, state, tools).await,
        Command::Manifest(ManifestCommand::Schema) => {
            println!("{}", output::json(&schema::manifest()));
            Ok(ExitCode::SUCCESS)
        }
        Command::Servers(cmd) => servers(&connect()?, cmd, cli.json, style).await,
        Command::Tools(cmd) => tools(&connect()?, cmd, cli.json, style).await,
        Command::Approvals(cmd) => approvals(&connect()?, cmd, cli.json, style).await,
        Command::ToolConfigs(cmd) => tool_configs(&connect()?, cmd, cli.json).await,
        Command::Pull { output } => pull(&connect()?, output.as_deref()).await,
        Command::Plan {
            manifest,
            detailed_exitcode,
        } => {
            let desired = read_manifest(&manifest.file)?;
            let client = connect()?;
            let servers = client
                .mcp_servers()
                .list()
                .await
                .map_err(|e| e.to_string())?;
            let plan = manifest::plan::plan(&desired, &servers, manifest.prune)?;
            if cli.json {
                println!("{}", output::json(&plan));
            } else {
                print!("{}", plan.render(style));
            }
            Ok(if detailed_exitcode && !plan.is_empty() {
                ExitCode::from(CHANGES)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Apply { manifest, yes } => {
            let desired = read_manifest(&manifest.file)?;
            let client = connect()?;
            let servers = client
                .mcp_servers()
                .list()
                .await
                .map_err(|e| e.to_string())?;
            let plan = manifest::plan::plan(&desired, &servers, manifest.prune)?;
            print!("{}", plan.render(style));
            if plan.is_empty() {
                return Ok(ExitCode::SUCCESS);
            }
            if !yes && std::io::stdin().is_terminal() && !confirm()? {
                println!("Nothing was changed.");
                return Ok(ExitCode::SUCCESS);
            }
            match manifest::apply::apply(&client, &plan, &servers, style).await {
                Ok(n) => {
                    println!("{}", style.green(&format!("Applied: {n} change(s).")));
                    Ok(ExitCode::SUCCESS)
                }
                Err(stopped) => Err(stopped.to_string()),
            }
        }
    }
}

fn confirm() -> Result<bool, String> {
    print!("Apply these changes? Only `yes` goes ahead: ");
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| e.to_string())?;
    Ok(answer.trim() == "yes")
}

/// Reads and checks a manifest: warnings go to standard error, problems refuse it.
fn read_manifest(path: &Path) -> Result<manifest::Manifest, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (manifest, findings) = manifest::parse(&path.display().to_string(), &text);
    for warning in &findings.warnings {
        eprintln!("warning: {warning}");
    }
    match manifest {
        Some(m) => Ok(m),
        None => {
            let lines: Vec<String> = findings.problems.iter().map(ToString::to_string).collect();
            Err(format!(
                "the manifest has {} problem(s); nothing was sent:\n{}",
                lines.len(),
                lines.join("\n")
            ))
        }
    }
}

async fn emulator(
    port: u16,
    state: Option<std::path::PathBuf>,
    tools: Option<std::path::PathBuf>,
) -> Outcome {
    let mut builder = elevenlabs_mcp_emulator::Emulator::builder().port(port);
    if let Some(state) = state {
        builder = builder.state_file(state);
    }
    if let Some(path) = tools {
        let text = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        builder = builder
            .tools_json(&text)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let emulator = builder
        .start()
        .await
        .map_err(|e| format!("the emulator could not start: {e}"))?;
    let url = emulator.base_url();
    println!("elevenlabs-mcp emulator listening on {url}");
    println!("in another terminal, no key needed:");
    println!("  elevenlabs-mcp --base-url {url} servers list");
    println!("  export ELEVENLABS_BASE_URL={url}   (then leave out --base-url)");
    println!("Ctrl-C stops it.");
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

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

async fn servers(client: &Client, cmd: Servers, json: bool, style: Style) -> Outcome {
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

async fn tools(client: &Client, cmd: Tools, json: bool, style: Style) -> Outcome {
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

async fn approvals(client: &Client, cmd: Approvals, json: bool, style: Style) -> Outcome {
    match cmd {
        Approvals::Add {
            server,
            tool,
            policy,
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

async fn tool_configs(client: &Client, cmd: ToolConfigs, json: bool) -> Outcome {
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

async fn pull(client: &Client, output: Option<&Path>) -> Outcome {
    let servers = client
        .mcp_servers()
        .list()
        .await
        .map_err(|e| e.to_string())?;
    let yaml = manifest::pull::manifest_yaml(&servers);
    match output {
        None => print!("{yaml}"),
        Some(path) => {
            std::fs::write(path, &yaml).map_err(|e| format!("{}: {e}", path.display()))?;
            // The editor's schema, beside the manifest its first line points at.
            let schema_path = path
                .parent()
                .unwrap_or(Path::new("."))
                .join(manifest::pull::SCHEMA_FILE);
            std::fs::write(&schema_path, output::json(&schema::manifest()))
                .map_err(|e| format!("{}: {e}", schema_path.display()))?;
            eprintln!(
                "wrote {} server(s) to {} (and its schema to {})",
                servers.len(),
                path.display(),
                schema_path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
