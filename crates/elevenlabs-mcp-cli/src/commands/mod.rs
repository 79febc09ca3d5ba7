//! Which code runs each command; the manifest commands, `pull` and `emulator` are here, the
//! one-operation commands in [`operations`] and the `tools` commands in [`tools`].

mod approvals;
mod tools;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use elevenlabs_mcp::Client;
use serde_json::{Map, Value};

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
    trace(&globals);
    let out = output::Out {
        format: globals.format(),
        wide: globals.wide,
        yes: globals.yes,
        style: Style::detect(globals.no_color),
    };
    // The formats of CI belong to a few commands; any other refuses them before it starts.
    let command = match matches.subcommand() {
        Some((group, sub)) => match sub.subcommand() {
            Some((verb, _)) => format!("{group} {verb}"),
            None => group.to_owned(),
        },
        None => String::new(),
    };
    output::for_ci(out.format, &command)?;
    if let Some((operation, args)) = crate::ops::chosen(&matches) {
        // `tools list --url`: a server that is not registered, listed by connecting to it.
        if operation == elevenlabs_mcp::Operation::McpServersToolsList {
            let probe = crate::cli::ProbeArgs::from_arg_matches(args).map_err(|e| e.to_string())?;
            if let Some(target) = probe.target()? {
                return tools::list_url(&target, &globals.route, out).await;
            }
        }
        let client = connect::client(&globals)?;
        return crate::ops::run(&client, operation, args, out).await;
    }
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    run(cli, out).await
}

