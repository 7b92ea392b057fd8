//! What the output path of `export ocfl` is ([`Target`]): nothing or an
//! empty directory (a new object), an object (a new version), or something
//! `--force` replaces; and the places it may never be, inside an object or
//! among a storage root's own files.

use std::fs;
use std::path::{Path, PathBuf};

use super::conflict;
use crate::collection::CollectionInfo;
use crate::error::{Error, IoContext, Result};
use crate::ocfl::layout::{KNOWN_LAYOUTS, RootLayout, StorageLayout};
use crate::ocfl::{Declared, Inventory, SpecVersion};

/// What the output path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Target {
    /// Nothing, or an empty directory: a new object.
    Create,
    /// Something else, to be replaced (`--force`).
    Replace,
    /// An OCFL object: a new version.
    AddVersion,
}

impl Target {
    /// What `object` is, before any work. Refused whatever `force` says: a
    /// storage root, a place inside an object or among a storage root's
    /// own files, and, to be replaced, a directory holding OCFL data. An
    /// object is never replaced: it gets a version.
    pub(super) fn of(object: &Path, force: bool) -> Result<Target> {
        check_place(object)?;
        let Ok(metadata) = object.symlink_metadata() else {
            return Ok(Target::Create);
        };
        if metadata.is_dir() {
            match crate::ocfl::declared(object) {
                Some(Declared::StorageRoot) => {
                    return Err(conflict(
                        object,
                        "is an OCFL storage root (it has a `0=ocfl_…` declaration), which is never replaced, even with --force: export into an object path inside it (OCFL 1.1 §4.1)",
                    ));
                }
                Some(Declared::Object) => return Ok(Target::AddVersion),
                None => {}
            }
            let empty = fs::read_dir(object).at(object)?.next().is_none();
            if empty {
                return Ok(Target::Create);
            }
            if crate::ocfl::is_object_root(object) {
                return Ok(Target::AddVersion);
            }
            if force && let Some(held) = ocfl_data_within(object)? {
                return Err(conflict(
                    object,
                    &format!(
                        "holds OCFL data ({}), which --force never deletes: choose another output",
                        held.display()
                    ),
                ));
            }
        }
        if force {
            Ok(Target::Replace)
        } else {
            Err(Error::OutputExists(object.to_path_buf()))
        }
    }
}

/// Where the object goes, given the output path: the storage root's layout
/// (`ocfl_layout.json`) says where, when the root declares one corpack
/// knows ([`StorageLayout`]).
#[derive(Clone, Debug)]
pub(super) enum Placement {
    /// At the output path, which no known layout governs: outside any
    /// storage root, or in one that declares no layout or one corpack does
    /// not know.
    AsGiven,
    /// The output is a storage root: the object goes where its layout puts
    /// the object's id.
    Into {
        /// The storage root.
        root: PathBuf,
        /// Its layout.
        layout: StorageLayout,
    },
    /// The output is in a storage root: a new object must be where its
    /// layout puts the object's id.
    Checked {
        /// The storage root.
        root: PathBuf,
        /// Its layout.
        layout: StorageLayout,
    },
}

impl Placement {
    /// How the object at `output` is placed, before any work: a storage
    /// root given as the output must declare a layout corpack knows, and
    /// the layout of the storage root the output is in must be readable.
    pub(super) fn of(output: &Path) -> Result<Placement> {
        let path = resolved(output)?;
        let Some(root) = path
            .ancestors()
            .find(|dir| crate::ocfl::declared(dir) == Some(Declared::StorageRoot))
        else {
            return Ok(Placement::AsGiven);
        };
        let layout = RootLayout::of(root).map_err(|(file, message)| {
            conflict(
                output,
                &format!(
                    "is in the OCFL storage root {}, whose storage layout cannot be read: {}: {message}",
                    root.display(),
                    file.display()
                ),
            )
        })?;
        let into = root == path;
        let root = root.to_path_buf();
        Ok(match (layout, into) {
            (RootLayout::Known(layout), true) => Placement::Into { root, layout },
            (RootLayout::Known(layout), false) => Placement::Checked { root, layout },
            (RootLayout::Undeclared, true) => {
                return Err(conflict(
                    output,
                    "is an OCFL storage root that declares no storage layout (it has no ocfl_layout.json), so corpack cannot tell where the object goes in it: export into the object's path inside it (OCFL 1.1 §4.1); a storage root is never replaced, even with --force",
                ));
            }
            (RootLayout::Unknown(name), true) => {
                return Err(conflict(
                    output,
                    &format!(
                        "is an OCFL storage root whose storage layout, {name}, is not one corpack knows ({}), so corpack cannot tell where the object goes in it: export into the object's path inside it (OCFL 1.1 §4.1); a storage root is never replaced, even with --force",
                        KNOWN_LAYOUTS.join(", ")
                    ),
                ));
            }
            (RootLayout::Undeclared | RootLayout::Unknown(_), false) => Placement::AsGiven,
        })
    }

