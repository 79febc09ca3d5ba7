//! The manifest reader of `plan` and `apply` (the budget walk, the YAML or JSON parse, the
//! entry checks), on any text and on entries generated from the manifest's own schema.
//!
//! What must hold: no panic; an accepted manifest, written back as `pull` writes it, reads
//! back to the same text; a refused one is refused with at least one problem, each at a
//! line and column that exist in the text, and a report to show.

#![no_main]

use std::sync::LazyLock;

use arbitrary::Unstructured;
use elevenlabs_mcp_cli::fuzzing::{entry_schema, read_manifest};
use elevenlabs_mcp_fuzz::from_schema;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

static ENTRY: LazyLock<Value> = LazyLock::new(entry_schema);

/// The lines of `text` as YAML counts them: LF, CRLF and a lone CR each end one.
fn lines(text: &str) -> Vec<&str> {
    text.split("\r\n")
        .flat_map(|l| l.split(['\n', '\r']))
        .collect()
}

fn check(text: &str) {
    match read_manifest(text) {
        Ok(written) => {
            assert_eq!(
                read_manifest(&written).as_ref().map_err(|(p, _)| p),
                Ok(&written),
                "a manifest written back as pull writes it reads differently"
            );
        }
        Err((problems, report)) => {
            assert!(!problems.is_empty(), "refused without a problem");
            assert!(!report.is_empty(), "refused without a report");
            let lines = lines(text);
            for p in &problems {
                assert!(
                    p.line >= 1 && p.line <= lines.len(),
                    "line {} of {}: {}",
                    p.line,
                    lines.len(),
                    p.message
                );
                let width = lines[p.line - 1].chars().count();
                assert!(
                    p.column >= 1 && p.column <= width + 1,
                    "column {} of a line of {width}: {}",
                    p.column,
                    p.message
                );
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        if let Ok(text) = std::str::from_utf8(rest) {
            check(text);
        }
        return;
    }
    // Entries from the schema, written as YAML or as JSON.
    let mut u = Unstructured::new(rest);
    let mut servers = Vec::new();
    for _ in 0..u.int_in_range(0..=3).unwrap_or(0) {
        match from_schema(&mut u, &ENTRY, &ENTRY, 6) {
            Ok(entry) => servers.push(entry),
            Err(_) => break,
        }
    }
    let doc = json!({"servers": servers});
    let text = if mode % 4 == 1 {
        serde_norway::to_string(&doc).unwrap_or_default()
    } else {
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    };
    check(&text);
});
