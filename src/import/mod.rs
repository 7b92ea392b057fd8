//! Making a collection directory from what another tool gave: a CSV file
//! of records ([`csv`]) or a BagIt bag ([`bag`]); or from a bundle
//! corpack packed, its records (`import bag` reads its RO-Crate).
//!
//! Both build the whole collection in memory, check it by the same rules
//! as `collection.toml`, and copy or hash every file, before anything is
//! put in place. A new collection directory is written beside its target
//! under a temporary name and renamed into place when complete; into an
//! existing one, the files are written into a temporary directory inside
//! it, then moved into place together, `collection.toml` last: a move that
//! fails undoes those before it, and without `--force` what another
//! program made meanwhile at a file's place stays. Either way
//! the temporary directory is on [`crate::output`]'s list, so a failed
//! import, or one a signal interrupts, leaves nothing behind.

pub mod bag;
mod bundle;
pub mod csv;
pub mod csv_format;

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::bundle::reader::BagStore;
use crate::collection::values::{IsoDate, License, Sha256Hex, Slug};
use crate::collection::{COLLECTION_FILE, Collection, CollectionInfo, Document, write_toml};
use crate::digest::Algorithm;
use crate::digest::chunks::for_each_chunk;
use crate::error::{Error, IoContext, Result};
use crate::finding::{Finding, Severity};
use crate::names::{self, NameCheck, NamePolicy};
use crate::output::{AtomicDir, AtomicFiles, create_dirs_in_temporary, refuse_non_file};
use crate::progress::{NoProgress, Phase, Progress};

/// Collection fields given on the command line. They win over what the
/// source says.
#[derive(Clone, Debug, Default)]
pub struct CollectionFields {
    /// `collection.id`.
    pub id: Option<Slug>,
    /// `collection.title`.
    pub title: Option<String>,
    /// `collection.description`.
    pub description: Option<String>,
    /// `collection.license`.
    pub license: Option<License>,
    /// `collection.date`.
    pub date: Option<IsoDate>,
    /// `collection.source_organization`.
    pub source_organization: Option<String>,
    /// `collection.contact_name`.
    pub contact_name: Option<String>,
    /// `collection.contact_email`.
    pub contact_email: Option<String>,
}

impl From<CollectionInfo> for CollectionFields {
    fn from(info: CollectionInfo) -> CollectionFields {
        CollectionFields {
            id: Some(info.id),
            title: Some(info.title),
            description: Some(info.description),
            license: Some(info.license),
            date: Some(info.date),
            source_organization: info.source_organization,
            contact_name: info.contact_name,
            contact_email: info.contact_email,
        }
    }
}

impl CollectionFields {
    /// `self`, with what it leaves out taken from `source`.
    pub fn or(self, source: CollectionFields) -> CollectionFields {
        CollectionFields {
            id: self.id.or(source.id),
            title: self.title.or(source.title),
            description: self.description.or(source.description),
            license: self.license.or(source.license),
            date: self.date.or(source.date),
            source_organization: self.source_organization.or(source.source_organization),
            contact_name: self.contact_name.or(source.contact_name),
            contact_email: self.contact_email.or(source.contact_email),
        }
    }

    /// The `[collection]` table, or the names of the required fields
    /// missing, each with the flag that gives it.
    pub fn into_info(self) -> Result<CollectionInfo, Vec<&'static str>> {
        let mut missing = Vec::new();
        if self.id.is_none() {
            missing.push("id (--id)");
        }
        if self.title.is_none() {
            missing.push("title (--title)");
        }
        if self.description.is_none() {
            missing.push("description (--description)");
        }
        if self.license.is_none() {
            missing.push("license (--license)");
        }
        if self.date.is_none() {
            missing.push("date (--date)");
        }
        match (
            self.id,
            self.title,
            self.description,
            self.license,
            self.date,
        ) {
            (Some(id), Some(title), Some(description), Some(license), Some(date)) => {
                Ok(CollectionInfo {
                    id,
                    title,
                    description,
                    license,
                    date,
                    source_organization: self.source_organization,
                    contact_name: self.contact_name,
                    contact_email: self.contact_email,
                })
            }
            _ => Err(missing),
        }
    }
}

