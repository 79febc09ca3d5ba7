//! Maintainer commands for elevenlabs-mcp.
//!
//! - `cargo xtask regen [--check]`: spec -> lint -> progenitor -> bindings.
//! - `cargo xtask lint`: only the spec lint.
//! - `cargo xtask spec-diff --upstream FILE`: compare the spec with a vendor document.

mod checks;
mod docs;
mod generate;
mod integers;
mod liberal;
mod lint;
mod lower;
mod model;
mod naming;
mod operations;
mod requests;
mod spec;
mod spec_diff;
mod spec_facts;
mod summary;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

const USAGE: &str = "\
usage:
  cargo xtask regen [--check]          regenerate crates/elevenlabs-mcp-raw from the spec
                                       (--check: change nothing, fail if anything is stale)
  cargo xtask lint                     report spec shapes progenitor cannot handle
  cargo xtask spec-diff --upstream F   compare the spec with the vendor's OpenAPI document F
  cargo xtask spec-facts --upstream F --output O
                                       write the facts of document F (no prose) to O, the
                                       fixture the spec-diff tests compare with";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode> {
    let root = spec::workspace_root();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["regen"] => regen(&root, false),
        ["regen", "--check"] => regen(&root, true),
        ["lint"] => {
            let spec = spec::Spec::load(&root.join(spec::SPEC_PATH))?;
            let findings = lint::lint(&spec.doc);
            for f in &findings {
                eprintln!("{f}");
            }
            if findings.is_empty() {
                println!("{}: no problems", spec::SPEC_PATH);
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::FAILURE)
            }
        }
        ["spec-diff", "--upstream", file] => spec_diff(&root, &PathBuf::from(file)),
        ["spec-facts", "--upstream", file, "--output", out] => {
            spec_facts(&root, &PathBuf::from(file), &PathBuf::from(out))
        }
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!("unrecognised arguments {args:?}\n{USAGE}"),
    }
}

fn regen(root: &std::path::Path, check: bool) -> Result<ExitCode> {
    let spec = spec::Spec::load(&root.join(spec::SPEC_PATH))?;
    let fresh = generate::generate(&spec)?;
    let out = root.join(generate::OUTPUT_PATH);
    let current = std::fs::read_to_string(&out).unwrap_or_default();
    // The emulator's own copy of the spec, so that the published crate carries it.
    let copy = root.join(generate::EMULATOR_SPEC_PATH);
    let copy_stale = std::fs::read(&copy).ok().as_deref() != Some(&spec.bytes[..]);
    if current == fresh && !copy_stale {
        println!(
            "{} and {} are up to date with {}",
            generate::OUTPUT_PATH,
            generate::EMULATOR_SPEC_PATH,
            spec::SPEC_PATH
        );
        return Ok(ExitCode::SUCCESS);
    }
    let changes = summary::describe(&current, &fresh);
    let changes = if changes.is_empty() {
        "  no change to operations or types (header, docs or formatting only)\n".to_owned()
    } else {
        changes
    };
    if check {
        if copy_stale {
            eprintln!(
                "{} is not a copy of {}.",
                generate::EMULATOR_SPEC_PATH,
                spec::SPEC_PATH
            );
        }
        if current != fresh {
            eprintln!(
                "{} is stale: it does not match what {} generates.\nWhat regenerating would change:\n{changes}",
                generate::OUTPUT_PATH,
                spec::SPEC_PATH
            );
        }
        eprintln!("run `cargo xtask regen` and commit the result.");
        return Ok(ExitCode::FAILURE);
    }
    if copy_stale {
        if let Some(dir) = copy.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&copy, &spec.bytes)
            .with_context(|| format!("writing {}", copy.display()))?;
        println!("wrote {}", generate::EMULATOR_SPEC_PATH);
    }
    if current != fresh {
        std::fs::write(&out, fresh).with_context(|| format!("writing {}", out.display()))?;
        println!(
            "wrote {}\nWhat changed for users:\n{changes}",
            generate::OUTPUT_PATH
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn spec_facts(
    root: &std::path::Path,
    upstream: &std::path::Path,
    output: &std::path::Path,
) -> Result<ExitCode> {
    let ours = spec::Spec::load(&root.join(spec::SPEC_PATH))?;
    let bytes =
        std::fs::read(upstream).with_context(|| format!("reading {}", upstream.display()))?;
    let theirs =
        spec::parse_yaml(&bytes).with_context(|| format!("parsing {}", upstream.display()))?;
    let facts = spec_facts::facts_document(&theirs, &spec_diff::prefix(&ours.doc));
    let text = serde_json::to_string_pretty(&facts)?;
    std::fs::write(output, format!("{text}\n"))
        .with_context(|| format!("writing {}", output.display()))?;
    println!(
        "wrote the facts of {} to {}",
        upstream.display(),
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn spec_diff(root: &std::path::Path, upstream: &std::path::Path) -> Result<ExitCode> {
    let ours = spec::Spec::load(&root.join(spec::SPEC_PATH))?;
    let bytes =
        std::fs::read(upstream).with_context(|| format!("reading {}", upstream.display()))?;
    let theirs =
        spec::parse_yaml(&bytes).with_context(|| format!("parsing {}", upstream.display()))?;
    let d = spec_diff::diff(&ours.doc, &theirs);
    println!(
        "Upstream has, and {} lacks ({}):",
        spec::SPEC_PATH,
        d.missing.len()
    );
    for fact in &d.missing {
        println!("  - {fact}");
    }
    println!(
        "{} has, and upstream lacks ({}):",
        spec::SPEC_PATH,
        d.extra.len()
    );
    for fact in &d.extra {
        println!("  + {fact}");
    }
    Ok(ExitCode::SUCCESS)
}
