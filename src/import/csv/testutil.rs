//! Helpers for the CSV import's tests: a sheet's text parsed, and where
//! its errors are.

use std::path::Path;

use super::{ParsedCsv, parse_csv};
use crate::error::{RecordError, RecordErrors};
use crate::import::CollectionFields;

pub(super) fn parse(text: &str) -> Result<ParsedCsv, Vec<RecordError>> {
    parse_csv(
        text.as_bytes(),
        Path::new("m.csv"),
        &CollectionFields::default(),
    )
    .map_err(|RecordErrors(errors)| errors)
}

/// Every field a collection must have, as flags give them.
pub(super) fn every_field() -> CollectionFields {
    CollectionFields {
        id: Some("c".parse().unwrap()),
        title: Some("T".into()),
        description: Some("D".into()),
        license: Some("CC0-1.0".parse().unwrap()),
        date: Some("2026-11-25".parse().unwrap()),
        ..CollectionFields::default()
    }
}

/// Where an error is: line, column, header.
pub(super) type Place = (usize, Option<usize>, String);

/// The place of each error, and the messages.
pub(super) fn located(text: &str) -> (Vec<Place>, Vec<String>) {
    let errors = parse(text).expect_err("the CSV has errors");
    let places = errors
        .iter()
        .map(|e| (e.line.unwrap_or(0), e.column, e.field.clone()))
        .collect();
    (places, errors.iter().map(|e| e.message.clone()).collect())
}

pub(super) const COLLECTION_ROW: &str = "objects,c,T,D,CC0-1.0,2026-11-25";
pub(super) const HEADER: &str =
    "filename,dc.identifier,dc.title,dc.description,dcterms.license,dc.date";
