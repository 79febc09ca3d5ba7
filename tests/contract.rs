//! Contract tests against httpmock: for each of the 13 operations, the exact method, path,
//! query, headers and JSON body the client sends, and the decoding of a realistic answer;
//! then how each kind of error response maps onto `Error`, and timeouts.

use std::time::Duration;

use elevenlabs_mcp::{
    ApprovalPolicy, ErrorDetail, ExecutionMode, McpServerConfig, McpServerUpdate, SecretLocator,
    ToolApproval, ToolApprovalPolicy, ToolConfigOverride, ToolConfigOverrideUpdate, Transport,
};
use httpmock::Method::{DELETE, GET, PATCH, POST};
use httpmock::{Mock, MockServer, When};
use serde_json::json;
use workspace_tests::{TEST_KEY, client, corpus};

const SERVERS: &str = "/v1/convai/mcp-servers";

/// The headers every call carries; `body` says whether a JSON body goes with it.
fn common(when: When, body: bool) -> When {
    let when = when
        .header("xi-api-key", TEST_KEY)
        .header("user-agent", elevenlabs_mcp::DEFAULT_USER_AGENT);
    if body {
        when.header("content-type", "application/json")
    } else {
        when.header_missing("content-type")
    }
}

async fn answer<'a>(
    server: &'a MockServer,
    setup: impl FnOnce(When) -> When,
    status: u16,
    body: serde_json::Value,
) -> Mock<'a> {
    server
        .mock_async(|when, then| {
            setup(when);
            then.status(status)
                .header("content-type", "application/json")
                .json_body(body);
        })
        .await
}

#[tokio::test]
async fn servers_list_get_and_delete() {
    let server = MockServer::start_async().await;
    let list = answer(
        &server,
        |w| common(w.method(GET).path(SERVERS), false),
        200,
        corpus("mcp_server_list.json"),
    )
    .await;
    let get = answer(
        &server,
        |w| common(w.method(GET).path(format!("{SERVERS}/mcp_01")), false),
        200,
        corpus("mcp_server.full.json"),
    )
    .await;
    let delete = answer(
        &server,
        |w| common(w.method(DELETE).path(format!("{SERVERS}/mcp_01")), false),
        200,
        json!({}),
    )
    .await;
    let c = client(&server.base_url());

    let servers = c.mcp_servers().list().await.expect("list");
    let expected = corpus("mcp_server_list.json");
    assert_eq!(
        servers.len(),
        expected["mcp_servers"].as_array().map_or(0, Vec::len)
    );
    assert_eq!(servers[0].id, expected["mcp_servers"][0]["id"]);

    let one = c.mcp_servers().get("mcp_01").await.expect("get");
    assert_eq!(one.id, "mcp_01");
    assert_eq!(one.config.transport, Some(Transport::StreamableHttp));
    assert_eq!(
        one.config.approval_policy,
        Some(ApprovalPolicy::RequireApprovalPerTool)
    );

    c.mcp_servers().delete("mcp_01").await.expect("delete");
    list.assert_async().await;
    get.assert_async().await;
    delete.assert_async().await;
}

#[tokio::test]
async fn servers_create_sends_the_config_under_its_key() {
    let server = MockServer::start_async().await;
    let create = answer(
        &server,
        |w| {
            common(w.method(POST).path(SERVERS), true).json_body(json!({
                "config": {
                    "name": "Docs search",
                    "url": "https://mcp.example.com/mcp",
                    "transport": "STREAMABLE_HTTP",
                    "approval_policy": "require_approval_per_tool",
                    "response_timeout_secs": 30,
                    "request_headers": {"x-team": "docs", "authorization": {"secret_id": "sec_9"}}
                }
            }))
        },
        200,
        corpus("mcp_server.full.json"),
    )
    .await;
    let created = client(&server.base_url())
        .mcp_servers()
        .create(
            McpServerConfig::new("Docs search", "https://mcp.example.com/mcp")
                .transport(Transport::StreamableHttp)
                .approval_policy(ApprovalPolicy::RequireApprovalPerTool)
                .response_timeout_secs(30)
                .request_header("x-team", "docs")
                .request_header("authorization", SecretLocator::new("sec_9")),
        )
        .await
        .expect("create");
    assert_eq!(created.id, "mcp_01");
    create.assert_async().await;
}

