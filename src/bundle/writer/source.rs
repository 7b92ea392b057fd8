//! Reading a source file safely: the bytes read must be the file's, as it
//! was when opened.

use std::fs::{File, Metadata};
use std::io;
use std::path::Path;

use crate::bundle::read_full;
use crate::error::{Error, IoContext, Result};

/// Fails unless `read` bytes are the file's size and the file, opened as
/// `file` and described by `before` when opened, is still as it was: same
/// size, modification and status change times, and still the file `path`
/// names.
pub(super) fn check_unchanged(
    path: &Path,
    file: &File,
    before: &Metadata,
    read: u64,
) -> Result<()> {
    if read != before.len() {
        return Err(changed_size(path, before.len(), read));
    }
    let after = file.metadata().at(path)?;
    let what = if after.len() != before.len() {
        Some(format!(
            "it had {} bytes, now {}",
            before.len(),
            after.len()
        ))
    } else if after.modified().ok() != before.modified().ok() {
        Some("its modification time moved".to_string())
    } else if status_changed(before, &after) {
        Some("its status change time moved".to_string())
    } else {
        match path.metadata() {
            Ok(now) if same_file(&now, &after) => None,
            Ok(_) => Some("its name now names another file".to_string()),
            Err(error) => Some(format!("it can no longer be found: {error}")),
        }
    };
    match what {
        None => Ok(()),
        Some(what) => Err(Error::SourceChanged {
            path: path.to_path_buf(),
            what,
        }),
    }
}

pub(super) fn changed_size(path: &Path, expected: u64, read: u64) -> Error {
    Error::SourceChanged {
        path: path.to_path_buf(),
        what: format!("it had {expected} bytes, {read} were read"),
    }
}

#[cfg(unix)]
fn status_changed(before: &Metadata, after: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (before.ctime(), before.ctime_nsec()) != (after.ctime(), after.ctime_nsec())
}

#[cfg(not(unix))]
fn status_changed(_: &Metadata, _: &Metadata) -> bool {
    false
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

/// Reads the start of a file that had `size` bytes when opened: up to
/// `buffer`'s length but no further than `size`, so that a small file
/// takes one read and not a second one to meet its end; a file that grew
/// meanwhile is caught by [`check_unchanged`]. Returns the bytes read and
/// whether they were all in the page cache already, which only Linux can
/// tell (`RWF_NOWAIT`); elsewhere, or where a file system cannot say, the
/// answer is `false`.
pub(super) fn read_start(
    file: &mut File,
    buffer: &mut [u8],
    size: u64,
) -> io::Result<(usize, bool)> {
    let wanted = buffer
        .len()
        .min(usize::try_from(size).unwrap_or(usize::MAX));
    let buffer = &mut buffer[..wanted];
    if wanted == 0 {
        return Ok((0, true));
    }
    let cached = read_cached(file, buffer);
    if cached == wanted {
        return Ok((wanted, true));
    }
    Ok((cached + read_full(file, &mut buffer[cached..])?, false))
}

/// Reads what the page cache holds of the bytes at the file's position,
/// without waiting for the disk; returns how many it read.
#[cfg(target_os = "linux")]
fn read_cached(file: &mut File, buffer: &mut [u8]) -> usize {
    use rustix::io::{ReadWriteFlags, preadv2};
    // `u64::MAX`: at the file's position, moving it.
    let read = preadv2(
        &*file,
        &mut [io::IoSliceMut::new(buffer)],
        u64::MAX,
        ReadWriteFlags::NOWAIT,
    );
    read.unwrap_or(0)
}

#[cfg(not(target_os = "linux"))]
fn read_cached(_: &mut File, _: &mut [u8]) -> usize {
    0
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn scratch() -> tempfile::TempDir {
        // Beside the build, on a disk: a tmpfs keeps every page cached.
        let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
        std::fs::create_dir_all(&target).unwrap();
        tempfile::tempdir_in(target).unwrap()
    }

    #[test]
    fn reads_the_start_no_further_than_the_size_when_opened() {
        let dir = scratch();
        let path = dir.path().join("grows");
        std::fs::write(&path, b"0123456789").unwrap();
        let mut file = File::open(&path).unwrap();
        let mut buffer = vec![0; 64];
        // The file grew after its size was taken: only that much is read.
        let (read, _) = read_start(&mut file, &mut buffer, 4).unwrap();
        assert_eq!(&buffer[..read], b"0123");
        // A buffer shorter than the file: its length, then the rest.
        let mut file = File::open(&path).unwrap();
        let (read, _) = read_start(&mut file, &mut buffer[..6], 10).unwrap();
        assert_eq!(&buffer[..read], b"012345");
        assert_eq!(read_full(&mut file, &mut buffer).unwrap(), 4);
        assert_eq!(&buffer[..4], b"6789");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn tells_whether_the_start_was_in_the_page_cache() {
        use rustix::fs::{Advice, fadvise};
        let dir = scratch();
        let path = dir.path().join("file");
        let bytes: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut file = File::create(&path).unwrap();
        file.write_all(&bytes).unwrap();
        file.sync_all().unwrap();
        let mut buffer = vec![0; bytes.len()];

        let mut file = File::open(&path).unwrap();
        let (read, cached) = read_start(&mut file, &mut buffer, bytes.len() as u64).unwrap();
        assert_eq!((read, cached), (bytes.len(), true), "just written");
        assert!(buffer == bytes);

        // Written back already, so the kernel can drop the pages.
        fadvise(&file, 0, None, Advice::DontNeed).unwrap();
        buffer.fill(0);
        let mut file = File::open(&path).unwrap();
        let (read, cached) = read_start(&mut file, &mut buffer, bytes.len() as u64).unwrap();
        assert_eq!((read, cached), (bytes.len(), false), "read from the disk");
        assert!(buffer == bytes);
    }
}
