//! `export ocfl`: a verified bundle as a version of an OCFL 1.1 object.
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
//! goes in only where nothing is: another export's is never replaced.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use super::verified::{self, Opened, VerifiedBundle};
use crate::collection::CollectionInfo;
use crate::digest::{Digests, DigestsHasher};
use crate::error::{Error, IoContext, Result};
use crate::finding::Finding;
use crate::ocfl::inventory::{DigestMap, INVENTORY, sidecar_name, sidecar_text};
use crate::ocfl::validate::validate_object;
use crate::ocfl::{
    Declared, DigestAlgorithm, Inventory, OBJECT_DECLARATION, SpecVersion, User, Version,
    VersionNum,
};
use crate::output::{
    TEMP_PREFIX, Temporary, create_dirs_in_temporary, parent_dir, put_dir_in_place,
    refuse_to_replace, rename_noreplace, still_named, sync_dir, sync_tree, uninterrupted,
};
use crate::progress::{NoProgress, Progress};

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
    /// The existing object's findings when it was refused for them.
    pub object_findings: Vec<Finding>,
}

/// The OCFL object id of a collection.
pub fn object_id(info: &CollectionInfo) -> String {
    format!("urn:corpack:{}", info.id)
}

/// Exports the bundle (or bag directory) at `bundle` into the OCFL object
/// at `object`: creates it, or adds a version to it.
pub fn export(
    bundle: &Path,
    object: &Path,
    options: &OcflExportOptions,
    progress: &dyn Progress,
) -> Result<OcflExportReport> {
    refuse_to_replace(object, bundle)?;
    let target = Target::of(object, options.force)?;
    let mut report = OcflExportReport {
        bundle: bundle.to_path_buf(),
        object: object.to_path_buf(),
        action: OcflAction::Refused,
        id: None,
        head: None,
        created: None,
        files: 0,
        content_files_added: 0,
        content_bytes_added: 0,
        deduplicated: 0,
        bundle_findings: Vec::new(),
        object_findings: Vec::new(),
    };
    let verified = match verified::open(bundle, progress)? {
        Opened::Verified(verified) => verified,
        Opened::Refused(invalid) => {
            report.bundle_findings = invalid.findings;
            return Ok(report);
        }
    };
    report.bundle_findings = verified.findings.clone();
    let id = object_id(&verified.collection.info);
    report.id = Some(id.clone());
    let existing = match target {
        Target::AddVersion => {
            let checked = validate_object(object, false, &NoProgress)?;
            if !checked.is_valid() {
                report.object_findings = checked.findings;
                return Ok(report);
            }
            let inventory = checked
                .inventory
                .expect("a valid object has a root inventory");
            check_same_collection(object, &inventory, &id, &verified.collection.info)?;
            Some(inventory)
        }
        Target::Create | Target::Replace => None,
    };
    let number = match &existing {
        Some(inventory) => next_version(object, inventory)?,
        None => VersionNum::FIRST,
    };
    let staging = Staging::new(&staging_places(object)?)?;
    let object_dir = staging.path().join("object");
    let build_root = match &existing {
        Some(_) => staging.path().to_path_buf(),
        None => object_dir.clone(),
    };
    let version = new_version(existing.as_ref(), number, &verified, &id);
    let name = version.number.to_string();
    let staged = stage_content(
        &verified,
        &build_root
            .join(&name)
            .join(version.inventory.content_directory()),
        &format!("{name}/{}", version.inventory.content_directory()),
        version.algorithm,
        &version.known,
        progress,
    )?;
    report.files = staged.files;
    report.content_files_added = staged.added;
    report.content_bytes_added = staged.bytes_added;
    report.deduplicated = staged.files - staged.added;
    if let Some(inventory) = &existing
        && inventory
            .head_version()
            .is_some_and(|head| head.logical_state() == staged.logical_state())
    {
        report.action = OcflAction::Unchanged;
        report.head = Some(inventory.head.to_string());
        report.created = inventory.head_version().map(|v| v.created.clone());
        report.content_files_added = 0;
        report.content_bytes_added = 0;
        report.deduplicated = 0;
        return Ok(report);
    }
    let inventory = version.finish(staged);
    if existing.is_none() {
        write_file(
            &object_dir.join(OBJECT_DECLARATION),
            format!("ocfl_object_{}\n", SpecVersion::V1_1.number()).as_bytes(),
        )?;
    }
    let sidecar = write_inventories(&build_root, &name, &inventory)?;
    if target == Target::Replace {
        write_old_target(staging.path(), object)?;
    }
    sync_tree(staging.path())?;
    report.head = Some(name.clone());
    report.created = inventory.head_version().map(|v| v.created.clone());
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
                replace(&object_dir, object, &aside, target == Target::Replace)?;
                OcflAction::Created
            }
        })
    })?;
    Ok(report)
}

/// What the output path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    /// Nothing, or an empty directory: a new object.
    Create,
    /// Something else, to be replaced (`--force`).
    Replace,
    /// An OCFL object: a new version.
    AddVersion,
}

