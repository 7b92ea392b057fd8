//! Placing entries in archive order.
//!
//! A file's place depends only on the entries before it, so an entry is
//! placed once every earlier one has been: a worker whose entry's turn has
//! not come queues it and goes on, and whichever worker places an entry
//! writes those queued after it whose turn it gives. The queue holds at
//! most [`MAX_WAITING`] bytes in memory, the rest of its entries' data
//! waiting in one file ([`Overflow`]), at most [`MAX_WAITING_SPILLS`]
//! files of entries that spilled, and at most [`MAX_WAITING_ENTRIES`]
//! entries; past the last two, a worker waits for its entry's turn.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use super::Run;
use super::encode::Compressed;
use super::output::Output;
use super::worker::Stopped;
use crate::bundle::zip::{Entry, local_header, local_header_len};
use crate::error::{Error, Result};
use crate::positional::write_two_at;

/// Memory that entries encoded before their turn may hold; past it, their
/// data waits in the [`Overflow`] file. Behind a large file that deflates,
/// the workers with small files reach it: when it was 64 MiB and a worker
/// waited past it, a pack of 10,000 small files after a 300 MiB text
/// peaked at 95 MiB. Small in unit tests, so that they reach the limit.
const MAX_WAITING: usize = if cfg!(test) { 256 << 10 } else { 16 << 20 };

/// How many entries may wait for their turn at once (about 150 bytes of
/// memory each, their data aside); past it, a worker waits for the turn of
/// its entry. Small in unit tests, so that they reach the limit.
pub(super) const MAX_WAITING_ENTRIES: usize = if cfg!(test) { 64 } else { 4096 };

/// How many entries encoded before their turn may each hold a spill file
/// open; past it, a worker waits for the turn of its entry. Entries that
/// spill hold no memory, so [`MAX_WAITING`] does not stop them: behind a
/// large file, a hundred files of 16 MiB of text each opened one, and a
/// pack failed with `Too many open files` (macOS allows 256 by default).
pub(super) const MAX_WAITING_SPILLS: usize = if cfg!(test) { 2 } else { 16 };

/// Where the next entry goes.
pub(super) struct Layout {
    /// Index of the file whose turn it is to be placed.
    pub(super) next: usize,
    /// Where that file's entry will start.
    pub(super) offset: u64,
    /// Entries encoded before their turn, by index, so that their
    /// workers go on with other files.
    pub(super) waiting: BTreeMap<usize, Encoded>,
    /// The memory those entries hold.
    pub(super) waiting_bytes: usize,
    /// How many of them hold a spill file.
    pub(super) waiting_spills: usize,
}

/// Where entries waiting for their turn keep their compressed data once
/// [`MAX_WAITING`] bytes are held in memory: one unnamed file beside the
/// bundle, made when first needed and shared, so that a worker goes on
/// with its next file rather than leave a core idle behind a file that
/// takes long to deflate. Its bytes are written once more and read back
/// once; the file is gone when the files are written.
pub(super) struct Overflow<'a> {
    spill_dir: &'a Path,
    /// The file and its length.
    file: Mutex<Option<(Arc<File>, u64)>>,
}

impl<'a> Overflow<'a> {
    pub(super) fn new(spill_dir: &'a Path) -> Overflow<'a> {
        Overflow {
            spill_dir,
            file: Mutex::new(None),
        }
    }

    /// Moves `data` to the file.
    fn keep(&self, data: &[u8]) -> io::Result<Compressed> {
        let (file, at) = {
            let mut slot = self.file.lock().expect("no worker panicked");
            let (file, end) = match &mut *slot {
                Some(made) => made,
                None => slot.insert((Arc::new(tempfile::tempfile_in(self.spill_dir)?), 0)),
            };
            let at = *end;
            *end += data.len() as u64;
            (Arc::clone(file), at)
        };
        write_two_at(&file, data, &[], at)?;
        Ok(Compressed::Overflowed {
            file,
            at,
            len: data.len() as u64,
        })
    }
}

impl Layout {
    /// Places the entry whose turn it is, `len` bytes long in the archive:
    /// returns its offset and passes the turn to the next file.
    fn advance(&mut self, len: u64) -> u64 {
        let offset = self.offset;
        self.offset += len;
        self.next += 1;
        offset
    }
}

/// An entry's bytes read and encoded, its offset not yet known.
pub(super) struct Encoded {
    pub(super) entry: Entry,
    pub(super) data: Compressed,
}

impl Encoded {
    /// Writes the local header and the data at the entry's offset.
    pub(super) fn write(self, out: &Output) -> Result<Entry> {
        let header = local_header(&self.entry);
        self.data.write_after(&header, out, self.entry.offset)?;
        Ok(self.entry)
    }
}

impl Run<'_> {
    /// Waits for `index`'s turn and reserves room for its stored entry of
    /// `size` bytes; returns the offset of its local header, and the
    /// entries after it that were waiting and are now placed.
    pub(super) fn reserve(
        &self,
        index: usize,
        name: &str,
        size: u64,
    ) -> Result<(u64, Vec<(usize, Encoded)>), Stopped> {
        let mut layout = self.layout.lock().expect("no worker panicked");
        while layout.next != index {
            if self.failed.load(Ordering::Relaxed) {
                return Err(Stopped);
            }
            layout = self.turn.wait(layout).expect("no worker panicked");
        }
        Ok(self.take_turn(&mut layout, local_header_len(name, size, size) + size))
    }

