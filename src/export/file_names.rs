//! The names of the files an export wrote, as its report lists them: one
//! text and where each name ends. A DSpace archive has six files an item,
//! so a million names for a large collection, and a `String` each took
//! about 70 bytes beside the name; this takes 8.

use std::fmt;

use serde::ser::{Serialize, Serializer};

/// File names relative to an export's output, in the order pushed until
/// sorted.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FileNames {
    text: String,
    ends: Vec<usize>,
}

impl FileNames {
    /// No names.
    pub fn new() -> FileNames {
        FileNames::default()
    }

    /// Adds the name made of `parts` one after another.
    pub fn push(&mut self, parts: &[&str]) {
        for part in parts {
            self.text.push_str(part);
        }
        self.ends.push(self.text.len());
    }

    /// How many names there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The name at `index`.
    pub fn get(&self, index: usize) -> &str {
        let start = match index {
            0 => 0,
            _ => self.ends[index - 1],
        };
        &self.text[start..self.ends[index]]
    }

    /// Every name, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> {
        (0..self.len()).map(|index| self.get(index))
    }

    /// Puts the names in order, if they are not already: those an export
    /// pushes in order are not copied.
    pub fn sort(&mut self) {
        if self.iter().is_sorted() {
            return;
        }
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by(|&a, &b| self.get(a).cmp(self.get(b)));
        let mut sorted = FileNames {
            text: String::with_capacity(self.text.len()),
            ends: Vec::with_capacity(self.len()),
        };
        for index in order {
            sorted.push(&[self.get(index)]);
        }
        *self = sorted;
    }
}

impl fmt::Debug for FileNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for FileNames {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Pushed, sorted and serialized, the names are those of a list of
        /// strings sorted.
        #[test]
        fn names_are_a_list_of_strings(names in prop::collection::vec(".{0,6}", 0..20)) {
            let mut file_names = FileNames::new();
            for name in &names {
                let (head, tail) = name.split_at(name.char_indices().nth(1).map_or(name.len(), |(i, _)| i));
                file_names.push(&[head, tail]);
            }
            prop_assert_eq!(file_names.iter().collect::<Vec<_>>(), names.clone());
            file_names.sort();
            let mut sorted = names;
            sorted.sort();
            prop_assert_eq!(file_names.len(), sorted.len());
            prop_assert_eq!(serde_json::to_value(&file_names).unwrap(), serde_json::to_value(&sorted).unwrap());
        }
    }
}