    /// The object's path for the id `id`: the output, or where the root's
    /// layout puts it. A storage root's layout that cannot place `id` is an
    /// error saying why.
    pub(super) fn object_path(&self, output: &Path, id: &str) -> Result<PathBuf> {
        match self {
            Placement::AsGiven | Placement::Checked { .. } => Ok(output.to_path_buf()),
            Placement::Into { root, layout } => Ok(output.join(layout_path(root, layout, id)?)),
        }
    }

    /// Refuses a new object at `object` that is not where the storage
    /// root's layout puts `id`, naming that place.
    pub(super) fn check_new(&self, object: &Path, id: &str) -> Result<()> {
        let Placement::Checked { root, layout } = self else {
            return Ok(());
        };
        let expected = root.join(layout_path(root, layout, id)?);
        if resolved(object)? == expected {
            return Ok(());
        }
        Err(conflict(
            object,
            &format!(
                "is not where the OCFL storage root {} keeps the object {id}: its layout, {}, puts it at {}: export there, or into the storage root itself (-o {}), which puts it there (an object elsewhere in the root could not be found by its id)",
                root.display(),
                layout.name(),
                expected.display(),
                root.display()
            ),
        ))
    }
}

/// Where `layout` puts the object `id` in `root`, relative to it.
fn layout_path(root: &Path, layout: &StorageLayout, id: &str) -> Result<PathBuf> {
    layout.object_path(id).map_err(|why| {
        conflict(
            root,
            &format!(
                "is an OCFL storage root whose storage layout, {}, cannot place the object {id}: {why}",
                layout.name()
            ),
        )
    })
}

/// Refuses an output inside an OCFL object, or among a storage root's own
/// files: either would make the object or the storage root invalid.
fn check_place(object: &Path) -> Result<()> {
    let path = resolved(object)?;
    let mut below = path.file_name();
    for dir in path.ancestors().skip(1) {
        match crate::ocfl::declared(dir) {
            Some(Declared::Object) => {
                return Err(conflict(
                    object,
                    &format!(
                        "lies inside the OCFL object {}, which holds nothing but what OCFL specifies (OCFL 1.1 §3.1 E001, §3.3 E015, §3.3.1 E023): choose an output outside it",
                        dir.display()
                    ),
                ));
            }
            Some(Declared::StorageRoot) if below.is_some_and(is_storage_root_own) => {
                return Err(conflict(
                    object,
                    &format!(
                        "is among the OCFL storage root {}'s own files (its declaration, layout and extensions; OCFL 1.1 §4.1 E088, §4.4 E112): choose an object path in its storage hierarchy",
                        dir.display()
                    ),
                ));
            }
            _ => {}
        }
        below = dir.file_name();
    }
    Ok(())
}

/// The specification version a new object at `object` conforms to: OCFL
/// 1.1, but in a storage root that declares OCFL 1.0, whose objects must
/// conform to the same version as the root or an earlier one (OCFL 1.1
/// §4.2, E081), 1.0.
pub(super) fn new_object_version(object: &Path) -> Result<SpecVersion> {
    let path = resolved(object)?;
    let root = (path.ancestors().skip(1))
        .find(|dir| crate::ocfl::declared(dir) == Some(Declared::StorageRoot));
    Ok(root
        .and_then(crate::ocfl::storage_root_version)
        .map_or(SpecVersion::V1_1, |version| version.min(SpecVersion::V1_1)))
}

/// `path` made absolute with its existing directories resolved (symbolic
/// links, `..`) and the rest as written: where it would be written.
pub(super) fn resolved(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path).at(path)?;
    let mut rest = Vec::new();
    let mut existing = absolute.as_path();
    while let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) {
        rest.push(name);
        existing = parent;
        if let Ok(canonical) = existing.canonicalize() {
            return Ok(rest
                .iter()
                .rev()
                .fold(canonical, |path, name| path.join(name)));
        }
    }
    Ok(existing.canonicalize().unwrap_or(absolute))
}

/// Whether `name`, directly in a storage root, is one of the root's own
/// files rather than its storage hierarchy: its declaration, a copy of the
/// specification, `ocfl_layout.json` and `extensions` (§4.1, §4.4).
fn is_storage_root_own(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name == crate::ocfl::EXTENSIONS
        || name == "ocfl_layout.json"
        || name.starts_with("0=")
        || (name.starts_with("ocfl_") && name.ends_with(".md"))
}

