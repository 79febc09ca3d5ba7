//! What `apply` would do: the manifest against the workspace, field by field.
//!
//! A field the manifest leaves out means the service's default (the spec's `default`, or
//! nothing), so a server the service filled in with defaults matches a manifest that does
//! not mention them, and a field removed from the manifest is cleared.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use elevenlabs_mcp::{
    McpServer, McpServerConfig, McpServerUpdate, ToolApproval, ToolConfigOverride,
};
use serde::Serialize;
use serde_json::{Map, Value};

use super::entry::Server;
use super::{Manifest, schema};
use crate::output::Style;

/// One field that differs: as it is, and as it will be (`None`: absent, the default).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldChange {
    /// The field's wire name.
    pub field: String,
    /// Now.
    pub from: Option<Value>,
    /// After `apply`.
    pub to: Option<Value>,
    /// The service's default, which an absent value means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
}

/// One step of a plan.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Register a server.
    CreateServer {
        /// Its name.
        server: String,
        /// The fields written for it.
        fields: Map<String, Value>,
        /// A server of the workspace that the manifest does not name and that has this
        /// one's URL: the manifest probably renamed it (the API cannot rename in place).
        #[serde(skip_serializing_if = "Option::is_none")]
        renamed_from: Option<String>,
    },
    /// Change a server's fields in place (`PATCH`).
    UpdateServer {
        server: String,
        id: String,
        changes: Vec<FieldChange>,
    },
    /// A field the API cannot change in place differs: delete the server and create it anew.
    ReplaceServer {
        server: String,
        id: String,
        changes: Vec<FieldChange>,
        fields: Map<String, Value>,
        /// The changed fields that the API cannot update in place.
        forced_by: Vec<String>,
        /// The agents that use the server (`dependent_agents`): they lose it, since the new
        /// server gets a new id.
        dependent_agents: Vec<String>,
    },
    /// Remove a server the manifest does not name (only with `--prune`).
    DeleteServer { server: String, id: String },
    /// Approve a tool (its current definition, as the server lists it).
    Approve {
        server: String,
        tool: String,
        policy: Option<String>,
        /// What `tools scan` finds in the tool as the server lists it now (for a server
        /// that exists; a new server's tools are scanned when `apply` approves them).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        findings: Vec<crate::scan::Finding>,
        /// The server exists and does not list the tool (a typo, or a tool it dropped):
        /// `apply` refuses to approve it by name alone unless the user insists.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        unlisted: bool,
    },
    /// Withdraw a tool's approval.
    Unapprove { server: String, tool: String },
    /// Create a tool's override.
    CreateToolConfig {
        server: String,
        tool: String,
        fields: Map<String, Value>,
    },
    /// Change a tool's override.
    UpdateToolConfig {
        server: String,
        tool: String,
        changes: Vec<FieldChange>,
    },
    /// Remove a tool's override.
    DeleteToolConfig { server: String, tool: String },
}

impl Action {
    /// The name of the server the step is about.
    pub fn server(&self) -> &str {
        match self {
            Self::CreateServer { server, .. }
            | Self::UpdateServer { server, .. }
            | Self::ReplaceServer { server, .. }
            | Self::DeleteServer { server, .. }
            | Self::Approve { server, .. }
            | Self::Unapprove { server, .. }
            | Self::CreateToolConfig { server, .. }
            | Self::UpdateToolConfig { server, .. }
            | Self::DeleteToolConfig { server, .. } => server,
        }
    }

    /// One line saying what the step does.
    pub fn headline(&self) -> String {
        match self {
            Self::CreateServer { server, .. } => format!("+ create server {server:?}"),
            Self::UpdateServer { server, id, .. } => format!("~ update server {server:?} ({id})"),
            Self::ReplaceServer {
                server,
                id,
                forced_by,
                ..
            } => {
                let fields: Vec<String> = forced_by.iter().map(|f| format!("`{f}`")).collect();
                format!(
                    "-/+ replace server {server:?} ({id}): {} cannot be changed in place; the new server gets a new id",
                    fields.join(", ")
                )
            }
            Self::DeleteServer { server, id } => format!("- delete server {server:?} ({id})"),
            Self::Approve {
                server,
                tool,
                policy,
                ..
            } => format!(
                "+ approve tool {tool:?} on {server:?}{}",
                policy
                    .as_ref()
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default()
            ),
            Self::Unapprove { server, tool } => {
                format!("- withdraw the approval of tool {tool:?} on {server:?}")
            }
            Self::CreateToolConfig { server, tool, .. } => {
                format!("+ create the config of tool {tool:?} on {server:?}")
            }
            Self::UpdateToolConfig { server, tool, .. } => {
                format!("~ update the config of tool {tool:?} on {server:?}")
            }
            Self::DeleteToolConfig { server, tool } => {
                format!("- delete the config of tool {tool:?} on {server:?}")
            }
        }
    }

