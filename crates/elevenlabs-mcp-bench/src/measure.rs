//! Timing: two subjects measured in alternation, so that drift in the machine's state
//! (frequency, cache, the other process) lands on both, and medians reported.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use tokio::task::JoinSet;

/// How much work each measurement does.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    /// Rounds per subject; the median is reported.
    pub rounds: usize,
    /// Sequential `get` calls per round.
    pub gets: usize,
    /// `list` calls per round.
    pub lists: usize,
    /// Calls per round in the in-flight measurement.
    pub in_flight_calls: usize,
    /// In-process decodes of the `list` body per decoder.
    pub decodes: usize,
}

/// The median time per call of two subjects.
#[derive(Debug, Clone, Copy)]
pub struct Pair {
    /// The subject under test.
    pub ours: Duration,
    /// The baseline.
    pub baseline: Duration,
}

impl Pair {
    /// How many times longer ours takes than the baseline.
    pub fn ratio(&self) -> f64 {
        self.ours.as_secs_f64() / self.baseline.as_secs_f64()
    }
}

/// Times `rounds × calls` sequential calls of each subject and reports each one's median call.
///
/// The subjects take turns call by call, the first of each pair alternating, so that drift in
/// the machine's state (frequency, cache, the server's core) lands on both alike. The median
/// of single calls keeps the calls that the VM's scheduler happens to stall, hundreds of
/// microseconds each and at random, from moving a figure whose whole gap is a few tens.
pub async fn sequential(
    rounds: usize,
    calls: usize,
    mut ours: impl AsyncFnMut() -> Result<()>,
    mut baseline: impl AsyncFnMut() -> Result<()>,
) -> Result<Pair> {
    async fn timed(f: &mut impl AsyncFnMut() -> Result<()>) -> Result<Duration> {
        let start = Instant::now();
        f().await?;
        Ok(start.elapsed())
    }
    for _ in 0..calls.div_ceil(4) {
        ours().await?;
        baseline().await?;
    }
    let total = rounds * calls;
    let (mut a, mut b) = (Vec::with_capacity(total), Vec::with_capacity(total));
    for i in 0..total {
        if i % 2 == 0 {
            a.push(timed(&mut ours).await?);
            b.push(timed(&mut baseline).await?);
        } else {
            b.push(timed(&mut baseline).await?);
            a.push(timed(&mut ours).await?);
        }
    }
    Ok(Pair {
        ours: median(a),
        baseline: median(b),
    })
}

/// A call that can be started many times from many tasks.
pub type Call<F> = Arc<dyn Fn() -> F + Send + Sync>;

/// Times `calls` calls of each subject per round, made by `width` tasks that each keep one
/// call in flight, so that `width` calls are outstanding at once.
pub async fn concurrent<A, B>(
    rounds: usize,
    calls: usize,
    width: usize,
    ours: Call<A>,
    baseline: Call<B>,
) -> Result<Pair>
where
    A: Future<Output = Result<()>> + Send + 'static,
    B: Future<Output = Result<()>> + Send + 'static,
{
    async fn round<F>(calls: usize, width: usize, call: &Call<F>) -> Result<Duration>
    where
        F: Future<Output = Result<()>> + Send + 'static,
    {
        let per_task = calls.div_ceil(width);
        let start = Instant::now();
        let mut tasks = JoinSet::new();
        for _ in 0..width {
            let call = call.clone();
            tasks.spawn(async move {
                for _ in 0..per_task {
                    call().await?;
                }
                Ok::<_, anyhow::Error>(())
            });
        }
        while let Some(done) = tasks.join_next().await {
            done??;
        }
        Ok(start.elapsed() / (per_task * width) as u32)
    }
    alternate(
        rounds,
        calls,
        async |n| round(n, width, &ours).await,
        async |n| round(n, width, &baseline).await,
    )
    .await
}

/// Runs one untimed warm-up round of each subject (a quarter of the calls), then `rounds`
/// timed rounds of each, alternating which goes first.
async fn alternate(
    rounds: usize,
    calls: usize,
    mut ours: impl AsyncFnMut(usize) -> Result<Duration>,
    mut baseline: impl AsyncFnMut(usize) -> Result<Duration>,
) -> Result<Pair> {
    ours(calls.div_ceil(4)).await?;
    baseline(calls.div_ceil(4)).await?;
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        if r % 2 == 0 {
            a.push(ours(calls).await?);
            b.push(baseline(calls).await?);
        } else {
            b.push(baseline(calls).await?);
            a.push(ours(calls).await?);
        }
    }
    Ok(Pair {
        ours: median(a),
        baseline: median(b),
    })
}

/// The middle sample (the upper one of an even count).
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}
