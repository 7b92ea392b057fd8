//! Records sorted by key in bounded memory, for the contextual entities
//! of a large crate: records are held until [`RUN_BYTES`] of them, sorted
//! by key into a run, in memory or in an unnamed file, and the runs are
//! merged back in key order at the end, the records of one key in the
//! order they came. Memory holds the run being filled, and a buffer per
//! run while they are merged, however many records there are.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::positional::read_exact_at;

/// The most record bytes held before they are sorted into a run.
const RUN_BYTES: usize = if cfg!(test) { 100 } else { 8 << 20 };
/// A run's records are written, and read while runs are merged, this much
/// at a time; less when there are many runs, so that their buffers take
/// at most [`MERGE_BYTES`] in all, but never under [`MIN_READ_BYTES`].
const READ_BYTES: usize = if cfg!(test) { 16 } else { 64 << 10 };
const MERGE_BYTES: usize = if cfg!(test) { 64 } else { 8 << 20 };
const MIN_READ_BYTES: usize = if cfg!(test) { 4 } else { 4 << 10 };

/// One record: the key it is sorted by, a second key that tells copies
/// of one thing apart from other records of its key (empty if none), and
/// its text.
pub(super) struct Record {
    pub(super) key: String,
    pub(super) copy_key: String,
    pub(super) text: String,
}

/// Records sorted into runs.
#[derive(Default)]
pub(super) struct SortedRuns {
    /// Records not yet in a run, one after another.
    pending: Vec<u8>,
    /// Where each record of `pending` starts.
    starts: Vec<usize>,
    store: Store,
    runs: Vec<Run>,
    /// The first error met keeping a record; nothing is kept after it.
    error: Option<io::Error>,
}

/// Where a run is in the [`Store`].
#[derive(Clone, Copy)]
struct Run {
    start: u64,
    len: u64,
}

/// The runs, one after another.
enum Store {
    Memory(Vec<u8>),
    /// The file, the directory it is in (for errors), and its length.
    File(File, PathBuf, u64),
}

impl Default for Store {
    fn default() -> Store {
        Store::Memory(Vec::new())
    }
}

impl Store {
    fn len(&self) -> u64 {
        match self {
            Store::Memory(bytes) => bytes.len() as u64,
            Store::File(_, _, len) => *len,
        }
    }

    fn append<'a>(&mut self, pieces: impl Iterator<Item = &'a [u8]>) -> io::Result<()> {
        match self {
            Store::Memory(kept) => pieces.for_each(|piece| kept.extend_from_slice(piece)),
            Store::File(file, dir, len) => {
                let written = (|| {
                    let mut writer = io::BufWriter::with_capacity(READ_BYTES, &*file);
                    for piece in pieces {
                        writer.write_all(piece)?;
                        *len += piece.len() as u64;
                    }
                    writer.flush()
                })();
                written.map_err(|error| in_dir(dir, error))?;
            }
        }
        Ok(())
    }

    fn read_at(&self, buffer: &mut [u8], at: u64) -> io::Result<()> {
        match self {
            Store::Memory(kept) => {
                let bytes = usize::try_from(at)
                    .ok()
                    .and_then(|at| kept.get(at..at + buffer.len()));
                buffer.copy_from_slice(bytes.ok_or(io::ErrorKind::UnexpectedEof)?);
                Ok(())
            }
            Store::File(file, dir, _) => {
                read_exact_at(file, buffer, at).map_err(|error| in_dir(dir, error))
            }
        }
    }
}

/// `error`, met by the unnamed file in `dir`, saying so.
fn in_dir(dir: &Path, error: io::Error) -> io::Error {
    let message = format!(
        "the unnamed file in {} that holds the crate's contextual entities: {error}",
        dir.display()
    );
    io::Error::new(error.kind(), message)
}

/// The length of a record's header: three lengths.
const HEADER: usize = 12;

