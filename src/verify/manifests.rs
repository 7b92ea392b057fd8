//! Reading the payload and tag manifests of a bag and judging their paths.
//!
//! Manifests are read line by line, so a manifest of millions of lines
//! needs memory for its entries only, and a line longer than
//! [`MAX_LINE_BYTES`] ends its reading. An entry for a file the bag stores
//! costs its digest in bytes (32 for SHA-256), in memory for the first
//! [`DIGESTS_IN_MEMORY`] bytes of each manifest and in a temporary file
//! after, and 4 bytes in memory per stored file and manifest; only entries
//! for paths the bag lacks keep their path.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io;

use super::declaration::{byte_order_mark, directory_for_tag_file};
use super::findings::{Findings, rfc_rule, unread_files};
use super::names::Resolver;
use crate::bagit::declaration::Declaration;
use crate::bagit::manifest::{self, ManifestFileName, has_unencoded_percent};
use crate::bagit::path::{read_listed, unsafe_reason};
use crate::bagit::text::{Lines, MAX_LINE_BYTES, TextError};
use crate::bundle::reader::{BagStore, read_error_finding};
use crate::digest::Algorithm;
use crate::finding::{Code, Finding, Severity};
use crate::spilled_bytes::{Bounds, Span, SpilledBytes};

/// The digests of a manifest held in memory; past them, they wait in a
/// temporary file, read back one at a time as each file is checked. At
/// 160,000 files the two manifests' 15 MB were a fifth of verify's peak.
const DIGESTS_IN_MEMORY: usize = if cfg!(test) { 96 } else { 1 << 20 };
/// Digests bound for the file are written this many bytes at a time.
const DIGESTS_WRITTEN: usize = if cfg!(test) { 256 } else { 64 << 10 };

/// One manifest of the bag: the entries that can be used, a path spelled
/// in another normalization form than its file being the file's.
#[derive(Debug)]
pub struct Manifest {
    /// Its file name, e.g. `manifest-sha256.txt`.
    pub name: String,
    /// Its algorithm, or `None` for one corpack does not support: its
    /// lines, paths and completeness are checked, its checksums are not.
    pub algorithm: Option<Algorithm>,
    /// Whether it is a tag manifest.
    pub is_tag: bool,
    /// Which digest of `digests` is each stored file's.
    listed: Listed,
    /// The length of a digest in bytes: the algorithm's, or for one
    /// corpack does not support, that of the first checksum read (0 until
    /// then).
    digest_len: usize,
    /// The expected digests of the stored files listed, as bytes, one
    /// after another.
    digests: SpilledBytes,
    /// Paths listed that the bag does not store → expected digest.
    absent: BTreeMap<Box<str>, Box<[u8]>>,
    /// Its bytes could not be read whole (a damaged or unsupported zip
    /// entry): it lists nothing, and what it would list is not judged.
    pub unread: bool,
    /// A line that is not text, or too long, ended its reading: what the
    /// lines before it list is judged, but no file is said to be missing
    /// from it, as a line not read may list it.
    pub cut_short: bool,
}

/// Every path a payload manifest lists, stored or not, once and sorted.
pub fn payload_paths<'a>(
    manifests: &'a [Manifest],
    store: &'a dyn BagStore,
) -> impl Iterator<Item = &'a str> + Clone {
    let payload = || manifests.iter().filter(|m| !m.is_tag);
    let stored = (store.files().paths().enumerate())
        .filter(move |&(index, _)| payload().any(|m| m.lists_stored(index)))
        .map(|(_, path)| path);
    let mut absent: Vec<&str> = payload().flat_map(Manifest::absent_paths).collect();
    absent.sort_unstable();
    absent.dedup();
    let mut stored = stored.peekable();
    let mut absent = absent.into_iter().peekable();
    std::iter::from_fn(move || match (stored.peek(), absent.peek()) {
        (Some(a), Some(b)) if b < a => absent.next(),
        (Some(_), _) => stored.next(),
        (None, _) => absent.next(),
    })
}

/// Which digest of a manifest is each stored file's (by its index in
/// [`BagStore::files`]).
#[derive(Debug)]
enum Listed {
    /// A payload manifest's, for every file: the digest or [`NOT_LISTED`].
    Every(Vec<u32>),
    /// A tag manifest's, for the few files it lists: one for every file
    /// took 4 bytes a payload file.
    Few(BTreeMap<u32, u32>),
}

