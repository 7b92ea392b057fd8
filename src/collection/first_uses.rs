//! Which record first used each of many short texts (the ids and files of
//! a collection's records), in a [`TextTable`]. `verify` keeps the ids of
//! a collection's records in one; their files, which the bag stores, go by
//! their index among the stored files instead (see
//! [`super::validate::Rules::document_stored`]).

use crate::text_table::TextTable;

/// Texts, each with the first record that used it.
#[derive(Default)]
pub struct FirstUses {
    /// Records numbered in 32 bits, as the loaders and verify number them
    /// (see [`crate::collection::records`]): 8 bytes an entry with where
    /// the text is, where 64 took 16.
    records: TextTable<u32>,
}

impl FirstUses {
    /// Notes that `record` uses `text`: the record that used it first, if
    /// one did before. Records past `u32::MAX`, which no loader numbers,
    /// are counted as `u32::MAX`.
    pub fn note(&mut self, text: &str, record: usize) -> Option<usize> {
        let record = u32::try_from(record).unwrap_or(u32::MAX);
        let (first, new) = self.records.get_or_insert(text, || record);
        (!new).then_some(*first as usize)
    }

    /// Whether a record used `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.records.get(text).is_some()
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
