//! BagIt Profiles: reading a profile and checking a bag against it.
//!
//! A profile (<https://bagit-profiles.github.io/bagit-profiles-specification/>,
//! version 1.3.0, plus the `Payload-Files-Required`/`-Allowed` rules of
//! 1.4.0) is a JSON file in which a community states what its bags must
//! hold beyond RFC 8493. Every rule a bag breaks is a [`Finding`] with a
//! `profile-*` code; a profile that cannot be used at all is an
//! [`Error::Profile`] naming the file, line and field.
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

mod keys;

pub use self::keys::UnknownKey;

use std::collections::BTreeMap;
use std::path::Path;

use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;

use crate::bagit::manifest::{ManifestFileName, normalize_algorithm_name};
use crate::bagit::tagfile::TagFile;
use crate::bundle::reader::{self, BagStore};
use crate::error::{Error, IoContext, LineIndex, RecordError, Result};
use crate::finding::{Code, Finding};
use crate::progress::Progress;
use crate::verify::declaration;
use crate::verify::findings::Findings;
use crate::verify::{self, Report, VerifyOptions};

/// The `bag-info.txt` label naming the profiles a bag conforms to.
pub const PROFILE_IDENTIFIER_LABEL: &str = "BagIt-Profile-Identifier";

/// The identifier of corpack's own profile, `manifests/bagit-profile.json`,
/// which every bag corpack writes names in `bag-info.txt`. Tools compare
/// it byte for byte, case included.
pub const CORPACK_PROFILE_IDENTIFIER: &str = "https://w3id.org/corpack/bagit-profile/v1.0.json";

