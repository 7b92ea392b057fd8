//! `export ocfl`: a verified bundle as a version of an OCFL 1.1 object (a
//! new object in a storage root that declares OCFL 1.0 is a 1.0 object, as
//! the root's objects must be, §4.2; an existing object keeps its version).
//!
//! The object's logical state is the bundle unzipped: the bag in a
//! directory named after the collection id (`<id>/bagit.txt`,
//! `<id>/data/...`), so that any version, checked out, is a bag again. The
//! object id is `urn:corpack:<collection id>`, a version's `created` the
//! collection's date at midnight UTC, its `user` the collection's contact,
//! and `fixity.sha256` repeats the bag's SHA-256 of every stored file.
//!
//! Exporting into an existing object of the same collection adds a version
//! (`v2`, ...) whose `content/` holds only the files whose digests the
//! object does not have yet; a bundle whose state is the head's adds
//! nothing. The same bundles, exported in the same order, give the same
//! bytes.
//!
//! Nothing is written in the object until it is complete beside it: a new
//! object is built in a temporary directory and renamed into place; a new
//! version is built aside, its directory renamed in, then the root
//! inventory and last its sidecar (OCFL 1.1 §3.6) replaced by renames. The
//! temporary directory is outside any storage root where it can be (see
//! `staging_places`), and the next export removes those interrupted
//! ones left, but not while one holds the only copy of an output that
//! `--force` was replacing (see `holds_a_lone_old`). The version directory
//! goes in only where nothing is: another export's is never replaced. The
//! directories above a new object that are missing are made as it is
//! renamed into place, not before (see `make_parents`).

mod content;
mod maps;
mod renames;
mod staging;
mod target;
mod version;

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use self::content::stage_content;
use self::renames::{
    OLD, make_parents, move_into, move_version_into, remove_made, replace, write_old_target,
};
use self::staging::{Staging, staging_places};
use self::target::{Placement, Target, check_same_collection, new_object_version};
use self::version::{new_version, next_version, write_inventories};
use super::verified::{self, Opened};
use crate::collection::CollectionInfo;
use crate::error::{Error, IoContext, Result};
use crate::finding::Finding;
use crate::ocfl::inventory::INVENTORY;
use crate::ocfl::validate::validate_object;
use crate::ocfl::{DECLARATION_PREFIX, VersionNum};
use crate::output::{
    TreeSync, named_in_place, refuse_special_file, refuse_to_replace, uninterrupted,
};
use crate::progress::Progress;

/// How to export.
#[derive(Clone, Debug, Default)]
pub struct OcflExportOptions {
    /// Replace an output that exists and is not OCFL data. An OCFL object
    /// is never replaced: it gets a new version. A storage root, or a
    /// directory holding objects, is refused.
    pub force: bool,
}

/// What an export did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OcflAction {
    /// A new object was written, with the bundle as `v1`.
    Created,
    /// The bundle was added to the object as a new version.
    VersionAdded,
    /// The object's head already holds this bundle: nothing was written.
    Unchanged,
    /// The bundle or the existing object is invalid: nothing was written
    /// (the findings say why).
    Refused,
}

/// The result of `corpack export ocfl`.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct OcflExportReport {
    /// The bundle exported.
    pub bundle: PathBuf,
    /// The OCFL object root.
    pub object: PathBuf,
    /// What was done.
    pub action: OcflAction,
    /// The object id, `urn:corpack:<collection id>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The object's head version after the export (`v1`, `v2`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    /// The head version's `created`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Files in the head version's state (the bag's files).
    pub files: u64,
    /// Files stored by this export (new content).
    pub content_files_added: u64,
    /// The bytes of the files stored by this export.
    pub content_bytes_added: u64,
    /// Files of the new version whose content the object already held, or
    /// that repeat another file's, stored once.
    pub deduplicated: u64,
    /// The bundle's verification findings: its errors when refused,
    /// otherwise its warnings, if any.
    pub bundle_findings: Vec<Finding>,
    /// How many bundle findings are errors, those left out of
    /// `bundle_findings` (at most 1,000 of a code) too.
    pub bundle_errors: u64,
    /// The existing object's findings when it was refused for them.
    pub object_findings: Vec<Finding>,
}

/// The OCFL object id of a collection.
pub fn object_id(info: &CollectionInfo) -> String {
    format!("urn:corpack:{}", info.id)
}

