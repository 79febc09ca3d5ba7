//! Decoding with every union read straight into its variant, and the liberal decode behind it.
//!
//! A union keeps the raw JSON of a value whose variant does not decode, so by default it
//! buffers the value first (the private `buffer` module) and then tries its variants on the buffer.
//! On a large `list` that buffering was a third of the decode. The service, though, sends
//! well-formed variants, and a well-formed variant needs little or no buffer: a tagged union
//! keeps only the entries before its tag (none, when the tag comes first, as the service
//! writes most of them) and hands the rest of the object straight to the variant the tag
//! names; an untagged union does the same when the object's first key names one variant.
//!
//! [`from_str`] decodes that way, and gives up (`None`) the moment a union would need its
//! fallback: a variant that does not decode, or an untagged object with a key its variant
//! does not have. The caller then decodes the same text the liberal way, which buffers and
//! keeps what does not fit. So the two ways agree on every body the streamed way accepts,
//! and the liberal way still decides every other body; `tests` in the client crate check the
//! agreement on the corpus and on generated bodies.
//!
//! Which way a union reads is a thread-local switch, set by [`from_str`] for the length of
//! its decode: `Deserialize` has no other channel from the caller to a value deep in the
//! document. A caller's own `serde_json::from_str` (or any other format) never sets it and
//! always gets the liberal decode.

use std::borrow::Cow;
use std::cell::Cell;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess};
use smallvec::SmallVec;

use crate::buffer::{Buffered, Content, Entry, Key, ObjectOr, ObjectOrOther};

thread_local! {
    static STREAMING: Cell<bool> = const { Cell::new(false) };
}

/// Decodes `text` with every union read straight into its variant; `None` when some union
/// needed its fallback or the text does not decode as `T`. Decoding the same text with
/// `serde_json::from_str` then gives what the bindings promise: for every text this
/// accepts, the same value.
///
/// ```
/// use elevenlabs_mcp_raw::stream;
/// use elevenlabs_mcp_raw::types::{InputOverride, ToolConfigOverride};
///
/// let well_formed = r#"{"tool_name": "search", "input_overrides": {"q": {"source": "llm", "prompt": "Ask"}}}"#;
/// let streamed: ToolConfigOverride = stream::from_str(well_formed).expect("streams");
/// assert!(matches!(
///     streamed.input_overrides.as_ref().and_then(|o| o.get("q")),
///     Some(InputOverride::LlmInputOverride(_))
/// ));
///
/// // A known tag whose variant lacks a required field: only the liberal decode keeps it.
/// let odd = r#"{"tool_name": "search", "input_overrides": {"q": {"source": "dynamic_variable"}}}"#;
/// assert!(stream::from_str::<ToolConfigOverride>(odd).is_none());
/// let liberal: ToolConfigOverride = serde_json::from_str(odd)?;
/// assert!(matches!(
///     liberal.input_overrides.as_ref().and_then(|o| o.get("q")),
///     Some(InputOverride::Unknown(_))
/// ));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    /// Puts the switch back as it was however the decode ends, a panic included.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            STREAMING.with(|on| on.set(self.0));
        }
    }
    let _restore = Restore(STREAMING.with(|on| on.replace(true)));
    serde_json::from_str(text).ok()
}

/// Whether the decode running on this thread streams its unions.
fn streaming() -> bool {
    STREAMING.with(Cell::get)
}

/// A union tagged by one property (generated for each such union).
pub(crate) trait Tagged<'de>: Sized {
    /// The property that names the variant.
    const TAG: &'static str;

    /// Decodes the variant `tag` names from `map` (which replays the entries up to the tag
    /// first), or `None` for an unknown tag, `map` untouched.
    fn stream<A: MapAccess<'de>>(tag: &str, map: &mut A) -> Option<Result<Self, A::Error>>;

    /// The liberal decode of a buffered value.
    fn from_buffer(value: Buffered<'de>) -> Self;
}

/// An untagged union whose object variants can be told apart by an object's first key
/// (generated for each such union).
pub(crate) trait ByFirstKey<'de>: Sized {
    /// Decodes the variant that `first`, the object's first key, names from `map` (which
    /// replays that key), or `None` when the key names no single variant, `map` untouched.
    fn stream<A: MapAccess<'de>>(
        first: &str,
        map: &mut Replay<'de, A>,
    ) -> Option<Result<Self, A::Error>>;

    /// The liberal decode of a buffered object.
    fn from_buffer(value: Buffered<'de>) -> Self;
}

/// `Deserialize` for a tagged union: in a streaming decode, only the entries before the tag
/// are buffered and the variant reads the rest; otherwise the whole value is buffered.
pub(crate) fn tagged<'de, T: Tagged<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    if !streaming() {
        return de::Deserialize::deserialize(deserializer).map(T::from_buffer);
    }
    deserializer.deserialize_any(ObjectOr(TaggedVisitor(PhantomData)))
}

