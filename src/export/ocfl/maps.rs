//! The digest maps of the inventory an export writes, made from the staged
//! files as they are serialized: the new version's state, and the
//! object's manifest and fixity blocks with this version's content added.
//! Each gives the bytes the same map held as a [`DigestMap`] would.

use std::collections::{BTreeMap, HashMap};

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::content::Staged;
use crate::digest::Algorithm;
use crate::ocfl::VersionNum;
use crate::ocfl::inventory::{DigestMap, Paths as DigestPaths, Version, VersionJson};

/// The new version's state: every file under the state's key for its
/// content, files of one content in path order.
pub(super) struct StateMap<'s>(pub(super) &'s Staged<'s>);

impl Serialize for StateMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let staged = self.0;
        let algorithm = staged.algorithm;
        let mut map = serializer.serialize_map(None)?;
        let mut buffer = [0; 128];
        for group in staged
            .by_state_key
            .chunk_by(|&a, &b| staged.digest(a, algorithm) == staged.digest(b, algorithm))
        {
            let paths = Paths {
                existing: None,
                added: group,
                staged,
                place: Place::Logical,
            };
            map.serialize_entry(staged.state_key(group[0], &mut buffer), &paths)?;
        }
        map.end()
    }
}

/// The object's versions and the new one, last.
pub(super) struct VersionsMap<'s> {
    pub(super) existing: Option<&'s BTreeMap<VersionNum, Version>>,
    pub(super) number: VersionNum,
    pub(super) block: VersionJson<'s, StateMap<'s>>,
}

impl Serialize for VersionsMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (number, version) in self.existing.into_iter().flatten() {
            map.serialize_entry(number, version)?;
        }
        map.serialize_entry(&self.number, &self.block)?;
        map.end()
    }
}

/// The keys of a digest map by their lower-case form: for the manifest,
/// the digests whose content the object stores, each as written, which a
/// new state must repeat exactly (E050), whatever its case (§3.4 compares
/// digests ignoring case). Keys in lower case, all of an object corpack
/// wrote, are looked up in the map itself; a map of them took 330 bytes a
/// file.
pub(super) struct KnownDigests<'a> {
    map: Option<&'a DigestMap>,
    /// The keys with upper-case letters, by their lower-case form.
    other_case: HashMap<String, &'a str>,
}

impl<'a> KnownDigests<'a> {
    pub(super) fn of(map: Option<&'a DigestMap>) -> KnownDigests<'a> {
        // Keys come sorted, so of two equal but for case the last counts.
        let other_case = (map.into_iter().flat_map(DigestMap::keys))
            .filter(|key| key.bytes().any(|b| b.is_ascii_uppercase()))
            .map(|key| (key.to_ascii_lowercase(), key))
            .collect();
        KnownDigests { map, other_case }
    }

    /// The map's key for the digest `lowercase`, if it has one.
    pub(super) fn get(&self, lowercase: &str) -> Option<&'a str> {
        let written = self.map?.get_key_value(lowercase);
        match written {
            Some((key, _)) => Some(key),
            None => self.other_case.get(lowercase).copied(),
        }
    }
}

/// A digest map of the object (its manifest, or a fixity block) with the
/// files this export stores added: each under its digest with
/// `algorithm` in lowercase hex or, where the map has that digest in
/// another case, after that key's paths and under its spelling (one
/// digest written twice is E096, E097).
pub(super) struct AddedMap<'s> {
    pub(super) existing: Option<&'s DigestMap>,
    pub(super) staged: &'s Staged<'s>,
    /// The files added, sorted by their digest with `algorithm`.
    pub(super) added: &'s [u32],
    pub(super) algorithm: Algorithm,
}

impl Serialize for AddedMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let staged = self.staged;
        let algorithm = self.algorithm;
        let known = KnownDigests::of(self.existing);
        let mut joining: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        let mut groups = Vec::new();
        let mut buffer = [0; 128];
        for group in self
            .added
            .chunk_by(|&a, &b| staged.digest(a, algorithm) == staged.digest(b, algorithm))
        {
            match known.get(staged.hex(group[0], algorithm, &mut buffer)) {
                Some(key) => joining.entry(key).or_default().extend(group),
                None => groups.push(group),
            }
        }
        let mut map = serializer.serialize_map(None)?;
        let mut existing = self.existing.into_iter().flatten().peekable();
        let mut groups = groups.into_iter().peekable();
        // The hex of the next group, made once however many keys it meets.
        let mut next_hex = groups
            .peek()
            .map(|group| staged.hex(group[0], algorithm, &mut buffer).to_string());
        loop {
            let group_first = match (existing.peek(), &next_hex) {
                (None, None) => break,
                (Some(_), None) => false,
                (None, Some(_)) => true,
                (Some((key, _)), Some(hex)) => hex.as_str() < *key,
            };
            if group_first {
                let group = groups.next().expect("peeked");
                let paths = Paths {
                    existing: None,
                    added: group,
                    staged,
                    place: Place::Content,
                };
                map.serialize_entry(next_hex.as_deref().expect("peeked"), &paths)?;
                next_hex = groups
                    .peek()
                    .map(|group| staged.hex(group[0], algorithm, &mut buffer).to_string());
            } else {
                let (key, paths) = existing.next().expect("peeked");
                let paths = Paths {
                    existing: Some(paths),
                    added: joining.get(key).map_or(&[], Vec::as_slice),
                    staged,
                    place: Place::Content,
                };
                map.serialize_entry(key, &paths)?;
            }
        }
        map.end()
    }
}

/// The object's fixity blocks, with the files this export stores added to
/// that of the fixity algorithm.
pub(super) struct FixityMap<'s> {
    pub(super) existing: Option<&'s BTreeMap<String, DigestMap>>,
    /// The fixity algorithm's name and its block.
    pub(super) added: Option<(String, AddedMap<'s>)>,
}

impl FixityMap<'_> {
    /// Whether the block would be empty, and so left out.
    pub(super) fn is_empty(&self) -> bool {
        self.added.is_none() && self.existing.is_none_or(BTreeMap::is_empty)
    }
}

impl Serialize for FixityMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let mut added = self.added.as_ref();
        for (name, block) in self.existing.into_iter().flatten() {
            match added {
                Some((added_name, _)) if added_name < name => {
                    let (added_name, added_block) = added.take().expect("matched");
                    map.serialize_entry(added_name, added_block)?;
                }
                _ => {}
            }
            match added {
                Some((added_name, added_block)) if added_name == name => {
                    map.serialize_entry(name, added_block)?;
                    added = None;
                }
                _ => map.serialize_entry(name, block)?,
            }
        }
        if let Some((name, block)) = added {
            map.serialize_entry(name, block)?;
        }
        map.end()
    }
}

/// Where a path of a staged file is from.
#[derive(Clone, Copy)]
enum Place {
    /// The object's root: its copy in the version's content.
    Content,
    /// The version's state: its logical path.
    Logical,
}

/// A map's paths for one digest: those it had, then the staged files'.
struct Paths<'s> {
    existing: Option<DigestPaths<'s>>,
    added: &'s [u32],
    staged: &'s Staged<'s>,
    place: Place,
}

impl Serialize for Paths<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let existing = self.existing.as_ref().map_or(0, DigestPaths::len);
        let mut seq = serializer.serialize_seq(Some(existing + self.added.len()))?;
        for path in self.existing.iter().flatten() {
            seq.serialize_element(path)?;
        }
        for &index in self.added {
            seq.serialize_element(&match self.place {
                Place::Content => self.staged.content_path(index),
                Place::Logical => self.staged.logical_path(index),
            })?;
        }
        seq.end()
    }
}
