//! A bag inside a zip file, read in place and distrusted.
//!
//! The `zip` crate parses the central directory, a record at a time
//! (`ZipIterable`, not `ZipArchive`, whose index of every entry took a few
//! hundred bytes each), and checks each local header against its record;
//! corpack then decides what to trust. The whole archive is refused
//! ([`Error::Unreadable`], exit 2) when it cannot be read as one archive:
//! no readable central directory (not a zip, truncated), duplicate names
//! (as decoded, UTF-8 or CP437), a local header that disagrees with its
//! central directory record (on the UTF-8 flag too), entries whose bytes
//! overlap, hidden local headers, an end record giving the central
//! directory another size than its records take. One bad entry is a finding (exit 1) and is never read: a name that
//! could leave the bag or is flagged UTF-8 and is not, a link or device,
//! encryption, a method other than stored or deflate, a declared size
//! deflate cannot reach, a directory entry (its name ends with `/`) that
//! holds bytes. The bag is at the root of the zip if `bagit.txt` is there,
//! else in the one top-level directory all entries share but the
//! clutter Finder and Explorer add beside it.
//!
//! Entries are inflated here, not by the `zip` crate, under explicit
//! bounds: never more than one byte past the declared size, which is at
//! most [`MAX_INFLATION_RATIO`] times the compressed size; since entries
//! cannot overlap, a whole verify inflates at most that ratio times the
//! archive's size. The CRC-32 and the size are checked at the end of each
//! entry. A zip inside the payload is payload: it is hashed, never opened.

mod entries;
mod entry_reader;
mod headers;
mod trust;
mod unreadable;

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufReader, Read, Take};
use std::path::{Path, PathBuf};

use ::zip::read::{ArchiveOffset, Config};
use ::zip::unstable::read::ZipIterable;
use flate2::bufread::DeflateDecoder;

use self::entries::{
    NotListed, bag_at_root, bag_files, bag_prefix, in_payload, list_entries, no_bag_directory,
};
use self::entry_reader::{EntryReader, SharedFile, not_inflated};
use self::trust::{Blame, Central, archive_at_odds, blame, duplicate_names_error};
use self::unreadable::{cut_short, other_archive};
use super::{BagStore, StoredFile, StoredFiles, UnusableFile};
use crate::bundle::inflate::{WHOLE_INFLATE_LIMIT, WholeInflater};
use crate::error::{Error, IoContext, Result};
use crate::finding::{Code, Finding};
use crate::positional::PagedReader;

/// The most bytes an entry may declare per compressed byte: deflate's own
/// ceiling (a 258-byte match coded in two bits), so no honest entry is
/// refused and no dishonest one is inflated beyond it.
pub const MAX_INFLATION_RATIO: u64 = 1032;

/// A bag inside a zip file, read without extracting.
///
/// Once opened, each file keeps its place in [`StoredFiles`] and where its
/// data is, 24 bytes.
pub struct ZipBag {
    location: PathBuf,
    file: SharedFile,
    files: StoredFiles,
    unusable: Vec<UnusableFile>,
    /// Where the data of each file is, in the order of `files`.
    data: Vec<EntryData>,
    dirs: HashSet<String>,
    findings: Vec<Finding>,
    /// The bag's top directory in the archive (`bag/`), or nothing.
    prefix: String,
    /// Why no bag directory was found, when the zip has no `bagit.txt` at
    /// its root and its entries are in several top-level directories.
    no_bag_directory: Option<String>,
}

/// Where an entry's data is in the archive, and how to check it.
#[derive(Clone, Copy, Debug)]
pub(super) struct EntryData {
    pub(super) start: u64,
    pub(super) compressed: u64,
    pub(super) crc: u32,
    pub(super) deflated: bool,
}

