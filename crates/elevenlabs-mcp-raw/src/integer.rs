//! `Integer`: the type of every integer field the spec declares, so that one number never
//! sinks a response.

use std::cmp::Ordering;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An integer as the wire carries it.
///
/// JSON Schema's `integer` is any number with no fractional part, however it is written:
/// `1684990000`, `1684990000.0` and `1.68499e9` are all integers to the vendor's schema, and
/// its Python SDK reads them all. So this reads every number with no fractional part that an
/// `i64` holds as [`Integer::Int`], and keeps any other number (one too large for an `i64`,
/// such as `8.4e37`, or one with a fraction) as it came, in [`Integer::Other`], the way the
/// generated enums keep a value they do not know. It serialises back as the same number.
///
/// ```
/// use elevenlabs_mcp_raw::Integer;
///
/// let n: Integer = serde_json::from_str("1684990000.0")?;
/// assert_eq!(n, Integer::Int(1684990000));
/// assert_eq!(n.as_i64(), Some(1684990000));
/// assert!(n > 0);
///
/// let huge: Integer = serde_json::from_str("8.4e37")?;
/// assert_eq!(huge.as_i64(), None);
/// assert_eq!(serde_json::to_string(&huge)?, "8.4e+37");
///
/// assert_eq!(Integer::from(30), 30);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Integer {
    /// A number with no fractional part that fits an `i64`.
    Int(i64),
    /// Any other number, kept as it arrived.
    Other(serde_json::Number),
}

impl Integer {
    /// The value, when it is a whole number an `i64` holds.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Int(n) => Some(*n),
            Self::Other(_) => None,
        }
    }

    /// The value as a float (exact for an `Int` up to 2^53).
    pub fn as_f64(&self) -> f64 {
        match self {
            Self::Int(n) => *n as f64,
            Self::Other(n) => n.as_f64().unwrap_or(f64::NAN),
        }
    }

    /// A float as an integer: `Int` when it is whole and within `i64`'s range, else kept.
    fn from_float(value: f64) -> Option<Self> {
        // 2^63 as a float: every float below it (and at or above -2^63) converts exactly.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if value.fract() == 0.0 && (-LIMIT..LIMIT).contains(&value) {
            Some(Self::Int(value as i64))
        } else {
            serde_json::Number::from_f64(value).map(Self::Other)
        }
    }
}

impl Default for Integer {
    fn default() -> Self {
        Self::Int(0)
    }
}

macro_rules! from_small_integers {
    ($($ty:ty),*) => {
        $(impl From<$ty> for Integer {
            fn from(value: $ty) -> Self {
                Self::Int(i64::from(value))
            }
        })*
    };
}

// Several impls, so that a literal (`.response_timeout_secs(30)`) falls back to `i32` and
// converts, as it would into an `i64`.
from_small_integers!(i8, i16, i32, i64, u8, u16, u32);

impl PartialEq<i64> for Integer {
    fn eq(&self, other: &i64) -> bool {
        self.as_i64() == Some(*other)
    }
}

impl PartialOrd<i64> for Integer {
    fn partial_cmp(&self, other: &i64) -> Option<Ordering> {
        match self {
            Self::Int(n) => n.partial_cmp(other),
            Self::Other(_) => self.as_f64().partial_cmp(&(*other as f64)),
        }
    }
}

impl fmt::Display for Integer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(n) => n.fmt(f),
            Self::Other(n) => n.fmt(f),
        }
    }
}

impl Serialize for Integer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Int(n) => serializer.serialize_i64(*n),
            Self::Other(n) => n.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Integer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IntegerVisitor)
    }
}

struct IntegerVisitor;

impl Visitor<'_> for IntegerVisitor {
    type Value = Integer;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Integer, E> {
        Ok(Integer::Int(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Integer, E> {
        Ok(i64::try_from(value).map_or_else(|_| Integer::Other(value.into()), Integer::Int))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Integer, E> {
        match i64::try_from(value) {
            Ok(n) => Ok(Integer::Int(n)),
            Err(_) => self.visit_f64(value as f64),
        }
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Integer, E> {
        match i64::try_from(value) {
            Ok(n) => Ok(Integer::Int(n)),
            Err(_) => self.visit_f64(value as f64),
        }
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Integer, E> {
        Integer::from_float(value)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Float(value), &"a finite number"))
    }
}

impl crate::check::Check for Integer {
    fn check(&self, _: &mut crate::check::FieldPath) -> Result<(), crate::check::Invalid> {
        Ok(())
    }
}

impl crate::check::Number for Integer {
    fn number(&self) -> Option<f64> {
        Some(self.as_f64())
    }
}

/// An integer, as the spec declares it.
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Integer {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        i64::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        i64::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Integer {
        serde_json::from_str(text).expect(text)
    }

    #[test]
    fn every_whole_number_an_i64_holds_reads_as_int() {
        for (text, n) in [
            ("0", 0),
            ("-7", -7),
            ("1684990000", 1_684_990_000),
            ("1684990000.0", 1_684_990_000),
            ("1.68499e9", 1_684_990_000),
            ("-0.0", 0),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
            ("-9.223372036854775808e18", i64::MIN),
        ] {
            assert_eq!(read(text), Integer::Int(n), "{text}");
        }
    }

    #[test]
    fn other_numbers_are_kept_and_written_back() {
        for text in [
            "8.4e37",
            "-1e300",
            "9223372036854775808",
            "18446744073709551615",
            "2.5",
            "9.3e18",
        ] {
            let n = read(text);
            assert!(matches!(n, Integer::Other(_)), "{text}: {n:?}");
            let back: f64 = serde_json::to_string(&n)
                .expect("writes")
                .parse()
                .expect("a number");
            assert_eq!(back, text.parse::<f64>().expect("a number"), "{text}");
        }
        for not_a_number in ["\"5\"", "true", "null", "[]"] {
            assert!(
                serde_json::from_str::<Integer>(not_a_number).is_err(),
                "{not_a_number}"
            );
        }
    }

    #[test]
    fn comparisons_with_plain_integers() {
        assert!(Integer::Int(5) < 6 && Integer::Int(5) == 5);
        assert!(read("8.4e37") > i64::MAX);
        assert_ne!(read("2.5"), 2);
    }
}
