//! Reading a bundle back before it is put in place: every entry must hold
//! what was recorded when its source was read.
//!
//! The archive, flushed to disk, is parsed again from its bytes: its end
//! records and central directory, record by record (`central.rs`), and
//! each entry's local header. The `zip` crate did this until it was found
//! to hold about 230 bytes per entry at once, 36 MB for 160,000 files, the
//! largest part of a large pack's peak memory. Each entry must have the recorded name,
//! method, offset, sizes and CRC-32, and its data must inflate (libdeflate
//! for entries of up to 1 MiB, zlib-rs beyond) to exactly its size with
//! that CRC-32. The CRC-32 was computed from the same chunks of the source, in
//! the same read, as both digests the manifests list, so bytes that read
//! back with it are, short of a 1 in 2^32 accident, the bytes that were
//! hashed. The read-back guards against the writer and the I/O, not
//! against an adversary, who could not alter the file in between anyway.
//!
//! `pack` reads the documents' entries back early, where the writer placed
//! them, while the RO-Crate is made after them ([`recheck_written`]); the
//! finished archive is then parsed as above, and those entries' records
//! checked there, so their data must be where it was read. No write goes
//! before the end of what was read back (the writer refuses it).
//!
//! Large stored files are the exception: the writer reads each chunk back
//! as soon as it is written, while it is still in the page cache, and
//! compares the CRC-32 of what it read with the recorded one (see
//! [`Finished::entries`]); here only their records and the place their
//! data starts are checked. Reading them again would read the disk, as the
//! writer drops their pages once written: 1.1–1.7 s for the 2 GiB of the
//! `few-large` corpus.
//!
//! Measured on the `few-large` benchmark corpus (BENCHMARKS.md), checking
//! SHA-256 as well cost 0.75 s of a 4.8 s pack, SHA-512 another 2.5 s, and
//! reading the disk rather than the page cache (dropping the cached pages
//! first) about 1.6 s; disk rot after the write is what `verify` is for.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use flate2::read::DeflateDecoder;

use super::central::{self, CentralRecord};
use super::inflate::{InflateError, WHOLE_INFLATE_LIMIT, WholeInflater};
use super::writer::{CHUNK, EntryTable, Finished, TableEntry, Written};
use super::zip::{Entry, Method};
use crate::error::{Error, IoContext, Result};
use crate::positional::PagedReader;
use crate::progress::{Phase, Progress};

/// Reads the archive `finished` (named `path`) back and checks every
/// entry against what was written, with `threads` readers. The data of
/// the first `data_checked` entries was checked already, by
/// [`recheck_written`]: only their records are.
pub fn recheck(
    finished: &Finished,
    path: &Path,
    threads: usize,
    data_checked: usize,
    progress: &dyn Progress,
) -> Result<()> {
    let (file, written) = (&finished.file, &*finished.entries);
    let len = file.metadata().at(path)?.len();
    let directory = central::directory(file, len)
        .map_err(|error| bad(path, format!("it does not read back as a zip: {error}")))?;
    if directory.count != written.len() as u64 {
        let message = format!(
            "it reads back with {} entries, {} were written",
            directory.count,
            written.len()
        );
        return Err(bad(path, message));
    }
    let to_read = |index: usize, read_back: bool| index >= data_checked && !read_back;
    // The progress's total is summed as the records are checked: the
    // writer's table is gone over once for both.
    let mut total = 0;
    let records = central::records(file, directory).enumerate();
    let failed = records
        .map(|(index, record)| {
            let record = record.map_err(|error| (index, error))?;
            let expected = table_entry(written, index).map_err(|error| (index, error))?;
            check_record(&record, &expected.entry).map_err(|error| (index, error))?;
            if to_read(index, expected.read_back) {
                total += expected.entry.uncompressed_size;
            }
            Ok(())
        })
        .find_map(Result::err);
    named(path, written, failed)?;
    progress.start(Phase::ReadingBack, total);
    let reader = PagedReader::new(file, len);
    let failed = check_each(
        written.len(),
        threads,
        || (reader.clone(), Buffers::default()),
        |(reader, buffers), index| {
            let expected = table_entry(written, index)?;
            let entry = &expected.entry;
            let data_start = central::data_start(file, entry.offset)?;
            if data_start != entry.offset + entry.header_len() {
                return Err("its data offset reads back differently".to_string());
            }
            if !to_read(index, expected.read_back) {
                return Ok(());
            }
            reader
                .seek(SeekFrom::Start(data_start))
                .map_err(|error| format!("it does not read back: {error}"))?;
            check_data(reader.take(entry.compressed_size), entry, buffers, progress)
        },
    );
    named(path, written, failed)
}

