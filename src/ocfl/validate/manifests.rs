//! The content files against every manifest, and the digests (and sizes)
//! the inventories, manifests and fixity, give for them.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::Findings;
use super::content::{Claim, Claims};
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

    /// Every path it lists.
    fn listed(self) -> BTreeSet<&'i str> {
        self.entries().flat_map(|(_, paths)| paths.iter()).collect()
    }
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
        sizes: &BTreeMap<String, u64>,
        findings: &mut Findings,
    ) {
        let root_listed = Block::Root(&self.inventory.manifest).listed();
        for path in sizes.keys() {
            if !root_listed.contains(path.as_str()) {
                findings.add(
                    OcflCode::E023,
                    path,
                    "not in the manifest of inventory.json",
                );
            }
        }
        for &path in &root_listed {
            if !sizes.contains_key(path) {
                findings.add(
                    OcflCode::E092,
                    path,
                    "in the manifest of inventory.json, but there is no such file",
                );
            }
        }
        for (algorithm, block) in &self.inventory.fixity {
            for path in block.values().flatten() {
                if root_listed.contains(path) && !sizes.contains_key(path) {
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
            for path in sizes.keys() {
                let version = path
                    .split_once('/')
                    .and_then(|(v, _)| v.parse::<VersionNum>().ok());
                let up_to_prior = version.is_some_and(|v| v.number <= prior.number.number);
                if up_to_prior && !prior_listed.contains(path.as_str()) {
                    findings.add(
                        OcflCode::E023,
                        path,
                        format!("not in the manifest of {}", prior.path),
                    );
                }
            }
            for &path in &prior_listed {
                if !sizes.contains_key(path) && !root_listed.contains(path) {
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
    }

    /// Every `size` the inventories' fixity blocks give for files that
    /// exist is their size (E093). It needs no reading, so it is checked
    /// whether digests are or not; a value not of the form extension 0009
    /// gives is the inventory's finding (E057).
    pub(super) fn check_size_fixity(
        &self,
        priors: &[PriorInventory<'_>],
        sizes: &BTreeMap<String, u64>,
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
            let Some(size) = sizes.get(path) else {
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
        sizes: &BTreeMap<String, u64>,
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
                    for path in paths.iter().filter(|p| sizes.contains_key(*p)) {
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
                        made.push((path, claim, source));
                    }
                }
            }
        }
        Claims::new(sources, made)
    }
}
