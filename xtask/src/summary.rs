//! What a regeneration changes for users of the raw crate: operations and types added,
//! removed or changed, with enum values and fields named where they moved.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use quote::ToTokens;
use syn::{Fields, ImplItem, Item};

/// The user-visible surface of a generated file.
#[derive(Debug, Default)]
struct Surface {
    /// Operation method name -> signature.
    operations: BTreeMap<String, String>,
    /// Type name -> members (enum variants or struct fields) with their tokens.
    types: BTreeMap<String, BTreeMap<String, String>>,
}

fn surface(source: &str) -> Surface {
    let mut out = Surface::default();
    let Ok(file) = syn::parse_file(source) else {
        return out;
    };
    for item in &file.items {
        match item {
            Item::Impl(imp)
                if imp.trait_.is_none()
                    && imp.self_ty.to_token_stream().to_string() == "Client" =>
            {
                for member in &imp.items {
                    if let ImplItem::Fn(f) = member
                        && f.sig.asyncness.is_some()
                    {
                        out.operations
                            .insert(f.sig.ident.to_string(), f.sig.to_token_stream().to_string());
                    }
                }
            }
            Item::Mod(m) if m.ident == "types" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    let (name, members) = match item {
                        Item::Enum(e) => (
                            e.ident.to_string(),
                            e.variants
                                .iter()
                                .map(|v| {
                                    (v.ident.to_string(), v.fields.to_token_stream().to_string())
                                })
                                .collect(),
                        ),
                        Item::Struct(s) => (s.ident.to_string(), fields(&s.fields)),
                        _ => continue,
                    };
                    out.types.insert(name, members);
                }
            }
            _ => {}
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

/// A readable account of what changed between two generated files; empty when the
/// user-visible surface is the same.
pub fn describe(old: &str, new: &str) -> String {
    let (old, new) = (surface(old), surface(new));
    let mut out = String::new();
    section(
        &mut out,
        "operation",
        &old.operations,
        &new.operations,
        |_, _| Vec::new(),
    );
    section(&mut out, "type", &old.types, &new.types, |a, b| {
        let mut notes = Vec::new();
        for k in b.keys().filter(|k| !a.contains_key(*k)) {
            notes.push(format!("+{k}"));
        }
        for k in a.keys().filter(|k| !b.contains_key(*k)) {
            notes.push(format!("-{k}"));
        }
        for (k, v) in b {
            if a.get(k).is_some_and(|old| old != v) {
                notes.push(format!("~{k}"));
            }
        }
        notes
    });
    out
}

fn section<V: PartialEq>(
    out: &mut String,
    what: &str,
    old: &BTreeMap<String, V>,
    new: &BTreeMap<String, V>,
    detail: impl Fn(&V, &V) -> Vec<String>,
) {
    for name in new.keys().filter(|k| !old.contains_key(*k)) {
        let _ = writeln!(out, "  added {what}: {name}");
    }
    for name in old.keys().filter(|k| !new.contains_key(*k)) {
        let _ = writeln!(out, "  removed {what}: {name}");
    }
    for (name, v) in new {
        if let Some(o) = old.get(name)
            && o != v
        {
            let notes = detail(o, v);
            if notes.is_empty() {
                let _ = writeln!(out, "  changed {what}: {name}");
            } else {
                let _ = writeln!(out, "  changed {what}: {name} ({})", notes.join(", "));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"
        pub mod types { pub enum Mode { A, B } pub struct S { pub x: i64 } pub struct Gone; }
        impl Client { pub async fn op_a(&self) {} pub async fn op_b(&self, x: i64) {} }
    "#;
    const NEW: &str = r#"
        pub mod types { pub enum Mode { A, C } pub struct S { pub x: String } pub struct New; }
        impl Client { pub async fn op_a(&self) {} pub async fn op_b(&self, x: String) {} pub async fn op_c(&self) {} }
    "#;

    #[test]
    fn names_every_kind_of_change() {
        let d = describe(OLD, NEW);
        assert!(d.contains("added operation: op_c"), "{d}");
        assert!(d.contains("changed operation: op_b"), "{d}");
        assert!(d.contains("changed type: Mode (+C, -B)"), "{d}");
        assert!(d.contains("changed type: S (~x)"), "{d}");
        assert!(d.contains("added type: New"), "{d}");
        assert!(d.contains("removed type: Gone"), "{d}");
        assert!(!d.contains("op_a"), "{d}");
    }

    #[test]
    fn identical_files_describe_nothing() {
        assert_eq!(describe(OLD, OLD), "");
    }
}
