//! Exports: a verified bundle written in the import format of a repository.
//!
//! Every export verifies the bundle in full first and writes nothing for
//! an invalid one.

pub mod csv;
pub mod ocfl;

use std::path::Path;

use crate::bundle::ROCRATE_METADATA;
use crate::bundle::reader::{self, BagStore};
use crate::collection::Collection;
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::rocrate;
use crate::verify::{self, Report, VerifyOptions};

/// A bundle that verified: its bag, and its records read back from the
/// RO-Crate metadata.
pub struct VerifiedBundle {
    /// The bag, read in place.
    pub store: Box<dyn BagStore>,
    /// The collection and every document record.
    pub collection: Collection,
    /// The verification, with its warnings.
    pub report: Report,
}

/// Verifies the bundle (or bag directory) at `path` in full: `Ok(Err)`
/// with the report when it is invalid.
pub fn verified_bundle(
    path: &Path,
    progress: &dyn Progress,
) -> Result<std::result::Result<VerifiedBundle, Report>> {
    if crate::ocfl::is_object_root(path) {
        return Err(Error::unreadable(
            path,
            "an OCFL object (or empty directory), not a bundle",
        ));
    }
    let report = verify::verify_path(path, VerifyOptions::default(), progress)?;
    if !report.valid {
        return Ok(Err(report));
    }
    let store = reader::open(path)?;
    let bytes = store
        .read_all(ROCRATE_METADATA)
        .map_err(|error| Error::unreadable(path, format!("{ROCRATE_METADATA}: {error}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::unreadable(path, format!("{ROCRATE_METADATA}: not UTF-8")))?;
    let collection = rocrate::read_collection(&text)
        .map_err(|message| Error::unreadable(path, format!("{ROCRATE_METADATA}: {message}")))?;
    Ok(Ok(VerifiedBundle {
        store,
        collection,
        report,
    }))
}
