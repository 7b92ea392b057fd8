//! A bag inside a zip file, read in place and distrusted.
//!
//! The `zip` crate parses the central directory; corpack then decides what
//! to trust. The whole archive is refused ([`Error::Unreadable`], exit 2)
//! when it cannot be read as one archive: no readable central directory
//! (not a zip, truncated), duplicate names (as decoded, UTF-8 or CP437), a
//! local header that disagrees with its central directory record (on the
//! UTF-8 flag too), entries whose bytes overlap, hidden local headers. One
//! bad entry is a finding (exit 1) and is never read: a name that could
//! leave the bag or is flagged UTF-8 and is not, a link or device,
//! encryption, a method other than stored or deflate, a declared size
//! deflate cannot reach. The bag is at the root of the zip if `bagit.txt`
//! is there, else in the one top-level directory all entries share but the
//! clutter Finder and Explorer add beside it.
//!
//! Entries are inflated here, not by the `zip` crate, under explicit
//! bounds: never more than one byte past the declared size, which is at
//! most [`MAX_INFLATION_RATIO`] times the compressed size; since entries
//! cannot overlap, a whole verify inflates at most that ratio times the
//! archive's size. The CRC-32 and the size are checked at the end of each
//! entry. A zip inside the payload is payload: it is hashed, never opened.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Take};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ::zip::read::{ArchiveOffset, Config, ZipReadOptions};
use ::zip::result::ZipError;
use ::zip::{CompressionMethod, System, ZipArchive};
use flate2::bufread::DeflateDecoder;

use super::{BagStore, EntryError, InPayload, StoredFile, UnusableFile};
use crate::bagit::path::{is_system_file, unsafe_reason};
use crate::bundle::central;
use crate::bundle::inflate::{InflateError, WHOLE_INFLATE_LIMIT, WholeInflater};
use crate::error::{Error, IoContext, Result};
use crate::finding::{Code, Finding};
use crate::positional::{read_at, read_exact_at};

/// The most bytes an entry may declare per compressed byte: deflate's own
/// ceiling (a 258-byte match coded in two bits), so no honest entry is
/// refused and no dishonest one is inflated beyond it.
pub const MAX_INFLATION_RATIO: u64 = 1032;

/// The general-purpose flag bit saying the name is UTF-8 (APPNOTE 4.4.4).
const UTF8_NAME_FLAG: u16 = 1 << 11;

/// A bag inside a zip file, read without extracting.
///
/// Once opened, the `zip` crate's index of the archive (a few hundred bytes
/// per entry) is dropped: each file keeps its [`StoredFile`] and where its
/// data is, 24 bytes.
pub struct ZipBag {
    location: PathBuf,
    file: SharedFile,
    files: Vec<StoredFile>,
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
struct EntryData {
    start: u64,
    compressed: u64,
    crc: u32,
    deflated: bool,
}

/// A usable entry, before the bag root is known.
struct Entry {
    name: String,
    size: u64,
    data: EntryData,
    method: CompressionMethod,
    encrypted: bool,
}

/// What to do with a file that is another kind of archive than a zip, by
/// its first bytes: a bag tarred (`bdbag --archiver tgz` or `tar`) is to
/// be unpacked first.
fn other_archive(file: &SharedFile) -> Option<&'static str> {
    let mut start = [0; 262];
    let mut reader = file.clone();
    reader.seek(SeekFrom::Start(0)).ok()?;
    let read = crate::bundle::read_full(&mut reader, &mut start).ok()?;
    let start = &start[..read];
    if start.starts_with(&[0x1f, 0x8b]) {
        Some("; it is gzip-compressed (a .tgz?): unpack it and verify the directory")
    } else if start.get(257..262) == Some(b"ustar") {
        Some("; it is a tar archive: unpack it and verify the directory")
    } else {
        None
    }
}

/// What the `zip` crate means when it finds no end of central directory
/// record, or runs out of bytes reading one: words a reader can act on.
fn cut_short(error: &::zip::result::ZipError) -> &'static str {
    let text = error.to_string();
    if text.contains("EOCD") || text.contains("Unexpected end") {
        "; its end records are missing or cut short: it is not a zip, or it is truncated \
         (an interrupted copy or download?)"
    } else {
        ""
    }
}

