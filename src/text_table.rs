//! Values found by many short texts (ids, paths), the texts kept as one
//! text and a hash table of where each is in it: about 20 bytes a text
//! beside the text itself, where a `HashMap<Box<str>, _>` takes 60 to 90
//! (its entry, and an allocation for each key).

use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

/// Values by text.
pub(crate) struct TextTable<V> {
    /// Each key, after its length in [`LENGTH_DIGIT`]s.
    text: String,
    table: HashTable<Keyed<V>>,
    hasher: RandomState,
}

/// Where a key's length is in [`TextTable::text`], and its value: the
/// length written before the key, where an end beside the start took 8
/// bytes more an entry (a third of verify's table of record ids).
struct Keyed<V> {
    start: usize,
    value: V,
}

/// Six bits of a key's length a byte, lowest first, this bit set on every
/// byte but the last: each byte is ASCII, so the text stays UTF-8.
const LENGTH_DIGIT: u8 = 0x40;

/// Appends `key` to `text`, after its length: where its length starts.
fn append(text: &mut String, key: &str) -> usize {
    let start = text.len();
    let mut length = key.len();
    while length >= usize::from(LENGTH_DIGIT) {
        text.push(char::from(LENGTH_DIGIT | (length as u8 & 0x3f)));
        length >>= 6;
    }
    text.push(char::from(length as u8));
    text.push_str(key);
    start
}

/// The key whose length starts at `start` in `text`.
fn key_at(text: &str, start: usize) -> &str {
    let (mut length, mut shift, mut at) = (0, 0, start);
    loop {
        let digit = text.as_bytes()[at];
        length |= usize::from(digit & 0x3f) << shift;
        at += 1;
        if digit & LENGTH_DIGIT == 0 {
            return &text[at..at + length];
        }
        shift += 6;
    }
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
            key_at(text, keyed.start) == key
        })?;
        Some(&keyed.value)
    }

    /// Every key and its value, in no order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        (self.table.iter()).map(|keyed| (key_at(&self.text, keyed.start), &keyed.value))
    }

    /// The value of `key`, given it by `value` if it had none, and whether
    /// it was given now.
    pub(crate) fn get_or_insert(&mut self, key: &str, value: impl FnOnce() -> V) -> (&mut V, bool) {
        let hash = self.hasher.hash_one(key);
        let (text, hasher) = (&self.text, &self.hasher);
        let entry = self.table.entry(
            hash,
            |keyed| key_at(text, keyed.start) == key,
            |keyed| hasher.hash_one(key_at(text, keyed.start)),
        );
        match entry {
            Entry::Occupied(occupied) => (&mut occupied.into_mut().value, false),
            Entry::Vacant(vacant) => {
                let start = append(&mut self.text, key);
                let keyed = vacant.insert(Keyed {
                    start,
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
        fn each_text_keeps_its_first_value(texts in proptest::collection::vec("([ab]{0,3}|[aé]{60,70}|a{4090,4100})", 0..40)) {
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
    fn a_key_reads_back_whatever_its_length() {
        let mut text = String::new();
        let lengths = [0, 1, 63, 64, 4095, 4096, 262_143, 262_144, 300_000];
        let starts: Vec<usize> = (lengths.iter())
            .map(|&length| append(&mut text, &"a".repeat(length)))
            .collect();
        for (start, length) in starts.into_iter().zip(lengths) {
            assert_eq!(key_at(&text, start), "a".repeat(length));
        }
        assert_eq!(size_of::<Keyed<usize>>(), 2 * size_of::<usize>());
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
