//! What each kind of failure looks like, and how to tell them apart.
//!
//! ```sh
//! ELEVENLABS_API_KEY=… cargo run -p elevenlabs-mcp --example handle_errors -- SERVER_ID TOOL
//! ```

use std::time::Duration;

use elevenlabs_mcp::{Client, Error, ToolConfigOverrideUpdate, location};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let id = args.next().unwrap_or_else(|| "mcp_missing".to_owned());
    let tool = args.next().unwrap_or_else(|| "search".to_owned());
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(e) => return eprintln!("{e}"),
    };
    let result = client
        .mcp_servers()
        .tool_configs(&id)
        .update(
            &tool,
            ToolConfigOverrideUpdate::new().response_timeout_secs(45),
        )
        .timeout(Duration::from_secs(10))
        .await;
    match result {
        Ok(server) => println!("updated {}", server.id),
        Err(e) if e.is_not_found() => {
            println!("no override for `{tool}` on `{id}`: create it first")
        }
        Err(e) if e.is_rate_limited() => {
            let wait = e.api().and_then(|a| a.retry_after);
            println!("still rate limited after retries; the service asks for {wait:?}");
        }
        Err(Error::Api(api)) => {
            let issues = api.validation_errors();
            if issues.is_empty() {
                println!("{api} (request id {:?})", api.request_id);
            }
            for issue in issues {
                println!("invalid: {}: {}", location(issue), issue.msg);
            }
        }
        Err(e @ Error::InvalidInput { .. }) => println!("refused before sending: {e}"),
        Err(e) => println!("{e}"),
    }
}
