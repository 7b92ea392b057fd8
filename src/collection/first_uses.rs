//! Which record first used each of many short texts (the ids and files of
//! a collection's records), kept as one text and a table of where each is
//! in it: about 30 bytes a text beside the text itself, where a
//! `HashMap<Box<str>, usize>` takes 60 to 80 (its entry, and an allocation
//! for each key). `verify` keeps the ids of a collection's records in
//! one; their files, which the bag stores, go by their index among the
//! stored files instead (see [`super::validate::Rules::document_stored`]).

use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;

/// Texts, each with the first record that used it.
#[derive(Default)]
pub struct FirstUses {
    text: String,
    table: HashTable<Use>,
    hasher: RandomState,
}

/// Where a text is in [`FirstUses::text`], and its first record.
struct Use {
    start: usize,
    end: usize,
    record: usize,
}

impl FirstUses {
    /// Notes that `record` uses `text`: the record that used it first, if
    /// one did before.
    pub fn note(&mut self, text: &str, record: usize) -> Option<usize> {
        let hash = self.hasher.hash_one(text);
        if let Some(first) = self.find(hash, text) {
            return Some(first);
        }
        let start = self.text.len();
        self.text.push_str(text);
        let (stored, hasher) = (&self.text, &self.hasher);
        let end = stored.len();
        let rehash = |used: &Use| hasher.hash_one(&stored[used.start..used.end]);
        self.table
            .insert_unique(hash, Use { start, end, record }, rehash);
        None
    }

    /// Whether a record used `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.find(self.hasher.hash_one(text), text).is_some()
    }

    fn find(&self, hash: u64, text: &str) -> Option<usize> {
        let stored = &self.text;
        let used = self
            .table
            .find(hash, |used| &stored[used.start..used.end] == text)?;
        Some(used.record)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn the_first_record_of_each_text_is_kept(texts in proptest::collection::vec("[ab]{0,3}", 0..40)) {
            let mut uses = FirstUses::default();
            let mut first = std::collections::HashMap::new();
            for (record, text) in texts.iter().enumerate() {
                prop_assert_eq!(uses.note(text, record), first.get(text.as_str()).copied());
                first.entry(text.as_str()).or_insert(record);
            }
            for text in ["", "a", "b", "ab", "ba", "aaa", "c"] {
                prop_assert_eq!(uses.contains(text), first.contains_key(text));
            }
        }
    }
}
