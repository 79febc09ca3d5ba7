//! Liberal decoding, applied to progenitor's output.
//!
//! typify emits closed types: an enum value or union variant it does not know fails the
//! whole response. The service adds values without notice, so this pass rewrites every
//! enum in the generated `types` module, by its shape, never by its name:
//!
//! - **string enums** (all variants unit) get an `Unknown(String)` variant and hand-rolled
//!   serde impls: known values map to their variant, anything else is kept verbatim and
//!   serialises back unchanged. `FromStr` becomes infallible for the same reason.
//! - **unions** (typify's `#[serde(untagged)]` enums) get a final `Unknown(serde_json::Value)`
//!   variant, so a value matching none of the variants is kept as raw JSON.
//! - **tagged unions** (a `oneOf` with a `discriminator` in the spec) additionally get a
//!   `Deserialize` impl that dispatches on the tag: a known tag decodes into its variant,
//!   an unknown tag *or a malformed known variant* is kept as raw JSON. Trying the
//!   variants in order, as `untagged` does, would let a lenient variant swallow another's.
//! - **other unions** get a `Deserialize` impl that goes by the kind of JSON value
//!   ([`by_kind`]), instead of serde's try-every-variant, where the payload types allow it.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Attribute, Fields, Ident, Item, ItemEnum, ItemImpl, Type, parse_quote};

mod by_kind;

use crate::naming::{serde_options, wire_name};

/// A discriminated union as the spec declares it.
#[derive(Debug, Clone)]
pub struct TaggedUnion {
    /// Name of the property that carries the tag.
    pub property: String,
    /// Tag value -> Rust type name of the variant's payload.
    pub mapping: BTreeMap<String, String>,
}

/// What the pass did, for the regen summary and for tests.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Opened {
    pub string_enums: Vec<String>,
    pub unions: Vec<String>,
    pub tagged_unions: Vec<String>,
    /// The untagged unions whose decoding dispatches on the JSON kind.
    pub by_kind: Vec<String>,
}

