//! Hostile ids and tool names sent at a loopback server that records what arrives: every
//! call is either refused before sending, or reaches exactly the route it names.

use elevenlabs_mcp::{Error, McpServerConfig, ToolConfigOverrideUpdate};
use workspace_tests::{Recorder, Reply, client, corpus_text};

/// Values that try to leave their path segment, climb a level, start a query or fragment,
/// inject a header, or survive encoding as a dot segment.
fn hostile() -> Vec<String> {
    let mut values: Vec<String> = [
        "",
        ".",
        "..",
        "../x",
        "../../v1/user",
        "a/b",
        "/",
        "//evil.example",
        "a?b=c",
        "?",
        "a#frag",
        "#",
        "%2e%2e",
        ".%2e",
        "%2F",
        "..%2f",
        "%",
        "%zz",
        "./",
        "a\\b",
        "\\..",
        "a b",
        "a+b",
        ";x=1",
        "@evil.example",
        "ü",
        "名前",
        "\u{0}",
        "\r\nx-injected: 1",
        "\t",
        " ",
        "...",
        "~",
        "-._~",
        "%00",
        "．．",
        "a\u{202e}b",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    values.push("x".repeat(10_000));
    values
}

/// RFC 3986 unreserved characters stay; every other byte becomes `%XX`. Written here
/// independently of the client's own encoder.
fn expected_segment(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn refused_values() -> [&'static str; 3] {
    ["", ".", ".."]
}

#[tokio::test]
async fn hostile_server_ids_are_refused_or_stay_in_their_segment() {
    let server = Recorder::start(vec![Reply::json(200, corpus_text("mcp_server.full.json"))]).await;
    let c = client(&server.base_url);
    let mut expected_targets = Vec::new();
    for id in hostile() {
        let result = c.mcp_servers().get(&id).await;
        if refused_values().contains(&id.as_str()) {
            match result {
                Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "mcp_server_id"),
                other => panic!("{id:?} should be refused, got {other:?}"),
            }
        } else {
            result.unwrap_or_else(|e| panic!("{id:?}: {e}"));
            expected_targets.push(format!("/v1/convai/mcp-servers/{}", expected_segment(&id)));
        }
    }
    let arrived: Vec<String> = server.received().into_iter().map(|r| r.target).collect();
    assert_eq!(arrived, expected_targets);
}

#[tokio::test]
async fn hostile_tool_names_are_refused_or_stay_in_their_segment() {
    let server = Recorder::start(vec![Reply::json(200, corpus_text("mcp_server.full.json"))]).await;
    let c = client(&server.base_url);
    let mut expected = Vec::new();
    for name in hostile() {
        let configs = c.mcp_servers().tool_configs("mcp_01");
        let approvals = c.mcp_servers().tool_approvals("mcp_01");
        let results = [
            (
                "DELETE",
                "tool-configs",
                configs.delete(&name).await.map(drop),
            ),
            (
                "PATCH",
                "tool-configs",
                configs
                    .update(&name, ToolConfigOverrideUpdate::new())
                    .await
                    .map(drop),
            ),
            (
                "DELETE",
                "tool-approvals",
                approvals.delete(&name).await.map(drop),
            ),
        ];
        for (method, collection, result) in results {
            if refused_values().contains(&name.as_str()) {
                assert!(
                    matches!(
                        &result,
                        Err(Error::InvalidInput { field, .. }) if field == "tool_name"
                    ),
                    "{name:?}: {result:?}"
                );
            } else {
                result.unwrap_or_else(|e| panic!("{method} {name:?}: {e}"));
                expected.push((
                    method.to_owned(),
                    format!(
                        "/v1/convai/mcp-servers/mcp_01/{collection}/{}",
                        expected_segment(&name)
                    ),
                ));
            }
        }
    }
    let arrived: Vec<(String, String)> = server
        .received()
        .into_iter()
        .map(|r| (r.method, r.target))
        .collect();
    assert_eq!(arrived, expected);
}

#[tokio::test]
async fn bad_bodies_are_refused_before_anything_is_sent() {
    let server = Recorder::start(vec![Reply::json(200, "{}")]).await;
    let c = client(&server.base_url);
    let cases = [
        (McpServerConfig::new("", "https://x.example"), "config.name"),
        (McpServerConfig::new("n", ""), "config.url"),
        (McpServerConfig::new("n", "http://x.example"), "config.url"),
        (
            McpServerConfig::new("n", "https://x.example").response_timeout_secs(301),
            "config.response_timeout_secs",
        ),
    ];
    for (config, expected) in cases {
        match c.mcp_servers().create(config).await {
            Err(Error::InvalidInput { field, reason }) => {
                assert_eq!(field, expected, "{reason}");
            }
            other => panic!("expected {expected} to be refused, got {other:?}"),
        }
    }
    let empty_name = c
        .mcp_servers()
        .tool_configs("m")
        .create(elevenlabs_mcp::ToolConfigOverride::new(""))
        .await;
    assert!(
        matches!(
            &empty_name,
            Err(Error::InvalidInput { field, .. }) if field == "tool_name"
        ),
        "{empty_name:?}"
    );
    let empty_env = c.mcp_servers().tools("m").list().environment(" ").await;
    assert!(
        matches!(
            &empty_env,
            Err(Error::InvalidInput { field, .. }) if field == "environment"
        ),
        "{empty_env:?}"
    );
    assert!(server.received().is_empty(), "{:?}", server.received());
}
