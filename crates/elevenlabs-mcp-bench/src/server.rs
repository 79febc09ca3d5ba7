//! The loopback server every subject talks to. It runs in a child process of its own, so
//! its allocations stay out of the memory figures and it is the same server for the Rust
//! subjects and the vendor SDKs, and it answers from prebuilt responses without copying them.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};
use bytes::{Buf, Bytes};
use reqwest::StatusCode;

use crate::bodies::Bodies;

/// The server child process; killed when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
}

impl Server {
    /// Starts this executable's `serve` mode with a workspace of `servers` servers and waits
    /// until it listens.
    pub fn spawn(servers: usize) -> Result<Self> {
        let exe = std::env::current_exe().context("locating the benchmark executable")?;
        let mut child = Command::new(exe)
            .args(["serve", &servers.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .context("starting the loopback server")?;
        let stdout = child.stdout.take().context("the server's stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let base_url = line.trim().to_owned();
        if !base_url.starts_with("http://127.0.0.1:") {
            let _ = child.kill();
            bail!("the loopback server did not start (it said {line:?})");
        }
        Ok(Self { child, base_url })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `serve` mode: listen on an ephemeral loopback port, print the base URL, answer forever.
///
/// One thread polls every socket without ever blocking. A server that sleeps between
/// requests (any async runtime does) must be woken by the next one, and on a small VM that
/// wake-up costs more than a whole round trip, and only once the client has been busy for a
/// few tens of microseconds: a client that decodes its answer would be charged the server's
/// nap. Spinning takes that out, at the price of one core.
pub fn run(servers: usize) -> Result<()> {
    let bodies = Bodies::new(servers)?;
    let answers = Answers {
        list: response(StatusCode::OK, &bodies.list),
        server: response(StatusCode::OK, &bodies.server),
        not_found: response(
            StatusCode::NOT_FOUND,
            br#"{"detail":{"status":"not_found","message":"no such route"}}"#,
        ),
    };
    let listener = TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let mut out = std::io::stdout();
    writeln!(out, "http://{}", listener.local_addr()?)?;
    out.flush()?;
    let mut connections: Vec<Connection> = Vec::new();
    loop {
        let mut progressed = false;
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(true)?;
                stream.set_nodelay(true)?;
                connections.push(Connection::new(stream));
                progressed = true;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => return Err(e.into()),
        }
        // A connection that fails or hangs up is dropped; the client's problem, not ours.
        connections.retain_mut(|c| match c.step(&answers) {
            Ok(p) => {
                progressed |= p;
                true
            }
            Err(_) => false,
        });
        if !progressed {
            // Let the clients on this machine run, without sleeping.
            std::thread::yield_now();
        }
    }
}

/// Whole responses, head and body, built once.
struct Answers {
    list: Bytes,
    server: Bytes,
    not_found: Bytes,
}

impl Answers {
    fn route(&self, path: &[u8]) -> Bytes {
        let path = path.split(|&b| b == b'?').next().unwrap_or_default();
        let list_path = elevenlabs_mcp::Operation::McpServersList.path_template();
        match path.strip_prefix(list_path.as_bytes()) {
            Some(b"") => self.list.clone(),
            Some(rest) if rest.len() > 1 && rest[0] == b'/' && !rest[1..].contains(&b'/') => {
                self.server.clone()
            }
            _ => self.not_found.clone(),
        }
    }
}

fn response(status: StatusCode, body: &[u8]) -> Bytes {
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out.into()
}

/// One keep-alive connection: bytes read but not yet answered, answers not yet written.
struct Connection {
    stream: TcpStream,
    unread: Vec<u8>,
    unsent: VecDeque<Bytes>,
}

impl Connection {
    fn new(stream: TcpStream) -> Self {
        Self {
            stream,
            unread: Vec::new(),
            unsent: VecDeque::new(),
        }
    }

    /// Writes what it can, reads what has arrived, queues answers to complete requests.
    /// Returns whether anything happened.
    fn step(&mut self, answers: &Answers) -> std::io::Result<bool> {
        let mut progressed = false;
        while let Some(front) = self.unsent.front_mut() {
            match self.stream.write(front) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => {
                    progressed = true;
                    front.advance(n);
                    if front.is_empty() {
                        self.unsent.pop_front();
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(progressed),
                Err(e) => return Err(e),
            }
        }
        let mut buf = [0u8; 16 * 1024];
        match self.stream.read(&mut buf) {
            Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                progressed = true;
                self.unread.extend_from_slice(&buf[..n]);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
        while let Some((path, consumed)) = complete_request(&self.unread) {
            self.unsent.push_back(answers.route(path));
            self.unread.drain(..consumed);
        }
        Ok(progressed)
    }
}

/// The path of the first complete request in `buf` and how many bytes it spans, head and
/// body (the benchmark's clients send bodies only with a `content-length`).
fn complete_request(buf: &[u8]) -> Option<(&[u8], usize)> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = &buf[..head_end];
    let body_len = head
        .split(|&b| b == b'\n')
        .filter_map(|line| {
            let line = std::str::from_utf8(line).ok()?;
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .next()
        .unwrap_or(0);
    if buf.len() < head_end + body_len {
        return None;
    }
    let path = head.split(|&b| b == b' ').nth(1)?;
    Some((path, head_end + body_len))
}
