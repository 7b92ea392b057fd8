//! Writing the archive at given offsets, with writeback started as it goes,
//! and reading back what was written.

use std::fs::File;
use std::ops::Range;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, IoContext, Result};
use crate::positional::{read_exact_at, write_two_at};

/// Bytes written between two requests to start writeback.
const WRITEBACK_EVERY: u64 = 32 << 20;

/// The archive file, named for errors.
pub(super) struct Output<'a> {
    file: &'a File,
    pub(super) path: &'a Path,
    /// No write may go before this offset: the archive up to it was read
    /// back.
    floor: u64,
    /// Bytes written since writeback was last started.
    unsynced: AtomicU64,
    /// Held while writing: two threads writing one file at once wait for
    /// each other in the kernel (ext4's inode lock), spinning on the CPU the
    /// other workers hash with; waiting here, they sleep.
    writing: Mutex<()>,
}

impl<'a> Output<'a> {
    pub(super) fn new(file: &'a File, path: &'a Path, floor: u64) -> Output<'a> {
        Output {
            file,
            path,
            floor,
            unsynced: AtomicU64::new(0),
            writing: Mutex::new(()),
        }
    }

    pub(super) fn write_at(&self, bytes: &[u8], offset: u64) -> Result<()> {
        self.write_two_at(bytes, &[], offset)
    }

    /// Writes `first` and then `second` at `offset`: an entry's header and
    /// its data.
    pub(super) fn write_two_at(&self, first: &[u8], second: &[u8], offset: u64) -> Result<()> {
        if offset < self.floor {
            return Err(Error::WrittenBadly {
                path: self.path.to_path_buf(),
                message: format!(
                    "a write at offset {offset} would change what was read back, before {}",
                    self.floor
                ),
            });
        }
        {
            let _writing = self.writing.lock().unwrap_or_else(|e| e.into_inner());
            write_two_at(self.file, first, second, offset).at(self.path)?;
        }
        let len = (first.len() + second.len()) as u64;
        if self.unsynced.fetch_add(len, Ordering::Relaxed) + len >= WRITEBACK_EVERY {
            self.unsynced.store(0, Ordering::Relaxed);
            start_writeback(self.file);
        }
        Ok(())
    }

    /// Reads back `buffer.len()` bytes at `offset`.
    pub(super) fn read_exact_at(&self, buffer: &mut [u8], offset: u64) -> Result<()> {
        read_exact_at(self.file, buffer, offset).at(self.path)
    }

    /// Waits until the archive's bytes in `range` are on disk, then drops
    /// them from the page cache. A bundle holds a copy of its payload, and
    /// each new page the copy takes may cost more than the copy itself: a
    /// virtual machine whose host reclaims the guest's free memory faults
    /// every page in again (17 s of system time for a 2 GiB `dd` here, 0.4 s
    /// when the pages were freed a moment before). Pages dropped as the
    /// archive is written are the ones its next bytes go to. Only a hint:
    /// errors are `fsync`'s to report.
    pub(super) fn forget(&self, range: Range<u64>) {
        forget(self.file, range);
    }
}

#[cfg(target_os = "linux")]
fn forget(file: &File, range: Range<u64>) {
    use std::os::fd::AsRawFd;
    let Some(len) = std::num::NonZeroU64::new(range.end.saturating_sub(range.start)) else {
        return;
    };
    let (Ok(start), Ok(signed_len)) = (i64::try_from(range.start), i64::try_from(len.get())) else {
        return;
    };
    let wait = libc::SYNC_FILE_RANGE_WAIT_BEFORE
        | libc::SYNC_FILE_RANGE_WRITE
        | libc::SYNC_FILE_RANGE_WAIT_AFTER;
    // SAFETY: a plain system call on an open descriptor; no memory passed.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), start, signed_len, wait);
    }
    let _ = rustix::fs::fadvise(file, range.start, Some(len), rustix::fs::Advice::DontNeed);
}

#[cfg(not(target_os = "linux"))]
fn forget(_: &File, _: Range<u64>) {}

/// Asks the kernel to start writing the archive's dirty pages to disk now,
/// without waiting, so that the disk works while the workers hash and the
/// final `fsync` has little left to wait for (0.8 s of a 3.8 s pack of the
/// `few-large` corpus otherwise). Only a hint: errors are `fsync`'s to
/// report.
#[cfg(target_os = "linux")]
fn start_writeback(file: &File) {
    use std::os::fd::AsRawFd;
    // SAFETY: a plain system call on an open descriptor; no memory passed.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_: &File) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_written_before_the_floor() {
        let file = tempfile::tempfile().unwrap();
        let out = Output::new(&file, Path::new("out.zip"), 100);
        let error = out.write_at(b"x", 99).unwrap_err().to_string();
        assert!(error.contains("would change what was read back"), "{error}");
        out.write_at(b"x", 100).unwrap();
        assert_eq!(file.metadata().unwrap().len(), 101);
    }
}
