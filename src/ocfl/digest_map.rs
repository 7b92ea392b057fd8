//! Digest → paths, the form of an inventory's manifest, each version's
//! state and each fixity block (OCFL 1.1 §3.5.2–3.5.4), sorted by digest.
//!
//! Every digest and path is kept in one text, each digest followed by its
//! paths, with a table of where each entry and path ends: about 32 bytes
//! beside the text for an entry of one path. A `BTreeMap<String,
//! Vec<String>>` took about 150 (its node's share, a digest's and a
//! path's allocation and headers, the list's allocation), so that the
//! three maps of an object of 160,000 files held 140 MB, where their text
//! is 84 MB.
//!
//! A state's digests are its manifest's (E050): a map can take them from
//! the text of another ([`DigestMap::insert_sharing`]) rather than hold
//! them again, 128 bytes an entry for SHA-512, for 8 bytes more an entry
//! in every map's table.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// Digest (as written) → paths with that content, sorted by digest.
#[derive(Clone, Default)]
pub struct DigestMap {
    /// Each entry's digest, unless it is in `shared`, then its paths,
    /// entry after entry. Shared by the maps that take their digests from
    /// this one.
    text: Arc<String>,
    entries: Vec<EntryAt>,
    /// Where each path ends in `text`: it begins where the path or digest
    /// before it ends.
    path_ends: Vec<usize>,
    /// The text of the map whose digests this one's entries take, those
    /// whose `digest` is [`Digest::Shared`].
    shared: Option<Arc<String>>,
    /// Where in the map `shared` is of the next digest after the last
    /// found there: digests come sorted, so each is looked for from there.
    shared_next: usize,
}

/// Where an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct EntryAt {
    digest: Digest,
    /// Where its paths begin in the map's own text.
    paths_start: usize,
    /// The index of its first path in [`DigestMap::path_ends`]; its paths
    /// run to the next entry's first.
    first_path: usize,
}

/// Which text holds an entry's digest, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Digest {
    /// The map's own, before its paths: from where, to where they begin.
    Own(usize),
    /// [`DigestMap::shared`], from where to where.
    Shared(u32, u32),
}

impl DigestMap {
    /// An empty map.
    pub fn new() -> DigestMap {
        DigestMap::default()
    }

    /// How many digests it has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it has no digest.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Gives `digest` the paths `paths`, in place of any it had. Digests
    /// given in order cost nothing more; one out of order makes the map
    /// anew, as the maps read from inventories, which a JSON object gives
    /// sorted, never do.
    pub fn insert<P: AsRef<str>>(&mut self, digest: &str, paths: impl IntoIterator<Item = P>) {
        self.insert_sharing(digest, paths, None);
    }

    /// As [`DigestMap::insert`], and if `source` has `digest`, exactly as
    /// written, the map takes its text from `source` rather than holding
    /// it again: a version's state from its manifest. One map takes from
    /// one source; a digest of another is held.
    pub fn insert_sharing<P: AsRef<str>>(
        &mut self,
        digest: &str,
        paths: impl IntoIterator<Item = P>,
        source: Option<&DigestMap>,
    ) {
        if self.keys().next_back().is_some_and(|last| last >= digest) {
            let mut entries = self.to_owned_entries();
            let paths = paths.into_iter().map(|p| p.as_ref().to_string()).collect();
            entries.push((digest.to_string(), paths));
            *self = entries.into_iter().collect();
            return;
        }
        let shared = source.and_then(|source| self.shared_digest(source, digest));
        self.push(digest, paths, shared);
    }

