//! The library's error type.
//!
//! Every error names what it concerns: a file on disk, a line and field of a
//! record, or an entry of a bundle. Validation *findings* (a bag that does not
//! verify) are not errors; they are data, see [`crate::finding`].

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Serialize;
use strum::{Display, IntoStaticStr};

use crate::finding::Finding;

/// A specialized `Result` for corpack operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can stop a corpack operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An I/O error on a named file or directory.
    // The cause is part of the message, not a `source`, so that printing
    // the error chain does not repeat it.
    #[error("{}: {error}", shown(path))]
    Io {
        /// The file or directory the operation was about.
        path: PathBuf,
        /// The underlying error.
        error: io::Error,
    },
    /// One or more records of a collection are invalid.
    #[error("{0}")]
    Records(RecordErrors),
    /// A source file changed while it was read, so what was read may not
    /// be any one state of it.
    #[error(
        "{}: the file changed while it was packed ({what}); pack it again once it is \
         no longer being written",
        shown(path)
    )]
    SourceChanged {
        /// The source file.
        path: PathBuf,
        /// What differs between before and after the read.
        what: String,
    },
    /// A bundle did not read back as it was written. It was not put in
    /// place.
    #[error(
        "{}: reading the bundle back before putting it in place: {message}; what was written \
         is not what was read, so nothing was put in place",
        shown(path)
    )]
    WrittenBadly {
        /// The bundle being written.
        path: PathBuf,
        /// What read back differently.
        message: String,
    },
    /// The collection cannot be packed as it is, or a bag imported: findings
    /// that are errors (names policy, unreferenced files with `--strict`).
    #[error(
        "{}: {} the {stopped}:\n{}",
        shown(dir),
        errors_stop(*errors),
        list(findings)
    )]
    Refused {
        /// The collection directory, or the bag imported.
        dir: PathBuf,
        /// What they stop: `pack` or `import`.
        stopped: &'static str,
        /// The findings, errors and warnings.
        findings: Vec<Finding>,
        /// How many findings are errors, those left out of a list capped
        /// per code (verify's) too.
        errors: u64,
    },
    /// The bundle would be written inside a directory it is packed from.
    #[error(
        "{}: the bundle would be written inside {}, which pack only reads; write it elsewhere",
        shown(output),
        shown(source_dir)
    )]
    OutputInSource {
        /// The bundle.
        output: PathBuf,
        /// The collection or `--source` directory holding it.
        source_dir: PathBuf,
    },
    /// The output is the input, holds it, or lies inside it.
    #[error(
        "{}: the output would replace {}, or be written inside it, which is only read; \
         write it elsewhere",
        shown(output),
        shown(input)
    )]
    OutputOverInput {
        /// The output asked for.
        output: PathBuf,
        /// The file or directory read.
        input: PathBuf,
    },
    /// An output lies inside the input, which is only read: what is
    /// written there would change it.
    #[error(
        "{}: the output would be written inside {}, which is only read; write it elsewhere",
        shown(output),
        shown(input)
    )]
    OutputIntoInput {
        /// The output asked for.
        output: PathBuf,
        /// The file or directory read.
        input: PathBuf,
    },
    /// The output exists and overwriting was not requested.
    #[error("{}: already exists (pass --force to overwrite it)", shown(.0))]
    OutputExists(PathBuf),
    /// The output exists and cannot take this output: an OCFL object of
    /// another collection, say, or what another program made there while
    /// corpack wrote it. `--force` does not override it.
    #[error("{}: {message}", shown(path))]
    OutputConflict {
        /// The output.
        path: PathBuf,
        /// Why it cannot be written.
        message: String,
    },
    /// A BagIt profile that cannot be used: malformed JSON, a missing or
    /// mistyped field, or rules that contradict each other.
    #[error("{0}")]
    Profile(RecordError),
    /// A bundle or bag could not be read as one at all.
    #[error("{}: {message}", shown(path))]
    Unreadable {
        /// The bundle or bag.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

/// The stable code of an error, for scripts: the `--json` document of a
/// command that failed carries it, and so does its text (`error[io]: …`).
/// Each kind of error has its own, and a command line that cannot be
/// parsed is `usage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema, Display, IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// A command line that cannot be parsed, or a flag's value that is
    /// refused (`--threads 0`).
    Usage,
    /// Reading or writing a file or directory failed, or writing the
    /// command's output did.
    Io,
    /// Records that do not parse or break a rule: `records` lists them.
    RecordInvalid,
    /// A source file changed while it was packed.
    SourceChanged,
    /// The bundle did not read back as it was written, so it was not put
    /// in place.
    ReadBackMismatch,
    /// The collection cannot be packed as it is, or a bag imported as a
    /// collection: `findings` says why.
    CollectionRefused,
    /// The bundle would be written inside a directory it is packed from.
    OutputInSource,
    /// The output is the input, holds it or lies inside it.
    OutputOverInput,
    /// The output exists and `--force` was not given.
    OutputExists,
    /// The output exists and cannot take this output, `--force` or not
    /// (an OCFL object of another collection), or another program made it
    /// while corpack wrote it.
    OutputConflict,
    /// A BagIt profile that cannot be used.
    ProfileInvalid,
    /// A bundle or bag that cannot be read as one.
    Unreadable,
}

