//! Writing a zip archive from files, in parallel, with reproducible bytes.
//!
//! Each file is read once; the same chunks feed SHA-256, SHA-512, CRC-32 and
//! the compressor. A file of less than one chunk is copied for its SHA-512,
//! which each worker computes for eight such files side by side
//! ([`Sha512Batch`](crate::digest::Sha512Batch)). Workers take files in
//! archive order (see `worker.rs`). A file's place in the archive depends
//! only on the entries before it, so a worker writes its entry at an offset
//! it reserves once every earlier entry has reserved its own (see
//! `placing.rs`); large stored files stream straight to their place while other
//! workers go on with the next files, each chunk read back as soon as it is
//! written and dropped from the page cache once on disk, and several of
//! them side by side where SHA-512 is hashed so (see `stored.rs`).
//!
//! A source file is checked before and after it is read: the bytes read
//! must be as many as its size, and its size, modification time and status
//! change time must not have moved, nor its name been given to another
//! file; otherwise the archive fails naming the file.
//!
//! What makes the bytes reproducible: the compressor is always fed full
//! [`CHUNK`]-sized pieces (zlib-rs output depends on how input is split), the
//! store-or-deflate choice depends only on the bytes, and the zip records
//! carry no time, owner or platform detail (see [`super::zip`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Condvar, Mutex};

mod encode;
mod output;
mod placing;
mod prefetch;
mod source;
mod stored;
mod stream;
mod table;
mod worker;

pub use self::table::{EntryTable, TableEntry};

use self::output::Output;
use self::placing::{Encoded, Layout, Overflow};
use self::stream::Levels;
use super::zip::{Entry, central_header, end_records};
use crate::digest::FileDigests;
use crate::error::{Error, IoContext, Result};

/// The unit of reading and of feeding the compressor.
pub const CHUNK: usize = 1 << 20;
/// How much of a large stored entry stays in the page cache behind the
/// bytes being written: older bytes, read back, are dropped from it (see
/// [`Output::forget`]). Small in unit tests, so that they drop some.
const KEEP_BEHIND: u64 = if cfg!(test) {
    2 * CHUNK as u64
} else {
    64 << 20
};

/// How many files may wait to go to the entry table, the first of them
/// for its SHA-512, before the worker whose batch holds it finishes the
/// batch: otherwise a small file waits until its worker has had seven
/// more, and before large files that can be every file after it, each
/// waiting in memory. Small in unit tests, so that they reach it.
const MAX_WAITING_FILES: usize = if cfg!(test) { 8 } else { 4096 };

/// How the archive is written.
#[derive(Clone, Copy, Debug)]
pub struct WriteOptions {
    /// Worker threads reading and compressing files.
    pub threads: usize,
    /// Deflate level (1–9) of files streamed in chunks, with zlib-rs.
    pub level: u32,
    /// Deflate level (1–12) of data deflated in one piece (files of one
    /// chunk, bytes in memory), with libdeflate, which is faster there.
    pub whole_level: i32,
}

/// A file on disk to add to the archive.
#[derive(Clone, Debug)]
pub struct FileSource<'a> {
    /// The entry name in the archive.
    pub name: Arc<str>,
    /// The directory `path` is in, unless it is absolute.
    pub dir: &'a Path,
    /// Where the bytes are, under `dir`.
    pub path: Cow<'a, Path>,
}

impl FileSource<'_> {
    /// The file's path: `path` under `dir`.
    pub fn full_path(&self) -> PathBuf {
        self.dir.join(&self.path)
    }
}

/// The files to add to an archive, in archive order, each made when it is
/// asked for: a large collection's are not all held at once.
pub trait FileSources: Sync {
    /// How many there are.
    fn count(&self) -> usize;

    /// The file at `index`.
    fn source(&self, index: usize) -> FileSource<'_>;

