//! Where each value of a YAML (or JSON) document stands, by JSON path, so that an error
//! found in the parsed document can name its file, line and column.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Line and column (both from 1) of every value, keyed by path (`servers[0].name`). A
/// mapping's entry is located at its key, so an unknown field points at its name.
#[derive(Debug, Default)]
pub struct Locations(HashMap<String, (usize, usize)>);

impl Locations {
    /// Reads `text`; a document that does not parse has no locations (the YAML parser's
    /// own error, with its position, is reported instead).
    pub fn of(text: &str) -> Self {
        let mut walker = Walker::default();
        let _ = Parser::new_from_str(text).load(&mut walker, false);
        Self(walker.found)
    }

    /// Where `path` stands, or the nearest enclosing value that has a location.
    pub fn get(&self, path: &str) -> (usize, usize) {
        let mut path = path;
        loop {
            if let Some(at) = self.0.get(path) {
                return *at;
            }
            match path.rfind(['.', '[']) {
                Some(cut) => path = &path[..cut],
                None => return self.0.get("").copied().unwrap_or((1, 1)),
            }
        }
    }
}

/// The lines of `text` as YAML counts them: LF, CRLF and a lone CR each end one. Every
/// line and column of a manifest problem is in these terms.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split("\r\n").flat_map(|l| l.split(['\n', '\r']))
}

/// The line and column (from 1) of the character at `index` (in characters from the start),
/// or of the end of the text when it is further.
pub fn at_char(text: &str, index: usize) -> (usize, usize) {
    let (mut line, mut column) = (1, 1);
    let mut chars = text.chars().take(index).peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                line += 1;
                column = 1;
            }
            _ => column += 1,
        }
    }
    (line, column)
}

/// `(line, column)` moved inside `text`: a parser may point just past its end (at the
/// line after a last line without a break), and a report points at characters that exist.
pub fn clamp(text: &str, (line, column): (usize, usize)) -> (usize, usize) {
    let widths: Vec<usize> = lines(text).map(|l| l.chars().count()).collect();
    let last = widths.len();
    if line > last {
        // Past the last line: the end of the text.
        return (last, widths[last - 1] + 1);
    }
    let line = line.max(1);
    (line, column.clamp(1, widths[line - 1] + 1))
}

enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, index: usize },
}

#[derive(Default)]
struct Walker {
    stack: Vec<Frame>,
    found: HashMap<String, (usize, usize)>,
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

impl Walker {
    /// The path of the value that starts now, given the enclosing container.
    fn child_path(&self) -> String {
        match self.stack.last() {
            None => String::new(),
            Some(Frame::Map { path, key }) => join(path, key.as_deref().unwrap_or("")),
            Some(Frame::Seq { path, index }) => format!("{path}[{index}]"),
        }
    }

    /// A value (scalar or container) has ended: the enclosing container moves on.
    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Map { key, .. }) => *key = None,
            Some(Frame::Seq { index, .. }) => *index += 1,
            None => {}
        }
    }

    fn at(mark: Marker) -> (usize, usize) {
        (mark.line().max(1), mark.col() + 1)
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                if let Some(Frame::Map {
                    path,
                    key: key @ None,
                }) = self.stack.last_mut()
                {
                    // A key: the entry is located here.
                    let full = join(path, &value);
                    *key = Some(value);
                    self.found.insert(full, Self::at(mark));
                    return;
                }
                let path = self.child_path();
                self.found.entry(path).or_insert(Self::at(mark));
                self.value_done();
            }
            Event::Alias(_) => {
                let path = self.child_path();
                self.found.entry(path).or_insert(Self::at(mark));
                self.value_done();
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let path = self.child_path();
                self.found.entry(path.clone()).or_insert(Self::at(mark));
                self.stack.push(if matches!(ev, Event::MappingStart(..)) {
                    Frame::Map { path, key: None }
                } else {
                    Frame::Seq { path, index: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_done();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_find_their_lines_and_columns() {
        let text = "servers:\n  - name: Docs\n    url: https://x\n    tool_configs:\n      - {tool: search, response_timeout_secs: 60}\n";
        let at = Locations::of(text);
        assert_eq!(at.get("servers"), (1, 1));
        assert_eq!(at.get("servers[0].name"), (2, 5));
        assert_eq!(at.get("servers[0].url"), (3, 5));
        assert_eq!(
            at.get("servers[0].tool_configs[0].response_timeout_secs"),
            (5, 24)
        );
        // A path without a location falls back to its parent, the server on line 2.
        assert_eq!(at.get("servers[0].missing").0, 2);
        let json = Locations::of("{\"servers\": [{\"name\": \"A\"}]}");
        assert_eq!(json.get("servers[0].name"), (1, 15));
    }

    #[test]
    fn lines_end_where_yaml_ends_them() {
        let text = "a\r\nb\rc\nd";
        assert_eq!(lines(text).collect::<Vec<_>>(), ["a", "b", "c", "d"]);
        assert_eq!(at_char(text, 0), (1, 1));
        assert_eq!(at_char(text, 3), (2, 1));
        assert_eq!(at_char(text, 5), (3, 1));
        assert_eq!(at_char(text, 99), (4, 2));
        // A lone CR ends a line for YAML: the parser's locations count it.
        let at = Locations::of("servers:\r  - name: A\r");
        assert_eq!(at.get("servers[0].name"), (2, 5));
    }

    #[test]
    fn places_past_the_end_are_moved_onto_the_text() {
        // serde_norway reports an unclosed flow mapping at the line after the last.
        assert_eq!(clamp("servers: {a", (2, 1)), (1, 12));
        assert_eq!(clamp("", (3, 9)), (1, 1));
        assert_eq!(clamp("ab\ncd", (2, 2)), (2, 2));
        assert_eq!(clamp("ab\ncd", (1, 40)), (1, 3));
    }
}
