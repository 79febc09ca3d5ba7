//! Parsing a message, with its nesting checked first.
//!
//! The depth is counted by a byte scan before serde_json sees the document, so no document
//! reaches a recursive parser deeper than the bound, whatever serde_json's build does (its
//! `unbounded_depth` feature, unified across a binary, would lift its own limit of 128).

use serde_json::Value;

use crate::error::{ListError, Problem, Step};

/// Fails with [`ListError::TooDeep`] when arrays and objects nest deeper than `max_depth`,
/// brackets inside strings not counted. Not a validation: a malformed document may pass,
/// and serde_json then refuses it.
pub(crate) fn check_depth(bytes: &[u8], max_depth: usize, step: Step) -> Result<(), ListError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return Err(ListError::TooDeep {
                        step,
                        limit: max_depth,
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// A message's JSON, depth-checked then parsed.
pub(crate) fn parse(bytes: &[u8], max_depth: usize, step: Step) -> Result<Value, ListError> {
    check_depth(bytes, max_depth, step)?;
    serde_json::from_slice(bytes).map_err(|e| {
        ListError::protocol(
            step,
            Problem::NotJson {
                // serde_json's message names the position, never the content.
                detail: e.to_string(),
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEP: Step = Step::Initialize;

    fn nested(depth: usize) -> String {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn counts_arrays_and_objects() {
        assert!(check_depth(nested(64).as_bytes(), 64, STEP).is_ok());
        assert!(matches!(
            check_depth(nested(65).as_bytes(), 64, STEP),
            Err(ListError::TooDeep { limit: 64, .. })
        ));
        assert!(check_depth(br#"{"a":{"b":[1,{"c":2}]}}"#, 4, STEP).is_ok());
        assert!(check_depth(br#"{"a":{"b":[1,{"c":{}}]}}"#, 4, STEP).is_err());
    }

    #[test]
    fn brackets_in_strings_do_not_count() {
        let doc = format!(r#"{{"s":"{}\"{}"}}"#, "[".repeat(100), "{".repeat(100));
        assert!(check_depth(doc.as_bytes(), 1, STEP).is_ok());
        assert!(parse(doc.as_bytes(), 1, STEP).is_ok());
    }

    #[test]
    fn a_million_levels_is_refused_without_recursion() {
        let doc = "[".repeat(1_000_000);
        assert!(matches!(
            parse(doc.as_bytes(), 64, STEP),
            Err(ListError::TooDeep { .. })
        ));
    }

    #[test]
    fn garbage_and_invalid_utf8_are_protocol_errors() {
        for doc in [
            &b"\xff\xfe\x00garbage"[..],
            b"{\"a\":\"\xc3\x28\"}",
            b"",
            b"{\"a\":",
        ] {
            assert!(matches!(
                parse(doc, 64, STEP),
                Err(ListError::Protocol {
                    problem: Problem::NotJson { .. },
                    ..
                })
            ));
        }
    }
}
