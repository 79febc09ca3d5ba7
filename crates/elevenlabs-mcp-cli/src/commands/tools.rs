//! `tools list`, and the drift audit: `tools pin` and `tools audit`.

use std::process::ExitCode;

use elevenlabs_mcp::{Client, McpServer};

use super::{CHANGES, Outcome};
use crate::audit;
use crate::cli::Tools;
use crate::output::Out;
use crate::resolve;
use crate::scan;

pub(super) async fn tools(client: &Client, cmd: Tools, out: Out) -> Outcome {
    let style = out.style;
    match cmd {
        Tools::Pin { servers, lock } => {
            let mut pins = audit::read_lock(&lock)?;
            pins.version = 1;
            let servers = chosen(client, &servers).await?;
            let mut pinned = Vec::new();
            for (server, tools) in listed_all(client, servers).await {
                let tools = tools?;
                let entry = audit::PinnedServer {
                    id: server.id.clone(),
                    tools: tools
                        .iter()
                        .map(|t| (t.name.clone(), audit::pin(t)))
                        .collect(),
                };
                pinned.push(serde_json::json!({
                    "server": server.config.name,
                    "id": server.id,
                    "tools": entry.tools.keys().collect::<Vec<_>>(),
                }));
                if out.machine().is_none() {
                    println!(
                        "pinned {} tool(s) of {}",
                        entry.tools.len(),
                        visible(&server.config.name)
                    );
                }
                pins.servers.insert(server.config.name.clone(), entry);
            }
            audit::write_lock(&lock, &pins)?;
            out.data(&serde_json::json!({ "lock": lock, "pinned": pinned }));
            Ok(ExitCode::SUCCESS)
        }
        Tools::Scan {
            servers, manifest, ..
        } => {
            let manifest = manifest
                .as_deref()
                .map(crate::ci::Manifest::read)
                .transpose()?;
            scan(client, &servers, manifest.as_ref(), out).await
        }
        Tools::Audit {
            servers,
            lock,
            manifest,
        } => {
            let manifest = manifest
                .as_deref()
                .map(crate::ci::Manifest::read)
                .transpose()?;
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
                )
                .into());
            }
            let mut drifted = false;
            let mut flagged = 0usize;
            // Everything is gathered first for the formats that print it all at the end.
            let machine = out.machine().is_some() || out.markdown() || out.sarif();
            let mut verdicts = Vec::new();
            let mut findings = Vec::new();
            let chosen_servers = resolve::servers(client, &names).await?;
            for (server, tools) in listed_all(client, chosen_servers).await {
                let tools = tools?;
                let pinned = pins.servers.get(&server.config.name);
                let report = audit::audit_server(style, &server, pinned, &tools);
                drifted |= report.drifted;
                verdicts.extend(report.verdicts);
                if !machine {
                    for line in report.lines {
                        println!("{line}");
                    }
                }
                // A new or changed definition is read before it is trusted.
                let scope = scan::scope_of(&tools);
                for tool in tools.iter().filter(|t| {
                    pinned
                        .and_then(|p| p.tools.get(&t.name))
                        .is_none_or(|was| was.sha256 != audit::pin(t).sha256)
                }) {
                    for finding in scan::scan_listed(&server.config.name, tool, &scope) {
                        flagged += 1;
                        if machine {
                            findings.push(finding);
                            continue;
                        }
                        println!(
                            "{}",
                            style.red(&format!(
                                "{}: {} FLAGGED: {}",
                                visible(&server.config.name),
                                visible(&tool.name),
                                finding.describe()
                            ))
                        );
                    }
                }
            }
            let code = if drifted || flagged > 0 {
                ExitCode::from(CHANGES)
            } else {
                ExitCode::SUCCESS
            };
            if out.markdown() {
                print!("{}", crate::ci::markdown::audit(&verdicts, &findings));
                return Ok(code);
            }
            if out.sarif() {
                let log =
                    crate::ci::sarif::log("tools audit", &findings, &verdicts, manifest.as_ref());
                println!("{}", crate::output::json(&log));
                return Ok(code);
            }
            let verdict_data = serde_json::json!({
                "drifted": drifted,
                "tools": verdicts,
                "findings": findings,
            });
            if out.data(&verdict_data) {
                return Ok(if drifted || flagged > 0 {
                    ExitCode::from(CHANGES)
                } else {
                    ExitCode::SUCCESS
                });
            }
            if drifted || flagged > 0 {
                let mut verdict = Vec::new();
                if drifted {
                    verdict.push("Drift found.".to_owned());
                }
                if flagged > 0 {
                    verdict.push(format!("{flagged} finding(s) in new or changed tools."));
                }
                println!("{}", style.red(&verdict.join(" ")));
                Ok(ExitCode::from(CHANGES))
            } else {
                println!("{}", style.green("No drift."));
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}

/// A server's or tool's name, safe to print: control characters and hidden characters
/// shown, not sent to the terminal.
fn visible(name: &str) -> String {
    scan::chars::visible(name, 120)
}

/// The tools each server lists, fetched as many at once as the workspace's limit allows,
/// in the order of `servers`.
async fn listed_all(
    client: &Client,
    servers: Vec<McpServer>,
) -> Vec<(McpServer, Result<Vec<elevenlabs_mcp::Tool>, String>)> {
    crate::pace::each(client, servers, |server| async move {
        let tools = audit::listed(client, &server).await;
        (server, tools)
    })
    .await
}

