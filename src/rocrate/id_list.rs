//! `@id`s kept compactly while a crate streams past: a graph of a million
//! files has a million of them, each kept as its text and one offset (no
//! allocation, no hash table), and looked up by sorting once at the end;
//! or, where one names a file the payload holds, as the file's index.

use std::borrow::Cow;

use super::ids::{decode_path, encode_path};

/// `@id`s in the order they came.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct IdList {
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<usize>,
}

impl IdList {
    pub(super) fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len());
    }

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The id at `index`.
    pub(super) fn get(&self, index: usize) -> &str {
        let start = index.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.text[start..self.ends[index]]
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|index| self.get(index))
    }

    /// The ids found by text: sorted once, about 8 bytes per id more.
    pub(super) fn into_index(self) -> IdIndex {
        let mut order: Vec<usize> = (0..self.len()).collect();
        // Equal ids stay in list order, so the first of each comes first:
        // with positions telling them apart, an unstable sort orders them
        // so too, without the stable sort's buffer as long as the list.
        order.sort_unstable_by(|&a, &b| self.get(a).cmp(self.get(b)).then(a.cmp(&b)));
        IdIndex { ids: self, order }
    }
}

/// An [`IdList`] sorted by id.
#[derive(Debug)]
pub(super) struct IdIndex {
    ids: IdList,
    /// Positions in `ids`, by id then position.
    order: Vec<usize>,
}

impl IdIndex {
    /// The position of the first id that came again, the first time one
    /// did: the position of the earliest repeat.
    pub(super) fn first_repeat(&self) -> Option<usize> {
        self.order
            .windows(2)
            .filter(|pair| self.ids.get(pair[0]) == self.ids.get(pair[1]))
            .map(|pair| pair[1])
            .min()
    }

    /// The position of `id` (the first, if it came more than once).
    pub(super) fn position(&self, id: &str) -> Option<usize> {
        self.positions(id).first().copied()
    }

    /// Every position of `id`, first to last.
    pub(super) fn positions(&self, id: &str) -> &[usize] {
        let start = self.order.partition_point(|&p| self.ids.get(p) < id);
        let rest = &self.order[start..];
        &rest[..rest.partition_point(|&p| self.ids.get(p) == id)]
    }

    /// The id at `position`.
    pub(super) fn get(&self, position: usize) -> &str {
        self.ids.get(position)
    }
}

/// The files a bag's payload holds, by their paths in the crate (under
/// `data/`): what lets the root's lists keep the `@id` of one as its index.
pub trait PayloadFiles {
    /// The index of the file at `path`, if the payload holds it.
    fn index(&self, path: &str) -> Option<usize>;
    /// The path of the file at `index`, one [`PayloadFiles::index`] gave:
    /// the path it was given.
    fn path(&self, index: usize) -> &str;
}

/// In [`KeyedIds::keys`], the bit that tells the position of a text from
/// the index of a file; the most ids kept.
const TEXT: u32 = 1 << 31;

/// `@id`s in the order they came, as an [`IdList`] keeps them but for one
/// that names a file of the payload as corpack writes it ([`encode_path`]
/// of its path), kept as the file's index: 4 bytes where its text took 40
/// at the root of a crate of 160,000 files, which lists each. Found by id
/// as an [`IdIndex`] finds them: each text has one form, so two ids are
/// found equal exactly when their texts are.
#[derive(Clone, Default)]
pub(super) struct KeyedIds<'f> {
    payload: Option<&'f dyn PayloadFiles>,
    /// For each id, the index of the file it names, or [`TEXT`] and its
    /// position in `texts`.
    keys: Vec<u32>,
    texts: IdList,
    /// Whether more than [`TEXT`] ids came: those past it are not kept.
    overflowed: bool,
}

/// An id as [`KeyedIds`] keeps it, in the order it sorts them.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Keyed<'t> {
    File(u32),
    Text(&'t str),
}

impl<'f> KeyedIds<'f> {
    /// Ids that name a file of `payload`, if given, are kept as its index.
    pub(super) fn new(payload: Option<&'f dyn PayloadFiles>) -> KeyedIds<'f> {
        KeyedIds {
            payload,
            ..KeyedIds::default()
        }
    }

    pub(super) fn push(&mut self, id: &str) {
        if self.keys.len() >= TEXT as usize {
            self.overflowed = true;
            return;
        }
        let key = match self.file_index(id) {
            Some(index) => index,
            None => {
                self.texts.push(id);
                TEXT | (self.texts.len() - 1) as u32
            }
        };
        self.keys.push(key);
    }

    pub(super) fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether ids came past the most kept, [`TEXT`].
    pub(super) fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// The index of the file `id` names, if it is the path of one as
    /// corpack writes it.
    fn file_index(&self, id: &str) -> Option<u32> {
        let payload = self.payload?;
        let path = decode_path(id).ok()?;
        if encode_path(&path) != id {
            return None;
        }
        let index = u32::try_from(payload.index(&path)?).ok()?;
        (index < TEXT).then_some(index)
    }

    /// The id at `position` as kept.
    fn keyed(&self, position: u32) -> Keyed<'_> {
        match self.keys[position as usize] {
            key if key & TEXT == 0 => Keyed::File(key),
            key => Keyed::Text(self.texts.get((key & !TEXT) as usize)),
        }
    }

    /// The ids found by id: sorted once, 4 bytes per id more.
    pub(super) fn into_index(self) -> KeyedIndex<'f> {
        let mut order: Vec<u32> = (0..self.keys.len() as u32).collect();
        // As in [`IdList::into_index`]: equal ids stay in list order.
        order.sort_unstable_by(|&a, &b| self.keyed(a).cmp(&self.keyed(b)).then(a.cmp(&b)));
        KeyedIndex { ids: self, order }
    }
}

