//! The library's error type.
//!
//! Every error names what it concerns: a file on disk, a line and field of a
//! record, or an entry of a bundle. Validation *findings* (a bag that does not
//! verify) are not errors; they are data, see [`crate::finding`].

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

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
    #[error("{}: {error}", path.display())]
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
        path.display()
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
        path.display()
    )]
    WrittenBadly {
        /// The bundle being written.
        path: PathBuf,
        /// What read back differently.
        message: String,
    },
    /// The collection cannot be packed as it is: findings that are errors
    /// (names policy, unreferenced files with `--strict`).
    #[error("{}: {} problem(s) stop the pack:\n{}", dir.display(), findings.len(), list(findings))]
    Refused {
        /// The collection directory.
        dir: PathBuf,
        /// The findings, errors and warnings.
        findings: Vec<Finding>,
    },
    /// The bundle would be written inside a directory it is packed from.
    #[error(
        "{}: the bundle would be written inside {}, which pack only reads; write it elsewhere",
        output.display(),
        source_dir.display()
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
        output.display(),
        input.display()
    )]
    OutputOverInput {
        /// The output asked for.
        output: PathBuf,
        /// The file or directory read.
        input: PathBuf,
    },
    /// The output exists and overwriting was not requested.
    #[error("{}: already exists (pass --force to overwrite it)", .0.display())]
    OutputExists(PathBuf),
    /// The output exists and cannot take this output: an OCFL object of
    /// another collection, say. `--force` does not override it.
    #[error("{}: {message}", path.display())]
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
    #[error("{}: {message}", path.display())]
    Unreadable {
        /// The bundle or bag.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

impl Error {
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

/// One invalid field of a record, located in its source file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct RecordError {
    /// The file holding the record (e.g. `collection.toml`).
    pub file: PathBuf,
    /// 1-based line of the field, when known.
    pub line: Option<usize>,
    /// 1-based column of the field, when known.
    pub column: Option<usize>,
    /// The field, as a path such as `document[2].provenance.date`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if self.field.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": {}: {}", self.field, self.message)
        }
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
