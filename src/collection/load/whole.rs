//! Parsing `collection.toml` whole ([`parse_whole`]), for a file laid out
//! otherwise than as a `[collection]` table and `[[document]]` tables: its
//! TOML at once, then each table on its own.

use std::path::Path;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use super::errors::{
    Errors, FieldSpans, LocatedTable, field_path, joined, parse_again, record_places, toml_error,
};
use super::{PartlyLoaded, checked, records_error};
use crate::collection::records::RecordsWriter;
use crate::collection::validate::Rules;
use crate::collection::{CollectionInfo, Document};
use crate::error::LineIndex;
use crate::error::{RecordError, Result};

/// Parses a record file whole: its TOML at once (a syntax error is the
/// only error: the parser stops at it), then each table on its own, so
/// that every table that does not read is reported, and the rules are
/// applied to those that do, as when it is read a table at a time.
pub(super) fn parse_whole(source: &str, dir: &Path, file: &Path) -> Result<PartlyLoaded> {
    let source = &source.replace("\r\n", "\n");
    let root = match DeTable::parse(source) {
        Ok(root) => root.into_inner(),
        Err(error) => {
            let error = toml_error(source, file, &error, String::new(), 0);
            return Ok(PartlyLoaded::failed(vec![error]));
        }
    };
    let lines = LineIndex::new(source);
    let mut errors = Errors::default();
    let mut collection = None;
    let mut documents = None;
    for (key, value) in root {
        match key.get_ref().as_ref() {
            "collection" => collection = Some(value),
            "document" => documents = Some(value),
            other => {
                let (line, column) = lines.place(key.span().start);
                errors.push(RecordError {
                    file: file.to_path_buf(),
                    line: Some(line),
                    column: Some(column),
                    field: other.to_string(),
                    message: format!(
                        "unknown field `{other}`, expected `collection` or `document`"
                    ),
                });
            }
        }
    }
    // Parsed again, once, if a rule is broken: to locate it.
    let mut again = None;
    let mut rules = Rules::default();
    let info = match collection {
        Some(value) => {
            match deserialize_value::<Spanned<CollectionInfo>>(value, source, file, "collection") {
                Ok(info) => {
                    let broken = rules.collection(info.get_ref());
                    if !broken.is_empty() {
                        let root = again.get_or_insert_with(|| parse_again(source));
                        let table = LocatedTable {
                            root: root.as_ref(),
                            lines: &lines,
                            path: "collection".into(),
                            place: lines.place(info.span().start),
                        };
                        table.rule_errors(file, None, broken, &mut errors);
                    }
                    Some(info.into_inner())
                }
                Err(error) => {
                    errors.push(error);
                    None
                }
            }
        }
        None => {
            errors.push(RecordError {
                file: file.to_path_buf(),
                line: Some(1),
                column: Some(1),
                field: "collection".into(),
                message: "missing field `collection`".into(),
            });
            None
        }
    };
    let mut records = RecordsWriter::new().map_err(|error| records_error(file, error))?;
    let mut unread_files = Vec::new();
    let documents = documents.map(|value| {
        let span = value.span();
        match value.into_inner() {
            DeValue::Array(documents) => documents,
            other => {
                // Not an array of tables: serde says what it is instead.
                let value = Spanned::new(span, other);
                errors.extend(
                    deserialize_value::<Vec<Spanned<Document>>>(value, source, file, "document")
                        .err(),
                );
                DeArray::new()
            }
        }
    });
    for (index, value) in documents.into_iter().flatten().enumerate() {
        let path = format!("document[{}]", index + 1);
        let spans = FieldSpans::of(value.get_ref().as_table());
        let named = |key: &str| -> Option<Box<str>> {
            Some(value.get_ref().get(key)?.get_ref().as_str()?.into())
        };
        let (id, named_file) = (named("id"), named("file"));
        let document = match deserialize_value::<Spanned<Document>>(value, source, file, &path) {
            Ok(document) => document,
            Err(error) => {
                errors.push(error);
                if let Some(id) = id {
                    rules.unread(&id);
                }
                unread_files.extend(named_file);
                continue;
            }
        };
        let places = record_places(&spans, &lines, &document);
        let broken = rules.document(index, document.get_ref());
        if !broken.is_empty() {
            let root = again.get_or_insert_with(|| parse_again(source));
            let table = LocatedTable {
                root: root.as_ref(),
                lines: &lines,
                path,
                place: places.header,
            };
            table.rule_errors(file, Some(index + 1), broken, &mut errors);
        }
        records
            .push(document.get_ref(), index + 1, places)
            .map_err(|error| records_error(file, error))?;
    }
    let records = records
        .finish()
        .map_err(|error| records_error(file, error))?;
    let mut read = checked(info, records, errors.finish(&rules), dir, file);
    if let Some(loaded) = &mut read.records {
        loaded.unread_files = unread_files;
    }
    Ok(read)
}

/// Deserializes a value of the file at `path` (`collection`,
/// `document[N]`) as a `T`; errors are located in `source`.
fn deserialize_value<T: serde::de::DeserializeOwned>(
    value: Spanned<DeValue<'_>>,
    source: &str,
    file: &Path,
    path: &str,
) -> std::result::Result<T, RecordError> {
    let deserializer = toml::de::ValueDeserializer::from(value);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let field = joined(path, &field_path(error.path(), 0));
        toml_error(source, file, error.inner(), field, 0)
    })
}
