//! What the CLI prints: tables for people, the API's own JSON with `--json`, and colours
//! only on a terminal and never with `NO_COLOR`.

use std::io::IsTerminal;

use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Whether to paint: decided once from the terminal, `NO_COLOR` and `--no-color`.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Colours when standard output is a terminal and neither `NO_COLOR` (any value) nor
    /// `--no-color` says otherwise.
    pub fn detect(no_color: bool) -> Self {
        let color =
            !no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
        Self { color }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn green(self, text: &str) -> String {
        self.paint("32", text)
    }

    pub fn yellow(self, text: &str) -> String {
        self.paint("33", text)
    }

    pub fn red(self, text: &str) -> String {
        self.paint("31", text)
    }
}

/// The widest a cell is shown, in terminal columns, unless `--wide`.
const CELL: usize = 60;

/// A cell as shown: control and hidden characters made visible (`\x1b`, `U+202E`), so that
/// a server's name or a tool's description cannot rewrite the operator's terminal, and cut
/// to [`CELL`] columns with an ellipsis when `cut`.
fn cell(text: &str, cut: bool) -> String {
    let shown = crate::scan::chars::visible(text, usize::MAX);
    if !cut || shown.width() <= CELL {
        return shown;
    }
    let mut out = String::new();
    let mut width = 0;
    for c in shown.chars() {
        let w = c.width().unwrap_or(0);
        if width + w > CELL - 1 {
            break;
        }
        width += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// A table: a header and rows, columns padded to their widest cell, long cells cut (`cut`)
/// or whole. Columns are measured in terminal
/// columns (a CJK character or an emoji takes two), not in characters.
pub fn table_cut(style: Style, header: &[&str], rows: &[Vec<String>], cut: bool) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|c| cell(c, cut)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (i, c) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.width());
            }
        }
    }
    let line = |cells: &[String]| -> String {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let width = widths.get(i).copied().unwrap_or(0);
                format!("{c}{}", " ".repeat(width.saturating_sub(c.width())))
            })
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let head: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let mut out = style.bold(&line(&head));
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    if rows.is_empty() {
        out.push_str(&style.dim("(none)"));
        out.push('\n');
    }
    out
}

/// How a command prints, from the global flags.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    /// `--output` (or `--json`), if given.
    pub format: Option<crate::cli::Format>,
    /// `--wide`: table cells whole.
    pub wide: bool,
    /// `--yes`: do not ask.
    pub yes: bool,
    pub style: Style,
}

impl Out {
    /// The machine format asked for (`json` or `yaml`); `None` for tables (and for the
    /// formats of CI, `markdown` and `sarif`, which the commands that have them handle
    /// before anything else; [`for_ci`] refuses them elsewhere).
    pub fn machine(self) -> Option<crate::cli::Format> {
        self.format
            .filter(|f| matches!(f, crate::cli::Format::Json | crate::cli::Format::Yaml))
    }

    /// Whether `--output markdown` was asked for.
    pub fn markdown(self) -> bool {
        self.format == Some(crate::cli::Format::Markdown)
    }

    /// Whether `--output sarif` was asked for.
    pub fn sarif(self) -> bool {
        self.format == Some(crate::cli::Format::Sarif)
    }

    /// Prints `value` in the machine format asked for; `false` (nothing printed) for tables.
    pub fn data(self, value: &impl Serialize) -> bool {
        match self.machine() {
            Some(crate::cli::Format::Yaml) => {
                print!("{}", yaml(value));
                true
            }
            Some(_) => {
                println!("{}", json(value));
                true
            }
            None => false,
        }
    }

    /// A table of `rows` under `header`, cells cut to fit unless `--wide`.
    pub fn table(self, header: &[&str], rows: &[Vec<String>]) -> String {
        table_cut(self.style, header, rows, !self.wide)
    }
}

/// Refuses `--output markdown` and `--output sarif` for a command (`plan`, `tools audit`…)
/// that does not have them.
pub fn for_ci(format: Option<crate::cli::Format>, command: &str) -> Result<(), String> {
    let (markdown, sarif) = (
        ["plan", "tools audit", "tools scan"],
        ["tools audit", "tools scan"],
    );
    match format {
        Some(crate::cli::Format::Markdown) if !markdown.contains(&command) => Err(format!(
            "--output markdown is for `plan`, `tools audit` and `tools scan`, not `{command}`"
        )),
        Some(crate::cli::Format::Sarif) if !sarif.contains(&command) => Err(format!(
            "--output sarif is for `tools scan` and `tools audit`, not `{command}`"
        )),
        _ => Ok(()),
    }
}

/// YAML of any API value, for `--output yaml`.
pub fn yaml(value: &impl Serialize) -> String {
    serde_norway::to_string(value).unwrap_or_else(|e| format!("error: {e}\n"))
}

/// Pretty JSON of any API value, for `--json`.
pub fn json(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_by_display_width_and_long_cells_are_cut() {
        let style = Style { color: false };
        let rows = vec![
            vec!["文档搜索".to_owned(), "a".to_owned()],
            vec!["docs".to_owned(), "b".to_owned()],
            vec!["x".repeat(200), "c\u{1b}[2J".to_owned()],
        ];
        let shown = table_cut(style, &["NAME", "V"], &rows, true);
        let lines: Vec<&str> = shown.lines().collect();
        // The second column starts at the same terminal column on both rows.
        let start = |line: &str, c: char| line.find(c).map(|i| line[..i].width());
        assert_eq!(start(lines[1], 'a'), start(lines[2], 'b'), "{shown}");
        assert!(lines[3].contains('…') && lines[3].width() < 80, "{shown}");
        assert!(
            !shown.contains('\u{1b}'),
            "an escape is never sent: {shown}"
        );
        let whole = table_cut(style, &["NAME", "V"], &rows, false);
        assert!(whole.contains(&"x".repeat(200)), "--wide keeps cells whole");
    }
}
