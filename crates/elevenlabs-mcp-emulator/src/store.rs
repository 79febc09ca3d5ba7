//! The emulated workspace: its servers, kept in memory and, when asked, in a state file.
//!
//! The state file is a journal: one JSON line per change (a server as it now is, or the id
//! of a deleted one), appended and flushed to disk before the change is acknowledged, so a
//! write costs the same whatever the size of the workspace. A writer thread does the file
//! work, never a runtime worker, and commits every change that is waiting in one flush
//! (group commit), so concurrent writers share the cost of a flush. When the journal has
//! grown well past the workspace, the writer rewrites it as one line per server, through a
//! temporary file of a name no other process uses, flushed, then renamed over the old one.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use indexmap::IndexMap;
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// Servers by id, in creation order: found by id in constant time, whatever the size.
pub type Servers = IndexMap<String, Value>;

/// The workspace's servers, in creation order, as the API shows them.
#[derive(Debug, Default)]
pub struct Workspace {
    /// Each entry is an `McpServer` document, under its id.
    pub servers: Servers,
    /// Counter behind generated ids, kept across restarts so ids are never reused.
    pub next_id: u64,
    journal: Option<Journal>,
}

/// A change on its way to the disk; resolves once it is there (or could not be written).
pub type Receipt = oneshot::Receiver<std::io::Result<()>>;

impl Workspace {
    /// An empty workspace, or the one kept in `state_file` when it exists. Blocking: call it
    /// off the async runtime's workers.
    ///
    /// # Errors
    ///
    /// The file exists but cannot be read, is not a saved workspace, or cannot be rewritten.
    pub fn open(state_file: Option<PathBuf>) -> std::io::Result<Self> {
        let Some(path) = state_file else {
            return Ok(Self::default());
        };
        let (servers, next_id) = if path.exists() {
            load(&path)?
        } else {
            (Servers::new(), 0)
        };
        // Start from a compact file: one line per server, any torn last line gone.
        compact(&path, &servers, next_id)?;
        let journal = Journal::start(path, servers.clone(), next_id)?;
        Ok(Self {
            servers,
            next_id,
            journal: Some(journal),
        })
    }

    /// A fresh server id.
    pub fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("mcp_emu_{:06}", self.next_id)
    }

    /// The server with this id.
    pub fn find(&mut self, id: &str) -> Option<&mut Value> {
        self.servers.get_mut(id)
    }

    /// Queues the change of server `id` (as it is now, or its deletion when it is gone) for
    /// the state file. Called under the workspace's lock, so changes reach the journal in
    /// the order they were made; the caller awaits the receipt after releasing the lock
    /// and acknowledges the change only when it resolves to `Ok`. `None` without a file.
    pub fn record(&self, id: &str) -> Option<Receipt> {
        let journal = self.journal.as_ref()?;
        let now = self.servers.get(id).cloned();
        Some(journal.append(id, now, self.next_id))
    }
}

/// Reads a state file: a journal of JSON lines, each a put, a delete or the id counter.
fn load(path: &Path) -> std::io::Result<(Servers, u64)> {
    let bytes = std::fs::read(path)?;
    parse(&bytes).map_err(|why| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: {why}", path.display()),
        )
    })
}

/// The servers and id counter of a state file's bytes.
///
/// # Errors
///
/// A line (but a torn last one) is not a journal record: which line, and why.
pub(crate) fn parse(bytes: &[u8]) -> Result<(Servers, u64), String> {
    let mut servers = Servers::new();
    let mut next_id = 0;
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    for (n, line) in lines.iter().enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record: Value = match serde_json::from_slice(line) {
            Ok(record) => record,
            // A crash while appending can leave the last line torn. It was never
            // acknowledged (that waits for the flush), so it is dropped.
            Err(_) if n + 1 == lines.len() => break,
            Err(e) => return Err(format!("line {}: {e}", n + 1)),
        };
        // The emulator serves what it loads: a put must be a server it could have written.
        if let Some(put) = record.get("put")
            && !put.get("id").is_some_and(Value::is_string)
        {
            return Err(format!(
                "line {}: a put must be a server object with a string `id`",
                n + 1
            ));
        }
        next_id = next_id.max(record["next_id"].as_u64().unwrap_or(0));
        apply(&mut servers, &record);
    }
    Ok((servers, next_id))
}

/// The bytes of a compact state file: one put per server, or only the counter.
pub(crate) fn compacted(servers: &Servers, next_id: u64) -> Vec<u8> {
    let mut out = Vec::new();
    if servers.is_empty() {
        out.extend_from_slice(json!({"next_id": next_id}).to_string().as_bytes());
        out.push(b'\n');
    }
    for (id, server) in servers {
        out.extend(record_line(id, Some(server), next_id));
    }
    out
}

/// Applies one journal record to `servers`: a put replaces the server in its place (or adds
/// it at the end), a delete removes it and keeps the others' order.
fn apply(servers: &mut Servers, record: &Value) {
    if let Some(server) = record.get("put") {
        let id = server["id"].as_str().unwrap_or_default().to_owned();
        servers.insert(id, server.clone());
    } else if let Some(id) = record.get("delete").and_then(Value::as_str) {
        servers.shift_remove(id);
    }
}

