//! Starting the emulator binary for a test, and speaking plain HTTP/1.1 to it.

// Each test binary that includes this module uses only some of its helpers.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// The running binary; killed when the test ends, whatever happens.
pub struct Running(Child);

impl Running {
    /// Kills the process at once (SIGKILL): no shutdown, no flushing.
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Sends one request (`head` is the request line and headers, each ending in CRLF) with
/// `body`, and returns the status line and the body of the answer; `None` when the
/// connection fails or breaks before a whole answer.
pub fn request(addr: &str, head: &str, body: &str) -> Option<(String, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    write!(
        stream,
        "{head}Host: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.lines().next()?.to_owned();
    let (_, answer) = response.split_once("\r\n\r\n")?;
    Some((status, answer.to_owned()))
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary with `args` and returns it with the base URL it printed.
pub fn start(args: &[&str]) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_elevenlabs-mcp-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the emulator");
    let stdout = child.stdout.take().expect("stdout");
    let running = Running(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("address line");
    let url = line
        .trim()
        .rsplit(' ')
        .next()
        .expect("an address")
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    (running, url)
}
