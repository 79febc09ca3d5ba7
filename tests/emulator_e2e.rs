//! The client against the emulator, end to end: every operation, the 401, 404, 409 and 422
//! cases, faults, and the state file; and after each test, every response the emulator
//! sent is checked against the spec's response schema for its operation and status.

use std::time::Duration;

use elevenlabs_mcp::{
    ApprovalPolicy, Client, Error, ExecutionMode, McpServerConfig, McpServerUpdate, SecretLocator,
    ToolApproval, ToolApprovalPolicy, ToolConfigOverride, ToolConfigOverrideUpdate, Transport,
};
use elevenlabs_mcp_emulator::{
    Emulator, Fault, FaultRule, Operation, response_schema, tool_hash, validate,
};
use serde_json::json;
use workspace_tests::TEST_KEY;

fn client_for(emulator: &Emulator) -> Client {
    Client::builder()
        .api_key(TEST_KEY)
        .base_url(emulator.base_url())
        .retry_policy(
            elevenlabs_mcp::RetryPolicy::default().initial_backoff(Duration::from_millis(10)),
        )
        .build()
        .expect("client")
}

/// Every answer the emulator gave matches the spec's schema for that operation and status.
fn assert_conforms(emulator: &Emulator) {
    let exchanges = emulator.exchanges();
    assert!(!exchanges.is_empty());
    for x in exchanges {
        let Some(op) = &x.operation else { continue };
        // Any route may answer 401, 404, 429 or 5xx (the spec lists them where the vendor
        // documents them); those bodies must have the API's one error shape.
        let schema = response_schema(*op, x.status)
            .or_else(|| {
                (x.status >= 400)
                    .then(|| json!({"$ref": "#/components/schemas/HTTPValidationError"}))
            })
            .unwrap_or_else(|| panic!("{op} answered {} which the spec does not list", x.status));
        let issues = validate(&schema, &x.body, &mut Vec::new());
        assert!(
            issues.is_empty(),
            "{} {} -> {}: {} does not match the spec: {issues:?}",
            x.method,
            x.path,
            x.status,
            x.body
        );
    }
}

fn config() -> McpServerConfig {
    McpServerConfig::new("Docs", "https://mcp.example.com/mcp")
}

