//! Send-side checks: the spec's `minimum`, `maximum`, `minLength`, `maxLength` and `pattern`
//! become a `Check` impl per generated type, which the client runs on a request body before
//! sending it. (`required` needs no check: the constructors take the required fields.)
//!
//! The lowering strips these constraints before progenitor runs, so that responses are never
//! refused over a limit meant for requests; this pass reads them from the spec as written.
//! Enum values are not checked: an `Unknown` value is sent as it is and the service decides.

use anyhow::Result;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use serde_json::Value;
use syn::{Fields, Ident, Item, LitStr, parse_quote};

use crate::model::Objects;
use crate::naming::wire_name;

/// Appends a `Check` impl for every struct and enum of `types`.
pub fn extend(types: &mut Vec<Item>, doc: &Value) -> Result<()> {
    let objects = Objects::new(doc);
    let mut extra = Vec::new();
    for item in types.iter() {
        match item {
            Item::Struct(s) => {
                let name = &s.ident;
                let props = objects.properties.get(&name.to_string());
                let mut steps = Vec::new();
                match &s.fields {
                    Fields::Named(fields) => {
                        for field in &fields.named {
                            let Some(ident) = &field.ident else { continue };
                            let wire = wire_name(field)?;
                            let constraints = props
                                .and_then(|p| p.get(&wire))
                                .map(|schema| constraint_calls(schema, &quote!(&self.#ident)))
                                .unwrap_or_default();
                            let key = LitStr::new(&wire, Span::call_site());
                            steps.push(quote! {
                                at.push_key(#key);
                                #(#constraints)*
                                crate::check::Check::check(&self.#ident, at)?;
                                at.pop();
                            });
                        }
                    }
                    Fields::Unnamed(fields) => {
                        for i in 0..fields.unnamed.len() {
                            let index = syn::Index::from(i);
                            steps.push(quote!(crate::check::Check::check(&self.#index, at)?;));
                        }
                    }
                    Fields::Unit => {}
                }
                extra.push(check_impl(name, &quote!(#(#steps)* Ok(()))));
            }
            Item::Enum(e) => {
                let name = &e.ident;
                let payloads = e.variants.iter().any(|v| {
                    matches!(&v.fields, Fields::Unnamed(f) if f.unnamed.len() == 1)
                        && !v.ident.to_string().starts_with("Unknown")
                });
                if !payloads {
                    // A string enum: any value, known or not, is the service's to judge.
                    extra.push(check_impl(name, &quote!(let _ = at; Ok(()))));
                    continue;
                }
                let branches = objects.branches.get(&name.to_string());
                let mut arms = Vec::new();
                let mut index = 0usize;
                for v in &e.variants {
                    let ident = &v.ident;
                    let is_fallback = ident.to_string().starts_with("Unknown")
                        && matches!(&v.fields, Fields::Unnamed(f)
                            if quote!(#f).to_string().contains("Value"));
                    if is_fallback
                        || !matches!(&v.fields, Fields::Unnamed(f) if f.unnamed.len() == 1)
                    {
                        arms.push(quote!(Self::#ident(..) => Ok(()),));
                        continue;
                    }
                    let constraints = branches
                        .and_then(|b| b.get(index))
                        .map(|schema| constraint_calls(schema, &quote!(value)))
                        .unwrap_or_default();
                    index += 1;
                    arms.push(quote! {
                        Self::#ident(value) => {
                            #(#constraints)*
                            crate::check::Check::check(value, at)
                        }
                    });
                }
                extra.push(check_impl(name, &quote!(match self { #(#arms)* })));
            }
            _ => {}
        }
    }
    types.extend(extra);
    Ok(())
}

fn check_impl(name: &Ident, body: &TokenStream) -> Item {
    parse_quote! {
        impl crate::check::Check for #name {
            fn check(&self, at: &mut crate::check::FieldPath) -> ::std::result::Result<(), crate::check::Invalid> {
                #body
            }
        }
    }
}

/// The checks a property's own schema (or an `allOf` it wraps) asks for, as statements on
/// `value`.
fn constraint_calls(schema: &Value, value: &TokenStream) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let mut layers = vec![schema];
    if let Some(all) = schema["allOf"].as_array() {
        layers.extend(all.iter().filter(|s| s.get("$ref").is_none()));
    }
    for layer in layers {
        let number = |key: &str| -> TokenStream {
            match layer[key].as_f64() {
                Some(n) => quote!(::std::option::Option::Some(#n)),
                None => quote!(::std::option::Option::None),
            }
        };
        let count = |key: &str| -> TokenStream {
            match layer[key].as_u64() {
                Some(n) => quote!(::std::option::Option::Some(#n)),
                None => quote!(::std::option::Option::None),
            }
        };
        if layer.get("minimum").is_some() || layer.get("maximum").is_some() {
            let (min, max) = (number("minimum"), number("maximum"));
            out.push(quote!(crate::check::range(#value, #min, #max, at)?;));
        }
        if layer.get("minLength").is_some() || layer.get("maxLength").is_some() {
            let (min, max) = (count("minLength"), count("maxLength"));
            out.push(quote!(crate::check::length(#value, #min, #max, at)?;));
        }
        if let Some(pattern) = layer["pattern"].as_str() {
            let pattern = LitStr::new(pattern, Span::call_site());
            out.push(quote! {
                {
                    static PATTERN: crate::check::Pattern = crate::check::Pattern::new(#pattern);
                    PATTERN.check(#value, at)?;
                }
            });
        }
    }
    out
}
