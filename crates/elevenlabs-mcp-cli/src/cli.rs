//! The command line: what each command takes (clap), and which code runs it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use elevenlabs_mcp::Environment;

/// The hosts of `--environment`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Host {
    /// api.elevenlabs.io (the default)
    Production,
    /// api.us.elevenlabs.io
    Us,
    /// api.eu.residency.elevenlabs.io
    Eu,
    /// api.in.residency.elevenlabs.io
    India,
    /// api.sg.residency.elevenlabs.io
    Singapore,
}

impl From<Host> for Environment {
    fn from(host: Host) -> Self {
        match host {
            Host::Production => Environment::Production,
            Host::Us => Environment::Us,
            Host::Eu => Environment::Eu,
            Host::India => Environment::India,
            Host::Singapore => Environment::Singapore,
        }
    }
}

/// Manage the MCP servers of an ElevenLabs workspace: every operation of the API, the
/// servers as code (pull, plan, apply), and an audit of tool drift.
///
/// The API key comes from ELEVENLABS_API_KEY (or ELEVEN_API_KEY), never from the command
/// line. To try everything without an account, run `elevenlabs-mcp emulator` in another
/// terminal and pass the --base-url it prints.
#[derive(Debug, Parser)]
#[command(name = "elevenlabs-mcp", version, propagate_version = true)]
#[command(
    after_help = "Start here:\n  elevenlabs-mcp emulator                      a local API, no account needed\n  elevenlabs-mcp --base-url URL servers list    what the workspace has\n  elevenlabs-mcp --base-url URL pull -o servers.yaml\n  elevenlabs-mcp --base-url URL plan -f servers.yaml\n  elevenlabs-mcp --base-url URL apply -f servers.yaml"
)]
pub struct Cli {
    /// Which of the service's hosts to talk to.
    #[arg(long, value_enum, global = false)]
    pub environment: Option<Host>,
    /// Another base URL (a proxy, or a local emulator); overrides --environment.
    #[arg(long, env = "ELEVENLABS_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// Print the API's own JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// No colours (they are off anyway when the output is not a terminal, or NO_COLOR is set).
    #[arg(long, global = true)]
    pub no_color: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a local emulator of the API and print the --base-url to use.
    Emulator {
        /// Loopback port (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Keep the workspace in this file across restarts.
        #[arg(long, value_name = "FILE")]
        state: Option<PathBuf>,
        /// The tools servers list: a JSON object from server URL to an array of MCP tools,
        /// `"*"` for any other URL (two example tools otherwise).
        #[arg(long, value_name = "FILE")]
        tools: Option<PathBuf>,
    },
    /// The workspace's MCP servers.
    #[command(subcommand)]
    Servers(Servers),
    /// The tools a server exposes, and the drift audit.
    #[command(subcommand)]
    Tools(Tools),
    /// Approvals of single tools.
    #[command(subcommand)]
    Approvals(Approvals),
    /// Per-tool overrides of a server's settings.
    #[command(subcommand, name = "tool-configs")]
    ToolConfigs(ToolConfigs),
    /// Write the workspace's servers as a manifest.
    Pull {
        /// The file to write (standard output when absent).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Show what `apply` would change, field by field.
    Plan {
        #[command(flatten)]
        manifest: ManifestArgs,
        /// Exit 0 when there is nothing to do, 2 when there are changes, 1 on error.
        #[arg(long)]
        detailed_exitcode: bool,
    },
    /// Make the workspace match the manifest.
    Apply {
        #[command(flatten)]
        manifest: ManifestArgs,
        /// Do not ask before applying.
        #[arg(long, short)]
        yes: bool,
        /// Approve this tool even though `tools scan` flags it (repeatable).
        #[arg(long, value_name = "TOOL")]
        allow_flagged: Vec<String>,
    },
    /// The manifest's format.
    #[command(subcommand)]
    Manifest(ManifestCommand),
}

#[derive(Debug, Args)]
pub struct ManifestArgs {
    /// The manifest (YAML or JSON).
    #[arg(short, long, value_name = "FILE")]
    pub file: PathBuf,
    /// Also delete the workspace's servers that the manifest does not name.
    #[arg(long)]
    pub prune: bool,
}

#[derive(Debug, Subcommand)]
pub enum ManifestCommand {
    /// Print the manifest's JSON Schema (for editors).
    Schema,
}

/// `--set FIELD=VALUE` (repeatable): a field by its API name, the value as YAML.
#[derive(Debug, Args, Default)]
pub struct Settings {
    /// Set a field: `--set response_timeout_secs=60 --set transport=STREAMABLE_HTTP`.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Servers {
    /// List the servers.
    List,
    /// Show one server.
    Get { server: String },
    /// Register a server.
    Create {
        name: String,
        url: String,
        #[command(flatten)]
        settings: Settings,
    },
    /// Change a server's fields.
    Update {
        server: String,
        #[command(flatten)]
        settings: Settings,
        /// Clear a field (back to the service's default).
        #[arg(long = "clear", value_name = "FIELD")]
        clear: Vec<String>,
    },
    /// Delete a server.
    Delete { server: String },
    /// Set the approval policy through its own route (deprecated by the service: prefer
    /// `servers update SERVER --set approval_policy=…`).
    SetApprovalPolicy { server: String, policy: String },
}

#[derive(Debug, Subcommand)]
pub enum Tools {
    /// List the tools a server exposes.
    List {
        server: String,
        /// The agent environment whose variables resolve the server's URL and headers.
        #[arg(long)]
        environment: Option<String>,
    },
    /// Record each tool's hash in the lock file.
    Pin {
        /// Servers to pin (all when none).
        servers: Vec<String>,
        #[arg(long, default_value = crate::audit::DEFAULT_LOCK, value_name = "FILE")]
        lock: PathBuf,
    },
    /// Look for instructions hidden in the tools' definitions (on this machine: nothing is
    /// sent anywhere but the API): exit 0 with no finding, 2 with findings, 1 on error.
    Scan {
        /// Servers to scan (all when none).
        servers: Vec<String>,
    },
    /// Compare the tools now with the lock file, and scan the new and changed ones: exit 0
    /// unchanged, 2 drifted or flagged, 1 error.
    Audit {
        /// Servers to audit (all pinned ones when none).
        servers: Vec<String>,
        #[arg(long, default_value = crate::audit::DEFAULT_LOCK, value_name = "FILE")]
        lock: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum Approvals {
    /// Approve a tool as the server lists it now (name, description and input schema).
    Add {
        server: String,
        tool: String,
        /// `auto_approved` or `requires_approval`.
        #[arg(long)]
        policy: Option<String>,
        /// Approve the tool even though `tools scan` flags it: name the tool again.
        #[arg(long, value_name = "TOOL")]
        allow_flagged: Vec<String>,
    },
    /// Withdraw a tool's approval.
    Remove { server: String, tool: String },
}

#[derive(Debug, Subcommand)]
pub enum ToolConfigs {
    /// Show a tool's override.
    Get { server: String, tool: String },
    /// Create a tool's override.
    Create {
        server: String,
        tool: String,
        #[command(flatten)]
        settings: Settings,
    },
    /// Change a tool's override.
    Update {
        server: String,
        tool: String,
        #[command(flatten)]
        settings: Settings,
        /// Clear a field (back to the server's setting).
        #[arg(long = "clear", value_name = "FIELD")]
        clear: Vec<String>,
    },
    /// Delete a tool's override.
    Delete { server: String, tool: String },
}
