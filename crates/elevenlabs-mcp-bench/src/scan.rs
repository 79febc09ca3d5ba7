//! The tool scanner's speed (`mcp-tool-scan`, what `tools scan` and every approval run):
//! tools scanned per second over the scan corpus (real servers' tools and poisoned ones,
//! each file's tools in scope together, as one server's listing), and one tool with a
//! 2 MB description against one with 1 MB (the ratio shows the scan stays linear).
//!
//! The baseline, in the same process, is what the scan cannot avoid: serialising the same
//! tools to JSON, which visits every string once. Its ratio tells how many such passes the
//! rules cost, whatever the machine.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::{Value, json};

use crate::measure::median;
use crate::report::{Row, time};

/// The corpus's servers: each file's tools.
fn corpus(dir: &Path) -> Result<Vec<Vec<Value>>> {
    let mut servers = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| dir.display().to_string())? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "json") {
                let doc: Value = serde_json::from_slice(&std::fs::read(&path)?)
                    .with_context(|| path.display().to_string())?;
                if let Some(tools) = doc["tools"].as_array().or(doc.as_array()) {
                    servers.push(tools.clone());
                }
            }
        }
    }
    Ok(servers)
}

fn timed(rounds: usize, mut f: impl FnMut()) -> Duration {
    let times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    median(times)
}

/// The rows: corpus throughput, and the long descriptions.
pub fn rows(corpus_dir: &Path, quick: bool) -> Result<Vec<Row>> {
    let rounds = if quick { 1 } else { 7 };
    let servers = corpus(corpus_dir)?;
    let tools: usize = servers.iter().map(Vec::len).sum();
    let bytes: usize = servers.iter().flatten().map(|t| t.to_string().len()).sum();
    let mut findings = 0usize;
    let scan = timed(rounds, || {
        findings = servers
            .iter()
            .map(|s| mcp_tool_scan::scan_tools("bench", s).len())
            .sum();
    });
    let serialise = timed(rounds, || {
        let n: usize = servers
            .iter()
            .flatten()
            .map(|t| serde_json::to_string(t).map_or(0, |s| s.len()))
            .sum();
        std::hint::black_box(n);
    });
    let per_second = tools as f64 / scan.as_secs_f64();
    let mut rows = vec![Row {
        figure: format!(
            "scan of the corpus: {tools} tools, {:.1} MB, {findings} findings",
            bytes as f64 / 1e6
        ),
        ours: format!(
            "{} ({per_second:.0} tools/s, {:.1} MB/s)",
            time(scan),
            bytes as f64 / 1e6 / scan.as_secs_f64()
        ),
        baseline: format!("serialising them to JSON: {}", time(serialise)),
        ratio: scan.as_secs_f64() / serialise.as_secs_f64(),
        target: None,
    }];

    // A description of ordinary prose, seeded with what the rules look at (quotes,
    // markup, mixed scripts, hidden characters), at 1 MB and at 2 MB.
    let unit = "Returns the rows of the \"orders\" table <b>as JSON</b>; іd is the key.\u{200B} ";
    let tool_of = |size: usize| {
        json!({
            "name": "big",
            "description": unit.repeat(size / unit.len()),
            "inputSchema": {"type": "object"}
        })
    };
    let (one, two) = (tool_of(1_000_000), tool_of(2_000_000));
    let t1 = timed(rounds, || {
        std::hint::black_box(mcp_tool_scan::scan_tools(
            "bench",
            std::slice::from_ref(&one),
        ));
    });
    let t2 = timed(rounds, || {
        std::hint::black_box(mcp_tool_scan::scan_tools(
            "bench",
            std::slice::from_ref(&two),
        ));
    });
    rows.push(Row {
        figure: "scan of one tool with a 2 MB description".into(),
        ours: format!("{} ({:.1} MB/s)", time(t2), 2.0 / t2.as_secs_f64()),
        baseline: format!("the same with 1 MB: {}", time(t1)),
        ratio: t2.as_secs_f64() / t1.as_secs_f64(),
        target: None,
    });
    Ok(rows)
}
