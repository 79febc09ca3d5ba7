//! The buffer that the generated union decoders read a value into before choosing a variant.
//!
//! A union sees a whole object before it knows which variant the object is, and keeps the
//! object as raw JSON when no variant fits, so it has to buffer. `serde_json::Value` owns a
//! copy of every key and string and sorts the keys into a B-tree. This buffer borrows every
//! string the input can lend (all strings without escapes, when decoding from a slice or a
//! `str`), keeps an object's entries in order, and becomes a `Value` only when the raw JSON
//! is what the union keeps.
//!
//! The object a union sees is small (one to six keys in every shape of the API), so its
//! entries are kept inline, on the stack ([`Buffered`]): buffering one costs no allocation.
//! Objects nested deeper, which only a `constant_value` or an unknown variant carries, go
//! into a `Vec` ([`Content`]). Hand-written, used by `generated.rs`.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, MapDeserializer, SeqDeserializer};
use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use smallvec::SmallVec;

/// One key and its value.
pub(crate) type Entry<'de> = (Cow<'de, str>, Content<'de>);

/// How many entries a union's object keeps inline before spilling to the heap: the widest
/// variant of the API (an available dependent agent) has six fields.
const INLINE_ENTRIES: usize = 8;

/// A union's value, buffered: an object with its entries inline, or any other JSON value.
// Large on purpose: it lives on the stack for one union's decode, in place of an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub(crate) enum Buffered<'de> {
    Object(SmallVec<[Entry<'de>; INLINE_ENTRIES]>),
    Other(Content<'de>),
}

impl<'de> Buffered<'de> {
    /// Buffers the rest of an object a visitor was handed.
    pub(crate) fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut entries = SmallVec::new();
        while let Some(Key(key)) = map.next_key()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Self::Object(entries))
    }

    /// The value under `key`, when this is an object that has it.
    pub(crate) fn get(&self, key: &str) -> Option<&Content<'de>> {
        match self {
            Self::Object(entries) => find(entries, key),
            Self::Other(_) => None,
        }
    }

    /// Whether this is an object with an entry under `key`.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The string under `key`: the tag of a tagged union.
    pub(crate) fn str_at(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some(Content::Text(text)) => Some(text),
            _ => None,
        }
    }

    /// A deserializer over this buffer, for trying a variant without consuming it.
    pub(crate) fn deserializer<E: de::Error>(&self) -> ContentRef<'_, 'de, E> {
        let view = match self {
            Self::Object(entries) => View::Object(entries),
            Self::Other(content) => View::Value(content),
        };
        ContentRef {
            view,
            error: PhantomData,
        }
    }

    /// The raw JSON, for the union's fallback variant.
    pub(crate) fn into_value(self) -> Value {
        match self {
            Self::Object(entries) => object_value(entries),
            Self::Other(content) => content.into_value(),
        }
    }
}

impl<'de> Deserialize<'de> for Buffered<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AsBuffered;
        impl<'de> ObjectOrOther<'de> for AsBuffered {
            type Value = Buffered<'de>;

            fn object<A: MapAccess<'de>>(self, map: A) -> Result<Buffered<'de>, A::Error> {
                Buffered::from_map(map)
            }
            fn other(self, content: Content<'de>) -> Buffered<'de> {
                Buffered::Other(content)
            }
        }
        deserializer.deserialize_any(ObjectOr(AsBuffered))
    }
}

/// What a union does with the value it meets: read an object its own way, or take any other
/// value buffered.
pub(crate) trait ObjectOrOther<'de> {
    type Value;

    /// Reads an object, from its first key on.
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error>;

    /// Takes a value that is not an object, buffered.
    fn other(self, content: Content<'de>) -> Self::Value;
}

/// The visitor of an [`ObjectOrOther`]: objects to `object`, every other value buffered
/// (as [`Content`] buffers it) to `other`.
pub(crate) struct ObjectOr<T>(pub(crate) T);

impl<'de, T: ObjectOrOther<'de>> Visitor<'de> for ObjectOr<T> {
    type Value = T::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.object(map)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        ContentVisitor.visit_bool(v).map(|c| self.0.other(c))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        ContentVisitor.visit_i64(v).map(|c| self.0.other(c))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        ContentVisitor.visit_u64(v).map(|c| self.0.other(c))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        ContentVisitor.visit_f64(v).map(|c| self.0.other(c))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        ContentVisitor
            .visit_borrowed_str(v)
            .map(|c| self.0.other(c))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        ContentVisitor.visit_str(v).map(|c| self.0.other(c))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        ContentVisitor.visit_string(v).map(|c| self.0.other(c))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.0.other(Content::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.0.other(Content::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        ContentVisitor.visit_seq(seq).map(|c| self.0.other(c))
    }
}

