//! Entries whose bytes are written to them as a stream: text generated for
//! the bundle (the RO-Crate metadata and preview, the manifests), which for
//! a large collection is too large to hold whole.
//!
//! An entry is held whole while it is small, and then encoded as bytes in
//! memory are (see [`encode_in_memory`]); past [`WHOLE_LIMIT`] it is fed to
//! a streaming compressor in full [`CHUNK`] pieces, whose output spills to
//! disk as it grows. Either way the encoding depends on the bytes alone,
//! not on how they were written.

use std::io::{self, Write};
use std::path::Path;

use flate2::{Compress, Compression};

use super::encode::{Compressed, Deflater, encode_in_memory};
use super::placing::Encoded;
use super::{CHUNK, StreamWriter, WrittenFile};
use crate::bundle::zip::{Entry, Method};
use crate::digest::DigestsHasher;

/// The largest entry held whole. Small in unit tests, so that they
/// stream entries without writing many megabytes.
const WHOLE_LIMIT: usize = if cfg!(test) { 2 * CHUNK } else { 8 * CHUNK };

/// Levels of the two encodings.
#[derive(Clone, Copy, Debug)]
pub(super) struct Levels {
    /// libdeflate's level, for an entry held whole.
    pub whole: i32,
    /// zlib-rs's level, for an entry streamed.
    pub streamed: u32,
}

/// Encodes as the entry `name` the bytes `write` writes; compressed data
/// spills to unnamed files in `spill_dir`.
pub(super) fn encode_stream(
    name: &str,
    levels: Levels,
    spill_dir: &Path,
    write: &StreamWriter<'_>,
) -> io::Result<(Encoded, WrittenFile)> {
    let mut compress = Compress::new(Compression::new(levels.streamed), false);
    let mut sink = Sink {
        pending: Vec::new(),
        compress: Some(&mut compress),
        deflater: None,
        spill_dir,
        hasher: DigestsHasher::new(),
        crc: crc32fast::Hasher::new(),
        size: 0,
    };
    write(&mut sink)?;
    sink.finish(name, levels.whole)
}

struct Sink<'a> {
    /// Bytes written and not yet consumed: the whole entry so far while
    /// it is held whole, less than a chunk once it streams.
    pending: Vec<u8>,
    /// The compressor, until the entry outgrows [`WHOLE_LIMIT`]...
    compress: Option<&'a mut Compress>,
    /// ...and then the stream it compresses.
    deflater: Option<Deflater<'a>>,
    spill_dir: &'a Path,
    hasher: DigestsHasher,
    crc: crc32fast::Hasher,
    size: u64,
}

impl Sink<'_> {
    /// Hashes and compresses the full chunks of `pending`.
    fn consume_chunks(&mut self) -> io::Result<()> {
        if let Some(compress) = self.compress.take() {
            self.deflater = Some(Deflater::new(compress, self.spill_dir));
        }
        let deflater = self.deflater.as_mut().expect("made from the compressor");
        let full = self.pending.len() / CHUNK * CHUNK;
        for chunk in self.pending[..full].chunks_exact(CHUNK) {
            self.hasher.update(chunk);
            self.crc.update(chunk);
            deflater.feed(chunk, false)?;
        }
        // Less than a chunk is left. It moves to the front of the buffer,
        // unless that held the entry whole and would keep its size for
        // nothing.
        if self.pending.capacity() > 2 * CHUNK {
            let mut rest = Vec::with_capacity(2 * CHUNK);
            rest.extend_from_slice(&self.pending[full..]);
            self.pending = rest;
        } else {
            self.pending.drain(..full);
        }
        Ok(())
    }

    fn finish(mut self, name: &str, whole_level: i32) -> io::Result<(Encoded, WrittenFile)> {
        self.hasher.update(&self.pending);
        self.crc.update(&self.pending);
        let (method, data) = match self.deflater.take() {
            None => {
                let (method, data) = encode_in_memory(&self.pending, whole_level);
                (method, Compressed::Memory(data))
            }
            Some(mut deflater) => {
                deflater.feed(&self.pending, true)?;
                (Method::Deflated, deflater.finish()?)
            }
        };
        let entry = Entry {
            name: name.into(),
            method,
            crc32: self.crc.finalize(),
            compressed_size: data.len(),
            uncompressed_size: self.size,
            offset: 0,
        };
        let written = WrittenFile {
            size: self.size,
            digests: self.hasher.finish_binary(),
        };
        Ok((Encoded { entry, data }, written))
    }
}

