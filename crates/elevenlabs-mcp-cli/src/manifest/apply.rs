//! Carrying a plan out: a graph walk at the service's pace.
//!
//! - The steps of one server run one at a time, in plan order (its create before its
//!   approvals and tool configs): the service rewrites a server's whole configuration on
//!   each call, so two calls on one server at once could lose one.
//! - Different servers run at once, as many as the client's learned concurrency limit.
//! - On the first failure nothing new starts; running steps finish, and the report says
//!   what was done, what failed and what was not done.
//!
//! The service has no lock and no idempotency key, so runs that overlap (two CI jobs) and
//! lost answers are met step by step:
//!
//! - a create whose answer was lost (timeout, broken connection, 408, 5xx) may have
//!   created the server: the workspace is listed and a server of that name adopted;
//! - a server's name is checked again just before it is created, and a server another run
//!   made in the meantime is adopted and brought to the manifest;
//! - a tool config create answered 409 (another run made it) is read and updated to the
//!   manifest's values; a withdrawal or delete answered 404 is already done;
//! - after its steps, a run lists the workspace once and, for each server it created,
//!   deletes its own copy if another of that name is older (by `created_at`, then id), so
//!   that any number of overlapping runs leave one server per name: the oldest.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use elevenlabs_mcp::{
    Client, Error, McpServer, McpServerConfig, McpServerUpdate, Tool, ToolApproval,
    ToolApprovalPolicy, ToolConfigOverride, ToolConfigOverrideUpdate,
};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::Serialize;
use serde_json::{Map, Value};

use super::plan::{Action, FieldChange, Plan, diff};
use crate::output::Style;
use crate::progress::Progress;

/// What the user allows that `apply` otherwise refuses.
#[derive(Debug, Clone, Copy)]
pub struct Allowed<'a> {
    /// Tools to approve although `tools scan` flags them.
    pub flagged: &'a [String],
    /// Tools to approve by name although their server does not list them.
    pub unlisted: &'a [String],
}

/// What became of one step.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// Carried out; `note` says how when it was not the plain call (adopted, read after a
    /// conflict, already done).
    Done {
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Tried, and failed.
    Failed { error: String },
    /// Not tried: an earlier failure stopped the run.
    NotDone,
}

/// One step of the report: the plan's action and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    /// What the step does, in words.
    pub step: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What a run did, step by step in plan order, and the copies it removed afterwards.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    pub steps: Vec<StepReport>,
    /// Servers this run created that another run had also created under the same name:
    /// this run's copy was deleted and the older one kept.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deduplicated: Vec<String>,
}

impl Report {
    /// Whether every step was carried out.
    pub fn complete(&self) -> bool {
        self.steps
            .iter()
            .all(|s| matches!(s.outcome, Outcome::Done { .. }))
    }

