//! Lists the workspace's MCP servers and the tools each one exposes.
//!
//! ```sh
//! ELEVENLABS_API_KEY=… cargo run -p elevenlabs-mcp --example list_servers
//! ```

use elevenlabs_mcp::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    for server in client.mcp_servers().list().await? {
        println!("{}  {}", server.id, server.config.name);
        let tools = client.mcp_servers().tools(&server.id).list().await?;
        if !tools.success {
            println!(
                "    (tools unavailable: {})",
                tools.error_message.unwrap_or_default()
            );
        }
        for tool in tools.tools {
            println!("    - {}", tool.name);
        }
    }
    Ok(())
}
