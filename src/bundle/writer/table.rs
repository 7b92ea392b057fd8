//! The archive's entries, and what was read of each entry's source, kept
//! in unnamed temporary files rather than in memory, so that a writer's
//! memory does not grow with the number of entries.
//!
//! Each entry is a row of [`ROW`] bytes (sizes, digests, CRC-32, method,
//! offset and where its name is) in one file, its name in another. A row
//! ends with the CRC-32 of its name and then of itself, checked when read:
//! the digests go from here to the manifests, and nothing reads them back
//! from there. Rows are
//! appended in archive order through a buffer; they are read back a block
//! at a time, and the last few blocks are kept, as the readers go through
//! the entries in order or nearly: the central directory, the manifests,
//! the RO-Crate's two writers, the read-back.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::WrittenFile;
use crate::bundle::zip::{Entry, Method};
use crate::digest::FileDigests;
use crate::positional::{read_exact_at, write_two_at};

/// The bytes of one row.
const ROW: usize = 144;
/// Where a row's CRC-32 of its name is; the CRC-32 of all before its end
/// follows.
const NAME_CRC: usize = 136;
/// Rows read at once.
const BLOCK: usize = 512;
/// Blocks kept: a reader per RO-Crate file and per read-back thread.
const KEPT_BLOCKS: usize = 4;
/// Rows and names are written once this many bytes are waiting.
const FLUSH_AT: usize = 64 << 10;

/// An entry as the table gives it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableEntry {
    /// The entry as the central directory describes it.
    pub entry: Entry,
    /// What was read of its source.
    pub written: WrittenFile,
    /// Whether the writer read its data back as it was written.
    pub read_back: bool,
}

/// The entries of an archive, in archive order.
pub struct EntryTable {
    rows: File,
    names: File,
    state: Mutex<Appended>,
    kept: Mutex<Vec<Arc<Block>>>,
}

/// What has been appended, and what of it waits to be written.
struct Appended {
    len: usize,
    names_len: u64,
    rows_written: usize,
    names_written: u64,
    rows: Vec<u8>,
    names: Vec<u8>,
}

/// Consecutive rows, from `first`, and their names.
struct Block {
    first: usize,
    rows: Vec<u8>,
    names_at: u64,
    names: Vec<u8>,
}

impl EntryTable {
    /// An empty table in unnamed files in `dir`.
    pub fn new(dir: &Path) -> io::Result<EntryTable> {
        Ok(EntryTable {
            rows: tempfile::tempfile_in(dir)?,
            names: tempfile::tempfile_in(dir)?,
            state: Mutex::new(Appended {
                len: 0,
                names_len: 0,
                rows_written: 0,
                names_written: 0,
                rows: Vec::new(),
                names: Vec::new(),
            }),
            kept: Mutex::new(Vec::new()),
        })
    }

    /// A table whose rows cannot be written, opened only for reading.
    #[cfg(test)]
    pub fn unwritable(dir: &Path) -> EntryTable {
        let rows = tempfile::NamedTempFile::new_in(dir).unwrap();
        let mut table = EntryTable::new(dir).unwrap();
        table.rows = File::open(rows.path()).unwrap();
        table
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.state.lock().expect("no writer panicked").len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends an entry after the last.
    pub fn push(&self, entry: &Entry, written: &WrittenFile, read_back: bool) -> io::Result<()> {
        let mut state = self.state.lock().expect("no writer panicked");
        let name = entry.name.as_bytes();
        let row = encode(entry, written, read_back, state.names_len);
        state.rows.extend_from_slice(&row);
        state.names.extend_from_slice(name);
        state.len += 1;
        state.names_len += name.len() as u64;
        if state.rows.len() + state.names.len() >= FLUSH_AT {
            self.write_out(&mut state)?;
        }
        Ok(())
    }

    /// Writes what waits, so that readers see every entry appended.
    pub fn flush(&self) -> io::Result<()> {
        let mut state = self.state.lock().expect("no writer panicked");
        self.write_out(&mut state)
    }

    fn write_out(&self, state: &mut Appended) -> io::Result<()> {
        write_two_at(
            &self.rows,
            &state.rows,
            &[],
            (state.rows_written * ROW) as u64,
        )?;
        write_two_at(&self.names, &state.names, &[], state.names_written)?;
        state.rows_written = state.len;
        state.names_written = state.names_len;
        state.rows.clear();
        state.names.clear();
        Ok(())
    }

    /// The entry at `index`, which must have been flushed.
    pub fn get(&self, index: usize) -> io::Result<TableEntry> {
        let block = self.block_of(index)?;
        Ok(block.entry(index))
    }

    /// What was read of the source of the entry at `index`: [`Self::get`]
    /// without making the name.
    pub fn written(&self, index: usize) -> io::Result<WrittenFile> {
        let block = self.block_of(index)?;
        Ok(written(block.row(index)))
    }

    /// Replaces the entry at `index` (flushed) with one of a name as long.
    #[cfg(test)]
    pub fn set(&self, index: usize, entry: &Entry) -> io::Result<()> {
        let old = self.get(index)?;
        let at = name_at(&self.row(index)?);
        assert_eq!(entry.name.len(), old.entry.name.len());
        let row = encode(entry, &old.written, old.read_back, at);
        write_two_at(&self.rows, &row, &[], (index * ROW) as u64)?;
        write_two_at(&self.names, entry.name.as_bytes(), &[], at)?;
        self.kept.lock().expect("no reader panicked").clear();
        Ok(())
    }

    #[cfg(test)]
    fn row(&self, index: usize) -> io::Result<[u8; ROW]> {
        let mut row = [0; ROW];
        read_exact_at(&self.rows, &mut row, (index * ROW) as u64)?;
        Ok(row)
    }

    /// The entries from `start` on, in order, read a block at a time.
    pub fn iter_from(&self, start: usize) -> impl Iterator<Item = io::Result<TableEntry>> + '_ {
        let len = self.flushed_len();
        (start..len).map(move |index| self.get(index))
    }

