//! Directory outputs: a new directory written into a locked temporary
//! directory beside its target and put in its place ([`AtomicDir`]), and new
//! files for a directory that exists, written into a temporary directory
//! inside it and moved into place together ([`AtomicFiles`]).

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::lock::{DirLock, lock_dir};
use super::moves::Moves;
use super::replace::{put_dir_in_place, rename_noreplace, reserve_aside};
use super::stale::remove_stale;
use super::sync::{TreeSync, sync_dir};
use super::temporaries::{Temporary, uninterrupted};
use super::{
    TEMP_PREFIX, TEMP_SUFFIX, named_in_place, parent_dir, refuse_special_file, temporary_error,
};
use crate::error::{Error, IoContext, Result};

/// An output directory being written. Dropped without
/// [`AtomicDir::commit`], its temporary directory is removed and the target
/// is untouched.
pub struct AtomicDir {
    temp: TempDir,
    /// Held while the temporary directory is written (see [`lock_dir`]).
    _lock: DirLock,
    target: PathBuf,
    overwrite: bool,
    /// Flushes the directory to disk before it is put in place.
    tree_sync: TreeSync,
    /// Leaves the list after `temp` is removed.
    _listed: Temporary,
    /// What interrupted runs left beside it, removed.
    removed_stale: Vec<PathBuf>,
}

impl AtomicDir {
    /// Starts writing the directory `target`. Fails at once if it exists
    /// and `overwrite` is false.
    pub fn create(target: &Path, overwrite: bool) -> Result<AtomicDir> {
        refuse_special_file(target)?;
        if !overwrite && target.symlink_metadata().is_ok() {
            return Err(Error::OutputExists(target.to_path_buf()));
        }
        let dir = parent_dir(target);
        AtomicDir::make_in(dir, target, overwrite)
    }

    /// Makes the temporary directory for `target` in `dir`, after removing
    /// those interrupted runs left there.
    fn make_in(dir: PathBuf, target: &Path, overwrite: bool) -> Result<AtomicDir> {
        let removed_stale = remove_stale(&dir);
        let (temp, lock, listed) = loop {
            let (temp, listed) =
                Temporary::make(|| make_temp_dir(&dir), |temp| temp.path().to_path_buf())?;
            if let Some((temp, lock)) = lock_temp_dir(temp)? {
                break (temp, lock, listed);
            }
        };
        // Before anything is written in it.
        let tree_sync = TreeSync::begin(temp.path());
        Ok(AtomicDir {
            temp,
            _lock: lock,
            target: target.to_path_buf(),
            overwrite,
            tree_sync,
            _listed: listed,
            removed_stale,
        })
    }

    /// The temporary directory to write into.
    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    /// Temporary files and directories of interrupted runs that were
    /// removed from beside it.
    pub fn removed_stale(&self) -> &[PathBuf] {
        &self.removed_stale
    }

    /// `error`, met writing in the temporary directory, naming the place
    /// its file would have had in the target: the temporary name means
    /// nothing to the user, and is gone once the run has failed.
    pub fn in_place(&self, error: Error) -> Error {
        named_in_place(error, self.temp.path(), &self.target)
    }

    /// Moves the complete directory into place, once all it holds is on
    /// disk. An existing target (only with `overwrite`) is swapped with it
    /// in one step where the file system can, else first renamed aside,
    /// and removed once the new one is in place and their directory
    /// synced, so the target is never half-written, nor left aside by an
    /// interruption; what another program makes at the target meanwhile
    /// is left as it is ([`Error::OutputConflict`]).
    pub fn commit(mut self) -> Result<()> {
        let tree_sync = std::mem::take(&mut self.tree_sync);
        self.commit_by(&|root| tree_sync.sync(root))
    }

    /// [`AtomicDir::commit`], syncing the directory with `sync_tree`: its
    /// [`TreeSync`], but for tests.
    fn commit_by(self, sync_tree: &dyn Fn(&Path) -> Result<()>) -> Result<()> {
        // Without it, the rename could reach the disk before what the
        // directory holds: a power cut would leave a target of empty or
        // short files.
        sync_tree(self.temp.path()).map_err(|e| at_target(e, self.temp.path(), &self.target))?;
        // The lock and the listing go once the renames are done: leaving the
        // list while it is held would wait for ever.
        let AtomicDir {
            temp,
            _lock,
            target,
            overwrite,
            _listed,
            ..
        } = self;
        // Once it is the target, dropping it must not remove it; should it
        // not get there, put_dir_in_place removes it.
        let new = temp.keep();
        uninterrupted(|| put_dir_in_place(&new, &target, overwrite, || reserve_aside(&target)))
    }
}

