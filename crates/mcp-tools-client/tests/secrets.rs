//! The token (and the caller's header values) never show in an error, a `Debug` output or
//! a log line, even when a hostile server echoes them back in everything it can.
//!
//! This binary installs a global tracing subscriber (with the `log` bridge, so reqwest's
//! own log lines are caught too) that writes every event, at every level, into one buffer.

mod support;

use std::error::Error as _;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use mcp_tools_client::{ListError, Listing, Transport};
use serde_json::json;
use support::{
    Config, McpServer, RawRequest, RawServer, accepted, pages, respond, start_sse, write_head,
};
use tokio::io::AsyncWriteExt;

const TOKEN: &str = "tok-SECRET-5b9e2d71c4";
const API_KEY: &str = "key-SECRET-a1b2c3d4e5";

fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .finish();
        tracing_subscriber::util::SubscriberInitExt::try_init(subscriber)
            .expect("the only subscriber of this binary");
        logs
    })
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        support::lock(&self.0).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything an error shows: Display, Debug, and every source's Display and Debug.
fn everything_shown(err: &ListError) -> String {
    let mut shown = format!("{err}\n{err:?}\n");
    let mut source = err.source();
    while let Some(s) = source {
        shown.push_str(&format!("{s}\n{s:?}\n"));
        source = s.source();
    }
    shown
}

fn assert_no_secret(text: &str) {
    for secret in [TOKEN, API_KEY] {
        assert!(!text.contains(secret), "a secret leaked:\n{text}");
    }
    // Not even half of one.
    assert!(!text.contains("SECRET"), "part of a secret leaked:\n{text}");
}

fn listing(url: String, transport: Transport) -> Listing {
    Listing::new(url)
        .transport(transport)
        .bearer_token(TOKEN)
        .header("X-Api-Key", API_KEY)
}

/// What the server got in `Authorization` and `X-Api-Key`, to echo back.
fn echoed(req: &RawRequest) -> String {
    format!(
        "you sent Authorization: {} and X-Api-Key: {}",
        req.header("authorization").unwrap_or("nothing"),
        req.header("x-api-key").unwrap_or("nothing")
    )
}

#[test]
fn the_listing_debug_shows_no_secret() {
    let shown = format!(
        "{:?}",
        listing("https://mcp.example.com/sse".into(), Transport::Sse)
    );
    assert!(
        shown.contains("X-Api-Key"),
        "header names are shown: {shown}"
    );
    assert!(shown.contains("<redacted>"), "{shown}");
    assert_no_secret(&shown);
}

