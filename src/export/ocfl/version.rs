//! The version an export makes ([`NewVersion`]): its number, its block
//! (`created`, `user`, `message`), and the object's inventory with it as
//! head, written in the build with its sidecar.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::BufWriter;
use std::path::Path;

use super::content::Staged;
use super::verified::VerifiedBundle;
use super::write_file;
use crate::error::{Error, IoContext, Result};
use crate::ocfl::digest::DigestWriter;
use crate::ocfl::inventory::{DigestMap, INVENTORY, sidecar_name, sidecar_text};
use crate::ocfl::{DigestAlgorithm, Inventory, SpecVersion, User, Version, VersionNum};

/// The version being made.
pub(super) struct NewVersion {
    pub(super) number: VersionNum,
    pub(super) algorithm: DigestAlgorithm,
    /// The object's inventory so far, or a fresh one.
    pub(super) inventory: Inventory,
    /// The version block, without its state.
    block: Version,
    /// Digests whose content the object already stores: lowercase → the
    /// manifest's key as written, which the new state must repeat exactly
    /// (E050), whatever its case (§3.4 compares digests ignoring case).
    pub(super) known: BTreeMap<String, String>,
}

/// The name of the version after the object's head, if it has one.
pub(super) fn next_version(object: &Path, inventory: &Inventory) -> Result<VersionNum> {
    inventory.head.next().ok_or_else(|| Error::OutputConflict {
        path: object.to_path_buf(),
        message: format!(
            "the OCFL object `{}` names its versions zero-padded to {} digits, and its head {} is the last such name: another version would break the naming its first version set (OCFL 1.1 §3.3, E011-E013); nothing was written",
            inventory.id, inventory.head.padding, inventory.head
        ),
    })
}

pub(super) fn new_version(
    existing: Option<&Inventory>,
    number: VersionNum,
    bundle: &VerifiedBundle,
    id: &str,
) -> NewVersion {
    let info = &bundle.info;
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
    let block = Version {
        created: format!("{}T00:00:00Z", info.date),
        message: Some(format!(
            "corpack export of the bundle of collection {} dated {}: {} documents, {} held",
            info.id, info.date, bundle.counts.documents, bundle.counts.held,
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
    pub(super) fn finish(self, staged: Staged) -> Inventory {
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

/// Writes the inventory and its sidecar in `build_root` and in its version
/// directory `name`; returns the sidecar's file name. The inventory is
/// written as it is hashed, then copied: at 40,000 files its text is 30 MB.
pub(super) fn write_inventories(
    build_root: &Path,
    name: &str,
    inventory: &Inventory,
) -> Result<String> {
    let version_dir = build_root.join(name);
    fs::create_dir_all(&version_dir).at(&version_dir)?;
    let written = version_dir.join(INVENTORY);
    let file = File::create(&written).at(&written)?;
    let mut writer = BufWriter::with_capacity(
        256 * 1024,
        DigestWriter::new(inventory.digest_algorithm, file),
    );
    inventory.write_json(&mut writer).at(&written)?;
    let digest_writer = writer
        .into_inner()
        .map_err(|e| e.into_error())
        .at(&written)?;
    let (_, digest) = digest_writer.finish();
    let sidecar = sidecar_text(&digest);
    let sidecar_file = sidecar_name(inventory.digest_algorithm);
    let root_inventory = build_root.join(INVENTORY);
    fs::copy(&written, &root_inventory).at(&root_inventory)?;
    for dir in [version_dir, build_root.to_path_buf()] {
        write_file(&dir.join(&sidecar_file), sidecar.as_bytes())?;
    }
    Ok(sidecar_file)
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
}
