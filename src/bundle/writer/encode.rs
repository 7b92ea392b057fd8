//! Encoding an entry's bytes: stored or deflated, decided from the bytes
//! alone, and compressed data that spills to disk when it grows large.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use flate2::{Compress, Compression, FlushCompress, Status};

use super::CHUNK;
use super::output::Output;
use crate::bundle::zip::Method;
use crate::error::{Error, Result};
use crate::positional::read_exact_at;

/// How much of a file's start is trial-compressed to choose store or deflate.
pub(super) const SAMPLE: usize = 64 << 10;
/// Compressed data held in memory before it spills to a temporary file.
/// Small in unit tests, so that files of a few chunks spill.
const SPILL_AT: usize = if cfg!(test) { 64 << 10 } else { 4 << 20 };

/// The trial's zlib-rs level. Level 1 (`deflate_quick`) codes with fixed
/// Huffman tables only, so it found no saving in text of few distinct
/// characters and few repeats, such as hex digests or base64, which deflate
/// at level 2 shrinks by a fifth to a half: a SHA-512 manifest was stored.
const TRIAL_LEVEL: u32 = 2;

/// Whether deflate is worth running: a fast trial on the start of the data
/// must save at least a tenth.
pub(super) fn worth_deflating(data: &[u8]) -> bool {
    let sample = &data[..data.len().min(SAMPLE)];
    if sample.is_empty() {
        return false;
    }
    let mut compress = Compress::new(Compression::new(TRIAL_LEVEL), false);
    let mut out = Vec::with_capacity(sample.len() + 64);
    compress
        .compress_vec(sample, &mut out, FlushCompress::Finish)
        .expect("deflate into a buffer with room");
    out.len() * 10 < sample.len() * 9
}

/// Whether the bytes start like a format that is compressed already
/// (images, audio, video, archives), so deflating them would only cost
/// time.
pub(super) fn already_compressed(bytes: &[u8]) -> bool {
    const MAGIC: [&[u8]; 14] = [
        b"\xFF\xD8\xFF",       // JPEG
        b"\x89PNG\r\n\x1A\n",  // PNG
        b"GIF8",               // GIF
        b"PK\x03\x04",         // zip, docx, odt, epub, jar
        b"\x1F\x8B",           // gzip
        b"BZh",                // bzip2
        b"\xFD7zXZ\x00",       // xz
        b"\x28\xB5\x2F\xFD",   // zstd
        b"7z\xBC\xAF\x27\x1C", // 7z
        b"Rar!\x1A\x07",       // RAR
        b"OggS",               // Ogg
        b"ID3",                // MP3 with an ID3 tag
        b"fLaC",               // FLAC
        b"\x1A\x45\xDF\xA3",   // Matroska, WebM
    ];
    let webp = bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP";
    // MP4, MOV, HEIC, JPEG 2000.
    let iso_media = bytes.len() >= 12 && &bytes[4..8] == b"ftyp";
    webp || iso_media || MAGIC.iter().any(|magic| bytes.starts_with(magic))
}

/// Encodes bytes held in memory: deflated if a trial says it is worth it
/// and the result is smaller.
pub(super) fn encode_in_memory(bytes: &[u8], level: i32) -> (Method, Vec<u8>) {
    if !worth_deflating(bytes) {
        return (Method::Stored, bytes.to_vec());
    }
    WholeDeflater::new(level).deflate_if_smaller(bytes)
}

/// Deflates data held whole in memory with libdeflate: on the
/// `many-small` corpus's text at level 1, 1.5 times as fast as zlib-rs at
/// level 2 for slightly smaller output (BENCHMARKS.md). Its output depends
/// only on the bytes, the level and libdeflate's version (pinned by
/// `Cargo.lock`); the output buffer always has room for the worst case,
/// so that its size plays no part.
pub(super) struct WholeDeflater {
    compressor: libdeflater::Compressor,
    out: Vec<u8>,
}

impl WholeDeflater {
    pub(super) fn new(level: i32) -> WholeDeflater {
        let level = libdeflater::CompressionLvl::new(level)
            .unwrap_or_else(|_| panic!("deflate level {level} is not one of libdeflate's"));
        WholeDeflater {
            compressor: libdeflater::Compressor::new(level),
            out: Vec::new(),
        }
    }

    /// The bytes deflated, or stored if that is not smaller.
    pub(super) fn deflate_if_smaller(&mut self, bytes: &[u8]) -> (Method, Vec<u8>) {
        let (method, data) = self.deflate_or_store(bytes);
        (method, data.to_vec())
    }

