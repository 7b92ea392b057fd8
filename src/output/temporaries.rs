//! The list of the temporary outputs this process is writing, so that a run
//! ended by a signal removes them ([`remove_temporaries`]), and the renames
//! that put an output in place are not cut short by it ([`uninterrupted`]).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::remove_path;
use crate::error::Result;

/// The temporary outputs being written, each with an id to leave the list
/// by.
struct Temporaries {
    next_id: u64,
    /// Each output's id, its path, and whether the clean-up must leave it.
    listed: Vec<(u64, PathBuf, KeepIf)>,
}

/// The list of the temporary outputs of this process. Whoever holds it can
/// neither make one nor put one in place.
static TEMPORARIES: Mutex<Temporaries> = Mutex::new(Temporaries {
    next_id: 0,
    listed: Vec::new(),
});

fn temporaries() -> MutexGuard<'static, Temporaries> {
    // Each change to the list is one push or one removal: a panic while it
    // was held left it whole.
    TEMPORARIES.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A temporary output on the list. Dropped, it leaves the list: its owner
/// removes it from disk first (or has put it in place).
pub(crate) struct Temporary {
    id: u64,
}

impl Temporary {
    /// Makes a temporary output with `make`, and lists the path `path_of`
    /// gives of it in the same step, so that an interruption never finds
    /// one made but not listed.
    pub(crate) fn make<T>(
        make: impl FnOnce() -> Result<T>,
        path_of: impl FnOnce(&T) -> PathBuf,
    ) -> Result<(T, Temporary)> {
        Temporary::make_kept_if(make, path_of, |_| false)
    }

    /// [`Temporary::make`], for an output that a signal's clean-up must
    /// leave when `keep` says so of its path: one that came to hold the
    /// only copy of an old output.
    pub(crate) fn make_kept_if<T>(
        make: impl FnOnce() -> Result<T>,
        path_of: impl FnOnce(&T) -> PathBuf,
        keep: KeepIf,
    ) -> Result<(T, Temporary)> {
        let mut list = temporaries();
        let made = make()?;
        let id = list.next_id;
        list.next_id += 1;
        list.listed.push((id, path_of(&made), keep));
        Ok((made, Temporary { id }))
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        temporaries().listed.retain(|(id, _, _)| *id != self.id);
    }
}

/// Runs `put_in_place`, the renames that put an output in place, with no
/// interruption between them: a signal's clean-up waits until they are
/// done, and then finds the temporary output gone.
pub(crate) fn uninterrupted<T>(put_in_place: impl FnOnce() -> T) -> T {
    let _list = temporaries();
    put_in_place()
}

/// Makes the directory `path`, and those above it, inside a temporary
/// output, unless a signal is ending the run: its clean-up removes the
/// temporary output, and a directory made after would bring it back.
pub(crate) fn create_dirs_in_temporary(path: &Path) -> io::Result<()> {
    let _list = temporaries();
    fs::create_dir_all(path)
}

/// Whether a signal's clean-up must leave the temporary output at a path.
pub(crate) type KeepIf = fn(&Path) -> bool;

/// What [`remove_temporaries`] returns: while it is held, no temporary
/// output is made, and none is put in place.
pub struct Interrupted {
    _list: MutexGuard<'static, Temporaries>,
}

/// Removes every temporary output this process is writing (files, and
/// directories with what they hold), for a run that ends on a signal:
/// hold the result until the process exits, so that the threads still
/// working make no other. Best effort: what cannot be removed is left for
/// the next run beside it.
pub fn remove_temporaries() -> Interrupted {
    let list = temporaries();
    remove_listed(&list.listed);
    Interrupted { _list: list }
}

/// Removes the outputs `listed`, but those to keep.
fn remove_listed(listed: &[(u64, PathBuf, KeepIf)]) {
    // Newest first: an OCFL build directory before the lock file beside it,
    // made before it to mark it as a running export's.
    for (_, path, keep) in listed.iter().rev() {
        if keep(path) {
            continue;
        }
        let is_dir = path.symlink_metadata().is_ok_and(|m| m.is_dir());
        // Threads still writing can add a file to a directory while it is
        // removed (none can make a directory); a few tries outrun them.
        for _ in 0..if is_dir { 5 } else { 1 } {
            if remove_path(path, is_dir).is_ok() {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signals_clean_up_leaves_what_must_be_kept() {
        let dir = tempfile::tempdir().unwrap();
        let [file, build, kept] = ["out.tmp", "build", "kept"].map(|name| dir.path().join(name));
        fs::write(&file, b"x").unwrap();
        for made in [&build, &kept] {
            fs::create_dir_all(made.join("old")).unwrap();
        }
        let holds_old: KeepIf = |path| path.ends_with("kept") && path.join("old").exists();
        let listed = [
            (0, file.clone(), (|_| false) as KeepIf),
            (1, build.clone(), holds_old),
            (2, kept.clone(), holds_old),
        ];
        remove_listed(&listed);
        assert!(!file.exists() && !build.exists());
        assert!(kept.join("old").is_dir());
    }
}
