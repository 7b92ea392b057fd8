//! The version an export makes ([`NewVersion`]): its number, its block
//! (`created`, `user`, `message`), and the object's inventory with it as
//! head, written in the build with its sidecar.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::Path;

use serde::Serialize;

use super::content::Staged;
use super::maps::{AddedMap, FixityMap, KnownDigests, StateMap, VersionsMap};
use super::verified::VerifiedBundle;
use super::write_file;
use crate::error::{Error, IoContext, Result};
use crate::ocfl::digest::DigestWriter;
use crate::ocfl::inventory::{
    DEFAULT_CONTENT_DIRECTORY, INVENTORY, InventoryJson, VersionJson, sidecar_name, sidecar_text,
};
use crate::ocfl::{DigestAlgorithm, Inventory, SpecVersion, User, VersionNum};

/// The version being made.
pub(super) struct NewVersion<'a> {
    pub(super) number: VersionNum,
    pub(super) algorithm: DigestAlgorithm,
    /// The object's inventory so far, if it has one.
    existing: Option<&'a Inventory>,
    /// The object id.
    id: &'a str,
    /// The inventory type URI: the object's, or for a new one that of the
    /// version it conforms to.
    inventory_type: String,
    // The version block, but for its state.
    created: String,
    message: String,
    user: User,
    /// Digests whose content the object already stores.
    pub(super) known: KnownDigests<'a>,
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

/// Version `number` of the object `existing`, or of a new object of
/// specification version `spec`.
pub(super) fn new_version<'a>(
    existing: Option<&'a Inventory>,
    spec: SpecVersion,
    number: VersionNum,
    bundle: &VerifiedBundle,
    id: &'a str,
) -> NewVersion<'a> {
    let info = &bundle.info;
    // With no e-mail, no address (W008, a SHOULD): the collection records
    // no other URI of its contact or organization, and one made up would
    // stay in every later inventory.
    let user = User {
        address: info
            .contact_email
            .as_ref()
            .map(|email| crate::iri::mailto(email)),
        name: info
            .contact_name
            .clone()
            .or_else(|| info.source_organization.clone())
            .unwrap_or_else(|| "corpack".to_string()),
    };
    let message = format!(
        "corpack export of the bundle of collection {} dated {}: {} documents, {} held",
        info.id, info.date, bundle.counts.documents, bundle.counts.held,
    );
    let created = format!("{}T00:00:00Z", info.date);
    NewVersion::new(existing, spec, number, id, created, message, user)
}

impl<'a> NewVersion<'a> {
    /// Version `number` of the object `existing`, or of a new one of `id`
    /// conforming to `spec`.
    fn new(
        existing: Option<&'a Inventory>,
        spec: SpecVersion,
        number: VersionNum,
        id: &'a str,
        created: String,
        message: String,
        user: User,
    ) -> NewVersion<'a> {
        let known = KnownDigests::of(existing.map(|inventory| &inventory.manifest));
        NewVersion {
            number,
            algorithm: existing.map_or(DigestAlgorithm::Sha512, |i| i.digest_algorithm),
            existing,
            id: existing.map_or(id, |inventory| &inventory.id),
            inventory_type: existing.map_or_else(
                || spec.inventory_type(),
                |inventory| inventory.inventory_type.clone(),
            ),
            created,
            message,
            user,
            known,
        }
    }
}

impl NewVersion<'_> {
    /// The content directory's name.
    pub(super) fn content_directory(&self) -> &str {
        self.existing
            .map_or(DEFAULT_CONTENT_DIRECTORY, Inventory::content_directory)
    }

    /// When the version is made.
    pub(super) fn created(&self) -> &str {
        &self.created
    }

    /// The object's inventory with this version, of the `staged` content,
    /// as head.
    pub(super) fn inventory<'s>(
        &'s self,
        staged: &'s Staged<'s>,
    ) -> InventoryJson<'s, AddedMap<'s>, FixityMap<'s>, VersionsMap<'s>> {
        let existing = self.existing;
        let fixity_name = staged.fixity_algorithm.to_string();
        let fixity = FixityMap {
            existing: existing.map(|inventory| &inventory.fixity),
            added: (!staged.stored.is_empty()).then(|| {
                let block = AddedMap {
                    existing: existing.and_then(|inventory| inventory.fixity.get(&fixity_name)),
                    staged,
                    added: &staged.stored_by_fixity,
                    algorithm: staged.fixity,
                };
                (fixity_name, block)
            }),
        };
        InventoryJson {
            content_directory: existing
                .and_then(|inventory| inventory.content_directory.as_deref()),
            digest_algorithm: self.algorithm,
            fixity: (!fixity.is_empty()).then_some(fixity),
            head: self.number,
            id: self.id,
            manifest: AddedMap {
                existing: existing.map(|inventory| &inventory.manifest),
                staged,
                added: &staged.stored,
                algorithm: staged.algorithm,
            },
            inventory_type: &self.inventory_type,
            versions: VersionsMap {
                existing: existing.map(|inventory| &inventory.versions),
                number: self.number,
                block: VersionJson {
                    created: &self.created,
                    message: Some(&self.message),
                    state: StateMap(staged),
                    user: Some(&self.user),
                },
            },
        }
    }
}

