//! Reading a bag where it lies: a directory, or a zip read in place.
//!
//! [`BagStore`] hides the difference. Paths are relative to the bag root
//! and `/`-separated, exactly as stored (no normalization): judging them
//! against the manifests is verify's job. What cannot be a file of the bag
//! at all (a name that could leave it, a name that is not UTF-8, a link, an
//! encrypted zip entry, …) is reported by the store as a [`Finding`] when it
//! is opened, and left out of [`BagStore::files`] or marked unreadable: no
//! caller can read it by mistake. A regular file left out for its name is
//! still counted, for Payload-Oxum ([`BagStore::unusable_files`]).

mod directory;
mod zip;

use std::cmp::Ordering;
use std::fmt;
use std::io::{self, Read};
use std::path::Path;

pub use self::directory::DirectoryBag;
pub use self::zip::{MAX_INFLATION_RATIO, ZipBag};
use crate::error::{Error, IoContext, Result};
use crate::finding::{Code, Finding};

/// The most [`BagStore::read_all`] reads: it is for small files (tag files,
/// RO-Crate metadata), never for payload.
pub const READ_ALL_LIMIT: u64 = 256 << 20;

/// A file of a bag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredFile<'a> {
    /// Path relative to the bag root, `/`-separated.
    pub path: &'a str,
    /// Size in bytes, as the store declares it.
    pub size: u64,
    /// False when the store has already reported (in
    /// [`BagStore::findings`]) why this file cannot be read: an encrypted
    /// zip entry, an unsupported compression method, an impossible size.
    pub readable: bool,
}

/// The files of a bag, sorted by path: their paths in one text, about 17
/// bytes a file beside it, where a list of [`StoredFile`]s owning their
/// paths took about 90 (14 MB of verify's peak at 160,000 files).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredFiles {
    paths: String,
    /// Where each path ends in `paths`.
    ends: Vec<usize>,
    sizes: Vec<u64>,
    readable: Vec<bool>,
}

/// Files added after those held, in path order, each path once: the order
/// in which a store keeps what else it knows of each (a zip entry's data).
impl<'a> Extend<StoredFile<'a>> for StoredFiles {
    fn extend<I: IntoIterator<Item = StoredFile<'a>>>(&mut self, files: I) {
        for file in files {
            let last = self.len().checked_sub(1).map(|last| self.get(last).path);
            debug_assert!(last.is_none_or(|last| last < file.path), "{last:?}");
            self.paths.push_str(file.path);
            self.ends.push(self.paths.len());
            self.sizes.push(file.size);
            self.readable.push(file.readable);
        }
    }
}

impl<'a> FromIterator<StoredFile<'a>> for StoredFiles {
    fn from_iter<I: IntoIterator<Item = StoredFile<'a>>>(files: I) -> StoredFiles {
        let mut stored = StoredFiles::default();
        stored.extend(files);
        stored
    }
}

impl StoredFiles {
    /// How many files there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The file at `index`, which must be less than [`StoredFiles::len`].
    pub fn get(&self, index: usize) -> StoredFile<'_> {
        let start = index.checked_sub(1).map_or(0, |before| self.ends[before]);
        StoredFile {
            path: &self.paths[start..self.ends[index]],
            size: self.sizes[index],
            readable: self.readable[index],
        }
    }

    /// Every file, in path order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = StoredFile<'_>> + Clone {
        (0..self.len()).map(|index| self.get(index))
    }

    /// Every file's path, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> + Clone {
        self.iter().map(|file| file.path)
    }

    /// The index of the file at `path`, if there is one.
    pub fn position(&self, path: &str) -> Option<usize> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.get(middle).path.cmp(path) {
                Ordering::Less => low = middle + 1,
                Ordering::Greater => high = middle,
                Ordering::Equal => return Some(middle),
            }
        }
        None
    }
}

/// A regular file left out of [`BagStore::files`] for its name, which a
/// finding of the store gives: what Payload-Oxum needs of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnusableFile {
    /// Size in bytes, as the store declares it.
    pub size: u64,
    /// Whether it is a payload file.
    pub in_payload: InPayload,
}

/// Whether a file is in the payload, as far as its name tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InPayload {
    /// It is under `data/`.
    Yes,
    /// It is not.
    No,
    /// It is under `data/` by one reading of its name and not by another:
    /// a zip entry named `data\x` (a backslash is a separator on Windows),
    /// or with `..`, or outside the bag's top directory.
    Perhaps,
}

/// Something that holds a bag's files.
pub trait BagStore: Sync {
    /// The directory or zip file.
    fn location(&self) -> &Path;

    /// Every regular file of the bag that has a usable name, sorted by path.
    fn files(&self) -> &StoredFiles;

    /// What was found wrong while listing the bag.
    fn findings(&self) -> &[Finding];

