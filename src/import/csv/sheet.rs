//! Reading the rows: the collection row's fields, and each document row's
//! cells parsed into a document, every bad cell an error.

use std::path::Path;
use std::str::FromStr;

use strum::IntoEnumIterator;

use super::cells::{assessor, disputing_work, person, place};
use super::columns::Columns;
use super::rules::ValueCells;
use super::{byte_order_mark_in, cell_error};
use crate::collection::{Aspect, Assessor, Contested, Document, Place, Provenance, Status};
use crate::error::RecordError;
use crate::import::csv_format::{Column, OBJECTS_PREFIX, is_collection_row};
use crate::import::{CollectionFields, slug_of};

/// One row's non-empty cells, by column.
struct Cells<'r> {
    /// The line the row starts on.
    line: usize,
    cells: Vec<(Column, usize, &'r str)>,
}

impl<'r> Cells<'r> {
    fn all(&self, column: Column) -> impl Iterator<Item = (usize, &'r str)> + '_ {
        self.cells
            .iter()
            .filter(move |(c, _, _)| *c == column)
            .map(|(_, position, text)| (*position, *text))
    }

    fn one(&self, column: Column) -> Option<(usize, &'r str)> {
        self.all(column).next()
    }
}

/// The rows read so far: the collection row's fields, the documents, and
/// every bad cell.
pub(super) struct Sheet<'f> {
    pub(super) file: &'f Path,
    pub(super) columns: Columns,
    pub(super) errors: Vec<RecordError>,
    pub(super) collection_row: Option<(usize, CollectionFields)>,
    pub(super) documents: Documents,
}

/// The documents read, each with its row's line, its `filename` as written,
/// and the cells of its values that one of several columns holds: side by
/// side, so that the collection takes the documents without a copy of them
/// all beside it.
#[derive(Default)]
pub(super) struct Documents {
    pub(super) documents: Vec<Document>,
    pub(super) lines: Vec<usize>,
    pub(super) filenames: Vec<String>,
    pub(super) value_cells: Vec<ValueCells>,
}