impl Target {
    /// What `object` is, before any work. Refused whatever `force` says: a
    /// storage root, a place inside an object or among a storage root's
    /// own files, and, to be replaced, a directory holding OCFL data. An
    /// object is never replaced: it gets a version.
    fn of(object: &Path, force: bool) -> Result<Target> {
        check_place(object)?;
        let Ok(metadata) = object.symlink_metadata() else {
            return Ok(Target::Create);
        };
        if metadata.is_dir() {
            match crate::ocfl::declared(object) {
                Some(Declared::StorageRoot) => {
                    return Err(conflict(
                        object,
                        "is an OCFL storage root (it has a `0=ocfl_…` declaration), which is never replaced, even with --force: export into an object path inside it (OCFL 1.1 §4.1)",
                    ));
                }
                Some(Declared::Object) => return Ok(Target::AddVersion),
                None => {}
            }
            let empty = fs::read_dir(object).at(object)?.next().is_none();
            if empty {
                return Ok(Target::Create);
            }
            if crate::ocfl::is_object_root(object) {
                return Ok(Target::AddVersion);
            }
            if force && let Some(held) = ocfl_data_within(object)? {
                return Err(conflict(
                    object,
                    &format!(
                        "holds OCFL data ({}), which --force never deletes: choose another output",
                        held.display()
                    ),
                ));
            }
        }
        if force {
            Ok(Target::Replace)
        } else {
            Err(Error::OutputExists(object.to_path_buf()))
        }
    }
}

fn conflict(object: &Path, message: &str) -> Error {
    Error::OutputConflict {
        path: object.to_path_buf(),
        message: message.to_string(),
    }
}

/// Refuses an output inside an OCFL object, or among a storage root's own
/// files: either would make the object or the storage root invalid.
fn check_place(object: &Path) -> Result<()> {
    let path = resolved(object)?;
    let mut below = path.file_name();
    for dir in path.ancestors().skip(1) {
        match crate::ocfl::declared(dir) {
            Some(Declared::Object) => {
                return Err(conflict(
                    object,
                    &format!(
                        "lies inside the OCFL object {}, which holds nothing but what OCFL specifies (OCFL 1.1 §3.1 E001, §3.3 E015, §3.3.1 E023): choose an output outside it",
                        dir.display()
                    ),
                ));
            }
            Some(Declared::StorageRoot) if below.is_some_and(is_storage_root_own) => {
                return Err(conflict(
                    object,
                    &format!(
                        "is among the OCFL storage root {}'s own files (its declaration, layout and extensions; OCFL 1.1 §4.1 E088, §4.4 E112): choose an object path in its storage hierarchy",
                        dir.display()
                    ),
                ));
            }
            _ => {}
        }
        below = dir.file_name();
    }
    Ok(())
}

/// `path` made absolute with its existing directories resolved (symbolic
/// links, `..`) and the rest as written: where it would be written.
fn resolved(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path).at(path)?;
    let mut rest = Vec::new();
    let mut existing = absolute.as_path();
    while let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) {
        rest.push(name);
        existing = parent;
        if let Ok(canonical) = existing.canonicalize() {
            return Ok(rest
                .iter()
                .rev()
                .fold(canonical, |path, name| path.join(name)));
        }
    }
    Ok(existing.canonicalize().unwrap_or(absolute))
}

/// Whether `name`, directly in a storage root, is one of the root's own
/// files rather than its storage hierarchy: its declaration, a copy of the
/// specification, `ocfl_layout.json` and `extensions` (§4.1, §4.4).
fn is_storage_root_own(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name == "extensions"
        || name == "ocfl_layout.json"
        || name.starts_with("0=")
        || (name.starts_with("ocfl_") && name.ends_with(".md"))
}

/// The first OCFL object or storage root under `dir`, relative to it.
fn ocfl_data_within(dir: &Path) -> Result<Option<PathBuf>> {
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(|error| Error::io(dir, error.into()))?;
        if entry.file_type().is_dir() && crate::ocfl::declared(entry.path()).is_some() {
            let held = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            return Ok(Some(held.to_path_buf()));
        }
    }
    Ok(None)
}

/// The object must be this collection's, and its head no newer than the
/// bundle: a version's `created` is its collection's date.
fn check_same_collection(
    object: &Path,
    inventory: &Inventory,
    id: &str,
    info: &CollectionInfo,
) -> Result<()> {
    if inventory.id != id {
        return Err(Error::OutputConflict {
            path: object.to_path_buf(),
            message: format!(
                "the OCFL object is `{}`, not `{id}`: it holds another collection (choose another output; an OCFL object is never replaced)",
                inventory.id
            ),
        });
    }
    let head_date = inventory
        .head_version()
        .and_then(|v| chrono::DateTime::parse_from_rfc3339(&v.created).ok())
        .map(|created| created.date_naive());
    if let Some(head_date) = head_date
        && info.date.date() < head_date
    {
        return Err(Error::OutputConflict {
            path: object.to_path_buf(),
            message: format!(
                "the bundle's collection date {} is before the object's head version {} ({head_date}): export a newer bundle",
                info.date, inventory.head
            ),
        });
    }
    Ok(())
}

/// The version being made.
struct NewVersion {
    number: VersionNum,
    algorithm: DigestAlgorithm,
    /// The object's inventory so far, or a fresh one.
    inventory: Inventory,
    /// The version block, without its state.
    block: Version,
    /// Digests whose content the object already stores: lowercase → the
    /// manifest's key as written, which the new state must repeat exactly
    /// (E050), whatever its case (§3.4 compares digests ignoring case).
    known: BTreeMap<String, String>,
}

/// The name of the version after the object's head, if it has one.
fn next_version(object: &Path, inventory: &Inventory) -> Result<VersionNum> {
    inventory.head.next().ok_or_else(|| Error::OutputConflict {
        path: object.to_path_buf(),
        message: format!(
            "the OCFL object `{}` names its versions zero-padded to {} digits, and its head {} is the last such name: another version would break the naming its first version set (OCFL 1.1 §3.3, E011-E013); nothing was written",
            inventory.id, inventory.head.padding, inventory.head
        ),
    })
}

