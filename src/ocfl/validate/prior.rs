//! A version directory's own inventory, when it is not the root
//! inventory's copy, against the root inventory.

use std::collections::{BTreeMap, BTreeSet};

use super::Findings;
use super::prior_map::PriorMap;
use super::versions::Object;
use crate::ocfl::code::OcflCode;
use crate::ocfl::digest::DigestAlgorithm;
use crate::ocfl::inventory::{Inventory, Version, VersionNum};

/// What the checks of the content files read of a version directory's own
/// inventory, when it differs from the root's: the digests it gives, once
/// the rest is compared ([`Object::compare`]). Its states go: an object's
/// every inventory holds every earlier version's state, so that kept
/// whole, they grew with its versions squared (1.5 GB for 40,000 files
/// and 16 versions). What its manifest and fixity blocks share with the
/// root inventory's is marked there ([`PriorMap`]).
pub(super) struct PriorInventory<'r> {
    pub(super) number: VersionNum,
    pub(super) path: String,
    pub(super) digest_algorithm: DigestAlgorithm,
    pub(super) manifest: PriorMap<'r>,
    pub(super) fixity: BTreeMap<String, PriorMap<'r>>,
}

impl<'r> PriorInventory<'r> {
    /// What is kept of `inventory`, the inventory at `path` of version
    /// `number`, beside the root inventory `root`.
    pub(super) fn of(
        number: VersionNum,
        path: String,
        inventory: Inventory,
        root: &'r Inventory,
    ) -> PriorInventory<'r> {
        let same_algorithm = inventory.digest_algorithm == root.digest_algorithm;
        let fixity = (inventory.fixity.into_iter())
            .map(|(name, block)| {
                let kept = PriorMap::new(block, root.fixity.get(&name));
                (name, kept)
            })
            .collect();
        PriorInventory {
            number,
            path,
            digest_algorithm: inventory.digest_algorithm,
            manifest: PriorMap::new(inventory.manifest, same_algorithm.then_some(&root.manifest)),
            fixity,
        }
    }
}

impl Object<'_> {
    /// A version directory's inventory against the root inventory: same id
    /// (E037), its own version as head (E040), the same content directory,
    /// set in the first version if anywhere (E019), and the same states
    /// (E066) and metadata (W011).
    pub(super) fn compare(
        &self,
        number: VersionNum,
        path: &str,
        prior: &Inventory,
        findings: &mut Findings,
    ) {
        let current = self.inventory;
        // A root inventory without a usable id has its own finding (E036,
        // E037); every version's id would differ from none.
        if !current.id.is_empty() && prior.id != current.id {
            findings.add(
                OcflCode::E037,
                path,
                format!(
                    "id `{}` differs from the root inventory's `{}`",
                    prior.id, current.id
                ),
            );
        }
        if prior.head != number {
            findings.add(
                OcflCode::E040,
                path,
                format!(
                    "head is {} in the inventory of version {number}",
                    prior.head
                ),
            );
        }
        if number.number == 1
            && prior.content_directory.is_none()
            && current.content_directory.is_some()
        {
            findings.add(
                OcflCode::E019,
                path,
                format!(
                    "contentDirectory is set in the root inventory (`{}`) but not in the first version's",
                    current.content_directory()
                ),
            );
        } else if prior.content_directory() != current.content_directory() {
            findings.add(
                OcflCode::E019,
                path,
                format!(
                    "contentDirectory `{}` differs from the root inventory's `{}`",
                    prior.content_directory(),
                    current.content_directory()
                ),
            );
        }
        for (version_number, prior_version) in &prior.versions {
            let Some(current_version) = current.versions.get(version_number) else {
                continue;
            };
            if let Some(difference) =
                state_difference(prior, prior_version, current, current_version)
            {
                findings.add(
                    OcflCode::E066,
                    path,
                    format!(
                        "the state of version {version_number} differs from the root inventory's: {difference}"
                    ),
                );
            }
            let mut differing = Vec::new();
            if prior_version.created != current_version.created {
                differing.push("created");
            }
            if prior_version.message != current_version.message {
                differing.push("message");
            }
            if prior_version.user != current_version.user {
                differing.push("user");
            }
            if !differing.is_empty() {
                findings.add(
                    OcflCode::W011,
                    path,
                    format!(
                        "version {version_number}: {} differ from the root inventory's",
                        differing.join(", ")
                    ),
                );
            }
        }
    }
}