impl Error {
    /// The refusal of what `findings`, all listed, stop.
    pub fn refused(dir: &Path, stopped: &'static str, findings: Vec<Finding>) -> Error {
        let errors = crate::verify::findings::Counts::of(&findings).errors;
        Error::Refused {
            dir: dir.to_path_buf(),
            stopped,
            findings,
            errors,
        }
    }

    /// The error's stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Io { .. } => ErrorCode::Io,
            Error::Records(_) => ErrorCode::RecordInvalid,
            Error::SourceChanged { .. } => ErrorCode::SourceChanged,
            Error::WrittenBadly { .. } => ErrorCode::ReadBackMismatch,
            Error::Refused { .. } => ErrorCode::CollectionRefused,
            Error::OutputInSource { .. } => ErrorCode::OutputInSource,
            Error::OutputOverInput { .. } | Error::OutputIntoInput { .. } => {
                ErrorCode::OutputOverInput
            }
            Error::OutputExists(_) => ErrorCode::OutputExists,
            Error::OutputConflict { .. } => ErrorCode::OutputConflict,
            Error::Profile(_) => ErrorCode::ProfileInvalid,
            Error::Unreadable { .. } => ErrorCode::Unreadable,
        }
    }

    /// The file or directory the error is about. Record errors name one
    /// when they are all in the same file.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Error::Io { path, .. }
            | Error::SourceChanged { path, .. }
            | Error::WrittenBadly { path, .. }
            | Error::OutputExists(path)
            | Error::OutputConflict { path, .. }
            | Error::Unreadable { path, .. } => Some(path),
            Error::Refused { dir, .. } => Some(dir),
            Error::OutputInSource { output, .. }
            | Error::OutputOverInput { output, .. }
            | Error::OutputIntoInput { output, .. } => Some(output),
            Error::Profile(error) => Some(&error.file),
            Error::Records(RecordErrors(errors)) => {
                let file = &errors.first()?.file;
                errors
                    .iter()
                    .all(|e| &e.file == file)
                    .then_some(file.as_path())
            }
        }
    }

    /// The one field of a record or profile the error is about, if it is
    /// about one.
    pub fn record(&self) -> Option<&RecordError> {
        match self {
            Error::Profile(error) => Some(error),
            Error::Records(RecordErrors(errors)) if errors.len() == 1 => errors.first(),
            _ => None,
        }
    }

    /// An I/O error about `path`.
    pub fn io(path: impl Into<PathBuf>, error: io::Error) -> Error {
        Error::Io {
            path: path.into(),
            error,
        }
    }

    /// A bundle or bag at `path` that cannot be read.
    pub fn unreadable(path: impl Into<PathBuf>, message: impl Into<String>) -> Error {
        Error::Unreadable {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// "1 error stops" or "N errors stop": the errors of `findings` are what
/// stops, the warnings are listed beside them.
fn errors_stop(errors: u64) -> String {
    if errors == 1 {
        "1 error stops".to_string()
    } else {
        format!("{errors} errors stop")
    }
}

/// A path as an error's text shows it: control characters escaped, so
/// that a name holding a newline cannot fake a line of its own.
pub fn shown(path: &Path) -> String {
    crate::finding::escape_controls(&path.display().to_string()).into_owned()
}

/// One finding per line, indented.
fn list(findings: &[Finding]) -> String {
    let lines: Vec<String> = findings.iter().map(|f| format!("  {f}")).collect();
    lines.join("\n")
}

/// Attaches a path to `io::Error`s.
pub(crate) trait IoContext<T> {
    /// Wraps the error with the path it concerns.
    fn at(self, path: &Path) -> Result<T>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn at(self, path: &Path) -> Result<T> {
        self.map_err(|error| Error::io(path, error))
    }
}

/// The `--json` document of a command that failed.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ErrorReport {
    /// What went wrong, for a person, with what the command was doing.
    pub error: String,
    /// The stable code, for scripts.
    pub code: ErrorCode,
    /// The file or directory the error is about, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// 1-based line in `path`, when the error is about one place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column in `path`, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The field, as a path such as `document[2].provenance.date`, when the
    /// error is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every record error, each with its file, line and field (code
    /// `record-invalid`).
    pub records: Vec<RecordError>,
    /// The findings that stopped the command (code `collection-refused`).
    pub findings: Vec<Finding>,
    /// How many of those are errors that stop it, those left out of a
    /// list capped per code too (code `collection-refused`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<u64>,
}

impl ErrorReport {
    /// The report of `error`, described for a person by `message` (which
    /// says what the command was doing, and the error).
    pub fn new(message: String, error: &Error) -> ErrorReport {
        let record = error.record();
        ErrorReport {
            error: message,
            code: error.code(),
            path: error.path().map(Path::to_path_buf),
            line: record.and_then(|r| r.line),
            column: record.and_then(|r| r.column),
            field: record.map(|r| r.field.clone()).filter(|f| !f.is_empty()),
            records: match error {
                Error::Records(RecordErrors(errors)) => errors.clone(),
                _ => Vec::new(),
            },
            findings: match error {
                Error::Refused { findings, .. } => findings.clone(),
                _ => Vec::new(),
            },
            errors: match error {
                Error::Refused { errors, .. } => Some(*errors),
                _ => None,
            },
        }
    }

    /// The report of a failure that is no [`Error`]: a command line that
    /// cannot be parsed, or output that cannot be written.
    pub fn without_error(message: String, code: ErrorCode) -> ErrorReport {
        ErrorReport {
            error: message,
            code,
            path: None,
            line: None,
            column: None,
            field: None,
            records: Vec::new(),
            findings: Vec::new(),
            errors: None,
        }
    }
}

/// One invalid field of a record, located in its source file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RecordError {
    /// The file holding the record (e.g. `collection.toml`).
    pub file: PathBuf,
    /// 1-based line of the field, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column of the field, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The field, as a path such as `document[2].provenance.date`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl RecordError {
    /// The error of `bytes`, a text of `file` from its line `first_line`
    /// on that is UTF-8 up to `valid`, at the line and column of the first
    /// byte that is not.
    pub(crate) fn not_utf8(file: &Path, bytes: &[u8], valid: usize, first_line: usize) -> Self {
        let before = String::from_utf8_lossy(&bytes[..valid]);
        let (line, column) = LineIndex::starting_at(&before, first_line).place(before.len());
        RecordError {
            file: file.to_path_buf(),
            line: Some(line),
            column: Some(column),
            field: String::new(),
            message: format!(
                "not UTF-8 (byte 0x{:02X} is not a character here): save the file as UTF-8",
                bytes[valid]
            ),
        }
    }

    /// Where it is, `file:line:column`, as far as known.
    pub fn place(&self) -> String {
        let mut place = shown(&self.file);
        if let Some(line) = self.line {
            place.push_str(&format!(":{line}"));
            if let Some(column) = self.column {
                place.push_str(&format!(":{column}"));
            }
        }
        place
    }

    /// What is wrong, after the field it is about.
    pub fn what(&self) -> String {
        if self.field.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.field, self.message)
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place(), self.what())
    }
}

