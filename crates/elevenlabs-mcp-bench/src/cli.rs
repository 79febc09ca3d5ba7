//! The `elevenlabs-mcp` command at the service's pace, against the emulator limited to 8
//! calls in flight with 50 ms a call:
//!
//! - `apply` of a 100-server manifest (each server with one approval and one tool config)
//!   against the ideal of the 401 one-step calls the work would take with one call per
//!   step (one list, then per server a create, a tools list, an approval and a tool
//!   config): only making fewer calls than it has steps gets below 1;
//! - `tools audit` of those 100 servers, against the ideal for the calls it made;
//! - two, then four, `apply` runs of *different* 50-server manifests started together:
//!   each must exit 0, their time against all their calls × latency / limit, and their
//!   429 answers against their calls;
//! - an `apply` of 50 servers beside a foreign load that keeps 4 plain GETs in flight
//!   (never retried, as another program of the workspace would): the apply must exit 0,
//!   and the share of the foreign load's calls refused is the figure.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use elevenlabs_mcp_emulator::{Emulator, Fault, FaultRule};

use crate::report::{Row, Target};

const LIMIT: usize = 8;
const LATENCY: Duration = Duration::from_millis(50);
const KEY: &str = "sk_bench_cli";
/// Calls in flight of the foreign load.
const FOREIGN: usize = 4;

/// The manifest: `servers` servers named `{team}-NNN`, each with one approval and one tool
/// config.
fn manifest(team: &str, servers: usize) -> String {
    let mut text = String::from("servers:\n");
    for i in 0..servers {
        text.push_str(&format!(
            "  - name: {team}-{i:03}\n    url: https://mcp{i}.{team}.example.com/mcp\n    tool_approvals:\n      - {{tool: search_docs, policy: auto_approved}}\n    tool_configs:\n      - {{tool: search_docs, response_timeout_secs: 60}}\n"
        ));
    }
    text
}

/// Starts `cli` with `args` against `url` in `dir`.
fn spawn(cli: &Path, url: &str, dir: &Path, args: &[&str]) -> Result<Child> {
    Command::new(cli)
        .args(args)
        .current_dir(dir)
        .env("ELEVENLABS_BASE_URL", url)
        .env("ELEVENLABS_API_KEY", KEY)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("running {}", cli.display()))
}

