//! The binary as an operator meets it (habits of Terraform, kubectl and gh users): one test
//! per expectation. Prompts are answered on a pseudo-terminal.

mod common;

use std::process::Output;

use common::{cli, cli_yes, write};
use elevenlabs_mcp_emulator::{Emulator, EmulatorBuilder, Fault, FaultRule, Operation};
use serde_json::Value;

async fn start(builder: EmulatorBuilder) -> Emulator {
    builder.start().await.expect("emulator")
}

/// An emulator whose workspace has one server, `Docs`.
async fn with_docs() -> (Emulator, String) {
    let emulator = start(Emulator::builder()).await;
    let url = emulator.base_url();
    ok(
        &url,
        &["servers", "create", "Docs", "https://docs.example/mcp"],
        0,
    );
    (emulator, url)
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs with `--yes`, expecting `code`; standard output.
fn ok(url: &str, args: &[&str], code: i32) -> String {
    let out = cli_yes(url, args).output().expect("runs");
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}\n{stdout}\n{stderr}"
    );
    stdout
}

/// Runs as given, with no terminal (standard input closed).
fn bare(url: &str, args: &[&str]) -> Output {
    cli(url).args(args).write_stdin("").output().expect("runs")
}

fn names(url: &str) -> Vec<String> {
    let list: Value =
        serde_json::from_str(&ok(url, &["servers", "list", "--json"], 0)).expect("json");
    list["mcp_servers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["config"]["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_are_refused_without_a_terminal_or_yes() {
    let emulator = start(Emulator::builder()).await;
    let url = emulator.base_url();
    ok(
        &url,
        &["servers", "create", "Keep", "https://keep.example/mcp"],
        0,
    );
    ok(
        &url,
        &["servers", "create", "Stray", "https://stray.example/mcp"],
        0,
    );
    let dir = tempfile::tempdir().expect("dir");
    let manifest = write(
        dir.path(),
        "m.yaml",
        "servers:\n  - {name: Keep, url: https://keep.example/mcp}\n",
    );
    // `apply --prune </dev/null`: Terraform refuses, and so does this.
    let out = bare(&url, &["apply", "-f", &manifest, "--prune"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--yes"), "{err}");
    // `servers delete` asks too.
    let out = bare(&url, &["servers", "delete", "Stray"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("--yes"));
    assert_eq!(names(&url), ["Keep", "Stray"], "nothing was deleted");
    // With --yes, anywhere on the line, it goes ahead.
    ok(&url, &["servers", "delete", "Stray", "--yes"], 0);
    assert_eq!(names(&url), ["Keep"]);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_only_yes_goes_ahead_and_no_exits_1() {
    use rexpect::process::wait::WaitStatus;
    let (_emulator, url) = with_docs().await;
    let answer = |reply: &str| {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("elevenlabs-mcp"));
        cmd.args(["servers", "delete", "Docs"])
            .env("ELEVENLABS_BASE_URL", &url)
            .env("NO_COLOR", "1")
            .env_remove("ELEVENLABS_API_KEY")
            .env_remove("ELEVEN_API_KEY");
        let mut session = rexpect::session::spawn_command(cmd, Some(30_000)).expect("pty");
        session
            .exp_string("Only `yes` goes ahead")
            .expect("it asks, naming what it will do");
        session.send_line(reply).expect("answers");
        session.exp_eof().expect("ends");
        match session.process.wait().expect("exit") {
            WaitStatus::Exited(_, code) => code,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(answer("no"), 1, "a no is a refusal");
    assert_eq!(names(&url), ["Docs"]);
    assert_eq!(answer("yes"), 0);
    assert!(names(&url).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replace_names_its_cause_and_spares_dependent_agents_unless_allowed() {
    let dir = tempfile::tempdir().expect("dir");
    let state = dir.path().join("ws.jsonl");
    let emulator = start(Emulator::builder().state_file(&state)).await;
    let url = emulator.base_url();
    ok(
        &url,
        &["servers", "create", "Docs", "https://docs.example/mcp"],
        0,
    );
    emulator.shutdown().await;
    // The service reports the agents that use a server; the emulator keeps what its state
    // file says, so one agent is written into the server's record.
    let journal = std::fs::read_to_string(&state).expect("state");
    let last = journal.lines().last().expect("a record");
    let mut record: Value = serde_json::from_str(last).expect("json");
    record["put"]["dependent_agents"] = serde_json::json!([{
        "type": "available", "access_level": "admin", "created_at_unix_secs": 1,
        "id": "agent_7", "name": "Support bot"
    }]);
    std::fs::write(&state, format!("{journal}{record}\n")).expect("state");
    let emulator = start(Emulator::builder().state_file(&state)).await;
    let url = emulator.base_url();

    let manifest = write(
        dir.path(),
        "m.yaml",
        "servers:\n  - {name: Docs, url: https://docs2.example/mcp}\n",
    );
    let plan = ok(&url, &["plan", "-f", &manifest], 0);
    assert!(plan.contains("`url` cannot be changed in place"), "{plan}");
    assert!(
        plan.contains("new id") && plan.contains("Support bot (agent_7)"),
        "{plan}"
    );
    let out = cli_yes(&url, &["apply", "-f", &manifest])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("--allow-replace"), "{}", text(&out).1);
    assert!(
        ok(&url, &["servers", "get", "Docs"], 0).contains("docs.example"),
        "nothing was replaced"
    );
    ok(&url, &["apply", "-f", &manifest, "--allow-replace"], 0);
    assert!(ok(&url, &["servers", "get", "Docs"], 0).contains("docs2.example"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_stay_unique_and_duplicates_say_how_to_resolve_them() {
    let emulator = start(Emulator::builder()).await;
    let url = emulator.base_url();
    ok(
        &url,
        &["servers", "create", "Docs", "https://a.example/mcp"],
        0,
    );
    let out = cli_yes(
        &url,
        &["servers", "create", "Docs", "https://b.example/mcp"],
    )
    .output()
    .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    ok(
        &url,
        &[
            "servers",
            "create",
            "Docs",
            "https://b.example/mcp",
            "--allow-duplicate-name",
        ],
        0,
    );
    // pull writes them, and says which ids and what to do; plan refuses with the same advice.
    let out = cli(&url).args(["pull"]).output().expect("runs");
    let (pulled, warned) = text(&out);
    assert_eq!(out.status.code(), Some(0));
    for needed in ["mcp_emu_000001", "mcp_emu_000002", "servers delete ID"] {
        assert!(warned.contains(needed), "{needed} in {warned}");
    }
    let dir = tempfile::tempdir().expect("dir");
    let manifest = write(
        dir.path(),
        "dup.yaml",
        "servers:\n  - {name: Docs, url: https://a.example/mcp}\n",
    );
    let out = cli(&url)
        .args(["plan", "-f", &manifest])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).1.contains("servers delete ID"),
        "{}",
        text(&out).1
    );
    drop(pulled);

    // A rename through the manifest is a create, and the plan says it is a replace.
    ok(&url, &["servers", "delete", "mcp_emu_000002"], 0);
    let renamed = write(
        dir.path(),
        "renamed.yaml",
        "servers:\n  - {name: Docs search, url: https://a.example/mcp}\n",
    );
    let plan = ok(&url, &["plan", "-f", &renamed], 0);
    assert!(plan.contains("a rename of \"Docs\""), "{plan}");
    assert!(plan.contains("cannot rename a server in place"), "{plan}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_output_contract() {
    let emulator = start(Emulator::builder()).await;
    let url = emulator.base_url();
    let created: Value = serde_json::from_str(&ok(
        &url,
        &[
            "servers",
            "create",
            "Docs",
            "https://docs.example/mcp",
            "--output",
            "json",
        ],
        0,
    ))
    .expect("JSON");
    assert_eq!(created["config"]["name"], "Docs");
    // YAML, and the global flag before the command as well as after it.
    let yaml: Value =
        serde_norway::from_str(&ok(&url, &["-o", "yaml", "servers", "list"], 0)).expect("YAML");
    assert_eq!(yaml["mcp_servers"][0]["config"]["name"], "Docs");
    let json: Value =
        serde_json::from_str(&ok(&url, &["servers", "get", "Docs", "--json"], 0)).expect("JSON");
    assert_eq!(json["id"], "mcp_emu_000001");
    // apply reports each step's result as data.
    let dir = tempfile::tempdir().expect("dir");
    let manifest = write(
        dir.path(),
        "m.yaml",
        "servers:\n  - name: Docs\n    url: https://docs.example/mcp\n    tool_approvals:\n      - {tool: search_docs}\n",
    );
    let report: Value = serde_json::from_str(&ok(
        &url,
        &["apply", "-f", &manifest, "--output", "json"],
        0,
    ))
    .expect("JSON report");
    assert_eq!(report["steps"][0]["result"], "done", "{report}");
    assert!(
        report["steps"][0]["step"]
            .as_str()
            .unwrap_or_default()
            .contains("approve")
    );
    // The audit's verdicts as data.
    let lock = dir.path().join("lock.json").display().to_string();
    ok(&url, &["tools", "pin", "--lock", &lock], 0);
    let audit: Value =
        serde_json::from_str(&ok(&url, &["tools", "audit", "--lock", &lock, "--json"], 0))
            .expect("JSON");
    assert_eq!(audit["drifted"], false);
    assert_eq!(audit["tools"][0]["state"], "unchanged", "{audit}");
    // Commands with no data refuse the flag rather than ignore it.
    for args in [
        &["emulator", "--json"][..],
        &["pull", "--output", "table"],
        &["completions", "bash", "--json"],
        &["manifest", "schema", "--output", "table"],
    ] {
        let out = cli(&url).args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_checks_tool_names_and_apply_does_not_approve_a_typo() {
    let (_emulator, url) = with_docs().await;
    let dir = tempfile::tempdir().expect("dir");
    let manifest = write(
        dir.path(),
        "m.yaml",
        "servers:\n  - name: Docs\n    url: https://docs.example/mcp\n    tool_approvals:\n      - {tool: serch_docs}\n",
    );
    let plan = ok(&url, &["plan", "-f", &manifest], 0);
    assert!(
        plan.contains("does not list a tool \"serch_docs\"; did you mean \"search_docs\"?"),
        "{plan}"
    );
    let out = cli_yes(&url, &["apply", "-f", &manifest])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = text(&out);
    assert!(
        err.contains("fix the name in the manifest") && err.contains("--allow-unlisted"),
        "{err}"
    );
    let server: Value =
        serde_json::from_str(&ok(&url, &["servers", "get", "Docs", "--json"], 0)).expect("json");
    assert!(
        server["config"]["tool_approval_hashes"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "nothing approved: {server}"
    );
    ok(
        &url,
        &["apply", "-f", &manifest, "--allow-unlisted", "serch_docs"],
        0,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_say_what_to_do() {
    let (emulator, url) = with_docs().await;
    let said = |args: &[&str]| {
        let out = cli_yes(&url, args).output().expect("runs");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        text(&out).1
    };
    let err = said(&[
        "servers",
        "update",
        "Docs",
        "--set",
        "url=https://new.example/mcp",
    ]);
    assert!(
        err.contains("cannot be changed in place") && err.contains("replace"),
        "{err}"
    );
    let err = said(&["servers", "create", "New", "http://new.example/mcp"]);
    assert!(
        err.contains("is not an https:// URL") && !err.contains("pattern"),
        "{err}"
    );
    let err = said(&[
        "servers",
        "update",
        "Docs",
        "--set",
        "response_timeout_secs=abc",
    ]);
    assert!(
        err.contains("is not a whole number") && !err.contains("i64"),
        "{err}"
    );
    let err = said(&[
        "servers",
        "update",
        "Docs",
        "--set",
        "respons_timeout_secs=30",
    ]);
    assert!(
        err.contains("Did you mean `response_timeout_secs`?"),
        "{err}"
    );
    // A write says what it changed.
    let shown = ok(
        &url,
        &[
            "servers",
            "update",
            "Docs",
            "--set",
            "response_timeout_secs=90",
        ],
        0,
    );
    assert!(shown.contains("changed: response_timeout_secs"), "{shown}");
    let err = said(&["servers", "get", "Dcos"]);
    assert!(err.contains("did you mean \"Docs\"?"), "{err}");
    let err = said(&[
        "tool-configs",
        "create",
        "Docs",
        "search_docs",
        "--set",
        "tool_name=other",
    ]);
    assert!(err.contains("TOOL_NAME argument"), "{err}");
    ok(&url, &["tool-configs", "create", "Docs", "search_docs"], 0);
    let err = said(&["tool-configs", "create", "Docs", "search_docs"]);
    assert!(err.contains("tool-configs update"), "{err}");
    // A create whose answer was lost may have created the server: the message says so.
    emulator
        .faults()
        .add(FaultRule::on(Operation::McpServersCreate, Fault::StoreThenFail(502)).times(1));
    let err = said(&["servers", "create", "Lost", "https://lost.example/mcp"]);
    assert!(err.contains("may have carried it out"), "{err}");
    let out = cli(&url)
        .args(["--base-url", "127.0.0.1:1", "servers", "list"])
        .output()
        .expect("runs");
    assert!(text(&out).1.contains("has no scheme"), "{}", text(&out).1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_are_honest() {
    let emulator = start(Emulator::builder()).await;
    let url = emulator.base_url();
    let long = "L".repeat(150);
    for name in ["文档搜索", "Docs\u{1b}[2J", long.as_str()] {
        ok(
            &url,
            &[
                "servers",
                "create",
                name,
                "https://docs.example/mcp",
                "--allow-duplicate-name",
            ],
            0,
        );
    }
    let table = ok(&url, &["servers", "list"], 0);
    assert!(
        !table.contains('\u{1b}'),
        "an escape is shown, never sent: {table}"
    );
    assert!(
        table.contains("\\x1b") || table.contains("\\u{1b}"),
        "{table}"
    );
    assert!(table.contains('…') && !table.contains(&long), "{table}");
    assert!(ok(&url, &["servers", "list", "--wide"], 0).contains(&long));
    // The URL column starts at the same display column on every row.
    let starts: Vec<usize> = table
        .lines()
        .skip(1)
        .map(|l| {
            let at = l.find("https://").expect("url");
            unicode_width::UnicodeWidthStr::width(&l[..at])
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{table}");

    // tools list: the approval's policy, and whether the definition is as pinned.
    let dir = tempfile::tempdir().expect("dir");
    let id = "mcp_emu_000001";
    ok(
        &url,
        &[
            "approvals",
            "add",
            id,
            "search_docs",
            "--policy",
            "auto_approved",
        ],
        0,
    );
    let listed = cli(&url)
        .current_dir(dir.path())
        .args(["tools", "list", id])
        .output()
        .expect("runs");
    let (listed, _) = text(&listed);
    assert!(
        listed.contains("auto_approved") && listed.contains("not pinned"),
        "{listed}"
    );
    cli_yes(&url, &["tools", "pin", id])
        .current_dir(dir.path())
        .output()
        .expect("pins");
    let listed = cli(&url)
        .current_dir(dir.path())
        .args(["tools", "list", id])
        .output()
        .expect("runs");
    assert!(text(&listed).0.contains("as pinned"), "{}", text(&listed).0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debuggable_and_completable() {
    let emulator = start(Emulator::builder()).await;
    let url = emulator.base_url();
    let key = "sk_secret_key_0123456789abcdef";
    let run = |flag: &str, name: &str| {
        let out = cli(&url)
            .env("ELEVENLABS_API_KEY", key)
            .args([
                flag,
                "servers",
                "create",
                name,
                "https://docs.example/mcp",
                "--yes",
            ])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0));
        text(&out).1
    };
    let verbose = run("-v", "Docs");
    assert!(
        verbose.contains("mcp_servers_create") && verbose.contains("status=200"),
        "{verbose}"
    );
    assert!(verbose.contains("request_id"), "{verbose}");
    assert!(
        !verbose.contains("response body"),
        "-v leaves bodies out: {verbose}"
    );
    let debug = run("--debug", "Docs two");
    assert!(
        debug.contains("request body") && debug.contains("docs.example"),
        "{debug}"
    );
    for shown in [&verbose, &debug] {
        assert!(!shown.contains(key), "the key is never shown");
    }
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = ok(&url, &["completions", shell], 0);
        assert!(
            script.contains("tool-configs") && script.contains("set-approval-policy"),
            "{shell}"
        );
    }
    // emulator takes the emulator binary's flags.
    let help = ok(&url, &["emulator", "--help"], 0);
    for flag in [
        "--port",
        "--state",
        "--tools",
        "--concurrency-limit",
        "--fault",
    ] {
        assert!(help.contains(flag), "{flag}");
    }
    let out = cli(&url)
        .args(["emulator", "--fault", "nonsense"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "a bad fault rule is a usage error"
    );
}
