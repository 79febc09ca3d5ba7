//! The HTTP side: one handler for every route, which matches the path against the spec,
//! checks the key, applies faults, validates the body and runs the operation.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use bytes::Bytes;
use elevenlabs_mcp_raw::operations::Operation;
use serde_json::{Value, json};

use crate::api::{self, Outcome, ToolFixtures};
use crate::faults::{Fault, Faults};
use crate::spec;
use crate::store::Workspace;

/// One request and the answer it got, for conformance checks.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The operation, or `None` when no route matched.
    pub operation: Option<Operation>,
    /// The method.
    pub method: String,
    /// The path as received.
    pub path: String,
    /// The status answered.
    pub status: u16,
    /// The JSON body answered.
    pub body: Value,
}

/// What the handler shares across requests.
#[derive(Debug)]
pub(crate) struct Shared {
    pub workspace: Mutex<Workspace>,
    pub tools: ToolFixtures,
    pub faults: Faults,
    pub exchanges: Mutex<Vec<Exchange>>,
    pub requests: AtomicU64,
    /// When set, the only key accepted.
    pub only_key: Option<String>,
    /// Requests being handled now.
    pub in_flight: AtomicUsize,
    /// The most requests handled at once, as the service limits a workspace.
    pub concurrency_limit: Option<usize>,
    /// Which servers' tools are listed by connecting to them, and how.
    pub connections: crate::connect::Connections,
}

/// Counts a request as in flight until it is answered.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The most exchanges kept; older ones are dropped first.
const EXCHANGE_LIMIT: usize = 10_000;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Handlers do not panic while holding a lock; if one ever did, the data is still whole.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn json_response(
    status: u16,
    body: &Value,
    request_id: &str,
    extra: &[(&'static str, String)],
) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        // The service's own name for it.
        headers.insert("request-id", v);
    }
    for (name, value) in extra {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(*name, v);
        }
    }
    response
}

/// A response whose body fails after the head is sent: the client sees the connection end
/// before the answer is complete.
fn dropped() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "fault: connection dropped",
        ))
    });
    let mut response = Response::new(Body::from_stream(failing));
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("64"));
    response
}

/// Handles every request.
pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let n = shared.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let request_id = format!("emu_req_{n}");
    let path = uri.path().to_owned();
    // The service limits requests in flight per workspace, and says where a caller stands
    // on every answer.
    let current = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let _in_flight = InFlight(&shared.in_flight);
    let mut limits = vec![("current-concurrent-requests", current.to_string())];
    let over = shared.concurrency_limit.filter(|limit| current > *limit);
    if let Some(limit) = shared.concurrency_limit {
        limits.push(("maximum-concurrent-requests", limit.to_string()));
    }
    let (operation, outcome, mut extra) = match over {
        Some(limit) => (
            spec::route(&path).and_then(|(ops, _)| {
                ops.iter()
                    .find(|o| o.op.method() == method.as_str())
                    .map(|o| o.op)
            }),
            Some(api::error(
                429,
                "too_many_concurrent_requests",
                format!(
                    "This workspace has {current} requests in flight; at most {limit} are allowed. Wait for one to finish."
                ),
            )),
            Vec::new(),
        ),
        None => answer(&shared, &method, &path, &headers, &body).await,
    };
    extra.extend(limits);
    let outcome = match outcome {
        Some(o) => o,
        None => return dropped(),
    };
    {
        let mut log = lock(&shared.exchanges);
        if log.len() >= EXCHANGE_LIMIT {
            log.remove(0);
        }
        log.push(Exchange {
            operation,
            method: method.to_string(),
            path,
            status: outcome.status,
            body: outcome.body.clone(),
        });
    }
    json_response(outcome.status, &outcome.body, &request_id, &extra)
}

