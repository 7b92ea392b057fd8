//! Entity identifiers: payload paths as URI references, and local `#…` ids
//! derived from names.
//!
//! Ids come from what the records say (ids, names, citation texts), never
//! from positions, so reordering a collection does not rename its entities.

use std::collections::HashSet;

use sha2::{Digest, Sha256};

use crate::iri;
use crate::text_table::TextTable;

/// The longest slug kept from a name before an id is made of it.
const SLUG_MAX_CHARS: usize = 60;

/// A `/`-separated path as an IRI reference (RFC 3987): an ASCII character
/// other than RFC 3986's unreserved ones and `/` is percent-encoded (UTF-8,
/// uppercase hex), as is a character no IRI path may hold; other characters
/// are kept, as RO-Crate 1.1 prefers ("Encoding file paths": `面试.mp4`
/// rather than `%E9%9D%A2%E8%AF%95.mp4`). So `a b/Ü.md` is `a%20b/Ü.md`.
pub fn encode_path(path: &str) -> String {
    iri::encode(path, |c| iri::unreserved(c) || c == '/')
}

/// Undoes percent-encoding: `%20` → space, UTF-8 sequences → characters.
pub fn decode_path(encoded: &str) -> Result<String, String> {
    iri::decode(encoded)
}

/// The payload path a `File`'s `@id` names: percent-decoded, with its `.`
/// and `..` segments resolved as a relative URI's are (RFC 3986 §5.2.4),
/// so that `./a.txt` and `sub/../a.txt` are `a.txt`, as RO-Crate 1.1 lets
/// a `File` be named. An error if it does not decode or a `..` climbs
/// above the crate's root; an absolute path is left as it is, for its error.
pub fn file_path(id: &str) -> Result<String, String> {
    let path = decode_path(id)?;
    let has_dots = path
        .split('/')
        .any(|segment| segment == "." || segment == "..");
    if !has_dots || path.starts_with('/') {
        return Ok(path);
    }
    let mut kept = Vec::new();
    for segment in path.split('/') {
        match segment {
            "." => {}
            ".." => {
                kept.pop().ok_or_else(|| {
                    format!("{id:?} has a .. that climbs out of the crate's root")
                })?;
            }
            _ => kept.push(segment),
        }
    }
    Ok(kept.join("/"))
}

/// The local id (`#<kind>-<slug>`) of an entity known by `key`, named
/// `name`, given whether another key of its kind has a name of the same
/// slug (see [`SharedSlugs`]).
///
/// The slug comes from the name: it keeps letters and digits (any script,
/// lowercased) and turns every other run into `-`. Two keys with the same
/// slug (`J. Smith` and `J Smith`, or one name with and without a Wikidata
/// id) must stay two entities, so each then gets the first 8 hex digits of
/// its key's SHA-256 appended; so does a name with no letters or digits.
pub fn local_id(kind: &str, key: &str, name: &str, shared: &SharedSlugs) -> String {
    let slug = slug(name);
    if slug.is_empty() || shared.shared.contains(&slug) {
        with_hash(kind, key, &slug)
    } else {
        format!("#{kind}-{}", encode_path(&slug))
    }
}

/// The local id (`#<kind>-<slug>-<hash>`) of an entity known by `key`,
/// named `name`, with the hash of its key whatever other keys there are:
/// for a kind whose keys are not gathered beforehand.
pub fn hashed_local_id(kind: &str, key: &str, name: &str) -> String {
    with_hash(kind, key, &slug(name))
}

/// `#<kind>-<slug>-<hash>`, the hash the first 8 hex digits of the
/// SHA-256 of `key`; `#<kind>-<hash>` for an empty slug.
fn with_hash(kind: &str, key: &str, slug: &str) -> String {
    let hash = hex::encode(&Sha256::digest(key.as_bytes())[..4]);
    if slug.is_empty() {
        format!("#{kind}-{hash}")
    } else {
        format!("#{kind}-{}-{hash}", encode_path(slug))
    }
}