    /// How many entries readers see.
    fn flushed_len(&self) -> usize {
        self.state.lock().expect("no writer panicked").rows_written
    }

    fn block_of(&self, index: usize) -> io::Result<Arc<Block>> {
        let mut kept = self.kept.lock().expect("no reader panicked");
        if let Some(at) = kept.iter().position(|block| block.holds(index)) {
            let block = kept.remove(at);
            kept.push(Arc::clone(&block));
            return Ok(block);
        }
        let len = self.flushed_len();
        if index >= len {
            return Err(io::Error::other(format!(
                "entry {index} is not in the table ({len} entries)"
            )));
        }
        let first = index - index % BLOCK;
        let count = BLOCK.min(len - first);
        let mut rows = vec![0; count * ROW];
        read_exact_at(&self.rows, &mut rows, (first * ROW) as u64)?;
        let changed = |index: usize| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("entry {index} of the table of entries changed on disk since written"),
            )
        };
        if let Some(bad) = (0..count).find(|&i| !row_intact(&rows[i * ROW..][..ROW])) {
            return Err(changed(first + bad));
        }
        let names_at = name_at(&rows);
        let last = &rows[(count - 1) * ROW..];
        let mut names = vec![0; (name_at(last) + name_len(last) as u64 - names_at) as usize];
        read_exact_at(&self.names, &mut names, names_at)?;
        let block = Block {
            first,
            rows,
            names_at,
            names,
        };
        let name_crc = |row: &[u8]| u32::from_le_bytes(row[NAME_CRC..][..4].try_into().expect("4"));
        let mut indexes = first..first + count;
        if let Some(bad) =
            indexes.find(|&i| crc32fast::hash(block.name(i)) != name_crc(block.row(i)))
        {
            return Err(changed(bad));
        }
        let block = Arc::new(block);
        if kept.len() == KEPT_BLOCKS {
            kept.remove(0);
        }
        kept.push(Arc::clone(&block));
        Ok(block)
    }
}

impl Block {
    fn holds(&self, index: usize) -> bool {
        index >= self.first && index < self.first + self.rows.len() / ROW
    }

    fn row(&self, index: usize) -> &[u8] {
        &self.rows[(index - self.first) * ROW..][..ROW]
    }

    /// The name of the entry at `index`, as written.
    fn name(&self, index: usize) -> &[u8] {
        let row = self.row(index);
        let at = (name_at(row) - self.names_at) as usize;
        &self.names[at..at + name_len(row)]
    }

    fn entry(&self, index: usize) -> TableEntry {
        let row = self.row(index);
        let u64_at = |at: usize| u64::from_le_bytes(row[at..at + 8].try_into().expect("8 bytes"));
        let name =
            std::str::from_utf8(self.name(index)).expect("the table holds the names it was given");
        TableEntry {
            entry: Entry {
                name: Arc::from(name),
                method: if row[108] == 0 {
                    Method::Stored
                } else {
                    Method::Deflated
                },
                crc32: u32::from_le_bytes(row[104..108].try_into().expect("4 bytes")),
                compressed_size: u64_at(112),
                uncompressed_size: u64_at(0),
                offset: u64_at(120),
            },
            written: written(row),
            read_back: row[109] != 0,
        }
    }
}

/// Where the name of the entry whose row is `row` starts in the names file.
fn name_at(row: &[u8]) -> u64 {
    u64::from_le_bytes(row[128..136].try_into().expect("8 bytes"))
}

/// How long the name of the entry whose row is `row` is.
fn name_len(row: &[u8]) -> usize {
    usize::from(u16::from_le_bytes([row[110], row[111]]))
}

