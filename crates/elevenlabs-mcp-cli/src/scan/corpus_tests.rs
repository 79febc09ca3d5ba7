//! The scanner against the corpus in `tests/scan-corpus`: real tool definitions of public
//! MCP servers (none may be flagged) and published and written poisoning examples (every one
//! must be flagged at high severity). Run with `--nocapture` for the report: recall per kind
//! and false positives per server.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Finding, Scope, Severity, scan_tool};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scan-corpus")
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// The tools of one corpus file, scanned with every tool of that file in scope.
fn scan_file(path: &Path) -> Vec<(Value, Vec<Finding>)> {
    let doc = read(path);
    let tools = doc["tools"].as_array().cloned().unwrap_or_default();
    let scope = Scope::new(tools.iter().filter_map(|t| t["name"].as_str()));
    let server = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    tools
        .into_iter()
        .map(|tool| {
            let found = scan_tool(&server, &tool, &scope);
            (tool, found)
        })
        .collect()
}

#[test]
fn no_real_tool_is_flagged() {
    let mut benign: Vec<PathBuf> = json_files(&corpus_dir().join("benign"));
    benign.push(corpus_dir().join("benign-tricky.json"));
    let mut report = Vec::new();
    let mut flagged = Vec::new();
    let mut total = 0;
    for file in &benign {
        let scanned = scan_file(file);
        let bad: Vec<&Finding> = scanned.iter().flat_map(|(_, f)| f).collect();
        let tools_flagged = scanned.iter().filter(|(_, f)| !f.is_empty()).count();
        total += scanned.len();
        report.push(format!(
            "{:<48} {:>4} tools  {} flagged",
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            scanned.len(),
            tools_flagged
        ));
        flagged.extend(bad.into_iter().map(|f| {
            format!(
                "{} / {} {} {}: {}",
                f.server, f.tool, f.rule, f.pointer, f.evidence
            )
        }));
    }
    println!(
        "real tools: {total} in {} files\n{}",
        benign.len(),
        report.join("\n")
    );
    assert!(total > 1000, "the corpus lost its real tools: {total}");
    assert!(
        flagged.is_empty(),
        "{} false positive(s):\n{}",
        flagged.len(),
        flagged.join("\n")
    );
}

#[test]
fn every_poisoned_tool_is_flagged_high() {
    let mut per_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut missed = Vec::new();
    let mut total = 0;
    for file in json_files(&corpus_dir().join("poisoned")) {
        for (tool, found) in scan_file(&file) {
            total += 1;
            let caught = found.iter().any(|f| f.severity == Severity::High);
            for kind in tool["kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let entry = per_kind.entry(kind.to_owned()).or_default();
                entry.0 += 1;
                entry.1 += usize::from(caught);
            }
            if !caught {
                missed.push(format!(
                    "{} / {} ({}): {}",
                    file.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    tool["name"],
                    tool["kinds"],
                    super::chars::visible(tool["description"].as_str().unwrap_or(""), 200)
                ));
            }
        }
    }
    println!("poisoned tools: {total}");
    for (kind, (all, caught)) in &per_kind {
        println!("{kind:<22} {caught}/{all}");
    }
    assert!(total > 100, "the corpus lost its poisoned tools: {total}");
    assert!(
        missed.is_empty(),
        "{} missed:\n{}",
        missed.len(),
        missed.join("\n")
    );
}
