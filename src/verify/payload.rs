//! Validity: every listed file's checksums, each file read once for all
//! its algorithms, files in parallel; large files whose SHA-512 is wanted
//! are read side by side, their SHA-512s hashed together ([`Sha512Lanes`]).

use std::io;

use rayon::prelude::*;

use super::findings::Findings;
use super::manifests::Manifest;
use crate::bundle::reader::{BagStore, StoredFiles, read_error_finding};
use crate::digest::{Algorithm, LANES, MultiHasher, Sha512Lanes};
use crate::finding::{Code, Finding};
use crate::progress::{Phase, Progress};

/// What is wanted of a file's SHA-256, besides what the manifests want.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sha256Wanted {
    /// Nothing.
    Nothing,
    /// The file is read, listed in a manifest or not; its SHA-256 is not
    /// kept.
    Read,
    /// Its SHA-256 is kept if it is not the one stated
    /// ([`Sha256Wants::stated`]).
    KeptUnlessStated,
    /// Its SHA-256 is kept.
    Kept,
}

/// What is wanted of the SHA-256 of each stored file (by index in
/// [`BagStore::files`]), besides what the manifests want: what the RO-Crate
/// metadata states of them is compared with it.
pub trait Sha256Wants: Sync {
    /// What is wanted of the SHA-256 of the file at `index`.
    fn wanted(&self, index: usize) -> Sha256Wanted;

    /// The SHA-256 stated of the file at `index`, which
    /// [`Sha256Wants::wanted`] says is [`Sha256Wanted::KeptUnlessStated`]:
    /// read once the file's is known, as it may wait in a temporary file.
    fn stated(&self, index: usize) -> io::Result<[u8; 32]>;
}

/// No SHA-256 is wanted but the manifests'.
pub struct NoSha256Wanted;

impl Sha256Wants for NoSha256Wanted {
    fn wanted(&self, _: usize) -> Sha256Wanted {
        Sha256Wanted::Nothing
    }

    fn stated(&self, _: usize) -> io::Result<[u8; 32]> {
        Err(io::Error::other("no SHA-256 is stated"))
    }
}

/// How much was read, and the SHA-256 kept.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    /// Files read.
    pub files: u64,
    /// Bytes read.
    pub bytes: u64,
    /// The SHA-256 kept ([`Sha256Wanted`]), by index in
    /// [`BagStore::files`], sorted.
    sha256: Vec<(u32, [u8; 32])>,
}

impl Checked {
    /// The SHA-256 of the stored file at `index`, if it was kept.
    pub fn sha256(&self, index: usize) -> Option<&[u8; 32]> {
        let at = self
            .sha256
            .binary_search_by_key(&index, |(i, _)| *i as usize)
            .ok()?;
        Some(&self.sha256[at].1)
    }
}

/// Computes the checksums of every present, listed file and reports each
/// one that differs from a manifest. Files are read whole once, in
/// parallel, for every algorithm that concerns them: those of the
/// manifests that list them (but those corpack does not support, whose
/// checksums cannot be computed) and, as `sha256_wants` says, SHA-256.
/// What is kept of each file is whatever is found wrong and the SHA-256
/// wanted kept. Large files whose SHA-512 is wanted are read side by side
/// where that hashes faster ([`Sha512Lanes`]).
pub fn check_digests(
    store: &dyn BagStore,
    manifests: &[Manifest],
    sha256_wants: &dyn Sha256Wants,
    progress: &dyn Progress,
    findings: &mut Findings,
) -> Checked {
    let files = store.files();
    // Jobs are made as they are needed, not held: verify's memory must
    // not grow by a job's size per file.
    let job = |index: usize| FileJob::new(store, index, manifests, sha256_wants);
    let jobs = || (0..files.len()).into_par_iter().filter_map(job);
    progress.start(
        Phase::Verifying,
        jobs().map(|job| files.get(job.index).size).sum(),
    );
    let mut beside: Vec<usize> = jobs()
        .filter(|job| job.goes_side_by_side(files))
        .map(|job| job.index)
        .collect();
    if beside.len() < SIDE_BY_SIDE_MIN_FILES {
        beside.clear();
    }
    // Side by side: a thread waiting in one may take up files of the
    // other, which the buffers taken, not borrowed, allow. One after the
    // other was 6-8% slower on many-small (alternated `verify` runs).
    let (read, read_beside) = rayon::join(
        || {
            jobs()
                .filter(|job| beside.binary_search(&job.index).is_err())
                .fold(Read::default, |mut read, job| {
                    let index = job.index;
                    read.add(index, check_file(store, job, progress));
                    read
                })
                .reduce(Read::default, Read::join)
        },
        || {
            check_side_by_side(
                store,
                beside.iter().filter_map(|&index| job(index)),
                progress,
            )
        },
    );
    let mut read = read.join(read_beside);
    read.findings.sort_by_key(|(index, _)| *index);
    read.sha256.sort_by_key(|(index, _)| *index);
    findings.extend(read.findings.into_iter().map(|(_, finding)| finding));
    Checked {
        files: read.files,
        bytes: read.bytes,
        sha256: read.sha256,
    }
}