    /// The bytes deflated, or themselves if that is not smaller.
    pub(super) fn deflate_or_store<'a>(&'a mut self, bytes: &'a [u8]) -> (Method, &'a [u8]) {
        let bound = self.compressor.deflate_compress_bound(bytes.len());
        if self.out.len() < bound {
            self.out.resize(bound, 0);
        }
        let len = self
            .compressor
            .deflate_compress(bytes, &mut self.out)
            .expect("the bound leaves room");
        if len >= bytes.len() {
            (Method::Stored, bytes)
        } else {
            (Method::Deflated, &self.out[..len])
        }
    }
}

/// Compressed data of one entry: in memory, or spilled to a temporary file.
pub(super) enum Compressed {
    /// Held in memory.
    Memory(Vec<u8>),
    /// Spilled to an unnamed temporary file of `len` bytes.
    Spilled { file: File, len: u64 },
    /// Moved, while its entry waited for its turn, to `len` bytes at `at`
    /// in an unnamed temporary file other entries share (see
    /// `placing::Overflow`).
    Overflowed { file: Arc<File>, at: u64, len: u64 },
}

impl Compressed {
    /// The memory it holds.
    pub(super) fn memory_len(&self) -> usize {
        match self {
            Compressed::Memory(data) => data.len(),
            Compressed::Spilled { .. } | Compressed::Overflowed { .. } => 0,
        }
    }

    /// Whether it holds a file open of its own.
    pub(super) fn holds_file(&self) -> bool {
        matches!(self, Compressed::Spilled { .. })
    }

    pub(super) fn len(&self) -> u64 {
        match self {
            Compressed::Memory(data) => data.len() as u64,
            Compressed::Spilled { len, .. } | Compressed::Overflowed { len, .. } => *len,
        }
    }

    /// Writes `header` at `offset` and the data after it.
    pub(super) fn write_after(self, header: &[u8], out: &Output, offset: u64) -> Result<()> {
        match self {
            Compressed::Memory(data) => out.write_two_at(header, &data, offset),
            Compressed::Spilled { file, len } => copy_after(header, &file, 0, len, out, offset),
            Compressed::Overflowed { file, at, len } => {
                copy_after(header, &file, at, len, out, offset)
            }
        }
    }
}

/// Writes `header` at `offset` and after it the `len` bytes at `at` in
/// `file`, a chunk at a time.
fn copy_after(
    header: &[u8],
    file: &File,
    at: u64,
    len: u64,
    out: &Output,
    offset: u64,
) -> Result<()> {
    out.write_at(header, offset)?;
    let offset = offset + header.len() as u64;
    let mut buffer = vec![0; CHUNK.min(usize::try_from(len).unwrap_or(CHUNK))];
    let mut done = 0;
    while done < len {
        let piece = &mut buffer[..CHUNK.min(usize::try_from(len - done).unwrap_or(CHUNK))];
        read_exact_at(file, piece, at + done).map_err(|error| Error::io(out.path, error))?;
        out.write_at(piece, offset + done)?;
        done += piece.len() as u64;
    }
    Ok(())
}

/// A streaming deflater whose output spills to disk past [`SPILL_AT`]: its
/// buffer is allocated once, at that size, and never grows.
pub(super) struct Deflater<'a> {
    compress: &'a mut Compress,
    out: Vec<u8>,
    spill: Option<(File, u64)>,
    spill_dir: &'a Path,
}

/// Room the compressor is given to write into, at least.
const ROOM: usize = 64 << 10;

