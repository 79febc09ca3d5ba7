//! A local, stateful emulator of the ElevenLabs **MCP servers API**: all 13 operations over
//! HTTP on loopback, for trying the SDK without an account and for testing your own code
//! against something that behaves like the service.
//!
//! - Routes come from the operation table generated from the project's OpenAPI spec (the
//!   same table the client builds its requests from); request validation (422 in FastAPI's
//!   shape, with `loc` paths) and the defaults a new server gets come from the spec itself,
//!   embedded at build time.
//! - Any non-empty `xi-api-key` is accepted; a request without one gets 401.
//! - Ids (`mcp_emu_000001`, …) and `metadata.created_at` are generated; `PATCH` bodies follow
//!   the tri-state rule (absent keeps, `null` clears to the default, a value sets).
//! - Tool approvals add and remove entries in `config.tool_approval_hashes`; the hash is
//!   documented at [`tool_hash`].
//! - Tool configs: create answers 409 when the override exists; get, update and delete 404
//!   when it does not.
//! - `tools(id).list()` connects to the registered MCP server as the service does, when its
//!   URL has a route ([`EmulatorBuilder::route`]: the registered https address sent to a
//!   local server) or [`EmulatorBuilder::connect`] is on; otherwise it answers the tools
//!   given for the server's URL ([`EmulatorBuilder::tools_for`]), or two example tools.
//! - Faults on demand ([`Fault`], [`FaultRule`]): latency, 429, 5xx, store-then-fail,
//!   dropped connections, `system_busy`.
//! - A concurrency limit like the service's ([`EmulatorBuilder::concurrency_limit`]).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use elevenlabs_mcp_emulator::{Emulator, Fault, FaultRule, Operation};
//!
//! let emulator = Emulator::builder()
//!     .fault(FaultRule::on(Operation::McpServersCreate, Fault::StoreThenFail(502)).times(1))
//!     .start()
//!     .await?;
//! println!("API at {}", emulator.base_url()); // http://127.0.0.1:PORT
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod api;
mod connect;
mod faults;
mod http;
mod process;
mod spec;
mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use api::{ToolFixtures, tool_hash};
pub use connect::Connections;

#[cfg(fuzzing)]
pub mod fuzzing;
/// The operations of the API, as the generated table names them.
pub use elevenlabs_mcp_raw::operations::Operation;
pub use faults::{Fault, FaultRule, Faults, ParseFaultError};
pub use http::Exchange;
pub use process::Process;
pub use spec::{SPEC_YAML, response_schema, validate};

/// Configures an [`Emulator`].
#[derive(Debug, Default)]
pub struct EmulatorBuilder {
    port: u16,
    state_file: Option<PathBuf>,
    tools: ToolFixtures,
    faults: Vec<FaultRule>,
    only_key: Option<String>,
    concurrency_limit: Option<usize>,
    connections: Connections,
}

impl EmulatorBuilder {
    /// Accepts this key only, answering 401 to any other (by default any non-empty key is
    /// accepted): for testing how your code handles a wrong key.
    #[must_use]
    pub fn only_key(mut self, key: impl Into<String>) -> Self {
        self.only_key = Some(key.into());
        self
    }

    /// At most `limit` requests in flight at once, as the service limits a workspace: more
    /// are answered 429 with the service's `too_many_concurrent_requests` status, and every
    /// answer carries `current-concurrent-requests` and `maximum-concurrent-requests`.
    /// Without it, any number are served (and only the first header is sent).
    #[must_use]
    pub fn concurrency_limit(mut self, limit: usize) -> Self {
        self.concurrency_limit = Some(limit.max(1));
        self
    }

    /// The loopback port to listen on; 0 (the default) picks a free one.
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Keeps the workspace in this file: loaded at start when it exists; every write is
    /// appended to it and flushed to disk before it is answered (a journal, rewritten
    /// compactly now and then), so a write costs the same at any workspace size.
    #[must_use]
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// The tools a server registered with this URL exposes (MCP `Tool` objects, with
    /// `name` and `inputSchema`).
    #[must_use]
    pub fn tools_for(mut self, url: impl Into<String>, tools: Vec<Value>) -> Self {
        self.tools.set(url, tools);
        self
    }

    /// The tools of servers whose URL has no set of its own.
    #[must_use]
    pub fn default_tools(mut self, tools: Vec<Value>) -> Self {
        self.tools.set_fallback(tools);
        self
    }

