//! The `elevenlabs-mcp` command at the service's pace: `apply` of a 100-server manifest
//! (each server with one approval and one tool config) and `tools audit` of those 100
//! servers, against the emulator limited to 8 calls in flight with 50 ms a call. The
//! baseline is the ideal the limit allows: the calls the command made × latency / limit
//! (for `apply`, also against the 401 calls the work needs at the least: one list, then a
//! create, a tools list, an approval and a tool config per server).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use elevenlabs_mcp_emulator::{Emulator, Fault, FaultRule};

use crate::report::{Row, Target};

const LIMIT: usize = 8;
const LATENCY: Duration = Duration::from_millis(50);
const KEY: &str = "sk_bench_cli";

/// The manifest: `servers` servers, each with one approval and one tool config.
fn manifest(servers: usize) -> String {
    let mut text = String::from("servers:\n");
    for i in 0..servers {
        text.push_str(&format!(
            "  - name: bench-{i:03}\n    url: https://mcp{i}.example.com/mcp\n    tool_approvals:\n      - {{tool: search_docs, policy: auto_approved}}\n    tool_configs:\n      - {{tool: search_docs, response_timeout_secs: 60}}\n"
        ));
    }
    text
}

/// Runs `cli` with `args` against `url`; how long it took.
fn run(cli: &Path, url: &str, dir: &Path, args: &[&str]) -> Result<Duration> {
    let started = Instant::now();
    let out = Command::new(cli)
        .args(args)
        .current_dir(dir)
        .env("ELEVENLABS_BASE_URL", url)
        .env("ELEVENLABS_API_KEY", KEY)
        .output()
        .with_context(|| format!("running {}", cli.display()))?;
    let took = started.elapsed();
    ensure!(
        out.status.success(),
        "`elevenlabs-mcp {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(took)
}

fn ideal(calls: usize) -> Duration {
    LATENCY * u32::try_from(calls).unwrap_or(u32::MAX) / u32::try_from(LIMIT).unwrap_or(1)
}

/// The rows: `apply` and `tools audit` against the ideal.
pub fn rows(cli: &Path, scratch: &Path, quick: bool) -> Result<Vec<Row>> {
    let servers = if quick { 10 } else { 100 };
    // The command runs in the scratch directory: its path must not be relative.
    let cli = &std::fs::canonicalize(cli).with_context(|| format!("{}", cli.display()))?;
    std::fs::create_dir_all(scratch)?;
    std::fs::write(scratch.join("servers.yaml"), manifest(servers))?;
    let _ = std::fs::remove_file(scratch.join("elevenlabs-mcp.lock"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let emulator = runtime.block_on(
        Emulator::builder()
            .concurrency_limit(LIMIT)
            .fault(FaultRule::all(Fault::Latency(LATENCY)))
            .start(),
    )?;
    let url = emulator.base_url();
    let mut rows = Vec::new();

    let mark = emulator.exchanges().len();
    let took = run(
        cli,
        &url,
        scratch,
        &["apply", "-f", "servers.yaml", "--yes"],
    )?;
    let calls = emulator.exchanges().len() - mark;
    let least = 1 + 4 * servers;
    let ideal_made = ideal(calls);
    rows.push(Row {
        figure: format!(
            "`apply` of {servers} servers (1 approval, 1 tool config each), limit {LIMIT}, {} ms a call: {calls} calls",
            LATENCY.as_millis()
        ),
        ours: format!("{:.2} s", took.as_secs_f64()),
        baseline: format!("ideal for those calls: {:.2} s", ideal_made.as_secs_f64()),
        ratio: took.as_secs_f64() / ideal_made.as_secs_f64(),
        target: Some(Target::AtMost(1.3)),
    });
    rows.push(Row {
        figure: format!("the same `apply`, against the {least} calls the work needs at the least"),
        ours: format!("{:.2} s", took.as_secs_f64()),
        baseline: format!("ideal: {:.2} s", ideal(least).as_secs_f64()),
        ratio: took.as_secs_f64() / ideal(least).as_secs_f64(),
        target: Some(Target::AtMost(1.3)),
    });

    run(cli, &url, scratch, &["tools", "pin"])?;
    let mark = emulator.exchanges().len();
    let took = run(cli, &url, scratch, &["tools", "audit"])?;
    let calls = emulator.exchanges().len() - mark;
    rows.push(Row {
        figure: format!(
            "`tools audit` of {servers} servers, limit {LIMIT}, {} ms a call: {calls} calls",
            LATENCY.as_millis()
        ),
        ours: format!("{:.2} s", took.as_secs_f64()),
        baseline: format!("ideal: {:.2} s", ideal(calls).as_secs_f64()),
        ratio: took.as_secs_f64() / ideal(calls).as_secs_f64(),
        target: Some(Target::AtMost(1.3)),
    });
    runtime.block_on(emulator.shutdown());
    Ok(rows)
}
