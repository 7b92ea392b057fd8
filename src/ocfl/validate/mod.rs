//! Validating an OCFL object root against the OCFL 1.1 specification (§3),
//! reporting what is wrong as findings with the specification's codes.
//!
//! The checks: the object root's entries (E001, E046, E067, E090, W013),
//! the declaration (E003, E006, E007), the root inventory (§3.5, checked on its own
//! by the `inventory` module) and its sidecar (E058, E060, E061), then each version
//! directory: its entries (E015, W002), its inventory against the root one
//! (E037, E040, E019, E064, E066, E103, W010, W011), its content files
//! against every manifest (E023, E024, E090, E092), and finally every digest the
//! inventories give, manifest and fixity (E092, E093). Only an object root
//! that cannot be read at all is an [`Error`].
//!
//! The object root is checked by `root`, sidecars by `sidecar`, the version
//! directories by `versions` (their inventories against the root one by
//! `prior`, their files against the manifests by `manifests`, and the
//! digests by `content`).

mod content;
mod content_files;
mod entries;
pub(crate) mod inventory;
mod manifests;
mod prior;
mod prior_map;
mod root;
mod sidecar;
mod versions;

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde::Serialize;

use self::entries::{Kind, list};
use self::root::{check_extensions, check_root_entries, declaration};
use self::sidecar::check_sidecar;
use self::versions::Object;
use super::code::OcflCode;
use super::inventory::{INVENTORY, Inventory};
use crate::error::{Error, IoContext, Result};
use crate::finding::{Finding, Severity};
use crate::progress::Progress;

/// The verdict on one object.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectReport {
    /// The object root.
    pub root: PathBuf,
    /// The OCFL version the declaration names, if there is one.
    pub spec: Option<String>,
    /// The root inventory, when it could be read.
    #[serde(skip)]
    pub inventory: Option<Inventory>,
    /// Content files whose digests were computed.
    pub files_checked: u64,
    /// Bytes read to compute them.
    pub bytes_checked: u64,
    /// Everything found, in the order found.
    pub findings: Vec<Finding>,
}

impl ObjectReport {
    /// Whether there is no error finding.
    pub fn is_valid(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Findings being gathered.
#[derive(Debug, Default)]
pub(crate) struct Findings(pub Vec<Finding>);

impl Findings {
    fn add(&mut self, code: OcflCode, path: &str, message: impl Into<String>) {
        self.0.push(super::finding(code, path, message));
    }
}

/// The first `limit` bytes of the file at `path`, and whether it holds
/// more: for the files of an object that hold a line (its declaration, a
/// sidecar), so that a large one is not read whole.
fn read_head(path: &Path, limit: u64) -> io::Result<(Vec<u8>, bool)> {
    let mut bytes = Vec::new();
    File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    let more = bytes.len() as u64 > limit;
    bytes.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok((bytes, more))
}

/// Validates the OCFL object at `root`. With `check_digests` false, no
/// content file is read: everything but the digests is checked.
pub fn validate_object(
    root: &Path,
    check_digests: bool,
    progress: &dyn Progress,
) -> Result<ObjectReport> {
    if !root.is_dir() {
        return Err(Error::unreadable(root, "not a directory"));
    }
    let entries = list(root)?;
    let mut findings = Findings::default();
    let mut report = ObjectReport {
        root: root.to_path_buf(),
        spec: None,
        inventory: None,
        files_checked: 0,
        bytes_checked: 0,
        findings: Vec::new(),
    };
    if entries.is_empty() {
        findings.add(
            OcflCode::E003,
            "",
            "the directory is empty: no object declaration (0=ocfl_object_1.1), and no bagit.txt either",
        );
        findings.add(OcflCode::E063, "", "no inventory.json");
        report.findings = findings.0;
        return Ok(report);
    }
    let declared = declaration(root, &entries, &mut findings)?;
    report.spec = declared.map(|spec| spec.number().to_string());
    let has_inventory = entries
        .iter()
        .any(|e| e.name == INVENTORY && e.kind == Kind::File);
    let parsed = if has_inventory {
        let path = root.join(INVENTORY);
        let file = File::open(&path).at(&path)?;
        Some(inventory::parse_file(&file, INVENTORY, &mut findings).at(&path)?)
    } else {
        findings.add(
            OcflCode::E063,
            INVENTORY,
            "the object root has no inventory.json",
        );
        None
    };
    let algorithm_name = parsed
        .as_ref()
        .and_then(|p| p.digest_algorithm_name.clone());
    let root_inventory = parsed.as_ref().and_then(|p| p.inventory.as_ref());
    check_root_entries(
        &entries,
        root_inventory,
        algorithm_name.as_deref(),
        &mut findings,
    );
    check_extensions(root, &entries, &mut findings)?;
    let Some(parsed) = parsed else {
        report.findings = findings.0;
        return Ok(report);
    };
    check_sidecar(
        root,
        "",
        algorithm_name.as_deref(),
        parsed.digest.as_deref(),
        &mut findings,
    )?;
    if let (Some(declared), Some(typed)) = (declared, parsed.spec)
        && declared != typed
    {
        findings.add(
            OcflCode::E038,
            INVENTORY,
            format!(
                "`type` is the OCFL {} inventory type, but the declaration is OCFL {}",
                typed.number(),
                declared.number()
            ),
        );
    }
    if let Some(inventory) = &parsed.inventory {
        let objects = Object {
            root,
            inventory,
            root_spec: parsed.spec,
            root_digest: parsed.digest.as_deref(),
        };
        let read = objects.check_versions(&entries, check_digests, progress, &mut findings)?;
        report.files_checked = read.files;
        report.bytes_checked = read.bytes;
    }
    report.inventory = parsed.inventory;
    report.findings = findings.0;
    Ok(report)
}

/// [`validate_object`] as a [`crate::verify::Report`], for `verify`:
/// `--fast` skips the digests.
pub fn verify_report(
    root: &Path,
    options: crate::verify::VerifyOptions,
    progress: &dyn Progress,
) -> Result<crate::verify::Report> {
    let report = validate_object(root, !options.fast, progress)?;
    let counts = crate::verify::findings::Counts::of(&report.findings);
    let mut verified = crate::verify::Report {
        ocfl_version: Some(report.spec.unwrap_or_else(|| "unknown".into())),
        files_checked: report.files_checked,
        bytes_checked: report.bytes_checked,
        errors: counts.errors,
        warnings: counts.warnings,
        findings: report.findings,
        ..crate::verify::Report::empty(report.root, options.fast)
    };
    verified.set_verdict();
    Ok(verified)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_root_is_an_error_not_a_finding() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        assert!(validate_object(&missing, true, &crate::progress::NoProgress).is_err());
    }

    /// An inventory larger than corpack reads is an error naming it, before
    /// any of it is read: the file here is sparse, and holds no data.
    #[test]
    fn an_inventory_too_large_to_read_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(INVENTORY);
        let file = File::create(&path).unwrap();
        file.set_len(inventory::INVENTORY_LIMIT + 1).unwrap();
        let Err(error) = validate_object(dir.path(), true, &crate::progress::NoProgress) else {
            panic!("an inventory too large to read was read");
        };
        let message = error.to_string();
        assert!(message.contains(&*path.to_string_lossy()), "{message}");
        assert!(message.contains("256 MiB"), "{message}");
    }
}
