//! Names across systems: files whose names collide after Unicode
//! normalization or case folding, manifest paths that match a file only
//! after normalization, and operating-system clutter in the bag.
//!
//! macOS file systems normalize names and, like Windows ones, ignore case
//! by default: two files whose names differ only there cannot both be
//! extracted there, and a manifest written on one system may spell a name
//! in the other normalization form. Names are compared by their NFC form,
//! and for case by the lowercase of that form (close to what those file
//! systems do, without their exact tables).

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hasher, RandomState};

use unicode_normalization::UnicodeNormalization;

use super::findings::Findings;
use super::manifests::{Manifest, payload_paths};
use crate::bagit::path::is_system_file;
use crate::bundle::reader::BagStore;
use crate::finding::{Code, Finding};

/// The NFC form of a name; ASCII names are their own.
fn nfc(name: &str) -> Cow<'_, str> {
    if name.is_ascii() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(name.nfc().collect())
    }
}

/// The form two names share when a case-insensitive, normalizing file
/// system takes them for the same name.
fn folded(name: &str) -> String {
    nfc(name).to_lowercase()
}

/// Finds the stored file a manifest path means when it is spelled in
/// another Unicode normalization form than the file's name; once the
/// manifests are read, also the path they list, stored or not, that a
/// `fetch.txt` path so spelled means.
pub struct Resolver {
    /// NFC form → stored path (or path listed), for the non-ASCII ones.
    by_nfc: HashMap<String, String>,
}

impl Resolver {
    /// Indexes the files of `store`.
    pub fn new(store: &dyn BagStore) -> Resolver {
        let by_nfc = store
            .files()
            .iter()
            .filter(|f| !f.path.is_ascii())
            .map(|f| (nfc(f.path).into_owned(), f.path.to_string()))
            .collect();
        Resolver { by_nfc }
    }

    /// The stored path `path` means, if it is not stored under that exact
    /// spelling but under another normalization form.
    pub fn other_form<'a>(&'a self, store: &dyn BagStore, path: &str) -> Option<&'a str> {
        if path.is_ascii() || store.contains(path) {
            return None;
        }
        (self.by_nfc.get(nfc(path).as_ref()))
            .map(String::as_str)
            .filter(|&other| other != path)
    }

    /// Also indexes the non-ASCII paths `manifests` list that the bag does
    /// not store (a holey bag's, to be fetched); a stored file's name
    /// keeps its place.
    pub fn with_listed(mut self, manifests: &[Manifest]) -> Resolver {
        let absent = manifests.iter().flat_map(Manifest::absent_paths);
        for path in absent.filter(|path| !path.is_ascii()) {
            (self.by_nfc.entry(nfc(path).into_owned())).or_insert_with(|| path.to_string());
        }
        self
    }
}

/// The hash of `name`'s folded form, without making that form when the
/// name is ASCII (nearly always).
fn folded_hash(hasher: &RandomState, name: &str) -> u64 {
    let mut state = hasher.build_hasher();
    if name.is_ascii() {
        let mut chunk = [0; 64];
        for part in name.as_bytes().chunks(chunk.len()) {
            let lower = &mut chunk[..part.len()];
            lower.copy_from_slice(part);
            lower.make_ascii_lowercase();
            state.write(lower);
        }
    } else {
        state.write(folded(name).as_bytes());
    }
    state.finish()
}

/// Groups `names` by their folded form holding 8 bytes a name: a first
/// pass keeps only a hash of each folded name, sorted to find the hashes
/// met twice; a second compares the names of those (rare) hashes. Calls
/// `collide(first, other)` for each name that folds like an earlier one.
fn for_each_collision<'a>(
    names: impl Iterator<Item = &'a str> + Clone,
    mut collide: impl FnMut(&'a str, &'a str),
) {
    let hasher = RandomState::new();
    let mut hashes: Vec<u64> = Vec::with_capacity(names.size_hint().0);
    hashes.extend(names.clone().map(|name| folded_hash(&hasher, name)));
    hashes.sort_unstable();
    let met_twice: HashSet<u64> = (hashes.windows(2))
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| pair[0])
        .collect();
    drop(hashes);
    if met_twice.is_empty() {
        return;
    }
    let mut first_of: HashMap<String, &'a str> = HashMap::new();
    for name in names.filter(|name| met_twice.contains(&folded_hash(&hasher, name))) {
        match first_of.entry(folded(name)) {
            Entry::Vacant(slot) => {
                slot.insert(name);
            }
            Entry::Occupied(slot) => collide(slot.get(), name),
        }
    }
}

