//! The wrapper re-exports every generated type with a glob (`pub use …::types::*`), beside
//! its own names. Rust lets an explicit name silently shadow a glob's, so a spec type that
//! took the name of one of the wrapper's would vanish from users' view. This test fails
//! instead, naming the clash.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use syn::{Item, UseTree};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

fn parse(path: &str) -> syn::File {
    let text = std::fs::read_to_string(workspace().join(path)).expect("source");
    syn::parse_file(&text).expect("parses")
}

/// The names a `use` tree brings in, globs left out.
fn use_names(tree: &UseTree, out: &mut BTreeSet<String>) {
    match tree {
        UseTree::Path(p) => use_names(&p.tree, out),
        UseTree::Name(n) => {
            out.insert(n.ident.to_string());
        }
        UseTree::Rename(r) => {
            out.insert(r.rename.to_string());
        }
        UseTree::Group(g) => g.items.iter().for_each(|t| use_names(t, out)),
        UseTree::Glob(_) => {}
    }
}

/// The names of the generated `types` module.
fn generated_types() -> BTreeSet<String> {
    let file = parse("crates/elevenlabs-mcp-raw/src/generated.rs");
    let mut out = BTreeSet::new();
    for item in &file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        for item in m.content.iter().flat_map(|(_, items)| items) {
            match item {
                Item::Struct(s) => {
                    out.insert(s.ident.to_string());
                }
                Item::Enum(e) => {
                    out.insert(e.ident.to_string());
                }
                Item::Mod(m) => {
                    out.insert(m.ident.to_string());
                }
                _ => {}
            }
        }
    }
    out
}

/// The names the wrapper's root declares or re-exports by name.
fn wrapper_names() -> BTreeSet<String> {
    let file = parse("crates/elevenlabs-mcp/src/lib.rs");
    let mut out = BTreeSet::new();
    for item in &file.items {
        match item {
            Item::Use(u) if matches!(u.vis, syn::Visibility::Public(_)) => {
                use_names(&u.tree, &mut out);
            }
            Item::Mod(m) if matches!(m.vis, syn::Visibility::Public(_)) => {
                out.insert(m.ident.to_string());
            }
            Item::Struct(s) => {
                out.insert(s.ident.to_string());
            }
            Item::Enum(e) => {
                out.insert(e.ident.to_string());
            }
            Item::Fn(f) => {
                out.insert(f.sig.ident.to_string());
            }
            _ => {}
        }
    }
    out
}

#[test]
fn no_wrapper_name_shadows_a_generated_type() {
    let generated = generated_types();
    let wrapper = wrapper_names();
    assert!(generated.contains("McpServer"), "{generated:?}");
    assert!(wrapper.contains("Client"), "{wrapper:?}");
    let clashes: Vec<&String> = generated.intersection(&wrapper).collect();
    assert!(
        clashes.is_empty(),
        "these names of the wrapper hide generated types of the same name: {clashes:?}; \
         rename the wrapper's (or the spec's schema)"
    );
}
