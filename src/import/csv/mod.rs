//! `import csv`: a collection from a spreadsheet of records, one row per
//! document, in the form [`super::csv_format`] describes.
//!
//! Every bad cell is an error naming the file, the line its row starts on
//! (as the file numbers them: blank lines and line breaks in cells count),
//! the column and the reason; all are reported together, and nothing is
//! written unless every row is good.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::csv_format::{Column, OBJECTS_PREFIX, StructuredCell, is_collection_row};
use super::{CollectionFields, ImportReport, IncomingFile, Source, slug_of, write_collection};
use crate::collection::validate::rule_errors;
use crate::collection::{
    Aspect, Assessor, Author, AuthorType, Collection, Contested, DisputingWork, DisputingWorkTable,
    Document, NameOrTable, Place, Provenance, Role, require_dirs,
};
use crate::error::{IoContext, RecordError, RecordErrors, Result};
use crate::progress::Progress;

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

/// Reads `csv_file` and writes the collection into `dir`; `progress`
/// follows the bytes of the document files copied or hashed.
pub fn import_csv(
    csv_file: &Path,
    dir: &Path,
    options: &CsvImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    require_dirs(options.files.as_slice())?;
    let bytes = std::fs::read(csv_file).at(csv_file)?;
    let parsed = parse_csv(&bytes, csv_file, &options.fields)?;
    let mut errors = Vec::new();
    let mut incoming = Vec::new();
    if let Some(files) = &options.files {
        for (index, document) in parsed.collection.documents.iter().enumerate() {
            let written = files.join(&parsed.filenames[index]);
            let stripped = files.join(document.file.as_str());
            match [written, stripped].into_iter().find(|p| p.is_file()) {
                Some(from) => incoming.push(IncomingFile {
                    document: index,
                    from: Source::Disk(from),
                }),
                None if document.sha256.is_some() => {}
                None => errors.push(cell_error(
                    csv_file,
                    parsed.lines[index],
                    Some(parsed.filename_column),
                    Column::Filename,
                    format!(
                        "{:?} is not in {} and the row declares no sha256, so it cannot be \
                         catalogued without its bytes",
                        parsed.filenames[index],
                        files.display()
                    ),
                )),
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
    write_collection(
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
    )
}

/// Parses the bytes of a CSV file (UTF-8, with or without a byte order
/// mark). `file` names it in errors; `fields` win over its collection row.
pub fn parse_csv(
    bytes: &[u8],
    file: &Path,
    fields: &CollectionFields,
) -> Result<ParsedCsv, RecordErrors> {
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
    let text = std::str::from_utf8(bytes).map_err(|e| {
        whole(format!(
            "not UTF-8 (byte {}): save the spreadsheet as UTF-8 CSV",
            e.valid_up_to()
        ))
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut lines = RecordLines {
        text: text.as_bytes(),
        counted: 0,
        line: 1,
    };
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(error)) => {
            let line = lines.of(error.position());
            return Err(whole(format!("line {line}: {error}")));
        }
        None => return Err(whole("empty: expected a header row".into())),
    };
    let columns = Columns::read(&header, lines.of(header.position()), file)?;
    let mut sheet = Sheet {
        file,
        columns,
        errors: Vec::new(),
        collection_row: None,
        documents: Vec::new(),
    };
    for record in records {
        match record {
            Ok(record) => sheet.row(lines.of(record.position()), &record),
            Err(error) => sheet.errors.push(cell_error(
                file,
                lines.of(error.position()),
                None,
                Column::Filename,
                format!("not CSV: {error}"),
            )),
        }
    }
    sheet.finish(fields)
}

/// The line of the file each record starts on, counted as the records are
/// read, in order. The csv crate places a record where the reader stood
/// before it skipped the blank lines ahead of it (and the `\n` of the
/// `\r\n` ending the record before), and counts `\n`s only, though a lone
/// `\r` ends a line, and a record, too.
struct RecordLines<'t> {
    text: &'t [u8],
    /// How many bytes are counted, and the line they end on.
    counted: usize,
    line: usize,
}

impl RecordLines<'_> {
    /// The line of the record read from `position` on (without one, the
    /// line counted to).
    fn of(&mut self, position: Option<&csv::Position>) -> usize {
        let from = position
            .map_or(self.counted, |p| {
                usize::try_from(p.byte()).unwrap_or(usize::MAX)
            })
            .clamp(self.counted, self.text.len());
        let ends = |b: &u8| matches!(b, b'\r' | b'\n');
        let start = from + self.text[from..].iter().take_while(|b| ends(b)).count();
        for at in self.counted..start {
            let ends_line = match self.text[at] {
                b'\n' => true,
                b'\r' => self.text.get(at + 1) != Some(&b'\n'),
                _ => false,
            };
            self.line += usize::from(ends_line);
        }
        self.counted = start;
        self.line
    }
}

/// The header: which column each position holds.
struct Columns {
    by_position: Vec<Column>,
}

impl Columns {
    fn read(header: &csv::StringRecord, line: usize, file: &Path) -> Result<Columns, RecordErrors> {
        let mut by_position = Vec::new();
        let mut errors = Vec::new();
        let error = |column: usize, field: &str, message: String| RecordError {
            file: file.to_path_buf(),
            line: Some(line),
            column: Some(column),
            field: field.to_string(),
            message,
        };
        for (position, name) in header.iter().enumerate() {
            let name = name.trim();
            match Column::from_str(name) {
                Ok(column) if !column.is_repeatable() && by_position.contains(&column) => {
                    errors.push(error(
                        position + 1,
                        name,
                        format!("{name} appears twice, but it is not repeatable"),
                    ));
                }
                Ok(column) => by_position.push(column),
                Err(_) => errors.push(error(
                    position + 1,
                    name,
                    format!(
                        "unknown column {name:?}: corpack has no field for it (columns: {})",
                        Column::all_headers()
                    ),
                )),
            }
        }
        for required in [Column::Filename, Column::Title] {
            if !by_position.contains(&required) {
                errors.push(error(
                    1,
                    required.header(),
                    format!("no {} column", required.header()),
                ));
            }
        }
        if errors.is_empty() {
            Ok(Columns { by_position })
        } else {
            Err(RecordErrors(errors))
        }
    }

    /// The 1-based position of the first column of this kind.
    fn position(&self, column: Column) -> Option<usize> {
        self.by_position
            .iter()
            .position(|&c| c == column)
            .map(|p| p + 1)
    }
}

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

struct Sheet<'f> {
    file: &'f Path,
    columns: Columns,
    errors: Vec<RecordError>,
    collection_row: Option<(usize, CollectionFields)>,
    /// Each document with its row's line, its `filename` as written, and the
    /// cells of its values that one of several columns holds.
    documents: Vec<(Document, usize, String, ValueCells)>,
}

