//! Reading a zip archive's central directory one record at a time, so
//! that the records of a large archive are never all held (APPNOTE 6.3.10,
//! 4.3.12 to 4.3.16).
//!
//! Only for archives corpack wrote itself, read back before they are put
//! in place: the end record must be the file's last 22 bytes (no comment),
//! on one disk. `verify`, which reads any zip, uses the `zip` crate, and
//! [`records`] only to name an entry listed twice, which that crate's index
//! drops, and [`end_and_declared_size`] to compare the directory's size
//! with its end record's, which that crate does not.

use std::fs::File;
use std::io;

use crate::positional::read_exact_at;

// The format's numbers again, not those of `zip.rs`: the read-back checks
// the writer, so it shares none of its code.
const CENTRAL_SIGNATURE: u32 = 0x0201_4b50;
pub(crate) const END_SIGNATURE: u32 = 0x0605_4b50;
const ZIP64_END_SIGNATURE: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;
pub(crate) const LOCAL_SIGNATURE: u32 = 0x0403_4b50;
const ZIP64_EXTRA_ID: u16 = 0x0001;
const UNICODE_PATH_EXTRA_ID: u16 = 0x7075;
const END_LEN: u64 = 22;
const LOCATOR_LEN: u64 = 20;
const ZIP64_END_LEN: u64 = 56;
const CENTRAL_FIXED: usize = 46;
/// How much of the directory is read at once.
const WINDOW: usize = 1 << 20;

/// Where the central directory is, as the end records say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Directory {
    /// How many entries it lists.
    pub count: u64,
    /// Where it starts.
    pub offset: u64,
    /// How long it is.
    pub size: u64,
}

/// One central directory record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CentralRecord {
    /// The name, as stored.
    pub name: Vec<u8>,
    /// The compression method's code.
    pub method: u16,
    /// CRC-32 of the uncompressed data.
    pub crc32: u32,
    /// Size of the stored data.
    pub compressed_size: u64,
    /// Size of the uncompressed data.
    pub uncompressed_size: u64,
    /// Where the entry's local header is.
    pub offset: u64,
    /// The name of an Info-ZIP Unicode Path extra field whose checksum is
    /// that of `name` (APPNOTE 4.6.9), which readers take for the name.
    pub unicode_name: Option<Vec<u8>>,
}

/// Reads the end records of `file`, `len` bytes long.
pub fn directory(file: &File, len: u64) -> Result<Directory, String> {
    let end_at = len
        .checked_sub(END_LEN)
        .ok_or("it is too short for an end record")?;
    let mut end = [0; END_LEN as usize];
    read_exact_at(file, &mut end, end_at).map_err(unread)?;
    if u32_at(&end, 0) != END_SIGNATURE {
        return Err("its last 22 bytes are not an end record".to_string());
    }
    let short_count = u16_at(&end, 10);
    written_as_one_disk(
        "end record",
        u32_at(&end, 4) != 0 || u16_at(&end, 20) != 0,
        u16_at(&end, 8) != short_count,
    )?;
    let short = Directory {
        count: u64::from(short_count),
        size: u64::from(u32_at(&end, 12)),
        offset: u64::from(u32_at(&end, 16)),
    };
    let mut directory = short;
    let mut directory_end = end_at;
    if short.count == u64::from(u16::MAX)
        || short.size == u64::from(u32::MAX)
        || short.offset == u64::from(u32::MAX)
    {
        let locator_at = end_at
            .checked_sub(LOCATOR_LEN)
            .ok_or("it is too short for a Zip64 locator")?;
        let mut locator = [0; LOCATOR_LEN as usize];
        read_exact_at(file, &mut locator, locator_at).map_err(unread)?;
        if u32_at(&locator, 0) != ZIP64_LOCATOR_SIGNATURE {
            return Err("its Zip64 end locator is missing".to_string());
        }
        let locator_disks = u32_at(&locator, 4) != 0 || u32_at(&locator, 16) != 1;
        written_as_one_disk("Zip64 end locator", locator_disks, false)?;
        let zip64_at = u64_at(&locator, 8);
        let mut zip64 = [0; ZIP64_END_LEN as usize];
        read_exact_at(file, &mut zip64, zip64_at).map_err(unread)?;
        // Its size leaves out its signature and the size itself.
        if u32_at(&zip64, 0) != ZIP64_END_SIGNATURE
            || u64_at(&zip64, 4) != ZIP64_END_LEN - 12
            || zip64_at.checked_add(ZIP64_END_LEN) != Some(locator_at)
        {
            return Err("its Zip64 end record is not where its locator says".to_string());
        }
        written_as_one_disk(
            "Zip64 end record",
            u64_at(&zip64, 16) != 0,
            u64_at(&zip64, 24) != u64_at(&zip64, 32),
        )?;
        directory = Directory {
            count: u64_at(&zip64, 32),
            size: u64_at(&zip64, 40),
            offset: u64_at(&zip64, 48),
        };
        directory_end = zip64_at;
        // A field of the end record too small for its value holds -1; the
        // others keep theirs.
        let keeps = |short: u64, max: u64, value: u64| short == max || short == value;
        if !(keeps(short.count, u64::from(u16::MAX), directory.count)
            && keeps(short.size, u64::from(u32::MAX), directory.size)
            && keeps(short.offset, u64::from(u32::MAX), directory.offset))
        {
            return Err("its end record and its Zip64 end record disagree".to_string());
        }
    }
    if directory.offset.checked_add(directory.size) != Some(directory_end) {
        return Err("its central directory does not end where its end records start".to_string());
    }
    Ok(directory)
}

