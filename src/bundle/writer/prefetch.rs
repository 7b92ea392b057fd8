//! Reading ahead of the workers. With the files not in the page cache, a
//! worker waits for the disk at every small file, so the disk sees two
//! requests at a time. A thread asks the kernel to start reading the next
//! files (`posix_fadvise(WILLNEED)` on their first chunk) while the workers
//! hash and compress the current ones. Files longer than a chunk are read
//! sequentially, and the kernel's own readahead takes care of the rest.
//! A hint only: whatever fails here, a worker meets and reports.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::FileSource;

/// How many files ahead of the next one a worker takes.
const AHEAD: usize = 64;
/// How long to wait when far enough ahead.
const PAUSE: Duration = Duration::from_millis(1);

/// Advises the kernel of the files a worker has not taken yet, at most
/// [`AHEAD`] ahead of `next_file`, until every file is taken or `stop`.
pub(super) fn read_ahead(
    files: &[FileSource],
    next_file: &Mutex<usize>,
    stop: &AtomicBool,
    first_chunk: u64,
) {
    let mut index = 0;
    while index < files.len() && !stop.load(Ordering::Relaxed) {
        let taken = *next_file.lock().expect("no worker panicked");
        if taken >= files.len() {
            return;
        }
        index = index.max(taken);
        if index >= taken + AHEAD {
            std::thread::sleep(PAUSE);
            continue;
        }
        let source = &files[index];
        advise(&source.full_path(), first_chunk);
        index += 1;
    }
}

#[cfg(target_os = "linux")]
fn advise(path: &std::path::Path, len: u64) {
    use rustix::fs::{Advice, fadvise};
    if let Ok(file) = std::fs::File::open(path) {
        let _ = fadvise(&file, 0, std::num::NonZeroU64::new(len), Advice::WillNeed);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_: &std::path::Path, _: u64) {}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::path::Path;

    use super::*;

    #[test]
    fn stays_ahead_of_the_workers_by_at_most_its_window() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("0"), b"bytes").unwrap();
        // One file that exists, the others missing: a hint that fails is
        // not an error.
        let names: Vec<String> = (0..AHEAD + 2).map(|i| i.to_string()).collect();
        let files: Vec<_> = names
            .iter()
            .map(|name| FileSource {
                name: name.as_str().into(),
                dir: dir.path(),
                path: Cow::Borrowed(Path::new(name)),
            })
            .collect();
        let next_file = Mutex::new(0);
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let reader = scope.spawn(|| read_ahead(&files, &next_file, &stop, 1 << 20));
            std::thread::sleep(Duration::from_millis(50));
            assert!(!reader.is_finished(), "it waits for the workers");
            *next_file.lock().unwrap() = 2;
            reader.join().unwrap();
        });
        // Told to stop, it returns at once.
        stop.store(true, Ordering::Relaxed);
        *next_file.lock().unwrap() = 0;
        read_ahead(&files, &next_file, &stop, 1 << 20);
    }
}
