//! BagIt Profiles: reading a profile and checking a bag against it.
//!
//! A profile (<https://bagit-profiles.github.io/bagit-profiles-specification/>,
//! version 1.3.0, plus the `Payload-Files-Required`/`-Allowed` rules of
//! 1.4.0) is a JSON file in which a community states what its bags must
//! hold beyond RFC 8493. Every rule a bag breaks is a
//! [`Finding`](crate::finding::Finding) with a `profile-*` code; a profile
//! that cannot be used at all is an [`Error::Profile`] naming the file,
//! line and field.
//!
//! This module reads a profile and holds it to the rules the
//! specification sets on a profile itself; `check` checks a bag against
//! it, `pattern` reads its file patterns, and `keys` finds the keys the
//! specification does not define.
//!
//! Where the specification leaves room, corpack reads it as bagit-profile
//! 1.3.1 (the library bdbag uses) does: `bag-info.txt` labels and the
//! `BagIt-Profile-Identifier` value are compared case-sensitively, and
//! `*` in a file pattern matches any characters, `/` included (fnmatch).
//! It is stricter where bagit-profile skips a rule the specification
//! states: the bag's `BagIt-Profile-Identifier` must be the profile's own,
//! every occurrence of a repeated element must have an allowed value, and
//! `Fetch.txt-Required`, `Data-Empty` and the `Payload-Files-*` rules are
//! checked. A profile whose `Serialization` is optional and that lists no
//! `Accept-Serialization` accepts any serialization.

mod check;
mod keys;
mod pattern;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

pub use self::check::verify_with_profile;
pub use self::keys::UnknownKey;
use self::pattern::{compile, matches_any};
use crate::bagit::manifest::normalize_algorithm_name;
use crate::error::{Error, IoContext, LineIndex, RecordError, Result};

/// The `bag-info.txt` label naming the profiles a bag conforms to.
pub const PROFILE_IDENTIFIER_LABEL: &str = "BagIt-Profile-Identifier";

/// The identifier of corpack's own profile, `manifests/bagit-profile.json`,
/// which every bag corpack writes names in `bag-info.txt`. Tools compare
/// it byte for byte, case included.
pub const CORPACK_PROFILE_IDENTIFIER: &str = "https://w3id.org/corpack/bagit-profile/v1.0.json";

/// The text of corpack's own profile.
pub const CORPACK_PROFILE_JSON: &str = include_str!("../../manifests/bagit-profile.json");

/// The MIME type of the only serialization corpack reads.
pub const ZIP_MEDIA_TYPE: &str = "application/zip";