/// Files larger than one read whose SHA-512 is wanted are read side by
/// side when there are at least this many: with fewer, SHA-512 one file at
/// a time on each core is as fast.
const SIDE_BY_SIDE_MIN_FILES: usize = 3;

/// How much of a file is read at a time.
const CHUNK: usize = 1 << 20;

/// What reading some files found: counts, and what is kept of them.
#[derive(Default)]
struct Read {
    files: u64,
    bytes: u64,
    findings: Vec<(u32, Finding)>,
    sha256: Vec<(u32, [u8; 32])>,
}

impl Read {
    fn add(&mut self, index: usize, result: FileResult) {
        let index = u32::try_from(index).expect("a u32 per file");
        self.files += 1;
        self.bytes += result.bytes;
        self.findings
            .extend(result.findings.into_iter().map(|f| (index, f)));
        self.sha256
            .extend(result.sha256.map(|digest| (index, digest)));
    }

    fn join(mut self, other: Read) -> Read {
        self.files += other.files;
        self.bytes += other.bytes;
        self.findings.extend(other.findings);
        self.sha256.extend(other.sha256);
        self
    }
}

/// What reading one file found.
struct FileResult {
    bytes: u64,
    sha256: Option<[u8; 32]>,
    findings: Vec<Finding>,
}

/// One file to read, and what for.
struct FileJob<'a> {
    index: usize,
    path: &'a str,
    /// Every algorithm to compute, sorted.
    algorithms: Vec<Algorithm>,
    /// The manifests that list it with an algorithm corpack supports, and
    /// that algorithm: their digests are read once the file's are known.
    wanted: Vec<(Algorithm, &'a Manifest)>,
    /// What is wanted of its SHA-256: [`Sha256Wanted::Kept`] or
    /// [`Sha256Wanted::KeptUnlessStated`] when it is to be kept.
    sha256_wanted: Sha256Wanted,
    wants: &'a dyn Sha256Wants,
}

impl<'a> FileJob<'a> {
    /// The job of the file at `index`, if it is to be read: it is readable,
    /// and listed in a manifest or its SHA-256 is wanted.
    fn new(
        store: &'a dyn BagStore,
        index: usize,
        manifests: &'a [Manifest],
        wants: &'a dyn Sha256Wants,
    ) -> Option<FileJob<'a>> {
        let sha256_wanted = wants.wanted(index);
        let file = store.files().get(index);
        let wanted: Vec<_> = (manifests.iter())
            .filter(|m| m.lists_stored(index))
            .filter_map(|m| Some((m.algorithm?, m)))
            .collect();
        if !file.readable || (sha256_wanted == Sha256Wanted::Nothing && wanted.is_empty()) {
            return None;
        }
        let mut algorithms: Vec<Algorithm> = wanted.iter().map(|(a, _)| *a).collect();
        if sha256_wanted.keeps() {
            algorithms.push(Algorithm::Sha256);
        }
        algorithms.sort();
        algorithms.dedup();
        Some(FileJob {
            index,
            path: file.path,
            algorithms,
            wanted,
            sha256_wanted,
            wants,
        })
    }

    fn goes_side_by_side(&self, files: &StoredFiles) -> bool {
        files.get(self.index).size > CHUNK as u64
            && self.algorithms.contains(&Algorithm::Sha512)
            && Sha512Lanes::side_by_side()
    }

    /// What the file read as `outcome` (its digests, or why it could not
    /// be read, after `bytes` bytes) says against the manifests.
    fn conclude(self, bytes: u64, outcome: io::Result<Vec<(Algorithm, Vec<u8>)>>) -> FileResult {
        let actual = match outcome {
            Ok(actual) => actual,
            Err(error) => {
                return FileResult {
                    bytes,
                    sha256: None,
                    findings: vec![read_error_finding(self.path, &error)],
                };
            }
        };
        let mut findings = Vec::new();
        for &(algorithm, manifest) in &self.wanted {
            let computed = actual
                .iter()
                .find(|(a, _)| *a == algorithm)
                .map(|(_, d)| d.as_slice())
                .expect("every wanted algorithm was computed");
            let digest = match manifest.digest(self.index) {
                Ok(Some(digest)) => digest,
                Ok(None) => continue,
                Err(error) => {
                    findings.push(manifest.digest_unreadable(self.path, &error));
                    continue;
                }
            };
            if *computed != *digest {
                let code = if self.path.starts_with("data/") {
                    Code::PayloadDigestMismatch
                } else {
                    Code::TagDigestMismatch
                };
                let (digest, computed) = (hex::encode(digest), hex::encode(computed));
                let manifest = &manifest.name;
                findings.push(Finding::error(
                    code,
                    self.path,
                    format!("{manifest} says {algorithm} {digest}, the file has {computed}"),
                ));
            }
        }
        let sha256 = self.kept_sha256(actual);
        FileResult {
            bytes,
            sha256,
            findings,
        }
    }

    /// The file's SHA-256, among the digests computed, if it is kept.
    fn kept_sha256(&self, actual: Vec<(Algorithm, Vec<u8>)>) -> Option<[u8; 32]> {
        if !self.sha256_wanted.keeps() {
            return None;
        }
        let (_, digest) = actual.into_iter().find(|(a, _)| *a == Algorithm::Sha256)?;
        let digest: [u8; 32] = digest.try_into().expect("SHA-256 has 32 bytes");
        // A stated digest that cannot be read back keeps the file's, for
        // the metadata's check to read it again and say so.
        let stated = match self.sha256_wanted {
            Sha256Wanted::KeptUnlessStated => self.wants.stated(self.index).ok(),
            _ => None,
        };
        (stated != Some(digest)).then_some(digest)
    }
}