impl Sheet<'_> {
    fn error(&mut self, line: usize, position: usize, column: Column, message: String) {
        let error = cell_error(self.file, line, Some(position), column, message);
        self.errors.push(error);
    }

    /// A cell's value parsed, or an error about the cell.
    fn parse<T: FromStr<Err: std::fmt::Display>>(
        &mut self,
        cells: &Cells,
        column: Column,
    ) -> Option<T> {
        let (position, text) = cells.one(column)?;
        match text.parse() {
            Ok(value) => Some(value),
            Err(error) => {
                self.error(cells.line, position, column, error.to_string());
                None
            }
        }
    }

    fn text(&self, cells: &Cells, column: Column) -> Option<String> {
        cells.one(column).map(|(_, text)| text.to_string())
    }

    /// Reads the row starting on `line`.
    pub(super) fn row(&mut self, line: usize, record: &csv::StringRecord) {
        // What starts a file, inside one: files joined, the second's header
        // read as a row. The row is not read, so as not to add its errors.
        if let Some((position, text)) =
            (record.iter().enumerate()).find(|(_, text)| text.contains('\u{feff}'))
        {
            self.errors.push(RecordError {
                file: self.file.to_path_buf(),
                line: Some(line),
                column: Some(position + 1),
                field: self.columns.field_at(position),
                message: byte_order_mark_in(text, position == 0).into(),
            });
            return;
        }
        let mut cells = Cells {
            line,
            cells: Vec::new(),
        };
        for (position, text) in record.iter().enumerate() {
            if text.trim().is_empty() {
                continue;
            }
            let message = match self.columns.by_position.get(position) {
                Some(&Some(column)) => {
                    cells.cells.push((column, position + 1, text));
                    continue;
                }
                Some(None) => "a cell in a column without a header",
                None => "a cell past the last column of the header",
            };
            self.errors.push(RecordError {
                file: self.file.to_path_buf(),
                line: Some(line),
                column: Some(position + 1),
                field: String::new(),
                message: message.into(),
            });
        }
        if cells.cells.is_empty() {
            return;
        }
        // Every writer of CSV writes every cell of a row: one cut short is
        // a file cut short, or a row edited by hand, and its last cells
        // would be read as empty.
        let header = self.columns.by_position.len();
        if record.len() < header {
            self.errors.push(RecordError {
                file: self.file.to_path_buf(),
                line: Some(line),
                column: Some(record.len()),
                field: String::new(),
                message: format!(
                    "the row ends after {} of the header's {header} columns (is the file cut \
                     short?): write every cell, empty ones too",
                    record.len()
                ),
            });
            return;
        }
        let Some((_, filename)) = cells.one(Column::Filename) else {
            let position = self.columns.position(Column::Filename).unwrap_or(1);
            self.error(
                line,
                position,
                Column::Filename,
                "empty: every row names its file".into(),
            );
            return;
        };
        if is_collection_row(filename) {
            self.collection(cells);
        } else {
            self.document(cells, filename);
        }
    }

    fn collection(&mut self, cells: Cells) {
        for &(column, position, _) in &cells.cells {
            if !column.for_collection() {
                self.error(
                    cells.line,
                    position,
                    column,
                    "the collection row (filename objects) has no such field: leave it empty"
                        .into(),
                );
            }
        }
        if let Some((first, _)) = &self.collection_row {
            let message = format!("a second collection row: the row on line {first} is one");
            let position = self.columns.position(Column::Filename).unwrap_or(1);
            self.error(cells.line, position, Column::Filename, message);
            return;
        }
        let fields = CollectionFields {
            id: self.parse(&cells, Column::Identifier),
            title: self.text(&cells, Column::Title),
            description: self.text(&cells, Column::Description),
            license: self.parse(&cells, Column::License),
            date: self.parse(&cells, Column::Date),
            source_organization: self.text(&cells, Column::Publisher),
            contact_name: self.text(&cells, Column::ContactName),
            contact_email: self.text(&cells, Column::ContactEmail),
        };
        self.collection_row = Some((cells.line, fields));
    }

    fn document(&mut self, cells: Cells, filename: &str) {
        let line = cells.line;
        for &(column, position, _) in &cells.cells {
            if !column.for_documents() {
                self.error(
                    line,
                    position,
                    column,
                    "only the collection row (filename objects) has this field".into(),
                );
            }
        }
        // The path as written: white space is part of a file name.
        let written = filename;
        let stripped = written.strip_prefix(OBJECTS_PREFIX).unwrap_or(written);
        let position = cells.one(Column::Filename).map_or(1, |(p, _)| p);
        let file = match stripped.parse() {
            Ok(file) => Some(file),
            Err(error) => {
                self.error(line, position, Column::Filename, error);
                None
            }
        };
        let id = match cells.one(Column::Identifier) {
            Some(_) => self.parse(&cells, Column::Identifier),
            None => match slug_of(stripped).parse() {
                Ok(id) => Some(id),
                Err(error) => {
                    let message =
                        format!("no dc.identifier, and none can be made from it: {error}");
                    self.error(line, position, Column::Filename, message);
                    None
                }
            },
        };
        let title = self.text(&cells, Column::Title);
        if title.is_none() {
            let position = self.columns.position(Column::Title).unwrap_or(1);
            self.error(
                line,
                position,
                Column::Title,
                "empty: every document has a title".into(),
            );
        }
        let mut value_cells = ValueCells::default();
        let context = match (cells.one(Column::Description), cells.one(Column::Context)) {
            (Some(_), Some((position, _))) => {
                let message = "dc.description and context are one field: fill one".into();
                self.error(line, position, Column::Context, message);
                None
            }
            (Some((position, text)), None) => {
                value_cells.context = Some((Column::Description, position));
                Some(text.to_string())
            }
            (None, Some((position, text))) => {
                value_cells.context = Some((Column::Context, position));
                Some(text.to_string())
            }
            (None, None) => None,
        };
        let mut authors = Vec::new();
        for column in [Column::Creator, Column::Contributor] {
            for (position, text) in cells.all(column).collect::<Vec<_>>() {
                match person(text, column) {
                    Ok(author) => {
                        authors.push(author);
                        value_cells.authors.push((column, position));
                    }
                    Err(error) => self.error(line, position, column, error),
                }
            }
        }
        let provenance = Provenance {
            authors,
            date: self.parse(&cells, Column::Date),
            date_note: self.text(&cells, Column::DateNote),
            origin: self.place(&cells, Column::Source),
            venue: self.place(&cells, Column::Venue),
            event: self.text(&cells, Column::Event),
            publisher: self.text(&cells, Column::Publisher),
            context,
        };
        let mut aspects = Vec::new();
        if let Some((position, text)) = cells.one(Column::Aspects) {
            for word in text.split(',').map(str::trim) {
                match Aspect::from_str(word) {
                    Ok(aspect) => aspects.push(aspect),
                    Err(_) => self.error(
                        line,
                        position,
                        Column::Aspects,
                        format!(
                            "unknown aspect {word:?}: expected claims, authenticity, attribution \
                             or date, separated by commas"
                        ),
                    ),
                }
            }
        }
        let mut disputed_by = Vec::new();
        for (position, text) in cells.all(Column::DisputedBy).collect::<Vec<_>>() {
            match disputing_work(text) {
                Ok(work) => {
                    disputed_by.push(work);
                    value_cells.disputed_by.push(position);
                }
                Err(error) => self.error(line, position, Column::DisputedBy, error),
            }
        }
        let mut status = Status::default();
        if let Some((position, text)) = cells.one(Column::Status) {
            match Status::from_str(text) {
                Ok(parsed) => status = parsed,
                Err(_) => self.error(
                    line,
                    position,
                    Column::Status,
                    format!("unknown status {text:?}: expected {}", status_words()),
                ),
            }
        }
        let contested = Contested {
            status,
            aspects,
            summary: self.text(&cells, Column::Summary),
            disputed_by,
            assessed_by: self.assessor(&cells),
            assessed_on: self.parse(&cells, Column::AssessedOn),
        };
        let media_type = self.parse(&cells, Column::Format);
        let language = self.parse(&cells, Column::Language);
        let sha256 = self.parse(&cells, Column::Sha256);
        let license = self.parse(&cells, Column::License);
        let rights = self.text(&cells, Column::Rights);
        if let (Some(id), Some(title), Some(file)) = (id, title, file) {
            // Every document is held until the last row is read: none
            // keeps the room its lists grew into.
            let mut document = Document {
                id,
                title,
                file,
                media_type,
                language,
                sha256,
                license,
                rights,
                provenance,
                contested,
            };
            document.provenance.authors.shrink_to_fit();
            document.contested.disputed_by.shrink_to_fit();
            value_cells.authors.shrink_to_fit();
            value_cells.disputed_by.shrink_to_fit();
            let read = &mut self.documents;
            read.documents.push(document);
            read.lines.push(line);
            read.filenames.push(written.to_string());
            read.value_cells.push(value_cells);
        }
    }

    fn assessor(&mut self, cells: &Cells) -> Option<Assessor> {
        let (position, text) = cells.one(Column::AssessedBy)?;
        match assessor(text) {
            Ok(assessor) => Some(assessor),
            Err(error) => {
                self.error(cells.line, position, Column::AssessedBy, error);
                None
            }
        }
    }

    fn place(&mut self, cells: &Cells, column: Column) -> Option<Place> {
        let (position, text) = cells.one(column)?;
        match place(text) {
            Ok(place) => Some(place),
            Err(error) => {
                self.error(cells.line, position, column, error);
                None
            }
        }
    }
}