fn new_version(
    existing: Option<&Inventory>,
    number: VersionNum,
    bundle: &VerifiedBundle,
    id: &str,
) -> NewVersion {
    let info = &bundle.collection.info;
    let inventory = existing.cloned().unwrap_or_else(|| Inventory {
        content_directory: None,
        digest_algorithm: DigestAlgorithm::Sha512,
        fixity: BTreeMap::new(),
        head: VersionNum::FIRST,
        id: id.to_string(),
        manifest: DigestMap::new(),
        inventory_type: SpecVersion::V1_1.inventory_type(),
        versions: BTreeMap::new(),
    });
    let known = inventory
        .manifest
        .keys()
        .map(|digest| (digest.to_ascii_lowercase(), digest.clone()))
        .collect();
    let held = bundle
        .collection
        .documents
        .iter()
        .filter(|document| {
            bundle.store.contains(&format!(
                "{}/{}",
                crate::bundle::DOCUMENTS_DIR,
                document.file
            ))
        })
        .count();
    let block = Version {
        created: format!("{}T00:00:00Z", info.date),
        message: Some(format!(
            "corpack export of the bundle of collection {} dated {}: {} documents, {held} held",
            info.id,
            info.date,
            bundle.collection.documents.len(),
        )),
        state: DigestMap::new(),
        user: Some(User {
            address: info
                .contact_email
                .as_ref()
                .map(|email| format!("mailto:{email}")),
            name: info
                .contact_name
                .clone()
                .or_else(|| info.source_organization.clone())
                .unwrap_or_else(|| "corpack".to_string()),
        }),
    };
    NewVersion {
        number,
        algorithm: inventory.digest_algorithm,
        inventory,
        block,
        known,
    }
}

impl NewVersion {
    /// The object's inventory with this version as head.
    fn finish(self, staged: Staged) -> Inventory {
        let mut inventory = self.inventory;
        let mut block = self.block;
        block.state = staged.state;
        inventory.head = self.number;
        inventory.versions.insert(self.number, block);
        merge_digests(&mut inventory.manifest, staged.manifest);
        if !staged.fixity.is_empty() {
            let fixity = inventory
                .fixity
                .entry(staged.fixity_algorithm.to_string())
                .or_default();
            merge_digests(fixity, staged.fixity);
        }
        inventory
    }
}

/// Adds the paths of `additions` to `map`, each under the key `map` already
/// has for its digest in whatever case: one digest written in two cases is
/// a duplicate (E096, E097), and objects written by others may use upper
/// case (§3.4).
fn merge_digests(map: &mut DigestMap, additions: DigestMap) {
    let spelled: BTreeMap<String, String> = map
        .keys()
        .map(|key| (key.to_ascii_lowercase(), key.clone()))
        .collect();
    for (digest, paths) in additions {
        let key = spelled
            .get(&digest.to_ascii_lowercase())
            .cloned()
            .unwrap_or(digest);
        map.entry(key).or_default().extend(paths);
    }
}

/// What staging a version's content gave.
struct Staged {
    /// Digest → logical paths of every file of the bundle.
    state: DigestMap,
    /// Digest → content path of each file stored.
    manifest: DigestMap,
    /// The other algorithm of the two corpack computes.
    fixity_algorithm: DigestAlgorithm,
    /// Its digest → content path of each file stored.
    fixity: DigestMap,
    files: u64,
    added: u64,
    bytes_added: u64,
}

impl Staged {
    /// Logical path → digest, as [`Version::logical_state`] gives it.
    fn logical_state(&self) -> BTreeMap<&str, String> {
        let mut paths = BTreeMap::new();
        for (digest, logical_paths) in &self.state {
            for path in logical_paths {
                paths.insert(path.as_str(), digest.to_ascii_lowercase());
            }
        }
        paths
    }
}

/// One bag file, hashed.
struct Hashed {
    /// Its path in the bag.
    source: String,
    /// Its logical path: `<collection id>/<path in the bag>`.
    logical: String,
    /// Its digest with the object's algorithm.
    digest: String,
    /// Its digest with the other algorithm, for the fixity block.
    other_digest: String,
    size: u64,
}