/// In [`Listed::Every`]: the manifest does not list the file.
const NOT_LISTED: u32 = u32::MAX;

impl Listed {
    fn new(is_tag: bool, stored_files: usize) -> Listed {
        if is_tag {
            Listed::Few(BTreeMap::new())
        } else {
            Listed::Every(vec![NOT_LISTED; stored_files])
        }
    }

    /// Which digest is that of the stored file at `index`, if one is.
    fn get(&self, index: usize) -> Option<u32> {
        match self {
            Listed::Every(digests) => digests.get(index).copied().filter(|&at| at != NOT_LISTED),
            Listed::Few(digests) => {
                let index = u32::try_from(index).ok()?;
                digests.get(&index).copied()
            }
        }
    }

    fn set(&mut self, index: usize, at: u32) {
        match self {
            Listed::Every(digests) => digests[index] = at,
            Listed::Few(digests) => {
                digests.insert(u32::try_from(index).expect("a u32 per file"), at);
            }
        }
    }
}

impl Manifest {
    fn new(
        name: &str,
        algorithm: Option<Algorithm>,
        is_tag: bool,
        stored_files: usize,
    ) -> Manifest {
        Manifest {
            name: name.to_string(),
            algorithm,
            is_tag,
            listed: Listed::new(is_tag, stored_files),
            digest_len: algorithm.map_or(0, |a| a.hex_len() / 2),
            // Where no temporary file can be written they are all held,
            // as they were before there was one.
            digests: SpilledBytes::new(Bounds {
                in_memory: DIGESTS_IN_MEMORY,
                write: DIGESTS_WRITTEN,
                held_without_file: usize::MAX,
            }),
            absent: BTreeMap::new(),
            unread: false,
            cut_short: false,
        }
    }

    /// The expected digest of the stored file at `index`, if listed; an
    /// error if it could not be read back from the temporary file.
    pub fn digest(&self, index: usize) -> io::Result<Option<Cow<'_, [u8]>>> {
        let Some(at) = self.listed.get(index) else {
            return Ok(None);
        };
        let len = self.digest_len as u64;
        let span = Span {
            at: u64::from(at) * len,
            len: self.digest_len as u32,
        };
        self.digests.get(span).map(Some)
    }

    /// The finding for a digest of this manifest, that of `path`, that
    /// could not be kept or read back, `error` saying why. One is listed
    /// per manifest, as for a file that cannot be read.
    pub fn digest_unreadable(&self, path: &str, error: &io::Error) -> Finding {
        Finding::error(
            Code::FileUnreadable,
            &self.name,
            format!(
                "its checksums could not be read back from corpack's temporary file, the first \
                 that of {path:?}, so they are not verified: {error}"
            ),
        )
    }

    /// Checks that `digest`, read from a manifest of an algorithm corpack
    /// does not support, is as long as the first one read: every checksum
    /// of one algorithm has the same length.
    fn check_unsupported_len(&mut self, digest: &str) -> Result<(), String> {
        let len = digest.len() / 2;
        if self.digest_len == 0 {
            self.digest_len = len;
        }
        if len == self.digest_len {
            return Ok(());
        }
        Err(format!(
            "{digest:?} has {} hex digits where the first checksum of this manifest has {}: \
             checksums of one algorithm all have the same length",
            digest.len(),
            2 * self.digest_len
        ))
    }

    /// Empties the temporary file of its digests, as a disk that loses it
    /// would.
    #[cfg(test)]
    pub fn lose_digests(&self) {
        self.digests.lose_file();
    }

    /// Whether the stored file at `index` is listed.
    pub fn lists_stored(&self, index: usize) -> bool {
        self.listed.get(index).is_some()
    }

    /// Whether `path` is listed, stored or not.
    pub fn lists(&self, store: &dyn BagStore, path: &str) -> bool {
        match store.position(path) {
            Some(index) => self.lists_stored(index),
            None => self.absent.contains_key(path),
        }
    }

    /// Whether it was read to its end, so that a file it does not list is
    /// missing from it.
    pub fn read_whole(&self) -> bool {
        !self.unread && !self.cut_short
    }

    /// The paths listed that the bag does not store, sorted.
    pub fn absent_paths(&self) -> impl Iterator<Item = &str> {
        self.absent.keys().map(|path| &**path)
    }

    /// Adds an entry; if `path` is listed already, keeps the first and
    /// returns whether the digests agree.
    fn insert(
        &mut self,
        store: &dyn BagStore,
        path: &str,
        digest: &[u8],
    ) -> io::Result<Option<bool>> {
        let Some(index) = store.position(path) else {
            if let Some(first) = self.absent.get(path) {
                return Ok(Some(**first == *digest));
            }
            self.absent.insert(path.into(), digest.into());
            return Ok(None);
        };
        if let Some(first) = self.digest(index)? {
            return Ok(Some(*first == *digest));
        }
        let at = self.digests.len() / self.digest_len as u64;
        (self.listed).set(index, u32::try_from(at).expect("a u32 per file"));
        self.digests.append(&[digest])?;
        Ok(None)
    }
}

