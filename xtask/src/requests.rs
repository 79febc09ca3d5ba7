//! What users build: constructors and chained setters for every type a request body can
//! hold, tri-state `Patch` fields for the bodies of `PATCH` operations, conversions between
//! request types of the same fields, and `#[non_exhaustive]` on every generated type, so
//! that a field or value added to the spec later does not break users' code.
//!
//! Driven by the spec's shapes (which schemas requests use, which are `PATCH` bodies, the
//! order of `required`), never by a type's name.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote};
use syn::{
    Attribute, GenericArgument, Ident, Item, ItemStruct, LitStr, PathArguments, Type, parse_quote,
};

use crate::model::{self, Objects};
use crate::naming::{rust_type_name, serde_options, wire_name};

/// Rewrites and extends the `types` items in place.
pub fn extend(types: &mut Vec<Item>, doc: &serde_json::Value) -> Result<()> {
    let objects = Objects::new(doc);
    let request_types: BTreeSet<String> = model::request_schemas(doc)
        .iter()
        .map(|n| rust_type_name(n))
        .collect();
    let patch_bodies = model::patch_bodies(doc);
    let bodies = model::request_bodies(doc);

    let mut extra: Vec<Item> = Vec::new();
    for item in types.iter_mut() {
        match item {
            Item::Struct(s) => {
                let name = s.ident.to_string();
                let tri_state = patch_bodies.contains(&name);
                if tri_state {
                    make_tri_state(s)?;
                }
                if request_types.contains(&name) {
                    extra.push(builder(s, &objects, tri_state)?);
                }
                s.attrs.push(parse_quote!(#[non_exhaustive]));
                s.attrs.push(schema_derive());
            }
            Item::Enum(e) => {
                // String enums get a hand-made schema (liberal.rs): their `Unknown` variant
                // is any other string, which a derive would describe as an object.
                let union = e.variants.iter().any(|v| {
                    !matches!(v.fields, syn::Fields::Unit)
                        && !v.ident.to_string().starts_with("Unknown")
                });
                if union {
                    e.attrs.push(schema_derive());
                }
                e.attrs.push(parse_quote!(#[non_exhaustive]));
            }
            _ => {}
        }
    }
    extra.extend(conversions(types, &bodies));
    types.extend(extra);
    Ok(())
}

/// `JsonSchema` for the manifest schema of the CLI, behind the raw crate's `schemars`
/// feature, so that users who do not want it do not compile it.
fn schema_derive() -> Attribute {
    parse_quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))])
}

/// The type inside `Option<…>`, if `ty` is one.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    wrapped_in(ty, "Option")
}

/// The type inside `crate::Patch<…>`, if `ty` is one.
fn patch_inner(ty: &Type) -> Option<&Type> {
    wrapped_in(ty, "Patch")
}

