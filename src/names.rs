//! The names policy: document paths that every file system can hold.
//!
//! A bag made on Linux is opened on Windows and macOS too. Before anything
//! is written, every record's path is checked; each problem is an error
//! unless its check is allowed (`--allow <CHECK>`), which makes it a
//! warning and is recorded in `bag-info.txt` (see [`ALLOWED_TAG`]).
//!
//! | check | what it catches | `--allow` |
//! |---|---|---|
//! | `nfc-collision` | two paths equal after Unicode NFC | never: they would be one entry |
//! | `file-directory-collision` | a path that is a file and another's directory | never: a bag cannot hold both |
//! | `case-collision` | two paths (or directories) equal after case folding | yes |
//! | `windows-reserved` | `CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9` (and `¹²³`), with any extension | yes |
//! | `windows-chars` | `<>:"\|?*` or a control character | yes |
//! | `trailing-dot-space` | a component ending in `.` or space | yes |
//! | `percent-sign` | a `%`, written `%25` in manifests, which bagit-python and bdbag do not decode | yes |
//! | `unicode-white-space` | a path ending in white space other than a space (U+00A0, U+3000, …), or a line or paragraph separator (U+2028, U+2029): bagit-python and bdbag strip the one from a manifest line and break the line at the other | yes |
//! | `long-component` | a component over 255 bytes (UTF-8) | yes |
//! | `long-path` | `data/documents/<file>` over 240 UTF-16 code units | yes |
//! | `non-utf8` | a name on disk that is not UTF-8 | yes |
//!
//! Paths are judged in NFC, the form manifests and zip entries use.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use serde::Serialize;
use strum::{Display, EnumIter, EnumString, IntoEnumIterator, IntoStaticStr};
use unicase::UniCase;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::bundle::DOCUMENTS_DIR;
use crate::collection::LoadedRecords;
use crate::finding::{Code, Finding, Severity};

/// The `bag-info.txt` label that records each check allowed to a warning
/// in the bundle, one line per check that found something.
pub const ALLOWED_TAG: &str = "Corpack-Name-Check-Allowed";

/// The longest path inside the bag, in UTF-16 code units (as Windows
/// counts): 240 leaves room under Windows' 260 for where the bag is put.
pub const MAX_BAG_PATH: usize = 240;

/// The longest path component in bytes (Linux and macOS `NAME_MAX`).
pub const MAX_COMPONENT_BYTES: usize = 255;

/// A check of the names policy, by its stable name.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Display,
    EnumString,
    EnumIter,
    IntoStaticStr,
    Serialize,
    schemars::JsonSchema,
)]
#[strum(serialize_all = "kebab-case")]
#[serde(rename_all = "kebab-case")]
pub enum NameCheck {
    /// Two paths equal after NFC normalization.
    NfcCollision,
    /// A path that is both a file and a directory.
    FileDirectoryCollision,
    /// Two paths equal after case folding.
    CaseCollision,
    /// A Windows device name.
    WindowsReserved,
    /// A character Windows forbids.
    WindowsChars,
    /// A trailing dot or space.
    TrailingDotSpace,
    /// A `%`, which bagit-python and bdbag misread.
    PercentSign,
    /// White space ending a path, or a line separator, which bagit-python
    /// and bdbag misread.
    UnicodeWhiteSpace,
    /// A component over 255 bytes.
    LongComponent,
    /// A bag path over 240 characters.
    LongPath,
    /// A name that is not UTF-8.
    NonUtf8,
}

impl NameCheck {
    /// The finding code of this check's problems.
    pub fn code(self) -> Code {
        match self {
            NameCheck::NfcCollision => Code::NfcCollision,
            NameCheck::FileDirectoryCollision => Code::FileDirectoryCollision,
            NameCheck::CaseCollision => Code::CaseCollision,
            NameCheck::WindowsReserved => Code::WindowsReserved,
            NameCheck::WindowsChars => Code::WindowsChars,
            NameCheck::TrailingDotSpace => Code::TrailingDotSpace,
            NameCheck::PercentSign => Code::PercentSign,
            NameCheck::UnicodeWhiteSpace => Code::UnicodeWhiteSpace,
            NameCheck::LongComponent => Code::LongComponent,
            NameCheck::LongPath => Code::LongPath,
            NameCheck::NonUtf8 => Code::NonUtf8,
        }
    }

