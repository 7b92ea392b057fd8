//! The files of an object: walking the version directories' content
//! directories, and checking every digest the inventories give for them,
//! each file read once for all its algorithms, files in parallel.

use std::borrow::Cow;
use std::fs::File;
use std::path::Path;

use rayon::prelude::*;

use super::Findings;
use super::content_files::{ContentFiles, Found};
use crate::error::{Error, Result};
use crate::ocfl::code::OcflCode;
use crate::ocfl::digest::{DigestAlgorithm, digest_reader};
use crate::progress::{Phase, Progress};

/// Notes in `files` the files under one version's content directory,
/// `content_dir`: object-relative path and size. Empty directories (E024),
/// links (E090), files whose names are not UTF-8 (E023) and a content
/// directory without files (W003) are findings.
pub fn walk(
    root: &Path,
    content_dir: &str,
    files: &mut Found,
    findings: &mut Findings,
) -> Result<()> {
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
            files.push(&relative, size);
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
    Ok(())
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

/// Every claim the inventories make on the files, borrowed from them: a
/// row per file, claim and inventory making it, sorted so, 40 bytes a row
/// (56 while a row held the file's path, not its place). A map of each
/// file's claims, each with a list of its sources, took about 200 bytes a
/// file with one inventory, and 16 bytes more for each further inventory
/// making a claim (an object of 40,000 files and 16 versions, each with
/// its inventory: 1.58 GB before rows, 776 MB after, the other maps' text
/// gone too); copies of the claims, 40 MB at 40,000 files.
#[derive(Debug)]
pub struct Claims<'i> {
    /// The inventories making claims, in the order their claims came.
    sources: Vec<&'i str>,
    /// Sorted, without repeats.
    rows: Vec<ClaimRow<'i>>,
}

/// One claim on one file, made by one inventory.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ClaimRow<'i> {
    /// The file's place in [`ContentFiles`], which are in path order.
    file: u32,
    claim: Claim<'i>,
    /// Its index in [`Claims::sources`].
    source: u32,
}

impl<'i> Claims<'i> {
    /// The claims `claims` makes, each on a file (its place in
    /// [`ContentFiles`]), by one of `sources` (its index there), in any
    /// order; a claim a source makes twice counts once.
    pub fn new(
        sources: Vec<&'i str>,
        claims: impl IntoIterator<Item = (u32, Claim<'i>, u32)>,
    ) -> Claims<'i> {
        let mut rows: Vec<ClaimRow> = (claims.into_iter())
            .map(|(file, claim, source)| ClaimRow {
                file,
                claim,
                source,
            })
            .collect();
        rows.sort_unstable();
        rows.dedup();
        rows.shrink_to_fit();
        Claims { sources, rows }
    }

    /// Each file's claims, in path order.
    fn files(&self) -> impl Iterator<Item = &[ClaimRow<'i>]> {
        self.rows.chunk_by(|a, b| a.file == b.file)
    }