/// The name of the entry to blame for `error`: one the central directory
/// lists twice, or the one whose local header the `zip` crate found at
/// odds with its central directory record, the first whose header, checked
/// alone, gives the same error. `None` when no one entry is to blame:
/// overlapping entries, a hidden header.
fn entry_at_odds<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    file: &File,
    error: &ZipError,
) -> Option<String> {
    if archive.has_duplicate_names() {
        return duplicate_name(file, archive.central_directory_start());
    }
    let error = error.to_string();
    let checked = ZipReadOptions::new().enforce_header_consistency(true);
    let index = (0..archive.len()).find(|&index| {
        (archive.by_index_with_options(index, checked.clone()))
            .is_err_and(|checked| checked.to_string() == error)
    })?;
    let entry = archive.by_index_data(index).ok()?;
    Some(String::from_utf8_lossy(entry.name_raw()).into_owned())
}

/// The first name the central directory starting at `start` in `file`
/// lists twice, read a record at a time: the `zip` crate's index keeps one
/// entry of a name and cannot say which it dropped. A name is read as that
/// crate reads it: from a Unicode Path extra field that stands for it.
fn duplicate_name(file: &File, start: u64) -> Option<String> {
    let directory = central::Directory {
        // Read until the records end, at the end records' signature.
        count: u64::MAX,
        offset: start,
        size: file.metadata().ok()?.len().checked_sub(start)?,
    };
    let mut names = HashSet::new();
    let twice = (central::records(file, directory).map_while(Result::ok))
        .map(|record| record.unicode_name.unwrap_or(record.name))
        .find(|name| !names.insert(name.clone()))?;
    Some(String::from_utf8_lossy(&twice).into_owned())
}

