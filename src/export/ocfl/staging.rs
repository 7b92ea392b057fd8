//! The build directories an export writes a new object or version in
//! ([`Staging`]): where they may be made ([`staging_places`]), their lock
//! files, and removing those interrupted exports left.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::renames::holds_a_lone_old;
use super::target::resolved;
use crate::error::{Error, IoContext, Result};
use crate::ocfl::Declared;
use crate::output::{TEMP_PREFIX, Temporary, parent_dir, still_named, temporary_error};

/// The suffix of a directory an export builds in.
const STAGING_SUFFIX: &str = ".ocfl";
/// The suffix of its lock file, beside it: the directory's name and `.lock`.
const LOCK_SUFFIX: &str = ".lock";
/// The lock file that earlier corpacks kept inside their build directory.
const INNER_LOCK: &str = "lock";
/// The storage root extension directory builds are made in where they can
/// be made nowhere outside the root (see [`staging_places`]).
const STAGING_EXTENSION: &str = "corpack-staging";

/// A directory builds may be made in.
pub(super) struct Place {
    dir: PathBuf,
    /// The directories an export makes for `dir` when they are missing, and
    /// removes when it leaves them empty, innermost first: a storage root
    /// extension's directory and `extensions` (an empty directory has no
    /// place in a storage root, §4.1 E073).
    made: Vec<PathBuf>,
}

impl Place {
    fn existing(dir: &Path) -> Place {
        Place {
            dir: dir.to_path_buf(),
            made: Vec::new(),
        }
    }

    /// The storage root `root`'s extension directory for builds.
    fn extension_of(root: &Path) -> Place {
        let extensions = root.join(crate::ocfl::EXTENSIONS);
        let dir = extensions.join(STAGING_EXTENSION);
        Place {
            dir: dir.clone(),
            made: vec![dir, extensions],
        }
    }
}

/// A directory to build a new object or version in, `.corpack-XXXXXX.ocfl`,
/// and beside it its lock file, `.corpack-XXXXXX.ocfl.lock`, locked for as
/// long as the export runs. The lock file is made and locked before the
/// directory and removed after it, so that a build directory without one
/// is no running export's: a lock inside the directory would leave it
/// unmarked between its creation and the lock's. Dropped, both are removed;
/// a signal removes them too (not the place's directories it made, which
/// another export may be using).
pub(super) struct Staging {
    dir: PathBuf,
    lock_path: PathBuf,
    /// Held, never read; closed (unlocked) once `drop` removed both.
    _lock: File,
    /// The place's [`Place::made`].
    made: Vec<PathBuf>,
    /// Leave the list of temporary outputs once `drop` removed both.
    _listed: [Temporary; 2],
}

impl Staging {
    /// Makes one in the first of `places` where the export may write: a
    /// place refused (permission denied, a read-only file system) is
    /// passed over for the next.
    pub(super) fn new(places: &[Place]) -> Result<Staging> {
        let mut refused = None;
        for place in places {
            match Staging::new_in(place) {
                Err(error) if is_refusal(&error) => refused = Some(error),
                made => return made,
            }
        }
        Err(refused.expect("there is a place to build: beside the object"))
    }

