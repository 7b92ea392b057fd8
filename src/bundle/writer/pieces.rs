//! A streamed entry encoded on threads beside the one writing it: the
//! bytes are cut into [`CHUNK`]-sized pieces, each deflated on its own, by
//! whichever of a few compressing threads takes it, while one more thread
//! feeds them, in order, to CRC-32 and both digests.
//!
//! Each piece but the last is deflated by a reset compressor and ends with
//! a sync flush (an empty stored block), which leaves the stream at a byte
//! boundary, so the pieces join into one deflate stream. Its bytes depend
//! only on the entry's bytes: the cuts are at fixed offsets, and no piece
//! sees another's. Each piece starting without the window of the one before
//! costs about 0.3% of the compressed size on the RO-Crate of the
//! `many-small` benchmark corpus.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::{Scope, ScopedJoinHandle};

use flate2::{Compress, Compression, FlushCompress, Status};

use super::CHUNK;
use super::encode::{Compressed, SpillBuffer};
use crate::digest::DigestsHasher;

/// Pieces waiting for a compressing thread, at most.
const QUEUED: usize = 4;

/// A piece of the entry, shared by the thread that hashes it and the one
/// that deflates it.
type Piece = Arc<[u8]>;

/// What hashing the pieces gives.
pub(super) struct Hashed {
    pub digests: DigestsHasher,
    pub crc: crc32fast::Hasher,
}

/// The threads encoding one entry, fed a piece at a time.
pub(super) struct Pieces<'scope> {
    sent: usize,
    to_hash: SyncSender<Piece>,
    to_deflate: SyncSender<(usize, Piece, bool)>,
    hashing: ScopedJoinHandle<'scope, Hashed>,
    deflating: Vec<ScopedJoinHandle<'scope, ()>>,
    assembly: Arc<Mutex<Assembly<'scope>>>,
}

impl<'scope> Pieces<'scope> {
    /// Starts `threads` compressing threads at `level` and one hashing
    /// thread in `scope`; compressed data spills to unnamed files in
    /// `spill_dir`.
    pub(super) fn start<'env>(
        scope: &'scope Scope<'scope, 'env>,
        level: u32,
        threads: usize,
        spill_dir: &'scope Path,
    ) -> Pieces<'scope> {
        let (to_hash, pieces) = sync_channel::<Piece>(QUEUED);
        let hashing = scope.spawn(move || {
            let mut hashed = Hashed {
                digests: DigestsHasher::new(),
                crc: crc32fast::Hasher::new(),
            };
            for piece in pieces {
                hashed.digests.update_here(&piece);
                hashed.crc.update(&piece);
            }
            hashed
        });
        let (to_deflate, jobs) = sync_channel(QUEUED);
        let jobs = Arc::new(Mutex::new(jobs));
        let assembly = Arc::new(Mutex::new(Assembly {
            next: 0,
            waiting: BTreeMap::new(),
            out: SpillBuffer::new(spill_dir),
            failed: None,
        }));
        let deflating = (0..threads.max(1))
            .map(|_| {
                let jobs = Arc::clone(&jobs);
                let assembly = Arc::clone(&assembly);
                scope.spawn(move || deflate_pieces(level, &jobs, &assembly))
            })
            .collect();
        Pieces {
            sent: 0,
            to_hash,
            to_deflate,
            hashing,
            deflating,
            assembly,
        }
    }

    /// Encodes `piece`, the next [`CHUNK`] bytes of the entry.
    pub(super) fn send(&mut self, piece: &[u8]) -> io::Result<()> {
        debug_assert_eq!(piece.len(), CHUNK);
        self.send_piece(piece, false)
    }

    fn send_piece(&mut self, piece: &[u8], last: bool) -> io::Result<()> {
        let piece: Piece = Arc::from(piece);
        let stopped = || io::Error::other("a thread encoding the entry stopped");
        self.to_hash
            .send(Arc::clone(&piece))
            .map_err(|_| stopped())?;
        self.to_deflate
            .send((self.sent, piece, last))
            .map_err(|_| stopped())?;
        self.sent += 1;
        Ok(())
    }

    /// Encodes the entry's last bytes, fewer than a [`CHUNK`], and waits
    /// for every thread: the entry's compressed data and its hashes.
    pub(super) fn finish(mut self, rest: &[u8]) -> io::Result<(Compressed, Hashed)> {
        self.send_piece(rest, true)?;
        let Pieces {
            to_hash,
            to_deflate,
            hashing,
            deflating,
            assembly,
            ..
        } = self;
        drop((to_hash, to_deflate));
        for thread in deflating {
            thread.join().expect("a compressing thread did not panic");
        }
        let hashed = hashing.join().expect("the hashing thread did not panic");
        let assembly = Arc::into_inner(assembly)
            .expect("the compressing threads are done")
            .into_inner()
            .expect("no compressing thread panicked");
        if let Some(error) = assembly.failed {
            return Err(error);
        }
        debug_assert!(assembly.waiting.is_empty());
        Ok((assembly.out.finish()?, hashed))
    }
}

