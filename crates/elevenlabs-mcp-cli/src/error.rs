//! What can stop a command, as a type: the message says what is wrong and what to do; every
//! kind exits 1 (2 is kept for "changes pending" and "drift found", which are not errors).

use elevenlabs_mcp::Operation;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Input refused before any request: an argument, a file, a field.
    #[error("{0}")]
    Input(String),
    /// The manifest's problems, each with its line and a caret under the place.
    #[error("the manifest has {count} problem(s); nothing was sent:\n{rendered}")]
    Manifest {
        /// How many problems.
        count: usize,
        /// The problems, rendered.
        rendered: String,
    },
    /// A call of the API failed.
    #[error("{}: {error}{}", operation.id(), hint(*operation, error))]
    Api {
        /// The operation that failed.
        operation: Operation,
        /// How it failed.
        #[source]
        error: elevenlabs_mcp::Error,
    },
    /// The user did not answer `yes`.
    #[error("nothing was changed (the answer was not `yes`)")]
    Declined,
    /// `apply` stopped: what was done, what failed, what was not done.
    #[error("{0}")]
    Stopped(String),
}

/// What to do after a failure that leaves the outcome open.
fn hint(operation: Operation, error: &elevenlabs_mcp::Error) -> String {
    let write = operation.method() != "GET";
    if write && error.may_have_applied() {
        return "\nthe service may have carried it out before the failure (the answer was lost): look (`servers list`, `servers get`) before trying again".into();
    }
    if operation == Operation::McpServersToolConfigsCreate && error.is_conflict() {
        return "\nthe tool already has a config: change it with `tool-configs update`".into();
    }
    String::new()
}

impl From<String> for CliError {
    fn from(message: String) -> Self {
        Self::Input(message)
    }
}

impl From<&str> for CliError {
    fn from(message: &str) -> Self {
        Self::Input(message.to_owned())
    }
}
