//! Validity: every listed file's checksums, each file read once for all
//! its algorithms, files in parallel.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::Mutex;

use rayon::prelude::*;

use super::manifests::Manifest;
use crate::bundle::reader::BagStore;
use crate::digest::{Algorithm, MultiHasher};
use crate::finding::{Code, Finding};
use crate::progress::Progress;

/// How much was read.
#[derive(Clone, Copy, Debug, Default)]
pub struct Checked {
    /// Files read.
    pub files: u64,
    /// Bytes read.
    pub bytes: u64,
}

/// What one file should hash to: `(algorithm, digest, manifest name)`.
type Expected<'a> = Vec<(Algorithm, &'a str, &'a str)>;

/// Computes the checksums of every present, listed file and reports each
/// one that differs from a manifest.
pub fn check_digests(
    store: &dyn BagStore,
    manifests: &[Manifest],
    progress: &dyn Progress,
    findings: &mut Vec<Finding>,
) -> Checked {
    let mut expected: BTreeMap<&str, Expected> = BTreeMap::new();
    for manifest in manifests {
        for (path, digest) in &manifest.entries {
            if store.contains(path) {
                expected.entry(path.as_str()).or_default().push((
                    manifest.algorithm,
                    digest.as_str(),
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
    let found = Mutex::new(Vec::new());
    let jobs: Vec<(&str, Expected)> = expected.into_iter().collect();
    let bytes: u64 = jobs
        .par_iter()
        .map(|(path, wanted)| {
            let mut local = Vec::new();
            let read = check_file(store, path, wanted, progress, &mut local);
            found
                .lock()
                .expect("no checker panicked")
                .push((*path, local));
            read
        })
        .sum();
    let mut found = found.into_inner().expect("no checker panicked");
    found.sort_by(|a, b| a.0.cmp(b.0));
    findings.extend(found.into_iter().flat_map(|(_, f)| f));
    Checked {
        files: jobs.len() as u64,
        bytes,
    }
}

fn check_file(
    store: &dyn BagStore,
    path: &str,
    wanted: &Expected,
    progress: &dyn Progress,
    findings: &mut Vec<Finding>,
) -> u64 {
    let mut algorithms: Vec<Algorithm> = wanted.iter().map(|(a, _, _)| *a).collect();
    algorithms.sort();
    algorithms.dedup();
    let mut hasher = MultiHasher::new(algorithms);
    let mut read = 0u64;
    let result = store.read_with(path, &mut |reader: &mut dyn Read| {
        let mut buffer = vec![0; 1 << 20];
        loop {
            let n = match reader.read(&mut buffer) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            hasher.update(&buffer[..n]);
            read += n as u64;
            progress.advance(n as u64);
        }
    });
    if let Err(error) = result {
        findings.push(Finding::error(
            Code::FileUnreadable,
            path,
            format!("cannot be read: {error}"),
        ));
        return read;
    }
    let actual = hasher.finish();
    for (algorithm, digest, manifest) in wanted {
        let computed = actual
            .iter()
            .find(|(a, _)| a == algorithm)
            .map(|(_, d)| d.as_str())
            .expect("every wanted algorithm was computed");
        if computed != *digest {
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
    read
}
