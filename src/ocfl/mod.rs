//! OCFL 1.1 objects (the Oxford Common File Layout, <https://ocfl.io/1.1/spec/>):
//! the inventory model, and validation of an object root with the
//! specification's own error and warning codes.
//!
//! An object root holds the declaration `0=ocfl_object_1.1`, an
//! `inventory.json` with its digest sidecar, and one directory per version
//! (`v1`, `v2`, ...), each with a copy of the inventory of that time and a
//! `content/` directory holding the files that version added. Files are
//! content-addressed: the inventory's `manifest` maps digests to the files
//! stored, and each version's `state` maps digests to the file names (the
//! *logical paths*) the object has at that version.
//!
//! [`validate::validate_object`] judges a directory as an object;
//! `crate::export::ocfl` writes them.

mod code;
pub mod digest;
mod digest_map;
pub mod inventory;
pub mod layout;
pub mod validate;

use std::path::{Path, PathBuf};

pub use self::code::OcflCode;
pub use self::digest::DigestAlgorithm;
pub use self::inventory::{Inventory, User, Version, VersionNum};

use crate::finding::{Code, Finding};

/// The declaration file of an OCFL 1.1 object.
pub const OBJECT_DECLARATION: &str = "0=ocfl_object_1.1";
/// The prefix of every object declaration file name.
pub(crate) const DECLARATION_PREFIX: &str = "0=ocfl_object_";
/// The prefix of every OCFL declaration file name: an object's, or a
/// storage root's (`0=ocfl_1.1`, §4.2).
pub(crate) const ANY_DECLARATION_PREFIX: &str = "0=ocfl_";

/// The directory of extensions in a storage root or an object (§4.4,
/// §3.1).
pub(crate) const EXTENSIONS: &str = "extensions";

/// A version of the OCFL specification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpecVersion {
    /// OCFL 1.0 (2020).
    V1_0,
    /// OCFL 1.1 (2022).
    V1_1,
}

impl SpecVersion {
    /// The version number as written, `1.1`.
    pub fn number(self) -> &'static str {
        match self {
            SpecVersion::V1_0 => "1.0",
            SpecVersion::V1_1 => "1.1",
        }
    }

    /// The inventory `type` URI of this version.
    pub fn inventory_type(self) -> String {
        format!("https://ocfl.io/{}/spec/#inventory", self.number())
    }

    /// The version whose inventory `type` is `uri`.
    pub fn from_inventory_type(uri: &str) -> Option<SpecVersion> {
        [SpecVersion::V1_0, SpecVersion::V1_1]
            .into_iter()
            .find(|version| version.inventory_type() == uri)
    }

    /// The version a declaration file name (`0=ocfl_object_1.1`) names.
    pub fn from_declaration(name: &str) -> Option<SpecVersion> {
        let number = name.strip_prefix(DECLARATION_PREFIX)?;
        [SpecVersion::V1_0, SpecVersion::V1_1]
            .into_iter()
            .find(|version| version.number() == number)
    }
}

/// Whether `dir` should be judged as an OCFL object rather than a bag: a
/// directory without `bagit.txt` that has an object declaration
/// (`0=ocfl_object_…`) or an `inventory.json`, or that is empty (then it is
/// neither, and the OCFL findings say what is missing).
pub fn is_object_root(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    if names.iter().any(|name| name == "bagit.txt") {
        return false;
    }
    names.is_empty()
        || names
            .iter()
            .any(|name| name.starts_with(DECLARATION_PREFIX) || name == inventory::INVENTORY)
}

/// What a directory declares itself to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Declared {
    /// An object root: it has `0=ocfl_object_…` (§3.2).
    Object,
    /// A storage root: it has `0=ocfl_…`, not an object's (§4.2).
    StorageRoot,
}

/// What `dir` declares itself to be by its OCFL declaration files, if it
/// has any: a storage root when it has a storage root's, even beside an
/// object's. A directory that cannot be read declares nothing.
pub fn declared(dir: &Path) -> Option<Declared> {
    let mut declared = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(DECLARATION_PREFIX) {
            declared = Some(Declared::Object);
        } else if name.starts_with(ANY_DECLARATION_PREFIX) {
            return Some(Declared::StorageRoot);
        }
    }
    declared
}