impl ZipBag {
    /// Reads the zip's central directory, checks the archive as a whole and
    /// finds the bag in it.
    pub fn open(location: &Path) -> Result<ZipBag> {
        let file = File::open(location).at(location)?;
        let unreadable = |message: String| Error::unreadable(location, message);
        // The zip crate reads the central directory and the local headers
        // a few bytes at a time: buffered, not one system call each.
        let shared = SharedFile::new(file);
        let open = |archive_offset| {
            let buffered = BufReader::with_capacity(4096, shared.clone());
            ZipArchive::with_config(Config { archive_offset }, buffered)
        };
        // The crate looks for where the archive starts in the file (after
        // a self-extracting stub, say) by counting the central directory's
        // size back from the end record, and can land on another central
        // header: Zip64 end records in between take 76 bytes, as a header
        // with a name of 30 does. The archive is then read again from the
        // start of the file, where its offsets count from.
        let mut archive = open(ArchiveOffset::Detect)
            .or_else(|error| open(ArchiveOffset::Known(0)).map_err(|_| error))
            .map_err(|error| {
                let hint = other_archive(&shared).unwrap_or_else(|| cut_short(&error));
                unreadable(format!("not a readable zip archive: {error}{hint}"))
            })?;
        if let Err(error) = archive.validate_header_consistency() {
            let entry = entry_at_odds(&mut archive, &shared.file, &error)
                .map(|name| format!("entry {name:?}: "))
                .unwrap_or_default();
            return Err(unreadable(format!(
                "the zip archive cannot be trusted: {entry}{error}"
            )));
        }
        let mut findings = Vec::new();
        let mut entries = Vec::new();
        let mut dir_names = Vec::new();
        let mut left_out = Vec::new();
        let mut non_ascii_names = HashSet::new();
        let mut header_flags = HeaderFlags::new(&shared.file, &archive);
        for index in 0..archive.len() {
            let entry = archive
                .by_index_data(index)
                .map_err(|error| unreadable(format!("zip entry {index}: {error}")))?;
            // An entry left out for its name is counted, for Payload-Oxum,
            // if it is a regular file, as a usable one would be.
            let regular = !entry.name_raw().ends_with(b"/")
                && unix_type(&entry).is_none_or(|kind| kind == UNIX_FILE);
            let agrees = header_flags
                .agree(&entry)
                .map_err(|error| unreadable(format!("zip entry {index}: {error}")))?;
            if !agrees {
                let name = String::from_utf8_lossy(entry.name_raw());
                return Err(unreadable(format!(
                    "the zip archive cannot be trusted: the local header and central directory \
                     record of {name:?} disagree on whether its name is UTF-8"
                )));
            }
            let Some(name) = entry_name(&entry, &mut findings) else {
                if regular {
                    let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
                    left_out.push((name, entry.size()));
                }
                continue;
            };
            // bsdtar, zipping a directory as `.`, starts every name with
            // `./`, which names nothing and which every extractor drops.
            let name = match name.trim_start_matches("./") {
                "" => continue,
                stripped if stripped.len() < name.len() => stripped.to_string(),
                _ => name,
            };
            // The zip crate refuses names of the same bytes; names of other
            // bytes, not ASCII, can read the same: one UTF-8, one CP437.
            if !name.is_ascii() && !non_ascii_names.insert(name.clone()) {
                return Err(unreadable(format!(
                    "the zip archive cannot be trusted: duplicate entry name {name:?}, read from \
                     names of different bytes (UTF-8, CP437 or a Unicode Path field)"
                )));
            }
            let is_dir = name.ends_with('/') || unix_type(&entry) == Some(UNIX_DIR);
            let trimmed = name.trim_end_matches('/');
            if let Some(why) = unsafe_reason(trimmed) {
                findings.push(Finding::error(
                    Code::UnsafePath,
                    &name,
                    format!("zip entry name cannot be used in a bag: {why}; it is not read"),
                ));
                if regular {
                    left_out.push((name, entry.size()));
                }
                continue;
            }
            if is_dir {
                dir_names.push(trimmed.to_string());
                continue;
            }
            if let Some(kind) = unix_type(&entry).filter(|&t| t != UNIX_FILE) {
                let what = if kind == UNIX_SYMLINK {
                    "a symbolic link"
                } else {
                    "a device, FIFO or socket"
                };
                findings.push(Finding::error(
                    Code::NotRegularFile,
                    &name,
                    format!("zip entry is {what}; it is never followed nor read"),
                ));
                continue;
            }
            let (size, method, encrypted) = (entry.size(), entry.compression(), entry.encrypted());
            // `validate_header_consistency` read every local header, so
            // where the data starts is known, and its end checked.
            let raw = archive.by_index_raw(index);
            let data = raw.ok().and_then(|raw| {
                Some(EntryData {
                    start: raw.data_start()?,
                    compressed: raw.compressed_size(),
                    crc: raw.crc32(),
                    deflated: method == CompressionMethod::Deflated,
                })
            });
            let data = data
                .ok_or_else(|| unreadable(format!("zip entry {index}: its data is not found")))?;
            entries.push(Entry {
                name,
                size,
                data,
                method,
                encrypted,
            });
        }
        // The crate's index (a few hundred bytes an entry) goes before the
        // files' list is made from the entries: never both at once.
        drop(header_flags);
        drop(archive);
        let prefix = bag_prefix(entries.iter().map(|e| e.name.as_str()));
        let unusable = left_out
            .iter()
            .map(|(name, size)| UnusableFile {
                size: *size,
                in_payload: in_payload(name, &prefix),
            })
            .collect();
        let no_bag_directory = no_bag_directory(&prefix, &entries);
        let mut listed = Vec::with_capacity(entries.len());
        // Entries outside the bag's directory, all clutter: count by name.
        let mut clutter: BTreeMap<String, usize> = BTreeMap::new();
        for entry in entries {
            if !entry.name.starts_with(&prefix) {
                *clutter
                    .entry(top_level(&entry.name).to_string())
                    .or_default() += 1;
                continue;
            }
            let refusal = refusal(&entry);
            // The name becomes the path in place: no second copy of every
            // name while the entries are turned into files.
            let mut path = entry.name;
            path.drain(..prefix.len());
            if let Some((code, message)) = &refusal {
                findings.push(Finding::error(*code, &path, message.clone()));
            }
            let file = StoredFile {
                path,
                size: entry.size,
                readable: refusal.is_none(),
            };
            listed.push((file, entry.data));
        }
        for (top, count) in clutter {
            let entries = if count == 1 { "entry" } else { "entries" };
            findings.push(Finding::warning(
                Code::SystemFile,
                top,
                format!(
                    "operating-system clutter (Finder, Explorer) beside the bag's directory in \
                     the zip, {count} {entries}; not part of the bag"
                ),
            ));
        }
        listed.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        // Names of other bytes can read the same: `./a` and `a`.
        if let Some(pair) = listed
            .windows(2)
            .find(|pair| pair[0].0.path == pair[1].0.path)
        {
            return Err(unreadable(format!(
                "the zip archive cannot be trusted: two entries are named {:?}",
                pair[0].0.path
            )));
        }
        let (files, data): (Vec<StoredFile>, Vec<EntryData>) = listed.into_iter().unzip();
        let mut dirs: HashSet<String> = dir_names
            .iter()
            .filter_map(|name| name.strip_prefix(&prefix).map(str::to_string))
            .collect();
        for file in &files {
            let mut path = file.path.as_str();
            while let Some((parent, _)) = path.rsplit_once('/') {
                if !dirs.insert(parent.to_string()) {
                    break;
                }
                path = parent;
            }
        }
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

/// The entry's name, or `None` (with a finding) if it is flagged UTF-8 but
/// is not. Unflagged and not ASCII, it is UTF-8 if the zip was made on
/// Unix and it reads as UTF-8, as Info-ZIP's `unzip` reads it; else IBM
/// Code Page 437 (APPNOTE 4.4.4 bit 11 and Appendix D), as Python's
/// `zipfile`, and so bdbag, reads every unflagged name. Either is a
/// warning, as another tool may read it otherwise. The `zip` crate has
/// already taken the name of an Info-ZIP Unicode Path field whose CRC-32
/// matches the header's name (APPNOTE 4.6.9) and flagged the entry UTF-8.
fn entry_name(
    entry: &::zip::read::ZipFileEntry<'_>,
    findings: &mut Vec<Finding>,
) -> Option<String> {
    let raw = entry.name_raw();
    let flagged = entry.flags().as_u16() & UTF8_NAME_FLAG != 0;
    if raw.is_ascii() || flagged {
        return match std::str::from_utf8(raw) {
            Ok(name) => Some(name.to_string()),
            Err(_) => {
                findings.push(Finding::error(
                    Code::NameNotUtf8,
                    String::from_utf8_lossy(raw),
                    "zip entry name is flagged UTF-8 but is not valid UTF-8; it is not read",
                ));
                None
            }
        };
    }
    let name = oem_cp::decode_string_complete_table(raw, &oem_cp::code_table::DECODING_TABLE_CP437);
    // On Unix a name is in the maker's locale, UTF-8 nowadays: Info-ZIP's
    // `zip` writes UTF-8 names unflagged, and Info-ZIP's `unzip` and
    // libarchive read them as such.
    if entry.system() == System::Unix
        && let Ok(utf8) = std::str::from_utf8(raw)
    {
        findings.push(Finding::warning(
            Code::ZipNameUnflaggedUtf8,
            utf8,
            format!(
                "zip entry name is not flagged UTF-8; made on Unix, it is read as UTF-8, as \
                 Info-ZIP's unzip reads it (Python's zipfile, and so bdbag, reads it as IBM \
                 Code Page 437, {name:?}): zip the bag with a tool that sets the flag for \
                 those"
            ),
        ));
        return Some(utf8.to_string());
    }
    let as_utf8 = match std::str::from_utf8(raw) {
        Ok(utf8) => format!(
            "; as UTF-8, which a tool not setting the flag may have meant, it would be {utf8:?}: \
             zip the bag again with a tool that sets it"
        ),
        Err(_) => String::new(),
    };
    findings.push(Finding::warning(
        Code::ZipNameCp437,
        &name,
        format!(
            "zip entry name is not flagged UTF-8, so it is read as IBM Code Page 437, as the \
             zip specification says{as_utf8}"
        ),
    ));
    Some(name)
}

/// The most bytes one read of nearby headers takes.
const HEADER_RUN_BYTES: u64 = 64 << 10;

/// The UTF-8 flags (general purpose bit 11) of the two headers of the
/// entries whose names are not ASCII, which the `zip` crate does not keep.
/// Their offsets are known before the first is asked for, so one read
/// takes a run of them: a run of central directory records, a run of the
/// local headers of small entries, where a read each was thousands.
struct HeaderFlags<'a> {
    file: &'a File,
    central: HeaderRuns<'a>,
    local: HeaderRuns<'a>,
}

impl<'a> HeaderFlags<'a> {
    /// Notes where the headers of the entries of non-ASCII names are.
    fn new<R: Read + Seek>(file: &'a File, archive: &ZipArchive<R>) -> HeaderFlags<'a> {
        let (mut central, mut local) = (Vec::new(), Vec::new());
        for index in 0..archive.len() {
            if let Ok(entry) = archive.by_index_data(index)
                && !entry.name_raw().is_ascii()
            {
                central.push(entry.central_header_start() + 8);
                local.push(entry.header_start());
            }
        }
        HeaderFlags {
            file,
            central: HeaderRuns::new(file, central, 2),
            local: HeaderRuns::new(file, local, 30),
        }
    }

    /// Whether the local header of `entry` says, as its central directory
    /// record does, whether the name is UTF-8, or its name is ASCII, the
    /// same either way: names of the same bytes read as UTF-8 by one and
    /// as CP437 by the other are two names, which Python's `zipfile`
    /// refuses. The `zip` crate compares the names' bytes and their
    /// Unicode Path fields, not this flag.
    fn agree(&mut self, entry: &::zip::read::ZipFileEntry<'_>) -> io::Result<bool> {
        // An ASCII name, once any Unicode Path field is applied, has no
        // bytes the flag changes: no header needs reading again.
        if entry.name_raw().is_ascii() {
            return Ok(true);
        }
        let flag = |bytes: &[u8]| u16::from_le_bytes([bytes[0], bytes[1]]) & UTF8_NAME_FLAG;
        let central = flag(self.central.read(entry.central_header_start() + 8)?);
        let local = self.local.read(entry.header_start())?;
        if central == flag(&local[6..8]) {
            return Ok(true);
        }
        let mut name = vec![0; usize::from(u16::from_le_bytes([local[26], local[27]]))];
        read_exact_at(self.file, &mut name, entry.header_start() + 30)?;
        Ok(name.is_ascii())
    }
}

/// Headers of `len` bytes at offsets given beforehand, in the order they
/// will be asked for, read a run at a time: from the one asked, those that
/// follow it in the file within [`HEADER_RUN_BYTES`].
struct HeaderRuns<'a> {
    file: &'a File,
    offsets: Vec<u64>,
    len: usize,
    /// The first offset not yet asked for.
    next: usize,
    /// Where `bytes` were read from.
    start: u64,
    bytes: Vec<u8>,
}

impl<'a> HeaderRuns<'a> {
    fn new(file: &'a File, offsets: Vec<u64>, len: usize) -> HeaderRuns<'a> {
        HeaderRuns {
            file,
            offsets,
            len,
            next: 0,
            start: 0,
            bytes: Vec::new(),
        }
    }

    /// The `len` bytes at `at`.
    fn read(&mut self, at: u64) -> io::Result<&[u8]> {
        let len = self.len as u64;
        let held = at >= self.start && at + len <= self.start + self.bytes.len() as u64;
        if !held {
            let asked = self.offsets[self.next..].iter().position(|&o| o == at);
            self.next += asked.map_or(0, |asked| asked + 1);
            let mut end = at + len;
            for &offset in &self.offsets[self.next..] {
                if offset + len < end || offset + len - at > HEADER_RUN_BYTES {
                    break;
                }
                end = offset + len;
            }
            self.bytes.resize((end - at) as usize, 0);
            read_exact_at(self.file, &mut self.bytes, at)?;
            self.start = at;
        }
        let from = (at - self.start) as usize;
        Ok(&self.bytes[from..from + self.len])
    }
}

const UNIX_TYPE_MASK: u32 = 0o170000;
const UNIX_FILE: u32 = 0o100000;
const UNIX_DIR: u32 = 0o040000;
const UNIX_SYMLINK: u32 = 0o120000;

/// The Unix file type of an entry made on Unix, if it records one.
fn unix_type(entry: &::zip::read::ZipFileEntry<'_>) -> Option<u32> {
    if entry.system() != System::Unix {
        return None;
    }
    let kind = (entry.external_attributes() >> 16) & UNIX_TYPE_MASK;
    (kind != 0).then_some(kind)
}

/// Why an entry must not be read, if it must not.
fn refusal(entry: &Entry) -> Option<(Code, String)> {
    if entry.encrypted {
        return Some((
            Code::ZipEntryEncrypted,
            "zip entry is encrypted; its content cannot be verified".into(),
        ));
    }
    match entry.method {
        CompressionMethod::Stored if entry.size != entry.data.compressed => Some((
            Code::ZipEntryCorrupt,
            format!(
                "stored zip entry declares {} bytes but holds {}",
                entry.size, entry.data.compressed
            ),
        )),
        CompressionMethod::Stored => None,
        CompressionMethod::Deflated
            if entry.size > entry.data.compressed.saturating_mul(MAX_INFLATION_RATIO) =>
        {
            Some((
                Code::ZipBomb,
                format!(
                    "zip entry declares {} bytes from {} compressed bytes, more than deflate can \
                     produce ({MAX_INFLATION_RATIO} to 1); it is not inflated",
                    entry.size, entry.data.compressed
                ),
            ))
        }
        CompressionMethod::Deflated => None,
        other => Some((
            Code::ZipEntryUnsupported,
            format!(
                "zip entry is compressed with method {other}; corpack reads only stored and deflate"
            ),
        )),
    }
}

/// Whether the entry `name`, left out for its name, is a payload file of
/// the bag at `prefix`: surely if it is under `data/` as written; perhaps
/// if it has a `..`, which may lead anywhere, or is under `data/` once a
/// backslash is read as a separator and leading separators, empty and `.`
/// components are dropped (`/b/data/x`, `b\data\x`).
fn in_payload(name: &str, prefix: &str) -> InPayload {
    let components = || name.split(['/', '\\']);
    if components().any(|component| component == "..") {
        return InPayload::Perhaps;
    }
    if name
        .strip_prefix(prefix)
        .is_some_and(|path| path.starts_with("data/"))
    {
        return InPayload::Yes;
    }
    let mut read = components().filter(|c| !c.is_empty() && *c != ".");
    let in_bag = prefix
        .split_terminator('/')
        .all(|top| read.next() == Some(top));
    if in_bag && read.next() == Some("data") && read.next().is_some() {
        InPayload::Perhaps
    } else {
        InPayload::No
    }
}

/// The bag root inside a zip: the root itself if it has `bagit.txt`, else
/// the one top-level directory every entry is in, else the root (whose
/// missing `bagit.txt` verify then reports, as for a directory). Entries
/// that are operating-system clutter at the top level (`__MACOSX/`,
/// `.DS_Store`, `._bag`), which Finder and Explorer add when they zip a
/// folder, are not counted.
fn bag_prefix<'a>(names: impl Iterator<Item = &'a str> + Clone) -> String {
    if names.clone().any(|name| name == "bagit.txt") {
        return String::new();
    }
    let mut tops = names
        .filter(|name| !is_system_file(top_level(name)))
        .map(|name| name.split_once('/').map(|(top, _)| top));
    match tops.next() {
        Some(Some(top)) if tops.all(|t| t == Some(top)) => format!("{top}/"),
        _ => String::new(),
    }
}

/// Why the zip holds no bag directory, when the bag is looked for at its
/// root (`prefix` is empty), which has no `bagit.txt`, because its entries,
/// clutter aside, are not all in one top-level directory, though one of
/// them has a `bagit.txt`. A zip with none is a bag at the root that lacks
/// it.
fn no_bag_directory(prefix: &str, entries: &[Entry]) -> Option<String> {
    let at_root = || entries.iter().any(|e| e.name == "bagit.txt");
    let in_directory = || {
        let in_top = |name: &str| name.split_once('/').is_some_and(|(_, n)| n == "bagit.txt");
        entries.iter().any(|e| in_top(&e.name))
    };
    if !prefix.is_empty() || at_root() || !in_directory() {
        return None;
    }
    let tops: BTreeSet<&str> = entries
        .iter()
        .map(|e| top_level(&e.name))
        .filter(|top| !is_system_file(top))
        .collect();
    (tops.len() > 1).then(|| {
        format!(
            "the zip has no bagit.txt at its root, and its entries are not all in one top-level \
             directory: {}",
            tops.into_iter().collect::<Vec<_>>().join(", ")
        )
    })
}

/// The first component of an entry name.
fn top_level(name: &str) -> &str {
    name.split_once('/').map_or(name, |(top, _)| top)
}

impl BagStore for ZipBag {
    fn location(&self) -> &Path {
        &self.location
    }

