//! Finding each document's file: in the collection directory, then in each
//! `--source` directory, in the order given.

use std::path::{Path, PathBuf};

use super::LoadedCollection;
use crate::error::{RecordError, RecordErrors};
use crate::finding::{Code, Finding};

/// Where a document's bytes are, if anywhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The file was found here.
    Held(PathBuf),
    /// Not found, but the record declares a checksum: the document is
    /// catalogued without its bytes.
    NotHeld,
}

/// The location of every document, in record order, and warnings about
/// documents that are catalogued but not held.
#[derive(Clone, Debug)]
pub struct Located {
    /// One location per document, in record order.
    pub locations: Vec<Location>,
    /// Warnings (documents not held).
    pub warnings: Vec<Finding>,
}

/// Looks for every document's file. A missing file is an error unless the
/// record declares a checksum; with `strict`, it is an error anyway.
pub fn locate(
    loaded: &LoadedCollection,
    sources: &[PathBuf],
    strict: bool,
) -> Result<Located, RecordErrors> {
    let mut located = Located {
        locations: Vec::new(),
        warnings: Vec::new(),
    };
    let mut errors: Vec<RecordError> = Vec::new();
    let places: Vec<&Path> = std::iter::once(loaded.dir.as_path())
        .chain(sources.iter().map(PathBuf::as_path))
        .collect();
    for (index, document) in loaded.collection.documents.iter().enumerate() {
        let file = document.file.as_str();
        let found = places
            .iter()
            .map(|place| place.join(file))
            .find(|candidate| candidate.is_file());
        if let Some(path) = found {
            located.locations.push(Location::Held(path));
            continue;
        }
        let looked_in = places
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        if document.sha256.is_none() {
            errors.push(loaded.document_error(
                index,
                "file",
                format!(
                    "{file:?} not found (looked in {looked_in}) and the record declares no \
                     sha256, so it cannot be catalogued without its bytes"
                ),
            ));
        } else if strict {
            errors.push(loaded.document_error(
                index,
                "file",
                format!("{file:?} not found (looked in {looked_in}); --strict requires every file"),
            ));
        } else {
            located.warnings.push(Finding::warning(
                Code::DocumentNotHeld,
                file,
                format!(
                    "document `{}`: file not found (looked in {looked_in}); it is catalogued \
                     with its declared sha256 but not held",
                    document.id
                ),
            ));
            located.locations.push(Location::NotHeld);
        }
    }
    if errors.is_empty() {
        Ok(located)
    } else {
        Err(RecordErrors(errors))
    }
}
