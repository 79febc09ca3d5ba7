//! What a run that works on many things at once shows while it runs: on a terminal a
//! progress bar, otherwise one `[i/n]` line per finished step. Lines come out in the
//! order of the plan whatever order the steps finish in: a finished step waits for the
//! ones before it.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::Style;

/// The steps of one run, as they finish.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    style: Style,
    /// The line of each finished step not printed yet, by its place in the plan.
    finished: Vec<Option<String>>,
    /// The first step not printed yet.
    next: usize,
    total: usize,
}

impl Progress {
    /// Progress over `total` steps: a bar when standard error is a terminal.
    pub fn new(total: usize, style: Style) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(total as u64),
                ProgressDrawTarget::stderr_with_hz(10),
            );
            if let Ok(look) =
                ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {wide_msg}")
            {
                bar.set_style(look);
            }
            bar
        });
        Self {
            bar,
            style,
            finished: vec![None; total],
            next: 0,
            total,
        }
    }

    /// Step `index` finished: `line` says what it did.
    pub fn finished(&mut self, index: usize, line: String) {
        if let Some(slot) = self.finished.get_mut(index) {
            *slot = Some(line);
        }
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        while let Some(Some(_)) = self.finished.get(self.next) {
            self.print(self.next);
            self.next += 1;
        }
    }

    /// Says what is running now (on the bar; nothing without one).
    pub fn running(&self, what: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(what.to_owned());
        }
    }

    /// Prints what finished but waited on a step that never ran, and takes the bar down.
    pub fn close(mut self) {
        for index in self.next..self.total {
            if self.finished[index].is_some() {
                self.print(index);
            }
        }
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn print(&mut self, index: usize) {
        let Some(line) = self.finished[index].take() else {
            return;
        };
        let counter = self.style.dim(&format!("[{}/{}]", index + 1, self.total));
        let text = format!("{counter} {line}");
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }
}