    /// Where `source` holds `digest` in its text, if this map may take
    /// its digests from there.
    fn shared_digest(&mut self, source: &DigestMap, digest: &str) -> Option<Digest> {
        let shared = self.shared.get_or_insert_with(|| Arc::clone(&source.text));
        if !Arc::ptr_eq(shared, &source.text) {
            return None;
        }
        let at = source.position_from(digest, self.shared_next)?;
        let Digest::Own(start) = source.entries[at].digest else {
            return None;
        };
        let end = source.entries[at].paths_start;
        let range = (u32::try_from(start).ok()?, u32::try_from(end).ok()?);
        self.shared_next = at + 1;
        Some(Digest::Shared(range.0, range.1))
    }

    /// Appends an entry after the last, whose digest sorts before it; its
    /// digest is `shared`'s, or held.
    fn push<P: AsRef<str>>(
        &mut self,
        digest: &str,
        paths: impl IntoIterator<Item = P>,
        shared: Option<Digest>,
    ) {
        let text = Arc::make_mut(&mut self.text);
        let digest = shared.unwrap_or_else(|| {
            let start = text.len();
            text.push_str(digest);
            Digest::Own(start)
        });
        self.entries.push(EntryAt {
            digest,
            paths_start: text.len(),
            first_path: self.path_ends.len(),
        });
        for path in paths {
            text.push_str(path.as_ref());
            self.path_ends.push(text.len());
        }
    }

    /// Every entry, as texts of its own.
    pub fn to_owned_entries(&self) -> Vec<(String, Vec<String>)> {
        (self.iter())
            .map(|(digest, paths)| {
                (
                    digest.to_string(),
                    paths.iter().map(str::to_string).collect(),
                )
            })
            .collect()
    }

    fn digest(&self, at: usize) -> &str {
        self.digest_of(&self.entries[at])
    }

    fn digest_of(&self, entry: &EntryAt) -> &str {
        match entry.digest {
            Digest::Own(start) => &self.text[start..entry.paths_start],
            Digest::Shared(start, end) => {
                let shared = self.shared.as_ref().expect("a map shared from");
                &shared[start as usize..end as usize]
            }
        }
    }

    fn paths(&self, at: usize) -> Paths<'_> {
        let entry = self.entries[at];
        let last = (self.entries.get(at + 1)).map_or(self.path_ends.len(), |next| next.first_path);
        Paths {
            text: &self.text,
            start: entry.paths_start,
            ends: &self.path_ends[entry.first_path..last],
        }
    }

    fn position(&self, digest: &str) -> Option<usize> {
        self.entries
            .binary_search_by(|entry| self.digest_of(entry).cmp(digest))
            .ok()
    }

    /// Where `digest` is among the entries from `from` on, looked for
    /// forward from there, a step twice the last, then halving: near
    /// `from`, as the next digest of a sorted walk is, in a few steps.
    fn position_from(&self, digest: &str, from: usize) -> Option<usize> {
        let entries = &self.entries[from.min(self.entries.len())..];
        let mut end = 1;
        while end < entries.len() && self.digest_of(&entries[end - 1]) < digest {
            end *= 2;
        }
        let start = end / 2;
        let end = end.min(entries.len());
        (entries[start..end].binary_search_by(|entry| self.digest_of(entry).cmp(digest)))
            .ok()
            .map(|at| from + start + at)
    }

    /// The paths of `digest`, if it has any.
    pub fn get(&self, digest: &str) -> Option<Paths<'_>> {
        self.position(digest).map(|at| self.paths(at))
    }

    /// The digest as the map holds it, and its paths.
    pub fn get_key_value(&self, digest: &str) -> Option<(&str, Paths<'_>)> {
        self.position(digest)
            .map(|at| (self.digest(at), self.paths(at)))
    }

    /// Whether it has `digest`, exactly as written.
    pub fn contains_key(&self, digest: &str) -> bool {
        self.position(digest).is_some()
    }

    /// Every digest, sorted.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.iter().map(|(digest, _)| digest)
    }

    /// Every digest's paths, in the digests' order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = Paths<'_>> + ExactSizeIterator {
        self.iter().map(|(_, paths)| paths)
    }

    /// Every digest with its paths, sorted by digest.
    pub fn iter(&self) -> Entries<'_> {
        Entries {
            map: self,
            at: 0..self.entries.len(),
        }
    }
}

