//! Writing outputs atomically: into a temporary file (or directory) beside
//! the target, renamed into place only when complete. A target another
//! program makes after corpack found none there is left as it is
//! ([`Error::OutputConflict`]).
//!
//! A temporary file is named `.corpack-XXXXXX.tmp` ([`TEMP_PREFIX`],
//! [`TEMP_SUFFIX`]) and holds an exclusive lock (`flock` on Unix,
//! `LockFileEx` on Windows) for as long as it is written. A run killed
//! before its rename (`SIGKILL`, a power cut) leaves its temporary file,
//! unlocked: the next run into the same directory removes every such file
//! whose lock it can take, and never one that another corpack still
//! writes. A failed run removes its own at once. A temporary directory has
//! the same name and, on Unix, the same lock, taken on the directory
//! itself, and the next output beside it, a file or a directory, removes
//! it likewise.
//! New files for a directory that exists are written into such a
//! temporary directory inside it, then moved into place together
//! ([`AtomicFiles`]). Another run may remove a new temporary file or directory before its
//! lock is taken: the lock is taken before anything is written, and the
//! file or directory is made anew if its name no longer names it.
//!
//! An old target that a directory output replaces is locked the same way
//! until it is removed. Where the file system can, the new one is swapped
//! in for it in one step, and it is removed from the new one's temporary
//! name (one an interruption leaves there is a stale temporary output).
//! Elsewhere it is renamed aside first, to `.corpack-XXXXXX-<target>.old`
//! ([`ASIDE_SUFFIX`]; for a target's name that is not UTF-8 or too long
//! for that, `.corpack-XXXXXX=<the first 32 hexadecimal digits of its
//! SHA-256>.old`). One that an interruption left aside is removed
//! likewise, once something is at its target again: never while it is all
//! there is of its target.
//!
//! The output gets the permissions an ordinary new file would (`0666`
//! less the umask). It is synced before it is renamed, a directory with
//! all it holds, and the rename is made durable by syncing the directory
//! it is in.
//!
//! Every temporary output being written, these and the OCFL export's build
//! directory, is on a list, so that a run interrupted by a signal removes
//! them before it exits ([`remove_temporaries`]).

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use tempfile::{NamedTempFile, TempDir};

use crate::error::{Error, IoContext, Result};

/// The prefix of corpack's temporary files, so they can be recognised.
pub const TEMP_PREFIX: &str = ".corpack-";
/// The suffix of corpack's temporary files.
pub const TEMP_SUFFIX: &str = ".tmp";
/// The suffix of an old target renamed aside to be replaced:
/// `.corpack-XXXXXX-<target's name>.old`.
pub const ASIDE_SUFFIX: &str = ".old";
/// The length of the random part of corpack's temporary names.
const RANDOM_LEN: usize = 6;

/// An output file being written. Dropped without [`AtomicFile::commit`],
/// its temporary file is removed and the target is untouched.
pub struct AtomicFile {
    temp: NamedTempFile,
    target: PathBuf,
    dir: PathBuf,
    overwrite: bool,
    removed_stale: Vec<PathBuf>,
    /// Leaves the list after `temp` is removed: fields drop in order.
    _listed: Temporary,
}

impl AtomicFile {
    /// Starts writing `target`. Fails at once if it exists and `overwrite`
    /// is false, before any work is done. Removes the temporary files
    /// interrupted runs left in the target's directory.
    pub fn create(target: &Path, overwrite: bool) -> Result<AtomicFile> {
        refuse_directory(target)?;
        if !overwrite && target.symlink_metadata().is_ok() {
            return Err(Error::OutputExists(target.to_path_buf()));
        }
        let dir = parent_dir(target);
        let removed_stale = remove_stale(&dir);
        let (temp, listed) = loop {
            let (temp, listed) =
                Temporary::make(|| make_temp_file(&dir), |temp| temp.path().to_path_buf())?;
            if let Some(temp) = lock_temp_file(temp)? {
                break (temp, listed);
            }
        };
        Ok(AtomicFile {
            temp,
            target: target.to_path_buf(),
            dir,
            overwrite,
            removed_stale,
            _listed: listed,
        })
    }

    /// A handle on the temporary file (sharing its lock).
    pub fn file(&self) -> Result<File> {
        self.temp.as_file().try_clone().at(self.temp.path())
    }

    /// The directory of the target (and of the temporary file).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The temporary file's path.
    pub fn temp_path(&self) -> &Path {
        self.temp.path()
    }

    /// Stale temporary files of interrupted runs that were removed.
    pub fn removed_stale(&self) -> &[PathBuf] {
        &self.removed_stale
    }

    /// Moves the complete file into place.
    pub fn commit(self) -> Result<()> {
        self.temp.as_file().sync_all().at(self.temp.path())?;
        let target = self.target;
        let persisted = uninterrupted(|| {
            if self.overwrite {
                self.temp.persist(&target)
            } else {
                self.temp.persist_noclobber(&target)
            }
        });
        match persisted {
            Ok(_) => sync_dir(&self.dir),
            Err(error) if error.error.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(appeared_meanwhile(&target))
            }
            Err(error) => Err(Error::io(target, error.error)),
        }
    }
}

/// Fails if `target`, where a file is to be put, is a directory: a file is
/// not put in place of one, `--force` or not.
pub fn refuse_directory(target: &Path) -> Result<()> {
    if target.is_dir() {
        let error = io::Error::new(io::ErrorKind::IsADirectory, "is a directory");
        return Err(Error::io(target, error));
    }
    Ok(())
}

/// Fails if writing `output` could destroy `input`, which the command only
/// reads: if it is the same file or directory, a directory holding it
/// (which `--force` would replace), or a place inside it.
pub fn refuse_to_replace(output: &Path, input: &Path) -> Result<()> {
    let refused = || Error::OutputOverInput {
        output: output.to_path_buf(),
        input: input.to_path_buf(),
    };
    // A missing input fails when it is read.
    let Ok(read) = input.canonicalize() else {
        return Ok(());
    };
    let written = match output.canonicalize() {
        Ok(written) => written,
        Err(_) => {
            let (Some(parent), Some(name)) = (output.parent(), output.file_name()) else {
                return Err(refused());
            };
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            // A missing parent fails when the output is created.
            let Ok(parent) = parent.canonicalize() else {
                return Ok(());
            };
            parent.join(name)
        }
    };
    if read.starts_with(&written) || written.starts_with(&read) {
        return Err(refused());
    }
    Ok(())
}

