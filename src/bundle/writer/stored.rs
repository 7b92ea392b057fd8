//! Large incompressible files, streamed stored straight to their place.
//!
//! Such a file's size is its entry's, so its place is reserved as soon as
//! its start is read, and each chunk is written there, read back at once
//! while still in the page cache, and dropped from it [`KEEP_BEHIND`]
//! bytes later. SHA-512, the slowest of the work, is sequential within a
//! file; so where streams are hashed side by side ([`Sha512Lanes`]), a
//! worker that meets such a file takes the next files no worker has taken
//! too, while they stream stored, up to its share of the lanes, and
//! streams them together: a chunk of each, then their SHA-512s at once.

use std::mem;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use sha2::{Digest, Sha256};

use super::source::{changed_size, check_unchanged};
use super::worker::{Parts, Started, Stopped, streams_stored};
use super::{CHUNK, KEEP_BEHIND, Run, WrittenFile};
use crate::bundle::read_full;
use crate::bundle::zip::{Entry, Method, local_header, local_header_len};
use crate::digest::{DigestsHasher, FileDigests, LANES, Sha512Lanes};
use crate::error::{Error, IoContext, Result};

/// With fewer files than this, side by side is no faster than one by one
/// (see `digest::lanes`).
const MIN_SIDE_BY_SIDE: usize = 3;

/// A large stored file on its way to its reserved place.
struct Stream<'a> {
    started: Started<'a>,
    /// The bytes read and not yet written.
    chunk: Vec<u8>,
    len: usize,
    offset: u64,
    hashing: Hashing,
    crc: crc32fast::Hasher,
    read_back: crc32fast::Hasher,
    total: u64,
    forgotten: u64,
}

/// A stream's digests: both by itself, or SHA-256 alone while its SHA-512
/// is a lane's.
enum Hashing {
    Both(Box<DigestsHasher>),
    InLane(Sha256),
}

impl<'a> Run<'a> {
    /// Streams the stored file `started`, whose start is in the first
    /// buffer, with the files taken beside it.
    pub(super) fn write_stored(
        &self,
        started: Started<'a>,
        parts: Parts<'_>,
    ) -> Result<Result<(), Stopped>> {
        // Each worker's share of the lanes, so that each has as many.
        let share = LANES / self.workers;
        let side_by_side = Sha512Lanes::side_by_side() && share >= MIN_SIDE_BY_SIDE;
        let chunk = mem::take(&mut parts.buffers[0]);
        let Ok(head) = self.reserve_stream(started, chunk)? else {
            return Ok(Err(Stopped));
        };
        let mut streams = vec![head];
        while side_by_side && streams.len() < share {
            let Some(index) = self.claim() else {
                break;
            };
            let mut chunk = vec![0; CHUNK];
            let started = self.start(index, &mut chunk)?;
            if streams_stored(&chunk[..started.first_len]) {
                let Ok(stream) = self.reserve_stream(started, chunk)? else {
                    return Ok(Err(Stopped));
                };
                streams.push(stream);
            } else {
                // Its turn comes once the streams before it are placed,
                // which they are: it is encoded now.
                let written = self.write_started(started, &mut chunk, parts.encoders)?;
                if let Err(Stopped) = written {
                    return Ok(Err(Stopped));
                }
            }
        }
        let back = &mut parts.buffers[1];
        let streamed = if streams.len() >= MIN_SIDE_BY_SIDE {
            self.stream_side_by_side(&mut streams, back)
        } else {
            self.stream_one_by_one(&mut streams, back)
        };
        parts.buffers[0] = mem::take(&mut streams[0].chunk);
        streamed
    }

