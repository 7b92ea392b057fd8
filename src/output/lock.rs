//! The exclusive locks (`flock` on Unix, `LockFileEx` on Windows) that a
//! temporary output, or an old target about to be removed, is held by, so
//! that a cleaner ([`remove_stale`](super::stale::remove_stale)) leaves it
//! alone.

use std::fs::{self, File};
use std::io;
use std::path::Path;

/// Whether a file of this kind can be locked, and so be removed by a
/// cleaner: a file, or on Unix a directory (elsewhere one cannot be opened
/// to be locked).
pub(super) fn lockable(kind: fs::FileType) -> bool {
    kind.is_file() || cfg!(unix) && kind.is_dir()
}

/// The lock of a temporary directory: on Unix the directory itself, open
/// and locked as a temporary file is, so that a cleaner leaves it alone.
#[cfg(unix)]
pub(super) type DirLock = File;

/// Elsewhere a directory cannot be opened to be locked, and cleaners
/// leave directories alone (see [`remove_stale`]).
#[cfg(not(unix))]
pub(super) type DirLock = ();

/// Opens and locks the directory `path`; `None` if it is gone, or is no
/// longer the directory opened once the lock is held.
#[cfg(unix)]
pub(super) fn lock_dir(path: &Path) -> io::Result<Option<DirLock>> {
    lock_named(path)
}

#[cfg(not(unix))]
pub(super) fn lock_dir(_: &Path) -> io::Result<Option<DirLock>> {
    Ok(Some(()))
}

/// Opens and locks `path`, a file or a directory that is [`lockable`];
/// `None` if it is gone, or is no longer the one opened once the lock is
/// held.
pub(super) fn lock_named(path: &Path) -> io::Result<Option<File>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    // Blocks while another holds the lock: a cleaner removing it, which
    // the name no longer names once it is done, or another run putting its
    // output in its place.
    file.lock()?;
    Ok(still_named(&file, path).then_some(file))
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
pub(crate) fn still_named(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), path.symlink_metadata()) {
        (Ok(open), Ok(named)) => (open.dev(), open.ino()) == (named.dev(), named.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
pub(crate) fn still_named(_: &File, path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}