/// An output directory being written. Dropped without
/// [`AtomicDir::commit`], its temporary directory is removed and the target
/// is untouched.
pub struct AtomicDir {
    temp: TempDir,
    /// Held while the temporary directory is written (see [`lock_dir`]).
    _lock: DirLock,
    target: PathBuf,
    overwrite: bool,
    /// Leaves the list after `temp` is removed.
    _listed: Temporary,
}

impl AtomicDir {
    /// Starts writing the directory `target`. Fails at once if it exists
    /// and `overwrite` is false.
    pub fn create(target: &Path, overwrite: bool) -> Result<AtomicDir> {
        if !overwrite && target.symlink_metadata().is_ok() {
            return Err(Error::OutputExists(target.to_path_buf()));
        }
        let dir = parent_dir(target);
        AtomicDir::make_in(dir, target, overwrite)
    }

    /// Makes the temporary directory for `target` in `dir`, after removing
    /// those interrupted runs left there.
    fn make_in(dir: PathBuf, target: &Path, overwrite: bool) -> Result<AtomicDir> {
        remove_stale(&dir);
        let (temp, lock, listed) = loop {
            let (temp, listed) =
                Temporary::make(|| make_temp_dir(&dir), |temp| temp.path().to_path_buf())?;
            if let Some((temp, lock)) = lock_temp_dir(temp)? {
                break (temp, lock, listed);
            }
        };
        Ok(AtomicDir {
            temp,
            _lock: lock,
            target: target.to_path_buf(),
            overwrite,
            _listed: listed,
        })
    }

    /// The temporary directory to write into.
    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    /// Moves the complete directory into place, once all it holds is on
    /// disk. An existing target (only with `overwrite`) is swapped with it
    /// in one step where the file system can, else first renamed aside,
    /// and removed once the new one is in place and their directory
    /// synced, so the target is never half-written, nor left aside by an
    /// interruption; what another program makes at the target meanwhile
    /// is left as it is ([`Error::OutputConflict`]).
    pub fn commit(self) -> Result<()> {
        self.commit_by(&sync_tree)
    }

    /// [`AtomicDir::commit`], syncing the directory with `sync_tree`:
    /// [`sync_tree`], but for tests.
    fn commit_by(self, sync_tree: &dyn Fn(&Path) -> Result<()>) -> Result<()> {
        // Without it, the rename could reach the disk before what the
        // directory holds: a power cut would leave a target of empty or
        // short files.
        sync_tree(self.temp.path())?;
        // The lock and the listing go once the renames are done: leaving the
        // list while it is held would wait for ever.
        let AtomicDir {
            temp,
            _lock,
            target,
            overwrite,
            _listed,
        } = self;
        // Once it is the target, dropping it must not remove it; should it
        // not get there, put_dir_in_place removes it.
        let new = temp.keep();
        uninterrupted(|| put_dir_in_place(&new, &target, overwrite, || reserve_aside(&target)))
    }
}

/// A free name beside `target` to rename it to, to be replaced:
/// `.corpack-XXXXXX-<target's name>.old`, which says whose it is, so that
/// a cleaner leaves it while its target is missing (see [`remove_stale`]).
/// A name that is not UTF-8, or too long for that, is said by its digest:
/// `.corpack-XXXXXX=<digest>.old` (see [`name_digest`]).
fn reserve_aside(target: &Path) -> Result<PathBuf> {
    let dir = parent_dir(target);
    let placeholder = |suffix: &str| {
        tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .rand_bytes(RANDOM_LEN)
            .suffix(suffix)
            .tempdir_in(&dir)
    };
    let name = target.file_name().unwrap_or_default();
    let by_digest = || placeholder(&format!("={}{ASIDE_SUFFIX}", name_digest(name)));
    let made = match name.to_str() {
        Some(name) => match placeholder(&format!("-{name}{ASIDE_SUFFIX}")) {
            Err(error) if error.kind() == io::ErrorKind::InvalidFilename => by_digest(),
            made => made,
        },
        None => by_digest(),
    };
    let aside = made.at(&dir)?.keep();
    // The name is reserved: the old target takes it. A cleaner may have
    // removed the placeholder already, its target being there.
    match fs::remove_dir(&aside) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(Error::io(&aside, error)),
        _ => Ok(aside),
    }
}

/// How many hexadecimal digits of a name's SHA-256 an old target's name
/// holds when it cannot hold the name itself: 128 bits, so that no other
/// name in the directory has them.
const NAME_DIGEST_LEN: usize = 32;

/// The first [`NAME_DIGEST_LEN`] hexadecimal digits of the SHA-256 of the
/// file name `name`, as the system spells it.
fn name_digest(name: &std::ffi::OsStr) -> String {
    use sha2::{Digest, Sha256};
    let mut digest = hex::encode(Sha256::digest(name.as_encoded_bytes()));
    digest.truncate(NAME_DIGEST_LEN);
    digest
}

/// Renames the directory `new` to `target`, and syncs their directory so
/// that it stays there. Whatever is at `target` is replaced only if
/// `replacing` (else it was made since it was found absent), locked till
/// it is removed so that no cleaner removes it, and removed only once the
/// new one is in place for good: the target is never half-written, nor
/// left aside by an interruption. Where the file system can, the two are
/// swapped in one step ([`exchange`]), and the target is never missing;
/// elsewhere the old one is first renamed to the path `aside` gives. Should
/// `new` not get in place, the old target is put back and `new` removed.
/// Nothing is renamed over: what is made at `target` meanwhile stays, and
/// `new` does not go in ([`appeared_meanwhile`]).
pub(crate) fn put_dir_in_place(
    new: &Path,
    target: &Path,
    replacing: bool,
    aside: impl FnOnce() -> Result<PathBuf>,
) -> Result<()> {
    let renames = Renames {
        exchange: &exchange,
        rename: &rename_noreplace,
    };
    put_dir_in_place_by(new, target, replacing, aside, &renames, &sync_dir)
}