    /// Waits for the turn of the file `started` and reserves its place.
    fn reserve_stream(
        &self,
        started: Started<'a>,
        chunk: Vec<u8>,
    ) -> Result<Result<Stream<'a>, Stopped>> {
        let size = started.before.len();
        let name = &started.source.name;
        let Ok((offset, ready)) = self.reserve(started.index, name, size) else {
            return Ok(Err(Stopped));
        };
        self.write_ready(ready)?;
        Ok(Ok(Stream {
            len: started.first_len,
            started,
            chunk,
            offset,
            hashing: Hashing::Both(Box::default()),
            crc: crc32fast::Hasher::new(),
            read_back: crc32fast::Hasher::new(),
            total: 0,
            forgotten: 0,
        }))
    }

    fn stream_one_by_one(
        &self,
        streams: &mut [Stream],
        back: &mut [u8],
    ) -> Result<Result<(), Stopped>> {
        for stream in streams {
            while stream.len > 0 {
                if self.failed.load(Ordering::Relaxed) {
                    return Ok(Err(Stopped));
                }
                self.write_piece(stream, back)?;
                stream.read_next()?;
            }
            self.finish_stream(stream, None)?;
        }
        Ok(Ok(()))
    }

    /// Streams a chunk of each in turn, then hashes their SHA-512s
    /// together, until all have ended.
    fn stream_side_by_side(
        &self,
        streams: &mut [Stream],
        back: &mut [u8],
    ) -> Result<Result<(), Stopped>> {
        let mut lanes = Sha512Lanes::new(streams.len());
        for stream in streams.iter_mut() {
            stream.hashing = Hashing::InLane(Sha256::new());
        }
        while streams.iter().any(|stream| stream.len > 0) {
            if self.failed.load(Ordering::Relaxed) {
                return Ok(Err(Stopped));
            }
            for stream in streams.iter_mut().filter(|stream| stream.len > 0) {
                self.write_piece(stream, back)?;
            }
            let pieces: Vec<&[u8]> = streams.iter().map(|s| &s.chunk[..s.len]).collect();
            lanes.update(&pieces);
            for (lane, stream) in streams.iter_mut().enumerate() {
                if stream.len > 0 && stream.read_next()? == 0 {
                    self.finish_stream(stream, Some(lanes.finish_stream(lane)))?;
                }
            }
        }
        Ok(Ok(()))
    }

    /// Hashes the stream's chunk, writes it to its place and reads it back.
    fn write_piece(&self, stream: &mut Stream, back: &mut [u8]) -> Result<()> {
        let (len, size) = (stream.len, stream.started.before.len());
        let path = &stream.started.path;
        if stream.total + len as u64 > size {
            return Err(changed_size(path, size, stream.total + len as u64));
        }
        let piece = &stream.chunk[..len];
        match &mut stream.hashing {
            Hashing::Both(hasher) => self.hash(hasher, piece),
            Hashing::InLane(sha256) => sha256.update(piece),
        }
        stream.crc.update(piece);
        let name = &stream.started.source.name;
        let data_start = stream.offset + local_header_len(name, size, size);
        self.out.write_at(piece, data_start + stream.total)?;
        self.out
            .read_exact_at(&mut back[..len], data_start + stream.total)?;
        stream.read_back.update(&back[..len]);
        stream.total += len as u64;
        if stream.total - stream.forgotten >= 2 * KEEP_BEHIND {
            let keep_from = stream.total - KEEP_BEHIND;
            self.out
                .forget(data_start + stream.forgotten..data_start + keep_from);
            stream.forgotten = keep_from;
        }
        (self.on_bytes)(len as u64);
        Ok(())
    }

    /// Checks a stream that has ended, records its digests (its SHA-512
    /// given if it was a lane's) and writes its local header.
    fn finish_stream(&self, stream: &mut Stream, sha512: Option<[u8; 64]>) -> Result<()> {
        let Started {
            index,
            ref source,
            ref path,
            ref file,
            ref before,
            ..
        } = stream.started;
        let size = before.len();
        check_unchanged(path, file, before, stream.total)?;
        let name = &source.name;
        let crc32 = mem::take(&mut stream.crc).finalize();
        if mem::take(&mut stream.read_back).finalize() != crc32 {
            return Err(Error::WrittenBadly {
                path: self.out.path.to_path_buf(),
                message: format!(
                    "entry {name}: its data reads back with another CRC-32 than was written"
                ),
            });
        }
        let hashing = mem::replace(&mut stream.hashing, Hashing::InLane(Sha256::new()));
        let digests = match (hashing, sha512) {
            (Hashing::Both(hasher), None) => hasher.finish_binary(),
            (Hashing::InLane(sha256), Some(sha512)) => {
                FileDigests::new(sha256.finalize().into(), sha512)
            }
            _ => unreachable!("a lane's stream is given its SHA-512, and only it"),
        };
        (self.on_file)(index, digests.sha256())?;
        self.record(index, WrittenFile { size, digests }, false);
        let entry = Entry {
            name: Arc::clone(name),
            method: Method::Stored,
            crc32,
            compressed_size: size,
            uncompressed_size: size,
            offset: stream.offset,
        };
        self.out.write_at(&local_header(&entry), stream.offset)?;
        self.results
            .lock()
            .expect("no worker panicked")
            .place(index, entry, true);
        Ok(())
    }
}

impl Stream<'_> {
    /// Reads the next chunk; how many bytes it had, none at the end.
    fn read_next(&mut self) -> Result<usize> {
        let path = &self.started.path;
        self.len = read_full(&mut self.started.file, &mut self.chunk).at(path)?;
        Ok(self.len)
    }
}