    /// The path in the bag that a finding of [`BagStore::findings`] names,
    /// if it names one: a zip's name entries as the archive does, with the
    /// bag's top directory.
    fn bag_path_of<'a>(&self, finding_path: &'a str) -> Option<&'a str> {
        Some(finding_path)
    }

    /// The regular files left out of [`BagStore::files`] for their names
    /// (each has its finding).
    fn unusable_files(&self) -> &[UnusableFile] {
        &[]
    }

    /// Why the store holds no bag directory, when it knows more than that
    /// `bagit.txt` is absent: a zip whose entries are in several top-level
    /// directories.
    fn no_bag_directory(&self) -> Option<&str> {
        None
    }

    /// Whether the bag has a directory at `path` (no trailing `/`).
    fn is_dir(&self, path: &str) -> bool;

    /// Calls `read` with a reader of the file at `path`, one of
    /// [`BagStore::files`]; any other path is `NotFound`. Damage found while
    /// reading is an error carrying an [`EntryError`].
    fn read_with(
        &self,
        path: &str,
        read: &mut dyn FnMut(&mut dyn Read) -> io::Result<()>,
    ) -> io::Result<()>;

    /// A reader of the file at `path`, as [`BagStore::read_with`] gives,
    /// that can be held beside others and read from any thread: for
    /// reading large files side by side. (`read_with` may be faster for a
    /// small file.)
    fn stream(&self, path: &str) -> io::Result<Box<dyn Read + Send + '_>>;

    /// The whole content of a small file, at most [`READ_ALL_LIMIT`] bytes.
    fn read_all(&self, path: &str) -> io::Result<Vec<u8>> {
        // Sized from the size declared, so that a large file (an RO-Crate
        // of many documents) is not copied as it grows.
        let declared = self.file(path).map_or(0, |file| file.size);
        let mut bytes = Vec::with_capacity(declared.min(READ_ALL_LIMIT + 1) as usize);
        self.read_with(path, &mut |reader| {
            reader
                .take(READ_ALL_LIMIT + 1)
                .read_to_end(&mut bytes)
                .map(drop)
        })?;
        if bytes.len() as u64 > READ_ALL_LIMIT {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("larger than {READ_ALL_LIMIT} bytes, too large to read whole"),
            ));
        }
        Ok(bytes)
    }

    /// The index in [`BagStore::files`] of the file at `path`, if the bag
    /// has it.
    fn position(&self, path: &str) -> Option<usize> {
        self.files().position(path)
    }

    /// The file at `path`, if the bag has it.
    fn file(&self, path: &str) -> Option<StoredFile<'_>> {
        self.position(path).map(|at| self.files().get(at))
    }

    /// Whether the bag has a file at `path`.
    fn contains(&self, path: &str) -> bool {
        self.file(path).is_some()
    }
}

/// What `parse` makes of the file at `path` in `store`, read as a stream;
/// an error if the file cannot be opened.
pub fn parse_with<T>(
    store: &dyn BagStore,
    path: &str,
    parse: impl FnOnce(&mut dyn Read) -> T,
) -> io::Result<T> {
    let mut parse = Some(parse);
    let mut parsed = None;
    store.read_with(path, &mut |reader| {
        let parse = parse.take().expect("read_with calls back once");
        parsed = Some(parse(reader));
        Ok(())
    })?;
    Ok(parsed.expect("read_with called back"))
}

/// Opens the bag at `path`: a directory, or a zip holding the bag at its
/// root or in a single top-level directory.
pub fn open(path: &Path) -> Result<Box<dyn BagStore>> {
    let metadata = crate::collection::metadata_saying_why(path).at(path)?;
    if metadata.is_dir() {
        Ok(Box::new(DirectoryBag::open(path)?))
    } else if metadata.is_file() {
        Ok(Box::new(ZipBag::open(path)?))
    } else {
        Err(Error::unreadable(
            path,
            "neither a directory nor a regular file (a FIFO or device is not read)",
        ))
    }
}

/// Damage found while reading one file of a bag: carried inside the
/// `io::Error` that [`BagStore::read_with`] returns, so that the finding
/// gets its own code.
#[derive(Debug)]
pub struct EntryError {
    /// The code of the finding.
    pub code: Code,
    /// What is wrong.
    pub message: String,
}

impl EntryError {
    /// An `io::Error` carrying this damage.
    pub fn into_io(code: Code, message: impl Into<String>) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            EntryError {
                code,
                message: message.into(),
            },
        )
    }
}

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EntryError {}

/// The finding for a failed read of `path`: the code of its
/// [`EntryError`], or [`Code::FileUnreadable`] for an I/O error.
pub fn read_error_finding(path: &str, error: &io::Error) -> Finding {
    match error.get_ref().and_then(|e| e.downcast_ref::<EntryError>()) {
        Some(damage) => Finding::error(damage.code, path, damage.message.clone()),
        None => Finding::error(
            Code::FileUnreadable,
            path,
            format!("cannot be read: {error}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn stored_files_are_kept_and_found_by_path(
            paths in proptest::collection::btree_set("[ab/é]{0,4}", 0..30),
        ) {
            fn file(at: usize, path: &str) -> StoredFile<'_> {
                StoredFile { path, size: at as u64, readable: !at.is_multiple_of(3) }
            }
            let files: StoredFiles = (paths.iter().enumerate()).map(|(at, path)| file(at, path)).collect();
            prop_assert_eq!(files.len(), paths.len());
            prop_assert_eq!(files.is_empty(), paths.is_empty());
            prop_assert!(files.paths().eq(paths.iter().map(String::as_str)));
            for (at, (stored, path)) in files.iter().zip(&paths).enumerate() {
                let expected = file(at, path);
                prop_assert_eq!(stored, expected);
                prop_assert_eq!(files.get(at), expected);
                prop_assert_eq!(files.position(path), Some(at));
            }
            for absent in ["c", "a/c", "\u{0}"] {
                prop_assert_eq!(files.position(absent), None);
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_not_opened_as_a_bag() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("bag.zip");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(matches!(open(&fifo), Err(Error::Unreadable { .. })));
    }

    #[test]
    fn read_errors_keep_the_code_of_the_damage() {
        let damage = EntryError::into_io(Code::ZipEntryCorrupt, "CRC-32 differs");
        let finding = read_error_finding("data/a", &damage);
        assert_eq!(
            (finding.code, finding.message.as_str()),
            (Code::ZipEntryCorrupt, "CRC-32 differs")
        );
        let plain = io::Error::other("disk on fire");
        assert_eq!(
            read_error_finding("data/a", &plain).code,
            Code::FileUnreadable
        );
    }
}
