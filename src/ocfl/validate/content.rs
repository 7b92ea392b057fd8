//! The files of an object: walking the version directories' content
//! directories, and checking every digest the inventories give for them,
//! each file read once for all its algorithms, files in parallel.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use rayon::prelude::*;

use super::Findings;
use crate::error::{Error, Result};
use crate::ocfl::code::OcflCode;
use crate::ocfl::digest::{DigestAlgorithm, digest_reader};
use crate::progress::{Phase, Progress};

/// The files under one version's content directory: object-relative path
/// → size. Empty directories (E024), links (E090), files whose names are
/// not UTF-8 (E023) and a content directory without files (W003) are
/// findings.
pub fn walk(
    root: &Path,
    content_dir: &str,
    findings: &mut Findings,
) -> Result<BTreeMap<String, u64>> {
    let mut files = BTreeMap::new();
    let mut holds_a_file = false;
    let base = root.join(content_dir);
    for entry in walkdir::WalkDir::new(&base)
        .follow_links(false)
        .min_depth(1)
    {
        let entry = entry.map_err(|error| {
            let at = error.path().unwrap_or(&base).to_path_buf();
            Error::io(at, error.into())
        })?;
        let relative = object_path(root, entry.path());
        let kind = entry.file_type();
        holds_a_file |= kind.is_file();
        // JSON names only Unicode: read lossily, this name would be taken
        // for one the inventory gives, the file for the one it lists.
        if kind.is_file() && entry.path().to_str().is_none() {
            findings.add(
                OcflCode::E023,
                &relative,
                "a file whose name is not UTF-8, which no inventory can list",
            );
        } else if kind.is_file() {
            let size = entry
                .metadata()
                .map_err(|e| Error::io(entry.path(), e.into()))?
                .len();
            files.insert(relative, size);
        } else if kind.is_dir() {
            let empty = std::fs::read_dir(entry.path())
                .map_err(|e| Error::io(entry.path(), e))?
                .next()
                .is_none();
            if empty {
                findings.add(
                    OcflCode::E024,
                    &relative,
                    "an empty directory in a content directory",
                );
            }
        } else {
            findings.add(
                OcflCode::E090,
                &relative,
                "a link or special file: an object holds only regular files and directories",
            );
        }
    }
    if !holds_a_file {
        findings.add(
            OcflCode::W003,
            content_dir,
            "a content directory without files",
        );
    }
    Ok(files)
}

/// `path` relative to the object root, `/`-separated.
pub fn object_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A digest an inventory gives for a content file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Claim<'i> {
    /// The algorithm.
    pub algorithm: DigestAlgorithm,
    /// The digest, lowercase: borrowed from the inventory, which writes
    /// it so but for a few written otherwise.
    pub digest: Cow<'i, str>,
    /// The code of a mismatch: E092 for a manifest, E093 for fixity.
    pub code: OcflCode,
}

/// Every claim on each file, with the inventories (and blocks) making it,
/// borrowed from the inventories: at 40,000 files, copies took 40 MB.
pub type Claims<'i> = BTreeMap<&'i str, FileClaims<'i>>;

/// The claims on one file, sorted, each with the inventories making it: a
/// few, so a sorted list, where a map's first node took 630 bytes a file
/// (a list as it grows, 290).
#[derive(Debug, Default)]
pub struct FileClaims<'i>(Vec<(Claim<'i>, Vec<&'i str>)>);

