//! A single output file ([`AtomicFile`]): written into a locked temporary
//! file beside its target, and renamed into place when complete.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::lock::still_named;
use super::replace::appeared_meanwhile;
use super::stale::remove_stale;
use super::sync::sync_dir;
use super::temporaries::{Temporary, uninterrupted};
use super::{TEMP_PREFIX, TEMP_SUFFIX, parent_dir, refuse_non_file, temporary_error};
use crate::error::{Error, IoContext, Result};

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
        refuse_non_file(target)?;
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
    builder
        .tempfile_in(dir)
        .map_err(|error| temporary_error(dir, error))
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::output::testutil::names;

    #[test]
    fn a_file_output_may_not_be_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        for overwrite in [false, true] {
            let error = AtomicFile::create(dir.path(), overwrite).err().unwrap();
            let message = "is a directory, where the output is a file: give the file's name";
            assert!(error.to_string().contains(message), "{error}");
        }
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
