//! Carrying a plan out, step by step, in order.
//!
//! A create whose answer was lost (a timeout, a broken connection, a 5xx) may have created
//! the server anyway, and the service has no idempotency keys: before reporting it failed,
//! `apply` lists the workspace and adopts a server of that name. A run that stops midway
//! says what was done and what was not; the next `plan` starts from the workspace as it is,
//! so running `apply` again converges.

use std::collections::HashMap;

use elevenlabs_mcp::{
    Client, Error, McpServer, McpServerConfig, McpServerUpdate, Tool, ToolApproval,
    ToolApprovalPolicy, ToolConfigOverride, ToolConfigOverrideUpdate,
};
use serde_json::{Map, Value};

use super::plan::{Action, FieldChange, Plan};
use crate::output::Style;

/// Why `apply` stopped.
#[derive(Debug)]
pub struct Stopped {
    /// The steps that were carried out.
    pub done: Vec<String>,
    /// The step that failed, and why.
    pub failed: (String, String),
    /// The steps not tried.
    pub not_done: Vec<String>,
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "apply stopped: {}\n  {}", self.failed.0, self.failed.1)?;
        writeln!(f, "done ({}):", self.done.len())?;
        for step in &self.done {
            writeln!(f, "  {step}")?;
        }
        writeln!(f, "not done ({}):", self.not_done.len())?;
        for step in &self.not_done {
            writeln!(f, "  {step}")?;
        }
        write!(
            f,
            "run `apply` again to finish: it starts from the workspace as it now is"
        )
    }
}

/// Whether a failed write may still have been applied by the service.
fn maybe_applied(e: &Error) -> bool {
    match e {
        Error::Timeout(_) | Error::Connection(_) => true,
        Error::Api(api) => api.status.is_server_error() || api.status.as_u16() == 408,
        _ => false,
    }
}

fn typed<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("the manifest's fields do not fit: {e}"))
}

/// An update body: each change set to its new value, or cleared (`null`).
fn update_body(changes: &[FieldChange]) -> Value {
    let map: Map<String, Value> = changes
        .iter()
        .map(|c| (c.field.clone(), c.to.clone().unwrap_or(Value::Null)))
        .collect();
    Value::Object(map)
}

struct Runner<'a> {
    client: &'a Client,
    ids: HashMap<String, String>,
    tools: HashMap<String, Vec<Tool>>,
    /// Tools the user allows to be approved despite a high-severity finding.
    allow_flagged: &'a [String],
}

