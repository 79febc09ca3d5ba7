//! How many calls the client keeps in flight.
//!
//! The service limits a workspace by requests in flight (not per minute), states the limit
//! in `maximum-concurrent-requests` and the workspace's present count in
//! `current-concurrent-requests` on every answer, and refuses a request over the limit with
//! 429 `too_many_concurrent_requests`. The limit belongs to the whole workspace: every
//! process with the key, other CI jobs and the team's production traffic share it. So the
//! stated maximum is a *ceiling*, never an allowance: the client keeps a *window* of its own
//! below it and adapts it from what the answers say.
//!
//! # The rule: additive increase, multiplicative decrease, on stated occupancy
//!
//! Each answer says how full the workspace was when the request was counted (`current`,
//! including the request itself) and the client knows how many of those were its own, so
//! it knows the *room* left (`maximum − current`) and whether *others* were in flight.
//!
//! - **Start** with what the first answer showed free (its answer states the limit), half
//!   of it when others' calls were in flight.
//! - **Grow** when the answers of the last two round trips all left room, and the call was
//!   sent with the window full (a client that does not use its window does not grow it):
//!   by one slot per answer at first (doubling each round trip, TCP's slow start), by one
//!   slot per round trip once anything was ever given back. Room is judged by the fullest
//!   moment of those round trips, not by each answer: calls go out in bursts, and the
//!   first of a burst to arrive sees the workspace nearly empty. So a load that does not
//!   adapt (plain calls of another program) is never pushed out: the window grows only into
//!   slots that stayed free the whole time.
//! - **Give back gently** while the workspace is at its limit with others in flight: a
//!   quarter slot per such answer. The answers come in proportion to the calls a client
//!   makes, so the larger share gives back more: this is what moves clients toward equal
//!   shares (Chiu and Jain's result for AIMD), and what leaves a foreign load its part.
//! - **Give back a quarter** of the window (×0.75), at most once per round trip, when a
//!   call is refused `too_many_concurrent_requests` or an answer shows the workspace over
//!   its limit (somebody was refused).
//! - **Hold** alone at the ceiling: there is nobody to share with.
//!
//! Why this rule and not another: Vegas and Gradient2 (Netflix's concurrency-limits) and
//! Envoy's adaptive concurrency filter infer a limit from latency growing with queueing,
//! but this service does not queue over its limit, it refuses at once, so latency tells
//! nothing while `current-concurrent-requests` tells the occupancy exactly. The AWS SDKs'
//! "adaptive" mode paces a request *rate* with CUBIC on throttling errors: the wrong
//! quantity for a limit on requests in flight. AIMD is the rule that makes independent
//! clients converge on equal shares of one resource without talking to each other, and
//! the stated occupancy lets it act before anyone is refused, as ECN does for TCP.
//!
//! Calls over the window wait, in the order they came (tokio's semaphore is fair), for one
//! of this client's calls to finish. The window is shared by every clone of a `Client`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use reqwest::header::HeaderMap;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// The header that states the workspace's limit.
const MAXIMUM: &str = "maximum-concurrent-requests";
/// The header that states the workspace's calls in flight, this one included.
const CURRENT: &str = "current-concurrent-requests";

/// In flight when the service states no limit: effectively none.
pub(crate) const UNLIMITED: usize = 1 << 16;

/// What one answer at the limit, with others in flight, gives back.
const GENTLE: f64 = 0.25;
/// What a refusal, or an answer over the limit, leaves of the window.
const BACK_OFF: f64 = 0.75;

/// The pause after a refusal when none of this client's calls is in flight to wait for,
/// before anything was measured.
const FIRST_PAUSE: Duration = Duration::from_millis(50);
/// Bounds of that pause once calls were measured.
const MIN_PAUSE: Duration = Duration::from_millis(5);
const MAX_PAUSE: Duration = Duration::from_secs(2);

