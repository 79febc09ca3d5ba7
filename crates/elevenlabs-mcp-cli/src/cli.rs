//! The command line: what each command takes (clap), and which code runs it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use elevenlabs_mcp::Environment;

/// Manage the MCP servers of an ElevenLabs workspace: every operation of the API, the
/// servers as code (pull, plan, apply), and an audit of tool drift.
///
/// The API key comes from ELEVENLABS_API_KEY (or ELEVEN_API_KEY), never from the command
/// line. To try everything without an account, run `elevenlabs-mcp emulator` in another
/// terminal and pass the --base-url it prints.
#[derive(Debug, Parser)]
#[command(name = "elevenlabs-mcp", version, propagate_version = true)]
#[command(
    after_help = "Start here:\n  elevenlabs-mcp emulator                      a local API, no account needed\n  elevenlabs-mcp --base-url URL servers list    what the workspace has\n  elevenlabs-mcp --base-url URL pull -f servers.yaml\n  elevenlabs-mcp --base-url URL plan -f servers.yaml\n  elevenlabs-mcp --base-url URL apply -f servers.yaml"
)]
pub struct Cli {
    #[command(flatten)]
    pub globals: Globals,
    #[command(subcommand)]
    pub command: Command,
}

/// The flags every command takes, before or after its name.
#[derive(Debug, Args)]
pub struct Globals {
    /// Which of the service's hosts to talk to (the SDK's `Environment`).
    #[arg(long, global = true, value_name = "HOST", value_parser = host_names())]
    pub host: Option<String>,
    /// Another base URL (a proxy, or a local emulator); overrides --host.
    #[arg(long, global = true, env = "ELEVENLABS_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// How to print data: tables for people, or the API's own JSON or YAML for programs.
    /// A command with no data to print refuses it.
    #[arg(long, short = 'o', global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<Format>,
    /// The same as `--output json`.
    #[arg(long, global = true, conflicts_with = "output")]
    pub json: bool,
    /// Do not ask before changing or deleting anything (without a terminal to ask on, a
    /// change is refused unless this is given).
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Show table cells whole instead of cutting long ones with an ellipsis.
    #[arg(long, global = true)]
    pub wide: bool,
    /// Show each call on standard error: operation, status, duration, request id (the key
    /// is never shown).
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
    /// Also show what each call sent and received (the key redacted).
    #[arg(long, global = true)]
    pub debug: bool,
    /// No colours (they are off anyway when the output is not a terminal, or NO_COLOR is set).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Never more than N calls in flight, whatever the workspace allows: leaves room for
    /// the workspace's other users (production traffic, other jobs). Without it the
    /// command takes a share of the workspace's limit that gives way to others.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub max_concurrency: Option<u16>,
    /// How long one call may wait, in all, for room when the workspace's limit of calls in
    /// flight is full (others are using it), before the command gives up.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    pub limit_wait: u64,
    /// Connect to TARGET whenever an MCP server at URL is to be reached (`tools list --url`,
    /// `tools scan --url`, `plan --probe`, and the servers of `emulator`): the registered
    /// https address sent to a local one, e.g.
    /// `https://mcp.example.com/mcp=http://127.0.0.1:3001/mcp` (repeatable).
    #[arg(long, global = true, value_name = "URL=TARGET", value_parser = crate::probe::parse_route)]
    pub route: Vec<(String, String)>,
}

/// The formats of `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people (the default).
    Table,
    /// The API's own JSON (pretty), for programs and `jq`.
    Json,
    /// The same data as YAML.
    Yaml,
    /// A pull-request comment (`plan`, `tools audit`, `tools scan`): a summary line, then a
    /// table, every name escaped.
    Markdown,
    /// SARIF 2.1.0 for code-scanning alerts (`tools scan`, `tools audit`).
    Sarif,
}

impl Globals {
    /// The output format asked for, if any (`--json` is `--output json`).
    pub fn format(&self) -> Option<Format> {
        if self.json {
            Some(Format::Json)
        } else {
            self.output
        }
    }

    /// The host `--host` names.
    pub fn environment(&self) -> Option<Environment> {
        self.host.as_deref().and_then(|h| h.parse().ok())
    }
}