/// How [`put_dir_in_place_by`] renames: [`exchange`] and
/// [`rename_noreplace`], but for tests.
struct Renames<'a> {
    exchange: &'a dyn Fn(&Path, &Path) -> io::Result<bool>,
    rename: &'a dyn Fn(&Path, &Path) -> io::Result<()>,
}

/// [`put_dir_in_place`], renaming with `renames` and syncing with `sync`
/// ([`sync_dir`], but for tests).
fn put_dir_in_place_by(
    new: &Path,
    target: &Path,
    replacing: bool,
    aside: impl FnOnce() -> Result<PathBuf>,
    renames: &Renames,
    sync: &dyn Fn(&Path) -> Result<()>,
) -> Result<()> {
    let old = lock_old(target)?;
    if let Some(old) = &old {
        let swapped = if replacing {
            (renames.exchange)(new, target).at(target)
        } else {
            Err(appeared_meanwhile(target))
        };
        match swapped {
            Ok(true) => {
                // Until the swap is durable, a power cut could undo it: the
                // old target stays till then, at the new one's temporary
                // name, which a cleaner removes once it is unlocked.
                sync(&parent_dir(target))?;
                // The output is in place: an old one that cannot be removed
                // is a stale temporary, which the next run beside removes.
                let _ = remove_path(new, old.is_dir);
                return Ok(());
            }
            Ok(false) => {}
            Err(error) => {
                let _ = remove_path(new, true);
                return Err(error);
            }
        }
    }
    let aside = match rename_in(new, target, old.is_some(), aside, renames.rename) {
        Ok(aside) => aside,
        Err(error) => {
            let _ = remove_path(new, true);
            return Err(error);
        }
    };
    // Until the renames are durable, a power cut could bring the old target
    // back: it stays aside till then.
    sync(&parent_dir(target))?;
    if let (Some(aside), Some(old)) = (aside, old) {
        remove_path(&aside, old.is_dir).at(&aside)?;
    }
    Ok(())
}

/// A target about to be renamed aside.
struct Old {
    is_dir: bool,
    /// Held until it is removed or put back, so that no cleaner removes
    /// it meanwhile; `None` for what no cleaner removes (see [`lockable`]).
    _lock: Option<File>,
}

/// What is at `target`, locked (see [`Old`]); `None` if nothing is.
fn lock_old(target: &Path) -> Result<Option<Old>> {
    loop {
        let Ok(metadata) = target.symlink_metadata() else {
            return Ok(None);
        };
        let is_dir = metadata.is_dir();
        if !lockable(metadata.file_type()) {
            return Ok(Some(Old {
                is_dir,
                _lock: None,
            }));
        }
        if let Some(lock) = lock_named(target).at(target)? {
            return Ok(Some(Old {
                is_dir,
                _lock: Some(lock),
            }));
        }
        // Renamed or removed since it was looked at: look again.
    }
}

/// The renames of [`put_dir_in_place_by`] where the old target and the new
/// cannot be swapped: the old target (if `existing`) aside, then `new` in,
/// or the old target back. Returns where the old
/// target is.
fn rename_in(
    new: &Path,
    target: &Path,
    existing: bool,
    aside: impl FnOnce() -> Result<PathBuf>,
    rename: &dyn Fn(&Path, &Path) -> io::Result<()>,
) -> Result<Option<PathBuf>> {
    let aside = if existing {
        let aside = aside()?;
        rename(target, &aside).at(target)?;
        Some(aside)
    } else {
        None
    };
    if let Err(error) = rename(new, target) {
        let Some(aside) = aside else {
            if error.kind() == io::ErrorKind::AlreadyExists {
                return Err(appeared_meanwhile(target));
            }
            return Err(Error::io(target, error));
        };
        if let Err(put_back) = rename(&aside, target) {
            let message = format!(
                "{error}; the old {} could not be put back ({put_back}) and is now at {}",
                target.display(),
                aside.display()
            );
            return Err(Error::io(target, io::Error::new(error.kind(), message)));
        }
        return Err(Error::io(target, error));
    }
    Ok(aside)
}

/// The error for `target`, found absent when corpack last looked (with
/// `--force`, as it put the output in place; without, when it started),
/// where something was made before the output could be renamed there: it
/// is left as it is.
pub(crate) fn appeared_meanwhile(target: &Path) -> Error {
    Error::OutputConflict {
        path: target.to_path_buf(),
        message: "was made by another program while corpack wrote the output, after corpack found nothing there, and was left as it is: nothing was written".to_string(),
    }
}

/// Renames `from` to `to`, unless something is at `to`: then it fails with
/// `AlreadyExists`, where rename(2) would replace a file or an empty
/// directory. In one step where the system can (`renameat2` with
/// `RENAME_NOREPLACE` on Linux, `renameatx_np` with `RENAME_EXCL` on
/// Apple's); elsewhere, or where the file system cannot (`EINVAL`, or
/// `ENOSYS` from a kernel before 3.15), `to` is looked for first, which
/// leaves a moment for another to make it.
pub(crate) fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            Err(Errno::INVAL | Errno::NOSYS) => {}
            renamed => return renamed.map_err(io::Error::from),
        }
    }
    if to.symlink_metadata().is_ok() {
        return Err(io::ErrorKind::AlreadyExists.into());
    }
    fs::rename(from, to)
}

