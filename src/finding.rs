//! Validation findings: what is wrong with a bag, as data.
//!
//! A finding has a severity, a stable code, the path it concerns (relative to
//! the bag's root, `/`-separated) and a message. Printing is the front end's
//! job; tools and tests match on the code.

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::Serialize;
use strum::{Display, EnumString, IntoStaticStr};

use crate::ocfl::OcflCode;

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
    /// `bagit.txt` is not two well-formed lines, or its `BagIt-Version`
    /// is not `M.N` (RFC 8493 §2.1.1).
    BagitTxtInvalid,
    /// `bagit.txt` declares a well-formed `BagIt-Version` corpack does not
    /// read, such as 2.0: it reads 1.0 (RFC 8493) and the drafts 0.93 to
    /// 0.97 before it. The rules the bag follows are not known, so nothing
    /// else of it is judged and it cannot be shown valid (an error).
    BagitVersionUnsupported,
    /// `bagit.txt` declares a `Tag-File-Character-Encoding` corpack cannot
    /// decode, such as IBM500 (an EBCDIC), which RFC 8493 §2.1.1 allows
    /// (any encoding IANA registers): none of the other tag files can be
    /// read, so no checksum can be verified and the bag cannot be shown
    /// valid (an error, as `algorithm-unsupported` is when no payload
    /// checksum can be verified). A label that is not a character set's
    /// name at all is `bagit-txt-invalid`.
    EncodingUnsupported,
    /// `bagit.txt`'s `Tag-File-Character-Encoding` is no name or alias
    /// IANA registers, nor a WHATWG label, but a name of Python's codecs
    /// (`cp720`, or `CP IS` for IBM861 in a spelling Python takes): the tag
    /// files are read in it, as bagit-python reads them, and RFC 8493
    /// §2.1.1 asks for a registered name (a warning).
    EncodingLabelUnregistered,
    /// `bag-info.txt` (or `package-info.txt`) cannot be parsed.
    BagInfoInvalid,
    /// `bag-info.txt` gives more than once a reserved element that RFC
    /// 8493 §2.2.2 says "SHOULD NOT be repeated" (`Bagging-Date`,
    /// `Bag-Size`, `Bag-Group-Identifier`, `Bag-Count`): a warning.
    /// `Payload-Oxum`, which "MUST NOT" be, is `payload-oxum-invalid`.
    BagInfoRepeated,
    /// A `Bagging-Date` of `bag-info.txt` that is not a date written
    /// `YYYY-MM-DD`, or a `Bag-Count` not `N of T` (N from 1 to T, T a
    /// number or `?`), the forms RFC 8493 §2.2.2 gives them: a warning.
    BagInfoValueMalformed,
    /// A tag file (a manifest, `bag-info.txt`, `fetch.txt`) begins with a
    /// byte-order mark though `bagit.txt` declares UTF-8 (the mark is not
    /// read as part of the first line).
    ByteOrderMark,
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
    /// A manifest uses an algorithm corpack cannot compute: its lines,
    /// paths and completeness are checked, its checksums are not verified
    /// (a warning). When every payload manifest is such, no checksum of the
    /// payload can be verified and the bag cannot be shown valid (an error).
    AlgorithmUnsupported,
    /// A manifest's file name spells its algorithm otherwise than RFC 8493
    /// §2.4 requires, lower case with letters and digits only
    /// (`manifest-SHA256.txt`, `tagmanifest-sha-512.txt`): an error from
    /// BagIt 1.0, a warning before. The algorithm is read from the
    /// normalized name, so its checksums are verified all the same.
    AlgorithmNameNotNormalized,
    /// A file listed in a payload manifest is absent.
    PayloadFileMissing,
    /// A payload file is not listed in a payload manifest.
    PayloadFileUnlisted,
    /// A payload file's checksum differs from its manifest's.
    PayloadDigestMismatch,
    /// A file listed in a tag manifest is absent.
    TagFileMissing,
    /// A payload manifest is not listed in a tag manifest, which must list
    /// every payload manifest (an error from BagIt 1.0, a warning before).
    PayloadManifestUnlisted,
    /// A tag file some tag manifests list and others do not: RFC 8493
    /// §2.2.1 says that each tag manifest "SHOULD list the same set of tag
    /// files" (a warning). A payload manifest left out of one is
    /// `payload-manifest-unlisted`.
    TagManifestsDiffer,
    /// A tag file's checksum differs from its tag manifest's.
    TagDigestMismatch,
    /// A listed file could not be read (an I/O error).
    FileUnreadable,
    /// The bag has no payload directory `data/`.
    PayloadDirMissing,
    /// A payload manifest lists a path outside `data/`, or a tag manifest
    /// lists a payload file or a tag manifest (before BagIt 1.0, a warning,
    /// the entry still checked).
    ManifestEntryMisplaced,
    /// A manifest or `fetch.txt` path starts with `./` (tolerated).
    DotSlashPath,
    /// A manifest or `fetch.txt` path has an empty or `.` component inside
    /// it, `data//a` or `data/./a` (tolerated: read as `data/a`, the file it
    /// names; a `..` component is `unsafe-path`).
    RedundantPathComponent,
    /// A manifest line marks its path with `*`, the binary-mode marker of
    /// `md5sum`-style tools (tolerated; the `*` is not part of the path).
    Md5sumMarker,
    /// A path in a BagIt 1.0 bag has a `%` that is not written `%25`.
    UnencodedPercent,
    /// A `fetch.txt` line is not `URL LENGTH FILEPATH` for a payload file.
    FetchLineInvalid,
    /// A file listed in `fetch.txt` is absent: the bag is incomplete until
    /// it is fetched (corpack never downloads).
    FetchFileMissing,
    /// A file listed in `fetch.txt` is not listed in every payload manifest.
    FetchFileUnlisted,
    /// A file listed in `fetch.txt` with a length, not `-`, is in the bag
    /// with another size (a warning: the manifests' checksums say whether
    /// it is the file meant; the length tells a fetcher what to expect). A
    /// length larger than a `u64` holds, which RFC 8493 §2.2.3 does not
    /// forbid, is no file's. A path listed on several lines is warned of
    /// once, naming the lines, as it is said to be missing once.
    FetchLengthMismatch,
    /// Two files of the bag have names that are equal after Unicode
    /// normalization (NFC) or case folding, so they cannot both exist on
    /// macOS or Windows file systems (a warning: the bag is still valid).
    NameCollision,
    /// A manifest lists paths that differ only by case.
    NameCaseVariant,
    /// A manifest path matches a file only after Unicode normalization.
    NameNormalization,
    /// A file name is not valid UTF-8, so no manifest can name it.
    NameNotUtf8,
    /// A symbolic link, device, FIFO or socket: never followed nor read.
    /// Also, as a warning, a directory named as a tag file (`bag-info.txt`,
    /// `fetch.txt`, a manifest holding files), and a zip entry whose Unix mode says
    /// directory but whose name, not ending with `/`, says file (read as
    /// a file).
    NotRegularFile,
    /// An operating system's own file (`.DS_Store`, `Thumbs.db`,
    /// `desktop.ini`, `__MACOSX/`, …): in a bag's payload, clutter; beside
    /// the bag's directory in a zip, left out of the bag; in a collection
    /// directory, not referenced and not packed.
    SystemFile,
    /// An encrypted zip entry: its content cannot be verified.
    ZipEntryEncrypted,
    /// A zip entry compressed with a method other than stored or deflate.
    ZipEntryUnsupported,
    /// A zip entry whose data is damaged: wrong CRC-32, invalid compressed
    /// data, fewer bytes than its declared size, or more, ending before
    /// twice it (and 1 MiB past it); or a directory entry that holds bytes.
    ZipEntryCorrupt,
    /// A zip entry that inflates on past twice its declared size (and 1
    /// MiB past it), or declares more than deflate can produce from its
    /// compressed size.
    ZipBomb,
    /// A zip whose bag is at its root, not in one top-level directory: RFC
    /// 8493 §4 serializes a bag from the parent of its base directory, so
    /// that it unpacks to one directory, named as the bag (a warning: the
    /// bag is read all the same; bdbag does not read such a zip).
    ZipBagAtRoot,
    /// A zip entry name with non-ASCII bytes, not flagged UTF-8 and with
    /// no Info-ZIP Unicode Path field that names it, read as IBM Code Page
    /// 437, as the zip specification says (a warning: the tool that made
    /// the zip may have meant another encoding, and then the manifests do
    /// not name the file).
    ZipNameCp437,
    /// A zip entry name with non-ASCII bytes, not flagged UTF-8, made on
    /// Unix and valid UTF-8, read as UTF-8, as Info-ZIP's `unzip` and
    /// libarchive read it (a warning: Python's `zipfile`, and so bdbag,
    /// reads it as IBM Code Page 437).
    ZipNameUnflaggedUtf8,
    /// `Payload-Oxum` is malformed, or given more than once.
    PayloadOxumInvalid,
    /// `Payload-Oxum` disagrees with the payload. A count larger than a
    /// `u64` holds, which RFC 8493 §2.2.2 does not forbid, disagrees with
    /// every payload but one holding a link or other file that is not
    /// regular, never read, which may stand for any number of files of any
    /// size: with one, a count is wrong only below what the files read
    /// hold.
    PayloadOxumMismatch,
    /// `data/ro-crate-metadata.json` is absent.
    RocrateMissing,
    /// `data/ro-crate-metadata.json` does not parse as an RO-Crate 1.1 (an
    /// error), or is an RO-Crate of another version, which is not checked
    /// (a warning); for an export, also records in it that break a rule of
    /// `collection.toml` (an error).
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
    /// The profile has a key the BagIt Profiles specification does not
    /// define, at its top or in a `Bag-Info` rule (a warning): it is
    /// ignored, as the reference tools ignore it, so a misspelt rule
    /// (`Manifest-Required`) is not checked.
    ProfileKeyUnknown,
    /// The bag's `BagIt-Version` is not one the profile accepts.
    ProfileBagitVersion,
    /// The bag is a directory where the profile requires a serialization,
    /// a file where it forbids one, or of a type it does not accept.
    ProfileSerialization,
    /// `bag-info.txt` does not name the profile in `BagIt-Profile-Identifier`.
    ProfileIdentifier,
    /// A `bag-info.txt` element the profile requires is absent.
    ProfileBagInfoMissing,
    /// A `bag-info.txt` value is not one of those the profile allows.
    ProfileBagInfoValue,
    /// A `bag-info.txt` element the profile says is not repeatable repeats.
    ProfileBagInfoRepeated,
    /// A payload manifest the profile requires is absent.
    ProfileManifestMissing,
    /// A payload manifest uses an algorithm the profile does not allow.
    ProfileManifestNotAllowed,
    /// A tag manifest the profile requires is absent.
    ProfileTagManifestMissing,
    /// A tag manifest uses an algorithm the profile does not allow.
    ProfileTagManifestNotAllowed,
    /// A tag file the profile requires is absent.
    ProfileTagFileMissing,
    /// A tag file is not among those the profile allows.
    ProfileTagFileNotAllowed,
    /// `fetch.txt` is present but the profile does not allow it.
    ProfileFetchNotAllowed,
    /// `fetch.txt` is absent but the profile requires it.
    ProfileFetchMissing,
    /// The profile requires an empty payload and it is not.
    ProfileDataNotEmpty,
    /// A payload file or directory the profile requires is absent.
    ProfilePayloadFileMissing,
    /// A payload file is not among those the profile allows.
    ProfilePayloadFileNotAllowed,
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
    /// A path component holds a `%`: the manifests write it `%25`, as
    /// RFC 8493 §2.1.3 requires, which bagit-python and bdbag do not
    /// decode, so they find the file missing.
    PercentSign,
    /// A path ends with white space other than a space (U+00A0, U+3000,
    /// ...) or holds a line or paragraph separator (U+2028, U+2029):
    /// bagit-python and bdbag strip the one from the manifest line and break
    /// the line at the other, so they find the file missing.
    UnicodeWhiteSpace,
    /// A path component is over 255 bytes.
    LongComponent,
    /// A path inside the bag is over 240 characters (UTF-16 code units).
    LongPath,
    /// A name on disk is not valid UTF-8.
    NonUtf8,
    /// A file or directory in the collection directory that no record
    /// references: it is not packed.
    UnreferencedFile,
    /// An empty directory: a bag lists files only, so it is not packed.
    EmptyDirectory,
    /// A requirement of the OCFL 1.1 specification, under its own code
    /// (`E040`, `W004`), written as the specification writes it. These
    /// codes parse as `OcflCode`.
    #[serde(untagged)]
    #[strum(transparent, default_with = "unparsed_ocfl_code")]
    Ocfl(OcflCode),
}

