//! Decodes every response body of the corpus (`crates/elevenlabs-mcp-corpus`) through the generated types.
//!
//! The corpus is ours: bodies that stress the liberal-decoding rules (unknown enum values,
//! fields and union variants at every level, `null` wherever a field is optional, limits
//! meant for requests exceeded, every variant of every union). A file's name up to the
//! first `.` says which type it is.

use elevenlabs_mcp_raw::types::{
    AccessLevel, ApprovalPolicy, AuthConnection, DependentAgent, ErrorDetail, HttpValidationError,
    InputOverride, McpServer, McpServerList, ParameterEvaluation, RequestHeaderValue,
    RequestMetaValue, SecretToken, ServerUrl, TaskSupport, ToolCallSoundOverride,
    ToolConfigOverride, ToolList, Transport, ValidationLocation,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use workspace_tests::{corpus, corpus_dir, corpus_text};

/// Decodes with the failing JSON path in the message, the way the client reports it.
fn decode<T: DeserializeOwned>(name: &str) -> T {
    let text = corpus_text(name);
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(de)
        .unwrap_or_else(|e| panic!("{name}: failed at `{}`: {}", e.path(), e.inner()))
}

/// `out` invents nothing: every value in it appears at the same place in `input`.
fn assert_sub_document(out: &Value, input: &Value, at: &str) {
    match (out, input) {
        (Value::Object(o), Value::Object(i)) => {
            for (k, v) in o {
                let Some(orig) = i.get(k) else {
                    panic!("{at}.{k} was invented")
                };
                assert_sub_document(v, orig, &format!("{at}.{k}"));
            }
        }
        (Value::Array(o), Value::Array(i)) => {
            assert_eq!(o.len(), i.len(), "{at}: array length changed");
            for (n, (a, b)) in o.iter().zip(i).enumerate() {
                assert_sub_document(a, b, &format!("{at}[{n}]"));
            }
        }
        // Numbers compare by value: 1.5 and 1.50 are the same.
        (a, b) => assert_eq!(a, b, "{at} changed"),
    }
}

fn round_trip<T: DeserializeOwned + Serialize>(name: &str) -> T {
    let decoded: T = decode(name);
    let out = serde_json::to_value(&decoded).expect("serialises");
    assert_sub_document(&out, &corpus(name), "$");
    // And the output decodes to the same output again.
    let again: T = serde_json::from_value(out.clone()).expect("re-decodes");
    assert_eq!(
        serde_json::to_value(&again).expect("serialises"),
        out,
        "{name}: not stable"
    );
    decoded
}

#[test]
fn every_corpus_file_decodes_and_round_trips() {
    let mut seen = 0;
    for entry in std::fs::read_dir(corpus_dir()).expect("corpus dir") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 name")
            .to_owned();
        match name.split('.').next().unwrap_or_default() {
            "mcp_server" => drop(round_trip::<McpServer>(&name)),
            "mcp_server_list" => drop(round_trip::<McpServerList>(&name)),
            "tool_list" => drop(round_trip::<ToolList>(&name)),
            "tool_config_override" => drop(round_trip::<ToolConfigOverride>(&name)),
            "error" => drop(round_trip::<HttpValidationError>(&name)),
            other => panic!("{name}: no type for prefix `{other}`; map it here"),
        }
        seen += 1;
    }
    assert!(seen >= 12, "corpus shrank to {seen} files");
}

