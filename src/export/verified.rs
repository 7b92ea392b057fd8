//! What every export starts from: a bundle that verifies, read back as its
//! records, and what an export reports.
//!
//! A bundle that does not verify is refused, with the findings that say
//! why: an export never carries a damaged bag into a repository. So is one
//! whose records break a rule `collection.toml` is held to (two documents
//! with one id, a document disputed by one that is not there or by
//! itself, …): `pack` writes none, but a bag edited by hand can hold one.
//! `verify` finds those (`rocrate::judge_records`) as the crate streams
//! past, and keeps the records it reads for the export; a crate whose
//! records it does not judge is read whole and judged here.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Serialize;

use super::file_names::FileNames;
use crate::bundle::reader::{self, BagStore};
use crate::bundle::{DOCUMENTS_DIR, ROCRATE_METADATA};
use crate::collection::validate::rule_errors;
use crate::collection::values::Slug;
use crate::collection::{Collection, CollectionInfo, Document, records_error};
use crate::error::{Error, IoContext, Result};
use crate::finding::{Code, Finding};
use crate::output::refuse_to_replace;
use crate::progress::Progress;
use crate::rocrate::BundleRecords;
use crate::verify::{self, RecordsKept, Report, VerifyOptions};

/// A bundle that verified, with its records.
pub struct VerifiedBundle {
    /// Where it is.
    pub location: PathBuf,
    /// Its verification findings (warnings only).
    pub findings: Vec<Finding>,
    /// The collection's description, from `data/ro-crate-metadata.json`.
    pub info: CollectionInfo,
    /// Its records, from the same file, past their first 8 MiB in a
    /// temporary file; none when opened by [`open_counted`].
    records: BundleRecords,
    /// How many records it has, and how many of them have a file it holds.
    pub counts: RecordCounts,
    /// The bag, read in place.
    pub store: Box<dyn BagStore>,
}

/// How many records a bundle has: one for each time its root lists a
/// document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordCounts {
    /// The records.
    pub documents: usize,
    /// Those whose file the bundle holds.
    pub held: usize,
}

/// A bundle opened for export.
pub enum Opened {
    /// It verified.
    Verified(Box<VerifiedBundle>),
    /// It did not: the report says why.
    Refused(Report),
}

/// Verifies the bundle (or bag directory) at `path` and, if it is valid,
/// reads its records: those verify read as it judged them, kept on disk
/// past their first 8 MiB (an error keeping them is the export's), where
/// it judged them. A crate whose records verify did not judge (past
/// [`crate::rocrate::MAX_KEPT_BYTES`] of entities, or past what it holds
/// in memory with the temporary directory unusable) is read whole, up to
/// [`reader::READ_ALL_LIMIT`], which at 160,000 documents takes the
/// crate's 120 MB of text beside the records.
pub fn open(path: &Path, progress: &dyn Progress) -> Result<Opened> {
    open_reading(path, progress, RecordsKept::Records)
}

/// Verifies the bundle (or bag directory) at `path` and, if it is valid,
/// reads of its records the collection's description and the
/// [`RecordCounts`], and keeps no document: from verify's judgement, or
/// from the crate read whole where verify did not judge them, as [`open`]
/// does.
pub fn open_counted(path: &Path, progress: &dyn Progress) -> Result<Opened> {
    open_reading(path, progress, RecordsKept::Counts)
}

/// As [`open`] does, the bag at `path` already opened as `store` (an
/// import that has read its `bag-info.txt`).
pub fn open_store(
    path: &Path,
    store: Box<dyn BagStore>,
    progress: &dyn Progress,
) -> Result<Opened> {
    opened_reading(path, store, progress, RecordsKept::Records)
}

fn open_reading(path: &Path, progress: &dyn Progress, wanted: RecordsKept) -> Result<Opened> {
    if crate::ocfl::is_object_root(path) {
        return Err(Error::unreadable(
            path,
            "an OCFL object (or empty directory), not a bundle",
        ));
    }
    opened_reading(path, reader::open(path)?, progress, wanted)
}