/// New files for an existing directory, written into a temporary directory
/// inside it (so on the same file system) and moved into place together,
/// all or none, by [`AtomicFiles::commit`]. Dropped without it, the
/// temporary directory is removed and the directory is untouched.
pub struct AtomicFiles {
    staging: AtomicDir,
}

impl AtomicFiles {
    /// Starts writing files into the existing directory `target`. Removes
    /// the temporary files and directories interrupted runs left in it.
    pub fn create(target: &Path) -> Result<AtomicFiles> {
        let staging = AtomicDir::make_in(target.to_path_buf(), target, false)?;
        Ok(AtomicFiles { staging })
    }

    /// The temporary directory to write into.
    pub fn path(&self) -> &Path {
        self.staging.path()
    }

    /// Temporary files and directories of interrupted runs that were
    /// removed from the target.
    pub fn removed_stale(&self) -> &[PathBuf] {
        self.staging.removed_stale()
    }

    /// Removes what interrupted runs left in the directories below the
    /// target that `files` (paths under it) are in, as
    /// [`AtomicFiles::create`] does in the target itself: a commit cut
    /// short leaves the old files it set aside beside their places, in
    /// those directories. Best effort, and the same rules: only corpack's
    /// names, none another run holds, and an old file only once something
    /// is at its place again. Gives what it removed.
    pub fn remove_stale_beside<'f>(
        &self,
        files: impl IntoIterator<Item = &'f str>,
    ) -> Vec<PathBuf> {
        let dirs: BTreeSet<&Path> = (files.into_iter())
            .filter_map(|file| Path::new(file).parent())
            .filter(|dir| !dir.as_os_str().is_empty())
            .collect();
        (dirs.into_iter())
            .flat_map(|dir| remove_stale(&self.staging.target.join(dir)))
            .collect()
    }

    /// Moves each of `files`, paths under [`AtomicFiles::path`], in order,
    /// to the same path under the target, making the directories it needs,
    /// with no interruption between them: a signal's clean-up finds either
    /// none moved or all. What is at a file's place is replaced only if
    /// `replace` (and never a directory); else, made there since it was
    /// found absent, it stays and nothing is moved ([`Error::OutputConflict`]).
    /// All or nothing: a move that fails undoes those before it, the files
    /// moved removed, those they replaced put back and the directories made
    /// for them removed, and the error names the file that failed. Put last
    /// the file that makes the others count, as a power cut may still leave
    /// only those before it. The files are on disk before they move, and the
    /// moves once they are made.
    pub fn commit(mut self, files: &[&str], replace: bool) -> Result<()> {
        let tree_sync = std::mem::take(&mut self.staging.tree_sync);
        let sync_tree = |root: &Path| tree_sync.sync(root);
        self.commit_by(files, replace, &rename_noreplace, &sync_tree, &sync_dir)
    }

    /// [`AtomicFiles::commit`], moving each file into place with
    /// `move_in`, [`rename_noreplace`], and syncing with `sync_tree`, its
    /// [`TreeSync`], and [`sync_dir`], but for tests.
    fn commit_by(
        self,
        files: &[&str],
        replace: bool,
        move_in: &dyn Fn(&Path, &Path) -> io::Result<()>,
        sync_tree: &dyn Fn(&Path) -> Result<()>,
        sync_dir: &dyn Fn(&Path) -> Result<()>,
    ) -> Result<()> {
        let AtomicDir {
            temp,
            _lock,
            target,
            _listed,
            ..
        } = self.staging;
        sync_tree(temp.path()).map_err(|e| at_target(e, temp.path(), &target))?;
        let mut moves = Moves::new(&target, replace);
        let moved: Result<()> = uninterrupted(|| {
            for file in files {
                if let Err(error) = moves.move_in(&temp.path().join(file), file, move_in) {
                    return Err(moves.undo(error));
                }
            }
            Ok(())
        });
        // With what was not moved, before the lock and the listing go.
        drop(temp);
        moved?;
        moves.sync(sync_dir)?;
        moves.remove_replaced();
        Ok(())
    }
}

