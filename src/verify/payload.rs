//! Validity: every listed file's checksums, each file read once for all
//! its algorithms, files in parallel.

use std::io;

use rayon::prelude::*;

use super::findings::Findings;
use super::manifests::Manifest;
use crate::bundle::reader::{BagStore, read_error_finding};
use crate::digest::{Algorithm, MultiHasher};
use crate::finding::{Code, Finding};
use crate::progress::Progress;

/// What is wanted of a file's SHA-256, besides what the manifests want.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sha256Wanted {
    /// Nothing.
    Nothing,
    /// The file is read, listed in a manifest or not; its SHA-256 is not
    /// kept.
    Read,
    /// Its SHA-256 is kept if it is not this.
    KeptUnless([u8; 32]),
    /// Its SHA-256 is kept.
    Kept,
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
/// checksums cannot be computed) and, as `sha256_wanted` says (by index in
/// [`BagStore::files`]), SHA-256. What is kept of each file is whatever is
/// found wrong and the SHA-256 wanted kept.
pub fn check_digests(
    store: &dyn BagStore,
    manifests: &[Manifest],
    sha256_wanted: &(dyn Fn(usize) -> Sha256Wanted + Sync),
    progress: &dyn Progress,
    findings: &mut Findings,
) -> Checked {
    let files = store.files();
    let is_job = |index: usize| {
        files[index].readable
            && (sha256_wanted(index) != Sha256Wanted::Nothing
                || manifests
                    .iter()
                    .any(|m| m.algorithm.is_some() && m.lists_stored(index)))
    };
    let jobs = || {
        (0..files.len())
            .into_par_iter()
            .filter(|&index| is_job(index))
    };
    progress.start(jobs().map(|index| files[index].size).sum());
    let mut read = jobs()
        .fold(Read::default, |mut read, index| {
            let wanted = sha256_wanted(index);
            let result = check_file(store, index, manifests, wanted, progress);
            read.add(index, result);
            read
        })
        .reduce(Read::default, Read::join);
    read.findings.sort_by_key(|(index, _)| *index);
    read.sha256.sort_by_key(|(index, _)| *index);
    for (_, finding) in read.findings {
        findings.push(finding);
    }
    Checked {
        files: read.files,
        bytes: read.bytes,
        sha256: read.sha256,
    }
}

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

thread_local! {
    /// Each reading thread's buffer: a fresh one per file costs more than
    /// reading a small file (zeroing, page faults, unmapping).
    static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 1 << 20]);
}

/// Reads one file once for all the algorithms of the manifests that list
/// it, and SHA-256 as wanted.
fn check_file(
    store: &dyn BagStore,
    index: usize,
    manifests: &[Manifest],
    sha256_wanted: Sha256Wanted,
    progress: &dyn Progress,
) -> FileResult {
    let path = store.files()[index].path.as_str();
    let wanted = manifests
        .iter()
        .filter_map(|m| Some((m.algorithm?, m.digest(index)?, m.name.as_str())));
    let mut algorithms: Vec<Algorithm> = wanted.clone().map(|(a, _, _)| a).collect();
    // `Some` when SHA-256 is to be kept: always, or unless it is a digest.
    let keep_sha256 = match sha256_wanted {
        Sha256Wanted::Nothing | Sha256Wanted::Read => None,
        Sha256Wanted::KeptUnless(digest) => Some(Some(digest)),
        Sha256Wanted::Kept => Some(None),
    };
    if keep_sha256.is_some() {
        algorithms.push(Algorithm::Sha256);
    }
    algorithms.sort();
    algorithms.dedup();
    let mut hasher = MultiHasher::new(algorithms);
    let mut read = 0u64;
    let result = store.read_with(path, &mut |reader: &mut dyn io::Read| {
        BUFFER.with_borrow_mut(|buffer| {
            loop {
                let n = match reader.read(buffer) {
                    Ok(0) => return Ok(()),
                    Ok(n) => n,
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                    Err(error) => return Err(error),
                };
                hasher.update(&buffer[..n]);
                read += n as u64;
                progress.advance(n as u64);
            }
        })
    });
    if let Err(error) = result {
        return FileResult {
            bytes: read,
            sha256: None,
            findings: vec![read_error_finding(path, &error)],
        };
    }
    let actual = hasher.finish_bytes();
    let mut findings = Vec::new();
    for (algorithm, digest, manifest) in wanted {
        let computed = actual
            .iter()
            .find(|(a, _)| *a == algorithm)
            .map(|(_, d)| d.as_slice())
            .expect("every wanted algorithm was computed");
        if computed != digest {
            let code = if path.starts_with("data/") {
                Code::PayloadDigestMismatch
            } else {
                Code::TagDigestMismatch
            };
            let (digest, computed) = (hex::encode(digest), hex::encode(computed));
            findings.push(Finding::error(
                code,
                path,
                format!("{manifest} says {algorithm} {digest}, the file has {computed}"),
            ));
        }
    }
    let sha256 = keep_sha256.and_then(|unless| {
        let (_, digest) = actual.into_iter().find(|(a, _)| *a == Algorithm::Sha256)?;
        let digest: [u8; 32] = digest.try_into().expect("SHA-256 has 32 bytes");
        (unless != Some(digest)).then_some(digest)
    });
    FileResult {
        bytes: read,
        sha256,
        findings,
    }
}
