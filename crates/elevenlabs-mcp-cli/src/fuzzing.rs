//! The doors of the command that the fuzz targets in `fuzz/` open: the manifest reader and
//! the lock file. Built only with `--cfg fuzzing` (cargo-fuzz sets it); each function takes
//! the untrusted bytes as the command reads them and returns what the target's assertions
//! need, in plain types.

/// A place in a refused manifest, as its report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// What is wrong there.
    pub message: String,
}

/// Reads a manifest the way `plan` and `apply` do (budget walk, parse, entry checks). An
/// accepted manifest comes back as `pull` would write each server, as YAML text; a refused
/// one as the places of its problems, and the report rendered under them (the snippet
/// with a caret, as the command prints it).
///
/// # Errors
///
/// The manifest is refused: every problem with its line and column, and the report.
pub fn read_manifest(text: &str) -> Result<String, (Vec<Location>, String)> {
    let (manifest, findings) = crate::manifest::parse("fuzz.yaml", text);
    match manifest {
        Some(manifest) => Ok(written(&manifest)),
        None => Err((
            findings
                .problems
                .iter()
                .map(|p| Location {
                    line: p.line,
                    column: p.column,
                    message: p.message.clone(),
                })
                .collect(),
            crate::manifest::report::render(&findings.problems, text),
        )),
    }
}

/// The manifest as `pull` writes its servers.
fn written(manifest: &crate::manifest::Manifest) -> String {
    let servers: Vec<serde_norway::Value> = manifest
        .servers
        .iter()
        .map(crate::manifest::entry::Server::to_manifest)
        .collect();
    let mut doc = serde_norway::Mapping::new();
    doc.insert("servers".into(), serde_norway::Value::Sequence(servers));
    serde_norway::to_string(&doc).unwrap_or_default()
}

/// Reads a lock file's bytes the way `tools audit` does; an accepted lock comes back as
/// `tools pin` writes it (pretty JSON).
///
/// # Errors
///
/// The bytes are not a lock file: the message.
pub fn read_lock(bytes: &[u8]) -> Result<String, String> {
    let lock = crate::audit::parse_lock(bytes).map_err(|e| e.to_string())?;
    serde_json::to_string_pretty(&lock).map_err(|e| e.to_string())
}

/// The JSON Schema of one manifest entry (what `manifest schema` publishes for an item of
/// `servers`), with its `$defs` inlined under `$defs`: the structured manifest target
/// generates entries from it.
pub fn entry_schema() -> serde_json::Value {
    let (mut entry, defs) = crate::manifest::entry::schema();
    entry["$defs"] = serde_json::Value::Object(defs);
    entry
}