/// Hashes every file of the bag, then copies into `content_dir` (whose
/// path from the object root is `content_path`) the files whose content
/// the object does not store yet: of files with the same content, the
/// first by path. Each copy is hashed again on the way and must be the
/// bytes hashed first. Nothing is written for content already stored, so
/// a new version costs one read of the bundle, plus a read and a write of
/// what is new.
fn stage_content(
    bundle: &VerifiedBundle,
    content_dir: &Path,
    content_path: &str,
    algorithm: DigestAlgorithm,
    known: &BTreeMap<String, String>,
    progress: &dyn Progress,
) -> Result<Staged> {
    let fixity_algorithm = match algorithm {
        DigestAlgorithm::Sha256 => DigestAlgorithm::Sha512,
        _ => DigestAlgorithm::Sha256,
    };
    let top = bundle.collection.info.id.to_string();
    let files = bundle.store.files();
    progress.start(files.iter().map(|f| f.size).sum());
    let hashed: Vec<Hashed> = files
        .par_iter()
        .map(|file| {
            let (size, digests) = read_hashing(bundle, &file.path, None, progress)?;
            let (digest, other_digest) = match algorithm {
                DigestAlgorithm::Sha256 => (digests.sha256, digests.sha512),
                _ => (digests.sha512, digests.sha256),
            };
            Ok(Hashed {
                source: file.path.clone(),
                logical: format!("{top}/{}", file.path),
                digest,
                other_digest,
                size,
            })
        })
        .collect::<Result<_>>()?;
    let mut staged = Staged {
        state: DigestMap::new(),
        manifest: DigestMap::new(),
        fixity_algorithm,
        fixity: DigestMap::new(),
        files: hashed.len() as u64,
        added: 0,
        bytes_added: 0,
    };
    let mut new = Vec::new();
    for file in hashed {
        let state_key = known.get(&file.digest).unwrap_or(&file.digest);
        staged
            .state
            .entry(state_key.clone())
            .or_default()
            .push(file.logical.clone());
        if known.contains_key(&file.digest) || staged.manifest.contains_key(&file.digest) {
            continue;
        }
        staged.added += 1;
        staged.bytes_added += file.size;
        let content = format!("{content_path}/{}", file.logical);
        staged
            .fixity
            .insert(file.other_digest.clone(), vec![content.clone()]);
        staged.manifest.insert(file.digest.clone(), vec![content]);
        new.push(file);
    }
    progress.start(staged.bytes_added);
    new.par_iter()
        .map(|file| {
            let target = content_dir.join(&file.logical);
            let parent = target.parent().expect("a content file has a directory");
            create_dirs_in_temporary(parent).at(parent)?;
            let (_, digests) = read_hashing(bundle, &file.source, Some(&target), progress)?;
            let copied = match algorithm {
                DigestAlgorithm::Sha256 => digests.sha256,
                _ => digests.sha512,
            };
            if copied != file.digest {
                return Err(Error::unreadable(
                    bundle.store.location(),
                    format!("{} changed during the export", file.source),
                ));
            }
            Ok(())
        })
        .collect::<Result<Vec<()>>>()?;
    Ok(staged)
}

/// Reads a bag file once, hashing it (SHA-256 and SHA-512) and, given a
/// `target`, copying it there (not yet synced to disk: the build is, as a
/// whole, before it goes into the object).
fn read_hashing(
    bundle: &VerifiedBundle,
    path: &str,
    target: Option<&Path>,
    progress: &dyn Progress,
) -> Result<(u64, Digests)> {
    let mut out = match target {
        Some(target) => Some(File::create(target).at(target)?),
        None => None,
    };
    let mut hasher = DigestsHasher::new();
    let mut size = 0u64;
    // A failed write is the target's error, not the bundle's.
    let mut write_error = None;
    let read = bundle.store.read_with(path, &mut |reader: &mut dyn Read| {
        let mut buffer = vec![0; 256 * 1024];
        loop {
            let n = match reader.read(&mut buffer) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            hasher.update(&buffer[..n]);
            if let Some(out) = &mut out
                && let Err(error) = out.write_all(&buffer[..n])
            {
                write_error = Some(error);
                return Err(io::Error::other("the copy could not be written"));
            }
            size += n as u64;
            progress.advance(n as u64);
        }
    });
    if let (Some(error), Some(target)) = (write_error, target) {
        return Err(Error::io(target, error));
    }
    read.map_err(|error| Error::unreadable(bundle.store.location(), format!("{path}: {error}")))?;
    Ok((size, hasher.finish()))
}

/// Writes the inventory and its sidecar in `build_root` and in its version
/// directory `name`; returns the sidecar's file name.
fn write_inventories(build_root: &Path, name: &str, inventory: &Inventory) -> Result<String> {
    let json = inventory.to_json();
    let sidecar = sidecar_text(inventory.digest_algorithm, &json);
    let sidecar_file = sidecar_name(inventory.digest_algorithm);
    for dir in [build_root.join(name), build_root.to_path_buf()] {
        write_file(&dir.join(INVENTORY), &json)?;
        write_file(&dir.join(&sidecar_file), sidecar.as_bytes())?;
    }
    Ok(sidecar_file)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = path.parent().expect("written files have a directory");
    fs::create_dir_all(parent).at(parent)?;
    fs::write(path, bytes).at(path)
}

/// Renames `from` to `to`, replacing it, then flushes the directory entry.
fn move_into(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).at(to)?;
    sync_dir(&parent_dir(to))
}

/// Renames the version directory `from` to `to`, in the object, then
/// flushes the directory entry. Never over what is there: rename(2) would
/// replace an empty directory, which another export may have made
/// meanwhile.
fn move_version_into(from: &Path, to: &Path) -> Result<()> {
    match rename_noreplace(from, to) {
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            return Err(conflict(
                to,
                "was made in the object while this export built its version there (another export?), and was left as it is: nothing was written",
            ));
        }
        renamed => renamed.at(to)?,
    }
    sync_dir(&parent_dir(to))
}

/// Puts the directory `new` at `target`. What is there is replaced only if
/// `replacing` (else it was made meanwhile and is left): the old one is
/// swapped with `new`, or where the file system cannot, renamed to `aside`
/// first, and deleted last (see [`put_dir_in_place`]). An empty directory
/// there, a place made ready for a new object ([`Target::Create`]), is
/// only removed: renaming a directory into another, the build directory,
/// needs write permission on it (to change its `..`), which removing it
/// does not.
fn replace(new: &Path, target: &Path, aside: &Path, replacing: bool) -> Result<()> {
    if target.symlink_metadata().is_ok_and(|old| old.is_dir())
        && fs::read_dir(target).at(target)?.next().is_none()
    {
        fs::remove_dir(target).at(target)?;
    }
    put_dir_in_place(new, target, replacing, || Ok(aside.to_path_buf()))
}

