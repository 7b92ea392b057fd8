//! Reading a source file safely: the bytes read must be the file's, as it
//! was when opened.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

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

/// Reads until `buffer` is full or the file ends; returns the bytes read.
pub(super) fn read_full(file: &mut File, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}