/// The lengths in a record's header.
fn lengths(header: &[u8]) -> [usize; 3] {
    let len = |at: usize| {
        let bytes: [u8; 4] = header[at..at + 4].try_into().expect("four bytes");
        u32::from_le_bytes(bytes) as usize
    };
    [len(0), len(4), len(8)]
}

impl SortedRuns {
    /// Runs kept in an unnamed file in `dir`.
    pub(super) fn in_file_in(dir: &Path) -> io::Result<SortedRuns> {
        let file = tempfile::tempfile_in(dir).map_err(|error| in_dir(dir, error))?;
        Ok(SortedRuns {
            store: Store::File(file, dir.to_path_buf(), 0),
            ..SortedRuns::default()
        })
    }

    /// Keeps a record; an error is kept for [`SortedRuns::merge`].
    pub(super) fn push(&mut self, key: &str, copy_key: &str, text: &str) {
        if self.error.is_some() {
            return;
        }
        let mut header = Vec::with_capacity(HEADER);
        for part in [key, copy_key, text] {
            match u32::try_from(part.len()) {
                Ok(len) => header.extend_from_slice(&len.to_le_bytes()),
                Err(_) => {
                    let message = format!("the contextual entity {key:?} is over 4 GiB");
                    self.error = Some(io::Error::new(io::ErrorKind::InvalidInput, message));
                    return;
                }
            }
        }
        self.starts.push(self.pending.len());
        self.pending.extend_from_slice(&header);
        for part in [key, copy_key, text] {
            self.pending.extend_from_slice(part.as_bytes());
        }
        if self.pending.len() >= RUN_BYTES {
            self.end_run();
        }
    }

    /// Sorts the pending records by key, keeping the order of those of
    /// one, into a run.
    fn end_run(&mut self) {
        if self.starts.is_empty() || self.error.is_some() {
            return;
        }
        let pending = &self.pending;
        let key = |start: usize| {
            let [len, ..] = lengths(&pending[start..start + HEADER]);
            &pending[start + HEADER..start + HEADER + len]
        };
        self.starts.sort_by_key(|&start| key(start));
        let whole = |start: usize| {
            let [key, copy_key, text] = lengths(&pending[start..start + HEADER]);
            &pending[start..start + HEADER + key + copy_key + text]
        };
        let start = self.store.len();
        let records = self.starts.iter().map(|&record| whole(record));
        match self.store.append(records) {
            Ok(()) => self.runs.push(Run {
                start,
                len: self.store.len() - start,
            }),
            Err(error) => self.error = Some(error),
        }
        self.pending.clear();
        self.starts.clear();
    }

    /// Gives each record to `take`, by key, the records of one key in the
    /// order they were pushed; the first error met keeping them, if any.
    pub(super) fn merge(
        mut self,
        take: &mut dyn FnMut(Record) -> io::Result<()>,
    ) -> io::Result<()> {
        self.end_run();
        if let Some(error) = self.error {
            return Err(error);
        }
        let store = &self.store;
        let read_bytes = (MERGE_BYTES / self.runs.len().max(1)).clamp(MIN_READ_BYTES, READ_BYTES);
        let mut cursors: Vec<Cursor> = (self.runs.iter())
            .map(|&run| Cursor::new(run, read_bytes))
            .collect();
        let mut next: Vec<Option<Record>> = Vec::with_capacity(cursors.len());
        let mut heap = BinaryHeap::new();
        for (run, cursor) in cursors.iter_mut().enumerate() {
            let record = cursor.next(store)?;
            if let Some(record) = &record {
                heap.push(Reverse((record.key.clone(), run)));
            }
            next.push(record);
        }
        // Of two records of one key, the one of the earlier run comes first.
        while let Some(Reverse((_, run))) = heap.pop() {
            let record = next[run].take().expect("a record for each run in the heap");
            next[run] = cursors[run].next(store)?;
            if let Some(following) = &next[run] {
                heap.push(Reverse((following.key.clone(), run)));
            }
            take(record)?;
        }
        Ok(())
    }
}

