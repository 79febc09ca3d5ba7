//! The raw crate as its users get it: its build script guards the spec hash, and its
//! normal dependency tree carries none of the generator's crates.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn tree(edges: &str) -> String {
    let out = cargo()
        .current_dir(workspace())
        .args([
            "tree",
            "-e",
            edges,
            "-p",
            "elevenlabs-mcp-raw",
            "--prefix",
            "none",
            "--offline",
        ])
        .output()
        .expect("cargo tree runs");
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn has(tree: &str, krate: &str) -> bool {
    tree.lines().any(|l| l.starts_with(&format!("{krate} ")))
}

#[test]
fn normal_dependency_tree_has_no_generator_crates() {
    let normal = tree("normal");
    assert!(has(&normal, "serde"), "unexpected tree:\n{normal}");
    for banned in [
        // No HTTP client ships here: the wrapper's pipeline sends every request.
        "progenitor-client",
        "reqwest",
        "progenitor-impl",
        "progenitor",
        "typify",
        "typify-impl",
        "openapiv3",
        "prettyplease",
    ] {
        assert!(
            !has(&normal, banned),
            "{banned} is in the normal tree:\n{normal}"
        );
    }
    // syn reaches the tree only as a dependency of proc macros (serde_derive and the like,
    // which every serde user compiles); no crate linked into a user's program needs it.
    let linked = tree("normal,no-proc-macro");
    assert!(!has(&linked, "syn"), "syn is linked in:\n{linked}");
}

/// A scratch workspace holding only the spec and the raw crate.
fn scratch_workspace(dir: &Path) {
    let ws = workspace();
    let manifest = std::fs::read_to_string(ws.join("Cargo.toml")).expect("manifest");
    let manifest: String = manifest
        .lines()
        .map(|l| {
            if l.starts_with("members") || l.starts_with("default-members") {
                l.split_once('=').map_or(l.to_owned(), |(k, _)| {
                    format!("{k}= [\"crates/elevenlabs-mcp-raw\"]")
                })
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write manifest");
    std::fs::copy(ws.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy lock");
    let raw = dir.join("crates/elevenlabs-mcp-raw/src");
    std::fs::create_dir_all(&raw).expect("mkdir");
    std::fs::create_dir_all(dir.join("openapi")).expect("mkdir");
    let crate_dir = ws.join("crates/elevenlabs-mcp-raw");
    let sources = std::fs::read_dir(crate_dir.join("src"))
        .expect("raw crate sources")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| format!("src/{}", p.file_name().expect("name").to_string_lossy()));
    for f in ["Cargo.toml".to_owned(), "build.rs".to_owned()]
        .into_iter()
        .chain(sources)
    {
        std::fs::copy(
            crate_dir.join(&f),
            dir.join("crates/elevenlabs-mcp-raw").join(&f),
        )
        .expect("copy raw crate");
    }
    std::fs::copy(
        ws.join("openapi/elevenlabs-mcp.yaml"),
        dir.join("openapi/elevenlabs-mcp.yaml"),
    )
    .expect("copy spec");
    // The raw crate's dev-dependency, which cargo loads with its manifest.
    let corpus = ws.join("crates/elevenlabs-mcp-corpus");
    let corpus_copy = dir.join("crates/elevenlabs-mcp-corpus");
    for sub in ["src", "corpus"] {
        std::fs::create_dir_all(corpus_copy.join(sub)).expect("mkdir");
        for entry in std::fs::read_dir(corpus.join(sub)).expect("corpus crate") {
            let path = entry.expect("dir entry").path();
            let name = path.file_name().expect("name");
            std::fs::copy(&path, corpus_copy.join(sub).join(name)).expect("copy corpus crate");
        }
    }
    std::fs::copy(corpus.join("Cargo.toml"), corpus_copy.join("Cargo.toml"))
        .expect("copy corpus manifest");
}

fn check(dir: &Path) -> Output {
    // Share the workspace's target directory so dependencies are not rebuilt.
    let target = workspace().join("target/scratch-raw-crate");
    cargo()
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .args(["check", "--offline", "--quiet", "-p", "elevenlabs-mcp-raw"])
        .output()
        .expect("cargo check runs")
}

#[test]
fn build_script_fails_when_the_spec_no_longer_matches() {
    let dir = tempfile::tempdir().expect("tempdir");
    scratch_workspace(dir.path());
    let ok = check(dir.path());
    assert!(ok.status.success(), "fresh copy must build:\n{}", text(&ok));

    let spec = dir.path().join("openapi/elevenlabs-mcp.yaml");
    let mut bytes = std::fs::read(&spec).expect("spec");
    bytes.extend_from_slice(b"\n# an edit\n");
    std::fs::write(&spec, bytes).expect("write");
    let stale = check(dir.path());
    assert!(
        !stale.status.success(),
        "a changed spec must fail the build"
    );
    assert!(
        text(&stale).contains("spec changed: run `cargo xtask regen`"),
        "{}",
        text(&stale)
    );

    // A published crate has no spec beside it: nothing to compare, no complaint.
    std::fs::remove_file(&spec).expect("remove spec");
    let published = check(dir.path());
    assert!(published.status.success(), "{}", text(&published));
}
