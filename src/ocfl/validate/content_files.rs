//! The content files of an object and their sizes, sorted by path: the
//! paths in one text, as found, and a table of where each is, sorted. At
//! 160,000 files a `BTreeMap<String, u64>` took about 130 bytes a file
//! (a path's allocation and its header, the node's share), this about 90.

/// Content files, found one after another, then sorted ([`Found::sorted`]).
#[derive(Debug, Default)]
pub struct Found {
    text: String,
    entries: Vec<Entry>,
}

/// Where a file's object-relative path is in the text, and its size.
#[derive(Clone, Copy, Debug)]
struct Entry {
    start: usize,
    end: usize,
    size: u64,
}

impl Found {
    /// Notes the file at `path` (object-relative), of `size` bytes.
    pub fn push(&mut self, path: &str, size: u64) {
        let start = self.text.len();
        self.text.push_str(path);
        self.entries.push(Entry {
            start,
            end: self.text.len(),
            size,
        });
    }

    /// The files found, sorted by path.
    pub fn sorted(self) -> ContentFiles {
        let Found { text, mut entries } = self;
        entries.sort_unstable_by(|a, b| text[a.start..a.end].cmp(&text[b.start..b.end]));
        ContentFiles { text, entries }
    }
}

/// Content files and their sizes, sorted by path.
#[derive(Debug, Default)]
pub struct ContentFiles {
    text: String,
    entries: Vec<Entry>,
}

impl ContentFiles {
    fn path(&self, entry: &Entry) -> &str {
        &self.text[entry.start..entry.end]
    }

    /// Every path, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|entry| self.path(entry))
    }

    /// The size of the file at `path`, if there is one.
    pub fn size(&self, path: &str) -> Option<u64> {
        let at = self.position(path)?;
        Some(self.entries[at as usize].size)
    }

    /// The file at `path`'s place in path order, if there is one.
    pub fn position(&self, path: &str) -> Option<u32> {
        let at = (self.entries)
            .binary_search_by(|entry| self.path(entry).cmp(path))
            .ok()?;
        Some(u32::try_from(at).expect("a u32 per file"))
    }

    /// The path of the file at `position` in path order.
    pub fn path_at(&self, position: u32) -> &str {
        self.path(&self.entries[position as usize])
    }

    /// The size of the file at `position` in path order.
    pub fn size_at(&self, position: u32) -> u64 {
        self.entries[position as usize].size
    }
}

/// The files of `files`, as found, sorted: for tests, as validation
/// pushes each file as its walk finds it.
#[cfg(test)]
impl<'a> FromIterator<(&'a str, u64)> for ContentFiles {
    fn from_iter<I: IntoIterator<Item = (&'a str, u64)>>(files: I) -> ContentFiles {
        let mut found = Found::default();
        for (path, size) in files {
            found.push(path, size);
        }
        found.sorted()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Whatever order they are found in, the files are those a map of
        /// path to size holds.
        #[test]
        fn they_are_a_sorted_map_of_sizes(
            files in prop::collection::btree_map("[a./]{0,4}", 0..9u64, 0..12),
            shuffle in any::<u64>(),
        ) {
            let mut found: Vec<(&str, u64)> = files.iter().map(|(p, s)| (p.as_str(), *s)).collect();
            let len = found.len().max(1);
            found.rotate_left((shuffle as usize) % len);
            found.reverse();
            let content: ContentFiles = found.into_iter().collect();
            let expected: Vec<(&str, u64)> = files.iter().map(|(p, s)| (p.as_str(), *s)).collect();
            let listed: Vec<(&str, u64)> = content.paths().map(|p| (p, content.size(p).unwrap())).collect();
            prop_assert_eq!(listed, expected);
            prop_assert_eq!(content.paths().collect::<Vec<_>>(), files.keys().map(String::as_str).collect::<Vec<_>>());
            for path in ["", "a", "a.", "a/", "./a", "b"] {
                prop_assert_eq!(content.size(path), files.get(path).copied());
                let position = files.keys().position(|p| p == path).map(|at| at as u32);
                prop_assert_eq!(content.position(path), position);
                if let Some(position) = position {
                    prop_assert_eq!(content.path_at(position), path);
                    prop_assert_eq!(Some(content.size_at(position)), files.get(path).copied());
                }
            }
        }
    }
}
