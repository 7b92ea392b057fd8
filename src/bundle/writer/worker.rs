//! A worker's work: taking files in turn, reading, hashing and encoding
//! each, and handing its entry on to be placed.

use std::fs::{File, Metadata};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use flate2::{Compress, Compression};
use sha2::{Digest, Sha256};

use super::encode::{Deflater, WholeDeflater, already_compressed, worth_deflating};
use super::placing::Encoded;
use super::source::{changed_size, check_unchanged, read_start};
use super::{CHUNK, FileSource, MAX_WAITING_FILES, Run, WrittenFile};
use crate::bundle::read_full;
use crate::bundle::zip::{Entry, Method};
use crate::digest::{DigestsHasher, FileDigests, Sha512Batch};
use crate::error::{Error, IoContext, Result};

/// A file opened, its start read.
pub(super) struct Started<'a> {
    pub(super) index: usize,
    pub(super) source: FileSource<'a>,
    pub(super) path: PathBuf,
    pub(super) file: File,
    pub(super) before: Metadata,
    pub(super) first_len: usize,
}

/// Whether a file starting with `first` (up to a chunk) is larger than a
/// chunk and not worth deflating: such a file streams to its place stored.
pub(super) fn streams_stored(first: &[u8]) -> bool {
    first.len() == CHUNK && !worth_deflating(first)
}

/// What a worker keeps from one file to the next.
pub(super) struct Parts<'w> {
    pub(super) buffers: &'w mut [Vec<u8>; 2],
    pub(super) encoders: &'w mut Encoders,
}

/// A worker's compressors and SHA-512 batch.
pub(super) struct Encoders {
    compress: Compress,
    whole: WholeDeflater,
    batch: Sha512Batch<usize>,
}

/// Why a worker stopped early without an error of its own.
pub(super) struct Stopped;

impl<'a> Run<'a> {
    pub(super) fn work(&self) {
        self.work_on_files();
        self.spare_threads.fetch_add(1, Ordering::Relaxed);
    }

    fn work_on_files(&self) {
        // One read buffer and one compressor per worker: fresh ones per
        // file cost more than reading a small file (zeroing, page faults,
        // unmapping).
        let mut buffers = [vec![0; CHUNK], vec![0; CHUNK]];
        let mut encoders = Encoders {
            compress: Compress::new(Compression::new(self.options.level), false),
            whole: WholeDeflater::new(self.options.whole_level),
            batch: Sha512Batch::new(),
        };
        loop {
            if self.failed.load(Ordering::Relaxed) {
                return;
            }
            let Some(index) = self.claim() else {
                (encoders.batch).finish(&mut |index, sha512| self.set_sha512(index, sha512));
                return;
            };
            let parts = Parts {
                buffers: &mut buffers,
                encoders: &mut encoders,
            };
            match self.write_file(index, parts) {
                Ok(Ok(())) => match self.table_after_file() {
                    Err(error) => {
                        self.fail(error);
                        return;
                    }
                    Ok(waited_for) => {
                        if waited_for.is_some_and(|first| encoders.batch.holds(first)) {
                            (encoders.batch)
                                .finish(&mut |index, sha512| self.set_sha512(index, sha512));
                        }
                    }
                },
                Ok(Err(Stopped)) => return,
                Err(error) => {
                    self.fail(error);
                    return;
                }
            }
        }
    }

    /// Feeds `piece` to both digests, on a second thread if one is spare:
    /// so does the last large file, once the others are done.
    pub(super) fn hash(&self, hasher: &mut DigestsHasher, piece: &[u8]) {
        if self.spare_threads.load(Ordering::Relaxed) > 0 {
            hasher.update(piece);
        } else {
            hasher.update_here(piece);
        }
    }

    /// Records what was read of file `index`, before its entry is placed;
    /// its SHA-512 is to come when `sha512_later`.
    pub(super) fn record(&self, index: usize, written: WrittenFile, sha512_later: bool) {
        let mut results = self.results.lock().expect("no worker panicked");
        results.record(index, written, sha512_later);
    }

    /// What a worker learns of the entry table after each file: a failure
    /// to write it, named as the bundle's (the files left are not worth
    /// reading once the table cannot hold them), or else the file the
    /// others wait for to go to it, when more than [`MAX_WAITING_FILES`]
    /// wait.
    fn table_after_file(&self) -> Result<Option<usize>> {
        let mut results = self.results.lock().expect("no worker panicked");
        if let Some(error) = results.failed.take() {
            return Err(Error::io(self.out.path, error));
        }
        Ok((results.pending.len() > MAX_WAITING_FILES).then_some(results.first))
    }

    /// Completes the digests of file `index`, recorded without its SHA-512.
    fn set_sha512(&self, index: usize, sha512: [u8; 64]) {
        let mut results = self.results.lock().expect("no worker panicked");
        results.set_sha512(index, sha512);
    }