    /// Where the bytes of the file at `index` are: its source's
    /// [`FileSource::full_path`], perhaps made without its name.
    fn path(&self, index: usize) -> PathBuf {
        self.source(index).full_path()
    }
}

impl FileSources for Vec<FileSource<'_>> {
    fn count(&self) -> usize {
        self.len()
    }

    fn source(&self, index: usize) -> FileSource<'_> {
        self[index].clone()
    }
}

/// What was read of the files one [`ArchiveWriter::add_files`] added, in
/// the order given, read from the archive's [`EntryTable`].
pub struct WrittenFiles {
    table: Arc<EntryTable>,
    first: usize,
    count: usize,
}

impl WrittenFiles {
    /// How many files.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// What was read of file `index`.
    pub fn get(&self, index: usize) -> io::Result<WrittenFile> {
        assert!(index < self.count, "file {index} of {}", self.count);
        self.table.written(self.first + index)
    }

    /// What was read of each file, in order, with its entry's name.
    pub fn iter(&self) -> impl Iterator<Item = io::Result<(Arc<str>, WrittenFile)>> + '_ {
        (self.table.iter_from(self.first).take(self.count))
            .map(|entry| entry.map(|entry| (entry.entry.name, entry.written)))
    }
}

/// What was read from a file while it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenFile {
    /// Bytes read.
    pub size: u64,
    /// Digests of those bytes.
    pub digests: FileDigests,
}

/// A zip archive being written to a file.
pub struct ArchiveWriter {
    file: File,
    path: PathBuf,
    entries: Arc<EntryTable>,
    offset: u64,
    /// No write may go before this: what is before was read back.
    floor: u64,
    options: WriteOptions,
    spill_dir: PathBuf,
}

impl ArchiveWriter {
    /// Starts an archive in `file`, which must be empty and open for
    /// reading too (large stored entries are read back as they are
    /// written); `path` names it in errors. Compressed data too large for
    /// memory, and the table of entries, spill to unnamed temporary files
    /// in `spill_dir`; `path` names their errors too, as the README says a
    /// write error names the bundle.
    pub fn new(
        file: File,
        path: &Path,
        spill_dir: &Path,
        options: WriteOptions,
    ) -> Result<ArchiveWriter> {
        Ok(ArchiveWriter {
            file,
            path: path.to_path_buf(),
            entries: Arc::new(EntryTable::new(spill_dir).at(path)?),
            offset: 0,
            floor: 0,
            options,
            spill_dir: spill_dir.to_path_buf(),
        })
    }

