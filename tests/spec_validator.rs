//! The spec checked by a real OpenAPI validator (Python's `openapi-spec-validator`).
//!
//! `scripts/test` installs the validator into `target/tools/venv` and exports its path as
//! `OPENAPI_SPEC_VALIDATOR`; run the tests through it, or point that variable at an
//! installed validator. Under plain `cargo test` without it, these tests say how to install
//! it and pass without checking; with `CI` set, a missing validator fails them.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// The validator, or `None` (after saying how to get it) when it is not installed.
fn validator() -> Option<PathBuf> {
    let path = std::env::var_os("OPENAPI_SPEC_VALIDATOR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/tools/venv/bin/openapi-spec-validator"));
    workspace_tests::external_tool(&path, "openapi-spec-validator")
}

#[test]
fn spec_passes_openapi_spec_validator() {
    let Some(validator) = validator() else { return };
    let spec = workspace().join("openapi/elevenlabs-mcp.yaml");
    let out = Command::new(&validator)
        .arg(&spec)
        .output()
        .expect("validator runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the spec is not valid OpenAPI:\n{report}"
    );
    assert!(report.contains("OK"), "{report}");
}

#[test]
fn validator_rejects_a_broken_spec() {
    // Proves the check above can fail: the same spec with a dangling reference.
    let Some(validator) = validator() else { return };
    let spec =
        std::fs::read_to_string(workspace().join("openapi/elevenlabs-mcp.yaml")).expect("spec");
    let broken = spec.replacen(
        "#/components/schemas/McpServerList",
        "#/components/schemas/NoSuchSchema",
        1,
    );
    assert_ne!(spec, broken);
    let dir = std::env::temp_dir().join(format!("elevenlabs-mcp-validator-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let path = dir.join("broken.yaml");
    std::fs::write(&path, broken).expect("write");
    let out = Command::new(&validator)
        .arg(&path)
        .output()
        .expect("validator runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        !out.status.success(),
        "the validator accepted a dangling $ref"
    );
}
