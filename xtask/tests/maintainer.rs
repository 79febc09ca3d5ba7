//! The maintainer's done-means, tried as a maintainer would: on a copy of the workspace,
//! add an optional enum field and a bounded integer to the server config and its `PATCH`
//! body in the YAML, run `cargo xtask regen`, and with no other edit:
//!
//! - the workspace builds (every crate and target);
//! - a program outside the workspace, depending on the wrapper and the emulator by path,
//!   sets, clears and reads both fields against the emulator, and sees an out-of-bounds
//!   value refused before anything is sent;
//! - the command line offers both: `--help` of the create and update commands lists them
//!   (the enum with its values), `--set` sends them and `servers get` shows them, and the
//!   manifest's schema, `pull`, `plan` and `apply` carry them.
//!
//! Slow on a cold cache (it compiles a workspace); the scratch builds share
//! `target/scratch-maintainer`, so later runs rebuild only the workspace's own crates.

mod support;

use std::path::Path;
use std::process::Command;

use support::{scratch_cargo, text, workspace};

/// Copies the workspace's sources (no `target`, no `.git`).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let path = entry.path();
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).expect("copy file");
        }
    }
}

fn edit(path: &Path, needle: &str, insert_after: &str) {
    let text = std::fs::read_to_string(path).expect("read spec");
    assert!(
        text.matches(needle).count() == 1,
        "`{needle}` is not unique in the spec any more; update this test"
    );
    std::fs::write(
        path,
        text.replacen(needle, &format!("{needle}{insert_after}"), 1),
    )
    .expect("write spec");
}

/// The vendor adds `audit_level` (a new enum) and `max_parallel_calls` (1 to 8) to the
/// server config, and both, nullable, to its `PATCH` body.
fn add_fields(spec: &Path) {
    edit(
        spec,
        "    McpServerConfig:\n      description: 'Configuration of a remote MCP server: where it is, how to reach it and how its tools\n        behave.'\n      type: object\n      required:\n      - name\n      - url\n      properties:\n",
        "        audit_level:\n          description: How much of each tool call is logged.\n          allOf:\n          - $ref: '#/components/schemas/AuditLevel'\n        max_parallel_calls:\n          description: Tool calls that may run at once.\n          type: integer\n          minimum: 1\n          maximum: 8\n",
    );
    edit(
        spec,
        "    McpServerUpdate:\n      description: 'A partial update of a server configuration: an absent field is left alone, `null`\n        clears it, a value sets it.'\n      type: object\n      properties:\n",
        "        audit_level:\n          description: How much of each tool call is logged.\n          allOf:\n          - $ref: '#/components/schemas/AuditLevel'\n          nullable: true\n        max_parallel_calls:\n          description: Tool calls that may run at once.\n          type: integer\n          minimum: 1\n          maximum: 8\n          nullable: true\n",
    );
    edit(
        spec,
        "  schemas:\n",
        "    AuditLevel:\n      description: How much of a tool call is logged.\n      type: string\n      enum:\n      - none\n      - metadata\n      - full\n",
    );
}

const USER_MAIN: &str = r#"
use elevenlabs_mcp::{AuditLevel, Client, Error, McpServerConfig, McpServerUpdate};
use elevenlabs_mcp_emulator::Emulator;

#[tokio::main]
async fn main() {
    let emulator = Emulator::start().await.expect("emulator");
    let client = Client::builder()
        .api_key("any-key")
        .base_url(emulator.base_url())
        .build()
        .expect("client");
    let servers = client.mcp_servers();

    let server = servers
        .create(
            McpServerConfig::new("Docs", "https://mcp.example.com/mcp")
                .audit_level(AuditLevel::Full)
                .max_parallel_calls(4),
        )
        .await
        .expect("create");
    assert_eq!(server.config.audit_level, Some(AuditLevel::Full));
    assert_eq!(server.config.max_parallel_calls, Some(4.into()));

    let updated = servers
        .update(
            &server.id,
            McpServerUpdate::new().clear_audit_level().max_parallel_calls(8),
        )
        .await
        .expect("update");
    assert_eq!(updated.config.audit_level, None);
    assert_eq!(updated.config.max_parallel_calls, Some(8.into()));

    let read = servers.get(&server.id).await.expect("get");
    assert_eq!(read.config.audit_level, None);
    assert_eq!(read.config.max_parallel_calls, Some(8.into()));
    let cleared = servers
        .update(&server.id, McpServerUpdate::new().clear_max_parallel_calls().audit_level(AuditLevel::Metadata))
        .await
        .expect("clear");
    assert_eq!(cleared.config.max_parallel_calls, None);
    assert_eq!(cleared.config.audit_level, Some(AuditLevel::Metadata));

    let sent_before = emulator.exchanges().len();
    let too_many = servers
        .create(McpServerConfig::new("Docs", "https://mcp.example.com/mcp").max_parallel_calls(9))
        .await;
    assert!(
        matches!(&too_many, Err(Error::InvalidInput { field, .. }) if field == "config.max_parallel_calls"),
        "{too_many:?}"
    );
    let too_few = servers
        .update(&server.id, McpServerUpdate::new().max_parallel_calls(0))
        .await;
    assert!(
        matches!(&too_few, Err(Error::InvalidInput { field, .. }) if field == "max_parallel_calls"),
        "{too_few:?}"
    );
    assert_eq!(emulator.exchanges().len(), sent_before, "a refused body was sent");
    println!("maintainer check passed");
}
"#;

