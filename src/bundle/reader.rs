//! Reading a bag where it lies: a directory, or a zip read in place.
//!
//! [`BagStore`] hides the difference. Paths are relative to the bag root
//! and `/`-separated, exactly as stored (no normalization): judging them is
//! verify's job.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use zip::ZipArchive;

use crate::error::{Error, IoContext, Result};

/// A file of a bag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    /// Path relative to the bag root, `/`-separated.
    pub path: String,
    /// Size in bytes, as the store declares it.
    pub size: u64,
}

/// Something that holds a bag's files.
pub trait BagStore: Sync {
    /// The directory or zip file.
    fn location(&self) -> &Path;

    /// Every regular file of the bag, sorted by path.
    fn files(&self) -> &[StoredFile];

    /// Calls `read` with a reader of the file at `path`.
    fn read_with(
        &self,
        path: &str,
        read: &mut dyn FnMut(&mut dyn Read) -> io::Result<()>,
    ) -> io::Result<()>;

    /// The whole content of a (small) file.
    fn read_all(&self, path: &str) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.read_with(path, &mut |reader| reader.read_to_end(&mut bytes).map(drop))?;
        Ok(bytes)
    }

    /// Whether the bag has a file at `path`.
    fn contains(&self, path: &str) -> bool {
        self.files()
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .is_ok()
    }
}

/// Opens the bag at `path`: a directory, or a zip holding the bag at its
/// root or in a single top-level directory.
pub fn open(path: &Path) -> Result<Box<dyn BagStore>> {
    let metadata = path.metadata().at(path)?;
    if metadata.is_dir() {
        Ok(Box::new(DirectoryBag::open(path)?))
    } else {
        Ok(Box::new(ZipBag::open(path)?))
    }
}

/// A bag in a directory.
pub struct DirectoryBag {
    root: PathBuf,
    files: Vec<StoredFile>,
}

impl DirectoryBag {
    /// Lists the files under `root`.
    pub fn open(root: &Path) -> Result<DirectoryBag> {
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(root).follow_links(false) {
            let entry = entry.map_err(|error| {
                let at = error.path().unwrap_or(root).to_path_buf();
                Error::io(at, error.into())
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry
                .path()
                .strip_prefix(root)
                .expect("walkdir yields paths under its root");
            let path = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let size = entry
                .metadata()
                .map_err(|e| Error::io(entry.path(), e.into()))?
                .len();
            files.push(StoredFile { path, size });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(DirectoryBag {
            root: root.to_path_buf(),
            files,
        })
    }
}

impl BagStore for DirectoryBag {
    fn location(&self) -> &Path {
        &self.root
    }

    fn files(&self) -> &[StoredFile] {
        &self.files
    }

    fn read_with(
        &self,
        path: &str,
        read: &mut dyn FnMut(&mut dyn Read) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut file = File::open(self.root.join(path))?;
        read(&mut file)
    }
}

/// A bag inside a zip file, read without extracting.
pub struct ZipBag {
    location: PathBuf,
    archive: ZipArchive<SharedFile>,
    /// Entry name prefix of the bag root: `""` or `"<top>/"`.
    prefix: String,
    files: Vec<StoredFile>,
    /// Zip entry index of each file, in the order of `files`.
    indexes: Vec<usize>,
}

impl ZipBag {
    /// Reads the zip's central directory and finds the bag in it.
    pub fn open(location: &Path) -> Result<ZipBag> {
        let file = File::open(location).at(location)?;
        let archive = ZipArchive::new(SharedFile::new(file)).map_err(|error| {
            Error::unreadable(location, format!("not a readable zip archive: {error}"))
        })?;
        let mut names = Vec::with_capacity(archive.len());
        for index in 0..archive.len() {
            let mut archive = archive.clone();
            let entry = archive.by_index_raw(index).map_err(|error| {
                Error::unreadable(location, format!("zip entry {index}: {error}"))
            })?;
            let name = entry
                .name()
                .map_err(|error| {
                    Error::unreadable(location, format!("zip entry {index}: {error}"))
                })?
                .into_owned();
            if !entry.is_dir() {
                names.push((name, entry.size(), index));
            }
        }
        let prefix =
            bag_prefix(names.iter().map(|(name, _, _)| name.as_str())).ok_or_else(|| {
                Error::unreadable(
                    location,
                    "no bagit.txt at the root of the zip or in a single top-level directory",
                )
            })?;
        let mut listed: Vec<(StoredFile, usize)> = names
            .into_iter()
            .filter_map(|(name, size, index)| {
                let path = name.strip_prefix(&prefix)?.to_string();
                Some((StoredFile { path, size }, index))
            })
            .collect();
        listed.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        let (files, indexes) = listed.into_iter().unzip();
        Ok(ZipBag {
            location: location.to_path_buf(),
            archive,
            prefix,
            files,
            indexes,
        })
    }

    /// The entry name prefix of the bag root, `""` or `"<top>/"`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

/// The bag root inside a zip: the root itself if it has `bagit.txt`, else
/// the one top-level directory every entry is in, if it has `bagit.txt`.
fn bag_prefix<'a>(names: impl Iterator<Item = &'a str> + Clone) -> Option<String> {
    if names.clone().any(|name| name == "bagit.txt") {
        return Some(String::new());
    }
    let mut tops = names
        .clone()
        .map(|name| name.split_once('/').map(|(top, _)| top));
    let top = tops.next()??;
    if !tops.all(|t| t == Some(top)) {
        return None;
    }
    let prefix = format!("{top}/");
    let bagit = format!("{prefix}bagit.txt");
    names.clone().any(|name| name == bagit).then_some(prefix)
}

impl BagStore for ZipBag {
    fn location(&self) -> &Path {
        &self.location
    }

    fn files(&self) -> &[StoredFile] {
        &self.files
    }

    fn read_with(
        &self,
        path: &str,
        read: &mut dyn FnMut(&mut dyn Read) -> io::Result<()>,
    ) -> io::Result<()> {
        let position = self
            .files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .map_err(|_| io::Error::new(io::ErrorKind::NotFound, format!("no entry {path:?}")))?;
        let mut archive = self.archive.clone();
        let mut entry = archive
            .by_index(self.indexes[position])
            .map_err(io::Error::other)?;
        read(&mut entry)
    }
}

/// A file shared between threads, each clone reading at its own position.
#[derive(Clone)]
struct SharedFile {
    file: Arc<File>,
    position: u64,
    len: u64,
}

impl SharedFile {
    fn new(file: File) -> SharedFile {
        let len = file.metadata().map_or(0, |m| m.len());
        SharedFile {
            file: Arc::new(file),
            position: 0,
            len,
        }
    }
}

impl Read for SharedFile {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let n = read_at(&self.file, buffer, self.position)?;
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let position = match to {
            SeekFrom::Start(offset) => Some(offset),
            SeekFrom::End(delta) => self.len.checked_add_signed(delta),
            SeekFrom::Current(delta) => self.position.checked_add_signed(delta),
        };
        self.position = position.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )
        })?;
        Ok(self.position)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buffer, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buffer, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_bag_root_in_a_zip() {
        let prefix = |names: &[&str]| bag_prefix(names.iter().copied());
        assert_eq!(prefix(&["bagit.txt", "data/a"]), Some(String::new()));
        assert_eq!(prefix(&["b/bagit.txt", "b/data/a"]), Some("b/".into()));
        assert_eq!(prefix(&["b/bagit.txt", "c/x"]), None);
        assert_eq!(prefix(&["b/data/a"]), None);
        assert_eq!(prefix(&[]), None);
    }
}
