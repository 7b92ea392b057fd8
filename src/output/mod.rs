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
//! temporary directory inside it, then moved into place together, all or
//! none: a move that fails undoes those before it ([`AtomicFiles`]).
//! Another run may remove a new temporary file or directory before its
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
//! there is of its target. [`AtomicFiles`] sets aside what its files
//! replace in their own directories, below the target: those are cleaned
//! when asked ([`AtomicFiles::remove_stale_beside`]).
//!
//! The output gets the permissions an ordinary new file would (`0666`
//! less the umask). It is synced before it is renamed, a directory with
//! all it holds, and the rename is made durable by syncing the directory
//! it is in.
//!
//! Every temporary output being written, these and the OCFL export's build
//! directory, is on a list, so that a run interrupted by a signal removes
//! them before it exits ([`remove_temporaries`]).

mod dir;
mod file;
mod lock;
mod moves;
mod replace;
mod stale;
mod sync;
mod temporaries;
#[cfg(test)]
mod testutil;

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

pub use self::dir::{AtomicDir, AtomicFiles};
pub use self::file::AtomicFile;
pub(crate) use self::lock::still_named;
pub(crate) use self::replace::{put_dir_in_place, rename_noreplace};
pub(crate) use self::sync::{TreeSync, sync_dir};
pub use self::temporaries::{Interrupted, remove_temporaries};
pub(crate) use self::temporaries::{Temporary, create_dirs_in_temporary, uninterrupted};

/// The prefix of corpack's temporary files, so they can be recognised.
pub const TEMP_PREFIX: &str = ".corpack-";
/// The suffix of corpack's temporary files.
pub const TEMP_SUFFIX: &str = ".tmp";
/// The suffix of an old target renamed aside to be replaced:
/// `.corpack-XXXXXX-<target's name>.old`.
pub const ASIDE_SUFFIX: &str = ".old";
/// The length of the random part of corpack's temporary names.
const RANDOM_LEN: usize = 6;

/// `error`, met writing under `temporary`, a directory that becomes
/// `target`, naming the place its file would have had under `target`: the
/// temporary name means nothing to the user, and is gone once the run has
/// failed.
pub fn named_in_place(error: Error, temporary: &Path, target: &Path) -> Error {
    match error {
        Error::Io { path, error } => {
            let path = match path.strip_prefix(temporary) {
                Ok(rest) => target.join(rest),
                Err(_) => path,
            };
            Error::Io { path, error }
        }
        other => other,
    }
}

/// Fails if `target`, where a file is to be put, is a directory or a
/// special file: a file is not put in place of one, `--force` or not.
pub fn refuse_non_file(target: &Path) -> Result<()> {
    if target.is_dir() {
        let error = io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory, where the output is a file: give the file's name (DIR/NAME)",
        );
        return Err(Error::io(target, error));
    }
    refuse_special_file(target)
}

/// Fails if `target`, followed through links, is a FIFO, a socket or a
/// device: renaming an output over one (`-o /dev/stdout --force`) would
/// remove it from the system, where its user meant to write into it.
pub fn refuse_special_file(target: &Path) -> Result<()> {
    match target.metadata() {
        Ok(metadata) if !metadata.is_file() && !metadata.is_dir() => {
            let error = io::Error::new(
                io::ErrorKind::InvalidInput,
                "is a FIFO, socket or device, which an output never replaces",
            );
            Err(Error::io(target, error))
        }
        _ => Ok(()),
    }
}

/// Fails if writing `output` could destroy `input`, which the command only
/// reads: if it is the same file or directory, a directory holding it
/// (which `--force` would replace), or a place inside it.
pub fn refuse_to_replace(output: &Path, input: &Path) -> Result<()> {
    // A missing input fails when it is read.
    let Ok(read) = input.canonicalize() else {
        return Ok(());
    };
    // No directory above it can be found: it fails when made.
    let Some(written) = written_path(output) else {
        return Ok(());
    };
    if read.starts_with(&written) || written.starts_with(&read) {
        return Err(Error::OutputOverInput {
            output: output.to_path_buf(),
            input: input.to_path_buf(),
        });
    }
    Ok(())
}