/// The statuses there are, in words: `unassessed, uncontested or contested`.
fn status_words() -> String {
    let statuses: Vec<&str> = Status::iter().map(<&str>::from).collect();
    match statuses.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::import::csv::testutil::{COLLECTION_ROW, HEADER, Place, located};

    #[test]
    fn every_bad_cell_is_reported_with_line_and_column() {
        let text = format!(
            "{HEADER},dc.contributor,contested.aspects,sha256,venue\n{COLLECTION_ROW},,,,\n\
             a.txt,Bad Id,A,,,1937-13,Ann,claims,,\n\
             ../b.txt,b,B,,,,Bob | role=singer,gossip,123,London | geonames=x\n\
             c.txt,c,,,,,,,,\n"
        );
        let (places, messages) = located(&text);
        let expected: Vec<Place> = [
            (3, 2, "dc.identifier"),
            (3, 6, "dc.date"),
            (3, 7, "dc.contributor"),
            (4, 1, "filename"),
            (4, 7, "dc.contributor"),
            (4, 8, "contested.aspects"),
            (4, 9, "sha256"),
            (4, 10, "venue"),
            (5, 3, "dc.title"),
        ]
        .iter()
        .map(|(row, column, field)| (*row, Some(*column), field.to_string()))
        .collect();
        assert_eq!(places, expected);
        for (message, expected) in messages.iter().zip([
            "invalid slug",
            "invalid EDTF date",
            "\"Ann\": a dc.contributor needs a role",
            "unsafe file path",
            "unknown role \"singer\"",
            "unknown aspect \"gossip\"",
            "malformed sha256",
            "invalid GeoNames id",
            "empty: every document has a title",
        ]) {
            assert!(
                message.starts_with(expected),
                "{message:?} is not {expected:?}"
            );
        }
    }

    #[test]
    fn a_byte_order_mark_inside_the_file_is_an_error_at_its_row() {
        // Two exports joined: the second's mark and header are a row.
        let text = format!(
            "\u{feff}{HEADER}\n{COLLECTION_ROW}\na.txt,a,A,,,1937\n\
             \u{feff}{HEADER}\nb.txt,b,B,,,1937\nc.txt,c,C,,,\u{feff}1938\n"
        );
        let (places, messages) = located(&text);
        assert_eq!(
            places,
            [
                (4, Some(1), "filename".to_string()),
                (6, Some(6), "dc.date".to_string())
            ]
        );
        // Two files joined put the mark at a line's start only.
        assert!(messages[0].starts_with("begins with a byte-order mark"));
        assert!(messages[0].contains("two files joined"));
        assert!(messages[1].starts_with("holds a byte-order mark"));
        // In the middle of a cell, no file begins.
        let text = format!("{HEADER}\n{COLLECTION_ROW}\na.txt,a,A,,,19\u{feff}37\n");
        let (places, messages) = located(&text);
        assert_eq!(places, [(3, Some(6), "dc.date".to_string())]);
        assert!(
            messages[0].starts_with("holds a byte-order mark"),
            "{messages:?}"
        );
        // In the header, the column is still read: one error, not two.
        let header = HEADER.replace(",dc.title", ",\u{feff}dc.title");
        let (places, messages) =
            located(&format!("{header}\n{COLLECTION_ROW}\na.txt,a,A,,,1937\n"));
        assert_eq!(places, [(1, Some(3), "dc.title".to_string())]);
        assert!(
            messages[0].starts_with("holds a byte-order mark"),
            "{messages:?}"
        );
    }

    #[test]
    fn misplaced_and_doubled_fields() {
        let text = format!(
            "{HEADER},context,contact.name,venue\n{COLLECTION_ROW},,,London\n\
             a.txt,a,A,Desc,,,Ctx,Ann,\nobjects/,c2,T2,D,CC0-1.0,2026-11-25,,,\n"
        );
        let (places, _) = located(&text);
        assert_eq!(
            places,
            [
                (2, Some(9), "venue".to_string()),
                (3, Some(7), "context".to_string()),
                (3, Some(8), "contact.name".to_string()),
                (4, Some(1), "filename".to_string()),
            ]
        );
    }
}