    /// Gives the entry whose turn has come, `len` bytes long in the
    /// archive, its place and passes the turn on; returns its offset and
    /// the entries after it that were waiting and are now placed.
    fn take_turn(&self, layout: &mut Layout, len: u64) -> (u64, Vec<(usize, Encoded)>) {
        let offset = layout.advance(len);
        self.turn.notify_all();
        (offset, self.take_ready(layout))
    }

    /// Writes an entry whose data is borrowed at once if its turn has come,
    /// with no copy; otherwise copies the data and queues it (see
    /// [`Run::place`]). With two workers, a third of the files of the
    /// `many-small` benchmark corpus found their turn come (13,228 and
    /// 13,986 of 40,000 in two packs); with one, every file does.
    pub(super) fn place_borrowed(
        &self,
        index: usize,
        mut entry: Entry,
        data: &[u8],
    ) -> Result<Result<(), Stopped>> {
        let ready = {
            let mut layout = self.layout.lock().expect("no worker panicked");
            if layout.next != index {
                drop(layout);
                let data = Compressed::Memory(data.to_vec());
                return self.place(index, Encoded { entry, data });
            }
            let (offset, ready) = self.take_turn(&mut layout, entry.archive_len());
            entry.offset = offset;
            ready
        };
        self.out
            .write_two_at(&local_header(&entry), data, entry.offset)?;
        self.results
            .lock()
            .expect("no worker panicked")
            .place(index, entry, false);
        self.write_ready(ready)?;
        Ok(Ok(()))
    }

    /// Queues an encoded entry, its data moved to the [`Overflow`] file if
    /// too much memory is held by entries whose turn has not come, waiting
    /// first if too many entries or spill files are; and writes every entry
    /// whose turn has come.
    pub(super) fn place(&self, index: usize, mut encoded: Encoded) -> Result<Result<(), Stopped>> {
        let over_memory = {
            let layout = self.layout.lock().expect("no worker panicked");
            index != layout.next && layout.waiting_bytes + encoded.data.memory_len() > MAX_WAITING
        };
        if over_memory && let Compressed::Memory(data) = &encoded.data {
            encoded.data = (self.overflow.keep(data)).map_err(|e| Error::io(self.out.path, e))?;
        }
        let held = encoded.data.memory_len();
        let spills = usize::from(encoded.data.holds_file());
        let ready = {
            let mut layout = self.layout.lock().expect("no worker panicked");
            while index != layout.next
                && (layout.waiting_bytes + held > MAX_WAITING
                    || layout.waiting_spills + spills > MAX_WAITING_SPILLS
                    || layout.waiting.len() >= MAX_WAITING_ENTRIES)
            {
                if self.failed.load(Ordering::Relaxed) {
                    return Ok(Err(Stopped));
                }
                layout = self.turn.wait(layout).expect("no worker panicked");
            }
            layout.waiting_bytes += held;
            layout.waiting_spills += spills;
            layout.waiting.insert(index, encoded);
            self.take_ready(&mut layout)
        };
        self.write_ready(ready)?;
        Ok(Ok(()))
    }

    /// Gives the waiting entries whose turn has come their offsets.
    fn take_ready(&self, layout: &mut Layout) -> Vec<(usize, Encoded)> {
        let mut ready = Vec::new();
        while let Some(mut encoded) = layout.waiting.remove(&layout.next) {
            layout.waiting_bytes -= encoded.data.memory_len();
            layout.waiting_spills -= usize::from(encoded.data.holds_file());
            let index = layout.next;
            encoded.entry.offset = layout.advance(encoded.entry.archive_len());
            ready.push((index, encoded));
        }
        if !ready.is_empty() {
            self.turn.notify_all();
        }
        ready
    }

    pub(super) fn write_ready(&self, ready: Vec<(usize, Encoded)>) -> Result<()> {
        for (index, encoded) in ready {
            let entry = encoded.write(&self.out)?;
            self.results
                .lock()
                .expect("no worker panicked")
                .place(index, entry, false);
        }
        Ok(())
    }
}
