//! Reading the payload and tag manifests of a bag and judging their paths.
//!
//! Manifests are read line by line, so a manifest of millions of lines
//! needs memory for its entries only, and a line longer than
//! [`MAX_LINE_BYTES`] ends its reading.

use std::collections::BTreeMap;

use super::findings::Findings;
use super::names::Resolver;
use crate::bagit::declaration::Declaration;
use crate::bagit::manifest::{self, has_unencoded_percent};
use crate::bagit::path::unsafe_reason;
use crate::bagit::text::{Lines, MAX_LINE_BYTES, TextError};
use crate::bundle::reader::{BagStore, read_error_finding};
use crate::digest::Algorithm;
use crate::finding::{Code, Finding, Severity};

/// One manifest of the bag.
#[derive(Clone, Debug)]
pub struct Manifest {
    /// Its file name, e.g. `manifest-sha256.txt`.
    pub name: String,
    /// Its algorithm.
    pub algorithm: Algorithm,
    /// Whether it is a tag manifest.
    pub is_tag: bool,
    /// Path → expected digest (bytes, not hex: half the memory for
    /// manifests of millions of lines), for the entries that can be used;
    /// a path spelled in another normalization form than its file is the
    /// file's.
    pub entries: BTreeMap<Box<str>, Box<[u8]>>,
}

/// Every manifest of the bag, and whether any of them names a path that
/// could leave the bag.
#[derive(Debug, Default)]
pub struct Manifests {
    /// The manifests with a known algorithm.
    pub list: Vec<Manifest>,
    /// Some line names an unsafe path: no file of the bag is to be read.
    pub has_unsafe_path: bool,
}

/// Whether `name` (at the bag root) is a tag manifest's.
pub fn is_tag_manifest(name: &str) -> bool {
    name.starts_with("tagmanifest-") && name.ends_with(".txt") && !name.contains('/')
}

/// Reads every `manifest-*.txt` and `tagmanifest-*.txt` at the bag root.
pub fn read(
    store: &dyn BagStore,
    declaration: &Declaration,
    resolver: &Resolver,
    findings: &mut Findings,
) -> Manifests {
    let mut manifests = Manifests::default();
    for file in store.files() {
        let name = file.path.as_str();
        if name.contains('/') {
            continue;
        }
        let (is_tag, algorithm_name) = if let Some(rest) = name.strip_prefix("tagmanifest-") {
            (true, rest)
        } else if let Some(rest) = name.strip_prefix("manifest-") {
            (false, rest)
        } else {
            continue;
        };
        let Some(algorithm_name) = algorithm_name.strip_suffix(".txt") else {
            continue;
        };
        let Ok(algorithm) = algorithm_name.parse::<Algorithm>() else {
            findings.push(Finding::warning(
                Code::ManifestLineInvalid,
                name,
                format!("unsupported algorithm {algorithm_name:?}: this manifest is not checked"),
            ));
            continue;
        };
        if algorithm.is_weak() {
            findings.push(Finding::warning(
                Code::WeakAlgorithm,
                name,
                format!("{algorithm} is no longer collision resistant; prefer sha256 or sha512"),
            ));
        }
        let mut reading = Reading {
            store,
            declaration,
            resolver,
            manifest: Manifest {
                name: name.to_string(),
                algorithm,
                is_tag,
                entries: BTreeMap::new(),
            },
            tally: Tally::default(),
            has_unsafe_path: false,
        };
        let mut text_error = None;
        let read = store.read_with(name, &mut |reader| {
            for line in Lines::new(reader, declaration.encoding, MAX_LINE_BYTES) {
                match line {
                    Ok((number, line)) => reading.line(number, &line, findings),
                    Err(TextError::Io(error)) => return Err(error),
                    Err(error) => {
                        text_error = Some(error);
                        break;
                    }
                }
            }
            Ok(())
        });
        if let Err(error) = read {
            findings.push(read_error_finding(name, &error));
        }
        if let Some(error) = text_error {
            findings.push(Finding::error(
                Code::ManifestLineInvalid,
                name,
                error.to_string(),
            ));
        }
        reading.tally.report(name, findings);
        manifests.has_unsafe_path |= reading.has_unsafe_path;
        manifests.list.push(reading.manifest);
    }
    if !manifests.list.iter().any(|m| !m.is_tag) {
        findings.push(Finding::error(
            Code::ManifestMissing,
            "",
            "the bag has no payload manifest (manifest-<algorithm>.txt) that corpack can check",
        ));
    }
    manifests
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
        let name = self.manifest.name.as_str();
        let at = |message: String| format!("{name} line {number}: {message}");
        let rfc = self.declaration.is_rfc();
        let parsed = match manifest::parse_line(line, self.manifest.algorithm, rfc) {
            Ok(parsed) => parsed,
            Err(message) => {
                findings.push_with(Severity::Error, Code::ManifestLineInvalid, || {
                    Finding::error(Code::ManifestLineInvalid, name, at(message))
                });
                return;
            }
        };
        if parsed.binary_marker {
            self.tally.binary_markers.add(number);
        }
        if rfc && has_unencoded_percent(line) {
            self.tally.unencoded_percent.add(number);
        }
        let mut path = parsed.entry.path;
        if let Some(rest) = path.strip_prefix("./") {
            self.tally.dot_slash.add(number);
            path = rest.to_string();
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
        let misplaced = if self.manifest.is_tag {
            if path.starts_with("data/") {
                Some("a tag manifest lists a payload file")
            } else if is_tag_manifest(&path) {
                Some("a tag manifest lists a tag manifest")
            } else {
                None
            }
        } else if !path.starts_with("data/") {
            Some("a payload manifest lists a path outside data/")
        } else {
            None
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
        let digest = hex::decode(&parsed.entry.digest).expect("parse_line checked the hex digits");
        self.insert(number, path.into(), digest.into(), findings);
    }

    /// Adds an entry; a path listed again is a duplicate (RFC 8493 §2.1.3:
    /// every file "exactly once"), tolerated with a warning before 1.0 when
    /// the checksums agree.
    fn insert(
        &mut self,
        number: usize,
        path: Box<str>,
        digest: Box<[u8]>,
        findings: &mut Findings,
    ) {
        let Some(first) = self.manifest.entries.get(&path) else {
            self.manifest.entries.insert(path, digest);
            return;
        };
        let same = *first == digest;
        let severity = if same && !self.declaration.is_rfc() {
            Severity::Warning
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
            path: path.into(),
            message: format!("{name} line {number} lists it again, {what}"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
