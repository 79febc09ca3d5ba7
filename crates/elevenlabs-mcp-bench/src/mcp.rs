//! Listing a 1,000-tool MCP server (10 pages of 100), on each transport: this project's
//! MCP client (`mcp-tools-client`, what the emulator and the CLI connect with) against the
//! Python MCP SDK's own client, on the same server: the test server of the CLI's tests
//! (`crates/elevenlabs-mcp-cli/tests/peers/vetted_server.py`, on the Python SDK), started
//! on 127.0.0.1 for the measurement and stopped after it.
//!
//! Each client makes a fresh connection per listing (`initialize`, then every page), as a
//! host does when it lists a registered server. Time is the median of the rounds; memory
//! is the peak heap a listing allocated (this process's counting allocator for ours,
//! `tracemalloc` for Python's).

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use mcp_tools_client::{Listing, Transport};

use crate::measure::median;
use crate::report::{Row, Target, mib, time};

const PAGES: usize = 10;
const PER_PAGE: usize = 100;

/// The server, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The rows, with `python` the venv's interpreter (with the `mcp` SDK).
pub fn rows(python: &Path, quick: bool) -> Result<Vec<Row>> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let server_script = workspace.join("crates/elevenlabs-mcp-cli/tests/peers/vetted_server.py");
    let client_script = workspace.join("crates/elevenlabs-mcp-bench/vendor/mcp_list.py");
    let rounds = if quick { 1 } else { 7 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let mut rows = Vec::new();
    for (transport, sdk_name, path) in [
        (Transport::Sse, "sse", "/sse"),
        (Transport::StreamableHttp, "streamable-http", "/mcp"),
    ] {
        let port = free_port()?;
        let _server = Server(
            Command::new(python)
                .arg(&server_script)
                .args([sdk_name, &port.to_string()])
                .args([
                    "--pages",
                    &PAGES.to_string(),
                    "--tools-per-page",
                    &PER_PAGE.to_string(),
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn()
                .context("starting the Python MCP server")?,
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            ensure!(Instant::now() < deadline, "the MCP server did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        let url = format!("http://127.0.0.1:{port}{path}");
        let listing = Listing::new(url.clone()).transport(transport);
        let once = || -> Result<usize> {
            let listed = runtime.block_on(listing.list_tools())?;
            Ok(listed.tools.len())
        };
        ensure!(once()? == PAGES * PER_PAGE, "every tool is listed");
        let mut times = Vec::new();
        for _ in 0..rounds {
            let started = Instant::now();
            once()?;
            times.push(started.elapsed());
        }
        let ours = median(times);
        let (listed, peak) = crate::alloc::peak_during(once);
        listed?;

        let out = Command::new(python)
            .arg(&client_script)
            .args([sdk_name, &url, &rounds.to_string()])
            .output()
            .context("running the Python SDK's client")?;
        ensure!(
            out.status.success(),
            "the Python SDK's client failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let theirs: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        ensure!(
            theirs["tools"].as_u64() == Some((PAGES * PER_PAGE) as u64),
            "the Python client listed {}",
            theirs["tools"]
        );
        let their_time = Duration::from_secs_f64(theirs["median_s"].as_f64().unwrap_or(0.0));
        let their_peak = theirs["peak_bytes"].as_u64().unwrap_or(0) as usize;
        let name = match transport {
            Transport::Sse => "SSE",
            _ => "Streamable HTTP",
        };
        rows.push(Row {
            figure: format!(
                "listing a {}-tool server ({PAGES} pages), {name}: time",
                PAGES * PER_PAGE
            ),
            ours: time(ours),
            baseline: format!("Python MCP SDK's client: {}", time(their_time)),
            ratio: ours.as_secs_f64() / their_time.as_secs_f64().max(1e-9),
            target: Some(Target::Below(1.0)),
        });
        rows.push(Row {
            figure: format!("the same listing, {name}: peak heap of one listing"),
            ours: mib(peak),
            baseline: format!("Python MCP SDK's client: {}", mib(their_peak)),
            ratio: peak as f64 / their_peak.max(1) as f64,
            target: None,
        });
    }
    Ok(rows)
}
