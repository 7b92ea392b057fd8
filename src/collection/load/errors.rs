//! Placing what reading `collection.toml` finds by line, column and field:
//! the errors of tables that do not read, the rules broken by those that do
//! (at the value each is about), and the places of a record's fields that
//! errors found after loading are about.

use std::collections::HashMap;
use std::path::Path;

use toml::Spanned;
use toml::de::DeTable;

use crate::collection::Document;
use crate::collection::places::field_span;
use crate::collection::records::RecordPlaces;
use crate::collection::segments::{Line, Scanner, header_keys, key};
use crate::collection::validate::{RuleError, Rules};
use crate::error::{LineIndex, RecordError};

/// The errors found so far: those that stand, and those about a document
/// named before its record is read, which stand if no record has its id
/// (see [`Rules`]).
#[derive(Default)]
pub(super) struct Errors {
    standing: Vec<RecordError>,
    /// Each with the id it awaits.
    awaiting: Vec<(String, RecordError)>,
}

impl Errors {
    pub(super) fn push(&mut self, error: RecordError) {
        self.standing.push(error);
    }

    /// Every error that stands once `rules` has checked every record.
    pub(super) fn finish(self, rules: &Rules) -> Vec<RecordError> {
        let awaiting = self.awaiting.into_iter();
        let standing = awaiting.filter(|(id, _)| !rules.is_there(id));
        let mut errors = self.standing;
        errors.extend(standing.map(|(_, error)| error));
        errors
    }
}

impl Extend<RecordError> for Errors {
    fn extend<I: IntoIterator<Item = RecordError>>(&mut self, errors: I) {
        self.standing.extend(errors);
    }
}

/// The text of a table that read, parsed again to locate the rules it
/// breaks; `None` would leave them at its header.
pub(super) fn parse_again(text: &str) -> Option<DeTable<'_>> {
    DeTable::parse(text).ok().map(Spanned::into_inner)
}

/// The spans of the fields of a record that errors found after loading are
/// about.
pub(super) struct FieldSpans {
    file: Option<std::ops::Range<usize>>,
    sha256: Option<std::ops::Range<usize>>,
}

impl FieldSpans {
    /// The spans of the fields of the `[[document]]` table `record`.
    pub(super) fn of(record: Option<&DeTable<'_>>) -> FieldSpans {
        let span = |field: &str| Some(record?.get(field)?.span());
        FieldSpans {
            file: span("file"),
            sha256: span("sha256"),
        }
    }
}

/// Where the record `document` is: its header, and its fields' `spans`,
/// placed by `lines`.
pub(super) fn record_places(
    spans: &FieldSpans,
    lines: &LineIndex<'_>,
    document: &Spanned<Document>,
) -> RecordPlaces {
    let header = lines.place(document.span().start);
    let place = |span: &Option<std::ops::Range<usize>>| {
        span.as_ref().map_or(header, |span| lines.place(span.start))
    };
    RecordPlaces {
        header,
        file: place(&spans.file),
        sha256: document
            .get_ref()
            .sha256
            .as_ref()
            .map(|_| place(&spans.sha256)),
    }
}

/// A table that read, with what locates the rules it breaks.
pub(super) struct LocatedTable<'a> {
    /// The TOML holding it, if it parsed again.
    pub(super) root: Option<&'a DeTable<'a>>,
    /// Places offsets in the TOML as lines and columns of the file.
    pub(super) lines: &'a LineIndex<'a>,
    /// Its path in `root`: `collection`, or `document[N]`.
    pub(super) path: String,
    /// Its header's place in the file.
    pub(super) place: (usize, usize),
}

impl LocatedTable<'_> {
    /// Adds to `errors` the rules `broken`, each located at the value it
    /// is about, in the record that is the file's `number`th
    /// `[[document]]`, or in the `[collection]`.
    pub(super) fn rule_errors(
        &self,
        file: &Path,
        number: Option<usize>,
        broken: Vec<RuleError>,
        errors: &mut Errors,
    ) {
        for error in broken {
            let span = self
                .root
                .and_then(|root| field_span(root, &format!("{}.{}", self.path, error.field)));
            let (line, column) = span.map_or(self.place, |span| self.lines.place(span.start));
            let located = RecordError {
                file: file.to_path_buf(),
                line: Some(line),
                column: Some(column),
                field: match number {
                    Some(number) => format!("document[{number}].{}", error.field),
                    None => format!("collection.{}", error.field),
                },
                message: error.message,
            };
            match error.awaiting {
                Some(id) => errors.awaiting.push((id, located)),
                None => errors.push(located),
            }
        }
    }
}