    /// The tools of a tools file: a JSON object mapping server URLs to arrays of MCP tools,
    /// with the key `"*"` for every other URL (what the binary's `--tools FILE` reads).
    /// Each array must be one a server could list: the answer carrying it must fit the
    /// spec's schema of a tools listing (every tool an object with a `name` and an
    /// `inputSchema`, and so on), since the emulator serves it as it is.
    ///
    /// ```
    /// use elevenlabs_mcp_emulator::Emulator;
    /// let ok = Emulator::builder().tools_json(br#"{"*": [{"name": "add", "inputSchema": {}}]}"#);
    /// assert!(ok.is_ok());
    /// let err = Emulator::builder().tools_json(br#"{"*": [{"name": "add"}]}"#).unwrap_err();
    /// assert!(err.contains("inputSchema"), "{err}");
    /// ```
    ///
    /// # Errors
    ///
    /// The text is not such an object; the message says what is wrong, and where.
    pub fn tools_json(mut self, text: &[u8]) -> Result<Self, String> {
        let fixtures: serde_json::Map<String, Value> =
            serde_json::from_slice(text).map_err(|e| e.to_string())?;
        for (url, tools) in fixtures {
            let tools = tools
                .as_array()
                .cloned()
                .ok_or(format!("`{url}` must map to an array of tools"))?;
            if let Some(problem) = api::unservable(&tools) {
                return Err(format!(
                    "`{url}`: not tools a server could list ({problem})"
                ));
            }
            self = if url == "*" {
                self.default_tools(tools)
            } else {
                self.tools_for(url, tools)
            };
        }
        Ok(self)
    }

    /// Lists the tools of servers registered at `url` by connecting to `target` instead,
    /// as the service would connect to `url` (the API takes only https addresses; a local
    /// MCP server is usually `http://127.0.0.1:PORT/…`). The registered URL is still the
    /// one the server is told of (origin checks, the SSE endpoint); a trailing `/` does not
    /// matter. A route wins over canned tools. Listings are bounded as
    /// [`mcp_tools_client::Listing`] bounds them; one that fails answers `success: false`
    /// with the reason.
    ///
    /// ```
    /// use elevenlabs_mcp_emulator::Emulator;
    /// let builder = Emulator::builder()
    ///     .route("https://mcp.example.com/mcp", "http://127.0.0.1:3001/mcp")
    ///     .secret("docs_token", "s3cret");
    /// # let _ = builder;
    /// ```
    #[must_use]
    pub fn route(mut self, url: impl Into<String>, target: impl Into<String>) -> Self {
        self.connections.route(url, target);
        self
    }

    /// A workspace secret: what `secret_token: {secret_id: id}`, a `{secret_id: id}` header
    /// value or URL resolves to when a listing connects. Without it such a listing answers
    /// `success: false` naming the secret.
    #[must_use]
    pub fn secret(mut self, id: impl Into<String>, value: impl Into<String>) -> Self {
        self.connections.secret(id, value);
        self
    }

    /// Connects to every registered server that has no route and no canned tools of its own
    /// URL, at its registered address (off by default, so that tests stay on loopback).
    #[must_use]
    pub fn connect(mut self, yes: bool) -> Self {
        self.connections.connect_directly(yes);
        self
    }

    /// The deadline of one listing by connection (the MCP client's default, 30 s, unless
    /// set).
    #[must_use]
    pub fn listing_deadline(mut self, deadline: std::time::Duration) -> Self {
        self.connections.deadline(deadline);
        self
    }

    /// A fault in force from the start (more can be added while it runs, through
    /// [`Emulator::faults`]).
    #[must_use]
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.faults.push(rule);
        self
    }

    /// Binds `127.0.0.1:port` and starts serving in the background of the current tokio
    /// runtime.
    ///
    /// # Errors
    ///
    /// The port cannot be bound, or the state file exists but cannot be read.
    pub async fn start(self) -> std::io::Result<Emulator> {
        // Reading and rewriting the state file blocks: not on a runtime worker.
        let state_file = self.state_file;
        let workspace = tokio::task::spawn_blocking(move || store::Workspace::open(state_file))
            .await
            .map_err(std::io::Error::other)??;
        let faults = Faults::default();
        for rule in self.faults {
            faults.add(rule);
        }
        let shared = Arc::new(http::Shared {
            workspace: Mutex::new(workspace),
            tools: self.tools,
            faults: faults.clone(),
            exchanges: Mutex::new(Vec::new()),
            requests: AtomicU64::new(0),
            only_key: self.only_key,
            in_flight: std::sync::atomic::AtomicUsize::new(0),
            concurrency_limit: self.concurrency_limit,
            connections: self.connections,
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await?;
        let addr = listener.local_addr()?;
        let app = axum::Router::new()
            .fallback(http::handle)
            .with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Emulator {
            addr,
            stop: Some(stop),
            task: Some(task),
            shared,
            faults,
        })
    }
}

/// A running emulator. Dropping it stops the server.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    shared: Arc<http::Shared>,
    faults: Faults,
}

impl Emulator {
    /// A builder: free port, no state file, example tools, no faults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts an emulator with the defaults.
    ///
    /// # Errors
    ///
    /// No loopback port could be bound.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// `http://127.0.0.1:PORT`, to give to `Client::builder().base_url(…)`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The faults in force; add or clear rules while it runs.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Every request answered so far (up to the last 10,000), with its answer.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.shared
            .exchanges
            .lock()
            .map(|e| e.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Stops serving and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