impl ZipBag {
    /// Reads the zip's central directory, checks the archive as a whole and
    /// finds the bag in it.
    pub fn open(location: &Path) -> Result<ZipBag> {
        let file = File::open(location).at(location)?;
        let unreadable = |message: String| Error::unreadable(location, message);
        let shared = SharedFile::new(file);
        let open = |archive_offset| {
            let reader = PagedReader::new(&shared.file, shared.len);
            let mut archive = ZipIterable::try_new(reader, Config { archive_offset })?;
            let central = Central::read(&mut archive)?;
            Ok((archive, central))
        };
        // The crate looks for where the archive starts in the file (after
        // a self-extracting stub, say) by counting the central directory's
        // size back from the end record, and can land on another central
        // header: Zip64 end records in between take 76 bytes, as a header
        // with a name of 30 does. The archive is then read again from the
        // start of the file, where its offsets count from.
        let (archive, central) = open(ArchiveOffset::Detect)
            .or_else(|error| open(ArchiveOffset::Known(0)).map_err(|_| error))
            .map_err(|error: ::zip::result::ZipError| {
                let hint =
                    other_archive(&shared).unwrap_or_else(|| cut_short(&shared.file, &error));
                unreadable(format!("not a readable zip archive: {error}{hint}"))
            })?;
        let untrusted =
            |why: String| unreadable(format!("the zip archive cannot be trusted: {why}"));
        if let Some(name) = &central.duplicate {
            let blamed = Blame::Entry(name.clone());
            return Err(untrusted(blamed.of(&duplicate_names_error())));
        }
        let mut archive = archive.enforce_header_consistency(true);
        let mut listed = match list_entries(&mut archive, &unreadable) {
            Ok(listed) => listed,
            Err(NotListed::Refused(error)) => return Err(error),
            Err(NotListed::AtOdds(index, error)) => {
                let archive = archive.enforce_header_consistency(false);
                let blamed = blame(archive, &shared.file, &central, index);
                return Err(untrusted(
                    blamed.map_or(error.to_string(), |b| b.of(&error)),
                ));
            }
        };
        if let Some(why) = archive_at_odds(&shared.file, &central, &listed.ranges) {
            return Err(untrusted(why));
        }
        listed.ranges = Vec::new();
        drop(central);
        let names = &listed.names;
        let prefix = bag_prefix(listed.entries.iter().map(|e| e.name(names)));
        let mut findings = std::mem::take(&mut listed.findings);
        if bag_at_root(&listed) {
            findings.push(Finding::warning(
                Code::ZipBagAtRoot,
                "bagit.txt",
                "the bag is at the zip's root: RFC 8493 §4 serializes a bag from the parent of \
                 its base directory, so that it unpacks to one directory named as the bag \
                 (bdbag does not read this zip)",
            ));
        }
        let unusable = (listed.left_out.iter())
            .map(|(name, size)| UnusableFile {
                size: *size,
                in_payload: in_payload(name, &prefix),
            })
            .collect();
        let no_bag_directory = no_bag_directory(&prefix, &listed);
        let mut in_bag = bag_files(&listed, &prefix, &mut findings);
        let file = |index: usize| listed.bag_file(index, &prefix);
        in_bag.sort_by(|&a, &b| file(a).path.cmp(file(b).path));
        // Names of other bytes can read the same: `./a` and `a`.
        if let Some(pair) =
            (in_bag.windows(2)).find(|pair| file(pair[0]).path == file(pair[1]).path)
        {
            return Err(unreadable(format!(
                "the zip archive cannot be trusted: two entries are named {:?}",
                file(pair[0]).path
            )));
        }
        let files: StoredFiles = in_bag.iter().map(|&index| file(index)).collect();
        let data: Vec<EntryData> = (in_bag.iter())
            .map(|&index| listed.entries[index].data)
            .collect();
        let dirs = directories(&listed.dir_names, &prefix, &files);
        Ok(ZipBag {
            location: location.to_path_buf(),
            file: shared,
            files,
            unusable,
            data,
            dirs,
            findings,
            prefix,
            no_bag_directory,
        })
    }
}

/// The bag's directories: those the zip lists under the bag's directory
/// (`prefix`), and every parent of a file, whether listed or not.
fn directories(dir_names: &[String], prefix: &str, files: &StoredFiles) -> HashSet<String> {
    let mut dirs: HashSet<String> = dir_names
        .iter()
        .filter_map(|name| name.strip_prefix(prefix).map(str::to_string))
        .collect();
    for mut path in files.paths() {
        while let Some((parent, _)) = path.rsplit_once('/') {
            if !dirs.insert(parent.to_string()) {
                break;
            }
            path = parent;
        }
    }
    dirs
}

impl BagStore for ZipBag {
    fn location(&self) -> &Path {
        &self.location
    }

    fn files(&self) -> &StoredFiles {
        &self.files
    }

    fn findings(&self) -> &[Finding] {
        &self.findings
    }