/// Where in a build directory the output a `--force` export replaces is
/// renamed, where it cannot be swapped with the new object, until that is
/// in its place for good.
const OLD: &str = "old";
/// The file in a build directory that holds the path of the output its
/// [`OLD`] was, written before it is renamed there.
const OLD_TARGET: &str = "old-target";

/// Writes in the build directory `dir` the path of `target`, the output its
/// [`OLD`] will be: while nothing is there again, it is all there is of
/// that output, and no cleaner removes it (see [`holds_a_lone_old`]).
fn write_old_target(dir: &Path, target: &Path) -> Result<()> {
    let target = resolved(target)?;
    write_file(&dir.join(OLD_TARGET), target.as_os_str().as_encoded_bytes())
}

/// Whether the build directory `dir` holds an output an export replacing
/// it renamed there, and whose path ([`OLD_TARGET`]) nothing is at: one
/// killed between its renames, or one whose old output could not be put
/// back. An old output whose path is not known is kept too. One whose
/// path something is at again goes, once that is on disk.
fn holds_a_lone_old(dir: &Path) -> bool {
    if dir.join(OLD).symlink_metadata().is_err() {
        return false;
    }
    let Some(target) = fs::read(dir.join(OLD_TARGET)).ok().and_then(path_of) else {
        return true;
    };
    target.symlink_metadata().is_err() || sync_dir(&parent_dir(&target)).is_err()
}

/// The path whose [`std::ffi::OsStr::as_encoded_bytes`] are `bytes`.
#[cfg(unix)]
fn path_of(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

/// Elsewhere only a path in UTF-8 is read back; another's old output is
/// kept.
#[cfg(not(unix))]
fn path_of(bytes: Vec<u8>) -> Option<PathBuf> {
    String::from_utf8(bytes).ok().map(PathBuf::from)
}

/// The suffix of a directory an export builds in.
const STAGING_SUFFIX: &str = ".ocfl";
/// The suffix of its lock file, beside it: the directory's name and `.lock`.
const LOCK_SUFFIX: &str = ".lock";
/// The lock file that earlier corpacks kept inside their build directory.
const INNER_LOCK: &str = "lock";
/// The storage root extension directory builds are made in where they can
/// be made nowhere outside the root (see [`staging_places`]).
const STAGING_EXTENSION: &str = "corpack-staging";

/// A directory builds may be made in.
struct Place {
    dir: PathBuf,
    /// The directories an export makes for `dir` when they are missing, and
    /// removes when it leaves them empty, innermost first: a storage root
    /// extension's directory and `extensions` (an empty directory has no
    /// place in a storage root, §4.1 E073).
    made: Vec<PathBuf>,
}

impl Place {
    fn existing(dir: &Path) -> Place {
        Place {
            dir: dir.to_path_buf(),
            made: Vec::new(),
        }
    }

    /// The storage root `root`'s extension directory for builds.
    fn extension_of(root: &Path) -> Place {
        let extensions = root.join("extensions");
        let dir = extensions.join(STAGING_EXTENSION);
        Place {
            dir: dir.clone(),
            made: vec![dir, extensions],
        }
    }
}

/// A directory to build a new object or version in, `.corpack-XXXXXX.ocfl`,
/// and beside it its lock file, `.corpack-XXXXXX.ocfl.lock`, locked for as
/// long as the export runs. The lock file is made and locked before the
/// directory and removed after it, so that a build directory without one
/// is no running export's: a lock inside the directory would leave it
/// unmarked between its creation and the lock's. Dropped, both are removed;
/// a signal removes them too (not the place's directories it made, which
/// another export may be using).
struct Staging {
    dir: PathBuf,
    lock_path: PathBuf,
    /// Held, never read; closed (unlocked) once `drop` removed both.
    _lock: File,
    /// The place's [`Place::made`].
    made: Vec<PathBuf>,
    /// Leave the list of temporary outputs once `drop` removed both.
    _listed: [Temporary; 2],
}

impl Staging {
    /// Makes one in the first of `places` where the export may write: a
    /// place refused (permission denied, a read-only file system) is
    /// passed over for the next.
    fn new(places: &[Place]) -> Result<Staging> {
        let mut refused = None;
        for place in places {
            match Staging::new_in(place) {
                Err(error) if is_refusal(&error) => refused = Some(error),
                made => return made,
            }
        }
        Err(refused.expect("there is a place to build: beside the object"))
    }

    /// Makes one in `place`, first removing those interrupted exports left
    /// there.
    fn new_in(place: &Place) -> Result<Staging> {
        let parent = &place.dir;
        remove_stale_staging(parent);
        loop {
            if !place.made.is_empty() {
                fs::create_dir_all(parent).at(parent)?;
            }
            // A signal's clean-up leaves a build holding the only copy of
            // an old object, and its lock file.
            let made = Temporary::make_kept_if(
                || {
                    tempfile::Builder::new()
                        .prefix(TEMP_PREFIX)
                        .suffix(&format!("{STAGING_SUFFIX}{LOCK_SUFFIX}"))
                        .tempfile_in(parent)
                        .at(parent)?
                        .keep()
                        .map_err(|error| Error::io(parent, error.error))
                },
                |(_, lock_path)| lock_path.clone(),
                |lock_path| holds_a_lone_old(&lock_path.with_extension("")),
            );
            let ((lock, lock_path), lock_listed) = match made {
                // Another export, ending, removed the directory it left
                // empty: make it again.
                Err(Error::Io { error, .. })
                    if error.kind() == io::ErrorKind::NotFound && !place.made.is_empty() =>
                {
                    continue;
                }
                made => made?,
            };
            if let Err(error) = lock.lock() {
                let _ = fs::remove_file(&lock_path);
                return Err(Error::io(&lock_path, error));
            }
            // Another export's cleaning may have taken it between its
            // creation and this lock, and removed it: then make another.
            if !still_named(&lock, &lock_path) {
                continue;
            }
            let dir = lock_path.with_extension("");
            let made_dir = || fs::create_dir(&dir).at(&dir);
            match Temporary::make_kept_if(made_dir, |()| dir.clone(), holds_a_lone_old) {
                Ok(((), dir_listed)) => {
                    return Ok(Staging {
                        dir,
                        lock_path,
                        _lock: lock,
                        made: place.made.clone(),
                        _listed: [lock_listed, dir_listed],
                    });
                }
                // An earlier corpack's build of the same name: take another.
                Err(Error::Io { error, .. }) if error.kind() == io::ErrorKind::AlreadyExists => {
                    let _ = fs::remove_file(&lock_path);
                }
                Err(error) => {
                    let _ = fs::remove_file(&lock_path);
                    return Err(error);
                }
            }
        }
    }

    fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // An old output not put back is left with the build, for the next
        // cleaner to keep till something is at its path again.
        if holds_a_lone_old(&self.dir) {
            return;
        }
        // The lock file last, so that the directory is never without it.
        let _ = fs::remove_dir_all(&self.dir);
        let _ = fs::remove_file(&self.lock_path);
        // Only if empty: another export may be building there.
        for dir in &self.made {
            let _ = fs::remove_dir(dir);
        }
    }
}

