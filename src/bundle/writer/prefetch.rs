//! Reading ahead of the workers. With the files not in the page cache, a
//! worker waits for the disk at every small file, so the disk sees two
//! requests at a time. A thread asks the kernel to start reading the next
//! files (`posix_fadvise(WILLNEED)` on their first chunk) while the workers
//! hash and compress the current ones. Files longer than a chunk are read
//! sequentially, and the kernel's own readahead takes care of the rest.
//! A hint only: whatever fails here, a worker meets and reports.
//!
//! With the files cached, the hint is wasted work: opening, advising and
//! closing each file took a tenth of the CPU of packing the `many-small`
//! benchmark corpus, on a machine with two cores. So the thread reads
//! ahead only while a worker has lately found a file's start missing from
//! the page cache (see [`super::source::read_start`]).

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use super::FileSources;

/// How many files ahead of the next one a worker takes.
const AHEAD: usize = 64;
/// How many files the workers take, all found in the page cache, before
/// reading ahead stops until they miss one again.
const WARM_AFTER: usize = 4 * AHEAD;
/// How long to wait when far enough ahead, or while the files are cached.
const PAUSE: Duration = Duration::from_millis(1);

/// Calls `advise` for the files a worker has not taken yet, at most
/// [`AHEAD`] ahead of the next one (`taken()`), while a worker has missed
/// the page cache within the last [`WARM_AFTER`] files (`last_miss`, one
/// past the index of that file; at the start the files count as cold),
/// until every file is taken or `stop`.
pub(super) fn read_ahead(
    files: &dyn FileSources,
    taken: &dyn Fn() -> usize,
    last_miss: &AtomicUsize,
    stop: &AtomicBool,
    advise: &dyn Fn(&Path),
) {
    let mut index = 0;
    while index < files.count() && !stop.load(Ordering::Relaxed) {
        let taken = taken();
        if taken >= files.count() {
            return;
        }
        index = index.max(taken);
        let cold = last_miss.load(Ordering::Relaxed) + WARM_AFTER > taken;
        if !cold || index >= taken + AHEAD {
            std::thread::sleep(PAUSE);
            continue;
        }
        advise(&files.path(index));
        index += 1;
    }
}

/// Asks the kernel to start reading the first `len` bytes of `path`.
#[cfg(target_os = "linux")]
pub(super) fn advise(path: &std::path::Path, len: u64) {
    use rustix::fs::{Advice, fadvise};
    if let Ok(file) = std::fs::File::open(path) {
        let _ = fadvise(&file, 0, std::num::NonZeroU64::new(len), Advice::WillNeed);
    }
}

#[cfg(not(target_os = "linux"))]
pub(super) fn advise(_: &std::path::Path, _: u64) {}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::sync::Mutex;

    use super::*;
    use crate::bundle::writer::FileSource;

    /// Runs `read_ahead` over `count` files on a thread while `steps`
    /// move the workers on (the next file to take, and one past the last
    /// miss), then takes every file; returns the files advised.
    fn advised(count: usize, steps: &[(usize, usize)]) -> Vec<usize> {
        let names: Vec<String> = (0..count).map(|i| i.to_string()).collect();
        let files: Vec<_> = names
            .iter()
            .map(|name| FileSource {
                name: name.as_str().into(),
                dir: Path::new(""),
                path: Cow::Borrowed(Path::new(name)),
            })
            .collect();
        let next_file = Mutex::new(0);
        let (last_miss, stop) = (AtomicUsize::new(0), AtomicBool::new(false));
        let advised = Mutex::new(Vec::new());
        let taken = || *next_file.lock().unwrap();
        let advise = |path: &Path| {
            let index = path.to_str().unwrap().parse::<usize>().unwrap();
            advised.lock().unwrap().push(index);
        };
        std::thread::scope(|scope| {
            let reader = scope.spawn(|| read_ahead(&files, &taken, &last_miss, &stop, &advise));
            for &(next, miss) in steps {
                std::thread::sleep(Duration::from_millis(30));
                assert!(!reader.is_finished(), "it waits for the workers");
                last_miss.store(miss, Ordering::Relaxed);
                *next_file.lock().unwrap() = next;
            }
            std::thread::sleep(Duration::from_millis(30));
            *next_file.lock().unwrap() = count;
            reader.join().unwrap();
        });
        advised.into_inner().unwrap()
    }

    #[test]
    fn stays_ahead_of_the_workers_by_at_most_its_window() {
        let advised = advised(AHEAD + 10, &[(2, 0)]);
        assert_eq!(advised, (0..AHEAD + 2).collect::<Vec<_>>());
    }

    #[test]
    fn pauses_while_the_workers_find_the_files_cached_and_resumes_on_a_miss() {
        let count = 2 * WARM_AFTER + 4 * AHEAD;
        let missed_at = WARM_AFTER + 2 * AHEAD;
        let advised = advised(
            count,
            &[
                // Within the first WARM_AFTER files, they count as cold.
                (AHEAD, 0),
                // No miss in the last WARM_AFTER files: it stops.
                (WARM_AFTER, 0),
                (WARM_AFTER + AHEAD, 0),
                // A miss: it reads ahead of the workers again.
                (missed_at, missed_at),
            ],
        );
        let expected: Vec<usize> = (0..2 * AHEAD).chain(missed_at..missed_at + AHEAD).collect();
        assert_eq!(advised, expected);
    }

    #[test]
    fn stops_when_told() {
        let files = vec![FileSource {
            name: "0".into(),
            dir: Path::new("."),
            path: Cow::Borrowed(Path::new("0")),
        }];
        let (last_miss, stop) = (AtomicUsize::new(0), AtomicBool::new(true));
        read_ahead(&files, &|| 0, &last_miss, &stop, &|_| panic!("advised"));
    }
}