#[tokio::test]
async fn servers_update_sends_exactly_the_fields_touched() {
    let server = MockServer::start_async().await;
    let path = format!("{SERVERS}/mcp_01");
    // Each case: the update, and the exact body it must produce.
    let cases = [
        (McpServerUpdate::new(), json!({})),
        (
            McpServerUpdate::new().approval_policy(ApprovalPolicy::AutoApproveAll),
            json!({"approval_policy": "auto_approve_all"}),
        ),
        (
            McpServerUpdate::new()
                .clear_secret_token()
                .clear_request_headers(),
            json!({"secret_token": null, "request_headers": null}),
        ),
        (
            McpServerUpdate::new()
                .secret_token(SecretLocator::new("sec_2"))
                .response_timeout_secs(300)
                .clear_tool_call_sound()
                .disable_compression(true),
            json!({"secret_token": {"secret_id": "sec_2"}, "response_timeout_secs": 300,
                   "tool_call_sound": null, "disable_compression": true}),
        ),
    ];
    let c = client(&server.base_url());
    for (update, body) in cases {
        let mock = answer(
            &server,
            |w| common(w.method(PATCH).path(&path), true).json_body(body.clone()),
            200,
            corpus("mcp_server.full.json"),
        )
        .await;
        c.mcp_servers()
            .update("mcp_01", update)
            .await
            .expect("update");
        mock.assert_async().await;
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn every_update_field_can_be_cleared() {
    let server = MockServer::start_async().await;
    let all = McpServerUpdate::new()
        .clear_approval_policy()
        .clear_auth_connection()
        .clear_disable_compression()
        .clear_disable_interruptions()
        .clear_execution_mode()
        .clear_force_pre_tool_speech()
        .clear_interruption_mode()
        .clear_pre_tool_speech()
        .clear_request_headers()
        .clear_request_meta()
        .clear_response_timeout_secs()
        .clear_secret_token()
        .clear_tool_call_sound()
        .clear_tool_call_sound_behavior();
    let sent = serde_json::to_value(&all).expect("json");
    let object = sent.as_object().expect("object");
    assert_eq!(object.len(), 14, "{sent}");
    assert!(object.values().all(serde_json::Value::is_null), "{sent}");

    let tool = ToolConfigOverrideUpdate::new()
        .clear_assignments()
        .clear_disable_interruptions()
        .clear_execution_mode()
        .clear_force_pre_tool_speech()
        .clear_input_overrides()
        .clear_interruption_mode()
        .clear_pre_tool_speech()
        .clear_response_mocks()
        .clear_response_timeout_secs()
        .clear_tool_call_sound()
        .clear_tool_call_sound_behavior();
    let tool_sent = serde_json::to_value(&tool).expect("json");
    let tool_object = tool_sent.as_object().expect("object");
    assert_eq!(tool_object.len(), 11, "{tool_sent}");
    assert!(
        tool_object.values().all(serde_json::Value::is_null),
        "{tool_sent}"
    );
    let tool_mock = answer(
        &server,
        |w| {
            common(
                w.method(PATCH).path(format!("{SERVERS}/m/tool-configs/t")),
                true,
            )
            .json_body(tool_sent.clone())
        },
        200,
        corpus("mcp_server.full.json"),
    )
    .await;
    client(&server.base_url())
        .mcp_servers()
        .tool_configs("m")
        .update("t", tool)
        .await
        .expect("tool update");
    tool_mock.assert_async().await;

    let mock = answer(
        &server,
        |w| common(w.method(PATCH).path(format!("{SERVERS}/m")), true).json_body(sent.clone()),
        200,
        corpus("mcp_server.full.json"),
    )
    .await;
    client(&server.base_url())
        .mcp_servers()
        .update("m", all)
        .await
        .expect("update");
    mock.assert_async().await;
}

#[tokio::test]
async fn tools_list_with_and_without_an_environment() {
    let server = MockServer::start_async().await;
    let path = format!("{SERVERS}/mcp_01/tools");
    let plain = answer(
        &server,
        |w| common(w.method(GET).path(&path), false).query_param_missing("environment"),
        200,
        corpus("tool_list.json"),
    )
    .await;
    let staged = answer(
        &server,
        |w| common(w.method(GET).path(&path), false).query_param("environment", "staging & qa"),
        200,
        corpus("tool_list.failure.json"),
    )
    .await;
    let c = client(&server.base_url());
    let tools = c.mcp_servers().tools("mcp_01").list().await.expect("tools");
    assert!(tools.success);
    assert_eq!(tools.tools[0].name, "get_weather");
    assert!(tools.tools[0].input_schema.contains_key("properties"));
    let failed = c
        .mcp_servers()
        .tools("mcp_01")
        .list()
        .environment("staging & qa")
        .await
        .expect("tools");
    assert!(!failed.success);
    assert!(failed.error_message.is_some());
    plain.assert_async().await;
    staged.assert_async().await;
}

#[tokio::test]
#[allow(deprecated)]
async fn approval_policy_update() {
    let server = MockServer::start_async().await;
    let mock = answer(
        &server,
        |w| {
            common(
                w.method(PATCH)
                    .path(format!("{SERVERS}/mcp_01/approval-policy")),
                true,
            )
            .json_body(json!({"approval_policy": "require_approval_all"}))
        },
        200,
        corpus("mcp_server.full.json"),
    )
    .await;
    let updated = client(&server.base_url())
        .mcp_servers()
        .approval_policy("mcp_01")
        .update(ApprovalPolicy::RequireApprovalAll)
        .await
        .expect("policy");
    assert_eq!(updated.id, "mcp_01");
    mock.assert_async().await;
}

#[tokio::test]
async fn tool_approvals_create_and_delete() {
    let server = MockServer::start_async().await;
    let create = answer(
        &server,
        |w| {
            common(
                w.method(POST)
                    .path(format!("{SERVERS}/mcp_01/tool-approvals")),
                true,
            )
            .json_body(json!({
                "tool_name": "search",
                "tool_description": "Searches the docs",
                "approval_policy": "auto_approved",
                "input_schema": {"type": "object"}
            }))
        },
        200,
        corpus("mcp_server.full.json"),
    )
    .await;
    let delete = answer(
        &server,
        |w| {
            common(
                w.method(DELETE)
                    .path(format!("{SERVERS}/mcp_01/tool-approvals/search%20docs")),
                false,
            )
        },
        200,
        corpus("mcp_server.full.json"),
    )
    .await;
    let c = client(&server.base_url());
    let schema = json!({"type": "object"})
        .as_object()
        .cloned()
        .expect("object");
    c.mcp_servers()
        .tool_approvals("mcp_01")
        .create(
            ToolApproval::new("search", "Searches the docs")
                .approval_policy(ToolApprovalPolicy::AutoApproved)
                .input_schema(schema),
        )
        .await
        .expect("approve");
    let after = c
        .mcp_servers()
        .tool_approvals("mcp_01")
        .delete("search docs")
        .await
        .expect("unapprove");
    assert_eq!(after.id, "mcp_01");
    create.assert_async().await;
    delete.assert_async().await;
}

#[tokio::test]
async fn tool_configs_create_get_update_delete() {
    let server = MockServer::start_async().await;
    let base = format!("{SERVERS}/mcp_01/tool-configs");
    let create = answer(
        &server,
        |w| {
            common(w.method(POST).path(&base), true)
                .query_param("environment", "prod")
                .json_body(json!({
                    "tool_name": "search",
                    "response_timeout_secs": 45,
                    "execution_mode": "async"
                }))
        },
        200,
        corpus("mcp_server.full.json"),
    )
    .await;
    let get = answer(
        &server,
        |w| common(w.method(GET).path(format!("{base}/search")), false),
        200,
        corpus("tool_config_override.json"),
    )
    .await;
    let update = answer(
        &server,
        |w| {
            common(w.method(PATCH).path(format!("{base}/search")), true)
                .query_param_missing("environment")
                .json_body(json!({"force_pre_tool_speech": true, "response_mocks": null}))
        },
        200,
        corpus("mcp_server.full.json"),
    )
    .await;
    let delete = answer(
        &server,
        |w| common(w.method(DELETE).path(format!("{base}/search")), false),
        200,
        corpus("mcp_server.full.json"),
    )
    .await;
    let configs = client(&server.base_url());
    let configs = configs.mcp_servers().tool_configs("mcp_01");
    configs
        .create(
            ToolConfigOverride::new("search")
                .response_timeout_secs(45)
                .execution_mode(ExecutionMode::Async),
        )
        .environment("prod")
        .await
        .expect("create");
    let got = configs.get("search").await.expect("get");
    assert_eq!(got.tool_name, "search");
    assert_eq!(got.execution_mode, Some(ExecutionMode::PostToolSpeech));
    assert_eq!(got.response_timeout_secs, Some(45.into()));
    configs
        .update(
            "search",
            ToolConfigOverrideUpdate::new()
                .force_pre_tool_speech(true)
                .clear_response_mocks(),
        )
        .await
        .expect("update");
    configs.delete("search").await.expect("delete");
    for mock in [create, get, update, delete] {
        mock.assert_async().await;
    }
}

/// Answers `status` with `body` on a GET and returns what the client made of it.
async fn error_for(
    status: u16,
    headers: &[(&str, &str)],
    body: serde_json::Value,
) -> elevenlabs_mcp::Error {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            let mut then = then.status(status).json_body(body);
            for (k, v) in headers {
                then = then.header(*k, *v);
            }
        })
        .await;
    client(&server.base_url())
        .mcp_servers()
        .get("mcp_01")
        .await
        .expect_err("an error status")
}

