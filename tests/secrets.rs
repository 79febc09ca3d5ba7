//! The API key never shows: not in tracing output at any level (ours, reqwest's or
//! hyper's), not in `Debug` or `Display` of the client or of any error, even when the
//! server echoes it back. The same capture checks the per-call span's fields.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use elevenlabs_mcp::{Client, McpServerConfig, RetryPolicy};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use workspace_tests::{Recorder, Reply, TEST_KEY, corpus_text};

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("capture").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key(TEST_KEY)
        .base_url(base_url)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(2)
                .initial_backoff(Duration::from_millis(5)),
        )
        .build()
        .expect("client")
}

#[tokio::test]
async fn the_key_appears_nowhere_and_every_call_is_traced() {
    let capture = Capture::default();
    // `try_init` also routes the `log` records of reqwest and its dependencies here.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(capture.clone())
        .try_init()
        .expect("the only subscriber");

    let echo = format!(
        r#"{{"detail":[{{"loc":["header","xi-api-key"],"msg":"Invalid key","type":"value_error","input":"{TEST_KEY}"}}]}}"#
    );
    let server = Recorder::start(vec![
        Reply::with_headers(429, &[("retry-after-ms", "5")], "{}"),
        Reply::with_headers(
            200,
            &[("x-request-id", "req_777")],
            corpus_text("mcp_server.full.json"),
        ),
        Reply::json(401, format!(r#"{{"detail":"bad key {TEST_KEY}"}}"#)),
        Reply::json(422, echo),
    ])
    .await;
    let c = client(&server.base_url);
    let mut shown = vec![format!("{c:?}")];

    c.mcp_servers()
        .get("mcp_01")
        .await
        .expect("retried once, then ok");
    for result in [
        c.mcp_servers().list().await.map(drop),
        c.mcp_servers()
            .create(McpServerConfig::new("n", "https://x.example"))
            .await
            .map(drop),
    ] {
        let err = result.expect_err("error status");
        shown.push(format!("{err} {err:?}"));
    }
    let raw = c.mcp_servers().list().raw().await.expect("raw");
    shown.push(raw.text());

    // Nothing listens here: the connection is refused, and retried (nothing was sent).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed_url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let err = client(&closed_url)
        .mcp_servers()
        .create(McpServerConfig::new("n", "https://x.example"))
        .await
        .expect_err("refused");
    shown.push(format!("{err} {err:?}"));

    let log = String::from_utf8(capture.0.lock().expect("capture").clone()).expect("utf-8");
    for text in shown.iter().chain([&log]) {
        assert!(!text.contains(TEST_KEY), "the key leaked into: {text}");
    }
    assert!(shown.iter().any(|s| s.contains("<redacted>")), "{shown:?}");

    // The span of each call carries its operation, method, status, attempt, duration and
    // request id.
    let get_span = log
        .lines()
        .find(|l| l.contains("close") && l.contains("operation=\"mcp_servers_get\""))
        .unwrap_or_else(|| panic!("no closed span for the get:\n{log}"));
    for field in [
        "method=GET",
        "status=200",
        "attempt=2",
        "duration_ms=",
        "request_id=\"req_777\"",
    ] {
        assert!(get_span.contains(field), "{field} missing from: {get_span}");
    }
    assert!(log.contains("retrying"), "{log}");
    // reqwest's own `log` records arrive too, so the search above covered them.
    assert!(log.contains("reqwest"), "{log}");
    let refused = log
        .lines()
        .filter(|l| {
            l.contains("close") && l.contains("mcp_servers_create") && l.contains("attempt=3")
        })
        .count();
    assert_eq!(refused, 1, "a refused connection is retried twice:\n{log}");
}
