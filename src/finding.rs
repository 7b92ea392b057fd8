//! Validation findings: what is wrong with a bag, as data.
//!
//! A finding has a severity, a stable code, the path it concerns (relative to
//! the bag's root, `/`-separated) and a message. Printing is the front end's
//! job; tools and tests match on the code.

use std::fmt;

use schemars::JsonSchema;
use serde::Serialize;
use strum::{Display, EnumString, IntoStaticStr};

/// How bad a finding is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Display, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; the bag is still valid.
    Warning,
    /// The bag is invalid.
    Error,
}

/// The stable code of a finding.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    JsonSchema,
    Display,
    EnumString,
    IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
#[non_exhaustive]
pub enum Code {
    /// `bagit.txt` is absent.
    BagitTxtMissing,
    /// `bagit.txt` is not two well-formed lines with a known version.
    BagitTxtInvalid,
    /// `bag-info.txt` (or `package-info.txt`) cannot be parsed.
    BagInfoInvalid,
    /// The bag has no payload manifest.
    ManifestMissing,
    /// A manifest line is not `<checksum> <path>`.
    ManifestLineInvalid,
    /// A manifest lists the same path twice.
    ManifestDuplicateEntry,
    /// A manifest path leaves the bag or is otherwise unsafe.
    UnsafePath,
    /// A manifest uses an algorithm that is no longer collision resistant.
    WeakAlgorithm,
    /// A file listed in a payload manifest is absent.
    PayloadFileMissing,
    /// A payload file is not listed in a payload manifest.
    PayloadFileUnlisted,
    /// A payload file's checksum differs from its manifest's.
    PayloadDigestMismatch,
    /// A file listed in a tag manifest is absent.
    TagFileMissing,
    /// A tag file's checksum differs from its tag manifest's.
    TagDigestMismatch,
    /// A listed file could not be read (I/O error, corrupt zip entry).
    FileUnreadable,
    /// `Payload-Oxum` is malformed.
    PayloadOxumInvalid,
    /// `Payload-Oxum` disagrees with the payload.
    PayloadOxumMismatch,
    /// `data/ro-crate-metadata.json` is absent.
    RocrateMissing,
    /// `data/ro-crate-metadata.json` does not parse as an RO-Crate.
    RocrateInvalid,
    /// The RO-Crate metadata disagrees with the payload.
    RocrateMismatch,
    /// A payload file is not described in the RO-Crate metadata.
    RocrateFileUndescribed,
    /// A document is catalogued (its record and declared checksum are in
    /// the bundle) but its file was not found, so it is not held.
    DocumentNotHeld,
    /// A record does not say when the document was made.
    ProvenanceNoDate,
    /// A record does not say where this copy of the document came from.
    ProvenanceNoOrigin,
    /// A record states neither a licence nor rights for the document (the
    /// collection's licence does not cover it).
    DocumentNoLicense,
    /// A contested document's record has no summary of the dispute.
    ContestedNoSummary,
    /// A contested document's record cites no work that disputes it.
    ContestedNoCitations,
    /// A contested document's record does not say what is disputed.
    ContestedNoAspects,
    /// A record gives a contested status but not who assessed it, or when.
    AssessmentIncomplete,
    /// A record describes a dispute (aspects, summary or disputing works)
    /// but its status is not `contested`.
    DisputeNotContested,
    /// Two document paths are equal after Unicode NFC normalization, so
    /// they would be one entry of the bag (names policy, never allowed).
    NfcCollision,
    /// A path is both a document file and a directory of another document
    /// (names policy, never allowed).
    FileDirectoryCollision,
    /// Two document paths (or their directories) are equal after Unicode
    /// case folding: one overwrites the other on Windows and macOS.
    CaseCollision,
    /// A path component is a name Windows reserves for a device (`CON`,
    /// `NUL`, `COM1`, ...), with or without an extension.
    WindowsReserved,
    /// A path component holds a character Windows forbids in names
    /// (`<>:"|?*` or a control character).
    WindowsChars,
    /// A path component ends with a dot or a space, which Windows drops.
    TrailingDotSpace,
    /// A path component is over 255 bytes.
    LongComponent,
    /// A path inside the bag is over 240 characters (UTF-16 code units).
    LongPath,
    /// A name on disk is not valid UTF-8.
    NonUtf8,
    /// A file or directory in the collection directory that no record
    /// references: it is not packed.
    UnreferencedFile,
    /// An operating system's own file (`.DS_Store`, `Thumbs.db`,
    /// `desktop.ini`, `__MACOSX/`, ...), not referenced: it is not packed.
    SystemFile,
    /// An empty directory: a bag lists files only, so it is not packed.
    EmptyDirectory,
}

/// One thing found wrong (or worth a warning) in a bag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code.
    pub code: Code,
    /// The path concerned, relative to the bag root (empty for the bag).
    pub path: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl Finding {
    /// An error finding.
    pub fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Error,
            code,
            path: path.into(),
            message: message.into(),
        }
    }

    /// A warning finding.
    pub fn warning(code: Code, path: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Warning,
            code,
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "."
        } else {
            &self.path
        };
        write!(
            f,
            "{path}: {}[{}]: {}",
            self.severity, self.code, self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_kebab_case_both_ways() {
        assert_eq!(
            Code::PayloadDigestMismatch.to_string(),
            "payload-digest-mismatch"
        );
        assert_eq!("unsafe-path".parse::<Code>().unwrap(), Code::UnsafePath);
        let json = serde_json::to_string(&Code::BagitTxtMissing).unwrap();
        assert_eq!(json, "\"bagit-txt-missing\"");
    }

    #[test]
    fn display_has_path_severity_code_and_message() {
        let finding = Finding::error(Code::PayloadFileMissing, "data/a.txt", "listed but absent");
        assert_eq!(
            finding.to_string(),
            "data/a.txt: error[payload-file-missing]: listed but absent"
        );
    }
}
