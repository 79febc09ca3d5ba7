//! The single-operation commands, derived from the generated operation table: each
//! operation's path parameters become positional arguments, its query parameters flags
//! under the API's own names, and its body `--set FIELD=VALUE` / `--clear FIELD`, checked
//! against that operation's own body type (a body's required scalar fields are positional).
//! Enum-typed values list their values in `--help`; an unknown one is sent with a warning.
//!
//! [`place`] is the one hand-written part: where each operation sits in the command tree
//! and how its answer is shown. It is an exhaustive `match`, so a new operation in the spec
//! does not compile until it has a place.

mod args;
pub mod show;

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;

use clap::ArgMatches;
use elevenlabs_mcp::Client;
use elevenlabs_mcp::Operation;
use elevenlabs_mcp::raw::check::Check;
use elevenlabs_mcp::raw::operations::{Endpoint, endpoints};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use args::{attach, nearest};
pub use show::Show;

use crate::commands::Outcome;
use crate::error::CliError;
use crate::output::Out;

/// A request built from the command line: path parameters in order, query parameters, body.
#[derive(Debug, Default)]
pub struct Request {
    pub path: Vec<String>,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
}

type Answer<'a> = Pin<Box<dyn Future<Output = Result<Value, CliError>> + 'a>>;

/// Sends one operation, whatever it is: the typed call of the SDK, its answer as JSON.
type Send = for<'a> fn(&'a Client, Request) -> Answer<'a>;

/// How an operation's command runs.
#[derive(Clone, Copy)]
pub enum Runner {
    /// Built from the table and sent as it is.
    Derived {
        send: Send,
        /// Checks a body against the operation's body type and the spec's rules, before
        /// any request.
        check: fn(&Value) -> Result<(), CliError>,
        /// The JSON Schema of the body type, when the operation takes a body.
        body: Option<fn() -> Value>,
        show: Show,
    },
    /// Hand-written (`approvals add` lists the tool first and approves it as listed): the
    /// clap definition is in [`crate::cli`].
    Compound,
}

/// Where an operation sits in the command tree.
#[derive(Clone, Copy)]
pub struct Place {
    pub group: &'static str,
    pub verb: &'static str,
    pub about: &'static str,
    pub runner: Runner,
}

fn send<E: Endpoint>(client: &Client, request: Request) -> Answer<'_>
where
    E::Body: Check + DeserializeOwned,
    E::Response: Serialize + std::marker::Send + 'static,
{
    Box::pin(async move {
        let body = request.body.map(body_of::<E>).transpose()?;
        let path: Vec<&str> = request.path.iter().map(String::as_str).collect();
        let query: Vec<(&str, &str)> = request
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let answer = client
            .call::<E>(&path, &query, body)
            .await
            .map_err(|error| CliError::Api {
                operation: E::OPERATION,
                error,
            })?;
        serde_json::to_value(&answer).map_err(|e| CliError::Input(e.to_string()))
    })
}

/// `value` as the body of `E`: its types, then the spec's rules (bounds, patterns).
fn body_of<E: Endpoint>(value: Value) -> Result<E::Body, CliError>
where
    E::Body: Check + DeserializeOwned,
{
    let body: E::Body = serde_path_to_error::deserialize(value).map_err(|e| {
        let said = crate::fields::explain_type(&e.inner().to_string());
        CliError::Input(format!("`{}`: {said}", e.path()))
    })?;
    body.check(&mut elevenlabs_mcp::raw::check::FieldPath::root())
        .map_err(|invalid| {
            let said = crate::fields::explain_rule(&invalid.reason);
            CliError::Input(format!("`{}`: {said}", invalid.field))
        })?;
    Ok(body)
}

fn check<E: Endpoint>(value: &Value) -> Result<(), CliError>
where
    E::Body: Check + DeserializeOwned,
{
    body_of::<E>(value.clone()).map(drop)
}

fn derived<E: Endpoint>(show: Show) -> Runner
where
    E::Body: Check + DeserializeOwned + schemars::JsonSchema,
    E::Response: Serialize + std::marker::Send + 'static,
{
    Runner::Derived {
        send: send::<E>,
        check: check::<E>,
        body: E::OPERATION
            .request_type()
            .map(|_| crate::manifest::schema::of::<E::Body> as fn() -> Value),
        show,
    }
}