/// What an import wrote.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ImportReport {
    /// The collection directory.
    pub collection: PathBuf,
    /// Documents recorded.
    pub documents: usize,
    /// Document files copied into the collection directory.
    pub files_copied: usize,
    /// Documents whose checksum the import computed and recorded, as the
    /// source declared none.
    pub checksums_recorded: usize,
    /// Ids of the documents recorded without their file and with the
    /// checksum the source declares: catalogued, not held, as `check` and
    /// `pack` count them until their file is put in the collection.
    pub not_held: Vec<String>,
    /// Ids of the documents recorded with neither their file nor a
    /// checksum (an import without `--files`): not catalogued, so `pack`
    /// must find their files, in the collection directory or a `--source`.
    pub files_needed: Vec<String>,
    /// What is wrong with the source but did not stop the import (a tag
    /// file of a bag that begins with a byte-order mark).
    pub warnings: Vec<Finding>,
    /// Temporary files and directories of interrupted runs removed from
    /// the collection directory, or from beside it.
    pub removed_stale: Vec<PathBuf>,
}

/// A document file to bring into the collection directory.
pub(crate) struct IncomingFile<'a> {
    /// The document's index in the collection.
    pub document: usize,
    /// Where the bytes are.
    pub from: Source<'a>,
}

/// Where the bytes of an incoming file are.
pub(crate) enum Source<'a> {
    /// A file on disk.
    Disk(PathBuf),
    /// A file of a bag (a directory or a zip), by its path in the bag.
    Bag(&'a dyn BagStore, String),
    /// Bytes already in memory.
    Bytes(Vec<u8>),
}

impl Source<'_> {
    /// How many bytes there are, for the progress; 0 if unknown, in which
    /// case reading them fails.
    fn size(&self) -> u64 {
        match self {
            Source::Disk(path) => path.metadata().map_or(0, |m| m.len()),
            Source::Bag(store, path) => store.file(path).map_or(0, |f| f.size),
            Source::Bytes(bytes) => bytes.len() as u64,
        }
    }

    /// Where the bytes are, for a person: a path on disk or in a bag.
    fn location(&self) -> PathBuf {
        match self {
            Source::Disk(path) => path.clone(),
            Source::Bag(store, path) => store.location().join(path),
            Source::Bytes(_) => PathBuf::from("(in memory)"),
        }
    }

    /// The SHA-256 of the bytes, as they are read.
    fn digest(&self, progress: &dyn Progress) -> Result<String> {
        let mut sha256 = None;
        self.read_with(&mut |reader| {
            sha256 = Some(digest(reader, None, progress)?);
            Ok(())
        })?;
        Ok(sha256.expect("set by a read that succeeded"))
    }

    /// The SHA-256 of the bytes, written to `file` as they are read. A
    /// failed write is an error about `destination`, the path the copy is
    /// to have, naming where the bytes came from; a failed read is about
    /// where they came from.
    fn copy(&self, file: &mut File, destination: &Path, progress: &dyn Progress) -> Result<String> {
        let mut sha256 = None;
        let mut write_error = None;
        let read = self.read_with(&mut |reader| {
            let mut copy = ErrorKeepingWriter {
                writer: &mut *file,
                error: &mut write_error,
            };
            sha256 = Some(digest(reader, Some(&mut copy), progress)?);
            Ok(())
        });
        if let Some(error) = write_error {
            return Err(self.copy_error(destination, error));
        }
        read?;
        Ok(sha256.expect("set by a read that succeeded"))
    }

    /// An error writing the copy of these bytes to `destination`.
    fn copy_error(&self, destination: &Path, error: io::Error) -> Error {
        let message = format!("copying {}: {error}", self.location().display());
        Error::io(destination, io::Error::new(error.kind(), message))
    }

    /// Calls `read` with a reader of the bytes.
    fn read_with(&self, read: &mut dyn FnMut(&mut dyn Read) -> io::Result<()>) -> Result<()> {
        let result = match self {
            Source::Disk(path) => match File::open(path) {
                Ok(mut file) => read(&mut file),
                Err(error) => Err(error),
            },
            Source::Bag(store, path) => store.read_with(path, read),
            Source::Bytes(bytes) => read(&mut bytes.as_slice()),
        };
        result.at(&self.location())
    }
}

