//! The content files against every manifest, and the digests (and sizes)
//! the inventories, manifests and fixity, give for them.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::Findings;
use super::content::{Claim, Claims};
use super::content_files::ContentFiles;
use super::prior::PriorInventory;
use super::prior_map::PriorMap;
use super::versions::Object;
use crate::ocfl::code::OcflCode;
use crate::ocfl::digest::{DigestAlgorithm, SIZE, is_size_value};
use crate::ocfl::inventory::{DigestMap, INVENTORY, Paths, VersionNum};

/// A manifest or a fixity block: the root inventory's, or what is kept of
/// a version inventory's.
#[derive(Clone, Copy)]
enum Block<'i> {
    Root(&'i DigestMap),
    Prior(&'i PriorMap<'i>),
}

impl<'i> Block<'i> {
    /// Every digest with its paths, sorted by digest.
    fn entries(self) -> Box<dyn Iterator<Item = (&'i str, Paths<'i>)> + 'i> {
        match self {
            Block::Root(map) => Box::new(map.iter()),
            Block::Prior(map) => Box::new(map.iter()),
        }
    }

    /// Every path it lists, sorted, each once.
    fn listed(self) -> Vec<&'i str> {
        let mut listed: Vec<&str> = self.entries().flat_map(|(_, paths)| paths.iter()).collect();
        listed.sort_unstable();
        listed.dedup();
        listed
    }
}

/// The paths of `sorted` that `other`, sorted too, lacks: one walk of the
/// two, where looking each up in a set was a tenth of `verify --fast` of
/// an object of 160,000 files.
fn not_in<'a, 'b>(
    sorted: impl IntoIterator<Item = &'a str>,
    other: impl IntoIterator<Item = &'b str>,
) -> impl Iterator<Item = &'a str> {
    let mut other = other.into_iter().peekable();
    sorted.into_iter().filter(move |path| {
        while other.next_if(|o| o < path).is_some() {}
        other.peek() != Some(path)
    })
}

/// An inventory's algorithm, manifest, fixity blocks and name.
type Digests<'i> = (
    DigestAlgorithm,
    Block<'i>,
    Vec<(&'i str, Block<'i>)>,
    &'i str,
);

