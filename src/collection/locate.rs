//! Finding each document's file: in the collection directory, then in each
//! `--source` directory, in the order given.
//!
//! A record's path is looked up as written; when no file has that name, a
//! name equal to it in Unicode NFC is taken instead, component by
//! component, so a name written decomposed (NFD, as macOS made them) is
//! found from a record written composed, and the other way round. A
//! symbolic link is followed when its target is a regular file inside the
//! directory it was found in; a link leading out of it, a broken link and a
//! link loop are errors, and so is anything that is not a regular file.
//! Only metadata is read here: nothing is opened for writing, ever.

use std::collections::HashMap;
use std::fs::{self, FileType};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::LoadedRecords;
use crate::error::{Error, IoContext, RecordError, RecordErrors, Result};
use crate::finding::{Code, Finding};
use crate::names::nfc;

/// Where a document's bytes are, if anywhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The file was found.
    Held(Found),
    /// Not found, but the record declares a checksum: the document is
    /// catalogued without its bytes (and, where `strict` requires every
    /// file, an error says so).
    NotHeld,
    /// Neither: not found though the record declares no checksum, or found
    /// but not a regular file inside its directory. An error says which.
    Unpackable {
        /// Whether what the error is about is in the collection directory
        /// (not in a `--source` one, and not missing).
        in_collection: bool,
    },
}

/// A document file found on disk: only what differs from the record is
/// kept, so that a large collection's locations take little memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Its size when it was found, for a progress bar's total: the size
    /// that counts is the one read.
    pub size: u64,
    place: u32,
    /// Set for the few files found under another name or through links:
    /// 32 bytes a location rather than 56.
    unusual: Option<Box<Unusual>>,
}

/// What only some found files have.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Unusual {
    disk_name: Option<Box<str>>,
    link_target: Option<Box<Path>>,
}

impl Found {
    /// A file found in the directory `place` (see [`Found::place`]), under
    /// `disk_name` if that is not the record's path, through links to
    /// `link_target`, `size` bytes long.
    pub fn new(
        place: usize,
        disk_name: Option<Box<str>>,
        link_target: Option<Box<Path>>,
        size: u64,
    ) -> Found {
        let unusual = (disk_name.is_some() || link_target.is_some()).then(|| {
            Box::new(Unusual {
                disk_name,
                link_target,
            })
        });
        Found {
            size,
            place: u32::try_from(place).expect("fewer than 2^32 source directories"),
            unusual,
        }
    }

    /// The directory it was found in, an index into [`Located::places`]:
    /// the collection's (0), then each `--source` in order.
    pub fn place(&self) -> usize {
        self.place as usize
    }

    /// Its path under that directory as it is on disk, `/`-separated, when
    /// that is not the record's path but one equal to it in NFC.
    pub fn disk_name(&self) -> Option<&str> {
        self.unusual.as_ref()?.disk_name.as_deref()
    }

    /// The regular file to read, when symbolic links lead to it; otherwise
    /// it is the path as found.
    pub fn link_target(&self) -> Option<&Path> {
        self.unusual.as_ref()?.link_target.as_deref()
    }

    /// Its path under its directory as it is on disk, given the record's
    /// path `file`.
    pub fn name<'a>(&'a self, file: &'a str) -> &'a str {
        self.disk_name().unwrap_or(file)
    }
}

/// The location of every document, in record order, and warnings about
/// documents that are catalogued but not held.
#[derive(Clone, Debug)]
pub struct Located {
    /// The directories looked in: the collection's, then each `--source`.
    pub places: Vec<PathBuf>,
    /// One location per document, in record order.
    pub locations: Vec<Location>,
    /// Warnings (documents not held).
    pub warnings: Vec<Finding>,
}

impl Located {
    /// The path of a file as found (`<place>/<name>`), before links are
    /// followed, given its record's path `file`.
    pub fn path(&self, found: &Found, file: &str) -> PathBuf {
        self.places[found.place()].join(found.name(file))
    }

    /// The regular file to read, given its record's path `file`: a path
    /// under a directory (the target of links is absolute, and the
    /// directory then plays no part).
    pub fn target<'a>(&'a self, found: &'a Found, file: &'a str) -> (&'a Path, &'a Path) {
        match found.link_target() {
            Some(target) => (Path::new(""), target),
            None => (&self.places[found.place()], Path::new(found.name(file))),
        }
    }
}