/// Whether the end record `record` is as corpack writes it, of an archive
/// on one disk with no comment: the error says what it holds otherwise.
fn written_as_one_disk(record: &str, other_disks: bool, counts_differ: bool) -> Result<(), String> {
    if other_disks {
        return Err(format!(
            "its {record} says there are other disks or a comment"
        ));
    }
    if counts_differ {
        return Err(format!(
            "its {record} counts other entries on its disk than in all"
        ));
    }
    Ok(())
}

/// The records of `directory` in `file`, in order.
pub fn records(file: &File, directory: Directory) -> CentralRecords<'_> {
    CentralRecords {
        file,
        at: directory.offset,
        end: directory.offset + directory.size,
        left: directory.count,
        window: Vec::new(),
        start: 0,
    }
}

/// An iterator over central directory records (see [`records`]).
pub struct CentralRecords<'a> {
    file: &'a File,
    /// Where the next record starts in the file.
    at: u64,
    end: u64,
    left: u64,
    /// Bytes of the file from `at - start` on.
    window: Vec<u8>,
    /// Where the next record starts in `window`.
    start: usize,
}

impl CentralRecords<'_> {
    /// The next `len` bytes of the directory, read into the window if
    /// they are not in it.
    fn bytes(&mut self, len: usize) -> Result<&[u8], String> {
        if self.at + len as u64 > self.end {
            return Err("a record runs past the central directory's end".to_string());
        }
        if self.window.len() - self.start < len {
            let want = (len.max(WINDOW) as u64).min(self.end - self.at) as usize;
            self.window.resize(want, 0);
            read_exact_at(self.file, &mut self.window, self.at).map_err(unread)?;
            self.start = 0;
        }
        Ok(&self.window[self.start..self.start + len])
    }

    fn next_record(&mut self) -> Result<CentralRecord, String> {
        let fixed = self.bytes(CENTRAL_FIXED)?;
        if u32_at(fixed, 0) != CENTRAL_SIGNATURE {
            return Err("a central directory record has no signature".to_string());
        }
        let (method, crc32) = (u16_at(fixed, 10), u32_at(fixed, 16));
        let mut compressed_size = u64::from(u32_at(fixed, 20));
        let mut uncompressed_size = u64::from(u32_at(fixed, 24));
        let name_len = usize::from(u16_at(fixed, 28));
        let extra_len = usize::from(u16_at(fixed, 30));
        let comment_len = usize::from(u16_at(fixed, 32));
        let mut offset = u64::from(u32_at(fixed, 42));
        let len = CENTRAL_FIXED + name_len + extra_len + comment_len;
        let record = self.bytes(len)?;
        let name = record[CENTRAL_FIXED..CENTRAL_FIXED + name_len].to_vec();
        let mut unicode_name = None;
        let mut extra = &record[CENTRAL_FIXED + name_len..CENTRAL_FIXED + name_len + extra_len];
        while extra.len() >= 4 {
            let (id, size) = (u16_at(extra, 0), usize::from(u16_at(extra, 2)));
            let data = extra
                .get(4..4 + size)
                .ok_or("an extra field runs past its record")?;
            // A version (1, which the zip crate does not check, nor do we),
            // the checksum of the name it stands for, then the name in UTF-8.
            if id == UNICODE_PATH_EXTRA_ID
                && let [_version, a, b, c, d, utf8 @ ..] = data
                && u32::from_le_bytes([*a, *b, *c, *d]) == crc32fast::hash(&name)
                && std::str::from_utf8(utf8).is_ok()
            {
                unicode_name = Some(utf8.to_vec());
            }
            if id == ZIP64_EXTRA_ID {
                let mut values = data.chunks_exact(8).map(|value| u64_at(value, 0));
                let mut from_zip64 = |field: &mut u64| {
                    if *field == u64::from(u32::MAX) {
                        *field = values.next().ok_or("a Zip64 extra field is short")?;
                    }
                    Ok::<_, &str>(())
                };
                from_zip64(&mut uncompressed_size)?;
                from_zip64(&mut compressed_size)?;
                from_zip64(&mut offset)?;
            }
            extra = &extra[4 + size..];
        }
        self.start += len;
        self.at += len as u64;
        Ok(CentralRecord {
            name,
            method,
            crc32,
            compressed_size,
            uncompressed_size,
            offset,
            unicode_name,
        })
    }
}

