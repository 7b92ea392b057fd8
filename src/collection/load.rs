//! Reading `collection.toml`: parsing, and errors located by line and field.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::validate::rule_errors;
use super::{COLLECTION_FILE, Collection, CollectionInfo, Document};
use crate::error::{IoContext, RecordError, RecordErrors, Result};

/// The shape of `collection.toml`; its JSON Schema is the published one.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "corpack collection.toml")]
pub struct CollectionFile {
    /// The collection as a whole.
    #[schemars(with = "CollectionInfo")]
    pub collection: Spanned<CollectionInfo>,
    /// One `[[document]]` table per document.
    #[serde(default)]
    #[schemars(with = "Vec<Document>")]
    pub document: Vec<Spanned<Document>>,
}

/// A collection read from disk, with what is needed to point at its records.
#[derive(Clone, Debug)]
pub struct LoadedCollection {
    /// The records.
    pub collection: Collection,
    /// The collection directory.
    pub dir: PathBuf,
    /// The record file (`<dir>/collection.toml`).
    pub file: PathBuf,
    /// Line and column of the `[collection]` header.
    collection_place: (usize, usize),
    /// Line and column of each `[[document]]` header.
    document_places: Vec<(usize, usize)>,
}

impl LoadedCollection {
    /// An error about `field` of the document at `index`, located at the
    /// document's `[[document]]` header.
    pub fn document_error(&self, index: usize, field: &str, message: String) -> RecordError {
        let (line, column) = self.document_places[index];
        RecordError {
            file: self.file.clone(),
            line: Some(line),
            column: Some(column),
            field: format!("document[{}].{field}", index + 1),
            message,
        }
    }

    /// The 1-based line of the `[[document]]` header of the document at
    /// `index`.
    pub fn document_line(&self, index: usize) -> usize {
        self.document_places[index].0
    }

    /// An error about `field` of the `[collection]` table, located at it.
    fn collection_error(&self, field: &str, message: String) -> RecordError {
        let (line, column) = self.collection_place;
        RecordError {
            file: self.file.clone(),
            line: Some(line),
            column: Some(column),
            field: format!("collection.{field}"),
            message,
        }
    }
}

/// Reads and validates `<dir>/collection.toml`.
pub fn load(dir: &Path) -> Result<LoadedCollection> {
    let file = dir.join(COLLECTION_FILE);
    let source = std::fs::read_to_string(&file).at(&file)?;
    parse(&source, dir, &file)
}

/// Parses and validates the text of a record file. `file` is only used to
/// name the file in errors.
pub fn parse(source: &str, dir: &Path, file: &Path) -> Result<LoadedCollection> {
    let located = |error: &toml::de::Error, field: String| {
        RecordErrors(vec![toml_error(source, file, error, field)])
    };
    let deserializer =
        toml::de::Deserializer::parse(source).map_err(|error| located(&error, String::new()))?;
    let parsed: CollectionFile = serde_path_to_error::deserialize(deserializer)
        .map_err(|error| located(error.inner(), field_path(error.path())))?;
    let lines = LineIndex::new(source);
    let document_places = parsed
        .document
        .iter()
        .map(|document| lines.place(document.span().start))
        .collect();
    let loaded = LoadedCollection {
        collection: Collection {
            info: parsed.collection.get_ref().clone(),
            documents: parsed
                .document
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
        },
        dir: dir.to_path_buf(),
        file: file.to_path_buf(),
        collection_place: lines.place(parsed.collection.span().start),
        document_places,
    };
    let errors: Vec<RecordError> = rule_errors(&loaded.collection)
        .into_iter()
        .map(|error| match error.document {
            Some(index) => loaded.document_error(index, &error.field, error.message),
            None => loaded.collection_error(&error.field, error.message),
        })
        .collect();
    if errors.is_empty() {
        Ok(loaded)
    } else {
        Err(RecordErrors(errors).into())
    }
}

