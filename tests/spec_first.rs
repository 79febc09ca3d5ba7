//! The spec is the one statement of what the client sends: every operation of the
//! generated table is exposed by the wrapper, and the client refuses exactly the bodies
//! the emulator (which validates against the same spec) answers with 422.

use std::collections::BTreeSet;

use elevenlabs_mcp::{
    ApprovalPolicy, Client, Error, McpServerConfig, McpServerUpdate, Operation, SecretLocator,
    ToolApproval, ToolConfigOverride, ToolConfigOverrideUpdate,
};
use elevenlabs_mcp_emulator::Emulator;
use serde_json::Value;
use workspace_tests::TEST_KEY;

fn client_for(emulator: &Emulator) -> Client {
    Client::builder()
        .api_key(TEST_KEY)
        .base_url(emulator.base_url())
        .max_retries(0)
        .build()
        .expect("client")
}

/// Calls every method of the wrapper once; the emulator records which operation each
/// request was. A new operation in the spec shows up here as missing until the wrapper
/// has a method for it (and this test calls it).
#[tokio::test]
#[allow(deprecated)]
async fn the_wrapper_exposes_every_operation_of_the_spec() {
    let emulator = Emulator::start().await.expect("emulator");
    let client = client_for(&emulator);
    let servers = client.mcp_servers();
    let server = servers
        .create(McpServerConfig::new("Docs", "https://mcp.example.com/mcp"))
        .await
        .expect("create");
    let id = server.id.as_str();
    servers.list().await.expect("list");
    servers.get(id).await.expect("get");
    servers
        .update(id, McpServerUpdate::new().response_timeout_secs(60))
        .await
        .expect("update");
    servers.tools(id).list().await.expect("tools");
    servers
        .approval_policy(id)
        .update(ApprovalPolicy::AutoApproveAll)
        .await
        .expect("approval policy");
    let approvals = servers.tool_approvals(id);
    approvals
        .create(ToolApproval::new("search", "Searches"))
        .await
        .expect("approve");
    approvals.delete("search").await.expect("unapprove");
    let configs = servers.tool_configs(id);
    configs
        .create(ToolConfigOverride::new("search"))
        .await
        .expect("create config");
    configs.get("search").await.expect("get config");
    configs
        .update(
            "search",
            ToolConfigOverrideUpdate::new().response_timeout_secs(9),
        )
        .await
        .expect("update config");
    configs.delete("search").await.expect("delete config");
    servers.delete(id).await.expect("delete");

    let served: BTreeSet<Operation> = emulator
        .exchanges()
        .into_iter()
        .filter_map(|x| x.operation)
        .collect();
    let missing: Vec<&str> = Operation::ALL
        .iter()
        .filter(|op| !served.contains(op))
        .map(|op| op.id())
        .collect();
    assert!(
        missing.is_empty(),
        "the wrapper does not expose these operations of the spec: {}",
        missing.join(", ")
    );
}

/// What one body did: refused by the client before sending (with the field), or the
/// status the emulator answered.
#[derive(Debug, PartialEq)]
enum Fate {
    Refused(String),
    Answered(u16),
}

fn fate<T>(result: Result<T, Error>) -> Fate {
    match result {
        Ok(_) => Fate::Answered(200),
        Err(Error::InvalidInput { field, .. }) => Fate::Refused(field),
        Err(e) => Fate::Answered(e.status().map_or(0, |s| s.as_u16())),
    }
}

/// The same body, sent as plain HTTP with no client-side check: the status the emulator
/// answers.
async fn emulator_status(emulator: &Emulator, op: Operation, path: &str, body: &Value) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let body = body.to_string();
    let request = format!(
        "{} {path} HTTP/1.1\r\nhost: {}\r\nxi-api-key: {TEST_KEY}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        op.method(),
        emulator.addr(),
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(emulator.addr())
        .await
        .expect("connect");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer}"))
}

