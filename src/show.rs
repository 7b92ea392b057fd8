//! `show`: the documents of a bundle, read from its RO-Crate metadata.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bundle::ROCRATE_METADATA;
use crate::bundle::reader;
use crate::error::{Error, Result};
use crate::rocrate::{self, DocumentSummary};

/// What a bundle holds.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ShowReport {
    /// The bundle or bag directory.
    pub location: PathBuf,
    /// Its documents: held ones first, then those only catalogued.
    pub documents: Vec<DocumentSummary>,
}

/// Lists the documents of the bundle (or bag directory) at `path`.
pub fn show(path: &Path) -> Result<ShowReport> {
    let store = reader::open(path)?;
    let bytes = store
        .read_all(ROCRATE_METADATA)
        .map_err(|error| Error::unreadable(path, format!("{ROCRATE_METADATA}: {error}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::unreadable(path, format!("{ROCRATE_METADATA}: not UTF-8")))?;
    let summary = rocrate::read(&text)
        .map_err(|message| Error::unreadable(path, format!("{ROCRATE_METADATA}: {message}")))?;
    Ok(ShowReport {
        location: path.to_path_buf(),
        documents: summary.documents,
    })
}