/// Fails unless every directory of `dirs` is one, and can be searched: a
/// mistyped `--source` would otherwise leave its documents catalogued
/// without their files, and say nothing, and one that cannot be searched
/// would make each document looked for in it an error of its own. One
/// that can be searched but not listed (mode 711) is a source: its files
/// are found by their names.
pub fn require_dirs(dirs: &[PathBuf]) -> Result<()> {
    for dir in dirs {
        if !metadata_saying_why(dir).at(dir)?.is_dir() {
            let error = io::Error::new(io::ErrorKind::NotADirectory, "not a directory");
            return Err(Error::io(dir, error));
        }
    }
    Ok(())
}

/// The metadata of `path`, or why it cannot be had; a directory must be
/// one that can be searched ([`searchable`] says why not), whether it is
/// what refuses its own metadata (named from within itself) or not.
pub fn metadata_saying_why(path: &Path) -> io::Result<fs::Metadata> {
    let metadata = fs::metadata(path).or_else(|error| {
        if error.kind() == io::ErrorKind::PermissionDenied {
            searchable(path)?;
        }
        Err(error)
    })?;
    if metadata.is_dir() {
        // Found as named: no need to look for it from the root.
        can_search(path)?;
    }
    Ok(metadata)
}

/// `path` with each `..` taking away the name before it, as the shell's
/// `cd` has it: to name a directory from the root when the working
/// directory, under it, cannot be searched.
fn without_dot_dot(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Whether `path` is a collection directory, one holding
/// `collection.toml`. A directory that cannot be searched is an error
/// saying so: whether it holds the file cannot be told, and taken for a
/// bag it would be said to lack `bagit.txt`.
pub fn is_collection(path: &Path) -> Result<bool> {
    match metadata_saying_why(path) {
        Ok(metadata)
            if metadata.is_file() && path.file_name() == Some(super::COLLECTION_FILE.as_ref()) =>
        {
            Err(file_for_collection(path))
        }
        Ok(metadata) => Ok(metadata.is_dir() && path.join(super::COLLECTION_FILE).is_file()),
        Err(error) if error.kind() == io::ErrorKind::PermissionDenied => {
            Err(Error::io(path, error))
        }
        // Missing: as a bundle, it is said to be.
        Err(_) => Ok(false),
    }
}

/// The error for `file` given where a collection's directory is wanted:
/// most often its `collection.toml`.
pub(crate) fn file_for_collection(file: &Path) -> Error {
    let message = format!(
        "a file, where a collection's directory is wanted: give the directory that holds {}",
        super::COLLECTION_FILE
    );
    Error::io(file, io::Error::other(message))
}

/// Fails, saying why, if the directory `dir` cannot be searched: going
/// through a directory takes search permission, which reading its list of
/// names does not, and "Permission denied" alone does not say which is
/// missing. Said only when `dir` itself is found, so that a directory
/// above it that cannot be searched is not blamed on it.
pub fn searchable(dir: &Path) -> io::Result<()> {
    // A relative path is found from the working directory, which may be
    // the directory itself (`.`, `../col`) or under one that cannot be
    // searched: it is then looked at from the root, as the working
    // directory's own path names it.
    let Err(error) = fs::metadata(dir) else {
        return can_search(dir);
    };
    match std::env::current_dir().map(|cwd| without_dot_dot(&cwd.join(dir))) {
        Ok(from_root) if fs::metadata(&from_root).is_ok() => can_search(&from_root),
        _ => Err(error),
    }
}

/// Fails, saying why, if `dir`, a directory found, cannot be searched.
fn can_search(dir: &Path) -> io::Result<()> {
    let Err(error) = fs::symlink_metadata(dir.join(".")) else {
        return Ok(());
    };
    if error.kind() != io::ErrorKind::PermissionDenied {
        return Err(error);
    }
    let why = format!(
        "{error}: the directory cannot be searched (it lacks execute permission for this \
         user), so no file in it can be opened"
    );
    Err(io::Error::new(error.kind(), why))
}

/// Looks for every document's file. A missing file is an error unless the
/// record declares a checksum; with `strict`, it is an error anyway.
pub fn locate(
    loaded: &LoadedRecords,
    sources: &[PathBuf],
    strict: bool,
) -> Result<Located, RecordErrors> {
    let (located, errors) = locate_all(loaded, sources, strict);
    if errors.is_empty() {
        Ok(located)
    } else {
        Err(RecordErrors(errors))
    }
}

/// Looks for every document's file, as [`locate`] does, and goes on past
/// the errors: each document they are about is [`Location::Unpackable`],
/// except one not held that `strict` alone makes an error, which is still
/// [`Location::NotHeld`].
pub fn locate_all(
    loaded: &LoadedRecords,
    sources: &[PathBuf],
    strict: bool,
) -> (Located, Vec<RecordError>) {
    let places: Vec<PathBuf> = std::iter::once(loaded.dir.clone())
        .chain(sources.iter().cloned())
        .collect();
    let mut errors: Vec<RecordError> = Vec::new();
    let roots: Vec<Root> = places.iter().map(|dir| Root::new(dir)).collect();
    let records = &loaded.records;
    // Looking up a file is a few system calls: many at once, in order.
    let found: Vec<Option<Result<Found, (usize, String)>>> = (0..records.len())
        .into_par_iter()
        .map(|index| {
            let file = records.file(index);
            // A place that cannot be searched for it (a directory without
            // permission) may hide it: the next is looked in, and its
            // error stands only if no place has it.
            let mut hidden = None;
            for (place, root) in roots.iter().enumerate() {
                match root.find(file) {
                    Ok(Some((disk_name, link_target, size))) => {
                        return Some(Ok(Found::new(place, disk_name, link_target, size)));
                    }
                    Ok(None) => {}
                    Err(message) if cannot_look(&root.dir.join(file)) => {
                        hidden.get_or_insert((place, message));
                    }
                    Err(message) => return Some(Err((place, message))),
                }
            }
            hidden.map(Err)
        })
        .collect();
    let mut located = Located {
        places,
        locations: Vec::with_capacity(records.len()),
        warnings: Vec::new(),
    };
    for (index, found) in found.into_iter().enumerate() {
        let file = records.file(index);
        match found {
            Some(Ok(hit)) => {
                located.locations.push(Location::Held(hit));
                continue;
            }
            Some(Err((place, message))) => {
                errors.push(loaded.document_error(index, "file", message));
                located.locations.push(Location::Unpackable {
                    in_collection: place == 0,
                });
                continue;
            }
            None => {}
        }
        let looked_in = located
            .places
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        if !records.declares_sha256(index) {
            errors.push(loaded.document_error(
                index,
                "file",
                format!(
                    "{file:?} not found (looked in {looked_in}) and the record declares no \
                     sha256, so it cannot be catalogued without its bytes"
                ),
            ));
            located.locations.push(Location::Unpackable {
                in_collection: false,
            });
        } else if strict {
            errors.push(loaded.document_error(
                index,
                "file",
                format!("{file:?} not found (looked in {looked_in}); --strict requires every file"),
            ));
            located.locations.push(Location::NotHeld);
        } else {
            located.warnings.push(Finding::warning(
                Code::DocumentNotHeld,
                file,
                format!(
                    "{}: file not found (looked in {looked_in}); it is catalogued with its \
                     declared sha256 but not held",
                    loaded.document_file_place(index)
                ),
            ));
            located.locations.push(Location::NotHeld);
        }
    }
    (located, errors)
}

/// A directory files are looked for in, with the real paths of its
/// directories as they are first needed.
struct Root<'a> {
    dir: &'a Path,
    /// The directory's real path, every link resolved.
    canonical: io::Result<PathBuf>,
    /// For each directory under it (by path under it), whether it is
    /// itself, with no link on the way.
    plain_dirs: Mutex<HashMap<PathBuf, bool>>,
    listings: Listings,
}