/// The text of corpack's own profile.
pub const CORPACK_PROFILE_JSON: &str = include_str!("../manifests/bagit-profile.json");

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
                    column: Some(inner.column()),
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
                column: Some(error.column()),
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
        profile.unknown_keys = keys::unknown_keys(text);
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
            let matchers =
                compile(allowed.as_deref().unwrap_or(&[])).map_err(|message| (field, message))?;
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

    /// Checks a bag against the profile. `store` is the bag; it is taken to
    /// be serialized (as a zip) when its location is a file.
    pub fn check(&self, store: &dyn BagStore) -> Vec<Finding> {
        let mut findings: Vec<Finding> = (self.unknown_keys.iter())
            .map(|key| {
                let meant = (key.meant)
                    .map(|meant| format!(" (is it {meant}?)"))
                    .unwrap_or_default();
                Finding::warning(
                    Code::ProfileKeyUnknown,
                    &key.path,
                    format!(
                        "the profile's key is not one the BagIt Profiles specification \
                         defines{meant}: it is ignored, and no rule of it is checked"
                    ),
                )
            })
            .collect();
        // verify reports what is wrong with the bag itself; the profile
        // only needs what it declares.
        let mut scratch = Findings::default();
        let declared = declaration::read(store, &mut scratch);
        self.check_serialization(store, &mut findings);
        if let Some(declared) = &declared
            && !self.accept_bagit_version.contains(&declared.version_text)
        {
            findings.push(error(
                Code::ProfileBagitVersion,
                "bagit.txt",
                format!(
                    "BagIt-Version {} is not accepted by the profile (it accepts {})",
                    declared.version_text,
                    self.accept_bagit_version.join(", ")
                ),
            ));
        }
        let bag_info = declared
            .as_ref()
            .and_then(|d| declaration::read_bag_info(store, d, &mut scratch))
            .map(|bag_info| bag_info.tags)
            .unwrap_or_default();
        // Findings name the file the bag has, even one that could not be
        // read; a bag that has neither, bag-info.txt.
        let bag_info_path = declared
            .as_ref()
            .and_then(|d| declaration::bag_info_path(store, d))
            .unwrap_or("bag-info.txt");
        self.check_bag_info(&bag_info, bag_info_path, &mut findings);
        self.check_manifests(store, &mut findings);
        self.check_tag_files(store, bag_info_path, &mut findings);
        self.check_fetch(store, &mut findings);
        self.check_payload(store, &mut findings);
        findings
    }

    fn check_serialization(&self, store: &dyn BagStore, findings: &mut Vec<Finding>) {
        let serialized = store.location().is_file();
        let problem = match (self.serialization, serialized) {
            (Serialization::Required, false) => {
                Some("the profile requires a serialized bag, and this one is a directory".into())
            }
            (Serialization::Forbidden, true) => {
                Some("the profile forbids serialization, and this bag is a zip file".into())
            }
            (_, true)
                if !self.accept_serialization.is_empty()
                    // MIME types are matched without regard to case
                    // (RFC 2045 §5.1): `Application/Zip` is a zip.
                    && !self
                        .accept_serialization
                        .iter()
                        .any(|t| t.trim().eq_ignore_ascii_case(ZIP_MEDIA_TYPE)) =>
            {
                Some(format!(
                    "the bag is a zip ({ZIP_MEDIA_TYPE}), not a type the profile accepts ({})",
                    self.accept_serialization.join(", ")
                ))
            }
            _ => None,
        };
        if let Some(message) = problem {
            findings.push(error(Code::ProfileSerialization, "", message));
        }
    }

    /// Checks the bag-info elements read from `path`, which findings name.
    fn check_bag_info(&self, bag_info: &TagFile, path: &str, findings: &mut Vec<Finding>) {
        let values_of = |label: &str| -> Vec<&str> {
            bag_info
                .elements
                .iter()
                .filter(|(l, _)| l == label)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        let named = values_of(PROFILE_IDENTIFIER_LABEL);
        if !named.contains(&self.info.identifier.as_str()) {
            let found = if named.is_empty() {
                format!("has no {PROFILE_IDENTIFIER_LABEL}")
            } else {
                format!("names {}", named.join(", "))
            };
            findings.push(error(
                Code::ProfileIdentifier,
                path,
                format!(
                    "{found}, not this profile's identifier {} (compared case-sensitively)",
                    self.info.identifier
                ),
            ));
        }
        for (label, rule) in &self.bag_info {
            let values = values_of(label);
            if rule.required && values.is_empty() {
                // bagit-profile compares labels with their case, as corpack
                // does; RFC 8493 reads reserved ones without it, as verify
                // does, so a label written otherwise is named.
                let otherwise = (bag_info.elements.iter())
                    .find(|(written, _)| written.eq_ignore_ascii_case(label))
                    .map(|(written, _)| {
                        format!(
                            " (the bag writes it {written:?}; labels are compared with their case)"
                        )
                    });
                findings.push(error(
                    Code::ProfileBagInfoMissing,
                    path,
                    format!(
                        "{label} is required by the profile and absent{}",
                        otherwise.unwrap_or_default()
                    ),
                ));
            }
            if !rule.repeatable && values.len() > 1 {
                findings.push(error(
                    Code::ProfileBagInfoRepeated,
                    path,
                    format!(
                        "{label} occurs {} times; the profile says it is not repeatable",
                        values.len()
                    ),
                ));
            }
            if !rule.values.is_empty() {
                for value in values
                    .iter()
                    .filter(|v| !rule.values.iter().any(|a| a == *v))
                {
                    findings.push(error(
                        Code::ProfileBagInfoValue,
                        path,
                        format!(
                            "{label} is {value:?}, not one of the values the profile allows ({})",
                            rule.values.join(", ")
                        ),
                    ));
                }
            }
        }
    }

    fn check_manifests(&self, store: &dyn BagStore, findings: &mut Vec<Finding>) {
        let kinds = [
            (
                "manifest-",
                "payload manifest",
                &self.manifests_required,
                &self.manifests_allowed,
                Code::ProfileManifestMissing,
                Code::ProfileManifestNotAllowed,
            ),
            (
                "tagmanifest-",
                "tag manifest",
                &self.tag_manifests_required,
                &self.tag_manifests_allowed,
                Code::ProfileTagManifestMissing,
                Code::ProfileTagManifestNotAllowed,
            ),
        ];
        for (prefix, kind, required, allowed, missing_code, not_allowed_code) in kinds {
            // Each manifest's algorithm as verify reads it: from its name
            // normalized (`manifest-SHA256.txt` holds sha256 checksums; the
            // spelling is verify's algorithm-name-not-normalized).
            let present: Vec<(String, &str)> = store
                .files()
                .iter()
                .filter_map(|f| {
                    let name =
                        ManifestFileName::parse(&f.path).filter(|_| f.path.starts_with(prefix))?;
                    Some((normalize_algorithm_name(name.algorithm), f.path.as_str()))
                })
                .collect();
            for algorithm in required
                .iter()
                .filter(|a| !present.iter().any(|(present, _)| present == *a))
            {
                findings.push(error(
                    missing_code,
                    format!("{prefix}{algorithm}.txt"),
                    format!("the profile requires a {algorithm} {kind}, and the bag has none"),
                ));
            }
            if let Some(allowed) = allowed {
                for (algorithm, path) in present.iter().filter(|(a, _)| !allowed.contains(a)) {
                    findings.push(error(
                        not_allowed_code,
                        *path,
                        match allowed.as_slice() {
                            [] => format!(
                                "the profile allows no {kind}, and this is a {algorithm} one"
                            ),
                            _ => format!(
                                "the profile allows only {} {kind}s, not {algorithm}",
                                allowed.join(", ")
                            ),
                        },
                    ));
                }
            }
        }
    }

    /// `bag_info_path` is the bag's `bag-info.txt`, or the
    /// `package-info.txt` of a bag before 0.96, which is not another tag file.
    fn check_tag_files(
        &self,
        store: &dyn BagStore,
        bag_info_path: &str,
        findings: &mut Vec<Finding>,
    ) {
        for path in &self.tag_files_required {
            if !store.contains(path) {
                findings.push(error(
                    Code::ProfileTagFileMissing,
                    path.as_str(),
                    "the profile requires this tag file, and the bag has none",
                ));
            }
        }
        let Some(allowed) = &self.tag_files_allowed else {
            return;
        };
        let others = (store.files().iter())
            .map(|f| f.path.as_str())
            .filter(|path| *path != bag_info_path && is_other_tag_file(path));
        let rule = ("Tag-Files-Allowed", "tag file");
        check_allowed(
            allowed,
            others,
            Code::ProfileTagFileNotAllowed,
            rule,
            findings,
        );
    }

    fn check_fetch(&self, store: &dyn BagStore, findings: &mut Vec<Finding>) {
        let has_fetch = store.contains("fetch.txt");
        if has_fetch && !self.allow_fetch {
            findings.push(error(
                Code::ProfileFetchNotAllowed,
                "fetch.txt",
                "the profile does not allow fetch.txt",
            ));
        }
        if !has_fetch && self.fetch_required {
            findings.push(error(
                Code::ProfileFetchMissing,
                "fetch.txt",
                "the profile requires fetch.txt, and the bag has none",
            ));
        }
    }

    fn check_payload(&self, store: &dyn BagStore, findings: &mut Vec<Finding>) {
        let payload: Vec<_> = store
            .files()
            .iter()
            .filter(|f| f.path.starts_with("data/"))
            .collect();
        let empty = payload.is_empty() || (payload.len() == 1 && payload[0].size == 0);
        if self.data_empty && !empty {
            findings.push(error(
                Code::ProfileDataNotEmpty,
                "data",
                format!(
                    "the profile requires an empty payload (at most one empty file), and it has {} files",
                    payload.len()
                ),
            ));
        }
        for required in &self.payload_files_required {
            let found = match required.strip_suffix('/') {
                Some(dir) => payload
                    .iter()
                    .any(|f| f.path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))),
                None => payload.iter().any(|f| &f.path == required),
            };
            if !found {
                findings.push(error(
                    Code::ProfilePayloadFileMissing,
                    required.as_str(),
                    "the profile requires this payload path, and the bag has none",
                ));
            }
        }
        let Some(allowed) = &self.payload_files_allowed else {
            return;
        };
        let paths = payload.iter().map(|f| f.path.as_str());
        let rule = ("Payload-Files-Allowed", "payload file");
        check_allowed(
            allowed,
            paths,
            Code::ProfilePayloadFileNotAllowed,
            rule,
            findings,
        );
    }
}

