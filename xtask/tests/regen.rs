//! `cargo xtask regen` end to end, on a scratch copy of the spec and the bindings, and the
//! raw crate's build script on a scratch copy of the crate.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC: &str = "openapi/elevenlabs-mcp.yaml";
const GENERATED: &str = "crates/elevenlabs-mcp-raw/src/generated.rs";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().expect("has a parent")).expect("mkdir");
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("XTASK_WORKSPACE_ROOT", root)
        .output()
        .expect("xtask runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scratch root holding a copy of the spec with `edit` applied.
fn scratch_spec(edit: impl FnOnce(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(SPEC);
    copy(&workspace().join(SPEC), &path);
    let spec = std::fs::read_to_string(&path).expect("spec");
    std::fs::write(&path, edit(spec)).expect("write spec");
    dir
}

/// The facts of the vendor's current OpenAPI document for the MCP servers API (the one
/// `@elevenlabs/cli` 1.3.0 carries, written by `cargo xtask spec-facts`): its paths,
/// parameters, schemas, field names, types and enum values, with every description,
/// summary, title and example removed. Kept in the repository so that no test reads a file
/// outside it.
fn upstream() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vendor-mcp-servers.facts.json")
}

/// Adds a value to the `ToolCallSound` enum.
fn add_enum_value(spec: String) -> String {
    let needle = "      - elevator4\n    ToolCallSoundBehavior:";
    assert!(
        spec.contains(needle),
        "the ToolCallSound enum moved; update this test"
    );
    spec.replacen(
        needle,
        "      - elevator4\n      - elevator5\n    ToolCallSoundBehavior:",
        1,
    )
}

#[test]
fn committed_bindings_are_fresh() {
    let out = xtask(&workspace(), &["regen", "--check"]);
    assert!(
        out.status.success(),
        "stale bindings:\n{}",
        text(&out.stderr)
    );
}

#[test]
fn editing_an_enum_makes_check_fail_until_regen() {
    let dir = scratch_spec(add_enum_value);
    let root = dir.path();
    copy(&workspace().join(GENERATED), &root.join(GENERATED));

    let check = xtask(root, &["regen", "--check"]);
    assert!(!check.status.success(), "--check passed on a stale file");
    let err = text(&check.stderr);
    assert!(err.contains("is stale"), "{err}");
    assert!(
        err.contains("changed type: ToolCallSound (+Elevator5)"),
        "{err}"
    );
    let untouched = std::fs::read_to_string(root.join(GENERATED)).expect("generated");
    assert!(!untouched.contains("elevator5"), "--check must not write");

    let regen = xtask(root, &["regen"]);
    assert!(regen.status.success(), "{}", text(&regen.stderr));
    assert!(
        text(&regen.stdout).contains("changed type: ToolCallSound (+Elevator5)"),
        "{}",
        text(&regen.stdout)
    );
    let fresh = std::fs::read_to_string(root.join(GENERATED)).expect("generated");
    assert!(
        fresh.contains("\"elevator5\" => Self::Elevator5"),
        "new value not generated"
    );

    let spec_bytes = std::fs::read(root.join(SPEC)).expect("spec");
    let recorded = fresh
        .lines()
        .find_map(|l| l.strip_prefix("// spec-sha256: "))
        .expect("hash header");
    let digest = sha256(&spec_bytes);
    assert_eq!(recorded, digest);

    let again = xtask(root, &["regen", "--check"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
}

#[test]
fn lint_errors_stop_regen_with_a_readable_message() {
    let dir = scratch_spec(|spec| spec.replacen("openapi: 3.0.3", "openapi: 3.1.0", 1));
    let out = xtask(dir.path(), &["regen"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("error[openapi-version] openapi"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn spec_diff_against_the_vendor_document_finds_nothing_missing() {
    let upstream = upstream();
    let out = xtask(
        &workspace(),
        &[
            "spec-diff",
            "--upstream",
            upstream.to_str().expect("utf-8 path"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("lacks (0):"),
        "the spec misses upstream facts:\n{stdout}"
    );
}

#[test]
fn spec_diff_reports_a_removed_field() {
    let dir = scratch_spec(|spec| {
        spec.replace(
            "        disable_compression:\n",
            "        disable_compressed:\n",
        )
    });
    let upstream = upstream();
    let out = xtask(
        dir.path(),
        &[
            "spec-diff",
            "--upstream",
            upstream.to_str().expect("utf-8 path"),
        ],
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout
            .contains("- PATCH /v1/convai/mcp-servers/{mcp_server_id} request.disable_compression"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("+ PATCH /v1/convai/mcp-servers/{mcp_server_id} request.disable_compressed"),
        "{stdout}"
    );
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
