//! Writing a zip archive from files, in parallel, with reproducible bytes.
//!
//! Each file is read once; the same chunks feed SHA-256, SHA-512, CRC-32 and
//! the compressor. Workers take files in archive order. A file's place in
//! the archive depends only on the entries before it, so a worker writes its
//! entry at an offset it reserves once every earlier entry has reserved
//! its own; large stored files stream straight to their place while other
//! workers go on with the next files.
//!
//! A source file is checked before and after it is read: the bytes read
//! must be as many as its size, and its size, modification time and status
//! change time must not have moved, nor its name been given to another
//! file; otherwise the archive fails naming the file.
//!
//! What makes the bytes reproducible: the compressor is always fed full
//! [`CHUNK`]-sized pieces (zlib-rs output depends on how input is split), the
//! store-or-deflate choice depends only on the bytes, and the zip records
//! carry no time, owner or platform detail (see [`super::zip`]).

use std::collections::BTreeMap;
use std::fs::{File, Metadata};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};

use flate2::{Compress, Compression, FlushCompress, Status};
use rayon::prelude::*;

use super::zip::{Entry, Method, central_directory, local_header, local_header_len};
use crate::digest::{Digests, DigestsHasher};
use crate::error::{Error, IoContext, Result};

/// The unit of reading and of feeding the compressor.
pub const CHUNK: usize = 1 << 20;
/// How much of a file's start is trial-compressed to choose store or deflate.
const SAMPLE: usize = 64 << 10;
/// Compressed data held in memory before it spills to a temporary file.
const SPILL_AT: usize = 8 << 20;
/// Bytes written between two requests to start writeback.
const WRITEBACK_EVERY: u64 = 32 << 20;
/// Memory that entries encoded before their turn may hold; past it, a
/// worker waits for the turn of its entry. Small in unit tests, so that
/// they reach the limit.
const MAX_WAITING: usize = if cfg!(test) { 256 << 10 } else { 64 << 20 };

/// How the archive is written.
#[derive(Clone, Copy, Debug)]
pub struct WriteOptions {
    /// Worker threads reading and compressing files.
    pub threads: usize,
    /// Deflate level (1–9) of files streamed in chunks, with zlib-rs.
    pub level: u32,
    /// Deflate level (1–12) of data deflated in one piece (files of one
    /// chunk, bytes in memory), with libdeflate, which is faster there.
    pub whole_level: i32,
}

/// A file on disk to add to the archive.
#[derive(Clone, Debug)]
pub struct FileSource {
    /// The entry name in the archive.
    pub name: String,
    /// Where the bytes are.
    pub path: PathBuf,
}

/// What was read from a file while it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenFile {
    /// Bytes read.
    pub size: u64,
    /// Digests of those bytes.
    pub digests: Digests,
}

/// A zip archive being written to a file.
pub struct ArchiveWriter {
    file: File,
    path: PathBuf,
    entries: Vec<Entry>,
    offset: u64,
    options: WriteOptions,
    spill_dir: PathBuf,
}

impl ArchiveWriter {
    /// Starts an archive in `file`, which must be empty; `path` names it in
    /// errors. Compressed data too large for memory spills to unnamed
    /// temporary files in `spill_dir`.
    pub fn new(file: File, path: &Path, spill_dir: &Path, options: WriteOptions) -> ArchiveWriter {
        ArchiveWriter {
            file,
            path: path.to_path_buf(),
            entries: Vec::new(),
            offset: 0,
            options,
            spill_dir: spill_dir.to_path_buf(),
        }
    }