/// The local id of an entity known by its name alone, the only one of its
/// kind.
pub fn local_id_of_name(kind: &str, name: &str) -> String {
    local_id(kind, name, name, &SharedSlugs::default())
}

/// The slugs of names that two keys or more of one kind of entity have.
#[derive(Debug, Default)]
pub struct SharedSlugs {
    shared: HashSet<String>,
}

/// Gathers [`SharedSlugs`] a key at a time, keeping each slug and the
/// first key met with it: a table of every key and its id took about 300
/// bytes an entity.
#[derive(Default)]
pub struct SlugsGathering {
    slugs: TextTable<FirstKey>,
    /// The first key of each slug, one after another.
    keys: String,
}

/// Where the first key met with a slug is in [`SlugsGathering::keys`], and
/// whether another has come since.
struct FirstKey {
    start: usize,
    len: usize,
    shared: bool,
}

impl SlugsGathering {
    /// Notes an entity known by `key`, named `name`.
    pub fn add(&mut self, key: &str, name: &str) {
        let keys = &mut self.keys;
        let (first, new) = self.slugs.get_or_insert(&slug(name), || {
            keys.push_str(key);
            FirstKey {
                start: keys.len() - key.len(),
                len: key.len(),
                shared: false,
            }
        });
        if !new && &keys[first.start..first.start + first.len] != key {
            first.shared = true;
        }
    }

    /// The slugs that two keys or more have.
    pub fn shared(self) -> SharedSlugs {
        let shared = self.slugs.iter().filter(|(_, first)| first.shared);
        SharedSlugs {
            shared: shared.map(|(slug, _)| slug.to_string()).collect(),
        }
    }
}