/// Rewrites the `types` module of `file` in place.
///
/// `tagged` maps Rust enum names to the discriminator the spec gives them. Every entry must
/// name an enum that progenitor generated, so a union that typify renamed or flattened
/// fails generation loudly instead of silently losing its dispatch.
pub fn open_types(file: &mut syn::File, tagged: &BTreeMap<String, TaggedUnion>) -> Result<Opened> {
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        bail!("progenitor's output has no `types` module");
    };

    let mut opened = Opened::default();
    let mut string_enums = BTreeMap::new();
    let mut unions = Vec::new();
    for item in types.iter() {
        if let Item::Enum(e) = item {
            if is_untagged(&e.attrs) {
                unions.push(e.ident.to_string());
            } else if e.variants.iter().all(|v| matches!(v.fields, Fields::Unit)) {
                string_enums.insert(e.ident.to_string(), wire_names(e)?);
            } else {
                bail!(
                    "generated enum `{}` is neither a string enum nor an untagged union; \
                     the liberal-decoding pass does not know how to open it",
                    e.ident
                );
            }
        }
    }
    for name in tagged.keys() {
        if !unions.contains(name) {
            bail!(
                "the spec declares `{name}` as a discriminated union, but progenitor generated \
                 no untagged enum of that name"
            );
        }
    }

    // A tagged union's payload writes its tag first, as the service does: a reader that
    // streams (`raw::stream`) then buffers nothing, and the emulator's answers and the
    // CLI's manifests say what an object is before its details.
    for item in types.iter_mut() {
        if let Item::Struct(s) = item {
            let name = s.ident.to_string();
            let tag = tagged
                .values()
                .find(|t| t.mapping.values().any(|payload| *payload == name));
            if let Some(tag) = tag {
                tag_first(s, &tag.property)?;
            }
        }
    }

    let shapes = by_kind::Shapes::new(types, string_enums.keys());
    let mut extra: Vec<Item> = Vec::new();
    let mut fallbacks: BTreeMap<String, Ident> = BTreeMap::new();
    let mut kept = Vec::with_capacity(types.len());
    for item in types.drain(..) {
        match item {
            Item::Enum(mut e) if string_enums.contains_key(&e.ident.to_string()) => {
                let wires = &string_enums[&e.ident.to_string()];
                let fallback = fallback_name(&e);
                open_string_enum(&mut e, &fallback);
                extra.extend(string_enum_impls(&e.ident, wires, &fallback));
                opened.string_enums.push(e.ident.to_string());
                kept.push(Item::Enum(e));
            }
            Item::Enum(mut e) if unions.contains(&e.ident.to_string()) => {
                let fallback = fallback_name(&e);
                e.variants.push(parse_quote! {
                    /// A value that matches none of the variants above, kept as sent.
                    #fallback(::serde_json::Value)
                });
                fallbacks.insert(e.ident.to_string(), fallback.clone());
                if let Some(tag) = tagged.get(&e.ident.to_string()) {
                    remove_derive(&mut e.attrs, "Deserialize");
                    extra.extend(tagged_deserialize(&e, tag, &fallback)?);
                    opened.tagged_unions.push(e.ident.to_string());
                } else {
                    if let Some(impls) = by_kind::deserialize_impl(&e, &fallback, &shapes) {
                        remove_derive(&mut e.attrs, "Deserialize");
                        extra.extend(impls);
                        opened.by_kind.push(e.ident.to_string());
                    }
                    opened.unions.push(e.ident.to_string());
                }
                kept.push(Item::Enum(e));
            }
            Item::Impl(imp) => {
                let Some((trait_name, self_name)) = impl_names(&imp) else {
                    kept.push(Item::Impl(imp));
                    continue;
                };
                if string_enums.contains_key(&self_name)
                    && matches!(trait_name.as_str(), "Display" | "FromStr" | "TryFrom")
                {
                    // Replaced by `string_enum_impls`, which know about `Unknown`.
                    continue;
                }
                if let Some(fallback) = fallbacks.get(&self_name)
                    && trait_name == "Display"
                {
                    kept.push(Item::Impl(extend_display_match(imp, fallback)?));
                    continue;
                }
                kept.push(Item::Impl(imp));
            }
            other => kept.push(other),
        }
    }
    kept.extend(extra);
    *types = kept;
    Ok(opened)
}

/// Moves the field that carries `tag` (by its wire name) to the front of `s`.
fn tag_first(s: &mut syn::ItemStruct, tag: &str) -> Result<()> {
    let Fields::Named(fields) = &mut s.fields else {
        bail!("`{}` carries a tag but has no named fields", s.ident);
    };
    let mut position = None;
    for (i, field) in fields.named.iter().enumerate() {
        if wire_name(field)? == tag {
            position = Some(i);
        }
    }
    let Some(position) = position else {
        bail!(
            "`{}` has no `{tag}` field to carry its union's tag",
            s.ident
        );
    };
    let mut named: Vec<syn::Field> = std::mem::take(&mut fields.named).into_iter().collect();
    let field = named.remove(position);
    named.insert(0, field);
    fields.named = named.into_iter().collect();
    Ok(())
}

fn is_untagged(attrs: &[Attribute]) -> bool {
    // Other serde options are irrelevant here; a parse error just means "not untagged".
    serde_options(attrs).is_ok_and(|options| options.iter().any(|o| o == "untagged"))
}

/// The value each unit variant has on the wire (`#[serde(rename = "…")]`, else its name).
fn wire_names(e: &ItemEnum) -> Result<Vec<(Ident, String)>> {
    e.variants
        .iter()
        .map(|v| {
            let renamed = serde_options(&v.attrs)?
                .into_iter()
                .find_map(|o| o.strip_prefix("rename=").map(str::to_owned));
            Ok((
                v.ident.clone(),
                renamed.unwrap_or_else(|| v.ident.to_string()),
            ))
        })
        .collect()
}

/// `Unknown`, unless the spec already has a value of that name (`unknown` is a real
/// dependent-agent type), then the first free alternative.
fn fallback_name(e: &ItemEnum) -> Ident {
    let taken = |name: &str| e.variants.iter().any(|v| v.ident == name);
    let mut name = "Unknown".to_owned();
    let mut n = 0;
    while taken(&name) {
        name = if n == 0 {
            "UnknownValue".to_owned()
        } else {
            format!("UnknownValue{n}")
        };
        n += 1;
    }
    Ident::new(&name, Span::call_site())
}

