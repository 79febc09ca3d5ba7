//! Registers a remote MCP server, approves its tools as the server lists them and gives one
//! a longer timeout; prints the server's id.
//!
//! ```sh
//! ELEVENLABS_API_KEY=… cargo run -p elevenlabs-mcp --example register_server -- https://mcp.example.com/mcp
//! ```

use elevenlabs_mcp::{
    ApprovalPolicy, Client, Error, McpServerConfig, ToolApproval, ToolConfigOverride, Transport,
};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "https://mcp.example.com/mcp".to_owned());
    let client = Client::from_env()?;
    let servers = client.mcp_servers();

    let server = servers
        .create(
            McpServerConfig::new("Docs search", url)
                .transport(Transport::StreamableHttp)
                .approval_policy(ApprovalPolicy::RequireApprovalPerTool),
        )
        .await?;
    let tools = servers.tools(&server.id).list().await?;
    for tool in &tools.tools {
        // Name, description and input schema, as listed: the service hashes them.
        servers
            .tool_approvals(&server.id)
            .create(ToolApproval::from(tool))
            .await?;
    }
    servers
        .tool_configs(&server.id)
        .create(ToolConfigOverride::new("search").response_timeout_secs(60))
        .await?;
    println!("{}", server.id);
    Ok(())
}