/// A writer that keeps its first error, so that a failed write is told
/// from a failed read where both end the same read.
struct ErrorKeepingWriter<'a> {
    writer: &'a mut dyn Write,
    error: &'a mut Option<io::Error>,
}

impl Write for ErrorKeepingWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.writer.write(bytes).map_err(|error| self.keep(error))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush().map_err(|error| self.keep(error))
    }
}

impl ErrorKeepingWriter<'_> {
    fn keep(&mut self, error: io::Error) -> io::Error {
        // Tried again by `write_all`: no failure yet.
        if error.kind() == io::ErrorKind::Interrupted {
            return error;
        }
        let kept = io::Error::new(error.kind(), "the copy could not be written");
        self.error.get_or_insert(error);
        kept
    }
}

/// A checksum that does not match the bytes, for the importer to locate.
pub(crate) struct Mismatch {
    /// The document's index.
    pub document: usize,
    /// The checksum the source declares.
    pub declared: Sha256Hex,
    /// The checksum of the bytes.
    pub actual: String,
}

/// Where an import writes: a new collection directory, written whole
/// beside its target and renamed into place, or an existing one, into
/// which what is written is moved at the end.
enum Output {
    New(AtomicDir),
    Existing(AtomicFiles),
}

impl Output {
    /// Starts writing the collection directory `dir`.
    fn create(dir: &Path) -> Result<Output> {
        match dir.symlink_metadata() {
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                AtomicDir::create(dir, false).map(Output::New)
            }
            _ if dir.is_dir() => AtomicFiles::create(dir).map(Output::Existing),
            Ok(_) => {
                let error = io::Error::new(io::ErrorKind::NotADirectory, "is not a directory");
                Err(Error::io(dir, error))
            }
            Err(error) => Err(Error::io(dir, error)),
        }
    }

    /// What interrupted runs left, removed when it was made.
    fn removed_stale(&self) -> &[PathBuf] {
        match self {
            Output::New(dir) => dir.removed_stale(),
            Output::Existing(files) => files.removed_stale(),
        }
    }

    /// The temporary directory, laid out as the collection directory.
    fn path(&self) -> &Path {
        match self {
            Output::New(dir) => dir.path(),
            Output::Existing(files) => files.path(),
        }
    }

    /// Puts what was written in place: `files`, paths under
    /// [`Output::path`], the last of which makes the others count. What is
    /// at their places in an existing directory is replaced only if
    /// `replace`; else, made since it was found absent, it stays and none
    /// are put in place.
    fn commit(self, files: &[&str], replace: bool) -> Result<()> {
        match self {
            Output::New(dir) => dir.commit(),
            Output::Existing(existing) => existing.commit(files, replace),
        }
    }
}