impl Iterator for CentralRecords<'_> {
    type Item = Result<CentralRecord, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            let longer = self.at != self.end;
            // Said once: the records end after an error.
            self.at = self.end;
            return longer
                .then(|| Err("the central directory is longer than its records".to_string()));
        }
        self.left -= 1;
        let record = self.next_record();
        if record.is_err() {
            self.left = 0;
            self.at = self.end;
        }
        Some(record)
    }
}

/// The digital signature record, the central directory's last (APPNOTE
/// 4.3.13), whose size its end record counts.
const DIGITAL_SIGNATURE: u32 = 0x0505_4b50;

/// Where the central directory ends, its last record being at `last`
/// (`None` for a directory of no record, which ends where it starts, at
/// `start`), and the size the end record that follows it gives it: the
/// Zip64 end record's, when that is the one there. For any zip, not only
/// corpack's: `verify` compares the two, as Python's `zipfile` counts the
/// size back from the end record to find the directory.
pub fn end_and_declared_size(
    file: &File,
    start: u64,
    last: Option<u64>,
) -> Result<(u64, u64), String> {
    let mut end = match last {
        None => start,
        Some(last) => {
            let mut fixed = [0; CENTRAL_FIXED];
            read_exact_at(file, &mut fixed, last).map_err(unread)?;
            let lengths = [28, 30, 32].map(|at| u64::from(u16_at(&fixed, at)));
            last + CENTRAL_FIXED as u64 + lengths.iter().sum::<u64>()
        }
    };
    let mut signature = [0; 6];
    read_exact_at(file, &mut signature, end).map_err(unread)?;
    if u32_at(&signature, 0) == DIGITAL_SIGNATURE {
        end += 6 + u64::from(u16_at(&signature, 4));
        read_exact_at(file, &mut signature, end).map_err(unread)?;
    }
    match u32_at(&signature, 0) {
        ZIP64_END_SIGNATURE => {
            let mut zip64 = [0; ZIP64_END_LEN as usize];
            read_exact_at(file, &mut zip64, end).map_err(unread)?;
            Ok((end, u64_at(&zip64, 40)))
        }
        END_SIGNATURE => {
            let mut record = [0; END_LEN as usize];
            read_exact_at(file, &mut record, end).map_err(unread)?;
            Ok((end, u64::from(u32_at(&record, 12))))
        }
        _ => Err(format!(
            "no end record follows the central directory's last record, at byte {end}"
        )),
    }
}

