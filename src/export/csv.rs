//! `export csv`: a collection, or the records of a bundle, as the CSV file
//! `import csv` reads (see [`crate::import::csv`]), so that
//! `import(export(x)) == x`.
//!
//! A bundle is verified first, and one that does not verify, or whose
//! records break a rule of `collection.toml`, is refused: its records
//! cannot be trusted. Its records are those verify read from its
//! RO-Crate metadata as it judged them ([`crate::export::verified::open`]),
//! in file path order, media types and the checksums of held files
//! explicit.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use strum::IntoEnumIterator;

use super::verified::{self, Opened};
use crate::collection::{
    self, AuthorType, Collection, CollectionInfo, DisputingWork, Document, Role,
};
use crate::error::{IoContext, Result};
use crate::finding::Finding;
use crate::import::csv_format::{Column, OBJECTS_PREFIX, StructuredCell};
use crate::output::{AtomicFile, refuse_to_replace};
use crate::progress::Progress;

/// What an export did.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ExportReport {
    /// The collection directory, bundle or bag exported.
    pub source: PathBuf,
    /// The CSV file.
    pub output: PathBuf,
    /// Whether it was written: false when the bundle does not verify.
    pub written: bool,
    /// Documents written.
    pub documents: usize,
    /// What verifying the bundle found (nothing for a collection).
    pub findings: Vec<Finding>,
    /// How many findings are errors, those left out of `findings` (at
    /// most 1,000 of a code) too.
    pub errors: u64,
    /// Temporary files of interrupted runs removed from the output's
    /// directory.
    pub removed_stale: Vec<PathBuf>,
}

/// Writes the records of `source` (a collection directory, a bundle or a
/// bag directory) to `output`, replacing it only with `force`.
pub fn export_csv(
    source: &Path,
    output: &Path,
    force: bool,
    progress: &dyn Progress,
) -> Result<ExportReport> {
    let mut report = ExportReport {
        source: source.to_path_buf(),
        output: output.to_path_buf(),
        written: false,
        documents: 0,
        findings: Vec::new(),
        errors: 0,
        removed_stale: Vec::new(),
    };
    refuse_to_replace(output, source)?;
    let target = AtomicFile::create(output, force)?;
    report.removed_stale = target.removed_stale().to_vec();
    let documents = if collection::is_collection(source)? {
        let loaded = collection::load(source)?;
        write_csv(&loaded.info, || loaded.documents(), target.file()?, output)?
    } else {
        match verified::open(source, progress)? {
            Opened::Verified(bundle) => {
                let documents =
                    write_csv(&bundle.info, || bundle.documents(), target.file()?, output)?;
                report.findings = bundle.findings;
                documents
            }
            Opened::Refused(invalid) => {
                report.findings = invalid.findings;
                report.errors = invalid.errors;
                return Ok(report);
            }
        }
    };
    target.commit()?;
    report.written = true;
    report.documents = documents;
    Ok(report)
}

/// The CSV text of a collection: a header, the collection row, then one
/// row per document. Columns nobody fills are left out, but `filename`,
/// `dc.identifier`, `dc.title` and `contested.status`; repeatable ones
/// repeat as often as the fullest row needs.
pub fn to_csv(collection: &Collection) -> String {
    let mut text = Vec::new();
    let documents = || collection.documents.iter().cloned().map(Ok);
    write_csv(&collection.info, documents, &mut text, Path::new("memory"))
        .expect("writing to memory");
    String::from_utf8(text).expect("CSV of UTF-8 text is UTF-8")
}

/// Writes [`to_csv`]'s text of the collection `info` and its `documents`
/// to `out`, the file `output`, a row at a time, and gives how many
/// documents it wrote. The rows are made once to size the header, then
/// again to be written, each time from the documents read anew, so that
/// one is held at a time, not all of them and the whole text (5.5 MiB of
/// heap for 10,000 documents).
pub fn write_csv<I: Iterator<Item = Result<Document>>>(
    info: &CollectionInfo,
    documents: impl Fn() -> I,
    out: impl Write,
    output: &Path,
) -> Result<usize> {
    let rows = || {
        std::iter::once(Ok(collection_row(info)))
            .chain(documents().map(|document| document.map(|d| document_row(&d))))
    };
    let mut most: BTreeMap<Column, usize> = BTreeMap::new();
    for row in rows() {
        let row = row?;
        let mut counts: BTreeMap<Column, usize> = BTreeMap::new();
        for (column, _) in &row {
            *counts.entry(*column).or_default() += 1;
        }
        for (column, count) in counts {
            let most = most.entry(column).or_default();
            *most = (*most).max(count);
        }
    }
    let mut header: Vec<Column> = Vec::new();
    for column in Column::iter() {
        let count = most.get(&column).copied().unwrap_or(0);
        let wanted = match column {
            Column::Filename | Column::Identifier | Column::Title | Column::Status => count.max(1),
            _ => count,
        };
        header.extend(std::iter::repeat_n(column, wanted));
    }
    let mut writer = csv::Writer::from_writer(out);
    let names: Vec<&str> = header.iter().map(|c| c.header()).collect();
    writer
        .write_record(&names)
        .map_err(io::Error::from)
        .at(output)?;
    // Where each column's cells start: the header holds a column's repeats
    // side by side. Looking through the header for each cell took time
    // quadratic in a row's repeats (a document of thousands of authors).
    let mut first: BTreeMap<Column, usize> = BTreeMap::new();
    for (i, &column) in header.iter().enumerate() {
        first.entry(column).or_insert(i);
    }
    let mut written = 0;
    for row in rows() {
        let row = row?;
        let mut cells = vec![String::new(); header.len()];
        let mut next = first.clone();
        for (column, text) in row {
            let slot = next
                .get_mut(&column)
                .filter(|slot| header.get(**slot) == Some(&column));
            let slot = slot.expect("the header has room for every cell");
            cells[*slot] = text;
            *slot += 1;
        }
        writer
            .write_record(&cells)
            .map_err(io::Error::from)
            .at(output)?;
        written += 1;
    }
    writer.flush().at(output)?;
    // The collection's row is not a document's.
    Ok(written - 1)
}

