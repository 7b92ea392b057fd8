//! Validity: every listed file's checksums, each file read once for all
//! its algorithms, files in parallel.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Read};

use rayon::prelude::*;

use super::findings::Findings;
use super::manifests::Manifest;
use crate::bundle::reader::{BagStore, read_error_finding};
use crate::digest::{Algorithm, MultiHasher};
use crate::finding::{Code, Finding};
use crate::progress::Progress;

/// How much was read, and the SHA-256 of the files it was asked for.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    /// Files read.
    pub files: u64,
    /// Bytes read.
    pub bytes: u64,
    /// SHA-256 of each file in `sha256_wanted`, by path.
    pub sha256: BTreeMap<String, String>,
}

/// What one file should hash to: `(algorithm, digest, manifest name)`.
type Expected<'a> = Vec<(Algorithm, &'a [u8], &'a str)>;

/// Computes the checksums of every present, listed file and reports each
/// one that differs from a manifest. The files in `sha256_wanted` are read
/// too (if present), and their SHA-256 returned, in the same single read.
pub fn check_digests(
    store: &dyn BagStore,
    manifests: &[Manifest],
    sha256_wanted: &[&str],
    progress: &dyn Progress,
    findings: &mut Findings,
) -> Checked {
    let readable = |path: &str| store.file(path).is_some_and(|f| f.readable);
    let mut expected: BTreeMap<&str, Expected> = BTreeMap::new();
    for path in sha256_wanted {
        if readable(path) {
            expected.entry(path).or_default();
        }
    }
    for manifest in manifests {
        for (path, digest) in &manifest.entries {
            if readable(path) {
                expected.entry(path).or_default().push((
                    manifest.algorithm,
                    digest,
                    manifest.name.as_str(),
                ));
            }
        }
    }
    let total = store
        .files()
        .iter()
        .filter(|f| expected.contains_key(f.path.as_str()))
        .map(|f| f.size)
        .sum();
    progress.start(total);
    let jobs: Vec<(&str, Expected)> = expected.into_iter().collect();
    let sha256_wanted: HashSet<&str> = sha256_wanted.iter().copied().collect();
    // Collected in job order (by path), whatever the order of completion.
    let results: Vec<FileResult> = jobs
        .par_iter()
        .map(|(path, wanted)| {
            check_file(store, path, wanted, sha256_wanted.contains(path), progress)
        })
        .collect();
    let mut checked = Checked {
        files: jobs.len() as u64,
        ..Checked::default()
    };
    for ((path, _), result) in jobs.iter().zip(results) {
        checked.bytes += result.bytes;
        for finding in result.findings {
            findings.push(finding);
        }
        if let Some(digest) = result.sha256 {
            checked.sha256.insert(path.to_string(), digest);
        }
    }
    checked
}

/// What reading one file found.
struct FileResult {
    bytes: u64,
    sha256: Option<String>,
    findings: Vec<Finding>,
}

thread_local! {
    /// Each reading thread's buffer: a fresh one per file costs more than
    /// reading a small file (zeroing, page faults, unmapping).
    static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 1 << 20]);
}

/// Reads one file once for all its algorithms (and SHA-256 if asked).
fn check_file(
    store: &dyn BagStore,
    path: &str,
    wanted: &Expected,
    also_sha256: bool,
    progress: &dyn Progress,
) -> FileResult {
    let mut findings = Vec::new();
    let mut algorithms: Vec<Algorithm> = wanted.iter().map(|(a, _, _)| *a).collect();
    if also_sha256 {
        algorithms.push(Algorithm::Sha256);
    }
    algorithms.sort();
    algorithms.dedup();
    let mut hasher = MultiHasher::new(algorithms);
    let mut read = 0u64;
    let result = store.read_with(path, &mut |reader: &mut dyn Read| {
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
        findings.push(read_error_finding(path, &error));
        return FileResult {
            bytes: read,
            sha256: None,
            findings,
        };
    }
    let actual = hasher.finish();
    for (algorithm, digest, manifest) in wanted {
        let computed = actual
            .iter()
            .find(|(a, _)| a == algorithm)
            .map(|(_, d)| d.as_str())
            .expect("every wanted algorithm was computed");
        let digest = hex::encode(digest);
        if computed != digest {
            let code = if path.starts_with("data/") {
                Code::PayloadDigestMismatch
            } else {
                Code::TagDigestMismatch
            };
            findings.push(Finding::error(
                code,
                path,
                format!("{manifest} says {algorithm} {digest}, the file has {computed}"),
            ));
        }
    }
    let sha256 = actual
        .into_iter()
        .find(|(a, _)| also_sha256 && *a == Algorithm::Sha256)
        .map(|(_, digest)| digest);
    FileResult {
        bytes: read,
        sha256,
        findings,
    }
}