/// Files of the bag whose names are the same name on macOS or Windows: a
/// warning, for the bag is complete and valid where it lies. The
/// recommendations on filename normalization of RFC 8493 (non-normative)
/// concern making bags: implementations "SHOULD discourage the creation of
/// bags containing files which differ only in case" and "SHOULD prevent the
/// creation of bags containing files which differ only in normalization
/// form". pack refuses such names; verify, judging a bag already made,
/// warns.
pub fn check_collisions(store: &dyn BagStore, findings: &mut Findings) {
    for_each_collision(store.files().paths(), |first, other| {
        // macOS file systems do not tell normalization forms apart;
        // NTFS does, but neither tells case apart by default.
        let (how, systems) = if nfc(first) == nfc(other) {
            ("in another Unicode normalization form", "macOS")
        } else {
            ("differing only by case", "macOS or Windows")
        };
        findings.push(Finding::warning(
            Code::NameCollision,
            other,
            format!(
                "the bag also has {first:?}, the same name {how}: they cannot both exist on a \
                     {systems} file system"
            ),
        ));
    });
}

/// Payload manifest paths that differ only by case, when they are not both
/// files of the bag (then [`check_collisions`] has said it).
pub fn check_listed_case(store: &dyn BagStore, manifests: &[Manifest], findings: &mut Findings) {
    let mut reported = BTreeSet::new();
    for_each_collision(payload_paths(manifests, store), |first, other| {
        let both_present = store.contains(first) && store.contains(other);
        if both_present || !reported.insert(other) {
            return;
        }
        findings.push(Finding::warning(
            Code::NameCaseVariant,
            other,
            format!(
                "listed beside {first:?}, a name differing only by case: a case-insensitive file \
                 system (macOS, Windows) can hold only one of them"
            ),
        ));
    });
}