fn collection_row(info: &CollectionInfo) -> Vec<(Column, String)> {
    let mut row = vec![
        (Column::Filename, "objects".to_string()),
        (Column::Identifier, info.id.to_string()),
        (Column::Title, info.title.clone()),
        (Column::Date, info.date.to_string()),
        (Column::Description, info.description.clone()),
        (Column::License, info.license.to_string()),
    ];
    let optional = [
        (Column::Publisher, &info.source_organization),
        (Column::ContactName, &info.contact_name),
        (Column::ContactEmail, &info.contact_email),
    ];
    for (column, value) in optional {
        if let Some(value) = value {
            row.push((column, value.clone()));
        }
    }
    row
}

fn document_row(document: &Document) -> Vec<(Column, String)> {
    let provenance = &document.provenance;
    let contested = &document.contested;
    let mut row = vec![
        (
            Column::Filename,
            format!("{OBJECTS_PREFIX}{}", document.file),
        ),
        (Column::Identifier, document.id.to_string()),
        (Column::Title, document.title.clone()),
    ];
    for author in &provenance.authors {
        let creator = matches!(author.role, Role::Author | Role::Speaker);
        let mut parts = Vec::new();
        if author.kind != AuthorType::Person {
            parts.push(("type", author.kind.to_string()));
        }
        if author.role != Role::Author {
            parts.push(("role", author.role.to_string()));
        }
        if let Some(orcid) = &author.orcid {
            parts.push(("orcid", orcid.to_string()));
        }
        if let Some(wikidata) = &author.wikidata {
            parts.push(("wikidata", wikidata.to_string()));
        }
        let column = if creator {
            Column::Creator
        } else {
            Column::Contributor
        };
        row.push((column, StructuredCell::write(&author.name, &parts)));
    }
    let mut push = |column: Column, value: Option<String>| {
        if let Some(value) = value {
            row.push((column, value));
        }
    };
    push(
        Column::Date,
        provenance.date.as_ref().map(ToString::to_string),
    );
    push(Column::DateNote, provenance.date_note.clone());
    push(
        Column::Language,
        document.language.as_ref().map(ToString::to_string),
    );
    push(
        Column::Format,
        document.media_type.as_ref().map(ToString::to_string),
    );
    push(Column::Source, provenance.origin.as_ref().map(place_cell));
    push(Column::Venue, provenance.venue.as_ref().map(place_cell));
    push(Column::Event, provenance.event.clone());
    push(Column::Publisher, provenance.publisher.clone());
    push(Column::Description, provenance.context.clone());
    push(Column::Rights, document.rights.clone());
    push(
        Column::License,
        document.license.as_ref().map(ToString::to_string),
    );
    push(
        Column::Sha256,
        document.sha256.as_ref().map(ToString::to_string),
    );
    push(Column::Status, Some(contested.status.to_string()));
    let aspects: Vec<String> = contested.aspects.iter().map(ToString::to_string).collect();
    push(
        Column::Aspects,
        (!aspects.is_empty()).then(|| aspects.join(", ")),
    );
    push(Column::Summary, contested.summary.clone());
    for work in &contested.disputed_by {
        let cell = match work {
            DisputingWork::Cited(work) => {
                let mut parts = Vec::new();
                if let Some(kind) = work.kind {
                    parts.push(("type", kind.to_string()));
                }
                if let Some(doi) = &work.doi {
                    parts.push(("doi", doi.to_string()));
                }
                if let Some(url) = &work.url {
                    parts.push(("url", url.to_string()));
                }
                StructuredCell::write(&work.citation, &parts)
            }
            DisputingWork::Document { id, citation } => StructuredCell::write(
                citation.as_deref().unwrap_or_default(),
                &[("document", id.to_string())],
            ),
        };
        push(Column::DisputedBy, Some(cell));
    }
    push(
        Column::AssessedBy,
        contested.assessed_by.as_ref().map(|assessor| {
            let mut parts = Vec::new();
            if assessor.kind != AuthorType::Person {
                parts.push(("type", assessor.kind.to_string()));
            }
            StructuredCell::write(&assessor.name, &parts)
        }),
    );
    push(
        Column::AssessedOn,
        contested.assessed_on.map(|d| d.to_string()),
    );
    row
}

fn place_cell(place: &collection::Place) -> String {
    let mut parts = Vec::new();
    if let Some(url) = &place.url {
        parts.push(("url", url.to_string()));
    }
    if let Some(wikidata) = &place.wikidata {
        parts.push(("wikidata", wikidata.to_string()));
    }
    if let Some(geonames) = &place.geonames {
        parts.push(("geonames", geonames.to_string()));
    }
    StructuredCell::write(&place.name, &parts)
}
