//! Whether a zip can be trusted as a whole, as the `zip` crate's
//! `ZipArchive::validate_header_consistency` judges it, without the index
//! of a few hundred bytes an entry that `ZipArchive` builds: no name
//! listed twice, each local header as its central record says, no bytes
//! shared by two entries or by an entry and the central directory, no
//! local header that no central record lists; and the central directory
//! as long as its end record says. Where one does not hold, what is to
//! blame.

use std::borrow::Cow;
use std::fs::File;
use std::io::{Read, Seek};
use std::ops::Range;

use ::zip::result::{ZipError, ZipResult};
use ::zip::unstable::read::ZipIterable;

use super::unreadable::{end_record_at, signature_in};
use crate::bundle::central::{self, LocalFixed};
use crate::positional::read_exact_at;

/// What a first pass over the central directory finds, every record read:
/// 8 bytes an entry kept, where the crate's index took a few hundred.
pub(super) struct Central {
    /// Where each entry's local header is, in directory order.
    local_headers: Vec<u64>,
    /// Where the first and the last records are; `None` when there is
    /// none.
    records: Option<(u64, u64)>,
    /// The first name listed again, as the crate reads names: from a
    /// Unicode Path extra field that stands for it.
    pub(super) duplicate: Option<String>,
}

impl Central {
    /// Reads every record of the central directory of `archive`.
    pub(super) fn read<R: Read + Seek>(archive: &mut ZipIterable<R>) -> ZipResult<Central> {
        let mut names = Vec::new();
        let mut ends = Vec::with_capacity(archive.len());
        let mut local_headers = Vec::with_capacity(archive.len());
        let mut records = None;
        for entry in archive.files()? {
            let entry = entry?;
            let record = entry.central_header_start();
            records = Some(records.map_or((record, record), |(first, _)| (first, record)));
            local_headers.push(entry.header_start());
            names.extend_from_slice(entry.name_raw());
            ends.push(names.len());
        }
        let duplicate = first_repeat(&names, &ends)
            .map(|at| String::from_utf8_lossy(name_at(&names, &ends, at)).into_owned());
        Ok(Central {
            local_headers,
            records,
            duplicate,
        })
    }

    /// Where the central directory starts: its first record, or, with
    /// none, the end record.
    fn directory_start(&self, file: &File) -> Option<u64> {
        match self.records {
            Some((first, _)) => Some(first),
            None => end_record_at(file),
        }
    }
}

/// The name at `index` of the names one after the other in `names`, each
/// ending at its `ends`.
fn name_at<'a>(names: &'a [u8], ends: &[usize], index: usize) -> &'a [u8] {
    let start = index.checked_sub(1).map_or(0, |before| ends[before]);
    &names[start..ends[index]]
}

/// The position of the earliest name that repeats one before it.
fn first_repeat(names: &[u8], ends: &[usize]) -> Option<usize> {
    let name = |index| name_at(names, ends, index);
    let mut order: Vec<usize> = (0..ends.len()).collect();
    order.sort_unstable_by(|&a, &b| name(a).cmp(name(b)).then(a.cmp(&b)));
    (order.windows(2))
        .filter(|pair| name(pair[0]) == name(pair[1]))
        .map(|pair| pair[1])
        .min()
}

/// The error the `zip` crate gives a zip that lists a name twice.
pub(super) fn duplicate_names_error() -> ZipError {
    untrusted("header inconsistency detected: duplicate file names in central directory")
}

