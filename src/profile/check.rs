//! Checking a bag against a profile: each rule it breaks is a finding with
//! a `profile-*` code, and each key the profile has that the
//! specification does not define a warning.

use std::path::Path;

use super::pattern::{compile, matches_any};
use super::{PROFILE_IDENTIFIER_LABEL, Profile, Serialization, ZIP_MEDIA_TYPE};
use crate::bagit::manifest::{ManifestFileName, normalize_algorithm_name};
use crate::bagit::tagfile::TagFile;
use crate::bundle::reader::{self, BagStore};
use crate::error::Result;
use crate::finding::{Code, Finding};
use crate::progress::Progress;
use crate::verify::declaration;
use crate::verify::findings::Findings;
use crate::verify::{self, Report, VerifyOptions};

impl Profile {
    /// Checks a bag against the profile. `store` is the bag; it is taken to
    /// be serialized (as a zip) when its location is a file.
    pub fn check(&self, store: &dyn BagStore) -> Vec<Finding> {
        let mut findings: Vec<Finding> = (self.unknown_keys.iter())
            .map(|key| {
                let meant = (key.meant)
                    .map(|meant| format!(" (is it {meant}?)"))
                    .unwrap_or_default();
                // The key is the profile's, not the bag's: its path is in
                // the message, with the place in the profile.
                Finding::warning(
                    Code::ProfileKeyUnknown,
                    "",
                    format!(
                        "{}: the profile's key {:?} is not one the BagIt Profiles \
                         specification defines{meant}: it is ignored, and no rule of it is \
                         checked",
                        key.at, key.path
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
                        ManifestFileName::parse(f.path).filter(|_| f.path.starts_with(prefix))?;
                    Some((normalize_algorithm_name(name.algorithm), f.path))
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
        let others = (store.files().paths())
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
                None => payload.iter().any(|f| f.path == required),
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
        let paths = payload.iter().map(|f| f.path);
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
    let matchers = compile(allowed);
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
    verify::refuse_ocfl(path, "a BagIt profile is checked against a bag")?;
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