impl Object<'_> {
    /// Every content file is in the root manifest and in the manifest of
    /// every version inventory from its version on (E023); every manifest
    /// path exists (E092).
    pub(super) fn check_manifests<'i>(
        &'i self,
        priors: &'i [PriorInventory<'i>],
        content: &ContentFiles,
        findings: &mut Findings,
    ) {
        let files = || content.paths();
        let root_listed = Block::Root(&self.inventory.manifest).listed();
        for path in not_in(files(), root_listed.iter().copied()) {
            findings.add(
                OcflCode::E023,
                path,
                "not in the manifest of inventory.json",
            );
        }
        let root_absent: Vec<&str> = not_in(root_listed.iter().copied(), files()).collect();
        for &path in &root_absent {
            findings.add(
                OcflCode::E092,
                path,
                "in the manifest of inventory.json, but there is no such file",
            );
        }
        for (algorithm, block) in &self.inventory.fixity {
            for path in block.values().flatten() {
                if root_absent.binary_search(&path).is_ok() {
                    findings.add(
                        OcflCode::E093,
                        path,
                        format!("`fixity.{algorithm}` of inventory.json gives a digest, but there is no such file"),
                    );
                }
            }
        }
        for prior in priors {
            let prior_listed = Block::Prior(&prior.manifest).listed();
            let up_to_prior = files().filter(|path| {
                let version = path
                    .split_once('/')
                    .and_then(|(v, _)| v.parse::<VersionNum>().ok());
                version.is_some_and(|v| v.number <= prior.number.number)
            });
            for path in not_in(up_to_prior, prior_listed.iter().copied()) {
                findings.add(
                    OcflCode::E023,
                    path,
                    format!("not in the manifest of {}", prior.path),
                );
            }
            let absent = not_in(prior_listed.iter().copied(), files());
            for path in not_in(absent, root_listed.iter().copied()) {
                findings.add(
                    OcflCode::E092,
                    path,
                    format!(
                        "in the manifest of {}, but there is no such file",
                        prior.path
                    ),
                );
            }
        }
    }

    /// Every `size` the inventories' fixity blocks give for files that
    /// exist is their size (E093). It needs no reading, so it is checked
    /// whether digests are or not; a value not of the form extension 0009
    /// gives is the inventory's finding (E057).
    pub(super) fn check_size_fixity(
        &self,
        priors: &[PriorInventory<'_>],
        content: &ContentFiles,
        findings: &mut Findings,
    ) {
        let mut claims: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
        let root = (self.inventory.fixity.get(SIZE)).map(|block| (Block::Root(block), INVENTORY));
        let inventories = root.into_iter().chain(priors.iter().filter_map(|p| {
            let block = p.fixity.get(SIZE)?;
            Some((Block::Prior(block), p.path.as_str()))
        }));
        for (block, source) in inventories {
            for (value, paths) in block.entries().filter(|(v, _)| is_size_value(v)) {
                for path in paths {
                    let sources = claims.entry((path, value)).or_default();
                    if !sources.contains(&source) {
                        sources.push(source);
                    }
                }
            }
        }
        for ((path, value), sources) in claims {
            let Some(size) = content.size(path) else {
                continue;
            };
            if size.to_string() != value {
                findings.add(
                    OcflCode::E093,
                    path,
                    format!(
                        "size is {size}, not {value} as the fixity block of {} says",
                        sources.join(", ")
                    ),
                );
            }
        }
    }

    /// Every digest the inventories give for files that exist.
    pub(super) fn claims<'i>(
        &'i self,
        priors: &'i [PriorInventory<'i>],
        content: &ContentFiles,
    ) -> Claims<'i> {
        let root = self.inventory;
        // Each inventory's algorithm, manifest and fixity blocks, and name.
        let root_fixity = (root.fixity.iter())
            .map(|(name, block)| (name.as_str(), Block::Root(block)))
            .collect();
        let inventories: Vec<Digests<'i>> = std::iter::once((
            root.digest_algorithm,
            Block::Root(&root.manifest),
            root_fixity,
            INVENTORY,
        ))
        .chain(priors.iter().map(|p| {
            let fixity = (p.fixity.iter())
                .map(|(name, block)| (name.as_str(), Block::Prior(block)))
                .collect();
            let manifest = Block::Prior(&p.manifest);
            (p.digest_algorithm, manifest, fixity, p.path.as_str())
        }))
        .collect();
        let sources = inventories.iter().map(|(.., source)| *source).collect();
        let mut made = Vec::new();
        for (source, (algorithm, manifest, fixity, _)) in inventories.into_iter().enumerate() {
            let source = u32::try_from(source).expect("a u32 per inventory");
            let mut blocks = vec![(algorithm, manifest, OcflCode::E092)];
            for (name, block) in fixity {
                // `size` is no digest (check_size_fixity); an unregistered
                // name is the inventory's finding (E056).
                if let Ok(algorithm) = name.parse::<DigestAlgorithm>() {
                    blocks.push((algorithm, block, OcflCode::E093));
                }
            }
            for (algorithm, block, code) in blocks {
                for (digest, paths) in block.entries() {
                    for file in paths.iter().filter_map(|p| content.position(p)) {
                        let digest = if digest.bytes().any(|b| b.is_ascii_uppercase()) {
                            Cow::Owned(digest.to_ascii_lowercase())
                        } else {
                            Cow::Borrowed(digest)
                        };
                        let claim = Claim {
                            algorithm,
                            digest,
                            code,
                        };
                        made.push((file, claim, source));
                    }
                }
            }
        }
        Claims::new(sources, made)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn not_in_gives_what_a_set_lookup_gives(
            sorted in prop::collection::btree_set("[a-c]{0,3}", 0..12),
            other in prop::collection::btree_set("[a-c]{0,3}", 0..12),
        ) {
            let walked: Vec<&str> = not_in(
                sorted.iter().map(String::as_str),
                other.iter().map(String::as_str),
            )
            .collect();
            let looked_up: Vec<&str> = (sorted.iter())
                .filter(|path| !other.contains(*path))
                .map(String::as_str)
                .collect();
            prop_assert_eq!(walked, looked_up);
        }
    }

    #[test]
    fn listed_gives_each_path_once_sorted() {
        let map: DigestMap = [
            ("b".to_string(), vec!["z".to_string(), "a".to_string()]),
            ("a".to_string(), vec!["z".to_string(), "m".to_string()]),
        ]
        .into_iter()
        .collect();
        let set: BTreeSet<&str> = ["a", "m", "z"].into();
        assert_eq!(
            Block::Root(&map).listed(),
            set.into_iter().collect::<Vec<_>>()
        );
    }
}