/// A file's name on disk when it is not the record's, its target when
/// links lead to it, and its size.
type Hit = (Option<Box<str>>, Option<Box<Path>>, u64);

impl<'a> Root<'a> {
    fn new(dir: &'a Path) -> Root<'a> {
        Root {
            dir,
            canonical: fs::canonicalize(dir),
            plain_dirs: Mutex::new(HashMap::new()),
            listings: Listings::default(),
        }
    }

    /// Looks for `file`: `Ok(None)` if nothing here has its name, `Err` (a
    /// message) if something does but cannot be packed.
    fn find(&self, file: &str) -> Result<Option<Hit>, String> {
        let Some((name, metadata)) = disk_name(self.dir, file, &self.listings)? else {
            return Ok(None);
        };
        let path = self.dir.join(&name);
        // A regular file whose directories are all plain is read where it
        // is; anything else has its links followed and checked.
        let plain_file = metadata.is_file()
            && Path::new(&name)
                .parent()
                .is_none_or(|parent| self.is_plain_dir(parent));
        let disk_name = (name != file).then(|| name.into_boxed_str());
        if plain_file {
            return Ok(Some((disk_name, None, metadata.len())));
        }
        let (target, size) = self.resolve(&path)?;
        Ok(Some((disk_name, Some(target.into_boxed_path()), size)))
    }

    /// Whether the directory `relative` under the root is reached with no
    /// link on the way.
    fn is_plain_dir(&self, relative: &Path) -> bool {
        if relative.as_os_str().is_empty() {
            return true;
        }
        if let Some(&plain) = self
            .plain_dirs
            .lock()
            .expect("no lookup panicked")
            .get(relative)
        {
            return plain;
        }
        let plain = match (&self.canonical, fs::canonicalize(self.dir.join(relative))) {
            (Ok(root), Ok(real)) => real == root.join(relative),
            _ => false,
        };
        let mut plain_dirs = self.plain_dirs.lock().expect("no lookup panicked");
        plain_dirs.insert(relative.to_path_buf(), plain);
        plain
    }

    /// Follows the links of `path` (found under the root) and checks that
    /// it is a regular file inside the root; returns its real path and
    /// its size.
    fn resolve(&self, path: &Path) -> Result<(PathBuf, u64), String> {
        let shown = path.display();
        let root = self
            .canonical
            .as_ref()
            .map_err(|error| format!("{}: {error}", self.dir.display()))?;
        let target = real_path_inside(path, self.dir, root)?;
        let metadata = fs::metadata(&target).map_err(|error| format!("{shown}: {error}"))?;
        if !metadata.is_file() {
            return Err(format!(
                "{shown} is {}, not a regular file",
                describe_kind(metadata.file_type())
            ));
        }
        Ok((target, metadata.len()))
    }
}

/// The real path of `path`, its links followed, if it is inside `dir`
/// (whose real path is `real_dir`): only links to files inside a
/// directory are followed. An error says why not.
pub(crate) fn real_path_inside(
    path: &Path,
    dir: &Path,
    real_dir: &Path,
) -> Result<PathBuf, String> {
    let shown = path.display();
    let target = fs::canonicalize(path).map_err(|error| match link_problem(&error) {
        Some(problem) => format!("{shown} is {problem}"),
        None => format!("{shown}: {error}"),
    })?;
    if !target.starts_with(real_dir) {
        return Err(format!(
            "{shown} is a symbolic link to {}, outside {}: only links to files inside the \
             directory are followed",
            target.display(),
            dir.display()
        ));
    }
    Ok(target)
}

/// The name under `root` that `file` means: itself if it exists, else the
/// one name whose components are equal to its own in NFC; with what it is
/// (links not followed).
pub(crate) fn disk_name(
    root: &Path,
    file: &str,
    listings: &Listings,
) -> Result<Option<(String, fs::Metadata)>, String> {
    if let Ok(metadata) = root.join(file).symlink_metadata() {
        return Ok(Some((file.to_string(), metadata)));
    }
    let mut dir = root.to_path_buf();
    let mut name = Vec::new();
    for component in file.split('/') {
        let mut matches = listings.names_meaning(&dir, component);
        let chosen = match matches.len() {
            0 => return Ok(None),
            1 => matches.remove(0),
            _ => {
                return Err(format!(
                    "{file:?} is ambiguous: {} hold names {matches:?}, all equal to it \
                     in Unicode NFC; rename all but one",
                    dir.display()
                ));
            }
        };
        dir.push(&chosen);
        name.push(chosen);
    }
    match dir.symlink_metadata() {
        Ok(metadata) => Ok(Some((name.join("/"), metadata))),
        Err(error) if !exists_or_hidden(&error) => Ok(None),
        Err(error) => Err(format!("{}: {error}", crate::error::shown(&dir))),
    }
}

/// Every path under `root` that `file` names, whether or not it can be
/// packed: the one [`disk_name`] finds, or each of those that make it
/// ambiguous; none if nothing has its name.
pub(crate) fn named_paths(root: &Path, file: &str, listings: &Listings) -> Vec<String> {
    let mut paths = vec![String::new()];
    for component in file.split('/') {
        paths = paths
            .into_iter()
            .flat_map(|parent| {
                (listings.names_meaning(&root.join(&parent), component))
                    .into_iter()
                    .map(move |name| {
                        if parent.is_empty() {
                            name
                        } else {
                            format!("{parent}/{name}")
                        }
                    })
            })
            .collect();
    }
    paths
}

/// The names of the directories a name was missing from, by their NFC
/// form: each directory is read once, however many records name files it
/// lacks (a collection cataloguing thousands of documents it does not
/// hold read its directory once for each of them).
#[derive(Default)]
pub(crate) struct Listings(Mutex<HashMap<PathBuf, Arc<Listing>>>);

/// A directory's names, by their NFC form, sorted.
type Listing = HashMap<String, Vec<String>>;

impl Listings {
    /// The names in `dir` that the path component `component` means:
    /// itself if it exists, else those equal to it in NFC, sorted.
    fn names_meaning(&self, dir: &Path, component: &str) -> Vec<String> {
        if exists(&dir.join(component)) {
            return vec![component.to_string()];
        }
        let listing = self.listing(dir);
        listing
            .get(nfc(component).as_ref())
            .cloned()
            .unwrap_or_default()
    }

