//! Words for a zip that cannot be read: another kind of archive, one cut
//! short, one whose end record is there but whose central directory is
//! not as it says.

use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::ops::Range;

use ::zip::result::ZipError;

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
    } else if end_record_at(file).is_some() {
        "; its end record is there, but the central directory is not where or as that record \
         says: the zip was damaged or altered"
    } else {
        "; its end records are missing or cut short: it is not a zip, or it is truncated \
         (an interrupted copy or download?)"
    }
}

/// Where the last whole end of central directory record in `file` begins,
/// by its signature: within its last 22 bytes and the longest comment
/// after them, as Python's `zipfile` looks for it.
pub(super) fn end_record_at(file: &File) -> Option<u64> {
    let len = file.metadata().ok()?.len();
    // A whole record's signature begins 22 bytes or more before the end.
    let mut tail = len.saturating_sub(22 + u64::from(u16::MAX))..len.saturating_sub(22 - 4);
    let mut last = None;
    while let Some(at) = signature_in(file, tail.clone(), central::END_SIGNATURE) {
        last = Some(at);
        tail.start = at + 1;
    }
    last
}

/// Where the first `signature` (of a zip record) wholly in `range` of
/// `file` begins, read a MiB at a time.
pub(super) fn signature_in(file: &File, range: Range<u64>, signature: u32) -> Option<u64> {
    const CHUNK: u64 = 1 << 20;
    let signature = signature.to_le_bytes();
    let mut bytes = Vec::new();
    let mut from = range.start;
    while range.end.saturating_sub(from) >= 4 {
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