/// The specification version the storage root `dir` declares by its
/// declaration file (`0=ocfl_1.0`, §4.2), if it has one of a version
/// corpack knows.
pub fn storage_root_version(dir: &Path) -> Option<SpecVersion> {
    std::fs::read_dir(dir).ok()?.flatten().find_map(|entry| {
        let name = entry.file_name();
        let number = name.to_str()?.strip_prefix(ANY_DECLARATION_PREFIX)?;
        [SpecVersion::V1_0, SpecVersion::V1_1]
            .into_iter()
            .find(|version| version.number() == number)
    })
}

/// Where a directory that is neither a bag nor an object root lies among
/// OCFL data: what `corpack verify` tells of it instead of judging it as
/// a bag with no `bagit.txt` ([`ocfl_place`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OcflPlace {
    /// A storage root (§4.1): it declares itself one (`0=ocfl_1.1`).
    StorageRoot {
        /// The declaration's name.
        declaration: String,
        /// Its first object, relative to it, if it has one.
        example: Option<PathBuf>,
    },
    /// A directory of a storage root's storage hierarchy (§4.3), between
    /// the root and its objects.
    InStorageHierarchy {
        /// The storage root.
        root: PathBuf,
        /// The first object below the directory, relative to it, if any.
        example: Option<PathBuf>,
    },
    /// A directory of a storage root's extensions (§4.4), outside its
    /// storage hierarchy.
    InRootExtensions {
        /// The storage root.
        root: PathBuf,
    },
    /// A directory inside an object (a version directory, its content).
    InObject {
        /// The object's root.
        object: PathBuf,
    },
}

/// How many entries [`ocfl_place`] looks at, at most, for an object to
/// name as an example: a large storage root's hierarchy is not walked.
const EXAMPLE_SEARCH_LIMIT: usize = 10_000;

/// Where the directory `dir` lies among OCFL data, when it has no
/// `bagit.txt` and is neither an object root nor outside OCFL data: a
/// storage root, a directory of a storage hierarchy that is no object
/// root ([`is_object_root`]), or any directory inside an object, one
/// holding an `inventory.json` such as a version directory too. A
/// directory with a `bagit.txt` is a bag wherever it is (the content of
/// an object's first version is the bag corpack exported).
pub fn ocfl_place(dir: &Path) -> Option<OcflPlace> {
    if !dir.is_dir() || dir.join("bagit.txt").symlink_metadata().is_ok() {
        return None;
    }
    if declared(dir) == Some(Declared::StorageRoot) {
        let declaration = std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| {
                name.starts_with(ANY_DECLARATION_PREFIX) && !name.starts_with(DECLARATION_PREFIX)
            })
            .min()?;
        return Some(OcflPlace::StorageRoot {
            declaration,
            example: first_object(dir),
        });
    }
    let real = dir.canonicalize().ok()?;
    let own = declared(&real);
    for above in real.ancestors().skip(1) {
        match declared(above) {
            Some(Declared::Object) if own.is_none() => {
                return Some(OcflPlace::InObject {
                    object: above.to_path_buf(),
                });
            }
            Some(Declared::StorageRoot)
                if own.is_none() && real.starts_with(above.join(EXTENSIONS)) =>
            {
                return Some(OcflPlace::InRootExtensions {
                    root: above.to_path_buf(),
                });
            }
            Some(Declared::StorageRoot) if own.is_none() && !is_object_root(&real) => {
                return Some(OcflPlace::InStorageHierarchy {
                    root: above.to_path_buf(),
                    example: first_object(dir),
                });
            }
            Some(_) => return None,
            None => {}
        }
    }
    None
}

/// The first object root below `dir`, in name order, relative to it; not
/// looked for among a storage root's extensions, nor inside objects, nor
/// in hidden directories (an export's object while it is built is one).
fn first_object(dir: &Path) -> Option<PathBuf> {
    let mut walk = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            entry.file_type().is_dir()
                && !name.starts_with('.')
                && !(entry.depth() == 1 && name == EXTENSIONS)
        });
    for _ in 0..EXAMPLE_SEARCH_LIMIT {
        let entry = walk.next()?.ok()?;
        if declared(entry.path()) == Some(Declared::Object) {
            return entry.path().strip_prefix(dir).ok().map(Path::to_path_buf);
        }
    }
    None
}

/// A finding about an OCFL object: errors for `E` codes, warnings for `W`
/// codes; `path` is relative to the object root.
pub fn finding(code: OcflCode, path: impl Into<String>, message: impl Into<String>) -> Finding {
    Finding {
        severity: code.severity(),
        code: Code::Ocfl(code),
        path: path.into(),
        message: message.into(),
    }
}

