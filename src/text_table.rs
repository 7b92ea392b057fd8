//! Values found by many short texts (ids, paths), the texts kept as one
//! text and a hash table of where each is in it: about 8 bytes a text
//! and its value, at most twice over for the table's room, beside the text
//! itself, where a `HashMap<Box<str>, _>` takes 60 to 90 (its entry, and an
//! allocation for each key).

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

/// Values by text.
pub(crate) struct TextTable<V> {
    /// Each key, after its length in [`LENGTH_DIGIT`]s: at most
    /// `max_text` bytes.
    text: String,
    max_text: usize,
    table: HashTable<Keyed<V>>,
    hasher: RandomState,
    /// The keys met once the text was full, each with its own allocation:
    /// a key is here or in `table`, never in both.
    overflow: HashMap<Box<str>, V>,
}

/// Where a key's length is in [`TextTable::text`], and its value: the
/// length written before the key, where an end beside the start took 8
/// bytes more an entry (a third of verify's table of record ids), and the
/// start in 32 bits, where 64 took 8 more with a value of 32.
struct Keyed<V> {
    start: u32,
    value: V,
}

/// The most bytes of [`TextTable::text`], that a `u32` can say where in it
/// a key starts.
const MAX_TEXT: usize = u32::MAX as usize;

/// Six bits of a key's length a byte, lowest first, this bit set on every
/// byte but the last: each byte is ASCII, so the text stays UTF-8.
const LENGTH_DIGIT: u8 = 0x40;

/// Appends `key` to `text`, after its length: where its length starts;
/// `None`, with nothing appended, if the text would pass `max_text`.
fn append(text: &mut String, key: &str, max_text: usize) -> Option<u32> {
    // At most 11 bytes of length (six bits a byte, 64 bits).
    if text.len() + 11 + key.len() > max_text.min(MAX_TEXT) {
        return None;
    }
    let start = text.len();
    let mut length = key.len();
    while length >= usize::from(LENGTH_DIGIT) {
        text.push(char::from(LENGTH_DIGIT | (length as u8 & 0x3f)));
        length >>= 6;
    }
    text.push(char::from(length as u8));
    text.push_str(key);
    Some(u32::try_from(start).expect("a start within MAX_TEXT"))
}

/// The key whose length starts at `start` in `text`.
fn key_at(text: &str, start: u32) -> &str {
    let (mut length, mut shift, mut at) = (0, 0, start as usize);
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
            max_text: MAX_TEXT,
            table: HashTable::new(),
            hasher: RandomState::new(),
            overflow: HashMap::new(),
        }
    }
}

impl<V> TextTable<V> {
    /// The value of `key`, if it has one.
    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        let text = &self.text;
        let keyed = (self.table).find(self.hasher.hash_one(key), |keyed| {
            key_at(text, keyed.start) == key
        });
        match keyed {
            Some(keyed) => Some(&keyed.value),
            None => self.overflow.get(key),
        }
    }

    /// Every key and its value, in no order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        let table = self.table.iter();
        (table.map(|keyed| (key_at(&self.text, keyed.start), &keyed.value)))
            .chain(self.overflow.iter().map(|(key, value)| (&**key, value)))
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
        let vacant = match entry {
            Entry::Occupied(occupied) => return (&mut occupied.into_mut().value, false),
            Entry::Vacant(vacant) => vacant,
        };
        if self.overflow.is_empty()
            && let Some(start) = append(&mut self.text, key, self.max_text)
        {
            let keyed = vacant.insert(Keyed {
                start,
                value: value(),
            });
            return (&mut keyed.into_mut().value, true);
        }
        let mut new = false;
        let kept = self.overflow.entry(key.into()).or_insert_with(|| {
            new = true;
            value()
        });
        (kept, new)
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

    /// A text of at most 8 KiB, that tests pass.
    const SMALL: usize = 8 << 10;

    fn small_table<V>() -> TextTable<V> {
        TextTable {
            max_text: SMALL,
            ..TextTable::default()
        }
    }

    proptest! {
        #[test]
        fn each_text_keeps_its_first_value(texts in proptest::collection::vec("([ab]{0,3}|[aé]{60,70}|a{4090,4100})", 0..40)) {
            let mut table = small_table();
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
        let starts: Vec<Option<u32>> = (lengths.iter())
            .map(|&length| append(&mut text, &"a".repeat(length), MAX_TEXT))
            .collect();
        for (start, length) in starts.into_iter().zip(lengths) {
            assert_eq!(key_at(&text, start.unwrap()), "a".repeat(length));
        }
        let full = text.len() + 11;
        assert_eq!(append(&mut text, "a", full), None);
        assert_eq!(size_of::<Keyed<u32>>(), 8);
    }

    #[test]
    fn keys_met_once_the_text_is_full_are_found_as_others() {
        let mut table = small_table();
        let long = "x".repeat(SMALL / 2);
        assert_eq!(table.get_or_insert(&long, || 1), (&mut 1, true));
        assert_eq!(table.get_or_insert("short", || 2), (&mut 2, true));
        assert_eq!(
            table.get_or_insert(&format!("{long}y"), || 3),
            (&mut 3, true)
        );
        assert!(!table.overflow.is_empty());
        // Once some key is beyond the text, every new one is.
        assert_eq!(table.get_or_insert("tiny", || 4), (&mut 4, true));
        assert!(table.overflow.contains_key("tiny"));
        assert_eq!(table.get_or_insert("short", || 5), (&mut 2, false));
        assert_eq!(
            table.get_or_insert(&format!("{long}y"), || 6),
            (&mut 3, false)
        );
        assert_eq!(table.get("tiny"), Some(&4));
        assert_eq!(table.iter().count(), 4);
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