/// Which cell of a row holds each value of a document that one of several
/// columns can hold, so that a rule it breaks names that column: an author
/// is in one of the `dc.creator` or `dc.contributor` columns, a disputing
/// work in one of the `contested.disputed_by` columns, the context in
/// `dc.description` or `context`.
#[derive(Default)]
struct ValueCells {
    /// The column and position of each author, in order.
    authors: Vec<(Column, usize)>,
    /// The position of each disputing work, in order.
    disputed_by: Vec<usize>,
    context: Option<(Column, usize)>,
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
    fn row(&mut self, line: usize, record: &csv::StringRecord) {
        let mut cells = Cells {
            line,
            cells: Vec::new(),
        };
        for (position, text) in record.iter().enumerate() {
            if text.trim().is_empty() {
                continue;
            }
            match self.columns.by_position.get(position) {
                Some(&column) => cells.cells.push((column, position + 1, text)),
                None => self.errors.push(RecordError {
                    file: self.file.to_path_buf(),
                    line: Some(line),
                    column: Some(position + 1),
                    field: String::new(),
                    message: "a cell past the last column of the header".into(),
                }),
            }
        }
        if cells.cells.is_empty() {
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
        let contested = Contested {
            status: self.parse(&cells, Column::Status).unwrap_or_default(),
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
            let document = Document {
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
            let filename = written.to_string();
            self.documents.push((document, line, filename, value_cells));
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

    /// The collection, if every cell was good and it breaks no rule.
    fn finish(mut self, fields: &CollectionFields) -> Result<ParsedCsv, RecordErrors> {
        let (collection_line, from_csv) = self.collection_row.take().unwrap_or_default();
        let info = match fields.clone().or(from_csv).into_info() {
            Ok(info) => Some(info),
            Err(missing) => {
                self.errors.push(RecordError {
                    file: self.file.to_path_buf(),
                    line: (collection_line > 0).then_some(collection_line),
                    column: None,
                    field: "collection".into(),
                    message: format!(
                        "no collection {}: give them in a row whose filename is objects, or \
                         with the flags",
                        missing.join(", ")
                    ),
                });
                None
            }
        };
        if !self.errors.is_empty() {
            self.errors.sort_by_key(|e| (e.line, e.column));
            return Err(RecordErrors(self.errors));
        }
        let info = info.expect("no errors, so the fields are complete");
        let mut collection = Collection {
            info,
            documents: Vec::new(),
        };
        let mut lines = Vec::new();
        let mut filenames = Vec::new();
        let mut value_cells = Vec::new();
        for (document, line, filename, cells) in self.documents {
            collection.documents.push(document);
            lines.push(line);
            filenames.push(filename);
            value_cells.push(cells);
        }
        let errors: Vec<RecordError> = rule_errors(&collection)
            .into_iter()
            .map(|error| {
                let cell = error
                    .document
                    .and_then(|index| value_cells[index].of(&error.field));
                let (column, position) = match cell {
                    Some((column, position)) => (column, Some(position)),
                    None => {
                        let column = field_column(&error.field, error.document.is_none());
                        (column, self.columns.position(column))
                    }
                };
                let line = error.document.map_or(collection_line, |index| lines[index]);
                let mut record = cell_error(self.file, line, position, column, error.message);
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

/// A person (or organization) cell. In `dc.creator` the role defaults to
/// author; in `dc.contributor` it must be given.
fn person(text: &str, column: Column) -> Result<Author, String> {
    let cell = StructuredCell::parse(text, &["type", "role", "orcid", "wikidata"])?;
    let kind = author_type(cell.get("type"))?;
    let role = match (cell.get("role"), column) {
        (Some(role), _) => Role::from_str(role).map_err(|_| {
            format!(
                "unknown role {role:?}: expected author, speaker, editor, translator, \
                 transcriber or interviewer"
            )
        })?,
        (None, Column::Creator) => Role::Author,
        (None, _) => {
            return Err(format!(
                "{:?}: a dc.contributor needs a role (| role=editor, translator, transcriber or \
                 interviewer)",
                cell.name
            ));
        }
    };
    Ok(Author {
        kind,
        role,
        orcid: cell.get("orcid").map(str::parse).transpose()?,
        wikidata: cell.get("wikidata").map(str::parse).transpose()?,
        name: cell.name,
    })
}

/// An assessor cell: a person unless its `type` says otherwise.
fn assessor(text: &str) -> Result<Assessor, String> {
    let cell = StructuredCell::parse(text, &["type"])?;
    Ok(Assessor {
        kind: author_type(cell.get("type"))?,
        name: cell.name,
    })
}

/// The `type` of a person cell; a person when it is not given.
fn author_type(kind: Option<&str>) -> Result<AuthorType, String> {
    match kind {
        Some(kind) => AuthorType::from_str(kind)
            .map_err(|_| format!("unknown type {kind:?}: expected person or organization")),
        None => Ok(AuthorType::Person),
    }
}

fn place(text: &str) -> Result<Place, String> {
    let cell = StructuredCell::parse(text, &["url", "wikidata", "geonames"])?;
    Ok(Place {
        url: cell.get("url").map(str::parse).transpose()?,
        wikidata: cell.get("wikidata").map(str::parse).transpose()?,
        geonames: cell.get("geonames").map(str::parse).transpose()?,
        name: cell.name,
    })
}

/// A work cell: a citation with its `type`, `doi` and `url`, or a
/// document of the collection, `document=<id>`, with or without a citation.
fn disputing_work(text: &str) -> Result<DisputingWork, String> {
    let cell = StructuredCell::parse_unnamed(text, &["type", "doi", "url", "document"])?;
    let document = cell.get("document").map(str::parse).transpose()?;
    if cell.name.is_empty() && document.is_none() {
        return Err(format!(
            "{text:?} has no citation before its first | (nor a document=<id> of the collection)"
        ));
    }
    let kind = cell
        .get("type")
        .map(|kind| {
            kind.parse().map_err(|_| {
                format!(
                    "unknown type {kind:?}: expected book, article, chapter, thesis, report or \
                     webpage"
                )
            })
        })
        .transpose()?;
    DisputingWork::from_table(DisputingWorkTable {
        kind,
        doi: cell.get("doi").map(str::parse).transpose()?,
        url: cell.get("url").map(str::parse).transpose()?,
        document,
        citation: (!cell.name.is_empty()).then_some(cell.name),
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::collection::testutil;
    use crate::export::csv::to_csv;
    use crate::progress::testutil::Recorded;

    fn parse(text: &str) -> Result<ParsedCsv, Vec<RecordError>> {
        parse_csv(
            text.as_bytes(),
            Path::new("m.csv"),
            &CollectionFields::default(),
        )
        .map_err(|RecordErrors(errors)| errors)
    }

    /// Every field a collection must have, as flags give them.
    fn every_field() -> CollectionFields {
        CollectionFields {
            id: Some("c".parse().unwrap()),
            title: Some("T".into()),
            description: Some("D".into()),
            license: Some("CC0-1.0".parse().unwrap()),
            date: Some("2026-11-25".parse().unwrap()),
            ..CollectionFields::default()
        }
    }

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
        };
        let progress = Recorded::default();
        let report = import_csv(&csv, &dir.path().join("c"), &options, &progress).unwrap();
        assert_eq!(report.files_copied, 2);
        assert_eq!(progress.phases(), [(11, 11)]);
    }

    /// Where an error is: line, column, header.
    type Place = (usize, Option<usize>, String);

    /// The place of each error, and the messages.
    fn located(text: &str) -> (Vec<Place>, Vec<String>) {
        let errors = parse(text).expect_err("the CSV has errors");
        let places = errors
            .iter()
            .map(|e| (e.line.unwrap_or(0), e.column, e.field.clone()))
            .collect();
        (places, errors.iter().map(|e| e.message.clone()).collect())
    }

    const COLLECTION_ROW: &str = "objects,c,T,D,CC0-1.0,2026-11-25";
    const HEADER: &str = "filename,dc.identifier,dc.title,dc.description,dcterms.license,dc.date";

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
    fn the_collection_row_and_flags() {
        let text = format!(
            "{HEADER},dc.publisher,contact.email\n{COLLECTION_ROW},Org,a@example.org\nx.txt,,X,,,\n"
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
    fn bad_headers_are_errors_on_the_header_s_line() {
        let (places, messages) = located("filename,dc.subject,dc.title,dc.date,dc.date\n");
        assert_eq!(
            places,
            [
                (1, Some(2), "dc.subject".to_string()),
                (1, Some(5), "dc.date".to_string())
            ]
        );
        assert!(messages[0].contains("unknown column \"dc.subject\""));
        assert!(messages[1].contains("not repeatable"));
        let (places, _) = located("dc.identifier\n");
        assert_eq!(
            places,
            [
                (1, Some(1), "filename".into()),
                (1, Some(1), "dc.title".into())
            ]
        );
    }

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
    fn an_error_names_the_line_its_record_starts_on() {
        // Blank lines, a cell holding a line break, and each line end a
        // spreadsheet may write: records are not lines.
        let template = format!(
            "\n{HEADER}\n\n{COLLECTION_ROW}\n\
             a.txt,a,\"A\nletter\",,,1937-13\n\nb.txt,b,B,,,June\n"
        );
        for end in ["\n", "\r\n", "\r"] {
            let (places, messages) = located(&template.replace('\n', end));
            assert_eq!(
                places,
                [
                    (5, Some(6), "dc.date".to_string()),
                    (8, Some(6), "dc.date".to_string()),
                ],
                "{end:?}"
            );
            assert!(messages[0].starts_with("invalid EDTF date"), "{messages:?}");
            let (places, _) = located(&format!("{end}{end}filename,dc.title,dc.subject{end}"));
            assert_eq!(places, [(3, Some(3), "dc.subject".to_string())], "{end:?}");
        }
    }

    #[test]
    fn an_organization_is_a_person_cell_of_type_organization() {
        let header = format!("{HEADER},dc.creator,dc.contributor");
        let text = format!(
            "{header}\n{COLLECTION_ROW},,\n\
             a.txt,a,A,,,,UNESCO | type=organization | wikidata=Q7809,Board | type=organization | role=editor\n"
        );
        let authors = &parse(&text).unwrap().collection.documents[0]
            .provenance
            .authors;
        let kinds: Vec<(AuthorType, Role)> = authors.iter().map(|a| (a.kind, a.role)).collect();
        assert_eq!(
            kinds,
            [
                (AuthorType::Organization, Role::Author),
                (AuthorType::Organization, Role::Editor)
            ]
        );
        let (places, messages) = located(&format!(
            "{header}\n{COLLECTION_ROW},,\na.txt,a,A,,,,Board | type=board,\n"
        ));
        assert_eq!(places, [(3, Some(7), "dc.creator".to_string())]);
        assert!(
            messages[0].starts_with("unknown type \"board\": expected person or organization"),
            "{}",
            messages[0]
        );
        let (places, messages) = located(&format!(
            "{header}\n{COLLECTION_ROW},,\n\
             a.txt,a,A,,,,Board | type=organization | orcid=0000-0002-1825-0097,\n"
        ));
        assert_eq!(places, [(3, Some(7), "dc.creator".to_string())]);
        assert!(
            messages[0].contains("is an organization"),
            "{}",
            messages[0]
        );
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
    fn a_document_of_the_collection_disputes_by_its_id() {
        let header = format!("{HEADER},contested.disputed_by,contested.disputed_by");
        let text = format!(
            "{header}\n{COLLECTION_ROW},,\n\
             a.txt,a,A,,,,| document=b,\"Letter, 1938 | document=c\"\n\
             b.txt,b,B,,,,| document=nowhere,| document=b\n\
             c.txt,c,C,,,,,\n"
        );
        let (places, messages) = located(&text);
        assert_eq!(
            places,
            [
                (4, Some(7), "contested.disputed_by".to_string()),
                (4, Some(8), "contested.disputed_by".to_string()),
            ]
        );
        assert!(messages[0].contains("id `nowhere`"), "{}", messages[0]);
        assert!(messages[1].contains("own id"), "{}", messages[1]);
        let good = text.replace("| document=nowhere,| document=b", ",");
        let parsed = parse(&good).unwrap();
        assert_eq!(
            parsed.collection.documents[0].contested.disputed_by[1],
            DisputingWork::Document {
                id: "c".parse().unwrap(),
                citation: Some("Letter, 1938".into())
            }
        );
        for (cell, expected) in [
            ("| type=book", "no citation before its first |"),
            (
                "| document=c | doi=10.1000/182",
                "leave out type, doi and url",
            ),
            ("| document=C", "invalid slug"),
        ] {
            let (_, messages) = located(&good.replace("| document=b", cell));
            assert!(messages[0].contains(expected), "{cell}: {messages:?}");
        }
    }

    #[test]
    fn rules_across_rows_name_the_line() {
        let text = format!("{HEADER}\n{COLLECTION_ROW}\na.txt,a,A\nb.txt,a,B\nc.txt,c, C\n");
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

    #[test]
    fn text_that_is_not_utf8_or_csv() {
        let error = parse_csv(
            b"filename\n\xff\n",
            Path::new("m.csv"),
            &CollectionFields::default(),
        )
        .unwrap_err();
        assert!(error.to_string().contains("not UTF-8 (byte 9)"), "{error}");
        let (places, messages) = located(&format!("{HEADER}\n{COLLECTION_ROW},extra\n"));
        assert_eq!(places, [(2, Some(7), String::new())]);
        assert!(messages[0].contains("past the last column"));
    }
}