/// The value under `key` among an object's entries.
fn find<'a, 'de>(entries: &'a [Entry<'de>], key: &str) -> Option<&'a Content<'de>> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// An object's entries as raw JSON.
fn object_value<'de>(entries: impl IntoIterator<Item = Entry<'de>>) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.into_value()))
            .collect::<Map<String, Value>>(),
    )
}

/// One JSON value, borrowing from the input where it can.
#[derive(Debug)]
pub(crate) enum Content<'de> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Text(Cow<'de, str>),
    Seq(Vec<Content<'de>>),
    Map(Vec<Entry<'de>>),
}

impl<'de> Content<'de> {
    /// Buffers the rest of an array a visitor was handed.
    pub(crate) fn from_seq<A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        ContentVisitor.visit_seq(seq)
    }

    /// A deserializer over this buffer.
    pub(crate) fn deserializer<E: de::Error>(&self) -> ContentRef<'_, 'de, E> {
        ContentRef {
            view: View::Value(self),
            error: PhantomData,
        }
    }

    /// The raw JSON, for the union's fallback variant.
    pub(crate) fn into_value(self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(b),
            Self::U64(n) => Value::from(n),
            Self::I64(n) => Value::from(n),
            // As `Value` itself does: a non-finite float has no JSON form.
            Self::F64(n) => Number::from_f64(n).map_or(Value::Null, Value::Number),
            Self::Text(text) => Value::String(text.into_owned()),
            Self::Seq(items) => Value::Array(items.into_iter().map(Self::into_value).collect()),
            Self::Map(entries) => object_value(entries),
        }
    }
}

impl<'de> Deserialize<'de> for Content<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ContentVisitor)
    }
}

struct ContentVisitor;

