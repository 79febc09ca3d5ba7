//! Starting the emulator binary for a test, and speaking plain HTTP/1.1 to it.

// Each test binary that includes this module uses only some of its helpers.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;

/// The running binary; killed when the test ends, whatever happens.
pub type Running = elevenlabs_mcp_emulator::Process;

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

/// Starts the binary with `args` and returns it with the base URL it printed.
pub fn start(args: &[&str]) -> (Running, String) {
    let running = Running::spawn(env!("CARGO_BIN_EXE_elevenlabs-mcp-emulator"), args)
        .expect("spawn the emulator");
    let url = running.base_url().to_owned();
    (running, url)
}
