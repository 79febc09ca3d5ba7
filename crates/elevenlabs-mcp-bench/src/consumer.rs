//! What depending on elevenlabs-mcp adds to a user's build: a clean release build of a
//! minimal binary that lists the workspace's servers through the client, against the same
//! binary doing the request through `reqwest` alone, with the TLS stack the client's default
//! `rustls` feature uses (reqwest's `rustls`: rustls, aws-lc-rs, the platform verifier). Both are resolved from this
//! workspace's `Cargo.lock` and fetched before the clock starts, and built one after the
//! other with the same settings.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

const REQWEST_ONLY_MAIN: &str = r#"
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let http = reqwest::Client::new();
    let base = std::env::var("ELEVENLABS_BASE_URL")?;
    let servers: serde_json::Value = http
        .get(format!("{base}LIST_PATH"))
        .header("xi-api-key", std::env::var("ELEVENLABS_API_KEY")?)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("{}", servers["mcp_servers"].as_array().map_or(0, Vec::len));
    Ok(())
}
"#;

const SDK_MAIN: &str = r#"
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = elevenlabs_mcp::Client::from_env()?;
    println!("{}", client.mcp_servers().list().await?.len());
    Ok(())
}
"#;

/// The two clean build times.
#[derive(Debug, Clone, Copy)]
pub struct BuildTimes {
    /// The binary that depends on elevenlabs-mcp.
    pub sdk: Duration,
    /// The binary that depends on reqwest alone.
    pub reqwest_only: Duration,
}

/// Writes both crates under `root` and times a clean release build of each.
pub fn measure(workspace: &Path, root: &Path) -> Result<BuildTimes> {
    let sdk_path = workspace.join("crates/elevenlabs-mcp");
    let tokio =
        r#"tokio = { version = "1", default-features = false, features = ["rt", "macros"] }"#;
    let reqwest_only = write_crate(
        workspace,
        &root.join("reqwest-only"),
        &format!(
            "reqwest = {{ version = \"0.13.4\", default-features = false, features = [\"rustls\", \"json\"] }}\n\
             serde_json = \"1\"\n{tokio}\n"
        ),
        // The route comes from the operation table, like every other in the workspace.
        &REQWEST_ONLY_MAIN.replace(
            "LIST_PATH",
            elevenlabs_mcp::Operation::McpServersList.path_template(),
        ),
    )?;
    let sdk = write_crate(
        workspace,
        &root.join("with-elevenlabs-mcp"),
        &format!(
            "elevenlabs-mcp = {{ path = {:?} }}\n{tokio}\n",
            sdk_path.display().to_string()
        ),
        SDK_MAIN,
    )?;
    Ok(BuildTimes {
        reqwest_only: clean_build(&reqwest_only)?,
        sdk: clean_build(&sdk)?,
    })
}

fn write_crate(workspace: &Path, dir: &Path, dependencies: &str, main: &str) -> Result<PathBuf> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("src"))?;
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .context("crate directory name")?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             # Not part of the elevenlabs-mcp workspace above it.\n[workspace]\n\n[dependencies]\n{dependencies}"
        ),
    )?;
    std::fs::write(dir.join("src/main.rs"), main)?;
    // The same versions as the workspace, so the comparison is not about resolution luck.
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    cargo(dir, &["fetch", "--quiet"])?;
    Ok(dir.to_path_buf())
}

fn clean_build(dir: &Path) -> Result<Duration> {
    let _ = std::fs::remove_dir_all(dir.join("target"));
    let start = Instant::now();
    cargo(dir, &["build", "--release", "--quiet", "--offline"])?;
    Ok(start.elapsed())
}

fn cargo(dir: &Path, args: &[&str]) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(args)
        .current_dir(dir)
        // Our own build's settings must not leak into the measured builds.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .with_context(|| format!("running cargo {} in {}", args.join(" "), dir.display()))?;
    if !status.success() {
        bail!("cargo {} failed in {}", args.join(" "), dir.display());
    }
    Ok(())
}