/// Copies `files` into `dir` (each under its document's `file`), checking
/// the checksum each record declares and recording it where none is, then
/// writes `collection.toml` with `comment` at its top; `progress` follows
/// the bytes read. A declared checksum the bytes do not match is handed to
/// `mismatch` for an error, and nothing is written. Without `force`, an
/// existing `collection.toml`, or an existing document file with other
/// bytes, is an error, and so is one made there meanwhile, which is left
/// as it is; nothing is put in place unless all is. A document whose file
/// is `collection.toml` itself is always an error.
pub(crate) fn write_collection(
    dir: &Path,
    mut collection: Collection,
    files: &[IncomingFile<'_>],
    force: bool,
    comment: &str,
    progress: &dyn Progress,
    mismatch: impl Fn(Mismatch) -> Error,
) -> Result<ImportReport> {
    let record_file = dir.join(COLLECTION_FILE);
    let records_file_too =
        (collection.documents.iter()).find(|d| d.file.as_str() == COLLECTION_FILE);
    if let Some(document) = records_file_too {
        return Err(Error::OutputConflict {
            path: record_file,
            message: format!(
                "document `{}` has the file {COLLECTION_FILE}, where the import writes the \
                 collection's records: one would overwrite the other; rename the file",
                document.id
            ),
        });
    }
    if !force && record_file.exists() {
        return Err(Error::OutputExists(record_file));
    }
    let output = Output::create(dir)?;
    let mut removed_stale = output.removed_stale().to_vec();
    if let Output::Existing(existing) = &output {
        let files = collection.documents.iter().map(|d| d.file.as_str());
        removed_stale.extend(existing.remove_stale_beside(files));
    }
    let mut report = ImportReport {
        collection: dir.to_path_buf(),
        documents: collection.documents.len(),
        files_copied: 0,
        checksums_recorded: 0,
        not_held: Vec::new(),
        files_needed: Vec::new(),
        warnings: Vec::new(),
        removed_stale,
    };
    progress.start(Phase::Copying, files.iter().map(|f| f.from.size()).sum());
    let mut copied = Vec::new();
    for incoming in files {
        let document = &mut collection.documents[incoming.document];
        let file = document.file.as_str();
        let staged = output.path().join(file);
        let (sha256, copy) = stage(&incoming.from, dir, file, &staged, force, progress)?;
        match &document.sha256 {
            Some(declared) if declared.as_str() != sha256 => {
                return Err(mismatch(Mismatch {
                    document: incoming.document,
                    declared: declared.clone(),
                    actual: sha256,
                }));
            }
            Some(_) => {}
            None => {
                document.sha256 = Some(sha256.parse().expect("a computed SHA-256"));
                report.checksums_recorded += 1;
            }
        }
        if copy {
            copied.push(incoming.document);
        }
    }
    let held: HashSet<usize> = files.iter().map(|f| f.document).collect();
    for (index, document) in collection.documents.iter().enumerate() {
        if held.contains(&index) {
            continue;
        }
        let id = document.id.to_string();
        match &document.sha256 {
            Some(declared) => {
                refuse_other_bytes(&dir.join(document.file.as_str()), declared.as_str())?;
                report.not_held.push(id);
            }
            None => report.files_needed.push(id),
        }
    }
    report.files_copied = copied.len();
    // An error about the file the archivist asked for, not its temporary
    // name.
    let toml = output.path().join(COLLECTION_FILE);
    let mut out = io::BufWriter::new(File::create(&toml).at(&record_file)?);
    write_toml(&collection, comment, &mut out)
        .and_then(|()| out.flush())
        .at(&record_file)?;
    let mut put_in_place: Vec<&str> = (copied.iter())
        .map(|&index| collection.documents[index].file.as_str())
        .collect();
    put_in_place.push(COLLECTION_FILE);
    output.commit(&put_in_place, force)?;
    Ok(report)
}

/// Hashes `from` and, unless it is the file `file` of the collection
/// directory `dir` itself or that file already holds the same bytes,
/// copies it to `staged`; says whether it did. Fails, before anything is
/// copied, if the file could not be put in place in `dir`; a copy that
/// cannot be written, or not removed when not needed, is an error about
/// its place in `dir`, since `staged` is a temporary name.
fn stage(
    from: &Source<'_>,
    dir: &Path,
    file: &str,
    staged: &Path,
    force: bool,
    progress: &dyn Progress,
) -> Result<(String, bool)> {
    let target = dir.join(file);
    refuse_non_file(&target)?;
    // Where the collection directory exists, a directory the file goes in
    // may be there as something else; the move into place would fail.
    for ancestor in target.ancestors().skip(1).take_while(|a| *a != dir) {
        if ancestor.symlink_metadata().is_ok() && !ancestor.is_dir() {
            let error = io::Error::new(io::ErrorKind::NotADirectory, "is not a directory");
            return Err(Error::io(ancestor, error));
        }
    }
    if let Source::Disk(path) = from {
        let same_file = match (path.canonicalize(), target.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same_file {
            return Ok((from.digest(progress)?, false));
        }
    }
    let parent = staged
        .parent()
        .expect("a file under the temporary directory");
    create_dirs_in_temporary(parent).map_err(|error| from.copy_error(&target, error))?;
    let mut copy = File::create(staged).map_err(|error| from.copy_error(&target, error))?;
    let sha256 = from.copy(&mut copy, &target, progress)?;
    if target.exists() {
        if sha256_of(&target)? == sha256 {
            std::fs::remove_file(staged).map_err(|error| {
                let message = format!(
                    "removing the copy of {} made for it, whose bytes it already holds: {error}",
                    from.location().display()
                );
                Error::io(&target, io::Error::new(error.kind(), message))
            })?;
            return Ok((sha256, false));
        }
        if !force {
            return Err(Error::OutputExists(target));
        }
    }
    Ok((sha256, true))
}

/// Fails if `target`, where a document catalogued without its file is to
/// be, already holds a file of other bytes than its `declared` SHA-256:
/// `pack` would take that file for the document's and fail, `--force` or
/// not, since there are no bytes to put in its place.
fn refuse_other_bytes(target: &Path, declared: &str) -> Result<()> {
    if !target.is_file() || sha256_of(target)? == declared {
        return Ok(());
    }
    Err(Error::OutputConflict {
        path: target.to_path_buf(),
        message: format!(
            "holds other bytes than the sha256 {declared} the record of the document \
             catalogued here declares: move it away, or give import its file"
        ),
    })
}

/// The SHA-256 of the file at `path`, already in the collection directory.
fn sha256_of(path: &Path) -> Result<String> {
    let mut existing = File::open(path).at(path)?;
    digest(&mut existing, None, &NoProgress).at(path)
}

/// What the names policy finds in the files of `documents`, each with the
/// index of the document whose file it is at, named `{shown}{file}` (as
/// pack would refuse the collection); an allowed one says that check and
/// pack need the same `--allow`.
pub(crate) fn name_findings(
    documents: &[Document],
    shown: &str,
    policy: &NamePolicy,
) -> Vec<(usize, Finding)> {
    let files: Vec<&str> = documents.iter().map(|d| d.file.as_str()).collect();
    let finding = |check: NameCheck, file: &str, what: String| {
        let mut finding = policy.finding_allowing_to(
            check,
            &format!("{shown}{file}"),
            what,
            "import it anyway, and check and pack would need it too",
        );
        if finding.severity == Severity::Warning {
            finding.message = format!(
                "{}: check and pack need --allow {check} too",
                finding.message
            );
        }
        finding
    };
    (names::problems(&files).into_iter())
        .map(|problem| {
            let found = finding(problem.check, files[problem.path], problem.message);
            (problem.path, found)
        })
        .collect()
}

/// A document id made from a file path: its letters and digits,
/// lowercased, other runs as `-`, without the extension
/// (`scans/Page 1.tif` → `scans-page-1`); at most 100 characters. Accents
/// are dropped (`Café été` → `cafe-ete`), whichever Unicode form the name
/// is in, and other scripts transliterated (`заметка` → `zametka`), where
/// they would leave nothing of the name.
pub(crate) fn slug_of(file: &str) -> String {
    let stem = match file.rsplit_once('.') {
        Some((stem, extension)) if !extension.contains('/') => stem,
        _ => file,
    };
    let mut slug = String::new();
    let letters: String = stem.nfd().filter(|&c| !is_combining_mark(c)).collect();
    for c in deunicode::deunicode(&letters)
        .chars()
        .flat_map(char::to_lowercase)
    {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.chars().take(100).collect();
    slug.trim_end_matches('-').to_string()
}

/// The SHA-256 of what `reader` gives, to its end, written to `copy` too
/// if given; `progress` advances as it is read.
fn digest(
    reader: &mut dyn Read,
    mut copy: Option<&mut dyn Write>,
    progress: &dyn Progress,
) -> io::Result<String> {
    let mut hasher = Algorithm::Sha256.hasher();
    for_each_chunk(reader, |bytes| {
        hasher.update(bytes);
        if let Some(copy) = copy.as_deref_mut() {
            copy.write_all(bytes)?;
        }
        progress.advance(bytes.len() as u64);
        Ok(())
    })?;
    Ok(hasher.finish_hex())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_from_a_file_name_drops_accents_and_transliterates_other_scripts() {
        assert_eq!(slug_of("scans/Page 1.tif"), "scans-page-1");
        assert_eq!(slug_of("Café été.txt"), "cafe-ete");
        let decomposed: String = "naïve café.txt".nfd().collect();
        assert_eq!(slug_of(&decomposed), "naive-cafe");
        assert_eq!(slug_of("naïve café.txt"), "naive-cafe");
        assert_eq!(slug_of("objects/заметка2.txt"), "objects-zametka2");
        assert_eq!(slug_of("Łódź ß.txt"), "lodz-ss");
        assert_eq!(slug_of("文件.txt"), "wen-jian");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_copy_that_cannot_be_written_is_an_error_about_its_destination() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("files/a.txt");
        std::fs::create_dir_all(source.parent().unwrap()).unwrap();
        std::fs::write(&source, "A\n").unwrap();
        let collection = dir.path().join("c");
        std::fs::create_dir(&collection).unwrap();
        // Every write to /dev/full fails, as on a full disk.
        let staged = dir.path().join("staged");
        std::os::unix::fs::symlink("/dev/full", &staged).unwrap();
        let from = Source::Disk(source.clone());
        let error = stage(&from, &collection, "a.txt", &staged, false, &NoProgress).unwrap_err();
        assert_eq!(error.path(), Some(collection.join("a.txt").as_path()));
        let copying = format!("copying {}: ", source.display());
        assert!(error.to_string().contains(&copying), "{error}");
        // Nor can a copy be made where a file is in the way of its
        // directory.
        let in_the_way = dir.path().join("in the way");
        std::fs::write(&in_the_way, "").unwrap();
        let staged = in_the_way.join("a.txt");
        let error = stage(&from, &collection, "a.txt", &staged, false, &NoProgress).unwrap_err();
        assert_eq!(error.path(), Some(collection.join("a.txt").as_path()));
        assert!(error.to_string().contains(&copying), "{error}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_copy_not_needed_that_cannot_be_removed_is_an_error_about_its_place() {
        use std::os::fd::AsRawFd;

        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("a.txt");
        std::fs::write(&source, "A\n").unwrap();
        let collection = dir.path().join("c");
        std::fs::create_dir(&collection).unwrap();
        std::fs::write(collection.join("a.txt"), "A\n").unwrap();
        // A copy made through /proc/self/fd, which refuses to unlink it.
        let open = tempfile::tempfile().unwrap();
        let staged = PathBuf::from(format!("/proc/self/fd/{}", open.as_raw_fd()));
        let from = Source::Disk(source.clone());
        let error = stage(&from, &collection, "a.txt", &staged, false, &NoProgress).unwrap_err();
        assert_eq!(error.path(), Some(collection.join("a.txt").as_path()));
        let message = error.to_string();
        assert!(message.contains(&source.display().to_string()), "{message}");
        assert!(!message.contains("/proc/self/fd"), "{message}");
    }
}