    /// Adds files as entries, in the order given, reading each once.
    ///
    /// `on_file` is called with each file's index and SHA-256 as soon as
    /// it has been read, and may fail to stop the whole archive (a checksum
    /// that does not match, say). `on_bytes` reports progress.
    pub fn add_files(
        &mut self,
        files: &dyn FileSources,
        on_file: &(dyn Fn(usize, &[u8; 32]) -> Result<()> + Sync),
        on_bytes: &(dyn Fn(u64) + Sync),
    ) -> Result<WrittenFiles> {
        let threads = self.options.threads.max(1);
        let workers = threads.min(files.count().max(1));
        let first = self.entries.len();
        let run = Run {
            files,
            out: Output::new(&self.file, &self.path, self.floor),
            options: self.options,
            spill_dir: &self.spill_dir,
            on_file,
            on_bytes,
            layout: Mutex::new(Layout {
                next: 0,
                offset: self.offset,
                waiting: BTreeMap::new(),
                waiting_bytes: 0,
                waiting_spills: 0,
            }),
            turn: Condvar::new(),
            overflow: Overflow::new(&self.spill_dir),
            failed: AtomicBool::new(false),
            first_error: Mutex::new(None),
            results: Mutex::new(Results {
                table: &self.entries,
                first: 0,
                pending: VecDeque::new(),
                failed: None,
            }),
            next_file: Mutex::new(0),
            workers,
            spare_threads: AtomicUsize::new(threads - workers),
            last_miss: AtomicUsize::new(0),
        };
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| run.work());
            }
            scope.spawn(|| {
                let taken = || *run.next_file.lock().expect("no worker panicked");
                prefetch::read_ahead(files, &taken, &run.last_miss, &run.failed, &|path| {
                    prefetch::advise(path, CHUNK as u64)
                });
            });
        });
        if let Some(error) = run.first_error.into_inner().expect("no worker panicked") {
            return Err(error);
        }
        let layout = run.layout.into_inner().expect("no worker panicked");
        assert_eq!(layout.next, files.count(), "every file was placed");
        self.offset = layout.offset;
        let results = run.results.into_inner().expect("no worker panicked");
        assert!(results.pending.is_empty(), "every file was recorded");
        if let Some(error) = results.failed {
            return Err(error).at(&self.path);
        }
        self.entries.flush().at(&self.path)?;
        Ok(WrittenFiles {
            table: Arc::clone(&self.entries),
            first,
            count: files.count(),
        })
    }

    /// Adds an entry from bytes in memory.
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<WrittenFile> {
        let write = |out: &mut dyn io::Write| out.write_all(bytes);
        let mut written = self.add_streams(&[(name, &write)])?;
        Ok(written.remove(0))
    }

    /// Adds entries whose bytes the functions write, encoding them at the
    /// same time, each on a thread of its own (so one may wait for what
    /// another writes), in the order given; returns what each wrote. An
    /// entry is held whole up to 8 MiB, and past that compressed as it is
    /// written, its compressed data spilling to disk, so that it is never
    /// held whole.
    pub fn add_streams(&mut self, items: &[(&str, &StreamWriter<'_>)]) -> Result<Vec<WrittenFile>> {
        self.add_streams_beside(items, &|_| Ok(()))
    }

    /// [`ArchiveWriter::add_streams`], running `beside` on the archive as
    /// written so far while the entries are encoded, before they are
    /// written: the work of reading back the entries written so far can
    /// fill the cores the encoders leave idle. No later write goes before
    /// the end of what `beside` was shown: it would be an error.
    pub fn add_streams_beside(
        &mut self,
        items: &[(&str, &StreamWriter<'_>)],
        beside: &(dyn Fn(Written<'_>) -> Result<()> + Sync),
    ) -> Result<Vec<WrittenFile>> {
        let levels = Levels {
            whole: self.options.whole_level,
            streamed: self.options.level,
        };
        let spill_dir = self.spill_dir.as_path();
        let so_far = Written {
            file: &self.file,
            entries: &self.entries,
        };
        let (encoded, beside): (Vec<io::Result<(Encoded, WrittenFile)>>, _) =
            std::thread::scope(|scope| {
                let threads: Vec<_> = items
                    .iter()
                    .map(|(name, write)| {
                        scope.spawn(move || stream::encode_stream(name, levels, spill_dir, write))
                    })
                    .collect();
                let beside = beside(so_far);
                let encoded = threads
                    .into_iter()
                    .map(|thread| thread.join().expect("an entry's writer did not panic"))
                    .collect();
                (encoded, beside)
            });
        beside?;
        self.floor = self.offset;
        let mut written = Vec::with_capacity(items.len());
        for encoded in encoded {
            let (mut encoded, file) = encoded.at(&self.path)?;
            encoded.entry.offset = self.offset;
            self.offset += encoded.entry.archive_len();
            let entry = encoded.write(&Output::new(&self.file, &self.path, self.floor))?;
            self.entries.push(&entry, &file, false).at(&self.path)?;
            written.push(file);
        }
        self.entries.flush().at(&self.path)?;
        Ok(written)
    }

    /// Writes the central directory and returns the archive, flushed to
    /// disk.
    pub fn finish(self) -> Result<Finished> {
        let path = self.path.clone();
        let finished = self.finish_unsynced()?;
        finished.file.sync_all().at(&path)?;
        Ok(finished)
    }

    /// Writes the central directory and returns the archive, not yet
    /// flushed to disk: for an archive synced later with the directory it
    /// is written in.
    pub fn finish_unsynced(self) -> Result<Finished> {
        let out = Output::new(&self.file, &self.path, self.floor);
        // Written a piece at a time: a large archive's directory is many
        // megabytes.
        let mut end = self.offset;
        let mut piece = Vec::with_capacity(CHUNK + 4096);
        for entry in self.entries.iter_from(0) {
            central_header(&mut piece, &entry.at(&self.path)?.entry);
            if piece.len() >= CHUNK {
                out.write_at(&piece, end)?;
                end += piece.len() as u64;
                piece.clear();
            }
        }
        let size = end + piece.len() as u64 - self.offset;
        piece.extend(end_records(self.entries.len(), size, self.offset));
        out.write_at(&piece, end)?;
        end += piece.len() as u64;
        self.file.set_len(end).at(&self.path)?;
        Ok(Finished {
            file: self.file,
            entries: self.entries,
        })
    }
}

/// An archive as written so far.
#[derive(Clone, Copy)]
pub struct Written<'a> {
    /// Its file.
    pub file: &'a File,
    /// Its entries, in archive order, and whether the writer read the data
    /// of each back as it was written (see [`Finished::entries`]).
    pub entries: &'a EntryTable,
}

/// A finished archive.
pub struct Finished {
    /// The file, flushed to disk unless it was finished unsynced.
    pub file: File,
    /// The entries it holds, in archive order, each with whether the
    /// writer read its data back as it was written, comparing its CRC-32
    /// with the one recorded: large stored files, whose pages are then
    /// dropped from the page cache.
    pub entries: Arc<EntryTable>,
}

/// Writes the bytes of a streamed entry (see [`ArchiveWriter::add_streams`]).
pub type StreamWriter<'a> = dyn Fn(&mut dyn io::Write) -> io::Result<()> + Sync + 'a;

/// The shared state of one `add_files` call.
struct Run<'a> {
    files: &'a dyn FileSources,
    out: Output<'a>,
    options: WriteOptions,
    spill_dir: &'a Path,
    on_file: &'a (dyn Fn(usize, &[u8; 32]) -> Result<()> + Sync),
    on_bytes: &'a (dyn Fn(u64) + Sync),
    layout: Mutex<Layout>,
    turn: Condvar,
    overflow: Overflow<'a>,
    failed: AtomicBool,
    first_error: Mutex<Option<Error>>,
    results: Mutex<Results<'a>>,
    next_file: Mutex<usize>,
    /// How many workers take files.
    workers: usize,
    /// Threads of [`WriteOptions::threads`] with no file to work on: while
    /// there are none, a worker hashes both digests itself.
    spare_threads: AtomicUsize,
    /// One past the index of the last file whose start a worker did not
    /// find in the page cache: the read-ahead works while that is recent.
    last_miss: AtomicUsize,
}

/// What is known of the files not yet in the entry table, by index: an
/// entry is filled in as it is written, what was read of a file by the
/// worker that read it, its SHA-512 perhaps later (see
/// [`Sha512Batch`](crate::digest::Sha512Batch)). A file goes to the table
/// once all three are known and every file before it has gone: files are
/// taken in order, so few wait. A failure to write the table is kept
/// until a worker takes it, after its file, or the files end.
struct Results<'a> {
    table: &'a EntryTable,
    /// The index of the file `pending` starts with.
    first: usize,
    pending: VecDeque<Pending>,
    failed: Option<io::Error>,
}

#[derive(Default)]
struct Pending {
    written: Option<WrittenFile>,
    /// Whether the SHA-512 of `written` is still to come.
    sha512_later: bool,
    /// The entry as placed, and whether its data was read back.
    placed: Option<(Entry, bool)>,
}

impl Pending {
    fn is_complete(&self) -> bool {
        self.written.is_some() && !self.sha512_later && self.placed.is_some()
    }
}

impl Results<'_> {
    fn slot(&mut self, index: usize) -> &mut Pending {
        let at = index - self.first;
        if self.pending.len() <= at {
            self.pending.resize_with(at + 1, Pending::default);
        }
        &mut self.pending[at]
    }

    /// Records what was read of file `index`; its SHA-512 is zero and to
    /// come when `sha512_later`.
    fn record(&mut self, index: usize, written: WrittenFile, sha512_later: bool) {
        let slot = self.slot(index);
        slot.written = Some(written);
        slot.sha512_later = sha512_later;
        self.move_complete();
    }

    fn set_sha512(&mut self, index: usize, sha512: [u8; 64]) {
        let slot = self.slot(index);
        let written = slot.written.as_mut().expect("recorded before its SHA-512");
        written.digests = FileDigests::new(*written.digests.sha256(), sha512);
        slot.sha512_later = false;
        self.move_complete();
    }

    fn place(&mut self, index: usize, entry: Entry, read_back: bool) {
        self.slot(index).placed = Some((entry, read_back));
        self.move_complete();
    }

    /// Moves the complete files at the front to the table.
    fn move_complete(&mut self) {
        while self.pending.front().is_some_and(Pending::is_complete) {
            let pending = self.pending.pop_front().expect("a front");
            let (entry, read_back) = pending.placed.expect("complete");
            let written = pending.written.expect("complete");
            if self.failed.is_none()
                && let Err(error) = self.table.push(&entry, &written, read_back)
            {
                self.failed = Some(error);
            }
            self.first += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{self, Read, Seek, SeekFrom, Write};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, SystemTime};

    use super::*;

    /// Files of many sizes and kinds (text, noise, empty, larger than a
    /// chunk, noise long enough to be dropped from the page cache behind
    /// the writer), so that workers finish them out of order.
    fn mixed_files(dir: &Path) -> Vec<FileSource<'static>> {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let files = (0..48).map(|i| {
            let size = match i % 6 {
                0 => 0,
                1 => (next() % 2_000) as usize,
                2 => (next() % 200_000) as usize,
                3 => CHUNK + (next() % CHUNK as u64) as usize,
                4 if i % 12 == 4 => 5 * CHUNK + (next() % CHUNK as u64) as usize,
                _ => (next() % 600_000) as usize,
            };
            if i % 2 == 0 {
                (0..size).map(|_| next() as u8).collect()
            } else {
                format!("line {i}\n").bytes().cycle().take(size).collect()
            }
        });
        written_as_files(dir, files)
    }

    /// Writes each of `files` to `dir/f<i>`, the source of entry `b/f<i>`.
    fn written_as_files(
        dir: &Path,
        files: impl IntoIterator<Item = Vec<u8>>,
    ) -> Vec<FileSource<'static>> {
        (files.into_iter().enumerate())
            .map(|(i, bytes)| {
                let path = dir.join(format!("f{i}"));
                std::fs::write(&path, bytes).unwrap();
                FileSource {
                    name: format!("b/f{i}").into(),
                    dir: Path::new(""),
                    path: path.into(),
                }
            })
            .collect()
    }

    fn writer(dir: &Path, threads: usize) -> ArchiveWriter {
        let out = tempfile::tempfile_in(dir).unwrap();
        let options = WriteOptions {
            threads,
            level: 2,
            whole_level: 1,
        };
        ArchiveWriter::new(out, Path::new("out.zip"), dir, options).unwrap()
    }

    fn archive_bytes(dir: &Path, sources: &[FileSource], threads: usize) -> Vec<u8> {
        let mut writer = writer(dir, threads);
        writer
            .add_files(&sources.to_vec(), &|_, _| Ok(()), &|_| {})
            .unwrap();
        writer.add_bytes("b/tag.txt", b"tag\n").unwrap();
        let mut out = writer.finish().unwrap().file;
        let mut bytes = Vec::new();
        out.seek(SeekFrom::Start(0)).unwrap();
        out.read_to_end(&mut bytes).unwrap();
        bytes
    }

    /// Archives `sources` with 1, 2, 3 and 8 threads: the bytes are the
    /// same, and each entry holds its file.
    fn assert_the_threads_make_no_difference(dir: &Path, sources: &[FileSource]) {
        let one = archive_bytes(dir, sources, 1);
        for threads in [2, 3, 8] {
            let many = archive_bytes(dir, sources, threads);
            assert!(one == many, "{threads} threads give other bytes than one");
        }
        let mut archive = zip::ZipArchive::new(io::Cursor::new(one)).unwrap();
        assert_eq!(archive.len(), sources.len() + 1);
        for (index, source) in sources.iter().enumerate() {
            let mut entry = archive.by_index(index).unwrap();
            assert_eq!(*entry.name().unwrap(), *source.name);
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            assert!(
                bytes == std::fs::read(&source.path).unwrap(),
                "{}",
                source.name
            );
        }
    }

    /// Adds `sources` with `threads` workers, checking that each file's
    /// size and digests are its own, whichever worker read it and whenever
    /// its SHA-512 was finished; the archive finished.
    fn finished_with_own_digests(dir: &Path, sources: &[FileSource], threads: usize) -> Finished {
        let mut writer = writer(dir, threads);
        let written = writer
            .add_files(&sources.to_vec(), &|_, _| Ok(()), &|_| {})
            .unwrap();
        assert_eq!(written.len(), sources.len());
        for (source, written) in sources.iter().zip(written.iter()) {
            let (name, written) = written.unwrap();
            assert_eq!(name, source.name);
            let bytes = std::fs::read(&source.path).unwrap();
            assert_eq!(written.size, bytes.len() as u64);
            let expected = FileDigests::of(&bytes);
            assert!(
                written.digests == expected,
                "{} ({threads} threads)",
                source.name
            );
        }
        writer.finish().unwrap()
    }

    /// A small file then only large ones: the small file's SHA-512 waits
    /// in its worker's batch, and the files after it must not all wait in
    /// memory with it for the table.
    /// Adds `files` with `threads` workers; returns the most files read
    /// and not yet in the entry table at once.
    fn most_read_ahead_of_the_table(files: Vec<Vec<u8>>, threads: usize) -> usize {
        let dir = tempfile::tempdir().unwrap();
        let sources = written_as_files(dir.path(), files);
        let mut writer = writer(dir.path(), threads);
        let table = Arc::clone(&writer.entries);
        let most = AtomicUsize::new(0);
        let on_file = |index: usize, _: &[u8; 32]| {
            most.fetch_max(index - table.len(), Ordering::Relaxed);
            Ok(())
        };
        writer.add_files(&sources, &on_file, &|_| {}).unwrap();
        most.into_inner()
    }

    #[test]
    fn few_files_wait_for_a_small_one_before_large_ones() {
        let files = std::iter::once(b"small".to_vec())
            .chain((1..40).map(|seed| noise(seed, CHUNK + 1)))
            .collect();
        let most_waiting = most_read_ahead_of_the_table(files, 2);
        assert!(most_waiting <= 2 * MAX_WAITING_FILES, "{most_waiting}");
    }

    /// A large file that deflates, then files that each spill their
    /// compressed data to a file: while the first deflates, the others
    /// wait in turn with at most a few spill files open.
    #[test]
    fn few_spill_files_are_open_behind_a_large_file() {
        // Hex digits deflate by about half: a file of a few chunks of them
        // spills (see `SPILL_AT`).
        let hex = |seed, len: usize| hex::encode(noise(seed, len / 2)).into_bytes();
        let files = std::iter::once(hex(1, 16 * CHUNK))
            .chain((2..24).map(|seed| hex(seed, CHUNK + 4096)))
            .collect();
        let threads = 2;
        let most_waiting = most_read_ahead_of_the_table(files, threads);
        assert!(
            most_waiting <= placing::MAX_WAITING_SPILLS + 2 * threads,
            "{most_waiting}"
        );
    }

    /// A large file that deflates, then many small ones: while the first
    /// deflates, the others run ahead past the memory the queue may hold
    /// (their data waits in the overflow file), up to the most entries
    /// that may wait.
    #[test]
    fn small_files_run_ahead_of_a_large_one_in_bounded_memory() {
        let hex = |seed, len: usize| hex::encode(noise(seed, len / 2)).into_bytes();
        let files = std::iter::once(hex(1, 24 * CHUNK))
            .chain((2..120).map(|seed| hex(seed, 96 << 10)))
            .collect();
        let threads = 2;
        let most_waiting = most_read_ahead_of_the_table(files, threads);
        // The memory holds about five of the small files' 48 KiB deflated:
        // had they waited for memory, 15 would have run ahead. Past the
        // entries that wait, each worker holds the file it reads and a
        // batch of files whose SHA-512 is not finished, so not in the table
        // (a release build reached 71 of that 82).
        let per_worker = 1 + crate::digest::LANES;
        assert!(
            (32..=placing::MAX_WAITING_ENTRIES + per_worker * threads).contains(&most_waiting),
            "{most_waiting}"
        );
    }

    /// A failure to write the entry table stops the workers: the files
    /// left are neither read nor compressed before it is reported.
    #[test]
    fn a_failure_to_write_the_table_stops_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let sources = written_as_files(dir.path(), (0..3_000).map(|i| vec![b'x'; i % 7]));
        let mut writer = writer(dir.path(), 2);
        writer.entries = Arc::new(EntryTable::unwritable(dir.path()));
        let files_done = AtomicUsize::new(0);
        let on_file = |_: usize, _: &[u8; 32]| {
            files_done.fetch_add(1, Ordering::Relaxed);
            Ok(())
        };
        let Err(error) = writer.add_files(&sources, &on_file, &|_| {}) else {
            panic!("the table was written");
        };
        assert!(error.to_string().starts_with("out.zip: "), "{error}");
        let files_done = files_done.into_inner();
        assert!(files_done < 1_000, "{files_done} files done");
    }

    #[test]
    fn the_bytes_do_not_depend_on_the_thread_count() {
        let dir = tempfile::tempdir().unwrap();
        assert_the_threads_make_no_difference(dir.path(), &mixed_files(dir.path()));
    }

    #[test]
    fn every_file_gets_its_own_digests() {
        let dir = tempfile::tempdir().unwrap();
        let sources = mixed_files(dir.path());
        for threads in [1, 2, 3, 8] {
            finished_with_own_digests(dir.path(), &sources, threads);
        }
    }

    /// `len` bytes that do not compress (xorshift from `seed`).
    pub(super) fn noise(seed: u64, len: usize) -> Vec<u8> {
        let mut state = seed | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 56) as u8
            })
            .collect()
    }

    /// Large stored files in a row, of different lengths, with files that
    /// do not stream stored among them: taken side by side by a worker.
    fn stored_in_a_row(dir: &Path) -> Vec<FileSource<'static>> {
        let text = |len: usize| "some text\n".bytes().cycle().take(len).collect::<Vec<u8>>();
        let files = [
            noise(1, 5 * CHUNK / 2),
            noise(2, CHUNK + 7),
            text(3 * CHUNK / 2),
            noise(3, 3 * CHUNK + 1),
            noise(4, 2 * CHUNK),
            text(100),
            noise(5, 4 * CHUNK + 3),
            noise(6, CHUNK),
            noise(7, 2 * CHUNK + 5),
            noise(8, 3 * CHUNK / 2),
        ];
        written_as_files(dir, files)
    }

    #[test]
    fn large_stored_files_side_by_side_are_written_and_hashed_as_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let sources = stored_in_a_row(dir.path());
        assert_the_threads_make_no_difference(dir.path(), &sources);
        for threads in [1, 2, 3] {
            let finished = finished_with_own_digests(dir.path(), &sources, threads);
            let read_back: Vec<bool> = (finished.entries.iter_from(0))
                .map(|entry| entry.unwrap().read_back)
                .collect();
            assert_eq!(
                read_back,
                [true, true, false, true, true, false, true, true, true, true]
            );
        }
    }

    /// Writes `bytes` to `dir/name` with an old modification time, so that
    /// any later write moves it even within the clock's granularity.
    fn old_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        path
    }

    /// Archives the file at `path`, running `change` on it once, after its
    /// first chunk is read.
    fn archive_changing(dir: &Path, path: &Path, change: &(dyn Fn(&Path) + Sync)) -> Result<()> {
        let out = tempfile::tempfile_in(dir).unwrap();
        let options = WriteOptions {
            threads: 1,
            level: 6,
            whole_level: 6,
        };
        let mut writer = ArchiveWriter::new(out, Path::new("out.zip"), dir, options)?;
        let sources = vec![FileSource {
            name: "b/f".into(),
            dir: Path::new(""),
            path: path.into(),
        }];
        let changed = AtomicBool::new(false);
        let on_bytes = |_| {
            if !changed.swap(true, Ordering::Relaxed) {
                change(path);
            }
        };
        writer.add_files(&sources, &|_, _| Ok(()), &on_bytes)?;
        Ok(())
    }

    fn rewrite_first_byte(path: &Path) {
        let file = File::options().write(true).open(path).unwrap();
        std::os::unix::fs::FileExt::write_all_at(&file, b"#", 0).unwrap();
    }

    fn append(path: &Path) {
        let mut file = File::options().append(true).open(path).unwrap();
        file.write_all(b"more").unwrap();
    }

    /// A file's name and bytes, a change made while it is read, and what
    /// the error says.
    type Case<'a> = (&'a str, &'a [u8], fn(&Path), &'a str);

    #[test]
    fn a_file_changed_while_read_fails_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let text = "a line of text\n".repeat(300_000);
        let noise: Vec<u8> = (0..3 * CHUNK as u64)
            .map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8)
            .collect();
        let cases: [Case; 5] = [
            ("small", b"short\n", rewrite_first_byte, "modification time"),
            (
                "text",
                text.as_bytes(),
                rewrite_first_byte,
                "modification time",
            ),
            ("noise", &noise, rewrite_first_byte, "modification time"),
            ("text", text.as_bytes(), append, "were read"),
            ("noise", &noise, append, "were read"),
        ];
        for (name, bytes, change, what) in cases {
            let path = old_file(dir.path(), name, bytes);
            let error = archive_changing(dir.path(), &path, &change).unwrap_err();
            let message = error.to_string();
            assert!(matches!(error, Error::SourceChanged { .. }), "{message}");
            assert!(
                message.starts_with(&path.display().to_string()),
                "{message}"
            );
            assert!(message.contains(what), "{name}: {message}");
        }
        let path = old_file(dir.path(), "still", b"unchanged\n");
        archive_changing(dir.path(), &path, &|_| {}).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_file_replaced_under_its_name_fails() {
        let dir = tempfile::tempdir().unwrap();
        let path = old_file(dir.path(), "f", b"first\n");
        let replace = |path: &Path| {
            let other = path.with_extension("new");
            std::fs::write(&other, b"other\n").unwrap();
            std::fs::rename(&other, path).unwrap();
        };
        // Unlinking the old file moves its status change time first.
        let error = archive_changing(dir.path(), &path, &replace).unwrap_err();
        assert!(matches!(error, Error::SourceChanged { .. }), "{error}");
    }
}