    fn listing(&self, dir: &Path) -> Arc<Listing> {
        if let Some(listing) = self.0.lock().expect("no lookup panicked").get(dir) {
            return Arc::clone(listing);
        }
        let mut listing = Listing::new();
        let names = fs::read_dir(dir).into_iter().flatten();
        for name in names.filter_map(|entry| entry.ok()?.file_name().into_string().ok()) {
            listing
                .entry(nfc(&name).into_owned())
                .or_default()
                .push(name);
        }
        for names in listing.values_mut() {
            names.sort();
        }
        let listing = Arc::new(listing);
        let mut listings = self.0.lock().expect("no lookup panicked");
        listings.insert(dir.to_path_buf(), Arc::clone(&listing));
        listing
    }
}

/// Whether anything (a file, a directory, a link, broken or not) has this
/// path, or it cannot be told: a directory that cannot be searched hides
/// what it holds, and the file's opening then says why it cannot be read,
/// where taking it for missing would leave it out unsaid.
fn exists(path: &Path) -> bool {
    path.symlink_metadata()
        .map_or_else(|error| exists_or_hidden(&error), |_| true)
}

/// Whether looking at `path` is refused, so that what it holds is not
/// known: not that it is not there.
fn cannot_look(path: &Path) -> bool {
    path.symlink_metadata()
        .is_err_and(|error| exists_or_hidden(&error))
}

/// Whether `error`, looking at a path, leaves it possible that something
/// has the path: all but its not being there, or its name being one no
/// file can have here (too long).
fn exists_or_hidden(error: &io::Error) -> bool {
    !matches!(
        error.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory | io::ErrorKind::InvalidFilename
    )
}

/// What is wrong with a path that cannot be resolved, if it is a link
/// problem.
fn link_problem(error: &io::Error) -> Option<&'static str> {
    if error.kind() == io::ErrorKind::NotFound {
        return Some("a broken symbolic link (its target does not exist)");
    }
    #[cfg(unix)]
    if error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
        return Some("a symbolic link loop");
    }
    None
}

