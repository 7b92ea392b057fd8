//! A bag in a directory. Symbolic links are never followed: a link is a
//! finding, not a file, whether it points inside the bag or outside it, and
//! files are opened without following a link that replaced them since the
//! listing.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::{BagStore, InPayload, StoredFile, StoredFiles, UnusableFile};
use crate::bagit::path::unsafe_reason;
use crate::error::{Error, Result};
use crate::finding::{Code, Finding};

/// A bag in a directory.
pub struct DirectoryBag {
    root: PathBuf,
    files: StoredFiles,
    unusable: Vec<UnusableFile>,
    dirs: HashSet<String>,
    findings: Vec<Finding>,
}

impl DirectoryBag {
    /// Lists the files under `root`. Only an unreadable `root` is an error;
    /// what is wrong below it is a finding.
    pub fn open(root: &Path) -> Result<DirectoryBag> {
        let mut bag = DirectoryBag {
            root: root.to_path_buf(),
            files: StoredFiles::default(),
            unusable: Vec::new(),
            dirs: HashSet::new(),
            findings: Vec::new(),
        };
        let mut unusable_dir: Option<PathBuf> = None;
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(root).follow_links(false) {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) if error.depth() == 0 => {
                    let at = error.path().unwrap_or(root).to_path_buf();
                    return Err(Error::io(at, error.into()));
                }
                Err(error) => {
                    let path = error
                        .path()
                        .map(|p| bag.relative_lossy(p))
                        .unwrap_or_default();
                    bag.findings.push(Finding::error(
                        Code::FileUnreadable,
                        path,
                        format!("cannot be listed: {}", io::Error::from(error)),
                    ));
                    continue;
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            let file_type = entry.file_type();
            // What is under a directory whose name cannot be used has its
            // finding; its files are only counted, for Payload-Oxum.
            if unusable_dir
                .as_ref()
                .is_some_and(|dir| entry.path().starts_with(dir))
            {
                if file_type.is_file() {
                    bag.count_unusable(&entry);
                }
                continue;
            }
            let Some(path) = bag.relative(entry.path()) else {
                if file_type.is_dir() {
                    unusable_dir = Some(entry.path().to_path_buf());
                } else if file_type.is_file() {
                    bag.count_unusable(&entry);
                }
                continue;
            };
            if file_type.is_dir() {
                bag.dirs.insert(path);
            } else if file_type.is_file() {
                if let Some(size) = bag.size(&entry) {
                    files.push((path, size));
                }
            } else {
                let what = match fs::read_link(entry.path()) {
                    Ok(target) => format!(
                        "a symbolic link (to {}); links are never followed",
                        target.display()
                    ),
                    Err(_) => "not a regular file (a FIFO, socket or device)".to_string(),
                };
                bag.findings
                    .push(Finding::error(Code::NotRegularFile, path, what));
            }
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        bag.files = (files.iter())
            .map(|(path, size)| StoredFile {
                path,
                size: *size,
                readable: true,
            })
            .collect();
        Ok(bag)
    }

    /// The bag path of `path`, or `None` (with a finding) if its name is
    /// not UTF-8 or cannot be used in a bag.
    fn relative(&mut self, path: &Path) -> Option<String> {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        let Some(text) = relative.to_str() else {
            self.findings.push(Finding::error(
                Code::NameNotUtf8,
                self.relative_lossy(path),
                "the name is not valid UTF-8, so no manifest can name it",
            ));
            return None;
        };
        let text = text.replace(std::path::MAIN_SEPARATOR, "/");
        if let Some(why) = unsafe_reason(&text) {
            self.findings.push(Finding::error(
                Code::UnsafePath,
                &text,
                format!("the name cannot be used in a bag: {why}"),
            ));
            return None;
        }
        Some(text)
    }

    /// The size of the regular file `entry`, or `None` (with a finding) if
    /// it cannot be read.
    fn size(&mut self, entry: &walkdir::DirEntry) -> Option<u64> {
        match entry.metadata() {
            Ok(metadata) => Some(metadata.len()),
            Err(error) => {
                self.findings.push(Finding::error(
                    Code::FileUnreadable,
                    self.relative_lossy(entry.path()),
                    format!("cannot be read: {}", io::Error::from(error)),
                ));
                None
            }
        }
    }

    /// Counts the regular file `entry`, whose name, or a directory's above
    /// it, cannot be used.
    fn count_unusable(&mut self, entry: &walkdir::DirEntry) {
        let in_payload = if self.relative_lossy(entry.path()).starts_with("data/") {
            InPayload::Yes
        } else {
            InPayload::No
        };
        if let Some(size) = self.size(entry) {
            self.unusable.push(UnusableFile { size, in_payload });
        }
    }

    /// The bag path of `path` for messages, with invalid UTF-8 replaced.
    fn relative_lossy(&self, path: &Path) -> String {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }
}

impl BagStore for DirectoryBag {
    fn location(&self) -> &Path {
        &self.root
    }