/// Swaps `a` and `b`, both there, in one step (`renameat2` with
/// `RENAME_EXCHANGE` on Linux, `renameatx_np` with `RENAME_SWAP` on
/// Apple's); `Ok(false)` where the file system or the kernel cannot
/// (`EINVAL`, `ENOSYS` before Linux 3.15, `ENOTSUP`).
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    let cannot = [Errno::INVAL, Errno::NOSYS, Errno::NOTSUP, Errno::OPNOTSUPP];
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(error) if cannot.contains(&error) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// Elsewhere nothing is swapped in one step.
#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// The directory `path` is in: `.` for a bare name.
pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// New files for an existing directory, written into a temporary directory
/// inside it (so on the same file system) and moved into place together by
/// [`AtomicFiles::commit`]. Dropped without it, the temporary directory is
/// removed and the directory is untouched.
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

    /// Moves each of `files`, paths under [`AtomicFiles::path`], in order,
    /// to the same path under the target, replacing a file there and making
    /// the directories it needs, with no interruption between them: a
    /// signal's clean-up finds either none moved or all. An error stops the
    /// moves at the file it names, those before it left in place: put last
    /// the file that makes the others count. The files are on disk before
    /// they move, and the moves once they are made.
    pub fn commit(self, files: &[&str]) -> Result<()> {
        self.commit_by(files, &sync_tree, &sync_dir)
    }

    /// [`AtomicFiles::commit`] with [`sync_tree`] and [`sync_dir`], but for
    /// tests.
    fn commit_by(
        self,
        files: &[&str],
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
        sync_tree(temp.path())?;
        let mut moved_into = BTreeSet::new();
        let moved: Result<()> = uninterrupted(|| {
            files.iter().try_for_each(|file| {
                let to = target.join(file);
                let parent = to.parent().expect("a path under the target");
                fs::create_dir_all(parent).at(parent)?;
                fs::rename(temp.path().join(file), &to).at(&to)?;
                // The directories made for it are entries of theirs too.
                let made = parent.ancestors().take_while(|dir| *dir != target);
                moved_into.extend(made.map(Path::to_path_buf));
                moved_into.insert(target.clone());
                Ok(())
            })
        });
        // With what was not moved, before the lock and the listing go.
        drop(temp);
        moved?;
        moved_into.iter().try_for_each(|dir| sync_dir(dir))
    }
}

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

/// Removes the temporary files in `dir` that no running corpack holds, and
/// the old targets renamed aside that none holds and whose target is there
/// again; returns their paths. Best effort: what cannot be removed is left.
fn remove_stale(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    let mut synced = false;
    // The digests of the names in `dir`, made once an old target named by
    // its target's digest is found.
    let mut digests = None;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(stale) = Stale::named(name) else {
            continue;
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if !lockable(kind) {
            continue;
        }
        let path = entry.path();
        let Ok(file) = File::open(&path) else {
            continue;
        };
        if file.try_lock().is_err() {
            continue;
        }
        // Holding the lock, so no writer can have it; the name must still
        // be this file (not one a concurrent cleaner let be made anew).
        if !still_named(&file, &path) {
            continue;
        }
        let target_there = match stale {
            Stale::Temporary => None,
            Stale::Aside { target } => Some(dir.join(target).symlink_metadata().is_ok()),
            Stale::AsideByDigest { digest } => Some(
                digests
                    .get_or_insert_with(|| names_digests(dir))
                    .contains(digest),
            ),
        };
        if let Some(there) = target_there {
            // Its target's rename may not be on disk yet, if the run that
            // made it was cut short before syncing: it is synced first.
            if !there || !synced && sync_dir(dir).is_err() {
                continue;
            }
            synced = true;
        }
        if remove_path(&path, kind.is_dir()).is_ok() {
            removed.push(path);
        }
    }
    removed.sort();
    removed
}

/// The [`name_digest`] of every name in `dir`.
fn names_digests(dir: &Path) -> BTreeSet<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return BTreeSet::new();
    };
    entries
        .flatten()
        .map(|entry| name_digest(&entry.file_name()))
        .collect()
}

/// What a name of corpack's that a cleaner may remove is.
#[derive(Debug, PartialEq)]
enum Stale<'a> {
    /// A temporary output: `.corpack-XXXXXX.tmp`.
    Temporary,
    /// An old target renamed aside: `.corpack-XXXXXX-<target>.old`.
    Aside { target: &'a str },
    /// An old target renamed aside, whose name is not UTF-8 or is too long
    /// to be said whole: `.corpack-XXXXXX=<digest>.old`, with its name's
    /// [`name_digest`].
    AsideByDigest { digest: &'a str },
}

impl Stale<'_> {
    /// What `name` is; `None` if none of these (an old target that earlier
    /// corpacks named `.corpack-XXXXXX.old`, which does not say its
    /// target, is left alone).
    fn named(name: &str) -> Option<Stale<'_>> {
        let rest = name.strip_prefix(TEMP_PREFIX)?;
        if rest.ends_with(TEMP_SUFFIX) {
            return Some(Stale::Temporary);
        }
        let said = rest.strip_suffix(ASIDE_SUFFIX)?.get(RANDOM_LEN..)?;
        if let Some(target) = said.strip_prefix('-') {
            return (!target.is_empty()).then_some(Stale::Aside { target });
        }
        let digest = said.strip_prefix('=')?;
        let is_digest = digest.len() == NAME_DIGEST_LEN
            && digest
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        is_digest.then_some(Stale::AsideByDigest { digest })
    }
}

/// Whether a file of this kind can be locked, and so be removed by a
/// cleaner: a file, or on Unix a directory (elsewhere one cannot be opened
/// to be locked).
fn lockable(kind: fs::FileType) -> bool {
    kind.is_file() || cfg!(unix) && kind.is_dir()
}

