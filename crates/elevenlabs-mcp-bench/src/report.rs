//! The results as a Markdown table, the form BENCHMARKS.md keeps.

use std::fmt::{self, Write};
use std::time::Duration;

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// What was measured.
    pub figure: String,
    /// elevenlabs-mcp's figure, formatted.
    pub ours: String,
    /// What it is compared with, and that figure, formatted.
    pub baseline: String,
    /// The ratio, oriented as the target states it.
    pub ratio: f64,
    /// The target for this ratio, if it has one.
    pub target: Option<Target>,
}

/// A bound on a ratio.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// The ratio must be at most this.
    AtMost(f64),
    /// The ratio must be below this.
    Below(f64),
    /// The ratio must be at least this.
    AtLeast(f64),
}

impl Target {
    /// Whether `ratio` meets the target.
    pub fn holds(self, ratio: f64) -> bool {
        match self {
            Self::AtMost(t) => ratio <= t,
            Self::Below(t) => ratio < t,
            Self::AtLeast(t) => ratio >= t,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AtMost(t) => write!(f, "≤ {t:.2}"),
            Self::Below(t) => write!(f, "< {t:.2}"),
            Self::AtLeast(t) if *t < 10.0 => write!(f, "≥ {t:.2}"),
            Self::AtLeast(t) => write!(f, "≥ {t:.0}"),
        }
    }
}

/// The table, with a header row.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| figure | elevenlabs-mcp | compared with | ratio | target | holds |\n|---|---|---|---|---|---|\n",
    );
    for row in rows {
        let (target, holds) = match row.target {
            Some(t) => (
                t.to_string(),
                if t.holds(row.ratio) { "yes" } else { "**no**" },
            ),
            None => ("—".to_owned(), "—"),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.2} | {target} | {holds} |",
            row.figure, row.ours, row.baseline, row.ratio
        );
    }
    out
}

/// A duration in the unit that suits it.
pub fn time(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

/// A byte count in MiB.
pub fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
