//! Decoding the `list` body in process, with no network: the client's typed decode beside
//! building an untyped `serde_json::Value` and parsing without keeping anything
//! (`serde::de::IgnoredAny`), the floor any decoder of these bytes stands on.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use elevenlabs_mcp::{McpServerList, decode};

use crate::measure::median;

/// The median time of one decode of `body` by each of the three decoders.
#[derive(Debug, Clone, Copy)]
pub struct Decodes {
    /// Into the client's typed records, through the client's own `decode`.
    pub typed: Duration,
    /// Into an untyped `serde_json::Value`.
    pub value: Duration,
    /// Parsed and dropped: `serde::de::IgnoredAny`.
    pub parse_only: Duration,
}

/// Times `rounds` decodes of each kind, taking turns so that drift lands on all three, after
/// checking that the typed decode read every server.
pub fn measure(body: &[u8], servers: usize, rounds: usize) -> Result<Decodes> {
    let list: McpServerList = decode(body)?;
    ensure!(
        list.mcp_servers.len() == servers,
        "the typed decode lost servers"
    );
    let (mut typed, mut value, mut parse_only) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        typed.push(timed(|| Ok(decode::<McpServerList>(body)?))?);
        value.push(timed(|| {
            Ok(serde_json::from_slice::<serde_json::Value>(body)?)
        })?);
        parse_only.push(timed(|| {
            Ok(serde_json::from_slice::<serde::de::IgnoredAny>(body)?)
        })?);
    }
    Ok(Decodes {
        typed: median(typed),
        value: median(value),
        parse_only: median(parse_only),
    })
}

/// How long one decode takes, its result dropped outside the timing as a caller keeps it
/// and drops it later.
fn timed<T>(decode: impl FnOnce() -> Result<T>) -> Result<Duration> {
    let start = Instant::now();
    let decoded = black_box(decode()?);
    let elapsed = start.elapsed();
    drop(decoded);
    Ok(elapsed)
}
