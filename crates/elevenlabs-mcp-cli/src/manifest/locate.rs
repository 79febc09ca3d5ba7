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
}
