//! Making a collection directory from what another tool gave: a CSV file
//! of records ([`csv`]) or a BagIt bag ([`bag`]).
//!
//! Both build the whole collection in memory, check it by the same rules
//! as `collection.toml`, and copy or hash every file, before anything is
//! written: copies go to temporary files beside their targets, and only
//! when every row is good are they renamed into place and
//! `collection.toml` written (last), so a failed import leaves no
//! `collection.toml` and no partly written file.

pub mod bag;
pub mod csv;
pub mod csv_format;

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bundle::reader::BagStore;
use crate::collection::values::{IsoDate, License, Sha256Hex, Slug};
use crate::collection::{COLLECTION_FILE, Collection, CollectionInfo, to_toml};
use crate::digest::Algorithm;
use crate::error::{Error, IoContext, Result};
use crate::finding::Finding;
use crate::output::AtomicFile;

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
    /// Ids of the documents recorded without their file (catalogued, with
    /// the checksum the source declares).
    pub not_held: Vec<String>,
    /// What is wrong with the source but did not stop the import (a tag
    /// file of a bag that begins with a byte-order mark).
    pub warnings: Vec<Finding>,
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
    /// Calls `read` with a reader of the bytes.
    fn read_with(&self, read: &mut dyn FnMut(&mut dyn Read) -> io::Result<()>) -> Result<()> {
        match self {
            Source::Disk(path) => {
                let mut file = File::open(path).at(path)?;
                read(&mut file).at(path)
            }
            Source::Bag(store, path) => {
                let at = store.location().join(path);
                store.read_with(path, read).at(&at)
            }
            Source::Bytes(bytes) => read(&mut bytes.as_slice()).at(Path::new("(in memory)")),
        }
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

/// Copies `files` into `dir` (each under its document's `file`), checking
/// the checksum each record declares and recording it where none is, then
/// writes `collection.toml` with `comment` at its top. A declared checksum
/// the bytes do not match is handed to `mismatch` for an error, and nothing
/// is written. Without `force`, an existing `collection.toml`, or an
/// existing document file with other bytes, is an error.
pub(crate) fn write_collection(
    dir: &Path,
    collection: Collection,
    files: &[IncomingFile<'_>],
    force: bool,
    comment: &str,
    mismatch: impl Fn(Mismatch) -> Error,
) -> Result<ImportReport> {
    let record_file = dir.join(COLLECTION_FILE);
    if !force && record_file.exists() {
        return Err(Error::OutputExists(record_file));
    }
    let created = !dir.exists();
    std::fs::create_dir_all(dir).at(dir)?;
    let written = write_records(
        dir,
        &record_file,
        collection,
        files,
        force,
        comment,
        mismatch,
    );
    if written.is_err() && created {
        // Only the directories made for the files staged can be in it.
        let _ = std::fs::remove_dir_all(dir);
    }
    written
}

fn write_records(
    dir: &Path,
    record_file: &Path,
    mut collection: Collection,
    files: &[IncomingFile<'_>],
    force: bool,
    comment: &str,
    mismatch: impl Fn(Mismatch) -> Error,
) -> Result<ImportReport> {
    let mut report = ImportReport {
        collection: dir.to_path_buf(),
        documents: collection.documents.len(),
        files_copied: 0,
        checksums_recorded: 0,
        not_held: Vec::new(),
        warnings: Vec::new(),
    };
    let mut staged = Vec::new();
    for incoming in files {
        let document = &mut collection.documents[incoming.document];
        let target = dir.join(document.file.as_str());
        let (sha256, copy) = stage(&incoming.from, &target, force)?;
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
        staged.extend(copy);
    }
    let held: HashSet<usize> = files.iter().map(|f| f.document).collect();
    for (index, document) in collection.documents.iter().enumerate() {
        if !held.contains(&index) {
            report.not_held.push(document.id.to_string());
        }
    }
    report.files_copied = staged.len();
    let toml = AtomicFile::create(record_file, force)?;
    let mut toml_file = toml.file()?;
    toml_file
        .write_all(to_toml(&collection, comment).as_bytes())
        .at(record_file)?;
    for copy in staged {
        copy.commit()?;
    }
    toml.commit()?;
    Ok(report)
}

/// Hashes `from` and, unless it is `target` itself or `target` already
/// holds the same bytes, copies it to a temporary file beside `target`.
fn stage(from: &Source<'_>, target: &Path, force: bool) -> Result<(String, Option<AtomicFile>)> {
    if let Source::Disk(path) = from {
        let same_file = match (path.canonicalize(), target.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same_file {
            return Ok((sha256_of(path)?, None));
        }
    }
    let parent = target
        .parent()
        .expect("a file under the collection directory");
    std::fs::create_dir_all(parent).at(parent)?;
    let copy = AtomicFile::create(target, true)?;
    let mut destination = copy.file()?;
    let mut hasher = Algorithm::Sha256.hasher();
    from.read_with(&mut |reader| {
        let mut buffer = vec![0; 256 * 1024];
        loop {
            let read = reader.read(&mut buffer)?;
            if read == 0 {
                return Ok(());
            }
            hasher.update(&buffer[..read]);
            destination.write_all(&buffer[..read])?;
        }
    })?;
    let sha256 = hasher.finish_hex();
    if target.exists() {
        if sha256_of(target)? == sha256 {
            return Ok((sha256, None));
        }
        if !force {
            return Err(Error::OutputExists(target.to_path_buf()));
        }
    }
    Ok((sha256, Some(copy)))
}

/// A document id made from a file path: its letters and digits,
/// lowercased, other runs as `-`, without the extension
/// (`scans/Page 1.tif` → `scans-page-1`); at most 100 characters.
pub(crate) fn slug_of(file: &str) -> String {
    let stem = match file.rsplit_once('.') {
        Some((stem, extension)) if !extension.contains('/') => stem,
        _ => file,
    };
    let mut slug = String::new();
    for c in stem.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.chars().take(100).collect();
    slug.trim_end_matches('-').to_string()
}

fn sha256_of(path: &Path) -> Result<String> {
    let mut file = File::open(path).at(path)?;
    let mut hasher = Algorithm::Sha256.hasher();
    let mut buffer = vec![0; 256 * 1024];
    loop {
        let read = file.read(&mut buffer).at(path)?;
        if read == 0 {
            return Ok(hasher.finish_hex());
        }
        hasher.update(&buffer[..read]);
    }
}
