//! The helpers behind the generated send-side checks.
//!
//! `cargo xtask regen` gives every generated type a [`Check`] impl that walks its fields
//! and applies the spec's `minimum`, `maximum`, `minLength`, `maxLength` and `pattern`.
//! The `elevenlabs-mcp` client runs it on every request body before sending; a failure
//! names the field by its JSON path, such as `config.tool_config_overrides[0].tool_name`.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use crate::Patch;

/// A value the spec's request-side rules refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// JSON path of the field, such as `config.url`.
    pub field: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid `{}`: {}", self.field, self.reason)
    }
}

impl std::error::Error for Invalid {}

/// Where a check is in the value: keys and indices from the root.
#[derive(Debug, Clone, Default)]
pub struct FieldPath(Vec<Step>);

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

impl FieldPath {
    /// The root of a request body.
    pub fn root() -> Self {
        Self::default()
    }

    /// Enters an object key.
    pub fn push_key(&mut self, key: &str) {
        self.0.push(Step::Key(key.to_owned()));
    }

    /// Enters an array index.
    pub fn push_index(&mut self, index: usize) {
        self.0.push(Step::Index(index));
    }

    /// Leaves the last key or index.
    pub fn pop(&mut self) {
        self.0.pop();
    }

    /// An [`Invalid`] for the field here.
    pub fn invalid(&self, reason: impl Into<String>) -> Invalid {
        Invalid {
            field: self.to_string(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("body");
        }
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Key(key) if i == 0 => f.write_str(key)?,
                Step::Key(key) => write!(f, ".{key}")?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// A value whose request-side rules can be checked before it is sent.
///
/// ```
/// use elevenlabs_mcp_raw::check::{Check, FieldPath};
/// use elevenlabs_mcp_raw::types::McpServerConfig;
///
/// let config = McpServerConfig::new("Docs", "https://mcp.example.com").response_timeout_secs(301);
/// let err = config.check(&mut FieldPath::root()).expect_err("301 is over the maximum");
/// assert_eq!(err.field, "response_timeout_secs");
/// ```
pub trait Check {
    /// Checks `self`, which sits at `at`.
    ///
    /// # Errors
    ///
    /// The first rule that does not hold, with the field's path.
    fn check(&self, at: &mut FieldPath) -> Result<(), Invalid>;
}

macro_rules! nothing_to_check {
    ($($ty:ty),*) => {
        $(impl Check for $ty {
            fn check(&self, _: &mut FieldPath) -> Result<(), Invalid> {
                Ok(())
            }
        })*
    };
}

nothing_to_check!(
    (),
    String,
    bool,
    i64,
    u64,
    f64,
    serde_json::Value,
    serde_json::Map<String, serde_json::Value>
);

impl<T: Check> Check for Option<T> {
    fn check(&self, at: &mut FieldPath) -> Result<(), Invalid> {
        self.as_ref().map_or(Ok(()), |v| v.check(at))
    }
}

impl<T: Check> Check for Patch<T> {
    fn check(&self, at: &mut FieldPath) -> Result<(), Invalid> {
        self.as_set().map_or(Ok(()), |v| v.check(at))
    }
}

impl<T: Check> Check for Box<T> {
    fn check(&self, at: &mut FieldPath) -> Result<(), Invalid> {
        (**self).check(at)
    }
}

impl<T: Check> Check for Vec<T> {
    fn check(&self, at: &mut FieldPath) -> Result<(), Invalid> {
        for (i, item) in self.iter().enumerate() {
            at.push_index(i);
            item.check(at)?;
            at.pop();
        }
        Ok(())
    }
}

impl<T: Check, S> Check for HashMap<String, T, S> {
    fn check(&self, at: &mut FieldPath) -> Result<(), Invalid> {
        for (key, item) in self {
            at.push_key(key);
            item.check(at)?;
            at.pop();
        }
        Ok(())
    }
}

/// A field that may hold a number: the number, when it is there.
pub trait Number {
    /// The number, if set.
    fn number(&self) -> Option<f64>;
}

impl Number for i64 {
    fn number(&self) -> Option<f64> {
        Some(*self as f64)
    }
}

impl Number for u64 {
    fn number(&self) -> Option<f64> {
        Some(*self as f64)
    }
}

impl Number for f64 {
    fn number(&self) -> Option<f64> {
        Some(*self)
    }
}

impl<T: Number> Number for Option<T> {
    fn number(&self) -> Option<f64> {
        self.as_ref().and_then(Number::number)
    }
}

impl<T: Number> Number for Patch<T> {
    fn number(&self) -> Option<f64> {
        self.as_set().and_then(Number::number)
    }
}

/// A field that may hold text: the text, when it is there.
pub trait Text {
    /// The text, if set.
    fn text(&self) -> Option<&str>;
}

impl Text for String {
    fn text(&self) -> Option<&str> {
        Some(self)
    }
}

impl<T: Text> Text for Option<T> {
    fn text(&self) -> Option<&str> {
        self.as_ref().and_then(Text::text)
    }
}

impl<T: Text> Text for Patch<T> {
    fn text(&self) -> Option<&str> {
        self.as_set().and_then(Text::text)
    }
}

/// Shows a bound as the spec writes it: `5`, not `5.0`.
fn bound(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// `minimum` and `maximum`, inclusive.
///
/// # Errors
///
/// When the number is set and out of bounds.
pub fn range(
    value: &impl Number,
    min: Option<f64>,
    max: Option<f64>,
    at: &FieldPath,
) -> Result<(), Invalid> {
    let Some(n) = value.number() else {
        return Ok(());
    };
    let out = min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m);
    if !out {
        return Ok(());
    }
    let reason = match (min, max) {
        (Some(lo), Some(hi)) => format!(
            "must be between {} and {}, not {}",
            bound(lo),
            bound(hi),
            bound(n)
        ),
        (Some(lo), None) => format!("must be at least {}, not {}", bound(lo), bound(n)),
        (None, Some(hi)) => format!("must be at most {}, not {}", bound(hi), bound(n)),
        (None, None) => return Ok(()),
    };
    Err(at.invalid(reason))
}

/// `minLength` and `maxLength`, in characters.
///
/// # Errors
///
/// When the text is set and too short or too long.
pub fn length(
    value: &impl Text,
    min: Option<u64>,
    max: Option<u64>,
    at: &FieldPath,
) -> Result<(), Invalid> {
    let Some(text) = value.text() else {
        return Ok(());
    };
    let n = text.chars().count() as u64;
    if let Some(min) = min.filter(|m| n < *m) {
        return Err(at.invalid(format!(
            "must be at least {min} character{} long",
            if min == 1 { "" } else { "s" }
        )));
    }
    if let Some(max) = max.filter(|m| n > *m) {
        return Err(at.invalid(format!("must be at most {max} characters long, not {n}")));
    }
    Ok(())
}

/// A `pattern` of the spec, compiled on first use. Like the spec's (ECMA-262) patterns, it
/// matches anywhere in the text unless anchored.
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<regex_lite::Regex>>,
}

impl Pattern {
    /// A pattern from the spec.
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// Checks the text, when it is set.
    ///
    /// # Errors
    ///
    /// When the text does not match. A pattern that does not compile refuses nothing (the
    /// spec's validator test catches such a pattern first).
    pub fn check(&self, value: &impl Text, at: &FieldPath) -> Result<(), Invalid> {
        let Some(text) = value.text() else {
            return Ok(());
        };
        let compiled = self
            .compiled
            .get_or_init(|| regex_lite::Regex::new(self.source).ok());
        match compiled {
            Some(re) if !re.is_match(text) => Err(at.invalid(format!(
                "`{text}` does not match the pattern `{}`",
                self.source
            ))),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_json_paths() {
        let mut at = FieldPath::root();
        assert_eq!(at.to_string(), "body");
        at.push_key("config");
        at.push_key("tool_config_overrides");
        at.push_index(2);
        at.push_key("tool_name");
        assert_eq!(at.to_string(), "config.tool_config_overrides[2].tool_name");
    }

    #[test]
    fn bounds_lengths_and_patterns() {
        let at = FieldPath::root();
        assert!(range(&Some(5i64), Some(5.0), Some(300.0), &at).is_ok());
        assert!(range(&None::<i64>, Some(5.0), Some(300.0), &at).is_ok());
        let err = range(&Patch::Set(301i64), Some(5.0), Some(300.0), &at).expect_err("301 > 300");
        assert_eq!(err.reason, "must be between 5 and 300, not 301");
        assert!(length(&String::new(), Some(1), None, &at).is_err());
        assert!(length(&"é".to_owned(), Some(1), Some(1), &at).is_ok());
        let https = Pattern::new("^https://");
        assert!(https.check(&"https://x".to_owned(), &at).is_ok());
        assert!(https.check(&"http://x".to_owned(), &at).is_err());
        assert!(https.check(&None::<String>, &at).is_ok());
    }
}
