//! Listing real MCP servers, on both transports, and comparing with what the Python SDK's
//! own client lists from them:
//! - `@modelcontextprotocol/server-everything` (Node), the protocol's reference server;
//! - a small server on the Python SDK (`tests/peers/python_server.py`).
//!
//! The peers are installed by `scripts/mcp-peers`, and found through `MCP_PEERS_NPM` (its
//! npm prefix) and `MCP_PEERS_VENV` (its Python venv). Without them these tests fail,
//! saying so: a missing peer must not pass for a passing test.
//!
//! Each peer listens on 127.0.0.1 on a free port and is killed when its test ends, however
//! it ends ([`Peer`]'s `Drop`). server-everything listens on every interface by itself, so
//! it runs with `tests/peers/loopback_only.cjs` preloaded, which pins its sockets to
//! 127.0.0.1; the test checks that it did.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mcp_tools_client::{Listing, Transport};
use serde_json::Value;

/// How long a peer may take to start listening (node and Python start in a second or two).
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the Python reference client may take.
const REFERENCE_TIMEOUT: Duration = Duration::from_secs(60);

fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers")
}

/// A directory named by `var`, or a failure saying how to get it.
fn installed(var: &str, inside: &str) -> PathBuf {
    let Some(dir) = std::env::var_os(var) else {
        panic!(
            "{var} is not set: run scripts/mcp-peers (it installs the MCP peers into \
             target/tools/), then set MCP_PEERS_NPM=$PWD/target/tools/npm and \
             MCP_PEERS_VENV=$PWD/target/tools/venv (scripts/test does both)"
        );
    };
    let dir = PathBuf::from(dir);
    assert!(
        dir.join(inside).exists(),
        "{var}={} has no {inside}: run scripts/mcp-peers",
        dir.display()
    );
    dir
}

fn server_everything() -> PathBuf {
    installed(
        "MCP_PEERS_NPM",
        "node_modules/@modelcontextprotocol/server-everything/dist/index.js",
    )
    .join("node_modules/@modelcontextprotocol/server-everything/dist/index.js")
}

fn python() -> PathBuf {
    installed("MCP_PEERS_VENV", "bin/python").join("bin/python")
}

/// A running peer, killed (and reaped) when dropped.
struct Peer {
    child: Child,
    port: u16,
    stderr: PathBuf,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Peer {
    /// Starts `command` (which must listen on 127.0.0.1:`port`) and waits until it does.
    fn start(mut command: Command, port: u16, name: &str) -> Self {
        let stderr = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("peer-{name}-{port}.log"));
        let log = std::fs::File::create(&stderr).expect("peer log file");
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {name}: {e}"));
        let mut peer = Self {
            child,
            port,
            stderr,
        };
        peer.wait_listening(name);
        peer
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Polls a connection until the peer takes one, within [`START_TIMEOUT`].
    fn wait_listening(&mut self, name: &str) {
        let started = Instant::now();
        loop {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{name} exited ({status}) before listening:\n{}", self.log());
            }
            assert!(
                started.elapsed() < START_TIMEOUT,
                "{name} did not listen on 127.0.0.1:{} within {START_TIMEOUT:?}:\n{}",
                self.port,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// A port free a moment ago. Another process could take it before the peer does; the
/// peer then fails to start, loudly.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start_server_everything(transport: &str) -> Peer {
    let port = free_port();
    let mut command = Command::new("node");
    command
        .arg("--require")
        .arg(peers_dir().join("loopback_only.cjs"))
        .arg(server_everything())
        .arg(transport)
        .env("PORT", port.to_string());
    let peer = Peer::start(command, port, &format!("server-everything-{transport}"));
    assert_eq!(
        listening_addresses(port),
        ["0100007F"],
        "server-everything must listen on 127.0.0.1 only"
    );
    peer
}

fn start_python_server(transport: &str) -> Peer {
    let port = free_port();
    let mut command = Command::new(python());
    command
        .arg(peers_dir().join("python_server.py"))
        .arg(transport)
        .arg(port.to_string());
    Peer::start(command, port, &format!("python-{transport}"))
}

/// The local addresses (hex, as /proc shows them) of the sockets listening on `port`.
fn listening_addresses(port: u16) -> Vec<String> {
    let port = format!("{port:04X}");
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if let (Some(local), Some("0A")) = (fields.get(1), fields.get(3).copied())
                && let Some((addr, p)) = local.split_once(':')
                && p == port
            {
                found.push(addr.to_owned());
            }
        }
    }
    found
}

/// The tool names the Python SDK's client lists, over every page.
fn reference_names(transport: &str, url: &str) -> Vec<String> {
    let mut child = Command::new(python())
        .arg(peers_dir().join("python_list_tools.py"))
        .arg(transport)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the Python reference client starts");
    let started = Instant::now();
    while child.try_wait().ok().flatten().is_none() {
        if started.elapsed() > REFERENCE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the Python reference client took over {REFERENCE_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("its output");
    assert!(
        output.status.success(),
        "the Python reference client failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "the reference client printed no JSON list ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// Lists with our client and checks it against the reference; returns our tools.
async fn compare(
    peer: &Peer,
    path: &str,
    transport: Transport,
    python_transport: &str,
) -> Vec<serde_json::Map<String, Value>> {
    let listed = Listing::new(peer.url(path))
        .transport(transport)
        .deadline(Duration::from_secs(20))
        .list_tools()
        .await
        .unwrap_or_else(|e| panic!("{e}\npeer log:\n{}", peer.log()));
    let ours: Vec<String> = listed
        .tools
        .iter()
        .map(|t| t["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    let reference = reference_names(python_transport, &peer.url(path));
    assert!(!ours.is_empty(), "no tools listed");
    assert_eq!(
        ours, reference,
        "our listing and the Python SDK's differ ({transport})"
    );
    assert!(listed.server_info.is_some());
    assert!(listed.protocol_version.is_some());
    listed.tools
}

#[tokio::test]
async fn server_everything_over_sse() {
    let peer = start_server_everything("sse");
    let tools = compare(&peer, "/sse", Transport::Sse, "sse").await;
    assert!(tools.iter().any(|t| t["name"] == "echo"));
    assert!(tools.iter().all(|t| t.contains_key("inputSchema")));
}

#[tokio::test]
async fn server_everything_over_streamable_http() {
    let peer = start_server_everything("streamableHttp");
    let tools = compare(&peer, "/mcp", Transport::StreamableHttp, "streamable-http").await;
    assert!(tools.iter().any(|t| t["name"] == "echo"));
}

#[tokio::test]
async fn python_sdk_server_over_sse() {
    let peer = start_python_server("sse");
    let tools = compare(&peer, "/sse", Transport::Sse, "sse").await;
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, ["add", "repeat", "weather"]);
}

#[tokio::test]
async fn python_sdk_server_over_streamable_http() {
    let peer = start_python_server("streamable-http");
    let tools = compare(&peer, "/mcp", Transport::StreamableHttp, "streamable-http").await;
    let weather = tools
        .iter()
        .find(|t| t["name"] == "weather")
        .expect("weather");
    // Fields beyond name are kept as the server sent them.
    assert_eq!(weather["title"], "Weather lookup");
    assert!(weather["inputSchema"]["properties"]["unit"].is_object());
}