fn open_string_enum(e: &mut ItemEnum, fallback: &Ident) {
    for name in ["Copy", "Deserialize", "Serialize"] {
        remove_derive(&mut e.attrs, name);
    }
    for v in e.variants.iter_mut() {
        v.attrs.retain(|a| !a.path().is_ident("serde"));
    }
    e.variants.push(parse_quote! {
        /// A value this version of the bindings does not know, kept verbatim.
        #fallback(::std::string::String)
    });
}

/// Drops one trait (matched by its last path segment) from every `#[derive]` of `attrs`.
fn remove_derive(attrs: &mut [Attribute], name: &str) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != name))
            .collect();
        *attr = parse_quote!(#[derive(#(#kept),*)]);
    }
}

fn string_enum_impls(ident: &Ident, wires: &[(Ident, String)], fallback: &Ident) -> Vec<Item> {
    let variants: Vec<&Ident> = wires.iter().map(|(v, _)| v).collect();
    let values: Vec<&String> = wires.iter().map(|(_, w)| w).collect();
    let expecting = format!("a string naming a {ident}");
    let name = ident.to_string();
    let file: syn::File = parse_quote! {
        impl #ident {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::#fallback(value) => value.as_str(),
                }
            }
            /// Whether the value is one these bindings do not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::#fallback(_))
            }
        }
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        /// The values this version knows. An editor flags any other; the client still
        /// sends it, for the service to judge.
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #ident {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                #name.into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({"type": "string", "enum": [#(#values),*]})
            }
        }
        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#variants,)*
                    other => Self::#fallback(other.to_owned()),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for #ident {
            fn from(value: ::std::string::String) -> Self {
                match Self::from(value.as_str()) {
                    Self::#fallback(_) => Self::#fallback(value),
                    known => known,
                }
            }
        }
        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = #ident;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<Self::Value, E> {
                        Ok(#ident::from(value))
                    }
                    fn visit_string<E: ::serde::de::Error>(self, value: ::std::string::String) -> ::std::result::Result<Self::Value, E> {
                        Ok(#ident::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
    file.items
}

/// `Deserialize` for a discriminated union: dispatch on the tag, keep the raw JSON of an
/// unknown tag or a variant that does not decode. Two impls: `Deserialize`, which hands the
/// value to the raw crate's `stream::tagged`, and `stream::Tagged`, which says how to read
/// each variant from the rest of the object once its tag is found (in a streaming decode)
/// and how to read a buffered value the liberal way.
fn tagged_deserialize(e: &ItemEnum, tag: &TaggedUnion, fallback: &Ident) -> Result<[Item; 2]> {
    let ident = &e.ident;
    let property = &tag.property;
    let mut streamed: Vec<TokenStream> = Vec::new();
    let mut buffered: Vec<TokenStream> = Vec::new();
    for (value, payload) in &tag.mapping {
        let variant = e
            .variants
            .iter()
            .find(|v| match &v.fields {
                Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                    type_last_ident(&f.unnamed[0].ty).is_some_and(|i| &i == payload)
                }
                _ => false,
            })
            .map(|v| v.ident.clone());
        let Some(variant) = variant else {
            bail!("union `{ident}`: no variant carries `{payload}` (tag value `{value}`)");
        };
        let payload = Ident::new(payload, Span::call_site());
        streamed.push(quote! {
            #value => <#payload as ::serde::Deserialize>::deserialize(
                ::serde::de::value::MapAccessDeserializer::new(map),
            ).map(Self::#variant),
        });
        buffered.push(quote! {
            ::std::option::Option::Some(#value) => match <#payload as ::serde::Deserialize>::deserialize(content.deserializer::<::serde::de::value::Error>()) {
                ::std::result::Result::Ok(known) => Self::#variant(known),
                ::std::result::Result::Err(_) => Self::#fallback(content.into_value()),
            },
        });
    }
    Ok([
        parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #ident {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    crate::stream::tagged(deserializer)
                }
            }
        },
        parse_quote! {
            impl<'de> crate::stream::Tagged<'de> for #ident {
                const TAG: &'static str = #property;
                fn stream<A: ::serde::de::MapAccess<'de>>(tag: &str, map: &mut A) -> ::std::option::Option<::std::result::Result<Self, A::Error>> {
                    ::std::option::Option::Some(match tag {
                        #(#streamed)*
                        _ => return ::std::option::Option::None,
                    })
                }
                fn from_buffer(content: crate::buffer::Buffered<'de>) -> Self {
                    match content.str_at(#property) {
                        #(#buffered)*
                        _ => Self::#fallback(content.into_value()),
                    }
                }
            }
        },
    ])
}

