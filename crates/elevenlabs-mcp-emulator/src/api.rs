//! What each operation does to the workspace. The HTTP layer has already matched the
//! route, checked the key and validated the body against the spec.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use elevenlabs_mcp_raw::json::canonical;
use elevenlabs_mcp_raw::operations::Operation;

use crate::spec;
use crate::store::Workspace;

/// Tools each registered MCP server exposes, by server URL, with a set for any other URL.
#[derive(Debug, Clone)]
pub struct ToolFixtures {
    by_url: BTreeMap<String, Vec<Value>>,
    fallback: Vec<Value>,
}

impl Default for ToolFixtures {
    /// Two example tools for every server.
    fn default() -> Self {
        Self {
            by_url: BTreeMap::new(),
            fallback: vec![
                json!({
                    "name": "search_docs",
                    "title": "Search the docs",
                    "description": "Full-text search over the product documentation.",
                    "inputSchema": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
                    "annotations": {"readOnlyHint": true}
                }),
                json!({
                    "name": "create_ticket",
                    "description": "Opens a support ticket.",
                    "inputSchema": {"type": "object", "properties": {"title": {"type": "string"}, "body": {"type": "string"}}, "required": ["title"]},
                    "annotations": {"destructiveHint": false}
                }),
            ],
        }
    }
}

impl ToolFixtures {
    /// The tools the server at `url` exposes.
    pub fn set(&mut self, url: impl Into<String>, tools: Vec<Value>) {
        self.by_url.insert(url.into(), tools);
    }

    /// The tools of every server without a set of its own.
    pub fn set_fallback(&mut self, tools: Vec<Value>) {
        self.fallback = tools;
    }

    /// Whether tools were given for `url` itself (not the fallback).
    pub(crate) fn has(&self, url: &Value) -> bool {
        url.as_str().is_some_and(|u| self.by_url.contains_key(u))
    }

    /// The URLs given tools of their own.
    #[cfg(fuzzing)]
    pub(crate) fn urls(&self) -> impl Iterator<Item = &str> {
        self.by_url.keys().map(String::as_str)
    }

    pub(crate) fn for_url(&self, url: &Value) -> &[Value] {
        url.as_str()
            .and_then(|u| self.by_url.get(u))
            .unwrap_or(&self.fallback)
    }
}

/// The answer of a tools listing that reached the server and got `tools`.
pub(crate) fn tools_answer(tools: &[Value]) -> Value {
    json!({"success": true, "error_message": null, "tools": tools})
}

