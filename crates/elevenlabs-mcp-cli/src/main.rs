//! `elevenlabs-mcp`: see the `elevenlabs_mcp_cli` library, whose `run` this is.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    elevenlabs_mcp_cli::run().await
}