    /// Adds files as entries, in the order given, reading each once.
    ///
    /// `on_file` is called with each file's index and facts as soon as it
    /// has been read, and may fail to stop the whole archive (a checksum
    /// that does not match, say). `on_bytes` reports progress.
    pub fn add_files(
        &mut self,
        files: &[FileSource],
        on_file: &(dyn Fn(usize, &WrittenFile) -> Result<()> + Sync),
        on_bytes: &(dyn Fn(u64) + Sync),
    ) -> Result<Vec<WrittenFile>> {
        let run = Run {
            files,
            out: Output::new(&self.file, &self.path),
            options: self.options,
            spill_dir: &self.spill_dir,
            on_file,
            on_bytes,
            layout: Mutex::new(Layout {
                next: 0,
                offset: self.offset,
                waiting: BTreeMap::new(),
                waiting_bytes: 0,
            }),
            turn: Condvar::new(),
            failed: AtomicBool::new(false),
            first_error: Mutex::new(None),
            results: Mutex::new(vec![None; files.len()]),
            next_file: Mutex::new(0),
        };
        let workers = self.options.threads.clamp(1, files.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| run.work());
            }
        });
        if let Some(error) = run.first_error.into_inner().expect("no worker panicked") {
            return Err(error);
        }
        self.offset = run.layout.into_inner().expect("no worker panicked").offset;
        let mut written = Vec::with_capacity(files.len());
        for result in run.results.into_inner().expect("no worker panicked") {
            let (entry, file) = result.expect("every file was written");
            self.entries.push(entry);
            written.push(file);
        }
        Ok(written)
    }

    /// Adds an entry from bytes in memory.
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        self.add_all_bytes(&[(name, bytes)])
    }

    /// Adds entries from bytes in memory, in the order given, encoding
    /// them in parallel.
    pub fn add_all_bytes<N, B>(&mut self, items: &[(N, B)]) -> Result<()>
    where
        N: AsRef<str> + Sync,
        B: AsRef<[u8]> + Sync,
    {
        let level = self.options.whole_level;
        let encoded: Vec<(Method, Vec<u8>)> = items
            .par_iter()
            .map(|(_, bytes)| encode_in_memory(bytes.as_ref(), level))
            .collect();
        for ((name, bytes), (method, data)) in items.iter().zip(encoded) {
            self.write_bytes_entry(name.as_ref(), bytes.as_ref(), method, &data)?;
        }
        Ok(())
    }

    fn write_bytes_entry(
        &mut self,
        name: &str,
        bytes: &[u8],
        method: Method,
        data: &[u8],
    ) -> Result<()> {
        let entry = Entry {
            name: name.to_string(),
            method,
            crc32: crc32fast::hash(bytes),
            compressed_size: data.len() as u64,
            uncompressed_size: bytes.len() as u64,
            offset: self.offset,
        };
        let out = Output::new(&self.file, &self.path);
        let header = local_header(&entry);
        out.write_at(&header, self.offset)?;
        out.write_at(data, self.offset + header.len() as u64)?;
        self.offset += (header.len() + data.len()) as u64;
        self.entries.push(entry);
        Ok(())
    }

    /// Writes the central directory and returns the file, flushed to disk,
    /// with the entries it holds, in archive order.
    pub fn finish(self) -> Result<(File, Vec<Entry>)> {
        let directory = central_directory(&self.entries, self.offset);
        let out = Output::new(&self.file, &self.path);
        out.write_at(&directory, self.offset)?;
        let end = self.offset + directory.len() as u64;
        self.file.set_len(end).at(&self.path)?;
        self.file.sync_all().at(&self.path)?;
        Ok((self.file, self.entries))
    }
}

/// Where the next entry goes.
struct Layout {
    /// Index of the file whose turn it is to be placed.
    next: usize,
    /// Where that file's entry will start.
    offset: u64,
    /// Entries encoded before their turn, by index, so that their
    /// workers go on with other files.
    waiting: BTreeMap<usize, Encoded>,
    /// The memory those entries hold.
    waiting_bytes: usize,
}

/// A file read and encoded, its entry's offset not yet known.
struct Encoded {
    entry: Entry,
    data: Compressed,
    written: WrittenFile,
}

/// The shared state of one `add_files` call.
struct Run<'a> {
    files: &'a [FileSource],
    out: Output<'a>,
    options: WriteOptions,
    spill_dir: &'a Path,
    on_file: &'a (dyn Fn(usize, &WrittenFile) -> Result<()> + Sync),
    on_bytes: &'a (dyn Fn(u64) + Sync),
    layout: Mutex<Layout>,
    turn: Condvar,
    failed: AtomicBool,
    first_error: Mutex<Option<Error>>,
    results: Mutex<Vec<Option<(Entry, WrittenFile)>>>,
    next_file: Mutex<usize>,
}

/// Why a worker stopped early without an error of its own.
struct Stopped;