fn opened_reading(
    path: &Path,
    store: Box<dyn BagStore>,
    progress: &dyn Progress,
    wanted: RecordsKept,
) -> Result<Opened> {
    let options = VerifyOptions::default();
    let (report, judged) = verify::verify_judging(store.as_ref(), options, progress, wanted);
    if !report.valid {
        return Ok(Opened::Refused(report));
    }
    let (info, records, counts) = match judged {
        Some(judged) => {
            let counts = RecordCounts {
                documents: judged.documents,
                held: judged.held,
            };
            let records = match (judged.records, wanted) {
                (Some(records), _) => records.map_err(|error| records_error(path, error))?,
                (None, RecordsKept::Records) => {
                    unreachable!("verify keeps the records it is asked for")
                }
                (None, _) => BundleRecords::default(),
            };
            (judged.info, records, counts)
        }
        None => match read_whole(path, store.as_ref())? {
            Ok(collection) => {
                let counts = RecordCounts {
                    documents: collection.documents.len(),
                    held: (collection.documents.iter())
                        .filter(|document| store.contains(&VerifiedBundle::bag_path(document)))
                        .count(),
                };
                let records = match wanted {
                    RecordsKept::Records => BundleRecords::of(&collection.documents)
                        .map_err(|error| records_error(path, error))?,
                    _ => BundleRecords::default(),
                };
                (collection.info, records, counts)
            }
            Err(findings) => {
                let mut report = report;
                report.add_findings(findings);
                return Ok(Opened::Refused(report));
            }
        },
    };
    Ok(Opened::Verified(Box::new(VerifiedBundle {
        location: path.to_path_buf(),
        findings: report.findings,
        info,
        records,
        counts,
        store,
    })))
}

/// The records of the bag in `store`, read whole, or the findings that
/// refuse them.
fn read_whole(
    path: &Path,
    store: &dyn BagStore,
) -> Result<std::result::Result<Collection, Vec<Finding>>> {
    let unreadable =
        |message: String| Error::unreadable(path, format!("{ROCRATE_METADATA}: {message}"));
    let bytes = store
        .read_all(ROCRATE_METADATA)
        .map_err(|e| unreadable(e.to_string()))?;
    let json = String::from_utf8(bytes).map_err(|_| unreadable("not UTF-8".into()))?;
    Ok(exportable_records(&json))
}

/// The bundle at `bundle` opened for the repository export `format` into
/// `output` (see [`open`]), once `output` is known not to destroy it; or
/// the report of the export refused, when the bundle does not verify.
pub fn open_for_export(
    format: &str,
    bundle: &Path,
    output: &Path,
    progress: &dyn Progress,
) -> Result<std::result::Result<VerifiedBundle, RepositoryExportReport>> {
    refuse_to_replace(output, bundle)?;
    Ok(match open(bundle, progress)? {
        Opened::Verified(bundle) => Ok(*bundle),
        Opened::Refused(report) => Err(RepositoryExportReport::refused(format, output, report)),
    })
}

/// The records of the crate `json`, or the findings that refuse them:
/// records that do not read as corpack's, like records that break the
/// rules of `collection.toml`, are the bundle's fault, not a failure to
/// read it, and refuse the export as a bundle that does not verify does.
fn exportable_records(json: &str) -> std::result::Result<Collection, Vec<Finding>> {
    let collection = crate::rocrate::read_collection(json).map_err(|message| {
        vec![Finding::error(
            Code::RocrateInvalid,
            ROCRATE_METADATA,
            message,
        )]
    })?;
    let broken = broken_rules(&collection);
    if broken.is_empty() {
        Ok(collection)
    } else {
        Err(broken)
    }
}

/// The rules of `collection.toml` that the records of a crate break, as
/// findings on the crate: documents are numbered as the crate is read, in
/// file path order.
fn broken_rules(collection: &Collection) -> Vec<Finding> {
    rule_errors(collection)
        .into_iter()
        .map(|error| {
            let record = match error.document {
                Some(index) => {
                    let document = &collection.documents[index];
                    let file = VerifiedBundle::bag_path(document);
                    format!("document[{}] (`{}`, {file})", index + 1, document.id)
                }
                None => "the collection".to_string(),
            };
            Finding::error(
                Code::RocrateInvalid,
                ROCRATE_METADATA,
                format!(
                    "{record}: {}: {}; documents are numbered in file path order",
                    error.field, error.message
                ),
            )
        })
        .collect()
}

