//! What the binary's tests share: the binary, aimed at a base URL, with no key of the
//! caller's and no colours.

// Each test binary uses a part of this module.
#![allow(dead_code)]

use assert_cmd::Command;

/// The binary, pointed at `base_url`.
pub fn cli(base_url: &str) -> Command {
    let mut cmd = Command::cargo_bin("elevenlabs-mcp").expect("the binary is built");
    cmd.env("ELEVENLABS_BASE_URL", base_url)
        .env("NO_COLOR", "1")
        .env_remove("ELEVENLABS_API_KEY")
        .env_remove("ELEVEN_API_KEY");
    cmd
}

/// The binary, pointed at `base_url`, answering `yes` to every question: for the tests that
/// are about something else than asking. `--yes` is added unless `args` has it.
pub fn cli_yes(base_url: &str, args: &[&str]) -> Command {
    let mut cmd = cli(base_url);
    if !args.iter().any(|a| *a == "--yes" || *a == "-y") {
        cmd.arg("--yes");
    }
    cmd.args(args);
    cmd
}

/// Writes `text` to `dir/name`; the path, as text for an argument.
pub fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}
