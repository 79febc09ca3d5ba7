//! Hostile servers: every bound trips, early, with the error naming it, and nothing is sent
//! where the token must not go.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mcp_tools_client::{Bound, ListError, Listing, Problem, Step, Transport};
use serde_json::{Value, json};
use support::{
    Config, McpServer, RawServer, accepted, initialize_result, message_frame, pages, respond,
    start_sse, write_head, write_repeatedly,
};
use tokio::io::AsyncWriteExt;
use tokio::sync::oneshot;

const MIB: usize = 1024 * 1024;

/// Waits for a hostile server's handler to report how much it wrote. Bounded: the handler
/// stops as soon as the client goes away, which it has by the time this is called.
async fn bytes_written(rx: oneshot::Receiver<usize>) -> usize {
    tokio::time::timeout(Duration::from_secs(20), rx)
        .await
        .expect("the server stopped writing once the client left")
        .expect("the server reported")
}

/// Where a handler (a `Fn`, called once per connection) reports its byte count, once.
type Report = Arc<std::sync::Mutex<Option<oneshot::Sender<usize>>>>;

fn reporter() -> (Report, oneshot::Receiver<usize>) {
    let (tx, rx) = oneshot::channel();
    (Arc::new(std::sync::Mutex::new(Some(tx))), rx)
}

fn report(slot: &Report, n: usize) {
    if let Some(tx) = support::lock(slot).take() {
        let _ = tx.send(n);
    }
}