/// "a directory", "a FIFO", ...: what a path is when it is not a file.
fn describe_kind(kind: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_listed_once_however_many_names_it_lacks() {
        let dir = tempfile::tempdir().unwrap();
        let composed = "caf\u{e9}.txt";
        let listings = Listings::default();
        assert!(listings.names_meaning(dir.path(), composed).is_empty());
        // Made after the directory was listed: not seen by these listings.
        fs::write(dir.path().join("cafe\u{301}.txt"), "1").unwrap();
        assert!(listings.names_meaning(dir.path(), composed).is_empty());
        assert_eq!(
            Listings::default().names_meaning(dir.path(), composed),
            ["cafe\u{301}.txt"]
        );
        // Names equal in NFC all come back, sorted; a name that exists is
        // itself.
        fs::write(dir.path().join("e\u{327}\u{301}.txt"), "2").unwrap();
        fs::write(dir.path().join("e\u{301}\u{327}.txt"), "3").unwrap();
        let nfc_form = "\u{229}\u{301}.txt";
        assert_eq!(
            Listings::default().names_meaning(dir.path(), nfc_form),
            ["e\u{301}\u{327}.txt", "e\u{327}\u{301}.txt"]
        );
        assert_eq!(
            Listings::default().names_meaning(dir.path(), "e\u{327}\u{301}.txt"),
            ["e\u{327}\u{301}.txt"]
        );
    }

    #[test]
    fn a_location_takes_32_bytes_and_keeps_what_is_unusual() {
        assert_eq!(std::mem::size_of::<Location>(), 32);
        let plain = Found::new(1, None, None, 7);
        assert_eq!(
            (plain.place(), plain.name("a.txt"), plain.link_target()),
            (1, "a.txt", None)
        );
        let linked = Found::new(
            0,
            Some("a\u{301}.txt".into()),
            Some(Path::new("/t").into()),
            7,
        );
        assert_eq!(linked.name("á.txt"), "a\u{301}.txt");
        assert_eq!(linked.link_target(), Some(Path::new("/t")));
    }

    fn found(root: &Path, file: &str) -> Result<Option<String>, String> {
        let hit = Root::new(root).find(file)?;
        Ok(hit.map(|(disk_name, _, _)| disk_name.map_or(file.to_string(), String::from)))
    }

    #[test]
    fn names_equal_in_nfc_are_found_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let decomposed = "U\u{308}berblick/cafe\u{301}.txt";
        fs::create_dir(dir.path().join("U\u{308}berblick")).unwrap();
        fs::write(dir.path().join(decomposed), "x").unwrap();
        fs::write(dir.path().join("\u{e9}t\u{e9}.txt"), "y").unwrap();
        let composed = "\u{dc}berblick/caf\u{e9}.txt";
        assert_eq!(found(dir.path(), composed), Ok(Some(decomposed.into())));
        assert_eq!(found(dir.path(), decomposed), Ok(Some(decomposed.into())));
        assert_eq!(
            found(dir.path(), "e\u{301}te\u{301}.txt"),
            Ok(Some("\u{e9}t\u{e9}.txt".into()))
        );
        assert_eq!(found(dir.path(), "absent.txt"), Ok(None));
    }

    #[test]
    fn two_names_equal_in_nfc_are_ambiguous_unless_one_is_exact() {
        let dir = tempfile::tempdir().unwrap();
        // e, cedilla, acute: in canonical order, and as NFC writes it.
        let ordered = "e\u{327}\u{301}";
        let composed = "\u{229}\u{301}";
        fs::write(dir.path().join(ordered), "x").unwrap();
        fs::write(dir.path().join(composed), "y").unwrap();
        assert_eq!(found(dir.path(), ordered), Ok(Some(ordered.into())));
        assert_eq!(found(dir.path(), composed), Ok(Some(composed.into())));
        let message = found(dir.path(), "e\u{301}\u{327}").unwrap_err();
        assert!(message.contains("is ambiguous"), "{message}");
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_are_followed_and_others_refused() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("c");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("sub/real.txt"), "x").unwrap();
        fs::write(dir.path().join("outside.txt"), "o").unwrap();
        symlink("sub/real.txt", root.join("inside")).unwrap();
        symlink("../outside.txt", root.join("out")).unwrap();
        symlink("nowhere", root.join("broken")).unwrap();
        symlink("loop-b", root.join("loop-a")).unwrap();
        symlink("loop-a", root.join("loop-b")).unwrap();
        symlink("sub", root.join("dir")).unwrap();

        let dir_root = Root::new(&root);
        let (disk_name, target, size) = dir_root.find("inside").unwrap().unwrap();
        // The size is the target's, not the link's.
        assert_eq!(size, 1);
        assert_eq!(
            target.as_deref(),
            Some(
                fs::canonicalize(root.join("sub/real.txt"))
                    .unwrap()
                    .as_path()
            )
        );
        assert_eq!(disk_name, None);
        assert_eq!(
            dir_root.find("sub/real.txt").unwrap(),
            Some((None, None, 1))
        );
        assert_eq!(
            dir_root.find("dir/real.txt").unwrap().unwrap().1.as_deref(),
            Some(
                fs::canonicalize(root.join("sub/real.txt"))
                    .unwrap()
                    .as_path()
            ),
            "a file reached through a linked directory has its real path"
        );
        let error = |file| dir_root.find(file).unwrap_err();
        assert!(error("out").contains("outside"), "{}", error("out"));
        assert!(error("broken").contains("broken symbolic link"));
        assert!(error("loop-a").contains("symbolic link loop"));
        assert!(error("dir").contains("a directory, not a regular file"));
        assert!(error("sub").contains("a directory"));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_not_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::RUSR).unwrap();
        let message = Root::new(dir.path()).find("pipe").unwrap_err();
        assert!(
            message.ends_with("is a FIFO (named pipe), not a regular file"),
            "{message}"
        );
    }
}