type Answer = (
    Option<Operation>,
    Option<Outcome>,
    Vec<(&'static str, String)>,
);

/// The configuration of the server a tools listing is about, when its tools are found by
/// connecting to it rather than from the canned ones.
fn live_listing(
    shared: &Shared,
    params: &serde_json::Map<String, Value>,
) -> Option<(Value, crate::connect::Source)> {
    let id = params.get("mcp_server_id").and_then(Value::as_str)?;
    let config = lock(&shared.workspace)
        .servers
        .get(id)?
        .get("config")?
        .clone();
    let canned = shared.tools.has(config.get("url").unwrap_or(&Value::Null));
    match shared.connections.source(&config, canned) {
        crate::connect::Source::Canned => None,
        source => Some((config, source)),
    }
}

async fn answer(
    shared: &Shared,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Answer {
    let detail = |status: u16, text: &str| Outcome {
        status,
        body: json!({"detail": text}),
        changed: false,
    };
    let Some((ops, params)) = spec::route(path) else {
        return (None, Some(detail(404, "Not Found")), Vec::new());
    };
    let allowed: Vec<&str> = ops.iter().map(|o| o.op.method()).collect();
    let Some(op) = ops
        .iter()
        .copied()
        .find(|o| o.op.method() == method.as_str())
    else {
        // RFC 9110: a 405 lists the methods the resource does support.
        let allow = vec![("allow", allowed.join(", "))];
        return (None, Some(detail(405, "Method Not Allowed")), allow);
    };
    let id = Some(op.op);
    let key = headers
        .get("xi-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let refusal = match (key, &shared.only_key) {
        (None, _) => Some((
            "needs_authorization",
            "Neither authorization header nor xi-api-key received, please provide one.",
        )),
        (Some(k), Some(only)) if k != only => Some(("invalid_api_key", "Invalid API key")),
        _ => None,
    };
    if let Some((code, message)) = refusal {
        return (id, Some(api::error(401, code, message)), Vec::new());
    }

    let mut store_then_fail = None;
    for fault in shared.faults.take(op.op) {
        match fault {
            Fault::Latency(d) => tokio::time::sleep(d).await,
            Fault::RateLimit { retry_after } => {
                let outcome = api::error(429, "rate_limited", "Too many requests (emulated fault)");
                return (
                    id,
                    Some(outcome),
                    vec![("retry-after", retry_after.as_secs().to_string())],
                );
            }
            Fault::ServerError(status) => {
                let outcome = api::error(status, "server_error", "Internal error (emulated fault)");
                return (id, Some(outcome), Vec::new());
            }
            Fault::DropConnection => return (id, None, Vec::new()),
            Fault::SystemBusy => {
                let outcome = api::error(
                    429,
                    "system_busy",
                    "The service is busy; try again later (emulated fault)",
                );
                return (id, Some(outcome), Vec::new());
            }
            Fault::StoreThenFail(status) => store_then_fail = Some(status),
        }
    }

    let parsed = match &op.request {
        None => None,
        Some(schema) => match parse_body(schema, body) {
            Ok(v) => Some(v),
            Err(issues) => {
                let outcome = Outcome {
                    status: 422,
                    body: json!({"detail": issues}),
                    changed: false,
                };
                return (id, Some(outcome), Vec::new());
            }
        },
    };

    // A listing that connects to the server runs outside the workspace's lock: the
    // emulator keeps serving while a slow MCP server is waited for.
    if op.op == Operation::McpServersToolsList
        && let Some((config, source)) = live_listing(shared, &params)
    {
        let body = shared.connections.list(&config, source).await;
        return (
            id,
            Some(Outcome {
                status: 200,
                body,
                changed: false,
            }),
            Vec::new(),
        );
    }

    let (outcome, receipt) = {
        let mut ws = lock(&shared.workspace);
        let outcome = api::run(&mut ws, &shared.tools, op, &params, parsed);
        // The server that changed: the one addressed, or the one just created.
        let receipt = outcome.changed.then(|| {
            let id = params
                .get("mcp_server_id")
                .or_else(|| outcome.body.get("id"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            ws.record(id)
        });
        (outcome, receipt.flatten())
    };
    // Acknowledged only once the change is on disk; the lock is not held while waiting.
    let saved = match receipt {
        Some(receipt) => receipt
            .await
            .unwrap_or_else(|_| Err(std::io::Error::other("the state file's writer stopped"))),
        None => Ok(()),
    };
    let outcome = match saved {
        Ok(()) => outcome,
        // Not acknowledged: the caller sees the failure.
        Err(e) => api::error(
            500,
            "state_not_saved",
            format!("the state file could not be written: {e}"),
        ),
    };
    match store_then_fail {
        Some(status) if outcome.status < 400 => (
            id,
            Some(api::error(
                status,
                "server_error",
                "Stored, then failed (emulated fault)",
            )),
            Vec::new(),
        ),
        _ => (id, Some(outcome), Vec::new()),
    }
}

/// The request body as JSON, validated against the operation's schema; FastAPI's issues
/// when it is missing, not JSON, or not valid.
fn parse_body(schema: &Value, body: &[u8]) -> Result<Value, Vec<Value>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(vec![json!({
            "type": "missing", "loc": ["body"], "msg": "Field required", "input": null
        })]);
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        vec![json!({
            "type": "json_invalid",
            "loc": ["body", e.column()],
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": e.to_string()}
        })]
    })?;
    let issues = spec::validate(schema, &value, &mut vec![json!("body")]);
    if issues.is_empty() {
        Ok(value)
    } else {
        Err(issues)
    }
}
