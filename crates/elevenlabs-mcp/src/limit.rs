//! How many calls the client keeps in flight: the service limits a workspace by requests in
//! flight (not per minute), says the limit in `maximum-concurrent-requests` on its answers,
//! and refuses a request over it with 429 `too_many_concurrent_requests`.
//!
//! By default the client learns the limit: its first call goes alone, and the answer's
//! `maximum-concurrent-requests` opens the way for that many (an answer without it lifts the
//! limit). Calls over the limit wait, in the order they came (tokio's semaphore is fair), for
//! one of this client's calls to finish. The count is shared by every clone of a `Client`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// The header that states the workspace's limit.
const MAXIMUM: &str = "maximum-concurrent-requests";

/// In flight when the service states no limit: effectively none.
pub(crate) const UNLIMITED: usize = 1 << 16;

/// How the limit is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// From the service's `maximum-concurrent-requests`, starting with one call.
    Learn,
    /// A fixed number, whatever the service says.
    Fixed(usize),
}

/// The calls in flight, and those waiting for a slot.
#[derive(Debug)]
pub(crate) struct Limiter {
    slots: Arc<Semaphore>,
    mode: Mode,
    state: Mutex<State>,
    /// Permits to drop instead of returning, after the limit went down.
    debt: Arc<AtomicUsize>,
    /// Signalled whenever a call of this client finishes.
    finished: Arc<Notify>,
}

#[derive(Debug)]
struct State {
    capacity: usize,
    learned: bool,
}

/// A slot held for one attempt; released (or forgotten, when the limit went down) when
/// dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    permit: Option<OwnedSemaphorePermit>,
    debt: Arc<AtomicUsize>,
    finished: Arc<Notify>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(permit) = self.permit.take() {
            let owed = self
                .debt
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |d| d.checked_sub(1))
                .is_ok();
            if owed {
                permit.forget();
            }
        }
        self.finished.notify_waiters();
    }
}

impl Limiter {
    pub(crate) fn new(mode: Mode) -> Self {
        let capacity = match mode {
            Mode::Learn => 1,
            Mode::Fixed(n) => n.max(1),
        };
        Self {
            slots: Arc::new(Semaphore::new(capacity)),
            mode,
            state: Mutex::new(State {
                capacity,
                learned: matches!(mode, Mode::Fixed(_)),
            }),
            debt: Arc::new(AtomicUsize::new(0)),
            finished: Arc::new(Notify::new()),
        }
    }

    /// Waits for a slot, in turn.
    pub(crate) async fn acquire(&self) -> Slot {
        // The semaphore is never closed, so acquiring only waits.
        let permit = self.slots.clone().acquire_owned().await.ok();
        Slot {
            permit,
            debt: self.debt.clone(),
            finished: self.finished.clone(),
        }
    }

    /// Learns from an answer's headers (only in [`Mode::Learn`]).
    pub(crate) fn observe(&self, headers: &HeaderMap) {
        if self.mode != Mode::Learn {
            return;
        }
        let stated = headers
            .get(MAXIMUM)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|n| *n > 0);
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let wanted = match (stated, state.learned) {
            (Some(n), _) => n,
            // Nothing stated, and nothing learned yet: the service does not limit.
            (None, false) => UNLIMITED,
            (None, true) => return,
        };
        state.learned = true;
        if wanted > state.capacity {
            self.slots.add_permits(wanted - state.capacity);
        } else if wanted < state.capacity {
            let drop = state.capacity - wanted;
            let forgotten = self.slots.forget_permits(drop);
            self.debt.fetch_add(drop - forgotten, Ordering::SeqCst);
        }
        state.capacity = wanted;
    }

    /// Waits until one of this client's calls finishes, or `at_most` has passed: the right
    /// wait after a 429 `too_many_concurrent_requests`, when a slot is what is missing.
    pub(crate) async fn wait_for_a_finish(&self, at_most: Duration) {
        let _ = tokio::time::timeout(at_most, self.finished.notified()).await;
    }

    /// The current limit.
    pub(crate) fn capacity(&self) -> usize {
        self.state.lock().map(|s| s.capacity).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn stating(n: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(MAXIMUM, HeaderValue::from_str(n).expect("value"));
        h
    }

    #[tokio::test]
    async fn learns_the_limit_and_lowers_it_without_losing_slots() {
        let limiter = Limiter::new(Mode::Learn);
        assert_eq!(limiter.capacity(), 1, "the first call goes alone");
        let first = limiter.acquire().await;
        limiter.observe(&stating("4"));
        assert_eq!(limiter.capacity(), 4);
        let held: Vec<Slot> = vec![
            limiter.acquire().await,
            limiter.acquire().await,
            limiter.acquire().await,
        ];
        assert_eq!(limiter.slots.available_permits(), 0);
        // Down to 2 while 4 are held: two releases are forgotten, then slots return.
        limiter.observe(&stating("2"));
        drop(first);
        drop(held);
        assert_eq!(limiter.slots.available_permits(), 2);
        // An answer without the header changes nothing once a limit was learned.
        limiter.observe(&HeaderMap::new());
        assert_eq!(limiter.capacity(), 2);
    }

    #[tokio::test]
    async fn no_stated_limit_means_none() {
        let limiter = Limiter::new(Mode::Learn);
        limiter.observe(&HeaderMap::new());
        assert_eq!(limiter.capacity(), UNLIMITED);
        let fixed = Limiter::new(Mode::Fixed(3));
        fixed.observe(&stating("10"));
        assert_eq!(fixed.capacity(), 3, "a fixed limit is not learned over");
    }
}
