//! Many calls started at once against a workspace limited to a few in flight: 1,000 `get`s
//! and 200 `create`s together, against the emulator with a limit of 8 and 20 ms per call.
//! The ideal is `calls × latency / limit`. For each subject (this client as configured by
//! default, the same with its limiter off, and the vendor's SDKs): the time as a multiple of
//! the ideal, the 429s the emulator answered, the calls that failed, and creates that made a
//! second server.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use elevenlabs_mcp::{Client, McpServerConfig};
use elevenlabs_mcp_emulator::{Emulator, Fault, FaultRule};
use tokio::task::JoinSet;

use crate::report::{Row, Target};
use crate::vendor::VendorSdk;

/// The workspace's limit of requests in flight.
pub const LIMIT: usize = 8;
/// What every call costs on the emulator.
pub const LATENCY: Duration = Duration::from_millis(20);
const KEY: &str = "sk_bench_burst";

/// How many calls of each kind.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub gets: usize,
    pub creates: usize,
}

/// One subject's run.
#[derive(Debug)]
struct Outcome {
    subject: String,
    took: Duration,
    rejected: usize,
    failed: u64,
    duplicated: usize,
}

async fn ours(client: &Client, id: &str, counts: Counts, prefix: &str) -> (Duration, u64) {
    let mut calls = JoinSet::new();
    let start = Instant::now();
    for _ in 0..counts.gets {
        let (client, id) = (client.clone(), id.to_owned());
        calls.spawn(async move { client.mcp_servers().get(&id).await.map(drop) });
    }
    for i in 0..counts.creates {
        let client = client.clone();
        let config = McpServerConfig::new(format!("{prefix}{i}"), "https://mcp.example.com/mcp");
        calls.spawn(async move { client.mcp_servers().create(config).await.map(drop) });
    }
    let mut failed = 0;
    while let Some(done) = calls.join_next().await {
        if !matches!(done, Ok(Ok(()))) {
            failed += 1;
        }
    }
    (start.elapsed(), failed)
}

/// Servers whose name starts with `prefix` and that exist more than once, counted past the
/// first.
async fn duplicates(client: &Client, prefix: &str) -> Result<usize> {
    let servers = client.mcp_servers().list().max_retries(10).await?;
    let mut names: Vec<&str> = servers
        .iter()
        .map(|s| s.config.name.as_str())
        .filter(|n| n.starts_with(prefix))
        .collect();
    let all = names.len();
    names.sort_unstable();
    names.dedup();
    Ok(all - names.len())
}

/// Runs every subject against one emulator and returns the rows.
pub fn rows(counts: Counts, vendors: &[VendorSdk]) -> Result<Vec<Row>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let emulator = Emulator::builder()
            .concurrency_limit(LIMIT)
            .fault(FaultRule::all(Fault::Latency(LATENCY)))
            .start()
            .await?;
        let url = emulator.base_url();
        let client = |limiter: bool| {
            let builder = Client::builder().api_key(KEY).base_url(&url);
            let builder = if limiter {
                builder
            } else {
                builder.max_concurrency(None)
            };
            builder.build()
        };
        let default = client(true)?;
        let target = default
            .mcp_servers()
            .create(McpServerConfig::new(
                "burst target",
                "https://mcp.example.com/mcp",
            ))
            .await?;
        let mut outcomes = Vec::new();
        let rejected_since = |mark: usize| {
            emulator
                .exchanges()
                .iter()
                .skip(mark)
                .filter(|x| x.status == 429)
                .count()
        };
        for (subject, limiter) in [
            ("elevenlabs-mcp, default settings", true),
            ("elevenlabs-mcp, limiter off", false),
        ] {
            let prefix = format!("burst {subject} ");
            let mark = emulator.exchanges().len();
            let (took, failed) = ours(&client(limiter)?, &target.id, counts, &prefix).await;
            outcomes.push(Outcome {
                subject: subject.to_owned(),
                took,
                rejected: rejected_since(mark),
                failed,
                duplicated: duplicates(&default, &prefix).await?,
            });
        }
        for (n, sdk) in vendors.iter().enumerate() {
            let prefix = format!("burst vendor {n} ");
            let mark = emulator.exchanges().len();
            let (url, id) = (url.clone(), target.id.clone());
            let sdk = sdk.clone();
            let prefix_arg = prefix.clone();
            let result = tokio::task::spawn_blocking(move || {
                sdk.burst(&url, KEY, &id, counts.gets, counts.creates, &prefix_arg)
            })
            .await
            .context("the vendor run panicked")??;
            outcomes.push(Outcome {
                subject: result.sdk,
                took: result.took,
                rejected: rejected_since(mark),
                failed: result.failed,
                duplicated: duplicates(&default, &prefix).await?,
            });
        }
        emulator.shutdown().await;
        let calls = (counts.gets + counts.creates) as f64;
        let ideal = LATENCY.as_secs_f64() * calls / LIMIT as f64;
        Ok(outcomes
            .into_iter()
            .enumerate()
            .map(|(i, o)| Row {
                figure: format!(
                    "{} `get`s + {} `create`s at once, limit {LIMIT}, {} ms a call: {}",
                    counts.gets,
                    counts.creates,
                    LATENCY.as_millis(),
                    o.subject
                ),
                ours: format!(
                    "{:.2} s; 429s: {}; failed: {}; duplicated creates: {}",
                    o.took.as_secs_f64(),
                    o.rejected,
                    o.failed,
                    o.duplicated
                ),
                baseline: format!("ideal {ideal:.2} s"),
                ratio: o.took.as_secs_f64() / ideal,
                target: (i == 0).then_some(Target::AtMost(1.15)),
            })
            .collect())
    })
}