/// Exports the bundle (or bag directory) at `bundle` into the OCFL object
/// at `output`: creates it, or adds a version to it. When `output` is a
/// storage root declaring a layout corpack knows, the object is where the
/// layout puts its id; in such a root, a new object must be there.
pub fn export(
    bundle: &Path,
    output: &Path,
    options: &OcflExportOptions,
    progress: &dyn Progress,
) -> Result<OcflExportReport> {
    refuse_to_replace(output, bundle)?;
    refuse_special_file(output)?;
    let placement = Placement::of(output)?;
    // A storage root is no target: the object's path in it is known once
    // the bundle's id is.
    let target = match placement {
        Placement::Into { .. } => None,
        _ => Some(Target::of(output, options.force)?),
    };
    let mut report = OcflExportReport {
        bundle: bundle.to_path_buf(),
        object: output.to_path_buf(),
        action: OcflAction::Refused,
        id: None,
        head: None,
        created: None,
        files: 0,
        content_files_added: 0,
        content_bytes_added: 0,
        deduplicated: 0,
        bundle_findings: Vec::new(),
        bundle_errors: 0,
        object_findings: Vec::new(),
    };
    let verified = match verified::open_counted(bundle, progress)? {
        Opened::Verified(verified) => verified,
        Opened::Refused(invalid) => {
            report.bundle_findings = invalid.findings;
            report.bundle_errors = invalid.errors;
            return Ok(report);
        }
    };
    report.bundle_findings = verified.findings.clone();
    let id = object_id(&verified.info);
    report.id = Some(id.clone());
    let object = &placement.object_path(output, &id)?;
    let target = match target {
        Some(target) => target,
        None => {
            refuse_to_replace(object, bundle)?;
            refuse_special_file(object)?;
            Target::of(object, options.force)?
        }
    };
    if target != Target::AddVersion {
        placement.check_new(object, &id)?;
    }
    report.object = object.clone();
    let existing = match target {
        Target::AddVersion => {
            // Digests too: the new version reuses stored content by its
            // digest, and must not point at damaged bytes.
            let checked = validate_object(object, true, progress)?;
            if !checked.is_valid() {
                report.object_findings = checked.findings;
                return Ok(report);
            }
            let inventory = checked
                .inventory
                .expect("a valid object has a root inventory");
            check_same_collection(object, &inventory, &id, &verified.info)?;
            Some(inventory)
        }
        Target::Create | Target::Replace => None,
    };
    let number = match &existing {
        Some(inventory) => next_version(object, inventory)?,
        None => VersionNum::FIRST,
    };
    // A new object in a storage root conforms to the root's version or an
    // earlier one (§4.2, E081); an existing one keeps its own.
    let spec = new_object_version(object)?;
    let staging = Staging::new(&staging_places(object)?)?;
    // Before anything is built in it.
    let tree_sync = TreeSync::begin(staging.path());
    let object_dir = staging.path().join("object");
    let build_root = match &existing {
        Some(_) => staging.path().to_path_buf(),
        None => object_dir.clone(),
    };
    let version = new_version(existing.as_ref(), spec, number, &verified, &id);
    let name = version.number.to_string();
    // What the build writes is named as the object will hold it.
    let in_place = |error| named_in_place(error, &build_root, object);
    let staged = stage_content(
        &verified,
        &build_root.join(&name).join(version.content_directory()),
        &format!("{name}/{}", version.content_directory()),
        version.algorithm,
        &version.known,
        progress,
    )
    .map_err(in_place)?;
    report.files = staged.files();
    report.content_files_added = staged.added();
    report.content_bytes_added = staged.bytes_added;
    report.deduplicated = staged.files() - staged.added();
    if let Some(inventory) = &existing
        && inventory
            .head_version()
            .is_some_and(|head| staged.is_state_of(head))
    {
        report.action = OcflAction::Unchanged;
        report.head = Some(inventory.head.to_string());
        report.created = inventory.head_version().map(|v| v.created.clone());
        report.content_files_added = 0;
        report.content_bytes_added = 0;
        report.deduplicated = 0;
        return Ok(report);
    }
    if existing.is_none() {
        let declaration = format!("{DECLARATION_PREFIX}{}", spec.number());
        write_file(
            &object_dir.join(&declaration),
            format!("ocfl_object_{}\n", spec.number()).as_bytes(),
        )
        .map_err(in_place)?;
    }
    let sidecar =
        write_inventories(&build_root, &name, &version.inventory(&staged)).map_err(in_place)?;
    if target == Target::Replace {
        write_old_target(staging.path(), object)?;
    }
    tree_sync.sync(staging.path())?;
    report.head = Some(name.clone());
    report.created = Some(version.created().to_string());
    // A signal waits for the renames: an object is never left with a
    // version its inventory does not list.
    report.action = uninterrupted(|| -> Result<OcflAction> {
        Ok(match target {
            Target::AddVersion => {
                // The version first, then the inventory, and its sidecar last.
                move_version_into(&build_root.join(&name), &object.join(&name))?;
                for entry in [INVENTORY, sidecar.as_str()] {
                    move_into(&build_root.join(entry), &object.join(entry))?;
                }
                OcflAction::VersionAdded
            }
            Target::Create | Target::Replace => {
                let aside = staging.path().join(OLD);
                // Only now: an export refused or failed before makes none.
                let made = make_parents(object)?;
                replace(&object_dir, object, &aside, target == Target::Replace)
                    .inspect_err(|_| remove_made(&made))?;
                OcflAction::Created
            }
        })
    })?;
    Ok(report)
}

fn conflict(object: &Path, message: &str) -> Error {
    Error::OutputConflict {
        path: object.to_path_buf(),
        message: message.to_string(),
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = path.parent().expect("written files have a directory");
    fs::create_dir_all(parent).at(parent)?;
    fs::write(path, bytes).at(path)
}