/// An untagged union's object: streamed when its first key names a variant in a streaming
/// decode, buffered otherwise.
pub(crate) fn object<'de, T: ByFirstKey<'de>, A: MapAccess<'de>>(
    mut map: A,
) -> Result<T, A::Error> {
    if !streaming() {
        return Buffered::from_map(map).map(T::from_buffer);
    }
    let Some(Key(first)) = map.next_key()? else {
        return Ok(T::from_buffer(Buffered::Object(SmallVec::new())));
    };
    let mut replay = Replay {
        key: Some(first.clone()),
        only: None,
        map,
    };
    match T::stream(&first, &mut replay) {
        Some(decoded) => decoded,
        None => Buffered::from_map(replay).map(T::from_buffer),
    }
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: Tagged<'de>> ObjectOrOther<'de> for TaggedVisitor<T> {
    type Value = T;

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        // The entries before the tag, kept to be read again by the variant.
        let mut before: SmallVec<[Entry<'de>; BEFORE_TAG]> = SmallVec::new();
        while let Some(Key(key)) = map.next_key()? {
            if key != T::TAG {
                before.push((key, map.next_value()?));
                continue;
            }
            // A tag that is not a string fails this decode; the liberal one keeps the value.
            let Key(tag) = map.next_value()?;
            if before.is_empty() {
                // As the service writes most tagged objects: the tag first, nothing kept.
                let mut rest = TagFirst {
                    key: Some(T::TAG),
                    tag: Some(tag.clone()),
                    map,
                };
                return match T::stream(&tag, &mut rest) {
                    Some(decoded) => decoded,
                    None => unknown_tag(before, key, tag, rest.map),
                };
            }
            before.push((key, Content::Text(tag.clone())));
            let mut rest = Prefixed::new(before, map);
            return match T::stream(&tag, &mut rest) {
                Some(decoded) => decoded,
                None => Buffered::from_map(rest).map(T::from_buffer),
            };
        }
        // No tag at all.
        Ok(T::from_buffer(Buffered::Object(
            before.into_iter().collect(),
        )))
    }

    // Anything but an object is no variant: buffered, for the fallback to keep.
    fn other(self, content: Content<'de>) -> T {
        T::from_buffer(Buffered::Other(content))
    }
}

/// The liberal decode of an object whose tag, first, names no variant: the fallback keeps
/// the whole object.
fn unknown_tag<'de, T: Tagged<'de>, A: MapAccess<'de>>(
    mut before: SmallVec<[Entry<'de>; BEFORE_TAG]>,
    key: Cow<'de, str>,
    tag: Cow<'de, str>,
    map: A,
) -> Result<T, A::Error> {
    before.push((key, Content::Text(tag)));
    Buffered::from_map(Prefixed::new(before, map)).map(T::from_buffer)
}

/// A tagged object whose tag came first, read again from the start: the tag, then the rest.
struct TagFirst<'de, A> {
    key: Option<&'static str>,
    tag: Option<Cow<'de, str>>,
    map: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TagFirst<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.key.take() {
            Some(key) => seed
                .deserialize(BorrowedStrDeserializer::new(key))
                .map(Some),
            None => self.map.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.tag.take() {
            Some(tag) => str_into(tag, seed),
            None => self.map.next_value_seed(seed),
        }
    }
}

/// How many entries before a tag are kept without allocating: the service writes most
/// tags first, and the widest variant has six fields.
const BEFORE_TAG: usize = 2;

/// A tagged object read again from the start: the entries read up to and including the tag,
/// then the rest of the object.
struct Prefixed<'de, A> {
    before: smallvec::IntoIter<[Entry<'de>; BEFORE_TAG]>,
    /// The value of the key just replayed, for the next `next_value_seed`.
    value: Option<Content<'de>>,
    map: A,
}

impl<'de, A> Prefixed<'de, A> {
    fn new(before: SmallVec<[Entry<'de>; BEFORE_TAG]>, map: A) -> Self {
        Self {
            before: before.into_iter(),
            value: None,
            map,
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Prefixed<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.before.next() {
            Some((key, value)) => {
                self.value = Some(value);
                str_into(key, seed).map(Some)
            }
            None => self.map.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(value.deserializer::<A::Error>()),
            None => self.map.next_value_seed(seed),
        }
    }
}

/// Hands a string read earlier (a key, or a tag) to `seed`, borrowed when it was lent.
fn str_into<'de, K: DeserializeSeed<'de>, E: de::Error>(
    text: Cow<'de, str>,
    seed: K,
) -> Result<K::Value, E> {
    match text {
        Cow::Borrowed(text) => seed.deserialize(BorrowedStrDeserializer::new(text)),
        Cow::Owned(text) => seed.deserialize(StringDeserializer::new(text)),
    }
}

/// An untagged object whose first key was already read, read again from the start: that key
/// (its value still unread in `map`), then the rest of the object. With
/// [`only`](Self::only) it also refuses any key its variant does not have.
pub(crate) struct Replay<'de, A> {
    key: Option<Cow<'de, str>>,
    only: Option<&'static [&'static str]>,
    map: A,
}

impl<'de, A> Replay<'de, A> {
    /// Refuses any key outside `keys`: an untagged variant streams only when the object
    /// has no key the variant lacks, so that no other variant could have been meant.
    pub(crate) fn only(&mut self, keys: &'static [&'static str]) -> &mut Self {
        self.only = Some(keys);
        self
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let key = match self.key.take() {
            Some(key) => key,
            None if self.only.is_none() => return self.map.next_key_seed(seed),
            None => match self.map.next_key::<Key<'de>>()? {
                Some(Key(key)) => key,
                None => return Ok(None),
            },
        };
        if let Some(only) = self.only
            && !only.contains(&key.as_ref())
        {
            return Err(de::Error::custom(format_args!(
                "`{key}` is not a key of this variant"
            )));
        }
        str_into(key, seed).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}