fn type_last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `(trait, self type)` by last path segment, for trait impls on a plain path type.
fn impl_names(imp: &ItemImpl) -> Option<(String, String)> {
    let (_, trait_path, _) = imp.trait_.as_ref()?;
    let trait_name = trait_path.segments.last()?.ident.to_string();
    let self_name = type_last_ident(&imp.self_ty)?;
    Some((trait_name, self_name))
}

/// typify's `Display` for a union matches every variant; add the `Unknown` arm.
fn extend_display_match(mut imp: ItemImpl, fallback: &Ident) -> Result<ItemImpl> {
    for item in imp.items.iter_mut() {
        if let syn::ImplItem::Fn(f) = item
            && let Some(syn::Stmt::Expr(syn::Expr::Match(m), _)) = f.block.stmts.last_mut()
        {
            m.arms.push(parse_quote! {
                Self::#fallback(value) => ::std::fmt::Display::fmt(value, f),
            });
            return Ok(imp);
        }
    }
    bail!("a union's Display impl has an unexpected shape")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str, tagged: &BTreeMap<String, TaggedUnion>) -> (String, Opened) {
        let mut file: syn::File = syn::parse_str(src).expect("test input parses");
        let opened = open_types(&mut file, tagged).expect("pass succeeds");
        (prettyplease::unparse(&file), opened)
    }

    #[test]
    fn string_enum_gains_unknown_and_loses_serde_derive() {
        let (out, opened) = run(
            r#"pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
                pub enum Mode { #[serde(rename = "a_b")] AB }
                impl ::std::fmt::Display for Mode { fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { todo!() } }
            }"#,
            &BTreeMap::new(),
        );
        assert_eq!(opened.string_enums, vec!["Mode"]);
        assert!(out.contains("Unknown(::std::string::String)"));
        assert!(!out.contains("Copy"));
        assert!(out.contains("\"a_b\" => Self::AB"));
        assert_eq!(out.matches("impl ::std::fmt::Display for Mode").count(), 1);
        assert!(!out.contains("todo!"));
    }

    #[test]
    fn tagged_union_without_generated_enum_is_an_error() {
        let mut file: syn::File = syn::parse_str("pub mod types {}").expect("parses");
        let tagged = BTreeMap::from([(
            "Missing".to_owned(),
            TaggedUnion {
                property: "type".into(),
                mapping: BTreeMap::new(),
            },
        )]);
        let err = open_types(&mut file, &tagged).expect_err("must fail");
        assert!(err.to_string().contains("`Missing`"), "{err}");
    }

    #[test]
    fn untagged_union_gains_raw_json_variant() {
        let (out, opened) = run(
            r#"pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum U { String(::std::string::String), Integer(i64) }
                impl ::std::fmt::Display for U {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match self { Self::String(x) => x.fmt(f), Self::Integer(x) => x.fmt(f) }
                    }
                }
            }"#,
            &BTreeMap::new(),
        );
        assert_eq!(opened.unions, vec!["U"]);
        assert!(out.contains("Unknown(::serde_json::Value)"));
        assert!(out.contains("Self::Unknown(value) =>"));
    }

    #[test]
    fn untagged_union_dispatches_on_kind_and_required_keys() {
        let (out, opened) = run(
            r#"pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum U { String(::std::string::String), Locator(Locator), Any(Loose) }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Locator {
                    #[serde(rename = "type")]
                    pub type_: ::std::string::String,
                    pub r#ref: i64,
                    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                    pub tags: ::std::vec::Vec<::std::string::String>,
                    pub note: ::std::option::Option<::std::string::String>,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default)]
                pub struct Loose { pub note: ::std::option::Option<::std::string::String> }
            }"#,
            &BTreeMap::new(),
        );
        assert_eq!(opened.by_kind, vec!["U"]);
        // serde's derive is gone from the union (the structs keep theirs).
        assert_eq!(out.matches("::serde::Deserialize,").count(), 2, "{out}");
        assert!(out.contains("struct ByKind"));
        // Required keys only: renamed and raw identifiers by their wire names; defaulted
        // and optional fields never gate a variant.
        assert!(
            out.contains(r#"value.has("type") && value.has("ref")"#),
            "{out}"
        );
        assert!(!out.contains(r#"value.has("tags")"#) && !out.contains(r#"value.has("note")"#));
        // The struct with nothing required is tried on any object, after `Locator`.
        assert!(
            out.find("Locator as ::serde::Deserialize")
                .expect("Locator tried")
                < out
                    .find("Loose as ::serde::Deserialize")
                    .expect("Loose tried")
        );
        // `Loose` requires nothing, so any object of `Locator`'s keys could be it too: no
        // object of this union streams.
        assert!(out.contains("let _ = (first, map);"), "{out}");
    }

    #[test]
    fn untagged_objects_stream_by_a_first_key_that_names_one_variant() {
        let (out, _) = run(
            r#"pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum U { String(::std::string::String), Secret(Secret), Variable(Variable) }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Secret { pub secret_id: ::std::string::String }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Variable {
                    pub variable_name: ::std::string::String,
                    pub note: ::std::option::Option<::std::string::String>,
                }
            }"#,
            &BTreeMap::new(),
        );
        let out = out.split_whitespace().collect::<String>();
        let stream = &out[out.find("fnstream").expect("a stream fn")..];
        // Every key of a variant names it, each variant streaming only with keys it has.
        for (key, variant, keys) in [
            ("secret_id", "Secret", r#"["secret_id"]"#),
            ("variable_name", "Variable", r#"["variable_name","note"]"#),
            ("note", "Variable", r#"["variable_name","note"]"#),
        ] {
            let arm = format!(
                r#""{key}"=>{{<{variant}as::serde::Deserialize>::deserialize(::serde::de::value::MapAccessDeserializer::new(map.only(&{keys}),),)"#
            );
            assert!(stream.contains(&arm), "{arm} in {stream}");
        }
    }

    #[test]
    fn tagged_union_payloads_write_their_tag_first() {
        let tagged = BTreeMap::from([(
            "T".to_owned(),
            TaggedUnion {
                property: "type".into(),
                mapping: BTreeMap::from([("a".to_owned(), "A".to_owned())]),
            },
        )]);
        let (out, opened) = run(
            r#"pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum T { A(A) }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct A {
                    pub detail: ::std::string::String,
                    #[serde(rename = "type")]
                    pub type_: ::std::string::String,
                }
            }"#,
            &tagged,
        );
        assert_eq!(opened.tagged_unions, vec!["T"]);
        let fields = out.find("pub type_:").expect("tag field");
        assert!(
            fields < out.find("pub detail:").expect("other field"),
            "{out}"
        );
        assert!(
            out.contains("impl<'de> crate::stream::Tagged<'de> for T"),
            "{out}"
        );
    }

    #[test]
    fn union_of_a_kind_the_pass_cannot_tell_keeps_serde_untagged() {
        let (out, opened) = run(
            r#"pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum Outer { Inner(Inner), Raw(::serde_json::Value) }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum Inner { String(::std::string::String), Integer(i64) }
            }"#,
            &BTreeMap::new(),
        );
        assert_eq!(opened.unions, vec!["Outer", "Inner"]);
        assert_eq!(opened.by_kind, vec!["Inner"]);
        let before_outer = &out[..out.find("pub enum Outer").expect("Outer is kept")];
        let derive = &before_outer[before_outer.rfind("#[derive").expect("Outer derives")..];
        assert!(derive.contains("::serde::Deserialize"), "{derive}");
    }
}