/// The field strum's `EnumString` gives [`Code::Ocfl`] when it parses the
/// variant's own name, `ocfl`, which names no requirement: the OCFL codes
/// themselves parse as [`OcflCode`].
fn unparsed_ocfl_code() -> OcflCode {
    OcflCode::E001
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
            Cow::Borrowed(".")
        } else {
            escape_controls(&self.path)
        };
        write!(
            f,
            "{path}: {}[{}]: {}",
            self.severity,
            self.code,
            escape_controls(&self.message)
        )
    }
}

/// `text` with its control characters escaped (`\n`, `\u{1b}`): a path
/// comes from the bundle or the disk, and its line breaks or terminal
/// escape sequences must not reach the terminal as they are.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_escaped() {
        let finding = Finding::error(
            Code::PayloadFileUnlisted,
            "data/\u{1b}[31mred\rx.txt",
            "named \"\u{1b}[31mred\rx.txt\"",
        );
        assert_eq!(
            finding.to_string(),
            "data/\\u{1b}[31mred\\rx.txt: error[payload-file-unlisted]: \
             named \"\\u{1b}[31mred\\rx.txt\""
        );
        let plain = Finding::warning(Code::PayloadFileUnlisted, "data/é.txt", "fine");
        assert_eq!(
            plain.to_string(),
            "data/é.txt: warning[payload-file-unlisted]: fine"
        );
    }

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
    fn ocfl_codes_are_written_as_the_specification_writes_them() {
        let code = Code::Ocfl(OcflCode::E040);
        assert_eq!(code.to_string(), "E040");
        assert_eq!(<&str>::from(code), "E040");
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"E040\"");
        let finding = crate::ocfl::finding(OcflCode::W004, "inventory.json", "uses sha256");
        assert_eq!(finding.severity, Severity::Warning);
        assert_eq!(
            finding.to_string(),
            "inventory.json: warning[W004]: uses sha256"
        );
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