#[tokio::test]
async fn every_operation_against_the_emulator() {
    let emulator = Emulator::builder()
        .tools_for(
            "https://weather.example.com/mcp",
            vec![json!({"name": "forecast", "inputSchema": {"type": "object"}})],
        )
        .start()
        .await
        .expect("emulator");
    let c = client_for(&emulator);
    let servers = c.mcp_servers();

    let created = servers
        .create(
            McpServerConfig::new("Weather", "https://weather.example.com/mcp")
                .transport(Transport::StreamableHttp)
                .secret_token(SecretLocator::new("sec_1")),
        )
        .await
        .expect("create");
    // The server's defaults are filled in; what was sent is kept.
    assert_eq!(created.config.transport, Some(Transport::StreamableHttp));
    assert_eq!(
        created.config.approval_policy,
        Some(ApprovalPolicy::RequireApprovalAll)
    );
    assert_eq!(created.config.response_timeout_secs, Some(30.into()));
    assert!(created.metadata.created_at > 0);
    let id = created.id.clone();
    let other = servers.create(config()).await.expect("second");
    assert_ne!(other.id, id);

    let listed = servers.list().await.expect("list");
    assert_eq!(
        listed.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        [id.as_str(), other.id.as_str()]
    );
    assert_eq!(servers.get(&id).await.expect("get").config.name, "Weather");

    // Tri-state: set one field, clear another, leave the rest.
    let updated = servers
        .update(
            &id,
            McpServerUpdate::new()
                .response_timeout_secs(90)
                .clear_secret_token(),
        )
        .await
        .expect("update");
    assert_eq!(updated.config.response_timeout_secs, Some(90.into()));
    assert!(updated.config.secret_token.is_none());
    assert_eq!(updated.config.transport, Some(Transport::StreamableHttp));
    let reset = servers
        .update(&id, McpServerUpdate::new().clear_response_timeout_secs())
        .await
        .expect("clear");
    assert_eq!(
        reset.config.response_timeout_secs,
        Some(30.into()),
        "back to the default"
    );

    let tools = servers
        .tools(&id)
        .list()
        .environment("staging")
        .await
        .expect("tools");
    assert_eq!(tools.tools.len(), 1);
    assert_eq!(tools.tools[0].name, "forecast");
    let fallback = servers
        .tools(&other.id)
        .list()
        .await
        .expect("example tools");
    assert!(!fallback.tools.is_empty());

    #[allow(deprecated)]
    let policy = servers
        .approval_policy(&id)
        .update(ApprovalPolicy::RequireApprovalPerTool)
        .await
        .expect("policy");
    assert_eq!(
        policy.config.approval_policy,
        Some(ApprovalPolicy::RequireApprovalPerTool)
    );

    let approved = servers
        .tool_approvals(&id)
        .create(
            ToolApproval::new("forecast", "Weather forecast")
                .approval_policy(ToolApprovalPolicy::AutoApproved),
        )
        .await
        .expect("approve");
    let hashes = approved
        .config
        .tool_approval_hashes
        .clone()
        .unwrap_or_default();
    assert_eq!(hashes.len(), 1);
    assert_eq!(hashes[0].tool_name, "forecast");
    assert_eq!(
        hashes[0].tool_hash,
        tool_hash("forecast", "Weather forecast", &serde_json::Value::Null)
    );
    let unapproved = servers
        .tool_approvals(&id)
        .delete("forecast")
        .await
        .expect("unapprove");
    assert!(
        unapproved
            .config
            .tool_approval_hashes
            .unwrap_or_default()
            .is_empty()
    );

    let configs = servers.tool_configs(&id);
    configs
        .create(
            ToolConfigOverride::new("forecast")
                .response_timeout_secs(45)
                .execution_mode(ExecutionMode::Async),
        )
        .await
        .expect("create override");
    let conflict = configs
        .create(ToolConfigOverride::new("forecast"))
        .await
        .expect_err("exists");
    assert!(conflict.is_conflict(), "{conflict}");
    let got = configs.get("forecast").await.expect("get override");
    assert_eq!(got.response_timeout_secs, Some(45.into()));
    configs
        .update(
            "forecast",
            ToolConfigOverrideUpdate::new()
                .clear_execution_mode()
                .force_pre_tool_speech(true),
        )
        .environment("staging")
        .await
        .expect("update override");
    let got = configs.get("forecast").await.expect("get override");
    assert_eq!(got.execution_mode, None);
    assert_eq!(got.force_pre_tool_speech, Some(true));
    assert_eq!(got.response_timeout_secs, Some(45.into()));
    configs.delete("forecast").await.expect("delete override");
    for missing in [
        configs.get("forecast").await.map(drop),
        configs
            .update("forecast", ToolConfigOverrideUpdate::new())
            .await
            .map(drop),
        configs.delete("forecast").await.map(drop),
    ] {
        let e = missing.expect_err("no override any more");
        assert!(e.is_not_found(), "{e}");
    }

    servers.delete(&id).await.expect("delete");
    let gone = servers.get(&id).await.expect_err("deleted");
    assert!(gone.is_not_found());
    assert!(matches!(
        gone.api().map(|a| &a.detail),
        Some(Some(elevenlabs_mcp::ErrorDetail::ErrorStatus(_)))
    ));
    assert_eq!(servers.list().await.expect("list").len(), 1);
    assert_conforms(&emulator);
}

