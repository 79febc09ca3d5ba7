//! The emulator's state file under load: creates per second through the client, with 32
//! clients writing at once, against an emulator binary started with `--state` (every write
//! flushed to disk before it is answered), as the workspace grows from empty to 2,000
//! servers. The rate near 100 servers and near 2,000 should be about the same: a write must
//! not cost more in a bigger workspace.
//!
//! `--emulator PATH` names the binary, so the same measurement can run against an older
//! build (BENCHMARKS.md compares the journal with the whole-file rewrite it replaced).

use std::ffi::OsStr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use elevenlabs_mcp::{Client, McpServerConfig};
use elevenlabs_mcp_emulator::Process;

use crate::report::{Row, Target};

/// Clients writing at once.
const WRITERS: usize = 32;

/// The running emulator binary; killed when dropped.
/// Starts `emulator` with a fresh state file.
fn start(emulator: &Path, state: &Path) -> Result<Process> {
    let _ = std::fs::remove_file(state);
    let args = [
        OsStr::new("--port"),
        OsStr::new("0"),
        OsStr::new("--state"),
        state.as_os_str(),
    ];
    Process::spawn(emulator, args).with_context(|| format!("starting {}", emulator.display()))
}

/// Creates per second over each window `(from, to)` of the workspace's size.
pub fn measure(emulator: &Path, scratch: &Path, windows: &[(usize, usize)]) -> Result<Vec<f64>> {
    std::fs::create_dir_all(scratch)?;
    let state = scratch.join("state.jsonl");
    let running = start(emulator, &state)?;
    let url = running.base_url().to_owned();
    let total = windows.iter().map(|w| w.1).max().unwrap_or(0);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let client = Client::builder()
        .api_key("sk_bench_store")
        .base_url(&url)
        .build()?;
    let created = Arc::new(AtomicUsize::new(0));
    // When the workspace reached each size (index = size).
    let reached = Arc::new(std::sync::Mutex::new(vec![
        None::<Instant>;
        total + WRITERS + 1
    ]));
    runtime.block_on(async {
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (client, created, reached) = (client.clone(), created.clone(), reached.clone());
                tokio::spawn(async move {
                    while created.load(Ordering::Relaxed) < total {
                        let config = McpServerConfig::new(
                            format!("bench {w}"),
                            "https://mcp.example.com/mcp",
                        );
                        client.mcp_servers().create(config).await?;
                        let n = created.fetch_add(1, Ordering::Relaxed) + 1;
                        if let Ok(mut at) = reached.lock()
                            && let Some(slot) = at.get_mut(n)
                        {
                            *slot = Some(Instant::now());
                        }
                    }
                    Ok::<(), elevenlabs_mcp::Error>(())
                })
            })
            .collect();
        for writer in writers {
            writer.await.context("a writer panicked")??;
        }
        Ok::<(), anyhow::Error>(())
    })?;
    let at = reached.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
    windows
        .iter()
        .map(|&(from, to)| {
            let start = at
                .get(from.max(1))
                .copied()
                .flatten()
                .context("window start")?;
            let end = at.get(to).copied().flatten().context("window end")?;
            let took = end
                .saturating_duration_since(start)
                .max(Duration::from_micros(1));
            Ok((to - from.max(1)) as f64 / took.as_secs_f64())
        })
        .collect()
}

/// The rows: the rate near 1,000 servers, and near 2,000 against near 100.
pub fn rows(emulator: &Path, scratch: &Path, quick: bool) -> Result<Vec<Row>> {
    let windows: &[(usize, usize)] = if quick {
        &[(0, 40), (40, 80), (80, 120)]
    } else {
        &[(0, 100), (900, 1_000), (1_900, 2_000)]
    };
    let rates = measure(emulator, scratch, windows)?;
    let label = |w: (usize, usize)| format!("{}–{} servers", w.0, w.1);
    Ok(vec![
        Row {
            figure: format!(
                "emulator `--state`: creates/s, {WRITERS} writers, {}",
                label(windows[1])
            ),
            ours: format!("{:.0} creates/s", rates[1]),
            baseline: format!(
                "the same at {}: {:.0} creates/s",
                label(windows[0]),
                rates[0]
            ),
            ratio: rates[1] / rates[0],
            target: None,
        },
        Row {
            figure: format!(
                "emulator `--state`: creates/s at {} against {}",
                label(windows[2]),
                label(windows[0])
            ),
            ours: format!("{:.0} creates/s", rates[2]),
            baseline: format!("{:.0} creates/s", rates[0]),
            ratio: rates[2] / rates[0],
            target: Some(Target::AtLeast(0.8)),
        },
    ])
}
