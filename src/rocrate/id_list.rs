//! `@id`s kept compactly while a crate streams past: a graph of a million
//! files has a million of them, each kept as its text and one offset (no
//! allocation, no hash table), and looked up by sorting once at the end.

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

    /// How many ids there are.
    pub(super) fn len(&self) -> usize {
        self.order.len()
    }

    /// The id at `position`.
    pub(super) fn get(&self, position: usize) -> &str {
        self.ids.get(position)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

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
        assert_eq!(index.len(), 6);
        assert_eq!(index.first_repeat(), Some(3));
        assert_eq!(index.get(3), "a");
        assert_eq!(list(&["a", "b"]).into_index().first_repeat(), None);
        assert_eq!(IdList::default().into_index().position("a"), None);
    }

    proptest! {
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