/// [`KeyedIds`] sorted by id.
pub(super) struct KeyedIndex<'f> {
    ids: KeyedIds<'f>,
    /// Positions in `ids`, by id then position.
    order: Vec<u32>,
}

impl KeyedIndex<'_> {
    /// Every position of `id`, first to last.
    pub(super) fn positions(&self, id: &str) -> &[u32] {
        let wanted = match self.ids.file_index(id) {
            Some(index) => Keyed::File(index),
            None => Keyed::Text(id),
        };
        let start = self.order.partition_point(|&p| self.ids.keyed(p) < wanted);
        let rest = &self.order[start..];
        &rest[..rest.partition_point(|&p| self.ids.keyed(p) == wanted)]
    }

    /// How many ids there are.
    pub(super) fn len(&self) -> usize {
        self.order.len()
    }

    /// The id at `position`, as it came.
    pub(super) fn get(&self, position: usize) -> Cow<'_, str> {
        match self.ids.keyed(position as u32) {
            Keyed::Text(id) => Cow::Borrowed(id),
            Keyed::File(index) => {
                let payload = self.ids.payload.expect("a file's index comes of a payload");
                Cow::Owned(encode_path(payload.path(index as usize)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::fuzzing::PayloadPaths;

    fn list(ids: &[&str]) -> IdList {
        let mut list = IdList::default();
        for id in ids {
            list.push(id);
        }
        list
    }

    #[test]
    fn keeps_ids_in_order() {
        let ids = ["b", "", "a%20b", "Überblick"];
        let list = list(&ids);
        assert_eq!(list.len(), 4);
        assert_eq!(list.iter().collect::<Vec<_>>(), ids);
    }

    #[test]
    fn finds_ids_and_the_first_repeat() {
        let index = list(&["c", "a", "b", "a", "c", "b"]).into_index();
        assert_eq!(index.position("a"), Some(1));
        assert_eq!(index.position("c"), Some(0));
        assert_eq!(index.position("d"), None);
        assert_eq!(index.position(""), None);
        assert_eq!(index.positions("a"), [1, 3]);
        assert_eq!(index.positions("b"), [2, 5]);
        assert_eq!(index.positions("d"), [] as [usize; 0]);
        assert_eq!(index.first_repeat(), Some(3));
        assert_eq!(index.get(3), "a");
        assert_eq!(list(&["a", "b"]).into_index().first_repeat(), None);
        assert_eq!(IdList::default().into_index().position("a"), None);
    }

    #[test]
    fn ids_of_payload_files_as_corpack_writes_them_are_kept_as_indexes() {
        let payload = PayloadPaths::new(["a b.txt", "Überblick.md"].map(String::from));
        let mut ids = KeyedIds::new(Some(&payload));
        for id in [
            "a%20b.txt",
            "Überblick.md",
            "a%20b.txt",
            "%61%20b.txt",
            "c.txt",
        ] {
            ids.push(id);
        }
        assert_eq!(ids.keys[..3], [0, 1, 0]);
        assert_eq!(
            ids.texts.iter().collect::<Vec<_>>(),
            ["%61%20b.txt", "c.txt"]
        );
        let index = ids.into_index();
        assert_eq!(index.positions("a%20b.txt"), [0, 2]);
        assert_eq!(index.positions("%61%20b.txt"), [3]);
        assert_eq!(index.positions("a b.txt"), [] as [u32; 0]);
        assert_eq!(index.get(2), "a%20b.txt");
        assert_eq!(index.get(3), "%61%20b.txt");
    }

    proptest! {
        /// Whatever files the payload holds, ids are found as by their
        /// texts, and give them back.
        #[test]
        fn keyed_ids_are_found_as_their_texts_are(
            ids in proptest::collection::vec("[a/%2 ]{0,4}", 0..60),
            held in proptest::collection::vec("[a/ ]{0,4}", 0..8),
        ) {
            let payload = PayloadPaths::new(held);
            let mut keyed = KeyedIds::new(Some(&payload));
            for id in &ids {
                keyed.push(id);
            }
            let index = keyed.into_index();
            prop_assert_eq!(index.len(), ids.len());
            for (at, id) in ids.iter().enumerate() {
                prop_assert_eq!(index.get(at), id.as_str());
                let expected: Vec<u32> = (0..ids.len() as u32)
                    .filter(|&other| ids[other as usize] == *id)
                    .collect();
                prop_assert_eq!(index.positions(id), expected.as_slice());
            }
            for absent in ["", "a%2", "a%20a", "b"] {
                let expected = ids.iter().filter(|id| *id == absent).count();
                prop_assert_eq!(index.positions(absent).len(), expected);
            }
        }

        #[test]
        fn each_id_is_found_at_every_position_in_order(ids in proptest::collection::vec("[ab]{0,2}", 0..60)) {
            let texts: Vec<&str> = ids.iter().map(String::as_str).collect();
            let index = list(&texts).into_index();
            for id in ["", "a", "b", "aa", "ab", "ba", "bb", "c"] {
                let expected: Vec<usize> = (0..texts.len()).filter(|&at| texts[at] == id).collect();
                prop_assert_eq!(index.positions(id), expected.as_slice());
            }
            let repeat = (0..texts.len()).find(|&at| texts[..at].contains(&texts[at]));
            prop_assert_eq!(index.first_repeat(), repeat);
        }
    }
}