/// Writes the inventory and its sidecar in `build_root` and in its version
/// directory `name`; returns the sidecar's file name. The inventory is
/// written as it is hashed, then copied: at 40,000 files its text is 30 MB.
pub(super) fn write_inventories<M: Serialize, F: Serialize, V: Serialize>(
    build_root: &Path,
    name: &str,
    inventory: &InventoryJson<'_, M, F, V>,
) -> Result<String> {
    let version_dir = build_root.join(name);
    fs::create_dir_all(&version_dir).at(&version_dir)?;
    let written = version_dir.join(INVENTORY);
    let file = File::create(&written).at(&written)?;
    let mut writer = BufWriter::with_capacity(
        256 * 1024,
        DigestWriter::new(inventory.digest_algorithm, file),
    );
    inventory.write(&mut writer).at(&written)?;
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
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::bundle::reader::{StoredFile, StoredFiles};
    use crate::digest::{Algorithm, FileDigests};
    use crate::ocfl::inventory::DigestMap;
    use crate::ocfl::{Inventory, Version};

    /// Adds `additions` to `map` as the inventory's maps must: under the
    /// key `map` has for a digest in whatever case.
    fn merge(map: &mut DigestMap, additions: BTreeMap<String, Vec<String>>) {
        let spelled: BTreeMap<String, String> = (map.keys())
            .map(|key| (key.to_ascii_lowercase(), key.to_string()))
            .collect();
        let mut merged: BTreeMap<String, Vec<String>> =
            map.to_owned_entries().into_iter().collect();
        for (digest, paths) in additions {
            let key = spelled
                .get(&digest.to_ascii_lowercase())
                .cloned()
                .unwrap_or(digest);
            merged.entry(key).or_default().extend(paths);
        }
        *map = merged.into_iter().collect();
    }

    /// The inventory a version makes, as maps of text held whole.
    fn held_whole(
        version: &NewVersion<'_>,
        files: &StoredFiles,
        digests: &[FileDigests],
    ) -> Inventory {
        let (algorithm, fixity_algorithm) = match version.algorithm {
            DigestAlgorithm::Sha256 => (Algorithm::Sha256, DigestAlgorithm::Sha512),
            _ => (Algorithm::Sha512, DigestAlgorithm::Sha256),
        };
        let fixity_digest = match fixity_algorithm {
            DigestAlgorithm::Sha512 => Algorithm::Sha512,
            _ => Algorithm::Sha256,
        };
        let known: BTreeMap<String, String> = (version.existing.iter())
            .flat_map(|inventory| inventory.manifest.keys())
            .map(|digest| (digest.to_ascii_lowercase(), digest.to_string()))
            .collect();
        let hex = |digests: &FileDigests, algorithm| {
            digests
                .hex_in(algorithm, &mut [0; 128])
                .unwrap()
                .to_string()
        };
        let (mut state, mut manifest, mut fixity) = (
            BTreeMap::new(),
            BTreeMap::new(),
            BTreeMap::<String, Vec<String>>::new(),
        );
        for (file, digests) in files.iter().zip(digests) {
            let digest = hex(digests, algorithm);
            let logical = format!("top/{}", file.path);
            let key = known.get(&digest).unwrap_or(&digest);
            state
                .entry(key.clone())
                .or_insert_with(Vec::new)
                .push(logical.clone());
            if known.contains_key(&digest) || manifest.contains_key(&digest) {
                continue;
            }
            let content = format!("v9/content/{logical}");
            fixity
                .entry(hex(digests, fixity_digest))
                .or_default()
                .push(content.clone());
            manifest.insert(digest, vec![content]);
        }
        let mut inventory = version.existing.cloned().unwrap_or_else(|| Inventory {
            content_directory: None,
            digest_algorithm: version.algorithm,
            fixity: BTreeMap::new(),
            head: version.number,
            id: version.id.to_string(),
            manifest: DigestMap::new(),
            inventory_type: version.inventory_type.clone(),
            versions: BTreeMap::new(),
        });
        inventory.head = version.number;
        inventory.versions.insert(
            version.number,
            Version {
                created: version.created.clone(),
                message: Some(version.message.clone()),
                state: state.into_iter().collect(),
                user: Some(version.user.clone()),
            },
        );
        merge(&mut inventory.manifest, manifest);
        if !fixity.is_empty() {
            let block = inventory
                .fixity
                .entry(fixity_algorithm.to_string())
                .or_default();
            merge(block, fixity);
        }
        inventory
    }

    /// A digest map of up to four of the eight contents' digests with
    /// `algorithm`, each in lower case, upper case, or lower case but for
    /// a first digit that is a letter.
    fn digest_map(algorithm: Algorithm) -> impl Strategy<Value = DigestMap> {
        let key = (0u8..8, 0..3).prop_map(move |(content, case)| {
            let hex = FileDigests::of(&[content])
                .hex_in(algorithm, &mut [0; 128])
                .unwrap()
                .to_string();
            match case {
                0 => hex,
                1 => hex.to_ascii_uppercase(),
                _ => hex[..1].to_ascii_uppercase() + &hex[1..],
            }
        });
        prop::collection::btree_map(key, prop::collection::vec("[a-c]{1,2}", 1..3), 0..5)
            .prop_map(|map| map.into_iter().collect())
    }

    fn existing() -> impl Strategy<Value = Option<Inventory>> {
        let algorithm = prop_oneof![Just(DigestAlgorithm::Sha512), Just(DigestAlgorithm::Sha256)];
        let inventory = algorithm.prop_flat_map(|algorithm| {
            let (digest, other) = match algorithm {
                DigestAlgorithm::Sha256 => (Algorithm::Sha256, Algorithm::Sha512),
                _ => (Algorithm::Sha512, Algorithm::Sha256),
            };
            let names =
                prop::sample::subsequence(vec!["blake2b-512", "md5", "sha256", "sha512"], 0..4);
            (
                digest_map(digest),
                digest_map(other),
                digest_map(digest),
                names,
                any::<bool>(),
            )
                .prop_map(
                    move |(manifest, fixity_block, state, names, content_directory)| {
                        let fixity = names
                            .into_iter()
                            .map(|name| (name.to_string(), fixity_block.clone()))
                            .collect();
                        let first = Version {
                            created: "2026-01-01T00:00:00Z".into(),
                            message: None,
                            state,
                            user: None,
                        };
                        Inventory {
                            content_directory: content_directory.then(|| "stuff".to_string()),
                            digest_algorithm: algorithm,
                            fixity,
                            head: VersionNum::FIRST,
                            id: "urn:x".into(),
                            manifest,
                            inventory_type: "https://ocfl.io/1.0/spec/#inventory".into(),
                            versions: BTreeMap::from([(VersionNum::FIRST, first)]),
                        }
                    },
                )
        });
        prop::option::of(inventory)
    }

    /// The inventory written from the staged files of `digests` (files
    /// `data/00`, `data/01`, ...) into `existing`, and the one maps of text
    /// held whole give.
    fn written_and_held_whole(
        existing: Option<&Inventory>,
        digests: &[FileDigests],
    ) -> (String, String) {
        let paths: Vec<String> = (0..digests.len()).map(|i| format!("data/{i:02}")).collect();
        let files: StoredFiles = (paths.iter().enumerate())
            .map(|(i, path)| StoredFile {
                path,
                size: i as u64,
                readable: true,
            })
            .collect();
        let number = VersionNum {
            number: 9,
            padding: 0,
        };
        let user = User {
            address: None,
            name: "someone".into(),
        };
        let created = "2026-12-07T00:00:00Z".to_string();
        let version = NewVersion::new(
            existing,
            SpecVersion::V1_1,
            number,
            "urn:y",
            created,
            "a message".into(),
            user,
        );
        let hashed = files
            .iter()
            .map(|f| f.size)
            .zip(digests.iter().copied())
            .collect();
        let staged = Staged::new(
            &files,
            "top".into(),
            "v9/content",
            version.algorithm,
            hashed,
            &version.known,
        );
        let mut written = Vec::new();
        version.inventory(&staged).write(&mut written).unwrap();
        let whole = held_whole(&version, &files, digests).to_json();
        (
            String::from_utf8(written).unwrap(),
            String::from_utf8(whole).unwrap(),
        )
    }

    proptest! {
        /// The inventory written from the staged files is, byte for byte,
        /// the one maps of text held whole give: every key, its spelling
        /// and its order, every path and its order.
        #[test]
        fn the_inventory_written_is_the_one_held_whole(
            existing in existing(),
            contents in prop::collection::vec(0u8..8, 0..12),
        ) {
            let digests: Vec<FileDigests> = contents.iter().map(|c| FileDigests::of(&[*c])).collect();
            let (written, whole) = written_and_held_whole(existing.as_ref(), &digests);
            prop_assert_eq!(written, whole);
        }
    }

    /// Two contents stored with one fixity digest (a collision of the other
    /// algorithm) are both listed under it, in path order, though their
    /// own digests sort the other way.
    #[test]
    fn contents_sharing_a_fixity_digest_are_listed_in_path_order() {
        let digests = [
            FileDigests::new([7; 32], [0xff; 64]),
            FileDigests::new([7; 32], [0; 64]),
        ];
        let (written, whole) = written_and_held_whole(None, &digests);
        assert_eq!(written, whole);
        let inventory: serde_json::Value = serde_json::from_str(&written).unwrap();
        let fixity = &inventory["fixity"]["sha256"]["07".repeat(32)];
        assert_eq!(
            fixity,
            &serde_json::json!(["v9/content/top/data/00", "v9/content/top/data/01"])
        );
    }
}