/// The type argument of `wrapper<T>` (by the path's last segment), if `ty` is one.
fn wrapped_in<'a>(ty: &'a Type, wrapper: &str) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// `Option<T>` fields become `Patch<T>`: absent, `null` or a value.
fn make_tri_state(s: &mut ItemStruct) -> Result<()> {
    for field in s.fields.iter_mut() {
        let Some(inner) = option_inner(&field.ty).cloned() else {
            continue;
        };
        let rename = serde_options(&field.attrs)?
            .into_iter()
            .find_map(|o| o.strip_prefix("rename=").map(str::to_owned));
        field.attrs.retain(|a| !a.path().is_ident("serde"));
        let attr: Attribute = match rename {
            Some(wire) => {
                parse_quote!(#[serde(rename = #wire, default, skip_serializing_if = "crate::Patch::is_keep")])
            }
            None => parse_quote!(#[serde(default, skip_serializing_if = "crate::Patch::is_keep")]),
        };
        field.attrs.push(attr);
        field.ty = parse_quote!(crate::Patch<#inner>);
    }
    Ok(())
}

/// `new` with the required fields (in the spec's `required` order), a setter per optional
/// field, and for tri-state bodies a `clear_…` per field and `is_empty`.
fn builder(s: &ItemStruct, objects: &Objects, tri_state: bool) -> Result<Item> {
    let name = &s.ident;
    let wire_order = objects
        .required
        .get(&name.to_string())
        .cloned()
        .unwrap_or_default();
    let properties = objects.properties.get(&name.to_string());
    let describe = |wire: &str| -> String {
        properties
            .and_then(|p| p.get(wire))
            .and_then(|p| p["description"].as_str())
            .map(|d| format!(": {}", d.trim_end_matches('.')))
            .unwrap_or_default()
    };

    let mut required: Vec<(usize, &Ident, &Type)> = Vec::new();
    let mut init = Vec::new();
    let mut methods = Vec::new();
    let mut keeps = Vec::new();
    for field in &s.fields {
        let Some(ident) = &field.ident else {
            bail!("`{name}` has an unnamed field");
        };
        let wire = wire_name(field)?;
        let optional = if tri_state {
            patch_inner(&field.ty)
        } else {
            option_inner(&field.ty)
        };
        let Some(inner) = optional else {
            let at = wire_order
                .iter()
                .position(|w| *w == wire)
                .unwrap_or(usize::MAX);
            required.push((at, ident, &field.ty));
            init.push(quote!(#ident: #ident.into()));
            continue;
        };
        init.push(quote!(#ident: ::std::default::Default::default()));
        let set_doc = lit(&format!(" Sets `{wire}`{}.", describe(&wire)));
        if tri_state {
            let clear = format_ident!("clear_{}", ident.to_string().trim_end_matches('_'));
            let clear_doc = lit(&format!(
                " Clears `{wire}` (sends `null`), so the service falls back to its default."
            ));
            methods.push(quote! {
                #[doc = #set_doc]
                #[must_use]
                pub fn #ident(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                    self.#ident = crate::Patch::Set(value.into());
                    self
                }
                #[doc = #clear_doc]
                #[must_use]
                pub fn #clear(mut self) -> Self {
                    self.#ident = crate::Patch::Clear;
                    self
                }
            });
            keeps.push(quote!(self.#ident.is_keep()));
        } else {
            methods.push(quote! {
                #[doc = #set_doc]
                #[must_use]
                pub fn #ident(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                    self.#ident = ::std::option::Option::Some(value.into());
                    self
                }
            });
        }
    }
    required.sort_by_key(|(at, ..)| *at);
    let args: Vec<TokenStream> = required
        .iter()
        .map(|(_, ident, ty)| quote!(#ident: impl ::std::convert::Into<#ty>))
        .collect();
    let new_doc = if required.is_empty() {
        lit(" A value with every field left unset.")
    } else {
        let names: Vec<String> = required
            .iter()
            .map(|(_, ident, _)| format!("`{ident}`"))
            .collect();
        lit(&format!(
            " A value with its required fields ({}); every other field is left unset.",
            names.join(", ")
        ))
    };
    let empty = if tri_state {
        quote! {
            /// Whether the update leaves every field alone.
            pub fn is_empty(&self) -> bool {
                true #(&& #keeps)*
            }
        }
    } else {
        quote!()
    };
    let defaults: serde_json::Map<String, serde_json::Value> = properties
        .into_iter()
        .flatten()
        .filter_map(|(wire, p)| Some((wire.clone(), p.get("default")?.clone())))
        .collect();
    // Emitted for every request type, empty when the spec gives no default, so that code
    // reading it keeps compiling when a default is added or removed.
    let service_defaults = {
        let text = lit(&serde_json::Value::Object(defaults).to_string());
        quote! {
            /// What the service gives the fields left unset, by wire name: the spec's
            /// `default`s. An absent field and its default mean the same to the service.
            pub fn service_defaults() -> ::serde_json::Map<::std::string::String, ::serde_json::Value> {
                // Generated from the spec as JSON text, so it always parses.
                ::serde_json::from_str(#text).unwrap_or_default()
            }
        }
    };
    Ok(parse_quote! {
        impl #name {
            #[doc = #new_doc]
            pub fn new(#(#args),*) -> Self {
                Self { #(#init),* }
            }
            #empty
            #service_defaults
            #(#methods)*
        }
    })
}

/// `From<A> for B` where B is a request body and A another struct with exactly the same
/// fields (the create body of a tool override and the override itself).
fn conversions(types: &[Item], bodies: &BTreeSet<String>) -> Vec<Item> {
    type Shape = BTreeMap<String, (Ident, String)>;
    let shapes: BTreeMap<String, Shape> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some((
                s.ident.to_string(),
                s.fields
                    .iter()
                    .filter_map(|f| {
                        let ident = f.ident.as_ref()?;
                        Some((
                            ident.to_string(),
                            (ident.clone(), f.ty.to_token_stream().to_string()),
                        ))
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for body in bodies {
        let Some(fields) = shapes.get(body).filter(|f| !f.is_empty()) else {
            continue;
        };
        for (other, other_fields) in &shapes {
            if other == body || other_fields != fields {
                continue;
            }
            let to = Ident::new(body, Span::call_site());
            let from = Ident::new(other, Span::call_site());
            let names: Vec<&Ident> = fields.values().map(|(ident, _)| ident).collect();
            let doc = lit(&format!(" `{body}` carries the same fields as `{other}`."));
            out.push(parse_quote! {
                #[doc = #doc]
                impl ::std::convert::From<#from> for #to {
                    fn from(value: #from) -> Self {
                        Self { #(#names: value.#names),* }
                    }
                }
            });
        }
    }
    out
}

fn lit(s: &str) -> LitStr {
    LitStr::new(s, Span::call_site())
}