/// The hosts `--host` takes, from the SDK's list, each with its base URL in `--help`.
fn host_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        Environment::ALL
            .map(|env| clap::builder::PossibleValue::new(env.name()).help(env.base_url())),
    )
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a local emulator of the API and print the --base-url to use.
    Emulator(EmulatorArgs),
    /// The tools a server exposes, and the drift audit.
    #[command(subcommand)]
    Tools(Tools),
    /// Approvals of single tools.
    #[command(subcommand)]
    Approvals(Approvals),
    /// Write the workspace's servers as a manifest.
    Pull {
        /// The file to write (standard output when absent); its schema is written beside it.
        #[arg(short, long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Overwrite the file (and the schema beside it) if they exist.
        #[arg(long)]
        force: bool,
    },
    /// Show what `apply` would change, field by field.
    Plan {
        #[command(flatten)]
        manifest: ManifestArgs,
        /// Also connect to the servers the manifest would create, and check their
        /// approvals and tool configs against the tools they list (and scan those tools)
        /// before anything exists; a server that cannot be reached is named with the reason.
        #[arg(long)]
        probe: bool,
        /// Exit 0 when there is nothing to do, 2 when there are changes, 1 on error.
        #[arg(long)]
        detailed_exitcode: bool,
    },
    /// Make the workspace match the manifest.
    Apply {
        #[command(flatten)]
        manifest: ManifestArgs,
        /// Replace servers that agents depend on (a replaced server gets a new id, and the
        /// agents listed in its `dependent_agents` lose it).
        #[arg(long)]
        allow_replace: bool,
        /// Approve a tool the server does not list (by name alone) (repeatable).
        #[arg(long, value_name = "TOOL")]
        allow_unlisted: Vec<String>,
        /// Approve this tool even though `tools scan` flags it (repeatable).
        #[arg(long, value_name = "TOOL")]
        allow_flagged: Vec<String>,
    },
    /// The manifest's format.
    #[command(subcommand)]
    Manifest(ManifestCommand),
    /// Print a completion script for a shell.
    ///
    /// `elevenlabs-mcp completions bash >
    /// ~/.local/share/bash-completion/completions/elevenlabs-mcp` (zsh: into a directory of
    /// `$fpath` as `_elevenlabs-mcp`; fish: `~/.config/fish/completions/elevenlabs-mcp.fish`;
    /// PowerShell: add it to `$PROFILE`).
    Completions {
        /// The shell: bash, zsh, fish or powershell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Every flag of the `elevenlabs-mcp-emulator` binary.
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Loopback port (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Keep the workspace in this file across restarts.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// The tools servers list: a JSON object from server URL to an array of MCP tools,
    /// `"*"` for any other URL (two example tools otherwise).
    #[arg(long, value_name = "FILE")]
    pub tools: Option<PathBuf>,
    /// At most this many requests in flight, as the service limits a workspace (429
    /// `too_many_concurrent_requests` over it).
    #[arg(long, value_name = "N")]
    pub concurrency_limit: Option<usize>,
    /// A fault to inject: `[OPERATION=]KIND[:ARG][*TIMES]`, KIND one of latency:MS,
    /// rate-limit:SECS, server-error:STATUS, store-then-fail:STATUS, drop, system-busy; e.g.
    /// `--fault mcp_servers_create=store-then-fail:502*1 --fault latency:50` (repeatable).
    #[arg(long, value_name = "RULE", value_parser = clap::value_parser!(elevenlabs_mcp_emulator::FaultRule))]
    pub fault: Vec<elevenlabs_mcp_emulator::FaultRule>,
    /// A workspace secret that `{secret_id: ID}` tokens and header values of registered
    /// servers resolve to when their tools are listed by connecting (repeatable).
    #[arg(long, value_name = "ID=VALUE", value_parser = crate::probe::parse_header)]
    pub secret: Vec<(String, String)>,
    /// List the tools of registered servers without a route or canned tools by connecting
    /// to their own URLs (off: they answer the canned tools, and nothing leaves the
    /// machine).
    #[arg(long)]
    pub connect: bool,
}

/// An MCP server to connect to directly, before (or without) registering it.
#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {
    /// Connect to the MCP server at this URL and list its tools, as the service would when
    /// it is registered (nothing is registered).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The transport to speak to it (the API's values; the API's default when absent).
    #[arg(long, value_name = "TRANSPORT", requires = "url", value_parser = transport_values())]
    pub transport: Option<String>,
    /// A header to send it, as the registered server's `request_headers` would (repeatable).
    #[arg(long, value_name = "NAME=VALUE", requires = "url", value_parser = crate::probe::parse_header)]
    pub header: Vec<(String, String)>,
    /// The environment variable holding the token to send as the Authorization header (the
    /// token never goes on the command line).
    #[arg(long, value_name = "VAR", requires = "url")]
    pub token_env: Option<String>,
    /// The most the whole listing may take, connecting included, in seconds.
    #[arg(long, value_name = "SECONDS", requires = "url", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub listing_deadline: u64,
}

