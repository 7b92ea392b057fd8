//! Whether a zip can be read and trusted as a whole: words for one that
//! cannot be read, the entry to blame for one that cannot be trusted, and
//! the UTF-8 flags of both headers of each entry whose name is not ASCII,
//! which must agree.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;

use ::zip::ZipArchive;
use ::zip::read::ZipReadOptions;
use ::zip::result::ZipError;

use super::entries::UTF8_NAME_FLAG;
use super::entry_reader::SharedFile;
use crate::bundle::central;
use crate::positional::read_exact_at;

/// What to do with a file that is another kind of archive than a zip, by
/// its first bytes: a bag tarred (`bdbag --archiver tgz` or `tar`) is to
/// be unpacked first.
pub(super) fn other_archive(file: &SharedFile) -> Option<&'static str> {
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

/// What the `zip` crate means when it cannot read the end records or the
/// central directory of `file`, in words a reader can act on: a zip whose
/// end record is gone is cut short (or no zip), one whose end record is
/// there was damaged or altered; the crate calls end records whose entry
/// counts disagree a multi-disk archive.
pub(super) fn cut_short(file: &File, error: &ZipError) -> &'static str {
    let text = error.to_string();
    if text.contains("Multi-disk") {
        return "; its end record's disk numbers or entry counts disagree: it is damaged, or one \
                part of an archive split across files";
    }
    if !(text.contains("EOCD") || text.contains("Unexpected end")) {
        ""
    } else if has_end_record(file) {
        "; its end record is there, but the central directory is not where or as that record \
         says: the zip was damaged or altered"
    } else {
        "; its end records are missing or cut short: it is not a zip, or it is truncated \
         (an interrupted copy or download?)"
    }
}

/// Whether the end of `file` holds a whole end of central directory
/// record, by its signature: within its last 22 bytes and the longest
/// comment after them.
fn has_end_record(file: &File) -> bool {
    let Ok(len) = file.metadata().map(|metadata| metadata.len()) else {
        return false;
    };
    // A whole record's signature begins 22 bytes or more before the end.
    let tail = len.saturating_sub(22 + u64::from(u16::MAX))..len.saturating_sub(22 - 4);
    signature_in(file, tail, central::END_SIGNATURE).is_some()
}

/// What is to blame for a zip that cannot be trusted.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Blame {
    /// The entry of this name.
    Entry(String),
    /// Every entry's local header is at odds with its central directory
    /// record: offsets counted from the wrong place (an end record's
    /// directory offset changed, a false end record in the comment).
    EveryEntry,
}

/// What is to blame for `error`: the entry the central directory lists
/// twice, or the one whose local header the `zip` crate found at odds with
/// its central directory record, the first whose header, checked alone,
/// gives the same error, unless every header does. `None` when no one
/// entry is to blame: overlapping entries, a hidden header.
pub(super) fn entry_at_odds<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    file: &File,
    error: &ZipError,
) -> Option<Blame> {
    if archive.has_duplicate_names() {
        return duplicate_name(file, archive.central_directory_start()).map(Blame::Entry);
    }
    let error = error.to_string();
    let checked = ZipReadOptions::new().enforce_header_consistency(true);
    let len = archive.len();
    let mut at_odds = |index| {
        (archive.by_index_with_options(index, checked.clone()))
            .is_err_and(|checked| checked.to_string() == error)
    };
    let index = (0..len).find(|&index| at_odds(index))?;
    // The first entry is no more to blame than the others when every one
    // is at odds.
    if index == 0 && len > 1 && (1..len).all(&mut at_odds) {
        return Some(Blame::EveryEntry);
    }
    let entry = archive.by_index_data(index).ok()?;
    Some(Blame::Entry(
        String::from_utf8_lossy(entry.name_raw()).into_owned(),
    ))
}

