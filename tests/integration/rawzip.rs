//! Zip archives written byte by byte, for the hostile cases the `zip`
//! crate will not write: headers that disagree, lying sizes and CRCs,
//! flags, methods and names of any bytes.

use std::io::Write;

use corpack::digest::{Algorithm, MultiHasher};
use flate2::Compression;
use flate2::write::DeflateEncoder;

/// One entry, as it will be written.
#[derive(Clone, Debug)]
pub struct RawEntry {
    /// The name's bytes.
    pub name: Vec<u8>,
    /// The data as stored (compressed for deflate).
    pub data: Vec<u8>,
    /// 0 stored, 8 deflate, or anything.
    pub method: u16,
    /// The CRC-32 declared.
    pub crc: u32,
    /// The uncompressed size declared.
    pub size: u32,
    /// General-purpose flags (bit 0 encrypted, bit 11 UTF-8 name).
    pub flags: u16,
    /// Unix mode in the external attributes (made on Unix), if any.
    pub unix_mode: Option<u32>,
    /// Local-header fields that differ from the central directory's.
    pub local_name: Option<Vec<u8>>,
    /// A local-header uncompressed size differing from the central one.
    pub local_size: Option<u32>,
    /// The extra field, in both headers.
    pub extra: Vec<u8>,
    /// A local-header extra field differing from the central one.
    pub local_extra: Option<Vec<u8>>,
    /// Local-header flags differing from the central ones.
    pub local_flags: Option<u16>,
}

/// The UTF-8 name flag.
pub const UTF8_FLAG: u16 = 1 << 11;

impl RawEntry {
    /// An uncompressed entry, UTF-8 flagged when its name is not ASCII.
    pub fn stored(name: &str, data: &[u8]) -> RawEntry {
        RawEntry {
            name: name.as_bytes().to_vec(),
            data: data.to_vec(),
            method: 0,
            crc: crc32fast::hash(data),
            size: data.len() as u32,
            flags: if name.is_ascii() { 0 } else { UTF8_FLAG },
            unix_mode: Some(0o100644),
            local_name: None,
            local_size: None,
            extra: Vec::new(),
            local_extra: None,
            local_flags: None,
        }
    }

    /// A deflated entry.
    pub fn deflated(name: &str, data: &[u8]) -> RawEntry {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        RawEntry {
            data: encoder.finish().unwrap(),
            method: 8,
            ..RawEntry::stored(name, data)
        }
    }

    /// A directory entry (`name` ends with `/`).
    pub fn dir(name: &str) -> RawEntry {
        RawEntry {
            unix_mode: Some(0o040755),
            ..RawEntry::stored(name, b"")
        }
    }
}

/// An Info-ZIP Unicode Path extra field (0x7075, APPNOTE 4.6.9) giving
/// `name` for a header name whose CRC-32 is `crc`.
pub fn unicode_path(crc: u32, name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    u16le(&mut out, 0x7075);
    u16le(&mut out, 5 + name.len() as u16);
    out.push(1);
    u32le(&mut out, crc);
    out.extend_from_slice(name.as_bytes());
    out
}