/// Removes `path`: a directory with all it holds if `is_dir`, else a file.
pub(crate) fn remove_path(path: &Path, is_dir: bool) -> io::Result<()> {
    if is_dir {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// A new temporary file in `dir`, not yet locked.
fn make_temp_file(dir: &Path) -> Result<NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        // What open(2) gives a new file: 0666 less the umask.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir).at(dir)
}

/// The temporary file `temp` with its lock taken; `None` if another run's
/// cleaner removed it after it was made, before it could be locked.
fn lock_temp_file(temp: NamedTempFile) -> Result<Option<NamedTempFile>> {
    // Blocks while a cleaner holds the lock: it is then removing the file.
    temp.as_file().lock().at(temp.path())?;
    if still_named(temp.as_file(), temp.path()) {
        return Ok(Some(temp));
    }
    // The name is no longer this run's: another may have made a file of
    // that name since, which dropping `temp` would remove.
    let _ = temp.keep();
    Ok(None)
}

/// A new temporary directory in `dir`, not yet locked.
fn make_temp_dir(dir: &Path) -> Result<TempDir> {
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempdir_in(dir)
        .at(dir)
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

/// The lock of a temporary directory: on Unix the directory itself, open
/// and locked as a temporary file is, so that a cleaner leaves it alone.
#[cfg(unix)]
type DirLock = File;

/// Elsewhere a directory cannot be opened to be locked, and cleaners
/// leave directories alone (see [`remove_stale`]).
#[cfg(not(unix))]
type DirLock = ();

/// Opens and locks the directory `path`; `None` if it is gone, or is no
/// longer the directory opened once the lock is held.
#[cfg(unix)]
fn lock_dir(path: &Path) -> io::Result<Option<DirLock>> {
    lock_named(path)
}

#[cfg(not(unix))]
fn lock_dir(_: &Path) -> io::Result<Option<DirLock>> {
    Ok(Some(()))
}

/// Opens and locks `path`, a file or a directory that is [`lockable`];
/// `None` if it is gone, or is no longer the one opened once the lock is
/// held.
fn lock_named(path: &Path) -> io::Result<Option<File>> {
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

/// How many files or directories are synced at once. Each fsync waits on
/// the device, and overlapping the waits lets the file system commit them
/// together (4,008 small files took 4.5 s one after another here, and
/// about 1 s on 16 threads).
const SYNC_THREADS: usize = 16;

/// Syncs one file or directory: [`sync_file`] or [`sync_dir`], or a test's.
type SyncOne<'a> = dyn Fn(&Path) -> Result<()> + Sync + 'a;

/// Flushes the directory `root` and all it holds to disk, every file and
/// directory, before it is renamed into place: the rename is made durable
/// when their directory is synced, and after a power cut the files it
/// brings must be whole. Symbolic links are entries of their directory,
/// synced with it.
pub(crate) fn sync_tree(root: &Path) -> Result<()> {
    sync_tree_by(root, &sync_file, &sync_dir)
}

/// [`sync_tree`], syncing files with `sync_file` and directories with
/// `sync_dir`.
fn sync_tree_by(root: &Path, sync_file: &SyncOne, sync_dir: &SyncOne) -> Result<()> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.map_err(|error| {
            let path = error.path().unwrap_or(root).to_path_buf();
            Error::io(path, error.into())
        })?;
        if entry.file_type().is_dir() {
            dirs.push(entry.into_path());
        } else if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    sync_each(&files, sync_file)?;
    sync_each(&dirs, sync_dir)
}

/// Syncs each of `paths` with `sync`, [`SYNC_THREADS`] at a time.
fn sync_each(paths: &[PathBuf], sync: &SyncOne) -> Result<()> {
    let chunk = paths.len().div_ceil(SYNC_THREADS).max(1);
    std::thread::scope(|scope| {
        let threads: Vec<_> = paths
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().try_for_each(|path| sync(path))))
            .collect();
        threads
            .into_iter()
            .try_for_each(|thread| thread.join().expect("a sync thread does not panic"))
    })
}

/// Flushes the file `path` to disk.
fn sync_file(path: &Path) -> Result<()> {
    File::open(path).and_then(|file| file.sync_all()).at(path)
}

/// Makes the renames in `dir` durable. A directory that cannot be opened
/// or synced is an error: the output is in place, but a power cut could
/// still undo it. Not when the file system says it cannot sync a directory
/// at all (`EINVAL` from Linux's CIFS, `EBADF` from NetBSD; coreutils and
/// Dovecot let both pass too): there is nothing more to wait for.
#[cfg(unix)]
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    let handle = File::open(dir).at(dir)?;
    match handle.sync_all() {
        Err(error) if matches!(error.raw_os_error(), Some(libc::EINVAL | libc::EBADF)) => Ok(()),
        synced => synced.at(dir),
    }
}