/// The fixed part of a local header (APPNOTE 4.3.7), before its name.
pub(crate) struct LocalFixed(pub(crate) [u8; LocalFixed::LEN]);

impl LocalFixed {
    pub(crate) const LEN: usize = 30;

    /// Reads the fixed part of the local header at `offset` in `file`.
    pub(crate) fn read_at(file: &File, offset: u64) -> io::Result<LocalFixed> {
        let mut fixed = [0; LocalFixed::LEN];
        read_exact_at(file, &mut fixed, offset)?;
        Ok(LocalFixed(fixed))
    }

    pub(crate) fn has_signature(&self) -> bool {
        u32_at(&self.0, 0) == LOCAL_SIGNATURE
    }

    /// The general purpose bit flags.
    pub(crate) fn flags(&self) -> u16 {
        u16_at(&self.0, 6)
    }

    /// How long the name that follows is.
    pub(crate) fn name_len(&self) -> u16 {
        u16_at(&self.0, 26)
    }

    /// How long the whole header is: the fixed part, the name and the
    /// extra field; the entry's data follows it.
    pub(crate) fn header_len(&self) -> u64 {
        LocalFixed::LEN as u64 + u64::from(self.name_len()) + u64::from(u16_at(&self.0, 28))
    }
}

/// Where the data of the entry whose local header is at `offset` starts,
/// read from that header.
pub fn data_start(file: &File, offset: u64) -> Result<u64, String> {
    let fixed = LocalFixed::read_at(file, offset).map_err(unread)?;
    if !fixed.has_signature() {
        return Err("its local header has no signature".to_string());
    }
    Ok(offset + fixed.header_len())
}

