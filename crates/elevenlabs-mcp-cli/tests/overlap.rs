//! Runs of `apply` that overlap (two CI jobs after two quick merges) or die halfway: the
//! service has no lock and no idempotency key, and still the workspace ends with one
//! server per name and the next plan empty.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use elevenlabs_mcp::Client;
use elevenlabs_mcp_emulator::{Emulator, Fault, FaultRule};

const SERVERS: usize = 24;

fn manifest(dir: &std::path::Path) -> std::path::PathBuf {
    let mut text = String::from("servers:\n");
    for i in 0..SERVERS {
        text.push_str(&format!(
            "  - name: srv-{i:02}\n    url: https://mcp{i}.example.com/mcp\n    tool_approvals:\n      - {{tool: search_docs, policy: auto_approved}}\n    tool_configs:\n      - {{tool: search_docs, response_timeout_secs: 60}}\n"
        ));
    }
    let path = dir.join("servers.yaml");
    std::fs::write(&path, text).expect("writes the manifest");
    path
}

/// An `apply` of `manifest` against `url`, started and not waited for.
fn spawn_apply(url: &str, manifest: &std::path::Path) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("elevenlabs-mcp"))
        .args(["apply", "--yes", "-f"])
        .arg(manifest)
        .env("ELEVENLABS_BASE_URL", url)
        .env("NO_COLOR", "1")
        .env_remove("ELEVENLABS_API_KEY")
        .env_remove("ELEVEN_API_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts the binary")
}

/// An emulator whose calls take a little time, so that runs started together overlap, with
/// a limit all of them share.
async fn emulator() -> Emulator {
    Emulator::builder()
        .concurrency_limit(8)
        .fault(FaultRule::all(Fault::Latency(Duration::from_millis(3))))
        .start()
        .await
        .expect("emulator")
}

/// Each name of the manifest once, nothing else; and the next plan has nothing to do.
async fn assert_converged(url: &str, manifest: &std::path::Path) {
    let client = Client::builder()
        .api_key("test")
        .base_url(url)
        .build()
        .expect("client");
    let servers = client.mcp_servers().list().await.expect("lists");
    let mut names: Vec<&str> = servers.iter().map(|s| s.config.name.as_str()).collect();
    names.sort_unstable();
    let expected: Vec<String> = (0..SERVERS).map(|i| format!("srv-{i:02}")).collect();
    assert_eq!(names, expected, "one server per name");
    for server in &servers {
        assert_eq!(
            server.config.tool_config_overrides.as_ref().map(Vec::len),
            Some(1),
            "{} keeps its tool config",
            server.config.name
        );
    }
    let plan = common::cli(url)
        .args(["plan", "--detailed-exitcode", "-f"])
        .arg(manifest)
        .output()
        .expect("plans");
    assert_eq!(
        plan.status.code(),
        Some(0),
        "the next plan is empty:\n{}",
        String::from_utf8_lossy(&plan.stdout)
    );
}

async fn overlapping(runs: usize) {
    let emulator = emulator().await;
    let url = emulator.base_url();
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = manifest(dir.path());
    let children: Vec<Child> = (0..runs).map(|_| spawn_apply(&url, &manifest)).collect();
    for child in children {
        let out = child.wait_with_output().expect("waits");
        assert!(
            out.status.success(),
            "every overlapping run succeeds:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_converged(&url, &manifest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_applies_started_together_converge() {
    overlapping(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_applies_started_together_converge() {
    overlapping(3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apply_killed_at_any_point_then_run_again_converges() {
    // Kill points, as calls the emulator has answered: the plan's list, the first creates,
    // midway through approvals and configs, near the end.
    for calls in [1, 4, 20, 45, 70, 90] {
        let emulator = emulator().await;
        let url = emulator.base_url();
        let dir = tempfile::tempdir().expect("tempdir");
        let manifest = manifest(dir.path());
        let mut child = spawn_apply(&url, &manifest);
        let deadline = Instant::now() + Duration::from_secs(60);
        // Wait until the run has made that many calls (or finished).
        while emulator.exchanges().len() < calls && child.try_wait().expect("polls").is_none() {
            assert!(Instant::now() < deadline, "the run made no progress");
            tokio::task::yield_now().await;
            std::thread::yield_now();
        }
        child.kill().ok(); // SIGKILL: no cleanup runs
        child.wait().expect("reaped");
        let again = spawn_apply(&url, &manifest)
            .wait_with_output()
            .expect("runs again");
        assert!(
            again.status.success(),
            "killed after {calls} calls, the next run finishes:\n{}",
            String::from_utf8_lossy(&again.stderr)
        );
        assert_converged(&url, &manifest).await;
        emulator.shutdown().await;
    }
}