/// `tools scan`: every tool of the chosen servers, through every rule.
async fn scan(
    client: &Client,
    names: &[String],
    manifest: Option<&crate::ci::Manifest>,
    out: Out,
) -> Outcome {
    let servers = chosen(client, names).await?;
    let fetched = listed_all(client, servers).await;
    let mut errors = Vec::new();
    let mut listed = Vec::new();
    for (server, tools) in fetched {
        match tools {
            Ok(tools) => listed.push((server.config.name, as_sent(&tools))),
            Err(e) => errors.push(e),
        }
    }
    report_scan(&listed, errors, manifest, out)
}

/// Tools as the server sent them, which is what the scan reads.
fn as_sent(tools: &[elevenlabs_mcp::Tool]) -> Vec<serde_json::Value> {
    tools.iter().map(scan::as_sent).collect()
}

/// `tools scan --file`: tools saved from a listing, scanned with no API.
pub(super) fn scan_file(
    path: &std::path::Path,
    manifest: Option<&crate::ci::Manifest>,
    out: Out,
) -> Outcome {
    let bytes = crate::files::read_bounded(path, crate::files::DATA_FILE_LIMIT)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let listed =
        crate::scan_file::servers(doc, &name).map_err(|e| format!("{}: {e}", path.display()))?;
    report_scan(&listed, Vec::new(), manifest, out)
}

/// `tools scan --url`: a server that is not registered, scanned as it lists its tools.
pub(super) async fn scan_url(
    target: &crate::probe::Target,
    routes: &[(String, String)],
    manifest: Option<&crate::ci::Manifest>,
    out: Out,
) -> Outcome {
    let tools = crate::probe::list(target, routes)
        .await
        .map_err(|e| format!("{}: {e}", target.url))?;
    report_scan(
        &[(target.url.clone(), as_sent(&tools))],
        Vec::new(),
        manifest,
        out,
    )
}

/// `tools list --url`: the tools of a server that is not registered.
pub(super) async fn list_url(
    target: &crate::probe::Target,
    routes: &[(String, String)],
    out: Out,
) -> Outcome {
    let tools = crate::probe::list(target, routes)
        .await
        .map_err(|e| format!("{}: {e}", target.url))?;
    if !out.data(&serde_json::json!({ "url": target.url, "tools": tools })) {
        let rows: Vec<Vec<String>> = tools
            .iter()
            .map(|t| {
                vec![
                    visible(&t.name),
                    visible(t.description.as_deref().unwrap_or_default()),
                ]
            })
            .collect();
        print!("{}", out.table(&["TOOL", "DESCRIPTION"], &rows));
    }
    Ok(ExitCode::SUCCESS)
}

/// The findings of the tools of `listed` (server name, tools), and the servers that could
/// not be listed: exit 0 with no finding, 2 with findings, 1 when a server failed.
fn report_scan(
    listed: &[(String, Vec<serde_json::Value>)],
    errors: Vec<String>,
    manifest: Option<&crate::ci::Manifest>,
    out: Out,
) -> Outcome {
    let style = out.style;
    // Every tool name of the scan, so that a description naming another server's tool is
    // read as shadowing it.
    let scope = scan::Scope::new(listed.iter().flat_map(|(_, tools)| {
        tools
            .iter()
            .filter_map(|t| t.get("name").and_then(serde_json::Value::as_str))
    }));
    let tool_count: usize = listed.iter().map(|(_, tools)| tools.len()).sum();
    let findings: Vec<scan::Finding> = listed
        .iter()
        .flat_map(|(server, tools)| {
            tools
                .iter()
                .flat_map(|t| scan::scan_tool(server, t, &scope))
                .collect::<Vec<_>>()
        })
        .collect();
    let data = serde_json::json!({
        "servers": listed.len(),
        "tools": tool_count,
        "findings": findings,
        "errors": errors,
    });
    if out.markdown() {
        print!(
            "{}",
            crate::ci::markdown::scan(&findings, tool_count, listed.len())
        );
    } else if out.sarif() {
        let log = crate::ci::sarif::log("tools scan", &findings, &[], manifest);
        println!("{}", crate::output::json(&log));
    } else if !out.data(&data) {
        let rows: Vec<Vec<String>> = findings
            .iter()
            .map(|f| {
                vec![
                    visible(&f.server),
                    visible(&f.tool),
                    f.severity.to_string(),
                    f.rule.to_string(),
                    visible(&f.pointer),
                    f.evidence.clone(),
                ]
            })
            .collect();
        if !findings.is_empty() {
            print!(
                "{}",
                out.table(
                    &["SERVER", "TOOL", "SEVERITY", "RULE", "WHERE", "EVIDENCE"],
                    &rows
                )
            );
        }
        let verdict = format!(
            "{} finding(s) in {tool_count} tool(s) of {} server(s).",
            findings.len(),
            listed.len()
        );
        println!(
            "{}",
            if findings.is_empty() {
                style.green(&verdict)
            } else {
                style.red(&verdict)
            }
        );
    }
    if !errors.is_empty() {
        return Err(errors.join("\n").into());
    }
    Ok(if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(CHANGES)
    })
}

/// The servers named, or every server of the workspace.
async fn chosen(client: &Client, names: &[String]) -> Result<Vec<McpServer>, String> {
    if names.is_empty() {
        return client.mcp_servers().list().await.map_err(|e| e.to_string());
    }
    resolve::servers(client, names).await
}