/// Where a run is read from while runs are merged.
struct Cursor {
    at: u64,
    end: u64,
    /// How much is read at a time.
    read_bytes: usize,
    buffer: Vec<u8>,
    /// Where `buffer` starts in the store; `at` never goes back before it.
    buffer_at: u64,
}

impl Cursor {
    fn new(run: Run, read_bytes: usize) -> Cursor {
        Cursor {
            at: run.start,
            end: run.start + run.len,
            read_bytes,
            buffer: Vec::new(),
            buffer_at: run.start,
        }
    }

    /// The next `len` bytes of the run.
    fn take(&mut self, store: &Store, len: usize) -> io::Result<&[u8]> {
        let from = (self.at - self.buffer_at) as usize;
        if from + len > self.buffer.len() {
            let want = (len.max(self.read_bytes) as u64).min(self.end - self.at);
            if (want as usize) < len {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            self.buffer.resize(want as usize, 0);
            store.read_at(&mut self.buffer, self.at)?;
            self.buffer_at = self.at;
        }
        let from = (self.at - self.buffer_at) as usize;
        self.at += len as u64;
        Ok(&self.buffer[from..from + len])
    }

    fn next(&mut self, store: &Store) -> io::Result<Option<Record>> {
        if self.at == self.end {
            return Ok(None);
        }
        let [key, copy_key, text] = lengths(self.take(store, HEADER)?);
        let body = self.take(store, key + copy_key + text)?;
        let part = |bytes: &[u8]| {
            String::from_utf8(bytes.to_vec())
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
        };
        Ok(Some(Record {
            key: part(&body[..key])?,
            copy_key: part(&body[key..key + copy_key])?,
            text: part(&body[key + copy_key..])?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn merged(runs: SortedRuns) -> io::Result<Vec<(String, String, String)>> {
        let mut records = Vec::new();
        runs.merge(&mut |record| {
            records.push((record.key, record.copy_key, record.text));
            Ok(())
        })?;
        Ok(records)
    }

    proptest! {
        /// Merged, the runs give the records sorted by key, those of one
        /// key in the order they came, in memory or in the file.
        #[test]
        fn records_come_back_sorted_by_key_in_order(
            keys in proptest::collection::vec(0..6usize, 0..60),
            in_file in any::<bool>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut runs = if in_file {
                SortedRuns::in_file_in(dir.path()).unwrap()
            } else {
                SortedRuns::default()
            };
            let mut expected = Vec::new();
            for (at, key) in keys.iter().enumerate() {
                let record = (format!("k{key}"), format!("c{}", at % 2), format!("text {at}"));
                runs.push(&record.0, &record.1, &record.2);
                expected.push(record);
            }
            prop_assert!(keys.len() < 20 || runs.runs.len() > 1, "several runs were made");
            expected.sort_by(|a, b| a.0.cmp(&b.0));
            prop_assert_eq!(merged(runs).unwrap(), expected);
        }
    }

    /// A file that cannot be written fails the merge, naming its
    /// directory, and nothing is kept after it.
    #[test]
    fn a_file_that_cannot_be_written_fails_the_merge() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("read-only");
        std::fs::write(&path, "").unwrap();
        let mut runs = SortedRuns {
            store: Store::File(File::open(&path).unwrap(), dir.path().into(), 0),
            ..SortedRuns::default()
        };
        for at in 0..20 {
            runs.push(&format!("k{at}"), "", "some text of a record");
        }
        assert!(
            runs.pending.is_empty() || runs.starts.len() < 5,
            "no run after the error"
        );
        let error = merged(runs).unwrap_err();
        assert!(
            error
                .to_string()
                .contains(&dir.path().display().to_string()),
            "{error}"
        );
    }

    /// A run cut short is an error, not records made up.
    #[test]
    fn a_run_cut_short_is_an_error() {
        let mut runs = SortedRuns::default();
        for at in 0..8 {
            runs.push(&format!("k{at}"), "", "some text of a record");
        }
        runs.end_run();
        if let Store::Memory(bytes) = &mut runs.store {
            bytes.truncate(bytes.len() - 3);
        }
        let error = merged(runs).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    }
}