#[test]
fn adding_fields_to_the_spec_needs_only_regen() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let ws = scratch.path().join("workspace");
    copy_tree(&workspace(), &ws);
    add_fields(&ws.join("openapi/elevenlabs-mcp.yaml"));

    let regen = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("regen")
        .env("XTASK_WORKSPACE_ROOT", &ws)
        .output()
        .expect("xtask runs");
    assert!(regen.status.success(), "regen failed:\n{}", text(&regen));
    let said = text(&regen);
    assert!(said.contains("added type: AuditLevel"), "{said}");
    assert!(
        said.contains(
            "[compatible] changed type: McpServerConfig (+audit_level, +max_parallel_calls)"
        ),
        "{said}"
    );
    assert!(said.contains("No change breaks"), "{said}");

    let build = scratch_cargo(
        &ws,
        &[
            "check",
            "--workspace",
            "--all-targets",
            "--offline",
            "--quiet",
        ],
    );
    assert!(
        build.status.success(),
        "the workspace does not build:\n{}",
        text(&build)
    );

    // A user's program, outside the workspace, against the regenerated crates.
    let user = scratch.path().join("user");
    std::fs::create_dir_all(user.join("src")).expect("mkdir");
    let path = |krate: &str| ws.join("crates").join(krate).display().to_string();
    std::fs::write(
        user.join("Cargo.toml"),
        format!(
            "[package]\nname = \"user-app\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [workspace]\n\n[dependencies]\n\
             elevenlabs-mcp = {{ path = {:?} }}\n\
             elevenlabs-mcp-emulator = {{ path = {:?} }}\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
            path("elevenlabs-mcp"),
            path("elevenlabs-mcp-emulator"),
        ),
    )
    .expect("manifest");
    std::fs::copy(workspace().join("Cargo.lock"), user.join("Cargo.lock")).expect("lock");
    std::fs::write(user.join("src/main.rs"), USER_MAIN).expect("main");
    let run = scratch_cargo(&user, &["run", "--offline", "--quiet"]);
    assert!(
        run.status.success(),
        "the user's program failed:\n{}",
        text(&run)
    );
    assert!(
        text(&run).contains("maintainer check passed"),
        "{}",
        text(&run)
    );

    the_command_line_carries_the_fields(&ws);
}

/// Kills the emulator the command started, whatever happens to the test.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn the_command_line_carries_the_fields(ws: &Path) {
    let build = scratch_cargo(
        ws,
        &["build", "-p", "elevenlabs-mcp-cli", "--offline", "--quiet"],
    );
    assert!(
        build.status.success(),
        "the CLI does not build:\n{}",
        text(&build)
    );
    let bin = workspace().join("target/scratch-maintainer/debug/elevenlabs-mcp");
    let cli = |args: &[&str], url: Option<&str>| {
        let mut cmd = Command::new(&bin);
        cmd.args(args)
            .current_dir(ws)
            .env("NO_COLOR", "1")
            .env_remove("ELEVENLABS_API_KEY")
            .env_remove("ELEVEN_API_KEY");
        if let Some(url) = url {
            cmd.env("ELEVENLABS_BASE_URL", url);
        }
        let out = cmd.output().expect("the CLI runs");
        assert!(out.status.success(), "{args:?}:\n{}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for command in [["servers", "create"], ["servers", "update"]] {
        let help = cli(&[command[0], command[1], "--help"], None);
        assert!(
            help.contains("audit_level") && help.contains("none, metadata, full"),
            "{command:?} --help lists the new enum field and its values:\n{help}"
        );
        assert!(help.contains("max_parallel_calls"), "{help}");
    }
    let schema = cli(&["manifest", "schema"], None);
    assert!(
        schema.contains("audit_level") && schema.contains("max_parallel_calls"),
        "the manifest's schema has the fields"
    );

    let mut emulator = Command::new(&bin)
        .args(["emulator", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the emulator starts");
    let stdout = emulator.stdout.take().expect("stdout");
    let emulator = Running(emulator);
    // The reader lives as long as the emulator: closing the pipe early would make its
    // later lines fail to print.
    let mut reader = std::io::BufReader::new(stdout);
    let mut first = String::new();
    std::io::BufRead::read_line(&mut reader, &mut first)
        .expect("the emulator says where it listens");
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("a URL")
        .to_owned();
    let url = Some(url.as_str());

    cli(
        &[
            "--yes",
            "servers",
            "create",
            "Docs",
            "https://mcp.example.com/mcp",
            "--set",
            "audit_level=full",
            "--set",
            "max_parallel_calls=3",
        ],
        url,
    );
    let shown = cli(&["servers", "get", "Docs"], url);
    assert!(
        shown.contains("audit_level  full") && shown.contains("max_parallel_calls  3"),
        "{shown}"
    );
    let pulled = cli(&["pull"], url);
    assert!(
        pulled.contains("audit_level: full") && pulled.contains("max_parallel_calls: 3"),
        "{pulled}"
    );
    let manifest = ws.join("servers.yaml");
    std::fs::write(
        &manifest,
        pulled.replace("max_parallel_calls: 3", "max_parallel_calls: 5"),
    )
    .expect("writes the manifest");
    let manifest = manifest.display().to_string();
    let plan = cli(&["plan", "-f", &manifest], url);
    assert!(plan.contains("max_parallel_calls: 3 → 5"), "{plan}");
    cli(&["apply", "-f", &manifest, "--yes"], url);
    let shown = cli(&["servers", "get", "Docs"], url);
    assert!(shown.contains("max_parallel_calls  5"), "{shown}");
    drop(emulator);
    drop(reader);
}