/// Why `tools` could not be what a server lists: the first place where the answer carrying
/// them breaks the spec's schema of a tools listing. `None` when they could be.
pub(crate) fn unservable(tools: &[Value]) -> Option<String> {
    let schema = spec::response_schema(Operation::McpServersToolsList, 200)?;
    let answer = tools_answer(tools);
    let problem = spec::validate(&schema, &answer, &mut Vec::new())
        .into_iter()
        .next()?;
    let at: Vec<String> = problem["loc"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| match p {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect();
    Some(format!(
        "{}: {}",
        at.join("."),
        problem["msg"].as_str().unwrap_or("not valid")
    ))
}

/// An answer: status and JSON body, and whether the workspace changed.
#[derive(Debug)]
pub struct Outcome {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: Value,
    /// Whether the workspace changed and must be saved before answering.
    pub changed: bool,
}

fn ok(body: Value) -> Outcome {
    Outcome {
        status: 200,
        body,
        changed: false,
    }
}

fn changed(body: Value) -> Outcome {
    Outcome {
        status: 200,
        body,
        changed: true,
    }
}

/// A non-2xx answer in the API's `{"detail": {"status", "message"}}` shape.
pub fn error(status: u16, code: &str, message: impl Into<String>) -> Outcome {
    Outcome {
        status,
        body: json!({"detail": {"status": code, "message": message.into()}}),
        changed: false,
    }
}

fn no_server(id: &str) -> Outcome {
    error(
        404,
        "mcp_server_not_found",
        format!("MCP server '{id}' was not found"),
    )
}

/// The hash recorded for an approved tool: hex SHA-256 of the tool name, a newline, the
/// description, a newline, and the input schema as JSON with keys sorted at every level
/// (`{}` when there is none). A tool whose description or schema changes hashes
/// differently, so its approval no longer matches.
pub fn tool_hash(name: &str, description: &str, input_schema: &Value) -> String {
    let empty = Value::Object(Map::new());
    let schema = canonical(if input_schema.is_null() {
        &empty
    } else {
        input_schema
    });
    let digest = Sha256::digest(format!("{name}\n{description}\n{schema}"));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Applies a PATCH body: an absent key is left alone, `null` clears (falling back to the
/// schema's default when it has one), a value replaces.
fn merge(target: &mut Map<String, Value>, patch: &Value, schema: Option<&Value>) {
    let Some(patch) = patch.as_object() else {
        return;
    };
    for (k, v) in patch {
        if v.is_null() {
            target.remove(k);
            if let Some(default) = schema
                .and_then(|s| spec::property(s, k))
                .and_then(|p| p.get("default").cloned())
            {
                target.insert(k.clone(), default);
            }
        } else {
            target.insert(k.clone(), v.clone());
        }
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Runs one operation. The `match` covers the generated table, so an operation added to
/// the spec does not compile here until it is emulated.
pub fn run(
    ws: &mut Workspace,
    tools: &ToolFixtures,
    operation: &spec::OperationSpec,
    params: &Map<String, Value>,
    body: Option<Value>,
) -> Outcome {
    let param = |name: &str| {
        params
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (id, tool) = (param("mcp_server_id"), param("tool_name"));
    let mut body = body.unwrap_or(Value::Null);
    // Undeclared keys are ignored, as the service ignores them: a PATCH cannot touch a field
    // its schema does not list.
    if let Some(schema) = &operation.request {
        spec::retain_declared(schema, &mut body);
    }
    // The server's config schema, for defaults: the `config` property of the create body.
    let config_schema = spec::operation(Operation::McpServersCreate)
        .request
        .as_ref()
        .and_then(|r| spec::property(r, "config"));
    let config_schema = config_schema.as_ref();

    match operation.op {
        Operation::McpServersList => {
            let servers: Vec<&Value> = ws.servers.values().collect();
            ok(json!({"mcp_servers": servers}))
        }
        Operation::McpServersCreate => {
            let mut config = body["config"].clone();
            if let Some(schema) = config_schema {
                spec::retain_declared(schema, &mut config);
                spec::apply_defaults(schema, &mut config);
            }
            let server = json!({
                "id": ws.new_id(),
                "config": config,
                "metadata": {"created_at": now_secs(), "owner_user_id": "emulator_user"},
                "access_info": {
                    "is_creator": true,
                    "creator_name": "Emulator",
                    "creator_email": "emulator@localhost",
                    "role": "admin",
                    "access_source": "creator"
                },
                "dependent_agents": []
            });
            let key = server["id"].as_str().unwrap_or_default().to_owned();
            ws.servers.insert(key, server.clone());
            changed(server)
        }
        Operation::McpServersDelete => {
            // Keeps the others in creation order.
            if ws.servers.shift_remove(&id).is_none() {
                return no_server(&id);
            }
            changed(json!({}))
        }
        Operation::McpServersGet => on_server(ws, &id, |server, _| Err(ok(server.clone()))),
        Operation::McpServersToolsList => on_server(ws, &id, |_, config| {
            Err(ok(tools_answer(
                tools.for_url(config.get("url").unwrap_or(&Value::Null)),
            )))
        }),
        Operation::McpServersUpdate => on_server(ws, &id, |_, config| {
            merge(config, &body, config_schema);
            Ok(())
        }),
        Operation::McpServersApprovalPolicyUpdate => on_server(ws, &id, |_, config| {
            config.insert("approval_policy".into(), body["approval_policy"].clone());
            Ok(())
        }),
        Operation::McpServersToolApprovalsCreate => on_server(ws, &id, |_, config| {
            let name = body["tool_name"].as_str().unwrap_or_default();
            let entry = json!({
                "tool_name": name,
                "tool_hash": tool_hash(
                    name,
                    body["tool_description"].as_str().unwrap_or_default(),
                    &body["input_schema"],
                ),
                "approval_policy": if body["approval_policy"].is_null() {
                    json!("requires_approval")
                } else {
                    body["approval_policy"].clone()
                },
            });
            let list = list_at(config, "tool_approval_hashes").ok_or_else(corrupt)?;
            list.retain(|e| e["tool_name"] != name);
            list.push(entry);
            Ok(())
        }),
        Operation::McpServersToolApprovalsDelete => on_server(ws, &id, |_, config| {
            let list = list_at(config, "tool_approval_hashes").ok_or_else(corrupt)?;
            let before = list.len();
            list.retain(|e| e["tool_name"] != tool.as_str());
            if list.len() == before {
                return Err(error(
                    404,
                    "tool_approval_not_found",
                    format!("tool '{tool}' is not approved"),
                ));
            }
            Ok(())
        }),
        Operation::McpServersToolConfigsCreate => on_server(ws, &id, |_, config| {
            let name = body["tool_name"].as_str().unwrap_or_default().to_owned();
            let list = list_at(config, "tool_config_overrides").ok_or_else(corrupt)?;
            if list.iter().any(|o| o["tool_name"] == name.as_str()) {
                return Err(error(
                    409,
                    "tool_config_exists",
                    format!("tool '{name}' already has a configuration override"),
                ));
            }
            let mut entry = body.clone();
            if let Some(o) = entry.as_object_mut() {
                o.retain(|_, v| !v.is_null());
            }
            list.push(entry);
            Ok(())
        }),
        Operation::McpServersToolConfigsGet => {
            on_tool_config(ws, &id, &tool, |list, at| Err(ok(list[at].clone())))
        }
        Operation::McpServersToolConfigsUpdate => on_tool_config(ws, &id, &tool, |list, at| {
            if let Some(entry) = list[at].as_object_mut() {
                merge(entry, &body, None);
            }
            Ok(())
        }),
        Operation::McpServersToolConfigsDelete => on_tool_config(ws, &id, &tool, |list, at| {
            list.remove(at);
            Ok(())
        }),
    }
}

/// Runs `change` on one existing server and its config. `Ok` means the server changed and
/// is the answer; `Err` carries another answer (a read, or a refusal) and changes nothing.
fn on_server(
    ws: &mut Workspace,
    id: &str,
    change: impl FnOnce(&Value, &mut Map<String, Value>) -> Result<(), Outcome>,
) -> Outcome {
    let Some(server) = ws.find(id) else {
        return no_server(id);
    };
    let snapshot = server.clone();
    let Some(config) = server.get_mut("config").and_then(Value::as_object_mut) else {
        return corrupt();
    };
    match change(&snapshot, config) {
        Ok(()) => changed(server.clone()),
        Err(answer) => answer,
    }
}

/// Runs `change` on the override of `tool` of one server: 404 when there is none.
fn on_tool_config(
    ws: &mut Workspace,
    id: &str,
    tool: &str,
    change: impl FnOnce(&mut Vec<Value>, usize) -> Result<(), Outcome>,
) -> Outcome {
    on_server(ws, id, |_, config| {
        let list = list_at(config, "tool_config_overrides").ok_or_else(corrupt)?;
        let Some(at) = list.iter().position(|o| o["tool_name"] == tool) else {
            return Err(error(
                404,
                "tool_config_not_found",
                format!("tool '{tool}' has no configuration override"),
            ));
        };
        change(list, at)
    })
}

/// The array at `config[key]`, created when absent or not an array.
fn list_at<'a>(config: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Vec<Value>> {
    if !config.get(key).is_some_and(Value::is_array) {
        config.insert(key.to_owned(), json!([]));
    }
    config.get_mut(key).and_then(Value::as_array_mut)
}

fn corrupt() -> Outcome {
    error(
        500,
        "corrupt_state",
        "the stored server is not in the API's shape",
    )
}
