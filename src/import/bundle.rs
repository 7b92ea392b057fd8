//! `import bag` of a bundle corpack packed: its records, from its RO-Crate,
//! where a bag of another tool's gives one record per payload file.
//!
//! The bundle is read as an export reads it ([`verified::open_store`]): it
//! must verify, and its records read back as `collection.toml` records.
//! Each document the bundle holds has its file copied from
//! `data/documents/`; one catalogued but not held keeps its declared
//! checksum and stays so. The collection fields given as flags win over
//! the bundle's. Packed again, the collection gives the same bundle.
//!
//! A payload file the RO-Crate does not describe (added to the bag, and
//! to its manifests, after the pack) would be lost if left out: it
//! becomes a record to complete, as a payload file of another tool's bag
//! does, its file its path under `data/documents/` (or under `data/`,
//! elsewhere), and a warning says so.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use super::bag::{BagImportOptions, check_importable, payload_document, sha256_by_path};
use super::{ImportReport, IncomingFile, Source, write_collection};
use crate::bagit::manifest;
use crate::bagit::tagfile::TagFile;
use crate::bundle::reader::{self, BagStore};
use crate::bundle::{ROCRATE_METADATA, ROCRATE_PREVIEW};
use crate::collection::Collection;
use crate::digest::Algorithm;
use crate::error::{Error, Result};
use crate::export::verified::{self, Opened, VerifiedBundle};
use crate::finding::{Code, Finding};
use crate::progress::Progress;
use crate::rocrate;
use crate::verify::findings::Findings;

/// Whether the bag in `store` is a bundle corpack packed: its
/// `bag-info.txt` names corpack as the software that made it, and its
/// payload has an RO-Crate corpack wrote (one of another tool's, in a bag
/// that says corpack made it, is imported as any other bag).
pub(super) fn is_corpack_bundle(store: &dyn BagStore, bag_info: &TagFile) -> bool {
    let made_by_corpack =
        (bag_info.get_all("Bag-Software-Agent")).any(|agent| agent.starts_with("corpack "));
    made_by_corpack
        && store.contains(ROCRATE_METADATA)
        && reader::parse_with(store, ROCRATE_METADATA, rocrate::written_by_corpack).unwrap_or(false)
}

/// Imports the bundle at `bundle`, opened as `store`, into `dir` as its
/// records.
pub(super) fn import_bundle(
    bundle: &Path,
    store: Box<dyn BagStore>,
    dir: &Path,
    options: &BagImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let opened = match verified::open_store(bundle, store, progress)? {
        Opened::Verified(opened) => opened,
        Opened::Refused(report) => {
            return Err(Error::Refused {
                dir: bundle.to_path_buf(),
                stopped: "import",
                findings: report.findings,
                errors: report.errors,
            });
        }
    };
    let mut collection = opened.to_collection()?;
    let VerifiedBundle {
        store,
        findings: mut warnings,
        ..
    } = *opened;
    let mut paths: Vec<String> = (collection.documents.iter())
        .map(VerifiedBundle::bag_path)
        .collect();
    let undescribed = undescribed_documents(store.as_ref(), &mut collection, &mut paths)
        .map_err(|finding| Error::refused(bundle, "import", vec![finding]))?;
    // Verify's warnings about them, at most a thousand, are said again,
    // each with what the import made of it: one per file, whether the
    // crate does not describe it or describes it as no record (a File
    // entity added by hand, of which verify says nothing).
    if !undescribed.is_empty() {
        warnings.retain(|finding| finding.code != Code::RocrateFileUndescribed);
        let mut said = Findings::default();
        for path in undescribed {
            said.push(Finding::warning(
                Code::RocrateFileUndescribed,
                path,
                "payload file described by no record of the RO-Crate: imported as a record to \
                 complete",
            ));
        }
        warnings.extend(said.into_vec());
    }
    let fields = options.fields.clone().or(collection.info.into());
    collection.info = fields
        .into_info()
        .expect("the bundle's fields are all there");
    // The flags' values are held to the records' rules, as the bundle's
    // were when it was packed.
    warnings.extend(check_importable(
        bundle,
        dir,
        &collection,
        "",
        &options.allow,
    )?);
    let incoming: Vec<IncomingFile> = (0..paths.len())
        .filter_map(|document| {
            let path = &paths[document];
            store.contains(path).then(|| IncomingFile {
                document,
                from: Source::Bag(store.as_ref(), path.clone()),
            })
        })
        .collect();
    let comment = format!(
        "Imported by corpack {} from the bundle {}: its records, as packed.",
        env!("CARGO_PKG_VERSION"),
        bundle.display()
    );
    let mut report = write_collection(
        dir,
        collection,
        &incoming,
        options.force,
        &comment,
        progress,
        |mismatch| {
            Error::unreadable(
                bundle,
                format!(
                    "{} changed since it was verified: sha256 {}, where its record says {}",
                    paths[mismatch.document], mismatch.actual, mismatch.declared
                ),
            )
        },
    )?;
    report.warnings = warnings;
    Ok(report)
}

