//! Putting a directory output in place of its target without renaming over
//! anything: swapped with an old target in one step where the file system
//! can ([`exchange`]), else with the old one renamed aside first
//! ([`reserve_aside`]); what another program makes at the target meanwhile
//! is left as it is ([`appeared_meanwhile`]).

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::lock::{lock_named, lockable};
use super::sync::sync_dir;
use super::{ASIDE_SUFFIX, RANDOM_LEN, TEMP_PREFIX, parent_dir, remove_path, temporary_error};
use crate::error::{Error, IoContext, Result};

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
pub(super) struct Old {
    pub(super) is_dir: bool,
    /// Held until it is removed or put back, so that no cleaner removes
    /// it meanwhile; `None` for what no cleaner removes (see [`lockable`]).
    _lock: Option<File>,
}

/// What is at `target`, locked (see [`Old`]); `None` if nothing is.
pub(super) fn lock_old(target: &Path) -> Result<Option<Old>> {
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
/// Apple's); elsewhere, or where the file system cannot (see
/// [`cannot_in_one_step`]), `to` is looked for first, which leaves a
/// moment for another to make it.
pub(crate) fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            Err(error) if cannot_in_one_step(error) => {}
            renamed => return renamed.map_err(io::Error::from),
        }
    }
    if to.symlink_metadata().is_ok() {
        return Err(io::ErrorKind::AlreadyExists.into());
    }
    fs::rename(from, to)
}

/// Whether a rename with flags failed only because the kernel or the file
/// system cannot do it in one step: `EINVAL`, `ENOSYS` (Linux before
/// 3.15), or `ENOTSUP`/`EOPNOTSUPP` (macOS on a file system without it,
/// such as exFAT or SMB).
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn cannot_in_one_step(error: rustix::io::Errno) -> bool {
    use rustix::io::Errno;
    [Errno::INVAL, Errno::NOSYS, Errno::NOTSUP, Errno::OPNOTSUPP].contains(&error)
}

/// Swaps `a` and `b`, both there, in one step (`renameat2` with
/// `RENAME_EXCHANGE` on Linux, `renameatx_np` with `RENAME_SWAP` on
/// Apple's); `Ok(false)` where the file system or the kernel cannot (see
/// [`cannot_in_one_step`]).
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(error) if cannot_in_one_step(error) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// Elsewhere nothing is swapped in one step.
#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// A free name beside `target` to rename it to, to be replaced:
/// `.corpack-XXXXXX-<target's name>.old`, which says whose it is, so that
/// a cleaner leaves it while its target is missing (see
/// [`remove_stale`](super::stale::remove_stale)).
/// A name that is not UTF-8, or too long for that, is said by its digest:
/// `.corpack-XXXXXX=<digest>.old` (see [`name_digest`]).
pub(super) fn reserve_aside(target: &Path) -> Result<PathBuf> {
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
    let aside = made.map_err(|error| temporary_error(&dir, error))?.keep();
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
pub(super) const NAME_DIGEST_LEN: usize = 32;

/// The first [`NAME_DIGEST_LEN`] hexadecimal digits of the SHA-256 of the
/// file name `name`, as the system spells it.
pub(super) fn name_digest(name: &std::ffi::OsStr) -> String {
    use sha2::{Digest, Sha256};
    let mut digest = hex::encode(Sha256::digest(name.as_encoded_bytes()));
    digest.truncate(NAME_DIGEST_LEN);
    digest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::TEMP_SUFFIX;
    use crate::output::dir::make_temp_dir;
    use crate::output::stale::remove_stale;
    use crate::output::testutil::names;

    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    #[test]
    fn only_a_rename_the_system_cannot_do_in_one_step_falls_back() {
        use rustix::io::Errno;
        for cannot in [Errno::INVAL, Errno::NOSYS, Errno::NOTSUP, Errno::OPNOTSUPP] {
            assert!(cannot_in_one_step(cannot), "{cannot:?}");
        }
        for failed in [Errno::EXIST, Errno::NOENT, Errno::XDEV, Errno::ACCESS] {
            assert!(!cannot_in_one_step(failed), "{failed:?}");
        }
    }

    /// Renames made with `rename`, and no swap, as where the file system
    /// cannot.
    fn renaming<'a>(rename: &'a dyn Fn(&Path, &Path) -> io::Result<()>) -> Renames<'a> {
        Renames {
            exchange: &|_, _| Ok(false),
            rename,
        }
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
}
