//! What a regeneration changes for users of the raw crate: operations and types added,
//! removed or changed, with enum values and fields named where they moved, and whether
//! each change breaks code written against the old bindings.
//!
//! The judgement follows Rust's semver rules for the shapes regen emits: removing or
//! retyping anything breaks; a new variant of a `#[non_exhaustive]` enum, or a new optional
//! field of a `#[non_exhaustive]` struct (built through its constructor), does not; a new
//! required field changes `new`'s signature and breaks; a new operation adds a variant to
//! the exhaustive `Operation` enum, which breaks code that matches on it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use quote::ToTokens;
use syn::{Attribute, Fields, Item};

/// One type as users see it.
#[derive(Debug, Default, PartialEq)]
struct TypeShape {
    non_exhaustive: bool,
    /// Variant or field name -> its tokens.
    members: BTreeMap<String, String>,
}

/// The user-visible surface of a generated file.
#[derive(Debug, Default)]
struct Surface {
    /// Operation name -> its variant's tokens.
    operations: BTreeMap<String, String>,
    types: BTreeMap<String, TypeShape>,
}

fn non_exhaustive(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

fn surface(source: &str) -> Surface {
    let mut out = Surface::default();
    let Ok(file) = syn::parse_file(source) else {
        return out;
    };
    for item in &file.items {
        let Item::Mod(m) = item else { continue };
        for item in m.content.iter().flat_map(|(_, items)| items) {
            match (m.ident.to_string().as_str(), item) {
                ("operations", Item::Enum(e)) if e.ident == "Operation" => {
                    for v in &e.variants {
                        out.operations
                            .insert(v.ident.to_string(), v.to_token_stream().to_string());
                    }
                }
                ("types", Item::Enum(e)) => {
                    let members = e
                        .variants
                        .iter()
                        .map(|v| (v.ident.to_string(), v.fields.to_token_stream().to_string()))
                        .collect();
                    out.types.insert(
                        e.ident.to_string(),
                        TypeShape {
                            non_exhaustive: non_exhaustive(&e.attrs),
                            members,
                        },
                    );
                }
                ("types", Item::Struct(s)) => {
                    out.types.insert(
                        s.ident.to_string(),
                        TypeShape {
                            non_exhaustive: non_exhaustive(&s.attrs),
                            members: fields(&s.fields),
                        },
                    );
                }
                _ => {}
            }
        }
    }
    out
}

fn fields(f: &Fields) -> BTreeMap<String, String> {
    f.iter()
        .enumerate()
        .map(|(i, field)| {
            let name = field
                .ident
                .as_ref()
                .map_or_else(|| i.to_string(), ToString::to_string);
            (name, field.ty.to_token_stream().to_string())
        })
        .collect()
}

/// Whether a member added to a type keeps old code compiling.
fn compatible_addition(shape: &TypeShape, tokens: &str) -> bool {
    // A field: optional ones are left unset by `new`; an enum variant: its tokens are the
    // payload, never an `Option`, so only `non_exhaustive` decides.
    let optional = tokens.contains("Option <") || tokens.contains("Patch <");
    let is_field_like = !tokens.is_empty() && !tokens.starts_with('(');
    shape.non_exhaustive && (!is_field_like || optional)
}

/// A readable account of what changed between two generated files, each line marked
/// `[breaking]` or `[compatible]`, with a verdict at the end; empty when the user-visible
/// surface is the same.
pub fn describe(old: &str, new: &str) -> String {
    let (old, new) = (surface(old), surface(new));
    let mut out = String::new();
    let mut breaking = 0usize;
    let mut line = |out: &mut String, breaks: bool, text: String| {
        breaking += usize::from(breaks);
        let tag = if breaks { "breaking" } else { "compatible" };
        let _ = writeln!(out, "  [{tag}] {text}");
    };

    for name in new
        .operations
        .keys()
        .filter(|k| !old.operations.contains_key(*k))
    {
        line(
            &mut out,
            true,
            format!("added operation: {name} (a new `Operation` variant)"),
        );
    }
    for name in old
        .operations
        .keys()
        .filter(|k| !new.operations.contains_key(*k))
    {
        line(&mut out, true, format!("removed operation: {name}"));
    }
    for name in new.types.keys().filter(|k| !old.types.contains_key(*k)) {
        line(&mut out, false, format!("added type: {name}"));
    }
    for name in old.types.keys().filter(|k| !new.types.contains_key(*k)) {
        line(&mut out, true, format!("removed type: {name}"));
    }
    for (name, b) in &new.types {
        let Some(a) = old.types.get(name) else {
            continue;
        };
        if a == b {
            continue;
        }
        let mut notes = Vec::new();
        let mut breaks = a.non_exhaustive && !b.non_exhaustive;
        for (k, v) in &b.members {
            match a.members.get(k) {
                None => {
                    notes.push(format!("+{k}"));
                    breaks |= !compatible_addition(b, v);
                }
                Some(old) if old != v => {
                    notes.push(format!("~{k}"));
                    breaks = true;
                }
                Some(_) => {}
            }
        }
        for k in a.members.keys().filter(|k| !b.members.contains_key(*k)) {
            notes.push(format!("-{k}"));
            breaks = true;
        }
        if !a.non_exhaustive && b.non_exhaustive {
            notes.push("now #[non_exhaustive]".into());
            breaks = true;
        }
        let text = if notes.is_empty() {
            format!("changed type: {name}")
        } else {
            format!("changed type: {name} ({})", notes.join(", "))
        };
        line(&mut out, breaks, text);
    }
    if !out.is_empty() {
        if breaking == 0 {
            out.push_str("No change breaks code written against the previous bindings.\n");
        } else {
            let _ = writeln!(
                out,
                "{breaking} change(s) break code written against the previous bindings: \
                 a semver-major release of elevenlabs-mcp-raw (and of the crates that re-export it)."
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"
        pub mod types {
            #[non_exhaustive] pub enum Mode { A, B }
            #[non_exhaustive] pub enum Open { A }
            #[non_exhaustive] pub struct S { pub x: i64, pub o: Option<i64> }
            #[non_exhaustive] pub struct Grows { pub x: i64 }
            pub struct Gone;
        }
        pub mod operations { pub enum Operation { OpA, OpB } }
    "#;
    const NEW: &str = r#"
        pub mod types {
            #[non_exhaustive] pub enum Mode { A, C }
            #[non_exhaustive] pub enum Open { A, B }
            #[non_exhaustive] pub struct S { pub x: String, pub o: Option<i64> }
            #[non_exhaustive] pub struct Grows { pub x: i64, pub y: Option<String>, pub z: Patch<i64> }
            pub struct New;
        }
        pub mod operations { pub enum Operation { OpA, OpB, OpC } }
    "#;

    #[test]
    fn names_every_kind_of_change_and_whether_it_breaks() {
        let d = describe(OLD, NEW);
        assert!(d.contains("[breaking] added operation: OpC"), "{d}");
        assert!(d.contains("[breaking] changed type: Mode (+C, -B)"), "{d}");
        assert!(d.contains("[compatible] changed type: Open (+B)"), "{d}");
        assert!(d.contains("[breaking] changed type: S (~x)"), "{d}");
        assert!(
            d.contains("[compatible] changed type: Grows (+y, +z)"),
            "{d}"
        );
        assert!(d.contains("[compatible] added type: New"), "{d}");
        assert!(d.contains("[breaking] removed type: Gone"), "{d}");
        assert!(!d.contains("OpA"), "{d}");
        assert!(d.contains("4 change(s) break"), "{d}");
    }

    #[test]
    fn a_required_field_breaks_and_optional_ones_do_not() {
        let old = "pub mod types { #[non_exhaustive] pub struct C { pub name: String } }";
        let required = "pub mod types { #[non_exhaustive] pub struct C { pub name: String, pub url: String } }";
        let optional = "pub mod types { #[non_exhaustive] pub struct C { pub name: String, pub n: Option<i64> } }";
        assert!(describe(old, required).contains("[breaking] changed type: C (+url)"));
        let d = describe(old, optional);
        assert!(d.contains("[compatible] changed type: C (+n)"), "{d}");
        assert!(d.contains("No change breaks"), "{d}");
    }

    #[test]
    fn identical_files_describe_nothing() {
        assert_eq!(describe(OLD, OLD), "");
    }
}