impl Run<'_> {
    fn work(&self) {
        // One read buffer and one compressor per worker: fresh ones per
        // file cost more than reading a small file (zeroing, page faults,
        // unmapping).
        let mut chunk = vec![0; CHUNK];
        let mut compress = Compress::new(Compression::new(self.options.level), false);
        let mut whole = WholeDeflater::new(self.options.whole_level);
        loop {
            if self.failed.load(Ordering::Relaxed) {
                return;
            }
            let index = {
                let mut next = self.next_file.lock().expect("no worker panicked");
                let index = *next;
                *next += 1;
                index
            };
            if index >= self.files.len() {
                return;
            }
            let written = self.write_file(index, &mut chunk, &mut compress, &mut whole);
            compress.reset();
            match written {
                Ok(Ok(())) => {}
                Ok(Err(Stopped)) => return,
                Err(error) => {
                    self.fail(error);
                    return;
                }
            }
        }
    }

    fn fail(&self, error: Error) {
        let mut first = self.first_error.lock().expect("no worker panicked");
        first.get_or_insert(error);
        self.failed.store(true, Ordering::Relaxed);
        // Wake workers waiting for a turn that will never come.
        let _layout = self.layout.lock().expect("no worker panicked");
        self.turn.notify_all();
    }

    /// Waits for `index`'s turn and reserves room for its stored entry of
    /// `size` bytes; returns the offset of its local header, and the
    /// entries after it that were waiting and are now placed.
    fn reserve(
        &self,
        index: usize,
        name: &str,
        size: u64,
    ) -> Result<(u64, Vec<(usize, Encoded)>), Stopped> {
        let mut layout = self.layout.lock().expect("no worker panicked");
        while layout.next != index {
            if self.failed.load(Ordering::Relaxed) {
                return Err(Stopped);
            }
            layout = self.turn.wait(layout).expect("no worker panicked");
        }
        let offset = layout.offset;
        layout.offset += local_header_len(name, size, size) + size;
        layout.next += 1;
        self.turn.notify_all();
        Ok((offset, self.take_ready(&mut layout)))
    }

    fn write_file(
        &self,
        index: usize,
        chunk: &mut [u8],
        compress: &mut Compress,
        whole: &mut WholeDeflater,
    ) -> Result<Result<(), Stopped>> {
        let source = &self.files[index];
        let path = source.path.as_path();
        let mut file = File::open(path).at(path)?;
        let before = file.metadata().at(path)?;
        let mut hasher = DigestsHasher::new();
        let mut crc = crc32fast::Hasher::new();
        let first_len = read_full(&mut file, chunk).at(path)?;
        let first = &chunk[..first_len];
        let single_chunk = first_len < CHUNK;
        let deflate = if single_chunk {
            !already_compressed(first)
        } else {
            worth_deflating(first)
        };

        let (method, data, uncompressed) = if !deflate && !single_chunk {
            return self.stream_stored(index, file, chunk, &before);
        } else if single_chunk {
            hasher.update(first);
            crc.update(first);
            (self.on_bytes)(first_len as u64);
            let (method, data) = if deflate {
                whole.deflate_if_smaller(first)
            } else {
                (Method::Stored, first.to_vec())
            };
            (method, Compressed::Memory(data), first_len as u64)
        } else {
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
                hasher.update(piece);
                crc.update(piece);
                deflater.feed(piece, false).at(path)?;
                total += len as u64;
                (self.on_bytes)(len as u64);
                len = read_full(&mut file, chunk).at(path)?;
            }
            (Method::Deflated, deflater.finish().at(path)?, total)
        };
        check_unchanged(path, &file, &before, uncompressed)?;
        let written = WrittenFile {
            size: uncompressed,
            digests: hasher.finish(),
        };
        (self.on_file)(index, &written)?;
        let entry = Entry {
            name: source.name.clone(),
            method,
            crc32: crc.finalize(),
            compressed_size: data.len(),
            uncompressed_size: uncompressed,
            offset: 0,
        };
        self.place(
            index,
            Encoded {
                entry,
                data,
                written,
            },
        )
    }

    /// Queues an encoded entry, waiting first if too much memory is held
    /// by entries whose turn has not come, and writes every entry whose
    /// turn has.
    fn place(&self, index: usize, encoded: Encoded) -> Result<Result<(), Stopped>> {
        let held = encoded.data.memory_len();
        let ready = {
            let mut layout = self.layout.lock().expect("no worker panicked");
            while index != layout.next && layout.waiting_bytes + held > MAX_WAITING {
                if self.failed.load(Ordering::Relaxed) {
                    return Ok(Err(Stopped));
                }
                layout = self.turn.wait(layout).expect("no worker panicked");
            }
            layout.waiting_bytes += held;
            layout.waiting.insert(index, encoded);
            self.take_ready(&mut layout)
        };
        self.write_ready(ready)?;
        Ok(Ok(()))
    }

    /// Gives the waiting entries whose turn has come their offsets.
    fn take_ready(&self, layout: &mut Layout) -> Vec<(usize, Encoded)> {
        let mut ready = Vec::new();
        while let Some(mut encoded) = layout.waiting.remove(&layout.next) {
            layout.waiting_bytes -= encoded.data.memory_len();
            let entry = &mut encoded.entry;
            entry.offset = layout.offset;
            layout.offset +=
                local_header_len(&entry.name, entry.compressed_size, entry.uncompressed_size)
                    + entry.compressed_size;
            ready.push((layout.next, encoded));
            layout.next += 1;
        }
        if !ready.is_empty() {
            self.turn.notify_all();
        }
        ready
    }

    fn write_ready(&self, ready: Vec<(usize, Encoded)>) -> Result<()> {
        for (index, encoded) in ready {
            let header = local_header(&encoded.entry);
            self.out.write_at(&header, encoded.entry.offset)?;
            encoded
                .data
                .write_to(&self.out, encoded.entry.offset + header.len() as u64)?;
            self.results.lock().expect("no worker panicked")[index] =
                Some((encoded.entry, encoded.written));
        }
        Ok(())
    }

    /// Streams a large incompressible file to its place in the archive.
    fn stream_stored(
        &self,
        index: usize,
        mut file: File,
        chunk: &mut [u8],
        before: &Metadata,
    ) -> Result<Result<(), Stopped>> {
        let size = before.len();
        let source = &self.files[index];
        let path = source.path.as_path();
        let Ok((offset, ready)) = self.reserve(index, &source.name, size) else {
            return Ok(Err(Stopped));
        };
        self.write_ready(ready)?;
        let data_offset = offset + local_header_len(&source.name, size, size);
        let mut hasher = DigestsHasher::new();
        let mut crc = crc32fast::Hasher::new();
        let mut total = 0u64;
        let mut len = CHUNK;
        while len > 0 {
            if self.failed.load(Ordering::Relaxed) {
                return Ok(Err(Stopped));
            }
            let piece = &chunk[..len];
            if total + len as u64 > size {
                return Err(changed_size(path, size, total + len as u64));
            }
            hasher.update(piece);
            crc.update(piece);
            self.out.write_at(piece, data_offset + total)?;
            total += len as u64;
            (self.on_bytes)(len as u64);
            len = read_full(&mut file, chunk).at(path)?;
        }
        check_unchanged(path, &file, before, total)?;
        let written = WrittenFile {
            size,
            digests: hasher.finish(),
        };
        (self.on_file)(index, &written)?;
        let entry = Entry {
            name: source.name.clone(),
            method: Method::Stored,
            crc32: crc.finalize(),
            compressed_size: size,
            uncompressed_size: size,
            offset,
        };
        self.out.write_at(&local_header(&entry), offset)?;
        self.results.lock().expect("no worker panicked")[index] = Some((entry, written));
        Ok(Ok(()))
    }
}