impl VerifiedBundle {
    /// How many records it holds: none when opened by [`open_counted`].
    pub fn records_len(&self) -> usize {
        self.records.len()
    }

    /// Every record's id, in file path order, without reading the records.
    pub fn ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.records.ids()
    }

    /// Every record, in file path order, each read in turn.
    pub fn documents(&self) -> impl Iterator<Item = Result<Document>> + '_ {
        (self.records.documents()).map(|read| read.map_err(|error| self.records_error(error)))
    }

    /// The record whose id is `id`, read again: a document that disputes
    /// another is named by it. An error reading it gives `None` (this is
    /// called where a record is made, by code that takes `None` for a
    /// document not in the bundle), and [`VerifiedBundle::checked`] then
    /// gives the error, before what was made is written.
    pub fn document(&self, id: &Slug) -> Option<Document> {
        self.records.document(id.as_str())
    }

    /// The error of a record that [`VerifiedBundle::document`] could not
    /// read since this was last called, if any: what was made since is
    /// not to be kept.
    pub fn checked(&self) -> Result<()> {
        self.records
            .checked()
            .map_err(|error| self.records_error(error))
    }

    /// Every record, in file path order, in memory, for an import that
    /// writes them into a `collection.toml`.
    pub fn to_collection(&self) -> Result<Collection> {
        let documents = (self.records.to_vec()).map_err(|error| self.records_error(error))?;
        Ok(Collection {
            info: self.info.clone(),
            documents,
        })
    }

    fn records_error(&self, error: io::Error) -> Error {
        records_error(&self.location, error)
    }

    /// The path of a document's file in the bag.
    pub fn bag_path(document: &Document) -> String {
        format!("{DOCUMENTS_DIR}/{}", document.file)
    }

    /// The size of a document's file, if the bundle holds it.
    pub fn held_size(&self, document: &Document) -> Option<u64> {
        let path = VerifiedBundle::bag_path(document);
        self.store.file(&path).map(|file| file.size)
    }

    /// Copies a held document's bytes to the file `to` (not synced to
    /// disk: the output directory is, as a whole, when it is committed).
    /// An error reading names the bundle and the entry; one writing (a
    /// full disk, say), the file `to`.
    pub fn copy_document(&self, document: &Document, to: &Path) -> Result<()> {
        let mut out = WriteErrorKept {
            out: std::fs::File::create(to).at(to)?,
            error: None,
        };
        let path = VerifiedBundle::bag_path(document);
        let copied = self
            .store
            .read_with(&path, &mut |reader| io::copy(reader, &mut out).map(drop));
        copy_error(copied, out.error, &self.location, &path, to)
    }
}

/// A writer that keeps the error of a failed write, so that a copy's error
/// can be told to be the output's, not the input's.
struct WriteErrorKept<W> {
    out: W,
    error: Option<io::Error>,
}

impl<W: Write> WriteErrorKept<W> {
    fn keep<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        result.map_err(|error| {
            // The copy tries again after an interrupted write.
            if error.kind() == io::ErrorKind::Interrupted {
                return error;
            }
            let passed_on = io::Error::new(error.kind(), error.to_string());
            self.error = Some(error);
            passed_on
        })
    }
}

impl<W: Write> Write for WriteErrorKept<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        // A write that takes nothing fails the copy (`WriteZero`): it is
        // the output's error too.
        let written = match self.out.write(bytes) {
            Ok(0) if !bytes.is_empty() => Err(io::Error::new(
                io::ErrorKind::WriteZero,
                "the output took no bytes",
            )),
            written => written,
        };
        self.keep(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        let flushed = self.out.flush();
        self.keep(flushed)
    }
}

