//! A version inventory's manifest or fixity block, kept beside the root
//! inventory's map of the same name: the entries the two share, digest and
//! paths alike, are marked in the root's, not kept again. An object's every
//! inventory lists every earlier version's content, so that kept whole, a
//! version inventory's manifests grew with the object's versions times its
//! files (88 MB of 262 at 40,000 files and 16 versions).

use std::iter::Peekable;

use crate::ocfl::inventory::{DigestMap, Paths};

/// A map of a version inventory, against the root inventory's.
pub(super) struct PriorMap<'r> {
    root: Option<&'r DigestMap>,
    /// Which of the root map's entries it has, a bit each, by index.
    shared: Vec<u64>,
    /// Its other entries.
    own: DigestMap,
}

impl<'r> PriorMap<'r> {
    /// What is kept of `map` beside `root`, the root inventory's map of the
    /// same name with the same digest algorithm, if there is one.
    pub(super) fn new(map: DigestMap, root: Option<&'r DigestMap>) -> PriorMap<'r> {
        let Some(root) = root else {
            return PriorMap {
                root,
                shared: Vec::new(),
                own: map,
            };
        };
        let mut shared = vec![0u64; root.len().div_ceil(64)];
        let mut own = DigestMap::new();
        let mut roots = root.iter().enumerate().peekable();
        for (digest, paths) in &map {
            while roots.next_if(|(_, (key, _))| *key < digest).is_some() {}
            match roots.peek() {
                Some(&(at, (key, root_paths)))
                    if key == digest && root_paths.iter().eq(paths.iter()) =>
                {
                    shared[at / 64] |= 1 << (at % 64);
                }
                _ => own.insert(digest, paths.iter()),
            }
        }
        PriorMap {
            root: Some(root),
            shared,
            own,
        }
    }

    /// Every digest with its paths, sorted by digest, as in the map given.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, Paths<'_>)> {
        let shared = (self.root.into_iter().flatten().enumerate())
            .filter(|(at, _)| self.shared[at / 64] & (1 << (at % 64)) != 0)
            .map(|(_, entry)| entry);
        Merged {
            shared: shared.peekable(),
            own: self.own.iter().peekable(),
        }
    }
}

/// Two sequences of entries sorted by digest, with no digest in both, as
/// one.
struct Merged<'a, S: Iterator<Item = (&'a str, Paths<'a>)>, O: Iterator<Item = S::Item>> {
    shared: Peekable<S>,
    own: Peekable<O>,
}

impl<'a, S, O> Iterator for Merged<'a, S, O>
where
    S: Iterator<Item = (&'a str, Paths<'a>)>,
    O: Iterator<Item = S::Item>,
{
    type Item = S::Item;

    fn next(&mut self) -> Option<Self::Item> {
        match (self.shared.peek(), self.own.peek()) {
            (Some((shared, _)), Some((own, _))) if own < shared => self.own.next(),
            (Some(_), _) => self.shared.next(),
            (None, _) => self.own.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn map(entries: &[(String, Vec<String>)]) -> DigestMap {
        entries.iter().cloned().collect()
    }

    fn entries(map: &PriorMap<'_>) -> Vec<(String, Vec<String>)> {
        (map.iter())
            .map(|(digest, paths)| (digest.into(), paths.iter().map(str::to_string).collect()))
            .collect()
    }

    fn any_map() -> impl Strategy<Value = Vec<(String, Vec<String>)>> {
        proptest::collection::vec(
            ("[a-d]{1,2}", proptest::collection::vec("[xy]", 1..3)),
            0..12,
        )
    }

    proptest! {
        /// Kept beside any root map, a map gives back its own entries, in
        /// order, and keeps none it shares with the root.
        #[test]
        fn it_gives_back_the_map_it_was_given(given in any_map(), root in any_map()) {
            let given = map(&given);
            let root = map(&root);
            let kept = PriorMap::new(given.clone(), Some(&root));
            prop_assert_eq!(entries(&kept), given.to_owned_entries());
            for (digest, paths) in &kept.own {
                let in_root = root.get(digest).map(|p| p.iter().eq(paths.iter()));
                prop_assert_ne!(in_root, Some(true));
            }
            let alone = PriorMap::new(given.clone(), None);
            prop_assert_eq!(entries(&alone), given.to_owned_entries());
        }
    }
}