/// Every manifest of the bag, and whether any of them names a path that
/// could leave the bag.
#[derive(Debug, Default)]
pub struct Manifests {
    /// Every manifest, whatever its algorithm.
    pub list: Vec<Manifest>,
    /// Some line names an unsafe path: no file of the bag is to be read.
    pub has_unsafe_path: bool,
}

/// Whether `name` (at the bag root) is a tag manifest's.
pub fn is_tag_manifest(name: &str) -> bool {
    ManifestFileName::parse(name).is_some_and(|name| name.tag)
}

/// Reads every `manifest-*.txt` and `tagmanifest-*.txt` at the bag root.
pub fn read(
    store: &dyn BagStore,
    declaration: &Declaration,
    resolver: &Resolver,
    findings: &mut Findings,
) -> Manifests {
    let mut manifests = Manifests::default();
    // A directory named as a manifest is no manifest; one that holds files
    // shows in their paths.
    let directories: BTreeSet<&str> = (store.files().paths())
        .filter_map(|path| path.split_once('/').map(|(top, _)| top))
        .filter(|top| ManifestFileName::parse(top).is_some())
        .collect();
    for name in directories {
        findings.push(directory_for_tag_file(name));
    }
    for name in store.files().paths() {
        let Some(ManifestFileName {
            tag: is_tag,
            algorithm: algorithm_name,
        }) = ManifestFileName::parse(name)
        else {
            continue;
        };
        let normalized = manifest::normalize_algorithm_name(algorithm_name);
        // Read from the normalized name: `manifest-SHA256.txt` breaks a rule
        // of naming, but leaves no doubt which checksums it holds, and
        // whether the bytes are intact is worth knowing all the same.
        let algorithm = normalized.parse::<Algorithm>().ok();
        if normalized != algorithm_name {
            findings.push(not_normalized(
                name,
                algorithm_name,
                &normalized,
                algorithm,
                declaration,
            ));
        }
        match algorithm {
            None => findings.push(Finding::warning(
                Code::AlgorithmUnsupported,
                name,
                format!(
                    "corpack does not support the algorithm {algorithm_name:?}: the lines and \
                     paths of this manifest are checked, its checksums are not verified"
                ),
            )),
            Some(algorithm) if algorithm.is_weak() => {
                findings.push(Finding::warning(
                    Code::WeakAlgorithm,
                    name,
                    format!(
                        "{algorithm} is no longer collision resistant; prefer sha256 or sha512"
                    ),
                ));
            }
            Some(_) => {}
        }
        let mut reading = Reading {
            store,
            declaration,
            resolver,
            manifest: Manifest::new(name, algorithm, is_tag, store.files().len()),
            tally: Tally::default(),
            has_unsafe_path: false,
        };
        let mut text_error = None;
        let mut began_with_bom = false;
        let read = store.read_with(name, &mut |reader| {
            let mut lines = Lines::new(reader, declaration.encoding, MAX_LINE_BYTES);
            for line in &mut lines {
                match line {
                    Ok((number, line)) => reading.line(number, &line, findings),
                    Err(TextError::Io(error)) => return Err(error),
                    Err(error) => {
                        text_error = Some(error);
                        break;
                    }
                }
            }
            began_with_bom = lines.began_with_utf8_bom();
            Ok(())
        });
        if began_with_bom {
            findings.push(byte_order_mark(name, rfc_rule(declaration.is_rfc())));
        }
        if let Err(error) = read {
            findings.push(read_error_finding(name, &error));
            // Lines read before the damage showed may be damaged too: none
            // is compared with the files, which are not blamed for it.
            let files = store.files().len();
            reading.manifest = Manifest::new(name, algorithm, is_tag, files);
            reading.manifest.unread = true;
        }
        if let Some(error) = text_error {
            let rest = match error {
                TextError::LineTooLong { .. } => "",
                _ => "; the rest of the file is not read",
            };
            findings.push(Finding::error(
                Code::ManifestLineInvalid,
                name,
                format!("{error}{rest}, so no file is said to be missing from it"),
            ));
            reading.manifest.cut_short = true;
        }
        reading.manifest.digests.flush();
        reading.tally.report(name, findings);
        manifests.has_unsafe_path |= reading.has_unsafe_path;
        manifests.list.push(reading.manifest);
    }
    let mut payload_manifests = manifests.list.iter().filter(|m| !m.is_tag).peekable();
    if payload_manifests.peek().is_none() {
        // One that is a link or FIFO is there, never read.
        let not_read = unread_files(store)
            .map(|(_, path)| path)
            .find(|path| ManifestFileName::parse(path).is_some_and(|name| !name.tag));
        let message = match not_read {
            Some(name) => format!(
                "the bag has no payload manifest that can be read: {name} is not a regular \
                 file, never read, as its own finding says"
            ),
            None => "the bag has no payload manifest (manifest-<algorithm>.txt)".to_string(),
        };
        findings.push(Finding::error(Code::ManifestMissing, "", message));
    } else if payload_manifests.all(|m| m.algorithm.is_none()) {
        // RFC 8493 §3: a valid bag is one whose every checksum has been
        // verified; here not one checksum of the payload can be.
        findings.push(Finding::error(
            Code::AlgorithmUnsupported,
            "",
            "no payload manifest has an algorithm corpack supports: no checksum of the payload \
             can be verified, so the bag cannot be shown valid",
        ));
    }
    manifests
}