    fn files(&self) -> &[StoredFile] {
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
                Ok(inflated) => read(&mut EntryReader::new(inflated, stored.size, data.crc)),
                Err(error) => Err(not_inflated(error)),
            };
            WHOLE_INFLATE.set(Some(whole));
            result
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
    fn entry(&self, path: &str) -> io::Result<(&StoredFile, EntryData, Take<SharedFile>)> {
        let position = self
            .position(path)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("no entry {path:?}")))?;
        let stored = &self.files[position];
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
        stored: &StoredFile,
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

fn not_inflated(error: InflateError) -> io::Error {
    match error {
        InflateError::Read(error) => damaged(&error),
        InflateError::BadData => damaged(&"invalid deflate data"),
    }
}

fn damaged(error: &dyn std::fmt::Display) -> io::Error {
    EntryError::into_io(
        Code::ZipEntryCorrupt,
        format!("zip entry data is damaged: {error}"),
    )
}

/// The content of one entry, checked against its declared size and CRC-32:
/// reading stops with an error one byte past the declared size, and the end
/// is an error unless both the size and the CRC-32 match.
struct EntryReader<R> {
    inner: R,
    declared: u64,
    produced: u64,
    crc: crc32fast::Hasher,
    expected_crc: u32,
}

impl<R: Read> EntryReader<R> {
    fn new(inner: R, declared: u64, expected_crc: u32) -> EntryReader<R> {
        EntryReader {
            inner,
            declared,
            produced: 0,
            crc: crc32fast::Hasher::new(),
            expected_crc,
        }
    }
}

impl<R: Read> Read for EntryReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if buffer.is_empty() {
            return Ok(0);
        }
        // One byte past the declared size is enough to see a lie.
        let room = self
            .declared
            .saturating_sub(self.produced)
            .saturating_add(1);
        let want = buffer
            .len()
            .min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self
            .inner
            .read(&mut buffer[..want])
            .map_err(|error| damaged(&error))?;
        self.produced += n as u64;
        if self.produced > self.declared {
            return Err(EntryError::into_io(
                Code::ZipBomb,
                format!(
                    "zip entry inflates past its declared size of {} bytes; stopped there",
                    self.declared
                ),
            ));
        }
        self.crc.update(&buffer[..n]);
        if n == 0 {
            if self.produced < self.declared {
                return Err(EntryError::into_io(
                    Code::ZipEntryCorrupt,
                    format!(
                        "zip entry ends after {} of its declared {} bytes",
                        self.produced, self.declared
                    ),
                ));
            }
            let crc = self.crc.clone().finalize();
            if crc != self.expected_crc {
                return Err(EntryError::into_io(
                    Code::ZipEntryCorrupt,
                    format!(
                        "zip entry CRC-32 is {crc:08x}, the archive declares {:08x}",
                        self.expected_crc
                    ),
                ));
            }
        }
        Ok(n)
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

#[cfg(test)]
mod tests {
    use flate2::{Compress, Compression, FlushCompress};