    /// The check whose problems have this code, if any.
    pub fn of_code(code: Code) -> Option<NameCheck> {
        NameCheck::iter().find(|check| check.code() == code)
    }

    /// Whether `--allow` may turn it into a warning: not when the bag
    /// could not hold both files at all.
    pub fn allowable(self) -> bool {
        !matches!(
            self,
            NameCheck::NfcCollision | NameCheck::FileDirectoryCollision
        )
    }

    /// The checks `--allow` accepts.
    pub fn allowable_names() -> Vec<&'static str> {
        NameCheck::iter()
            .filter(|c| c.allowable())
            .map(<&str>::from)
            .collect()
    }
}

/// Which checks are allowed: their problems are warnings, not errors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NamePolicy {
    allowed: BTreeSet<NameCheck>,
}

impl NamePolicy {
    /// A policy allowing `checks`; the ones that cannot be allowed stay
    /// errors.
    pub fn allowing(checks: &[NameCheck]) -> NamePolicy {
        NamePolicy {
            allowed: checks.iter().copied().filter(|c| c.allowable()).collect(),
        }
    }

    /// A finding of `check` at `path`: an error, or a warning if allowed.
    pub fn finding(&self, check: NameCheck, path: &str, message: String) -> Finding {
        self.finding_allowing_to(check, path, message, "pack it anyway")
    }

    /// A finding of `check` at `path`, whose error says what allowing the
    /// check would do instead (`allowing`, as in "--allow … would pack it
    /// anyway").
    pub fn finding_allowing_to(
        &self,
        check: NameCheck,
        path: &str,
        message: String,
        allowing: &str,
    ) -> Finding {
        if self.allowed.contains(&check) {
            let message = format!("{message} (allowed by --allow {check})");
            Finding::warning(check.code(), path, message)
        } else if check.allowable() {
            let message = format!("{message} (--allow {check} would {allowing})");
            Finding::error(check.code(), path, message)
        } else {
            Finding::error(check.code(), path, message)
        }
    }
}

/// The allowed checks that found something, sorted: what `bag-info.txt`
/// records.
pub fn allowances_used(findings: &[Finding]) -> Vec<NameCheck> {
    let used: BTreeSet<NameCheck> = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .filter_map(|f| NameCheck::of_code(f.code))
        .collect();
    used.into_iter().collect()
}

/// `text` in Unicode Normalization Form C.
pub fn nfc(text: &str) -> Cow<'_, str> {
    // ASCII is NFC, and checked many bytes at a time.
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => Cow::Borrowed(text),
        _ => Cow::Owned(text.nfc().collect()),
    }
}

/// The key under which two names are "the same" on a case-insensitive
/// file system: NFC, Unicode full case folding, NFC again.
fn folded(text: &str) -> String {
    nfc(&UniCase::unicode(nfc(text)).to_folded_case()).into_owned()
}