impl<'a> Deflater<'a> {
    /// A deflater using `compress`, fresh or reset.
    pub(super) fn new(compress: &'a mut Compress, spill_dir: &'a Path) -> Deflater<'a> {
        Deflater {
            compress,
            out: Vec::with_capacity(SPILL_AT + ROOM),
            spill: None,
            spill_dir,
        }
    }

    /// Compresses `input`; `last` finishes the stream.
    pub(super) fn feed(&mut self, mut input: &[u8], last: bool) -> io::Result<()> {
        let flush = if last {
            FlushCompress::Finish
        } else {
            FlushCompress::None
        };
        loop {
            if self.out.capacity() - self.out.len() < ROOM {
                self.spill_out()?;
            }
            let before = self.compress.total_in();
            let status = self
                .compress
                .compress_vec(input, &mut self.out, flush)
                .expect("deflate of in-memory data cannot fail");
            input = &input[(self.compress.total_in() - before) as usize..];
            let done = match flush {
                FlushCompress::Finish => status == Status::StreamEnd,
                _ => input.is_empty() && self.out.len() < self.out.capacity(),
            };
            if done {
                return Ok(());
            }
        }
    }

    /// Moves what the buffer holds to the spill file.
    fn spill_out(&mut self) -> io::Result<()> {
        let (file, len) = match &mut self.spill {
            Some(spill) => spill,
            None => self
                .spill
                .insert((tempfile::tempfile_in(self.spill_dir)?, 0)),
        };
        file.write_all(&self.out)?;
        *len += self.out.len() as u64;
        self.out.clear();
        Ok(())
    }

    pub(super) fn finish(mut self) -> io::Result<Compressed> {
        self.feed(&[], true)?;
        Ok(match self.spill {
            None => {
                self.out.shrink_to_fit();
                Compressed::Memory(self.out)
            }
            Some((mut file, len)) => {
                file.write_all(&self.out)?;
                Compressed::Spilled {
                    file,
                    len: len + self.out.len() as u64,
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::noise;
    use super::*;
    use crate::pack::{DEFLATE_LEVEL, WHOLE_DEFLATE_LEVEL};

    #[test]
    fn text_of_few_characters_is_worth_deflating_and_noise_is_not() {
        let bytes = noise(0x9E37_79B9_7F4A_7C15, 48 << 10);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let manifest: String = hex
            .as_bytes()
            .chunks(128)
            .enumerate()
            .map(|(i, digest)| format!("{}  data/f{i}.txt\n", std::str::from_utf8(digest).unwrap()))
            .collect();
        const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let base64: Vec<u8> = bytes.iter().map(|b| BASE64[usize::from(b & 63)]).collect();
        assert!(worth_deflating(manifest.as_bytes()));
        assert!(worth_deflating(hex.as_bytes()));
        assert!(worth_deflating(&base64));
        assert!(!worth_deflating(&bytes));
        assert!(!worth_deflating(b""));
    }

    /// `data` deflated in one stream by `compress`, as a worker deflates a
    /// file larger than a chunk.
    fn deflate_with(compress: &mut Compress, data: &[u8]) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let mut deflater = Deflater::new(compress, dir.path());
        deflater.feed(data, true).unwrap();
        match deflater.finish().unwrap() {
            Compressed::Memory(bytes) => bytes,
            Compressed::Spilled { .. } | Compressed::Overflowed { .. } => {
                panic!("a small stream spilled")
            }
        }
    }

    /// Whether `data` deflates to the same bytes with a fresh compressor
    /// and with one reset after deflating `before`.
    fn reset_deflates_as_fresh(level: u32, before: &[u8], data: &[u8]) -> bool {
        let fresh = deflate_with(&mut Compress::new(Compression::new(level), false), data);
        let mut reused = Compress::new(Compression::new(level), false);
        deflate_with(&mut reused, before);
        reused.reset();
        deflate_with(&mut reused, data) == fresh
    }

    /// A worker resets its compressor between files. zlib-rs let the bytes
    /// of the previous stream steer the matches of the next (its issue
    /// 459, fixed in the version locked), which would make a bundle depend
    /// on which worker took which file. The first case is of the shape
    /// that showed it: a longer stream before a short one that ends in a
    /// run.
    #[test]
    fn a_reset_compressor_deflates_as_a_fresh_one() {
        let short: Vec<u8> = [&[0][..], &[b'A'; 4], &[0], &[b'A'; 8]].concat();
        let runs: Vec<u8> = b"\x81\x81\x81\x81\x81\x00\x81\x81\xb0".repeat(40);
        for level in [DEFLATE_LEVEL, 6] {
            assert!(reset_deflates_as_fresh(level, &[b'B'; 15], &short));
            assert!(reset_deflates_as_fresh(level, &runs.repeat(50), &runs));
        }
    }

    proptest::proptest! {
        #[test]
        fn any_stream_deflates_alike_after_a_reset(
            before in proptest::collection::vec(proptest::sample::select(vec![0u8, 0x81, 0xb0]), 0..3000),
            data in proptest::collection::vec(proptest::sample::select(vec![0u8, 0x81, 0xb0]), 0..600),
        ) {
            proptest::prop_assert!(reset_deflates_as_fresh(DEFLATE_LEVEL, &before, &data));
        }

        /// libdeflate, which deflates small files, is reused the same way.
        #[test]
        fn a_reused_whole_deflater_deflates_as_a_fresh_one(
            before in proptest::collection::vec(proptest::sample::select(vec![0u8, 0x81, 0xb0]), 0..3000),
            data in proptest::collection::vec(proptest::sample::select(vec![0u8, 0x81, 0xb0]), 0..600),
        ) {
            let fresh = WholeDeflater::new(WHOLE_DEFLATE_LEVEL).deflate_if_smaller(&data);
            let mut reused = WholeDeflater::new(WHOLE_DEFLATE_LEVEL);
            reused.deflate_if_smaller(&before);
            proptest::prop_assert_eq!(reused.deflate_if_smaller(&data), fresh);
        }
    }
}
