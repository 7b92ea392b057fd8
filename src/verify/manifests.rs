//! Reading the manifests of a bag, judging their paths, and completeness.

use std::collections::{BTreeMap, HashSet};

use super::declaration::Declaration;
use crate::bagit::manifest;
use crate::bagit::tagfile;
use crate::bundle::reader::BagStore;
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
    /// Path → expected digest, for the entries with safe paths.
    pub entries: BTreeMap<String, String>,
}

/// Reads every `manifest-*.txt` and `tagmanifest-*.txt` at the bag root.
pub fn read(
    store: &dyn BagStore,
    declaration: &Declaration,
    findings: &mut Vec<Finding>,
) -> Vec<Manifest> {
    let mut manifests = Vec::new();
    for file in store.files() {
        let name = file.path.as_str();
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
        if algorithm_name.contains('/') {
            continue;
        }
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
        let text = match store.read_all(name) {
            Ok(bytes) => tagfile::decode(&bytes, &declaration.encoding),
            Err(error) => Err(format!("cannot be read: {error}")),
        };
        let text = match text {
            Ok(text) => text,
            Err(message) => {
                findings.push(Finding::error(Code::ManifestLineInvalid, name, message));
                continue;
            }
        };
        let parsed = manifest::parse(&text, algorithm, declaration.encodes_percent());
        for error in parsed.errors {
            findings.push(Finding::error(
                Code::ManifestLineInvalid,
                name,
                format!("line {}: {}", error.line, error.message),
            ));
        }
        let mut entries = BTreeMap::new();
        for (line, entry) in parsed.entries {
            let Some(path) = judge_path(name, line, &entry.path, is_tag, findings) else {
                continue;
            };
            match entries.get(&path) {
                None => {
                    entries.insert(path, entry.digest);
                }
                Some(first) => {
                    let same = *first == entry.digest;
                    // RFC 8493 §2.1.3 asks for every file "exactly once";
                    // bags older than 1.0 were tolerated with a warning.
                    let severity = if same && declaration.version < (1, 0) {
                        Severity::Warning
                    } else {
                        Severity::Error
                    };
                    let what = if same {
                        "with the same checksum"
                    } else {
                        "with different checksums"
                    };
                    findings.push(Finding {
                        severity,
                        code: Code::ManifestDuplicateEntry,
                        path: path.clone(),
                        message: format!("{name} line {line} lists it again, {what}"),
                    });
                }
            }
        }
        manifests.push(Manifest {
            name: name.to_string(),
            algorithm,
            is_tag,
            entries,
        });
    }
    if !manifests.iter().any(|m| !m.is_tag) {
        findings.push(Finding::error(
            Code::ManifestMissing,
            "",
            "the bag has no payload manifest (manifest-<algorithm>.txt)",
        ));
    }
    manifests
}

/// Checks a manifest path; returns it without a leading `./`, or `None`
/// (with a finding) if it must not be used.
fn judge_path(
    manifest: &str,
    line: usize,
    path: &str,
    is_tag: bool,
    findings: &mut Vec<Finding>,
) -> Option<String> {
    let unsafe_path = |why: &str| {
        Finding::error(
            Code::UnsafePath,
            path,
            format!("{manifest} line {line}: {why}; the path is not used"),
        )
    };
    let bytes = path.as_bytes();
    let why = if path.starts_with('/') {
        Some("it is absolute")
    } else if path.starts_with('~') {
        Some("it starts with ~ (a home directory)")
    } else if path.contains('\\') {
        Some("it contains a backslash")
    } else if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        Some("it starts with a drive letter")
    } else if path.split('/').any(|c| c == "..") {
        Some("it has a .. component that could leave the bag")
    } else {
        None
    };
    if let Some(why) = why {
        findings.push(unsafe_path(why));
        return None;
    }
    let path = path.strip_prefix("./").unwrap_or(path).to_string();
    if !is_tag && !path.starts_with("data/") {
        findings.push(Finding::error(
            Code::UnsafePath,
            &path,
            format!("{manifest} line {line}: a payload manifest path must start with data/"),
        ));
        return None;
    }
    Some(path)
}

/// Every listed file must be present; every payload file must be listed in
/// every payload manifest (RFC 8493 §3).
pub fn check_completeness(
    store: &dyn BagStore,
    manifests: &[Manifest],
    findings: &mut Vec<Finding>,
) {
    let mut reported_missing = HashSet::new();
    for manifest in manifests {
        for path in manifest.entries.keys() {
            if store.contains(path) || !reported_missing.insert(path.clone()) {
                continue;
            }
            let code = if manifest.is_tag {
                Code::TagFileMissing
            } else {
                Code::PayloadFileMissing
            };
            findings.push(Finding::error(
                code,
                path,
                format!("listed in {} but absent from the bag", manifest.name),
            ));
        }
    }
    for file in store.files().iter().filter(|f| f.path.starts_with("data/")) {
        let unlisted: Vec<&str> = manifests
            .iter()
            .filter(|m| !m.is_tag && !m.entries.contains_key(&file.path))
            .map(|m| m.name.as_str())
            .collect();
        if !unlisted.is_empty() {
            findings.push(Finding::error(
                Code::PayloadFileUnlisted,
                &file.path,
                format!("payload file not listed in {}", unlisted.join(", ")),
            ));
        }
    }
}
