//! progenitor writes multi-line docs as one `#[doc = "…\n…"]`, which prettyplease prints as
//! a `/** … */` block; rustfmt then indents the block's lines, and rustdoc reads the indented
//! lines as code blocks and tries to compile them as doctests. Splitting every doc into one
//! attribute per line makes the output plain `///` comments.

use syn::visit_mut::VisitMut;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Meta, parse_quote};

/// Rewrites every multi-line doc attribute in `file` as one attribute per line.
pub fn split_doc_lines(file: &mut syn::File) {
    Splitter.visit_file_mut(file);
}

struct Splitter;

impl VisitMut for Splitter {
    fn visit_attributes_mut(&mut self, attrs: &mut Vec<Attribute>) {
        let mut out = Vec::with_capacity(attrs.len());
        for attr in attrs.drain(..) {
            match doc_text(&attr) {
                Some(text) if text.contains('\n') => {
                    for line in text.trim_end().lines() {
                        let line = if line.is_empty() || line.starts_with(' ') {
                            line.to_owned()
                        } else {
                            format!(" {line}")
                        };
                        let lit = LitStr::new(&line, proc_macro2::Span::call_site());
                        out.push(parse_quote!(#[doc = #lit]));
                    }
                }
                _ => out.push(attr),
            }
        }
        *attrs = out;
    }
}

fn doc_text(attr: &Attribute) -> Option<String> {
    match &attr.meta {
        Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_docs_become_line_docs() {
        let mut file: syn::File = parse_quote! {
            #[doc = "Title\n\nSends a `GET`\n- `id`: the id\n"]
            fn f() {}
        };
        split_doc_lines(&mut file);
        let out = prettyplease::unparse(&file);
        assert!(
            out.contains("/// Title\n///\n/// Sends a `GET`\n/// - `id`: the id\nfn f"),
            "{out}"
        );
    }
}