    /// How many steps were carried out.
    pub fn done(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| matches!(s.outcome, Outcome::Done { .. }))
            .count()
    }

    /// The account of a run that stopped: what failed, what was done, what was not.
    pub fn stopped(&self) -> String {
        let pick = |want: fn(&Outcome) -> bool| -> Vec<&StepReport> {
            self.steps.iter().filter(|s| want(&s.outcome)).collect()
        };
        let failed = pick(|o| matches!(o, Outcome::Failed { .. }));
        let done = pick(|o| matches!(o, Outcome::Done { .. }));
        let not_done = pick(|o| matches!(o, Outcome::NotDone));
        let mut out = String::from("apply stopped:\n");
        for step in &failed {
            if let Outcome::Failed { error } = &step.outcome {
                out.push_str(&format!("  failed: {}\n    {error}\n", step.step));
            }
        }
        out.push_str(&format!("done ({}):\n", done.len()));
        for step in &done {
            out.push_str(&format!("  {}\n", step.step));
        }
        out.push_str(&format!("not done ({}):\n", not_done.len()));
        for step in &not_done {
            out.push_str(&format!("  {}\n", step.step));
        }
        out.push_str(
            "fix what the failure names (in the manifest, if that is where it comes from), then \
             run `apply` again: it plans from the workspace as it now is",
        );
        out
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

/// The order in which copies of one name are kept: the oldest first, ties by id.
fn age(server: &McpServer) -> (i64, String) {
    (
        server.metadata.created_at.as_i64().unwrap_or(i64::MAX),
        server.id.clone(),
    )
}

/// How young a second copy of a name must be to be taken for another `apply`'s, made by a
/// run that overlaps this one and removed by it when its steps end.
const YOUNG_COPY_SECS: i64 = 600;

/// The workspace as `apply` plans against it: a manifest's name that has several servers,
/// all but the oldest created in the last [`YOUNG_COPY_SECS`], stands for the oldest. Every
/// overlapping run keeps the oldest copy and deletes its own younger one when its steps
/// end, so a run started meanwhile must not stop on copies about to go. Older duplicates
/// are left in, and the plan refuses them as ever: nobody will remove those.
pub fn without_young_copies(servers: Vec<McpServer>, desired: &super::Manifest) -> Vec<McpServer> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let mut dropped: Vec<String> = Vec::new();
    for entry in &desired.servers {
        let mut copies: Vec<&McpServer> = servers
            .iter()
            .filter(|s| s.config.name == entry.name)
            .collect();
        if copies.len() < 2 {
            continue;
        }
        copies.sort_by_key(|s| age(s));
        let young = copies[1..].iter().all(|s| {
            s.metadata
                .created_at
                .as_i64()
                .is_some_and(|at| now - at <= YOUNG_COPY_SECS)
        });
        if young {
            eprintln!(
                "note: {:?} is in the workspace {} times, the younger made in the last minutes: another run of `apply` is at work; this run keeps the oldest ({}), as that run will",
                entry.name,
                copies.len(),
                copies[0].id
            );
            dropped.extend(copies[1..].iter().map(|s| s.id.clone()));
        }
    }
    servers
        .into_iter()
        .filter(|s| !dropped.contains(&s.id))
        .collect()
}

/// The workspace as listed no earlier than a given moment, shared by every create that
/// checks a name: one list answers all the creates that asked before it started.
struct Recheck {
    latest: tokio::sync::Mutex<Option<(Instant, Vec<McpServer>)>>,
}

impl Recheck {
    /// The servers named `name`, as listed after `asked`.
    async fn named(
        &self,
        client: &Client,
        name: &str,
        asked: Instant,
    ) -> Result<Vec<McpServer>, Error> {
        let mut latest = self.latest.lock().await;
        let fresh = latest.as_ref().is_some_and(|(at, _)| *at >= asked);
        if !fresh {
            let started = Instant::now();
            let servers = client.mcp_servers().list().await?;
            *latest = Some((started, servers));
        }
        let servers = latest.as_ref().map(|(_, s)| s.as_slice()).unwrap_or(&[]);
        let mut named: Vec<McpServer> = servers
            .iter()
            .filter(|s| s.config.name == name)
            .cloned()
            .collect();
        named.sort_by_key(age);
        Ok(named)
    }
}

/// What one server's chain of steps knows.
struct ServerState {
    id: Option<String>,
    tools: Option<Vec<Tool>>,
    /// Set when this run created the server (its copy to deduplicate afterwards).
    created: bool,
    /// The tool configs the chain creates after the server's create: they travel in the
    /// create's body (`tool_config_overrides`), which saves a call each.
    configs_to_send: Vec<(String, Map<String, Value>)>,
    /// The tools whose configs went in the body of a create that succeeded: their own
    /// steps are done.
    configs_sent: Vec<String>,
}

struct Walk<'a> {
    client: &'a Client,
    plan: &'a Plan,
    /// Tools the user allows to be approved despite a high-severity finding.
    allowed: &'a Allowed<'a>,
    recheck: Recheck,
    stop: AtomicBool,
    progress: Mutex<Progress>,
}

type Step = Result<Option<String>, String>;

