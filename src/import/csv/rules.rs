//! The rules a collection keeps across its rows, checked once every row
//! is read: the collection assembled, and each rule it breaks placed at
//! the cell holding the value that breaks it.

use super::sheet::{Documents, Sheet};
use super::{ParsedCsv, cell_error};
use crate::collection::Collection;
use crate::collection::validate::rule_errors;
use crate::error::{RecordError, RecordErrors};
use crate::import::CollectionFields;
use crate::import::csv_format::Column;

/// Which cell of a row holds each value of a document that one of several
/// columns can hold, so that a rule it breaks names that column: an author
/// is in one of the `dc.creator` or `dc.contributor` columns, a disputing
/// work in one of the `contested.disputed_by` columns, the context in
/// `dc.description` or `context`.
#[derive(Default)]
pub(super) struct ValueCells {
    /// The column and position of each author, in order.
    pub(super) authors: Vec<(Column, usize)>,
    /// The position of each disputing work, in order.
    pub(super) disputed_by: Vec<usize>,
    pub(super) context: Option<(Column, usize)>,
}

impl ValueCells {
    /// The column and position of the cell holding `field` (a path such
    /// as `provenance.authors[2].name`), if one of several columns can.
    fn of(&self, field: &str) -> Option<(Column, usize)> {
        let index = |list: &str| -> Option<usize> {
            let rest = field.strip_prefix(list)?.strip_prefix('[')?;
            let number: usize = rest.split(']').next()?.parse().ok()?;
            number.checked_sub(1)
        };
        if let Some(index) = index("provenance.authors") {
            return self.authors.get(index).copied();
        }
        if let Some(index) = index("contested.disputed_by") {
            let position = self.disputed_by.get(index)?;
            return Some((Column::DisputedBy, *position));
        }
        if field == "provenance.context" {
            return self.context;
        }
        None
    }
}

impl Sheet<'_> {
    /// Whether the collection row, on `line`, has a bad cell for `field`,
    /// a collection field as `CollectionFields::into_info` names it.
    fn is_bad_collection_cell(&self, line: usize, field: &str) -> bool {
        let column = match field.split(' ').next() {
            Some("id") => Column::Identifier,
            Some("license") => Column::License,
            Some("date") => Column::Date,
            _ => return false,
        };
        let header = column.header();
        (self.errors.iter()).any(|error| error.line == Some(line) && error.field == header)
    }

    /// The errors found, in the order of their cells.
    fn sorted_errors(mut self) -> RecordErrors {
        self.errors.sort_by_key(|e| (e.line, e.column));
        RecordErrors(self.errors)
    }

    /// The collection, if every cell was good and it breaks no rule.
    pub(super) fn finish(mut self, fields: &CollectionFields) -> Result<ParsedCsv, RecordErrors> {
        let (collection_line, from_csv) = self.collection_row.take().unwrap_or_default();
        let info = match fields.clone().or(from_csv).into_info() {
            Ok(info) => Some(info),
            Err(mut missing) => {
                // A field whose cell is bad is not missing: its cell's error says why.
                missing.retain(|field| !self.is_bad_collection_cell(collection_line, field));
                if missing.is_empty() {
                    return Err(self.sorted_errors());
                }
                self.errors.push(RecordError {
                    file: self.file.to_path_buf(),
                    line: (collection_line > 0).then_some(collection_line),
                    column: None,
                    field: "collection".into(),
                    message: format!(
                        "no collection {}: give {} in a row whose filename is objects, or \
                         with the {}",
                        missing.join(", "),
                        if missing.len() == 1 { "it" } else { "them" },
                        if missing.len() == 1 { "flag" } else { "flags" },
                    ),
                });
                None
            }
        };
        if !self.errors.is_empty() {
            return Err(self.sorted_errors());
        }
        let info = info.expect("no errors, so the fields are complete");
        let Documents {
            documents,
            lines,
            filenames,
            value_cells,
        } = std::mem::take(&mut self.documents);
        let collection = Collection { info, documents };
        let errors: Vec<RecordError> = rule_errors(&collection)
            .into_iter()
            .map(|error| {
                let cell = error
                    .document
                    .and_then(|index| value_cells[index].of(&error.field));
                let mut message = error.message;
                let (column, position) = match cell {
                    Some((column, position)) => (column, Some(position)),
                    None => match field_column(&error.field, error.document.is_none()) {
                        // No dc.identifier column: the id is the filename's.
                        Column::Identifier
                            if self.columns.position(Column::Identifier).is_none() =>
                        {
                            message.push_str(
                                " (the id is made from the filename: give a dc.identifier)",
                            );
                            (Column::Filename, self.columns.position(Column::Filename))
                        }
                        column => (column, self.columns.position(column)),
                    },
                };
                let line = error.document.map_or(collection_line, |index| lines[index]);
                let mut record = cell_error(self.file, line, position, column, message);
                if line == 0 {
                    record.line = None;
                }
                record
            })
            .collect();
        if errors.is_empty() {
            Ok(ParsedCsv {
                collection,
                lines,
                filenames,
                filename_column: (self.columns.position(Column::Filename))
                    .expect("the header has a filename column"),
                sha256_column: self.columns.position(Column::Sha256),
            })
        } else {
            Err(RecordErrors(errors))
        }
    }
}

