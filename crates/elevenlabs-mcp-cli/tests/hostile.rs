//! The binary against servers that misbehave on purpose, on loopback: a redirect must not
//! carry the key to another origin, and an answer that never ends must not grow the process.

use std::process::Output;

use assert_cmd::Command;
use workspace_tests::{Recorder, Reply, TEST_KEY, corpus_text};

fn cli(base_url: &str) -> Command {
    let mut cmd = Command::cargo_bin("elevenlabs-mcp").expect("the binary is built");
    cmd.env("ELEVENLABS_BASE_URL", base_url)
        .env("ELEVENLABS_API_KEY", TEST_KEY)
        .env("NO_COLOR", "1");
    cmd
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_does_not_carry_the_key_through_a_redirect() {
    let elsewhere =
        Recorder::start(vec![Reply::json(200, corpus_text("mcp_server.full.json"))]).await;
    let target = format!("{}/v1/convai/mcp-servers", elsewhere.base_url);
    let first = Recorder::start(vec![Reply::with_headers(307, &[("location", &target)], "")]).await;
    let base = first.base_url.clone();
    let out = tokio::task::spawn_blocking(move || cli(&base).args(["servers", "list"]).output())
        .await
        .expect("joined")
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("307"), "{}", stderr(&out));
    assert!(!stderr(&out).contains(TEST_KEY));
    assert_eq!(first.received().len(), 1);
    assert!(
        elsewhere.received().is_empty(),
        "{:?}",
        elsewhere.received()
    );
}

/// Under a 1 GiB address-space cap the binary either stops at its body limit (exit 1 with
/// a message naming it) or, without one, fails to allocate and aborts.
#[tokio::test(flavor = "multi_thread")]
async fn the_cli_stops_an_endless_answer_under_a_memory_cap() {
    let server = Recorder::start(vec![Reply::Endless]).await;
    let base = server.base_url.clone();
    let out = capped(&base, &["servers", "list"]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&elevenlabs_mcp::DEFAULT_MAX_RESPONSE_BODY.to_string()),
        "{err}"
    );
    assert!(server.streamed() >= elevenlabs_mcp::DEFAULT_MAX_RESPONSE_BODY as u64);
}

/// Runs the binary with `args` under a 1 GiB address-space cap (`ulimit -v`): past it an
/// allocation fails and the process aborts, so a clean exit shows memory stayed bounded.
async fn capped(base_url: &str, args: &[&str]) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("elevenlabs-mcp");
    let base = base_url.to_owned();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new("bash")
            .arg("-c")
            .arg("ulimit -v 1048576 && exec \"$@\"")
            .arg("capped")
            .arg(bin)
            .args(args)
            .env("ELEVENLABS_BASE_URL", base)
            .env("ELEVENLABS_API_KEY", TEST_KEY)
            .env("NO_COLOR", "1")
            .output()
    })
    .await
    .expect("joined")
    .expect("runs")
}

/// Runs `plan -f FILE` under a 1 GiB address-space cap against a recording server;
/// returns standard error after checking that it exited 1 and sent nothing.
async fn plan_refuses(file: &std::path::Path) -> String {
    let server = Recorder::start(vec![Reply::json(200, r#"{"mcp_servers": []}"#)]).await;
    let file = file.display().to_string();
    let out = capped(&server.base_url, &["plan", "-f", &file]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(server.received().is_empty(), "a request was sent: {err}");
    err
}

/// `FILE:LINE:COLUMN: ` at the start of a line of `err`.
fn located(err: &str, file: &std::path::Path) -> Option<(usize, usize)> {
    let prefix = format!("{}:", file.display());
    err.lines().find_map(|line| {
        // `error: FILE:LINE:COLUMN: what`, above the line and its caret.
        let rest = line.trim_start_matches("error: ").strip_prefix(&prefix)?;
        let mut parts = rest.splitn(3, ':');
        Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn manifests_that_explode_are_refused_with_their_place_before_any_request() {
    let dir = tempfile::tempdir().expect("dir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path
    };

    // One 2 MB scalar aliased 3,000 times: 6 GB once expanded.
    let mut text = format!("big: &big \"{}\"\nservers:\n", "x".repeat(2 << 20));
    for i in 0..3000 {
        text.push_str(&format!(
            "  - {{name: s{i}, url: https://x.example, description: *big}}\n"
        ));
    }
    let file = write("scalar.yaml", &text);
    let err = plan_refuses(&file).await;
    let (line, _) = located(&err, &file).unwrap_or_else(|| panic!("no place: {err}"));
    assert!(line >= 3, "{err}");
    assert!(err.contains("aliases"), "{err}");

    // The billion laughs.
    let mut laughs = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, name) = (pair[0], pair[1]);
        let items = vec![format!("*{prev}"); 9].join(",");
        laughs.push_str(&format!("{name}: &{name} [{items}]\n"));
    }
    laughs.push_str("servers: *i\n");
    let file = write("laughs.yaml", &laughs);
    let err = plan_refuses(&file).await;
    assert!(located(&err, &file).is_some(), "{err}");

    // Deep nesting, in YAML flow style and in JSON.
    for (name, text) in [
        (
            "deep.yaml",
            format!("servers: {}{}", "[".repeat(200_000), "]".repeat(200_000)),
        ),
        (
            "deep.json",
            format!(
                "{{\"servers\": {}{}}}",
                "{\"a\": ".repeat(5_000) + "1",
                "}".repeat(5_000)
            ),
        ),
    ] {
        let file = write(name, &text);
        let err = plan_refuses(&file).await;
        assert!(located(&err, &file).is_some(), "{name}: {err}");
        assert!(err.contains("levels deep"), "{name}: {err}");
    }

    // Larger than any manifest needs, and a file that never ends.
    let file = write("huge.yaml", &format!("# {}\n", "x".repeat(17 << 20)));
    let err = plan_refuses(&file).await;
    assert!(err.contains("limit of"), "{err}");
    let err = plan_refuses(std::path::Path::new("/dev/zero")).await;
    assert!(err.contains("limit of"), "{err}");
}
