//! `verify`: judging a bag, zipped or not, without extracting it.
//!
//! The checks follow RFC 8493 §3: the bag declaration, the manifests and
//! their paths, completeness (every payload file listed, every listed file
//! present), `Payload-Oxum`, then validity (every checksum), and the RO-Crate
//! metadata, when the payload has one, against the payload. Everything wrong is a
//! [`Finding`]; only a bag that cannot be read at all is an [`Error`](crate::Error).

mod crate_metadata;
pub(crate) mod declaration;
mod manifests;
mod payload;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bundle::reader::{self, BagStore};
use crate::error::Result;
use crate::finding::{Finding, Severity};
use crate::progress::Progress;

/// How much to check.
#[derive(Clone, Copy, Debug, Default)]
pub struct VerifyOptions {
    /// Only completeness and `Payload-Oxum`: no checksums are computed.
    pub fast: bool,
}

/// The verdict on one bag.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// The bag: a directory or a zip file.
    pub location: PathBuf,
    /// The `BagIt-Version` it declares, if readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bagit_version: Option<String>,
    /// For an OCFL object root instead of a bag: the OCFL version it
    /// declares (`1.1`), or `unknown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocfl_version: Option<String>,
    /// Whether there is no error finding.
    pub valid: bool,
    /// Files whose checksums were computed.
    pub files_checked: u64,
    /// Bytes read to compute them.
    pub bytes_checked: u64,
    /// Everything found, errors and warnings, in the order found.
    pub findings: Vec<Finding>,
}

/// Verifies the bag at `path`: a directory or a zip.
pub fn verify_path(path: &Path, options: VerifyOptions, progress: &dyn Progress) -> Result<Report> {
    if crate::ocfl::is_object_root(path) {
        return crate::ocfl::validate::verify_report(path, options, progress);
    }
    let store = reader::open(path)?;
    Ok(verify(store.as_ref(), options, progress))
}

/// Verifies a bag.
pub fn verify(store: &dyn BagStore, options: VerifyOptions, progress: &dyn Progress) -> Report {
    let mut findings = Vec::new();
    let mut report = Report {
        location: store.location().to_path_buf(),
        bagit_version: None,
        ocfl_version: None,
        valid: false,
        files_checked: 0,
        bytes_checked: 0,
        findings: Vec::new(),
    };
    if let Some(declaration) = declaration::read(store, &mut findings) {
        report.bagit_version = Some(declaration.version_text.clone());
        let bag_info = declaration::read_bag_info(store, &declaration, &mut findings);
        let manifests = manifests::read(store, &declaration, &mut findings);
        manifests::check_completeness(store, &manifests, &mut findings);
        declaration::check_oxum(store, bag_info.as_ref(), &mut findings);
        let described = crate_metadata::described_files(store, &mut findings);
        let described = described.as_deref().unwrap_or_default();
        let mut sha256 = Default::default();
        if !options.fast {
            let wanted: Vec<String> = described.iter().map(crate_metadata::bag_path).collect();
            let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
            let checked =
                payload::check_digests(store, &manifests, &wanted, progress, &mut findings);
            report.files_checked = checked.files;
            report.bytes_checked = checked.bytes;
            sha256 = checked.sha256;
        }
        crate_metadata::check(store, described, &sha256, &mut findings);
    }
    report.valid = !findings.iter().any(|f| f.severity == Severity::Error);
    report.findings = findings;
    report
}
