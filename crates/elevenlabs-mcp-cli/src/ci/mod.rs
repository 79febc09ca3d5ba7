//! Output for the places teams run the CLI in CI: Markdown for pull-request comments
//! (`--output markdown`: `plan`, `tools audit`, `tools scan`) and SARIF 2.1.0 for
//! code-scanning alerts (`--output sarif`: `tools scan`, `tools audit`). Both carry names
//! and descriptions that servers chose, so both treat every such string as hostile.

pub mod markdown;
pub mod sarif;

use std::path::Path;

/// Where a server is declared in a manifest: its `name:` line (1-based), found by reading
/// the file's lines, so that an alert can point at it. `None` when the file does not
/// declare it (or cannot be read).
pub fn declared_at(manifest: &str, server: &str) -> Option<usize> {
    manifest
        .lines()
        .position(|line| names(line, server))
        .map(|i| i + 1)
}

/// Whether `line` is a manifest's `name: SERVER` (YAML, plain or quoted, in a list item or
/// not) or `"name": "SERVER"` (JSON).
fn names(line: &str, server: &str) -> bool {
    let line = line
        .trim()
        .trim_start_matches(|c: char| c == '-' || c == '{' || c.is_whitespace());
    let value = line
        .strip_prefix("name:")
        .or_else(|| line.strip_prefix("\"name\":"))
        .map(|v| v.trim().trim_end_matches(',').trim());
    let Some(value) = value else {
        return false;
    };
    let unquoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value);
    unquoted == server
}

/// A manifest given to point alerts at: its path as written and its text.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub path: String,
    pub text: String,
}

impl Manifest {
    /// Reads `path` within the manifest's size bound.
    pub fn read(path: &Path) -> Result<Self, String> {
        let bytes = crate::files::read_bounded(path, crate::files::MANIFEST_LIMIT)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Self {
            path: path.display().to_string(),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_is_found_where_the_manifest_names_it() {
        let yaml = "servers:\n  - name: Docs\n    url: https://a\n  - name: \"Tickets\"\n";
        assert_eq!(declared_at(yaml, "Docs"), Some(2));
        assert_eq!(declared_at(yaml, "Tickets"), Some(4));
        assert_eq!(declared_at(yaml, "Doc"), None);
        let json = "{\"servers\": [\n  {\"name\": \"Docs\",\n   \"url\": \"https://a\"}]}";
        assert_eq!(
            declared_at(json, "Docs"),
            Some(2),
            "JSON, the brace on the line"
        );
        let json = "{\"servers\": [\n  {\n    \"name\": \"Docs\",\n    \"url\": \"https://a\"}]}";
        assert_eq!(declared_at(json, "Docs"), Some(3));
    }
}
