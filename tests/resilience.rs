//! Retries against a loopback server that misbehaves on purpose: what is retried, what is
//! never sent twice, how long the client waits, and where it stops.

use std::time::{Duration, Instant};

use elevenlabs_mcp::{Client, McpServerConfig, RetryPolicy};
use workspace_tests::{Recorder, Reply, TEST_KEY, corpus_text};

/// A client that retries quickly when the server gives no hint.
fn retrying(base_url: &str, retries: u32) -> Client {
    Client::builder()
        .api_key(TEST_KEY)
        .base_url(base_url)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(retries)
                .initial_backoff(Duration::from_millis(10))
                .max_backoff(Duration::from_millis(40)),
        )
        .build()
        .expect("client")
}

fn server_body() -> String {
    corpus_text("mcp_server.full.json")
}

fn config() -> McpServerConfig {
    McpServerConfig::new("Docs", "https://mcp.example.com/mcp")
}

#[tokio::test]
async fn rate_limited_then_ok_succeeds_after_the_hinted_wait() {
    for (header, wait) in [
        ("retry-after-ms", ("350", Duration::from_millis(350))),
        ("retry-after", ("1", Duration::from_secs(1))),
    ] {
        let server = Recorder::start(vec![
            Reply::with_headers(429, &[(header, wait.0)], r#"{"detail":"slow down"}"#),
            Reply::json(200, server_body()),
        ])
        .await;
        let started = Instant::now();
        // A POST: a 429 means the server refused it, so even a create is retried.
        let created = retrying(&server.base_url, 2)
            .mcp_servers()
            .create(config())
            .await
            .expect("second attempt succeeds");
        assert_eq!(created.id, "mcp_01");
        assert!(
            started.elapsed() >= wait.1,
            "{header}: retried after {:?}, before the hinted {:?}",
            started.elapsed(),
            wait.1
        );
        assert_eq!(server.received().len(), 2);
    }
}

#[tokio::test]
async fn a_long_hint_is_cut_to_the_cap() {
    let server = Recorder::start(vec![
        Reply::with_headers(429, &[("retry-after", "3600")], "{}"),
        Reply::json(200, server_body()),
    ])
    .await;
    let client = Client::builder()
        .api_key(TEST_KEY)
        .base_url(&server.base_url)
        .retry_policy(RetryPolicy::default().max_retry_after(Duration::from_millis(100)))
        .build()
        .expect("client");
    client
        .mcp_servers()
        .get("mcp_01")
        .await
        .expect("retried after the cap");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn unavailable_then_ok_on_a_get_succeeds() {
    let server = Recorder::start(vec![
        Reply::json(503, r#"{"detail":"try later"}"#),
        Reply::json(200, server_body()),
    ])
    .await;
    let got = retrying(&server.base_url, 2)
        .mcp_servers()
        .get("mcp_01")
        .await
        .expect("retried");
    assert_eq!(got.id, "mcp_01");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_create_stored_then_answered_502_is_sent_once() {
    // The server stores the create, then its gateway answers 502.
    let server = Recorder::start(vec![
        Reply::json(502, r#"{"detail":"bad gateway"}"#),
        Reply::json(200, server_body()),
    ])
    .await;
    let err = retrying(&server.base_url, 3)
        .mcp_servers()
        .create(config())
        .await
        .expect_err("not retried");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    let received = server.received();
    assert_eq!(
        received.len(),
        1,
        "the create was sent {} times",
        received.len()
    );
    assert_eq!(received[0].method, "POST");
}

#[tokio::test]
async fn a_create_whose_connection_breaks_is_sent_once() {
    let server = Recorder::start(vec![Reply::Hang]).await;
    let err = retrying(&server.base_url, 3)
        .mcp_servers()
        .create(config())
        .await
        .expect_err("connection broke");
    assert!(
        matches!(err, elevenlabs_mcp::Error::Connection(_)),
        "{err:?}"
    );
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_get_whose_connection_breaks_is_retried() {
    let server = Recorder::start(vec![Reply::Hang, Reply::json(200, server_body())]).await;
    retrying(&server.base_url, 2)
        .mcp_servers()
        .get("mcp_01")
        .await
        .expect("retried");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_post_is_retried_when_the_call_opts_in() {
    let server = Recorder::start(vec![
        Reply::json(502, "{}"),
        Reply::json(200, server_body()),
    ])
    .await;
    retrying(&server.base_url, 2)
        .mcp_servers()
        .tool_approvals("mcp_01")
        .create(elevenlabs_mcp::ToolApproval::new("search", "d"))
        .assume_idempotent()
        .await
        .expect("retried on request");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn retries_stop_at_the_limit_with_the_last_error() {
    let server = Recorder::start(vec![
        Reply::json(503, r#"{"detail":"first"}"#),
        Reply::json(502, r#"{"detail":"second"}"#),
        Reply::json(500, r#"{"detail":"third"}"#),
        Reply::json(200, server_body()),
    ])
    .await;
    let err = retrying(&server.base_url, 2)
        .mcp_servers()
        .delete("mcp_01")
        .await
        .expect_err("gave up");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(err.to_string().contains("third"), "{err}");
    assert_eq!(server.received().len(), 3);

    // The per-call count overrides the client's.
    let server = Recorder::start(vec![Reply::json(503, "{}")]).await;
    let _ = retrying(&server.base_url, 5)
        .mcp_servers()
        .get("m")
        .max_retries(1)
        .await;
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = Recorder::start(vec![Reply::with_headers(
        429,
        &[("retry-after-ms", "1")],
        "{}",
    )])
    .await;
    let client = Client::builder()
        .api_key(TEST_KEY)
        .base_url(&server.base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    let err = client.mcp_servers().list().await.expect_err("429");
    assert!(err.is_rate_limited());
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn the_time_budget_ends_retrying() {
    // Each hint fits under the cap but two of them do not fit in the budget.
    let server = Recorder::start(vec![Reply::with_headers(
        429,
        &[("retry-after-ms", "300")],
        "{}",
    )])
    .await;
    let client = Client::builder()
        .api_key(TEST_KEY)
        .base_url(&server.base_url)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(10)
                .max_total_wait(Duration::from_millis(500)),
        )
        .build()
        .expect("client");
    let err = client.mcp_servers().list().await.expect_err("budget");
    assert!(err.is_rate_limited());
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_hung_get_is_retried_with_the_default_policy() {
    // The first attempt hangs until its timeout; the default policy still has room for the
    // retry (the time an attempt takes is not charged to the waits).
    let server = Recorder::start(vec![Reply::Stall, Reply::json(200, server_body())]).await;
    let client = Client::builder()
        .api_key(TEST_KEY)
        .base_url(&server.base_url)
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(10)))
        .build()
        .expect("client");
    let server_seen = client.mcp_servers().get("mcp_01").await.expect("retried");
    assert!(!server_seen.id.is_empty());
    assert_eq!(server.received().len(), 2, "one hung attempt, one answered");
}

#[tokio::test]
async fn a_hung_create_is_not_repeated() {
    let server = Recorder::start(vec![Reply::Stall, Reply::json(200, server_body())]).await;
    let client = Client::builder()
        .api_key(TEST_KEY)
        .base_url(&server.base_url)
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let err = client
        .mcp_servers()
        .create(config())
        .await
        .expect_err("timed out");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.received().len(), 1);
}