fn untrusted(why: &'static str) -> ZipError {
    ZipError::InvalidArchive(Cow::Borrowed(why))
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

impl Blame {
    /// Why the zip cannot be trusted: `error`, blamed on this.
    pub(super) fn of(&self, error: &ZipError) -> String {
        match self {
            Blame::Entry(name) => format!("entry {name:?}: {error}"),
            Blame::EveryEntry => format!(
                "every entry, its local header not where its central directory record says (the \
                 end record's directory offset, or where the archive starts, is wrong): {error}"
            ),
        }
    }
}

/// What is to blame when the local header of the entry at `index` of
/// `archive` is at odds with its central record, the first that is: that
/// entry, unless it is the first of several and no entry has a local
/// header where its record says.
pub(super) fn blame<R: Read + Seek>(
    mut archive: ZipIterable<R>,
    file: &File,
    central: &Central,
    index: usize,
) -> Option<Blame> {
    let no_local_header = |&at: &u64| {
        let mut signature = [0; 4];
        read_exact_at(file, &mut signature, at).is_err()
            || u32::from_le_bytes(signature) != central::LOCAL_SIGNATURE
    };
    let headers = &central.local_headers;
    if index == 0 && headers.len() > 1 && headers.iter().all(no_local_header) {
        return Some(Blame::EveryEntry);
    }
    let entry = archive.files().ok()?.nth(index)?.ok()?;
    Some(Blame::Entry(
        String::from_utf8_lossy(entry.name_raw()).into_owned(),
    ))
}

/// Why the zip cannot be trusted as a whole, its entries' headers in
/// agreement, if it cannot: the bytes of the entries, from each local
/// header to the end of its data (`ranges`, in directory order), are at
/// odds (two entries share bytes, one runs into the central directory, or
/// bytes no entry takes before the central directory hold a local header),
/// or the end record gives the central directory another size than its
/// records take.
pub(super) fn archive_at_odds(
    file: &File,
    central: &Central,
    ranges: &[Range<u64>],
) -> Option<String> {
    let directory = central.directory_start(file)?;
    let mut order: Vec<usize> = (0..ranges.len()).collect();
    order.sort_unstable_by_key(|&index| (ranges[index].start, ranges[index].end));
    let name = |index: usize| local_name(file, ranges[index].start).unwrap_or_default();
    let overlapping =
        untrusted("header inconsistency detected: archive contains overlapping entries");
    if let Some(pair) = (order.windows(2)).find(|pair| ranges[pair[0]].end > ranges[pair[1]].start)
    {
        return Some(format!(
            "{overlapping}: entries {:?} and {:?} share bytes",
            name(pair[0]),
            name(pair[1])
        ));
    }
    if let Some(&into) = order.iter().find(|&&index| ranges[index].end > directory) {
        return Some(format!(
            "{overlapping}: entry {:?} runs into the central directory",
            name(into)
        ));
    }
    let mut cursor = 0;
    let mut gaps = (order.iter().map(|&index| ranges[index].clone()))
        .chain(std::iter::once(directory..directory))
        .filter_map(|range| {
            let gap = cursor..range.start.min(directory);
            cursor = cursor.max(range.end);
            (gap.start < gap.end).then_some(gap)
        });
    if let Some(at) = gaps.find_map(|gap| hidden_local_header(file, gap)) {
        let hidden = untrusted(
            "header inconsistency detected: local file header missing from central directory",
        );
        let named = (local_name(file, at))
            .map(|name| format!(", of an entry named {name:?}"))
            .unwrap_or_default();
        return Some(format!(
            "{hidden}: a local header at byte {at}{named}, which no central directory record lists"
        ));
    }
    directory_size_at_odds(file, central, directory)
}

/// Where the first local header wholly in `gap` is: its signature, then
/// its fixed fields, name and extra field before the gap ends.
fn hidden_local_header(file: &File, mut gap: Range<u64>) -> Option<u64> {
    while let Some(at) = signature_in(file, gap.clone(), central::LOCAL_SIGNATURE) {
        let fixed = (at + LocalFixed::LEN as u64 <= gap.end)
            .then(|| LocalFixed::read_at(file, at).ok())
            .flatten();
        if fixed.is_some_and(|fixed| at + fixed.header_len() <= gap.end) {
            return Some(at);
        }
        gap.start = at + 1;
    }
    None
}

/// The name of the entry whose local header is at `at`, as that header
/// gives it.
fn local_name(file: &File, at: u64) -> Option<String> {
    let fixed = LocalFixed::read_at(file, at).ok()?;
    let mut raw = vec![0; usize::from(fixed.name_len())];
    read_exact_at(file, &mut raw, at + LocalFixed::LEN as u64).ok()?;
    Some(String::from_utf8_lossy(&raw).into_owned())
}

/// Why the central directory, starting at `start`, cannot be trusted, if
/// its end record gives it another size than its records take: Python's `zipfile` (and so
/// bdbag) counts that size back from the end record to find the
/// directory, and refuses the zip when no record is found there, where the
/// `zip` crate reads the directory from where it says it starts.
fn directory_size_at_odds(file: &File, central: &Central, start: u64) -> Option<String> {
    let last = central.records.map(|(_, last)| last);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_repeat_is_the_earliest_name_listed_again() {
        let names = ["b", "a", "c", "a", "b"];
        let text: Vec<u8> = names.concat().into_bytes();
        let ends: Vec<usize> = (1..=names.len()).collect();
        assert_eq!(first_repeat(&text, &ends), Some(3));
        assert_eq!(first_repeat(&text[..3], &ends[..3]), None);
        assert_eq!(first_repeat(&[], &[]), None);
    }
}
