//! The scanner against the corpus in `tests/corpus`: real tool definitions of public
//! MCP servers and benign look-alikes (none may be flagged), and published and written
//! poisoning examples (every one must be flagged at high severity). A tool with a non-empty
//! `kinds` list is poisoned; every other tool is benign. Run with `--nocapture` for the
//! report: recall per kind and false positives per server.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Finding, Scope, Severity, scan_tool};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every JSON file of the corpus, in a stable order.
fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![corpus_dir()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.map(|e| e.path()).unwrap_or_default();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// One scanned tool of the corpus.
struct Scanned {
    file: String,
    tool: Value,
    findings: Vec<Finding>,
}

impl Scanned {
    fn kinds(&self) -> Vec<&str> {
        self.tool["kinds"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    }
}

/// Every tool of the corpus, each file's tools in scope together (one server's tools).
fn scan_corpus() -> Vec<Scanned> {
    let mut out = Vec::new();
    for path in corpus_files() {
        let doc = read(&path);
        let tools = doc["tools"].as_array().cloned().unwrap_or_default();
        let scope = Scope::new(tools.iter().filter_map(|t| t["name"].as_str()));
        let file = path
            .strip_prefix(corpus_dir())
            .unwrap_or(&path)
            .display()
            .to_string();
        for tool in tools {
            let findings = scan_tool(&file, &tool, &scope);
            out.push(Scanned {
                file: file.clone(),
                tool,
                findings,
            });
        }
    }
    out
}

#[test]
fn no_benign_tool_is_flagged_and_every_poisoned_one_is() {
    let scanned = scan_corpus();
    let (poisoned, benign): (Vec<&Scanned>, Vec<&Scanned>) =
        scanned.iter().partition(|s| !s.kinds().is_empty());

    // False positives, per file (a file is one server).
    let mut per_file: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut false_positives = Vec::new();
    for s in &benign {
        let entry = per_file.entry(&s.file).or_default();
        entry.0 += 1;
        if !s.findings.is_empty() {
            entry.1 += 1;
        }
        false_positives.extend(s.findings.iter().map(|f| {
            format!(
                "{} / {} {} {}: {}",
                f.server, f.tool, f.rule, f.pointer, f.evidence
            )
        }));
    }
    let flagged_files = per_file
        .values()
        .filter(|(_, flagged)| *flagged > 0)
        .count();
    println!(
        "benign: {} tools in {} files, {} flagged, {} files with a flagged tool",
        benign.len(),
        per_file.len(),
        benign.iter().filter(|s| !s.findings.is_empty()).count(),
        flagged_files
    );
    for (file, (tools, flagged)) in &per_file {
        println!("  {file:<56} {tools:>4} tools  {flagged} flagged");
    }

    // Recall, per kind.
    let mut per_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut missed = Vec::new();
    for s in &poisoned {
        let caught = s.findings.iter().any(|f| f.severity == Severity::High);
        for kind in s.kinds() {
            let entry = per_kind.entry(kind).or_default();
            entry.0 += 1;
            entry.1 += usize::from(caught);
        }
        if !caught {
            missed.push(format!(
                "{} / {} ({:?}): {}",
                s.file,
                s.tool["name"],
                s.kinds(),
                super::chars::visible(s.tool["description"].as_str().unwrap_or(""), 200)
            ));
        }
    }
    println!("poisoned: {} tools", poisoned.len());
    for (kind, (all, caught)) in &per_kind {
        println!("  {kind:<22} {caught}/{all}");
    }

    assert!(
        benign.len() > 2000,
        "the corpus lost its real tools: {}",
        benign.len()
    );
    assert!(
        poisoned.len() > 200,
        "the corpus lost its poisoned tools: {}",
        poisoned.len()
    );
    assert!(
        false_positives.is_empty() && missed.is_empty(),
        "{} false positive(s):\n{}\n{} missed:\n{}",
        false_positives.len(),
        false_positives.join("\n"),
        missed.len(),
        missed.join("\n")
    );
}