/// The finding for the manifest `name`, whose algorithm is spelled
/// `algorithm_name` where RFC 8493 §2.4 says it "MUST be normalized" as
/// `normalized`. RFC 8493 is BagIt 1.0: in a bag of an earlier draft, a
/// warning.
fn not_normalized(
    name: &str,
    algorithm_name: &str,
    normalized: &str,
    algorithm: Option<Algorithm>,
    declaration: &Declaration,
) -> Finding {
    let prefix = name
        .strip_suffix(&format!("{algorithm_name}.txt"))
        .unwrap_or_default();
    let verified = match algorithm {
        Some(algorithm) => format!("; its checksums are verified as {algorithm}"),
        None => String::new(),
    };
    Finding {
        severity: rfc_rule(declaration.is_rfc()),
        code: Code::AlgorithmNameNotNormalized,
        path: name.into(),
        message: format!(
            "the algorithm is named {algorithm_name:?}, which a manifest's name must write in \
             lower case with letters and digits only: {prefix}{normalized}.txt{verified}"
        ),
    }
}

/// Lines of one tolerated form: how many, and the first.
#[derive(Debug, Default)]
struct Seen {
    count: usize,
    first: usize,
}

impl Seen {
    fn add(&mut self, line: usize) {
        if self.count == 0 {
            self.first = line;
        }
        self.count += 1;
    }

    /// "line 3", "12 lines, the first line 3"; `None` if there were none.
    fn lines(&self) -> Option<String> {
        match self.count {
            0 => None,
            1 => Some(format!("line {}", self.first)),
            n => Some(format!("{n} lines, the first line {}", self.first)),
        }
    }
}

/// Tolerated forms, counted to be reported once per manifest.
#[derive(Debug, Default)]
struct Tally {
    binary_markers: Seen,
    dot_slash: Seen,
    redundant_components: Seen,
    unencoded_percent: Seen,
}

impl Tally {
    fn report(&self, manifest: &str, findings: &mut Findings) {
        let forms = [
            (
                &self.binary_markers,
                Code::Md5sumMarker,
                "`<checksum> *<path>`, the binary-mode form of md5sum; the * is not taken as \
                 part of the path",
            ),
            (
                &self.dot_slash,
                Code::DotSlashPath,
                "the path starts with ./, which is read as the bag root",
            ),
            (
                &self.redundant_components,
                Code::RedundantPathComponent,
                "the path has an empty or . component inside it (data//a, data/./a), which is \
                 read without it",
            ),
            (
                &self.unencoded_percent,
                Code::UnencodedPercent,
                "a % that BagIt 1.0 asks to be written %25 (read as a literal %)",
            ),
        ];
        for (seen, code, what) in forms {
            if let Some(lines) = seen.lines() {
                findings.push(Finding::warning(code, manifest, format!("{lines}: {what}")));
            }
        }
    }
}

