//! The renames that put a finished build into place: a new version's
//! directory, inventory and sidecar into the object, or a new object at its
//! path ([`replace`]), with what `--force` replaces kept in the build
//! ([`OLD`]) until the new one is there for good.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::staging::is_missing;
use super::target::resolved;
use super::{conflict, write_file};
use crate::error::{IoContext, Result};
use crate::output::{parent_dir, put_dir_in_place, rename_noreplace, sync_dir};

/// Renames `from` to `to`, replacing it, then flushes the directory entry.
pub(super) fn move_into(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).at(to)?;
    sync_dir(&parent_dir(to))
}

/// Renames the version directory `from` to `to`, in the object, then
/// flushes the directory entry. Never over what is there: rename(2) would
/// replace an empty directory, which another export may have made
/// meanwhile.
pub(super) fn move_version_into(from: &Path, to: &Path) -> Result<()> {
    match rename_noreplace(from, to) {
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            return Err(conflict(
                to,
                "was made in the object while this export built its version there (another export?), and was left as it is: nothing was written",
            ));
        }
        renamed => renamed.at(to)?,
    }
    sync_dir(&parent_dir(to))
}

/// Puts the directory `new` at `target`. What is there is replaced only if
/// `replacing` (else it was made meanwhile and is left): the old one is
/// swapped with `new`, or where the file system cannot, renamed to `aside`
/// first, and deleted last (see [`put_dir_in_place`]). An empty directory
/// there, a place made ready for a new object
/// ([`Target::Create`](super::target::Target::Create)), is only removed:
/// renaming a directory into another, the build directory, needs write
/// permission on it (to change its `..`), which removing it does not.
pub(super) fn replace(new: &Path, target: &Path, aside: &Path, replacing: bool) -> Result<()> {
    if target.symlink_metadata().is_ok_and(|old| old.is_dir())
        && fs::read_dir(target).at(target)?.next().is_none()
    {
        fs::remove_dir(target).at(target)?;
    }
    put_dir_in_place(new, target, replacing, || Ok(aside.to_path_buf()))
}

/// Makes the directories above a new object at `object` that are missing,
/// as `mkdir -p` makes them, and makes their entries durable: returns
/// those made, outermost first, for [`remove_made`] should the object not
/// get there. Called only as the object is put in place, so that an
/// export refused or failed before leaves no directory (one left empty in
/// a storage root would make it invalid, OCFL 1.1 §4.1 E073). One that
/// another program makes meanwhile is taken as it is, and not removed.
pub(super) fn make_parents(object: &Path) -> Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut dir = parent_dir(object);
    while is_missing(&dir) {
        let above = parent_dir(&dir);
        missing.push(dir);
        dir = above;
    }
    let mut made = Vec::new();
    let made_all = (|| {
        for dir in missing.iter().rev() {
            match fs::create_dir(dir) {
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => {}
                created => {
                    created.at(dir)?;
                    made.push(dir.clone());
                }
            }
        }
        for dir in &made {
            sync_dir(&parent_dir(dir))?;
        }
        Ok(())
    })();
    match made_all {
        Ok(()) => Ok(made),
        Err(error) => {
            remove_made(&made);
            Err(error)
        }
    }
}

/// Removes the directories [`make_parents`] made, innermost first, those
/// left empty: another export may have put an object in one meanwhile.
pub(super) fn remove_made(made: &[PathBuf]) {
    for dir in made.iter().rev() {
        let _ = fs::remove_dir(dir);
    }
}

/// Where in a build directory the output a `--force` export replaces is
/// renamed, where it cannot be swapped with the new object, until that is
/// in its place for good.
pub(super) const OLD: &str = "old";
/// The file in a build directory that holds the path of the output its
/// [`OLD`] was, written before it is renamed there.
const OLD_TARGET: &str = "old-target";

/// Writes in the build directory `dir` the path of `target`, the output its
/// [`OLD`] will be: while nothing is there again, it is all there is of
/// that output, and no cleaner removes it (see [`holds_a_lone_old`]).
pub(super) fn write_old_target(dir: &Path, target: &Path) -> Result<()> {
    let target = resolved(target)?;
    write_file(&dir.join(OLD_TARGET), target.as_os_str().as_encoded_bytes())
}

/// Whether the build directory `dir` holds an output an export replacing
/// it renamed there, and whose path ([`OLD_TARGET`]) nothing is at: one
/// killed between its renames, or one whose old output could not be put
/// back. An old output whose path is not known is kept too. One whose
/// path something is at again goes, once that is on disk.
pub(super) fn holds_a_lone_old(dir: &Path) -> bool {
    if dir.join(OLD).symlink_metadata().is_err() {
        return false;
    }
    let Some(target) = fs::read(dir.join(OLD_TARGET)).ok().and_then(path_of) else {
        return true;
    };
    target.symlink_metadata().is_err() || sync_dir(&parent_dir(&target)).is_err()
}

/// The path whose [`std::ffi::OsStr::as_encoded_bytes`] are `bytes`.
#[cfg(unix)]
fn path_of(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

/// Elsewhere only a path in UTF-8 is read back; another's old output is
/// kept.
#[cfg(not(unix))]
fn path_of(bytes: Vec<u8>) -> Option<PathBuf> {
    String::from_utf8(bytes).ok().map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn a_version_directory_made_meanwhile_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let object = dir.path().join("object");
        // Another export's, made while this one built its v2.
        fs::create_dir_all(object.join("v2")).unwrap();
        let build = dir.path().join("build");
        fs::create_dir_all(build.join("v2/content")).unwrap();
        let error = move_version_into(&build.join("v2"), &object.join("v2")).unwrap_err();
        assert!(matches!(error, Error::OutputConflict { .. }), "{error}");
        assert_eq!(fs::read_dir(object.join("v2")).unwrap().count(), 0);
        assert!(build.join("v2/content").is_dir());
    }

    #[test]
    fn the_directories_made_above_an_object_are_removed_when_left_empty() {
        let dir = tempfile::tempdir().unwrap();
        let object = dir.path().join("a/b/object");
        let made = make_parents(&object).unwrap();
        assert_eq!(made, [dir.path().join("a"), dir.path().join("a/b")]);
        remove_made(&made);
        assert!(!dir.path().join("a").exists());
        // One that another export put an object in meanwhile stays, and so
        // does what holds it.
        let made = make_parents(&object).unwrap();
        fs::create_dir(dir.path().join("a/b/another")).unwrap();
        remove_made(&made);
        assert!(dir.path().join("a/b/another").is_dir());
        // Only those missing are made.
        assert_eq!(make_parents(&object).unwrap(), Vec::<PathBuf>::new());
    }

    #[test]
    fn an_output_made_meanwhile_is_replaced_only_when_replacing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        fs::write(&target, "another's").unwrap();
        let new = dir.path().join("new");
        fs::create_dir(&new).unwrap();
        let aside = dir.path().join("aside");
        let error = replace(&new, &target, &aside, false).unwrap_err();
        assert!(matches!(error, Error::OutputConflict { .. }), "{error}");
        assert_eq!(fs::read(&target).unwrap(), b"another's");
    }

    #[test]
    fn a_directory_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("old.txt"), "old").unwrap();
        let new = dir.path().join("new");
        fs::create_dir(&new).unwrap();
        fs::write(new.join("new.txt"), "new").unwrap();
        replace(&new, &target, &dir.path().join("aside"), true).unwrap();
        assert!(target.join("new.txt").exists() && !target.join("old.txt").exists());
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "nothing is left beside the target");
    }
}
