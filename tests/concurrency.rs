//! The workspace's limit of requests in flight: the emulator enforces it as the service
//! does, and the client learns it, keeps under it and queues the rest.

use std::time::Duration;

use elevenlabs_mcp::{Client, McpServerConfig, RateLimit};
use elevenlabs_mcp_emulator::{Emulator, Fault, FaultRule};
use tokio::task::JoinSet;
use workspace_tests::TEST_KEY;

const LIMIT: usize = 4;

async fn limited() -> (Emulator, String) {
    let emulator = Emulator::builder()
        .concurrency_limit(LIMIT)
        .fault(FaultRule::all(Fault::Latency(Duration::from_millis(20))))
        .start()
        .await
        .expect("emulator");
    let url = emulator.base_url();
    (emulator, url)
}

/// The server the bursts read.
async fn docs(client: &Client) -> elevenlabs_mcp::McpServer {
    client
        .mcp_servers()
        .create(McpServerConfig::new("Docs", "https://mcp.example.com/mcp"))
        .await
        .expect("create")
}

/// Starts `n` gets of one server at once and returns how many failed, and with what.
async fn burst(client: &Client, id: &str, n: usize) -> Vec<elevenlabs_mcp::Error> {
    let mut calls = JoinSet::new();
    for _ in 0..n {
        let (client, id) = (client.clone(), id.to_owned());
        calls.spawn(async move { client.mcp_servers().get(&id).await });
    }
    let mut failed = Vec::new();
    while let Some(done) = calls.join_next().await {
        if let Err(e) = done.expect("task") {
            failed.push(e);
        }
    }
    failed
}

fn rejected(emulator: &Emulator) -> usize {
    emulator
        .exchanges()
        .iter()
        .filter(|x| x.status == 429)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_client_learns_the_limit_and_never_goes_over() {
    let (emulator, url) = limited().await;
    let client = Client::builder()
        .api_key(TEST_KEY)
        .base_url(&url)
        .build()
        .expect("client");
    let server = docs(&client).await;
    let failed = burst(&client, &server.id, 60).await;
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(rejected(&emulator), 0, "the client stayed under the limit");
    // Every answer says where the caller stands.
    let raw = client
        .mcp_servers()
        .get(&server.id)
        .raw()
        .await
        .expect("raw");
    assert_eq!(
        raw.headers()["maximum-concurrent-requests"],
        LIMIT.to_string().as_str()
    );
    assert!(raw.headers().contains_key("current-concurrent-requests"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_limiter_the_emulator_refuses_what_is_over_the_limit() {
    let (emulator, url) = limited().await;
    let client = Client::builder()
        .api_key(TEST_KEY)
        .base_url(&url)
        .max_concurrency(None)
        .max_retries(0)
        .build()
        .expect("client");
    let server = docs(&client).await;
    let failed = burst(&client, &server.id, 30).await;
    assert!(!failed.is_empty(), "30 at once against a limit of {LIMIT}");
    for e in &failed {
        assert!(e.is_rate_limited(), "{e}");
        assert_eq!(
            e.api().and_then(|a| a.rate_limit()),
            Some(RateLimit::TooManyConcurrentRequests),
            "{e}"
        );
    }
    assert_eq!(rejected(&emulator), failed.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fixed_limit_is_kept_and_system_busy_is_told_apart() {
    let (emulator, url) = limited().await;
    let client = Client::builder()
        .api_key(TEST_KEY)
        .base_url(&url)
        .max_concurrency(Some(2))
        .build()
        .expect("client");
    let server = docs(&client).await;
    assert!(burst(&client, &server.id, 20).await.is_empty());
    assert_eq!(rejected(&emulator), 0);

    emulator
        .faults()
        .add(FaultRule::all(Fault::SystemBusy).times(1));
    let busy = client
        .mcp_servers()
        .get(&server.id)
        .max_retries(0)
        .await
        .expect_err("busy");
    assert!(busy.is_rate_limited());
    assert_eq!(
        busy.api().and_then(|a| a.rate_limit()),
        Some(RateLimit::SystemBusy)
    );
    // Retried with a backoff, it goes through.
    client
        .mcp_servers()
        .get(&server.id)
        .await
        .expect("after the busy answer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_refused_for_the_limit_is_sent_again_once() {
    // Another client fills the workspace's slots; ours has the limiter off, so its create
    // is refused with 429, which means it was not applied, and is sent again.
    let (emulator, url) = limited().await;
    let ours = Client::builder()
        .api_key(TEST_KEY)
        .base_url(&url)
        .max_concurrency(None)
        .retry_policy(
            elevenlabs_mcp::RetryPolicy::default()
                .max_retries(20)
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(20)),
        )
        .build()
        .expect("client");
    let other = Client::builder()
        .api_key(TEST_KEY)
        .base_url(&url)
        .max_concurrency(None)
        .max_retries(0)
        .build()
        .expect("client");
    let mut noise = JoinSet::new();
    for _ in 0..12 {
        let other = other.clone();
        noise.spawn(async move { other.mcp_servers().list().await.map(drop) });
    }
    let created = ours
        .mcp_servers()
        .create(McpServerConfig::new("Once", "https://mcp.example.com/mcp"))
        .await
        .expect("created after the limit freed up");
    while noise.join_next().await.is_some() {}
    let named: Vec<_> = ours
        .mcp_servers()
        .list()
        .await
        .expect("list")
        .into_iter()
        .filter(|s| s.config.name == "Once")
        .collect();
    assert_eq!(named.len(), 1, "one create, whatever the 429s");
    assert_eq!(named[0].id, created.id);
    drop(emulator);
}
