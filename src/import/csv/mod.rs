//! `import csv`: a collection from a spreadsheet of records, one row per
//! document, in the form [`super::csv_format`] describes.
//!
//! Every bad cell is an error naming the file, the line its row starts on
//! (as the file numbers them: blank lines and line breaks in cells count),
//! the column and the reason; all are reported together, and nothing is
//! written unless every row is good.
//!
//! The bytes are parsed (`parse`) a record at a time, each placed at the
//! line it starts on (`lines`), against the header (`columns`); each row is
//! read as the collection row or a document (`sheet`), its structured cells
//! by `cells`, and the rules across rows are checked last (`rules`).

mod cells;
mod columns;
mod lines;
mod parse;
mod rules;
mod sheet;
#[cfg(test)]
mod testutil;

use std::path::{Path, PathBuf};

use super::csv_format::Column;
use super::{
    CollectionFields, ImportReport, IncomingFile, Source, name_findings, write_collection,
};
use crate::collection::{Collection, Listings, disk_name, real_path_inside, require_dirs};
use crate::error::{IoContext, RecordError, RecordErrors, Result};
use crate::finding::Severity;
use crate::names::{NameCheck, NamePolicy};
use crate::progress::Progress;

pub use self::parse::parse_csv;

/// How to import.
#[derive(Clone, Debug, Default)]
pub struct CsvImportOptions {
    /// Where the document files are: each row's `filename` is looked up
    /// there as written (`objects/…`), then without `objects/`. Found
    /// files are copied into the collection directory.
    pub files: Option<PathBuf>,
    /// Collection fields that win over the CSV's collection row.
    pub fields: CollectionFields,
    /// Replace an existing `collection.toml` and document files.
    pub force: bool,
    /// The names policy checks whose problems only warn.
    pub allow: Vec<NameCheck>,
}

/// The records of a CSV file, with where each document came from.
#[derive(Clone, Debug)]
pub struct ParsedCsv {
    /// The collection.
    pub collection: Collection,
    /// The line of the file each document's row starts on.
    pub lines: Vec<usize>,
    /// Each document's `filename` as written.
    pub filenames: Vec<String>,
    /// The column of `filename` (1-based).
    pub filename_column: usize,
    /// The column of `sha256`, if there is one.
    pub sha256_column: Option<usize>,
}

/// The first of `names` that is a file in `files`, as written or, as
/// `pack` finds it, by its name in Unicode NFC (a transfer made on macOS
/// may hold its names decomposed); an error if a name is ambiguous, or if
/// it is a link to a file outside `files` (whose real path is `real_files`),
/// which `pack` would not follow either.
fn find_file(
    files: &Path,
    real_files: &Path,
    names: [&str; 2],
    listings: &Listings,
) -> std::result::Result<Option<PathBuf>, String> {
    let inside = |found: PathBuf| real_path_inside(&found, files, real_files).map(|_| Some(found));
    for name in names {
        let written = files.join(name);
        if written.is_file() {
            return inside(written);
        }
        if let Some((disk_name, _)) = disk_name(files, name, listings)? {
            let found = files.join(disk_name);
            if found.is_file() {
                return inside(found);
            }
        }
    }
    Ok(None)
}