impl Write for Sink<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.size += bytes.len() as u64;
        let limit = if self.deflater.is_some() {
            CHUNK
        } else {
            WHOLE_LIMIT + 1
        };
        let needed = self.pending.len() + bytes.len();
        if needed > self.pending.capacity() {
            // Grow as a Vec does, by doubling, but not past the limit: an
            // entry held whole to 8 MiB would otherwise hold 16.
            let grown = (2 * self.pending.capacity()).min(limit).max(needed);
            self.pending.reserve_exact(grown - self.pending.len());
        }
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= limit {
            self.consume_chunks()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    const LEVELS: Levels = Levels {
        whole: 1,
        streamed: 2,
    };

    /// Text that compresses, `len` bytes of it.
    fn text(len: usize) -> Vec<u8> {
        let words = ["alpha ", "beta ", "gamma\n", "delta ", "\u{e9}psilon "];
        let mut text = Vec::with_capacity(len + 16);
        let mut i = 0usize;
        while text.len() < len {
            text.extend_from_slice(words[i.wrapping_mul(7919) % words.len()].as_bytes());
            text.extend_from_slice(i.to_string().as_bytes());
            i += 1;
        }
        text.truncate(len);
        text
    }

    /// Encodes `bytes`, written in pieces of `piece` bytes.
    fn encode(bytes: &[u8], piece: usize) -> (Entry, Vec<u8>, WrittenFile) {
        let dir = tempfile::tempdir().unwrap();
        let write = |out: &mut dyn Write| {
            for part in bytes.chunks(piece) {
                out.write_all(part)?;
            }
            Ok(())
        };
        let (encoded, written) = encode_stream("e", LEVELS, dir.path(), &write).unwrap();
        let data = match encoded.data {
            Compressed::Memory(data) => data,
            Compressed::Spilled { mut file, .. } => {
                use std::io::{Seek, SeekFrom};
                let mut data = Vec::new();
                file.seek(SeekFrom::Start(0)).unwrap();
                file.read_to_end(&mut data).unwrap();
                data
            }
            Compressed::Overflowed { .. } => panic!("only entries waiting for a turn overflow"),
        };
        (encoded.entry, data, written)
    }

    #[test]
    fn the_bytes_do_not_depend_on_how_they_are_written() {
        for len in [
            0,
            10,
            CHUNK,
            WHOLE_LIMIT,
            WHOLE_LIMIT + 1,
            WHOLE_LIMIT + CHUNK + 17,
        ] {
            let bytes = text(len);
            let reference = encode(&bytes, bytes.len().max(1));
            for piece in [1 << 16, 4099, CHUNK + 1] {
                assert_eq!(
                    encode(&bytes, piece),
                    reference,
                    "{len} bytes in pieces of {piece}"
                );
            }
        }
    }

    #[test]
    fn whole_and_streamed_entries_inflate_to_their_bytes() {
        for len in [3000, WHOLE_LIMIT, 2 * WHOLE_LIMIT + 5] {
            let bytes = text(len);
            let (entry, data, written) = encode(&bytes, 4096);
            assert_eq!(entry.method, Method::Deflated, "{len}");
            assert_eq!(entry.compressed_size, data.len() as u64);
            assert_eq!(entry.uncompressed_size, len as u64);
            assert_eq!(entry.crc32, crc32fast::hash(&bytes));
            assert_eq!(written.size, len as u64);
            assert_eq!(written.digests, crate::digest::FileDigests::of(&bytes));
            let mut inflated = Vec::new();
            flate2::read::DeflateDecoder::new(data.as_slice())
                .read_to_end(&mut inflated)
                .unwrap();
            assert!(inflated == bytes, "{len} bytes inflate back");
        }
    }
}
