//! `Deserialize` for an untagged union, dispatched on the kind of JSON value it meets.
//!
//! serde's `#[serde(untagged)]` buffers every value and then tries the variants in order,
//! building (and formatting) an error for each one that does not fit. A record whose headers
//! and metadata are all unions spent most of its decode time there. The payload types already
//! say which JSON kinds each variant can take: a string goes to the first variant that holds
//! a string, a number to the first numeric one, and only objects and arrays are buffered and
//! tried, and only against variants of their kind whose required keys are all present. The
//! variant chosen is the one `untagged` would have chosen, except that an array is no longer
//! taken for a struct (serde's derive accepts `["x"]` as `{"a": "x"}`; the API never sends
//! that, and keeping it raw is what the fallback is for). Anything no variant takes is kept as
//! raw JSON in the fallback variant.
//!
//! A union with a variant whose kind the pass cannot tell (a nested union, a raw
//! `serde_json::Value`, an `Option`) keeps serde's derive: correct, only slower.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Fields, Ident, Item, ItemEnum, ItemStruct, Type};

use super::{serde_options, type_last_ident, wire_name};

/// What the pass knows about the named types of the `types` module.
#[derive(Debug, Default)]
pub struct Shapes {
    /// Struct name -> the keys a value must have for the struct to decode from it.
    structs: BTreeMap<String, Vec<String>>,
    /// Struct name -> every key the struct reads.
    fields: BTreeMap<String, Vec<String>>,
    /// String enums, which (once opened) accept every string.
    string_enums: BTreeSet<String>,
}

impl Shapes {
    /// Collects the shapes of `items`; `string_enums` are the enums the pass opens.
    pub fn new<'a>(items: &[Item], string_enums: impl IntoIterator<Item = &'a String>) -> Self {
        let mut structs = BTreeMap::new();
        let mut fields = BTreeMap::new();
        for item in items {
            if let Item::Struct(s) = item
                && let Some(keys) = wire_fields(s)
            {
                let name = s.ident.to_string();
                let required = keys.iter().filter(|(_, r)| *r).map(|(k, _)| k.clone());
                structs.insert(name.clone(), required.collect());
                fields.insert(name, keys.into_iter().map(|(k, _)| k).collect());
            }
        }
        Self {
            structs,
            fields,
            string_enums: string_enums.into_iter().cloned().collect(),
        }
    }
}

/// The JSON kind a variant's payload decodes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Str,
    Bool,
    /// Decodes from integers only.
    Integer,
    /// Decodes from any number.
    Float,
    Array,
    /// Decodes from an object that has every one of these keys.
    Object(Vec<String>),
}