    /// Makes one in `place`, first removing those interrupted exports left
    /// there.
    fn new_in(place: &Place) -> Result<Staging> {
        let parent = &place.dir;
        remove_stale_staging(parent);
        loop {
            if !place.made.is_empty() {
                fs::create_dir_all(parent).at(parent)?;
            }
            // A signal's clean-up leaves a build holding the only copy of
            // an old object, and its lock file.
            let made = Temporary::make_kept_if(
                || {
                    tempfile::Builder::new()
                        .prefix(TEMP_PREFIX)
                        .suffix(&format!("{STAGING_SUFFIX}{LOCK_SUFFIX}"))
                        .tempfile_in(parent)
                        .map_err(|error| temporary_error(parent, error))?
                        .keep()
                        .map_err(|error| Error::io(parent, error.error))
                },
                |(_, lock_path)| lock_path.clone(),
                |lock_path| holds_a_lone_old(&lock_path.with_extension("")),
            );
            let ((lock, lock_path), lock_listed) = match made {
                // Another export, ending, removed the directory it left
                // empty: make it again.
                Err(Error::Io { error, .. })
                    if error.kind() == io::ErrorKind::NotFound && !place.made.is_empty() =>
                {
                    continue;
                }
                made => made?,
            };
            if let Err(error) = lock.lock() {
                let _ = fs::remove_file(&lock_path);
                return Err(Error::io(&lock_path, error));
            }
            // Another export's cleaning may have taken it between its
            // creation and this lock, and removed it: then make another.
            if !still_named(&lock, &lock_path) {
                continue;
            }
            let dir = lock_path.with_extension("");
            let made_dir = || fs::create_dir(&dir).at(&dir);
            match Temporary::make_kept_if(made_dir, |()| dir.clone(), holds_a_lone_old) {
                Ok(((), dir_listed)) => {
                    return Ok(Staging {
                        dir,
                        lock_path,
                        _lock: lock,
                        made: place.made.clone(),
                        _listed: [lock_listed, dir_listed],
                    });
                }
                // An earlier corpack's build of the same name: take another.
                Err(Error::Io { error, .. }) if error.kind() == io::ErrorKind::AlreadyExists => {
                    let _ = fs::remove_file(&lock_path);
                }
                Err(error) => {
                    let _ = fs::remove_file(&lock_path);
                    return Err(error);
                }
            }
        }
    }

    pub(super) fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // An old output not put back is left with the build, for the next
        // cleaner to keep till something is at its path again.
        if holds_a_lone_old(&self.dir) {
            return;
        }
        // The lock file last, so that the directory is never without it.
        let _ = fs::remove_dir_all(&self.dir);
        let _ = fs::remove_file(&self.lock_path);
        // Only if empty: another export may be building there.
        for dir in &self.made {
            let _ = fs::remove_dir(dir);
        }
    }
}

/// Whether `error` is the file system refusing a write there, rather than
/// failing: another place may do.
fn is_refusal(error: &Error) -> bool {
    matches!(
        error,
        Error::Io { error, .. } if matches!(
            error.kind(),
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
        )
    )
}

/// Removes what interrupted exports (killed, or the power cut) left in
/// `parent`: each lock file no running export holds, with its build
/// directory, and each build directory without a lock file; not one that
/// holds the only copy of an output it replaces ([`holds_a_lone_old`]).
/// Best effort: what cannot be removed is left for the next time.
fn remove_stale_staging(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        let ours = |suffix: &str| name.starts_with(TEMP_PREFIX) && name.ends_with(suffix);
        let taken = if kind.is_file() && ours(&format!("{STAGING_SUFFIX}{LOCK_SUFFIX}")) {
            take_stale_lock(&path).map(|lock| (lock, path))
        } else if kind.is_dir() && ours(STAGING_SUFFIX) {
            claim_unlocked(&path)
        } else {
            None
        };
        if let Some((_lock, lock_path)) = taken {
            let dir = lock_path.with_extension("");
            if holds_a_lone_old(&dir) {
                continue;
            }
            let _ = fs::remove_dir_all(dir);
            let _ = fs::remove_file(&lock_path);
        }
    }
}

/// The lock file at `lock_path`, locked, if no running export holds it.
fn take_stale_lock(lock_path: &Path) -> Option<File> {
    locked(File::open(lock_path).ok()?, lock_path)
}

/// `lock`, opened at `lock_path`, once locked, if it can be and the path
/// still names it (another cleaner may have removed it meanwhile).
fn locked(lock: File, lock_path: &Path) -> Option<File> {
    (lock.try_lock().is_ok() && still_named(&lock, lock_path)).then_some(lock)
}

/// A lock file made and locked for the build directory `dir`, which has
/// none: an export makes the lock file first, so none is making `dir`, and
/// making the lock file (which fails if it exists) claims `dir` against
/// other cleaners. Not if `dir` is an earlier corpack's build, locked
/// inside.
fn claim_unlocked(dir: &Path) -> Option<(File, PathBuf)> {
    if File::open(dir.join(INNER_LOCK)).is_ok_and(|inner| inner.try_lock().is_err()) {
        return None;
    }
    let mut lock_path = dir.as_os_str().to_owned();
    lock_path.push(LOCK_SUFFIX);
    let lock_path = PathBuf::from(lock_path);
    let lock = File::options()
        .write(true)
        .create_new(true)
        .open(&lock_path)
        .ok()?;
    Some((locked(lock, &lock_path)?, lock_path))
}

