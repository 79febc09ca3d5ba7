//! Listing a well-behaved server on both transports: every page, the tools exactly as
//! sent, the token and headers on every request, the session headers of Streamable HTTP.

mod support;

use mcp_tools_client::{ListError, Listing, Transport};
use serde_json::{Value, json};
use support::{Config, McpServer, pages};

const TOKEN: &str = "tok-listing-7f3a9c";

fn expected_tools(config: &Config) -> Vec<Value> {
    config.pages.iter().flatten().cloned().collect()
}

fn as_values(tools: &[serde_json::Map<String, Value>]) -> Vec<Value> {
    tools.iter().cloned().map(Value::Object).collect()
}

#[tokio::test]
async fn sse_lists_every_page_with_the_token_and_headers() {
    let config = Config {
        pages: pages(&[2, 2, 1]),
        ..Config::default()
    };
    let server = McpServer::start(config.clone()).await;
    let listed = Listing::new(server.url("/sse"))
        .transport(Transport::Sse)
        .bearer_token(TOKEN)
        .header("X-Team", "voice")
        .list_tools()
        .await
        .expect("listed");

    assert_eq!(as_values(&listed.tools), expected_tools(&config));
    assert_eq!(listed.pages, 3);
    assert_eq!(listed.protocol_version.as_deref(), Some(support::VERSION));
    assert_eq!(
        listed.server_info,
        Some(json!({"name": "test-server", "version": "9.9.9"}))
    );

    let recorded = server.state.recorded();
    assert_eq!(
        server.state.rpc_methods(),
        [
            "initialize",
            "notifications/initialized",
            "tools/list",
            "tools/list",
            "tools/list"
        ]
    );
    assert_eq!(recorded.len(), 6, "one GET and five POSTs");
    assert_eq!(recorded[0].http_method, "GET");
    assert_eq!(recorded[0].header("accept"), Some("text/event-stream"));
    for r in &recorded {
        assert_eq!(
            r.header("authorization"),
            Some(&*format!("Bearer {TOKEN}")),
            "{r:?}"
        );
        assert_eq!(r.header("x-team"), Some("voice"), "{r:?}");
        if r.http_method == "POST" {
            assert!(r.path.starts_with("/messages?sessionId="), "{r:?}");
            assert_eq!(r.header("content-type"), Some("application/json"));
        }
    }
    let cursors: Vec<Option<&str>> = recorded
        .iter()
        .filter(|r| r.rpc_method() == Some("tools/list"))
        .map(|r| r.message.as_ref()?.pointer("/params/cursor")?.as_str())
        .collect();
    assert_eq!(cursors, [None, Some("page-1"), Some("page-2")]);
    let init = recorded[1].message.as_ref().expect("initialize");
    assert_eq!(init["params"]["protocolVersion"], "2025-06-18");
    assert_eq!(init["params"]["capabilities"], json!({}));
    assert_eq!(init["params"]["clientInfo"]["name"], "mcp-tools-client");
}

#[tokio::test]
async fn streamable_http_lists_every_page_over_json_and_event_stream_answers() {
    let config = Config {
        pages: pages(&[3, 1, 2, 1]),
        ..Config::default()
    };
    let server = McpServer::start(config.clone()).await;
    let listed = Listing::new(server.url("/mcp"))
        .transport(Transport::StreamableHttp)
        .bearer_token(TOKEN)
        .header("X-Team", "voice")
        .client_info("probe-test", "1.2.3")
        .list_tools()
        .await
        .expect("listed");

    assert_eq!(as_values(&listed.tools), expected_tools(&config));
    assert_eq!(listed.pages, 4);
    assert_eq!(listed.protocol_version.as_deref(), Some(support::VERSION));

    let recorded = server.state.recorded();
    assert_eq!(recorded.len(), 6);
    for (i, r) in recorded.iter().enumerate() {
        assert_eq!(r.http_method, "POST");
        assert_eq!(r.path, "/mcp");
        assert_eq!(r.header("authorization"), Some(&*format!("Bearer {TOKEN}")));
        assert_eq!(r.header("x-team"), Some("voice"));
        assert_eq!(
            r.header("accept"),
            Some("application/json, text/event-stream")
        );
        assert_eq!(r.header("content-type"), Some("application/json"));
        if i == 0 {
            assert_eq!(r.header("mcp-session-id"), None);
            assert_eq!(
                r.message.as_ref().expect("init")["params"]["clientInfo"],
                json!({"name":"probe-test","version":"1.2.3"})
            );
        } else {
            // The server refuses requests without them, so the listing could not have
            // finished otherwise; checked here all the same.
            assert_eq!(r.header("mcp-session-id"), Some("http-0"));
            assert_eq!(r.header("mcp-protocol-version"), Some(support::VERSION));
        }
    }
}

