//! Runs of `apply` that overlap (two CI jobs after two quick merges) or die halfway: the
//! service has no lock and no idempotency key, and still the workspace ends with one
//! server per name and the next plan empty.

mod common;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use elevenlabs_mcp::Client;
use elevenlabs_mcp_emulator::{Emulator, Fault, FaultRule};

const SERVERS: usize = 24;

fn manifest(dir: &std::path::Path) -> std::path::PathBuf {
    team_manifest(dir, "srv", SERVERS)
}

/// A manifest of `count` servers named `{team}-NN`, each with an approval and a tool config.
fn team_manifest(dir: &std::path::Path, team: &str, count: usize) -> std::path::PathBuf {
    let mut text = String::from("servers:\n");
    for i in 0..count {
        text.push_str(&format!(
            "  - name: {team}-{i:02}\n    url: https://mcp{i}.{team}.example.com/mcp\n    tool_approvals:\n      - {{tool: search_docs, policy: auto_approved}}\n    tool_configs:\n      - {{tool: search_docs, response_timeout_secs: 60}}\n"
        ));
    }
    let path = dir.join(format!("{team}.yaml"));
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
    assert_team_converged(url, manifest, "srv", SERVERS).await;
}

/// The servers named `{team}-…` are the manifest's, once each, with their tool configs;
/// and the next plan of the manifest has nothing to do.
async fn assert_team_converged(url: &str, manifest: &std::path::Path, team: &str, count: usize) {
    let client = Client::builder()
        .api_key("test")
        .base_url(url)
        .build()
        .expect("client");
    let servers: Vec<_> = client
        .mcp_servers()
        .list()
        .await
        .expect("lists")
        .into_iter()
        .filter(|s| s.config.name.starts_with(&format!("{team}-")))
        .collect();
    let mut names: Vec<&str> = servers.iter().map(|s| s.config.name.as_str()).collect();
    names.sort_unstable();
    let expected: Vec<String> = (0..count).map(|i| format!("{team}-{i:02}")).collect();
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

/// An emulator with a tight limit and calls slow enough that runs started together keep
/// it full: every run is refused for the limit many times over.
async fn crowded(limit: usize) -> Emulator {
    Emulator::builder()
        .concurrency_limit(limit)
        .fault(FaultRule::all(Fault::Latency(Duration::from_millis(15))))
        .start()
        .await
        .expect("emulator")
}

/// `runs` teams apply their own manifests to one workspace at once: every run finishes
/// (refusals for the shared limit are waited out, not counted as retries: the command
/// retries other failures only 4 times), and each team's servers are as its manifest says.
async fn teams_at_once(runs: usize) {
    let emulator = crowded(2).await;
    let url = emulator.base_url();
    let dir = tempfile::tempdir().expect("tempdir");
    let teams: Vec<(String, std::path::PathBuf)> = (0..runs)
        .map(|i| {
            let team = format!("team{i}");
            let manifest = team_manifest(dir.path(), &team, 8);
            (team, manifest)
        })
        .collect();
    let children: Vec<Child> = teams.iter().map(|(_, m)| spawn_apply(&url, m)).collect();
    for child in children {
        let out = child.wait_with_output().expect("waits");
        assert!(
            out.status.success(),
            "every team's run finishes:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for (team, manifest) in &teams {
        assert_team_converged(&url, manifest, team, 8).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_teams_applying_different_manifests_at_once_both_finish() {
    teams_at_once(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_teams_applying_different_manifests_at_once_all_finish() {
    teams_at_once(4).await;
}

/// Another user of the workspace (production traffic) keeps GETs in flight, never retried.
struct ForeignLoad {
    stop: Arc<AtomicBool>,
    sent: Arc<AtomicUsize>,
    refused: Arc<AtomicUsize>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl ForeignLoad {
    fn start(url: &str, in_flight: usize, path: &str) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (sent, refused) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let http = reqwest::Client::new();
        let target = format!("{url}{path}");
        let tasks = (0..in_flight)
            .map(|_| {
                let (http, target) = (http.clone(), target.clone());
                let (stop, sent, refused) = (stop.clone(), sent.clone(), refused.clone());
                tokio::spawn(async move {
                    while !stop.load(Ordering::SeqCst) {
                        let answer = http.get(&target).header("xi-api-key", "test").send().await;
                        sent.fetch_add(1, Ordering::SeqCst);
                        if answer.is_ok_and(|a| a.status() == 429) {
                            refused.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                })
            })
            .collect();
        Self {
            stop,
            sent,
            refused,
            tasks,
        }
    }

    fn counts(&self) -> (usize, usize) {
        (
            self.sent.load(Ordering::SeqCst),
            self.refused.load(Ordering::SeqCst),
        )
    }

    async fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        for task in self.tasks {
            task.await.expect("the load's task");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apply_beside_production_traffic_leaves_it_its_part() {
    // Limit 6, the other user keeps 3 GETs in flight: the apply takes what is free and
    // gives way, instead of filling the limit and refusing the other user's calls (a
    // client that took the whole limit had 3 in 4 of them refused).
    // Calls of 40 ms: long beside the scheduling delays of a loaded machine, which would
    // otherwise leave the other user's slots idle for whole round trips.
    let emulator = Emulator::builder()
        .concurrency_limit(6)
        .fault(FaultRule::all(Fault::Latency(Duration::from_millis(40))))
        .start()
        .await
        .expect("emulator");
    let url = emulator.base_url();
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = team_manifest(dir.path(), "beside", 12);
    let load = ForeignLoad::start(&url, 3, "/v1/convai/mcp-servers/none");
    // The other user is at work before the apply starts, as production would be.
    let deadline = Instant::now() + Duration::from_secs(10);
    while load.counts().0 < 6 {
        assert!(Instant::now() < deadline, "the load got going");
        tokio::task::yield_now().await;
    }
    let before = load.counts();
    let out = tokio::task::spawn_blocking({
        let (url, manifest) = (url.clone(), manifest.clone());
        move || spawn_apply(&url, &manifest).wait_with_output()
    })
    .await
    .expect("joins")
    .expect("waits");
    let after = load.counts();
    load.stop().await;
    assert!(
        out.status.success(),
        "the apply finishes:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (sent, refused) = (after.0 - before.0, after.1 - before.1);
    assert!(sent > 20, "the load ran beside the apply: {sent} calls");
    assert!(
        refused * 3 <= sent,
        "the other user was refused {refused} of {sent} calls while the apply ran"
    );
    assert_team_converged(&url, &manifest, "beside", 12).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_gives_up_on_a_full_workspace_says_so_and_for_how_long() {
    // One call of another user holds the workspace's only slot for a long while.
    let emulator = Emulator::builder()
        .concurrency_limit(1)
        // The other user's call takes long.
        .fault(FaultRule::on(
            elevenlabs_mcp::Operation::McpServersGet,
            Fault::Latency(Duration::from_secs(30)),
        ))
        .start()
        .await
        .expect("emulator");
    let url = emulator.base_url();
    let holder = {
        let target = format!("{url}/v1/convai/mcp-servers/held");
        tokio::spawn(async move {
            // Refused while the probe below holds the slot: until it gets the slot.
            loop {
                let answer = reqwest::Client::new()
                    .get(&target)
                    .header("xi-api-key", "test")
                    .send()
                    .await;
                if !answer.is_ok_and(|a| a.status() == 429) {
                    break;
                }
            }
        })
    };
    // Until the workspace answers that it is full, the holder has not arrived.
    let probe = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = probe
            .get(format!("{url}/v1/convai/mcp-servers"))
            .header("xi-api-key", "test")
            .send()
            .await
            .expect("answers")
            .status();
        if status == 429 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the holder got its slot ({status})"
        );
        tokio::task::yield_now().await;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = team_manifest(dir.path(), "late", 1);
    let out = common::cli(&url)
        .args(["--limit-wait", "1", "plan", "-f"])
        .arg(&manifest)
        .output()
        .expect("runs");
    holder.abort();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("too_many_concurrent_requests") && err.contains("stayed full for the 1."),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_concurrency_caps_the_command_below_the_workspace_limit() {
    // The workspace allows 8; the operator leaves room for production with a cap of 2, and
    // the SDK's own account of the limit (its debug events) says 2.
    let emulator = crowded(8).await;
    let url = emulator.base_url();
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = team_manifest(dir.path(), "capped", 6);
    let out = common::cli(&url)
        .args(["--yes", "--debug", "--max-concurrency", "2", "apply", "-f"])
        .arg(&manifest)
        .output()
        .expect("applies");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let debug = String::from_utf8_lossy(&out.stderr);
    let stated: Vec<&str> = debug
        .lines()
        .filter(|l| l.contains("workspace's limit"))
        .collect();
    assert!(!stated.is_empty(), "{debug}");
    assert!(stated.iter().all(|l| l.contains("maximum=2")), "{stated:?}");
    // Without the cap the same command takes the workspace's own limit as its ceiling.
    let out = common::cli(&url)
        .args(["--debug", "plan", "-f"])
        .arg(&manifest)
        .output()
        .expect("plans");
    assert!(String::from_utf8_lossy(&out.stderr).contains("maximum=8"));
}