/// Turns serde's path into `document[2].provenance.date` (1-based indexes);
/// the documents' indexes start at `first_document`.
pub(super) fn field_path(path: &serde_path_to_error::Path, first_document: usize) -> String {
    use serde_path_to_error::Segment;

    let mut field = String::new();
    let mut offset = first_document;
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                field.push_str(&format!("[{}]", index + offset + 1));
                offset = 0;
            }
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

/// The field an `unknown field `x`, expected one of `a`, `b`…` message
/// may have meant, if `x` is a misspelling of one.
fn meant_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, expected) = rest.split_once('`')?;
    let known = expected.split('`').skip(1).step_by(2);
    crate::spelling::meant(unknown, known)
}

/// A TOML error in `source`, a text holding the file's `[[document]]`
/// tables from the `first_document`th on (0-based), about `field`, in
/// words an archivist reads: a field missing or given twice is named, and
/// a value of the wrong type is called as TOML calls it.
pub(super) fn toml_error(
    source: &str,
    file: &Path,
    error: &toml::de::Error,
    mut field: String,
    first_document: usize,
) -> RecordError {
    let span = error.span();
    let at = span.clone().and_then(|span| source.get(span));
    let mut message = error.message().trim_end().to_string();
    if let Some((missing, _)) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
    {
        field = joined(&field, missing);
    } else if let (Some(span), Some(key), "duplicate key") = (&span, at, message.as_str()) {
        let key = key.trim_matches(['"', '\'']);
        field = field_at(source, span.start, first_document);
        message = match single_table_before(source, span.start) {
            Some((name, line)) => {
                field = name.to_string();
                format!(
                    "`[[{name}]]` here, but `[{name}]` on line {line}: a list of tables is \
                     written `[[{name}]]` each time"
                )
            }
            None => format!("duplicate key `{key}`: a key or table is given once in its table"),
        };
    } else if let Some(header) = span
        .as_ref()
        .and_then(|span| table_header(source, span.start))
        .filter(|header| {
            // A table (the header's) where another value is expected: an
            // inline array on a line of its own is no header.
            message.starts_with("invalid type: map")
                && (header.starts_with("[[") || message.ends_with("expected a sequence"))
        })
    {
        // A table written as a list of tables, or the other way round.
        let name = header.trim_matches(['[', ']']).trim();
        message = if header.starts_with("[[") {
            field.truncate(
                field
                    .rfind('[')
                    .filter(|_| field.ends_with(']'))
                    .unwrap_or(field.len()),
            );
            format!(
                "`{header}` makes a list of tables, where one table is expected: write `[{name}]`"
            )
        } else {
            format!(
                "`{header}` is one table, where a list of tables is expected: write `[[{name}]]`, once for each"
            )
        };
    } else if let Some(date) = at.filter(|at| at.parse::<toml::value::Datetime>().is_ok()) {
        message = message.replacen(
            "invalid type: map",
            &format!(
                "invalid type: the TOML {} {date}",
                if date.contains('-') { "date" } else { "time" }
            ),
            1,
        );
        if message.ends_with("expected a string") {
            message.push_str(&quoted_date_hint(date, Takes::field(&field)));
        }
    } else if let Some(number) = at.filter(|_| {
        let scalar = ["invalid type: integer", "invalid type: floating point"];
        scalar.iter().any(|kind| message.starts_with(kind))
            && message.ends_with("expected a string")
    }) {
        // A year, an id or a version written bare, as TOML reads a number.
        message.push_str(&format!(": write it in quotes, \"{}\"", number.trim()));
    }
    let mut message = message
        .replace("invalid type: sequence", "invalid type: array")
        .replace("invalid type: map", "invalid type: table")
        .replace("expected a sequence", "expected an array")
        .replace("unknown variant", "unknown value");
    if let Some(meant) = meant_field(&message) {
        message.push_str(&format!(" (is it `{meant}`?)"));
    }
    if let Some(span) = span.as_ref().filter(|_| field.is_empty()) {
        // A syntax error: the field is the key whose value holds it.
        field = field_at(source, span.start, first_document);
        let line_text = line_at(source, span.start);
        if line_text
            .trim_start_matches([' ', '\t'])
            .starts_with('\u{feff}')
        {
            message.push_str(
                "; the line holds a byte-order mark (U+FEFF), which most editors do not show: \
                 delete it",
            );
        }
    }
    let (line, column) = match span {
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
        message,
    }
}