/// Whether `text` is a URI (RFC 3986): a scheme, a colon and more, with no
/// spaces. The OCFL id and user address should be URIs (W005, W009).
pub fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !text.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_have_a_scheme_and_no_spaces() {
        for uri in [
            "urn:corpack:seeds",
            "ark:123/abc",
            "mailto:a@example.org",
            "https://orcid.org/0000-0002-1825-0097",
            "info:a/b/cde-1",
        ] {
            assert!(is_uri(uri), "{uri}");
        }
        for text in [
            "not_a_uri",
            "1 Wonky Way, Wibblesville, WW",
            ":x",
            "a b:c",
            "urn:",
        ] {
            assert!(!is_uri(text), "{text}");
        }
    }

    #[test]
    fn spec_versions_by_declaration_and_type() {
        assert_eq!(
            SpecVersion::from_declaration(OBJECT_DECLARATION),
            Some(SpecVersion::V1_1)
        );
        assert_eq!(
            SpecVersion::from_inventory_type("https://ocfl.io/1.0/spec/#inventory"),
            Some(SpecVersion::V1_0)
        );
        assert_eq!(SpecVersion::from_declaration("0=ocfl_object_2.0"), None);
    }

    #[test]
    fn declarations_tell_objects_from_storage_roots() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(declared(dir.path()), None);
        assert_eq!(declared(&dir.path().join("absent")), None);
        std::fs::write(dir.path().join("0=ocfl_object_1.0"), "").unwrap();
        assert_eq!(declared(dir.path()), Some(Declared::Object));
        assert_eq!(storage_root_version(dir.path()), None);
        std::fs::write(dir.path().join("0=ocfl_1.0"), "").unwrap();
        assert_eq!(declared(dir.path()), Some(Declared::StorageRoot));
        assert_eq!(storage_root_version(dir.path()), Some(SpecVersion::V1_0));
    }

    #[test]
    fn ocfl_data_that_is_no_object_root_is_placed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap().join("root");
        let object = root.join("ab/object");
        std::fs::create_dir_all(object.join("v1/content/bag")).unwrap();
        std::fs::create_dir_all(root.join("extensions/0000-x/ab/zz")).unwrap();
        std::fs::write(object.join("v1/content/bag/bagit.txt"), "").unwrap();
        std::fs::write(object.join("v1/inventory.json"), "{}").unwrap();
        std::fs::write(object.join(OBJECT_DECLARATION), "ocfl_object_1.1\n").unwrap();
        // Outside a storage root, a directory of objects is no OCFL place.
        assert_eq!(ocfl_place(&root), None);
        std::fs::write(root.join("0=ocfl_1.1"), "ocfl_1.1\n").unwrap();
        assert_eq!(
            ocfl_place(&root),
            Some(OcflPlace::StorageRoot {
                declaration: "0=ocfl_1.1".into(),
                example: Some(PathBuf::from("ab/object")),
            })
        );
        assert_eq!(
            ocfl_place(&root.join("ab")),
            Some(OcflPlace::InStorageHierarchy {
                root: root.clone(),
                example: Some(PathBuf::from("object")),
            })
        );
        for inside in ["v1", "v1/content"] {
            assert_eq!(
                ocfl_place(&object.join(inside)),
                Some(OcflPlace::InObject {
                    object: object.clone()
                })
            );
        }
        // The root's extensions are outside its hierarchy, but an object
        // built there (an export's, in its staging) is an object.
        let extension = root.join("extensions/0000-x/ab/zz");
        assert_eq!(
            ocfl_place(&extension),
            Some(OcflPlace::InRootExtensions { root: root.clone() })
        );
        std::fs::write(extension.join(OBJECT_DECLARATION), "ocfl_object_1.1\n").unwrap();
        // An object, a bag inside one, and what is not there are judged
        // as they are.
        for judged in [
            &object,
            &object.join("v1/content/bag"),
            &root.join("none"),
            &extension,
        ] {
            assert_eq!(ocfl_place(judged), None, "{}", judged.display());
        }
    }

    #[test]
    fn object_roots_are_told_from_bags() {
        let dir = tempfile::tempdir().unwrap();
        assert!(is_object_root(dir.path()), "an empty directory");
        std::fs::write(dir.path().join("inventory.json"), "{}").unwrap();
        assert!(is_object_root(dir.path()));
        std::fs::write(dir.path().join("bagit.txt"), "").unwrap();
        assert!(!is_object_root(dir.path()));
        let file = dir.path().join("bagit.txt");
        assert!(!is_object_root(&file), "a file");
    }
}
