//! Test servers on 127.0.0.1:0, started and stopped by each test.
//!
//! - [`McpServer`]: a well-behaved MCP server (axum) on both transports, paging a given
//!   list of tools and recording every request it gets.
//! - [`RawServer`]: a bare TCP server whose handler writes whatever bytes a hostile test
//!   needs (and counts them), one request per connection.
//!
//! Both stop when dropped.

// Each test binary uses a part of this module.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The protocol version the test server speaks.
pub const VERSION: &str = "2025-06-18";

/// Locks a mutex, whatever an earlier panic left in it.
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `n` tools per page with fields no MCP model knows, for checking they are kept.
pub fn pages(sizes: &[usize]) -> Vec<Vec<Value>> {
    let mut k = 0;
    sizes
        .iter()
        .map(|&n| {
            (0..n)
                .map(|_| {
                    k += 1;
                    json!({
                        "name": format!("tool-{k}"),
                        "description": format!("Tool number {k}"),
                        "inputSchema": {"type": "object", "properties": {"x": {"type": "integer"}}},
                        "x-vendor": {"rank": k, "tags": ["a", "b"]},
                        "annotations": {"readOnlyHint": true, "madeUpHint": k},
                    })
                })
                .collect()
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The tools, page by page.
    pub pages: Vec<Vec<Value>>,
    /// Every page has a next one.
    pub endless: bool,
    /// Answer 401 unless `Authorization` is exactly this.
    pub require_authorization: Option<String>,
}

/// One request the server got.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub http_method: String,
    pub path: String,
    pub headers: HeaderMap,
    /// The JSON-RPC message, for POSTs.
    pub message: Option<Value>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn rpc_method(&self) -> Option<&str> {
        self.message.as_ref()?.get("method")?.as_str()
    }
}

#[derive(Debug, Default)]
pub struct ServerState {
    config: Config,
    pub recorded: Mutex<Vec<Recorded>>,
    sse_sessions: Mutex<HashMap<String, mpsc::UnboundedSender<String>>>,
    http_sessions: Mutex<HashSet<String>>,
    next_session: AtomicUsize,
}

impl ServerState {
    pub fn recorded(&self) -> Vec<Recorded> {
        lock(&self.recorded).clone()
    }

    pub fn rpc_methods(&self) -> Vec<String> {
        self.recorded()
            .iter()
            .filter_map(|r| r.rpc_method().map(str::to_owned))
            .collect()
    }

    fn record(&self, http_method: &str, uri: &Uri, headers: &HeaderMap, message: Option<Value>) {
        lock(&self.recorded).push(Recorded {
            http_method: http_method.to_owned(),
            path: uri.to_string(),
            headers: headers.clone(),
            message,
        });
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        match &self.config.require_authorization {
            None => true,
            Some(expected) => {
                headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(expected)
            }
        }
    }

    /// The MCP answer to a message; `None` for notifications.
    fn answer(&self, message: &Value) -> Option<Value> {
        let id = message.get("id")?.clone();
        let method = message.get("method").and_then(Value::as_str).unwrap_or("");
        let result = match method {
            "initialize" => json!({
                "protocolVersion": VERSION,
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "test-server", "version": "9.9.9"},
            }),
            "tools/list" => {
                let page = message
                    .pointer("/params/cursor")
                    .and_then(Value::as_str)
                    .and_then(|c| c.strip_prefix("page-"))
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(0);
                let tools = self.config.pages.get(page).cloned().unwrap_or_default();
                let mut result = json!({ "tools": tools });
                if self.config.endless || page + 1 < self.config.pages.len() {
                    result["nextCursor"] = json!(format!("page-{}", page + 1));
                }
                result
            }
            _ => {
                return Some(json!({
                    "jsonrpc": "2.0", "id": id,
                    "error": {"code": -32601, "message": "Method not found"},
                }));
            }
        };
        Some(json!({ "jsonrpc": "2.0", "id": id, "result": result }))
    }
}

