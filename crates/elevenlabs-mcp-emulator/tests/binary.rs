//! The binary: `--port 0` prints the address it picked, `--fault` takes effect, and a
//! request without a key is refused.

mod common;

use std::process::Command;

/// Sends one request and returns the status line and body.
fn request(addr: &str, head: &str) -> (String, String) {
    common::request(addr, head, "").expect("a whole answer")
}

#[test]
fn the_binary_serves_on_the_port_it_prints() {
    let (_running, url) = common::start(&[
        "--port",
        "0",
        "--fault",
        "mcp_servers_list=server-error:503*1",
    ]);
    let addr = url.trim_start_matches("http://").to_owned();

    let list = "GET /v1/convai/mcp-servers HTTP/1.1\r\nxi-api-key: k\r\n";
    let (status, _) = request(&addr, list);
    assert!(
        status.contains(" 503 "),
        "the fault answers first: {status}"
    );
    let (status, body) = request(&addr, list);
    assert!(status.contains(" 200 "), "{status}");
    assert_eq!(body, r#"{"mcp_servers":[]}"#);
    let (status, body) = request(&addr, "GET /v1/convai/mcp-servers HTTP/1.1\r\n");
    assert!(status.contains(" 401 "), "{status}");
    assert!(body.contains("needs_authorization"), "{body}");
}

#[test]
fn bad_arguments_are_refused_with_the_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_elevenlabs-mcp-emulator"))
        .args(["--fault", "explode"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("explode") && err.contains("usage:"), "{err}");
}

#[test]
fn routes_and_secrets_are_name_value_pairs() {
    for (flag, bad, says) in [
        ("--route", "https://mcp.example.com/mcp", "URL=TARGET"),
        ("--secret", "=value", "ID=VALUE"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_elevenlabs-mcp-emulator"))
            .args([flag, bad])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{flag} {bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says) && err.contains("usage:"), "{err}");
    }
}