fn unread(error: io::Error) -> String {
    format!("it does not read back: {error}")
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::bundle::zip::{Entry, Method, central_directory, local_header};

    /// A file holding an archive of `count` entries named `d/<i>`, each of
    /// `data`, stored.
    fn archive(count: usize, data: &[u8]) -> (File, Vec<Entry>) {
        let mut bytes = Vec::new();
        let mut entries = Vec::new();
        for i in 0..count {
            let entry = Entry {
                name: format!("d/{i}").into(),
                method: Method::Stored,
                crc32: crc32fast::hash(data),
                compressed_size: data.len() as u64,
                uncompressed_size: data.len() as u64,
                offset: bytes.len() as u64,
            };
            bytes.extend(local_header(&entry));
            bytes.extend_from_slice(data);
            entries.push(entry);
        }
        let offset = bytes.len() as u64;
        bytes.extend(central_directory(&entries, offset));
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&bytes).unwrap();
        (file, entries)
    }

    fn read_all(file: &File) -> Result<Vec<CentralRecord>, String> {
        let len = file.metadata().unwrap().len();
        records(file, directory(file, len)?).collect()
    }

    #[test]
    fn records_read_back_as_written_with_zip64_end_records() {
        // More entries than 16 bits count: the count is in the Zip64 record.
        let (file, entries) = archive(70_000, b"some data");
        let records = read_all(&file).unwrap();
        assert_eq!(records.len(), entries.len());
        for (record, entry) in records.iter().zip(&entries) {
            assert_eq!(record.name, entry.name.as_bytes());
            assert_eq!(record.offset, entry.offset);
            assert_eq!(record.crc32, entry.crc32);
            assert_eq!(record.method, 0);
            assert_eq!(record.uncompressed_size, 9);
            assert_eq!(
                data_start(&file, entry.offset).unwrap(),
                entry.offset + entry.header_len()
            );
        }
    }

    #[test]
    fn the_declared_size_is_read_after_the_last_record() {
        // 3 entries: an end record; 70,000: a Zip64 end record first.
        for count in [3, 70_000] {
            let (file, entries) = archive(count, b"x");
            let len = file.metadata().unwrap().len();
            let written = directory(&file, len).unwrap();
            let last = entries.len() as u64 - 1;
            // Each record is 46 bytes and its name (`d/<i>`).
            let last_at = written.offset + written.size - (46 + format!("d/{last}").len() as u64);
            let (end, declared) =
                end_and_declared_size(&file, written.offset, Some(last_at)).unwrap();
            assert_eq!(
                (end - written.offset, declared),
                (written.size, written.size)
            );
        }
        // A digital signature record is the directory's last; no record.
        let mut bytes = Vec::new();
        bytes.extend(DIGITAL_SIGNATURE.to_le_bytes());
        bytes.extend(2u16.to_le_bytes());
        bytes.extend(b"ok");
        bytes.extend(crate::bundle::zip::end_records(0, 8, 0));
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&bytes).unwrap();
        assert_eq!(end_and_declared_size(&file, 0, None).unwrap(), (8, 8));
        // Nothing that is an end record after the directory.
        let error = end_and_declared_size(&file, 2, None).unwrap_err();
        assert!(error.contains("no end record follows"), "{error}");
    }

    #[test]
    fn damaged_end_records_and_directories_are_errors() {
        let (file, _) = archive(3, b"x");
        let len = file.metadata().unwrap().len();
        let spoil = |at: u64| {
            let mut byte = [0];
            read_exact_at(&file, &mut byte, at).unwrap();
            std::os::unix::fs::FileExt::write_all_at(&file, &[byte[0] ^ 1], at).unwrap();
        };
        // The directory's size, then the second record's signature.
        spoil(len - 10);
        assert!(read_all(&file).unwrap_err().contains("end records"));
        spoil(len - 10);
        let second = directory(&file, len).unwrap().offset + 46 + 3;
        spoil(second);
        assert!(read_all(&file).unwrap_err().contains("no signature"));
        file.set_len(len - 1).unwrap();
        assert!(read_all(&file).unwrap_err().contains("end record"));
    }

    #[test]
    fn a_directory_longer_than_its_records_is_one_error_and_then_the_end() {
        // The end record counts one of the two records in the directory.
        let (file, _) = archive(2, b"x");
        let len = file.metadata().unwrap().len();
        std::os::unix::fs::FileExt::write_all_at(&file, &[1, 0, 1, 0], len - END_LEN + 8).unwrap();
        let mut records = records(&file, directory(&file, len).unwrap());
        assert!(records.next().unwrap().is_ok());
        let error = records.next().unwrap().unwrap_err();
        assert!(error.contains("longer than its records"), "{error}");
        assert!(records.next().is_none());
    }

    /// Flips a bit of each byte of `file` in `range`, one at a time: the
    /// end records no longer read.
    fn each_flip_is_an_error(file: &File, range: std::ops::Range<u64>) {
        let len = file.metadata().unwrap().len();
        let flip = |at: u64| {
            let mut byte = [0];
            read_exact_at(file, &mut byte, at).unwrap();
            std::os::unix::fs::FileExt::write_all_at(file, &[byte[0] ^ 1], at).unwrap();
        };
        for at in range {
            flip(at);
            assert!(
                directory(file, len).is_err(),
                "byte {} from the end",
                len - at
            );
            flip(at);
        }
        directory(file, len).unwrap();
    }

    #[test]
    fn what_the_end_records_hold_of_one_disk_and_no_comment_is_checked() {
        // The disk numbers, the count on this disk, the comment's length.
        let (file, _) = archive(3, b"x");
        let end = file.metadata().unwrap().len() - END_LEN;
        each_flip_is_an_error(&file, end + 4..end + 10);
        each_flip_is_an_error(&file, end + 20..end + 22);
        // With Zip64: the end record's fields that keep their values, the
        // locator's disk numbers, the Zip64 record's size, disk numbers
        // and counts.
        let (file, _) = archive(70_000, b"x");
        let end = file.metadata().unwrap().len() - END_LEN;
        each_flip_is_an_error(&file, end + 4..end + 22);
        let locator = end - LOCATOR_LEN;
        each_flip_is_an_error(&file, locator + 4..locator + 8);
        each_flip_is_an_error(&file, locator + 16..locator + 20);
        let zip64 = locator - ZIP64_END_LEN;
        each_flip_is_an_error(&file, zip64 + 4..zip64 + 12);
        each_flip_is_an_error(&file, zip64 + 16..zip64 + 56);
    }
}
