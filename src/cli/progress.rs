//! A progress bar on the terminal, or nothing.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use corpack::progress::Progress;

/// Draws progress on stderr when it is a terminal and not silenced.
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    /// A bar for `verb` ("packing", "verifying"); hidden unless stderr is a
    /// terminal and `quiet` is off.
    pub fn new(verb: &str, quiet: bool) -> Bar {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(0)
        };
        let template = format!(
            "{verb} [{{bar:30}}] {{bytes}}/{{total_bytes}} {{binary_bytes_per_sec}} ETA {{eta}}"
        );
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style.progress_chars("=> "));
        }
        Bar { bar }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn start(&self, total_bytes: u64) {
        // A command may go through phases (verify, then copy): each starts
        // the bar over.
        self.bar.set_position(0);
        self.bar.set_length(total_bytes);
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }
}