    fn bag_path_of<'a>(&self, finding_path: &'a str) -> Option<&'a str> {
        finding_path.strip_prefix(&self.prefix)
    }

    fn unusable_files(&self) -> &[UnusableFile] {
        &self.unusable
    }

    fn no_bag_directory(&self) -> Option<&str> {
        self.no_bag_directory.as_deref()
    }

    fn is_dir(&self, path: &str) -> bool {
        self.dirs.contains(path)
    }

    fn read_with(
        &self,
        path: &str,
        read: &mut dyn FnMut(&mut dyn Read) -> io::Result<()>,
    ) -> io::Result<()> {
        let (stored, data, raw) = self.entry(path)?;
        if data.deflated
            && stored.size <= WHOLE_INFLATE_LIMIT
            && data.compressed <= 2 * WHOLE_INFLATE_LIMIT
        {
            // Taken, not borrowed: `read` may wait for other threads, and
            // this one read another entry meanwhile.
            let mut whole = WHOLE_INFLATE.take().unwrap_or_default();
            let result = match whole.inflate(raw, stored.size) {
                // Content past the declared size is followed on by the
                // stream, which the whole inflater stopped a byte past it.
                Ok(inflated) if inflated.len() as u64 > stored.size => None,
                Ok(inflated) => Some(read(&mut EntryReader::new(inflated, stored.size, data.crc))),
                Err(error) => Some(Err(not_inflated(error))),
            };
            WHOLE_INFLATE.set(Some(whole));
            result.unwrap_or_else(|| {
                let (stored, data, raw) = self.entry(path)?;
                read(&mut ZipBag::stream_of(stored, data, raw))
            })
        } else {
            read(&mut ZipBag::stream_of(stored, data, raw))
        }
    }

    fn stream(&self, path: &str) -> io::Result<Box<dyn Read + Send + '_>> {
        let (stored, data, raw) = self.entry(path)?;
        Ok(Box::new(ZipBag::stream_of(stored, data, raw)))
    }
}

impl ZipBag {
    /// The entry at `path`, where its data is, and a reader of its raw data.
    fn entry(&self, path: &str) -> io::Result<(StoredFile<'_>, EntryData, Take<SharedFile>)> {
        let position = self
            .position(path)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("no entry {path:?}")))?;
        let stored = self.files.get(position);
        if !stored.readable {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("zip entry {path:?} is not read (see its finding)"),
            ));
        }
        let data = self.data[position];
        let mut file = self.file.clone();
        file.position = data.start;
        Ok((stored, data, file.take(data.compressed)))
    }

    /// The content of an entry, streamed: read as stored, or inflated.
    fn stream_of(
        stored: StoredFile<'_>,
        data: EntryData,
        raw: Take<SharedFile>,
    ) -> EntryReader<Box<dyn Read + Send>> {
        let content: Box<dyn Read + Send> = if data.deflated {
            Box::new(DeflateDecoder::new(BufReader::with_capacity(
                64 * 1024,
                raw,
            )))
        } else {
            Box::new(raw)
        };
        EntryReader::new(content, stored.size, data.crc)
    }
}

thread_local! {
    /// Each reading thread's decompressor and buffers for small entries.
    static WHOLE_INFLATE: std::cell::RefCell<Option<WholeInflater>> =
        const { std::cell::RefCell::new(None) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_entry_read_while_another_is_read_on_the_same_thread() {
        // As rayon may have a thread that waits for digests read another
        // file: the inflater of small entries is not held borrowed.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.zip");
        let options = crate::bundle::writer::WriteOptions {
            threads: 1,
            level: 6,
            whole_level: 6,
        };
        let file = File::create(&path).unwrap();
        let mut writer =
            crate::bundle::writer::ArchiveWriter::new(file, &path, dir.path(), options).unwrap();
        let text = |c: &str| c.repeat(4000).into_bytes();
        writer.add_bytes("bagit.txt", &text("a")).unwrap();
        writer.add_bytes("data/b", &text("b")).unwrap();
        writer.finish().unwrap();
        let bag = ZipBag::open(&path).unwrap();
        let mut inner = Vec::new();
        let mut outer = Vec::new();
        bag.read_with("bagit.txt", &mut |reader| {
            bag.read_with("data/b", &mut |nested| {
                nested.read_to_end(&mut inner).map(drop)
            })?;
            reader.read_to_end(&mut outer).map(drop)
        })
        .unwrap();
        assert_eq!((outer, inner), (text("a"), text("b")));
    }
}