    fn files(&self) -> &StoredFiles {
        &self.files
    }

    fn findings(&self) -> &[Finding] {
        &self.findings
    }

    fn unusable_files(&self) -> &[UnusableFile] {
        &self.unusable
    }

    fn is_dir(&self, path: &str) -> bool {
        self.dirs.contains(path)
    }

    fn read_with(
        &self,
        path: &str,
        read: &mut dyn FnMut(&mut dyn Read) -> io::Result<()>,
    ) -> io::Result<()> {
        read(&mut self.stream(path)?)
    }

    fn stream(&self, path: &str) -> io::Result<Box<dyn Read + Send + '_>> {
        if !self.contains(path) {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{path:?} is not a file of the bag"),
            ));
        }
        Ok(Box::new(open_regular(&self.root.join(path))?))
    }
}

/// Opens a regular file for reading, refusing a symbolic link in its last
/// component and anything that is not a regular file (without blocking on
/// a FIFO).
fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "no longer a regular file",
        ));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_files_and_directories_but_reads_only_listed_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("data/empty")).unwrap();
        fs::write(dir.path().join("data/a.txt"), "a").unwrap();
        fs::write(dir.path().join("bagit.txt"), "b").unwrap();
        let bag = DirectoryBag::open(dir.path()).unwrap();
        let paths: Vec<_> = bag.files().paths().collect();
        assert_eq!(paths, ["bagit.txt", "data/a.txt"]);
        assert!(bag.is_dir("data") && bag.is_dir("data/empty") && !bag.is_dir("bagit.txt"));
        assert_eq!(bag.read_all("data/a.txt").unwrap(), b"a");
        for unlisted in ["data", "../x", "data/../bagit.txt", "missing"] {
            let error = bag.read_all(unlisted).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::NotFound, "{unlisted}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_and_odd_names_are_findings_not_files() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret"), "s").unwrap();
        fs::create_dir_all(dir.path().join("data")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("data/link"))
            .unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("data/dirlink")).unwrap();
        let bad = std::ffi::OsStr::from_bytes(b"data/\xff.txt");
        fs::write(dir.path().join(bad), "x").unwrap();
        fs::write(dir.path().join("data/back\\slash"), "x").unwrap();
        let bag = DirectoryBag::open(dir.path()).unwrap();
        assert!(bag.files().is_empty(), "{:?}", bag.files());
        let mut codes: Vec<_> = bag
            .findings()
            .iter()
            .map(|f| (f.code, f.path.as_str()))
            .collect();
        codes.sort();
        assert_eq!(
            codes,
            [
                (Code::UnsafePath, "data/back\\slash"),
                (Code::NameNotUtf8, "data/\u{fffd}.txt"),
                (Code::NotRegularFile, "data/dirlink"),
                (Code::NotRegularFile, "data/link"),
            ]
        );
        assert!(bag.read_all("data/link").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_replaced_by_a_link_after_listing_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a"), "a").unwrap();
        let bag = DirectoryBag::open(dir.path()).unwrap();
        fs::remove_file(dir.path().join("a")).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("a")).unwrap();
        assert!(bag.read_all("a").is_err());
    }
}
