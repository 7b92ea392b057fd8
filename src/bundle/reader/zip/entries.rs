//! Which entries of a zip are files of the bag, and under what names:
//! each name read as its flags and maker say, each kind (file, directory,
//! link) from its Unix mode, the entries that must not be read and why,
//! and the bag's directory among them.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;

use ::zip::result::ZipError;
use ::zip::unstable::read::ZipIterable;
use ::zip::{CompressionMethod, System};

use super::headers::local_header;
use super::{EntryData, MAX_INFLATION_RATIO};
use crate::bagit::path::{is_system_file, unsafe_reason};
use crate::bundle::reader::{InPayload, StoredFile};
use crate::error::Error;
use crate::finding::{Code, Finding};
use crate::positional::PagedReader;

/// The general-purpose flag bit saying the name is UTF-8 (APPNOTE 4.4.4).
pub(super) const UTF8_NAME_FLAG: u16 = 1 << 11;

/// A usable entry, before the bag root is known.
pub(super) struct Entry {
    /// Where its name is in [`Listed::names`]: the names in one text, not
    /// a `String` each, while the `zip` crate's index of the archive lives
    /// beside them.
    name: Range<usize>,
    pub(super) size: u64,
    pub(super) data: EntryData,
    pub(super) method: CompressionMethod,
    pub(super) encrypted: bool,
}

