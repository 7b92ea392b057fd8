//! SIGINT and SIGTERM: corpack removes the temporary outputs it is writing,
//! then exits with the status a shell gives a command the signal ended
//! (128 + its number: 130, 143), once a report being written to stdout is
//! whole, or two seconds have passed. A second signal, once the temporary
//! outputs are removed or [`SECOND_SIGNAL_AFTER`] has passed, ends it at
//! once; one sooner is the first again: `timeout` sends its signal to
//! corpack and then to its whole process group, two signals a few
//! microseconds apart, and the second must not cut the removal short.
//!
//! The signal handlers only write to a pipe (signal-hook's `Signals`) and
//! set a flag; the removal runs on a thread of its own. A signal ignored
//! when corpack starts stays ignored: a shell starts background jobs with
//! SIGINT ignored, so that a Ctrl-C meant for another command spares them.

use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Held while a report is written to stdout: a signal waits for it, up to
/// [`REPORT_WAIT`], so that what a reader gets is whole.
static REPORT: Mutex<()> = Mutex::new(());

/// How long a signal waits for a report being written: a reader that
/// stopped reading must not keep corpack from ending (`timeout`, `kill`
/// and service managers send `SIGTERM` once).
const REPORT_WAIT: Duration = Duration::from_secs(2);

/// Whether a signal is being handled: the run ends with its status.
static SIGNALLED: AtomicBool = AtomicBool::new(false);

/// How long after the first signal a second one, while the temporary
/// outputs are still being removed, ends the run at once: someone pressing
/// Ctrl-C again because the first seems to hang.
const SECOND_SIGNAL_AFTER: Duration = Duration::from_secs(1);

/// Runs `write`, the writing of a report, which a signal lets finish; if
/// one came meanwhile, the run then ends as it says, not as if none had.
pub fn whole_report<T>(write: impl FnOnce() -> T) -> T {
    let written = {
        let _writing = REPORT
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        write()
    };
    // The signal's thread ends the process once its clean-up is done.
    while SIGNALLED.load(Ordering::SeqCst) {
        std::thread::park();
    }
    written
}

/// Waits until no report is being written, or [`REPORT_WAIT`] has passed.
#[cfg(unix)]
fn wait_for_report() {
    let start = std::time::Instant::now();
    while matches!(REPORT.try_lock(), Err(std::sync::TryLockError::WouldBlock))
        && start.elapsed() < REPORT_WAIT
    {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Starts watching for SIGINT and SIGTERM.
#[cfg(unix)]
pub fn remove_temporaries_on_signals() -> io::Result<()> {
    use std::sync::Arc;

    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    use signal_hook::iterator::Signals;

    let watched: Vec<i32> = [SIGINT, SIGTERM]
        .into_iter()
        .filter(|&signal| !ignored(signal))
        .collect();
    if watched.is_empty() {
        return Ok(());
    }
    // Set once a second signal is to end the run at once.
    let armed = Arc::new(AtomicBool::new(false));
    for &signal in &watched {
        flag::register_conditional_shutdown(signal, 128 + signal, Arc::clone(&armed))?;
    }
    let mut signals = Signals::new(&watched)?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                SIGNALLED.store(true, Ordering::SeqCst);
                let arm = Arc::clone(&armed);
                let _timer = std::thread::Builder::new().spawn(move || {
                    std::thread::sleep(SECOND_SIGNAL_AFTER);
                    arm.store(true, Ordering::SeqCst);
                });
                // Held until the end: the other threads make no more.
                let _removed = corpack::output::remove_temporaries();
                armed.store(true, Ordering::SeqCst);
                wait_for_report();
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// Whether `signal` is ignored now.
#[cfg(unix)]
fn ignored(signal: i32) -> bool {
    let mut action = std::mem::MaybeUninit::<libc::sigaction>::zeroed();
    // SAFETY: with no new action, sigaction(2) only writes the current one
    // into `action`, which has room for it.
    let read = unsafe { libc::sigaction(signal, std::ptr::null(), action.as_mut_ptr()) };
    // SAFETY: zeroed is a valid `sigaction`, and a successful call filled it.
    read == 0 && unsafe { action.assume_init() }.sa_sigaction == libc::SIG_IGN
}

/// Elsewhere the system's default ends the process (a report cut short),
/// and the next run beside a temporary output removes it.
#[cfg(not(unix))]
pub fn remove_temporaries_on_signals() -> io::Result<()> {
    Ok(())
}
