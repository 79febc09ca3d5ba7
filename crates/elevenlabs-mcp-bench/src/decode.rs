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

/// Times `rounds` decodes of each kind for each body, all taking turns in one loop so that
/// drift and the heap's state land on every figure alike, after checking that the typed
/// decode reads every server of each body.
pub fn measure<const N: usize>(
    bodies: [&[u8]; N],
    servers: usize,
    rounds: usize,
) -> Result<[Decodes; N]> {
    for body in bodies {
        let list: McpServerList = decode(body)?;
        ensure!(
            list.mcp_servers.len() == servers,
            "the typed decode lost servers"
        );
    }
    let mut samples: [[Vec<Duration>; 3]; N] = std::array::from_fn(|_| Default::default());
    for _ in 0..rounds {
        for (body, [typed, value, parse_only]) in bodies.iter().zip(samples.iter_mut()) {
            typed.push(timed(|| Ok(decode::<McpServerList>(body)?))?);
            value.push(timed(|| {
                Ok(serde_json::from_slice::<serde_json::Value>(body)?)
            })?);
            parse_only.push(timed(|| {
                Ok(serde_json::from_slice::<serde::de::IgnoredAny>(body)?)
            })?);
        }
    }
    Ok(samples.map(|[typed, value, parse_only]| Decodes {
        typed: median(typed),
        value: median(value),
        parse_only: median(parse_only),
    }))
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

/// The types' liberal decode (what any format gets) under serde_json and two SIMD parsers.
#[cfg(feature = "simd-parsers")]
#[derive(Debug, Clone, Copy)]
pub struct Parsers {
    /// `serde_json::from_slice`.
    pub serde_json: Duration,
    /// `sonic_rs::from_slice`.
    pub sonic_rs: Duration,
    /// `simd_json::serde::from_slice`, on a copy of the body (it parses in place), the copy
    /// timed too.
    pub simd_json: Duration,
}

/// Times `rounds` decodes of `body` by each parser, taking turns.
#[cfg(feature = "simd-parsers")]
pub fn parsers(body: &[u8], servers: usize, rounds: usize) -> Result<Parsers> {
    let mut copy = body.to_vec();
    let sonic: McpServerList = sonic_rs::from_slice(body)?;
    let simd: McpServerList = simd_json::serde::from_slice(&mut copy)?;
    ensure!(
        sonic.mcp_servers.len() == servers && simd.mcp_servers.len() == servers,
        "a SIMD parser lost servers"
    );
    let (mut serde, mut sonic, mut simd) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        serde.push(timed(|| {
            Ok(serde_json::from_slice::<McpServerList>(body)?)
        })?);
        sonic.push(timed(|| Ok(sonic_rs::from_slice::<McpServerList>(body)?))?);
        simd.push(timed(|| {
            let mut copy = body.to_vec();
            Ok(simd_json::serde::from_slice::<McpServerList>(&mut copy)?)
        })?);
    }
    Ok(Parsers {
        serde_json: median(serde),
        sonic_rs: median(sonic),
        simd_json: median(simd),
    })
}