/// The compressed pieces, joined in order as they come.
struct Assembly<'a> {
    /// The index of the piece to join next.
    next: usize,
    /// Pieces compressed before their turn.
    waiting: BTreeMap<usize, Vec<u8>>,
    out: SpillBuffer<'a>,
    /// The first error spilling; pieces after it are dropped.
    failed: Option<io::Error>,
}

impl Assembly<'_> {
    /// Joins piece `index`, and every piece waiting behind it.
    fn join(&mut self, index: usize, compressed: &mut Vec<u8>) {
        if index != self.next {
            self.waiting.insert(index, std::mem::take(compressed));
            return;
        }
        self.append(compressed);
        self.next += 1;
        while let Some(mut piece) = self.waiting.remove(&self.next) {
            self.append(&mut piece);
            self.next += 1;
        }
    }

    fn append(&mut self, compressed: &mut Vec<u8>) {
        if self.failed.is_none()
            && let Err(error) = self.out.append(compressed)
        {
            self.failed = Some(error);
        }
        compressed.clear();
    }
}

/// A compressing thread: deflates the pieces it takes from `jobs` until
/// they end.
fn deflate_pieces(
    level: u32,
    jobs: &Mutex<Receiver<(usize, Piece, bool)>>,
    assembly: &Mutex<Assembly<'_>>,
) {
    let mut compress = Compress::new(Compression::new(level), false);
    let mut compressed = Vec::new();
    loop {
        let job = jobs.lock().expect("no compressing thread panicked").recv();
        let Ok((index, piece, last)) = job else {
            return;
        };
        deflate_piece(&mut compress, &piece, last, &mut compressed);
        drop(piece);
        assembly
            .lock()
            .expect("no compressing thread panicked")
            .join(index, &mut compressed);
    }
}

/// Deflates `piece` alone into `out`: ending the stream if it is the
/// `last`, otherwise at a byte boundary, so that the next piece can follow.
fn deflate_piece(compress: &mut Compress, mut piece: &[u8], last: bool, out: &mut Vec<u8>) {
    compress.reset();
    out.clear();
    // Room for any piece at once (zlib's bound is about 0.03% over the
    // input), so that the bytes never depend on the room given.
    out.reserve(piece.len() + piece.len() / 64 + 64);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    loop {
        let before = compress.total_in();
        let status = compress
            .compress_vec(piece, out, flush)
            .expect("deflate of in-memory data cannot fail");
        piece = &piece[(compress.total_in() - before) as usize..];
        let done = match flush {
            FlushCompress::Finish => status == Status::StreamEnd,
            _ => piece.is_empty() && out.len() < out.capacity(),
        };
        if done {
            return;
        }
        out.reserve(out.capacity());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_compressed_out_of_turn_are_joined_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut assembly = Assembly {
            next: 0,
            waiting: BTreeMap::new(),
            out: SpillBuffer::new(dir.path()),
            failed: None,
        };
        for index in [2, 0, 3, 1, 4] {
            assembly.join(index, &mut vec![b'a' + index as u8; 3]);
        }
        assert!(assembly.waiting.is_empty());
        match assembly.out.finish().unwrap() {
            Compressed::Memory(bytes) => assert_eq!(bytes, b"aaabbbcccdddeee"),
            Compressed::Spilled { .. } => panic!("15 bytes spilled"),
        }
    }
}
