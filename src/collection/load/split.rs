//! Reading `collection.toml` a top-level table at a time ([`read_split`]):
//! the `[collection]` table, then the `[[document]]` tables, parsed in
//! parallel batches of [`BATCH`] and spilled to the records as they go.

use std::io::BufRead;
use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;
use toml::Spanned;
use toml::de::DeTable;

use super::errors::{
    Errors, FieldSpans, LocatedTable, field_at_end, field_path, parse_again, record_places,
    toml_error,
};
use super::{PartlyLoaded, checked, crlf_to_lf, records_error};
use crate::collection::records::{RecordPlaces, RecordsWriter};
use crate::collection::segments::{Header, Line, Scanner};
use crate::collection::validate::Rules;
use crate::collection::{CollectionInfo, Document};
use crate::error::LineIndex;
use crate::error::{IoContext, RecordError, Result};

/// One `[[document]]` table and its own tables, parsed alone.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentTable {
    document: Vec<Spanned<Document>>,
}

/// The `[collection]` table, parsed alone.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CollectionTable {
    collection: Spanned<CollectionInfo>,
}

/// A document and where it is.
type Placed = (Document, RecordPlaces);

/// How many `[[document]]` tables are parsed at once.
pub(super) const BATCH: usize = 1024;

/// A top-level table of the file: its header's place, and its text from
/// the header line on.
struct Table {
    header: Header,
    line: usize,
    text: String,
}

/// What reading a table at a time has gathered.
struct Split<'a> {
    file: &'a Path,
    collection: Option<CollectionInfo>,
    pending: Vec<Table>,
    /// How many `[[document]]` tables came before the pending ones.
    documents_before_pending: usize,
    /// The pending documents parsed, kept from batch to batch: a fresh
    /// vector of a batch's documents is a fresh mapping of memory.
    parsed: Vec<std::result::Result<Placed, RecordError>>,
    records: RecordsWriter,
    rules: Rules,
    /// The tables that did not read, one error each, and the rules
    /// broken by those that did.
    errors: Errors,
    /// The files those of them that are `[[document]]` tables name.
    unread_files: Vec<Box<str>>,
}

impl Split<'_> {
    /// Takes a table whose text is complete.
    fn table(&mut self, table: Table) -> Result<()> {
        match table.header {
            Header::Document => {
                self.pending.push(table);
                if self.pending.len() == BATCH {
                    self.parse_pending()?;
                }
            }
            _ => match parse_table::<CollectionTable, _>(&table, self.file, 0, |_| ()) {
                Ok((parsed, ())) => {
                    let lines = LineIndex::starting_at(&table.text, table.line);
                    let place = lines.place(parsed.collection.span().start);
                    let info = parsed.collection.into_inner();
                    let broken = self.rules.collection(&info);
                    if !broken.is_empty() {
                        let root = parse_again(&table.text);
                        let table = LocatedTable {
                            root: root.as_ref(),
                            lines: &lines,
                            path: "collection".into(),
                            place,
                        };
                        table.rule_errors(self.file, None, broken, &mut self.errors);
                    }
                    self.collection = Some(info);
                }
                Err(error) => self.errors.push(error),
            },
        }
        Ok(())
    }

    /// Parses the pending documents, in parallel, and keeps in order those
    /// that read, and the errors of those that do not.
    fn parse_pending(&mut self) -> Result<()> {
        let first = self.documents_before_pending;
        let file = self.file;
        self.pending
            .par_iter()
            .enumerate()
            .map(|(i, table)| {
                let (parsed, spans) =
                    parse_table::<DocumentTable, _>(table, file, first + i, |root| {
                        let document = root.get("document").and_then(|d| d.get_ref().get(0));
                        FieldSpans::of(document.and_then(|d| d.get_ref().as_table()))
                    })?;
                let document = parsed
                    .document
                    .into_iter()
                    .next()
                    .expect("one [[document]]");
                let lines = LineIndex::starting_at(&table.text, table.line);
                let places = record_places(&spans, &lines, &document);
                Ok((document.into_inner(), places))
            })
            .collect_into_vec(&mut self.parsed);
        self.documents_before_pending += self.pending.len();
        let tables = self.pending.drain(..).zip(self.parsed.drain(..));
        for (index, (table, result)) in (first..).zip(tables) {
            match result {
                Ok((document, places)) => {
                    let broken = self.rules.document(index, &document);
                    if !broken.is_empty() {
                        let root = parse_again(&table.text);
                        let located = LocatedTable {
                            root: root.as_ref(),
                            lines: &LineIndex::starting_at(&table.text, table.line),
                            path: "document[1]".into(),
                            place: places.header,
                        };
                        located.rule_errors(file, Some(index + 1), broken, &mut self.errors);
                    }
                    self.records
                        .push(&document, index + 1, places)
                        .map_err(|error| records_error(file, error))?;
                }
                Err(error) => {
                    self.errors.push(error);
                    let (id, unread_file) = made_out(&table);
                    if let Some(id) = id {
                        self.rules.unread(&id);
                    }
                    self.unread_files.extend(unread_file);
                }
            }
        }
        Ok(())
    }
}