#[test]
fn every_union_variant_decodes_into_its_type() {
    let server: McpServer = decode("mcp_server.full.json");
    let config = &server.config;
    assert!(matches!(&config.url, ServerUrl::String(u) if u == "https://mcp.example.com/mcp"));
    assert!(
        matches!(&config.secret_token, Some(SecretToken::SecretLocator(s)) if s.secret_id == "sec_1")
    );
    assert!(
        matches!(&config.auth_connection, Some(AuthConnection::AuthConnectionLocator(a)) if a.auth_connection_id == "ac_1")
    );
    assert_eq!(
        config.approval_policy,
        Some(ApprovalPolicy::RequireApprovalPerTool)
    );
    assert_eq!(config.transport, Some(Transport::StreamableHttp));

    let headers = config.request_headers.as_ref().expect("headers");
    assert!(matches!(&headers["X-Plain"], RequestHeaderValue::String(v) if v == "v"));
    assert!(matches!(
        &headers["X-Secret"],
        RequestHeaderValue::SecretLocator(_)
    ));
    assert!(
        matches!(&headers["X-Dyn"], RequestHeaderValue::DynamicVariableRef(d) if d.variable_name == "user_id")
    );
    assert!(
        matches!(&headers["X-Env"], RequestHeaderValue::EnvVarLocator(e) if e.env_var_label == "REGION")
    );

    let meta = config.request_meta.as_ref().expect("meta");
    assert!(matches!(&meta["s"], RequestMetaValue::String(_)));
    assert!(matches!(meta["i"], RequestMetaValue::Integer(7)));
    // A fraction is not one of the spec's branches: it is kept verbatim.
    assert!(matches!(&meta["f"], RequestMetaValue::Unknown(v) if v == &serde_json::json!(1.5)));
    assert!(matches!(meta["b"], RequestMetaValue::Boolean(true)));
    assert!(matches!(
        &meta["secret"],
        RequestMetaValue::SecretLocator(_)
    ));
    assert!(matches!(
        &meta["dyn"],
        RequestMetaValue::DynamicVariableRef(_)
    ));
    assert!(matches!(&meta["env"], RequestMetaValue::EnvVarLocator(_)));

    let tool = &config.tool_config_overrides.as_ref().expect("overrides")[0];
    assert_eq!(tool.tool_call_sound, Some(ToolCallSoundOverride::Off));
    let inputs = tool.input_overrides.as_ref().expect("inputs");
    assert!(
        matches!(&inputs["query"], InputOverride::ConstantInputOverride(c) if c.constant_value == json!({"nested": [1, 2]}))
    );
    assert!(
        matches!(&inputs["user"], InputOverride::DynamicVariableInputOverride(d) if d.dynamic_variable == "user_id")
    );
    assert!(
        matches!(&inputs["topic"], InputOverride::LlmInputOverride(l) if l.prompt.as_deref() == Some("Pick a topic"))
    );
    assert!(matches!(
        &inputs["debug"],
        InputOverride::OmitInputOverride(_)
    ));

    let conditions = &tool.response_mocks.as_ref().expect("mocks")[0]
        .parameter_conditions
        .as_ref()
        .expect("conditions");
    assert!(
        matches!(&conditions[0].eval, ParameterEvaluation::ExactEvaluation(e) if e.expected_value == "rust")
    );
    assert!(
        matches!(&conditions[1].eval, ParameterEvaluation::RegexEvaluation(r) if r.pattern == "^u_")
    );
    assert!(
        matches!(&conditions[2].eval, ParameterEvaluation::LlmEvaluation(l) if l.description == "about software")
    );
    assert!(matches!(
        &conditions[3].eval,
        ParameterEvaluation::AnythingEvaluation(_)
    ));

    let agents = server.dependent_agents.as_ref().expect("agents");
    assert!(
        matches!(&agents[0], DependentAgent::AvailableAgent(a) if a.access_level == AccessLevel::Editor)
    );
    assert!(matches!(&agents[1], DependentAgent::UnknownAgent(a) if a.id == "agent_2"));

    let other: McpServer = decode("mcp_server.secret_variants.json");
    assert!(matches!(&other.config.url, ServerUrl::SecretLocator(s) if s.secret_id == "sec_url"));
    assert!(
        matches!(&other.config.secret_token, Some(SecretToken::StoredSecret(s)) if s.nonce == "n0")
    );
    assert!(matches!(
        &other.config.auth_connection,
        Some(AuthConnection::EnvironmentAuthConnectionLocator(_))
    ));
}