/// Whether `error` is the file system refusing a write there, rather than
/// failing: another place may do.
fn is_refusal(error: &Error) -> bool {
    matches!(
        error,
        Error::Io { error, .. } if matches!(
            error.kind(),
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
        )
    )
}

/// Removes what interrupted exports (killed, or the power cut) left in
/// `parent`: each lock file no running export holds, with its build
/// directory, and each build directory without a lock file; not one that
/// holds the only copy of an output it replaces ([`holds_a_lone_old`]).
/// Best effort: what cannot be removed is left for the next time.
fn remove_stale_staging(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        let ours = |suffix: &str| name.starts_with(TEMP_PREFIX) && name.ends_with(suffix);
        let taken = if kind.is_file() && ours(&format!("{STAGING_SUFFIX}{LOCK_SUFFIX}")) {
            take_stale_lock(&path).map(|lock| (lock, path))
        } else if kind.is_dir() && ours(STAGING_SUFFIX) {
            claim_unlocked(&path)
        } else {
            None
        };
        if let Some((_lock, lock_path)) = taken {
            let dir = lock_path.with_extension("");
            if holds_a_lone_old(&dir) {
                continue;
            }
            let _ = fs::remove_dir_all(dir);
            let _ = fs::remove_file(&lock_path);
        }
    }
}

/// The lock file at `lock_path`, locked, if no running export holds it.
fn take_stale_lock(lock_path: &Path) -> Option<File> {
    locked(File::open(lock_path).ok()?, lock_path)
}

/// `lock`, opened at `lock_path`, once locked, if it can be and the path
/// still names it (another cleaner may have removed it meanwhile).
fn locked(lock: File, lock_path: &Path) -> Option<File> {
    (lock.try_lock().is_ok() && still_named(&lock, lock_path)).then_some(lock)
}

/// A lock file made and locked for the build directory `dir`, which has
/// none: an export makes the lock file first, so none is making `dir`, and
/// making the lock file (which fails if it exists) claims `dir` against
/// other cleaners. Not if `dir` is an earlier corpack's build, locked
/// inside.
fn claim_unlocked(dir: &Path) -> Option<(File, PathBuf)> {
    if File::open(dir.join(INNER_LOCK)).is_ok_and(|inner| inner.try_lock().is_err()) {
        return None;
    }
    let mut lock_path = dir.as_os_str().to_owned();
    lock_path.push(LOCK_SUFFIX);
    let lock_path = PathBuf::from(lock_path);
    let lock = File::options()
        .write(true)
        .create_new(true)
        .open(&lock_path)
        .ok()?;
    Some((locked(lock, &lock_path)?, lock_path))
}

/// Where builds may be made, best first. A build an interrupted export
/// leaves must break nothing, and the finished build is renamed into
/// place, so it must be on the object's file system. Beside the outermost
/// storage root the object is in, a stray build is in no storage root
/// (OCFL 1.1 §4.1 E072, E073, E088; §4.3 E084). Where that is another file
/// system or cannot be written, the root's storage root extension
/// directory `extensions/corpack-staging` may hold anything (§4.4; an
/// unregistered name is only a warning, W016). Then beside the object,
/// outside it (§3.1 E001) but in the storage hierarchy, until the next
/// export there removes it; last the system's temporary directory, when it
/// is on the object's file system.
fn staging_places(object: &Path) -> Result<Vec<Place>> {
    let path = resolved(object)?;
    let beside = parent_dir(&path);
    let root = beside
        .ancestors()
        .filter(|dir| crate::ocfl::declared(dir) == Some(Declared::StorageRoot))
        .last();
    let mut places = Vec::new();
    if let Some(root) = root {
        if let Some(outside) = root.parent()
            && same_file_system(outside, &beside)
        {
            places.push(Place::existing(outside));
        }
        if same_file_system(root, &beside) {
            places.push(Place::extension_of(root));
        }
    }
    places.push(Place::existing(&beside));
    let temp = std::env::temp_dir();
    if temp != beside && same_file_system(&temp, &beside) {
        places.push(Place::existing(&temp));
    }
    Ok(places)
}