impl Sha256Wanted {
    /// Whether the file's SHA-256 may be kept.
    fn keeps(self) -> bool {
        matches!(self, Sha256Wanted::Kept | Sha256Wanted::KeptUnlessStated)
    }
}

thread_local! {
    /// Each reading thread's buffer: a fresh one per file costs more than
    /// reading a small file (zeroing, page faults, unmapping).
    static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; CHUNK]);
}

/// Reads one file once for all the algorithms of its job.
fn check_file(store: &dyn BagStore, job: FileJob, progress: &dyn Progress) -> FileResult {
    let mut hasher = MultiHasher::new(job.algorithms.iter().copied());
    let mut read = 0u64;
    // Taken, not borrowed: while the digests wait for each other, this
    // thread may check another file.
    let mut buffer = BUFFER.take();
    buffer.resize(CHUNK, 0);
    let result = store.read_with(job.path, &mut |reader: &mut dyn io::Read| {
        loop {
            let n = match read_some(reader, &mut buffer)? {
                0 => return Ok(()),
                n => n,
            };
            hasher.update(&buffer[..n]);
            read += n as u64;
            progress.advance(n as u64);
        }
    });
    BUFFER.set(buffer);
    job.conclude(read, result.map(|()| hasher.finish_bytes()))
}

/// Reads what is there, up to `buffer`'s length, retrying interruptions.
fn read_some(reader: &mut dyn io::Read, buffer: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buffer) {
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            result => return result,
        }
    }
}

/// A file being read side by side with others.
struct Lane<'a> {
    job: FileJob<'a>,
    reader: Box<dyn io::Read + Send + 'a>,
    /// The algorithms but SHA-512.
    others: MultiHasher,
    buffer: Vec<u8>,
    filled: usize,
    read: u64,
    /// Set once the file is read to its end, or could not be.
    ended: Option<io::Result<()>>,
}

impl Lane<'_> {
    fn read_chunk(&mut self) {
        // Fill the chunk: the lanes' SHA-512s advance together, at the pace
        // of the shortest input.
        self.filled = 0;
        while self.filled < self.buffer.len() {
            match read_some(&mut self.reader, &mut self.buffer[self.filled..]) {
                Ok(0) => {
                    self.ended = Some(Ok(()));
                    break;
                }
                Ok(n) => self.filled += n,
                Err(error) => {
                    self.ended = Some(Err(error));
                    break;
                }
            }
        }
        self.read += self.filled as u64;
    }
}