/// Fails if one of `outputs`, places written into and never replaced, is
/// `input` or lies inside it (through links too): what is written there
/// would change what the command only reads. Around it is left alone, and
/// so allowed.
pub fn refuse_to_write_into<P: AsRef<Path>>(
    outputs: impl IntoIterator<Item = P>,
    input: &Path,
) -> Result<()> {
    let Ok(read) = input.canonicalize() else {
        return Ok(());
    };
    for output in outputs {
        let output = output.as_ref();
        let Some(written) = written_path(output) else {
            continue;
        };
        if written == read {
            return Err(Error::OutputOverInput {
                output: output.to_path_buf(),
                input: input.to_path_buf(),
            });
        }
        if written.starts_with(&read) {
            return Err(Error::OutputIntoInput {
                output: output.to_path_buf(),
                input: input.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// Where writing `output` puts what is written, worked out from its
/// nearest directory that exists, so that an output in directories not
/// made yet is judged before anything is made. A directory there (a file
/// is never put in its place) is judged by its real path; otherwise the
/// output goes into its parent, and a link at its name is replaced, not
/// followed. `None` when no directory above it can be found.
pub(crate) fn written_path(output: &Path) -> Option<PathBuf> {
    match output.canonicalize() {
        Ok(real) if real.is_dir() => Some(real),
        _ => match output.file_name() {
            Some(name) => real_path(&parent_dir(output)).map(|parent| parent.join(name)),
            None => real_path(output),
        },
    }
}

/// Where `path` is, or would be once the directories it names were made:
/// the real path of its nearest ancestor that exists (`.` for a relative
/// path with none), every link resolved, then the rest of it, read as it
/// is written; a `..` there takes off the name before it, a directory that
/// does not exist and so cannot be a link. `None` when not even that
/// ancestor can be resolved.
pub(crate) fn real_path(path: &Path) -> Option<PathBuf> {
    for ancestor in path.ancestors() {
        let at = if ancestor.as_os_str().is_empty() {
            Path::new(".")
        } else {
            ancestor
        };
        let Ok(mut real) = at.canonicalize() else {
            continue;
        };
        let rest = path.strip_prefix(ancestor).expect("one of its ancestors");
        for component in rest.components() {
            match component {
                Component::ParentDir => {
                    real.pop();
                }
                Component::Normal(name) => real.push(name),
                Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            }
        }
        return Some(real);
    }
    None
}

/// The error of making a temporary file or directory in `dir`, naming
/// `dir`: tempfile's message also names the temporary file, which is no
/// concern of the user's.
pub(crate) fn temporary_error(dir: &Path, error: io::Error) -> Error {
    let message = error.to_string();
    let message = message.split(" at path ").next().unwrap_or_default();
    Error::io(dir, io::Error::new(error.kind(), message))
}

/// The directory `path` is in: `.` for a bare name.
pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Removes `path`: a directory with all it holds if `is_dir`, else a file.
pub(crate) fn remove_path(path: &Path, is_dir: bool) -> io::Result<()> {
    if is_dir {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::names;
    use super::*;

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
        // Inside it, in directories not made yet.
        assert!(refused(&bag.join("new/deeper/export"), &bag));
        assert!(refused(&bag.join("new/../export"), &bag));
        assert!(!refused(&bag.join("new/../../out"), &bag));
        // A link at the output's name is replaced, not followed.
        #[cfg(unix)]
        {
            let link = dir.path().join("link.csv");
            std::os::unix::fs::symlink("bundle.zip", &link).unwrap();
            assert!(!refused(&link, &bundle));
            let bag_link = dir.path().join("bag-link");
            std::os::unix::fs::symlink("bag", &bag_link).unwrap();
            assert!(refused(&bag_link, &bag));
        }
    }

    #[test]
    fn a_real_path_resolves_what_exists_and_reads_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        fs::create_dir(dir.path().join("a")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("a", dir.path().join("link")).unwrap();
        let resolved = |path: &str| real_path(&dir.path().join(path)).unwrap();
        assert_eq!(resolved("a"), real.join("a"));
        assert_eq!(resolved("a/new/x"), real.join("a/new/x"));
        assert_eq!(resolved("a/new/../x"), real.join("a/x"));
        assert_eq!(resolved("a/new/../../x"), real.join("x"));
        assert_eq!(resolved("a/.."), real);
        #[cfg(unix)]
        assert_eq!(resolved("link/new/x"), real.join("a/new/x"));
        let cwd = std::env::current_dir().unwrap().canonicalize().unwrap();
        assert_eq!(real_path(Path::new("new.zip")), Some(cwd.join("new.zip")));
        assert_eq!(real_path(Path::new("")), Some(cwd));
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
}