#[test]
fn unknown_values_and_variants_are_kept_verbatim() {
    let server: McpServer = decode("mcp_server.unknown_everywhere.json");
    let config = &server.config;
    assert_eq!(
        config.approval_policy,
        Some(ApprovalPolicy::Unknown(
            "require_approval_on_tuesdays".into()
        ))
    );
    assert_eq!(
        config.transport,
        Some(Transport::Unknown("WEBSOCKET".into()))
    );
    assert!(matches!(&config.url, ServerUrl::Unknown(v) if *v == json!({"vault_path": "kv/mcp"})));
    assert!(
        matches!(&config.secret_token, Some(SecretToken::Unknown(v)) if *v == json!({"hsm_slot": 4}))
    );
    assert!(matches!(
        &config.auth_connection,
        Some(AuthConnection::Unknown(_))
    ));
    let headers = config.request_headers.as_ref().expect("headers");
    assert!(
        matches!(&headers["X-New"], RequestHeaderValue::Unknown(v) if *v == json!({"kind": "oauth"}))
    );
    // A limit meant for requests (5..=300) does not reject a response.
    assert_eq!(config.response_timeout_secs, Some(3600.into()));

    let tool = &config.tool_config_overrides.as_ref().expect("overrides")[0];
    assert_eq!(
        tool.tool_call_sound,
        Some(ToolCallSoundOverride::Unknown("kazoo".into()))
    );
    let inputs = tool.input_overrides.as_ref().expect("inputs");
    // Unknown tag, a known tag with a missing required field, and no tag at all.
    assert!(matches!(&inputs["a"], InputOverride::Unknown(v) if v["source"] == "vector_store"));
    assert!(
        matches!(&inputs["b"], InputOverride::Unknown(v) if *v == json!({"source": "constant"}))
    );
    assert!(matches!(&inputs["c"], InputOverride::Unknown(_)));
    let conditions = tool.response_mocks.as_ref().expect("mocks")[0]
        .parameter_conditions
        .as_ref()
        .expect("conditions");
    assert!(
        matches!(&conditions[0].eval, ParameterEvaluation::Unknown(v) if v["threshold"] == json!(0.8))
    );
    assert!(
        matches!(&conditions[1].eval, ParameterEvaluation::Unknown(v) if *v == json!({"type": "regex"}))
    );

    let agents = server.dependent_agents.as_ref().expect("agents");
    assert!(matches!(&agents[0], DependentAgent::Unknown(v) if v["archived_at"] == 1));
    assert!(matches!(&agents[1], DependentAgent::Unknown(v) if v["id"] == "agent_4"));
    assert!(matches!(&agents[2], DependentAgent::Unknown(_)));

    let access = server.access_info.as_ref().expect("access");
    assert_eq!(access.role, AccessLevel::Unknown("owner".into()));
    assert!(access.role.is_unknown());
    assert_eq!(access.role.as_str(), "owner");

    let tools: ToolList = decode("tool_list.json");
    let execution = tools.tools[1].execution.as_ref().expect("execution");
    assert_eq!(
        execution.task_support,
        Some(TaskSupport::Unknown("mandatory".into()))
    );
}

#[test]
fn nulls_are_accepted_wherever_a_field_is_optional() {
    let server: McpServer = decode("mcp_server.nulls.json");
    assert!(server.access_info.is_none() && server.dependent_agents.is_none());
    assert!(
        server.config.approval_policy.is_none() && server.config.tool_approval_hashes.is_none()
    );
    assert!(
        server.config.response_timeout_secs.is_none() && server.config.request_headers.is_none()
    );
    assert!(server.metadata.owner_user_id.is_none());
    let tool = &server
        .config
        .tool_config_overrides
        .as_ref()
        .expect("overrides")[0];
    assert!(tool.assignments.is_none() && tool.input_overrides.is_none());
}

#[test]
fn tools_keep_the_mcp_protocol_keys() {
    let tools: ToolList = decode("tool_list.json");
    let weather = &tools.tools[0];
    assert_eq!(weather.input_schema["required"], json!(["city"]));
    assert!(weather.output_schema.is_some());
    assert_eq!(
        weather.annotations.as_ref().and_then(|a| a.read_only_hint),
        Some(true)
    );
    assert_eq!(
        weather.icons.as_ref().expect("icons")[0]
            .mime_type
            .as_deref(),
        Some("image/png")
    );
    let out = serde_json::to_value(weather).expect("serialises");
    assert!(
        out.get("inputSchema").is_some() && out.get("_meta").is_some(),
        "{out}"
    );
    let failed: ToolList = decode("tool_list.failure.json");
    assert!(!failed.success);
    assert_eq!(failed.error_message.as_deref(), Some("connection refused"));
}

#[test]
fn every_error_shape_decodes() {
    let validation: HttpValidationError = decode("error.validation.json");
    let Some(ErrorDetail::Array(list)) = &validation.detail else {
        panic!("not a validation list")
    };
    assert_eq!(list[0].msg, "Field required");
    assert!(matches!(&list[1].loc[3], ValidationLocation::Integer(0)));
    assert!(matches!(&list[1].loc[0], ValidationLocation::String(s) if s == "body"));

    let text: HttpValidationError = decode("error.text.json");
    assert!(matches!(&text.detail, Some(ErrorDetail::String(s)) if s == "MCP server not found"));
    let status: HttpValidationError = decode("error.status.json");
    assert!(
        matches!(&status.detail, Some(ErrorDetail::ErrorStatus(s)) if s.status.as_deref() == Some("tool_config_not_found"))
    );
    let unknown: HttpValidationError = decode("error.unknown.json");
    assert!(matches!(&unknown.detail, Some(ErrorDetail::Unknown(v)) if *v == json!(42)));
}