#[tokio::test]
async fn error_statuses_map_onto_the_error_type() {
    let e = error_for(
        401,
        &[],
        json!({"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}),
    )
    .await;
    assert!(e.is_unauthorized(), "{e}");
    let api = e.api().expect("api error");
    assert_eq!(api.status_code(), Some("invalid_api_key"));
    assert_eq!(api.message(), Some("Invalid API key"));
    assert!(matches!(api.detail, Some(ErrorDetail::ErrorStatus(_))));

    let e = error_for(
        404,
        &[("x-request-id", "req_42")],
        json!({"detail": "MCP server not found"}),
    )
    .await;
    assert!(e.is_not_found());
    assert_eq!(
        e.api().and_then(|a| a.request_id.as_deref()),
        Some("req_42")
    );
    assert!(e.to_string().contains("MCP server not found"), "{e}");
    assert!(e.to_string().contains("req_42"), "{e}");

    let e = error_for(409, &[], json!({"detail": "Tool config already exists"})).await;
    assert!(e.is_conflict());

    let e = error_for(422, &[], corpus("error.validation.json")).await;
    assert!(e.is_validation());
    let issues = e.api().expect("api").validation_errors();
    assert!(!issues.is_empty(), "expected a validation list: {e:?}");
    let first = &issues[0];
    assert!(
        e.to_string().contains(&format!(
            "{}: {}",
            elevenlabs_mcp::location(first),
            first.msg
        )),
        "{e}"
    );

    let e = error_for(429, &[("retry-after", "7")], json!({"detail": "slow down"})).await;
    assert!(e.is_rate_limited());
    assert_eq!(
        e.api().and_then(|a| a.retry_after),
        Some(Duration::from_secs(7))
    );

    let e = error_for(500, &[], json!({"detail": "boom"})).await;
    assert_eq!(e.status().map(|s| s.as_u16()), Some(500));
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .delay(Duration::from_secs(3))
                .json_body(corpus("mcp_server.full.json"));
        })
        .await;
    let c = client(&server.base_url());
    let e = c
        .mcp_servers()
        .get("mcp_01")
        .timeout(Duration::from_millis(200))
        .await
        .expect_err("timeout");
    assert!(e.is_timeout(), "{e:?}");
}