/// A BagIt profile, as read from its JSON.
#[derive(Clone, Debug, Deserialize)]
pub struct Profile {
    /// `BagIt-Profile-Info`: what the profile is.
    #[serde(rename = "BagIt-Profile-Info")]
    pub info: ProfileInfo,
    /// `Bag-Info`: rules for `bag-info.txt` elements, by label.
    #[serde(rename = "Bag-Info", default)]
    pub bag_info: BTreeMap<String, TagRule>,
    /// `Manifests-Required`: payload manifest algorithms that must be there.
    #[serde(rename = "Manifests-Required", default)]
    pub manifests_required: Vec<String>,
    /// `Manifests-Allowed`: the only payload manifest algorithms allowed.
    #[serde(rename = "Manifests-Allowed")]
    pub manifests_allowed: Option<Vec<String>>,
    /// `Allow-Fetch.txt` (default true).
    #[serde(rename = "Allow-Fetch.txt", default = "yes")]
    pub allow_fetch: bool,
    /// `Fetch.txt-Required` (default false).
    #[serde(rename = "Fetch.txt-Required", default)]
    pub fetch_required: bool,
    /// `Data-Empty`: the payload is at most one empty file (default false).
    #[serde(rename = "Data-Empty", default)]
    pub data_empty: bool,
    /// `Serialization` (default optional).
    #[serde(rename = "Serialization", default)]
    pub serialization: Serialization,
    /// `Accept-Serialization`: MIME types of acceptable serializations.
    #[serde(rename = "Accept-Serialization", default)]
    pub accept_serialization: Vec<String>,
    /// `Accept-BagIt-Version`: the BagIt versions accepted.
    #[serde(rename = "Accept-BagIt-Version")]
    pub accept_bagit_version: Vec<String>,
    /// `Tag-Manifests-Required`: tag manifest algorithms that must be there.
    #[serde(rename = "Tag-Manifests-Required", default)]
    pub tag_manifests_required: Vec<String>,
    /// `Tag-Manifests-Allowed`: the only tag manifest algorithms allowed.
    #[serde(rename = "Tag-Manifests-Allowed")]
    pub tag_manifests_allowed: Option<Vec<String>>,
    /// `Tag-Files-Required`: tag files (paths from the bag root) that must
    /// be there.
    #[serde(rename = "Tag-Files-Required", default)]
    pub tag_files_required: Vec<String>,
    /// `Tag-Files-Allowed`: patterns of the tag files allowed (default `*`).
    #[serde(rename = "Tag-Files-Allowed")]
    pub tag_files_allowed: Option<Vec<String>>,
    /// `Payload-Files-Required`: payload files, or directories ending in
    /// `/`, that must be there.
    #[serde(rename = "Payload-Files-Required", default)]
    pub payload_files_required: Vec<String>,
    /// `Payload-Files-Allowed`: patterns of the payload files allowed
    /// (default: all).
    #[serde(rename = "Payload-Files-Allowed")]
    pub payload_files_allowed: Option<Vec<String>>,
    /// The keys the specification does not define: ignored, but each a
    /// warning when a bag is checked.
    #[serde(skip)]
    pub unknown_keys: Vec<UnknownKey>,
}

fn yes() -> bool {
    true
}

/// `BagIt-Profile-Info`.
#[derive(Clone, Debug, Deserialize)]
pub struct ProfileInfo {
    /// The URI of the profile; bags name it in `BagIt-Profile-Identifier`.
    #[serde(rename = "BagIt-Profile-Identifier")]
    pub identifier: String,
    /// The version of the profile specification it follows (1.1.0 when
    /// absent).
    #[serde(rename = "BagIt-Profile-Version")]
    pub spec_version: Option<String>,
    /// Who maintains the profile.
    #[serde(rename = "Source-Organization")]
    pub source_organization: String,
    /// What the profile is for.
    #[serde(rename = "External-Description")]
    pub external_description: String,
    /// The version of the profile itself.
    #[serde(rename = "Version")]
    pub version: String,
}

/// The rule for one `bag-info.txt` element.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TagRule {
    /// The element must be present (default false).
    #[serde(default)]
    pub required: bool,
    /// The values allowed; empty allows any.
    #[serde(default)]
    pub values: Vec<String>,
    /// The element may occur more than once (default true).
    #[serde(default = "yes")]
    pub repeatable: bool,
    /// Notes on the element.
    pub description: Option<String>,
}

/// Whether a bag must, may or must not be serialized.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Serialization {
    /// Only a directory.
    Forbidden,
    /// Only a serialization (an archive file).
    Required,
    /// Either.
    #[default]
    Optional,
}

impl Profile {
    /// Reads a profile from the JSON file at `path`.
    pub fn load(path: &Path) -> Result<Profile> {
        let bytes = std::fs::read(path).at(path)?;
        let text = std::str::from_utf8(&bytes).map_err(|error| {
            Error::Profile(RecordError::not_utf8(path, &bytes, error.valid_up_to(), 1))
        })?;
        Profile::parse(text, path)
    }