/// Checks the data of the entries of an archive not yet finished, found
/// where the writer placed them: the readers inflate them while the
/// entries that follow are made. [`recheck`] then checks, in the finished
/// archive, that they are where they were read.
pub fn recheck_written(
    written: Written<'_>,
    path: &Path,
    threads: usize,
    progress: &dyn Progress,
) -> Result<()> {
    let entries = written.entries;
    let len = written.file.metadata().at(path)?.len();
    let reader = PagedReader::new(written.file, len);
    start(progress, path, entries, |_, read_back| !read_back)?;
    let failed = check_each(
        entries.len(),
        threads,
        || (reader.clone(), Buffers::default()),
        |(reader, buffers), index| {
            let TableEntry {
                entry: expected,
                read_back,
                ..
            } = table_entry(entries, index)?;
            if read_back {
                return Ok(());
            }
            let data_start = expected.offset + expected.header_len();
            reader
                .seek(SeekFrom::Start(data_start))
                .map_err(|error| format!("it does not read back: {error}"))?;
            let data = reader.take(expected.compressed_size);
            check_data(data, &expected, buffers, progress)
        },
    );
    named(path, entries, failed)
}

/// Starts the progress over the sizes of the entries `to_read`, given
/// each entry's index and whether the writer read it back.
fn start(
    progress: &dyn Progress,
    path: &Path,
    entries: &EntryTable,
    to_read: impl Fn(usize, bool) -> bool,
) -> Result<()> {
    let mut total = 0;
    for (index, entry) in entries.iter_from(0).enumerate() {
        let entry = entry
            .map_err(|error| bad(path, format!("its entries' records do not read: {error}")))?;
        if to_read(index, entry.read_back) {
            total += entry.entry.uncompressed_size;
        }
    }
    progress.start(Phase::ReadingBack, total);
    Ok(())
}

/// The entry at `index` of the writer's table.
fn table_entry(entries: &EntryTable, index: usize) -> Result<TableEntry, String> {
    (entries.get(index))
        .map_err(|error| format!("the writer's record of it does not read: {error}"))
}

/// Runs `check` on every index below `count` with `threads` readers, each
/// with a `state` of its own; the first failure stops the others and is
/// returned with its index.
fn check_each<S>(
    count: usize,
    threads: usize,
    state: impl Fn() -> S + Sync,
    check: impl Fn(&mut S, usize) -> Result<(), String> + Sync,
) -> Option<(usize, String)> {
    let next = AtomicUsize::new(0);
    let first_error = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, count.max(1)) {
            scope.spawn(|| {
                let mut state = state();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= count {
                        return;
                    }
                    if let Err(message) = check(&mut state, index) {
                        let mut first = first_error.lock().expect("no reader panicked");
                        first.get_or_insert((index, message));
                        next.store(count, Ordering::Relaxed);
                        return;
                    }
                }
            });
        }
    });
    first_error.into_inner().expect("no reader panicked")
}

/// The error of a failed check, naming the archive and the entry.
fn named(path: &Path, entries: &EntryTable, failed: Option<(usize, String)>) -> Result<()> {
    match failed {
        None => Ok(()),
        Some((index, message)) => {
            let entry = match entries.get(index) {
                Ok(entry) => format!("entry {}", entry.entry.name),
                Err(_) => format!("entry {}", index + 1),
            };
            Err(bad(path, format!("{entry}: {message}")))
        }
    }
}

fn bad(path: &Path, message: String) -> Error {
    Error::WrittenBadly {
        path: path.to_path_buf(),
        message,
    }
}

/// A reader's inflater and read buffer, kept from entry to entry.
struct Buffers {
    whole: WholeInflater,
    chunk: Vec<u8>,
}

impl Default for Buffers {
    fn default() -> Self {
        Buffers {
            whole: WholeInflater::default(),
            chunk: vec![0; CHUNK],
        }
    }
}

/// Checks an entry's central directory record against what was written;
/// the error says what differs.
fn check_record(record: &CentralRecord, expected: &Entry) -> Result<(), String> {
    let method = match record.method {
        0 => Method::Stored,
        8 => Method::Deflated,
        other => return Err(format!("it reads back with the method {other}")),
    };
    let facts = [
        ("name", record.name != expected.name.as_bytes()),
        ("method", method != expected.method),
        ("offset", record.offset != expected.offset),
        ("CRC-32", record.crc32 != expected.crc32),
        (
            "size",
            record.uncompressed_size != expected.uncompressed_size,
        ),
        (
            "compressed size",
            record.compressed_size != expected.compressed_size,
        ),
    ];
    match facts.iter().find(|(_, differs)| *differs) {
        Some((what, _)) => Err(format!("its {what} reads back differently")),
        None => Ok(()),
    }
}