/// `error`, if about a path under the temporary directory `temp`, made
/// about the same path under `target`, the one asked for: a write error
/// that a sync reports is the output's.
fn at_target(error: Error, temp: &Path, target: &Path) -> Error {
    match error {
        Error::Io { path, error } => match path.strip_prefix(temp) {
            Ok(under) if under.as_os_str().is_empty() => Error::io(target, error),
            Ok(under) => Error::io(target.join(under), error),
            Err(_) => Error::io(path, error),
        },
        other => other,
    }
}

/// A new temporary directory in `dir`, not yet locked.
pub(super) fn make_temp_dir(dir: &Path) -> Result<TempDir> {
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempdir_in(dir)
        .map_err(|error| temporary_error(dir, error))
}

/// The temporary directory `temp` with its lock taken; `None` if another
/// run's cleaner removed it after it was made, before it could be locked.
fn lock_temp_dir(temp: TempDir) -> Result<Option<(TempDir, DirLock)>> {
    match lock_dir(temp.path()).at(temp.path())? {
        Some(lock) => Ok(Some((temp, lock))),
        None => {
            // The name is no longer this run's: whatever it may name now
            // is left alone.
            let _ = temp.keep();
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs::{self, File};
    use std::io;

    use super::super::sync::sync_tree;
    use super::*;
    use crate::output::testutil::names;

    #[test]
    fn a_directory_appears_whole_and_replaces_only_with_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        {
            let out = AtomicDir::create(&target, false).unwrap();
            std::fs::write(out.path().join("half"), b"x").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let out = AtomicDir::create(&target, false).unwrap();
        std::fs::write(out.path().join("a"), b"1").unwrap();
        out.commit().unwrap();
        assert!(matches!(
            AtomicDir::create(&target, false),
            Err(Error::OutputExists(_))
        ));
        let out = AtomicDir::create(&target, true).unwrap();
        std::fs::write(out.path().join("b"), b"2").unwrap();
        out.commit().unwrap();
        let names: Vec<_> = std::fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["b"]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn files_move_into_an_existing_directory_together_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("kept"), b"mine").unwrap();
        fs::write(dir.path().join("a"), b"old").unwrap();
        {
            let out = AtomicFiles::create(dir.path()).unwrap();
            fs::write(out.path().join("half"), b"x").unwrap();
        }
        assert_eq!(names(dir.path()), ["a", "kept"]);
        let out = AtomicFiles::create(dir.path()).unwrap();
        fs::create_dir(out.path().join("sub")).unwrap();
        fs::write(out.path().join("sub/b"), b"new").unwrap();
        fs::write(out.path().join("a"), b"new").unwrap();
        fs::write(out.path().join("left"), b"not listed").unwrap();
        out.commit(&["sub/b", "a"], true).unwrap();
        assert_eq!(names(dir.path()), ["a", "kept", "sub"]);
        assert_eq!(fs::read(dir.path().join("a")).unwrap(), b"new");
        assert_eq!(fs::read(dir.path().join("sub/b")).unwrap(), b"new");
        assert_eq!(fs::read(dir.path().join("kept")).unwrap(), b"mine");
    }

    /// Stages `files` (path, bytes) for `dir`.
    fn staged(dir: &Path, files: &[(&str, &[u8])]) -> AtomicFiles {
        let out = AtomicFiles::create(dir).unwrap();
        for (file, bytes) in files {
            let path = out.path().join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
        out
    }

    #[cfg(unix)]
    #[test]
    fn old_files_set_aside_in_the_directories_of_the_files_go_once_back() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        for (name, text) in [
            ("sub/deeper/a.txt", "new a"),
            ("sub/deeper/.corpack-abc123-a.txt.old", "old a"),
            ("sub/deeper/.corpack-abc124-gone.old", "all there is of it"),
            ("sub/deeper/.corpack-abc125-busy.old", "being set aside"),
            ("sub/deeper/busy", "new busy"),
            ("sub/.corpack-abc126-b.txt.old", "old b"),
            ("sub/b.txt", "new b"),
            ("elsewhere/.corpack-abc127-c.old", "old c"),
            ("elsewhere/c", "new c"),
        ] {
            fs::create_dir_all(at(name).parent().unwrap()).unwrap();
            fs::write(at(name), text).unwrap();
        }
        let running = fs::File::open(at("sub/deeper/.corpack-abc125-busy.old")).unwrap();
        running.lock().unwrap();
        let out = AtomicFiles::create(dir.path()).unwrap();
        out.remove_stale_beside(["sub/deeper/a.txt", "sub/deeper/other", "sub/b.txt", "top"]);
        assert_eq!(
            names(&at("sub/deeper")),
            [
                ".corpack-abc124-gone.old",
                ".corpack-abc125-busy.old",
                "a.txt",
                "busy"
            ]
        );
        assert_eq!(names(&at("sub")), ["b.txt", "deeper"]);
        // Not the directory of a file the import puts in place.
        assert_eq!(names(&at("elsewhere")), [".corpack-abc127-c.old", "c"]);
        drop(running);
    }

    #[test]
    fn a_file_made_at_its_place_meanwhile_stays_and_none_move() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("kept"), b"mine").unwrap();
        let out = staged(dir.path(), &[("sub/a", b"1"), ("b", b"2"), ("c", b"3")]);
        // After the import found no b, as the moves begin.
        let made_meanwhile = |temp: &Path| {
            fs::write(dir.path().join("b"), b"theirs").unwrap();
            sync_tree(temp)
        };
        let files = ["sub/a", "b", "c"];
        let error = out
            .commit_by(&files, false, &rename_noreplace, &made_meanwhile, &sync_dir)
            .unwrap_err();
        assert!(matches!(error, Error::OutputConflict { .. }), "{error:?}");
        assert_eq!(error.path(), Some(dir.path().join("b").as_path()));
        assert_eq!(names(dir.path()), ["b", "kept"]);
        assert_eq!(fs::read(dir.path().join("b")).unwrap(), b"theirs");
    }

    #[test]
    fn a_failed_move_undoes_those_before_it() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a"), b"old").unwrap();
        fs::write(dir.path().join("kept"), b"mine").unwrap();
        let out = staged(dir.path(), &[("a", b"new"), ("sub/b", b"2"), ("c", b"3")]);
        let no_room_for_c = |from: &Path, to: &Path| {
            if to.ends_with("c") {
                return Err(io::Error::other("no room"));
            }
            rename_noreplace(from, to)
        };
        let files = ["a", "sub/b", "c"];
        let error = out
            .commit_by(&files, true, &no_room_for_c, &sync_tree, &sync_dir)
            .unwrap_err();
        assert_eq!(error.path(), Some(dir.path().join("c").as_path()));
        assert!(error.to_string().contains("no room"), "{error}");
        assert_eq!(names(dir.path()), ["a", "kept"]);
        assert_eq!(fs::read(dir.path().join("a")).unwrap(), b"old");
    }

    #[test]
    fn a_file_that_cannot_be_synced_is_an_error_about_its_place() {
        let dir = tempfile::tempdir().unwrap();
        let out = staged(dir.path(), &[("sub/a", b"1")]);
        let failing = |temp: &Path| Err(Error::io(temp.join("sub/a"), io::Error::other("no sync")));
        let error = out
            .commit_by(&["sub/a"], false, &rename_noreplace, &failing, &sync_dir)
            .unwrap_err();
        assert_eq!(error.path(), Some(dir.path().join("sub/a").as_path()));
        assert_eq!(names(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn an_old_file_not_put_back_is_named_in_the_error_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a"), b"old").unwrap();
        let out = staged(dir.path(), &[("a", b"new"), ("b", b"2")]);
        // Another program puts a directory at a before b's move fails.
        let a_taken = |from: &Path, to: &Path| {
            if to.ends_with("b") {
                fs::remove_file(dir.path().join("a")).unwrap();
                fs::create_dir_all(dir.path().join("a/theirs")).unwrap();
                return Err(io::Error::other("no room"));
            }
            rename_noreplace(from, to)
        };
        let error = out
            .commit_by(&["a", "b"], true, &a_taken, &sync_tree, &sync_dir)
            .unwrap_err();
        assert_eq!(error.path(), Some(dir.path().join("a").as_path()));
        let aside: Vec<String> = (names(dir.path()).into_iter())
            .filter(|name| name.ends_with("-a.old"))
            .collect();
        assert_eq!(aside.len(), 1, "{aside:?}");
        let aside = dir.path().join(&aside[0]);
        assert_eq!(fs::read(&aside).unwrap(), b"old");
        let said = error.to_string();
        assert!(said.contains(&aside.display().to_string()), "{said}");
        assert!(said.contains("no room"), "{said}");
    }

    #[test]
    fn a_directory_is_synced_whole_before_it_is_renamed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let out = AtomicDir::create(&target, false).unwrap();
        fs::write(out.path().join("a"), b"1").unwrap();
        let temp = out.path().to_path_buf();
        let synced = std::cell::RefCell::new(Vec::new());
        let sync = |path: &Path| {
            assert!(!target.exists(), "synced before the rename");
            synced.borrow_mut().push(path.to_path_buf());
            sync_tree(path)
        };
        out.commit_by(&sync).unwrap();
        assert_eq!(synced.take(), [temp]);
        assert_eq!(fs::read(target.join("a")).unwrap(), b"1");

        // Not on disk, it does not go in place.
        let out = AtomicDir::create(&target, true).unwrap();
        fs::write(out.path().join("b"), b"2").unwrap();
        let failing = |path: &Path| Err(Error::io(path.join("b"), io::Error::other("no sync")));
        let error = out.commit_by(&failing).unwrap_err();
        assert!(error.to_string().contains("no sync"), "{error}");
        // About the output, not its temporary name.
        assert_eq!(error.path(), Some(target.join("b").as_path()));
        assert_eq!(names(dir.path()), ["out"]);
        assert_eq!(names(&target), ["a"]);
    }

    #[test]
    fn files_are_on_disk_before_they_move_and_their_moves_after() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("c");
        fs::create_dir_all(target.join("old")).unwrap();
        let out = AtomicFiles::create(&target).unwrap();
        fs::create_dir_all(out.path().join("new/deeper")).unwrap();
        fs::create_dir_all(out.path().join("old")).unwrap();
        fs::write(out.path().join("new/deeper/a"), b"1").unwrap();
        fs::write(out.path().join("old/b"), b"2").unwrap();
        fs::write(out.path().join("collection.toml"), b"3").unwrap();
        let temp = out.path().to_path_buf();
        let trees = std::cell::RefCell::new(Vec::new());
        let dirs = std::cell::RefCell::new(Vec::new());
        let sync_tree = |path: &Path| {
            assert!(
                !target.join("collection.toml").exists(),
                "synced after a move"
            );
            trees.borrow_mut().push(path.to_path_buf());
            Ok(())
        };
        let sync_dir = |path: &Path| {
            assert!(
                target.join("collection.toml").exists(),
                "synced before the moves"
            );
            dirs.borrow_mut()
                .push(path.strip_prefix(&target).unwrap().to_path_buf());
            Ok(())
        };
        let files = ["new/deeper/a", "old/b", "collection.toml"];
        out.commit_by(&files, false, &rename_noreplace, &sync_tree, &sync_dir)
            .unwrap();
        assert_eq!(trees.take(), [temp]);
        let dirs: Vec<String> = dirs
            .take()
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        assert_eq!(dirs, ["", "new", "new/deeper", "old"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_temporary_directory_removed_before_its_lock_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        // Another run's cleaner comes between the making and the lock.
        let temp = make_temp_dir(dir.path()).unwrap();
        assert_eq!(remove_stale(dir.path()), [temp.path()]);
        assert!(lock_temp_dir(temp).unwrap().is_none());
        // Or it holds the lock, removing the directory, when the lock is
        // wanted: the lock waits for it, then finds the directory gone.
        let temp = make_temp_dir(dir.path()).unwrap();
        let cleaner = File::open(temp.path()).unwrap();
        cleaner.lock().unwrap();
        let path = temp.path().to_path_buf();
        let locking = std::thread::spawn(move || lock_temp_dir(temp).unwrap().is_none());
        fs::remove_dir(&path).unwrap();
        drop(cleaner);
        assert!(locking.join().unwrap());
        // What create gives is there and locked: a cleaner leaves it alone.
        let out = AtomicDir::create(&dir.path().join("out"), false).unwrap();
        assert!(out.path().is_dir());
        assert_eq!(remove_stale(dir.path()), Vec::<PathBuf>::new());
        assert!(out.path().is_dir());
    }
}