/// The entries of a [`DigestMap`], sorted by digest.
pub struct Entries<'a> {
    map: &'a DigestMap,
    at: Range<usize>,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a str, Paths<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let at = self.at.next()?;
        Some((self.map.digest(at), self.map.paths(at)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.at.size_hint()
    }
}

impl DoubleEndedIterator for Entries<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let at = self.at.next_back()?;
        Some((self.map.digest(at), self.map.paths(at)))
    }
}

impl ExactSizeIterator for Entries<'_> {}

/// Later entries of one digest take the place of earlier ones, as in a
/// map collected.
impl FromIterator<(String, Vec<String>)> for DigestMap {
    fn from_iter<I: IntoIterator<Item = (String, Vec<String>)>>(entries: I) -> DigestMap {
        let mut entries: Vec<(String, Vec<String>)> = entries.into_iter().collect();
        // Stable: of one digest's entries, the last is kept.
        entries.sort_by(|(a, _), (b, _)| a.cmp(b));
        let mut map = DigestMap::new();
        for (at, (digest, paths)) in entries.iter().enumerate() {
            if entries.get(at + 1).is_none_or(|(next, _)| next != digest) {
                map.push(digest, paths, None);
            }
        }
        map
    }
}

impl<'a> IntoIterator for &'a DigestMap {
    type Item = (&'a str, Paths<'a>);
    type IntoIter = Entries<'a>;

    fn into_iter(self) -> Entries<'a> {
        self.iter()
    }
}

/// Maps are equal when their entries are, wherever their digests are held.
impl PartialEq for DigestMap {
    fn eq(&self, other: &DigestMap) -> bool {
        self.len() == other.len()
            && (self.iter().zip(other.iter()))
                .all(|((a, a_paths), (b, b_paths))| a == b && a_paths.iter().eq(b_paths.iter()))
    }
}

impl Eq for DigestMap {}

impl fmt::Debug for DigestMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for DigestMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self)
    }
}

/// The paths of one digest, in the order given.
#[derive(Clone, Copy)]
pub struct Paths<'a> {
    text: &'a str,
    /// Where the first begins.
    start: usize,
    ends: &'a [usize],
}

impl<'a> Paths<'a> {
    /// How many there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Each path.
    pub fn iter(&self) -> PathIter<'a> {
        PathIter {
            text: self.text,
            start: self.start,
            ends: self.ends.iter(),
        }
    }
}

/// The paths of one digest, one at a time.
pub struct PathIter<'a> {
    text: &'a str,
    /// Where the next begins.
    start: usize,
    ends: std::slice::Iter<'a, usize>,
}

impl<'a> Iterator for PathIter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let end = *self.ends.next()?;
        let path = &self.text[self.start..end];
        self.start = end;
        Some(path)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.ends.size_hint()
    }
}

impl ExactSizeIterator for PathIter<'_> {}

impl<'a> IntoIterator for Paths<'a> {
    type Item = &'a str;
    type IntoIter = PathIter<'a>;

    fn into_iter(self) -> PathIter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &Paths<'a> {
    type Item = &'a str;
    type IntoIter = PathIter<'a>;

    fn into_iter(self) -> PathIter<'a> {
        self.iter()
    }
}

