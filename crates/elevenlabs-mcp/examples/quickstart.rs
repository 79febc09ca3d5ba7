//! The whole lifecycle of an MCP server, end to end.
//!
//! ```sh
//! cargo run --example quickstart                 # against the embedded emulator: no key, no network
//! ELEVENLABS_API_KEY=… cargo run --example quickstart -- --live   # against the real API
//! ```
//!
//! Without `--live` (or without a key) it starts the local emulator in this process and
//! talks to it over loopback HTTP, exactly as it would talk to the service.

use std::process::ExitCode;

use elevenlabs_mcp::{
    ApprovalPolicy, Client, Error, Integer, McpServerConfig, McpServerUpdate, ToolApproval,
    ToolApprovalPolicy, ToolConfigOverride, ToolConfigOverrideUpdate, Transport,
};
use elevenlabs_mcp_emulator::Emulator;

#[tokio::main]
async fn main() -> ExitCode {
    let live = std::env::args().any(|a| a == "--live");
    let key = std::env::var(elevenlabs_mcp::API_KEY_VAR)
        .ok()
        .filter(|k| !k.trim().is_empty());
    let (client, emulator) = match (live, key) {
        (true, Some(_)) => match Client::from_env() {
            Ok(client) => {
                println!("Talking to the live API at {}.\n", client.base_url());
                (client, None)
            }
            Err(e) => return fail(&e),
        },
        (true, None) => {
            eprintln!("--live needs {} to be set.", elevenlabs_mcp::API_KEY_VAR);
            return ExitCode::from(2);
        }
        (false, _) => {
            let emulator = match Emulator::start().await {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("could not start the emulator: {e}");
                    return ExitCode::FAILURE;
                }
            };
            println!(
                "No --live: using the embedded emulator at {} (any key works there).\n",
                emulator.base_url()
            );
            let client = Client::builder()
                .api_key("emulator-key")
                .base_url(emulator.base_url())
                .build();
            match client {
                Ok(c) => (c, Some(emulator)),
                Err(e) => return fail(&e),
            }
        }
    };
    let result = lifecycle(&client).await;
    if let Some(emulator) = emulator {
        emulator.shutdown().await;
    }
    match result {
        Ok(()) => {
            println!("\nDone.");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn fail(e: &Error) -> ExitCode {
    eprintln!("\nerror: {e}");
    ExitCode::FAILURE
}

fn seconds(value: Option<Integer>) -> String {
    value.map_or_else(|| "inherited".to_owned(), |s| format!("{s}s"))
}

fn step(n: u32, what: &str) {
    println!("{n:>2}. {what}");
}

async fn lifecycle(client: &Client) -> Result<(), Error> {
    let servers = client.mcp_servers();

    step(1, "Register an MCP server");
    let server = servers
        .create(
            McpServerConfig::new("Docs search (quickstart)", "https://mcp.example.com/mcp")
                .transport(Transport::StreamableHttp)
                .approval_policy(ApprovalPolicy::RequireApprovalPerTool)
                .description("Created by the elevenlabs-mcp quickstart"),
        )
        .await?;
    let id = server.id.clone();
    println!(
        "    id {id}, transport {}, timeout {}s",
        server
            .config
            .transport
            .as_ref()
            .map_or("default", |t| t.as_str()),
        server.config.response_timeout_secs.unwrap_or_default()
    );

    step(2, "List the workspace's servers");
    for s in servers.list().await? {
        let marker = if s.id == id { "  <- new" } else { "" };
        println!("    {}  {}{marker}", s.id, s.config.name);
    }

    step(3, "List the tools the server exposes");
    let tools = servers.tools(&id).list().await?;
    for tool in &tools.tools {
        println!(
            "    {}: {}",
            tool.name,
            tool.description.as_deref().unwrap_or("")
        );
    }
    let Some(tool) = tools.tools.first() else {
        return Err(elevenlabs_mcp::Error::Config(
            "the server lists no tools to approve".into(),
        ));
    };
    let first = tool.name.clone();

    step(4, &format!("Approve the tool `{first}` as listed"));
    // The approval carries the tool's name, description and input schema, which the
    // service hashes: a later change to the tool no longer matches it.
    let server = servers
        .tool_approvals(&id)
        .create(ToolApproval::from(tool).approval_policy(ToolApprovalPolicy::AutoApproved))
        .await?;
    for approval in server.config.tool_approval_hashes.iter().flatten() {
        println!(
            "    {} approved (hash {:.12}…)",
            approval.tool_name, approval.tool_hash
        );
    }

    step(5, &format!("Give `{first}` its own settings"));
    servers
        .tool_configs(&id)
        .create(ToolConfigOverride::new(&first).response_timeout_secs(60))
        .await?;
    match servers
        .tool_configs(&id)
        .create(ToolConfigOverride::new(&first))
        .await
    {
        Err(e) if e.is_conflict() => println!("    a second create is refused: 409 Conflict"),
        other => println!("    unexpected: {other:?}"),
    }

    step(6, "Read the override back, then update it");
    let config = servers.tool_configs(&id).get(&first).await?;
    println!("    timeout {}", seconds(config.response_timeout_secs));
    servers
        .tool_configs(&id)
        .update(
            &first,
            ToolConfigOverrideUpdate::new()
                .response_timeout_secs(120)
                .force_pre_tool_speech(true),
        )
        .await?;
    let config = servers.tool_configs(&id).get(&first).await?;
    println!(
        "    timeout {}, pre-tool speech forced: {}",
        seconds(config.response_timeout_secs),
        config.force_pre_tool_speech.unwrap_or(false)
    );

    step(7, "Change the approval policy");
    let server = servers
        .update(
            &id,
            McpServerUpdate::new().approval_policy(ApprovalPolicy::AutoApproveAll),
        )
        .await?;
    println!(
        "    policy now {}",
        server
            .config
            .approval_policy
            .as_ref()
            .map_or("default", |p| p.as_str())
    );

    step(8, "Delete the server");
    servers.delete(&id).await?;
    match servers.get(&id).await {
        Err(e) if e.is_not_found() => println!("    gone: fetching it answers 404"),
        other => println!("    unexpected: {other:?}"),
    }
    Ok(())
}
