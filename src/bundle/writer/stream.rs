//! Entries whose bytes are written to them as a stream: text generated for
//! the bundle (the RO-Crate metadata and preview, the manifests), which for
//! a large collection is too large to hold whole.
//!
//! An entry is held whole while it is small, and then encoded as bytes in
//! memory are (see [`encode_in_memory`]); past [`WHOLE_LIMIT`] it is cut
//! into full [`CHUNK`] pieces, deflated on their own by threads beside the
//! writing one (see [`super::pieces`]), whose output spills to disk as it
//! grows. Either way the encoding depends on the bytes alone, not on how
//! they were written nor on the threads.

use std::io::{self, Write};
use std::path::Path;
use std::thread::Scope;

use super::encode::{Compressed, encode_in_memory};
use super::pieces::Pieces;
use super::{CHUNK, Encoded, StreamWriter, WrittenFile};
use crate::bundle::zip::{Entry, Method};
use crate::digest::DigestsHasher;

/// The largest entry held whole. Small in unit tests, so that they
/// stream entries without writing many megabytes.
const WHOLE_LIMIT: usize = if cfg!(test) { 2 * CHUNK } else { 8 * CHUNK };

/// How entries are encoded.
#[derive(Clone, Copy, Debug)]
pub(super) struct StreamOptions {
    /// libdeflate's level, for an entry held whole.
    pub whole_level: i32,
    /// zlib-rs's level, for the pieces of an entry streamed.
    pub level: u32,
    /// Threads compressing the pieces of an entry streamed.
    pub threads: usize,
}

/// Encodes as the entry `name` the bytes `write` writes; compressed data
/// spills to unnamed files in `spill_dir`.
pub(super) fn encode_stream(
    name: &str,
    options: StreamOptions,
    spill_dir: &Path,
    write: &StreamWriter<'_>,
) -> io::Result<Encoded> {
    std::thread::scope(|scope| {
        let mut sink = Sink {
            pending: Vec::new(),
            pieces: None,
            scope,
            options,
            spill_dir,
            size: 0,
        };
        // An error drops the sink, whose pieces' threads then end.
        write(&mut sink)?;
        sink.finish(name)
    })
}

struct Sink<'scope, 'env> {
    /// Bytes written and not yet consumed: the whole entry so far while
    /// it is held whole, less than a chunk once it streams.
    pending: Vec<u8>,
    /// The threads encoding the entry, once it outgrows [`WHOLE_LIMIT`].
    pieces: Option<Pieces<'scope>>,
    scope: &'scope Scope<'scope, 'env>,
    options: StreamOptions,
    spill_dir: &'scope Path,
    size: u64,
}

impl Sink<'_, '_> {
    /// Sends the full chunks of `pending` to be encoded.
    fn consume_chunks(&mut self) -> io::Result<()> {
        let pieces = self.pieces.get_or_insert_with(|| {
            Pieces::start(
                self.scope,
                self.options.level,
                self.options.threads,
                self.spill_dir,
            )
        });
        let full = self.pending.len() / CHUNK * CHUNK;
        for chunk in self.pending[..full].chunks_exact(CHUNK) {
            pieces.send(chunk)?;
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

    fn finish(mut self, name: &str) -> io::Result<Encoded> {
        let (method, data, digests, crc) = match self.pieces.take() {
            None => {
                let mut digests = DigestsHasher::new();
                digests.update(&self.pending);
                let crc = crc32fast::hash(&self.pending);
                let (method, data) = encode_in_memory(&self.pending, self.options.whole_level);
                (method, Compressed::Memory(data), digests, crc)
            }
            Some(pieces) => {
                let (data, hashed) = pieces.finish(&self.pending)?;
                let crc = hashed.crc.finalize();
                (Method::Deflated, data, hashed.digests, crc)
            }
        };
        Ok(Encoded {
            entry: Entry {
                name: name.into(),
                method,
                crc32: crc,
                compressed_size: data.len(),
                uncompressed_size: self.size,
                offset: 0,
            },
            data,
            written: WrittenFile {
                size: self.size,
                digests: digests.finish_binary(),
            },
        })
    }
}

impl Write for Sink<'_, '_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.size += bytes.len() as u64;
        let limit = if self.pieces.is_some() {
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

    const OPTIONS: StreamOptions = StreamOptions {
        whole_level: 1,
        level: 2,
        threads: 2,
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
        encode_with(bytes, piece, OPTIONS)
    }

    /// Encodes `bytes`, written in pieces of `piece` bytes, with `options`.
    fn encode_with(
        bytes: &[u8],
        piece: usize,
        options: StreamOptions,
    ) -> (Entry, Vec<u8>, WrittenFile) {
        let dir = tempfile::tempdir().unwrap();
        let write = |out: &mut dyn Write| {
            for part in bytes.chunks(piece) {
                out.write_all(part)?;
            }
            Ok(())
        };
        let encoded = encode_stream("e", options, dir.path(), &write).unwrap();
        let data = match encoded.data {
            Compressed::Memory(data) => data,
            Compressed::Spilled { mut file, .. } => {
                use std::io::{Seek, SeekFrom};
                let mut data = Vec::new();
                file.seek(SeekFrom::Start(0)).unwrap();
                file.read_to_end(&mut data).unwrap();
                data
            }
        };
        (encoded.entry, data, encoded.written)
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

    /// Text that compresses less, as prose does: words of random letters.
    fn prose(len: usize) -> Vec<u8> {
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let mut text = Vec::with_capacity(len);
        while text.len() < len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let letter = b'a' + (state % 26) as u8;
            text.push(if state.is_multiple_of(7) {
                b' '
            } else {
                letter
            });
        }
        text
    }

    #[test]
    fn the_bytes_do_not_depend_on_the_threads_compressing_them() {
        let bytes = prose(WHOLE_LIMIT + 5 * CHUNK + 17);
        let reference = encode_with(&bytes, 4096, OPTIONS);
        for threads in [1, 3, 8] {
            let options = StreamOptions { threads, ..OPTIONS };
            assert_eq!(
                encode_with(&bytes, 4096, options),
                reference,
                "{threads} threads"
            );
        }
        let (entry, data, _) = reference;
        assert!(data.len() > 1 << 20, "the pieces spilled to disk");
        let mut inflated = Vec::new();
        flate2::read::DeflateDecoder::new(data.as_slice())
            .read_to_end(&mut inflated)
            .unwrap();
        assert!(inflated == bytes);
        assert_eq!(entry.crc32, crc32fast::hash(&bytes));
    }

    #[test]
    fn a_failing_writer_stops_the_threads_encoding_its_entry() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = text(WHOLE_LIMIT + 3 * CHUNK);
        let write = |out: &mut dyn Write| {
            out.write_all(&bytes)?;
            Err(io::Error::other("the writer failed"))
        };
        match encode_stream("e", OPTIONS, dir.path(), &write) {
            Err(error) => assert_eq!(error.to_string(), "the writer failed"),
            Ok(_) => panic!("a failed writer gave an entry"),
        }
    }
}
