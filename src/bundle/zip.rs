//! The bytes of a reproducible zip archive (APPNOTE 6.3.10).
//!
//! Only what a bundle needs: stored and deflated entries, UTF-8 names, Zip64
//! where sizes, offsets or the entry count require it, and nothing that
//! depends on the machine or the clock: every entry has the DOS time
//! 1980-02-01 00:00, Unix mode 0644, no extra field but Zip64's, no comment.
//!
//! Entries are laid out by the caller: it learns each local header's length
//! from [`local_header_len`] before the data exists, so several entries can
//! be written at once at offsets that depend only on the entries before them.

use std::sync::Arc;

/// How an entry's data is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Uncompressed.
    Stored,
    /// Raw deflate (RFC 1951).
    Deflated,
}

impl Method {
    fn code(self) -> u16 {
        match self {
            Method::Stored => 0,
            Method::Deflated => 8,
        }
    }
}

/// An entry as the central directory describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The entry name, `/`-separated UTF-8; shared, as a large archive has
    /// many.
    pub name: Arc<str>,
    /// How the data is stored.
    pub method: Method,
    /// CRC-32 of the uncompressed data.
    pub crc32: u32,
    /// Size of the stored data.
    pub compressed_size: u64,
    /// Size of the original data.
    pub uncompressed_size: u64,
    /// Offset of the entry's local header in the archive.
    pub offset: u64,
}

impl Entry {
    /// The length of the entry's local header.
    pub fn header_len(&self) -> u64 {
        local_header_len(&self.name, self.compressed_size, self.uncompressed_size)
    }

    /// The bytes the entry takes in the archive: local header and data.
    pub fn archive_len(&self) -> u64 {
        self.header_len() + self.compressed_size
    }
}

const LOCAL_HEADER_SIGNATURE: u32 = 0x0403_4b50;
const CENTRAL_HEADER_SIGNATURE: u32 = 0x0201_4b50;
const END_SIGNATURE: u32 = 0x0605_4b50;
const ZIP64_END_SIGNATURE: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;
const ZIP64_EXTRA_ID: u16 = 0x0001;
/// General purpose flag bit 11: the name is UTF-8.
const FLAG_UTF8: u16 = 1 << 11;
/// 1980-02-01 in MS-DOS date format; the time is 00:00:00 (zero). A DOS
/// time is local time, so 1980-01-01 00:00 read east of UTC is a moment of
/// 1979, which Python's `zipfile` then refuses to zip again ("ZIP does not
/// support timestamps before 1980"); Gradle's reproducible archives take
/// 1980-02-01 for the same reason.
const FIXED_DOS_DATE: u16 = (2 << 5) | 1;
/// Version 2.0: deflate; 4.5: Zip64.
const VERSION_DEFLATE: u16 = 20;
const VERSION_ZIP64: u16 = 45;
/// "Made by" Unix (3), so readers honour the mode in the external attributes.
const MADE_BY_UNIX: u16 = 3 << 8;
/// A regular file, rw-r--r--.
const EXTERNAL_ATTRIBUTES: u32 = 0o100_644 << 16;
const U32_LIMIT: u64 = 0xFFFF_FFFF;
const U16_LIMIT: usize = 0xFFFF;

/// Whether an entry's sizes need Zip64 in its local header.
fn sizes_need_zip64(compressed_size: u64, uncompressed_size: u64) -> bool {
    compressed_size >= U32_LIMIT || uncompressed_size >= U32_LIMIT
}

/// The length of an entry's local header: fixed part, name and Zip64 extra.
pub fn local_header_len(name: &str, compressed_size: u64, uncompressed_size: u64) -> u64 {
    let zip64 = if sizes_need_zip64(compressed_size, uncompressed_size) {
        20
    } else {
        0
    };
    30 + name.len() as u64 + zip64
}