/// Fails unless `read` bytes are the file's size and the file, opened as
/// `file` and described by `before` when opened, is still as it was: same
/// size, modification and status change times, and still the file `path`
/// names.
fn check_unchanged(path: &Path, file: &File, before: &Metadata, read: u64) -> Result<()> {
    if read != before.len() {
        return Err(changed_size(path, before.len(), read));
    }
    let after = file.metadata().at(path)?;
    let what = if after.len() != before.len() {
        Some(format!(
            "it had {} bytes, now {}",
            before.len(),
            after.len()
        ))
    } else if after.modified().ok() != before.modified().ok() {
        Some("its modification time moved".to_string())
    } else if status_changed(before, &after) {
        Some("its status change time moved".to_string())
    } else {
        match path.metadata() {
            Ok(now) if same_file(&now, &after) => None,
            Ok(_) => Some("its name now names another file".to_string()),
            Err(error) => Some(format!("it can no longer be found: {error}")),
        }
    };
    match what {
        None => Ok(()),
        Some(what) => Err(Error::SourceChanged {
            path: path.to_path_buf(),
            what,
        }),
    }
}

fn changed_size(path: &Path, expected: u64, read: u64) -> Error {
    Error::SourceChanged {
        path: path.to_path_buf(),
        what: format!("it had {expected} bytes, {read} were read"),
    }
}

