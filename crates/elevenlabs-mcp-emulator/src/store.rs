//! The emulated workspace: its servers, kept in memory and, when asked, in a state file
//! that is replaced atomically after every write, before the write is acknowledged.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The workspace's servers, in creation order, as the API shows them.
#[derive(Debug, Default)]
pub struct Workspace {
    /// Each entry is an `McpServer` document.
    pub servers: Vec<Value>,
    /// Counter behind generated ids, kept across restarts so ids are never reused.
    pub next_id: u64,
    state_file: Option<PathBuf>,
}

impl Workspace {
    /// An empty workspace, or the one saved in `state_file` when it exists.
    ///
    /// # Errors
    ///
    /// The file exists but cannot be read or is not a saved workspace.
    pub fn open(state_file: Option<PathBuf>) -> std::io::Result<Self> {
        let mut ws = Self {
            state_file,
            ..Self::default()
        };
        if let Some(path) = &ws.state_file
            && path.exists()
        {
            let saved: Value = serde_json::from_slice(&std::fs::read(path)?)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            ws.servers = saved["servers"].as_array().cloned().unwrap_or_default();
            ws.next_id = saved["next_id"].as_u64().unwrap_or(0);
        }
        Ok(ws)
    }

    /// A fresh server id.
    pub fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("mcp_emu_{:06}", self.next_id)
    }

    /// The server with this id.
    pub fn find(&mut self, id: &str) -> Option<&mut Value> {
        self.servers.iter_mut().find(|s| s["id"] == id)
    }

    /// Writes the workspace to its state file, if it has one: to a temporary file in the same
    /// directory, flushed to disk, then renamed over the old one, so that a crash leaves
    /// either the old state or the new one, never half of either.
    ///
    /// # Errors
    ///
    /// The file could not be written; the caller must not acknowledge the change.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.state_file else {
            return Ok(());
        };
        let doc = json!({"servers": self.servers, "next_id": self.next_id});
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = dir.join(format!(
            ".{}.tmp",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("state")
        ));
        {
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(&serde_json::to_vec_pretty(&doc).map_err(std::io::Error::other)?)?;
            file.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        // The rename itself must reach the disk too.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}
