//! The binary against servers that misbehave on purpose, on loopback: a redirect must not
//! carry the key to another origin, and an answer that never ends must not grow the process.

use std::process::Output;

use assert_cmd::Command;
use workspace_tests::{Recorder, Reply, TEST_KEY, corpus_text};

fn cli(base_url: &str) -> Command {
    let mut cmd = Command::cargo_bin("elevenlabs-mcp").expect("the binary is built");
    cmd.env("ELEVENLABS_BASE_URL", base_url)
        .env("ELEVENLABS_API_KEY", TEST_KEY)
        .env("NO_COLOR", "1");
    cmd
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_does_not_carry_the_key_through_a_redirect() {
    let elsewhere =
        Recorder::start(vec![Reply::json(200, corpus_text("mcp_server.full.json"))]).await;
    let target = format!("{}/v1/convai/mcp-servers", elsewhere.base_url);
    let first = Recorder::start(vec![Reply::with_headers(307, &[("location", &target)], "")]).await;
    let base = first.base_url.clone();
    let out = tokio::task::spawn_blocking(move || cli(&base).args(["servers", "list"]).output())
        .await
        .expect("joined")
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("307"), "{}", stderr(&out));
    assert!(!stderr(&out).contains(TEST_KEY));
    assert_eq!(first.received().len(), 1);
    assert!(
        elsewhere.received().is_empty(),
        "{:?}",
        elsewhere.received()
    );
}

/// Under a 1 GiB address-space cap the binary either stops at its body limit (exit 1 with
/// a message naming it) or, without one, fails to allocate and aborts.
#[tokio::test(flavor = "multi_thread")]
async fn the_cli_stops_an_endless_answer_under_a_memory_cap() {
    let server = Recorder::start(vec![Reply::Endless]).await;
    let bin = assert_cmd::cargo::cargo_bin("elevenlabs-mcp");
    let base = server.base_url.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("bash")
            .arg("-c")
            .arg("ulimit -v 1048576 && exec \"$0\" servers list")
            .arg(bin)
            .env("ELEVENLABS_BASE_URL", base)
            .env("ELEVENLABS_API_KEY", TEST_KEY)
            .env("NO_COLOR", "1")
            .output()
    })
    .await
    .expect("joined")
    .expect("runs");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&elevenlabs_mcp::DEFAULT_MAX_RESPONSE_BODY.to_string()),
        "{err}"
    );
    assert!(server.streamed() >= elevenlabs_mcp::DEFAULT_MAX_RESPONSE_BODY as u64);
}