/// The column holding a record field (a path such as
/// `provenance.authors[2].name`) in the CSV form; of the columns that can
/// hold an author, the first (a row's [`ValueCells`] tell which holds it).
fn field_column(field: &str, collection_row: bool) -> Column {
    let head = field.split(['[', '.']).next().unwrap_or_default();
    let section = field.split('[').next().unwrap_or_default();
    match (collection_row, head, section) {
        (true, "title", _) => Column::Title,
        (true, "description", _) => Column::Description,
        (true, "source_organization", _) => Column::Publisher,
        (true, "contact_name", _) => Column::ContactName,
        (true, "contact_email", _) => Column::ContactEmail,
        (_, "id", _) => Column::Identifier,
        (_, "file", _) => Column::Filename,
        (_, "title", _) => Column::Title,
        (_, "rights", _) => Column::Rights,
        (_, _, "provenance.authors") => Column::Creator,
        (_, _, "provenance.date_note") => Column::DateNote,
        (_, _, "provenance.origin.name") => Column::Source,
        (_, _, "provenance.venue.name") => Column::Venue,
        (_, _, "provenance.event") => Column::Event,
        (_, _, "provenance.publisher") => Column::Publisher,
        (_, _, "provenance.context") => Column::Description,
        (_, _, "contested.aspects") => Column::Aspects,
        (_, _, "contested.summary") => Column::Summary,
        (_, _, "contested.disputed_by") => Column::DisputedBy,
        (_, _, "contested.assessed_by.name") => Column::AssessedBy,
        _ => Column::Filename,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::import::CollectionFields;
    use crate::import::csv::parse_csv;
    use crate::import::csv::testutil::{COLLECTION_ROW, HEADER, located, parse};

    #[test]
    fn the_collection_row_and_flags() {
        let text = format!(
            "{HEADER},dc.publisher,contact.email\n{COLLECTION_ROW},Org,a@example.org\nx.txt,,X,,,,,\n"
        );
        let parsed = parse(&text).unwrap();
        let info = &parsed.collection.info;
        assert_eq!(info.id.as_str(), "c");
        assert_eq!(info.source_organization.as_deref(), Some("Org"));
        assert_eq!(info.contact_email.as_deref(), Some("a@example.org"));
        let flags = CollectionFields {
            title: Some("From a flag".into()),
            ..CollectionFields::default()
        };
        let parsed = parse_csv(text.as_bytes(), Path::new("m.csv"), &flags).unwrap();
        assert_eq!(parsed.collection.info.title, "From a flag");
        let (places, messages) = located("filename,dc.title\nx.txt,X\n");
        assert_eq!(places, [(0, None, "collection".to_string())]);
        assert!(messages[0].contains("no collection id (--id), title (--title), description (--description), license (--license), date (--date)"), "{}", messages[0]);
    }

    #[test]
    fn a_rule_names_the_column_of_the_value_that_breaks_it() {
        let header = format!(
            "{HEADER},dc.creator,dc.creator,dc.contributor,contested.disputed_by,\
             contested.disputed_by,context"
        );
        let text = format!(
            "{header}\n{COLLECTION_ROW},,,,,,\n\
             a.txt,a,A,,,,Ann,Ann,Board | type=organization | role=editor | \
             orcid=0000-0002-1825-0097,W,W,C\n\
             b.txt,b,B,,,,,,,Z | doi=10.1000/182,Y | doi=10.1000/182,\n"
        );
        let (places, messages) = located(&text);
        assert_eq!(
            places,
            [
                (3, Some(8), "dc.creator".to_string()),
                (3, Some(9), "dc.contributor".to_string()),
                (3, Some(11), "contested.disputed_by".to_string()),
                (4, Some(11), "contested.disputed_by".to_string()),
            ]
        );
        assert!(messages[0].contains("listed twice"), "{}", messages[0]);
        assert!(
            messages[1].contains("is an organization"),
            "{}",
            messages[1]
        );
        assert!(messages[3].contains("DOI 10.1000/182"), "{}", messages[3]);
    }

    #[test]
    fn rules_across_rows_name_the_line() {
        let text =
            format!("{HEADER}\n{COLLECTION_ROW}\na.txt,a,A,,,\nb.txt,a,B,,,\nc.txt,c, C,,,\n");
        let (places, messages) = located(&text);
        assert_eq!(
            places,
            [
                (4, Some(2), "dc.identifier".to_string()),
                (5, Some(3), "dc.title".to_string())
            ]
        );
        assert!(messages[0].contains("duplicate id `a`"), "{}", messages[0]);
    }
}
