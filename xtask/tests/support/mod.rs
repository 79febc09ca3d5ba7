//! What the xtask tests that build scratch programs share: the workspace's path, a
//! process's output as text, and cargo run in a scratch directory against the shared
//! `target/scratch-maintainer`, so dependencies are compiled once for all of them.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// Standard output then standard error, as text.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `cargo ARGS` in `dir`, building into the shared scratch target directory.
pub fn scratch_cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target/scratch-maintainer"),
        )
        .args(args)
        .output()
        .expect("cargo runs")
}