#[cfg(unix)]
fn status_changed(before: &Metadata, after: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (before.ctime(), before.ctime_nsec()) != (after.ctime(), after.ctime_nsec())
}

#[cfg(not(unix))]
fn status_changed(_: &Metadata, _: &Metadata) -> bool {
    false
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

/// Whether deflate is worth running: a fast trial on the start of the data
/// must save at least a tenth.
fn worth_deflating(data: &[u8]) -> bool {
    let sample = &data[..data.len().min(SAMPLE)];
    if sample.is_empty() {
        return false;
    }
    let mut compress = Compress::new(Compression::fast(), false);
    let mut out = Vec::with_capacity(sample.len() + 64);
    compress
        .compress_vec(sample, &mut out, FlushCompress::Finish)
        .expect("deflate into a buffer with room");
    out.len() * 10 < sample.len() * 9
}

/// Whether the bytes start like a format that is compressed already
/// (images, audio, video, archives), so deflating them would only cost
/// time.
fn already_compressed(bytes: &[u8]) -> bool {
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
fn encode_in_memory(bytes: &[u8], level: i32) -> (Method, Vec<u8>) {
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
struct WholeDeflater {
    compressor: libdeflater::Compressor,
    out: Vec<u8>,
}

impl WholeDeflater {
    fn new(level: i32) -> WholeDeflater {
        let level = libdeflater::CompressionLvl::new(level)
            .unwrap_or_else(|_| panic!("deflate level {level} is not one of libdeflate's"));
        WholeDeflater {
            compressor: libdeflater::Compressor::new(level),
            out: Vec::new(),
        }
    }

    /// The bytes deflated, or stored if that is not smaller.
    fn deflate_if_smaller(&mut self, bytes: &[u8]) -> (Method, Vec<u8>) {
        let bound = self.compressor.deflate_compress_bound(bytes.len());
        if self.out.len() < bound {
            self.out.resize(bound, 0);
        }
        let len = self
            .compressor
            .deflate_compress(bytes, &mut self.out)
            .expect("the bound leaves room");
        if len >= bytes.len() {
            (Method::Stored, bytes.to_vec())
        } else {
            (Method::Deflated, self.out[..len].to_vec())
        }
    }
}

/// Runs the compressor until it has taken all of `input` (and, when
/// finishing, written its last block).
fn deflate_into(
    compress: &mut Compress,
    mut input: &[u8],
    out: &mut Vec<u8>,
    flush: FlushCompress,
) {
    loop {
        if out.capacity() - out.len() < 64 << 10 {
            out.reserve(256 << 10);
        }
        let before = compress.total_in();
        let status = compress
            .compress_vec(input, out, flush)
            .expect("deflate of in-memory data cannot fail");
        input = &input[(compress.total_in() - before) as usize..];
        let done = match flush {
            FlushCompress::Finish => status == Status::StreamEnd,
            _ => input.is_empty() && out.len() < out.capacity(),
        };
        if done {
            return;
        }
    }
}

/// Compressed data of one entry: in memory, or spilled to a temporary file.
enum Compressed {
    Memory(Vec<u8>),
    Spilled { file: File, len: u64 },
}

impl Compressed {
    /// The memory it holds.
    fn memory_len(&self) -> usize {
        match self {
            Compressed::Memory(data) => data.len(),
            Compressed::Spilled { .. } => 0,
        }
    }

    fn len(&self) -> u64 {
        match self {
            Compressed::Memory(data) => data.len() as u64,
            Compressed::Spilled { len, .. } => *len,
        }
    }

    fn write_to(self, out: &Output, offset: u64) -> Result<()> {
        match self {
            Compressed::Memory(data) => out.write_at(&data, offset),
            Compressed::Spilled { mut file, len } => {
                let spill_error = |error| Error::io(out.path, error);
                file.seek(SeekFrom::Start(0)).map_err(spill_error)?;
                let mut buffer = vec![0; CHUNK];
                let mut done = 0;
                while done < len {
                    let n = read_full(&mut file, &mut buffer).map_err(spill_error)?;
                    if n == 0 {
                        return Err(spill_error(io::ErrorKind::UnexpectedEof.into()));
                    }
                    out.write_at(&buffer[..n], offset + done)?;
                    done += n as u64;
                }
                Ok(())
            }
        }
    }
}

/// A streaming deflater whose output spills to disk past [`SPILL_AT`].
struct Deflater<'a> {
    compress: &'a mut Compress,
    out: Vec<u8>,
    spill: Option<(File, u64)>,
    spill_dir: &'a Path,
}

impl<'a> Deflater<'a> {
    /// A deflater using `compress`, fresh or reset.
    fn new(compress: &'a mut Compress, spill_dir: &'a Path) -> Deflater<'a> {
        Deflater {
            compress,
            out: Vec::new(),
            spill: None,
            spill_dir,
        }
    }

    fn feed(&mut self, input: &[u8], last: bool) -> io::Result<()> {
        let flush = if last {
            FlushCompress::Finish
        } else {
            FlushCompress::None
        };
        deflate_into(self.compress, input, &mut self.out, flush);
        if self.out.len() >= SPILL_AT {
            let (file, len) = match &mut self.spill {
                Some(spill) => spill,
                None => self
                    .spill
                    .insert((tempfile::tempfile_in(self.spill_dir)?, 0)),
            };
            file.write_all(&self.out)?;
            *len += self.out.len() as u64;
            self.out.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> io::Result<Compressed> {
        self.feed(&[], true)?;
        Ok(match self.spill {
            None => Compressed::Memory(self.out),
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

/// Reads until `buffer` is full or the file ends; returns the bytes read.
fn read_full(file: &mut File, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// The archive file, named for errors.
struct Output<'a> {
    file: &'a File,
    path: &'a Path,
    /// Bytes written since writeback was last started.
    unsynced: AtomicU64,
}

impl<'a> Output<'a> {
    fn new(file: &'a File, path: &'a Path) -> Output<'a> {
        Output {
            file,
            path,
            unsynced: AtomicU64::new(0),
        }
    }

    fn write_at(&self, bytes: &[u8], offset: u64) -> Result<()> {
        write_all_at(self.file, bytes, offset).at(self.path)?;
        let len = bytes.len() as u64;
        if self.unsynced.fetch_add(len, Ordering::Relaxed) + len >= WRITEBACK_EVERY {
            self.unsynced.store(0, Ordering::Relaxed);
            start_writeback(self.file);
        }
        Ok(())
    }
}

/// Asks the kernel to start writing the archive's dirty pages to disk now,
/// without waiting, so that the disk works while the workers hash and the
/// final `fsync` has little left to wait for (0.8 s of a 3.8 s pack of the
/// `few-large` corpus otherwise). Only a hint: errors are `fsync`'s to
/// report.
#[cfg(target_os = "linux")]
fn start_writeback(file: &File) {
    use std::os::fd::AsRawFd;
    // SAFETY: a plain system call on an open descriptor; no memory passed.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_: &File) {}

#[cfg(unix)]
fn write_all_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.write_all_at(bytes, offset)
}

#[cfg(windows)]
fn write_all_at(file: &File, mut bytes: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let n = file.seek_write(bytes, offset)?;
        bytes = &bytes[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::time::{Duration, SystemTime};

    use super::*;

    /// Files of many sizes and kinds (text, noise, empty, larger than a
    /// chunk), so that workers finish them out of order.
    fn mixed_files(dir: &Path) -> Vec<FileSource> {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..48)
            .map(|i| {
                let size = match i % 6 {
                    0 => 0,
                    1 => (next() % 2_000) as usize,
                    2 => (next() % 200_000) as usize,
                    3 => CHUNK + (next() % CHUNK as u64) as usize,
                    _ => (next() % 600_000) as usize,
                };
                let bytes: Vec<u8> = if i % 2 == 0 {
                    (0..size).map(|_| next() as u8).collect()
                } else {
                    format!("line {i}\n").bytes().cycle().take(size).collect()
                };
                let path = dir.join(format!("f{i}"));
                std::fs::write(&path, bytes).unwrap();
                FileSource {
                    name: format!("b/f{i}"),
                    path,
                }
            })
            .collect()
    }

    fn archive_bytes(dir: &Path, sources: &[FileSource], threads: usize) -> Vec<u8> {
        let out = tempfile::tempfile_in(dir).unwrap();
        let options = WriteOptions {
            threads,
            level: 2,
            whole_level: 1,
        };
        let mut writer = ArchiveWriter::new(out, Path::new("out.zip"), dir, options);
        writer.add_files(sources, &|_, _| Ok(()), &|_| {}).unwrap();
        writer.add_bytes("b/tag.txt", b"tag\n").unwrap();
        let (mut out, _) = writer.finish().unwrap();
        let mut bytes = Vec::new();
        out.seek(SeekFrom::Start(0)).unwrap();
        out.read_to_end(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn the_bytes_do_not_depend_on_the_thread_count() {
        let dir = tempfile::tempdir().unwrap();
        let sources = mixed_files(dir.path());
        let one = archive_bytes(dir.path(), &sources, 1);
        for threads in [2, 3, 8] {
            let many = archive_bytes(dir.path(), &sources, threads);
            assert!(one == many, "{threads} threads give other bytes than one");
        }
        let mut archive = zip::ZipArchive::new(io::Cursor::new(one)).unwrap();
        assert_eq!(archive.len(), sources.len() + 1);
        for (index, source) in sources.iter().enumerate() {
            let mut entry = archive.by_index(index).unwrap();
            assert_eq!(entry.name().unwrap(), source.name);
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            assert!(bytes == std::fs::read(&source.path).unwrap());
        }
    }

    /// Writes `bytes` to `dir/name` with an old modification time, so that
    /// any later write moves it even within the clock's granularity.
    fn old_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        path
    }

    /// Archives the file at `path`, running `change` on it once, after its
    /// first chunk is read.
    fn archive_changing(dir: &Path, path: &Path, change: &(dyn Fn(&Path) + Sync)) -> Result<()> {
        let out = tempfile::tempfile_in(dir).unwrap();
        let options = WriteOptions {
            threads: 1,
            level: 6,
            whole_level: 6,
        };
        let mut writer = ArchiveWriter::new(out, Path::new("out.zip"), dir, options);
        let sources = [FileSource {
            name: "b/f".into(),
            path: path.to_path_buf(),
        }];
        let changed = AtomicBool::new(false);
        let on_bytes = |_| {
            if !changed.swap(true, Ordering::Relaxed) {
                change(path);
            }
        };
        writer.add_files(&sources, &|_, _| Ok(()), &on_bytes)?;
        Ok(())
    }

    fn rewrite_first_byte(path: &Path) {
        let file = File::options().write(true).open(path).unwrap();
        write_all_at(&file, b"#", 0).unwrap();
    }

    fn append(path: &Path) {
        let mut file = File::options().append(true).open(path).unwrap();
        file.write_all(b"more").unwrap();
    }

    /// A file's name and bytes, a change made while it is read, and what
    /// the error says.
    type Case<'a> = (&'a str, &'a [u8], fn(&Path), &'a str);

    #[test]
    fn a_file_changed_while_read_fails_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let text = "a line of text\n".repeat(300_000);
        let noise: Vec<u8> = (0..3 * CHUNK as u64)
            .map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8)
            .collect();
        let cases: [Case; 5] = [
            ("small", b"short\n", rewrite_first_byte, "modification time"),
            (
                "text",
                text.as_bytes(),
                rewrite_first_byte,
                "modification time",
            ),
            ("noise", &noise, rewrite_first_byte, "modification time"),
            ("text", text.as_bytes(), append, "were read"),
            ("noise", &noise, append, "were read"),
        ];
        for (name, bytes, change, what) in cases {
            let path = old_file(dir.path(), name, bytes);
            let error = archive_changing(dir.path(), &path, &change).unwrap_err();
            let message = error.to_string();
            assert!(matches!(error, Error::SourceChanged { .. }), "{message}");
            assert!(
                message.starts_with(&path.display().to_string()),
                "{message}"
            );
            assert!(message.contains(what), "{name}: {message}");
        }
        let path = old_file(dir.path(), "still", b"unchanged\n");
        archive_changing(dir.path(), &path, &|_| {}).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_file_replaced_under_its_name_fails() {
        let dir = tempfile::tempdir().unwrap();
        let path = old_file(dir.path(), "f", b"first\n");
        let replace = |path: &Path| {
            let other = path.with_extension("new");
            std::fs::write(&other, b"other\n").unwrap();
            std::fs::rename(&other, path).unwrap();
        };
        // Unlinking the old file moves its status change time first.
        let error = archive_changing(dir.path(), &path, &replace).unwrap_err();
        assert!(matches!(error, Error::SourceChanged { .. }), "{error}");
    }
}