/// An error of `code` for each of `paths` that none of `allowed`, the
/// patterns of the profile's `rule` (its name, and what the paths are),
/// matches.
fn check_allowed<'p>(
    allowed: &[String],
    paths: impl IntoIterator<Item = &'p str>,
    code: Code,
    (rule, kind): (&str, &str),
    findings: &mut Vec<Finding>,
) {
    let matchers = compile(allowed).expect("patterns were compiled when the profile was read");
    let message = match allowed {
        [] => format!("the profile's {rule} is empty: it allows no {kind} here"),
        _ => format!(
            "this {kind} matches none of the profile's {rule} ({})",
            allowed.join(", ")
        ),
    };
    for path in paths {
        if !matches_any(&matchers, path) {
            findings.push(error(code, path, message.clone()));
        }
    }
}

/// Verifies the bag at `path` (see [`verify::verify`]) and checks it
/// against `profile`: one report with both sets of findings.
pub fn verify_with_profile(
    path: &Path,
    options: VerifyOptions,
    profile: &Profile,
    progress: &dyn Progress,
) -> Result<Report> {
    let store = reader::open(path)?;
    let mut report = verify::verify(store.as_ref(), options, progress);
    report.add_findings(profile.check(store.as_ref()));
    Ok(report)
}

fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Finding {
    Finding::error(code, path, message)
}

/// A tag file other than those BagIt itself defines: any file outside
/// `data/` but `bagit.txt`, `bag-info.txt`, `fetch.txt` and the manifests
/// at the root, as bagit-profile counts them.
fn is_other_tag_file(path: &str) -> bool {
    if path.starts_with("data/") {
        return false;
    }
    let defined = matches!(path, "bagit.txt" | "bag-info.txt" | "fetch.txt")
        || ManifestFileName::parse(path).is_some();
    !defined
}