#[tokio::test]
async fn the_client_refuses_exactly_what_the_emulator_answers_422() {
    let emulator = Emulator::start().await.expect("emulator");
    let client = client_for(&emulator);
    let servers = client.mcp_servers();
    let base = servers
        .create(McpServerConfig::new("Base", "https://mcp.example.com/mcp"))
        .await
        .expect("create");
    let id = base.id.clone();
    let create_path = Operation::McpServersCreate.path_template().to_owned();
    let server_path = Operation::McpServersUpdate
        .path_template()
        .replace("{mcp_server_id}", &id);
    let approvals_path = Operation::McpServersToolApprovalsCreate
        .path_template()
        .replace("{mcp_server_id}", &id);
    let configs_path = Operation::McpServersToolConfigsCreate
        .path_template()
        .replace("{mcp_server_id}", &id);

    let configs = [
        McpServerConfig::new("Docs", "https://mcp.example.com/mcp"),
        McpServerConfig::new("Docs", "https://10.0.0.1:8443"),
        McpServerConfig::new("", "https://mcp.example.com"),
        McpServerConfig::new(" \t", "https://mcp.example.com"),
        McpServerConfig::new("Docs", "http://mcp.example.com"),
        McpServerConfig::new("Docs", "mcp.example.com"),
        McpServerConfig::new("Docs", "https://"),
        McpServerConfig::new("Docs", "https:// spaced"),
        McpServerConfig::new("Docs", SecretLocator::new("sec_1")),
        McpServerConfig::new("Docs", SecretLocator::new(" ")),
        McpServerConfig::new("Docs", "https://x.example").response_timeout_secs(4),
        McpServerConfig::new("Docs", "https://x.example").response_timeout_secs(5),
        McpServerConfig::new("Docs", "https://x.example").response_timeout_secs(300),
        McpServerConfig::new("Docs", "https://x.example").response_timeout_secs(301),
        McpServerConfig::new("Docs", "https://x.example")
            .tool_config_overrides(vec![ToolConfigOverride::new("t").response_timeout_secs(0)]),
        McpServerConfig::new("Docs", "https://x.example")
            .tool_config_overrides(vec![ToolConfigOverride::new("")]),
        McpServerConfig::new("Docs", "https://x.example").secret_token(SecretLocator::new("")),
    ];
    let mut seen_refusal = false;
    for config in configs {
        let wire =
            serde_json::to_value(elevenlabs_mcp::McpServerCreateRequest::new(config.clone()))
                .expect("json");
        let ours = fate(servers.create(config).await);
        let theirs =
            emulator_status(&emulator, Operation::McpServersCreate, &create_path, &wire).await;
        agree(&ours, theirs, &wire);
        seen_refusal |= matches!(ours, Fate::Refused(_));
    }
    assert!(seen_refusal);

    let updates = [
        McpServerUpdate::new().response_timeout_secs(30),
        McpServerUpdate::new().response_timeout_secs(1_000),
        McpServerUpdate::new().clear_response_timeout_secs(),
        McpServerUpdate::new().secret_token(SecretLocator::new("")),
        McpServerUpdate::new().clear_secret_token(),
    ];
    for update in updates {
        let wire = serde_json::to_value(&update).expect("json");
        let ours = fate(servers.update(&id, update).await);
        let theirs =
            emulator_status(&emulator, Operation::McpServersUpdate, &server_path, &wire).await;
        agree(&ours, theirs, &wire);
    }

    for approval in [
        ToolApproval::new("search", "d"),
        ToolApproval::new("", "d"),
        ToolApproval::new("  ", "d"),
    ] {
        let wire = serde_json::to_value(&approval).expect("json");
        let ours = fate(servers.tool_approvals(&id).create(approval).await);
        let theirs = emulator_status(
            &emulator,
            Operation::McpServersToolApprovalsCreate,
            &approvals_path,
            &wire,
        )
        .await;
        agree(&ours, theirs, &wire);
    }

    for (n, config) in [
        ToolConfigOverride::new("t1").response_timeout_secs(60),
        ToolConfigOverride::new("t2").response_timeout_secs(301),
        ToolConfigOverride::new(""),
    ]
    .into_iter()
    .enumerate()
    {
        let wire = serde_json::to_value(elevenlabs_mcp::ToolConfigOverrideCreate::from(
            config.clone(),
        ))
        .expect("json");
        let ours = fate(servers.tool_configs(&id).create(config).await);
        // The emulator sees a second create of the same tool as a conflict: send its copy
        // under another name, so only validation can tell them apart.
        let mut theirs_body = wire.clone();
        if ours == Fate::Answered(200) {
            theirs_body["tool_name"] = Value::String(format!("copy{n}"));
        }
        let theirs = emulator_status(
            &emulator,
            Operation::McpServersToolConfigsCreate,
            &configs_path,
            &theirs_body,
        )
        .await;
        agree(&ours, theirs, &wire);
    }
}

/// Refused by the client exactly when the emulator answers 422.
fn agree(ours: &Fate, theirs: u16, wire: &Value) {
    match ours {
        Fate::Refused(field) => assert_eq!(
            theirs, 422,
            "the client refused `{field}` in {wire}, which the emulator accepts"
        ),
        Fate::Answered(status) => {
            assert_ne!(
                theirs, 422,
                "the emulator refuses {wire}, which the client sent"
            );
            assert_ne!(
                *status, 422,
                "the client sent {wire}, which the service refused"
            );
        }
    }
}

/// An enum value this version does not know is sent as it is: the service decides.
#[tokio::test]
async fn unknown_enum_values_are_sent_not_refused() {
    let emulator = Emulator::start().await.expect("emulator");
    let client = client_for(&emulator);
    let result = client
        .mcp_servers()
        .create(
            McpServerConfig::new("Docs", "https://mcp.example.com")
                .approval_policy(ApprovalPolicy::Unknown("approve_on_tuesdays".into())),
        )
        .await;
    let err = result.expect_err("the emulator does not know the value either");
    assert!(
        err.is_validation(),
        "sent, and refused by the service: {err}"
    );
}
