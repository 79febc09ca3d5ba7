//! The state file under a crash: the emulator binary is killed (SIGKILL, no shutdown)
//! while clients are creating servers, then restarted on the same file. Every create that
//! was acknowledged is there, and the file loads.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};

/// Acknowledged ids, and a signal when there are enough of them.
#[derive(Default)]
struct Acks {
    ids: Mutex<Vec<String>>,
    grew: Condvar,
}

const CREATE: &str =
    "POST /v1/convai/mcp-servers HTTP/1.1\r\nxi-api-key: k\r\nContent-Type: application/json\r\n";
const BODY: &str = r#"{"config": {"name": "Docs", "url": "https://mcp.example.com/mcp"}}"#;
const CLIENTS: usize = 16;
const KILL_AFTER: usize = 300;

#[test]
fn every_acknowledged_write_survives_a_kill() {
    let dir = std::env::temp_dir().join(format!("emulator-durability-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let state = dir.join("state.jsonl");
    let state_arg = state.to_str().expect("utf-8 path");
    let (mut running, url) = common::start(&["--port", "0", "--state", state_arg]);
    let addr = url.trim_start_matches("http://").to_owned();

    let acks = Arc::new(Acks::default());
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (acks, stop, addr) = (acks.clone(), stop.clone(), addr.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    // A failed connection means the emulator is gone: this client is done.
                    let Some((status, body)) = common::request(&addr, CREATE, BODY) else {
                        return;
                    };
                    if !status.contains(" 200 ") {
                        continue;
                    }
                    let server: serde_json::Value =
                        serde_json::from_str(&body).expect("an acknowledged create is JSON");
                    let id = server["id"].as_str().expect("an id").to_owned();
                    acks.ids.lock().expect("acks").push(id);
                    acks.grew.notify_all();
                }
            })
        })
        .collect();

    // Kill while the clients are still writing.
    {
        let mut ids = acks.ids.lock().expect("acks");
        while ids.len() < KILL_AFTER {
            ids = acks.grew.wait(ids).expect("acks");
        }
    }
    running.kill();
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().expect("client thread");
    }
    let acknowledged: BTreeSet<String> = acks.ids.lock().expect("acks").iter().cloned().collect();
    assert!(acknowledged.len() >= KILL_AFTER);

    let (_again, url) = common::start(&["--port", "0", "--state", state_arg]);
    let addr = url.trim_start_matches("http://").to_owned();
    let (status, body) = common::request(
        &addr,
        "GET /v1/convai/mcp-servers HTTP/1.1\r\nxi-api-key: k\r\n",
        "",
    )
    .expect("the restarted emulator answers");
    assert!(status.contains(" 200 "), "{status}");
    let list: serde_json::Value = serde_json::from_str(&body).expect("list");
    let kept: BTreeSet<String> = list["mcp_servers"]
        .as_array()
        .expect("servers")
        .iter()
        .filter_map(|s| s["id"].as_str().map(str::to_owned))
        .collect();
    let lost: Vec<&String> = acknowledged.difference(&kept).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged creates were lost: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