    /// The claims on one file (rows of [`Claims::files`]), sorted, each
    /// with the sources making it in the order they were given.
    fn of_file<'c>(
        &'c self,
        rows: &'c [ClaimRow<'i>],
    ) -> impl Iterator<Item = (&'c Claim<'i>, Vec<&'i str>)> + 'c {
        rows.chunk_by(|a, b| a.claim == b.claim).map(|same| {
            let sources = (same.iter())
                .map(|row| self.sources[row.source as usize])
                .collect();
            (&same[0].claim, sources)
        })
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

/// Reads every file of `claims` (of `files`, whose paths are relative to
/// `root`) once, and reports each claim its bytes contradict.
pub fn check_digests(
    root: &Path,
    claims: &Claims,
    files: &ContentFiles,
    progress: &dyn Progress,
    findings: &mut Findings,
) -> Read {
    let path = |rows: &[ClaimRow]| files.path_at(rows[0].file);
    let total = (claims.files())
        .map(|rows| files.size_at(rows[0].file))
        .sum();
    progress.start(Phase::Verifying, total);
    let claimed = claims.rows.par_chunk_by(|a, b| a.file == b.file);
    // Findings only, by path: a result per file was 32 bytes a file.
    let (read, mut found) = claimed
        .fold(
            || (Read::default(), Vec::new()),
            |(mut read, mut found), rows| {
                let path = path(rows);
                let (bytes, file_findings) = check_file(root, path, claims, rows, progress);
                read.files += 1;
                read.bytes += bytes;
                found.extend(file_findings.into_iter().map(|finding| (path, finding)));
                (read, found)
            },
        )
        .reduce(
            || (Read::default(), Vec::new()),
            |(mut read, mut found), (other, more)| {
                read.files += other.files;
                read.bytes += other.bytes;
                found.extend(more);
                (read, found)
            },
        );
    // In path order, whatever the order of completion; a file's own in
    // the order found.
    found.sort_by_key(|(path, _)| *path);
    findings
        .0
        .extend(found.into_iter().map(|(_, finding)| finding));
    read
}

/// Reads the file at `path`, of the claims `rows`, once.
fn check_file(
    root: &Path,
    path: &str,
    claims: &Claims,
    rows: &[ClaimRow],
    progress: &dyn Progress,
) -> (u64, Vec<crate::finding::Finding>) {
    let mut findings = Findings::default();
    let mut algorithms: Vec<DigestAlgorithm> = rows.iter().map(|r| r.claim.algorithm).collect();
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
    for (claim, sources) in claims.of_file(rows) {
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

    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::ocfl::digest::digest_bytes;
    use crate::progress::NoProgress;

    proptest! {
        /// Claims added in any order, some again, come out as a map of
        /// them would give them: by file, then claim, each with its
        /// sources in the order of the inventories.
        #[test]
        fn claims_are_a_map_s_claims(
            added in prop::collection::vec((0..3usize, 0..3usize, 0..3usize, 0..2usize, 0..3usize), 0..30),
        ) {
            let paths = ["v1/content/a", "v1/content/b", "v2/content/a"];
            let algorithms = [DigestAlgorithm::Md5, DigestAlgorithm::Sha256, DigestAlgorithm::Sha512];
            let digests = ["aa", "bb", "cc"];
            let codes = [OcflCode::E092, OcflCode::E093];
            let sources = ["inventory.json", "v1/inventory.json", "v2/inventory.json"];
            let files: ContentFiles = paths.iter().map(|path| (*path, 1)).collect();
            let mut made = Vec::new();
            let mut map: BTreeMap<(&str, Claim), BTreeSet<usize>> = BTreeMap::new();
            for (path, algorithm, digest, code, source) in added {
                let claim = Claim {
                    algorithm: algorithms[algorithm],
                    digest: Cow::Borrowed(digests[digest]),
                    code: codes[code],
                };
                made.push((path as u32, claim.clone(), source as u32));
                map.entry((paths[path], claim)).or_default().insert(source);
            }
            let claims = Claims::new(sources.to_vec(), made);
            let listed: Vec<_> = (claims.files())
                .flat_map(|rows| {
                    let claims = &claims;
                    let path = files.path_at(rows[0].file);
                    claims.of_file(rows).map(move |(claim, sources)| ((path, claim.clone()), sources))
                })
                .collect();
            let expected: Vec<_> = (map.into_iter())
                .map(|(key, at)| (key, at.into_iter().map(|at| sources[at]).collect::<Vec<_>>()))
                .collect();
            prop_assert_eq!(listed, expected);
        }
    }

    #[test]
    fn a_claim_row_takes_40_bytes() {
        assert_eq!(std::mem::size_of::<ClaimRow>(), 40);
    }

    #[test]
    fn walks_files_and_flags_empty_directories() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("v1/content/a/empty")).unwrap();
        std::fs::write(dir.path().join("v1/content/a/x.txt"), "x").unwrap();
        let mut findings = Findings::default();
        let mut files = Found::default();
        walk(dir.path(), "v1/content", &mut files, &mut findings).unwrap();
        assert_eq!(
            files.sorted().paths().collect::<Vec<_>>(),
            ["v1/content/a/x.txt"]
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
        let mut files = Found::default();
        walk(dir.path(), "v1/content", &mut files, &mut findings).unwrap();
        let files = files.sorted();
        assert_eq!(files.paths().count(), 0, "{files:?}");
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
        let sources = vec!["inventory.json", "v1/inventory.json"];
        let made = [(0, wrong.clone(), 1), (0, right, 0), (0, wrong, 0)];
        let claims = Claims::new(sources, made);
        let sizes: ContentFiles = [(path, 1)].into_iter().collect();
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