/// Turns serde's path into `document[2].provenance.date` (1-based indexes).
fn field_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;

    let mut field = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => field.push_str(&format!("[{}]", index + 1)),
            Segment::Map { key } if key.starts_with("$__serde_spanned") => {}
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    field
}

fn toml_error(source: &str, file: &Path, error: &toml::de::Error, field: String) -> RecordError {
    let (line, column) = match error.span() {
        Some(span) => {
            let (line, column) = LineIndex::new(source).place(span.start);
            (Some(line), Some(column))
        }
        None => (None, None),
    };
    RecordError {
        file: file.to_path_buf(),
        line,
        column,
        field,
        message: error.message().trim_end().to_string(),
    }
}

/// Where each line of a text starts, to place byte offsets in it without
/// counting lines from the start each time (a collection of 20,000
/// documents has as many offsets to place).
struct LineIndex<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(source: &'a str) -> LineIndex<'a> {
        let breaks = source.match_indices('\n').map(|(i, _)| i + 1);
        LineIndex {
            source,
            line_starts: std::iter::once(0).chain(breaks).collect(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn place(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line - 1];
        let column = self.source[line_start..offset].chars().count() + 1;
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    const MINIMAL: &str = r#"[collection]
id = "c"
title = "T"
description = "D"
license = "CC-BY-4.0"
date = "2026-11-25"

[[document]]
id = "a"
title = "A"
file = "a.txt"

[document.provenance]
date = "2014-06-20?"
"#;

    fn errors(source: &str) -> Vec<RecordError> {
        match parse(source, Path::new("."), Path::new("collection.toml")) {
            Err(Error::Records(RecordErrors(errors))) => errors,
            other => panic!("expected record errors, got {other:?}"),
        }
    }

    #[test]
    fn parses_a_minimal_collection() {
        let loaded = parse(MINIMAL, Path::new("."), Path::new("collection.toml")).unwrap();
        let document = &loaded.collection.documents[0];
        assert_eq!(document.id.as_str(), "a");
        assert_eq!(
            document.provenance.date.as_ref().unwrap().as_str(),
            "2014-06-20?"
        );
        assert_eq!(document.contested.status, super::super::Status::Unassessed);
    }

    #[test]
    fn a_bad_value_names_line_and_field() {
        let source = MINIMAL.replace("2014-06-20?", "2014-13-20");
        let errors = errors(&source);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, Some(14));
        assert_eq!(errors[0].field, "document[1].provenance.date");
        assert!(
            errors[0].message.contains("invalid EDTF date"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn an_unknown_key_names_line_and_field() {
        let source = MINIMAL.replace("title = \"A\"", "titel = \"A\"");
        let error = &errors(&source)[0];
        assert_eq!(error.line, Some(10));
        assert_eq!(error.field, "document[1].titel");
        assert!(error.message.contains("unknown field `titel`"), "{error}");
    }

    #[test]
    fn duplicate_ids_and_files_are_reported_together() {
        let source =
            format!("{MINIMAL}\n[[document]]\nid = \"a\"\ntitle = \"B\"\nfile = \"a.txt\"\n");
        let errors = errors(&source);
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].line, Some(16));
        assert_eq!(errors[0].field, "document[2].id");
        assert_eq!(errors[1].field, "document[2].file");
    }

    #[test]
    fn offsets_are_placed_by_line_and_character() {
        let lines = LineIndex::new("ab\nÜber x\n\nz");
        assert_eq!(lines.place(0), (1, 1));
        assert_eq!(lines.place(2), (1, 3));
        assert_eq!(lines.place(3), (2, 1));
        assert_eq!(lines.place(9), (2, 6), "Ü is two bytes, one character");
        assert_eq!(lines.place(11), (3, 1));
        assert_eq!(lines.place(12), (4, 1));
        assert_eq!(lines.place(99), (4, 2));
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let error = &errors("[collection\nid = 1")[0];
        assert_eq!(error.line, Some(1));
    }
}