/// Waits for a run started by [`spawn`]; it must succeed.
fn finish(child: Child, what: &str) -> Result<()> {
    let out = child.wait_with_output()?;
    ensure!(
        out.status.success(),
        "`elevenlabs-mcp {what}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// Runs `cli` with `args` to the end; how long it took.
fn run(cli: &Path, url: &str, dir: &Path, args: &[&str]) -> Result<Duration> {
    let started = Instant::now();
    finish(spawn(cli, url, dir, args)?, &args.join(" "))?;
    Ok(started.elapsed())
}

fn ideal(calls: usize) -> Duration {
    LATENCY * u32::try_from(calls).unwrap_or(u32::MAX) / u32::try_from(LIMIT).unwrap_or(1)
}

/// The rows: the command alone, runs that overlap, and a run beside a foreign load.
pub fn rows(cli: &Path, scratch: &Path, quick: bool) -> Result<Vec<Row>> {
    let servers = if quick { 10 } else { 100 };
    let team = if quick { 5 } else { 50 };
    // The command runs in the scratch directory: its path must not be relative.
    let cli = &std::fs::canonicalize(cli).with_context(|| format!("{}", cli.display()))?;
    std::fs::create_dir_all(scratch)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let bench = Bench {
        cli,
        scratch,
        runtime: &runtime,
    };
    let mut rows = bench.alone(servers)?;
    for runs in [2, 4] {
        rows.extend(bench.together(runs, team)?);
    }
    rows.push(bench.beside_a_foreign_load(team)?);
    Ok(rows)
}

struct Bench<'a> {
    cli: &'a Path,
    scratch: &'a Path,
    runtime: &'a tokio::runtime::Runtime,
}

impl Bench<'_> {
    /// A fresh workspace: an emulator at the limit and latency of every row.
    fn emulator(&self) -> Result<Emulator> {
        Ok(self.runtime.block_on(
            Emulator::builder()
                .concurrency_limit(LIMIT)
                .fault(FaultRule::all(Fault::Latency(LATENCY)))
                .start(),
        )?)
    }

    /// A directory with the manifest of `team`, `servers` servers.
    fn team_dir(&self, team: &str, servers: usize) -> Result<std::path::PathBuf> {
        let dir = self.scratch.join(team);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("servers.yaml"), manifest(team, servers))?;
        let _ = std::fs::remove_file(dir.join("elevenlabs-mcp.lock"));
        Ok(dir)
    }

    /// `apply` and `tools audit` alone in the workspace.
    fn alone(&self, servers: usize) -> Result<Vec<Row>> {
        let emulator = self.emulator()?;
        let url = emulator.base_url();
        let dir = self.team_dir("bench", servers)?;
        let mut rows = Vec::new();
        let took = run(
            self.cli,
            &url,
            &dir,
            &["apply", "-f", "servers.yaml", "--yes"],
        )?;
        let calls = emulator.exchanges().len();
        let steps = 1 + 4 * servers;
        rows.push(Row {
            figure: format!(
                "`apply` of {servers} servers (1 approval, 1 tool config each), limit {LIMIT}, {} ms a call: {calls} calls for {steps} steps",
                LATENCY.as_millis()
            ),
            ours: format!("{:.2} s", took.as_secs_f64()),
            baseline: format!(
                "ideal for {steps} one-step calls: {:.2} s",
                ideal(steps).as_secs_f64()
            ),
            ratio: took.as_secs_f64() / ideal(steps).as_secs_f64(),
            target: Some(Target::AtMost(0.85)),
        });
        rows.push(Row {
            figure: format!("the same `apply`, against the ideal for the {calls} calls it made"),
            ours: format!("{:.2} s", took.as_secs_f64()),
            baseline: format!("ideal: {:.2} s", ideal(calls).as_secs_f64()),
            ratio: took.as_secs_f64() / ideal(calls).as_secs_f64(),
            target: Some(Target::AtMost(1.3)),
        });

        run(self.cli, &url, &dir, &["tools", "pin"])?;
        let mark = emulator.exchanges().len();
        let took = run(self.cli, &url, &dir, &["tools", "audit"])?;
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
        self.runtime.block_on(emulator.shutdown());
        Ok(rows)
    }

    /// `runs` applies of different manifests of `servers` servers each, started together.
    fn together(&self, runs: usize, servers: usize) -> Result<[Row; 2]> {
        let emulator = self.emulator()?;
        let url = emulator.base_url();
        let dirs: Vec<_> = (0..runs)
            .map(|i| self.team_dir(&format!("team{i}"), servers))
            .collect::<Result<_>>()?;
        let started = Instant::now();
        let children: Vec<Child> = dirs
            .iter()
            .map(|dir| {
                spawn(
                    self.cli,
                    &url,
                    dir,
                    &["apply", "-f", "servers.yaml", "--yes"],
                )
            })
            .collect::<Result<_>>()?;
        for child in children {
            finish(child, "apply (overlapping)")?;
        }
        let took = started.elapsed();
        let exchanges = emulator.exchanges();
        let refused = exchanges.iter().filter(|x| x.status == 429).count();
        let calls = exchanges.len() - refused;
        self.runtime.block_on(emulator.shutdown());
        Ok([
            Row {
                figure: format!(
                    "{runs} `apply` runs of different {servers}-server manifests at once, limit {LIMIT}, {} ms a call: {calls} calls answered, every run exits 0",
                    LATENCY.as_millis()
                ),
                ours: format!("{:.2} s", took.as_secs_f64()),
                baseline: format!(
                    "ideal for all their calls: {:.2} s",
                    ideal(calls).as_secs_f64()
                ),
                ratio: took.as_secs_f64() / ideal(calls).as_secs_f64(),
                target: Some(Target::AtMost(1.3)),
            },
            Row {
                figure: format!("the same {runs} runs: answers 429 against calls answered"),
                ours: format!("{refused} answers 429"),
                baseline: format!("{calls} calls"),
                ratio: refused as f64 / calls.max(1) as f64,
                target: Some(Target::AtMost(0.1)),
            },
        ])
    }

    /// An apply beside another user of the workspace keeping `FOREIGN` GETs in flight.
    fn beside_a_foreign_load(&self, servers: usize) -> Result<Row> {
        let emulator = self.emulator()?;
        let url = emulator.base_url();
        let dir = self.team_dir("beside", servers)?;
        let stop = Arc::new(AtomicBool::new(false));
        let (sent, refused) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let http = reqwest::Client::new();
        // Any GET the API answers: the list of the workspace, empty when the load starts.
        let list = format!("{url}/v1/convai/mcp-servers/does-not-exist");
        let load: Vec<_> = (0..FOREIGN)
            .map(|_| {
                let (http, list) = (http.clone(), list.clone());
                let (stop, sent, refused) = (stop.clone(), sent.clone(), refused.clone());
                self.runtime.spawn(async move {
                    while !stop.load(Ordering::SeqCst) {
                        let answer = http.get(&list).header("xi-api-key", KEY).send().await;
                        sent.fetch_add(1, Ordering::SeqCst);
                        if answer.is_ok_and(|a| a.status() == 429) {
                            refused.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                })
            })
            .collect();
        // The load first has the workspace to itself for a moment, as production would.
        std::thread::sleep(LATENCY * 4);
        let before = (sent.load(Ordering::SeqCst), refused.load(Ordering::SeqCst));
        let took = run(
            self.cli,
            &url,
            &dir,
            &["apply", "-f", "servers.yaml", "--yes"],
        );
        let during = (
            sent.load(Ordering::SeqCst) - before.0,
            refused.load(Ordering::SeqCst) - before.1,
        );
        stop.store(true, Ordering::SeqCst);
        for task in load {
            let _ = self.runtime.block_on(task);
        }
        self.runtime.block_on(emulator.shutdown());
        let took = took?;
        Ok(Row {
            figure: format!(
                "`apply` of {servers} servers ({:.2} s, exits 0) beside another user keeping {FOREIGN} GETs in flight: that user's calls refused while it ran",
                took.as_secs_f64()
            ),
            ours: format!("{} refused", during.1),
            baseline: format!("{} calls", during.0),
            ratio: during.1 as f64 / during.0.max(1) as f64,
            target: Some(Target::AtMost(0.05)),
        })
    }
}