    /// `(add, change, destroy)`, for the plan's count.
    fn weight(&self) -> (usize, usize, usize) {
        match self {
            Self::CreateServer { .. } | Self::Approve { .. } | Self::CreateToolConfig { .. } => {
                (1, 0, 0)
            }
            // Withdrawing an approval changes the server; nothing is destroyed.
            Self::UpdateServer { .. } | Self::UpdateToolConfig { .. } | Self::Unapprove { .. } => {
                (0, 1, 0)
            }
            Self::ReplaceServer { .. } => (1, 0, 1),
            Self::DeleteServer { .. } | Self::DeleteToolConfig { .. } => (0, 0, 1),
        }
    }
}

/// What `apply` would do.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    /// The steps, in the order `apply` takes them.
    pub actions: Vec<Action>,
    /// Servers of the workspace the manifest does not name, left alone (without `--prune`).
    pub unmanaged: Vec<String>,
    /// What the plan noticed and `apply` may stop on: tools a server does not list.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A server of the workspace: its id, and the entry it would have in a manifest.
#[derive(Debug, Clone)]
pub struct Actual {
    pub id: String,
    pub server: Server,
    /// The agents that use it, as `name (id)`.
    pub dependent_agents: Vec<String>,
}

impl Actual {
    /// Reads a server as the API returned it.
    pub fn of(server: &McpServer) -> Self {
        let dependent_agents = server
            .dependent_agents
            .iter()
            .flatten()
            .map(|agent| match agent {
                elevenlabs_mcp::DependentAgent::AvailableAgent(a) => {
                    format!("{} ({})", a.name, a.id)
                }
                // An agent the caller may not see, or a kind this version does not know.
                other => serde_json::to_string(other).unwrap_or_default(),
            })
            .collect();
        Self {
            id: server.id.clone(),
            server: Server::of(server),
            dependent_agents,
        }
    }
}

/// The fields that differ between `now` and `wanted`, an absent field standing for its
/// default.
pub fn diff(
    now: &Map<String, Value>,
    wanted: &Map<String, Value>,
    defaults: &Map<String, Value>,
) -> Vec<FieldChange> {
    let effective = |map: &Map<String, Value>, key: &str| -> Option<Value> {
        map.get(key)
            .filter(|v| !v.is_null())
            .or_else(|| defaults.get(key))
            .cloned()
    };
    let mut keys: Vec<&String> = now.keys().chain(wanted.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| effective(now, k) != effective(wanted, k))
        .map(|k| FieldChange {
            field: k.clone(),
            from: now.get(k).cloned(),
            to: wanted.get(k).cloned(),
            default: defaults.get(k).cloned(),
        })
        .collect()
}

/// What to say of a name the workspace has more than once: which servers, and how to get
/// back to one (the API cannot rename a server, so the extra ones are deleted by id).
pub fn duplicate(name: &str, ids: &[&str]) -> String {
    format!(
        "the workspace has {} servers named {name:?} ({}), and a name must identify one server: \
         keep one and delete the others by id (`elevenlabs-mcp servers delete ID`; \
         `elevenlabs-mcp servers get ID` shows which agents use each)",
        ids.len(),
        ids.join(", ")
    )
}

