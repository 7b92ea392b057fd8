//! Parsing a CSV file's bytes: UTF-8 with or without a byte order mark,
//! the header, then each record, read as a row at the line it starts on.

use std::path::Path;

use super::columns::Columns;
use super::lines::RecordLines;
use super::sheet::{Documents, Sheet};
use super::{ParsedCsv, cell_error};
use crate::error::{RecordError, RecordErrors};
use crate::import::CollectionFields;
use crate::import::csv_format::Column;

/// Parses the bytes of a CSV file (UTF-8, with or without a byte order
/// mark). `file` names it in errors; `fields` win over its collection row.
pub fn parse_csv(
    bytes: &[u8],
    file: &Path,
    fields: &CollectionFields,
) -> Result<ParsedCsv, RecordErrors> {
    read_rows(bytes, file)?.finish(fields)
}

/// Reads every row of the bytes of a CSV file, each into the collection
/// row or a document, every bad cell an error; an error if the header
/// cannot be read.
pub(super) fn read_rows<'f>(bytes: &[u8], file: &'f Path) -> Result<Sheet<'f>, RecordErrors> {
    let whole = |message: String| {
        RecordErrors(vec![RecordError {
            file: file.to_path_buf(),
            line: None,
            column: None,
            field: String::new(),
            message,
        }])
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, e.valid_up_to(), file))?;
    let (mut reader, mut lines) = records_of(text);
    let faults = quote_faults(text.as_bytes());
    let mut closed_early = faults.text_after_close.iter().copied().peekable();
    let mut records = reader.records().peekable();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(error)) => {
            let line = lines.of(error.position());
            return Err(whole(format!("line {line}: {error}")));
        }
        None => return Err(whole("empty: expected a header row".into())),
    };
    let header_end = start_of(records.peek(), text.len());
    let header_fault = match (faults.unclosed, records.peek()) {
        (Some(position), None) => Some(never_closed(position)),
        _ => (closed_early.next_if(|&(at, _)| at < header_end))
            .map(|(_, position)| text_after_close(position)),
    };
    if let Some(fault) = header_fault {
        let line = lines.of(header.position());
        return Err(whole(format!("line {line}: not CSV: {fault}")));
    }
    let columns = Columns::read(&header, lines.of(header.position()), file)?;
    let mut sheet = Sheet {
        file,
        columns,
        errors: Vec::new(),
        collection_row: None,
        documents: Documents::default(),
    };
    while let Some(record) = records.next() {
        let end = start_of(records.peek(), text.len());
        let mut cells_closed_early = Vec::new();
        while let Some((_, position)) = closed_early.next_if(|&(at, _)| at < end) {
            cells_closed_early.push(position);
        }
        match record {
            Ok(record) => {
                let line = lines.of(record.position());
                let not_csv = |position: usize, reason: String| RecordError {
                    file: file.to_path_buf(),
                    line: Some(line),
                    column: Some(position + 1),
                    field: sheet.columns.field_at(position),
                    message: format!("not CSV: {reason}"),
                };
                match faults.unclosed.filter(|_| records.peek().is_none()) {
                    // The last record: an open quote took the rest of the file.
                    Some(position) => {
                        let error = not_csv(position, never_closed(position));
                        sheet.errors.push(error);
                    }
                    None => {
                        let errors: Vec<RecordError> = (cells_closed_early.into_iter())
                            .map(|position| not_csv(position, text_after_close(position)))
                            .collect();
                        sheet.errors.extend(errors);
                        sheet.row(line, &record);
                    }
                }
            }
            Err(error) => sheet.errors.push(cell_error(
                file,
                lines.of(error.position()),
                None,
                Column::Filename,
                format!("not CSV: {error}"),
            )),
        }
    }
    Ok(sheet)
}

/// A reader of the records of `text`, and their lines.
fn records_of(text: &str) -> (csv::Reader<&[u8]>, RecordLines<'_>) {
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let lines = RecordLines {
        text: text.as_bytes(),
        counted: 0,
        line: 1,
    };
    (reader, lines)
}