#[test]
fn unknown_values_serialise_back_unchanged() {
    let policy: ApprovalPolicy = serde_json::from_value(json!("brand_new")).expect("decodes");
    assert_eq!(
        serde_json::to_value(&policy).expect("serialises"),
        json!("brand_new")
    );
    assert_eq!(policy.to_string(), "brand_new");
    assert_eq!(
        "require_approval_all".parse::<ApprovalPolicy>(),
        Ok(ApprovalPolicy::RequireApprovalAll)
    );
    // A non-string is still an error: the liberal rule is about values, not shapes.
    assert!(serde_json::from_value::<ApprovalPolicy>(json!(3)).is_err());
}

/// Decodes `text` through three different deserializers (borrowed text, a reader, a
/// `Value`), which hand strings and maps to the union's decoder in different ways, and
/// checks that all three agree.
fn decode_each_way<T: DeserializeOwned + Serialize>(text: &str) -> T {
    let borrowed: T = serde_json::from_str(text).expect("decodes from text");
    let read: T = serde_json::from_reader(text.as_bytes()).expect("decodes from a reader");
    let value: T = serde_json::from_str::<Value>(text)
        .and_then(serde_json::from_value)
        .expect("decodes from a Value");
    let shown = |t: &T| serde_json::to_value(t).expect("serialises");
    assert_eq!(shown(&borrowed), shown(&read), "{text}");
    assert_eq!(shown(&borrowed), shown(&value), "{text}");
    borrowed
}

#[test]
fn untagged_unions_pick_the_first_variant_of_the_values_kind() {
    let meta = |text: &str| decode_each_way::<RequestMetaValue>(text);
    assert!(matches!(meta(r#""a\"b""#), RequestMetaValue::String(s) if s == "a\"b"));
    assert!(matches!(meta("-3"), RequestMetaValue::Integer(-3)));
    assert!(matches!(meta("false"), RequestMetaValue::Boolean(false)));
    // Too large for the i64 variant, a float, null and an array fit no variant.
    assert!(
        matches!(meta("18446744073709551615"), RequestMetaValue::Unknown(v) if v == json!(u64::MAX))
    );
    assert!(matches!(meta("2.5"), RequestMetaValue::Unknown(v) if v == json!(2.5)));
    assert!(matches!(
        meta("null"),
        RequestMetaValue::Unknown(Value::Null)
    ));
    // serde's own untagged decoding would take this array for a `SecretLocator`.
    assert!(matches!(meta(r#"["sec_1"]"#), RequestMetaValue::Unknown(v) if v == json!(["sec_1"])));
    // Objects: variants in declaration order; one that does not decode falls through.
    assert!(matches!(
        meta(r#"{"secret_id": "s", "variable_name": "v"}"#),
        RequestMetaValue::SecretLocator(s) if s.secret_id == "s"
    ));
    assert!(matches!(
        meta(r#"{"secret_id": 5, "variable_name": "v"}"#),
        RequestMetaValue::DynamicVariableRef(d) if d.variable_name == "v"
    ));
    assert!(
        matches!(meta(r#"{"secret_id": 5}"#), RequestMetaValue::Unknown(v) if v == json!({"secret_id": 5}))
    );

    assert!(matches!(decode_each_way::<ServerUrl>("7"), ServerUrl::Unknown(v) if v == json!(7)));
    assert!(matches!(
        decode_each_way::<ValidationLocation>("3"),
        ValidationLocation::Integer(3)
    ));
    let detail = |text: &str| decode_each_way::<ErrorDetail>(text);
    assert!(matches!(
        detail(r#"[{"loc": ["body", 0], "msg": "m", "type": "t"}]"#),
        ErrorDetail::Array(list) if list.len() == 1
    ));
    assert!(matches!(detail("[1]"), ErrorDetail::Unknown(v) if v == json!([1])));
    assert!(matches!(detail("{}"), ErrorDetail::ErrorStatus(_)));
}

#[test]
fn tagged_unions_read_the_tag_wherever_it_is_and_keep_what_does_not_fit() {
    let input = |text: &str| decode_each_way::<InputOverride>(text);
    assert!(matches!(
        input(r#"{"constant_value": {"k": "a\nb"}, "source": "constant"}"#),
        InputOverride::ConstantInputOverride(c) if c.constant_value == json!({"k": "a\nb"})
    ));
    assert!(matches!(
        input(r#"{"source": "llm", "prompt": 3}"#),
        InputOverride::Unknown(v) if v == json!({"source": "llm", "prompt": 3})
    ));
    assert!(
        matches!(input(r#"{"source": 1}"#), InputOverride::Unknown(v) if v == json!({"source": 1}))
    );
    assert!(matches!(input(r#""constant""#), InputOverride::Unknown(v) if v == json!("constant")));
}
