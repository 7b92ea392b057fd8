//! Removing what interrupted runs left beside an output
//! ([`remove_stale`]): temporary outputs no running corpack holds, and old
//! targets renamed aside once their target is there again.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

use super::lock::{lockable, still_named};
use super::replace::{NAME_DIGEST_LEN, name_digest};
use super::sync::sync_dir;
use super::{ASIDE_SUFFIX, RANDOM_LEN, TEMP_PREFIX, TEMP_SUFFIX, remove_path};

/// Removes the temporary files in `dir` that no running corpack holds, and
/// the old targets renamed aside that none holds and whose target is there
/// again; returns their paths. Best effort: what cannot be removed is left.
pub(super) fn remove_stale(dir: &Path) -> Vec<PathBuf> {
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
        // Exactly the names corpack makes, random part and all: a cleaner
        // also looks in the directories of the documents, whose own files
        // a looser pattern (a user's `.corpack-notes.tmp`) could take.
        let rest = name.strip_prefix(TEMP_PREFIX)?;
        let random = rest.get(..RANDOM_LEN)?;
        if !random.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let said = &rest[RANDOM_LEN..];
        if said == TEMP_SUFFIX {
            return Some(Stale::Temporary);
        }
        let said = said.strip_suffix(ASIDE_SUFFIX)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::replace::reserve_aside;
    use crate::output::testutil::names;
    use crate::output::{AtomicDir, AtomicFile};

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
        assert_eq!(Stale::named(".corpack-ab!123-out.old"), None);
        assert_eq!(Stale::named(".corpack-abc123.tmp"), Some(Stale::Temporary));
        assert_eq!(Stale::named(".corpack-abc1234.tmp"), None);
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
        for mine in [
            ".corpack-my-notes.tmp",
            ".corpack-ab.tmp",
            ".corpack-abc12!.tmp",
        ] {
            fs::write(dir.path().join(mine), b"not ours either").unwrap();
        }

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
            [
                ".corpack-ab.tmp",
                ".corpack-abc12!.tmp",
                ".corpack-busy01.tmp",
                ".corpack-my-notes.tmp",
                ".corpack-note.txt",
                "out.zip"
            ]
        );
        drop(writer);
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
}