#[tokio::test]
async fn errors_never_carry_the_token_even_when_the_server_echoes_it() {
    logs();
    let mut errors = Vec::new();

    // 401 whose body echoes the credentials.
    let server = RawServer::start(|req, mut stream| async move {
        respond(
            &mut stream,
            "401 Unauthorized",
            "text/plain",
            echoed(&req).as_bytes(),
        )
        .await;
    })
    .await;
    for transport in [Transport::Sse, Transport::StreamableHttp] {
        let err = listing(server.url("/x"), transport)
            .list_tools()
            .await
            .expect_err("401");
        let ListError::Status {
            body: Some(ref body),
            ..
        } = err
        else {
            panic!("{err:?}");
        };
        // The body is shown, and scrubbed: the redaction ran on what the server sent.
        assert!(body.contains("Authorization: <redacted>"), "{body}");
        assert!(body.contains("X-Api-Key: <redacted>"), "{body}");
        errors.push(err);
    }

    // A JSON-RPC error whose message echoes them.
    let server = RawServer::start(|req, mut stream| async move {
        let error = json!({"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message": echoed(&req)}});
        respond(
            &mut stream,
            "200 OK",
            "application/json",
            error.to_string().as_bytes(),
        )
        .await;
    })
    .await;
    let err = listing(server.url("/mcp"), Transport::StreamableHttp)
        .list_tools()
        .await
        .expect_err("rpc error");
    assert!(err.to_string().contains("<redacted>"), "{err}");
    errors.push(err);

    // A redirect whose Location carries them.
    let server = RawServer::start(|req, mut stream| async move {
        let token = req
            .header("authorization")
            .unwrap_or("")
            .replace(' ', "%20");
        let location = format!(
            "http://127.0.0.1:1/steal/{token}?k={}",
            req.header("x-api-key").unwrap_or("")
        );
        if write_head(
            &mut stream,
            "302 Found",
            &[("location", &location), ("content-length", "0")],
        )
        .await
        {
            let _ = stream.shutdown().await;
        }
    })
    .await;
    let err = listing(server.url("/sse"), Transport::Sse)
        .list_tools()
        .await
        .expect_err("redirect");
    assert!(matches!(err, ListError::Redirect { .. }), "{err:?}");
    errors.push(err);

    // An endpoint on another origin, and one on this origin, carrying them in the path;
    // then an event stream whose Content-Type carries them.
    let server = RawServer::start(|req, mut stream| async move {
        let bare = req
            .header("authorization")
            .unwrap_or("")
            .trim_start_matches("Bearer ")
            .to_owned();
        match req.path.as_str() {
            "/other" => {
                if start_sse(
                    &mut stream,
                    &format!(
                        "http://127.0.0.1:1/{bare}/{}",
                        req.header("x-api-key").unwrap_or("")
                    ),
                )
                .await
                {
                    let _ = stream.shutdown().await;
                }
            }
            "/same" if req.method == "GET" => {
                if start_sse(&mut stream, &format!("/post/{bare}")).await {
                    let _ = stream.shutdown().await;
                }
            }
            "/type" => {
                respond(&mut stream, "200 OK", &format!("text/{bare}"), b"").await;
            }
            _ => accepted(&mut stream).await,
        }
    })
    .await;
    let err = listing(server.url("/other"), Transport::Sse)
        .list_tools()
        .await
        .expect_err("origin");
    assert!(matches!(err, ListError::OriginMismatch { .. }), "{err:?}");
    assert!(err.to_string().contains("<redacted>"), "{err}");
    errors.push(err);
    // Accepted (same origin), then the stream ends: the endpoint was logged on the way.
    let err = listing(server.url("/same"), Transport::Sse)
        .list_tools()
        .await
        .expect_err("ended");
    errors.push(err);
    for transport in [Transport::Sse, Transport::StreamableHttp] {
        let err = listing(server.url("/type"), transport)
            .list_tools()
            .await
            .expect_err("type");
        assert!(err.to_string().contains("text/<redacted>"), "{err}");
        errors.push(err);
    }

    // Invalid configurations name the header, not the value.
    let err = Listing::new(server.url("/x"))
        .bearer_token(format!("{TOKEN}\n"))
        .header("X-Bad", format!("{API_KEY}\r\n"))
        .list_tools()
        .await
        .expect_err("invalid");
    errors.push(err);
    let err = Listing::new(server.url("/x"))
        .bearer_token(format!("{TOKEN}\u{7}"))
        .list_tools()
        .await
        .expect_err("invalid");
    errors.push(err);

    for err in &errors {
        assert_no_secret(&everything_shown(err));
    }
}

#[tokio::test]
async fn log_lines_never_carry_the_token() {
    let logs = logs();
    // A full listing on each transport, so that every log line of a success is written.
    let server = McpServer::start(Config {
        pages: pages(&[2, 1]),
        require_authorization: Some(format!("Bearer {TOKEN}")),
        ..Config::default()
    })
    .await;
    for (transport, path) in [
        (Transport::Sse, "/sse"),
        (Transport::StreamableHttp, "/mcp"),
    ] {
        let listed = listing(server.url(path), transport)
            .list_tools()
            .await
            .expect("listed");
        assert_eq!(listed.tools.len(), 3);
    }
    // And one that fails with the server echoing the token.
    let echo = RawServer::start(|req, mut stream| async move {
        let message = json!({"jsonrpc":"2.0","id":1,"error":{"code":1,"message": echoed(&req)}});
        respond(
            &mut stream,
            "200 OK",
            "application/json",
            message.to_string().as_bytes(),
        )
        .await;
    })
    .await;
    let err = listing(echo.url("/mcp"), Transport::StreamableHttp)
        .list_tools()
        .await
        .expect_err("error");
    tracing::error!(error = %err, debug = ?err, "how a host would log the failure");

    let text = String::from_utf8_lossy(&support::lock(logs)).into_owned();
    // The capture works: our own lines are there, with the URL.
    assert!(
        text.contains("listing the tools of an MCP server"),
        "{text}"
    );
    assert!(text.contains("listed a page of tools"), "{text}");
    assert!(text.contains("how a host would log the failure"), "{text}");
    if std::env::var_os("SHOW_LOGS").is_some() {
        eprintln!("{text}");
    }
    assert_no_secret(&text);
}