/// The name of the `[[name]]` header on the line of `offset`, and the line
/// of a `[name]` header before it, if there is one (TOML then takes the
/// list of tables for a key given twice).
fn single_table_before(source: &str, offset: usize) -> Option<(&str, usize)> {
    let line_start = source[..offset].rfind('\n').map_or(0, |end| end + 1);
    let header = source[line_start..].lines().next()?.trim();
    let name = header.strip_prefix("[[")?.split("]]").next()?.trim();
    let single = format!("[{name}]");
    let line = (source[..line_start].lines()).position(|line| line.trim() == single)?;
    Some((name, line + 1))
}

/// The table header (`[name]` or `[[name]]`) at `offset` of `source`, if
/// a line starts with one there (a value would follow a key).
fn table_header(source: &str, offset: usize) -> Option<&str> {
    let line_start = source[..offset].rfind('\n').map_or(0, |end| end + 1);
    if !source[line_start..offset].trim().is_empty() {
        return None;
    }
    let text = &source[offset..];
    let end = if text.starts_with("[[") {
        text.find("]]")? + 2
    } else {
        text.strip_prefix('[')?.find(']')? + 2
    };
    Some(&text[..end])
}

/// `inner` under the field `outer` (`document[1]` and `title`, or `[2]`).
pub(super) fn joined(outer: &str, inner: &str) -> String {
    match inner {
        _ if outer.is_empty() => inner.to_string(),
        "" => outer.to_string(),
        _ if inner.starts_with('[') => format!("{outer}{inner}"),
        _ => format!("{outer}.{inner}"),
    }
}

/// The field that `source`, a table's text cut short, ends in, as
/// [`field_at`] gives it.
pub(super) fn field_at_end(source: &str, first_document: usize) -> String {
    field_at(source, source.len(), first_document)
}

/// The line of `source` that `offset` is on.
fn line_at(source: &str, offset: usize) -> &str {
    let line_start = source[..offset].rfind('\n').map_or(0, |end| end + 1);
    source[line_start..].lines().next().unwrap_or_default()
}

/// The key (`title`, `provenance.date`, `"title"`) a line gives a value,
/// if it starts with one.
fn key_of_line(line: &str) -> Option<String> {
    let mut rest = line.trim_start_matches([' ', '\t']);
    let mut keys = Vec::new();
    loop {
        let (key, after) = key(rest)?;
        keys.push(key);
        rest = after.trim_start_matches([' ', '\t']);
        match rest.strip_prefix('.') {
            Some(after) => rest = after.trim_start_matches([' ', '\t']),
            None => break,
        }
    }
    rest.starts_with('=').then(|| keys.join("."))
}

/// The name of a table header, `document.provenance` for
/// `[ document . provenance ]`, and whether it opens an array of tables:
/// as TOML reads it, or as written when it does not read (`[a.b`).
fn header_name(line: &str) -> (bool, String) {
    let line = line.trim_start_matches([' ', '\t']);
    match header_keys(line) {
        Some((array, keys)) => (array, keys.join(".")),
        None => {
            let name = line.split(']').next().unwrap_or_default();
            let name = name.trim_start_matches('[').trim().to_string();
            (line.starts_with("[["), name)
        }
    }
}

