//! An inventory's long values (its manifest, versions and fixity block,
//! each as long as the object has files), read when each is checked: from
//! the inventory's text, or, when that is a file's, read again from the
//! file, so that the whole text goes once the top object is read. A file
//! that changes meanwhile is an error.

use std::borrow::Cow;
use std::fs::File;
use std::io;
use std::ops::Range;

use serde_json::Value;

use super::object;
use crate::positional::read_exact_at;

/// The inventory's long values (see `top`), each read when it is checked,
/// entry by entry (see `object`).
pub(super) struct LongValues<'f> {
    /// The whole text, unless it is in `file`.
    held: Vec<u8>,
    /// The file, and the CRC-32 of each long value's text as first read.
    file: Option<(&'f File, Vec<u32>)>,
    /// The long values' keys and their places in the text.
    long: Vec<(String, Range<usize>)>,
    /// Of the value read entry by entry ([`LongValues::read_members`]),
    /// read from a file: its index in `long`, and its entries, found
    /// while the whole text was held, each with where its value is and
    /// the CRC-32 of that text, so that the value is not read whole
    /// again. `None` when it is no object, which is read whole again to
    /// be reported.
    members: Option<(usize, Placed)>,
}

/// The entries of an object: each key, where its value is in the
/// inventory's text, and the CRC-32 of that text.
type Placed = Vec<(String, Range<usize>, u32)>;

impl<'f> LongValues<'f> {
    /// The long values of the inventory `held`, its text, or of `file`,
    /// which holds that text; the value of `by_entry` is read entry by
    /// entry.
    pub(super) fn new(
        held: Vec<u8>,
        file: Option<&'f File>,
        long: Vec<(String, Range<usize>)>,
        by_entry: &str,
    ) -> Self {
        let Some(file) = file else {
            return LongValues {
                held,
                file: None,
                long,
                members: None,
            };
        };
        let crcs = (long.iter())
            .map(|(_, range)| crc32fast::hash(&held[range.clone()]))
            .collect();
        let at = long.iter().position(|(key, _)| key == by_entry);
        let members = at.and_then(|at| Some((at, entries(&held, long[at].1.clone())?)));
        LongValues {
            held: Vec::new(),
            file: Some((file, crcs)),
            long,
            members,
        }
    }

    /// The long values' keys.
    pub(super) fn keys(&self) -> impl Iterator<Item = &str> {
        self.long.iter().map(|(key, _)| key.as_str())
    }

    /// What `read` makes of the text of the value of `key`, if the
    /// inventory has it.
    pub(super) fn read<R>(&self, key: &str, read: impl FnOnce(Option<&str>) -> R) -> io::Result<R> {
        let Some(at) = self.position(key) else {
            return Ok(read(None));
        };
        Ok(read(Some(&self.text(at)?)))
    }

    /// What `read` makes of the value of `key`, if the inventory has it:
    /// the entries of the object it holds, or the value it holds if that
    /// is no object. Read from a file, the value read entry by entry
    /// (see [`LongValues::new`]), if it is an object, gives where each
    /// entry's text is, to be read again when it is wanted, and is never
    /// read whole again: a version inventory's
    /// `versions` holds every earlier version's state, and its text was
    /// held until every state was read (57 MB beside 15 states, at 40,000
    /// files and 16 versions).
    pub(super) fn read_members<R>(
        &self,
        key: &str,
        read: impl FnOnce(Option<Result<Members<'_>, Value>>) -> io::Result<R>,
    ) -> io::Result<R> {
        let Some(at) = self.position(key) else {
            return read(None);
        };
        if let (Some((file, _)), Some((_, entries))) = (
            &self.file,
            self.members.as_ref().filter(|(of, _)| *of == at),
        ) {
            let members = (entries.iter())
                .map(|(key, range, crc)| {
                    let member = Member::InFile {
                        file,
                        start: range.start as u64,
                        len: range.len(),
                        crc: *crc,
                    };
                    (key.clone(), member)
                })
                .collect();
            return read(Some(Ok(members)));
        }
        // Held, or no object.
        let text = self.text(at)?;
        let entries = match object::object(&text) {
            Ok(entries) => entries,
            Err(other) => return read(Some(Err(other))),
        };
        let members = (entries.into_iter())
            .map(|(key, raw)| (key.to_string(), Member::Held(raw.get())))
            .collect();
        read(Some(Ok(members)))
    }

    /// The index in `long` of the value of `key`.
    fn position(&self, key: &str) -> Option<usize> {
        self.long.iter().position(|(name, _)| name == key)
    }

    /// The text of the value at `at` in `long`: held, or read again from
    /// the file.
    fn text(&self, at: usize) -> io::Result<Cow<'_, str>> {
        let range = self.long[at].1.clone();
        let Some((file, crcs)) = &self.file else {
            let text = std::str::from_utf8(&self.held[range]).expect("judged UTF-8 whole");
            return Ok(Cow::Borrowed(text));
        };
        read_checked(file, range.start as u64, range.len(), crcs[at]).map(Cow::Owned)
    }
}