#[cfg(unix)]
fn same_file_system(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (a.metadata(), b.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev(),
        _ => false,
    }
}

/// Without a device number to compare, the build stays beside the object.
#[cfg(not(unix))]
fn same_file_system(_: &Path, _: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_digests_keep_the_spelling_already_there() {
        let mut map = DigestMap::from([("AB12".to_string(), vec!["v1/content/a".to_string()])]);
        let additions = DigestMap::from([
            ("ab12".to_string(), vec!["v2/content/a".to_string()]),
            ("cd34".to_string(), vec!["v2/content/c".to_string()]),
        ]);
        merge_digests(&mut map, additions);
        assert_eq!(
            map,
            DigestMap::from([
                (
                    "AB12".to_string(),
                    vec!["v1/content/a".to_string(), "v2/content/a".to_string()]
                ),
                ("cd34".to_string(), vec!["v2/content/c".to_string()]),
            ])
        );
    }

    #[test]
    fn targets_are_classified_before_any_work() {
        let dir = tempfile::tempdir().unwrap();
        let absent = dir.path().join("absent");
        assert_eq!(Target::of(&absent, false).unwrap(), Target::Create);
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        assert_eq!(Target::of(&empty, false).unwrap(), Target::Create);
        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        assert!(matches!(
            Target::of(&file, false),
            Err(Error::OutputExists(_))
        ));
        assert_eq!(Target::of(&file, true).unwrap(), Target::Replace);
        let object = dir.path().join("object");
        fs::create_dir(&object).unwrap();
        fs::write(object.join(OBJECT_DECLARATION), "ocfl_object_1.1\n").unwrap();
        assert_eq!(Target::of(&object, false).unwrap(), Target::AddVersion);
        assert_eq!(Target::of(&object, true).unwrap(), Target::AddVersion);
    }

    #[test]
    fn ocfl_data_is_never_replaced_nor_written_into() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        let object = root.join("ab/object");
        fs::create_dir_all(object.join("v1/content")).unwrap();
        fs::create_dir_all(root.join("extensions")).unwrap();
        fs::write(root.join("0=ocfl_1.1"), "ocfl_1.1\n").unwrap();
        fs::write(root.join("ocfl_layout.json"), "{}").unwrap();
        fs::write(object.join(OBJECT_DECLARATION), "ocfl_object_1.1\n").unwrap();
        let conflict = |path: &Path, force: bool| {
            matches!(Target::of(path, force), Err(Error::OutputConflict { .. }))
        };
        for refused in [
            root.clone(),
            root.join("extensions/x"),
            root.join("ocfl_layout.json"),
            root.join("0=ocfl_1.1"),
            root.join("ocfl_1.1.md"),
            object.join("v1"),
            object.join("v1/content/new"),
            object.join("new"),
            object.join("new/../new"),
        ] {
            for force in [false, true] {
                assert!(conflict(&refused, force), "{} {force}", refused.display());
            }
        }
        // A directory holding objects is not replaced, not even with --force.
        assert!(matches!(
            Target::of(&root.join("ab"), false),
            Err(Error::OutputExists(_))
        ));
        assert!(conflict(&root.join("ab"), true));
        // The storage hierarchy is where objects go.
        assert_eq!(Target::of(&root.join("cd"), false).unwrap(), Target::Create);
        assert_eq!(
            Target::of(&root.join("ab/../ab/object"), true).unwrap(),
            Target::AddVersion
        );
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&object, &link).unwrap();
            assert!(conflict(&link.join("v1/new"), true));
        }
    }

    #[test]
    fn builds_are_made_outside_storage_roots() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().canonicalize().unwrap();
        let root = outside.join("root");
        fs::create_dir_all(root.join("ab")).unwrap();
        let object = root.join("ab/object");
        let dirs = |object: &Path| -> Vec<PathBuf> {
            let places = staging_places(object).unwrap();
            // The system's temporary directory comes last, when it is on
            // the same file system.
            let temp = std::env::temp_dir();
            assert_eq!(
                places.last().unwrap().dir == temp,
                same_file_system(&temp, &outside)
            );
            (places.into_iter().map(|place| place.dir))
                .filter(|dir| *dir != temp)
                .collect()
        };
        assert_eq!(dirs(&object), [root.join("ab")]);
        fs::write(root.join("0=ocfl_1.1"), "ocfl_1.1\n").unwrap();
        let extension = root.join("extensions/corpack-staging");
        assert_eq!(
            dirs(&object),
            [outside.clone(), extension.clone(), root.join("ab")]
        );
        assert_eq!(dirs(&root.join("top")), [outside, extension, root]);
    }

    #[test]
    fn a_build_in_a_storage_root_extension_leaves_no_directory() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        fs::create_dir(&root).unwrap();
        let staging = Staging::new_in(&Place::extension_of(&root)).unwrap();
        assert!(
            staging
                .path()
                .starts_with(root.join("extensions/corpack-staging"))
        );
        let second = Staging::new_in(&Place::extension_of(&root)).unwrap();
        drop(staging);
        assert!(second.path().is_dir());
        drop(second);
        assert_eq!(fs::read_dir(&root).unwrap().count(), 0);
        // Another extension's directory stays, and so does `extensions`.
        fs::create_dir_all(root.join("extensions/0000-other")).unwrap();
        drop(Staging::new_in(&Place::extension_of(&root)).unwrap());
        assert!(root.join("extensions/0000-other").is_dir());
        assert!(!root.join("extensions/corpack-staging").exists());
    }

    #[test]
    fn builds_interrupted_exports_left_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        // Killed while building: the directory and its lock, unlocked.
        fs::create_dir_all(at(".corpack-killed.ocfl/v2/content")).unwrap();
        fs::write(at(".corpack-killed.ocfl.lock"), "").unwrap();
        // Killed before making its directory: the lock alone.
        fs::write(at(".corpack-early1.ocfl.lock"), "").unwrap();
        // A directory without a lock file, as earlier corpacks left one when
        // killed between making it and making the lock inside.
        fs::create_dir_all(at(".corpack-nolock.ocfl/object/v1")).unwrap();
        // Running: its lock is held.
        fs::create_dir(at(".corpack-running.ocfl")).unwrap();
        let held = File::create(at(".corpack-running.ocfl.lock")).unwrap();
        held.lock().unwrap();
        // Earlier corpacks' builds, running (the lock inside is held) and killed.
        fs::create_dir(at(".corpack-older1.ocfl")).unwrap();
        let older = File::create(at(".corpack-older1.ocfl/lock")).unwrap();
        older.lock().unwrap();
        fs::create_dir(at(".corpack-older2.ocfl")).unwrap();
        fs::write(at(".corpack-older2.ocfl/lock"), "").unwrap();
        fs::create_dir(at(".corpack-other")).unwrap();
        let staging = Staging::new_in(&Place::existing(dir.path())).unwrap();
        let made = staging.path().to_path_buf();
        let mut lock = made.clone().into_os_string();
        lock.push(".lock");
        let lock = PathBuf::from(lock);
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| !made.ends_with(name) && !lock.ends_with(name))
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ".corpack-older1.ocfl",
                ".corpack-other",
                ".corpack-running.ocfl",
                ".corpack-running.ocfl.lock"
            ]
        );
        // The new build is locked, so another export's cleaning keeps it.
        assert!(File::open(&lock).unwrap().try_lock().is_err());
        remove_stale_staging(dir.path());
        assert!(made.is_dir() && lock.is_file());
        drop(staging);
        assert!(!made.exists() && !lock.exists());
    }

    #[test]
    fn an_old_output_a_killed_replace_left_stays_while_its_target_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        let target = at("out");
        // Killed between the renames of a --force replace: the old output
        // is in the build, nothing at its target.
        fs::create_dir_all(at(".corpack-killed.ocfl/old")).unwrap();
        fs::write(at(".corpack-killed.ocfl/old/kept"), "old").unwrap();
        write_old_target(&at(".corpack-killed.ocfl"), &target).unwrap();
        fs::write(at(".corpack-killed.ocfl.lock"), "").unwrap();
        remove_stale_staging(dir.path());
        assert_eq!(
            fs::read(at(".corpack-killed.ocfl/old/kept")).unwrap(),
            b"old"
        );
        // Once something is at its target again, it goes.
        fs::create_dir(&target).unwrap();
        remove_stale_staging(dir.path());
        assert!(!at(".corpack-killed.ocfl").exists());
        assert!(!at(".corpack-killed.ocfl.lock").exists());
    }

    #[test]
    fn an_old_output_not_put_back_stays_with_its_build() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let staging = Staging::new_in(&Place::existing(dir.path())).unwrap();
        let build = staging.path().to_path_buf();
        write_old_target(&build, &target).unwrap();
        fs::write(build.join(OLD), "the only copy").unwrap();
        drop(staging);
        assert_eq!(fs::read(build.join(OLD)).unwrap(), b"the only copy");
        // Another export's cleaning keeps it too, and takes it once
        // something is at its path again.
        remove_stale_staging(dir.path());
        assert!(build.join(OLD).exists());
        fs::write(&target, "new").unwrap();
        remove_stale_staging(dir.path());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_version_directory_made_meanwhile_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let object = dir.path().join("object");
        // Another export's, made while this one built its v2.
        fs::create_dir_all(object.join("v2")).unwrap();
        let build = dir.path().join("build");
        fs::create_dir_all(build.join("v2/content")).unwrap();
        let error = move_version_into(&build.join("v2"), &object.join("v2")).unwrap_err();
        assert!(matches!(error, Error::OutputConflict { .. }), "{error}");
        assert_eq!(fs::read_dir(object.join("v2")).unwrap().count(), 0);
        assert!(build.join("v2/content").is_dir());
    }

    #[test]
    fn an_output_made_meanwhile_is_replaced_only_when_replacing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        fs::write(&target, "another's").unwrap();
        let new = dir.path().join("new");
        fs::create_dir(&new).unwrap();
        let aside = dir.path().join("aside");
        let error = replace(&new, &target, &aside, false).unwrap_err();
        assert!(matches!(error, Error::OutputConflict { .. }), "{error}");
        assert_eq!(fs::read(&target).unwrap(), b"another's");
    }

    #[test]
    fn a_directory_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("old.txt"), "old").unwrap();
        let new = dir.path().join("new");
        fs::create_dir(&new).unwrap();
        fs::write(new.join("new.txt"), "new").unwrap();
        replace(&new, &target, &dir.path().join("aside"), true).unwrap();
        assert!(target.join("new.txt").exists() && !target.join("old.txt").exists());
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "nothing is left beside the target");
    }
}