/// The plan that takes the workspace (`servers`) to the manifest.
///
/// # Errors
///
/// The workspace has two servers of a name the manifest uses: which one is meant cannot
/// be told.
pub fn plan(manifest: &Manifest, servers: &[McpServer], prune: bool) -> Result<Plan, String> {
    let actual: Vec<Actual> = servers.iter().map(Actual::of).collect();
    let config_defaults = McpServerConfig::service_defaults();
    let override_defaults = ToolConfigOverride::service_defaults();
    let approval_default = ToolApproval::service_defaults()
        .get("approval_policy")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let updatable = schema::properties(&schema::of::<McpServerUpdate>());
    let mut out = Plan::default();
    for desired in &manifest.servers {
        let matching: Vec<&Actual> = actual
            .iter()
            .filter(|a| a.server.name == desired.name)
            .collect();
        let current = match matching.as_slice() {
            [] => None,
            [one] => Some(*one),
            many => {
                let ids: Vec<&str> = many.iter().map(|a| a.id.as_str()).collect();
                return Err(duplicate(&desired.name, &ids));
            }
        };
        // A server that is new, or whose changes the API cannot make in place, is
        // (re)created and starts with no approvals or overrides; any other is updated.
        let changes = current.map(|c| diff(&c.server.fields, &desired.fields, &config_defaults));
        let kept = current.filter(|_| {
            changes
                .iter()
                .flatten()
                .all(|c| updatable.contains(&c.field))
        });
        match (current, kept) {
            (None, _) => out.actions.push(Action::CreateServer {
                server: desired.name.clone(),
                fields: desired.fields.clone(),
                renamed_from: actual
                    .iter()
                    .find(|a| {
                        a.server.fields.get("url") == desired.fields.get("url")
                            && !manifest.servers.iter().any(|d| d.name == a.server.name)
                    })
                    .map(|a| format!("{:?} ({})", a.server.name, a.id)),
            }),
            (Some(current), None) => {
                let changes = changes.unwrap_or_default();
                out.actions.push(Action::ReplaceServer {
                    server: desired.name.clone(),
                    id: current.id.clone(),
                    forced_by: changes
                        .iter()
                        .filter(|c| !updatable.contains(&c.field))
                        .map(|c| c.field.clone())
                        .collect(),
                    dependent_agents: current.dependent_agents.clone(),
                    changes,
                    fields: desired.fields.clone(),
                });
            }
            (Some(current), Some(_)) => {
                let changes = changes.unwrap_or_default();
                if !changes.is_empty() {
                    out.actions.push(Action::UpdateServer {
                        server: desired.name.clone(),
                        id: current.id.clone(),
                        changes,
                    });
                }
            }
        }
        children(
            &mut out,
            desired,
            kept,
            &approval_default,
            &override_defaults,
        );
    }
    for server in &actual {
        if manifest
            .servers
            .iter()
            .any(|d| d.name == server.server.name)
        {
            continue;
        }
        if prune {
            out.actions.push(Action::DeleteServer {
                server: server.server.name.clone(),
                id: server.id.clone(),
            });
        } else {
            out.unmanaged.push(server.server.name.clone());
        }
    }
    Ok(out)
}

/// Approvals and overrides of one server; `current` is `None` for a server that is
/// (re)created, which starts with neither.
fn children(
    out: &mut Plan,
    desired: &Server,
    current: Option<&Actual>,
    approval_default: &Option<String>,
    override_defaults: &Map<String, Value>,
) {
    let empty = BTreeMap::new();
    let now_approvals = current.map_or(&empty, |c| &c.server.approvals);
    let effective = |p: &Option<String>| p.clone().or_else(|| approval_default.clone());
    for (tool, policy) in &desired.approvals {
        let same = now_approvals
            .get(tool)
            .is_some_and(|now| effective(now) == effective(policy));
        if !same {
            out.actions.push(Action::Approve {
                server: desired.name.clone(),
                tool: tool.clone(),
                policy: policy.clone(),
                findings: Vec::new(),
                unlisted: false,
            });
        }
    }
    for tool in now_approvals
        .keys()
        .filter(|t| !desired.approvals.contains_key(*t))
    {
        out.actions.push(Action::Unapprove {
            server: desired.name.clone(),
            tool: tool.clone(),
        });
    }
    let empty = BTreeMap::new();
    let now_configs = current.map_or(&empty, |c| &c.server.tool_configs);
    for (tool, fields) in &desired.tool_configs {
        match now_configs.get(tool) {
            None => out.actions.push(Action::CreateToolConfig {
                server: desired.name.clone(),
                tool: tool.clone(),
                fields: fields.clone(),
            }),
            Some(now) => {
                let changes = diff(now, fields, override_defaults);
                if !changes.is_empty() {
                    out.actions.push(Action::UpdateToolConfig {
                        server: desired.name.clone(),
                        tool: tool.clone(),
                        changes,
                    });
                }
            }
        }
    }
    for tool in now_configs
        .keys()
        .filter(|t| !desired.tool_configs.contains_key(*t))
    {
        out.actions.push(Action::DeleteToolConfig {
            server: desired.name.clone(),
            tool: tool.clone(),
        });
    }
}