    use super::*;

    #[test]
    fn finds_the_bag_root_in_a_zip() {
        let prefix = |names: &[&str]| bag_prefix(names.iter().copied());
        assert_eq!(prefix(&["bagit.txt", "data/a"]), "");
        assert_eq!(prefix(&["b/bagit.txt", "b/data/a"]), "b/");
        assert_eq!(prefix(&["b/data/a"]), "b/");
        assert_eq!(prefix(&["b/bagit.txt", "c/x"]), "");
        assert_eq!(prefix(&["b/bagit.txt", "top-level-file"]), "");
        assert_eq!(
            prefix(&["b/bagit.txt", "__MACOSX/b/._x", ".DS_Store"]),
            "b/"
        );
        assert_eq!(prefix(&[]), "");
    }

    #[test]
    fn entries_left_out_for_their_names_are_payload_surely_or_perhaps() {
        use InPayload::{No, Perhaps, Yes};

        for (name, expected) in [
            ("b/data/back\\slash.txt", Yes),
            ("b/data/\u{fffd}.txt", Yes),
            ("b/data//x", Yes),
            ("b/data\\x", Perhaps),
            ("b/data/../x", Perhaps),
            ("b/../b/data/x", Perhaps),
            ("/b/data/x", Perhaps),
            ("b\\data\\x", Perhaps),
            ("b/back\\slash.txt", No),
            ("b/x/../../data/x", Perhaps),
        ] {
            assert_eq!(in_payload(name, "b/"), expected, "{name}");
        }
        assert_eq!(in_payload("/data/x", ""), Perhaps);
        // Outside the bag's directory by every reading.
        for name in [
            "/etc/passwd",
            "C:/data/x",
            "c/data/x\\y",
            "__MACOSX/b/data/._x\\y",
        ] {
            assert_eq!(in_payload(name, "b/"), No, "{name}");
            assert_eq!(in_payload(name, ""), No, "{name}");
        }
    }

