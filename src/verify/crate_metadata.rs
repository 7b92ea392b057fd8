//! The RO-Crate metadata against the payload: every `File` it describes is
//! present, with the size and SHA-256 it states.

use std::collections::{BTreeMap, HashSet};

use super::findings::Findings;
use crate::bundle::reader::{self, BagStore};
use crate::bundle::{ROCRATE_METADATA, ROCRATE_PREVIEW};
use crate::finding::{Code, Finding};
use crate::rocrate::{self, CrateFile, ReadError};

/// The files the metadata describes, or `None` (with a finding) if it
/// cannot be read; `None` without a finding when the bag has no RO-Crate.
pub fn described_files(store: &dyn BagStore, findings: &mut Findings) -> Option<Vec<CrateFile>> {
    if !store.contains(ROCRATE_METADATA) {
        return None;
    }
    let read = reader::parse_with(store, ROCRATE_METADATA, |json| {
        rocrate::read_files(json, |file| file)
    });
    let message = match read {
        Ok(Ok(files)) => return Some(files),
        Err(error) | Ok(Err(ReadError::Io(error))) => format!("cannot be read: {error}"),
        Ok(Err(error)) => error.to_string(),
    };
    findings.push(Finding::error(
        Code::RocrateInvalid,
        ROCRATE_METADATA,
        message,
    ));
    None
}

/// The bag path (`data/…`) of a described file.
pub fn bag_path(file: &CrateFile) -> String {
    format!("data/{}", file.path)
}

/// Compares the described files with the payload. `sha256` holds the
/// digests computed for the described files (empty in a fast check).
pub fn check(
    store: &dyn BagStore,
    files: &[CrateFile],
    sha256: &BTreeMap<String, String>,
    findings: &mut Findings,
) {
    let mismatch =
        |path: &str, message: String| Finding::error(Code::RocrateMismatch, path, message);
    let mut described = HashSet::new();
    for file in files {
        let path = bag_path(file);
        described.insert(path.clone());
        let Some(stored) = store.file(&path) else {
            findings.push(mismatch(
                &path,
                format!("{ROCRATE_METADATA} describes it, but it is absent"),
            ));
            continue;
        };
        if let Some(size) = file.content_size.filter(|&size| size != stored.size) {
            findings.push(mismatch(
                &path,
                format!(
                    "{ROCRATE_METADATA} gives contentSize {size}, the file has {} bytes",
                    stored.size
                ),
            ));
        }
        let computed = sha256.get(&path);
        if let (Some(stated), Some(computed)) = (&file.sha256, computed)
            && stated != computed
        {
            findings.push(mismatch(
                &path,
                format!("{ROCRATE_METADATA} gives sha256 {stated}, the file has {computed}"),
            ));
        }
    }
    for stored in store.files() {
        let path = stored.path.as_str();
        let is_crate_file = path == ROCRATE_METADATA || path == ROCRATE_PREVIEW;
        if path.starts_with("data/") && !is_crate_file && !described.contains(path) {
            findings.push(Finding::warning(
                Code::RocrateFileUndescribed,
                path,
                format!("payload file not described in {ROCRATE_METADATA}"),
            ));
        }
    }
}