#[tokio::test]
async fn a_token_already_prefixed_is_not_prefixed_again() {
    for transport in [Transport::Sse, Transport::StreamableHttp] {
        let server = McpServer::start(Config {
            pages: pages(&[1]),
            require_authorization: Some("Bearer abc-123".into()),
            ..Config::default()
        })
        .await;
        let path = if transport == Transport::Sse {
            "/sse"
        } else {
            "/mcp"
        };
        let listed = Listing::new(server.url(path))
            .transport(transport)
            .bearer_token("Bearer abc-123")
            .list_tools()
            .await
            .expect("the server takes exactly `Bearer abc-123`");
        assert_eq!(listed.tools.len(), 1);
    }
}

#[tokio::test]
async fn a_refused_token_is_a_clear_401() {
    for transport in [Transport::Sse, Transport::StreamableHttp] {
        let server = McpServer::start(Config {
            pages: pages(&[1]),
            require_authorization: Some("Bearer the-right-one".into()),
            ..Config::default()
        })
        .await;
        let path = if transport == Transport::Sse {
            "/sse"
        } else {
            "/mcp"
        };
        let err = Listing::new(server.url(path))
            .transport(transport)
            .bearer_token("the-wrong-one")
            .list_tools()
            .await
            .expect_err("refused");
        let ListError::Status {
            status, ref body, ..
        } = err
        else {
            panic!("{err:?}");
        };
        assert_eq!(status, 401);
        assert_eq!(body.as_deref(), Some("invalid or missing token"));
        assert!(err.to_string().contains("refused the token"), "{err}");
        assert_eq!(server.state.recorded().len(), 1, "nothing after the 401");
    }
}

#[tokio::test]
async fn connect_to_reaches_the_target_as_the_registered_server() {
    let server = McpServer::start(Config {
        pages: pages(&[2, 1]),
        ..Config::default()
    })
    .await;
    for (transport, path) in [
        (Transport::Sse, "/sse"),
        (Transport::StreamableHttp, "/mcp"),
    ] {
        let listed = Listing::new(format!("https://mcp.example.com{path}"))
            .connect_to(server.url(path))
            .transport(transport)
            .bearer_token(TOKEN)
            .list_tools()
            .await
            .expect("listed through the target");
        assert_eq!(listed.tools.len(), 3, "{transport}");
    }
    // The endpoint the server named (relative) went to the target, not to mcp.example.com.
    assert!(
        server
            .state
            .recorded()
            .iter()
            .any(|r| r.path.starts_with("/messages?sessionId="))
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let err = Listing::new(format!("http://{addr}/sse"))
        .list_tools()
        .await
        .expect_err("nothing listens");
    assert!(matches!(err, ListError::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains(&addr.to_string()), "{err}");
    assert!(err.to_string().to_lowercase().contains("refused"), "{err}");
}

#[tokio::test]
async fn configuration_errors_come_before_any_request() {
    let server = McpServer::start(Config::default()).await;
    let url = server.url("/sse");
    let cases = [
        Listing::new(&url).header("Bad Name", "v"),
        Listing::new(&url).header("X-Ok", "two\nlines"),
        Listing::new(&url).header("Accept", "text/html"),
        Listing::new(&url).bearer_token("   "),
        Listing::new("ftp://127.0.0.1/sse"),
        // Plain http to a host that is not loopback: refused before it is resolved.
        Listing::new("http://mcp.example.com/sse").connect_to("http://mcp.example.com/sse"),
    ];
    for listing in cases {
        let err = listing.list_tools().await.expect_err("refused");
        assert!(
            matches!(
                err,
                ListError::InvalidHeader { .. } | ListError::InvalidUrl { .. }
            ),
            "{err:?}"
        );
    }
    assert!(server.state.recorded().is_empty());
}

/// Hosts spawn listings on multi-threaded runtimes and send errors across threads.
#[test]
fn the_listing_future_and_its_error_are_send() {
    fn send<T: Send>(_: &T) {}
    fn send_sync_static<T: Send + Sync + 'static>() {}
    let listing = Listing::new("http://127.0.0.1:1/sse");
    let future = listing.list_tools();
    send(&future);
    send_sync_static::<ListError>();
    send_sync_static::<Listing>();
    send_sync_static::<mcp_tools_client::ToolList>();
}
