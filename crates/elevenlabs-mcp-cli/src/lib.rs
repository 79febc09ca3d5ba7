//! `elevenlabs-mcp`: every operation of the ElevenLabs MCP servers API from a shell, the
//! workspace's MCP servers as code (`pull`, `plan`, `apply`), and a tool drift audit
//! (`tools pin`, `tools audit`) and a scan for poisoned tools (`tools scan`). Run
//! `elevenlabs-mcp --help`.
//!
//! The command is this library's [`run`], which the binary calls. Nothing else
//! here is public: the command line is the interface. The fuzz targets in `fuzz/` reach
//! the readers of manifests and lock files through a module that exists only in their
//! builds (`cfg(fuzzing)`).

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
mod scan_file;

/// Runs the command with the process's arguments, as `elevenlabs-mcp` does: an error is
/// printed on standard error after `error:` and exits 1; usage errors exit through clap.
pub async fn run() -> std::process::ExitCode {
    match commands::main().await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(fuzzing)]
pub mod fuzzing;