/// Where `operation` sits, and how its answer is shown.
pub fn place(operation: Operation) -> Place {
    use endpoints as e;
    let at = |group, verb, about, runner| Place {
        group,
        verb,
        about,
        runner,
    };
    match operation {
        Operation::McpServersList => at(
            "servers",
            "list",
            "List the servers.",
            derived::<e::McpServersList>(Show::ServerList),
        ),
        Operation::McpServersCreate => at(
            "servers",
            "create",
            "Register a server.",
            derived::<e::McpServersCreate>(Show::Server),
        ),
        Operation::McpServersGet => at(
            "servers",
            "get",
            "Show one server, every field.",
            derived::<e::McpServersGet>(Show::ServerDetail),
        ),
        Operation::McpServersDelete => at(
            "servers",
            "delete",
            "Delete a server.",
            derived::<e::McpServersDelete>(Show::ServerDeleted),
        ),
        Operation::McpServersUpdate => at(
            "servers",
            "update",
            "Change a server's fields in place.",
            derived::<e::McpServersUpdate>(Show::Server),
        ),
        Operation::McpServersApprovalPolicyUpdate => at(
            "servers",
            "set-approval-policy",
            "Set the approval policy through its own route (deprecated by the service: prefer `servers update SERVER --set approval_policy=…`).",
            derived::<e::McpServersApprovalPolicyUpdate>(Show::Server),
        ),
        Operation::McpServersToolApprovalsCreate => at(
            "approvals",
            "add",
            "Approve a tool as the server lists it now.",
            Runner::Compound,
        ),
        Operation::McpServersToolApprovalsDelete => at(
            "approvals",
            "remove",
            "Withdraw a tool's approval.",
            derived::<e::McpServersToolApprovalsDelete>(Show::Server),
        ),
        Operation::McpServersToolConfigsCreate => at(
            "tool-configs",
            "create",
            "Create a tool's override of the server's settings.",
            derived::<e::McpServersToolConfigsCreate>(Show::ToolConfigOf),
        ),
        Operation::McpServersToolConfigsGet => at(
            "tool-configs",
            "get",
            "Show a tool's override.",
            derived::<e::McpServersToolConfigsGet>(Show::ToolConfig),
        ),
        Operation::McpServersToolConfigsDelete => at(
            "tool-configs",
            "delete",
            "Delete a tool's override.",
            derived::<e::McpServersToolConfigsDelete>(Show::ToolConfigDeleted),
        ),
        Operation::McpServersToolConfigsUpdate => at(
            "tool-configs",
            "update",
            "Change a tool's override.",
            derived::<e::McpServersToolConfigsUpdate>(Show::ToolConfigOf),
        ),
        Operation::McpServersToolsList => at(
            "tools",
            "list",
            "List the tools a server exposes, with whether each is approved as it is now.",
            derived::<e::McpServersToolsList>(Show::Tools),
        ),
    }
}

/// The derived operation a command line chose, if it chose one.
pub fn chosen(matches: &ArgMatches) -> Option<(Operation, &ArgMatches)> {
    let (group, sub) = matches.subcommand()?;
    let (verb, args) = sub.subcommand()?;
    Operation::ALL.into_iter().find_map(|op| {
        let place = place(op);
        (place.group == group
            && place.verb == verb
            && matches!(place.runner, Runner::Derived { .. }))
        .then_some((op, args))
    })
}

/// Runs a derived operation's command: the request is built (and checked) first; a write
/// asks before it is sent.
pub async fn run(client: &Client, operation: Operation, matches: &ArgMatches, out: Out) -> Outcome {
    let place = place(operation);
    let Runner::Derived {
        send,
        check,
        body,
        show,
    } = place.runner
    else {
        return Err(format!("{operation} is not a derived command").into());
    };
    let built = args::request(client, operation, body, check, matches).await?;
    if operation == Operation::McpServersCreate && !matches.get_flag(args::ALLOW_DUPLICATE_NAME) {
        refuse_a_taken_name(client, built.request.body.as_ref()).await?;
    }
    if operation.method() != "GET" {
        crate::ask::confirm(&question(&place, &built.context), out.yes)?;
    }
    let answer = send(client, built.request).await?;
    show.print(&answer, &built.context, out)?;
    Ok(ExitCode::SUCCESS)
}

