//! Faults on demand, for resilience tests: latency, rate limiting, server errors, writes
//! that are stored and then answered with an error, and dropped connections, per operation
//! or for all of them.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use elevenlabs_mcp_raw::operations::Operation;

/// One kind of misbehaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long before handling the request (combines with the others).
    Latency(Duration),
    /// Answer 429 with `Retry-After` in whole seconds, without handling the request.
    RateLimit {
        /// The hint sent in `Retry-After`.
        retry_after: Duration,
    },
    /// Answer this status (5xx) without handling the request.
    ServerError(u16),
    /// Answer 429 with the service's `system_busy` status: the service itself is
    /// overloaded (not the workspace's limit), so callers should back off.
    SystemBusy,
    /// Handle the request (a write is stored), then answer this status instead of the result.
    StoreThenFail(u16),
    /// Read the request, then close the connection without a complete answer.
    DropConnection,
}

/// A fault, where it applies, and how many more times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    operation: Option<Operation>,
    fault: Fault,
    remaining: Option<u32>,
}

impl FaultRule {
    /// `fault` on every operation, every time.
    pub fn all(fault: Fault) -> Self {
        Self {
            operation: None,
            fault,
            remaining: None,
        }
    }

    /// `fault` on one operation of the generated table (such as
    /// `Operation::McpServersCreate`); from text, `"mcp_servers_create".parse()` gives the
    /// operation or an error listing the valid names.
    pub fn on(operation: Operation, fault: Fault) -> Self {
        Self {
            operation: Some(operation),
            fault,
            remaining: None,
        }
    }

    /// Only the next `n` matching requests.
    #[must_use]
    pub fn times(mut self, n: u32) -> Self {
        self.remaining = Some(n);
        self
    }
}

/// The faults in force; shared with the running emulator, so tests can change them while
/// it runs.
#[derive(Debug, Clone, Default)]
pub struct Faults(Arc<Mutex<Vec<FaultRule>>>);

impl Faults {
    /// Adds a rule.
    pub fn add(&self, rule: FaultRule) {
        self.lock().push(rule);
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The faults for one request to `operation`, counting it against limited rules.
    pub(crate) fn take(&self, operation: Operation) -> Vec<Fault> {
        let mut rules = self.lock();
        let mut out = Vec::new();
        for rule in rules.iter_mut() {
            if rule.operation.is_none_or(|o| o == operation) && rule.remaining.is_none_or(|n| n > 0)
            {
                out.push(rule.fault.clone());
                if let Some(n) = &mut rule.remaining {
                    *n -= 1;
                }
            }
        }
        rules.retain(|r| r.remaining != Some(0));
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        // A panic elsewhere while holding the lock leaves a plain list: still usable.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A rule that could not be parsed from its text form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFaultError(String);

impl fmt::Display for ParseFaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}; expected [OPERATION=]KIND[:ARG][*TIMES] with KIND one of latency:MS, rate-limit:SECS, server-error:STATUS, store-then-fail:STATUS, drop, system-busy",
            self.0
        )
    }
}

impl std::error::Error for ParseFaultError {}

/// `[OPERATION=]KIND[:ARG][*TIMES]`, as the binary's `--fault` takes it: `latency:250`,
/// `rate-limit:2*1`, `mcp_servers_create=store-then-fail:502`, `drop*3`.
///
/// An operation name that is not in the spec is an error, never a rule that never fires.
///
/// ```
/// use elevenlabs_mcp_emulator::{Fault, FaultRule, Operation};
///
/// let rule: FaultRule = "mcp_servers_create=store-then-fail:502*1".parse()?;
/// assert_eq!(rule, FaultRule::on(Operation::McpServersCreate, Fault::StoreThenFail(502)).times(1));
/// assert!("mcp_server_create=drop".parse::<FaultRule>().is_err());
/// # Ok::<(), elevenlabs_mcp_emulator::ParseFaultError>(())
/// ```
impl FromStr for FaultRule {
    type Err = ParseFaultError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| ParseFaultError(format!("`{text}`: {why}"));
        let (operation, rest) = match text.split_once('=') {
            Some((op, rest)) if op != "all" => (
                Some(
                    op.parse::<Operation>()
                        .map_err(|unknown| bad(&unknown.to_string()))?,
                ),
                rest,
            ),
            Some((_, rest)) => (None, rest),
            None => (None, text),
        };
        let (spec, times) = match rest.split_once('*') {
            Some((spec, n)) => (spec, Some(n.parse::<u32>().map_err(|_| bad("bad count"))?)),
            None => (rest, None),
        };
        let (kind, arg) = spec.split_once(':').unwrap_or((spec, ""));
        let number = |what: &str| arg.parse::<u64>().map_err(|_| bad(what));
        let status = |what: &str| -> Result<u16, ParseFaultError> {
            let s = arg.parse::<u16>().map_err(|_| bad(what))?;
            if (400..600).contains(&s) {
                Ok(s)
            } else {
                Err(bad("status must be 4xx or 5xx"))
            }
        };
        let fault = match kind {
            "latency" => {
                Fault::Latency(Duration::from_millis(number("latency needs milliseconds")?))
            }
            "rate-limit" => Fault::RateLimit {
                retry_after: Duration::from_secs(number("rate-limit needs seconds")?),
            },
            "server-error" => Fault::ServerError(status("server-error needs a status")?),
            "store-then-fail" => Fault::StoreThenFail(status("store-then-fail needs a status")?),
            "drop" => Fault::DropConnection,
            "system-busy" => Fault::SystemBusy,
            _ => return Err(bad("unknown kind")),
        };
        Ok(Self {
            operation,
            fault,
            remaining: times,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_apply_where_and_as_often_as_asked() {
        let faults = Faults::default();
        faults.add(FaultRule::on(Operation::McpServersGet, Fault::ServerError(503)).times(2));
        faults.add(FaultRule::all(Fault::Latency(Duration::from_millis(5))));
        assert_eq!(
            faults.take(Operation::McpServersList),
            vec![Fault::Latency(Duration::from_millis(5))]
        );
        assert_eq!(faults.take(Operation::McpServersGet).len(), 2);
        assert_eq!(faults.take(Operation::McpServersGet).len(), 2);
        assert_eq!(
            faults.take(Operation::McpServersGet).len(),
            1,
            "the limited rule is spent"
        );
    }

    #[test]
    fn text_forms_parse_or_say_why_not() {
        assert_eq!(
            "latency:250".parse::<FaultRule>(),
            Ok(FaultRule::all(Fault::Latency(Duration::from_millis(250))))
        );
        assert_eq!(
            "all=drop*3".parse::<FaultRule>(),
            Ok(FaultRule::all(Fault::DropConnection).times(3))
        );
        assert_eq!(
            "mcp_servers_list=rate-limit:2".parse::<FaultRule>(),
            Ok(FaultRule::on(
                Operation::McpServersList,
                Fault::RateLimit {
                    retry_after: Duration::from_secs(2)
                }
            ))
        );
        for bad in [
            "explode",
            "latency:soon",
            "server-error:200",
            "drop*x",
            "mcp_servers_lst=drop",
        ] {
            let err = bad.parse::<FaultRule>().expect_err(bad).to_string();
            assert!(err.contains(bad), "{err}");
        }
    }
}
