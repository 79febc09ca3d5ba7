//! The one deadline over a listing.
//!
//! Every await of a listing runs under [`Deadline::run`], so the deadline covers connecting,
//! every request and every byte read, and when it passes the error names the step that was
//! waiting. One absolute instant rather than a timeout per step: a server that answers each
//! step just in time cannot stretch the listing.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{ListError, Step};

#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    at: Instant,
    total: Duration,
}

impl Deadline {
    /// A deadline `total` from now. A duration too large to add (`Duration::MAX`) is
    /// clamped to a year: never in practice, and no overflow panic.
    pub(crate) fn starting_now(total: Duration) -> Self {
        let now = Instant::now();
        let at = now
            .checked_add(total)
            .or_else(|| now.checked_add(Duration::from_secs(365 * 24 * 3600)))
            .unwrap_or(now);
        Self { at, total }
    }

    /// Runs `work`, failing with [`ListError::Timeout`] naming `step` if the deadline passes
    /// first. `work` is dropped then, which closes its connections.
    pub(crate) async fn run<T>(
        &self,
        step: Step,
        work: impl Future<Output = Result<T, ListError>>,
    ) -> Result<T, ListError> {
        match tokio::time::timeout_at(self.at, work).await {
            Ok(result) => result,
            Err(_elapsed) => Err(ListError::Timeout {
                step,
                deadline: self.total,
            }),
        }
    }
}