    fn fail(&self, error: Error) {
        let mut first = self.first_error.lock().expect("no worker panicked");
        first.get_or_insert(error);
        self.failed.store(true, Ordering::Relaxed);
        // Wake workers waiting for a turn that will never come.
        let _layout = self.layout.lock().expect("no worker panicked");
        self.turn.notify_all();
    }

    /// The index of the next file no worker has taken, if any is left.
    pub(super) fn claim(&self) -> Option<usize> {
        let mut next = self.next_file.lock().expect("no worker panicked");
        let index = *next;
        *next += 1;
        (index < self.files.count()).then_some(index)
    }

    /// Opens file `index` and reads its start into `chunk`.
    pub(super) fn start(&self, index: usize, chunk: &mut [u8]) -> Result<Started<'a>> {
        let source = self.files.source(index);
        let path = source.full_path();
        let mut file = File::open(&path).at(&path)?;
        let before = file.metadata().at(&path)?;
        let (first_len, cached) = read_start(&mut file, chunk, before.len()).at(&path)?;
        if !cached {
            self.last_miss.fetch_max(index + 1, Ordering::Relaxed);
        }
        Ok(Started {
            index,
            source,
            path,
            file,
            before,
            first_len,
        })
    }

    fn write_file(&self, index: usize, parts: Parts<'_>) -> Result<Result<(), Stopped>> {
        let started = self.start(index, &mut parts.buffers[0])?;
        if streams_stored(&parts.buffers[0][..started.first_len]) {
            self.write_stored(started, parts)
        } else {
            let [chunk, _] = parts.buffers;
            self.write_started(started, chunk, parts.encoders)
        }
    }

    /// Encodes and places a file whose start is in `chunk` and which does
    /// not stream stored.
    pub(super) fn write_started(
        &self,
        started: Started<'a>,
        chunk: &mut [u8],
        encoders: &mut Encoders,
    ) -> Result<Result<(), Stopped>> {
        let Encoders {
            compress,
            whole,
            batch,
        } = encoders;
        let Started {
            index,
            source,
            path,
            mut file,
            before,
            first_len,
        } = started;
        let path = path.as_path();
        let mut crc = crc32fast::Hasher::new();
        let first = &chunk[..first_len];
        let single_chunk = first_len < CHUNK;
        let deflate = !single_chunk || !already_compressed(first);
        // A file of one chunk stays in `chunk` until it is encoded, its
        // SHA-512 left to the batch (zero until then); a larger one is
        // deflated as it is read.
        let (uncompressed, streamed, digests) = if single_chunk {
            let sha256: [u8; 32] = Sha256::digest(first).into();
            crc.update(first);
            (self.on_bytes)(first_len as u64);
            check_unchanged(path, &file, &before, first_len as u64)?;
            let digests = FileDigests::new(sha256, [0; 64]);
            (first_len as u64, None, digests)
        } else {
            // Most files are deflated whole by libdeflate: the compressor
            // is reset only before it is used again, as clearing its tables
            // after each file was 2.5% of the files phase.
            if compress.total_in() > 0 || compress.total_out() > 0 {
                compress.reset();
            }
            let mut hasher = DigestsHasher::new();
            let mut deflater = Deflater::new(compress, self.spill_dir);
            let mut total = 0u64;
            let mut len = first_len;
            while len > 0 {
                if self.failed.load(Ordering::Relaxed) {
                    return Ok(Err(Stopped));
                }
                // A file growing while read would otherwise be read forever.
                if total + len as u64 > before.len() {
                    return Err(changed_size(path, before.len(), total + len as u64));
                }
                let piece = &chunk[..len];
                self.hash(&mut hasher, piece);
                crc.update(piece);
                deflater.feed(piece, false).at(path)?;
                total += len as u64;
                (self.on_bytes)(len as u64);
                len = read_full(&mut file, chunk).at(path)?;
            }
            check_unchanged(path, &file, &before, total)?;
            (
                total,
                Some(deflater.finish().at(path)?),
                hasher.finish_binary(),
            )
        };
        (self.on_file)(index, digests.sha256())?;
        let size = uncompressed;
        self.record(index, WrittenFile { size, digests }, streamed.is_none());
        let entry = |method, compressed_size| Entry {
            name: Arc::clone(&source.name),
            method,
            crc32: crc.finalize(),
            compressed_size,
            uncompressed_size: uncompressed,
            offset: 0,
        };
        match streamed {
            None => {
                let first = &chunk[..first_len];
                batch.add(index, first, &mut |index, sha512| {
                    self.set_sha512(index, sha512)
                });
                let (method, data) = if deflate {
                    whole.deflate_or_store(first)
                } else {
                    (Method::Stored, first)
                };
                self.place_borrowed(index, entry(method, data.len() as u64), data)
            }
            Some(data) => {
                let entry = entry(Method::Deflated, data.len());
                self.place(index, Encoded { entry, data })
            }
        }
    }
}