/// Reads `csv_file` and writes the collection into `dir`; `progress`
/// follows the bytes of the document files copied or hashed.
pub fn import_csv(
    csv_file: &Path,
    dir: &Path,
    options: &CsvImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    require_dirs(options.files.as_slice())?;
    // The file's bytes are freed once its rows are read, before the rows
    // become a collection: the two are about as large.
    let rows = parse::read_rows(&std::fs::read(csv_file).at(csv_file)?, csv_file)?;
    let parsed = rows.finish(&options.fields)?;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    // As pack would refuse the collection, at each file's cell.
    let policy = NamePolicy::allowing(&options.allow);
    for (index, finding) in name_findings(&parsed.collection.documents, "", &policy) {
        if finding.severity == Severity::Warning {
            warnings.push(finding);
            continue;
        }
        errors.push(cell_error(
            csv_file,
            parsed.lines[index],
            Some(parsed.filename_column),
            Column::Filename,
            finding.message,
        ));
    }
    let mut incoming = Vec::new();
    if let Some(files) = &options.files {
        let listings = Listings::default();
        let real_files = std::fs::canonicalize(files).at(files)?;
        for (index, document) in parsed.collection.documents.iter().enumerate() {
            let names = [parsed.filenames[index].as_str(), document.file.as_str()];
            let error = |message| {
                cell_error(
                    csv_file,
                    parsed.lines[index],
                    Some(parsed.filename_column),
                    Column::Filename,
                    message,
                )
            };
            match find_file(files, &real_files, names, &listings) {
                Ok(Some(from)) => incoming.push(IncomingFile {
                    document: index,
                    from: Source::Disk(from),
                }),
                Ok(None) if document.sha256.is_some() => {}
                Ok(None) => errors.push(error(format!(
                    "{:?} is not in {} and the row declares no sha256, so it cannot be \
                     catalogued without its bytes",
                    parsed.filenames[index],
                    files.display()
                ))),
                Err(ambiguous) => errors.push(error(ambiguous)),
            }
        }
    }
    if !errors.is_empty() {
        return Err(RecordErrors(errors).into());
    }
    let comment = format!(
        "Imported by corpack {} from {}.",
        env!("CARGO_PKG_VERSION"),
        csv_file.display()
    );
    let lines = parsed.lines.clone();
    let sha256_column = parsed.sha256_column;
    let mut report = write_collection(
        dir,
        parsed.collection,
        &incoming,
        options.force,
        &comment,
        progress,
        |mismatch| {
            let message = format!(
                "declared {} but the file has {}",
                mismatch.declared, mismatch.actual
            );
            RecordErrors(vec![cell_error(
                csv_file,
                lines[mismatch.document],
                sha256_column,
                Column::Sha256,
                message,
            )])
            .into()
        },
    )?;
    report.warnings = warnings;
    Ok(report)
}

/// What is wrong with a cell that holds `text`, a byte-order mark in it,
/// U+FEFF, which begins a file and is no text: at the start of a row's
/// first cell (`first`), two files joined into one are the likely cause.
fn byte_order_mark_in(text: &str, first: bool) -> &'static str {
    if first && text.starts_with('\u{feff}') {
        "begins with a byte-order mark (U+FEFF), which begins a file: were two files joined \
         into one? Take it out"
    } else {
        "holds a byte-order mark (U+FEFF), an invisible character that begins files: take it out"
    }
}

/// An error about a cell: file, the line its row starts on, column,
/// header.
fn cell_error(
    file: &Path,
    line: usize,
    position: Option<usize>,
    column: Column,
    message: String,
) -> RecordError {
    RecordError {
        file: file.to_path_buf(),
        line: Some(line),
        column: position,
        field: column.header().to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::every_field;
    use super::*;
    use crate::progress::Phase;
    use crate::progress::testutil::Recorded;

    #[test]
    fn progress_follows_the_bytes_of_the_files_read() {
        let dir = tempfile::tempdir().unwrap();
        let files = dir.path().join("files");
        std::fs::create_dir_all(files.join("sub")).unwrap();
        std::fs::write(files.join("a.txt"), "alpha\n").unwrap();
        std::fs::write(files.join("sub/b.txt"), "beta\n").unwrap();
        let csv = dir.path().join("m.csv");
        std::fs::write(&csv, "filename,dc.title\na.txt,A\nsub/b.txt,B\n").unwrap();
        let options = CsvImportOptions {
            files: Some(files),
            fields: every_field(),
            force: false,
            allow: Vec::new(),
        };
        let progress = Recorded::default();
        let report = import_csv(&csv, &dir.path().join("c"), &options, &progress).unwrap();
        assert_eq!(report.files_copied, 2);
        assert_eq!(progress.phases(), [(Phase::Copying, 11, 11)]);
    }
}