/// How the state of a version in a prior inventory differs from the same
/// version in the current one, if it does. With the same digest algorithm
/// the digests are compared; across algorithms, the content paths they
/// lead to.
fn state_difference(
    prior: &Inventory,
    prior_version: &Version,
    current: &Inventory,
    current_version: &Version,
) -> Option<String> {
    // Written alike, as by one writer, they agree without a file listed:
    // the usual case, and the listing is slow.
    if prior.digest_algorithm == current.digest_algorithm
        && prior_version.state == current_version.state
    {
        return None;
    }
    let files = |inventory: &Inventory, version: &Version| -> BTreeMap<String, BTreeSet<String>> {
        let mut files = BTreeMap::new();
        for (digest, logical_paths) in &version.state {
            let target: BTreeSet<String> = if prior.digest_algorithm == current.digest_algorithm {
                BTreeSet::from([digest.to_ascii_lowercase()])
            } else {
                inventory
                    .manifest
                    .iter()
                    .filter(|(key, _)| key.eq_ignore_ascii_case(digest))
                    .flat_map(|(_, paths)| paths.iter().map(str::to_string))
                    .collect()
            };
            for path in logical_paths {
                files.insert(path.to_string(), target.clone());
            }
        }
        files
    };
    let before = files(prior, prior_version);
    let after = files(current, current_version);
    let mut differences = Vec::new();
    for (path, target) in &before {
        match after.get(path) {
            None => differences.push(format!("`{path}` is only in the prior inventory")),
            Some(other) if target.is_disjoint(other) => {
                differences.push(format!("`{path}` has other content"))
            }
            Some(_) => {}
        }
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        differences.push(format!("`{path}` is only in the root inventory"));
    }
    if differences.is_empty() {
        return None;
    }
    let count = differences.len();
    differences.truncate(3);
    let more = if count > 3 {
        format!(" (and {} more)", count - 3)
    } else {
        String::new()
    };
    Some(format!("{}{more}", differences.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocfl::SpecVersion;
    use crate::ocfl::digest::DigestAlgorithm;
    use crate::ocfl::inventory::DigestMap;

    fn inventory(algorithm: DigestAlgorithm, files: &[(&str, &str, &str)]) -> (Inventory, Version) {
        let mut manifest = DigestMap::new();
        let mut state = DigestMap::new();
        for (digest, content, logical) in files {
            manifest.insert(digest, [content]);
            state.insert(digest, [logical]);
        }
        let version = Version {
            created: "2026-11-25T00:00:00Z".into(),
            message: None,
            state,
            user: None,
        };
        let inventory = Inventory {
            content_directory: None,
            digest_algorithm: algorithm,
            fixity: BTreeMap::new(),
            head: VersionNum::FIRST,
            id: "urn:x".into(),
            manifest,
            inventory_type: SpecVersion::V1_1.inventory_type(),
            versions: BTreeMap::from([(VersionNum::FIRST, version.clone())]),
        };
        (inventory, version)
    }

    #[test]
    fn states_compare_by_digest_or_across_algorithms_by_content_path() {
        let (current, now) = inventory(
            DigestAlgorithm::Sha512,
            &[("aa", "v1/content/a", "a"), ("bb", "v1/content/b", "b")],
        );
        let (same, then) = inventory(
            DigestAlgorithm::Sha512,
            &[("AA", "v1/content/a", "a"), ("bb", "v1/content/b", "b")],
        );
        assert_eq!(state_difference(&same, &then, &current, &now), None);
        let (swapped, then) = inventory(
            DigestAlgorithm::Sha256,
            &[("11", "v1/content/a", "a"), ("22", "v1/content/b", "b")],
        );
        assert_eq!(state_difference(&swapped, &then, &current, &now), None);
        let (moved, then) = inventory(
            DigestAlgorithm::Sha256,
            &[("11", "v1/content/b", "a"), ("22", "v1/content/b", "c")],
        );
        let difference = state_difference(&moved, &then, &current, &now).unwrap();
        assert_eq!(
            difference,
            "`a` has other content; `c` is only in the prior inventory; `b` is only in the root inventory"
        );
    }
}
