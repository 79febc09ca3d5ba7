//! Which code runs each command; the manifest commands, `pull` and `emulator` are here, the
//! one-operation commands in [`operations`] and the `tools` commands in [`tools`].

mod approvals;
mod tools;

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use elevenlabs_mcp::Client;

use crate::cli::{Cli, Command, ManifestCommand};
use crate::connect;
use crate::manifest::{self, schema};
use crate::output::{self, Style};

/// Exit codes: 0 done (or nothing to do), 1 error, 2 changes pending or drift found.
pub const CHANGES: u8 = 2;

/// What a command printed, and how it exits.
pub(crate) type Outcome = Result<ExitCode, crate::error::CliError>;

/// Parses the command line (the hand-written commands and those derived from the
/// operation table) and runs it.
pub async fn main() -> Outcome {
    use clap::{CommandFactory, FromArgMatches};
    let matches = crate::ops::attach(Cli::command()).get_matches();
    let globals = crate::cli::Globals::from_arg_matches(&matches).map_err(|e| e.to_string())?;
    if let Some((operation, args)) = crate::ops::chosen(&matches) {
        let style = Style::detect(globals.no_color);
        let client = connect::client(globals.environment(), globals.base_url.as_deref())?;
        return crate::ops::run(&client, operation, args, globals.json, style).await;
    }
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    run(cli).await
}

/// Runs a hand-written command.
async fn run(cli: Cli) -> Outcome {
    let globals = &cli.globals;
    let style = Style::detect(globals.no_color);
    let json = globals.json;
    let connect = || connect::client(globals.environment(), globals.base_url.as_deref());
    match cli.command {
        Command::Emulator { port, state, tools } => emulator(port, state, tools).await,
        Command::Manifest(ManifestCommand::Schema) => {
            println!("{}", output::json(&schema::manifest()));
            Ok(ExitCode::SUCCESS)
        }
        Command::Tools(cmd) => tools::tools(&connect()?, cmd, json, style).await,
        Command::Approvals(cmd) => approvals::approvals(&connect()?, cmd, json, style).await,
        Command::Pull { output } => pull(&connect()?, output.as_deref()).await,
        Command::Plan {
            manifest,
            detailed_exitcode,
        } => {
            let (_, _, plan) = prepare(&manifest, connect).await?;
            if json {
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
        Command::Apply {
            manifest,
            yes,
            allow_flagged,
        } => {
            let (client, servers, plan) = prepare(&manifest, connect).await?;
            print!("{}", plan.render(style));
            if plan.is_empty() {
                return Ok(ExitCode::SUCCESS);
            }
            if !yes && std::io::stdin().is_terminal() && !confirm()? {
                println!("Nothing was changed.");
                return Ok(ExitCode::SUCCESS);
            }
            let report =
                manifest::apply::apply(&client, &plan, &servers, &allow_flagged, style).await;
            for note in &report.deduplicated {
                eprintln!("{note}");
            }
            if report.complete() {
                println!(
                    "{}",
                    style.green(&format!("Applied: {} change(s).", report.done()))
                );
                Ok(ExitCode::SUCCESS)
            } else {
                Err(crate::error::CliError::Stopped(report.stopped()))
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

/// What `plan` and `apply` both start from: the manifest, read and checked before anything
/// is sent, the workspace's servers, and the plan between them.
async fn prepare(
    args: &crate::cli::ManifestArgs,
    connect: impl FnOnce() -> Result<Client, String>,
) -> Result<(Client, Vec<elevenlabs_mcp::McpServer>, manifest::plan::Plan), crate::error::CliError>
{
    let desired = read_manifest(&args.file)?;
    let client = connect()?;
    let servers = client
        .mcp_servers()
        .list()
        .await
        .map_err(|e| e.to_string())?;
    let mut plan = manifest::plan::plan(&desired, &servers, args.prune)?;
    vet_approvals(&client, &mut plan, &servers).await;
    Ok((client, servers, plan))
}

/// Scans each tool the plan approves on a server that exists, as the server lists it now,
/// and keeps the findings on the step (`plan` shows them; `apply` refuses a flagged tool
/// unless the user allows it). Each server's tools are listed once.
async fn vet_approvals(
    client: &Client,
    plan: &mut manifest::plan::Plan,
    servers: &[elevenlabs_mcp::McpServer],
) {
    // Each existing server the plan approves tools on, listed once, at once.
    let mut wanted: Vec<&elevenlabs_mcp::McpServer> = Vec::new();
    for action in &plan.actions {
        if let manifest::plan::Action::Approve { server, .. } = action
            && let Some(existing) = servers.iter().find(|s| &s.config.name == server)
            && !wanted.iter().any(|w| w.id == existing.id)
        {
            wanted.push(existing);
        }
    }
    let listed = crate::pace::each(client, wanted, |server| async move {
        // A server whose tools cannot be listed now is scanned when `apply` approves.
        let tools = crate::audit::listed(client, server)
            .await
            .unwrap_or_else(|e| {
                eprintln!(
                    "warning: the tools of {:?} could not be listed to scan them: {e}",
                    server.config.name
                );
                Vec::new()
            });
        (server.config.name.clone(), tools)
    })
    .await;
    for action in &mut plan.actions {
        let manifest::plan::Action::Approve {
            server,
            tool,
            findings,
            ..
        } = action
        else {
            continue;
        };
        let Some((_, tools)) = listed.iter().find(|(name, _)| name == server) else {
            continue;
        };
        if let Some(now) = tools.iter().find(|t| &t.name == tool) {
            let scope = crate::scan::Scope::of(tools);
            *findings = crate::scan::scan_listed(server, now, &scope);
        }
    }
}

/// Reads and checks a manifest: warnings go to standard error, problems refuse it.
fn read_manifest(path: &Path) -> Result<manifest::Manifest, crate::error::CliError> {
    let bytes = crate::files::read_bounded(path, crate::files::MANIFEST_LIMIT)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let text =
        String::from_utf8(bytes).map_err(|e| format!("{}: not UTF-8 text: {e}", path.display()))?;
    let (manifest, findings) = manifest::parse(&path.display().to_string(), &text);
    for warning in &findings.warnings {
        eprintln!("warning: {warning}");
    }
    match manifest {
        Some(m) => Ok(m),
        None => Err(crate::error::CliError::Manifest {
            count: findings.problems.len(),
            rendered: manifest::report::render(&findings.problems, &text),
        }),
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
        let text = crate::files::read_bounded(&path, crate::files::DATA_FILE_LIMIT)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        builder = builder
            .tools_json(&text)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let emulator = builder
        .start()
        .await
        .map_err(|e| format!("the emulator could not start: {e}"))?;
    let url = emulator.base_url();
    // Written, not printed: whoever started the emulator may have closed our output after
    // reading the URL, and that must not stop the emulator.
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "elevenlabs-mcp emulator listening on {url}\n\
         in another terminal, no key needed:\n  \
         elevenlabs-mcp --base-url {url} servers list\n  \
         export ELEVENLABS_BASE_URL={url}   (then leave out --base-url)\n\
         Ctrl-C stops it."
    );
    let _ = out.flush();
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
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