/// The local header of `entry`.
pub fn local_header(entry: &Entry) -> Vec<u8> {
    let zip64 = sizes_need_zip64(entry.compressed_size, entry.uncompressed_size);
    let mut out = Vec::with_capacity(local_header_len(
        &entry.name,
        entry.compressed_size,
        entry.uncompressed_size,
    ) as usize);
    put_u32(&mut out, LOCAL_HEADER_SIGNATURE);
    put_u16(
        &mut out,
        if zip64 {
            VERSION_ZIP64
        } else {
            VERSION_DEFLATE
        },
    );
    put_u16(&mut out, FLAG_UTF8);
    put_u16(&mut out, entry.method.code());
    put_u16(&mut out, 0);
    put_u16(&mut out, FIXED_DOS_DATE);
    put_u32(&mut out, entry.crc32);
    if zip64 {
        put_u32(&mut out, U32_LIMIT as u32);
        put_u32(&mut out, U32_LIMIT as u32);
    } else {
        put_u32(&mut out, entry.compressed_size as u32);
        put_u32(&mut out, entry.uncompressed_size as u32);
    }
    put_u16(&mut out, entry.name.len() as u16);
    put_u16(&mut out, if zip64 { 20 } else { 0 });
    out.extend_from_slice(entry.name.as_bytes());
    if zip64 {
        put_u16(&mut out, ZIP64_EXTRA_ID);
        put_u16(&mut out, 16);
        put_u64(&mut out, entry.uncompressed_size);
        put_u64(&mut out, entry.compressed_size);
    }
    out
}

/// The central directory and end records for `entries`, which start at
/// `offset` in the archive.
#[cfg(test)]
pub fn central_directory(entries: &[Entry], offset: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in entries {
        central_header(&mut out, entry);
    }
    let size = out.len() as u64;
    out.extend(end_records(entries.len(), size, offset));
    out
}

/// The end records of a central directory of `count` entries, `size`
/// bytes long, starting at `offset` in the archive.
pub fn end_records(count: usize, size: u64, offset: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let zip64 = offset >= U32_LIMIT || size >= U32_LIMIT || count >= U16_LIMIT;
    if zip64 {
        let zip64_end_offset = offset + size;
        put_u32(&mut out, ZIP64_END_SIGNATURE);
        put_u64(&mut out, 44);
        put_u16(&mut out, MADE_BY_UNIX | VERSION_ZIP64);
        put_u16(&mut out, VERSION_ZIP64);
        put_u32(&mut out, 0);
        put_u32(&mut out, 0);
        put_u64(&mut out, count as u64);
        put_u64(&mut out, count as u64);
        put_u64(&mut out, size);
        put_u64(&mut out, offset);
        put_u32(&mut out, ZIP64_LOCATOR_SIGNATURE);
        put_u32(&mut out, 0);
        put_u64(&mut out, zip64_end_offset);
        put_u32(&mut out, 1);
    }
    put_u32(&mut out, END_SIGNATURE);
    put_u16(&mut out, 0);
    put_u16(&mut out, 0);
    // Only a field too small for its value holds the -1 that sends a
    // reader to the Zip64 record (APPNOTE 4.4.1.4); the others keep theirs.
    let short_count = count.min(U16_LIMIT) as u16;
    put_u16(&mut out, short_count);
    put_u16(&mut out, short_count);
    put_u32(&mut out, size.min(U32_LIMIT) as u32);
    put_u32(&mut out, offset.min(U32_LIMIT) as u32);
    put_u16(&mut out, 0);
    out
}

/// Appends the central directory header of `entry` to `out`.
pub fn central_header(out: &mut Vec<u8>, entry: &Entry) {
    let big_sizes = sizes_need_zip64(entry.compressed_size, entry.uncompressed_size);
    let big_offset = entry.offset >= U32_LIMIT;
    let mut extra = Vec::new();
    if big_sizes {
        put_u64(&mut extra, entry.uncompressed_size);
        put_u64(&mut extra, entry.compressed_size);
    }
    if big_offset {
        put_u64(&mut extra, entry.offset);
    }
    let version = if extra.is_empty() {
        VERSION_DEFLATE
    } else {
        VERSION_ZIP64
    };
    put_u32(out, CENTRAL_HEADER_SIGNATURE);
    put_u16(out, MADE_BY_UNIX | version);
    put_u16(out, version);
    put_u16(out, FLAG_UTF8);
    put_u16(out, entry.method.code());
    put_u16(out, 0);
    put_u16(out, FIXED_DOS_DATE);
    put_u32(out, entry.crc32);
    let (compressed, uncompressed) = if big_sizes {
        (U32_LIMIT, U32_LIMIT)
    } else {
        (entry.compressed_size, entry.uncompressed_size)
    };
    put_u32(out, compressed as u32);
    put_u32(out, uncompressed as u32);
    put_u16(out, entry.name.len() as u16);
    let extra_len = if extra.is_empty() { 0 } else { 4 + extra.len() };
    put_u16(out, extra_len as u16);
    put_u16(out, 0);
    put_u16(out, 0);
    put_u16(out, 0);
    put_u32(out, EXTERNAL_ATTRIBUTES);
    put_u32(out, entry.offset.min(U32_LIMIT) as u32);
    out.extend_from_slice(entry.name.as_bytes());
    if !extra.is_empty() {
        put_u16(out, ZIP64_EXTRA_ID);
        put_u16(out, extra.len() as u16);
        out.extend_from_slice(&extra);
    }
}