/// Adds a record for each payload file of `store` that neither a record
/// (at `paths`, in the bag) nor the crate itself is, as `import bag` makes
/// one for a payload file of another tool's bag, and its path to `paths`.
/// Returns those paths, in the bag's order, or the error finding of one
/// whose file would be another's.
fn undescribed_documents(
    store: &dyn BagStore,
    collection: &mut Collection,
    paths: &mut Vec<String>,
) -> Result<Vec<String>, Finding> {
    let recorded: HashSet<&str> = paths.iter().map(String::as_str).collect();
    let undescribed: Vec<String> = (store.files().paths())
        .filter(|path| path.starts_with("data/"))
        .filter(|path| !recorded.contains(path))
        .filter(|path| ![ROCRATE_METADATA, ROCRATE_PREVIEW].contains(path))
        .map(str::to_string)
        .collect();
    if undescribed.is_empty() {
        return Ok(undescribed);
    }
    let refused =
        |path: &str, message: String| Finding::error(Code::RocrateFileUndescribed, path, message);
    let declared =
        declared_sha256(store).map_err(|message| refused("manifest-sha256.txt", message))?;
    let mut ids: BTreeSet<_> = (collection.documents.iter())
        .map(|document| document.id.clone())
        .collect();
    // Whose each file is: a record's, or an undescribed file's.
    let mut files: HashMap<String, String> = (collection.documents.iter())
        .map(|document| {
            (
                document.file.to_string(),
                format!("document `{}`", document.id),
            )
        })
        .collect();
    for path in &undescribed {
        let in_payload = &path["data/".len()..];
        let file = in_payload.strip_prefix("documents/").unwrap_or(in_payload);
        if let Some(taken) = files.insert(file.to_string(), path.clone()) {
            return Err(refused(
                path,
                format!(
                    "payload file described by no record of the RO-Crate, which would be \
                     imported as {file:?}, the file of {taken}: describe it in the crate, or \
                     give it another name"
                ),
            ));
        }
        let document = payload_document(file, &declared, path, &mut ids)
            .map_err(|message| refused(path, message))?;
        collection.documents.push(document);
        paths.push(path.clone());
    }
    Ok(undescribed)
}

/// The checksums of `manifest-sha256.txt`, by path, which corpack writes
/// in every bundle (BagIt 1.0, UTF-8); none if it is gone, and the import
/// computes them.
fn declared_sha256(store: &dyn BagStore) -> Result<HashMap<String, String>, String> {
    let name = manifest::manifest_name(Algorithm::Sha256);
    if !store.contains(&name) {
        return Ok(HashMap::new());
    }
    let bytes = store.read_all(&name).map_err(|e| format!("{name}: {e}"))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| format!("{name}: {e}"))?;
    sha256_by_path(text, true)
}