/// How the limit is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// From the service's `maximum-concurrent-requests`, starting with one call.
    Learn,
    /// At most this many, whatever the service says; starting with that many.
    Cap(usize),
}

/// The calls in flight, and those waiting for a slot.
#[derive(Debug)]
pub(crate) struct Limiter {
    slots: Arc<Semaphore>,
    mode: Mode,
    state: Mutex<State>,
    /// Permits to drop instead of returning, after the window went down.
    debt: Arc<AtomicUsize>,
    /// This client's calls in flight.
    in_flight: Arc<AtomicUsize>,
    /// Signalled whenever a call of this client finishes.
    finished: Arc<Notify>,
}

#[derive(Debug)]
struct State {
    /// The most this client keeps in flight: the stated maximum, or the cap, whichever is
    /// lower.
    ceiling: usize,
    /// Whether an answer was read (before it, the ceiling is a guess).
    learned: bool,
    /// This client's share now, in slots (fractional: it grows by parts of a slot).
    window: f64,
    /// The slots the semaphore grants: the window, whole.
    granted: usize,
    /// Growing by a slot per answer (until the first time anything is given back).
    slow_start: bool,
    /// The sequence number of the last call started.
    sent: u64,
    /// Calls started at or before this number were in flight when the window was last cut:
    /// their refusals do not cut it again (once per round trip).
    recovery: u64,
    /// A running average of how long a call takes, for the pause after a refusal.
    typical: Option<Duration>,
    /// The most calls in flight in the workspace that answers stated during this round
    /// trip, and during the one before: calls go out in bursts and the first of a burst
    /// to arrive sees the workspace nearly empty, so room is judged by the peak.
    peak: usize,
    last_peak: usize,
    /// Likewise, the most calls of others that answers showed.
    others_peak: usize,
    last_others_peak: usize,
    /// The round trip ends with the answer to a call started after this one.
    round_start: u64,
    /// When the latest calls started, by sequence number (the last [`RECENT`]).
    recent: std::collections::VecDeque<(u64, Instant)>,
}

/// Starts remembered, to tell this client's calls that overtook one from others' calls.
const RECENT: usize = 512;

impl State {
    /// This client's calls started after call `seq` (sent at `at`) and soon enough to have
    /// reached the service before it: calls sent together arrive in any order.
    fn overtaking(&self, seq: u64, at: Instant) -> usize {
        let soon = OVERTAKE + self.typical.unwrap_or(Duration::ZERO) / 20;
        self.recent
            .iter()
            .rev()
            .take_while(|(s, _)| *s > seq)
            .filter(|(_, sent)| sent.saturating_duration_since(at) <= soon)
            .count()
    }
}

/// How much later a call may start and still reach the service first (plus a twentieth of
/// the time a call takes).
const OVERTAKE: Duration = Duration::from_millis(2);

impl State {
    /// The slots the window grants now.
    fn whole(&self) -> usize {
        (self.window.floor() as usize).clamp(1, self.ceiling.max(1))
    }
}

/// A slot held for one attempt; released (or forgotten, when the window went down) when
/// dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    permit: Option<OwnedSemaphorePermit>,
    debt: Arc<AtomicUsize>,
    in_flight: Arc<AtomicUsize>,
    finished: Arc<Notify>,
    /// This call's sequence number.
    seq: u64,
    /// When it started.
    sent_at: Instant,
    /// This client's calls in flight when it was sent, itself included.
    ours: usize,
    /// Whether the window was full when it was sent.
    window_full: bool,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
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

/// What an answer tells the limiter.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Answer<'a> {
    pub headers: &'a HeaderMap,
    /// Refused 429 `too_many_concurrent_requests`.
    pub refused: bool,
    /// How long the attempt took.
    pub took: Duration,
}

fn header(headers: &HeaderMap, name: &str) -> Option<usize> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok())
}