/// Elsewhere (Windows) a directory cannot be opened as a file to be
/// synced, and the file system journals its entries itself.
#[cfg(not(unix))]
pub(crate) fn sync_dir(_: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

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

    #[test]
    fn a_file_output_may_not_be_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        for overwrite in [false, true] {
            let error = AtomicFile::create(dir.path(), overwrite).err().unwrap();
            assert!(error.to_string().ends_with("is a directory"), "{error}");
        }
    }

    #[test]
    fn an_output_may_not_replace_what_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join("bundle.zip");
        fs::write(&bundle, b"zip").unwrap();
        let bag = dir.path().join("bag");
        fs::create_dir(&bag).unwrap();
        let refused = |output: &Path, input: &Path| {
            matches!(
                refuse_to_replace(output, input),
                Err(Error::OutputOverInput { .. })
            )
        };
        assert!(refused(&bundle, &bundle));
        assert!(refused(&dir.path().join("./bundle.zip"), &bundle));
        assert!(refused(dir.path(), &bundle));
        assert!(refused(&bag, &bag));
        assert!(refused(&bag.join("export"), &bag));
        assert!(!refused(&dir.path().join("out"), &bundle));
        assert!(!refused(&dir.path().join("out"), &bag));
        assert!(!refused(&dir.path().join("bundle.zip.csv"), &bundle));
    }

    /// Renames made with `rename`, and no swap, as where the file system
    /// cannot.
    fn renaming<'a>(rename: &'a dyn Fn(&Path, &Path) -> io::Result<()>) -> Renames<'a> {
        Renames {
            exchange: &|_, _| Ok(false),
            rename,
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn nothing_is_left_unless_committed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.zip");
        {
            let out = AtomicFile::create(&target, false).unwrap();
            out.file().unwrap().write_all(b"half").unwrap();
        }
        assert_eq!(names(dir.path()), Vec::<String>::new());
        let out = AtomicFile::create(&target, false).unwrap();
        out.file().unwrap().write_all(b"whole").unwrap();
        out.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"whole");
    }

    #[test]
    fn an_existing_target_needs_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.zip");
        std::fs::write(&target, b"old").unwrap();
        assert!(matches!(
            AtomicFile::create(&target, false),
            Err(Error::OutputExists(_))
        ));
        let out = AtomicFile::create(&target, true).unwrap();
        out.file().unwrap().write_all(b"new").unwrap();
        out.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
    }

    #[test]
    fn a_target_made_while_the_output_is_written_is_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.zip");
        let out = AtomicFile::create(&file, false).unwrap();
        fs::write(&file, b"another's").unwrap();
        let error = out.commit().unwrap_err();
        assert!(matches!(error, Error::OutputConflict { .. }), "{error:?}");
        assert_eq!(fs::read(&file).unwrap(), b"another's");
        let target = dir.path().join("out");
        let out = AtomicDir::create(&target, false).unwrap();
        fs::create_dir(&target).unwrap();
        let error = out.commit().unwrap_err().to_string();
        assert!(error.contains("was made by another program"), "{error}");
        assert_eq!(names(dir.path()), ["out", "out.zip"]);
    }

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
        out.commit(&["sub/b", "a"]).unwrap();
        assert_eq!(names(dir.path()), ["a", "kept", "sub"]);
        assert_eq!(fs::read(dir.path().join("a")).unwrap(), b"new");
        assert_eq!(fs::read(dir.path().join("sub/b")).unwrap(), b"new");
        assert_eq!(fs::read(dir.path().join("kept")).unwrap(), b"mine");
    }

    #[test]
    fn a_failed_rename_into_place_puts_the_old_target_back() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old"), b"kept").unwrap();
        let new = make_temp_dir(dir.path()).unwrap().keep();
        std::fs::write(new.join("new"), b"lost").unwrap();
        let refuse_the_new = |from: &Path, to: &Path| {
            if from == new {
                Err(io::Error::other("no room"))
            } else {
                std::fs::rename(from, to)
            }
        };
        let aside = || reserve_aside(dir.path());
        let error = put_dir_in_place_by(
            &new,
            &target,
            true,
            aside,
            &renaming(&refuse_the_new),
            &sync_dir,
        );
        assert!(error.unwrap_err().to_string().contains("no room"));
        assert_eq!(std::fs::read(target.join("old")).unwrap(), b"kept");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out"], "nothing is left beside it");
    }

    #[test]
    fn an_empty_directory_made_at_the_target_before_the_rename_stays() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let new = make_temp_dir(dir.path()).unwrap().keep();
        fs::write(new.join("new"), b"new").unwrap();
        // Another makes it after it was found absent: rename(2) would
        // replace it.
        let another_comes_first = |from: &Path, to: &Path| {
            if from == new {
                fs::create_dir(to)?;
            }
            rename_noreplace(from, to)
        };
        let absent = || -> Result<PathBuf> { panic!("the target was absent") };
        let put = put_dir_in_place_by(
            &new,
            &target,
            true,
            absent,
            &renaming(&another_comes_first),
            &sync_dir,
        );
        // Not "pass --force": with it too, what was made meanwhile stays.
        let error = put.unwrap_err();
        assert!(matches!(error, Error::OutputConflict { .. }), "{error:?}");
        assert!(
            error
                .to_string()
                .contains("was made by another program while corpack wrote the output"),
            "{error}"
        );
        assert_eq!(names(dir.path()), ["out"], "the new one is removed");
        assert_eq!(names(&target), Vec::<String>::new());
    }

    #[test]
    fn a_directory_is_synced_in_place_before_the_old_one_goes() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let aside = dir.path().join("aside");
        let name = |path: &Path| {
            let name = path.file_name().unwrap().to_string_lossy();
            if path == dir.path() {
                ".".to_string()
            } else if name.ends_with(TEMP_SUFFIX) {
                "new".to_string()
            } else {
                name.into_owned()
            }
        };
        let log = std::cell::RefCell::new(Vec::new());
        let rename = |from: &Path, to: &Path| {
            let line = format!("rename {} {}", name(from), name(to));
            log.borrow_mut().push(line);
            fs::rename(from, to)
        };
        let sync = |synced: &Path| {
            let old = if aside.exists() { "the old" } else { "nothing" };
            let line = format!("sync {} with {old} aside", name(synced));
            log.borrow_mut().push(line);
            sync_dir(synced)
        };
        let put = |sync: &dyn Fn(&Path) -> Result<()>| {
            let new = make_temp_dir(dir.path()).unwrap().keep();
            fs::write(new.join("new"), b"new").unwrap();
            let put = put_dir_in_place_by(
                &new,
                &target,
                true,
                || Ok(aside.clone()),
                &renaming(&rename),
                sync,
            );
            (put, log.take())
        };

        let (put_new, done) = put(&sync);
        put_new.unwrap();
        assert_eq!(done, ["rename new out", "sync . with nothing aside"]);

        fs::rename(target.join("new"), target.join("old")).unwrap();
        let (put_new, done) = put(&sync);
        put_new.unwrap();
        assert_eq!(
            done,
            [
                "rename out aside",
                "rename new out",
                "sync . with the old aside"
            ]
        );
        assert_eq!(names(dir.path()), ["out"]);
        assert_eq!(names(&target), ["new"]);

        // Not synced, the new target may not last: the old one is kept.
        fs::rename(target.join("new"), target.join("old")).unwrap();
        let failing = |_: &Path| Err(Error::io(dir.path(), io::Error::other("no sync")));
        let (put_new, _) = put(&failing);
        assert!(put_new.unwrap_err().to_string().contains("no sync"));
        assert_eq!(names(&target), ["new"]);
        assert_eq!(names(&aside), ["old"]);
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
        let failing = |path: &Path| Err(Error::io(path, io::Error::other("no sync")));
        let error = out.commit_by(&failing).unwrap_err();
        assert!(error.to_string().contains("no sync"), "{error}");
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
        out.commit_by(&files, &sync_tree, &sync_dir).unwrap();
        assert_eq!(trees.take(), [temp]);
        let dirs: Vec<String> = dirs
            .take()
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        assert_eq!(dirs, ["", "new", "new/deeper", "old"]);
    }

    #[test]
    fn a_tree_sync_syncs_every_file_and_directory() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        fs::create_dir_all(root.join("saf/item_0")).unwrap();
        fs::create_dir_all(root.join("saf/empty")).unwrap();
        fs::write(root.join("registry.xml"), b"r").unwrap();
        fs::write(root.join("saf/item_0/contents"), b"c").unwrap();
        fs::write(root.join("saf/item_0/doc.txt"), b"d").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("registry.xml", root.join("link")).unwrap();
        let files = Mutex::new(Vec::new());
        let dirs = Mutex::new(Vec::new());
        let record = |synced: &Mutex<Vec<String>>, path: &Path| {
            let relative = path.strip_prefix(&root).unwrap().to_string_lossy();
            synced.lock().unwrap().push(relative.into_owned());
            Ok(())
        };
        sync_tree_by(&root, &|path| record(&files, path), &|path| {
            record(&dirs, path)
        })
        .unwrap();
        let sorted = |synced: Mutex<Vec<String>>| {
            let mut synced = synced.into_inner().unwrap();
            synced.sort();
            synced
        };
        assert_eq!(
            sorted(files),
            ["registry.xml", "saf/item_0/contents", "saf/item_0/doc.txt"]
        );
        assert_eq!(sorted(dirs), ["", "saf", "saf/empty", "saf/item_0"]);
        assert!(sync_tree(&root).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn old_targets_left_aside_go_once_their_target_is_back() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        // A run cut short once its new target was in place.
        fs::create_dir(at("out")).unwrap();
        fs::create_dir_all(at(".corpack-abc123-out.old/saf")).unwrap();
        fs::write(at(".corpack-abc123-out.old/saf/old"), b"old").unwrap();
        // One cut short before, or whose old target could not be put back:
        // it is all there is of its target.
        fs::write(at(".corpack-abc124-gone.old"), b"the only one").unwrap();
        // Earlier corpacks' name for one too long to say its target.
        fs::create_dir(at(".corpack-abc125.old")).unwrap();
        // Another run putting its output in place.
        fs::create_dir(at(".corpack-abc126-out.old")).unwrap();
        let running = File::open(at(".corpack-abc126-out.old")).unwrap();
        running.lock().unwrap();

        assert_eq!(remove_stale(dir.path()), [at(".corpack-abc123-out.old")]);
        assert_eq!(
            names(dir.path()),
            [
                ".corpack-abc124-gone.old",
                ".corpack-abc125.old",
                ".corpack-abc126-out.old",
                "out"
            ]
        );
        drop(running);
        assert_eq!(remove_stale(dir.path()), [at(".corpack-abc126-out.old")]);
        assert_eq!(
            Stale::named(".corpack-abc123-out.tmp.old"),
            Some(Stale::Aside { target: "out.tmp" })
        );
        assert_eq!(Stale::named(".corpack-abc123=0123.old"), None);
    }

    #[cfg(unix)]
    #[test]
    fn old_targets_whose_names_cannot_be_said_are_named_by_digest_and_go_too() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let long = dir.path().join("x".repeat(250));
        let not_utf8 = dir.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
        for target in [long, not_utf8] {
            let aside = reserve_aside(&target).unwrap();
            fs::create_dir(&aside).unwrap();
            let name = aside.file_name().unwrap().to_str().unwrap();
            let digest = name_digest(target.file_name().unwrap());
            assert_eq!(
                Stale::named(name),
                Some(Stale::AsideByDigest { digest: &digest })
            );
            // Left while it is all there is of its target.
            assert_eq!(remove_stale(dir.path()), Vec::<PathBuf>::new());
            fs::create_dir(&target).unwrap();
            assert_eq!(remove_stale(dir.path()), [aside]);
            fs::remove_dir(&target).unwrap();
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_old_target_aside_is_kept_from_cleaners_until_it_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        fs::create_dir(&target).unwrap();
        let put = |sync: &dyn Fn(&Path) -> Result<()>| {
            let new = make_temp_dir(dir.path()).unwrap().keep();
            fs::write(new.join("new"), b"new").unwrap();
            let aside = || reserve_aside(&target);
            put_dir_in_place_by(
                &new,
                &target,
                true,
                aside,
                &renaming(&rename_noreplace),
                sync,
            )
        };
        // Another run's cleaner comes once the new target is in, the old
        // one aside, before the renames are synced.
        let cleaner_comes = |synced: &Path| {
            assert_eq!(names(dir.path()).len(), 2, "the old one is aside");
            assert_eq!(remove_stale(dir.path()), Vec::<PathBuf>::new());
            sync_dir(synced)
        };
        put(&cleaner_comes).unwrap();
        assert_eq!(names(dir.path()), ["out"]);

        // Not synced, the old one is left aside: the next cleaner takes it.
        let failing = |_: &Path| Err(Error::io(dir.path(), io::Error::other("no sync")));
        put(&failing).unwrap_err();
        let left = names(dir.path());
        assert!(
            left[0].ends_with("-out.old") && left[1] == "out",
            "{left:?}"
        );
        assert_eq!(remove_stale(dir.path()), [dir.path().join(&left[0])]);
        assert_eq!(names(dir.path()), ["out"]);
    }

    #[cfg(unix)]
    #[test]
    fn an_old_target_swapped_out_is_kept_from_cleaners_until_it_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        fs::create_dir(&target).unwrap();
        // The system's swap, or one made of renames where it has none.
        let swap = |a: &Path, b: &Path| {
            if !exchange(a, b)? {
                let between = a.with_extension("swapping");
                fs::rename(a, &between)?;
                fs::rename(b, a)?;
                fs::rename(&between, b)?;
            }
            Ok(true)
        };
        let renames = Renames {
            exchange: &swap,
            rename: &|_, _| panic!("swapped, not renamed"),
        };
        let put = |replacing: bool, sync: &dyn Fn(&Path) -> Result<()>| {
            let new = make_temp_dir(dir.path()).unwrap().keep();
            fs::write(new.join("new"), b"new").unwrap();
            let aside = || -> Result<PathBuf> { panic!("nothing is renamed aside") };
            put_dir_in_place_by(&new, &target, replacing, aside, &renames, sync)
        };
        // Another run's cleaner comes once the two are swapped, before
        // the swap is synced: the old one, at the temporary name, is
        // locked.
        let cleaner_comes = |synced: &Path| {
            assert_eq!(names(dir.path()).len(), 2, "the old one is there");
            assert_eq!(remove_stale(dir.path()), Vec::<PathBuf>::new());
            sync_dir(synced)
        };
        put(true, &cleaner_comes).unwrap();
        assert_eq!(names(dir.path()), ["out"]);
        assert_eq!(names(&target), ["new"]);

        // Not synced, the old one is left at the temporary name: the next
        // cleaner takes it, the target being whole.
        fs::rename(target.join("new"), target.join("old")).unwrap();
        let failing = |_: &Path| Err(Error::io(dir.path(), io::Error::other("no sync")));
        put(true, &failing).unwrap_err();
        let left = names(dir.path());
        assert!(
            left[0].ends_with(TEMP_SUFFIX) && left[1] == "out",
            "{left:?}"
        );
        assert_eq!(names(&dir.path().join(&left[0])), ["old"]);
        assert_eq!(remove_stale(dir.path()), [dir.path().join(&left[0])]);
        assert_eq!(names(&target), ["new"]);

        // Once the new one is in place, an old one that cannot be removed
        // (here, gone already) is no error.
        let old_gone = |synced: &Path| {
            for name in names(dir.path()) {
                if name.ends_with(TEMP_SUFFIX) {
                    fs::remove_dir_all(dir.path().join(name)).unwrap();
                }
            }
            sync_dir(synced)
        };
        put(true, &old_gone).unwrap();
        assert_eq!(names(dir.path()), ["out"]);
        assert_eq!(names(&target), ["new"]);

        // Not replacing, what is there was made meanwhile: it stays.
        let error = put(false, &sync_dir).unwrap_err();
        assert!(matches!(error, Error::OutputConflict { .. }), "{error:?}");
        assert_eq!(names(dir.path()), ["out"]);
    }

    #[test]
    fn an_old_target_not_put_back_is_named_in_the_error_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("old"), b"kept").unwrap();
        let new = make_temp_dir(dir.path()).unwrap().keep();
        // Neither the new one goes in, nor the old one back.
        let nothing_in = |from: &Path, to: &Path| {
            if to == target {
                Err(io::Error::other("no room"))
            } else {
                rename_noreplace(from, to)
            }
        };
        let aside = || reserve_aside(&target);
        let put = put_dir_in_place_by(
            &new,
            &target,
            true,
            aside,
            &renaming(&nothing_in),
            &sync_dir,
        );
        let error = put.unwrap_err().to_string();
        let left = names(dir.path());
        assert_eq!(left.len(), 1, "{left:?}");
        let aside = dir.path().join(&left[0]);
        assert!(error.contains(&aside.display().to_string()), "{error}");
        assert_eq!(fs::read(aside.join("old")).unwrap(), b"kept");
        // Its target missing, it is all there is of it.
        assert_eq!(remove_stale(dir.path()), Vec::<PathBuf>::new());
        assert!(aside.exists());
    }

    #[cfg(unix)]
    #[test]
    fn stale_temporary_directories_go_and_those_being_written_stay() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".corpack-stale2.tmp");
        fs::create_dir_all(stale.join("saf/item_000")).unwrap();
        fs::write(stale.join("saf/item_000/contents"), b"left by a killed run").unwrap();
        let first = AtomicDir::create(&dir.path().join("first"), false).unwrap();
        assert!(!stale.exists());
        // A second export beside a live one leaves the live one alone.
        let second = AtomicDir::create(&dir.path().join("second"), false).unwrap();
        assert!(first.path().exists());
        fs::write(first.path().join("done"), b"").unwrap();
        first.commit().unwrap();
        drop(second);
        assert_eq!(names(dir.path()), ["first"]);
        assert!(dir.path().join("first/done").exists());
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

    #[cfg(unix)]
    #[test]
    fn a_temporary_file_removed_before_its_lock_leaves_its_name_alone() {
        let dir = tempfile::tempdir().unwrap();
        // Another run's cleaner comes between the making and the lock, and
        // a third run makes a file of the same name.
        let temp = make_temp_file(dir.path()).unwrap();
        let path = temp.path().to_path_buf();
        assert_eq!(remove_stale(dir.path()), [path.as_path()]);
        fs::write(&path, b"another run's").unwrap();
        assert!(lock_temp_file(temp).unwrap().is_none());
        assert_eq!(fs::read(&path).unwrap(), b"another run's");
    }

    #[test]
    fn stale_temporary_files_go_and_locked_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".corpack-stale1.tmp");
        fs::write(&stale, b"left by a killed run").unwrap();
        let busy = dir.path().join(".corpack-busy01.tmp");
        fs::write(&busy, b"being written").unwrap();
        let writer = File::open(&busy).unwrap();
        writer.lock().unwrap();
        fs::write(dir.path().join(".corpack-note.txt"), b"not ours").unwrap();

        let out = AtomicFile::create(&dir.path().join("out.zip"), false).unwrap();
        assert_eq!(out.removed_stale(), std::slice::from_ref(&stale));
        assert!(out.temp_path().starts_with(dir.path()));
        // The live temporary file is locked, so a second run keeps it.
        let second = AtomicFile::create(&dir.path().join("other.zip"), false).unwrap();
        assert_eq!(second.removed_stale(), Vec::<PathBuf>::new());
        assert!(out.temp_path().exists());
        out.commit().unwrap();
        drop(second);
        assert_eq!(
            names(dir.path()),
            [".corpack-busy01.tmp", ".corpack-note.txt", "out.zip"]
        );
        drop(writer);
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_that_cannot_be_synced_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        sync_dir(dir.path()).unwrap();
        let missing = dir.path().join("missing");
        let error = sync_dir(&missing).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with(&missing.display().to_string()),
            "{error}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_output_has_ordinary_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.zip");
        AtomicFile::create(&target, false)
            .unwrap()
            .commit()
            .unwrap();
        let reference = dir.path().join("reference");
        File::create(&reference).unwrap();
        let mode = |p: &Path| p.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&target), mode(&reference));
    }
}