/// The entries of the object at `range` in the inventory's text `held`, if
/// it holds an object: each key, in key order (of a key given twice, the
/// last), with where its value is in `held` and the CRC-32 of that text.
fn entries(held: &[u8], range: Range<usize>) -> Option<Placed> {
    let text = std::str::from_utf8(&held[range.clone()]).ok()?;
    let entries = object::object(text).ok()?;
    let entries = (entries.into_iter())
        .map(|(key, raw)| {
            let raw = raw.get();
            let start = range.start + (raw.as_ptr() as usize - text.as_ptr() as usize);
            let crc = crc32fast::hash(raw.as_bytes());
            (key.to_string(), start..start + raw.len(), crc)
        })
        .collect();
    Some(entries)
}

/// The entries of a long value that is an object, in key order (of a key
/// given twice, the last), each with where its value's text is.
pub(super) type Members<'a> = Vec<(String, Member<'a>)>;

/// Where the text of an entry's value is.
pub(super) enum Member<'a> {
    Held(&'a str),
    /// In the file, with the CRC-32 of its bytes as first read.
    InFile {
        file: &'a File,
        start: u64,
        len: usize,
        crc: u32,
    },
}

impl Member<'_> {
    /// The text of the entry's value.
    pub(super) fn text(&self) -> io::Result<Cow<'_, str>> {
        match *self {
            Member::Held(text) => Ok(Cow::Borrowed(text)),
            Member::InFile {
                file,
                start,
                len,
                crc,
            } => read_checked(file, start, len, crc).map(Cow::Owned),
        }
    }
}

/// The text of `len` bytes of `file` at `start`, read again, whose CRC-32
/// was `crc` when first read.
fn read_checked(file: &File, start: u64, len: usize, crc: u32) -> io::Result<String> {
    let mut bytes = vec![0; len];
    read_again(file, &mut bytes, start)?;
    (crc32fast::hash(&bytes) == crc)
        .then(|| String::from_utf8(bytes).ok())
        .flatten()
        .ok_or_else(changed)
}

/// Reads `bytes.len()` bytes of `file` at `start` again: a file cut short
/// since it was first read changed.
pub(super) fn read_again(file: &File, bytes: &mut [u8], start: u64) -> io::Result<()> {
    read_exact_at(file, bytes, start).map_err(|error| match error.kind() {
        io::ErrorKind::UnexpectedEof => changed(),
        _ => error,
    })
}

/// The error of a file that changed while it was read.
fn changed() -> io::Error {
    io::Error::other("it changed while it was read")
}

#[cfg(test)]
mod tests {
    use std::io::{Seek, SeekFrom, Write};

    use super::super::testutil::valid;
    use super::super::top::read_top;
    use super::*;

    /// The text of `json`, and a file holding it.
    fn inventory_file(json: &Value) -> (String, File) {
        let text = json.to_string();
        let file = tempfile::tempfile().unwrap();
        (&file).write_all(text.as_bytes()).unwrap();
        (text, file)
    }

    /// The long values of `text`, as read from `file`, which holds it.
    fn from_file<'f>(text: &str, file: &'f File) -> LongValues<'f> {
        let (_, long) = read_top(text).unwrap().unwrap();
        LongValues::new(text.as_bytes().to_vec(), Some(file), long, "versions")
    }

    /// Writes `text` again with another path of the same length, as
    /// another writer might while it is read.
    fn change(file: &File, text: &str) {
        let mut file = file;
        file.seek(SeekFrom::Start(0)).unwrap();
        file.write_all(text.replace("a.txt", "b.txt").as_bytes())
            .unwrap();
    }

    #[test]
    fn a_long_value_changed_or_cut_short_meanwhile_is_an_error() {
        let cut_short = |file: &File, _: &str| file.set_len(10).unwrap();
        let alterations: [fn(&File, &str); 2] = [change, cut_short];
        for alter in alterations {
            let (text, file) = inventory_file(&valid());
            let values = from_file(&text, &file);
            // A value it has not is read from nothing.
            assert!(!values.read("fixity", |text| text.is_some()).unwrap());
            alter(&file, &text);
            let error = values.read("manifest", |_| ()).unwrap_err();
            assert_eq!(error.to_string(), "it changed while it was read");
        }
    }

    #[test]
    fn a_version_changed_on_disk_meanwhile_is_an_error() {
        let one = valid();
        let mut two = one.clone();
        two["versions"]["v2"] = two["versions"]["v1"].clone();
        two["head"] = "v2".into();
        for (json, versions) in [(one, 1), (two, 2)] {
            let (text, file) = inventory_file(&json);
            let values = from_file(&text, &file);
            let error = values
                .read_members("versions", |blocks| {
                    let blocks = blocks.unwrap().unwrap();
                    assert_eq!(blocks.len(), versions);
                    assert_eq!(blocks[0].0, "v1");
                    assert!(blocks[0].1.text()?.contains("a.txt"));
                    change(&file, &text);
                    blocks[0].1.text().map(drop)
                })
                .unwrap_err();
            assert_eq!(error.to_string(), "it changed while it was read");
        }
    }
}