/// `-v`: each call's span on standard error when it closes (operation, method, path,
/// status, attempts, duration, request id); `--debug`: also the bodies. The SDK never
/// puts the key in either.
fn trace(globals: &crate::cli::Globals) {
    let level = if globals.debug {
        tracing::Level::DEBUG
    } else if globals.verbose {
        tracing::Level::INFO
    } else {
        return;
    };
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .with_target(false)
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// Refuses `--output` for a command that prints no data.
fn no_data(out: output::Out, command: &str) -> Result<(), crate::error::CliError> {
    match out.format {
        Some(_) => Err(format!(
            "`{command}` prints no data: --output and --json do not apply to it"
        )
        .into()),
        None => Ok(()),
    }
}

/// Runs a hand-written command.
async fn run(cli: Cli, out: output::Out) -> Outcome {
    let globals = &cli.globals;
    let style = out.style;
    let connect = || connect::client(globals);
    match cli.command {
        Command::Emulator(args) => {
            no_data(out, "emulator")?;
            emulator(args, &globals.route).await
        }
        Command::Manifest(ManifestCommand::Schema) => {
            // JSON unless YAML is asked for: the schema is data, not a table.
            if out.format == Some(crate::cli::Format::Table) {
                return Err(
                    "`manifest schema` prints a JSON Schema: --output json (the default) or yaml"
                        .into(),
                );
            }
            if out.format == Some(crate::cli::Format::Yaml) {
                print!("{}", output::yaml(&schema::manifest()));
            } else {
                println!("{}", output::json(&schema::manifest()));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            no_data(out, "completions")?;
            // The whole tree, the commands derived from the operation table included.
            let mut app = crate::ops::attach(<Cli as clap::CommandFactory>::command());
            clap_complete::generate(shell, &mut app, "elevenlabs-mcp", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Tools(crate::cli::Tools::Scan {
            probe, manifest, ..
        }) if probe.url.is_some() => {
            let target = probe.target()?.ok_or("--url is missing")?;
            let manifest = manifest
                .as_deref()
                .map(crate::ci::Manifest::read)
                .transpose()?;
            tools::scan_url(&target, &globals.route, manifest.as_ref(), out).await
        }
        Command::Tools(crate::cli::Tools::Scan {
            file: Some(file),
            manifest,
            ..
        }) => {
            let manifest = manifest
                .as_deref()
                .map(crate::ci::Manifest::read)
                .transpose()?;
            tools::scan_file(&file, manifest.as_ref(), out)
        }
        Command::Tools(cmd) => tools::tools(&connect()?, cmd, out).await,
        Command::Approvals(cmd) => approvals::approvals(&connect()?, cmd, out).await,
        Command::Pull { file, force } => pull(&connect()?, file.as_deref(), force, out).await,
        Command::Plan {
            manifest,
            detailed_exitcode,
            probe,
        } => {
            let probe = probe.then_some(globals.route.as_slice());
            let (_, _, plan) = prepare(&manifest, connect, probe, false).await?;
            if out.markdown() {
                print!("{}", crate::ci::markdown::plan(&plan));
            } else if !out.data(&plan) {
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
            allow_replace,
            allow_unlisted,
            allow_flagged,
        } => {
            let (client, servers, plan) = prepare(&manifest, connect, None, true).await?;
            // People read the plan before answering; with machine output it goes to
            // standard error, and the report is the data.
            if out.machine().is_some() {
                eprint!("{}", plan.render(style));
            } else {
                print!("{}", plan.render(style));
            }
            if plan.is_empty() {
                out.data(&manifest::apply::Report::default());
                return Ok(ExitCode::SUCCESS);
            }
            plan.refuse_unsafe(allow_replace, &allow_unlisted)?;
            crate::ask::confirm("Apply these changes?", out.yes)?;
            let report = manifest::apply::apply(
                &client,
                &plan,
                &servers,
                &manifest::apply::Allowed {
                    flagged: &allow_flagged,
                    unlisted: &allow_unlisted,
                },
                style,
            )
            .await;
            for note in &report.deduplicated {
                eprintln!("{note}");
            }
            let printed = out.data(&report);
            if report.complete() {
                if !printed {
                    println!(
                        "{}",
                        style.green(&format!("Applied: {} change(s).", report.done()))
                    );
                }
                Ok(ExitCode::SUCCESS)
            } else {
                Err(crate::error::CliError::Stopped(report.stopped()))
            }
        }
    }
}

/// What `plan` and `apply` both start from: the manifest, read and checked before anything
/// is sent, the workspace's servers, and the plan between them.
async fn prepare(
    args: &crate::cli::ManifestArgs,
    connect: impl FnOnce() -> Result<Client, String>,
    probe: Option<&[(String, String)]>,
    overlapping: bool,
) -> Result<(Client, Vec<elevenlabs_mcp::McpServer>, manifest::plan::Plan), crate::error::CliError>
{
    let desired = read_manifest(&args.file)?;
    let client = connect()?;
    let servers = client
        .mcp_servers()
        .list()
        .await
        .map_err(|e| e.to_string())?;
    let servers = if overlapping {
        manifest::apply::without_young_copies(servers, &desired)
    } else {
        servers
    };
    let mut plan = manifest::plan::plan(&desired, &servers, args.prune)?;
    vet_approvals(&client, &mut plan, &servers, probe).await;
    Ok((client, servers, plan))
}

/// Checks the plan's tools against what each server that exists lists now: a tool it
/// approves is scanned (`plan` shows the findings; `apply` refuses a flagged tool unless the
/// user allows it), and a tool name the server does not list, in an approval or a tool
/// config, is a warning with the nearest listed name (an approval of it is refused by
/// `apply` unless the user insists). Each server's tools are listed once, all at once.
async fn vet_approvals(
    client: &Client,
    plan: &mut manifest::plan::Plan,
    servers: &[elevenlabs_mcp::McpServer],
    probe: Option<&[(String, String)]>,
) {
    use manifest::plan::Action;
    let mut wanted: Vec<&elevenlabs_mcp::McpServer> = Vec::new();
    for action in &plan.actions {
        if let Action::Approve { server, .. }
        | Action::CreateToolConfig { server, .. }
        | Action::UpdateToolConfig { server, .. } = action
            && let Some(existing) = servers.iter().find(|s| &s.config.name == server)
            && !wanted.iter().any(|w| w.id == existing.id)
        {
            wanted.push(existing);
        }
    }
    let mut listed = crate::pace::each(client, wanted, |server| async move {
        // A server whose tools cannot be listed now is checked when `apply` approves.
        let tools = match crate::audit::listed(client, server).await {
            Ok(tools) => Some(tools),
            Err(e) => {
                eprintln!(
                    "warning: the tools of {:?} could not be listed to check them: {e}",
                    server.config.name
                );
                None
            }
        };
        (server.config.name.clone(), tools)
    })
    .await;
    if let Some(routes) = probe {
        // The servers the plan creates (or re-creates), connected to as the service would.
        let new: Vec<(String, Map<String, Value>)> = plan
            .actions
            .iter()
            .filter_map(|a| match a {
                Action::CreateServer { server, fields, .. }
                | Action::ReplaceServer { server, fields, .. } => {
                    Some((server.clone(), fields.clone()))
                }
                _ => None,
            })
            .collect();
        let probed =
            futures_util::future::join_all(new.into_iter().map(|(name, fields)| async move {
                let tools = match crate::probe::of_fields(&fields) {
                    Ok(target) => crate::probe::list(&target, routes).await,
                    Err(why) => Err(why),
                };
                match tools {
                    Ok(tools) => (name, Some(tools)),
                    Err(why) => {
                        eprintln!("warning: --probe could not list the tools of {name:?}: {why}");
                        (name, None)
                    }
                }
            }))
            .await;
        listed.retain(|(name, _)| !probed.iter().any(|(p, _)| p == name));
        listed.extend(probed);
    }
    let mut warnings = Vec::new();
    for action in &mut plan.actions {
        let (server, tool) = match &*action {
            Action::Approve { server, tool, .. }
            | Action::CreateToolConfig { server, tool, .. }
            | Action::UpdateToolConfig { server, tool, .. } => (server.clone(), tool.clone()),
            _ => continue,
        };
        let Some((_, Some(tools))) = listed.iter().find(|(name, _)| *name == server) else {
            continue;
        };
        let now = tools.iter().find(|t| t.name == tool);
        if now.is_none() {
            let hint = crate::ops::nearest(&tool, tools.iter().map(|t| t.name.as_str()))
                .map(|n| format!("; did you mean {n:?}?"))
                .unwrap_or_default();
            warnings.push(format!("{server:?} does not list a tool {tool:?}{hint}"));
        }
        if let Action::Approve {
            findings, unlisted, ..
        } = action
        {
            match now {
                Some(now) => {
                    let scope = crate::scan::scope_of(tools);
                    *findings = crate::scan::scan_listed(&server, now, &scope);
                }
                None => *unlisted = true,
            }
        }
    }
    plan.warnings.extend(warnings);
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

async fn emulator(args: crate::cli::EmulatorArgs, routes: &[(String, String)]) -> Outcome {
    let mut builder = elevenlabs_mcp_emulator::Emulator::builder()
        .port(args.port)
        .connect(args.connect);
    for (url, target) in routes {
        builder = builder.route(url, target);
    }
    for (id, value) in args.secret {
        builder = builder.secret(id, value);
    }
    if let Some(state) = args.state {
        builder = builder.state_file(state);
    }
    if let Some(limit) = args.concurrency_limit {
        builder = builder.concurrency_limit(limit);
    }
    for rule in args.fault {
        builder = builder.fault(rule);
    }
    if let Some(path) = args.tools {
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

async fn pull(client: &Client, file: Option<&Path>, force: bool, out: output::Out) -> Outcome {
    use crate::cli::Format;
    if out.format == Some(Format::Table) {
        return Err("`pull` writes a manifest: --output yaml (the default) or json".into());
    }
    let servers = client
        .mcp_servers()
        .list()
        .await
        .map_err(|e| e.to_string())?;
    // Written anyway, but `plan` refuses a name twice: say how to get back to one.
    for warning in manifest::pull::duplicates(&servers) {
        eprintln!("warning: {warning}");
    }
    let text = if out.format == Some(Format::Json) {
        let entries: Vec<serde_norway::Value> = servers
            .iter()
            .map(|s| manifest::entry::Server::of(s).to_manifest())
            .collect();
        format!(
            "{}\n",
            output::json(&serde_json::json!({ "servers": entries }))
        )
    } else {
        manifest::pull::manifest_yaml(&servers)
    };
    let Some(path) = file else {
        print!("{text}");
        return Ok(ExitCode::SUCCESS);
    };
    // The editor's schema, beside the manifest its first line points at.
    let schema_path = path
        .parent()
        .unwrap_or(Path::new("."))
        .join(manifest::pull::SCHEMA_FILE);
    let schema_text = output::json(&schema::manifest());
    if !force {
        // A schema file that says the same is no loss.
        let same_schema = std::fs::read(&schema_path).is_ok_and(|b| b == schema_text.as_bytes());
        for existing in [path, schema_path.as_path()] {
            if existing.exists() && !(existing == schema_path && same_schema) {
                return Err(format!(
                    "{} exists: pass --force to overwrite it, or choose another file",
                    existing.display()
                )
                .into());
            }
        }
    }
    std::fs::write(path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::write(&schema_path, &schema_text)
        .map_err(|e| format!("{}: {e}", schema_path.display()))?;
    eprintln!(
        "wrote {} server(s) to {} (and its schema to {})",
        servers.len(),
        path.display(),
        schema_path.display()
    );
    Ok(ExitCode::SUCCESS)
}
