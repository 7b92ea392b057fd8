//! `import bag` of a bundle corpack packed: its records, from its RO-Crate,
//! where a bag of another tool's gives one record per payload file.
//!
//! The bundle is read as an export reads it ([`verified::open_store`]): it
//! must verify, and its records read back as `collection.toml` records.
//! Each document the bundle holds has its file copied from
//! `data/documents/`; one catalogued but not held keeps its declared
//! checksum and stays so. The collection fields given as flags win over
//! the bundle's. Packed again, the collection gives the same bundle.

use std::path::Path;

use super::bag::{BagImportOptions, check_importable};
use super::{ImportReport, IncomingFile, Source, write_collection};
use crate::bagit::tagfile::TagFile;
use crate::bundle::ROCRATE_METADATA;
use crate::bundle::reader::{self, BagStore};
use crate::error::{Error, Result};
use crate::export::verified::{self, Opened, VerifiedBundle};
use crate::progress::Progress;
use crate::rocrate;

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
            });
        }
    };
    let VerifiedBundle {
        mut collection,
        store,
        findings: mut warnings,
        ..
    } = *opened;
    let paths: Vec<String> = (collection.documents.iter())
        .map(VerifiedBundle::bag_path)
        .collect();
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
