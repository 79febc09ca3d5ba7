//! Helpers shared by the workspace-level integration tests beside this file: the response
//! corpus, a client aimed at a loopback server, and a loopback server that records every
//! request it receives and answers from a script.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The key every test client sends; tests search outputs for it.
pub const TEST_KEY: &str = "sk_test_9f8e7d6c5b4a";

/// The response corpus, from its owner.
pub use elevenlabs_mcp_corpus::{dir as corpus_dir, json as corpus, text as corpus_text};

/// An external tool a test runs (a Python validator or tester that `scripts/test` installs
/// into `target/tools/venv`): `Some(path)` when it is there. When it is not, under `CI` the
/// test fails; elsewhere it prints how to install it and the caller skips its checks.
pub fn external_tool(path: &Path, name: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path.to_path_buf());
    }
    let how = format!(
        "{name} is not installed at {}: run the tests with `scripts/test`, which installs it \
         into target/tools/venv, or point the test's variable at an installed copy",
        path.display()
    );
    assert!(std::env::var_os("CI").is_none(), "{how}");
    eprintln!("skipped: {how}");
    None
}

/// A client for `base_url` with the test key and no retries.
pub fn client(base_url: &str) -> elevenlabs_mcp::Client {
    elevenlabs_mcp::Client::builder()
        .api_key(TEST_KEY)
        .base_url(base_url)
        .max_retries(0)
        .build()
        .expect("test client")
}

/// A request as it arrived at a [`Recorder`].
#[derive(Debug, Clone)]
pub struct Received {
    /// The method.
    pub method: String,
    /// The request target exactly as sent: path and query, still percent-encoded.
    pub target: String,
    /// Header lines, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// What a [`Recorder`] does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answer with this status, extra headers and JSON body.
    Respond {
        /// Status code.
        status: u16,
        /// Extra header lines.
        headers: Vec<(String, String)>,
        /// The body.
        body: String,
    },
    /// Close the connection without answering, after reading the request.
    Hang,
    /// Read the request and never answer, keeping the connection open until the client
    /// gives up and closes it (an attempt that hangs until its timeout).
    Stall,
    /// Answer 200 with a chunked JSON body that never ends, until the client closes the
    /// connection; the bytes written are counted in [`Recorder::streamed`].
    Endless,
    /// Answer 200 declaring a `content-length` of this many bytes, then stream the body
    /// as [`Reply::Endless`] does.
    Declared(u64),
}

impl Reply {
    /// A plain JSON answer.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self::Respond {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// A JSON answer with extra headers.
    pub fn with_headers(status: u16, headers: &[(&str, &str)], body: impl Into<String>) -> Self {
        Self::Respond {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.into(),
        }
    }
}

/// A loopback HTTP/1.1 server that records every request and answers from a script: the
/// n-th request gets the n-th reply, and the last reply repeats. Written by hand because
/// the tests need the raw request target (httpmock normalises paths) and control over
/// misbehaviour.
#[derive(Debug, Clone)]
pub struct Recorder {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    received: Arc<Mutex<Vec<Received>>>,
    streamed: Arc<std::sync::atomic::AtomicU64>,
}

impl Recorder {
    /// Starts the server on a free loopback port.
    pub async fn start(script: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let streamed = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = streamed.clone();
        let script = Arc::new(script);
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let log = log.clone();
                let script = script.clone();
                let counter = counter.clone();
                tokio::spawn(async move {
                    // One connection may carry several requests (keep-alive).
                    while let Some(request) = read_request(&mut socket).await {
                        let n = {
                            let mut log = log.lock().expect("log");
                            log.push(request);
                            log.len() - 1
                        };
                        let reply = script
                            .get(n)
                            .or(script.last())
                            .cloned()
                            .unwrap_or_else(|| Reply::json(200, "{}"));
                        match reply {
                            Reply::Hang => return,
                            Reply::Endless => {
                                stream_forever(&mut socket, None, &counter).await;
                                return;
                            }
                            Reply::Declared(length) => {
                                stream_forever(&mut socket, Some(length), &counter).await;
                                return;
                            }
                            Reply::Stall => {
                                // Until the client closes its side.
                                let mut sink = [0u8; 1024];
                                while matches!(socket.read(&mut sink).await, Ok(n) if n > 0) {}
                                return;
                            }
                            Reply::Respond {
                                status,
                                headers,
                                body,
                            } => {
                                let mut head = format!(
                                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
                                    body.len()
                                );
                                for (k, v) in headers {
                                    head.push_str(&format!("{k}: {v}\r\n"));
                                }
                                head.push_str("\r\n");
                                let sent = socket.write_all(head.as_bytes()).await.is_ok()
                                    && socket.write_all(body.as_bytes()).await.is_ok();
                                if !sent {
                                    return;
                                }
                            }
                        }
                    }
                });
            }
        });
        Self {
            base_url,
            received,
            streamed,
        }
    }

    /// How many body bytes the [`Reply::Endless`] and [`Reply::Declared`] answers wrote.
    pub fn streamed(&self) -> u64 {
        self.streamed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("log").clone()
    }
}

/// Writes a 200 whose JSON body never ends (`{"mcp_servers": [{…}, {…}, …`) until the
/// peer closes, counting the body's bytes. Chunked unless a `content-length` is declared.
async fn stream_forever(
    socket: &mut tokio::net::TcpStream,
    declared: Option<u64>,
    counter: &std::sync::atomic::AtomicU64,
) {
    let length = match declared {
        Some(n) => format!("content-length: {n}"),
        None => "transfer-encoding: chunked".to_owned(),
    };
    let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{length}\r\n\r\n");
    if socket.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let item = r#"{"id":"mcp_x","config":{"name":"n","url":"https://x.example"},"metadata":{"created_at":1}},"#;
    let mut piece = String::from(r#"{"mcp_servers":["#);
    while piece.len() < 64 * 1024 {
        piece.push_str(item);
    }
    loop {
        let bytes = match declared {
            Some(_) => piece.clone().into_bytes(),
            None => format!("{:x}\r\n{piece}\r\n", piece.len()).into_bytes(),
        };
        if socket.write_all(&bytes).await.is_err() {
            return;
        }
        counter.fetch_add(piece.len() as u64, std::sync::atomic::Ordering::Relaxed);
        piece.clear();
        while piece.len() < 64 * 1024 {
            piece.push_str(item);
        }
    }
}

/// This process's peak resident memory (`VmHWM`), in bytes, on Linux.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Reads one request (head and `content-length` body); `None` at end of stream.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        method,
        target,
        headers,
        body,
    })
}