/// Reads one entry's data through its CRC-32; the error says what differs.
fn check_data(
    mut entry: impl Read,
    expected: &Entry,
    buffers: &mut Buffers,
    progress: &dyn Progress,
) -> Result<(), String> {
    let method = expected.method;
    let unreadable = |error: io::Error| format!("it does not read back: {error}");
    let mut crc = crc32fast::Hasher::new();
    let size = expected.uncompressed_size;
    let total = if method == Method::Deflated && size <= WHOLE_INFLATE_LIMIT {
        let inflated = buffers
            .whole
            .inflate(&mut entry, size)
            .map_err(|error| match error {
                InflateError::Read(error) => unreadable(error),
                InflateError::BadData => "it does not inflate: invalid deflate data".to_string(),
            })?;
        crc.update(inflated);
        progress.advance(inflated.len() as u64);
        inflated.len() as u64
    } else if method == Method::Deflated {
        read_through(&mut DeflateDecoder::new(entry), &mut crc, buffers, progress)
            .map_err(unreadable)?
    } else {
        read_through(&mut entry, &mut crc, buffers, progress).map_err(unreadable)?
    };
    if total != size {
        return Err(format!("{total} bytes read back, {size} were written"));
    }
    if crc.finalize() != expected.crc32 {
        return Err("its data reads back with another CRC-32 than recorded".to_string());
    }
    Ok(())
}

/// Reads `data` to its end into the CRC-32; returns how many bytes it had.
fn read_through(
    data: &mut dyn Read,
    crc: &mut crc32fast::Hasher,
    buffers: &mut Buffers,
    progress: &dyn Progress,
) -> io::Result<u64> {
    let buffer = &mut buffers.chunk[..];
    let mut total = 0;
    loop {
        let n = match data.read(buffer) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        crc.update(&buffer[..n]);
        total += n as u64;
        progress.advance(n as u64);
    }
}

#[cfg(test)]
mod tests {
    use std::fs::File;
    use std::io::Write;

    use super::*;
    use crate::bundle::writer::{ArchiveWriter, FileSource, WriteOptions};
    use crate::positional::read_at;
    use crate::progress::NoProgress;

    /// An archive of one compressible and one incompressible file, and
    /// what was written.
    fn archive(dir: &Path) -> Finished {
        let mut writer = writer(dir);
        writer
            .add_files(&sources(dir), &|_, _| Ok(()), &|_| {})
            .unwrap();
        writer.add_bytes("b/tag.txt", b"tag\n").unwrap();
        writer.finish().unwrap()
    }

    fn writer(dir: &Path) -> ArchiveWriter {
        let out = tempfile::tempfile_in(dir).unwrap();
        let options = WriteOptions {
            threads: 2,
            level: 6,
            whole_level: 6,
        };
        ArchiveWriter::new(out, Path::new("out.zip"), dir, options).unwrap()
    }