/// The entry's name, or `None` (with a finding) if it is flagged UTF-8 but
/// is not. Unflagged and not ASCII, it is UTF-8 if the zip was made on
/// Unix and it reads as UTF-8, as Info-ZIP's `unzip` reads it; else IBM
/// Code Page 437 (APPNOTE 4.4.4 bit 11 and Appendix D), as Python's
/// `zipfile`, and so bdbag, reads every unflagged name. Either is a
/// warning, as another tool may read it otherwise. The `zip` crate has
/// already taken the name of an Info-ZIP Unicode Path field whose CRC-32
/// matches the header's name (APPNOTE 4.6.9) and flagged the entry UTF-8.
pub(super) fn entry_name(
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

const UNIX_TYPE_MASK: u32 = 0o170000;
pub(super) const UNIX_FILE: u32 = 0o100000;
pub(super) const UNIX_DIR: u32 = 0o040000;
pub(super) const UNIX_SYMLINK: u32 = 0o120000;

/// The Unix file type of an entry made on Unix, if it records one.
pub(super) fn unix_type(entry: &::zip::read::ZipFileEntry<'_>) -> Option<u32> {
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
pub(super) fn in_payload(name: &str, prefix: &str) -> InPayload {
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
pub(super) fn bag_prefix<'a>(names: impl Iterator<Item = &'a str> + Clone) -> String {
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

impl Entry {
    /// Its name, in `names`.
    pub(super) fn name<'a>(&self, names: &'a str) -> &'a str {
        &names[self.name.clone()]
    }
}

/// Whether the zip has a `bagit.txt` at its root: the bag is there, not in
/// a top-level directory.
pub(super) fn bag_at_root(listed: &Listed) -> bool {
    (listed.entries.iter()).any(|entry| entry.name(&listed.names) == "bagit.txt")
}

/// Why the zip holds no bag directory, when the bag is looked for at its
/// root (`prefix` is empty), which has no `bagit.txt`, because its entries,
/// clutter aside, are not all in one top-level directory, though one of
/// them has a `bagit.txt`. A zip with none is a bag at the root that lacks
/// it.
pub(super) fn no_bag_directory(prefix: &str, listed: &Listed) -> Option<String> {
    let names = || listed.entries.iter().map(|e| e.name(&listed.names));
    let in_directory = || {
        let in_top = |name: &str| name.split_once('/').is_some_and(|(_, n)| n == "bagit.txt");
        names().any(in_top)
    };
    if !prefix.is_empty() || bag_at_root(listed) || !in_directory() {
        return None;
    }
    let tops: BTreeSet<&str> = names()
        .map(top_level)
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

/// The entries of a zip sorted out: the usable ones, and what is noted of
/// the others.
pub(super) struct Listed {
    pub(super) entries: Vec<Entry>,
    /// The usable entries' names, one after the other.
    pub(super) names: String,
    /// The names of directory entries, without their final `/`.
    pub(super) dir_names: Vec<String>,
    /// Regular files left out for their names: name and size, which
    /// Payload-Oxum counts.
    pub(super) left_out: Vec<(String, u64)>,
    pub(super) findings: Vec<Finding>,
    /// The bytes of every entry, from its local header to the end of its
    /// data, in directory order.
    pub(super) ranges: Vec<Range<u64>>,
}

/// Why the entries of a zip are not listed.
pub(super) enum NotListed {
    /// The local header of the entry at this index is at odds with its
    /// central record, as the `zip` crate says.
    AtOdds(usize, ZipError),
    /// The zip cannot be read or trusted.
    Refused(Error),
}

/// Sorts out the entries of `archive`, each local header checked against
/// its central record: each name read and judged, each kind told, and
/// where each entry's data is. An entry whose two headers disagree on
/// whether its name is UTF-8, or two names that read the same, make the
/// archive untrustworthy: an error made by `unreadable`.
pub(super) fn list_entries(
    archive: &mut ZipIterable<PagedReader<'_>>,
    unreadable: &dyn Fn(String) -> Error,
) -> Result<Listed, NotListed> {
    let mut findings = Vec::new();
    let mut entries = Vec::with_capacity(archive.len());
    let mut ranges = Vec::with_capacity(archive.len());
    let mut names = String::new();
    let mut dir_names = Vec::new();
    let mut left_out = Vec::new();
    let mut non_ascii_names = HashSet::new();
    let entry_error = |index, error: &dyn std::fmt::Display| {
        NotListed::Refused(unreadable(format!("zip entry {index}: {error}")))
    };
    let files = archive.files().map_err(|error| entry_error(0, &error))?;
    let mut count = 0;
    // Not a `for` loop: the reader is borrowed between entries.
    while let Some(entry) = files.next() {
        let index = count;
        count += 1;
        let entry = entry.map_err(|error| NotListed::AtOdds(index, error))?;
        let local = local_header(files.reader_mut(), &entry);
        let local = local.map_err(|error| entry_error(index, &error))?;
        let data_end = (local.data_start.checked_add(entry.compressed_size()))
            .ok_or_else(|| entry_error(index, &"its data ends past 2^64 bytes"))?;
        ranges.push(entry.header_start()..data_end);
        // An entry left out for its name is counted, for Payload-Oxum,
        // if it is a regular file, as a usable one would be.
        let kind = unix_type(&entry);
        let regular = !entry.name_raw().ends_with(b"/")
            && kind.is_none_or(|kind| kind == UNIX_FILE || kind == UNIX_DIR);
        if !local.flags_agree {
            let name = String::from_utf8_lossy(entry.name_raw());
            return Err(NotListed::Refused(unreadable(format!(
                "the zip archive cannot be trusted: the local header and central directory \
                 record of {name:?} disagree on whether its name is UTF-8"
            ))));
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
            return Err(NotListed::Refused(unreadable(format!(
                "the zip archive cannot be trusted: duplicate entry name {name:?}, read from \
                 names of different bytes (UTF-8, CP437 or a Unicode Path field)"
            ))));
        }
        // A directory is an entry whose name ends with `/`, as the zip
        // specification and Python's `zipfile` (and so bdbag) tell one:
        // one whose Unix mode alone says directory is the file its name
        // says, read and checked, so that no file hides behind the mode.
        let is_dir = name.ends_with('/');
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
            if entry.size() > 0 {
                findings.push(Finding::error(
                    Code::ZipEntryCorrupt,
                    &name,
                    format!(
                        "zip entry is a directory (its name ends with /) yet holds {} bytes, \
                         which no extractor writes anywhere; they are not part of the bag",
                        entry.size()
                    ),
                ));
            }
            dir_names.push(trimmed.to_string());
            continue;
        }
        if kind == Some(UNIX_DIR) {
            findings.push(Finding::warning(
                Code::NotRegularFile,
                &name,
                "zip entry's Unix mode says directory, but its name does not end with /: it is \
                 read as a file, as Python's zipfile (and so bdbag) reads it",
            ));
        }
        if let Some(kind) = kind.filter(|&t| t != UNIX_FILE && t != UNIX_DIR) {
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
        let data = EntryData {
            start: local.data_start,
            compressed: entry.compressed_size(),
            crc: entry.crc32(),
            deflated: method == CompressionMethod::Deflated,
        };
        let start = names.len();
        names.push_str(&name);
        entries.push(Entry {
            name: start..names.len(),
            size,
            data,
            method,
            encrypted,
        });
    }
    Ok(Listed {
        entries,
        names,
        dir_names,
        left_out,
        findings,
        ranges,
    })
}

/// The files of the bag at `prefix` among the entries `listed`, as their
/// indexes in it: a finding for each that must not be read, and one for
/// each name of clutter beside the bag's directory. Indexes, not the
/// files, are sorted: a list of files and where their data is took 56
/// bytes an entry more, beside the entries.
pub(super) fn bag_files(listed: &Listed, prefix: &str, findings: &mut Vec<Finding>) -> Vec<usize> {
    let mut files = Vec::with_capacity(listed.entries.len());
    // Entries outside the bag's directory, all clutter: count by name.
    let mut clutter: BTreeMap<String, usize> = BTreeMap::new();
    for (index, entry) in listed.entries.iter().enumerate() {
        let name = entry.name(&listed.names);
        let Some(path) = name.strip_prefix(prefix) else {
            *clutter.entry(top_level(name).to_string()).or_default() += 1;
            continue;
        };
        if let Some((code, message)) = refusal(entry) {
            findings.push(Finding::error(code, path, message));
        }
        files.push(index);
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
    files
}

impl Listed {
    /// The file of the bag at `prefix` that the entry at `index` is.
    pub(super) fn bag_file(&self, index: usize, prefix: &str) -> StoredFile<'_> {
        let entry = &self.entries[index];
        let name = entry.name(&self.names);
        StoredFile {
            path: name.strip_prefix(prefix).unwrap_or(name),
            size: entry.size,
            readable: refusal(entry).is_none(),
        }
    }
}

#[cfg(test)]
mod tests {
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
}