    /// Parses a profile's JSON; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Profile> {
        // RFC 8259 lets a parser ignore a byte order mark, which some
        // editors write.
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        not_an_object(text, path)?;
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let mut profile: Profile =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
                let inner = error.inner();
                Error::Profile(RecordError {
                    file: path.to_path_buf(),
                    line: Some(inner.line()),
                    // serde_json counts an end of text just after a line
                    // break as column 0; columns count from 1.
                    column: Some(inner.column().max(1)),
                    field: field_name(&error.path().to_string()),
                    message: json_terms(&strip_position(&inner.to_string())),
                })
            })?;
        // Text after the object (a stray `}` closing it early) is not JSON,
        // and the rules in it would be dropped unsaid.
        deserializer.end().map_err(|error| {
            Error::Profile(RecordError {
                file: path.to_path_buf(),
                line: Some(error.line()),
                column: Some(error.column().max(1)),
                field: ".".into(),
                message: "text after the profile's JSON object: is a `}` closing it early?".into(),
            })
        })?;
        // A path written `./meta/a.txt` is the bag's `meta/a.txt`.
        for paths in [
            &mut profile.tag_files_required,
            &mut profile.payload_files_required,
        ] {
            for path in paths.iter_mut() {
                if let Some(relative) = path.strip_prefix("./") {
                    *path = relative.to_string();
                }
            }
        }
        // As verify reads a manifest's algorithm from its name.
        let required = [
            &mut profile.manifests_required,
            &mut profile.tag_manifests_required,
        ];
        let allowed = [
            profile.manifests_allowed.as_mut(),
            profile.tag_manifests_allowed.as_mut(),
        ];
        for names in required.into_iter().chain(allowed.into_iter().flatten()) {
            names
                .iter_mut()
                .for_each(|name| *name = normalize_algorithm_name(name));
        }
        profile.unknown_keys = keys::unknown_keys(text, path);
        profile.check_itself().map_err(|(field, message)| {
            let (line, column) = key_place(text, field).unzip();
            Error::Profile(RecordError {
                file: path.to_path_buf(),
                line,
                column,
                field: field.to_string(),
                message,
            })
        })?;
        Ok(profile)
    }

    /// The rules the specification sets on a profile itself.
    fn check_itself(&self) -> std::result::Result<(), (&'static str, String)> {
        if self.accept_bagit_version.is_empty() {
            return Err((
                "Accept-BagIt-Version",
                "lists no version; at least one is required".into(),
            ));
        }
        if self.serialization == Serialization::Required && self.accept_serialization.is_empty() {
            return Err((
                "Accept-Serialization",
                "lists no MIME type, but Serialization is required".into(),
            ));
        }
        // RFC 8493 §2.2.2: a label is not empty, has no colon or line
        // break, and neither starts nor ends with white space; a rule for
        // another could never be met, or always would be.
        let unusable = |label: &String| {
            label.is_empty() || label.contains([':', '\n', '\r']) || label.trim() != label.as_str()
        };
        if let Some(label) = self.bag_info.keys().find(|label| unusable(label)) {
            return Err((
                "Bag-Info",
                format!(
                    "has a rule for {label:?}, which is no bag-info.txt label (RFC 8493 §2.2.2: \
                     not empty, no colon or line break, no white space at its ends)"
                ),
            ));
        }
        if self.fetch_required && !self.allow_fetch {
            return Err((
                "Fetch.txt-Required",
                "is true while Allow-Fetch.txt is false".into(),
            ));
        }
        let lists = [
            (
                "Manifests-Allowed",
                &self.manifests_allowed,
                &self.manifests_required,
            ),
            (
                "Tag-Manifests-Allowed",
                &self.tag_manifests_allowed,
                &self.tag_manifests_required,
            ),
        ];
        for (field, allowed, required) in lists {
            if let Some(allowed) = allowed
                && let Some(missing) = required.iter().find(|a| !allowed.contains(a))
            {
                return Err((
                    field,
                    format!("does not include {missing:?}, which is required"),
                ));
            }
        }
        let patterns = [
            (
                "Tag-Files-Allowed",
                &self.tag_files_allowed,
                &self.tag_files_required,
            ),
            (
                "Payload-Files-Allowed",
                &self.payload_files_allowed,
                &self.payload_files_required,
            ),
        ];
        for (field, allowed, required) in patterns {
            let matchers = compile(allowed.as_deref().unwrap_or(&[]));
            // A required directory (`data/src/`) is covered if some file in
            // it may be allowed, which no one name can decide (`data/src/b*`
            // allows some): the bag's files are checked against both lists.
            let covered = |path: &String| path.ends_with('/') || matches_any(&matchers, path);
            if allowed.is_some()
                && let Some(missing) = required.iter().find(|path| !covered(path))
            {
                return Err((
                    field,
                    format!("does not cover {missing:?}, which is required"),
                ));
            }
        }
        Ok(())
    }
}