/// The error of a copy of the entry `path` of the bundle at `bundle` to
/// the file `to`: the output's if a write failed, else the bundle's.
fn copy_error(
    copied: io::Result<()>,
    write_error: Option<io::Error>,
    bundle: &Path,
    path: &str,
    to: &Path,
) -> Result<()> {
    match (copied, write_error) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(error)) => Err(Error::io(to, error)),
        (Err(error), None) => Err(Error::unreadable(bundle, format!("{path}: {error}"))),
    }
}

/// What an export did.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RepositoryExportReport {
    /// The format written (`dspace-saf`, `datacite`, `invenio`).
    pub format: String,
    /// The bundle exported.
    pub bundle: PathBuf,
    /// The output directory.
    pub output: PathBuf,
    /// Whether anything was written: false when the bundle did not verify.
    pub exported: bool,
    /// The bundle's verification findings: warnings, or the errors for
    /// which it was refused.
    pub findings: Vec<Finding>,
    /// How many findings are errors, those left out of `findings` (at
    /// most 1,000 of a code) too.
    pub errors: u64,
    /// Documents exported.
    pub documents: usize,
    /// Of those, documents whose file went with them.
    pub held: usize,
    /// Of those, documents catalogued but not held (metadata only).
    pub not_held: usize,
    /// The files written, relative to the output directory, sorted.
    #[schemars(with = "Vec<String>")]
    pub files: FileNames,
    /// Temporary files and directories of interrupted runs removed from
    /// the output's directory.
    pub removed_stale: Vec<PathBuf>,
}

impl RepositoryExportReport {
    /// The report of a bundle refused because it did not verify.
    pub fn refused(format: &str, output: &Path, report: Report) -> RepositoryExportReport {
        RepositoryExportReport {
            format: format.to_string(),
            bundle: report.location,
            output: output.to_path_buf(),
            exported: false,
            findings: report.findings,
            errors: report.errors,
            documents: 0,
            held: 0,
            not_held: 0,
            files: FileNames::new(),
            removed_stale: Vec::new(),
        }
    }

    /// The report of an export of `bundle` that wrote `files`, having
    /// removed `removed_stale`.
    pub fn written(
        format: &str,
        bundle: &VerifiedBundle,
        output: &Path,
        mut files: FileNames,
        removed_stale: Vec<PathBuf>,
    ) -> RepositoryExportReport {
        let RecordCounts { documents, held } = bundle.counts;
        files.sort();
        RepositoryExportReport {
            format: format.to_string(),
            bundle: bundle.location.clone(),
            output: output.to_path_buf(),
            exported: true,
            findings: bundle.findings.clone(),
            errors: 0,
            documents,
            held,
            not_held: documents - held,
            files,
            removed_stale,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose writes fail as a full disk's do.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::StorageFull))
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// A reader whose reads fail, as a damaged entry's do.
    struct Damaged;

    impl io::Read for Damaged {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::InvalidData, "CRC-32 differs"))
        }
    }

    fn copy(reader: &mut dyn io::Read, out: impl Write) -> Result<()> {
        let mut out = WriteErrorKept { out, error: None };
        let copied = io::copy(reader, &mut out).map(drop);
        copy_error(
            copied,
            out.error,
            Path::new("b.zip"),
            "data/documents/a.txt",
            Path::new("out/a.txt"),
        )
    }

    #[test]
    fn a_failed_write_names_the_output_and_a_failed_read_the_bundle() {
        let error = copy(&mut &b"bytes"[..], Full).unwrap_err();
        assert_eq!(error.path(), Some(Path::new("out/a.txt")), "{error}");
        assert!(matches!(error, Error::Io { .. }), "{error:?}");

        let error = copy(&mut Damaged, Vec::new()).unwrap_err();
        assert_eq!(error.path(), Some(Path::new("b.zip")), "{error}");
        assert!(
            error.to_string().contains("data/documents/a.txt"),
            "{error}"
        );
        assert!(error.to_string().contains("CRC-32 differs"), "{error}");

        // A writer that takes nothing fails as one that is full.
        let error = copy(&mut &b"bytes"[..], &mut [0u8; 2][..]).unwrap_err();
        assert_eq!(error.path(), Some(Path::new("out/a.txt")), "{error}");

        copy(&mut &b"bytes"[..], Vec::new()).unwrap();
    }
}