/// Device names Windows reserves, with or without an extension.
const WINDOWS_RESERVED: [&str; 30] = [
    "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6",
    "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// Characters Windows forbids in names (besides `/`, `\` and controls).
const WINDOWS_FORBIDDEN: &str = "<>:\"|?*";

/// Unicode's line and paragraph separators, at which Python's text reading
/// (bagit-python's, bdbag's) ends a line.
const LINE_SEPARATORS: [char; 2] = ['\u{2028}', '\u{2029}'];

/// What bagit-python and bdbag misread in a manifest line naming `path`:
/// they read the line as Python text, stripped of the white space at its
/// ends (Unicode's, as Rust's `char::is_whitespace`, not only ASCII) and
/// broken at a line separator. A space is left to `trailing-dot-space`;
/// control characters never get here, as the path rules refuse them.
fn python_line_problem(path: &str) -> Option<String> {
    if let Some(separator) = path.chars().find(|c| LINE_SEPARATORS.contains(c)) {
        return Some(format!(
            "{path:?} holds {separator:?}, a line separator: bagit-python and bdbag break the \
             manifest line there and find the file missing"
        ));
    }
    let last = path.chars().next_back()?;
    (last.is_whitespace() && last != ' ' && !last.is_control()).then(|| {
        format!(
            "{path:?} ends with {last:?}, white space that bagit-python and bdbag strip from \
             the manifest line, so they find the file missing"
        )
    })
}

/// The problems of one path (NFC, relative to `data/documents/`) taken
/// alone, as `(check, what is wrong)`.
pub fn path_problems(path: &str) -> Vec<(NameCheck, String)> {
    let mut problems = Vec::new();
    let components = path.split('/').count();
    for (at, component) in path.split('/').enumerate() {
        let is_last = at + 1 == components;
        let stem = component.split('.').next().unwrap_or_default();
        let stem = stem.trim_end_matches(' ').to_uppercase();
        if WINDOWS_RESERVED.contains(&stem.as_str()) {
            problems.push((
                NameCheck::WindowsReserved,
                format!("{component:?} is a device name on Windows, which cannot create it"),
            ));
        }
        let forbidden: String = component
            .chars()
            .filter(|c| WINDOWS_FORBIDDEN.contains(*c) || (*c as u32) < 0x20)
            .collect();
        if !forbidden.is_empty() {
            problems.push((
                NameCheck::WindowsChars,
                format!("{component:?} holds {forbidden:?}, which Windows forbids in names"),
            ));
        }
        if component.ends_with(['.', ' ']) {
            // The path's own end is a manifest line's end.
            let stripped = if component.ends_with(' ') && is_last {
                "; and bagit-python and bdbag strip a space ending a manifest line, so they \
                 find the file missing"
            } else {
                ""
            };
            problems.push((
                NameCheck::TrailingDotSpace,
                format!("{component:?} ends with a dot or a space, which Windows drops{stripped}"),
            ));
        }
        if component.contains('%') {
            problems.push((
                NameCheck::PercentSign,
                format!(
                    "{component:?} holds a `%`, which the manifests write `%25` (RFC 8493 \
                     §2.1.3); bagit-python and bdbag do not decode it and find the file missing"
                ),
            ));
        }
        if component.len() > MAX_COMPONENT_BYTES {
            problems.push((
                NameCheck::LongComponent,
                format!(
                    "a name of {} bytes; file systems allow {MAX_COMPONENT_BYTES}",
                    component.len()
                ),
            ));
        }
    }
    if let Some(what) = python_line_problem(path) {
        problems.push((NameCheck::UnicodeWhiteSpace, what));
    }
    let bag_path = format!("{DOCUMENTS_DIR}/{path}");
    let length = bag_path.encode_utf16().count();
    if length > MAX_BAG_PATH {
        problems.push((
            NameCheck::LongPath,
            format!(
                "its bag path {bag_path:?} has {length} characters; over {MAX_BAG_PATH}, \
                 Windows cannot open it once the bag is unpacked"
            ),
        ));
    }
    problems
}

/// A clash between two paths of a set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collision {
    /// The check it breaks.
    pub check: NameCheck,
    /// Index of the earlier path.
    pub first: usize,
    /// Index of the later path.
    pub second: usize,
    /// What clashes.
    pub message: String,
}

/// One node of a path: the path itself (a file) or one of its directories,
/// as the first path to have it: the NFC form of `paths[index]`, cut at
/// byte `end`.
#[derive(Clone, Copy)]
struct Node {
    index: usize,
    end: usize,
    is_file: bool,
}