/// One manifest being read.
struct Reading<'a> {
    store: &'a dyn BagStore,
    declaration: &'a Declaration,
    resolver: &'a Resolver,
    manifest: Manifest,
    tally: Tally,
    has_unsafe_path: bool,
}

impl Reading<'_> {
    /// Reads one line: a checksum and a path that must be usable.
    fn line(&mut self, number: usize, line: &str, findings: &mut Findings) {
        if line.trim().is_empty() {
            return;
        }
        let rfc = self.declaration.is_rfc();
        let parsed = match self.manifest.algorithm {
            Some(algorithm) => manifest::parse_line(line, algorithm, rfc),
            None => manifest::parse_line_unsupported(line, rfc).and_then(|parsed| {
                self.manifest.check_unsupported_len(&parsed.entry.digest)?;
                Ok(parsed)
            }),
        };
        let name = self.manifest.name.as_str();
        let at = |message: String| format!("{name} line {number}: {message}");
        let parsed = match parsed {
            Ok(parsed) => parsed,
            Err(message) => {
                findings.push_with(Severity::Error, Code::ManifestLineInvalid, || {
                    Finding::error(Code::ManifestLineInvalid, name, at(message))
                });
                return;
            }
        };
        let mut path = parsed.entry.path;
        if parsed.binary_marker {
            // RFC 8493 reads the `*` as the name's: so does verify when
            // only that name is in the bag.
            let literal = format!("*{path}");
            if self.store.contains(&literal) && !self.store.contains(&path) {
                path = literal;
            } else {
                self.tally.binary_markers.add(number);
            }
        }
        if rfc && has_unencoded_percent(line) {
            self.tally.unencoded_percent.add(number);
        }
        let listed = read_listed(&path);
        if listed.dot_slash {
            self.tally.dot_slash.add(number);
        }
        if listed.redundant {
            self.tally.redundant_components.add(number);
        }
        path = listed.path;
        // A directory written as one, `data/sub/`, is a directory listed,
        // which is misplaced below, not a path that could leave the bag.
        let directory = (path.strip_suffix('/'))
            .filter(|directory| unsafe_reason(directory).is_none() && self.store.is_dir(directory));
        if let Some(directory) = directory {
            path = directory.to_string();
        }
        if let Some(why) = unsafe_reason(&path) {
            self.has_unsafe_path = true;
            findings.push(Finding::error(
                Code::UnsafePath,
                &path,
                at(format!(
                    "{why}; it is never opened, and no checksum of this bag is verified"
                )),
            ));
            return;
        }
        let in_tag_manifest = if !self.manifest.is_tag {
            None
        } else if path.starts_with("data/") {
            Some("a tag manifest lists a payload file")
        } else if is_tag_manifest(&path) {
            Some("a tag manifest lists a tag manifest")
        } else {
            None
        };
        // Only RFC 8493 forbids these: a draft's tag manifest "lists tag
        // files", and bagit-python, which writes and reads those bags,
        // checks whatever it lists. There the entry is warned of and its
        // checksum verified.
        if let Some(why) = in_tag_manifest.filter(|_| !rfc) {
            findings.push(Finding::warning(
                Code::ManifestEntryMisplaced,
                &path,
                at(format!("{why}, which BagIt 1.0 (RFC 8493 §2.2.1) forbids")),
            ));
        }
        let misplaced = match in_tag_manifest {
            Some(why) if rfc => Some(why),
            Some(_) => None,
            None if !self.manifest.is_tag && !path.starts_with("data/") => {
                Some("a payload manifest lists a path outside data/")
            }
            None => None,
        };
        let misplaced = misplaced.or_else(|| {
            self.store
                .is_dir(&path)
                .then_some("it names a directory; manifests list files")
        });
        if let Some(why) = misplaced {
            findings.push(Finding::error(
                Code::ManifestEntryMisplaced,
                &path,
                at(why.to_string()),
            ));
            return;
        }
        if let Some(stored) = self.resolver.other_form(self.store, &path) {
            findings.push(Finding::warning(
                Code::NameNormalization,
                stored,
                at(format!(
                    "listed as {path:?}, the same name in another Unicode normalization form"
                )),
            ));
            path = stored.to_string();
        }
        let mut digest = [0; 64];
        let digest = &mut digest[..parsed.entry.digest.len() / 2];
        hex::decode_to_slice(&parsed.entry.digest, digest).expect("parse_line checked the digits");
        self.insert(number, path, digest, findings);
    }

    /// Adds an entry; a path listed again is a duplicate (RFC 8493 §2.1.3:
    /// every file "exactly once"), tolerated with a warning before 1.0 when
    /// the checksums agree.
    fn insert(&mut self, number: usize, path: String, digest: &[u8], findings: &mut Findings) {
        let same = match self.manifest.insert(self.store, &path, digest) {
            Ok(Some(same)) => same,
            Ok(None) => return,
            Err(error) => {
                findings.push(self.manifest.digest_unreadable(&path, &error));
                return;
            }
        };
        let severity = if same {
            rfc_rule(self.declaration.is_rfc())
        } else {
            Severity::Error
        };
        let what = if same {
            "with the same checksum"
        } else {
            "with different checksums"
        };
        let name = &self.manifest.name;
        findings.push_with(severity, Code::ManifestDuplicateEntry, || Finding {
            severity,
            code: Code::ManifestDuplicateEntry,
            path,
            message: format!("{name} line {number} lists it again, {what}"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bagit::declaration;
    use crate::verify::testutil::{Memory, read_manifests};

    /// `(severity, code, path)` of each finding.
    fn codes(findings: &[Finding]) -> Vec<(Severity, Code, &str)> {
        (findings.iter())
            .map(|f| (f.severity, f.code, f.path.as_str()))
            .collect()
    }

    #[test]
    fn entries_are_kept_by_stored_file_and_come_back_sorted() {
        let store = Memory::new(&[
            ("data/b", b"b"),
            ("data/d", b"d"),
            ("manifest-sha256.txt", b""),
        ]);
        // A tag manifest keeps them otherwise, as it lists few files.
        for is_tag in [false, true] {
            let mut manifest =
                Manifest::new("manifest-sha256.txt", Some(Algorithm::Sha256), is_tag, 3);
            for (path, byte) in [("data/d", 1), ("data/a", 2), ("data/c", 3), ("data/b", 4)] {
                assert_eq!(manifest.insert(&store, path, &[byte; 32]).unwrap(), None);
            }
            assert_eq!(
                manifest.insert(&store, "data/d", &[1; 32]).unwrap(),
                Some(true)
            );
            assert_eq!(
                manifest.insert(&store, "data/d", &[9; 32]).unwrap(),
                Some(false)
            );
            assert_eq!(
                manifest.insert(&store, "data/a", &[9; 32]).unwrap(),
                Some(false)
            );
            let paths: Vec<&str> = payload_paths(std::slice::from_ref(&manifest), &store).collect();
            let payload = ["data/a", "data/b", "data/c", "data/d"];
            assert_eq!(paths, if is_tag { &[][..] } else { &payload[..] });
            assert_eq!(
                manifest.absent_paths().collect::<Vec<_>>(),
                ["data/a", "data/c"]
            );
            assert_eq!(manifest.digest(0).unwrap().as_deref(), Some(&[4; 32][..]));
            assert_eq!(manifest.digest(1).unwrap().as_deref(), Some(&[1; 32][..]));
            assert_eq!(manifest.digest(2).unwrap().as_deref(), None);
            assert!(manifest.lists_stored(1) && !manifest.lists_stored(2));
            assert!(manifest.lists(&store, "data/c") && manifest.lists(&store, "data/b"));
            assert!(
                !manifest.lists(&store, "data/x") && !manifest.lists(&store, "manifest-sha256.txt")
            );
        }
    }

    #[test]
    fn payload_paths_are_those_of_every_payload_manifest_once_and_sorted() {
        let line = |algorithm: Algorithm, path: &str| {
            format!("{}  {path}\n", "0".repeat(algorithm.hex_len()))
        };
        let sha256 = [
            line(Algorithm::Sha256, "data/b"),
            line(Algorithm::Sha256, "data/c"),
        ];
        let sha512 = [
            line(Algorithm::Sha512, "data/d"),
            line(Algorithm::Sha512, "data/b"),
        ];
        let tags = line(Algorithm::Sha256, "data/tagged-only");
        let store = Memory::new(&[
            ("data/b", b"b"),
            ("data/d", b"d"),
            ("manifest-sha256.txt", sha256.concat().as_bytes()),
            ("manifest-sha512.txt", sha512.concat().as_bytes()),
            ("tagmanifest-sha256.txt", tags.as_bytes()),
        ]);
        let (manifests, _) = read_manifests(&store);
        let paths: Vec<&str> = payload_paths(&manifests.list, &store).collect();
        assert_eq!(paths, ["data/b", "data/c", "data/d"]);
    }

    #[test]
    fn a_manifest_of_an_unsupported_algorithm_is_read_like_any_other() {
        let blake3 = "ab".repeat(32);
        let text = format!(
            "{blake3}  data/a\n{blake3}  data/missing\nnot a manifest line\n\
             {blake3}  ../../etc/passwd\n{}  data/a\n{blake3}  data/a\n",
            "cd".repeat(64)
        );
        let store = Memory::new(&[("data/a", b"a"), ("manifest-blake3.txt", text.as_bytes())]);
        let (manifests, findings) = read_manifests(&store);
        let manifest = &manifests.list[0];
        assert_eq!(manifest.algorithm, None);
        assert_eq!(
            manifest.digest(0).unwrap().as_deref(),
            Some(&[0xab; 32][..])
        );
        let unread = Manifest::new("manifest-blake3.txt", None, false, 2);
        assert_eq!(unread.digest(0).unwrap().as_deref(), None);
        assert!(manifest.lists(&store, "data/a") && manifest.lists(&store, "data/missing"));
        assert!(manifests.has_unsafe_path);
        let name = "manifest-blake3.txt";
        assert_eq!(
            codes(&findings),
            [
                (Severity::Warning, Code::AlgorithmUnsupported, name),
                (Severity::Error, Code::ManifestLineInvalid, name),
                (Severity::Error, Code::UnsafePath, "../../etc/passwd"),
                (Severity::Error, Code::ManifestLineInvalid, name),
                (Severity::Error, Code::ManifestDuplicateEntry, "data/a"),
                (Severity::Error, Code::AlgorithmUnsupported, ""),
            ]
        );
        assert!(findings[3].message.contains("same length"), "{findings:?}");
        // Beside a manifest whose checksums can be verified, only the
        // warning remains.
        let sha256 = format!("{}  data/a\n", "00".repeat(32));
        let store = Memory::new(&[
            ("data/a", b"a"),
            (
                "manifest-blake3.txt",
                format!("{blake3}  data/a\n").as_bytes(),
            ),
            ("manifest-sha256.txt", sha256.as_bytes()),
        ]);
        let (manifests, findings) = read_manifests(&store);
        let algorithms: Vec<_> = manifests.list.iter().map(|m| m.algorithm).collect();
        assert_eq!(algorithms, [None, Some(Algorithm::Sha256)]);
        assert_eq!(
            codes(&findings),
            [(
                Severity::Warning,
                Code::AlgorithmUnsupported,
                "manifest-blake3.txt"
            )]
        );
    }

    #[test]
    fn an_algorithm_name_not_normalized_is_found_and_its_checksums_kept() {
        let sha256 = format!("{}  data/a\n", "00".repeat(32));
        let sha512 = format!("{}  manifest-SHA256.txt\n", "11".repeat(64));
        let blake3 = format!("{}  data/a\n", "22".repeat(32));
        let store = Memory::new(&[
            ("data/a", b"a"),
            ("manifest-BLAKE3.txt", blake3.as_bytes()),
            ("manifest-SHA256.txt", sha256.as_bytes()),
            ("tagmanifest-sha-512.txt", sha512.as_bytes()),
        ]);
        let (manifests, findings) = read_manifests(&store);
        let algorithms: Vec<_> = manifests.list.iter().map(|m| m.algorithm).collect();
        assert_eq!(
            algorithms,
            [None, Some(Algorithm::Sha256), Some(Algorithm::Sha512)]
        );
        assert_eq!(
            manifests.list[1].digest(0).unwrap().as_deref(),
            Some(&[0; 32][..])
        );
        assert_eq!(
            codes(&findings),
            [
                (
                    Severity::Error,
                    Code::AlgorithmNameNotNormalized,
                    "manifest-BLAKE3.txt"
                ),
                (
                    Severity::Warning,
                    Code::AlgorithmUnsupported,
                    "manifest-BLAKE3.txt"
                ),
                (
                    Severity::Error,
                    Code::AlgorithmNameNotNormalized,
                    "manifest-SHA256.txt"
                ),
                (
                    Severity::Error,
                    Code::AlgorithmNameNotNormalized,
                    "tagmanifest-sha-512.txt"
                ),
            ]
        );
        assert_eq!(
            findings[2].message,
            "the algorithm is named \"SHA256\", which a manifest's name must write in lower case \
             with letters and digits only: manifest-sha256.txt; its checksums are verified as \
             sha256"
        );
        assert!(findings[0].message.ends_with("manifest-blake3.txt"));
        // Before BagIt 1.0 (RFC 8493), a warning.
        let declaration =
            declaration::parse(b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n")
                .unwrap();
        let mut findings = Findings::default();
        read(&store, &declaration, &Resolver::new(&store), &mut findings);
        let severities: Vec<_> = (findings.into_vec().into_iter())
            .filter(|f| f.code == Code::AlgorithmNameNotNormalized)
            .map(|f| f.severity)
            .collect();
        assert_eq!(severities, [Severity::Warning; 3]);
    }

    /// An empty or `.` component inside a path names the directory it is
    /// in: the line lists the file without it, with a warning; a `..`
    /// component is still unsafe.
    #[test]
    fn empty_and_dot_components_inside_a_path_are_read_without_them() {
        let sum = "00".repeat(32);
        let text = format!(
            "{sum}  data//a\n{sum}  data/./sub/b\n{sum}  .//data/sub//./c\n{sum}  data/d\n"
        );
        let store = Memory::new(&[
            ("data/a", b"a"),
            ("data/sub/b", b"b"),
            ("data/sub/c", b"c"),
            ("data/d", b"d"),
            ("manifest-sha256.txt", text.as_bytes()),
        ]);
        let (manifests, findings) = read_manifests(&store);
        assert!(!manifests.has_unsafe_path);
        let paths: Vec<&str> = payload_paths(&manifests.list, &store).collect();
        assert_eq!(paths, ["data/a", "data/d", "data/sub/b", "data/sub/c"]);
        let name = "manifest-sha256.txt";
        assert_eq!(
            codes(&findings),
            [
                (Severity::Warning, Code::DotSlashPath, name),
                (Severity::Warning, Code::RedundantPathComponent, name),
            ]
        );
        assert_eq!(
            findings[1].message,
            "3 lines, the first line 1: the path has an empty or . component inside it \
             (data//a, data/./a), which is read without it"
        );
        // The same file listed again is listed twice.
        let text = format!("{sum}  data/a\n{sum}  data//a\n");
        let store = Memory::new(&[("data/a", b"a"), ("manifest-sha256.txt", text.as_bytes())]);
        let (_, findings) = read_manifests(&store);
        assert!(
            codes(&findings).contains(&(Severity::Error, Code::ManifestDuplicateEntry, "data/a")),
            "{findings:?}"
        );
        for unsafe_path in ["data/.//../a", "data//../../a", "./../a"] {
            let text = format!("{sum}  {unsafe_path}\n");
            let store = Memory::new(&[("data/a", b"a"), ("manifest-sha256.txt", text.as_bytes())]);
            let (manifests, findings) = read_manifests(&store);
            assert!(manifests.has_unsafe_path, "{unsafe_path}");
            assert!(
                (findings.iter())
                    .any(|f| f.code == Code::UnsafePath && f.severity == Severity::Error),
                "{unsafe_path}: {findings:?}"
            );
        }
    }

    #[test]
    fn tag_manifests_are_named_at_the_root() {
        assert!(is_tag_manifest("tagmanifest-sha256.txt"));
        assert!(is_tag_manifest("tagmanifest-whatever.txt"));
        assert!(!is_tag_manifest("data/tagmanifest-sha256.txt"));
        assert!(!is_tag_manifest("manifest-sha256.txt"));
        assert!(!is_tag_manifest("tagmanifest-sha256.txt.bak"));
    }

    #[test]
    fn tolerated_forms_are_counted_not_kept() {
        let mut seen = Seen::default();
        assert_eq!(seen.lines(), None);
        seen.add(7);
        assert_eq!(seen.lines().as_deref(), Some("line 7"));
        for line in 8..2_000_000 {
            seen.add(line);
        }
        assert_eq!(
            seen.lines().as_deref(),
            Some("1999993 lines, the first line 7")
        );
    }
}
