//! The bounds a manifest must keep before it is parsed into a document: nesting depth and
//! the size it would have once every alias is expanded.
//!
//! A YAML alias repeats its anchor's value, so a small file can stand for a huge document:
//! nested aliases (the "billion laughs") or one large scalar aliased thousands of times.
//! The parsed document (`serde_norway`) expands every alias, so the budget is checked first,
//! on the parser's event stream, which does not: each anchor's expanded size is worked out
//! once, and an alias adds that size without being expanded. The walk stops at the first
//! event past a bound, so a refused file costs no more than reading it.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

/// The deepest nesting of mappings and sequences allowed; a manifest needs five levels.
pub const MAX_DEPTH: usize = 32;

/// The largest expanded size allowed for a manifest of `file_len` bytes: a small multiple
/// of the file, with room for a short file that reuses a block many times.
pub fn expanded_budget(file_len: usize) -> usize {
    file_len.saturating_mul(4).saturating_add(1024 * 1024)
}

/// Where a bound was passed (line and column from 1), and which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverBudget {
    /// Line of the event that passed the bound.
    pub line: usize,
    /// Column of the event that passed the bound.
    pub column: usize,
    /// What was passed.
    pub message: String,
}

/// One open mapping or sequence: its anchor and its expanded size so far.
struct Open {
    anchor: usize,
    size: usize,
}

/// Checks `text` against [`MAX_DEPTH`] and [`expanded_budget`]. A syntax error ends the
/// check with `Ok`: the parser that runs next reports it with its place.
///
/// # Errors
///
/// The first place where the nesting or the expanded size passes its bound.
pub fn check(text: &str) -> Result<(), OverBudget> {
    let budget = expanded_budget(text.len());
    let mut parser = Parser::new_from_str(text);
    // The expanded size of every anchored value seen so far, by anchor id.
    let mut anchors: HashMap<usize, usize> = HashMap::new();
    let mut open: Vec<Open> = Vec::new();
    let mut total: usize = 0;
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(next) => next,
            // The scanner reads ahead through flow collections (`[[[[…`) and stops at its
            // own nesting limit before yielding their events: that is ours too.
            Err(e) if e.info().contains("recursion limit") => {
                return Err(over(*e.marker(), too_deep()));
            }
            Err(_) => return Ok(()),
        };
        // A node costs at least one unit, so that empty values and aliases of them count.
        let ended_container = matches!(event, Event::MappingEnd | Event::SequenceEnd);
        let (size, anchor) = match event {
            Event::StreamEnd => return Ok(()),
            Event::Scalar(value, _, anchor, _) => (value.len().max(1), anchor),
            Event::Alias(id) => (anchors.get(&id).copied().unwrap_or(1), 0),
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                if open.len() == MAX_DEPTH {
                    return Err(over(mark, too_deep()));
                }
                open.push(Open { anchor, size: 1 });
                total = total.saturating_add(1);
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => match open.pop() {
                Some(done) => (done.size, done.anchor),
                None => return Ok(()),
            },
            _ => continue,
        };
        if anchor != 0 {
            anchors.insert(anchor, size);
        }
        if let Some(parent) = open.last_mut() {
            parent.size = parent.size.saturating_add(size);
        }
        // A container's own size was counted as its children arrived.
        if !ended_container {
            total = total.saturating_add(size);
        }
        if total > budget {
            return Err(over(
                mark,
                format!(
                    "expands to more than {budget} bytes once its aliases are resolved ({} bytes of file); \
                     write the repeated values out, or use fewer aliases",
                    text.len()
                ),
            ));
        }
    }
}

fn too_deep() -> String {
    format!("nested more than {MAX_DEPTH} levels deep; a manifest needs five")
}

fn over(mark: Marker, message: String) -> OverBudget {
    OverBudget {
        line: mark.line().max(1),
        column: mark.col() + 1,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ordinary_manifest_with_aliases_is_within_budget() {
        let text = "defaults: &d {approval_policy: auto_approve_all, response_timeout_secs: 30}\n\
                    servers:\n  - {name: A, url: 'https://a.example', <<: *d}\n  - {name: B, url: 'https://b.example', <<: *d}\n";
        check(text).expect("within budget");
    }

    #[test]
    fn a_large_scalar_aliased_many_times_is_refused_at_its_place() {
        let mut text = format!("big: &big {}\nservers:\n", "x".repeat(200_000));
        for _ in 0..100 {
            text.push_str("  - *big\n");
        }
        let err = check(&text).expect_err("20 MB expanded");
        assert!(err.message.contains("aliases"), "{}", err.message);
        assert!(err.line > 2, "{err:?}");
    }

    #[test]
    fn nested_aliases_are_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in 'b'..='j' {
            text.push_str(&format!(
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = name;
        }
        check(&text).expect_err("billion laughs");
    }

    #[test]
    fn deep_nesting_is_refused_in_flow_and_block_style() {
        let flow = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = check(&flow).expect_err("deep flow");
        assert!(err.message.contains("levels"), "{}", err.message);
        assert_eq!(err.line, 1);
        let json = format!("{}1{}", "{\"a\":".repeat(1000), "}".repeat(1000));
        check(&json).expect_err("deep JSON");
        let mut block = String::new();
        for depth in 0..40 {
            block.push_str(&format!("{}k{depth}:\n", "  ".repeat(depth)));
        }
        check(&block).expect_err("deep block");
        let shallow = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        check(&shallow).expect("at the bound");
    }
}