fn record_line(id: &str, now: Option<&Value>, next_id: u64) -> Vec<u8> {
    let record = match now {
        Some(server) => json!({"next_id": next_id, "put": server}),
        None => json!({"next_id": next_id, "delete": id}),
    };
    let mut line = record.to_string().into_bytes();
    line.push(b'\n');
    line
}

/// Rewrites the state file as one line per server, atomically: a temporary file of its own
/// (process id and a counter in the name, so two emulators never share one), flushed, then
/// renamed over the old file, and the directory flushed so the rename lasts.
fn compact(path: &Path, servers: &Servers, next_id: u64) -> std::io::Result<()> {
    static TEMPORARY: AtomicU64 = AtomicU64::new(0);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("state");
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        TEMPORARY.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(&compacted(servers, next_id))?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// One change for the writer thread.
struct Job {
    id: String,
    now: Option<Value>,
    next_id: u64,
    done: oneshot::Sender<std::io::Result<()>>,
}

/// The handle on the writer thread; the thread ends when the handle is dropped.
#[derive(Debug)]
struct Journal {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Journal {
    fn start(path: PathBuf, servers: Servers, next_id: u64) -> std::io::Result<Self> {
        let file = OpenOptions::new().append(true).open(&path)?;
        let (jobs, queue) = mpsc::channel::<Job>();
        let records = servers.len();
        let mut writer = Writer {
            path,
            file,
            servers,
            next_id,
            records,
        };
        std::thread::Builder::new()
            .name("emulator-journal".into())
            .spawn(move || writer.run(&queue))?;
        Ok(Self { jobs })
    }

    fn append(&self, id: &str, now: Option<Value>, next_id: u64) -> Receipt {
        let (done, receipt) = oneshot::channel();
        let job = Job {
            id: id.to_owned(),
            now,
            next_id,
            done,
        };
        if let Err(mpsc::SendError(job)) = self.jobs.send(job) {
            let _ = job.done.send(Err(std::io::Error::other(
                "the state file's writer has stopped",
            )));
        }
        receipt
    }
}

/// The writer thread's side: the file, and a copy of the workspace to compact from.
struct Writer {
    path: PathBuf,
    file: File,
    servers: Servers,
    next_id: u64,
    /// Lines in the file now.
    records: usize,
}

impl Writer {
    fn run(&mut self, queue: &mpsc::Receiver<Job>) {
        // Every change waiting when the thread gets to it goes into one write and one flush.
        while let Ok(first) = queue.recv() {
            let mut batch = vec![first];
            batch.extend(queue.try_iter());
            let result = self.commit(&batch);
            for job in batch {
                let answer = match &result {
                    Ok(()) => Ok(()),
                    Err(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
                };
                let _ = job.done.send(answer);
            }
        }
    }

    fn commit(&mut self, batch: &[Job]) -> std::io::Result<()> {
        let mut out = Vec::new();
        for job in batch {
            out.extend(record_line(&job.id, job.now.as_ref(), job.next_id));
            match &job.now {
                Some(server) => {
                    self.servers.insert(job.id.clone(), server.clone());
                }
                None => {
                    self.servers.shift_remove(&job.id);
                }
            }
            self.next_id = self.next_id.max(job.next_id);
        }
        self.file.write_all(&out)?;
        self.file.sync_data()?;
        self.records += batch.len();
        // Rewrite once the journal is well past the workspace: the rewrite costs as much as
        // the lines since the last one, so each write pays a constant share of it.
        if self.records > 2 * self.servers.len() + 256 {
            compact(&self.path, &self.servers, self.next_id)?;
            self.file = OpenOptions::new().append(true).open(&self.path)?;
            self.records = self.servers.len().max(1);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(id: &str, name: &str) -> Value {
        json!({"id": id, "config": {"name": name}})
    }

    #[test]
    fn a_journal_replays_puts_and_deletes_and_drops_a_torn_last_line() {
        let dir = tempfile_dir();
        let path = dir.join("state.jsonl");
        let mut text = String::new();
        for (id, now) in [
            ("a", Some(server("a", "A"))),
            ("b", Some(server("b", "B"))),
            ("a", Some(server("a", "A2"))),
            ("b", None),
        ] {
            text.push_str(std::str::from_utf8(&record_line(id, now.as_ref(), 7)).expect("utf-8"));
        }
        text.push_str("{\"next_id\": 9, \"put\": {\"id\": \"c\"");
        std::fs::write(&path, &text).expect("write");
        let (servers, next_id) = load(&path).expect("load");
        assert_eq!(
            servers.values().cloned().collect::<Vec<_>>(),
            vec![server("a", "A2")]
        );
        assert_eq!(next_id, 7);

        let broken = format!("garbage\n{text}");
        std::fs::write(&path, broken).expect("write");
        let err = load(&path).expect_err("a bad line in the middle is an error");
        assert!(err.to_string().contains("line 1"), "{err}");
        let _ = std::fs::remove_dir_all(dir);
    }

    fn tempfile_dir() -> PathBuf {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "emulator-store-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("mkdir");
        dir
    }
}
