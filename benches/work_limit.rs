//! The work limit of a pack, for `scripts/bench`: the least computing a
//! bundle of these files needs, with none of corpack's own code around it.
//! One thread per core takes files in turn and reads each once into a
//! buffer, feeds both digests (corpack's hashers, with SHA-512 of files of
//! up to 1 MiB side by side as pack has it) and CRC-32, and deflates
//! the files the bundle holds deflated, at pack's levels: libdeflate for a
//! file of up to 1 MiB, zlib-rs in 1 MiB steps above. Nothing is written.
//! A file of up to 1 MiB deflated is also inflated again and its CRC-32
//! taken, which is what pack's read-back does with it before the bundle is
//! put in place (issue 8 asks for that check); every deflated file of the
//! benchmark's corpora is of that kind.
//!
//! usage: work_limit LIST, where LIST holds `D<path>` or `S<path>` for each
//! file, NUL-terminated: D for deflated, S for stored. A bare `cargo bench`
//! leaves it out (`bench = false`); without a LIST it says so and does
//! nothing.

use std::fs::File;
use std::hint::black_box;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use corpack::digest::{DigestsHasher, Sha512Batch};
use corpack::pack::{DEFLATE_LEVEL, WHOLE_DEFLATE_LEVEL};
use flate2::{Compress, Compression, FlushCompress, Status};
use sha2::{Digest, Sha256};

const CHUNK: usize = 1 << 20;

fn main() {
    let Some(list) = std::env::args().skip(1).find(|arg| !arg.starts_with("--")) else {
        eprintln!("work_limit: no file list given; scripts/bench runs this with one");
        return;
    };
    let list = std::fs::read(&list).unwrap_or_else(|e| panic!("{list}: {e}"));
    let files: Vec<(bool, &Path)> = list
        .split(|&b| b == 0)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let path = std::str::from_utf8(&entry[1..]).expect("UTF-8 paths");
            (entry[0] == b'D', Path::new(path))
        })
        .collect();
    let next = AtomicUsize::new(0);
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut worker = Worker::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(deflate, path)) = files.get(index) else {
                        break;
                    };
                    worker.file(path, deflate);
                }
                worker.sha512.finish(&mut |_, digest| {
                    black_box(digest);
                });
            });
        }
    });
}

/// One thread's buffers and compressors, reused from file to file.
struct Worker {
    buffer: Vec<u8>,
    out: Vec<u8>,
    back: Vec<u8>,
    whole: libdeflater::Compressor,
    inflater: libdeflater::Decompressor,
    streamed: Compress,
    sha512: Sha512Batch<()>,
}

impl Worker {
    fn new() -> Worker {
        let level = libdeflater::CompressionLvl::new(WHOLE_DEFLATE_LEVEL).expect("a level");
        Worker {
            buffer: vec![0; CHUNK],
            out: vec![0; 2 * CHUNK],
            back: vec![0; CHUNK],
            whole: libdeflater::Compressor::new(level),
            inflater: libdeflater::Decompressor::new(),
            streamed: Compress::new(Compression::new(DEFLATE_LEVEL), false),
            sha512: Sha512Batch::new(),
        }
    }

    fn file(&mut self, path: &Path, deflate: bool) {
        let mut file = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut digests = DigestsHasher::new();
        let mut crc = crc32fast::Hasher::new();
        // pack deflates a file of up to one chunk in one piece.
        let whole = file.metadata().is_ok_and(|m| m.len() <= CHUNK as u64);
        self.streamed.reset();
        loop {
            let filled = fill(&mut file, &mut self.buffer, path);
            let chunk = &self.buffer[..filled];
            if whole {
                black_box(Sha256::digest(chunk));
                self.sha512.add((), chunk, &mut |_, digest| {
                    black_box(digest);
                });
            } else {
                digests.update_here(chunk);
            }
            crc.update(chunk);
            let last = whole || filled < CHUNK;
            if deflate && whole {
                let n = self.whole.deflate_compress(chunk, &mut self.out);
                let n = n.expect("room for the deflated file");
                let back = self
                    .inflater
                    .deflate_decompress(&self.out[..n], &mut self.back);
                let back = back.expect("inflates to the file");
                black_box(crc32fast::hash(&self.back[..back]));
            } else if deflate {
                let flush = if last {
                    FlushCompress::Finish
                } else {
                    FlushCompress::None
                };
                let mut input = chunk;
                loop {
                    let read_before = self.streamed.total_in();
                    let status = self.streamed.compress(input, &mut self.out, flush);
                    let status = status.expect("deflate into a buffer");
                    input = &input[(self.streamed.total_in() - read_before) as usize..];
                    let done = if last {
                        status == Status::StreamEnd
                    } else {
                        input.is_empty()
                    };
                    if done {
                        break;
                    }
                }
                black_box(&self.out);
            }
            if last {
                break;
            }
        }
        black_box((digests.finish_binary(), crc.finalize()));
    }
}

/// Reads until `buffer` is full or the file ends; how much was read.
fn fill(file: &mut File, buffer: &mut [u8], path: &Path) -> usize {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) => panic!("{}: {e}", path.display()),
        }
    }
    filled
}