#[tokio::test]
async fn unknown_servers_wrong_keys_and_invalid_bodies() {
    let emulator = Emulator::builder()
        .only_key(TEST_KEY)
        .start()
        .await
        .expect("emulator");
    let c = client_for(&emulator);
    let e = c.mcp_servers().get("mcp_nope").await.expect_err("404");
    assert!(e.is_not_found());
    let e = c
        .mcp_servers()
        .tools("mcp_nope")
        .list()
        .await
        .expect_err("404");
    assert!(e.is_not_found());

    let wrong = Client::builder()
        .api_key("sk_wrong")
        .base_url(emulator.base_url())
        .build()
        .expect("client");
    let e = wrong.mcp_servers().list().await.expect_err("401");
    assert!(e.is_unauthorized(), "{e}");

    // Values the client lets through (unknown to this version) that the spec refuses.
    let e = c
        .mcp_servers()
        .create(config().transport(Transport::Unknown("websocket".into())))
        .await
        .expect_err("422");
    assert!(e.is_validation(), "{e}");
    assert!(
        e.to_string()
            .contains("body.config.transport: Input should be"),
        "{e}"
    );
    let e = c
        .mcp_servers()
        .create(McpServerConfig::new(
            "n",
            elevenlabs_mcp::ServerUrl::Unknown(json!(42)),
        ))
        .await
        .expect_err("422");
    assert!(e.to_string().contains("body.config.url"), "{e}");
    assert_conforms(&emulator);
}