/// Where each line of a text starts, to place byte offsets in it without
/// counting lines from the start each time (a collection of 20,000
/// documents has as many offsets to place).
pub(crate) struct LineIndex<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
    /// The line of the file the text starts on.
    first_line: usize,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(source: &'a str) -> LineIndex<'a> {
        LineIndex::starting_at(source, 1)
    }

    /// The lines of a text that starts on line `first_line` of its file.
    pub(crate) fn starting_at(source: &'a str, first_line: usize) -> LineIndex<'a> {
        let breaks = source.match_indices('\n').map(|(i, _)| i + 1);
        LineIndex {
            source,
            line_starts: std::iter::once(0).chain(breaks).collect(),
            first_line,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn place(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line - 1];
        let column = self.source[line_start..offset].chars().count() + 1;
        (line + self.first_line - 1, column)
    }
}

/// A non-empty list of record errors, reported together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordErrors(pub Vec<RecordError>);

impl fmt::Display for RecordErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl From<RecordErrors> for Error {
    fn from(errors: RecordErrors) -> Error {
        Error::Records(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_report_places_one_record_error_and_names_the_file_of_several() {
        let error = |line| RecordError {
            file: PathBuf::from("collection.toml"),
            line: Some(line),
            column: Some(1),
            field: "document[1].id".into(),
            message: "invalid slug".into(),
        };
        let one = ErrorReport::new("one".into(), &Error::Records(RecordErrors(vec![error(9)])));
        assert_eq!(one.code, ErrorCode::RecordInvalid);
        assert_eq!(one.path.as_deref(), Some(Path::new("collection.toml")));
        assert_eq!(
            (one.line, one.field.as_deref()),
            (Some(9), Some("document[1].id"))
        );
        let two = Error::Records(RecordErrors(vec![error(9), error(14)]));
        let two = ErrorReport::new("two".into(), &two);
        assert_eq!(two.path.as_deref(), Some(Path::new("collection.toml")));
        assert_eq!((two.line, two.field.as_deref()), (None, None));
        assert_eq!(two.records.len(), 2);
        let json = serde_json::to_value(&two).unwrap();
        assert_eq!(json["code"], "record-invalid");
        assert!(json.get("line").is_none(), "absent, not null: {json}");
    }

    #[test]
    fn record_error_names_file_line_and_field() {
        let error = RecordError {
            file: PathBuf::from("seeds/collection.toml"),
            line: Some(31),
            column: Some(8),
            field: "document[1].provenance.date".into(),
            message: "invalid EDTF date".into(),
        };
        assert_eq!(
            error.to_string(),
            "seeds/collection.toml:31:8: document[1].provenance.date: invalid EDTF date"
        );
    }
}