/// The error of `bytes`, UTF-8 up to `valid`, at the row and cell of the
/// first byte that is not.
fn not_utf8(bytes: &[u8], valid: usize, file: &Path) -> RecordErrors {
    let before = std::str::from_utf8(&bytes[..valid]).expect("UTF-8 up to here");
    // Read with a character in the byte's place, the last record is the
    // row the byte is in, and its last cell the byte's.
    let text = format!("{before}\u{FFFD}");
    let (mut reader, mut lines) = records_of(&text);
    let mut header: Option<csv::StringRecord> = None;
    let (mut line, mut cell, mut in_header) = (1, None, false);
    for record in reader.records() {
        in_header = header.is_none();
        (line, cell) = match record {
            Ok(record) => {
                let place = (lines.of(record.position()), Some(record.len()));
                header.get_or_insert(record);
                place
            }
            Err(error) => (lines.of(error.position()), None),
        };
    }
    // The header's name as the columns read it: trimmed.
    let field = match (&header, cell) {
        (Some(header), Some(cell)) if !in_header => header.get(cell - 1).unwrap_or_default().trim(),
        _ => "",
    };
    RecordErrors(vec![RecordError {
        file: file.to_path_buf(),
        line: Some(line),
        column: cell,
        field: field.to_string(),
        message: format!(
            "not UTF-8 (byte 0x{:02X} is not a character here): save the spreadsheet as \
             UTF-8 CSV",
            bytes[valid]
        ),
    }])
}

/// The byte the record `next` starts at (where the reader stood before
/// it), or `end` without one.
fn start_of(next: Option<&csv::Result<csv::StringRecord>>, end: usize) -> usize {
    let position = match next {
        Some(Ok(record)) => record.position(),
        Some(Err(error)) => error.position(),
        None => None,
    };
    position.map_or(end, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
}

/// Where quoted cells break RFC 4180 in ways the csv crate reads without a
/// word.
struct QuoteFaults {
    /// The position in its record (0-based) of a quoted cell that the text
    /// leaves open at its end: the crate reads it to the end of the file,
    /// rows and all.
    unclosed: Option<usize>,
    /// Each quoted cell with text after its closing quote, as the byte the
    /// text starts at and the cell's position in its record: a `"` inside
    /// the cell that was not doubled, which the crate reads as the end of
    /// the quoting and keeps (`"quo"ted"` reads `quoted"`).
    text_after_close: Vec<(usize, usize)>,
}

/// Finds the [`QuoteFaults`] of `text`, following the csv crate's reading
/// (RFC 4180 with a `"` in an unquoted cell, or after a closing one,
/// taken as text). A `"` in a cell that does not start with one is left
/// alone: it is text, and nothing is ambiguous.
fn quote_faults(text: &[u8]) -> QuoteFaults {
    #[derive(Clone, Copy)]
    enum State {
        CellStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::CellStart;
    let mut position = 0;
    let mut text_after_close = Vec::new();
    for (at, &byte) in text.iter().enumerate() {
        state = match (state, byte) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::CellStart | State::QuoteInQuoted, b'"') => State::Quoted,
            (_, b',') => {
                position += 1;
                State::CellStart
            }
            (_, b'\r' | b'\n') => {
                position = 0;
                State::CellStart
            }
            (State::QuoteInQuoted, _) => {
                text_after_close.push((at, position));
                State::Unquoted
            }
            (_, _) => State::Unquoted,
        };
    }
    QuoteFaults {
        unclosed: matches!(state, State::Quoted).then_some(position),
        text_after_close,
    }
}

/// Why a record whose cell at `position` is never closed is refused.
fn never_closed(position: usize) -> String {
    format!(
        "the quoted cell {} of this row is never closed: a `\"` is missing, \
         and the rest of the file would be read into it",
        position + 1
    )
}