/// Reads `jobs` [`LANES`] at a time, each file's next chunk read in
/// parallel, then hashed: SHA-512 of all of them on one core, side by
/// side, the other algorithms beside it. A lane whose file ends takes the
/// next file.
fn check_side_by_side<'a>(
    store: &'a dyn BagStore,
    mut queue: impl Iterator<Item = FileJob<'a>>,
    progress: &dyn Progress,
) -> Read {
    let mut read = Read::default();
    let mut lanes: Vec<Option<Lane>> = (0..LANES).map(|_| None).collect();
    let mut sha512 = Sha512Lanes::new(LANES);
    let mut spare_buffers: Vec<Vec<u8>> = Vec::new();
    loop {
        for slot in lanes.iter_mut().filter(|slot| slot.is_none()) {
            for job in queue.by_ref() {
                match store.stream(job.path) {
                    Ok(reader) => {
                        let others = job
                            .algorithms
                            .iter()
                            .copied()
                            .filter(|&a| a != Algorithm::Sha512);
                        *slot = Some(Lane {
                            others: MultiHasher::new(others),
                            reader,
                            job,
                            buffer: spare_buffers.pop().unwrap_or_else(|| vec![0; CHUNK]),
                            filled: 0,
                            read: 0,
                            ended: None,
                        });
                        break;
                    }
                    Err(error) => {
                        let index = job.index;
                        read.add(index, job.conclude(0, Err(error)));
                    }
                }
            }
        }
        if lanes.iter().all(Option::is_none) {
            return read;
        }
        lanes.par_iter_mut().flatten().for_each(Lane::read_chunk);
        let mut chunks: Vec<&[u8]> = Vec::with_capacity(LANES);
        let mut others: Vec<(&mut MultiHasher, &[u8])> = Vec::with_capacity(LANES);
        for slot in lanes.iter_mut() {
            let Some(Lane {
                buffer,
                filled,
                others: hasher,
                ..
            }) = slot
            else {
                chunks.push(&[]);
                continue;
            };
            chunks.push(&buffer[..*filled]);
            others.push((hasher, &buffer[..*filled]));
        }
        rayon::join(
            || sha512.update(&chunks),
            || {
                others
                    .into_par_iter()
                    .for_each(|(hasher, chunk)| hasher.update(chunk))
            },
        );
        for (at, slot) in lanes.iter_mut().enumerate() {
            let Some(lane) = slot else { continue };
            progress.advance(lane.filled as u64);
            let Some(ended) = lane.ended.take() else {
                continue;
            };
            let lane = slot.take().expect("a lane");
            let digest = sha512.finish_stream(at);
            let outcome = ended.map(|()| {
                let mut digests = lane.others.finish_bytes();
                digests.push((Algorithm::Sha512, digest.to_vec()));
                digests
            });
            let index = lane.job.index;
            read.add(index, lane.job.conclude(lane.read, outcome));
            spare_buffers.push(lane.buffer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Hasher;
    use crate::finding::Severity;
    use crate::progress::NoProgress;
    use crate::verify::testutil::Memory;
    use crate::verify::{VerifyOptions, verify};

    /// Every file's SHA-256 is kept.
    struct KeptAlways;

    impl Sha256Wants for KeptAlways {
        fn wanted(&self, _: usize) -> Sha256Wanted {
            Sha256Wanted::Kept
        }

        fn stated(&self, _: usize) -> io::Result<[u8; 32]> {
            unreachable!("none is stated")
        }
    }

    /// A bag whose readers check a file of `other` on the same thread at
    /// their first read, as rayon may have a thread do while it waits for
    /// digests.
    struct Nesting<'a> {
        bag: Memory,
        other: &'a Memory,
    }

    struct NestingReader<'a, 'b> {
        reader: &'a mut dyn io::Read,
        other: &'b Memory,
        nested: Option<FileResult>,
    }

    impl io::Read for NestingReader<'_, '_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            if self.nested.is_none() {
                let job = FileJob::new(self.other, 0, &[], &KeptAlways).unwrap();
                self.nested = Some(check_file(self.other, job, &NoProgress));
            }
            self.reader.read(buffer)
        }
    }

    impl BagStore for Nesting<'_> {
        fn location(&self) -> &std::path::Path {
            self.bag.location()
        }
        fn files(&self) -> &StoredFiles {
            self.bag.files()
        }
        fn findings(&self) -> &[Finding] {
            self.bag.findings()
        }
        fn is_dir(&self, path: &str) -> bool {
            self.bag.is_dir(path)
        }
        fn read_with(
            &self,
            path: &str,
            read: &mut dyn FnMut(&mut dyn io::Read) -> io::Result<()>,
        ) -> io::Result<()> {
            self.bag.read_with(path, &mut |reader| {
                let mut nesting = NestingReader {
                    reader,
                    other: self.other,
                    nested: None,
                };
                read(&mut nesting)?;
                let nested = nesting.nested.expect("read");
                assert!(nested.findings.is_empty() && nested.sha256.is_some());
                Ok(())
            })
        }
        fn stream(&self, path: &str) -> io::Result<Box<dyn io::Read + Send + '_>> {
            self.bag.stream(path)
        }
    }

    #[test]
    fn a_file_checked_while_another_is_read_on_the_same_thread() {
        let other = Memory::new(&[("data/other", b"other\n")]);
        let store = Nesting {
            bag: Memory::new(&[("data/a", b"a\n")]),
            other: &other,
        };
        let job = FileJob::new(&store, 0, &[], &KeptAlways).unwrap();
        let result = check_file(&store, job, &NoProgress);
        assert!(result.findings.is_empty(), "{:?}", result.findings);
        assert_eq!(result.bytes, 2);
    }

    #[test]
    fn large_files_read_side_by_side_are_each_checked() {
        // More large files than lanes, of different sizes, so that lanes
        // take new files as others end; one file does not match.
        let sizes = [CHUNK + 1, 3 * CHUNK / 2, 2 * CHUNK + 5];
        let files: Vec<(String, Vec<u8>)> = (0..LANES + 2)
            .map(|i| {
                let size = sizes[i % sizes.len()] + i;
                let bytes = (0..size)
                    .map(|j| (j * 31 + i * 7 + j / 4096) as u8)
                    .collect();
                (format!("data/f{i:02}"), bytes)
            })
            .chain([("data/small".to_string(), b"small\n".to_vec())])
            .collect();
        let mut manifest = String::new();
        for (at, (path, bytes)) in files.iter().enumerate() {
            let mut hasher = Hasher::Sha512(Default::default());
            hasher.update(bytes);
            if at == 3 {
                hasher.update(b"x");
            }
            manifest.push_str(&format!("{}  {path}\n", hasher.finish_hex()));
        }
        let bagit = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
        let mut all: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
            .collect();
        all.push(("bagit.txt", bagit));
        all.push(("manifest-sha512.txt", manifest.as_bytes()));
        let store = Memory::new(&all);
        let report = verify(&store, VerifyOptions::default(), &NoProgress);
        let errors: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == crate::finding::Severity::Error)
            .map(|f| (f.code, f.path.as_str()))
            .collect();
        assert_eq!(errors, [(Code::PayloadDigestMismatch, "data/f03")]);
    }

    /// Digests past the first in a temporary file that a disk lost: the
    /// bag is not said valid, and the finding names the manifest, not the
    /// files, as what could not be read.
    #[test]
    fn a_digest_that_cannot_be_read_back_is_not_verified() {
        let files: Vec<(String, Vec<u8>)> = (0..8)
            .map(|i| (format!("data/f{i}"), format!("{i}\n").into_bytes()))
            .collect();
        let mut manifest = String::new();
        for (path, bytes) in &files {
            let mut hasher = Hasher::Sha256(Default::default());
            hasher.update(bytes);
            manifest.push_str(&format!("{}  {path}\n", hasher.finish_hex()));
        }
        let mut all: Vec<(&str, &[u8])> = (files.iter())
            .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
            .collect();
        all.push(("manifest-sha256.txt", manifest.as_bytes()));
        let store = Memory::new(&all);
        let (manifests, findings) = crate::verify::testutil::read_manifests(&store);
        assert!(findings.is_empty(), "{findings:?}");
        let checked = || {
            let mut findings = Findings::default();
            let checked = check_digests(
                &store,
                &manifests.list,
                &NoSha256Wanted,
                &NoProgress,
                &mut findings,
            );
            (checked.files, findings.into_vec())
        };
        assert_eq!(checked(), (8, Vec::new()));
        manifests.list[0].lose_digests();
        let (_, findings) = checked();
        let found: Vec<_> = (findings.iter())
            .map(|f| (f.severity, f.code, f.path.as_str()))
            .collect();
        // One finding for the manifest, whose first three digests are held
        // in memory (96 bytes in tests): f3 is the first read back.
        let unread = (Severity::Error, Code::FileUnreadable, "manifest-sha256.txt");
        assert_eq!(found, [unread]);
        assert!(findings[0].message.contains("\"data/f3\""), "{findings:?}");
    }
}