/// Lowercase letters and digits of `name`, other runs as `-`, at most
/// [`SLUG_MAX_CHARS`] characters.
fn slug(name: &str) -> String {
    let mut slug = String::new();
    let mut chars = 0;
    // Whether to go on after `c`, lowercased.
    let mut push = |c: char| {
        if chars == SLUG_MAX_CHARS {
            return false;
        }
        if c.is_alphanumeric() {
            slug.push(c);
            chars += 1;
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
            chars += 1;
        }
        true
    };
    // ASCII is lowercased by itself: `to_lowercase`'s iterator took a
    // twentieth of a pack of 150,000 documents by 40 authors, whose ids
    // were made from their names at each mention.
    for c in name.chars() {
        let going_on = if c.is_ascii() {
            push(c.to_ascii_lowercase())
        } else {
            c.to_lowercase().all(&mut push)
        };
        if !going_on {
            break;
        }
    }
    slug.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The local id of each `(key, name)`, by key.
    fn local_ids(kind: &str, entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        let mut gathering = SlugsGathering::default();
        for &(key, name) in entries {
            gathering.add(key, name);
        }
        let shared = gathering.shared();
        (entries.iter())
            .map(|&(key, name)| (key.to_string(), local_id(kind, key, name, &shared)))
            .collect()
    }

    fn local_ids_of_names(kind: &str, names: &[&str]) -> BTreeMap<String, String> {
        let entries: Vec<_> = names.iter().map(|&name| (name, name)).collect();
        local_ids(kind, &entries)
    }

    #[test]
    fn paths_are_percent_encoded_and_decoded() {
        let cases = [
            ("documents/a.txt", "documents/a.txt"),
            ("documents/a b.txt", "documents/a%20b.txt"),
            ("documents/Überblick.md", "documents/Überblick.md"),
            ("documents/面试.mp4", "documents/面试.mp4"),
            (
                "documents/\u{85}\u{FFFE}\u{E000}.txt",
                "documents/%C2%85%EF%BF%BE%EE%80%80.txt",
            ),
            (
                "documents/\u{10FFFF}\u{E0001}😀.txt",
                "documents/%F4%8F%BF%BF%F3%A0%80%81😀.txt",
            ),
            ("documents/x#1?.txt", "documents/x%231%3F.txt"),
            ("documents/100%.txt", "documents/100%25.txt"),
            (
                "documents/a\u{202e}txt\u{200e}\u{2066}.exe",
                "documents/a%E2%80%AEtxt%E2%80%8E%E2%81%A6.exe",
            ),
        ];
        for (path, encoded) in cases {
            assert_eq!(encode_path(path), encoded);
            assert_eq!(decode_path(encoded).unwrap(), path);
        }
        assert!(decode_path("a%2").is_err());
        assert!(decode_path("a%zz").is_err());
        assert!(decode_path("a%FF").is_err());
    }

    #[test]
    fn local_ids_come_from_names() {
        let ids = local_ids_of_names(
            "person",
            &[
                "Grover Furr",
                "Олег Хлевнюк",
                "Grover Furr",
                "Timothy Snyder",
            ],
        );
        assert_eq!(ids.len(), 3);
        assert_eq!(ids["Grover Furr"], "#person-grover-furr");
        assert_eq!(ids["Timothy Snyder"], "#person-timothy-snyder");
        assert_eq!(
            ids["Олег Хлевнюк"],
            format!("#person-{}", encode_path("олег-хлевнюк"))
        );
    }

    #[test]
    fn names_sharing_a_slug_stay_apart() {
        let ids = local_ids_of_names("person", &["J. Smith", "J Smith", "—"]);
        assert_ne!(ids["J. Smith"], ids["J Smith"]);
        assert!(ids["J. Smith"].starts_with("#person-j-smith-"));
        assert_eq!(ids["J. Smith"].len(), "#person-j-smith-".len() + 8);
        assert!(ids["—"].starts_with("#person-") && ids["—"].len() == "#person-".len() + 8);
        // A name's id depends on the names sharing its slug, not on order.
        assert_eq!(
            local_ids_of_names("person", &["—", "J Smith", "J. Smith"]),
            ids
        );
    }

    #[test]
    fn one_name_under_two_keys_gets_two_ids() {
        let ids = local_ids("person", &[("Ada", "Ada"), ("Ada\u{1f}Q42", "Ada")]);
        assert_eq!(ids.len(), 2);
        assert_ne!(ids["Ada"], ids["Ada\u{1f}Q42"]);
        assert!(ids["Ada"].starts_with("#person-ada-"));
    }

    /// The slug as made before ASCII was lowercased by itself.
    fn slug_by_to_lowercase(name: &str) -> String {
        let mut slug = String::new();
        let mut chars = 0;
        for c in name.chars().flat_map(char::to_lowercase) {
            if chars == SLUG_MAX_CHARS {
                break;
            }
            if c.is_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            } else {
                continue;
            }
            chars += 1;
        }
        slug.trim_end_matches('-').to_string()
    }

    proptest::proptest! {
        #[test]
        fn slugs_are_what_to_lowercase_makes(name in "[a-zA-Z0-9 .İẞΣ面-]{0,80}|\\PC{0,70}") {
            proptest::prop_assert_eq!(slug(&name), slug_by_to_lowercase(&name));
        }
    }

    /// A name holding U+001F, which separates a key's name from its
    /// identifiers, has the key of another name with an identifier: each
    /// still gets the id of its own name, whichever comes first.
    #[test]
    fn a_name_holding_the_separator_keeps_its_own_id() {
        let entries = [("Ada\u{1f}Q42", "Ada"), ("Ada\u{1f}Q42", "Ada\u{1f}Q42")];
        for order in [[0, 1], [1, 0]] {
            let mut gathering = SlugsGathering::default();
            for at in order {
                gathering.add(entries[at].0, entries[at].1);
            }
            let shared = gathering.shared();
            let ids = entries.map(|(key, name)| local_id("person", key, name, &shared));
            assert_eq!(ids, ["#person-ada", "#person-ada-q42"]);
        }
    }

    #[test]
    fn long_names_are_cut() {
        let citation = "Matthew E. Lenoe, The Kirov Murder and Soviet History, Yale University \
                        Press, 2010";
        let id = &local_id_of_name("work", citation);
        assert_eq!(
            id,
            "#work-matthew-e-lenoe-the-kirov-murder-and-soviet-history-yale-uni"
        );
    }
}