fn compile(patterns: &[String]) -> std::result::Result<Vec<GlobMatcher>, String> {
    patterns
        .iter()
        .map(|pattern| {
            GlobBuilder::new(&fnmatch_pattern(pattern))
                .backslash_escape(false)
                .build()
                .map(|glob| glob.compile_matcher())
                .map_err(|e| format!("pattern {pattern:?} is not a glob: {e}"))
        })
        .collect()
}

/// `pattern` as globset reads Python's `fnmatch`, which bagit-profile
/// uses: braces are characters (glob(7) has no alternation), so is a
/// backslash (no escapes) and a `[` that no `]` closes; a run of `*` is one
/// `*` (`**/x` needs a `/`); in a class, `!` negates and a `^` first is a
/// member. Compiled without backslash escapes (see [`compile`]).
fn fnmatch_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '*' => {
                out.push('*');
                rest = rest.trim_start_matches('*');
            }
            '{' => out.push_str("[{]"),
            '}' => out.push_str("[}]"),
            '[' => match class_end(rest) {
                Some(end) => {
                    out.push_str(&fnmatch_class(&rest[..end]));
                    rest = &rest[end + 1..];
                }
                None => out.push_str("[[]"),
            },
            _ => out.push(c),
        }
    }
    out
}

/// Where the `]` that closes a class is in `class`, the text after its
/// `[`: the first member (after an optional `!`) is one even if a `]`.
fn class_end(class: &str) -> Option<usize> {
    let negation = usize::from(class.starts_with('!'));
    let mut members = class[negation..].char_indices();
    members.next()?;
    let (at, _) = members.find(|(_, c)| *c == ']')?;
    Some(negation + at)
}

/// A class of `fnmatch`, its members `body`, as globset reads it: a `^`
/// first, a member to fnmatch, is moved last, where globset takes it as
/// one too.
fn fnmatch_class(body: &str) -> String {
    let (negation, members) = match body.strip_prefix('!') {
        Some(members) => ("!", members),
        None => ("", body),
    };
    match members.strip_prefix('^') {
        Some("") if negation.is_empty() => "^".into(),
        Some(others) => format!("[{negation}{others}^]"),
        None => format!("[{negation}{members}]"),
    }
}

fn matches_any(matchers: &[GlobMatcher], path: &str) -> bool {
    matchers.iter().any(|m| m.is_match(path))
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
    let quoted = format!("\"{key}\"");
    let at = text.match_indices(&quoted).map(|(at, _)| at).find(|&at| {
        !text[..at].ends_with('\\') && text[at + quoted.len()..].trim_start().starts_with(':')
    })?;
    Some(LineIndex::new(text).place(at))
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
        _ => return Ok(()),
    };
    let (line, column) = LineIndex::new(text).place(start);
    Err(Error::Profile(RecordError {
        file: path.to_path_buf(),
        line: Some(line),
        column: Some(column),
        field: String::new(),
        message: format!("a profile is a JSON object, {{ ... }}: this is {kind}"),
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
            (r#"{"Tag-Files-Allowed": ["a[z-a]"]}"#, "Tag-Files-Allowed"),
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
    fn patterns_are_read_as_fnmatch_reads_them() {
        // No alternation: braces are characters; a `[` no `]` closes is one.
        for (pattern, path, matches) in [
            ("{draft}.txt", "{draft}.txt", true),
            ("{a,b}.txt", "a.txt", false),
            ("meta/[a", "meta/[a", true),
            ("meta/[ab].txt", "meta/b.txt", true),
            ("meta/[]].txt", "meta/].txt", true),
            ("meta/[!]].txt", "meta/a.txt", true),
            ("meta/[!]].txt", "meta/].txt", false),
            // A class is copied whole: `[` and braces in it are members.
            ("meta/[[].txt", "meta/[.txt", true),
            ("meta/[{}].txt", "meta/{.txt", true),
            ("meta/[{}].txt", "meta/{}].txt", false),
            // No escapes: a backslash is a character.
            ("meta/\\{x", "meta/\\{x", true),
            ("meta/\\{x", "meta/{x", false),
            ("meta\\", "meta\\", true),
            // `^` first in a class is a member, not a negation.
            ("[^a]", "^", true),
            ("[^a]", "a", true),
            ("[^a]", "b", false),
            ("[^]", "^", true),
            // `*` matches `/`, and `**` is `*`: `**/x` needs a `/`.
            ("**/x", "a/b/x", true),
            ("**/x", "x", false),
            ("a*", "a/b", true),
        ] {
            let matchers = compile(&[pattern.to_string()]).unwrap();
            assert_eq!(matches_any(&matchers, path), matches, "{pattern} {path}");
        }
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