/// What a write asks: the command, and what it acts on.
fn question(place: &Place, context: &args::Context) -> String {
    let mut on = Vec::new();
    if let Some(server) = &context.server {
        on.push(format!("server {:?} ({})", server.config.name, server.id));
    }
    if let Some(tool) = &context.tool {
        on.push(format!("tool {tool:?}"));
    }
    let target = if on.is_empty() {
        String::new()
    } else {
        format!(" on {}", on.join(", "))
    };
    format!("`{} {}`{target}?", place.group, place.verb)
}

/// Names identify servers (`SERVER` arguments, manifests): a second server of a name is
/// refused unless the user says otherwise.
async fn refuse_a_taken_name(client: &Client, body: Option<&Value>) -> Result<(), CliError> {
    let Some(name) = body.and_then(|b| b["config"]["name"].as_str()) else {
        return Ok(());
    };
    let servers = client
        .mcp_servers()
        .list()
        .await
        .map_err(|error| CliError::Api {
            operation: Operation::McpServersList,
            error,
        })?;
    let taken: Vec<&str> = servers
        .iter()
        .filter(|s| s.config.name == name)
        .map(|s| s.id.as_str())
        .collect();
    if taken.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the workspace already has a server named {name:?} ({}): names identify servers, so choose another name, change that server with `servers update`, or pass --{} to create a second one",
        taken.join(", "),
        args::ALLOW_DUPLICATE_NAME
    )
    .into())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// The long help of the command an operation sits at.
    fn long_help(operation: Operation) -> String {
        let place = place(operation);
        let mut app = attach(crate::cli::Cli::command());
        app.build();
        let cmd = app
            .find_subcommand_mut(place.group)
            .and_then(|g| g.find_subcommand_mut(place.verb))
            .unwrap_or_else(|| {
                panic!(
                    "{operation} has no command at {} {}",
                    place.group, place.verb
                )
            });
        cmd.render_long_help().to_string()
    }

    #[test]
    fn every_operation_has_a_command_naming_its_parameters() {
        for operation in Operation::ALL {
            let help = long_help(operation);
            for name in operation.path_params() {
                assert!(
                    help.contains(&format!("`{name}`")),
                    "{operation}: {name} in\n{help}"
                );
            }
            for name in operation.query_params() {
                let flag = format!("--{}", name.replace('_', "-"));
                assert!(help.contains(&flag), "{operation}: {flag} in\n{help}");
            }
        }
    }

    #[test]
    fn every_positional_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_positionals() {
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} <{}>", arg.get_id()));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(
            &attach(crate::cli::Cli::command()),
            "elevenlabs-mcp",
            &mut missing,
        );
        assert!(missing.is_empty(), "no help: {missing:?}");
    }

    #[test]
    fn two_operations_never_share_a_command() {
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for operation in Operation::ALL {
            let place = place(operation);
            assert!(
                !seen.contains(&(place.group, place.verb)),
                "{operation} shares {} {}",
                place.group,
                place.verb
            );
            seen.push((place.group, place.verb));
        }
    }

    #[test]
    fn bodies_list_their_fields_and_enum_values() {
        let help = long_help(Operation::McpServersToolConfigsCreate);
        assert!(help.contains("--environment"), "{help}");
        assert!(help.contains("execution_mode"), "{help}");
        assert!(
            help.contains("immediate, post_tool_speech, async"),
            "{help}"
        );
        // The example is one of this body's own fields, not a server's.
        assert!(!help.contains("transport="), "{help}");
        let help = long_help(Operation::McpServersCreate);
        assert!(help.contains("<NAME> <URL>"), "{help}");
        // The compound command's policy lists the generated enum's values too.
        let help = long_help(Operation::McpServersToolApprovalsCreate);
        let words: Vec<&str> = help.split_whitespace().collect();
        assert!(
            words.join(" ").contains("auto_approved, requires_approval"),
            "{help}"
        );
    }
}
