//! `elevenlabs-mcp`: every operation of the ElevenLabs MCP servers API from a shell, the
//! workspace's MCP servers as code (`pull`, `plan`, `apply`), and a tool drift audit
//! (`tools pin`, `tools audit`). Run `elevenlabs-mcp --help`.

mod ask;
mod audit;
mod ci;
mod cli;
mod commands;
mod connect;
mod error;
mod fields;
mod files;
mod manifest;
mod ops;
mod output;
mod pace;
mod probe;
mod progress;
mod resolve;
mod scan;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match commands::main().await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
