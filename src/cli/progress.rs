//! A progress bar on the terminal, or nothing.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use corpack::progress::{Phase, Progress};

/// Draws progress on stderr when it is a terminal and not silenced.
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    /// A bar for a command ("packing", "verifying") until its first phase
    /// starts, then for each phase; hidden unless stderr is a terminal and
    /// `quiet` is off.
    pub fn new(verb: &str, quiet: bool) -> Bar {
        let target = if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        Bar::with_target(verb, target)
    }

    /// A bar for `verb` drawn on `target`. Until [`Progress::start`] gives
    /// the total it has no length and shows a spinner and the bytes done:
    /// a bar of length 0 is drawn full, `0 B/0 B`, as if all were done.
    fn with_target(verb: &str, target: ProgressDrawTarget) -> Bar {
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(style(&format!("{verb} {{spinner}} {{bytes}}")));
        Bar { bar }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The style of `template`, whose only fields are indicatif's own.
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .expect("a template of known fields")
        .progress_chars("=> ")
}

impl Progress for Bar {
    fn start(&self, phase: Phase, total_bytes: u64) {
        // A phase with nothing to count (a read-back of documents the
        // writer read back already, documents all empty) would draw a full
        // bar of `0 B/0 B`: what was drawn stays.
        if total_bytes == 0 {
            return;
        }
        // A command may go through phases (verify, then copy): each starts
        // the bar over, under its own name, with the bytes done of the
        // total, the rate and the time left. Length and position change in
        // one update, so that no frame shows the new position against the
        // old length.
        self.bar.set_style(style(&format!(
            "{} [{{bar:30}}] {{bytes}}/{{total_bytes}} {{binary_bytes_per_sec}} ETA {{eta}}",
            phase.verb()
        )));
        self.bar.update(|state| {
            state.set_len(total_bytes);
            state.set_pos(0);
        });
        // The rate is measured from here: counted from the bar's making,
        // the time spent before the work was known made the first bytes
        // look slow, and the time left hours long.
        self.bar.reset_eta();
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use indicatif::TermLike;

    use super::*;

    /// A terminal that keeps each frame drawn on it, as text.
    #[derive(Clone, Debug, Default)]
    struct Screen {
        line: Arc<Mutex<String>>,
        frames: Arc<Mutex<Vec<String>>>,
    }

    impl Screen {
        fn frames(&self) -> Vec<String> {
            self.frames.lock().unwrap().clone()
        }
    }

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            120
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, text: &str) -> io::Result<()> {
            self.write_str(text)
        }
        fn write_str(&self, text: &str) -> io::Result<()> {
            self.line.lock().unwrap().push_str(text);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            let line = std::mem::take(&mut *self.line.lock().unwrap());
            if !line.trim().is_empty() {
                self.frames.lock().unwrap().push(line.trim().to_string());
            }
            Ok(())
        }
    }

    /// Each frame up to the total, without the rate and time left, which
    /// depend on the clock; a frame drawn again is listed once.
    fn drawn(screen: &Screen) -> Vec<String> {
        let mut frames: Vec<String> = (screen.frames().iter())
            .map(|frame| match frame.split_once('/') {
                Some((done, total)) => {
                    let total: Vec<&str> = total.split(' ').take(2).collect();
                    format!("{done}/{}", total.join(" "))
                }
                None => frame.clone(),
            })
            .collect();
        frames.dedup();
        frames
    }

    #[test]
    fn the_time_left_is_measured_from_the_start_of_the_work() {
        let screen = Screen::default();
        let bar = Bar::with_target(
            "packing",
            ProgressDrawTarget::term_like(Box::new(screen.clone())),
        );
        // Reading the records, before the work ahead is known.
        std::thread::sleep(std::time::Duration::from_secs(2));
        bar.start(Phase::Packing, 1000);
        std::thread::sleep(std::time::Duration::from_millis(50));
        bar.advance(100);
        bar.bar.force_draw();
        bar.finish();
        // At 100 bytes in about 50 ms, 900 are a second or so away; the
        // two seconds before made it a minute.
        let last = screen.frames().pop().unwrap();
        let left = last.rsplit_once("ETA ").unwrap().1;
        let seconds: u64 = left.trim_end_matches('s').parse().unwrap_or(u64::MAX);
        assert!(seconds < 10, "{last}");
    }

    #[test]
    fn a_phase_of_nothing_draws_nothing() {
        let screen = Screen::default();
        let bar = Bar::with_target(
            "packing",
            ProgressDrawTarget::term_like(Box::new(screen.clone())),
        );
        // Empty documents, then a read-back of nothing, then the metadata.
        bar.start(Phase::Packing, 0);
        bar.bar.force_draw();
        bar.start(Phase::ReadingBack, 0);
        bar.bar.force_draw();
        bar.start(Phase::ReadingBack, 100);
        bar.finish();
        let empty = " ".repeat(30);
        assert_eq!(
            drawn(&screen),
            [
                "packing ⠁ 0 B".to_string(),
                format!("reading back [{empty}] 0 B/100 B"),
            ]
        );
    }

    #[test]
    fn no_frame_shows_a_total_before_it_is_known() {
        let screen = Screen::default();
        let bar = Bar::with_target(
            "verifying",
            ProgressDrawTarget::term_like(Box::new(screen.clone())),
        );
        bar.bar.force_draw();
        bar.start(Phase::Verifying, 2048);
        bar.advance(1024);
        bar.bar.force_draw();
        // The next phase: no frame of it shows the last one's total, and
        // it is named.
        bar.start(Phase::Copying, 100);
        bar.finish();
        let empty = " ".repeat(30);
        let half = format!("{}>{}", "=".repeat(15), " ".repeat(14));
        assert_eq!(
            drawn(&screen),
            [
                "verifying ⠁ 0 B".to_string(),
                format!("verifying [{empty}] 0 B/2.00 KiB"),
                format!("verifying [{half}] 1.00 KiB/2.00 KiB"),
                format!("copying [{empty}] 0 B/100 B"),
            ]
        );
    }
}