/// Where builds may be made, best first. A build an interrupted export
/// leaves must break nothing, and the finished build is renamed into
/// place, so it must be on the object's file system. Beside the outermost
/// storage root the object is in, a stray build is in no storage root
/// (OCFL 1.1 §4.1 E072, E073, E088; §4.3 E084). Where that is another file
/// system or cannot be written, the root's storage root extension
/// directory `extensions/corpack-staging` may hold anything (§4.4; an
/// unregistered name is only a warning, W016). Then beside the object,
/// outside it (§3.1 E001) but in the storage hierarchy, until the next
/// export there removes it; last the system's temporary directory, when it
/// is on the object's file system. Beside the object means in the nearest
/// directory above it that exists: those missing are made only when the
/// object is put in place (see `make_parents`), on that directory's file
/// system.
pub(super) fn staging_places(object: &Path) -> Result<Vec<Place>> {
    let path = resolved(object)?;
    let beside = existing_dir(&parent_dir(&path));
    let root = beside
        .ancestors()
        .filter(|dir| crate::ocfl::declared(dir) == Some(Declared::StorageRoot))
        .last();
    let mut places = Vec::new();
    if let Some(root) = root {
        if let Some(outside) = root.parent()
            && same_file_system(outside, &beside)
        {
            places.push(Place::existing(outside));
        }
        if same_file_system(root, &beside) {
            places.push(Place::extension_of(root));
        }
    }
    places.push(Place::existing(&beside));
    let temp = std::env::temp_dir();
    if temp != beside && same_file_system(&temp, &beside) {
        places.push(Place::existing(&temp));
    }
    Ok(places)
}

/// `dir`, or the nearest directory above it that exists.
fn existing_dir(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|dir| !is_missing(dir))
        .unwrap_or(dir)
        .to_path_buf()
}

/// Whether nothing is at `path`: not a path that cannot be looked at.
pub(super) fn is_missing(path: &Path) -> bool {
    matches!(path.symlink_metadata(), Err(error) if error.kind() == io::ErrorKind::NotFound)
}

#[cfg(unix)]
fn same_file_system(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (a.metadata(), b.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev(),
        _ => false,
    }
}