/// The field a serde path names; `.` is the whole document.
fn field_name(path: &str) -> String {
    // `?` stands for a member whose name was not yet read (a syntax error
    // after the last one): the field is the object holding it.
    let path = path.trim_end_matches('?').trim_end_matches('.');
    if path == "." {
        String::new()
    } else {
        path.to_string()
    }
}

/// The line and column of the member `key` of the profile's object: the
/// first `"key"` followed by a colon, not inside a string (the keys
/// checked are the profile's own, which name no Bag-Info tag).
fn key_place(text: &str, key: &str) -> Option<(usize, usize)> {
    let at = *members_named(text, key).first()?;
    Some(LineIndex::new(text).place(at))
}

/// The line and column of the member `key`, when the text has one member
/// of that name only: of several, which one is meant cannot be told
/// without a parser that keeps places.
fn only_key_place(text: &str, key: &str) -> Option<(usize, usize)> {
    match members_named(text, key)[..] {
        [at] => Some(LineIndex::new(text).place(at)),
        _ => None,
    }
}

/// Where each `"key"` followed by a colon starts in `text`.
fn members_named(text: &str, key: &str) -> Vec<usize> {
    let quoted = format!("\"{key}\"");
    (text.match_indices(&quoted).map(|(at, _)| at))
        .filter(|&at| {
            !text[..at].ends_with('\\') && text[at + quoted.len()..].trim_start().starts_with(':')
        })
        .collect()
}

/// An error if `text` holds a JSON value other than an object, which a
/// profile is: serde would name a field of a struct read from an array.
fn not_an_object(text: &str, path: &Path) -> Result<()> {
    let start = text.len() - text.trim_start().len();
    let kind = match text[start..].chars().next() {
        Some('[') => "an array",
        Some('"') => "a string",
        Some('t' | 'f') => "a boolean",
        Some('n') => "null",
        Some('-' | '0'..='9') => "a number",
        None => "empty",
        _ => return Ok(()),
    };
    let (line, column) = LineIndex::new(text).place(start);
    Err(Error::Profile(RecordError {
        file: path.to_path_buf(),
        line: Some(line),
        column: Some(column),
        field: String::new(),
        message: match kind {
            "empty" => "empty: a profile is a JSON object, { ... }".into(),
            kind => format!("a profile is a JSON object, {{ ... }}: this is {kind}"),
        },
    }))
}

/// serde's message in JSON's words: an object, not a struct or a map; an
/// array, not a sequence.
fn json_terms(message: &str) -> String {
    let message = message
        .replace("a sequence", "an array")
        .replace("sequence,", "array,")
        .replace("a map", "an object")
        .replace("map,", "object,");
    match message.split_once("expected struct ") {
        Some((before, after)) => {
            let rest = after.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
            format!("{before}expected an object{rest}")
        }
        None => message,
    }
}