impl fmt::Debug for Paths<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Paths<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    fn as_btree(map: &DigestMap) -> BTreeMap<String, Vec<String>> {
        (map.iter())
            .map(|(digest, paths)| {
                (
                    digest.to_string(),
                    paths.iter().map(str::to_string).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn entries_with_no_path_or_empty_texts_keep_their_place() {
        let mut map = DigestMap::new();
        map.insert("", ["a"]);
        map.insert("b", [] as [&str; 0]);
        map.insert("c", ["", "x/y", ""]);
        assert_eq!(map.len(), 3);
        assert_eq!(map.get("b").unwrap().len(), 0);
        let paths = |digest| map.get(digest).unwrap().iter().collect::<Vec<_>>();
        assert_eq!(paths("c"), ["", "x/y", ""]);
        assert_eq!(paths(""), ["a"]);
        assert!(map.get("d").is_none() && !map.contains_key("a"));
        let json = serde_json::to_string(&map).unwrap();
        assert_eq!(json, r#"{"":["a"],"b":[],"c":["","x/y",""]}"#);
    }

    proptest! {
        /// Inserted in any order, some digests again, the map holds what
        /// a `BTreeMap` would, serialized the same.
        #[test]
        fn it_is_a_btree_map_of_paths(
            inserts in proptest::collection::vec(("[a-c]{0,2}", proptest::collection::vec("[xy/é]{0,3}", 0..3)), 0..24),
        ) {
            let mut map = DigestMap::new();
            let mut model: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (digest, paths) in inserts {
                map.insert(&digest, &paths);
                model.insert(digest.clone(), paths);
                prop_assert_eq!(&as_btree(&map), &model);
            }
            for digest in ["", "a", "ab", "c", "cc", "d"] {
                prop_assert_eq!(map.contains_key(digest), model.contains_key(digest));
            }
            prop_assert_eq!(map.keys().collect::<Vec<_>>(), model.keys().map(String::as_str).collect::<Vec<_>>());
            prop_assert_eq!(map.keys().len(), model.len());
            prop_assert_eq!(serde_json::to_string(&map).unwrap(), serde_json::to_string(&model).unwrap());
        }
    }

    proptest! {
        /// A map that takes its digests from another holds what one that
        /// holds its own would, and takes every digest the other has.
        #[test]
        fn a_map_sharing_digests_is_the_map_holding_them(
            source in proptest::collection::btree_map("[a-d]{0,2}", proptest::collection::vec("[xy]{0,2}", 0..3), 0..12),
            state in proptest::collection::btree_map("[a-d]{0,2}", proptest::collection::vec("[xy/]{0,3}", 0..3), 0..12),
        ) {
            let mut source: DigestMap = source.into_iter().collect();
            let (mut sharing, mut holding) = (DigestMap::new(), DigestMap::new());
            for (digest, paths) in &state {
                sharing.insert_sharing(digest, paths, Some(&source));
                holding.insert(digest, paths);
            }
            let shared = (sharing.entries.iter())
                .filter(|entry| matches!(entry.digest, Digest::Shared(..)))
                .count();
            let in_source = state.keys().filter(|d| source.contains_key(d)).count();
            prop_assert_eq!(shared, in_source);
            prop_assert_eq!(&sharing, &holding);
            prop_assert_eq!(as_btree(&sharing), state.clone());
            prop_assert_eq!(serde_json::to_string(&sharing).unwrap(), serde_json::to_string(&state).unwrap());
            // The source changed afterwards changes nothing of the map.
            source.insert("", ["z"]);
            source.insert("e", ["z"]);
            prop_assert_eq!(as_btree(&sharing), state);
        }
    }

    #[test]
    fn maps_of_other_entries_differ() {
        let map = |entries: &[(&str, &[&str])]| -> DigestMap {
            (entries.iter())
                .map(|(digest, paths)| {
                    (
                        digest.to_string(),
                        paths.iter().map(|p| p.to_string()).collect(),
                    )
                })
                .collect()
        };
        let one = map(&[("a", &["x", "y"])]);
        assert_eq!(one, map(&[("a", &["x", "y"])]));
        assert_ne!(one, map(&[("a", &["xy"])]));
        assert_ne!(one, map(&[("a", &["y", "x"])]));
        assert_ne!(one, map(&[("b", &["x", "y"])]));
        assert_ne!(one, map(&[("a", &["x", "y"]), ("b", &[])]));
    }
}
