//! The emulator binary as a child process: started with its arguments, its base URL read
//! from the line it prints, killed when dropped. For tests and benchmarks that need the
//! binary itself (its state file, a kill at any moment) rather than the in-process
//! [`Emulator`](crate::Emulator).

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running emulator binary; killed (SIGKILL) when dropped.
///
/// ```no_run
/// use elevenlabs_mcp_emulator::Process;
///
/// let emulator = Process::spawn("target/debug/elevenlabs-mcp-emulator", ["--port", "0"])?;
/// println!("{}", emulator.base_url());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Process {
    child: Child,
    base_url: String,
}

impl Process {
    /// Starts `binary` with `args` (which should include `--port 0`) and waits for the line
    /// that names its address.
    ///
    /// # Errors
    ///
    /// The binary cannot be started, or its first line names no loopback address.
    pub fn spawn<I, S>(binary: impl AsRef<OsStr>, args: I) -> std::io::Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut child = Command::new(binary)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take();
        // From here the child is killed on every way out.
        let mut process = Self {
            child,
            base_url: String::new(),
        };
        let mut line = String::new();
        if let Some(stdout) = stdout {
            BufReader::new(stdout).read_line(&mut line)?;
        }
        let url = line.trim().rsplit(' ').next().unwrap_or_default();
        if !url.starts_with("http://127.0.0.1:") {
            return Err(std::io::Error::other(format!(
                "the emulator did not start (it said {line:?})"
            )));
        }
        process.base_url = url.to_owned();
        Ok(process)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Kills the process at once (SIGKILL): no shutdown, no flushing.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}