/// A well-behaved MCP server: legacy SSE at `/sse` (messages at `/messages`), Streamable
/// HTTP at `/mcp`.
#[derive(Debug)]
pub struct McpServer {
    pub addr: SocketAddr,
    pub state: Arc<ServerState>,
    task: JoinHandle<()>,
}

impl Drop for McpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl McpServer {
    pub async fn start(config: Config) -> Self {
        let state = Arc::new(ServerState {
            config,
            ..ServerState::default()
        });
        let router = Router::new()
            .route("/sse", get(sse_stream))
            .route("/messages", post(sse_message))
            .route("/mcp", post(streamable))
            .with_state(state.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { addr, state, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

fn json_response(message: &Value) -> Response {
    Response::builder()
        .header("content-type", "application/json")
        .body(Body::from(message.to_string()))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

fn sse_frame(event: &str, data: &str) -> String {
    format!("event: {event}\ndata: {data}\n\n")
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, "invalid or missing token").into_response()
}

async fn sse_stream(
    State(state): State<Arc<ServerState>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    state.record("GET", &uri, &headers, None);
    if !state.authorized(&headers) {
        return unauthorized();
    }
    let id = format!("sse-{}", state.next_session.fetch_add(1, Ordering::Relaxed));
    let (tx, rx) = mpsc::unbounded_channel();
    let _ = tx.send(sse_frame("endpoint", &format!("/messages?sessionId={id}")));
    lock(&state.sse_sessions).insert(id, tx);
    let frames = futures_util::stream::unfold(rx, |mut rx| async move {
        let frame = rx.recv().await?;
        Some((Ok::<_, Infallible>(Bytes::from(frame)), rx))
    });
    Response::builder()
        .header("content-type", "text/event-stream")
        .body(Body::from_stream(frames))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn sse_message(
    State(state): State<Arc<ServerState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let message: Option<Value> = serde_json::from_slice(&body).ok();
    state.record("POST", &uri, &headers, message.clone());
    if !state.authorized(&headers) {
        return unauthorized();
    }
    let session = uri
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("sessionId=")))
        .unwrap_or("");
    let Some(tx) = lock(&state.sse_sessions).get(session).cloned() else {
        return (StatusCode::NOT_FOUND, "no such session").into_response();
    };
    let Some(message) = message else {
        return (StatusCode::BAD_REQUEST, "not JSON").into_response();
    };
    if let Some(answer) = state.answer(&message) {
        let _ = tx.send(sse_frame("message", &answer.to_string()));
    }
    (StatusCode::ACCEPTED, "Accepted").into_response()
}

async fn streamable(
    State(state): State<Arc<ServerState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let message: Option<Value> = serde_json::from_slice(&body).ok();
    state.record("POST", &uri, &headers, message.clone());
    if !state.authorized(&headers) {
        return unauthorized();
    }
    let Some(message) = message else {
        return (StatusCode::BAD_REQUEST, "not JSON").into_response();
    };
    let method = message.get("method").and_then(Value::as_str).unwrap_or("");
    if method == "initialize" {
        let id = format!(
            "http-{}",
            state.next_session.fetch_add(1, Ordering::Relaxed)
        );
        lock(&state.http_sessions).insert(id.clone());
        let mut response = json_response(&state.answer(&message).unwrap_or(Value::Null));
        if let Ok(v) = HeaderValue::from_str(&id) {
            response.headers_mut().insert("mcp-session-id", v);
        }
        return response;
    }
    // After initialize the standard requires both headers; a server may refuse without.
    let session = headers.get("mcp-session-id").and_then(|v| v.to_str().ok());
    if !session.is_some_and(|s| lock(&state.http_sessions).contains(s)) {
        return (StatusCode::BAD_REQUEST, "missing or unknown Mcp-Session-Id").into_response();
    }
    if headers
        .get("mcp-protocol-version")
        .and_then(|v| v.to_str().ok())
        != Some(VERSION)
    {
        return (StatusCode::BAD_REQUEST, "missing MCP-Protocol-Version").into_response();
    }
    let Some(answer) = state.answer(&message) else {
        return StatusCode::ACCEPTED.into_response();
    };
    // Odd cursors get their answer as an event stream, after a notification, as a server
    // streaming progress would send it.
    let odd = message
        .pointer("/params/cursor")
        .and_then(Value::as_str)
        .and_then(|c| c.strip_prefix("page-"))
        .and_then(|n| n.parse::<usize>().ok())
        .is_some_and(|n| n % 2 == 1);
    if odd {
        let notification = json!({"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"listing"}});
        let body = format!(
            ": keep-alive\n\n{}{}",
            sse_frame("message", &notification.to_string()),
            sse_frame("message", &answer.to_string())
        );
        return Response::builder()
            .header("content-type", "text/event-stream")
            .body(Body::from(body))
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    }
    json_response(&answer)
}

/// One HTTP request as a raw server read it.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Handler =
    Arc<dyn Fn(RawRequest, TcpStream) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// A TCP server that hands each connection's first request, and the connection, to a
/// handler; the handler writes the whole answer.
#[derive(Debug)]
pub struct RawServer {
    pub addr: SocketAddr,
    /// Connections accepted so far.
    pub connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RawServer {
    pub async fn start<F, Fut>(handler: F) -> Self
    where
        F: Fn(RawRequest, TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |req, stream| Box::pin(handler(req, stream)));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        let task = tokio::spawn(async move {
            let mut tasks = tokio::task::JoinSet::new();
            while let Ok((mut stream, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                let handler = handler.clone();
                // The set aborts every connection's task when the server stops.
                tasks.spawn(async move {
                    if let Some(request) = read_request(&mut stream).await {
                        handler(request, stream).await;
                    }
                });
            }
        });
        Self {
            addr,
            connections,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// Reads one request: the head up to 64 KiB, then a `Content-Length` body.
pub async fn read_request(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let path = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(RawRequest {
        method,
        path,
        headers,
        body,
    })
}

/// Writes a response head; the connection closes after the body.
pub async fn write_head(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)]) -> bool {
    let mut head = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.is_ok()
}

/// A whole response with a body.
pub async fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) {
    let length = body.len().to_string();
    if write_head(
        stream,
        status,
        &[("content-type", content_type), ("content-length", &length)],
    )
    .await
    {
        let _ = stream.write_all(body).await;
        let _ = stream.shutdown().await;
    }
}

/// Writes `chunk` again and again, up to `offered` bytes, counting in `sent` what the
/// connection took; stops when the peer goes away.
pub async fn write_repeatedly(
    stream: &mut TcpStream,
    chunk: &[u8],
    offered: usize,
    sent: &AtomicUsize,
) {
    let mut total = 0;
    while total < offered {
        if stream.write_all(chunk).await.is_err() {
            return;
        }
        total += chunk.len();
        sent.fetch_add(chunk.len(), Ordering::SeqCst);
    }
}

/// The `endpoint` event of a legacy SSE stream, after the stream's head.
pub async fn start_sse(stream: &mut TcpStream, endpoint: &str) -> bool {
    write_head(stream, "200 OK", &[("content-type", "text/event-stream")]).await
        && stream
            .write_all(sse_frame("endpoint", endpoint).as_bytes())
            .await
            .is_ok()
}

/// An SSE `message` frame.
pub fn message_frame(message: &Value) -> String {
    sse_frame("message", &message.to_string())
}

/// A 202 for a posted message.
pub async fn accepted(stream: &mut TcpStream) {
    respond(stream, "202 Accepted", "text/plain", b"Accepted").await;
}

/// The answer to `initialize` with id 1.
pub fn initialize_result() -> Value {
    json!({"jsonrpc":"2.0","id":1,"result":{
        "protocolVersion": VERSION, "capabilities": {}, "serverInfo": {"name": "raw", "version": "0"}
    }})
}