#[tokio::test]
async fn faults_on_demand() {
    let emulator = Emulator::start().await.expect("emulator");
    let c = client_for(&emulator);

    // Stored, then answered 502: the client does not repeat the create, and the server
    // exists once.
    emulator
        .faults()
        .add(FaultRule::on(Operation::McpServersCreate, Fault::StoreThenFail(502)).times(1));
    let e = c.mcp_servers().create(config()).await.expect_err("502");
    assert_eq!(e.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(c.mcp_servers().list().await.expect("list").len(), 1);

    // One 429 with a hint: retried after it, then fine.
    emulator.faults().add(
        FaultRule::on(
            Operation::McpServersList,
            Fault::RateLimit {
                retry_after: Duration::from_secs(1),
            },
        )
        .times(1),
    );
    assert_eq!(c.mcp_servers().list().await.expect("retried").len(), 1);

    // A dropped connection on a write: reported, not repeated.
    emulator
        .faults()
        .add(FaultRule::on(Operation::McpServersCreate, Fault::DropConnection).times(1));
    let e = c.mcp_servers().create(config()).await.expect_err("dropped");
    assert!(matches!(e, Error::Connection(_)), "{e:?}");

    // Latency beyond the call's timeout.
    emulator
        .faults()
        .add(FaultRule::all(Fault::Latency(Duration::from_millis(500))));
    let e = c
        .mcp_servers()
        .list()
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .await
        .expect_err("slow");
    assert!(e.is_timeout(), "{e:?}");
    emulator.faults().clear();
    assert_conforms(&emulator);
}

#[tokio::test]
async fn the_state_file_keeps_the_workspace_across_restarts() {
    let dir = tempfile_dir();
    let state = dir.join("state.json");
    let emulator = Emulator::builder()
        .state_file(&state)
        .start()
        .await
        .expect("emulator");
    let id = client_for(&emulator)
        .mcp_servers()
        .create(config())
        .await
        .expect("create")
        .id;
    emulator.shutdown().await;
    // A journal of JSON lines, each whole; the last one holds the created server, and no
    // temporary file is left beside it.
    let text = std::fs::read_to_string(&state).expect("state");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a whole JSON line"))
        .collect();
    let last = lines.last().expect("a line per change");
    assert_eq!(last["put"]["id"], id.as_str());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n != "state.json")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let again = Emulator::builder()
        .state_file(&state)
        .start()
        .await
        .expect("restart");
    let c = client_for(&again);
    assert_eq!(c.mcp_servers().get(&id).await.expect("kept").id, id);
    let next = c.mcp_servers().create(config()).await.expect("create").id;
    assert_ne!(next, id, "ids are not reused after a restart");
    again.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh directory under the target directory's temp area.
fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "elevenlabs-mcp-e2e-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[tokio::test]
async fn deletes_whose_answer_was_lost_succeed_on_the_retry() {
    let emulator = Emulator::start().await.expect("emulator");
    let c = client_for(&emulator);
    let servers = c.mcp_servers();
    let server = servers.create(config()).await.expect("create");
    let id = server.id.clone();
    servers
        .tool_approvals(&id)
        .create(ToolApproval::new("search", "Searches"))
        .await
        .expect("approve");
    servers
        .tool_configs(&id)
        .create(ToolConfigOverride::new("search"))
        .await
        .expect("config");

    // Each delete is applied, then answered 502; the retry is answered 404.
    for op in [
        Operation::McpServersToolApprovalsDelete,
        Operation::McpServersToolConfigsDelete,
        Operation::McpServersDelete,
    ] {
        emulator
            .faults()
            .add(FaultRule::on(op, Fault::StoreThenFail(502)).times(1));
    }
    let after_approval = servers
        .tool_approvals(&id)
        .delete("search")
        .await
        .expect("the approval is gone: success");
    assert!(
        after_approval
            .config
            .tool_approval_hashes
            .iter()
            .flatten()
            .all(|a| a.tool_name != "search")
    );
    let after_config = servers
        .tool_configs(&id)
        .delete("search")
        .await
        .expect("the override is gone: success");
    assert!(
        after_config
            .config
            .tool_config_overrides
            .iter()
            .flatten()
            .all(|o| o.tool_name != "search")
    );
    servers
        .delete(&id)
        .await
        .expect("the server is gone: success");
    let statuses: Vec<(Operation, u16)> = emulator
        .exchanges()
        .into_iter()
        .filter_map(|x| Some((x.operation?, x.status)))
        .filter(|(op, _)| op.method() == "DELETE")
        .collect();
    assert_eq!(
        statuses,
        [
            (Operation::McpServersToolApprovalsDelete, 502),
            (Operation::McpServersToolApprovalsDelete, 404),
            (Operation::McpServersToolConfigsDelete, 502),
            (Operation::McpServersToolConfigsDelete, 404),
            (Operation::McpServersDelete, 502),
            (Operation::McpServersDelete, 404),
        ]
    );

    // A delete whose first attempt answers 404 is still "not found".
    let missing = servers.delete(&id).await.expect_err("already gone");
    assert!(missing.is_not_found(), "{missing}");
    let other = servers.create(config()).await.expect("create");
    let missing = servers
        .tool_configs(&other.id)
        .delete("never-configured")
        .await
        .expect_err("no such override");
    assert!(missing.is_not_found(), "{missing}");
    assert_conforms(&emulator);
}

#[tokio::test]
async fn results_come_with_their_response_and_request_id() {
    let emulator = Emulator::start().await.expect("emulator");
    let c = client_for(&emulator);
    let (server, meta) = c
        .mcp_servers()
        .create(config())
        .with_response()
        .await
        .expect("create");
    assert_eq!(meta.status.as_u16(), 200);
    let request_id = meta.request_id.expect("the emulator sends request-id");
    assert!(request_id.starts_with("emu_req_"), "{request_id}");
    assert!(meta.headers.contains_key("request-id"));
    assert!(!server.id.is_empty());

    // An error keeps it too; `.raw()` returns a 404 as it arrived.
    let e = c.mcp_servers().get("nope").await.expect_err("404");
    assert!(e.api().and_then(|a| a.request_id.as_deref()).is_some());
    let raw = c.mcp_servers().get("nope").raw().await.expect("raw");
    assert_eq!(raw.status().as_u16(), 404);
    assert!(
        raw.text().contains("mcp_server_not_found"),
        "{}",
        raw.text()
    );
    assert!(raw.request_id().is_some());
}

#[tokio::test]
async fn a_listed_tool_is_approved_with_its_schema() {
    let schema = json!({"type": "object", "properties": {"q": {"type": "string"}}});
    let emulator = Emulator::builder()
        .default_tools(vec![json!({
            "name": "search", "description": "Searches", "inputSchema": schema
        })])
        .start()
        .await
        .expect("emulator");
    let c = client_for(&emulator);
    let servers = c.mcp_servers();
    let server = servers.create(config()).await.expect("create");
    let tools = servers.tools(&server.id).list().await.expect("tools");
    let tool = &tools.tools[0];
    let approved = servers
        .tool_approvals(&server.id)
        .create(ToolApproval::from(tool))
        .await
        .expect("approve");
    let hashes = approved.config.tool_approval_hashes.expect("approvals");
    assert_eq!(
        hashes[0].tool_hash,
        tool_hash("search", "Searches", &schema)
    );
    // Without the schema, the hash would be another one: the schema is what was approved.
    assert_ne!(
        hashes[0].tool_hash,
        tool_hash("search", "Searches", &json!({}))
    );
}