fn u16le(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn u32le(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// The bytes of a zip holding `entries`, in order.
pub fn zip(entries: &[RawEntry]) -> Vec<u8> {
    zip_with_aliases(entries, &[])
}

/// The bytes of a zip holding `entries`, whose central directory also
/// lists each `(index, name)` of `aliases`: the entry at `index` again,
/// under `name`, pointing at the same local header and data.
pub fn zip_with_aliases(entries: &[RawEntry], aliases: &[(usize, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for entry in entries {
        offsets.push(out.len() as u32);
        let name = entry.local_name.as_ref().unwrap_or(&entry.name);
        let extra = entry.local_extra.as_ref().unwrap_or(&entry.extra);
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, 20);
        u16le(&mut out, entry.local_flags.unwrap_or(entry.flags));
        u16le(&mut out, entry.method);
        u16le(&mut out, 0); // time
        u16le(&mut out, 0x21); // date: 1980-01-01
        u32le(&mut out, entry.crc);
        u32le(&mut out, entry.data.len() as u32);
        u32le(&mut out, entry.local_size.unwrap_or(entry.size));
        u16le(&mut out, name.len() as u16);
        u16le(&mut out, extra.len() as u16);
        out.extend_from_slice(name);
        out.extend_from_slice(extra);
        out.extend_from_slice(&entry.data);
    }
    let directory_start = out.len() as u32;
    let records = entries
        .iter()
        .zip(offsets.iter().copied())
        .map(|(e, o)| (e.clone(), o));
    let aliased = aliases.iter().map(|&(index, name)| {
        let entry = RawEntry {
            name: name.as_bytes().to_vec(),
            ..entries[index].clone()
        };
        (entry, offsets[index])
    });
    let records: Vec<(RawEntry, u32)> = records.chain(aliased).collect();
    for (entry, offset) in &records {
        let (entry, offset) = (entry, *offset);
        u32le(&mut out, 0x0201_4b50);
        u16le(
            &mut out,
            if entry.unix_mode.is_some() {
                3 << 8 | 20
            } else {
                20
            },
        );
        u16le(&mut out, 20);
        u16le(&mut out, entry.flags);
        u16le(&mut out, entry.method);
        u16le(&mut out, 0);
        u16le(&mut out, 0x21);
        u32le(&mut out, entry.crc);
        u32le(&mut out, entry.data.len() as u32);
        u32le(&mut out, entry.size);
        u16le(&mut out, entry.name.len() as u16);
        u16le(&mut out, entry.extra.len() as u16);
        u16le(&mut out, 0); // comment
        u16le(&mut out, 0); // disk
        u16le(&mut out, 0); // internal attributes
        u32le(&mut out, entry.unix_mode.map_or(0, |mode| mode << 16));
        u32le(&mut out, offset);
        out.extend_from_slice(&entry.name);
        out.extend_from_slice(&entry.extra);
    }
    let directory_size = out.len() as u32 - directory_start;
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, records.len() as u16);
    u16le(&mut out, records.len() as u16);
    u32le(&mut out, directory_size);
    u32le(&mut out, directory_start);
    u16le(&mut out, 0);
    out
}

/// The SHA-256 of `bytes`, in hex.
pub fn sha256(bytes: &[u8]) -> String {
    let mut hasher = MultiHasher::new([Algorithm::Sha256]);
    hasher.update(bytes);
    hasher.finish().remove(0).1
}

/// A BagIt 1.0 bag under `bag/`: `bagit.txt`, a SHA-256 manifest listing
/// every payload file (bag paths, uncompressed content), and the payload
/// entries as given.
pub fn bag(payload: Vec<(&str, &[u8], RawEntry)>) -> Vec<RawEntry> {
    let mut manifest = String::new();
    for (path, content, _) in &payload {
        manifest.push_str(&format!("{}  {path}\n", sha256(content)));
    }
    let mut entries = vec![
        RawEntry::stored(
            "bag/bagit.txt",
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        ),
        RawEntry::stored("bag/manifest-sha256.txt", manifest.as_bytes()),
        RawEntry::dir("bag/data/"),
    ];
    entries.extend(payload.into_iter().map(|(_, _, entry)| entry));
    entries
}

/// A raw deflate stream of `len` zero bytes in little space: a literal
/// zero, then copies of 258 bytes at distance 1 (13 bits each in the fixed
/// Huffman code), then zero literals for the rest.
pub fn deflate_zeros(len: u64) -> Vec<u8> {
    let mut bits = BitWriter::default();
    bits.push(1, 1); // last block
    bits.push(1, 2); // fixed Huffman codes
    let literal_zero = |bits: &mut BitWriter| bits.push_code(0b0011_0000, 8);
    if len > 0 {
        literal_zero(&mut bits);
    }
    let rest = len.saturating_sub(1);
    for _ in 0..rest / 258 {
        bits.push_code(0b1100_0101, 8); // length 258 (code 285)
        bits.push_code(0, 5); // distance 1 (code 0)
    }
    for _ in 0..rest % 258 {
        literal_zero(&mut bits);
    }
    bits.push_code(0, 7); // end of block (code 256)
    bits.finish()
}

/// Bits packed from the least significant bit of each byte, as deflate
/// packs them.
#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    current: u8,
    used: u8,
}

impl BitWriter {
    /// Pushes the `count` low bits of `value`, least significant first.
    fn push(&mut self, value: u32, count: u8) {
        for i in 0..count {
            self.bit((value >> i) & 1 == 1);
        }
    }

    /// Pushes a Huffman code of `count` bits, most significant first.
    fn push_code(&mut self, code: u32, count: u8) {
        for i in (0..count).rev() {
            self.bit((code >> i) & 1 == 1);
        }
    }

    fn bit(&mut self, on: bool) {
        self.current |= u8::from(on) << self.used;
        self.used += 1;
        if self.used == 8 {
            self.bytes.push(self.current);
            self.current = 0;
            self.used = 0;
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.used > 0 {
            self.bytes.push(self.current);
        }
        self.bytes
    }
}

#[test]
fn deflate_zeros_inflates_to_zeros() {
    use std::io::Read;
    for len in [0, 1, 258, 259, 1000, 100_000] {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(deflate_zeros(len).as_slice())
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out.len() as u64, len);
        assert!(out.iter().all(|&b| b == 0));
    }
}

#[test]
fn a_raw_bag_zip_verifies() {
    let dir = crate::util::Dir::new();
    let zip_path = dir.create(
        "ok.zip",
        zip(&bag(vec![
            (
                "data/a.txt",
                b"alpha",
                RawEntry::stored("bag/data/a.txt", b"alpha"),
            ),
            (
                "data/b.txt",
                b"beta beta",
                RawEntry::deflated("bag/data/b.txt", b"beta beta"),
            ),
        ])),
    );
    let verdict = crate::conformance::verify_json(&zip_path, &[]);
    assert_eq!((verdict.code, verdict.findings()), (0, vec![]));
}
