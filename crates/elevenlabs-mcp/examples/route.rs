//! The real path of `tools.list`, on one machine and with no network: an MCP server in this
//! process (Streamable HTTP, two pages of tools, a bearer token it checks), the emulator
//! routing the server's registered https address to it and holding the token as a
//! workspace secret, and the SDK registering the server, listing the tools the emulator
//! fetched from it, and approving one of them.
//!
//! ```sh
//! cargo run --example route
//! ```

use std::process::ExitCode;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use elevenlabs_mcp::{Client, McpServerConfig, SecretLocator, ToolApproval, Transport};
use elevenlabs_mcp_emulator::Emulator;
use serde_json::{Value, json};

/// Where the server is registered (the API takes https addresses only).
const REGISTERED: &str = "https://docs.example.com/mcp";
/// The token the server expects, kept in the emulator's workspace secrets.
const TOKEN: &str = "docs-token-0c7e";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let local = serve_mcp().await?;
    println!("An MCP server in this process at {local}.");
    let emulator = Emulator::builder()
        .route(REGISTERED, &local)
        .secret("docs_token", TOKEN)
        .start()
        .await?;
    println!(
        "The emulator at {}, routing {REGISTERED} there.\n",
        emulator.base_url()
    );
    let client = Client::builder()
        .api_key("emulator-key")
        .base_url(emulator.base_url())
        .build()?;

    let server = client
        .mcp_servers()
        .create(
            McpServerConfig::new("Docs", REGISTERED)
                .transport(Transport::StreamableHttp)
                .secret_token(SecretLocator::new("docs_token")),
        )
        .await?;
    let listed = client.mcp_servers().tools(&server.id).list().await?;
    if !listed.success {
        return Err(format!("the listing failed: {:?}", listed.error_message).into());
    }
    println!(
        "The emulator connected to the server and listed {} tools:",
        listed.tools.len()
    );
    for tool in &listed.tools {
        println!(
            "  {}: {}",
            tool.name,
            tool.description.as_deref().unwrap_or("")
        );
    }
    let search = listed
        .tools
        .iter()
        .find(|t| t.name == "search_docs")
        .ok_or("search_docs is not listed")?;
    client
        .mcp_servers()
        .tool_approvals(&server.id)
        .create(ToolApproval::from(search))
        .await?;
    println!("\nApproved search_docs as the server defines it now.");
    client.mcp_servers().delete(&server.id).await?;
    emulator.shutdown().await;
    Ok(())
}

/// Two pages of tools.
fn page(cursor: Option<&str>) -> Value {
    match cursor {
        None => json!({
            "tools": [{
                "name": "search_docs",
                "description": "Full-text search over the product documentation.",
                "inputSchema": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}
            }],
            "nextCursor": "page-2"
        }),
        Some(_) => json!({
            "tools": [{
                "name": "open_page",
                "description": "Opens a documentation page by its path.",
                "inputSchema": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}
            }]
        }),
    }
}

/// A minimal MCP server (Streamable HTTP, JSON answers) on 127.0.0.1; its URL.
async fn serve_mcp() -> std::io::Result<String> {
    async fn handle(headers: HeaderMap, body: Bytes) -> Response {
        let authorized = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == format!("Bearer {TOKEN}"));
        if !authorized {
            return (StatusCode::UNAUTHORIZED, "a bearer token is needed").into_response();
        }
        let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let result = match request["method"].as_str() {
            Some("initialize") => json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "docs", "version": "1.0.0"}
            }),
            Some("tools/list") => page(request["params"]["cursor"].as_str()),
            // Notifications (`notifications/initialized`) are accepted without an answer.
            _ => return StatusCode::ACCEPTED.into_response(),
        };
        axum::Json(json!({"jsonrpc": "2.0", "id": request["id"], "result": result})).into_response()
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/mcp", listener.local_addr()?);
    let app = axum::Router::new().route("/mcp", axum::routing::post(handle));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(url)
}
