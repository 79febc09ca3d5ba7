//! What the CLI prints: tables for people, the API's own JSON with `--json`, and colours
//! only on a terminal and never with `NO_COLOR`.

use std::io::IsTerminal;

use serde::Serialize;

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

/// A table: a header and rows, columns padded to their widest cell. Every cell is shown
/// with its control and hidden characters made visible (`\x1b`, `U+202E`): a server's name
/// or a tool's description must not be able to rewrite the operator's terminal.
pub fn table(style: Style, header: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| crate::scan::chars::visible(cell, usize::MAX))
                .collect()
        })
        .collect();
    let rows = &rows;
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<String>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let width = widths.get(i).copied().unwrap_or(0);
                format!("{c}{}", " ".repeat(width.saturating_sub(c.chars().count())))
            })
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut out = style.bold(&line(header.iter().map(|h| (*h).to_owned()).collect()));
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.clone()));
        out.push('\n');
    }
    if rows.is_empty() {
        out.push_str(&style.dim("(none)"));
        out.push('\n');
    }
    out
}

/// Pretty JSON of any API value, for `--json`.
pub fn json(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
