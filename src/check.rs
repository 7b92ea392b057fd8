//! `check`: a collection's records and files, judged without packing.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::collection::{self, Location};
use crate::error::{Error, RecordError, RecordErrors, Result};
use crate::finding::Finding;

/// The verdict on a collection.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct CheckReport {
    /// The collection directory.
    pub location: PathBuf,
    /// Whether there is no error.
    pub valid: bool,
    /// Documents recorded (0 if the records could not be read).
    pub documents: usize,
    /// Documents whose file was found.
    pub held: usize,
    /// Documents catalogued without their file.
    pub not_held: usize,
    /// Errors, each naming its file, line and field.
    pub errors: Vec<RecordError>,
    /// Warnings.
    pub warnings: Vec<Finding>,
}

/// Checks the collection in `dir`, looking for files also in `sources`.
/// Invalid records are reported, not returned as errors; only an I/O
/// failure (no readable collection.toml) is an error.
pub fn check(dir: &Path, sources: &[PathBuf], strict: bool) -> Result<CheckReport> {
    let mut report = CheckReport {
        location: dir.to_path_buf(),
        valid: false,
        documents: 0,
        held: 0,
        not_held: 0,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let loaded = match collection::load(dir) {
        Ok(loaded) => loaded,
        Err(Error::Records(RecordErrors(errors))) => {
            report.errors = errors;
            return Ok(report);
        }
        Err(error) => return Err(error),
    };
    report.documents = loaded.collection.documents.len();
    match collection::locate(&loaded, sources, strict) {
        Ok(located) => {
            report.held = located
                .locations
                .iter()
                .filter(|l| matches!(l, Location::Held(_)))
                .count();
            report.not_held = report.documents - report.held;
            report.warnings = located.warnings;
        }
        Err(RecordErrors(errors)) => report.errors = errors,
    }
    report.valid = report.errors.is_empty();
    Ok(report)
}