/// serde_json's message without its trailing " at line L column C", which
/// the error carries as fields.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::reader::DirectoryBag;
    use crate::finding::{Code, Finding};

    const MINIMAL: &str = r#"{
        "BagIt-Profile-Info": {
            "BagIt-Profile-Identifier": "https://example.org/p.json",
            "Source-Organization": "Org",
            "External-Description": "Test",
            "Version": "1"
        },
        "Accept-BagIt-Version": ["1.0"]
    }"#;

    fn profile(extra: &str) -> Result<Profile> {
        let mut json: serde_json::Value = serde_json::from_str(MINIMAL).unwrap();
        let extra: serde_json::Value = serde_json::from_str(extra).unwrap();
        for (key, value) in extra.as_object().unwrap() {
            json[key] = value.clone();
        }
        Profile::parse(&json.to_string(), Path::new("p.json"))
    }

    /// A bag directory with `files` (path, text) written as given.
    fn bag(files: &[(&str, &str)]) -> (tempfile::TempDir, DirectoryBag) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let store = DirectoryBag::open(dir.path()).unwrap();
        (dir, store)
    }

    const BAGIT: (&str, &str) = (
        "bagit.txt",
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    );
    const INFO: (&str, &str) = (
        "bag-info.txt",
        "BagIt-Profile-Identifier: https://example.org/p.json\nSource-Organization: Org\n",
    );

    fn codes(findings: &[Finding]) -> Vec<String> {
        findings.iter().map(|f| f.code.to_string()).collect()
    }

    #[test]
    fn corpack_s_own_profile_is_valid_and_named_by_its_constant() {
        let own = Profile::parse(CORPACK_PROFILE_JSON, Path::new("bagit-profile.json")).unwrap();
        assert_eq!(own.info.identifier, CORPACK_PROFILE_IDENTIFIER);
        assert_eq!(own.info.spec_version.as_deref(), Some("1.3.0"));
    }

    #[test]
    fn defaults_are_the_specification_s() {
        let profile = profile("{}").unwrap();
        assert!(profile.allow_fetch && !profile.fetch_required && !profile.data_empty);
        assert_eq!(profile.serialization, Serialization::Optional);
        assert!(profile.tag_files_allowed.is_none());
    }

    #[test]
    fn a_minimal_bag_conforms_to_a_minimal_profile() {
        let (_dir, store) = bag(&[BAGIT, INFO, ("data/a.txt", "a")]);
        assert_eq!(
            codes(&profile("{}").unwrap().check(&store)),
            Vec::<String>::new()
        );
    }

    #[test]
    fn profile_errors_name_file_line_and_field() {
        let error = Profile::parse(
            "{\n\"BagIt-Profile-Info\": {\"BagIt-Profile-Identifier\": 7}}",
            Path::new("p.json"),
        )
        .unwrap_err()
        .to_string();
        assert!(error.starts_with("p.json:2:"), "{error}");
        assert!(
            error.contains("BagIt-Profile-Info.BagIt-Profile-Identifier: invalid type"),
            "{error}"
        );
        let error = profile(r#"{"Accept-BagIt-Version": []}"#)
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "p.json:1:2: Accept-BagIt-Version: lists no version; at least one is required"
        );
        for (extra, field) in [
            (
                r#"{"Manifests-Required": ["sha512"], "Manifests-Allowed": ["sha256"]}"#,
                "Manifests-Allowed",
            ),
            (
                r#"{"Tag-Files-Required": ["a/b.txt"], "Tag-Files-Allowed": ["c/*"]}"#,
                "Tag-Files-Allowed",
            ),
            (
                r#"{"Allow-Fetch.txt": false, "Fetch.txt-Required": true}"#,
                "Fetch.txt-Required",
            ),
            (r#"{"Serialization": "required"}"#, "Accept-Serialization"),
        ] {
            let error = profile(extra).unwrap_err().to_string();
            // At the member, when the profile has it.
            let place = if extra.contains(&format!("\"{field}\"")) {
                "p.json:1:"
            } else {
                "p.json: "
            };
            assert!(error.starts_with(place), "{error}");
            assert!(error.contains(&format!(" {field}: ")), "{error}");
        }
    }

    #[test]
    fn an_empty_profile_or_one_cut_short_is_at_a_column_counted_from_1() {
        for (text, message) in [
            ("", "empty: a profile is a JSON object"),
            ("  \n", "empty: a profile is a JSON object"),
            ("{\n", "EOF while parsing an object"),
        ] {
            let Err(Error::Profile(error)) = Profile::parse(text, Path::new("p.json")) else {
                panic!("{text:?} is a profile");
            };
            assert!(error.column.is_some_and(|c| c >= 1), "{text:?}: {error:?}");
            assert!(error.message.starts_with(message), "{text:?}: {error:?}");
        }
    }

    #[test]
    fn a_rule_for_what_is_no_label_is_an_error_in_the_profile() {
        for label in ["", " Title", "Title ", "A:B", "A\nB"] {
            let json = serde_json::json!({"Bag-Info": {label: {"required": true}}}).to_string();
            let error = profile(&json).unwrap_err().to_string();
            assert!(
                error.contains("Bag-Info: has a rule for"),
                "{label:?}: {error}"
            );
        }
    }

    #[test]
    fn bag_info_rules() {
        let rules = r#"{"Bag-Info": {
            "Contact-Name": {"required": true},
            "Source-Organization": {"values": ["Other"], "repeatable": false}
        }}"#;
        let (_dir, store) = bag(&[
            BAGIT,
            (
                "bag-info.txt",
                "BagIt-Profile-Identifier: https://example.org/P.json\nSource-Organization: Org\nSource-Organization: Other\n",
            ),
        ]);
        assert_eq!(
            codes(&profile(rules).unwrap().check(&store)),
            [
                "profile-identifier",
                "profile-bag-info-missing",
                "profile-bag-info-repeated",
                "profile-bag-info-value"
            ]
        );
    }

    #[test]
    fn bag_info_findings_name_the_file_the_bag_has() {
        let rules = r#"{"Accept-BagIt-Version": ["0.95"],
            "Bag-Info": {"Contact-Name": {"required": true}}}"#;
        let bagit = (
            "bagit.txt",
            "BagIt-Version: 0.95\nTag-File-Character-Encoding: UTF-8\n",
        );
        let package_info = (
            "package-info.txt",
            "BagIt-Profile-Identifier: https://example.org/other.json\n",
        );
        let found = |files: &[(&str, &str)]| {
            let (_dir, store) = bag(files);
            let findings = profile(rules).unwrap().check(&store);
            findings
                .iter()
                .map(|f| (f.code.to_string(), f.path.clone()))
                .collect::<Vec<_>>()
        };
        let expected = |path: &str| {
            vec![
                ("profile-identifier".to_string(), path.to_string()),
                ("profile-bag-info-missing".to_string(), path.to_string()),
            ]
        };
        assert_eq!(found(&[bagit, package_info]), expected("package-info.txt"));
        // One that cannot be read is named all the same.
        let unreadable = ("package-info.txt", "no separator\n");
        assert_eq!(found(&[bagit, unreadable]), expected("package-info.txt"));
        assert_eq!(found(&[bagit]), expected("bag-info.txt"));
    }

    #[test]
    fn an_old_bags_package_info_is_not_another_tag_file() {
        let rules = r#"{"Accept-BagIt-Version": ["0.95"], "Tag-Files-Allowed": []}"#;
        let bagit = (
            "bagit.txt",
            "BagIt-Version: 0.95\nTag-File-Character-Encoding: UTF-8\n",
        );
        let package_info = ("package-info.txt", "Contact-Name: A\n");
        let not_allowed = |files: &[(&str, &str)]| {
            let (_dir, store) = bag(files);
            let findings = profile(rules).unwrap().check(&store);
            findings
                .iter()
                .filter(|f| f.code == Code::ProfileTagFileNotAllowed)
                .map(|f| f.path.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(not_allowed(&[bagit, package_info]), Vec::<String>::new());
        let other = ("notes.txt", "x\n");
        assert_eq!(not_allowed(&[bagit, package_info, other]), ["notes.txt"]);
    }

    #[test]
    fn manifests_and_tag_manifests() {
        let rules = r#"{"Manifests-Required": ["sha512"], "Manifests-Allowed": ["sha512"],
            "Tag-Manifests-Required": ["sha256"], "Tag-Manifests-Allowed": ["sha256", "sha512"]}"#;
        let (_dir, store) = bag(&[
            BAGIT,
            INFO,
            ("manifest-md5.txt", ""),
            ("tagmanifest-sha512.txt", ""),
        ]);
        let findings = profile(rules).unwrap().check(&store);
        assert_eq!(
            codes(&findings),
            [
                "profile-manifest-missing",
                "profile-manifest-not-allowed",
                "profile-tag-manifest-missing"
            ]
        );
        assert_eq!(findings[0].path, "manifest-sha512.txt");
        assert_eq!(findings[1].path, "manifest-md5.txt");
    }

    #[test]
    fn manifest_algorithms_are_read_from_their_normalized_names() {
        let rules = r#"{"Manifests-Required": ["sha256"], "Manifests-Allowed": ["sha256"],
            "Tag-Manifests-Required": ["sha512"], "Tag-Manifests-Allowed": ["sha512"]}"#;
        let (_dir, store) = bag(&[
            BAGIT,
            INFO,
            ("manifest-SHA256.txt", ""),
            ("tagmanifest-SHA-512.txt", ""),
        ]);
        assert_eq!(profile(rules).unwrap().check(&store), []);
        let rules = r#"{"Manifests-Allowed": ["sha512"]}"#;
        let findings = profile(rules).unwrap().check(&store);
        assert_eq!(codes(&findings), ["profile-manifest-not-allowed"]);
        assert_eq!(findings[0].path, "manifest-SHA256.txt");
        assert_eq!(
            findings[0].message,
            "the profile allows only sha512 payload manifests, not sha256"
        );
    }

    #[test]
    fn profile_algorithm_names_are_normalized_as_the_bag_s() {
        // A profile may write `SHA-256`, as RFC 8493 §2.4's common names.
        let rules = r#"{"Manifests-Required": ["SHA-256"], "Manifests-Allowed": ["SHA-256"]}"#;
        let (_dir, store) = bag(&[BAGIT, INFO, ("manifest-sha256.txt", "")]);
        assert_eq!(profile(rules).unwrap().check(&store), []);
        let findings = profile(r#"{"Manifests-Allowed": []}"#)
            .unwrap()
            .check(&store);
        assert_eq!(
            findings[0].message,
            "the profile allows no payload manifest, and this is a sha256 one"
        );
    }

    #[test]
    fn text_after_the_profile_s_object_is_an_error_at_its_place() {
        let text = format!("{}\n}}, \"Allow-Fetch.txt\": false}}", MINIMAL.trim());
        let Err(Error::Profile(error)) = Profile::parse(&text, Path::new("p.json")) else {
            panic!("a profile with text after it was read");
        };
        assert_eq!((error.line, error.column), (Some(10), Some(1)));
        assert!(
            error
                .message
                .contains("text after the profile's JSON object")
        );
    }

    #[test]
    fn a_required_label_written_in_another_case_is_named() {
        let rules = r#"{"Bag-Info": {"Contact-Name": {"required": true}}}"#;
        let info = (INFO.0, format!("{}contact-name: Ada\n", INFO.1));
        let (_dir, store) = bag(&[BAGIT, (info.0, &info.1)]);
        let findings = profile(rules).unwrap().check(&store);
        assert_eq!(
            findings[0].message,
            "Contact-Name is required by the profile and absent (the bag writes it \
             \"contact-name\"; labels are compared with their case)"
        );
    }

    #[test]
    fn a_required_path_may_start_with_dot_slash_and_an_empty_list_says_so() {
        let (_dir, store) = bag(&[BAGIT, INFO, ("meta/a.txt", "a")]);
        let rules = r#"{"Tag-Files-Required": ["./meta/a.txt"]}"#;
        assert_eq!(profile(rules).unwrap().check(&store), []);
        let findings = profile(r#"{"Tag-Files-Allowed": []}"#)
            .unwrap()
            .check(&store);
        assert_eq!(
            findings[0].message,
            "the profile's Tag-Files-Allowed is empty: it allows no tag file here"
        );
    }

    #[test]
    fn a_required_payload_directory_is_left_to_the_bag_s_files() {
        // No one name decides whether `data/docs/b*` allows some file of
        // `data/docs/`: the profile is not refused for it.
        let rules = r#"{"Payload-Files-Required": ["data/docs/"],
            "Payload-Files-Allowed": ["data/docs/b*"]}"#;
        let (_dir, store) = bag(&[BAGIT, INFO, ("data/docs/b.txt", "b")]);
        assert_eq!(profile(rules).unwrap().check(&store), []);
    }

    #[test]
    fn tag_files_fetch_and_payload() {
        let rules = r#"{"Tag-Files-Required": ["meta/a.txt"], "Tag-Files-Allowed": ["meta/*"],
            "Allow-Fetch.txt": false, "Data-Empty": true,
            "Payload-Files-Required": ["data/docs/", "data/README"],
            "Payload-Files-Allowed": ["data/docs/*", "data/README"]}"#;
        let (_dir, store) = bag(&[
            BAGIT,
            INFO,
            ("fetch.txt", ""),
            ("other/x.txt", ""),
            ("data/x.txt", "x"),
            ("data/docs/y.txt", "y"),
        ]);
        let findings = profile(rules).unwrap().check(&store);
        assert_eq!(
            codes(&findings),
            [
                "profile-tag-file-missing",
                "profile-tag-file-not-allowed",
                "profile-fetch-not-allowed",
                "profile-data-not-empty",
                "profile-payload-file-missing",
                "profile-payload-file-not-allowed"
            ]
        );
        assert_eq!(findings[1].path, "other/x.txt");
        assert_eq!(findings[5].path, "data/x.txt");

        let (_dir, store) = bag(&[BAGIT, INFO, ("data/empty", "")]);
        let findings = profile(r#"{"Data-Empty": true, "Fetch.txt-Required": true}"#)
            .unwrap()
            .check(&store);
        assert_eq!(codes(&findings), ["profile-fetch-missing"]);
    }

    #[test]
    fn versions_and_serialization() {
        let (_dir, store) = bag(&[
            (
                "bagit.txt",
                "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
            ),
            INFO,
        ]);
        let findings = profile(
            r#"{"Serialization": "required", "Accept-Serialization": ["application/zip"]}"#,
        )
        .unwrap()
        .check(&store);
        assert_eq!(
            codes(&findings),
            ["profile-serialization", "profile-bagit-version"]
        );
        let findings = profile(r#"{"Serialization": "forbidden"}"#)
            .unwrap()
            .check(&store);
        assert_eq!(codes(&findings), ["profile-bagit-version"]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        // Whatever the text, reading a profile gives a profile or an error
        // that names the file.
        #[test]
        fn any_text_parses_or_errs(text in "\\PC{0,200}") {
            if let Err(error) = Profile::parse(&text, Path::new("p.json")) {
                proptest::prop_assert!(error.to_string().starts_with("p.json"));
            }
        }

        // Exactly the required elements the bag lacks are reported missing.
        #[test]
        fn missing_required_elements_are_exactly_reported(
            rules in proptest::collection::btree_map("[A-C]", proptest::prelude::any::<bool>(), 0..4),
            present in proptest::collection::btree_set("[A-C]", 0..4),
        ) {
            let bag_info: serde_json::Map<String, serde_json::Value> = rules
                .iter()
                .map(|(label, required)| (label.clone(), serde_json::json!({"required": required})))
                .collect();
            let profile = profile(&serde_json::json!({"Bag-Info": bag_info}).to_string()).unwrap();
            let mut info = String::from(INFO.1);
            for label in &present {
                info.push_str(&format!("{label}: x\n"));
            }
            let (_dir, store) = bag(&[BAGIT, ("bag-info.txt", &info)]);
            let reported: Vec<String> = profile
                .check(&store)
                .iter()
                .filter(|f| f.code == Code::ProfileBagInfoMissing)
                .map(|f| f.message.split(' ').next().unwrap().to_string())
                .collect();
            let expected: Vec<String> = rules
                .iter()
                .filter(|(label, required)| **required && !present.contains(*label))
                .map(|(label, _)| label.clone())
                .collect();
            proptest::prop_assert_eq!(reported, expected);
        }
    }
}
