//! Values found by many short texts (ids, paths), the texts kept as one
//! text and a hash table of where each is in it: about 30 bytes a text
//! beside the text itself, where a `HashMap<Box<str>, _>` takes 60 to 90
//! (its entry, and an allocation for each key).

use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

/// Values by text.
pub(crate) struct TextTable<V> {
    text: String,
    table: HashTable<Keyed<V>>,
    hasher: RandomState,
}

/// Where a key is in [`TextTable::text`], and its value.
struct Keyed<V> {
    start: usize,
    end: usize,
    value: V,
}

impl<V> Default for TextTable<V> {
    fn default() -> TextTable<V> {
        TextTable {
            text: String::new(),
            table: HashTable::new(),
            hasher: RandomState::new(),
        }
    }
}

impl<V> TextTable<V> {
    /// The value of `key`, if it has one.
    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        let text = &self.text;
        let keyed = (self.table).find(self.hasher.hash_one(key), |keyed| {
            &text[keyed.start..keyed.end] == key
        })?;
        Some(&keyed.value)
    }

    /// Every key and its value, in no order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        (self.table.iter()).map(|keyed| (&self.text[keyed.start..keyed.end], &keyed.value))
    }

    /// The value of `key`, given it by `value` if it had none, and whether
    /// it was given now.
    pub(crate) fn get_or_insert(&mut self, key: &str, value: impl FnOnce() -> V) -> (&mut V, bool) {
        let hash = self.hasher.hash_one(key);
        let (text, hasher) = (&self.text, &self.hasher);
        let entry = self.table.entry(
            hash,
            |keyed| &text[keyed.start..keyed.end] == key,
            |keyed| hasher.hash_one(&text[keyed.start..keyed.end]),
        );
        match entry {
            Entry::Occupied(occupied) => (&mut occupied.into_mut().value, false),
            Entry::Vacant(vacant) => {
                let start = self.text.len();
                self.text.push_str(key);
                let end = self.text.len();
                let keyed = vacant.insert(Keyed {
                    start,
                    end,
                    value: value(),
                });
                (&mut keyed.into_mut().value, true)
            }
        }
    }
}

/// Values by text, of the texts met lately, for a cache of bounded memory:
/// two generations of at most `limit` texts each, the older let go when
/// the newer is full, a text met again in the older kept in the newer. A
/// text met in every generation stays however many others come, where a
/// table emptied when full would lose it each time.
pub(crate) struct RecentTexts<V> {
    newer: TextTable<V>,
    newer_len: usize,
    older: TextTable<V>,
    limit: usize,
}

impl<V: Clone> RecentTexts<V> {
    pub(crate) fn new(limit: usize) -> RecentTexts<V> {
        RecentTexts {
            newer: TextTable::default(),
            newer_len: 0,
            older: TextTable::default(),
            limit,
        }
    }

    /// The value of `key`, if it was met lately.
    pub(crate) fn get(&mut self, key: &str) -> Option<V> {
        if let Some(value) = self.newer.get(key) {
            return Some(value.clone());
        }
        let value = self.older.get(key)?.clone();
        self.insert(key, value.clone());
        Some(value)
    }

    /// Gives `key` its value, as met now.
    pub(crate) fn insert(&mut self, key: &str, value: V) {
        if self.newer_len == self.limit {
            self.older = std::mem::take(&mut self.newer);
            self.newer_len = 0;
        }
        let (kept, new) = self.newer.get_or_insert(key, || value.clone());
        *kept = value;
        self.newer_len += usize::from(new);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn each_text_keeps_its_first_value(texts in proptest::collection::vec("[ab]{0,3}", 0..40)) {
            let mut table = TextTable::default();
            let mut first = std::collections::HashMap::new();
            for (at, text) in texts.iter().enumerate() {
                let (value, new) = table.get_or_insert(text, || at);
                prop_assert_eq!(new, !first.contains_key(text.as_str()));
                prop_assert_eq!(*value, *first.entry(text.as_str()).or_insert(at));
            }
            for text in ["", "a", "b", "ab", "ba", "aaa", "c"] {
                prop_assert_eq!(table.get(text), first.get(text));
            }
            let mut all: Vec<_> = table.iter().map(|(text, &at)| (text, at)).collect();
            all.sort();
            let mut expected: Vec<_> = first.into_iter().collect();
            expected.sort();
            prop_assert_eq!(all, expected);
        }
    }

    #[test]
    fn a_text_met_in_every_generation_stays_and_others_go() {
        let mut recent = RecentTexts::new(2);
        recent.insert("often", 0);
        for at in 1..20 {
            recent.insert(&format!("once-{at}"), at);
            assert_eq!(recent.get("often"), Some(0), "after {at}");
        }
        assert_eq!(recent.get("once-19"), Some(19));
        assert_eq!(recent.get("once-1"), None);
    }
}
