//! The vendor's SDKs, run as child processes against the same loopback server: each prints
//! one JSON line with its median time per `get` and per `list`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::bodies::SERVER_ID;
use crate::measure::Effort;

/// One vendor SDK and the interpreter that runs it.
#[derive(Debug, Clone)]
pub struct VendorSdk {
    program: PathBuf,
    script: &'static str,
    burst_script: &'static str,
    env: Vec<(&'static str, PathBuf)>,
}

/// What a vendor SDK did with many calls started at once.
#[derive(Debug, Clone)]
pub struct BurstResult {
    /// The package, its version and the runtime.
    pub sdk: String,
    /// How long all the calls took.
    pub took: Duration,
    /// Calls that failed.
    pub failed: u64,
}

/// What a vendor SDK measured.
#[derive(Debug, Clone)]
pub struct VendorResult {
    /// The package, its version and the runtime.
    pub sdk: String,
    /// Median time per `get`.
    pub get: Duration,
    /// Median time per `list`.
    pub list: Duration,
}

impl VendorSdk {
    /// The Python package `elevenlabs`, installed for `python`.
    pub fn python(python: PathBuf) -> Self {
        Self {
            program: python,
            script: "bench.py",
            burst_script: "burst.py",
            env: Vec::new(),
        }
    }

    /// The npm package `@elevenlabs/elevenlabs-js`, installed in `node_modules`.
    pub fn node(node_modules: PathBuf) -> Self {
        Self {
            program: "node".into(),
            script: "bench.cjs",
            burst_script: "burst.cjs",
            env: vec![("NODE_PATH", node_modules)],
        }
    }

    /// Runs the SDK's burst script: `gets` gets of `server_id` and `creates` creates (named
    /// `prefix0`, `prefix1`, …) started at once.
    pub fn burst(
        &self,
        base_url: &str,
        key: &str,
        server_id: &str,
        gets: usize,
        creates: usize,
        prefix: &str,
    ) -> Result<BurstResult> {
        let line = self.script_line(
            self.burst_script,
            &[
                base_url,
                key,
                server_id,
                &gets.to_string(),
                &creates.to_string(),
                prefix,
            ],
        )?;
        Ok(BurstResult {
            sdk: line["sdk"].as_str().unwrap_or(self.burst_script).to_owned(),
            took: line["seconds"]
                .as_f64()
                .map(Duration::from_secs_f64)
                .context("the burst script printed no seconds")?,
            failed: line["failed"].as_u64().unwrap_or(0),
        })
    }

    /// Runs one of the SDK's scripts and reads the JSON line it prints.
    fn script_line(&self, name: &str, args: &[&str]) -> Result<Value> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("vendor")
            .join(name);
        let output = Command::new(&self.program)
            .arg(&script)
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .with_context(|| format!("running {} {}", self.program.display(), script.display()))?;
        if !output.status.success() {
            bail!(
                "{} failed ({}): {}",
                script.display(),
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        serde_json::from_slice(&output.stdout).with_context(|| {
            format!(
                "{name} printed {:?}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
    }

    /// Runs the SDK's script against `base_url`. The SDKs make far fewer calls than the Rust
    /// subjects, in at most three rounds: one Python `list` of the whole workspace takes
    /// about 18 seconds here.
    pub fn run(
        &self,
        base_url: &str,
        key: &str,
        servers: usize,
        effort: Effort,
    ) -> Result<VendorResult> {
        let gets = (effort.gets / 10).max(1);
        let lists = 1;
        let rounds = effort.rounds.min(3);
        let counts = [servers, gets, lists, rounds].map(|n| n.to_string());
        let mut args = vec![base_url, key, SERVER_ID];
        args.extend(counts.iter().map(String::as_str));
        let line = self.script_line(self.script, &args)?;
        let seconds = |field: &str| {
            line[field]
                .as_f64()
                .map(Duration::from_secs_f64)
                .with_context(|| format!("{} printed no {field}", self.script))
        };
        Ok(VendorResult {
            sdk: line["sdk"].as_str().unwrap_or(self.script).to_owned(),
            get: seconds("get_s")?,
            list: seconds("list_s")?,
        })
    }
}
