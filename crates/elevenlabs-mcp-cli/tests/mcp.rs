//! Speaking MCP, as the service does: the emulator lists a registered server's real tools
//! through a route, and the CLI vets a server before it is registered (`tools list --url`,
//! `tools scan --url`, `plan --probe`). Against a server nobody here wrote (the Python
//! `mcp` SDK, installed by `scripts/mcp-peers`), and against hostile servers written for
//! these tests. Every server listens on 127.0.0.1 and is stopped when its test ends.

mod common;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use elevenlabs_mcp_emulator::Emulator;
use serde_json::{Value, json};

/// The registered address the tests give their servers (the API takes https only).
const REGISTERED: &str = "https://mcp.example.com/mcp";
const TOKEN: &str = "tok-3f9a2c41";

fn peers() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers")
}

/// The venv's Python, with the `mcp` SDK; the tests fail, saying how, without it.
fn python() -> PathBuf {
    let venv = std::env::var_os("MCP_PEERS_VENV").unwrap_or_else(|| {
        panic!("MCP_PEERS_VENV is not set: run scripts/mcp-peers, then set MCP_PEERS_VENV=$PWD/target/tools/venv (scripts/test does both)")
    });
    let python = PathBuf::from(venv).join("bin/python");
    assert!(
        python.exists(),
        "{}: run scripts/mcp-peers",
        python.display()
    );
    python
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A server of `tests/peers/vetted_server.py`, killed when dropped.
struct Peer {
    child: Child,
    port: u16,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The SDK's name of a transport, and the path it serves.
fn sdk_transport(transport: &str) -> (&'static str, &'static str) {
    match transport {
        "SSE" => ("sse", "/sse"),
        _ => ("streamable-http", "/mcp"),
    }
}

impl Peer {
    fn start(transport: &str, port: u16, args: &[&str]) -> Self {
        let (name, _) = sdk_transport(transport);
        let child = Command::new(python())
            .arg(peers().join("vetted_server.py"))
            .args([name, &port.to_string()])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("starts the Python server");
        let peer = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the Python server did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        peer
    }

    fn url(&self, transport: &str) -> String {
        format!(
            "http://127.0.0.1:{}{}",
            self.port,
            sdk_transport(transport).1
        )
    }
}

/// What the Python SDK's own client lists from `url`, every page.
fn reference_names(transport: &str, url: &str) -> Vec<String> {
    let out = Command::new(python())
        .arg(peers().join("list_names.py"))
        .args([sdk_transport(transport).0, url, "--token", TOKEN])
        .args(["--header", "X-Team=docs"])
        .output()
        .expect("runs the reference client");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a JSON array of names")
}

/// Registers a server in the emulator with `config` (its `name` and the registered URL
/// added); its id.
async fn register(emulator: &Emulator, name: &str, transport: &str, config: Value) -> String {
    let mut config = config;
    config["name"] = json!(name);
    config["url"] = json!(REGISTERED);
    config["transport"] = json!(transport);
    let created: Value = reqwest::Client::new()
        .post(format!("{}/v1/convai/mcp-servers", emulator.base_url()))
        .header("xi-api-key", "test")
        .json(&json!({ "config": config }))
        .send()
        .await
        .expect("creates")
        .json()
        .await
        .expect("JSON");
    created["id"].as_str().expect("an id").to_owned()
}

async fn tools_of(emulator: &Emulator, id: &str) -> Value {
    reqwest::Client::new()
        .get(format!(
            "{}/v1/convai/mcp-servers/{id}/tools",
            emulator.base_url()
        ))
        .header("xi-api-key", "test")
        .send()
        .await
        .expect("lists")
        .json()
        .await
        .expect("JSON")
}

fn names(list: &Value) -> Vec<String> {
    list["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_routed_emulator_lists_what_the_python_sdk_lists_on_both_transports() {
    for transport in ["SSE", "STREAMABLE_HTTP"] {
        let port = free_port();
        // The server checks the bearer token and a header on every request, and serves
        // its tools over several pages.
        let peer = Peer::start(
            transport,
            port,
            &[
                "--token",
                TOKEN,
                "--header",
                "X-Team=docs",
                "--pages",
                "4",
                "--tools-per-page",
                "5",
            ],
        );
        let emulator = Emulator::builder()
            .route(REGISTERED, peer.url(transport))
            .secret("docs_token", TOKEN)
            .start()
            .await
            .expect("emulator");
        let with_token = json!({
            "secret_token": {"secret_id": "docs_token"},
            "request_headers": {"X-Team": "docs"}
        });
        let id = register(&emulator, "Docs", transport, with_token).await;
        let listed = tools_of(&emulator, &id).await;
        assert_eq!(listed["success"], json!(true), "{transport}: {listed}");
        let ours = names(&listed);
        assert_eq!(ours.len(), 20, "{transport}: every page");
        assert_eq!(
            ours,
            reference_names(transport, &peer.url(transport)),
            "{transport}: what the Python SDK's client lists"
        );

        // Without the token the server refuses, and the listing says so: not an HTTP error.
        let bare = register(
            &emulator,
            "Docs bare",
            transport,
            json!({"request_headers": {"X-Team": "docs"}}),
        )
        .await;
        let refused = tools_of(&emulator, &bare).await;
        assert_eq!(refused["success"], json!(false), "{refused}");
        let why = refused["error_message"].as_str().unwrap_or_default();
        assert!(why.contains("401"), "{why}");
        assert!(!why.contains(TOKEN));

        // And through the CLI, which exits 1 with the service's message.
        let out = common::cli(&emulator.base_url())
            .args(["tools", "list", &bare])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("401"));
        emulator.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_scan_url_vets_a_server_before_it_is_registered() {
    let port = free_port();
    let peer = Peer::start(
        "STREAMABLE_HTTP",
        port,
        &["--token", TOKEN, "--variant", "poisoned"],
    );
    let scan = |global: &[&str], url: &str| {
        common::cli("http://127.0.0.1:9")
            .env("DOCS_TOKEN", TOKEN)
            .args(global)
            .args(["tools", "scan", "--url", url])
            .args([
                "--transport",
                "STREAMABLE_HTTP",
                "--token-env",
                "DOCS_TOKEN",
            ])
            .output()
            .expect("runs")
    };
    let route = format!("{REGISTERED}={}", peer.url("STREAMABLE_HTTP"));
    // At its local address, and at its registered one through a route.
    for out in [
        scan(&[], &peer.url("STREAMABLE_HTTP")),
        scan(&["--route", &route], REGISTERED),
    ] {
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("search_docs") && stdout.contains("secret-request"),
            "{stdout}"
        );
    }
    // The token never goes on the command line: without the variable, a clear error.
    let out = common::cli("http://127.0.0.1:9")
        .args([
            "tools",
            "scan",
            "--url",
            &peer.url("STREAMABLE_HTTP"),
            "--token-env",
            "NOT_SET_ANYWHERE",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOT_SET_ANYWHERE"));

    // `tools list --url` shows the tools; without the token the server's refusal is named.
    let out = common::cli("http://127.0.0.1:9")
        .env("DOCS_TOKEN", TOKEN)
        .args([
            "tools",
            "list",
            "--url",
            &peer.url("STREAMABLE_HTTP"),
            "--transport",
            "STREAMABLE_HTTP",
            "--token-env",
            "DOCS_TOKEN",
            "-o",
            "json",
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(listed["tools"][0]["name"], json!("search_docs"));
    let out = common::cli("http://127.0.0.1:9")
        .args([
            "tools",
            "list",
            "--url",
            &peer.url("STREAMABLE_HTTP"),
            "--transport",
            "STREAMABLE_HTTP",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("401"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pin_then_audit_sees_a_tool_changed_by_a_restart() {
    let port = free_port();
    let peer = Peer::start("STREAMABLE_HTTP", port, &["--pages", "2"]);
    let emulator = Emulator::builder()
        .route(REGISTERED, peer.url("STREAMABLE_HTTP"))
        .start()
        .await
        .expect("emulator");
    register(&emulator, "Docs", "STREAMABLE_HTTP", json!({})).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let lock = dir.path().join("tools.lock");
    let lock = lock.to_str().expect("utf-8 path");
    let url = emulator.base_url();
    let pin = common::cli(&url)
        .args(["tools", "pin", "--lock", lock])
        .output()
        .expect("pins");
    assert!(
        pin.status.success(),
        "{}",
        String::from_utf8_lossy(&pin.stderr)
    );
    // The real tools, through the route, in `tools list` and `tools scan` too.
    let listed = common::cli(&url)
        .args(["tools", "list", "Docs"])
        .output()
        .expect("lists");
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains("search_docs") && listed.contains("page2_tool"),
        "{listed}"
    );
    let scanned = common::cli(&url)
        .args(["tools", "scan"])
        .output()
        .expect("scans");
    let scan_out = String::from_utf8_lossy(&scanned.stdout);
    assert_eq!(scanned.status.code(), Some(0), "{scan_out}");
    assert!(
        scan_out.contains("in 6 tool(s) of 1 server(s)"),
        "{scan_out}"
    );
    let same = common::cli(&url)
        .args(["tools", "audit", "--lock", lock])
        .output()
        .expect("audits");
    assert_eq!(
        same.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&same.stdout)
    );
    // The same server, restarted with a changed definition.
    drop(peer);
    let _peer = Peer::start(
        "STREAMABLE_HTTP",
        port,
        &["--pages", "2", "--variant", "changed"],
    );
    let drift = common::cli(&url)
        .args(["tools", "audit", "--lock", lock])
        .output()
        .expect("audits");
    let stdout = String::from_utf8_lossy(&drift.stdout);
    assert_eq!(drift.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("search_docs"), "{stdout}");
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_probe_catches_a_misspelt_tool_of_a_server_about_to_be_created() {
    let port = free_port();
    let peer = Peer::start("SSE", port, &[]);
    let emulator = Emulator::builder().start().await.expect("emulator");
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = common::write(
        dir.path(),
        "servers.yaml",
        &format!(
            "servers:\n  - name: Docs\n    url: {REGISTERED}\n    tool_approvals:\n      - {{tool: search_doc, policy: auto_approved}}\n  - name: Gone\n    url: https://gone.example.com/mcp\n"
        ),
    );
    let out = common::cli(&emulator.base_url())
        .args(["--route", &format!("{REGISTERED}={}", peer.url("SSE"))])
        .args([
            "--route",
            &format!(
                "https://gone.example.com/mcp=http://127.0.0.1:{}/sse",
                free_port()
            ),
        ])
        .args(["plan", "--probe", "-f", &manifest])
        .output()
        .expect("plans");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("\"search_doc\"") && all.contains("did you mean \"search_docs\""),
        "{all}"
    );
    assert!(
        all.contains("could not list the tools of \"Gone\""),
        "the plan names the server it could not reach: {all}"
    );
    // Without --probe nothing is connected to, and nothing is said of the new server's tools.
    let plain = common::cli(&emulator.base_url())
        .args(["plan", "-f", &manifest])
        .output()
        .expect("plans");
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("did you mean"));
    emulator.shutdown().await;
}

/// How a hostile Streamable HTTP server answers `tools/list`.
#[derive(Clone, Copy, Debug)]
enum Hostile {
    /// A page and a next cursor, forever.
    EndlessCursor,
    /// A body that never ends.
    EndlessBody,
    /// Nothing, ever.
    Silent,
    /// A few hundred MB of valid JSON.
    Huge,
}

/// Serves `mode` at `/mcp` on 127.0.0.1; the port, and the bytes of `tools/list` answers
/// the connection took.
async fn hostile(mode: Hostile) -> (u16, Arc<AtomicUsize>, tokio::task::JoinHandle<()>) {
    use axum::body::{Body, Bytes};
    use axum::response::Response;
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let app = axum::Router::new().route(
        "/mcp",
        axum::routing::post(move |body: Bytes| {
            let counter = counter.clone();
            async move {
                let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let id = request["id"].clone();
                let json = |v: Value| {
                    Response::builder()
                        .header("content-type", "application/json")
                        .body(Body::from(v.to_string()))
                        .unwrap_or_default()
                };
                match request["method"].as_str().unwrap_or_default() {
                    "initialize" => json(json!({"jsonrpc": "2.0", "id": id, "result": {
                        "protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                        "serverInfo": {"name": "hostile", "version": "1"}}})),
                    "tools/list" => match mode {
                        Hostile::EndlessCursor => {
                            let n = counter.fetch_add(1, Ordering::SeqCst);
                            json(json!({"jsonrpc": "2.0", "id": id, "result": {
                                "tools": [{"name": format!("t{n}"), "inputSchema": {"type": "object"}}],
                                "nextCursor": format!("c{n}")}}))
                        }
                        Hostile::Silent => std::future::pending().await,
                        Hostile::EndlessBody | Hostile::Huge => {
                            let head = format!("{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":{{\"tools\":[");
                            let tool = Bytes::from_static(b"{\"name\":\"padding\",\"inputSchema\":{\"type\":\"object\"}},");
                            let limit = match mode {
                                Hostile::Huge => 300 << 20,
                                _ => usize::MAX,
                            };
                            let total = counter.clone();
                            let chunks = futures_util::stream::iter(
                                std::iter::once(Bytes::from(head)).chain(std::iter::repeat(tool)),
                            )
                            .take_while(move |chunk| {
                                let before = total.fetch_add(chunk.len(), Ordering::SeqCst);
                                std::future::ready(before < limit)
                            })
                            .map(Ok::<_, std::io::Error>);
                            Response::builder()
                                .header("content-type", "application/json")
                                .body(Body::from_stream(chunks))
                                .unwrap_or_default()
                        }
                    },
                    _ => Response::builder().status(202).body(Body::empty()).unwrap_or_default(),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let port = listener.local_addr().expect("addr").port();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (port, sent, task)
}

use futures_util::StreamExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_servers_end_in_a_clear_error_within_the_deadline_through_the_cli() {
    for (mode, says) in [
        (Hostile::EndlessCursor, "page"),
        (Hostile::EndlessBody, "large"),
        (Hostile::Silent, "deadline"),
        (Hostile::Huge, "large"),
    ] {
        let (port, sent, server) = hostile(mode).await;
        let started = Instant::now();
        let out = tokio::task::spawn_blocking(move || {
            common::cli("http://127.0.0.1:9")
                .args([
                    "tools",
                    "list",
                    "--url",
                    &format!("http://127.0.0.1:{port}/mcp"),
                ])
                .args(["--transport", "STREAMABLE_HTTP", "--listing-deadline", "3"])
                .output()
                .expect("runs")
        })
        .await
        .expect("joins");
        server.abort();
        let took = started.elapsed();
        let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
        assert_eq!(out.status.code(), Some(1), "{mode:?}: {err}");
        assert!(err.contains(says), "{mode:?}: {err}");
        assert!(took < Duration::from_secs(20), "{mode:?} took {took:?}");
        if matches!(mode, Hostile::Huge | Hostile::EndlessBody) {
            let read = sent.load(Ordering::SeqCst);
            assert!(read < 64 << 20, "{mode:?}: the server got {read} bytes out");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_servers_answer_success_false_and_the_emulator_keeps_serving() {
    for mode in [
        Hostile::EndlessCursor,
        Hostile::EndlessBody,
        Hostile::Silent,
        Hostile::Huge,
    ] {
        let (port, sent, server) = hostile(mode).await;
        let emulator = Emulator::builder()
            .route(REGISTERED, format!("http://127.0.0.1:{port}/mcp"))
            .listing_deadline(Duration::from_secs(3))
            .start()
            .await
            .expect("emulator");
        let id = register(&emulator, "Hostile", "STREAMABLE_HTTP", json!({})).await;
        let started = Instant::now();
        let listed = tools_of(&emulator, &id).await;
        assert_eq!(listed["success"], json!(false), "{mode:?}: {listed}");
        assert!(
            listed["error_message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        assert!(started.elapsed() < Duration::from_secs(20), "{mode:?}");
        if matches!(mode, Hostile::Huge | Hostile::EndlessBody) {
            assert!(sent.load(Ordering::SeqCst) < 64 << 20, "{mode:?}");
        }
        // Still serving.
        let servers: Value = reqwest::Client::new()
            .get(format!("{}/v1/convai/mcp-servers", emulator.base_url()))
            .header("xi-api-key", "test")
            .send()
            .await
            .expect("lists")
            .json()
            .await
            .expect("JSON");
        assert_eq!(servers["mcp_servers"].as_array().map(Vec::len), Some(1));
        server.abort();
        emulator.shutdown().await;
    }
}