/// A 64-bit hash of a folded name, the key of the nodes seen.
fn key_hash(key: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

/// Clashes between `paths` (as written): equal after NFC, a file that is
/// another's directory, or equal after case folding (files or
/// directories). Paths equal as written are the records' own business.
///
/// The nodes seen are kept by a hash of their folded names, a few dozen
/// bytes each, and every hit is confirmed on the names themselves: a clash
/// of hashes costs a look, never a finding.
pub fn collisions(paths: &[&str]) -> Vec<Collision> {
    let mut found = Vec::new();
    let mut reported = BTreeSet::new();
    let mut by_key: HashMap<u64, Node> = HashMap::new();
    for (index, path) in paths.iter().enumerate() {
        let path = nfc(path);
        let mut ends: Vec<usize> = path.match_indices('/').map(|(i, _)| i).collect();
        ends.push(path.len());
        for end in ends {
            let node = Node {
                index,
                end,
                is_file: end == path.len(),
            };
            let name = &path[..end];
            let key = folded(name);
            let hash = key_hash(&key);
            let Some(&seen) = by_key.get(&hash) else {
                by_key.insert(hash, node);
                continue;
            };
            if seen.index == index {
                continue;
            }
            let seen_path = nfc(paths[seen.index]);
            let seen_name = &seen_path[..seen.end];
            if folded(seen_name) != key {
                continue;
            }
            let (check, what) = if seen_name != name {
                let kind = |is_file: bool| if is_file { "file" } else { "directory" };
                (
                    NameCheck::CaseCollision,
                    format!(
                        "the {} {seen_name:?} and the {} {name:?} differ only in case: a \
                         case-insensitive file system (Windows, macOS) makes them one",
                        kind(seen.is_file),
                        kind(node.is_file),
                    ),
                )
            } else if seen.is_file != node.is_file {
                (
                    NameCheck::FileDirectoryCollision,
                    format!("{name:?} is both a file and a directory"),
                )
            } else if seen.is_file {
                // One name given twice is not two names: the records' rules
                // say that a file is used twice.
                if paths[seen.index] == paths[index] {
                    continue;
                }
                (
                    NameCheck::NfcCollision,
                    format!(
                        "{:?} and {:?} are the same name in Unicode NFC, the form the bag uses",
                        paths[seen.index], paths[index]
                    ),
                )
            } else {
                // Directories equal in NFC become one directory in the bag.
                continue;
            };
            // One finding per pair of paths, for the first node they clash on.
            if reported.insert((seen.index, index)) {
                found.push(Collision {
                    check,
                    first: seen.index,
                    second: index,
                    message: what,
                });
            }
        }
    }
    found
}

/// What the names policy finds among a set of paths, at one of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathProblem {
    /// The check it breaks.
    pub check: NameCheck,
    /// Index of the path it is found at.
    pub path: usize,
    /// Index of the earlier path it clashes with, if it is a clash.
    pub clashes_with: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// The problems of `paths`: each path's alone ([`path_problems`], of its
/// NFC form), in order, then the clashes between them ([`collisions`]).
pub fn problems(paths: &[&str]) -> Vec<PathProblem> {
    let alone = paths.iter().enumerate().flat_map(|(index, path)| {
        path_problems(&nfc(path))
            .into_iter()
            .map(move |(check, message)| PathProblem {
                check,
                path: index,
                clashes_with: None,
                message,
            })
    });
    let clashes = collisions(paths).into_iter().map(|collision| PathProblem {
        check: collision.check,
        path: collision.second,
        clashes_with: Some(collision.first),
        message: collision.message,
    });
    alone.chain(clashes).collect()
}

/// Checks every record's path against `policy`. Each finding's path is
/// the record's file; its message names the record and the line and
/// column of its `file`.
pub fn check_records(loaded: &LoadedRecords, policy: &NamePolicy) -> Vec<Finding> {
    let records = &loaded.records;
    let place = |index: usize| loaded.document_file_place(index);
    let paths: Vec<&str> = (0..records.len()).map(|i| records.file(i)).collect();
    problems(&paths)
        .into_iter()
        .map(|problem| {
            let message = match problem.clashes_with {
                None => format!("{}: {}", place(problem.path), problem.message),
                Some(first) => format!(
                    "{} and {}: {}",
                    place(first),
                    place(problem.path),
                    problem.message
                ),
            };
            policy.finding(problem.check, paths[problem.path], message)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn checks(path: &str) -> Vec<NameCheck> {
        path_problems(path).into_iter().map(|(c, _)| c).collect()
    }

    #[test]
    fn check_names_are_stable() {
        let names: Vec<String> = NameCheck::iter().map(|c| c.to_string()).collect();
        assert_eq!(
            names,
            [
                "nfc-collision",
                "file-directory-collision",
                "case-collision",
                "windows-reserved",
                "windows-chars",
                "trailing-dot-space",
                "percent-sign",
                "unicode-white-space",
                "long-component",
                "long-path",
                "non-utf8"
            ]
        );
        for check in NameCheck::iter() {
            assert_eq!(check.code().to_string(), check.to_string());
            assert_eq!(NameCheck::of_code(check.code()), Some(check));
        }
        assert_eq!(NameCheck::allowable_names().len(), 9);
    }

    #[test]
    fn windows_reserved_names_with_or_without_extension() {
        for bad in [
            "CON",
            "con.txt",
            "a/Nul.tar.gz",
            "COM1",
            "lpt9.md",
            "COM¹",
            "AUX .txt",
        ] {
            assert_eq!(checks(bad), [NameCheck::WindowsReserved], "{bad}");
        }
        for good in [
            "CONSOLE.txt",
            "COM10",
            "icon.png",
            "a/PRNx",
            "nul-hypothesis.txt",
        ] {
            assert_eq!(checks(good), [], "{good}");
        }
    }

    #[test]
    fn windows_characters_and_trailing_dots() {
        assert_eq!(checks("what?.txt"), [NameCheck::WindowsChars]);
        assert_eq!(checks("a<b>/c"), [NameCheck::WindowsChars]);
        assert_eq!(checks("x\u{1}y"), [NameCheck::WindowsChars]);
        assert_eq!(checks("dir./a"), [NameCheck::TrailingDotSpace]);
        assert_eq!(checks("a/b "), [NameCheck::TrailingDotSpace]);
        let said = |path: &str| path_problems(path)[0].1.contains("bagit-python and bdbag");
        assert!(said("a/b "));
        assert!(!said("a /b") && !said("a/b."));
        let noted: Vec<bool> = (path_problems("x /x ").iter())
            .map(|(_, message)| message.contains("bagit-python"))
            .collect();
        assert_eq!(noted, [false, true]);
        assert_eq!(checks("100% sure/a"), [NameCheck::PercentSign]);
        assert_eq!(checks("a b.c"), []);
    }

    #[test]
    fn white_space_python_strips_or_breaks_lines_at() {
        for bad in ["a\u{a0}", "d/b.txt\u{3000}", "a\u{2028}b", "d\u{2029}/b"] {
            assert_eq!(checks(bad), [NameCheck::UnicodeWhiteSpace], "{bad:?}");
        }
        // Only the end of the line is stripped; a zero-width no-break space
        // is no white space.
        for good in ["\u{a0}a", "d\u{a0}/b", "a\u{3000}b", "a\u{feff}"] {
            assert_eq!(checks(good), [], "{good:?}");
        }
        assert_eq!(checks("a "), [NameCheck::TrailingDotSpace]);
    }

    #[test]
    fn lengths_in_bytes_and_in_utf16_units() {
        let bytes = |text: &str| {
            path_problems(text)
                .iter()
                .any(|(c, _)| *c == NameCheck::LongComponent)
        };
        assert!(!bytes(&"a".repeat(255)));
        assert!(bytes(&"é".repeat(128)));
        let room = MAX_BAG_PATH - "data/documents/".len();
        let fits = format!("{}/{}", "a".repeat(100), "b".repeat(room - 101));
        assert_eq!(checks(&fits), []);
        assert_eq!(checks(&format!("{fits}c")), [NameCheck::LongPath]);
        // One supplementary character is two UTF-16 code units.
        let emoji = format!("{}/{}😀", "a".repeat(100), "b".repeat(room - 102));
        assert_eq!(checks(&emoji), [NameCheck::LongPath]);
    }

    fn clashes(paths: &[&str]) -> Vec<(NameCheck, usize, usize)> {
        collisions(paths)
            .into_iter()
            .map(|c| (c.check, c.first, c.second))
            .collect()
    }

    #[test]
    fn collisions_in_nfc_case_and_kind() {
        let composed = "caf\u{e9}.txt";
        let decomposed = "cafe\u{301}.txt";
        assert_eq!(
            clashes(&[composed, decomposed]),
            [(NameCheck::NfcCollision, 0, 1)]
        );
        assert_eq!(clashes(&[composed, composed]), []);
        assert_eq!(
            clashes(&[composed, composed, decomposed]),
            [(NameCheck::NfcCollision, 0, 2)]
        );
        assert_eq!(
            clashes(&["Readme.txt", "README.TXT"]),
            [(NameCheck::CaseCollision, 0, 1)]
        );
        assert_eq!(
            clashes(&["strasse.txt", "STRAßE.txt"]),
            [(NameCheck::CaseCollision, 0, 1)]
        );
        assert_eq!(
            clashes(&["Notes/a.txt", "notes/b.txt"]),
            [(NameCheck::CaseCollision, 0, 1)]
        );
        assert_eq!(
            clashes(&["a", "a/b"]),
            [(NameCheck::FileDirectoryCollision, 0, 1)]
        );
        assert_eq!(clashes(&["A", "a/b"]), [(NameCheck::CaseCollision, 0, 1)]);
        // Directories equal in NFC are one directory in the bag.
        assert_eq!(clashes(&["\u{dc}/a", "U\u{308}/b"]), []);
        assert_eq!(clashes(&["a/b.txt", "a/c.txt", "b/a.txt"]), []);
        // Sharing a directory does not hide a clash inside it.
        assert_eq!(
            clashes(&["d/readme.txt", "d/README.txt"]),
            [(NameCheck::CaseCollision, 0, 1)]
        );
        assert_eq!(
            clashes(&["d/caf\u{e9}", "d/cafe\u{301}"]),
            [(NameCheck::NfcCollision, 0, 1)]
        );
    }

    #[test]
    fn a_policy_allows_only_what_can_be_allowed() {
        let policy = NamePolicy::allowing(&[NameCheck::LongPath, NameCheck::NfcCollision]);
        let warning = policy.finding(NameCheck::LongPath, "p", "long".into());
        assert_eq!(warning.severity, Severity::Warning);
        assert_eq!(warning.message, "long (allowed by --allow long-path)");
        let error = policy.finding(NameCheck::NfcCollision, "p", "same".into());
        assert_eq!(error.severity, Severity::Error);
        assert_eq!(error.message, "same");
        let error = policy.finding(NameCheck::CaseCollision, "p", "case".into());
        assert_eq!(
            error.message,
            "case (--allow case-collision would pack it anyway)"
        );
        assert_eq!(allowances_used(&[warning, error]), [NameCheck::LongPath]);
    }

    proptest! {
        #[test]
        fn nfc_is_idempotent_and_folding_ignores_case(name in "[a-zA-Z\u{e0}-\u{fe}\u{301}]{0,12}") {
            let once = nfc(&name);
            prop_assert_eq!(nfc(&once), once.clone());
            prop_assert_eq!(folded(&name.to_uppercase()), folded(&name.to_lowercase()));
        }

        #[test]
        fn collisions_do_not_depend_on_order(
            a in prop::collection::vec("[a-bA-B\u{e9}]|e\u{301}", 1..4),
            b in prop::collection::vec("[a-bA-B\u{e9}]|e\u{301}", 1..4),
        ) {
            let (a, b) = (a.join("/"), b.join("/"));
            prop_assume!(a != b);
            let checks = |paths: &[&str]| -> Vec<NameCheck> {
                collisions(paths).into_iter().map(|c| c.check).collect()
            };
            prop_assert_eq!(checks(&[&a, &b]), checks(&[&b, &a]));
        }
    }
}
