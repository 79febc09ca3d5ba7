//! Integer fields take the raw crate's `Integer`, not `i64`.
//!
//! JSON Schema's `integer` is any number with no fractional part (`1684990000.0` is one),
//! and a schema-valid answer may hold one no `i64` can (`8.4e37`). typify maps `integer` to
//! `i64`, whose decoder refuses both and so fails the whole response. This pass swaps the
//! type of every struct field declared `i64` (bare, or inside `Option`) for
//! `crate::Integer`, which reads both and keeps what `i64` cannot hold. Union variants keep
//! `i64`: a union already keeps a value none of its variants reads, as raw JSON.

use syn::visit_mut::VisitMut;
use syn::{Item, Type, parse_quote};

/// Rewrites the struct fields of the `types` module's items; returns how many changed.
pub fn widen(types: &mut [Item]) -> usize {
    let mut pass = Widen { changed: 0 };
    for item in types.iter_mut() {
        if let Item::Struct(s) = item {
            for field in s.fields.iter_mut() {
                pass.visit_type_mut(&mut field.ty);
            }
        }
    }
    pass.changed
}

struct Widen {
    changed: usize,
}

impl VisitMut for Widen {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(p) = ty
            && p.qself.is_none()
            && p.path.is_ident("i64")
        {
            *ty = parse_quote!(crate::Integer);
            self.changed += 1;
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_fields_widen_and_enum_variants_stay() {
        let file: syn::File = parse_quote! {
            pub struct A { pub a: i64, pub b: ::std::option::Option<i64>, pub c: String, pub d: ::std::vec::Vec<i64> }
            pub enum U { Integer(i64), Text(String) }
        };
        let mut items = file.items;
        assert_eq!(widen(&mut items), 3);
        let text = quote::quote!(#(#items)*).to_string();
        assert!(text.contains("pub a : crate :: Integer"), "{text}");
        assert!(text.contains("Option < crate :: Integer >"), "{text}");
        assert!(text.contains("Integer (i64)"), "{text}");
    }
}
