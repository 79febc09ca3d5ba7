//! What the binary's tests share: the binary, aimed at a base URL, with no key of the
//! caller's and no colours.

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