impl<'de> Visitor<'de> for ContentVisitor {
    type Value = Content<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Content::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Content::I64(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Content::U64(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Content::F64(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Content::Text(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Content::Text(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Content::Text(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Content::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Content::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Content::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Content::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(Key(key)) = map.next_key()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Content::Map(entries))
    }
}

/// An object key, borrowed when the input lends it.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads a buffered value the way the original input would have been read.
pub(crate) struct ContentRef<'a, 'de, E> {
    view: View<'a, 'de>,
    error: PhantomData<E>,
}

/// What a [`ContentRef`] reads: a buffered value, or the inline entries of a union's object.
#[derive(Clone, Copy)]
enum View<'a, 'de> {
    Value(&'a Content<'de>),
    Object(&'a [Entry<'de>]),
}

/// Reads a buffered key; a borrowed key is handed on as borrowed.
struct KeyRef<'a, 'de, E> {
    key: &'a Cow<'de, str>,
    error: PhantomData<E>,
}

impl<'a, 'de, E: de::Error> Deserializer<'de> for ContentRef<'a, 'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        let content = match self.view {
            View::Value(content) => content,
            View::Object(entries) => return visit_entries(entries, visitor),
        };
        match content {
            Content::Null => visitor.visit_unit(),
            Content::Bool(b) => visitor.visit_bool(*b),
            Content::U64(n) => visitor.visit_u64(*n),
            Content::I64(n) => visitor.visit_i64(*n),
            Content::F64(n) => visitor.visit_f64(*n),
            Content::Text(Cow::Borrowed(text)) => visitor.visit_borrowed_str(text),
            Content::Text(Cow::Owned(text)) => visitor.visit_str(text),
            Content::Seq(items) => {
                let mut seq = SeqDeserializer::new(items.iter().map(|c| c.deserializer()));
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Content::Map(entries) => visit_entries(entries, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.view {
            View::Value(Content::Null) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, E> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        match self.view {
            // A unit variant by name, or `{"Variant": payload}`, as serde_json reads enums.
            View::Value(Content::Text(text)) => {
                visitor.visit_enum(text.as_ref().into_deserializer())
            }
            View::Value(Content::Map(_)) | View::Object(_) => {
                self.deserialize_map(EnumFromMap(visitor))
            }
            View::Value(_) => self.deserialize_any(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// Hands an object's entries to a visitor as a map, each key borrowed when it was lent.
fn visit_entries<'de, V: Visitor<'de>, E: de::Error>(
    entries: &[Entry<'de>],
    visitor: V,
) -> Result<V::Value, E> {
    let mut map = MapDeserializer::new(entries.iter().map(|(k, v)| {
        let key = KeyRef {
            key: k,
            error: PhantomData,
        };
        (key, v.deserializer())
    }));
    let value = visitor.visit_map(&mut map)?;
    map.end()?;
    Ok(value)
}

/// Hands an object to an enum visitor as `{"Variant": payload}`.
struct EnumFromMap<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for EnumFromMap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_enum(MapAccessDeserializer::new(map))
    }
}

impl<'a, 'de, E: de::Error> IntoDeserializer<'de, E> for ContentRef<'a, 'de, E> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'a, 'de, E: de::Error> Deserializer<'de> for KeyRef<'a, 'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.key {
            Cow::Borrowed(key) => visitor.visit_borrowed_str(key),
            Cow::Owned(key) => visitor.visit_str(key),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'a, 'de, E: de::Error> IntoDeserializer<'de, E> for KeyRef<'a, 'de, E> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Probe<'a> {
        #[serde(borrow)]
        name: Cow<'a, str>,
        count: Option<u32>,
        tags: Vec<String>,
        extra: Value,
    }

    const TEXT: &str = r#"{"name":"plain","count":null,"tags":["a","b\"c"],"extra":{"n":-1,"f":1.5,"t":true,"z":null},"skip":[1]}"#;

    #[test]
    fn buffers_borrowing_and_reads_back_like_the_input() {
        let buffered: Buffered<'_> = serde_json::from_str(TEXT).expect("buffers");
        assert!(matches!(&buffered, Buffered::Object(entries) if !entries.spilled()));
        assert!(matches!(
            buffered.get("name"),
            Some(Content::Text(Cow::Borrowed("plain")))
        ));
        assert_eq!(buffered.str_at("name"), Some("plain"));
        assert!(buffered.has("skip") && !buffered.has("missing"));

        let from_buffer =
            Probe::deserialize(buffered.deserializer::<serde_json::Error>()).expect("reads back");
        let direct: Probe<'_> = serde_json::from_str(TEXT).expect("decodes");
        assert_eq!(from_buffer, direct);
        // A string that needed no unescaping reaches the reader still borrowed from the input.
        assert!(matches!(from_buffer.name, Cow::Borrowed(_)));
    }

    #[test]
    fn becomes_the_same_value_serde_json_would_build() {
        let value: Value = serde_json::from_str(TEXT).expect("parses");
        let buffered: Buffered<'_> = serde_json::from_str(TEXT).expect("buffers");
        assert_eq!(buffered.into_value(), value);
        let content: Content<'_> = serde_json::from_str(TEXT).expect("buffers");
        assert_eq!(content.into_value(), value);
        let number: Buffered<'_> = serde_json::from_str("18446744073709551615").expect("buffers");
        assert_eq!(number.into_value(), json!(u64::MAX));
        let list: Buffered<'_> = serde_json::from_str(r#"[1,"a",{"b":null}]"#).expect("buffers");
        assert_eq!(list.into_value(), json!([1, "a", {"b": null}]));
    }

    #[test]
    fn an_object_wider_than_the_inline_entries_reads_back_whole() {
        let wide: Value = (0..INLINE_ENTRIES + 3)
            .map(|i| (format!("k{i}"), json!(i)))
            .collect::<Map<String, Value>>()
            .into();
        let text = wide.to_string();
        let buffered: Buffered<'_> = serde_json::from_str(&text).expect("buffers");
        assert!(matches!(&buffered, Buffered::Object(entries) if entries.spilled()));
        let read: Value =
            Value::deserialize(buffered.deserializer::<serde_json::Error>()).expect("reads");
        assert_eq!(read, wide);
        assert_eq!(buffered.into_value(), wide);
    }

    #[test]
    fn a_variant_that_does_not_fit_leaves_the_buffer_intact() {
        let buffered: Buffered<'_> = serde_json::from_str(r#"{"name":3}"#).expect("buffers");
        assert!(Probe::deserialize(buffered.deserializer::<serde_json::Error>()).is_err());
        assert_eq!(buffered.into_value(), json!({"name": 3}));
    }
}
