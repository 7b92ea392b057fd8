//! Completeness (RFC 8493 §3): the payload directory exists, every listed
//! file is present, every payload file is listed, and `fetch.txt` agrees
//! with the payload manifests.

use std::collections::{BTreeSet, HashSet};

use super::fetch::Fetch;
use super::findings::Findings;
use super::manifests::Manifest;
use crate::bundle::reader::BagStore;
use crate::finding::{Code, Finding, Severity};

/// Checks what RFC 8493 §3 asks of a complete bag. `every_manifest`: every
/// payload file must be listed in every payload manifest (BagIt 1.0);
/// before, one manifest was enough.
pub fn check(
    store: &dyn BagStore,
    manifests: &[Manifest],
    fetch: &Fetch,
    every_manifest: bool,
    findings: &mut Findings,
) {
    if !store.is_dir("data") {
        findings.push(Finding::error(
            Code::PayloadDirMissing,
            "data",
            "the bag has no payload directory data/",
        ));
    }
    let payload_manifests: Vec<&Manifest> = manifests.iter().filter(|m| !m.is_tag).collect();
    let to_fetch: HashSet<&str> = fetch.paths.iter().map(|(_, p)| p.as_str()).collect();
    check_fetch(store, &payload_manifests, fetch, findings);
    for (index, manifest) in manifests.iter().enumerate() {
        let code = if manifest.is_tag {
            Code::TagFileMissing
        } else {
            Code::PayloadFileMissing
        };
        for path in manifest.absent_paths() {
            let listed_before = |m: &Manifest| m.lists(store, path);
            if to_fetch.contains(path) || manifests[..index].iter().any(listed_before) {
                continue;
            }
            findings.push_with(Severity::Error, code, || {
                Finding::error(
                    code,
                    path,
                    format!("listed in {} but absent from the bag", manifest.name),
                )
            });
        }
    }
    let stored = store.files().iter().enumerate();
    for (index, file) in stored.filter(|(_, f)| f.path.starts_with("data/")) {
        let unlisted: Vec<&str> = payload_manifests
            .iter()
            .filter(|m| !m.lists_stored(index))
            .map(|m| m.name.as_str())
            .collect();
        let missing = if every_manifest {
            !unlisted.is_empty()
        } else {
            unlisted.len() == payload_manifests.len() && !unlisted.is_empty()
        };
        if missing {
            findings.push(Finding::error(
                Code::PayloadFileUnlisted,
                &file.path,
                format!("payload file not listed in {}", unlisted.join(", ")),
            ));
        }
    }
}

/// Files listed in `fetch.txt` must be listed in every payload manifest
/// (RFC 8493 §2.2.3); those absent make the bag incomplete.
fn check_fetch(
    store: &dyn BagStore,
    payload_manifests: &[&Manifest],
    fetch: &Fetch,
    findings: &mut Findings,
) {
    let mut seen = BTreeSet::new();
    for (line, path) in &fetch.paths {
        if !seen.insert(path.as_str()) {
            continue;
        }
        let unlisted: Vec<&str> = payload_manifests
            .iter()
            .filter(|m| !m.lists(store, path))
            .map(|m| m.name.as_str())
            .collect();
        if !unlisted.is_empty() {
            findings.push(Finding::error(
                Code::FetchFileUnlisted,
                path,
                format!(
                    "fetch.txt line {line} lists it, but {} does not",
                    unlisted.join(", ")
                ),
            ));
        }
        if !store.contains(path) {
            findings.push(Finding::error(
                Code::FetchFileMissing,
                path,
                format!(
                    "fetch.txt line {line} lists it to be downloaded; the bag is incomplete \
                     without it (corpack never downloads)"
                ),
            ));
        }
    }
}