impl ProbeArgs {
    /// The server to connect to, when `--url` was given.
    pub fn target(&self) -> Result<Option<crate::probe::Target>, String> {
        let Some(url) = &self.url else {
            return Ok(None);
        };
        let token = match &self.token_env {
            None => None,
            Some(var) => Some(
                std::env::var(var)
                    .ok()
                    .filter(|t| !t.trim().is_empty())
                    .ok_or(format!(
                        "--token-env {var}: the variable is not set (or empty)"
                    ))?,
            ),
        };
        Ok(Some(crate::probe::Target {
            url: url.clone(),
            transport: self.transport.clone(),
            headers: self.header.clone(),
            token,
            deadline: Some(std::time::Duration::from_secs(self.listing_deadline)),
        }))
    }
}

/// The values of `--transport`, from the spec's enum.
fn transport_values() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(crate::manifest::schema::enum_values(
        &crate::manifest::schema::of::<elevenlabs_mcp::Transport>(),
    ))
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

#[derive(Debug, Subcommand)]
pub enum Tools {
    /// Record each tool's hash in the lock file.
    Pin {
        /// Servers to pin (all when none).
        servers: Vec<String>,
        #[arg(long, default_value = crate::audit::DEFAULT_LOCK, value_name = "FILE")]
        lock: PathBuf,
    },
    /// Look for instructions hidden in the tools' definitions (on this machine: nothing is
    /// sent anywhere but the API, or the server `--url` names): exit 0 with no finding, 2
    /// with findings, 1 on error.
    Scan {
        /// Servers to scan (all when none).
        #[arg(conflicts_with_all = ["url", "file"])]
        servers: Vec<String>,
        /// Scan the tools saved in FILE instead, with no API and no key: a `tools/list`
        /// result (`{"tools": [...]}`) or the JSON-RPC response carrying one, an array of
        /// tools, or a map of server names to either.
        #[arg(long, value_name = "FILE", conflicts_with = "url")]
        file: Option<PathBuf>,
        #[command(flatten)]
        probe: ProbeArgs,
        /// The manifest that declares the servers: `--output sarif` points each alert at
        /// the line declaring its server.
        #[arg(long, value_name = "FILE")]
        manifest: Option<PathBuf>,
    },
    /// Compare the tools now with the lock file, and scan the new and changed ones: exit 0
    /// unchanged, 2 drifted or flagged, 1 error.
    Audit {
        /// Servers to audit (all pinned ones when none).
        servers: Vec<String>,
        #[arg(long, default_value = crate::audit::DEFAULT_LOCK, value_name = "FILE")]
        lock: PathBuf,
        /// The manifest that declares the servers: `--output sarif` points each alert at
        /// the line declaring its server.
        #[arg(long, value_name = "FILE")]
        manifest: Option<PathBuf>,
    },
}

/// The values of `--policy`, from the generated enum; one this version does not know is
/// still sent, with a warning.
pub fn policy_values() -> Vec<String> {
    crate::manifest::schema::enum_values(&crate::manifest::schema::of::<
        elevenlabs_mcp::ToolApprovalPolicy,
    >())
}

fn policy_help() -> String {
    format!(
        "The approval's policy (the service's default when absent), one of: {}. A value this version does not know is sent, with a warning.",
        policy_values().join(", ")
    )
}

#[derive(Debug, Subcommand)]
pub enum Approvals {
    /// Approve a tool as the server lists it now (name, description and input schema).
    Add {
        /// The server (`mcp_server_id`): its id, or its exact name.
        server: String,
        /// The tool's name (`tool_name`), as the server lists it.
        tool: String,
        /// The approval's policy (the service's default when absent).
        #[arg(long, value_name = "POLICY", long_help = policy_help())]
        policy: Option<String>,
        /// Approve the tool even though `tools scan` flags it: name the tool again.
        #[arg(long, value_name = "TOOL")]
        allow_flagged: Vec<String>,
    },
}
