//! Manifest problems shown as rustc and Terraform show theirs: `FILE:LINE:COLUMN: what`,
//! then the line itself with a caret under the place (annotate-snippets renders it).

use annotate_snippets::{Level, Renderer, Snippet};

use super::Problem;

/// The longest excerpt of a line shown under a problem: a minified manifest is one line.
const EXCERPT: usize = 160;

/// The byte range of the token at `column` (from 1) in `line`, and the excerpt of the line
/// around it: the range is relative to the excerpt.
fn place(line: &str, column: usize) -> (&str, std::ops::Range<usize>) {
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let end = line[start..]
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || matches!(c, ',' | '}' | ']' | ':'))
        .map_or(line.len(), |(i, _)| start + i)
        .min(
            line[start..]
                .char_indices()
                .map(|(i, _)| start + i)
                .nth(EXCERPT / 2)
                .unwrap_or(line.len()),
        )
        .max(
            line[start..]
                .chars()
                .next()
                .map_or(start, |c| start + c.len_utf8()),
        );
    // Keep the excerpt short and on character boundaries.
    let from = line[..start]
        .char_indices()
        .rev()
        .map(|(i, _)| i)
        .find(|i| start - i >= EXCERPT / 2)
        .unwrap_or(0);
    let to = line[end..]
        .char_indices()
        .map(|(i, _)| end + i)
        .find(|i| i - end >= EXCERPT / 2)
        .unwrap_or(line.len());
    (&line[from..to], start - from..end - from)
}

/// Each problem with the line it is on and a caret under the place.
pub fn render(problems: &[Problem], text: &str) -> String {
    let renderer = Renderer::plain();
    let mut out = String::new();
    for problem in problems {
        let title = problem.to_string();
        let line = super::locate::lines(text).nth(problem.line.saturating_sub(1));
        let rendered = match line {
            Some(line) => {
                let (excerpt, span) = place(line, problem.column);
                let origin = problem.file.as_str();
                let message = Level::Error.title(&title).snippet(
                    Snippet::source(excerpt)
                        .line_start(problem.line)
                        .origin(origin)
                        .annotation(Level::Error.span(span)),
                );
                renderer.render(message).to_string()
            }
            None => renderer.render(Level::Error.title(&title)).to_string(),
        };
        out.push_str(&rendered);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caret_is_under_the_place() {
        let text = "servers:\n  - name: Docs\n    colour: red\n";
        let problem = Problem {
            file: "m.yaml".into(),
            line: 3,
            column: 5,
            message: "unknown field `colour`".into(),
        };
        let shown = render(&[problem], text);
        assert!(
            shown.contains("m.yaml:3:5: unknown field `colour`"),
            "{shown}"
        );
        let lines: Vec<&str> = shown.lines().collect();
        let source = lines
            .iter()
            .position(|l| l.contains("colour: red"))
            .expect("the line");
        let caret = lines[source + 1];
        let at = lines[source].find("colour").expect("token");
        assert_eq!(caret.find('^'), Some(at), "{shown}");
        assert_eq!(caret.matches('^').count(), "colour".len(), "{shown}");
    }

    #[test]
    fn long_lines_and_odd_places_do_not_break_it() {
        let long = format!("servers: [{}]", "é".repeat(5_000));
        for column in [0, 1, 7, 2_000, 9_999] {
            let problem = Problem {
                file: "m.json".into(),
                line: 1,
                column,
                message: "x".into(),
            };
            let shown = render(std::slice::from_ref(&problem), &long);
            assert!(shown.len() < 2_000, "{column}: {} bytes", shown.len());
        }
        let past = Problem {
            file: "m.json".into(),
            line: 9,
            column: 1,
            message: "past the end".into(),
        };
        assert!(render(&[past], "a").contains("past the end"));
    }
}