impl Runner<'_> {
    fn id(&self, server: &str) -> Result<String, String> {
        self.ids
            .get(server)
            .cloned()
            .ok_or_else(|| format!("server {server:?} has no id (its create did not succeed)"))
    }

    async fn create(&mut self, server: &str, fields: &Map<String, Value>) -> Result<(), String> {
        let config: McpServerConfig = typed(Value::Object(fields.clone()))?;
        let servers = self.client.mcp_servers();
        match servers.create(config).await {
            Ok(created) => {
                self.ids.insert(server.to_owned(), created.id);
                Ok(())
            }
            Err(e) if maybe_applied(&e) => {
                // The create may have happened: look before anyone creates it again.
                let listed = servers
                    .list()
                    .await
                    .map_err(|l| format!("{e}; and listing to check failed: {l}"))?;
                let found: Vec<&McpServer> =
                    listed.iter().filter(|s| s.config.name == server).collect();
                match found.as_slice() {
                    [one] => {
                        eprintln!(
                            "  the create's answer was lost, but the server exists ({}): adopted",
                            one.id
                        );
                        self.ids.insert(server.to_owned(), one.id.clone());
                        Ok(())
                    }
                    _ => Err(e.to_string()),
                }
            }
            Err(e) => Err(e.to_string()),
        }
    }

    async fn tool(&mut self, id: &str, name: &str) -> Result<Option<Tool>, String> {
        if !self.tools.contains_key(id) {
            let list = self
                .client
                .mcp_servers()
                .tools(id)
                .list()
                .await
                .map_err(|e| e.to_string())?;
            self.tools.insert(id.to_owned(), list.tools);
        }
        Ok(self.tools[id].iter().find(|t| t.name == name).cloned())
    }

    async fn step(&mut self, action: &Action) -> Result<(), String> {
        let servers = self.client.mcp_servers();
        let fail = |e: Error| e.to_string();
        match action {
            Action::CreateServer { server, fields } => self.create(server, fields).await,
            Action::ReplaceServer {
                server, id, fields, ..
            } => {
                servers.delete(id).await.map_err(fail)?;
                self.ids.remove(server);
                self.create(server, fields).await
            }
            Action::UpdateServer {
                server, changes, ..
            } => {
                let update: McpServerUpdate = typed(update_body(changes))?;
                servers
                    .update(&self.id(server)?, update)
                    .await
                    .map(drop)
                    .map_err(fail)
            }
            Action::DeleteServer { id, .. } => servers.delete(id).await.map_err(fail),
            Action::Approve {
                server,
                tool,
                policy,
                ..
            } => {
                let id = self.id(server)?;
                // What is approved is the tool as the server lists it now: name,
                // description and input schema, which the service hashes. It is scanned
                // as it is approved (a server created by this run was not scanned by the
                // plan), and a high-severity finding stops it unless the user allows it.
                let approval = match self.tool(&id, tool).await? {
                    Some(listed) => {
                        let scope = crate::scan::Scope::of(&self.tools[&id]);
                        let findings = crate::scan::scan_listed(server, &listed, &scope);
                        let blocking = crate::scan::blocking(tool, &findings, self.allow_flagged);
                        if !blocking.is_empty() {
                            return Err(crate::scan::refusal(server, tool, &blocking));
                        }
                        ToolApproval::from(&listed)
                    }
                    None => {
                        eprintln!(
                            "  warning: {server:?} does not list a tool {tool:?}; approving it by name alone"
                        );
                        ToolApproval::new(tool.as_str(), "")
                    }
                };
                let approval = match policy {
                    Some(p) => approval.approval_policy(ToolApprovalPolicy::from(p.as_str())),
                    None => approval,
                };
                servers
                    .tool_approvals(&id)
                    .create(approval)
                    .await
                    .map(drop)
                    .map_err(fail)
            }
            Action::Unapprove { server, tool } => servers
                .tool_approvals(&self.id(server)?)
                .delete(tool)
                .await
                .map(drop)
                .map_err(fail),
            Action::CreateToolConfig {
                server,
                tool,
                fields,
            } => {
                let mut wire = fields.clone();
                wire.insert("tool_name".into(), Value::String(tool.clone()));
                let config: ToolConfigOverride = typed(Value::Object(wire))?;
                servers
                    .tool_configs(&self.id(server)?)
                    .create(config)
                    .await
                    .map(drop)
                    .map_err(fail)
            }
            Action::UpdateToolConfig {
                server,
                tool,
                changes,
            } => {
                let update: ToolConfigOverrideUpdate = typed(update_body(changes))?;
                servers
                    .tool_configs(&self.id(server)?)
                    .update(tool, update)
                    .await
                    .map(drop)
                    .map_err(fail)
            }
            Action::DeleteToolConfig { server, tool } => servers
                .tool_configs(&self.id(server)?)
                .delete(tool)
                .await
                .map(drop)
                .map_err(fail),
        }
    }
}

/// Carries out `plan` on the workspace whose servers were `servers` when it was made,
/// reporting each step on standard error as it completes.
///
/// # Errors
///
/// The first step that fails, with what was and was not done.
pub async fn apply(
    client: &Client,
    plan: &Plan,
    servers: &[McpServer],
    allow_flagged: &[String],
    style: Style,
) -> Result<usize, Stopped> {
    let mut runner = Runner {
        client,
        allow_flagged,
        ids: servers
            .iter()
            .map(|s| (s.config.name.clone(), s.id.clone()))
            .collect(),
        tools: HashMap::new(),
    };
    let total = plan.actions.len();
    let mut done = Vec::new();
    // A tool the plan already found flagged stops the run before it changes anything.
    let refused: Vec<String> = plan
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Approve {
                server,
                tool,
                findings,
                ..
            } => {
                let blocking = crate::scan::blocking(tool, findings, allow_flagged);
                (!blocking.is_empty()).then(|| crate::scan::refusal(server, tool, &blocking))
            }
            _ => None,
        })
        .collect();
    if !refused.is_empty() {
        return Err(Stopped {
            done,
            failed: (
                "the plan approves flagged tools; nothing was changed".to_owned(),
                refused.join("\n"),
            ),
            not_done: plan.actions.iter().map(Action::headline).collect(),
        });
    }
    for (i, action) in plan.actions.iter().enumerate() {
        let headline = action.headline();
        match runner.step(action).await {
            Ok(()) => {
                eprintln!("{} {headline}", style.dim(&format!("[{}/{total}]", i + 1)));
                done.push(headline);
            }
            Err(why) => {
                return Err(Stopped {
                    done,
                    failed: (headline, why),
                    not_done: plan.actions[i + 1..].iter().map(Action::headline).collect(),
                });
            }
        }
    }
    Ok(done.len())
}