/// The first OCFL object or storage root under `dir`, relative to it.
fn ocfl_data_within(dir: &Path) -> Result<Option<PathBuf>> {
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(|error| Error::io(dir, error.into()))?;
        if entry.file_type().is_dir() && crate::ocfl::declared(entry.path()).is_some() {
            let held = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            return Ok(Some(held.to_path_buf()));
        }
    }
    Ok(None)
}

/// The object must be this collection's, and its head no newer than the
/// bundle: a version's `created` is its collection's date.
pub(super) fn check_same_collection(
    object: &Path,
    inventory: &Inventory,
    id: &str,
    info: &CollectionInfo,
) -> Result<()> {
    if inventory.id != id {
        return Err(Error::OutputConflict {
            path: object.to_path_buf(),
            message: format!(
                "the OCFL object is `{}`, not `{id}`: it holds another collection (choose another output; an OCFL object is never replaced)",
                inventory.id
            ),
        });
    }
    let head_date = inventory
        .head_version()
        .and_then(|v| chrono::DateTime::parse_from_rfc3339(&v.created).ok())
        .map(|created| created.date_naive());
    if let Some(head_date) = head_date
        && info.date.date() < head_date
    {
        return Err(Error::OutputConflict {
            path: object.to_path_buf(),
            message: format!(
                "the bundle's collection date {} is before the object's head version {} ({head_date}): export a newer bundle",
                info.date, inventory.head
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocfl::OBJECT_DECLARATION;

    #[test]
    fn targets_are_classified_before_any_work() {
        let dir = tempfile::tempdir().unwrap();
        let absent = dir.path().join("absent");
        assert_eq!(Target::of(&absent, false).unwrap(), Target::Create);
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        assert_eq!(Target::of(&empty, false).unwrap(), Target::Create);
        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        assert!(matches!(
            Target::of(&file, false),
            Err(Error::OutputExists(_))
        ));
        assert_eq!(Target::of(&file, true).unwrap(), Target::Replace);
        let object = dir.path().join("object");
        fs::create_dir(&object).unwrap();
        fs::write(object.join(OBJECT_DECLARATION), "ocfl_object_1.1\n").unwrap();
        assert_eq!(Target::of(&object, false).unwrap(), Target::AddVersion);
        assert_eq!(Target::of(&object, true).unwrap(), Target::AddVersion);
    }

    #[test]
    fn a_new_object_conforms_to_its_storage_root() {
        let dir = tempfile::tempdir().unwrap();
        let object = dir.path().join("root/ab/object");
        assert_eq!(new_object_version(&object).unwrap(), SpecVersion::V1_1);
        fs::create_dir_all(object.parent().unwrap()).unwrap();
        let declaration = dir.path().join("root/0=ocfl_1.0");
        fs::write(&declaration, "ocfl_1.0\n").unwrap();
        assert_eq!(new_object_version(&object).unwrap(), SpecVersion::V1_0);
        fs::remove_file(&declaration).unwrap();
        fs::write(dir.path().join("root/0=ocfl_1.1"), "ocfl_1.1\n").unwrap();
        assert_eq!(new_object_version(&object).unwrap(), SpecVersion::V1_1);
    }

    #[test]
    fn ocfl_data_is_never_replaced_nor_written_into() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        let object = root.join("ab/object");
        fs::create_dir_all(object.join("v1/content")).unwrap();
        fs::create_dir_all(root.join("extensions")).unwrap();
        fs::write(root.join("0=ocfl_1.1"), "ocfl_1.1\n").unwrap();
        fs::write(root.join("ocfl_layout.json"), "{}").unwrap();
        fs::write(object.join(OBJECT_DECLARATION), "ocfl_object_1.1\n").unwrap();
        let conflict = |path: &Path, force: bool| {
            matches!(Target::of(path, force), Err(Error::OutputConflict { .. }))
        };
        for refused in [
            root.clone(),
            root.join("extensions/x"),
            root.join("ocfl_layout.json"),
            root.join("0=ocfl_1.1"),
            root.join("ocfl_1.1.md"),
            object.join("v1"),
            object.join("v1/content/new"),
            object.join("new"),
            object.join("new/../new"),
        ] {
            for force in [false, true] {
                assert!(conflict(&refused, force), "{} {force}", refused.display());
            }
        }
        // A directory holding objects is not replaced, not even with --force.
        assert!(matches!(
            Target::of(&root.join("ab"), false),
            Err(Error::OutputExists(_))
        ));
        assert!(conflict(&root.join("ab"), true));
        // The storage hierarchy is where objects go.
        assert_eq!(Target::of(&root.join("cd"), false).unwrap(), Target::Create);
        assert_eq!(
            Target::of(&root.join("ab/../ab/object"), true).unwrap(),
            Target::AddVersion
        );
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&object, &link).unwrap();
            assert!(conflict(&link.join("v1/new"), true));
        }
    }
}