#[tokio::test]
async fn a_2xx_body_that_does_not_decode_names_its_path() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .body(r#"{"id": "m", "config": {"name": 5, "url": "https://x"}, "metadata": {"created_at": 1}}"#);
        })
        .await;
    let e = client(&server.base_url())
        .mcp_servers()
        .get("m")
        .await
        .expect_err("decode");
    let elevenlabs_mcp::Error::Decode(d) = &e else {
        panic!("expected a decode error: {e:?}");
    };
    assert_eq!(d.path, "config.name", "{e}");
}

#[tokio::test]
async fn the_raw_response_is_there_for_debugging() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(503)
                .header("x-request-id", "r1")
                .body("upstream down");
        })
        .await;
    let raw = client(&server.base_url())
        .mcp_servers()
        .get("m")
        .raw()
        .await
        .expect("raw");
    assert_eq!(raw.status().as_u16(), 503);
    assert_eq!(raw.headers()["x-request-id"], "r1");
    assert_eq!(raw.text(), "upstream down");
}

#[tokio::test]
async fn extra_headers_are_sent_but_cannot_replace_the_key() {
    let server = MockServer::start_async().await;
    let mock = answer(
        &server,
        |w| common(w.method(GET).path(SERVERS), false).header("x-trace", "t-1"),
        200,
        corpus("mcp_server_list.json"),
    )
    .await;
    use elevenlabs_mcp::reqwest::header::{HeaderName, HeaderValue};
    client(&server.base_url())
        .mcp_servers()
        .list()
        .header(
            HeaderName::from_static("x-trace"),
            HeaderValue::from_static("t-1"),
        )
        .header(
            HeaderName::from_static("xi-api-key"),
            HeaderValue::from_static("other"),
        )
        .await
        .expect("list");
    mock.assert_async().await;
}

