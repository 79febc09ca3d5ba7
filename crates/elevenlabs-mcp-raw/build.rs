//! Keeps the spec the source of truth: in a workspace build, fail when the committed
//! bindings were generated from a different spec than the one on disk.
//!
//! A published crate ships without the spec; then there is nothing to compare and the
//! script stays quiet.

use std::path::Path;

use sha2::{Digest, Sha256};

const SPEC: &str = "../../openapi/elevenlabs-mcp.yaml";
const GENERATED: &str = "src/generated.rs";
const HASH_PREFIX: &str = "// spec-sha256: ";

fn main() {
    println!("cargo:rerun-if-changed={GENERATED}");
    println!("cargo:rerun-if-changed={SPEC}");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let spec_path = Path::new(&manifest).join(SPEC);
    let Ok(spec) = std::fs::read(&spec_path) else {
        return;
    };
    let generated =
        std::fs::read_to_string(Path::new(&manifest).join(GENERATED)).unwrap_or_default();
    let recorded = generated
        .lines()
        .find_map(|line| line.strip_prefix(HASH_PREFIX))
        .unwrap_or("<none>");
    let actual: String = Sha256::digest(&spec)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if recorded != actual {
        eprintln!(
            "spec changed: run `cargo xtask regen`\n  {} has sha256 {actual}\n  {GENERATED} was generated from {recorded}",
            spec_path.display()
        );
        std::process::exit(1);
    }
}