/// What was read of the source of the entry whose row is `row`.
fn written(row: &[u8]) -> WrittenFile {
    WrittenFile {
        size: u64::from_le_bytes(row[0..8].try_into().expect("8 bytes")),
        digests: FileDigests::new(
            row[8..40].try_into().expect("32 bytes"),
            row[40..104].try_into().expect("64 bytes"),
        ),
    }
}

/// The row of an entry whose name starts at `name_at` in the names file.
fn encode(entry: &Entry, written: &WrittenFile, read_back: bool, name_at: u64) -> [u8; ROW] {
    debug_assert_eq!(entry.uncompressed_size, written.size);
    let mut row = [0; ROW];
    row[0..8].copy_from_slice(&entry.uncompressed_size.to_le_bytes());
    row[8..40].copy_from_slice(written.digests.sha256());
    row[40..104].copy_from_slice(written.digests.sha512());
    row[104..108].copy_from_slice(&entry.crc32.to_le_bytes());
    row[108] = match entry.method {
        Method::Stored => 0,
        Method::Deflated => 8,
    };
    row[109] = u8::from(read_back);
    let name_len = u16::try_from(entry.name.len()).expect("a zip entry name fits 16 bits");
    row[110..112].copy_from_slice(&name_len.to_le_bytes());
    row[112..120].copy_from_slice(&entry.compressed_size.to_le_bytes());
    row[120..128].copy_from_slice(&entry.offset.to_le_bytes());
    row[128..136].copy_from_slice(&name_at.to_le_bytes());
    row[NAME_CRC..NAME_CRC + 4]
        .copy_from_slice(&crc32fast::hash(entry.name.as_bytes()).to_le_bytes());
    let crc = crc32fast::hash(&row[..ROW - 4]);
    row[ROW - 4..].copy_from_slice(&crc.to_le_bytes());
    row
}

/// Whether `row` ends with the CRC-32 of the rest.
fn row_intact(row: &[u8]) -> bool {
    let (rest, crc) = row.split_at(ROW - 4);
    crc32fast::hash(rest).to_le_bytes() == crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::DigestsHasher;

    fn entry(i: usize) -> (Entry, WrittenFile) {
        let name = format!("bag/data/{}", "x".repeat(i % 300));
        let mut hasher = DigestsHasher::new();
        hasher.update(name.as_bytes());
        let entry = Entry {
            name: name.into(),
            method: if i.is_multiple_of(2) {
                Method::Stored
            } else {
                Method::Deflated
            },
            crc32: i as u32 * 7,
            compressed_size: i as u64 * 3,
            uncompressed_size: i as u64 * 5,
            offset: i as u64 * 11,
        };
        let written = WrittenFile {
            size: i as u64 * 5,
            digests: hasher.finish_binary(),
        };
        (entry, written)
    }

    #[test]
    fn entries_read_back_as_appended_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let table = EntryTable::new(dir.path()).unwrap();
        let count = 3 * BLOCK + 17;
        for i in 0..count {
            let (entry, written) = entry(i);
            table.push(&entry, &written, i.is_multiple_of(3)).unwrap();
        }
        table.flush().unwrap();
        assert_eq!(table.len(), count);
        let check = |i: usize| {
            let (entry, written) = entry(i);
            let expected = TableEntry {
                entry,
                written,
                read_back: i.is_multiple_of(3),
            };
            assert_eq!(table.get(i).unwrap(), expected, "entry {i}");
        };
        for i in (0..count).rev().step_by(5).chain(0..count) {
            check(i);
        }
        assert_eq!(table.iter_from(count - 2).count(), 2);
        assert!(table.get(count).is_err());
    }

    /// Every byte of a row or of its name changed on disk after it was
    /// written is an error when read: the digests go to the manifests, and
    /// nothing else reads them back.
    #[test]
    fn a_row_or_name_changed_on_disk_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let table = EntryTable::new(dir.path()).unwrap();
        let (entry, written) = entry(5);
        table.push(&entry, &written, true).unwrap();
        table.flush().unwrap();
        let flip = |file: &File, at: u64| {
            let mut byte = [0];
            read_exact_at(file, &mut byte, at).unwrap();
            write_two_at(file, &[byte[0] ^ 1], &[], at).unwrap();
            table.kept.lock().unwrap().clear();
        };
        let name_len = entry.name.len() as u64;
        for (file, len) in [(&table.rows, ROW as u64), (&table.names, name_len)] {
            for at in 0..len {
                flip(file, at);
                let error = table.get(0).unwrap_err();
                assert!(error.to_string().contains("entry 0"), "{error}");
                assert!(table.written(0).is_err());
                flip(file, at);
            }
        }
        assert_eq!(table.get(0).unwrap().written, written);
    }

    #[test]
    fn entries_not_flushed_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let table = EntryTable::new(dir.path()).unwrap();
        let (entry, written) = entry(1);
        table.push(&entry, &written, false).unwrap();
        assert_eq!(table.iter_from(0).count(), 0);
        table.flush().unwrap();
        assert_eq!(table.iter_from(0).count(), 1);
    }
}