#[tokio::test]
async fn a_cursor_that_never_ends_stops_at_max_pages() {
    for (transport, path) in [
        (Transport::Sse, "/sse"),
        (Transport::StreamableHttp, "/mcp"),
    ] {
        let server = McpServer::start(Config {
            pages: pages(&[1]),
            endless: true,
            ..Config::default()
        })
        .await;
        let started = Instant::now();
        let err = Listing::new(server.url(path))
            .transport(transport)
            .max_pages(5)
            .list_tools()
            .await
            .expect_err("endless");
        assert!(
            matches!(err, ListError::TooManyPages { limit: 5 }),
            "{err:?}"
        );
        let lists = server
            .state
            .rpc_methods()
            .iter()
            .filter(|m| *m == "tools/list")
            .count();
        assert_eq!(lists, 5, "exactly max_pages requests, {transport}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

#[tokio::test]
async fn the_default_page_bound_is_100() {
    let server = McpServer::start(Config {
        endless: true,
        ..Config::default()
    })
    .await;
    let err = Listing::new(server.url("/mcp"))
        .transport(Transport::StreamableHttp)
        .list_tools()
        .await
        .expect_err("endless");
    assert!(
        matches!(err, ListError::TooManyPages { limit: 100 }),
        "{err:?}"
    );
}

#[tokio::test]
async fn too_many_tools_stops_the_listing() {
    let server = McpServer::start(Config {
        pages: pages(&[2, 2, 2]),
        ..Config::default()
    })
    .await;
    let err = Listing::new(server.url("/sse"))
        .max_tools(3)
        .list_tools()
        .await
        .expect_err("too many");
    assert!(
        matches!(err, ListError::TooManyTools { limit: 3 }),
        "{err:?}"
    );
    assert_eq!(
        server
            .state
            .rpc_methods()
            .iter()
            .filter(|m| *m == "tools/list")
            .count(),
        2,
        "stopped on the page that went over"
    );
}

/// An SSE server whose stream, after the endpoint, is `chunk` forever (up to `offered`).
async fn endless_sse(chunk: Vec<u8>, offered: usize) -> (RawServer, oneshot::Receiver<usize>) {
    let (slot, rx) = reporter();
    let server = RawServer::start(move |req, mut stream| {
        let slot = slot.clone();
        let chunk = chunk.clone();
        async move {
            if req.method == "GET" {
                let sent = AtomicUsize::new(0);
                if start_sse(&mut stream, "/messages").await {
                    write_repeatedly(&mut stream, &chunk, offered, &sent).await;
                }
                report(&slot, sent.load(Ordering::SeqCst));
            } else {
                accepted(&mut stream).await;
            }
        }
    })
    .await;
    (server, rx)
}

#[tokio::test]
async fn an_sse_event_that_never_ends_is_too_large_early() {
    const OFFERED: usize = 512 * MIB;
    let line = format!("data: {}\n", "x".repeat(1000)).into_bytes();
    let (server, rx) = endless_sse(line, OFFERED).await;
    let err = Listing::new(server.url("/sse"))
        .max_message_bytes(MIB)
        .list_tools()
        .await
        .expect_err("endless event");
    assert!(
        matches!(err, ListError::TooLarge { bound: Bound::MessageBytes, limit, step: Step::Initialize } if limit == MIB),
        "{err:?}"
    );
    let sent = bytes_written(rx).await;
    assert!(sent >= MIB, "the client read up to the bound: {sent}");
    assert!(
        sent < 32 * MIB,
        "the server got {sent} bytes out of {OFFERED} offered"
    );
}

#[tokio::test]
async fn an_sse_line_that_never_ends_is_too_large_early() {
    const OFFERED: usize = 512 * MIB;
    let (server, rx) = endless_sse(vec![b'x'; 4096], OFFERED).await;
    let err = Listing::new(server.url("/sse"))
        .max_sse_line_bytes(64 * 1024)
        .list_tools()
        .await
        .expect_err("endless line");
    assert!(
        matches!(
            err,
            ListError::TooLarge {
                bound: Bound::SseLine,
                limit: 65536,
                ..
            }
        ),
        "{err:?}"
    );
    let sent = bytes_written(rx).await;
    assert!(sent >= 64 * 1024, "the client read up to the bound: {sent}");
    assert!(
        sent < 32 * MIB,
        "the server got {sent} bytes out of {OFFERED} offered"
    );
}

#[tokio::test]
async fn endless_small_events_exhaust_the_total_budget() {
    const OFFERED: usize = 512 * MIB;
    // Valid, complete events, none of them the response: only the total bound stops them.
    let (server, rx) = endless_sse(b"event: ping\ndata: {}\n\n".to_vec(), OFFERED).await;
    let err = Listing::new(server.url("/sse"))
        .max_total_bytes(2 * MIB)
        .list_tools()
        .await
        .expect_err("endless events");
    assert!(
        matches!(err, ListError::TooLarge { bound: Bound::TotalBytes, limit, .. } if limit == 2 * MIB),
        "{err:?}"
    );
    let sent = bytes_written(rx).await;
    assert!(sent >= 2 * MIB, "the client read up to the bound: {sent}");
    assert!(
        sent < 32 * MIB,
        "the server got {sent} bytes out of {OFFERED} offered"
    );
}

/// A Streamable HTTP server answering `initialize` with `offered` bytes of valid JSON: a
/// tools array of `{"name":"t"},` items; with `declare`, a matching `Content-Length`.
async fn huge_json(offered: usize, declare: bool) -> (RawServer, oneshot::Receiver<usize>) {
    const ITEM: &[u8] = br#"{"name":"t"},"#;
    let prefix = br#"{"jsonrpc":"2.0","id":1,"result":{"tools":["#;
    let suffix = br#"{"name":"last"}]}}"#;
    let chunk: Vec<u8> = ITEM.repeat(64 * 1024 / ITEM.len());
    let (slot, rx) = reporter();
    let server = RawServer::start(move |_req, mut stream| {
        let slot = slot.clone();
        let chunk = chunk.clone();
        async move {
            let items = (offered - prefix.len() - suffix.len()) / chunk.len();
            let length = (prefix.len() + items * chunk.len() + suffix.len()).to_string();
            let mut headers = vec![("content-type", "application/json")];
            if declare {
                headers.push(("content-length", &length));
            }
            let sent = AtomicUsize::new(0);
            if write_head(&mut stream, "200 OK", &headers).await
                && stream.write_all(prefix).await.is_ok()
            {
                write_repeatedly(&mut stream, &chunk, items * chunk.len(), &sent).await;
                let _ = stream.write_all(suffix).await;
            }
            report(&slot, sent.load(Ordering::SeqCst));
        }
    })
    .await;
    (server, rx)
}

#[tokio::test]
async fn hundreds_of_megabytes_of_json_are_refused_by_their_declared_length() {
    const OFFERED: usize = 300 * MIB;
    let (server, rx) = huge_json(OFFERED, true).await;
    let err = Listing::new(server.url("/mcp"))
        .transport(Transport::StreamableHttp)
        .list_tools()
        .await
        .expect_err("too large");
    assert!(
        matches!(
            err,
            ListError::TooLarge {
                bound: Bound::MessageBytes,
                step: Step::Initialize,
                ..
            }
        ),
        "{err:?}"
    );
    let sent = bytes_written(rx).await;
    assert!(
        sent < 32 * MIB,
        "the server got {sent} bytes out of {OFFERED} offered"
    );
}

#[tokio::test]
async fn hundreds_of_megabytes_of_undeclared_json_stop_at_the_message_bound() {
    const OFFERED: usize = 300 * MIB;
    let (server, rx) = huge_json(OFFERED, false).await;
    let err = Listing::new(server.url("/mcp"))
        .transport(Transport::StreamableHttp)
        .list_tools()
        .await
        .expect_err("too large");
    assert!(
        matches!(err, ListError::TooLarge { bound: Bound::MessageBytes, limit, .. } if limit == 4 * MIB),
        "{err:?}"
    );
    let sent = bytes_written(rx).await;
    assert!(sent >= 4 * MIB, "the client read up to the bound: {sent}");
    assert!(
        sent < 32 * MIB,
        "the server got {sent} bytes out of {OFFERED} offered"
    );
}

#[tokio::test]
async fn a_raised_message_bound_still_meets_the_total_bound() {
    const OFFERED: usize = 300 * MIB;
    let (server, rx) = huge_json(OFFERED, false).await;
    let err = Listing::new(server.url("/mcp"))
        .transport(Transport::StreamableHttp)
        .max_message_bytes(1 << 30)
        .list_tools()
        .await
        .expect_err("too large");
    assert!(
        matches!(err, ListError::TooLarge { bound: Bound::TotalBytes, limit, .. } if limit == 16 * MIB),
        "{err:?}"
    );
    let sent = bytes_written(rx).await;
    assert!(sent >= 16 * MIB, "the client read up to the bound: {sent}");
    assert!(
        sent < 48 * MIB,
        "the server got {sent} bytes out of {OFFERED} offered"
    );
}

/// Runs a listing with a 2 s deadline and checks it ends in a timeout at `step`, on time.
async fn times_out(listing: Listing, step: Step) {
    let deadline = Duration::from_secs(2);
    let started = Instant::now();
    let err = listing
        .deadline(deadline)
        .list_tools()
        .await
        .expect_err("hung");
    let took = started.elapsed();
    assert!(
        matches!(err, ListError::Timeout { step: s, deadline: d } if s == step && d == deadline),
        "{err:?}"
    );
    assert!(took >= deadline, "{took:?}");
    // Slack for a loaded machine; a deadline per step, or none, would take far longer.
    assert!(took < deadline + Duration::from_secs(2), "{took:?}");
    assert!(err.to_string().contains("2s"), "{err}");
}

/// Holds a connection open without answering, until the client goes away.
async fn hold(mut stream: tokio::net::TcpStream) {
    let mut buf = [0u8; 1024];
    while let Ok(n) = tokio::io::AsyncReadExt::read(&mut stream, &mut buf).await {
        if n == 0 {
            break;
        }
    }
}

#[tokio::test]
async fn no_answer_at_all_times_out_while_opening() {
    let server = RawServer::start(|_req, stream| hold(stream)).await;
    times_out(Listing::new(server.url("/sse")), Step::OpenStream).await;
    let server = RawServer::start(|_req, stream| hold(stream)).await;
    times_out(
        Listing::new(server.url("/mcp")).transport(Transport::StreamableHttp),
        Step::Initialize,
    )
    .await;
}

#[tokio::test]
async fn a_stream_without_endpoint_times_out_waiting_for_it() {
    let server = RawServer::start(|_req, mut stream| async move {
        if write_head(
            &mut stream,
            "200 OK",
            &[("content-type", "text/event-stream")],
        )
        .await
        {
            hold(stream).await;
        }
    })
    .await;
    times_out(Listing::new(server.url("/sse")), Step::Endpoint).await;
}

#[tokio::test]
async fn keep_alives_do_not_stretch_the_deadline() {
    // The stream stays busy with comments, but the response never comes.
    let server = RawServer::start(|req, mut stream| async move {
        if req.method == "GET" {
            if start_sse(&mut stream, "/messages").await {
                for _ in 0..600 {
                    if stream.write_all(b": keep-alive\n\n").await.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await; // a slow server
                }
            }
        } else {
            accepted(&mut stream).await;
        }
    })
    .await;
    times_out(Listing::new(server.url("/sse")), Step::Initialize).await;
}

#[tokio::test]
async fn a_tools_list_answer_that_never_comes_times_out() {
    let server = RawServer::start(|req, mut stream| async move {
        let message: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        match message["method"].as_str() {
            Some("initialize") => {
                respond(
                    &mut stream,
                    "200 OK",
                    "application/json",
                    initialize_result().to_string().as_bytes(),
                )
                .await;
            }
            Some("notifications/initialized") => accepted(&mut stream).await,
            _ => hold(stream).await,
        }
    })
    .await;
    times_out(
        Listing::new(server.url("/mcp")).transport(Transport::StreamableHttp),
        Step::ListTools { page: 1 },
    )
    .await;
}

/// A Streamable HTTP server answering `initialize` with `body`.
async fn answers_initialize_with(content_type: &'static str, body: Vec<u8>) -> RawServer {
    RawServer::start(move |_req, mut stream| {
        let body = body.clone();
        async move { respond(&mut stream, "200 OK", content_type, &body).await }
    })
    .await
}

#[tokio::test]
async fn a_million_levels_of_nesting_are_too_deep_without_overflowing() {
    let doc = format!(
        r#"{{"jsonrpc":"2.0","id":1,"result":{{"x":{}}}}}"#,
        "[".repeat(1_000_000)
    );
    let server = answers_initialize_with("application/json", doc.into_bytes()).await;
    let err = Listing::new(server.url("/mcp"))
        .transport(Transport::StreamableHttp)
        .list_tools()
        .await
        .expect_err("too deep");
    assert!(
        matches!(
            err,
            ListError::TooDeep {
                limit: 64,
                step: Step::Initialize
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn nesting_past_the_bound_but_within_serde_json_limit_is_too_deep() {
    // 100 levels: serde_json alone would parse this; the depth bound must refuse it.
    let schema = format!("{}{}", "[".repeat(95), "]".repeat(95));
    let page = format!(
        r#"{{"jsonrpc":"2.0","id":2,"result":{{"tools":[{{"name":"deep","inputSchema":{schema}}}]}}}}"#
    );
    let page = serde_json::from_str::<Value>(&page).expect("valid JSON");
    let server = RawServer::start(move |req, mut stream| {
        let page = page.clone();
        async move {
            if req.method == "GET" {
                if start_sse(&mut stream, "/messages").await {
                    let frames = format!(
                        "{}{}",
                        message_frame(&initialize_result()),
                        message_frame(&page)
                    );
                    if stream.write_all(frames.as_bytes()).await.is_ok() {
                        hold(stream).await;
                    }
                }
            } else {
                accepted(&mut stream).await;
            }
        }
    })
    .await;
    let err = Listing::new(server.url("/sse"))
        .list_tools()
        .await
        .expect_err("too deep");
    assert!(
        matches!(
            err,
            ListError::TooDeep {
                limit: 64,
                step: Step::ListTools { page: 1 }
            }
        ),
        "{err:?}"
    );
    // And the same page is taken with a bound above its depth.
    let listed = Listing::new(server.url("/sse"))
        .max_depth(128)
        .list_tools()
        .await
        .expect("deep enough");
    assert_eq!(listed.tools[0]["name"], "deep");
}

#[tokio::test]
async fn a_redirect_is_refused_and_the_other_origin_gets_nothing() {
    let other = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    other.set_nonblocking(true).expect("nonblocking");
    let location = format!("http://{}/sse", other.local_addr().expect("addr"));
    for transport in [Transport::Sse, Transport::StreamableHttp] {
        let sent_location = location.clone();
        let server = RawServer::start(move |_req, mut stream| {
            let location = sent_location.clone();
            async move {
                if write_head(
                    &mut stream,
                    "307 Temporary Redirect",
                    &[("location", &location), ("content-length", "0")],
                )
                .await
                {
                    let _ = stream.shutdown().await;
                }
            }
        })
        .await;
        let err = Listing::new(server.url("/sse"))
            .transport(transport)
            .bearer_token("tok-redirect-1234")
            .list_tools()
            .await
            .expect_err("redirect");
        let ListError::Redirect {
            status: 307,
            location: Some(ref at),
            ..
        } = err
        else {
            panic!("{err:?}");
        };
        assert_eq!(at, &location);
        assert!(err.to_string().contains("never followed"), "{err}");
    }
    // Any connection the client had made would be queued by now: listing is sequential.
    match other.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the redirect target was contacted: {other:?}"),
    }
}

#[tokio::test]
async fn an_endpoint_on_another_origin_is_refused_and_gets_nothing() {
    let other = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    other.set_nonblocking(true).expect("nonblocking");
    let endpoint = format!(
        "http://{}/messages?sessionId=1",
        other.local_addr().expect("addr")
    );
    let server = RawServer::start(move |_req, mut stream| {
        let endpoint = endpoint.clone();
        async move {
            if start_sse(&mut stream, &endpoint).await {
                hold(stream).await;
            }
        }
    })
    .await;
    let err = Listing::new(server.url("/sse"))
        .bearer_token("tok-origin-1234")
        .list_tools()
        .await
        .expect_err("other origin");
    let ListError::OriginMismatch {
        ref endpoint,
        ref expected,
    } = err
    else {
        panic!("{err:?}");
    };
    assert_eq!(expected, &format!("http://{}", server.addr));
    assert!(endpoint.starts_with(&format!(
        "http://{}/messages",
        other.local_addr().expect("addr")
    )));
    assert!(
        !endpoint.contains("sessionId"),
        "queries are not shown: {endpoint}"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 1, "only the GET");
    match other.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the other origin was contacted: {other:?}"),
    }
}

fn is_not_json(err: &ListError) -> bool {
    matches!(
        err,
        ListError::Protocol {
            problem: Problem::NotJson { .. },
            ..
        }
    )
}

#[tokio::test]
async fn garbage_bodies_are_protocol_errors() {
    for body in [
        b"\x00\xff\xfe\x01 garbage \x9c".to_vec(),
        b"<html><body>hello</body></html>".to_vec(),
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"s\":\"\xc3\x28\"}}".to_vec(),
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"res".to_vec(),
    ] {
        let server = answers_initialize_with("application/json", body).await;
        let err = Listing::new(server.url("/mcp"))
            .transport(Transport::StreamableHttp)
            .list_tools()
            .await
            .expect_err("garbage");
        assert!(is_not_json(&err), "{err:?}");
        assert_eq!(err.step(), Some(Step::Initialize));
    }
}

#[tokio::test]
async fn an_html_page_is_an_unexpected_content_type() {
    let server = answers_initialize_with("text/html", b"<html></html>".to_vec()).await;
    for transport in [Transport::Sse, Transport::StreamableHttp] {
        let err = Listing::new(server.url("/x"))
            .transport(transport)
            .list_tools()
            .await
            .expect_err("html");
        assert!(
            matches!(
                err,
                ListError::Protocol {
                    problem: Problem::UnexpectedContentType { .. },
                    ..
                }
            ),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn invalid_utf8_in_an_sse_message_is_a_protocol_error() {
    let server = RawServer::start(|req, mut stream| async move {
        if req.method == "GET" {
            if start_sse(&mut stream, "/messages").await
                && stream
                    .write_all(b"event: message\ndata: {\"id\":1,\"result\":\"\xff\xfe\"}\n\n")
                    .await
                    .is_ok()
            {
                hold(stream).await;
            }
        } else {
            accepted(&mut stream).await;
        }
    })
    .await;
    let err = Listing::new(server.url("/sse"))
        .list_tools()
        .await
        .expect_err("bad utf-8");
    assert!(is_not_json(&err), "{err:?}");
}

#[tokio::test]
async fn a_stream_that_ends_without_endpoint_says_so() {
    let server = RawServer::start(|_req, mut stream| async move {
        respond(
            &mut stream,
            "200 OK",
            "text/event-stream",
            b": hello\n\nevent: other\ndata: x\n\n",
        )
        .await;
    })
    .await;
    let err = Listing::new(server.url("/sse"))
        .list_tools()
        .await
        .expect_err("no endpoint");
    assert!(
        matches!(
            err,
            ListError::Protocol {
                problem: Problem::MissingEndpoint,
                step: Step::Endpoint
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("STREAMABLE_HTTP"), "{err}");
}

#[tokio::test]
async fn a_json_rpc_error_object_is_a_protocol_error_with_code_and_message() {
    let error = json!({"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"Unsupported protocol version"}});
    let server = answers_initialize_with("application/json", error.to_string().into_bytes()).await;
    let err = Listing::new(server.url("/mcp"))
        .transport(Transport::StreamableHttp)
        .list_tools()
        .await
        .expect_err("rpc error");
    let ListError::Protocol {
        problem: Problem::RpcError { code, ref message },
        step,
    } = err
    else {
        panic!("{err:?}");
    };
    assert_eq!(
        (code, message.as_str(), step),
        (
            Some(-32602),
            "Unsupported protocol version",
            Step::Initialize
        )
    );
    assert!(err.to_string().contains("-32602"), "{err}");
}

#[tokio::test]
async fn a_server_that_hangs_up_mid_listing_is_disconnected() {
    let server = RawServer::start(|req, mut stream| async move {
        if req.method == "GET" {
            if start_sse(&mut stream, "/messages").await {
                let _ = stream
                    .write_all(message_frame(&initialize_result()).as_bytes())
                    .await;
                // ...and the stream ends before any tools/list answer.
            }
        } else {
            accepted(&mut stream).await;
        }
    })
    .await;
    let err = Listing::new(server.url("/sse"))
        .list_tools()
        .await
        .expect_err("hung up");
    assert!(
        matches!(
            err,
            ListError::Disconnected {
                step: Step::ListTools { page: 1 },
                ..
            }
        ),
        "{err:?}"
    );
}