/// Without a device number to compare, the build stays beside the object.
#[cfg(not(unix))]
fn same_file_system(_: &Path, _: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::ocfl::renames::{OLD, write_old_target};

    #[test]
    fn builds_are_made_outside_storage_roots() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().canonicalize().unwrap();
        let root = outside.join("root");
        fs::create_dir_all(root.join("ab")).unwrap();
        let object = root.join("ab/object");
        let dirs = |object: &Path| -> Vec<PathBuf> {
            let places = staging_places(object).unwrap();
            // The system's temporary directory comes last, when it is on
            // the same file system.
            let temp = std::env::temp_dir();
            assert_eq!(
                places.last().unwrap().dir == temp,
                same_file_system(&temp, &outside)
            );
            (places.into_iter().map(|place| place.dir))
                .filter(|dir| *dir != temp)
                .collect()
        };
        assert_eq!(dirs(&object), [root.join("ab")]);
        // Where directories above the object are missing, in the nearest
        // that exists.
        let deeper = root.join("cd/ef/object");
        assert_eq!(dirs(&deeper), std::slice::from_ref(&root));
        fs::write(root.join("0=ocfl_1.1"), "ocfl_1.1\n").unwrap();
        let extension = root.join("extensions/corpack-staging");
        assert_eq!(
            dirs(&object),
            [outside.clone(), extension.clone(), root.join("ab")]
        );
        assert_eq!(
            dirs(&deeper),
            [outside.clone(), extension.clone(), root.clone()]
        );
        assert_eq!(dirs(&root.join("top")), [outside, extension, root]);
    }

    #[test]
    fn a_build_in_a_storage_root_extension_leaves_no_directory() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        fs::create_dir(&root).unwrap();
        let staging = Staging::new_in(&Place::extension_of(&root)).unwrap();
        assert!(
            staging
                .path()
                .starts_with(root.join("extensions/corpack-staging"))
        );
        let second = Staging::new_in(&Place::extension_of(&root)).unwrap();
        drop(staging);
        assert!(second.path().is_dir());
        drop(second);
        assert_eq!(fs::read_dir(&root).unwrap().count(), 0);
        // Another extension's directory stays, and so does `extensions`.
        fs::create_dir_all(root.join("extensions/0000-other")).unwrap();
        drop(Staging::new_in(&Place::extension_of(&root)).unwrap());
        assert!(root.join("extensions/0000-other").is_dir());
        assert!(!root.join("extensions/corpack-staging").exists());
    }

    #[test]
    fn builds_interrupted_exports_left_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        // Killed while building: the directory and its lock, unlocked.
        fs::create_dir_all(at(".corpack-killed.ocfl/v2/content")).unwrap();
        fs::write(at(".corpack-killed.ocfl.lock"), "").unwrap();
        // Killed before making its directory: the lock alone.
        fs::write(at(".corpack-early1.ocfl.lock"), "").unwrap();
        // A directory without a lock file, as earlier corpacks left one when
        // killed between making it and making the lock inside.
        fs::create_dir_all(at(".corpack-nolock.ocfl/object/v1")).unwrap();
        // Running: its lock is held.
        fs::create_dir(at(".corpack-running.ocfl")).unwrap();
        let held = File::create(at(".corpack-running.ocfl.lock")).unwrap();
        held.lock().unwrap();
        // Earlier corpacks' builds, running (the lock inside is held) and killed.
        fs::create_dir(at(".corpack-older1.ocfl")).unwrap();
        let older = File::create(at(".corpack-older1.ocfl/lock")).unwrap();
        older.lock().unwrap();
        fs::create_dir(at(".corpack-older2.ocfl")).unwrap();
        fs::write(at(".corpack-older2.ocfl/lock"), "").unwrap();
        fs::create_dir(at(".corpack-other")).unwrap();
        let staging = Staging::new_in(&Place::existing(dir.path())).unwrap();
        let made = staging.path().to_path_buf();
        let mut lock = made.clone().into_os_string();
        lock.push(".lock");
        let lock = PathBuf::from(lock);
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| !made.ends_with(name) && !lock.ends_with(name))
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ".corpack-older1.ocfl",
                ".corpack-other",
                ".corpack-running.ocfl",
                ".corpack-running.ocfl.lock"
            ]
        );
        // The new build is locked, so another export's cleaning keeps it.
        assert!(File::open(&lock).unwrap().try_lock().is_err());
        remove_stale_staging(dir.path());
        assert!(made.is_dir() && lock.is_file());
        drop(staging);
        assert!(!made.exists() && !lock.exists());
    }

    #[test]
    fn an_old_output_a_killed_replace_left_stays_while_its_target_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        let target = at("out");
        // Killed between the renames of a --force replace: the old output
        // is in the build, nothing at its target.
        fs::create_dir_all(at(".corpack-killed.ocfl/old")).unwrap();
        fs::write(at(".corpack-killed.ocfl/old/kept"), "old").unwrap();
        write_old_target(&at(".corpack-killed.ocfl"), &target).unwrap();
        fs::write(at(".corpack-killed.ocfl.lock"), "").unwrap();
        remove_stale_staging(dir.path());
        assert_eq!(
            fs::read(at(".corpack-killed.ocfl/old/kept")).unwrap(),
            b"old"
        );
        // Once something is at its target again, it goes.
        fs::create_dir(&target).unwrap();
        remove_stale_staging(dir.path());
        assert!(!at(".corpack-killed.ocfl").exists());
        assert!(!at(".corpack-killed.ocfl.lock").exists());
    }

    #[test]
    fn an_old_output_not_put_back_stays_with_its_build() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let staging = Staging::new_in(&Place::existing(dir.path())).unwrap();
        let build = staging.path().to_path_buf();
        write_old_target(&build, &target).unwrap();
        fs::write(build.join(OLD), "the only copy").unwrap();
        drop(staging);
        assert_eq!(fs::read(build.join(OLD)).unwrap(), b"the only copy");
        // Another export's cleaning keeps it too, and takes it once
        // something is at its path again.
        remove_stale_staging(dir.path());
        assert!(build.join(OLD).exists());
        fs::write(&target, "new").unwrap();
        remove_stale_staging(dir.path());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