fn show(value: Option<&Value>) -> String {
    match value {
        None => "(default)".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// A value of a change; an absent one shows the default it stands for.
fn show_or_default(value: Option<&Value>, default: Option<&Value>) -> String {
    match (value, default) {
        (None, Some(d)) => format!("(default: {})", show(Some(d))),
        _ => show(value),
    }
}

impl Plan {
    /// Refuses, before anything is changed, a plan that replaces a server agents depend on
    /// (unless `allow_replace`) or approves a tool its server does not list (unless the
    /// tool is in `allow_unlisted`).
    ///
    /// # Errors
    ///
    /// What would be lost or approved blind, and the flag that allows it.
    pub fn refuse_unsafe(
        &self,
        allow_replace: bool,
        allow_unlisted: &[String],
    ) -> Result<(), String> {
        let mut refused = Vec::new();
        for action in &self.actions {
            match action {
                Action::ReplaceServer {
                    server,
                    dependent_agents,
                    ..
                } if !allow_replace && !dependent_agents.is_empty() => refused.push(format!(
                    "replacing {server:?} takes it from the agents that use it ({}); pass --allow-replace to go ahead",
                    dependent_agents.join(", ")
                )),
                Action::Approve {
                    server,
                    tool,
                    unlisted: true,
                    ..
                } if !allow_unlisted.contains(tool) => refused.push(format!(
                    "{server:?} does not list a tool {tool:?}: fix the name in the manifest, or pass --allow-unlisted {tool:?} to approve it by name alone"
                )),
                _ => {}
            }
        }
        if refused.is_empty() {
            Ok(())
        } else {
            Err(format!("nothing was changed:\n  {}", refused.join("\n  ")))
        }
    }

    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// The closing line: how many things are added, changed and destroyed.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "No changes: the workspace matches the manifest.".to_owned();
        }
        let (add, change, destroy) = self.actions.iter().fold((0, 0, 0), |acc, a| {
            let w = a.weight();
            (acc.0 + w.0, acc.1 + w.1, acc.2 + w.2)
        });
        format!("Plan: {add} to add, {change} to change, {destroy} to destroy.")
    }

    /// The plan for people: a headline per step, its fields below, then the count.
    pub fn render(&self, style: Style) -> String {
        let mut out = String::new();
        for action in &self.actions {
            let line = action.headline();
            let painted = match line.chars().next() {
                Some('+') => style.green(&line),
                Some('~') => style.yellow(&line),
                _ => style.red(&line),
            };
            let _ = writeln!(out, "{painted}");
            match action {
                Action::CreateServer {
                    fields,
                    renamed_from,
                    ..
                } => {
                    if let Some(old) = renamed_from {
                        let _ = writeln!(
                            out,
                            "    {}",
                            style.yellow(&format!(
                                "a rename of {old}? The API cannot rename a server in place: this creates a new server (a new id), and `--prune` deletes the old one, a replace"
                            ))
                        );
                    }
                    for (k, v) in fields {
                        let _ = writeln!(out, "    {k}: {}", show(Some(v)));
                    }
                }
                Action::CreateToolConfig { fields, .. } => {
                    for (k, v) in fields {
                        let _ = writeln!(out, "    {k}: {}", show(Some(v)));
                    }
                }
                Action::UpdateServer { changes, .. }
                | Action::ReplaceServer { changes, .. }
                | Action::UpdateToolConfig { changes, .. } => {
                    for c in changes {
                        let _ = writeln!(
                            out,
                            "    {}: {} → {}",
                            c.field,
                            show_or_default(c.from.as_ref(), c.default.as_ref()),
                            show_or_default(c.to.as_ref(), c.default.as_ref())
                        );
                    }
                    if let Action::ReplaceServer {
                        dependent_agents, ..
                    } = action
                        && !dependent_agents.is_empty()
                    {
                        let _ = writeln!(
                            out,
                            "    {}",
                            style.red(&format!(
                                "agents that use it lose it: {} (apply refuses unless --allow-replace)",
                                dependent_agents.join(", ")
                            ))
                        );
                    }
                }
                Action::Approve { findings, .. } => {
                    for f in findings {
                        let _ = writeln!(out, "    {}", style.red(&format!("! {}", f.describe())));
                    }
                }
                _ => {}
            }
        }
        for warning in &self.warnings {
            let _ = writeln!(out, "{}", style.yellow(&format!("warning: {warning}")));
        }
        if !self.unmanaged.is_empty() {
            let _ = writeln!(
                out,
                "{} server(s) of the workspace are not in the manifest and are left alone (--prune deletes them): {}",
                self.unmanaged.len(),
                self.unmanaged.join(", ")
            );
        }
        let _ = writeln!(out, "{}", style.bold(&self.summary()));
        out
    }
}