/// Where the bytes are that make `error` of no one entry: the first two
/// entries whose bytes overlap (or one running into the central
/// directory), or the first local header no central directory record
/// lists, as the `zip` crate found them; `None` for another error.
pub(super) fn bytes_at_odds<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    file: &File,
    error: &ZipError,
) -> Option<String> {
    let error = error.to_string();
    if !(error.contains("overlapping") || error.contains("local file header missing")) {
        return None;
    }
    let directory = archive.central_directory_start();
    let mut ranges = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).ok()?;
        let end = entry.data_start()?.checked_add(entry.compressed_size())?;
        ranges.push((entry.header_start()..end, entry.name_raw().to_vec()));
    }
    ranges.sort_unstable_by_key(|(range, _)| (range.start, range.end));
    let name = |raw: &[u8]| String::from_utf8_lossy(raw).into_owned();
    if error.contains("overlapping") {
        if let Some(pair) = ranges
            .windows(2)
            .find(|pair| pair[0].0.end > pair[1].0.start)
        {
            return Some(format!(
                "entries {:?} and {:?} share bytes",
                name(&pair[0].1),
                name(&pair[1].1)
            ));
        }
        let (_, into) = ranges.iter().find(|(range, _)| range.end > directory)?;
        return Some(format!(
            "entry {:?} runs into the central directory",
            name(into)
        ));
    }
    let mut cursor = 0;
    let mut gaps = (ranges.iter().map(|(range, _)| range.clone()))
        .chain(std::iter::once(directory..directory))
        .filter_map(|range| {
            let gap = cursor..range.start.min(directory);
            cursor = cursor.max(range.end);
            (gap.start < gap.end).then_some(gap)
        });
    let at = gaps.find_map(|gap| signature_in(file, gap, central::LOCAL_SIGNATURE))?;
    let mut header = [0; 30];
    read_exact_at(file, &mut header, at).ok()?;
    let mut raw = vec![0; usize::from(u16::from_le_bytes([header[26], header[27]]))];
    let named = (read_exact_at(file, &mut raw, at + 30).ok())
        .map(|()| format!(", of an entry named {:?}", name(&raw)))
        .unwrap_or_default();
    Some(format!(
        "a local header at byte {at}{named}, which no central directory record lists"
    ))
}

/// Where the first `signature` (of a zip record) wholly in `range` of
/// `file` begins, read a MiB at a time.
fn signature_in(file: &File, range: Range<u64>, signature: u32) -> Option<u64> {
    const CHUNK: u64 = 1 << 20;
    let signature = signature.to_le_bytes();
    let mut bytes = Vec::new();
    let mut from = range.start;
    while range.end - from >= 4 {
        let len = (range.end - from).min(CHUNK);
        bytes.resize(len as usize, 0);
        read_exact_at(file, &mut bytes, from).ok()?;
        if let Some(at) = bytes.windows(4).position(|four| four == signature) {
            return Some(from + at as u64);
        }
        // A signature across two reads is found in the second.
        from += len - 3;
    }
    None
}

/// Why the central directory of `archive` cannot be trusted, if its end
/// record gives it another size than its records take: Python's `zipfile`
/// (and so bdbag) counts that size back from the end record to find the
/// directory, and refuses the zip when no record is found there, where the
/// `zip` crate reads the directory from where it says it starts.
pub(super) fn directory_size_at_odds<R: Read + Seek>(
    archive: &ZipArchive<R>,
    file: &File,
) -> Option<String> {
    let start = archive.central_directory_start();
    let last = archive
        .len()
        .checked_sub(1)
        .map(|last| (archive.by_index_data(last)).map(|entry| entry.central_header_start()));
    let last = match last.transpose() {
        Ok(last) => last,
        Err(error) => return Some(error.to_string()),
    };
    match central::end_and_declared_size(file, start, last) {
        Ok((end, declared)) if end.checked_sub(start) == Some(declared) => None,
        Ok((end, declared)) => Some(format!(
            "its end record gives the central directory {declared} bytes, where its records \
             take {}",
            end.saturating_sub(start)
        )),
        Err(message) => Some(message),
    }
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

/// The most bytes one read of nearby headers takes.
const HEADER_RUN_BYTES: u64 = 64 << 10;

/// The UTF-8 flags (general purpose bit 11) of the two headers of the
/// entries whose names are not ASCII, which the `zip` crate does not keep.
/// Their offsets are known before the first is asked for, so one read
/// takes a run of them: a run of central directory records, a run of the
/// local headers of small entries, where a read each was thousands.
pub(super) struct HeaderFlags<'a> {
    file: &'a File,
    central: HeaderRuns<'a>,
    local: HeaderRuns<'a>,
}

impl<'a> HeaderFlags<'a> {
    /// Notes where the headers of the entries of non-ASCII names are.
    pub(super) fn new<R: Read + Seek>(file: &'a File, archive: &ZipArchive<R>) -> HeaderFlags<'a> {
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
    pub(super) fn agree(&mut self, entry: &::zip::read::ZipFileEntry<'_>) -> io::Result<bool> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