/// The `id` and `file` of a `[[document]]` table that does not read as a
/// record, as far as it reads as TOML, or, if it is not TOML, as far as
/// they are written on lines of their own.
fn made_out(table: &Table) -> (Option<Box<str>>, Option<Box<str>>) {
    let parsed: Option<toml::Table> = table.text.parse().ok();
    let document = parsed
        .as_ref()
        .and_then(|parsed| parsed.get("document")?.as_array()?.first());
    let text = |key: &str| match &parsed {
        Some(_) => Some(document?.get(key)?.as_str()?.into()),
        None => written(&table.text, key),
    };
    (text("id"), text("file"))
}

/// The value of `key` written as a one-line string without escapes on a
/// line of its own (`file = "a.txt"`) among the `[[document]]` table's own
/// lines of `text`.
fn written(text: &str, key: &str) -> Option<Box<str>> {
    let own_lines = text.lines().skip(1).map(str::trim);
    let own_lines = own_lines.take_while(|line| !line.starts_with('['));
    let value = own_lines
        .filter_map(|line| line.strip_prefix(key)?.trim_start().strip_prefix('='))
        .next()?
        .trim();
    let quote = value.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let (inner, _) = value[1..].split_once(quote)?;
    (quote == '\'' || !inner.contains('\\')).then(|| inner.into())
}

/// Reads a record file a top-level table at a time; `None` if it is not
/// laid out as a `[collection]` table and `[[document]]` tables.
pub(super) fn read_split(
    mut reader: impl BufRead,
    dir: &Path,
    file: &Path,
) -> Result<Option<PartlyLoaded>> {
    let mut split = Split {
        file,
        collection: None,
        pending: Vec::new(),
        documents_before_pending: 0,
        parsed: Vec::new(),
        records: RecordsWriter::new().map_err(|error| records_error(file, error))?,
        rules: Rules::default(),
        errors: Errors::default(),
        unread_files: Vec::new(),
    };
    let mut scanner = Scanner::default();
    let mut current: Option<Table> = None;
    let mut collection_seen = false;
    let mut bytes = Vec::new();
    let mut number = 0;
    loop {
        bytes.clear();
        if reader.read_until(b'\n', &mut bytes).at(file)? == 0 {
            break;
        }
        number += 1;
        if bytes.ends_with(b"\r\n") {
            crlf_to_lf(&mut bytes);
        }
        let line = match std::str::from_utf8(&bytes) {
            Ok(line) => line,
            Err(error) => {
                let valid = error.valid_up_to();
                let mut error = RecordError::not_utf8(file, &bytes, valid, number);
                if let Some(table) = &current {
                    let line = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
                    let documents = split.documents_before_pending + split.pending.len();
                    error.field = field_at_end(&format!("{}{line}", table.text), documents);
                }
                return Ok(Some(PartlyLoaded::failed(vec![error])));
            }
        };
        let text = line.strip_suffix('\n').unwrap_or(line);
        let text = text.strip_suffix('\r').unwrap_or(text);
        let header = match scanner.line(text) {
            Line::Header(header) => header,
            Line::Blank => {
                match &mut current {
                    Some(table) => table.text.push_str(line),
                    // A comment before the first table is not parsed with
                    // any: one TOML would refuse is left for it to report.
                    None if text.contains(|c: char| c.is_ascii_control() && c != '\t') => {
                        return Ok(None);
                    }
                    None => {}
                }
                continue;
            }
            Line::Content => match &mut current {
                Some(table) => {
                    table.text.push_str(line);
                    continue;
                }
                None => return Ok(None),
            },
        };
        let starts_table = match header {
            Header::Document => true,
            // A second [collection] is for TOML to report.
            Header::Collection if !collection_seen => true,
            Header::DocumentPart
                if current
                    .as_ref()
                    .is_some_and(|t| t.header == Header::Document) =>
            {
                false
            }
            _ => return Ok(None),
        };
        if !starts_table {
            current.as_mut().expect("checked above").text.push_str(line);
            continue;
        }
        if let Some(table) = current.take() {
            split.table(table)?;
        }
        current = Some(Table {
            header,
            line: number,
            text: line.to_string(),
        });
        collection_seen |= header == Header::Collection;
    }
    if !collection_seen {
        return Ok(None);
    }
    if let Some(table) = current.take() {
        split.table(table)?;
    }
    split.parse_pending()?;
    let records = split
        .records
        .finish()
        .map_err(|error| records_error(file, error))?;
    let errors = split.errors.finish(&split.rules);
    let mut read = checked(split.collection, records, errors, dir, file);
    if let Some(loaded) = &mut read.records {
        loaded.unread_files = split.unread_files;
    }
    Ok(Some(read))
}

/// Parses a table alone as a `T`, with what `spans` finds in its TOML;
/// errors are located in the whole file. `first_document` is the index its
/// first `[[document]]` has in the file.
fn parse_table<T: serde::de::DeserializeOwned, S>(
    table: &Table,
    file: &Path,
    first_document: usize,
    spans: impl FnOnce(&DeTable<'_>) -> S,
) -> std::result::Result<(T, S), RecordError> {
    let located = |error: &toml::de::Error, field: String| {
        let mut error = toml_error(&table.text, file, error, field, first_document);
        error.line = error.line.map(|line| line + table.line - 1);
        error
    };
    let root = DeTable::parse(&table.text).map_err(|error| located(&error, String::new()))?;
    let spans = spans(root.get_ref());
    let deserializer = toml::de::Deserializer::from(root);
    let parsed = serde_path_to_error::deserialize(deserializer)
        .map_err(|error| located(error.inner(), field_path(error.path(), first_document)))?;
    Ok((parsed, spans))
}