impl<'i> FileClaims<'i> {
    /// The inventories making `claim`, for one more to be added.
    pub fn sources(&mut self, claim: Claim<'i>) -> &mut Vec<&'i str> {
        let at = match self.0.binary_search_by(|(other, _)| other.cmp(&claim)) {
            Ok(at) => at,
            Err(at) => {
                // Room for what is there: a list grown by `insert` or
                // `push` holds four at least, and a file has one or two
                // claims from one inventory.
                self.0.reserve_exact(1);
                self.0.insert(at, (claim, Vec::with_capacity(1)));
                at
            }
        };
        &mut self.0[at].1
    }

    /// The claims, sorted, with their sources.
    fn iter(&self) -> impl Iterator<Item = &(Claim<'i>, Vec<&'i str>)> {
        self.0.iter()
    }
}

/// How much was read.
#[derive(Clone, Copy, Debug, Default)]
pub struct Read {
    /// Files read.
    pub files: u64,
    /// Bytes read.
    pub bytes: u64,
}

/// Reads every file of `claims` (paths relative to `root`) once, and
/// reports each claim its bytes contradict.
pub fn check_digests(
    root: &Path,
    claims: &Claims,
    sizes: &BTreeMap<String, u64>,
    progress: &dyn Progress,
    findings: &mut Findings,
) -> Read {
    let total = claims.keys().filter_map(|path| sizes.get(*path)).sum();
    progress.start(Phase::Verifying, total);
    let jobs: Vec<(&&str, &FileClaims)> = claims.iter().collect();
    // Collected in path order, whatever the order of completion.
    let results: Vec<(u64, Vec<crate::finding::Finding>)> = jobs
        .par_iter()
        .map(|(path, file_claims)| check_file(root, path, file_claims, progress))
        .collect();
    let mut read = Read::default();
    for (bytes, file_findings) in results {
        read.files += 1;
        read.bytes += bytes;
        findings.0.extend(file_findings);
    }
    read
}

fn check_file(
    root: &Path,
    path: &str,
    claims: &FileClaims,
    progress: &dyn Progress,
) -> (u64, Vec<crate::finding::Finding>) {
    let mut findings = Findings::default();
    let mut algorithms: Vec<DigestAlgorithm> = claims.iter().map(|(c, _)| c.algorithm).collect();
    algorithms.dedup();
    let digested = File::open(root.join(path))
        .and_then(|mut file| digest_reader(&mut file, &algorithms, &|n| progress.advance(n)));
    let (size, digests) = match digested {
        Ok(result) => result,
        Err(error) => {
            findings.add(OcflCode::E092, path, format!("cannot be read: {error}"));
            return (0, findings.0);
        }
    };
    for (claim, sources) in claims.iter() {
        let index = algorithms
            .iter()
            .position(|a| *a == claim.algorithm)
            .expect("every claimed algorithm was computed");
        let actual = &digests[index];
        if *actual != *claim.digest {
            let block = if claim.code == OcflCode::E093 {
                format!("the fixity block of {}", sources.join(", "))
            } else {
                format!("the manifest of {}", sources.join(", "))
            };
            findings.add(
                claim.code,
                path,
                format!(
                    "{} is {actual}, not {} as {block} says",
                    claim.algorithm, claim.digest
                ),
            );
        }
    }
    (size, findings.0)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::ocfl::digest::digest_bytes;
    use crate::progress::NoProgress;

    proptest! {
        /// Claims added in any order, some again, come out as a map of
        /// them would give them: sorted, each with its sources in the
        /// order added.
        #[test]
        fn file_claims_are_a_map_s_claims(
            added in prop::collection::vec((0..3usize, 0..3usize, 0..2usize, 0..3usize), 0..20),
        ) {
            let algorithms = [DigestAlgorithm::Md5, DigestAlgorithm::Sha256, DigestAlgorithm::Sha512];
            let digests = ["aa", "bb", "cc"];
            let codes = [OcflCode::E092, OcflCode::E093];
            let sources = ["inventory.json", "v1/inventory.json", "v2/inventory.json"];
            let mut claims = FileClaims::default();
            let mut map: BTreeMap<Claim, Vec<&str>> = BTreeMap::new();
            for (algorithm, digest, code, source) in added {
                let claim = Claim {
                    algorithm: algorithms[algorithm],
                    digest: Cow::Borrowed(digests[digest]),
                    code: codes[code],
                };
                claims.sources(claim.clone()).push(sources[source]);
                map.entry(claim).or_default().push(sources[source]);
            }
            let listed: Vec<_> = claims.iter().cloned().collect();
            prop_assert_eq!(listed, map.into_iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn walks_files_and_flags_empty_directories() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("v1/content/a/empty")).unwrap();
        std::fs::write(dir.path().join("v1/content/a/x.txt"), "x").unwrap();
        let mut findings = Findings::default();
        let files = walk(dir.path(), "v1/content", &mut findings).unwrap();
        assert_eq!(
            files.into_iter().collect::<Vec<_>>(),
            [("v1/content/a/x.txt".to_string(), 1)]
        );
        assert_eq!(findings.0.len(), 1);
        assert_eq!(findings.0[0].code.to_string(), "E024");
        assert_eq!(findings.0[0].path, "v1/content/a/empty");
    }

    #[test]
    fn a_file_named_not_in_utf_8_is_listed_under_no_name() {
        // Read lossily, `a\xff.txt` would be the `a\u{FFFD}.txt` an
        // inventory can list, and pass for it.
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("v1/content");
        std::fs::create_dir_all(&content).unwrap();
        let name = std::ffi::OsStr::from_bytes(b"a\xff.txt");
        std::fs::write(content.join(name), "x").unwrap();
        let mut findings = Findings::default();
        let files = walk(dir.path(), "v1/content", &mut findings).unwrap();
        assert!(files.is_empty(), "{files:?}");
        let found: Vec<(String, &str)> = (findings.0.iter())
            .map(|f| (f.code.to_string(), f.path.as_str()))
            .collect();
        assert_eq!(found, [("E023".to_string(), "v1/content/a\u{FFFD}.txt")]);
    }

    #[test]
    fn reports_each_contradicted_claim_once_with_its_sources() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("v1/content")).unwrap();
        std::fs::write(dir.path().join("v1/content/x.txt"), "x").unwrap();
        let path = "v1/content/x.txt";
        let right = Claim {
            algorithm: DigestAlgorithm::Sha512,
            digest: digest_bytes(DigestAlgorithm::Sha512, b"x").into(),
            code: OcflCode::E092,
        };
        let wrong = Claim {
            algorithm: DigestAlgorithm::Md5,
            digest: "0".repeat(32).into(),
            code: OcflCode::E093,
        };
        let mut claims = Claims::new();
        let file_claims = claims.entry(path).or_default();
        file_claims.sources(right).push("inventory.json");
        file_claims
            .sources(wrong)
            .extend(["inventory.json", "v1/inventory.json"]);
        let sizes = BTreeMap::from([(path.to_string(), 1)]);
        let mut findings = Findings::default();
        let read = check_digests(dir.path(), &claims, &sizes, &NoProgress, &mut findings);
        assert_eq!((read.files, read.bytes), (1, 1));
        assert_eq!(findings.0.len(), 1, "{:?}", findings.0);
        assert_eq!(findings.0[0].code.to_string(), "E093");
        assert!(
            findings.0[0]
                .message
                .contains("inventory.json, v1/inventory.json")
        );
    }
}