/// The field at `offset` of `source`: the key whose value holds it (the
/// key its line gives, or the one a multi-line value began at) under the
/// last table header before it, or the header it is on; a `[[document]]`
/// is `document[N]` (counted on from `first_document`). Lines inside
/// multi-line strings and arrays are never taken for headers or keys.
fn field_at(source: &str, offset: usize, first_document: usize) -> String {
    let line_end = source[offset..]
        .find('\n')
        .map_or(source.len(), |end| offset + end);
    let mut documents = first_document;
    // How many of each array of tables within the document came so far.
    let mut arrays: HashMap<String, usize> = HashMap::new();
    let mut table = String::new();
    let mut key = String::new();
    let mut on_header = false;
    let mut scanner = Scanner::default();
    for line in source[..line_end].lines() {
        let continued = scanner.in_value();
        on_header = false;
        match scanner.line(line) {
            Line::Header(_) => {
                let (array, name) = header_name(line);
                on_header = true;
                key.clear();
                if array && name == "document" {
                    documents += 1;
                    arrays.clear();
                }
                table = match name.strip_prefix("document") {
                    Some("") => format!("document[{documents}]"),
                    Some(rest) if rest.starts_with('.') && array => {
                        let count = arrays.entry(rest.to_string()).or_default();
                        *count += 1;
                        format!("document[{documents}]{rest}[{count}]")
                    }
                    Some(rest) if rest.starts_with('.') => format!("document[{documents}]{rest}"),
                    _ => name,
                };
            }
            Line::Content if !continued => key = key_of_line(line).unwrap_or_default(),
            Line::Content | Line::Blank => {}
        }
    }
    if on_header {
        table
    } else {
        joined(&table, &key)
    }
}

/// `bytes`, the text of `file` from its line `first_line` on, as UTF-8; or
/// the error at its first byte that is not.
pub(super) fn utf8_text(
    bytes: Vec<u8>,
    file: &Path,
    first_line: usize,
) -> std::result::Result<String, RecordError> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let mut not_utf8 = RecordError::not_utf8(file, error.as_bytes(), valid, first_line);
        let before = std::str::from_utf8(&error.as_bytes()[..valid]).unwrap_or_default();
        not_utf8.field = field_at_end(before, 0);
        not_utf8
    })
}

/// What a field that a TOML date was written in takes.
#[derive(Clone, Copy, PartialEq)]
enum Takes {
    Text,
    /// The collection's date: a calendar date, `YYYY-MM-DD`.
    CalendarDate,
    Edtf,
}

impl Takes {
    fn field(field: &str) -> Takes {
        if field == "collection.date" || field.ends_with(".assessed_on") {
            Takes::CalendarDate
        } else if field.rsplit('.').next() == Some("date") {
            Takes::Edtf
        } else {
            Takes::Text
        }
    }
}

/// The hint for a TOML date or time written where text is expected: the
/// same in quotes. In a date field, as the field takes it: a calendar date
/// has no time; EDTF has an upper-case `T` between date and time and `Z`
/// for UTC, where TOML also takes a space or lower case, seconds, which
/// TOML may leave out, no fraction of a second, and `+00:00` for `-00:00`.
/// A time alone is no date to quote.
fn quoted_date_hint(date: &str, takes: Takes) -> String {
    let as_written = format!(": write it in quotes, \"{date}\"");
    if takes == Takes::Text {
        return as_written;
    }
    let Some((day, time)) = date.split_once(['T', 't', ' ']) else {
        if date.contains(':') {
            return ": a time of day alone is no date; write the date in quotes, as \
                    \"2014-06-20\""
                .to_string();
        }
        return as_written;
    };
    if takes == Takes::CalendarDate {
        return format!(": write it in quotes, \"{day}\" (a calendar date, without a time)");
    }
    let time = time.to_ascii_uppercase();
    let (clock, zone) = time.split_at(time.find(['Z', '+', '-']).unwrap_or(time.len()));
    let (clock, fraction) = match clock.split_once('.') {
        Some((whole, _)) => (whole, " (EDTF has no fractions of a second)"),
        None => (clock, ""),
    };
    let seconds = if clock.matches(':').count() == 1 {
        ":00"
    } else {
        ""
    };
    let zone = if zone == "-00:00" { "+00:00" } else { zone };
    let quoted = format!("{day}T{clock}{seconds}{zone}");
    match quoted.parse::<crate::edtf::EdtfDate>() {
        Ok(_) => format!(": write it in quotes, \"{quoted}\"{fraction}"),
        // A leap second TOML takes at any minute, say.
        Err(error) => format!(": in quotes it would still be refused: {error}"),
    }
}