/// The impls (`Deserialize`, and the raw crate's `stream::ByFirstKey` for objects), or `None`
/// when some variant's kind cannot be told (then serde's derive stays).
pub fn deserialize_impl(e: &ItemEnum, fallback: &Ident, shapes: &Shapes) -> Option<Vec<Item>> {
    let mut variants = Vec::new();
    for v in &e.variants {
        if &v.ident == fallback {
            continue;
        }
        let Fields::Unnamed(fields) = &v.fields else {
            return None;
        };
        let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        variants.push((&v.ident, &field.ty, kind(&field.ty, shapes)?));
    }
    let ident = &e.ident;
    let of = |wanted: &dyn Fn(&Kind) -> bool| -> Vec<(&Ident, &Type)> {
        variants
            .iter()
            .filter(|(_, _, k)| wanted(k))
            .map(|(v, ty, _)| (*v, *ty))
            .collect()
    };

    // Scalars: each candidate decodes from serde's own primitive deserializer, so a payload
    // type's rules (an `i64` refusing a `u64` that does not fit) apply as they would anyway.
    let scalar = |candidates: Vec<(&Ident, &Type)>, de: TokenStream, raw: TokenStream| {
        let attempts = candidates.iter().map(|(variant, ty)| {
            quote! {
                if let ::std::result::Result::Ok(known) = <#ty as ::serde::Deserialize>::deserialize(#de) {
                    return ::std::result::Result::Ok(#ident::#variant(known));
                }
            }
        });
        quote! { #(#attempts)* ::std::result::Result::Ok(#ident::#fallback(#raw)) }
    };
    let visit_str = scalar(
        of(&|k| *k == Kind::Str),
        quote!(::serde::de::value::StrDeserializer::<E>::new(value)),
        quote!(::serde_json::Value::String(value.to_owned())),
    );
    let visit_bool = scalar(
        of(&|k| *k == Kind::Bool),
        quote!(::serde::de::value::BoolDeserializer::<E>::new(value)),
        quote!(::serde_json::Value::Bool(value)),
    );
    let numeric = |k: &Kind| matches!(k, Kind::Integer | Kind::Float);
    let visit_i64 = scalar(
        of(&numeric),
        quote!(::serde::de::value::I64Deserializer::<E>::new(value)),
        quote!(::serde_json::Value::from(value)),
    );
    let visit_u64 = scalar(
        of(&numeric),
        quote!(::serde::de::value::U64Deserializer::<E>::new(value)),
        quote!(::serde_json::Value::from(value)),
    );
    let visit_f64 = scalar(
        of(&|k| *k == Kind::Float),
        quote!(::serde::de::value::F64Deserializer::<E>::new(value)),
        quote!(::serde_json::Value::from(value)),
    );

    // Containers are buffered once (in the raw crate's `buffer`, which borrows what it can),
    // so that a value no variant takes can still be kept.
    let buffered = |candidates: Vec<(&Ident, &Type, Vec<&String>)>, error: TokenStream| {
        let attempts = candidates.iter().map(|(variant, ty, required)| {
            quote! {
                if #(value.has(#required) &&)* let ::std::result::Result::Ok(known) = <#ty as ::serde::Deserialize>::deserialize(value.deserializer::<#error>()) {
                    return #ident::#variant(known);
                }
            }
        });
        quote! { #(#attempts)* #ident::#fallback(value.into_value()) }
    };
    let arrays = buffered(
        variants
            .iter()
            .filter(|(_, _, k)| *k == Kind::Array)
            .map(|(v, ty, _)| (*v, *ty, Vec::new()))
            .collect(),
        quote!(A::Error),
    );
    // An object is tried only against the variants whose required keys it has: a struct
    // that lacks one cannot decode, and the error it would build is the cost being avoided.
    let object_variants: Vec<(&Ident, &Type, &Vec<String>)> = variants
        .iter()
        .filter_map(|(v, ty, k)| match k {
            Kind::Object(required) => Some((*v, *ty, required)),
            _ => None,
        })
        .collect();
    let objects = buffered(
        object_variants
            .iter()
            .map(|(v, ty, required)| (*v, *ty, required.iter().collect()))
            .collect(),
        quote!(::serde::de::value::Error),
    );
    let arms = first_key_arms(&object_variants, shapes);
    let stream_body = if arms.is_empty() {
        // No first key names a variant for sure: every object takes the liberal decode.
        quote! {
            let _ = (first, map);
            ::std::option::Option::None
        }
    } else {
        let arms = arms.into_iter().map(|(key, variant, ty, fields)| {
            quote! {
                #key => <#ty as ::serde::Deserialize>::deserialize(
                    ::serde::de::value::MapAccessDeserializer::new(map.only(&[#(#fields),*])),
                ).map(Self::#variant),
            }
        });
        quote! {
            ::std::option::Option::Some(match first {
                #(#arms)*
                _ => return ::std::option::Option::None,
            })
        }
    };

    Some(vec![
        syn::parse_quote! {
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct ByKind;
                impl<'de> ::serde::de::Visitor<'de> for ByKind {
                    type Value = #ident;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("any JSON value")
                    }
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<Self::Value, E> {
                        #visit_str
                    }
                    fn visit_bool<E: ::serde::de::Error>(self, value: bool) -> ::std::result::Result<Self::Value, E> {
                        #visit_bool
                    }
                    fn visit_i64<E: ::serde::de::Error>(self, value: i64) -> ::std::result::Result<Self::Value, E> {
                        #visit_i64
                    }
                    fn visit_u64<E: ::serde::de::Error>(self, value: u64) -> ::std::result::Result<Self::Value, E> {
                        #visit_u64
                    }
                    fn visit_f64<E: ::serde::de::Error>(self, value: f64) -> ::std::result::Result<Self::Value, E> {
                        #visit_f64
                    }
                    fn visit_unit<E: ::serde::de::Error>(self) -> ::std::result::Result<Self::Value, E> {
                        ::std::result::Result::Ok(#ident::#fallback(::serde_json::Value::Null))
                    }
                    fn visit_none<E: ::serde::de::Error>(self) -> ::std::result::Result<Self::Value, E> {
                        self.visit_unit()
                    }
                    fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, seq: A) -> ::std::result::Result<Self::Value, A::Error> {
                        let value = crate::buffer::Content::from_seq(seq)?;
                        ::std::result::Result::Ok((move || -> #ident { #arrays })())
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> ::std::result::Result<Self::Value, A::Error> {
                        crate::stream::object(map)
                    }
                }
                deserializer.deserialize_any(ByKind)
            }
        }
        },
        syn::parse_quote! {
            impl<'de> crate::stream::ByFirstKey<'de> for #ident {
                fn stream<A: ::serde::de::MapAccess<'de>>(
                    first: &str,
                    map: &mut crate::stream::Replay<'de, A>,
                ) -> ::std::option::Option<::std::result::Result<Self, A::Error>> {
                    #stream_body
                }
                fn from_buffer(value: crate::buffer::Buffered<'de>) -> Self {
                    #objects
                }
            }
        },
    ])
}

/// For each key that names exactly one object variant, that variant and every key it reads:
/// an object whose first key is one of these streams into that variant, provided it has no
/// key the variant lacks. The liberal decode would choose the same variant: of the
/// variants whose required keys an object has, it takes the first that decodes, and the
/// object has only keys of the streamed one. So that no other variant could also have all
/// its required keys, streaming is left off for the whole union unless no variant's
/// required keys all lie among another's keys (a map variant, which requires none, turns
/// it off). A variant with serde attributes the pass does not read turns it off too.
fn first_key_arms<'a>(
    variants: &[(&'a Ident, &'a Type, &Vec<String>)],
    shapes: &Shapes,
) -> Vec<(String, &'a Ident, &'a Type, Vec<String>)> {
    let mut keys_of = Vec::new();
    for (variant, ty, _) in variants {
        let Some(fields) = type_last_ident(ty).and_then(|name| shapes.fields.get(&name)) else {
            return Vec::new();
        };
        keys_of.push((*variant, *ty, fields));
    }
    for (i, (_, _, fields)) in keys_of.iter().enumerate() {
        for (j, (_, _, required)) in variants.iter().enumerate() {
            if i != j && required.iter().all(|key| fields.contains(key)) {
                return Vec::new();
            }
        }
    }
    let mut arms = Vec::new();
    for (variant, ty, fields) in &keys_of {
        for key in fields.iter() {
            let named_by = keys_of.iter().filter(|(_, _, f)| f.contains(key)).count();
            if named_by == 1 {
                arms.push((key.clone(), *variant, *ty, (*fields).clone()));
            }
        }
    }
    arms.sort_by(|a, b| a.0.cmp(&b.0));
    arms
}

/// The kind of JSON a payload type takes, from its spelling and the module's shapes.
///
/// typify spells std types with a full path (`::std::string::String`) and the module's own
/// types and primitives with a bare name, which keeps a schema named `Map` from passing for
/// a map.
fn kind(ty: &Type, shapes: &Shapes) -> Option<Kind> {
    let Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    let name = last.ident.to_string();
    let bare =
        path.qself.is_none() && path.path.leading_colon.is_none() && path.path.segments.len() == 1;
    Some(match (bare, name.as_str()) {
        (true, "bool") => Kind::Bool,
        (true, "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64") => Kind::Integer,
        (true, "f32" | "f64") => Kind::Float,
        (true, _) if shapes.string_enums.contains(&name) => Kind::Str,
        (true, _) => Kind::Object(shapes.structs.get(&name)?.clone()),
        (false, "String") => Kind::Str,
        (false, "Vec") => Kind::Array,
        // A map takes any object.
        (false, "HashMap" | "BTreeMap" | "Map") => Kind::Object(Vec::new()),
        (false, _) => return None,
    })
}

/// The wire name of every field of a struct, each with whether a value must have it for
/// the struct to decode, or `None` when the struct's serde attributes are beyond what this
/// pass reads (a tuple struct, `flatten`, an `alias`).
fn wire_fields(s: &ItemStruct) -> Option<Vec<(String, bool)>> {
    let Fields::Named(fields) = &s.fields else {
        return None;
    };
    let container = serde_options(&s.attrs).ok()?;
    let is_default = |o: &String| o == "default" || o.starts_with("default=");
    // A container-level default makes every field optional.
    let all_optional = container.iter().any(is_default);
    let mut keys = Vec::new();
    for field in &fields.named {
        let options = serde_options(&field.attrs).ok()?;
        if options
            .iter()
            .any(|o| o == "flatten" || o.starts_with("alias="))
        {
            return None;
        }
        let optional = all_optional
            || options.iter().any(is_default)
            || matches!(&field.ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"));
        keys.push((wire_name(field).ok()?, !optional));
    }
    Some(keys)
}