    #[test]
    fn header_runs_give_the_bytes_asked_for_in_any_order() {
        use std::io::Write;
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&bytes).unwrap();
        // Close together, far apart (past a run), backwards, repeated.
        let offsets = vec![10, 40, 70, 100_000, 199_970, 5, 100_000, 150_000];
        let mut runs = HeaderRuns::new(&file, offsets.clone(), 30);
        for at in offsets {
            let from = at as usize;
            assert_eq!(runs.read(at).unwrap(), &bytes[from..from + 30], "at {at}");
        }
        assert!(runs.read(199_990).is_err(), "past the end");
    }

    fn read_entry(data: &[u8], declared: u64, crc: u32) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        EntryReader::new(data, declared, crc)
            .read_to_end(&mut out)
            .map(|_| out)
    }

    fn code(result: io::Result<Vec<u8>>) -> Code {
        let error = result.unwrap_err();
        super::super::read_error_finding("x", &error).code
    }

    #[test]
    fn entries_must_match_their_declared_size_and_crc() {
        let crc = crc32fast::hash(b"hello");
        assert_eq!(read_entry(b"hello", 5, crc).unwrap(), b"hello");
        assert_eq!(code(read_entry(b"hello", 4, crc)), Code::ZipBomb);
        assert_eq!(code(read_entry(b"hello", 6, crc)), Code::ZipEntryCorrupt);
        assert_eq!(code(read_entry(b"hellO", 5, crc)), Code::ZipEntryCorrupt);
        assert_eq!(read_entry(b"", 0, 0).unwrap(), b"");
    }

    #[test]
    fn a_bomb_is_stopped_one_byte_past_its_declared_size() {
        /// Endless zeros, counting how many were handed out.
        struct Endless(u64);
        impl Read for Endless {
            fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
                buffer.fill(0);
                self.0 += buffer.len() as u64;
                Ok(buffer.len())
            }
        }
        let mut endless = Endless(0);
        let mut reader = EntryReader::new(&mut endless, 1000, 0);
        let mut buffer = vec![0; 1 << 20];
        let error = loop {
            if let Err(error) = reader.read(&mut buffer) {
                break error;
            }
        };
        assert_eq!(
            super::super::read_error_finding("x", &error).code,
            Code::ZipBomb
        );
        assert_eq!(endless.0, 1001);
    }

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

    /// An entry inflated whole, then checked as a streamed one would be.
    fn inflate_whole(compressed: &[u8], declared: u64, crc: u32) -> io::Result<Vec<u8>> {
        let mut whole = WholeInflater::default();
        let inflated = whole.inflate(compressed, declared).map_err(not_inflated)?;
        read_entry(inflated, declared, crc)
    }

    #[test]
    fn entries_inflated_whole_get_the_verdicts_of_streamed_ones() {
        // Not periodic, so that a changed match distance changes the text.
        let text: Vec<u8> = (0..32_000u32)
            .map(|i| b"abcdefgh"[((i * i) >> 7) as usize % 8])
            .collect();
        let mut compress = Compress::new(Compression::new(6), false);
        let mut deflated = Vec::with_capacity(text.len());
        compress
            .compress_vec(&text, &mut deflated, FlushCompress::Finish)
            .unwrap();
        let crc = crc32fast::hash(&text);
        let size = text.len() as u64;
        assert_eq!(inflate_whole(&deflated, size, crc).unwrap(), text);
        assert_eq!(code(inflate_whole(&deflated, size - 1, crc)), Code::ZipBomb);
        assert_eq!(code(inflate_whole(&deflated, 10, crc)), Code::ZipBomb);
        let short = code(inflate_whole(&deflated, size + 1, crc));
        assert_eq!(short, Code::ZipEntryCorrupt);
        let mut flipped = deflated.clone();
        flipped[deflated.len() / 2] ^= 0x40;
        assert_eq!(
            code(inflate_whole(&flipped, size, crc)),
            Code::ZipEntryCorrupt
        );
        let cut = &deflated[..deflated.len() / 2];
        assert_eq!(code(inflate_whole(cut, size, crc)), Code::ZipEntryCorrupt);
        assert_eq!(
            code(inflate_whole(b"\xff\xff\xff", size, crc)),
            Code::ZipEntryCorrupt
        );
    }
}
