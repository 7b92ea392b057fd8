//! SIGINT and SIGTERM: corpack removes the temporary outputs it is writing,
//! then exits with the status a shell gives a command the signal ended
//! (128 + its number: 130, 143). A second signal, while the first is
//! handled, ends it at once.
//!
//! The signal handlers only write to a pipe (signal-hook's `Signals`) and
//! set a flag; the removal runs on a thread of its own.

use std::io;

/// Starts watching for SIGINT and SIGTERM.
#[cfg(unix)]
pub fn remove_temporaries_on_signals() -> io::Result<()> {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    use signal_hook::iterator::Signals;

    let signalled = Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM] {
        // The shutdown first, so that it is armed by the first signal and
        // fires on the second.
        flag::register_conditional_shutdown(signal, 128 + signal, Arc::clone(&signalled))?;
        flag::register(signal, Arc::clone(&signalled))?;
    }
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held until the end: the other threads make no more.
                let _removed = corpack::output::remove_temporaries();
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// Elsewhere the system's default ends the process, and the next run
/// beside a temporary output removes it.
#[cfg(not(unix))]
pub fn remove_temporaries_on_signals() -> io::Result<()> {
    Ok(())
}