#[tokio::test]
async fn default_headers_are_sent_and_a_call_can_replace_them() {
    use elevenlabs_mcp::reqwest::header::{HeaderName, HeaderValue};
    use workspace_tests::{Recorder, Reply};

    let server = Recorder::start(vec![Reply::json(200, r#"{"mcp_servers": []}"#)]).await;
    let client = elevenlabs_mcp::Client::builder()
        .api_key(TEST_KEY)
        .base_url(&server.base_url)
        .default_header(
            HeaderName::from_static("x-team"),
            HeaderValue::from_static("docs"),
        )
        .default_header(
            HeaderName::from_static("x-env"),
            HeaderValue::from_static("ci"),
        )
        .build()
        .expect("client");
    client.mcp_servers().list().await.expect("list");
    client
        .mcp_servers()
        .list()
        .header(
            HeaderName::from_static("x-env"),
            HeaderValue::from_static("local"),
        )
        .await
        .expect("list");
    let got = server.received();
    let header = |i: usize, name: &str| {
        got[i]
            .headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(header(0, "x-team"), ["docs"]);
    assert_eq!(header(0, "x-env"), ["ci"]);
    assert_eq!(header(1, "x-team"), ["docs"]);
    assert_eq!(
        header(1, "x-env"),
        ["local"],
        "the call's own replaces the default"
    );
    assert_eq!(header(1, "xi-api-key"), [TEST_KEY]);
}