/// Why a record whose cell at `position` has text after its closing quote
/// is refused.
fn text_after_close(position: usize) -> String {
    format!(
        "the quoted cell {} of this row has text after its closing `\"`: \
         a `\"` inside a quoted cell is written twice, `\"\"` (RFC 4180)",
        position + 1
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::collection::testutil;
    use crate::collection::{Aspect, Role};
    use crate::export::csv::to_csv;
    use crate::import::csv::testutil::{COLLECTION_ROW, HEADER, every_field, located, parse};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn import_of_export_is_the_collection(collection in testutil::collection(5)) {
            let text = to_csv(&collection);
            let parsed = parse(&text)
                .map_err(|e| TestCaseError::fail(format!("{}\n{text}", RecordErrors(e))))?;
            prop_assert_eq!(parsed.collection, collection);
        }

        /// Whatever the bytes, the parser gives records or located errors.
        #[test]
        fn any_bytes_are_records_or_errors(
            header in proptest::sample::subsequence(
                vec!["filename", "dc.title", "dc.creator", "dc.date", "venue", "sha256", "x"],
                0..7,
            ),
            cells in proptest::collection::vec("[a-z0-9 |=,\"\n.~/?-]{0,12}", 0..20),
        ) {
            let mut text = header.join(",");
            for (i, cell) in cells.iter().enumerate() {
                text.push(if i % 4 == 0 { '\n' } else { ',' });
                text.push_str(cell);
            }
            if let Err(errors) = parse(&text) {
                prop_assert!(!errors.is_empty());
                prop_assert!(errors.iter().all(|e| e.file == Path::new("m.csv")));
            }
        }
    }

    #[test]
    fn an_archivematica_sheet() {
        let text = "\u{feff}filename,dc.title,dc.creator,dc.creator,dc.contributor,dc.date,dc.source,venue,contested.status,contested.aspects,contested.disputed_by,sha256\n\
            objects/letters/a b.txt,A letter,Ann,Bob | orcid=0000-0002-1825-0097,Cy | role=translator,1937~,Box 7 | url=https://example.org/box7,London | geonames=2643743 | wikidata=Q84,contested,\"claims, date\",\"Lenoe, Kirov, 2010 | type=book\",\n\
            ,,,,,,,,,,,\n";
        let parsed = parse_csv(text.as_bytes(), Path::new("m.csv"), &every_field()).unwrap();
        assert_eq!(parsed.lines, [2]);
        assert_eq!(parsed.filenames, ["objects/letters/a b.txt"]);
        let document = &parsed.collection.documents[0];
        assert_eq!(document.file.as_str(), "letters/a b.txt");
        assert_eq!(document.id.as_str(), "letters-a-b");
        let authors = &document.provenance.authors;
        assert_eq!(authors.len(), 3);
        assert_eq!(
            authors[1].orcid.as_ref().unwrap().as_str(),
            "0000-0002-1825-0097"
        );
        assert_eq!(authors[2].role, Role::Translator);
        let venue = document.provenance.venue.as_ref().unwrap();
        assert_eq!(venue.geonames.as_ref().unwrap().as_str(), "2643743");
        assert_eq!(document.contested.aspects, [Aspect::Claims, Aspect::Date]);
        assert_eq!(
            document.contested.disputed_by[0].citation(),
            Some("Lenoe, Kirov, 2010")
        );
    }

    #[test]
    fn a_quoted_cell_left_open_is_found_where_its_row_starts() {
        let unclosed_quote = |text: &[u8]| quote_faults(text).unclosed;
        assert_eq!(unclosed_quote(b"a,\"b\"\"\n\"c\n\"d"), Some(0));
        assert_eq!(unclosed_quote(b"a,\"b\"\"\"\nc,\"d"), Some(1));
        for closed in [
            &b"a,\"b\nc\",d\n"[..],
            b"a,b\"c,\"d\"\"\"\r\n",
            b"a,\"b\"c\"d,e",
            b"",
        ] {
            assert_eq!(unclosed_quote(closed), None, "{closed:?}");
        }
        let (places, messages) = located(&format!(
            "{HEADER}\n{COLLECTION_ROW}\na.txt,a,\"A\n\nb.txt,b,B,,,1937\n"
        ));
        assert_eq!(places, [(3, Some(3), "dc.title".to_string())]);
        assert!(messages[0].contains("never closed"), "{messages:?}");
        let error = parse("filename,\"dc.title\na.txt,A\n").unwrap_err();
        assert_eq!(error.len(), 1);
        assert!(error[0].message.starts_with("line 1: not CSV"), "{error:?}");
    }

    #[test]
    fn text_after_the_closing_quote_of_a_cell_is_found_in_its_cell() {
        let (places, messages) = located(&format!(
            "{HEADER}\n{COLLECTION_ROW}\n\
             a.txt,a,\"quo\"ted\",,,1937\n\
             b.txt,b,\"B\nover two lines\",\"x\" ,,1937\n\
             c.txt,c,\"said \"\"no\"\"\",a\"b,,1937\n"
        ));
        assert_eq!(
            places,
            [
                (3, Some(3), "dc.title".to_string()),
                (4, Some(4), "dc.description".to_string()),
            ]
        );
        assert!(messages[0].starts_with("not CSV: "), "{messages:?}");
        assert!(messages[0].contains("quoted cell 3"), "{messages:?}");
        // In the header, the file is refused at its line.
        let error = parse("filename,\"dc\".title\na.txt,A\n").unwrap_err();
        assert_eq!(error.len(), 1);
        assert!(error[0].message.starts_with("line 1: not CSV"), "{error:?}");
    }

    #[test]
    fn text_that_is_not_utf8_or_csv() {
        let error = parse_csv(
            b"filename\n\xff\n",
            Path::new("m.csv"),
            &CollectionFields::default(),
        )
        .unwrap_err();
        assert_eq!((error.0[0].line, error.0[0].column), (Some(2), Some(1)));
        assert_eq!(error.0[0].field, "filename");
        assert!(
            error.to_string().contains("not UTF-8 (byte 0xFF"),
            "{error}"
        );
        let (places, messages) = located(&format!("{HEADER}\n{COLLECTION_ROW},extra\n"));
        assert_eq!(places, [(2, Some(7), String::new())]);
        assert!(messages[0].contains("past the last column"));
    }
}
