//! Loading the project's OpenAPI document.
//!
//! The spec is read twice over: as a `serde_json::Value` (the lint and the lowering work on
//! the document as written, so they can see shapes `openapiv3` would silently drop) and as
//! an `openapiv3::OpenAPI` (what progenitor consumes).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Path of the spec, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/elevenlabs-mcp.yaml";

/// The spec as loaded from disk.
pub struct Spec {
    /// The exact bytes on disk; their hash is recorded in the generated header.
    pub bytes: Vec<u8>,
    /// The document as a JSON tree.
    pub doc: Value,
}

impl Spec {
    /// Reads and parses the YAML at `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let doc = parse_yaml(&bytes).with_context(|| format!("parsing {}", path.display()))?;
        Ok(Self { bytes, doc })
    }

    /// Lower-case hex sha256 of the bytes on disk.
    pub fn sha256(&self) -> String {
        sha256_hex(&self.bytes)
    }
}

/// Parses YAML (or JSON, which is YAML) into a JSON tree.
pub fn parse_yaml(bytes: &[u8]) -> Result<Value> {
    let value: Value = serde_norway::from_slice(bytes)?;
    Ok(value)
}

/// Lower-case hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The workspace root: `XTASK_WORKSPACE_ROOT` when set (the xtask's own tests run it on a
/// scratch copy), else the parent of the xtask crate.
pub fn workspace_root() -> PathBuf {
    if let Some(root) = std::env::var_os("XTASK_WORKSPACE_ROOT") {
        return PathBuf::from(root);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Converts the JSON tree into the typed document progenitor takes.
pub fn to_openapi(doc: &Value) -> Result<openapiv3::OpenAPI> {
    serde_json::from_value(doc.clone()).context("the spec is not an OpenAPI 3.0 document")
}
