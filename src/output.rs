//! Writing outputs atomically: into a temporary file (or directory) beside
//! the target, renamed into place only when complete.

use std::fs::File;
use std::path::{Path, PathBuf};

use tempfile::{NamedTempFile, TempDir};

use crate::error::{Error, IoContext, Result};

/// The prefix of corpack's temporary files, so they can be recognised.
pub const TEMP_PREFIX: &str = ".corpack-";

/// An output file being written. Dropped without [`AtomicFile::commit`],
/// its temporary file is removed and the target is untouched.
pub struct AtomicFile {
    temp: NamedTempFile,
    target: PathBuf,
    dir: PathBuf,
    overwrite: bool,
}

impl AtomicFile {
    /// Starts writing `target`. Fails at once if it exists and `overwrite`
    /// is false, before any work is done.
    pub fn create(target: &Path, overwrite: bool) -> Result<AtomicFile> {
        if !overwrite && target.symlink_metadata().is_ok() {
            return Err(Error::OutputExists(target.to_path_buf()));
        }
        let dir = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(".tmp")
            .tempfile_in(&dir)
            .at(&dir)?;
        Ok(AtomicFile {
            temp,
            target: target.to_path_buf(),
            dir,
            overwrite,
        })
    }

    /// A handle on the temporary file.
    pub fn file(&self) -> Result<File> {
        self.temp.as_file().try_clone().at(self.temp.path())
    }

    /// The directory of the target (and of the temporary file).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Moves the complete file into place.
    pub fn commit(self) -> Result<()> {
        self.temp.as_file().sync_all().at(self.temp.path())?;
        let target = self.target;
        let persisted = if self.overwrite {
            self.temp.persist(&target)
        } else {
            self.temp.persist_noclobber(&target)
        };
        match persisted {
            Ok(_) => Ok(()),
            Err(error) if error.error.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(Error::OutputExists(target))
            }
            Err(error) => Err(Error::io(target, error.error)),
        }
    }
}

/// An output directory being written. Dropped without
/// [`AtomicDir::commit`], its temporary directory is removed and the target
/// is untouched.
pub struct AtomicDir {
    temp: TempDir,
    target: PathBuf,
    dir: PathBuf,
    overwrite: bool,
}

impl AtomicDir {
    /// Starts writing the directory `target`. Fails at once if it exists
    /// and `overwrite` is false.
    pub fn create(target: &Path, overwrite: bool) -> Result<AtomicDir> {
        if !overwrite && target.symlink_metadata().is_ok() {
            return Err(Error::OutputExists(target.to_path_buf()));
        }
        let dir = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(".tmp")
            .tempdir_in(&dir)
            .at(&dir)?;
        Ok(AtomicDir {
            temp,
            target: target.to_path_buf(),
            dir,
            overwrite,
        })
    }

    /// The temporary directory to write into.
    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    /// Moves the complete directory into place. An existing target (only
    /// with `overwrite`) is first renamed aside, then removed once the new
    /// one is in place, so the target is never missing or half-written.
    pub fn commit(self) -> Result<()> {
        let target = self.target;
        let existing = target.symlink_metadata().is_ok();
        if existing && !self.overwrite {
            return Err(Error::OutputExists(target));
        }
        let aside = if existing {
            let aside = tempfile::Builder::new()
                .prefix(TEMP_PREFIX)
                .suffix(".old")
                .tempdir_in(&self.dir)
                .at(&self.dir)?
                .keep();
            // The placeholder is replaced by the old target.
            std::fs::remove_dir(&aside).at(&aside)?;
            std::fs::rename(&target, &aside).at(&target)?;
            Some(aside)
        } else {
            None
        };
        let temp = self.temp.keep();
        std::fs::rename(&temp, &target).at(&target)?;
        if let Some(aside) = aside {
            let removed = if aside.is_dir() {
                std::fs::remove_dir_all(&aside)
            } else {
                std::fs::remove_file(&aside)
            };
            removed.at(&aside)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn nothing_is_left_unless_committed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.zip");
        {
            let out = AtomicFile::create(&target, false).unwrap();
            out.file().unwrap().write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
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
}