    /// Makes the files of the archive: one compressible, one incompressible
    /// and larger than a chunk, one longer than inflated whole.
    fn sources(dir: &Path) -> Vec<FileSource<'_>> {
        let text = "a line of text\n".repeat(10_000);
        // Incompressible and longer than a chunk: stored, streamed and
        // read back by the writer.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let noise: Vec<u8> = (0..3 * CHUNK)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 32) as u8
            })
            .collect();
        // Larger than WHOLE_INFLATE_LIMIT: it streams through zlib-rs.
        let long_text: String = (0..200_000).map(|i| format!("line {i}\n")).collect();
        std::fs::write(dir.join("text"), &text).unwrap();
        std::fs::write(dir.join("noise"), &noise).unwrap();
        std::fs::write(dir.join("long"), &long_text).unwrap();
        ["text", "noise", "long"]
            .iter()
            .map(|name| FileSource {
                name: format!("b/{name}").into(),
                dir,
                path: Path::new(name).into(),
            })
            .collect()
    }

    fn flip(file: &File, offset: u64) {
        let mut byte = [0];
        read_at(file, &mut byte, offset).unwrap();
        byte[0] ^= 0x20;
        std::os::unix::fs::FileExt::write_all_at(file, &byte, offset).unwrap();
    }

    fn recheck_of(finished: &Finished) -> Result<()> {
        recheck(finished, Path::new("out.zip"), 2, 0, &NoProgress)
    }

    #[test]
    fn a_sound_archive_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        recheck_of(&archive(dir.path())).unwrap();
    }

    #[test]
    fn only_the_large_stored_file_was_read_back_by_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let finished = archive(dir.path());
        let read_back: Vec<String> = (finished.entries.iter_from(0))
            .map(Result::unwrap)
            .filter(|entry| entry.read_back)
            .map(|entry| entry.entry.name.to_string())
            .collect();
        assert_eq!(read_back, ["b/noise"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_byte_changed_after_writing_is_caught_naming_the_entry() {
        let dir = tempfile::tempdir().unwrap();
        for entry in [0, 2, 3] {
            let finished = archive(dir.path());
            assert_eq!(finished.entries.len(), 4);
            let TableEntry {
                entry: e,
                read_back,
                ..
            } = finished.entries.get(entry).unwrap();
            assert!(!read_back);
            let data = e.offset + 30 + e.name.len() as u64;
            flip(&finished.file, data + e.compressed_size / 2);
            let error = recheck_of(&finished).unwrap_err().to_string();
            assert!(error.contains(&format!("entry {}", e.name)), "{error}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn where_the_data_of_an_entry_read_back_by_the_writer_starts_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let finished = archive(dir.path());
        let noise = finished.entries.get(1).unwrap();
        assert!(noise.read_back);
        // The low byte of the local header's extra field length.
        flip(&finished.file, noise.entry.offset + 28);
        let error = recheck_of(&finished).unwrap_err().to_string();
        assert!(error.contains("entry b/noise"), "{error}");
        assert!(error.contains("data offset reads back"), "{error}");
    }

    /// The entries of `archive`'s files, read back beside a tag file being
    /// made after `spoil` was done to them.
    fn read_back_beside(dir: &Path, spoil: &(dyn Fn(Written) + Sync)) -> Result<()> {
        let mut writer = writer(dir);
        writer
            .add_files(&sources(dir), &|_, _| Ok(()), &|_| {})
            .unwrap();
        let tag = |out: &mut dyn Write| out.write_all(b"tag\n");
        let beside = |written: Written| {
            spoil(written);
            recheck_written(written, Path::new("out.zip"), 1, &NoProgress)
        };
        writer.add_streams_beside(&[("b/tag.txt", &tag)], &beside)?;
        let finished = writer.finish()?;
        recheck(&finished, Path::new("out.zip"), 2, 3, &NoProgress)
    }

    #[test]
    fn entries_read_back_before_the_archive_is_finished_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        read_back_beside(dir.path(), &|_| {}).unwrap();
        for entry in [0, 2] {
            let spoil = |written: Written| {
                let e = written.entries.get(entry).unwrap().entry;
                flip(
                    written.file,
                    e.offset + e.header_len() + e.compressed_size / 2,
                );
            };
            let error = read_back_beside(dir.path(), &spoil)
                .unwrap_err()
                .to_string();
            let name = ["b/text", "b/noise", "b/long"][entry];
            assert!(error.contains(&format!("entry {name}:")), "{error}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_central_record_changed_after_writing_is_caught_naming_the_entry() {
        let dir = tempfile::tempdir().unwrap();
        let finished = archive(dir.path());
        let len = finished.file.metadata().unwrap().len();
        let directory = central::directory(&finished.file, len).unwrap();
        // A byte of the first record's name, `b/text`, after its 46 fixed.
        flip(&finished.file, directory.offset + 46 + 2);
        let error = recheck_of(&finished).unwrap_err().to_string();
        assert!(
            error.contains("entry b/text: its name reads back differently"),
            "{error}"
        );
    }

    #[test]
    fn another_crc32_than_recorded_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        let finished = archive(dir.path());
        let mut entry = finished.entries.get(1).unwrap().entry;
        entry.crc32 ^= 1;
        finished.entries.set(1, &entry).unwrap();
        let error = recheck_of(&finished).unwrap_err();
        assert!(error.to_string().contains("CRC-32 reads back"), "{error}");
    }

    #[test]
    fn a_truncated_archive_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        let mut finished = archive(dir.path());
        let len = finished.file.metadata().unwrap().len();
        finished.file.set_len(len - 10).unwrap();
        finished.file.flush().unwrap();
        let error = recheck_of(&finished).unwrap_err();
        assert!(
            error.to_string().contains("does not read back as a zip"),
            "{error}"
        );
    }
}