fn put_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(&value.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    fn archive(files: &[(&str, &[u8], Method)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut entries = Vec::new();
        for (name, data, method) in files {
            let stored = match method {
                Method::Stored => data.to_vec(),
                Method::Deflated => {
                    let mut encoder = flate2::write::DeflateEncoder::new(
                        Vec::new(),
                        flate2::Compression::default(),
                    );
                    std::io::Write::write_all(&mut encoder, data).unwrap();
                    encoder.finish().unwrap()
                }
            };
            let entry = Entry {
                name: (*name).into(),
                method: *method,
                crc32: crc32fast::hash(data),
                compressed_size: stored.len() as u64,
                uncompressed_size: data.len() as u64,
                offset: out.len() as u64,
            };
            let header = local_header(&entry);
            assert_eq!(
                header.len() as u64,
                local_header_len(name, entry.compressed_size, entry.uncompressed_size)
            );
            out.extend_from_slice(&header);
            out.extend_from_slice(&stored);
            entries.push(entry);
        }
        let offset = out.len() as u64;
        out.extend_from_slice(&central_directory(&entries, offset));
        out
    }

    #[test]
    fn the_zip_crate_reads_what_we_write() {
        let text = "Überblick ".repeat(500);
        let bytes = archive(&[
            ("bag/bagit.txt", b"BagIt-Version: 1.0\n", Method::Stored),
            ("bag/data/Überblick.md", text.as_bytes(), Method::Deflated),
            ("bag/data/empty", b"", Method::Stored),
        ]);
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(zip.len(), 3);
        let mut file = zip.by_name("bag/data/Überblick.md").unwrap();
        assert_eq!(file.unix_mode(), Some(0o100_644));
        let time = file.last_modified().expect("a time");
        let time = (
            time.year(),
            time.month(),
            time.day(),
            time.hour(),
            time.minute(),
        );
        assert_eq!(time, (1980, 2, 1, 0, 0));
        let mut read = String::new();
        file.read_to_string(&mut read).unwrap();
        assert_eq!(read, text);
    }

    #[test]
    fn many_entries_use_zip64_end_records() {
        let names: Vec<String> = (0..70_000).map(|i| format!("d/{i}")).collect();
        let files: Vec<(&str, &[u8], Method)> = names
            .iter()
            .map(|n| (n.as_str(), &b""[..], Method::Stored))
            .collect();
        let bytes = archive(&files);
        let end = &bytes[bytes.len() - 22..];
        assert_eq!(&end[8..12], &[0xFF; 4], "the entry counts overflow");
        assert_ne!(&end[12..16], &[0xFF; 4], "the directory's size fits");
        assert_ne!(&end[16..20], &[0xFF; 4], "the directory's offset fits");
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(zip.len(), 70_000);
    }

    #[test]
    fn large_sizes_get_zip64_extra_fields() {
        let entry = Entry {
            name: "big".into(),
            method: Method::Stored,
            crc32: 0,
            compressed_size: 5 << 30,
            uncompressed_size: 5 << 30,
            offset: 6 << 30,
        };
        let header = local_header(&entry);
        assert_eq!(header.len(), 30 + 3 + 20);
        assert_eq!(&header[18..26], &[0xFF; 8]);
        let central = central_directory(std::slice::from_ref(&entry), 11 << 30);
        // Central header: both sizes and the offset live in the Zip64 extra.
        assert_eq!(u16::from_le_bytes([central[30], central[31]]), 4 + 24);
    }
}
