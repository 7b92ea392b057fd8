//! The moves of [`AtomicFiles::commit`](super::AtomicFiles::commit) into
//! an existing directory, all or none: each step is recorded, to be undone
//! if a later move fails.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::replace::{Old, appeared_meanwhile, lock_old, rename_noreplace, reserve_aside};
use super::{parent_dir, refuse_non_file};
use crate::error::{Error, IoContext, Result};

/// The moves into `target`, each step recorded
/// to be undone.
pub(super) struct Moves<'a> {
    target: &'a Path,
    replace: bool,
    done: Vec<Step>,
}

/// A step of [`Moves`].
enum Step {
    /// A directory made for a file.
    MadeDir(PathBuf),
    /// What was at a file's place, set aside; the file did not get there.
    SetAside(Aside),
    /// A file moved into place, what was there set aside.
    Replaced(Aside),
    /// A file moved to a place where nothing was.
    Added(PathBuf),
}

/// What was at `place`, renamed to `aside`, locked till it is removed or
/// put back so that no cleaner removes it.
struct Aside {
    place: PathBuf,
    aside: PathBuf,
    _old: Old,
}

impl<'a> Moves<'a> {
    /// Moves into `target`, replacing what is at a file's place if
    /// `replace`.
    pub(super) fn new(target: &'a Path, replace: bool) -> Moves<'a> {
        Moves {
            target,
            replace,
            done: Vec::new(),
        }
    }

    /// Moves `from` to `file` under the target with `move_in`, making its
    /// directories and, if replacing, setting aside what is there.
    pub(super) fn move_in(
        &mut self,
        from: &Path,
        file: &str,
        move_in: &dyn Fn(&Path, &Path) -> io::Result<()>,
    ) -> Result<()> {
        let to = self.target.join(file);
        self.make_dirs(to.parent().expect("a path under the target"))?;
        let set_aside = if self.replace { set_aside(&to)? } else { None };
        let moved = move_in(from, &to);
        match (set_aside, moved) {
            (Some(aside), Ok(())) => self.done.push(Step::Replaced(aside)),
            (None, Ok(())) => self.done.push(Step::Added(to)),
            (set_aside, Err(error)) => {
                self.done.extend(set_aside.map(Step::SetAside));
                if error.kind() == io::ErrorKind::AlreadyExists {
                    return Err(appeared_meanwhile(&to));
                }
                return Err(Error::io(&to, error));
            }
        }
        Ok(())
    }

    /// Makes `dir` and the directories above it, up to the target, that are
    /// missing.
    fn make_dirs(&mut self, dir: &Path) -> Result<()> {
        let missing: Vec<&Path> = (dir.ancestors())
            .take_while(|d| *d != self.target && d.symlink_metadata().is_err())
            .collect();
        for dir in missing.into_iter().rev() {
            match fs::create_dir(dir) {
                Ok(()) => self.done.push(Step::MadeDir(dir.to_path_buf())),
                // Made meanwhile by another: not this run's to remove.
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(error) => return Err(Error::io(dir, error)),
            }
        }
        Ok(())
    }

    /// Undoes every step, last first, after `error`; returns the error, or
    /// one about what could not be undone, which names it.
    pub(super) fn undo(&mut self, error: Error) -> Error {
        let mut not_undone = Vec::new();
        for step in self.done.drain(..).rev() {
            match step {
                Step::Added(place) => {
                    if let Err(e) = fs::remove_file(&place) {
                        not_undone.push((place, format!("could not be removed ({e})")));
                    }
                }
                // The new file is replaced by the old in one step: the place
                // is never empty, for a cleaner to remove the old one.
                Step::Replaced(old) => not_undone.extend(old.put_back(|a, b| fs::rename(a, b))),
                Step::SetAside(old) => not_undone.extend(old.put_back(rename_noreplace)),
                // One that another program put something in meanwhile stays.
                Step::MadeDir(dir) => {
                    let _ = fs::remove_dir(dir);
                }
            }
        }
        let mut not_undone = not_undone.into_iter();
        let Some((first, mut message)) = not_undone.next() else {
            return error;
        };
        for (path, what) in not_undone {
            message.push_str(&format!("; {}: {what}", path.display()));
        }
        message.push_str(&format!(
            "; the moves into place were undone, as far as they could be, after an error: {error}"
        ));
        Error::io(first, io::Error::other(message))
    }

    /// Makes the moves durable: syncs each directory with `sync_dir`.
    pub(super) fn sync(&self, sync_dir: &dyn Fn(&Path) -> Result<()>) -> Result<()> {
        let mut changed = BTreeSet::new();
        for step in &self.done {
            let path = match step {
                Step::MadeDir(path) | Step::Added(path) => path,
                Step::SetAside(old) | Step::Replaced(old) => &old.place,
            };
            changed.insert(parent_dir(path));
        }
        changed.iter().try_for_each(|dir| sync_dir(dir))
    }

    /// Removes what the files replaced, set aside, once their moves are
    /// durable. Each is in place: one that cannot be removed is a stale
    /// temporary, which the next run beside removes.
    pub(super) fn remove_replaced(self) {
        for step in self.done {
            if let Step::Replaced(old) = step {
                let _ = fs::remove_file(old.aside);
            }
        }
    }
}

/// What is at `place`, renamed aside; `None` if nothing is. A directory
/// is refused: a file is not put in place of one.
fn set_aside(place: &Path) -> Result<Option<Aside>> {
    let Some(old) = lock_old(place)? else {
        return Ok(None);
    };
    if old.is_dir {
        refuse_non_file(place)?;
    }
    let aside = reserve_aside(place)?;
    rename_noreplace(place, &aside).at(place)?;
    Ok(Some(Aside {
        place: place.to_path_buf(),
        aside,
        _old: old,
    }))
}

impl Aside {
    /// Renames it back to its place with `rename`; else its place and why
    /// it is not there.
    fn put_back(
        self,
        rename: impl Fn(&Path, &Path) -> io::Result<()>,
    ) -> Option<(PathBuf, String)> {
        let error = rename(&self.aside, &self.place).err()?;
        let what = format!(
            "the old one could not be put back ({error}) and is now at {}",
            self.aside.display()
        );
        Some((self.place, what))
    }
}