/// Operating-system clutter in the bag: in the payload, present or
/// listed, and beside the tag files (which RFC 8493 allows, so it is only
/// warned about there too).
pub fn check_system_files(store: &dyn BagStore, manifests: &[Manifest], findings: &mut Findings) {
    let present = store.files().paths();
    let listed = manifests
        .iter()
        .filter(|m| !m.is_tag)
        .flat_map(|m| m.absent_paths())
        .filter(|path| path.starts_with("data/"));
    let clutter: BTreeSet<&str> = present
        .chain(listed)
        .filter(|path| is_system_file(path))
        .collect();
    for path in clutter {
        let message = if path.starts_with("data/") {
            "operating-system clutter (Finder, Explorer) in the payload, probably not meant to be \
             part of it"
        } else {
            "operating-system clutter (Finder, Explorer) beside the bag's tag files, probably not \
             meant to be part of the bag"
        };
        findings.push(Finding::warning(Code::SystemFile, path, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::verify::testutil::{Memory, read_manifests};

    fn collisions(names: &[&'static str]) -> Vec<(&'static str, &'static str)> {
        let mut found = Vec::new();
        for_each_collision(names.iter().copied(), |a, b| found.push((a, b)));
        found
    }

    #[test]
    fn names_collide_by_normalization_or_case() {
        let nfc_name = "data/Nu\u{f1}ez";
        let nfd_name = "data/Nun\u{303}ez";
        assert_eq!(collisions(&[nfc_name, nfd_name]), [(nfc_name, nfd_name)]);
        assert_eq!(
            collisions(&["data/a.txt", "data/A.TXT", "data/b"]),
            [("data/a.txt", "data/A.TXT")]
        );
        assert_eq!(
            collisions(&["data/\u{c9}t\u{e9}", "data/E\u{301}T\u{c9}"]).len(),
            1
        );
        assert!(collisions(&["data/a", "data/b", "data/a/b"]).is_empty());
    }

    #[test]
    fn an_ascii_name_collides_with_one_that_folds_to_it() {
        // The Kelvin sign's NFC form is K: the ASCII name's hash, made
        // without its folded form, must be that of the folded other.
        let long = format!("data/{}K", "x".repeat(70));
        let kelvin = format!("data/{}\u{212a}", "x".repeat(70));
        let names: [&str; 4] = ["data/k", "data/\u{212a}", &long, &kelvin];
        let mut found = Vec::new();
        for_each_collision(names.iter().copied(), |a, b| found.push((a, b)));
        assert_eq!(found, [(names[0], names[1]), (names[2], names[3])]);
    }

    #[test]
    fn colliding_files_of_a_bag_are_warned_about() {
        let store = Memory::new(&[
            ("data/A.TXT", b"x"),
            ("data/Nun\u{303}ez", b"x"),
            ("data/Nu\u{f1}ez", b"x"),
            ("data/a.txt", b"x"),
        ]);
        let mut findings = Findings::default();
        check_collisions(&store, &mut findings);
        let findings = findings.into_vec();
        let found: Vec<_> = (findings.iter())
            .map(|f| (f.severity, f.code, f.path.clone()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    Severity::Warning,
                    Code::NameCollision,
                    "data/Nu\u{f1}ez".into()
                ),
                (Severity::Warning, Code::NameCollision, "data/a.txt".into()),
            ]
        );
        assert!(findings[0].message.ends_with("on a macOS file system"));
        assert!(
            findings[1]
                .message
                .ends_with("on a macOS or Windows file system")
        );
    }

    #[test]
    fn listed_paths_differing_by_case_are_warned_about_once_across_manifests() {
        let line = |hex_len: usize, path: &str| format!("{}  {path}\n", "0".repeat(hex_len));
        let sha256 = [line(64, "data/a.txt"), line(64, "data/b")].concat();
        let sha512 = [
            line(128, "data/A.TXT"),
            line(128, "data/a.txt"),
            line(128, "data/b"),
        ];
        let store = Memory::new(&[
            ("data/a.txt", b"x"),
            ("data/b", b"x"),
            ("manifest-sha256.txt", sha256.as_bytes()),
            ("manifest-sha512.txt", sha512.concat().as_bytes()),
        ]);
        let (manifests, _) = read_manifests(&store);
        let mut findings = Findings::default();
        check_listed_case(&store, &manifests.list, &mut findings);
        let found: Vec<_> = (findings.into_vec().into_iter())
            .map(|f| (f.code, f.path, f.message.contains("\"data/A.TXT\"")))
            .collect();
        assert_eq!(found, [(Code::NameCaseVariant, "data/a.txt".into(), true)]);
    }

    #[test]
    fn clutter_is_warned_about_in_the_payload_and_beside_the_tag_files() {
        let store = Memory::new(&[
            ("bagit.txt", b"x"),
            (".DS_Store", b"x"),
            ("metadata/Thumbs.db", b"x"),
            ("metadata/notes.txt", b"x"),
            ("data/a.txt", b"x"),
            ("data/._a.txt", b"x"),
        ]);
        let mut findings = Findings::default();
        check_system_files(&store, &[], &mut findings);
        let found: Vec<_> = (findings.into_vec().into_iter())
            .map(|f| {
                (
                    f.severity,
                    f.code,
                    f.path,
                    f.message.ends_with("part of the bag"),
                )
            })
            .collect();
        let warning = |path: &str, beside_tags| {
            (
                Severity::Warning,
                Code::SystemFile,
                path.to_string(),
                beside_tags,
            )
        };
        assert_eq!(
            found,
            [
                warning(".DS_Store", true),
                warning("data/._a.txt", false),
                warning("metadata/Thumbs.db", true),
            ]
        );
    }
}