impl Walk<'_> {
    fn id(state: &ServerState, server: &str) -> Result<String, String> {
        state
            .id
            .clone()
            .ok_or_else(|| format!("server {server:?} has no id (its create did not succeed)"))
    }

    /// Creates `server` unless it exists by now; `note` says when it was adopted. The tool
    /// configs the chain makes next go in the create's body.
    async fn create(
        &self,
        state: &mut ServerState,
        server: &str,
        fields: &Map<String, Value>,
    ) -> Step {
        let mut body = fields.clone();
        if !state.configs_to_send.is_empty() {
            let configs: Vec<Value> = state
                .configs_to_send
                .iter()
                .map(|(tool, fields)| {
                    Value::Object(super::entry::wire(Value::String(tool.clone()), fields))
                })
                .collect();
            body.insert(super::entry::MANAGED[1].to_owned(), Value::Array(configs));
        }
        let config: McpServerConfig = typed(Value::Object(body))?;
        let api = self.client.mcp_servers();
        // Another run may have created it since the plan was made: look again, even when
        // nobody else was seen at work (runs started together see each other only once
        // their calls overlap, and their first creates come before that; skipping this
        // list when alone let them make duplicates that a third run's plan refused).
        let existing = self
            .recheck
            .named(self.client, server, Instant::now())
            .await
            .map_err(|e| format!("listing the servers to check the name: {e}"))?;
        if let Some(oldest) = existing.first() {
            state.id = Some(oldest.id.clone());
            let note = self.adopt(oldest, fields).await?;
            return Ok(note);
        }
        match api.create(config).await {
            Ok(created) => {
                state.id = Some(created.id);
                state.created = true;
                state.configs_sent = state
                    .configs_to_send
                    .iter()
                    .map(|(tool, _)| tool.clone())
                    .collect();
                Ok(None)
            }
            Err(e) if e.may_have_applied() => {
                // The create may have happened: look before anyone creates it again.
                let listed = self
                    .recheck
                    .named(self.client, server, Instant::now())
                    .await
                    .map_err(|l| format!("{e}; and listing to check failed: {l}"))?;
                match listed.first() {
                    Some(found) => {
                        state.id = Some(found.id.clone());
                        // With one copy it is this run's; with several, which one is
                        // cannot be told, and the oldest is the one every run keeps. Its
                        // tool configs are made by their own steps (a 409 is read and
                        // updated), since which body made it cannot be told either.
                        state.created = listed.len() == 1;
                        Ok(Some(format!(
                            "the create's answer was lost, but the server exists ({}): adopted",
                            found.id
                        )))
                    }
                    None => Err(format!(
                        "{e} (the server was not created: `apply` again creates it)"
                    )),
                }
            }
            Err(e) => Err(e.to_string()),
        }
    }

    /// Brings a server another run created to the manifest's fields.
    async fn adopt(&self, existing: &McpServer, fields: &Map<String, Value>) -> Step {
        let actual = super::entry::Server::of(existing);
        let changes = diff(&actual.fields, fields, &McpServerConfig::service_defaults());
        let mut note = format!(
            "created meanwhile by another run ({}): adopted",
            existing.id
        );
        if !changes.is_empty() {
            let update: McpServerUpdate = typed(update_body(&changes))?;
            self.client
                .mcp_servers()
                .update(&existing.id, update)
                .await
                .map_err(|e| e.to_string())?;
            note.push_str(" and updated");
        }
        Ok(Some(note))
    }

    async fn tool(
        &self,
        state: &mut ServerState,
        id: &str,
        name: &str,
    ) -> Result<Option<Tool>, String> {
        if state.tools.is_none() {
            let list = self
                .client
                .mcp_servers()
                .tools(id)
                .list()
                .await
                .map_err(|e| e.to_string())?;
            state.tools = Some(list.tools);
        }
        Ok(state
            .tools
            .iter()
            .flatten()
            .find(|t| t.name == name)
            .cloned())
    }

    async fn step(&self, state: &mut ServerState, action: &Action) -> Step {
        let servers = self.client.mcp_servers();
        let fail = |e: Error| e.to_string();
        // A delete or withdrawal of something already gone is done.
        let gone = |r: Result<(), Error>, what: &str| match r {
            Ok(()) => Ok(None),
            Err(e) if e.is_not_found() => Ok(Some(format!("{what} was already gone"))),
            Err(e) => Err(e.to_string()),
        };
        match action {
            Action::CreateServer { server, fields, .. } => self.create(state, server, fields).await,
            Action::ReplaceServer {
                server, id, fields, ..
            } => {
                gone(servers.delete(id).await.map(drop), "the old server")?;
                state.id = None;
                state.tools = None;
                self.create(state, server, fields).await
            }
            Action::UpdateServer {
                server, changes, ..
            } => {
                let update: McpServerUpdate = typed(update_body(changes))?;
                servers
                    .update(&Self::id(state, server)?, update)
                    .await
                    .map(|_| None)
                    .map_err(fail)
            }
            Action::DeleteServer { id, .. } => gone(servers.delete(id).await.map(drop), "it"),
            Action::Approve {
                server,
                tool,
                policy,
                ..
            } => {
                let id = Self::id(state, server)?;
                // What is approved is the tool as the server lists it now: name,
                // description and input schema, which the service hashes. It is scanned
                // as it is approved (a server created by this run was not scanned by the
                // plan), and a high-severity finding stops it unless the user allows it.
                let approval = match self.tool(state, &id, tool).await? {
                    Some(listed) => {
                        let scope = crate::scan::scope_of(state.tools.as_deref().unwrap_or(&[]));
                        let findings = crate::scan::scan_listed(server, &listed, &scope);
                        let blocking = crate::scan::blocking(tool, &findings, self.allowed.flagged);
                        if !blocking.is_empty() {
                            return Err(crate::scan::refusal(server, tool, &blocking));
                        }
                        ToolApproval::from(&listed)
                    }
                    None if self.allowed.unlisted.contains(tool) => {
                        ToolApproval::new(tool.as_str(), "")
                    }
                    None => {
                        return Err(format!(
                            "{server:?} does not list a tool {tool:?}: fix the name in the manifest, or pass --allow-unlisted {tool:?} to approve it by name alone"
                        ));
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
                    .map(|_| None)
                    .map_err(fail)
            }
            Action::Unapprove { server, tool } => gone(
                servers
                    .tool_approvals(&Self::id(state, server)?)
                    .delete(tool)
                    .await
                    .map(drop),
                "the approval",
            ),
            Action::CreateToolConfig { tool, .. } if state.configs_sent.contains(tool) => Ok(Some(
                "sent with the server's create (`tool_config_overrides`)".into(),
            )),
            Action::CreateToolConfig {
                server,
                tool,
                fields,
            } => {
                let id = Self::id(state, server)?;
                let wire = super::entry::wire(Value::String(tool.clone()), fields);
                let config: ToolConfigOverride = typed(Value::Object(wire))?;
                match servers.tool_configs(&id).create(config).await {
                    Ok(_) => Ok(None),
                    // Made meanwhile (by another run): read it, and bring it to the
                    // manifest's values.
                    Err(e) if e.is_conflict() => {
                        self.reconcile_tool_config(&id, tool, fields).await
                    }
                    Err(e) => Err(e.to_string()),
                }
            }
            Action::UpdateToolConfig {
                server,
                tool,
                changes,
            } => {
                let update: ToolConfigOverrideUpdate = typed(update_body(changes))?;
                servers
                    .tool_configs(&Self::id(state, server)?)
                    .update(tool, update)
                    .await
                    .map(|_| None)
                    .map_err(fail)
            }
            Action::DeleteToolConfig { server, tool } => gone(
                servers
                    .tool_configs(&Self::id(state, server)?)
                    .delete(tool)
                    .await
                    .map(drop),
                "the config",
            ),
        }
    }

    /// A tool config that exists although the plan meant to create it: updated to `fields`.
    async fn reconcile_tool_config(
        &self,
        id: &str,
        tool: &str,
        fields: &Map<String, Value>,
    ) -> Step {
        let configs = self.client.mcp_servers().tool_configs(id);
        let now = configs
            .get(tool)
            .await
            .map_err(|e| format!("it exists (409), and reading it failed: {e}"))?;
        let now = super::entry::tool_config_fields(&now);
        let changes = diff(&now, fields, &ToolConfigOverride::service_defaults());
        if changes.is_empty() {
            return Ok(Some(
                "it existed already (made by another run), as wanted".into(),
            ));
        }
        let update: ToolConfigOverrideUpdate = typed(update_body(&changes))?;
        configs
            .update(tool, update)
            .await
            .map_err(|e| e.to_string())?;
        Ok(Some(
            "it existed already (made by another run): updated to the manifest".into(),
        ))
    }

    /// Runs one server's steps in order; stops at its first failure, or before a step
    /// when another server's step failed.
    async fn chain(
        &self,
        steps: Vec<usize>,
        initial: Option<String>,
    ) -> (Vec<(usize, Outcome)>, Option<(String, String)>) {
        // The tool configs made after the server's (re)create in this chain: the create
        // carries them.
        let mut configs_to_send = Vec::new();
        let mut creating = false;
        for &index in &steps {
            match &self.plan.actions[index] {
                Action::CreateServer { .. } | Action::ReplaceServer { .. } => creating = true,
                Action::CreateToolConfig { tool, fields, .. } if creating => {
                    configs_to_send.push((tool.clone(), fields.clone()));
                }
                _ => {}
            }
        }
        let mut state = ServerState {
            id: initial,
            tools: None,
            created: false,
            configs_to_send,
            configs_sent: Vec::new(),
        };
        let mut outcomes = Vec::with_capacity(steps.len());
        let mut server_name = None;
        for index in steps {
            let action = &self.plan.actions[index];
            if self.stop.load(Ordering::SeqCst) {
                outcomes.push((index, Outcome::NotDone));
                continue;
            }
            let headline = action.headline();
            if let Ok(progress) = self.progress.lock() {
                progress.running(&headline);
            }
            let outcome = match self.step(&mut state, action).await {
                Ok(note) => {
                    let line = match &note {
                        Some(n) => format!("{headline}\n      {n}"),
                        None => headline,
                    };
                    if let Ok(mut progress) = self.progress.lock() {
                        progress.finished(index, line);
                    }
                    Outcome::Done { note }
                }
                Err(error) => {
                    self.stop.store(true, Ordering::SeqCst);
                    Outcome::Failed { error }
                }
            };
            if matches!(
                action,
                Action::CreateServer { .. } | Action::ReplaceServer { .. }
            ) {
                server_name = Some(action.server().to_owned());
            }
            outcomes.push((index, outcome));
        }
        let created = match (state.created, state.id, server_name) {
            (true, Some(id), Some(name)) => Some((name, id)),
            _ => None,
        };
        (outcomes, created)
    }
}

/// Carries out `plan` on the workspace whose servers were `servers` when it was made.
/// Progress goes to standard error (a bar on a terminal); the report says what became of
/// each step, in plan order.
pub async fn apply(
    client: &Client,
    plan: &Plan,
    servers: &[McpServer],
    allowed: &Allowed<'_>,
    style: Style,
) -> Report {
    let total = plan.actions.len();
    // A tool the plan already found flagged stops the run before it changes anything.
    let refused: Vec<(usize, String)> = plan
        .actions
        .iter()
        .enumerate()
        .filter_map(|(i, a)| match a {
            Action::Approve {
                server,
                tool,
                findings,
                ..
            } => {
                let blocking = crate::scan::blocking(tool, findings, allowed.flagged);
                (!blocking.is_empty()).then(|| (i, crate::scan::refusal(server, tool, &blocking)))
            }
            _ => None,
        })
        .collect();
    if !refused.is_empty() {
        let mut outcomes: Vec<Outcome> = vec![Outcome::NotDone; total];
        for (i, why) in refused {
            outcomes[i] = Outcome::Failed {
                error: format!("{why}\n    (nothing was changed)"),
            };
        }
        return report(plan, outcomes, Vec::new());
    }

    // The graph: each server's steps, in plan order; servers in order of first mention.
    let mut chains: Vec<(String, Vec<usize>)> = Vec::new();
    for (index, action) in plan.actions.iter().enumerate() {
        let server = action.server();
        match chains.iter_mut().find(|(name, _)| name == server) {
            Some((_, steps)) => steps.push(index),
            None => chains.push((server.to_owned(), vec![index])),
        }
    }
    let ids: HashMap<&str, &str> = servers
        .iter()
        .map(|s| (s.config.name.as_str(), s.id.as_str()))
        .collect();
    let walk = Walk {
        client,
        plan,
        allowed,
        recheck: Recheck {
            latest: tokio::sync::Mutex::new(None),
        },
        stop: AtomicBool::new(false),
        progress: Mutex::new(Progress::new(total, style)),
    };
    let mut outcomes: Vec<Outcome> = vec![Outcome::NotDone; total];
    let mut created: Vec<(String, String)> = Vec::new();
    let mut pending = chains.into_iter();
    let mut running = FuturesUnordered::new();
    loop {
        // Start servers while the limit has room (it is read again each time: the client
        // may learn a lower one) and nothing has failed.
        while running.len() < 4 * crate::pace::width(client) && !walk.stop.load(Ordering::SeqCst) {
            let Some((server, steps)) = pending.next() else {
                break;
            };
            let initial = ids.get(server.as_str()).map(|id| (*id).to_owned());
            running.push(walk.chain(steps, initial));
        }
        let Some((finished, made)) = running.next().await else {
            break;
        };
        for (index, outcome) in finished {
            outcomes[index] = outcome;
        }
        created.extend(made);
    }
    drop(running);
    if let Ok(progress) = walk.progress.into_inner() {
        progress.close();
    }
    // Always checked, even when nobody else was seen at work: a run that saw nobody may
    // still have been seen, and its copy may be the younger one.
    let deduplicated = deduplicate(client, &created).await;
    report(plan, outcomes, deduplicated)
}

fn report(plan: &Plan, outcomes: Vec<Outcome>, deduplicated: Vec<String>) -> Report {
    Report {
        steps: plan
            .actions
            .iter()
            .zip(outcomes)
            .map(|(action, outcome)| StepReport {
                step: action.headline(),
                outcome,
            })
            .collect(),
        deduplicated,
    }
}

/// For each server this run created: when another of its name is older, this run's copy is
/// deleted (the other run that made the oldest keeps it), so overlapping runs end with one
/// server per name. One list answers for every name.
async fn deduplicate(client: &Client, created: &[(String, String)]) -> Vec<String> {
    if created.is_empty() {
        return Vec::new();
    }
    let servers = match client.mcp_servers().list().await {
        Ok(servers) => servers,
        Err(e) => {
            eprintln!(
                "warning: could not list the servers to check that each name is there once: {e}; `plan` shows duplicates"
            );
            return Vec::new();
        }
    };
    let mut notes = Vec::new();
    for (name, ours) in created {
        let mut copies: Vec<&McpServer> =
            servers.iter().filter(|s| &s.config.name == name).collect();
        copies.sort_by_key(|s| age(s));
        let Some(oldest) = copies.first() else {
            eprintln!("warning: server {name:?} ({ours}) that this run created is gone");
            continue;
        };
        if oldest.id == *ours || !copies.iter().any(|s| s.id == *ours) {
            continue;
        }
        match client.mcp_servers().delete(ours).await {
            Ok(_) => notes.push(format!(
                "{name:?}: another run created it too; kept the older {} and deleted this run's {ours}",
                oldest.id
            )),
            Err(e) if e.is_not_found() => {}
            Err(e) => eprintln!(
                "warning: {name:?} is in the workspace twice ({} and this run's {ours}); deleting this run's copy failed: {e}",
                oldest.id
            ),
        }
    }
    notes
}
