//! The ids entities link to, kept as their 64-bit hashes alone: 9 to 18
//! bytes an id, where a `HashSet<Box<str>>` took about 90 (36 MB for the
//! ids 160,000 richly recorded documents link to). The set may say it holds
//! an id it does not, once in about 2^64 / n, never that it lacks one it
//! holds; its use can afford the first (a document kept that need not have
//! been), not the second.

use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;

/// Ids by their hashes.
#[derive(Default)]
pub(super) struct HashedIds {
    /// Each hash is its own hash in the table.
    hashes: HashTable<u64>,
    hasher: RandomState,
}

impl HashedIds {
    pub(super) fn insert(&mut self, id: &str) {
        let hash = self.hasher.hash_one(id);
        self.hashes
            .entry(hash, |&held| held == hash, |&held| held)
            .or_insert(hash);
    }

    /// Whether `id` may be one of those inserted: it is if it was.
    pub(super) fn may_hold(&self, id: &str) -> bool {
        let hash = self.hasher.hash_one(id);
        self.hashes.find(hash, |&held| held == hash).is_some()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn every_id_inserted_is_held(ids in proptest::collection::vec("[ab#/]{0,4}", 0..60)) {
            let mut hashed = HashedIds::default();
            let (inserted, others) = ids.split_at(ids.len() / 2);
            for id in inserted {
                hashed.insert(id);
            }
            for id in inserted {
                prop_assert!(hashed.may_hold(id));
            }
            // Among so few, a hash shared by two ids would be a fault.
            for id in others.iter().filter(|id| !inserted.contains(id)) {
                prop_assert!(!hashed.may_hold(id));
            }
        }
    }
}