impl Limiter {
    pub(crate) fn new(mode: Mode) -> Self {
        let (ceiling, window) = match mode {
            // The first call goes alone: its answer states the limit.
            Mode::Learn => (1, 1.0),
            Mode::Cap(n) => (n.max(1), n.max(1) as f64),
        };
        let granted = window as usize;
        Self {
            slots: Arc::new(Semaphore::new(granted)),
            mode,
            state: Mutex::new(State {
                ceiling,
                learned: false,
                window,
                granted,
                slow_start: true,
                sent: 0,
                recovery: 0,
                typical: None,
                peak: 0,
                last_peak: 0,
                others_peak: 0,
                last_others_peak: 0,
                round_start: 0,
                recent: std::collections::VecDeque::with_capacity(RECENT),
            }),
            debt: Arc::new(AtomicUsize::new(0)),
            in_flight: Arc::new(AtomicUsize::new(0)),
            finished: Arc::new(Notify::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits for a slot, in turn.
    pub(crate) async fn acquire(&self) -> Slot {
        // The semaphore is never closed, so acquiring only waits.
        let permit = self.slots.clone().acquire_owned().await.ok();
        let ours = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        let mut state = self.lock();
        state.sent += 1;
        let (seq, at) = (state.sent, Instant::now());
        if state.recent.len() == RECENT {
            state.recent.pop_front();
        }
        state.recent.push_back((seq, at));
        Slot {
            sent_at: at,
            permit,
            debt: self.debt.clone(),
            in_flight: self.in_flight.clone(),
            finished: self.finished.clone(),
            seq: state.sent,
            ours,
            window_full: ours >= state.granted,
        }
    }

    /// Makes `slot`, kept by a call refused for the limit, ready for its next attempt: it
    /// goes out now, with this client's calls as they are now. It keeps its sequence
    /// number, so that its refusals cut the window at most once a round trip.
    pub(crate) fn again(&self, slot: &mut Slot) {
        let mut state = self.lock();
        let at = Instant::now();
        slot.sent_at = at;
        slot.ours = self.in_flight.load(Ordering::SeqCst);
        slot.window_full = slot.ours >= state.granted;
        if state.recent.len() == RECENT {
            state.recent.pop_front();
        }
        let seq = state.sent;
        state.recent.push_back((seq, at));
    }

    /// Learns from an answer to the call that held `slot`, and adapts the window.
    pub(crate) fn observe(&self, slot: &Slot, answer: Answer<'_>) {
        let stated = header(answer.headers, MAXIMUM).filter(|n| *n > 0);
        let current = header(answer.headers, CURRENT);
        let mut state = self.lock();
        if !answer.refused {
            // An average over about the last eight calls carried out (a refusal comes back
            // at once, and would make the pause after a refusal a busy loop).
            state.typical = Some(match state.typical {
                Some(t) => (t * 7 + answer.took) / 8,
                None => answer.took,
            });
        }
        let ceiling = match (self.mode, stated) {
            (Mode::Learn, Some(n)) => n,
            // Nothing stated, and nothing learned yet: the service does not limit.
            (Mode::Learn, None) if !state.learned => UNLIMITED,
            (Mode::Learn, None) => state.ceiling,
            (Mode::Cap(cap), Some(n)) => cap.max(1).min(n),
            (Mode::Cap(cap), None) => cap.max(1),
        };
        let first = !state.learned;
        state.learned = true;
        state.ceiling = ceiling;
        if ceiling >= UNLIMITED {
            state.window = UNLIMITED as f64;
        } else if first && self.mode == Mode::Learn {
            // What the first answer showed free, or half of it when others were there: a
            // start that neither crawls nor takes the workspace from whoever else is at work.
            let free = ceiling.saturating_sub(current.unwrap_or(ceiling));
            let others = current.unwrap_or(0) > slot.ours;
            state.window = (free as f64 / if others { 2.0 } else { 1.0 })
                .floor()
                .max(1.0);
        }
        // The window counts as used when it was full as this call went out or is full now
        // (with calls queued behind it, a freed slot is taken at once).
        let now_in_flight = self.in_flight.load(Ordering::SeqCst);
        let used = slot.window_full || now_in_flight >= state.granted;
        // This client's calls the service counted with this one: those in flight when it
        // went out, and those started right after it (calls sent together reach the
        // service in any order, and one that overtook this one would otherwise pass for
        // somebody else's). Not those in flight now: a call sent after this one arrived
        // was not counted with it, and taking it for ours would hide the others.
        let ours = slot.ours + state.overtaking(slot.seq, slot.sent_at);
        adapt(&mut state, slot, Seen { ours, used }, &answer, current);
        tracing::debug!(
            current,
            maximum = state.ceiling,
            ours,
            refused = answer.refused,
            window = state.window,
            "workspace's limit"
        );
        let wanted = state.whole();
        self.resize(&mut state, wanted);
    }

    /// Makes the semaphore grant `wanted` slots: permits are added (paying back debt
    /// first), or taken away, those in use as debt.
    fn resize(&self, state: &mut State, wanted: usize) {
        if wanted > state.granted {
            let mut add = wanted - state.granted;
            while add > 0 {
                let paid = self
                    .debt
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |d| d.checked_sub(1))
                    .is_ok();
                if !paid {
                    break;
                }
                add -= 1;
            }
            self.slots.add_permits(add);
        } else if wanted < state.granted {
            let drop = state.granted - wanted;
            let forgotten = self.slots.forget_permits(drop);
            self.debt.fetch_add(drop - forgotten, Ordering::SeqCst);
        }
        state.granted = wanted;
    }

    /// Waits after a refusal for the shared limit, before the call goes again: until one of
    /// this client's calls finishes (the slot that refusal wanted) when any is in flight,
    /// else for about the time a call takes, longer after each refusal of the same call
    /// (`refusals`, from 1), with jitter so that refused clients do not return in step.
    /// Waits no longer than `at_most`; returns how long it waited.
    pub(crate) async fn wait_for_room(&self, refusals: u32, at_most: Duration) -> Duration {
        let typical = self.lock().typical.unwrap_or(FIRST_PAUSE);
        let step = typical
            .clamp(MIN_PAUSE, MAX_PAUSE)
            .saturating_mul(1 << refusals.saturating_sub(1).min(3));
        let pause = step.mul_f64(0.5 + fastrand::f64()).min(at_most);
        let started = tokio::time::Instant::now();
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            let _ = tokio::time::timeout(pause, self.finished.notified()).await;
        } else {
            tokio::time::sleep(pause).await;
        }
        started.elapsed()
    }

    /// The most this client keeps in flight: the learned limit, or the cap.
    pub(crate) fn ceiling(&self) -> usize {
        self.lock().ceiling
    }

    /// This client's share now, in whole slots.
    pub(crate) fn window(&self) -> usize {
        self.lock().granted
    }
}

/// The rule of the module's documentation, for one answer.
/// What this client knows of itself when an answer comes.
#[derive(Debug, Clone, Copy)]
struct Seen {
    /// Its calls the service counted with the answered one.
    ours: usize,
    /// Whether its window is in use (full when the call went out, or now).
    used: bool,
}

fn adapt(state: &mut State, slot: &Slot, seen: Seen, answer: &Answer<'_>, current: Option<usize>) {
    let ceiling = state.ceiling as f64;
    let cut = |state: &mut State| {
        if slot.seq > state.recovery {
            state.window = (state.window * BACK_OFF).max(1.0);
            state.recovery = state.sent;
            state.slow_start = false;
        }
    };
    if answer.refused {
        cut(state);
        return;
    }
    let grow = |state: &mut State| {
        if seen.used {
            let step = if state.slow_start {
                1.0
            } else {
                1.0 / state.window
            };
            state.window = (state.window + step).min(ceiling);
        }
    };
    let Some(current) = current else {
        // No occupancy stated: nothing says anyone else is there.
        grow(state);
        return;
    };
    if slot.seq > state.round_start {
        state.last_peak = state.peak;
        state.last_others_peak = state.others_peak;
        state.peak = 0;
        state.others_peak = 0;
        state.round_start = state.sent;
    }
    let others = current.saturating_sub(seen.ours);
    state.peak = state.peak.max(current);
    state.others_peak = state.others_peak.max(others);
    let alone = state.others_peak.max(state.last_others_peak) == 0;
    let room = state.ceiling as i64 - current as i64;
    // Room to grow into is what the fullest moment of the last round trips left.
    let spare = state.ceiling as i64 - state.peak.max(state.last_peak) as i64;
    if room < 0 {
        // Over the limit: somebody was refused.
        cut(state);
    } else if spare > 0 {
        grow(state);
    } else if room == 0 && !alone {
        // At the limit with others: give back in proportion to the calls made.
        state.window = (state.window - GENTLE).max(1.0);
        state.slow_start = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn stating(max: &str, current: Option<usize>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(MAXIMUM, HeaderValue::from_str(max).expect("value"));
        if let Some(c) = current {
            h.insert(CURRENT, HeaderValue::from(c));
        }
        h
    }

    /// Time between two answers in the simulated runs: calls start apart, as when their
    /// answers come one by one.
    const STEP: Duration = Duration::from_millis(10);

    fn answered(headers: &HeaderMap) -> Answer<'_> {
        Answer {
            headers,
            refused: false,
            took: Duration::from_millis(10),
        }
    }

    /// Keeps the window full for `answers` answers, as a client with work queued does:
    /// each answer states the workspace at this client's calls in flight when the call went
    /// out plus `others`, and its slot is then freed and taken again at once.
    async fn drive(limiter: &Limiter, answers: usize, others: usize) {
        let mut held = std::collections::VecDeque::new();
        for _ in 0..answers {
            while limiter.slots.available_permits() > 0 {
                held.push_back(limiter.acquire().await);
            }
            let Some(slot) = held.pop_front() else {
                held.push_back(limiter.acquire().await);
                continue;
            };
            let headers = stating(&limiter.ceiling().to_string(), Some(slot.ours + others));
            limiter.observe(&slot, answered(&headers));
            tokio::time::advance(STEP).await;
        }
    }

    fn learned(limiter: &Limiter, max: &str, current: usize) {
        let first = futures_now(limiter);
        limiter.observe(&first, answered(&stating(max, Some(current))));
    }

    fn futures_now(limiter: &Limiter) -> Slot {
        let permit = limiter.slots.clone().try_acquire_owned().ok();
        assert!(permit.is_some(), "a slot is free");
        let ours = limiter.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        Slot {
            sent_at: Instant::now(),
            permit,
            debt: limiter.debt.clone(),
            in_flight: limiter.in_flight.clone(),
            finished: limiter.finished.clone(),
            seq: 0,
            ours,
            window_full: true,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn alone_it_grows_to_the_limit_and_holds_there() {
        let limiter = Limiter::new(Mode::Learn);
        assert_eq!(limiter.window(), 1, "the first call goes alone");
        learned(&limiter, "8", 1);
        assert_eq!(limiter.ceiling(), 8);
        // A slot more per answer: 2, then 4, then 8 after a round trip each.
        drive(&limiter, 2 + 4, 0).await;
        assert_eq!(limiter.window(), 8, "grows by a slot per answer");
        drive(&limiter, 200, 0).await;
        assert_eq!(limiter.window(), 8, "and holds at the ceiling");
    }

    #[tokio::test(start_paused = true)]
    async fn others_in_flight_keep_their_part_and_a_full_workspace_gives_back() {
        let limiter = Limiter::new(Mode::Learn);
        learned(&limiter, "8", 5);
        // Four calls of somebody else's are always in flight: the window never takes the
        // workspace past its limit.
        drive(&limiter, 200, 4).await;
        assert!((3..=4).contains(&limiter.window()), "{}", limiter.window());
        // The others grow to 6: the workspace is at its limit, and the window gives back.
        drive(&limiter, 40, 6).await;
        assert!(limiter.window() <= 2, "{}", limiter.window());
        // They leave: the window grows again.
        drive(&limiter, 200, 0).await;
        assert_eq!(limiter.window(), 8);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_cuts_once_per_round_trip() {
        let limiter = Limiter::new(Mode::Cap(8));
        let held: Vec<Slot> = futures_collect(&limiter, 8).await;
        let headers = HeaderMap::new();
        for slot in &held {
            let refused = Answer {
                headers: &headers,
                refused: true,
                took: Duration::from_millis(1),
            };
            limiter.observe(slot, refused);
        }
        assert_eq!(
            limiter.window(),
            6,
            "8 × 0.75, once for the calls in flight together"
        );
        drop(held);
        let later = limiter.acquire().await;
        let refused = Answer {
            headers: &headers,
            refused: true,
            took: Duration::from_millis(1),
        };
        limiter.observe(&later, refused);
        assert_eq!(limiter.window(), 4, "a call sent after the cut cuts again");
    }

    async fn futures_collect(limiter: &Limiter, n: usize) -> Vec<Slot> {
        let mut held = Vec::new();
        for _ in 0..n {
            held.push(limiter.acquire().await);
        }
        held
    }

    #[tokio::test(start_paused = true)]
    async fn a_lower_window_takes_slots_back_without_losing_any() {
        let limiter = Limiter::new(Mode::Cap(4));
        let held = futures_collect(&limiter, 4).await;
        assert_eq!(limiter.slots.available_permits(), 0);
        // The service says 2 while 4 are held: two releases are forgotten.
        limiter.observe(&held[0], answered(&stating("2", Some(2))));
        assert_eq!(limiter.window(), 2);
        drop(held);
        assert_eq!(limiter.slots.available_permits(), 2);
        // A cap is not learned over.
        let capped = Limiter::new(Mode::Cap(3));
        let slot = capped.acquire().await;
        capped.observe(&slot, answered(&stating("10", Some(1))));
        assert_eq!(capped.ceiling(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn two_clients_settle_on_shares() {
        // Two clients against one imagined workspace of 8, each with work queued, answered
        // in turn: each answer states the workspace as both clients' calls in flight. One
        // starts with all of the limit, the other with one call; they end with about half
        // each, at or below the limit.
        let a = Limiter::new(Mode::Cap(8));
        let b = Limiter::new(Mode::Learn);
        learned(&b, "8", 9);
        let mut held_a: std::collections::VecDeque<Slot> = std::collections::VecDeque::new();
        let mut held_b: std::collections::VecDeque<Slot> = std::collections::VecDeque::new();
        for _ in 0..2_000 {
            for (me, held, other) in [(&a, &mut held_a, &b), (&b, &mut held_b, &a)] {
                if let Some(slot) = held.pop_front() {
                    let theirs = other.in_flight.load(Ordering::SeqCst);
                    let headers = stating("8", Some(slot.ours + theirs));
                    me.observe(&slot, answered(&headers));
                    tokio::time::advance(STEP).await;
                }
                // The answered slot is freed, and the queued work takes what the window
                // now grants.
                while me.slots.available_permits() > 0 {
                    held.push_back(me.acquire().await);
                }
            }
        }
        let (wa, wb) = (a.window(), b.window());
        assert!((6..=8).contains(&(wa + wb)), "{wa} + {wb}");
        assert!(wa.abs_diff(wb) <= 1, "{wa} and {wb}");
    }

    #[tokio::test(start_paused = true)]
    async fn no_stated_limit_means_none() {
        let limiter = Limiter::new(Mode::Learn);
        let slot = limiter.acquire().await;
        limiter.observe(&slot, answered(&HeaderMap::new()));
        assert_eq!(limiter.ceiling(), UNLIMITED);
        assert_eq!(limiter.window(), UNLIMITED);
    }
}
