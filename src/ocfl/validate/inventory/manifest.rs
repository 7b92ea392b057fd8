//! The manifest and the fixity blocks (digest to content paths), and
//! their agreement with the versions' states.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::object::{Object, value};
use super::{Checker, string_array};
use crate::ocfl::code::OcflCode;
use crate::ocfl::digest::{DigestAlgorithm, SIZE, is_fixity_name, is_size_value};
use crate::ocfl::inventory::{DigestMap, Inventory, VersionNum, path_conflicts, path_problem};

impl Checker<'_> {
    /// A manifest-like map (digest → content paths): the manifest, or one
    /// algorithm's fixity block, read from its JSON `text` an entry at a
    /// time as it is typed.
    pub(super) fn digest_map(
        &mut self,
        text: Option<&str>,
        key: &str,
        algorithm: Option<&str>,
        not_object: OcflCode,
        bad_entry: OcflCode,
    ) -> Option<DigestMap> {
        let Some(text) = text else {
            self.add(OcflCode::E041, format!("no `{key}`"));
            return None;
        };
        let entries = self.object(text, not_object, |other| {
            format!("`{key}` must be a JSON object, not {other}")
        })?;
        self.content_paths(key, entries, algorithm, bad_entry, OcflCode::E096)
    }

    fn content_paths(
        &mut self,
        what: &str,
        entries: Object,
        algorithm: Option<&str>,
        bad_entry: OcflCode,
        duplicate_digest: OcflCode,
    ) -> Option<DigestMap> {
        let mut map = DigestMap::new();
        let mut spellings = CaseSpellings::default();
        // Its length once: a hasher is made to tell it.
        let hex_form = algorithm
            .and_then(hex_form)
            .map(|(code, algorithm)| (code, algorithm, algorithm.hex_length()));
        for (digest, paths) in entries {
            let (digest, paths) = (&*digest, value(paths.get()));
            if let Some((code, algorithm, length)) = hex_form {
                let hex = digest.bytes().all(|b| b.is_ascii_hexdigit());
                if !hex {
                    self.add(
                        code,
                        format!("`{what}`: the digest {digest:?} is not hex-encoded"),
                    );
                } else if digest.len() != length {
                    self.add(
                        code,
                        format!(
                            "`{what}`: the digest {digest:?} has {} hex digits, where {algorithm} has {length}",
                            digest.len()
                        ),
                    );
                }
            }
            let Some(paths) = string_array(paths) else {
                self.add(
                    bad_entry,
                    format!("`{what}`: the value of {digest} must be an array of content paths"),
                );
                continue;
            };
            if let Some(other) = spellings.earlier(digest) {
                self.add(
                    duplicate_digest,
                    format!("`{what}` lists the digest {digest} twice (also as {other})"),
                );
            }
            for path in &paths {
                if let Some((code, message)) = path_problem(path, false) {
                    self.add(code, format!("`{what}`: content path {message}"));
                }
            }
            map.insert(digest, &paths);
        }
        // Conflicts matter where content paths name files: the manifest. A
        // path twice in a fixity block is the duplicate digest above.
        if what == "manifest" {
            for (path, why) in path_conflicts(map.values().flatten()) {
                self.add(
                    OcflCode::E101,
                    format!("`{what}`: content path `{path}` {why}"),
                );
            }
        }
        Some(map)
    }

    /// The fixity blocks, read from the JSON `text` of `fixity` a block,
    /// and in each an entry, at a time.
    pub(super) fn fixity(&mut self, text: Option<&str>) -> BTreeMap<String, DigestMap> {
        let mut fixity = BTreeMap::new();
        let Some(text) = text else {
            return fixity;
        };
        let Some(blocks) = self.object(text, OcflCode::E111, |other| {
            format!("`fixity` must be a JSON object, not {other}")
        }) else {
            return fixity;
        };
        for (algorithm, block) in blocks {
            let what = format!("fixity.{algorithm}");
            if !is_fixity_name(&algorithm) {
                self.add(
                    OcflCode::E056,
                    format!("`{what}`: {algorithm:?} is no digest algorithm of the specification or extension 0009"),
                );
            }
            let Some(entries) = self.object(block.get(), OcflCode::E057, |block| {
                format!("`{what}` must be a JSON object of digests, not {block}")
            }) else {
                continue;
            };
            if &*algorithm == SIZE {
                for value in entries.keys().filter(|v| !is_size_value(v)) {
                    self.add(
                        OcflCode::E057,
                        format!("`{what}`: {value:?} is no size: extension 0009 gives a decimal number of bytes, unpadded"),
                    );
                }
            }
            if let Some(map) = self.content_paths(
                &what,
                entries,
                Some(&algorithm),
                OcflCode::E057,
                OcflCode::E097,
            ) {
                fixity.insert(algorithm.to_string(), map);
            }
        }
        fixity
    }

    /// Manifest, states and versions agree: every content path in a version
    /// directory's content directory (E042), every state digest in the
    /// manifest exactly (E050), every manifest digest in some state (E107).
    pub(super) fn manifest_against_versions(&mut self, inventory: &Inventory) {
        let content_directory = inventory.content_directory();
        for path in inventory.manifest.values().flatten() {
            let in_content = path.split_once('/').is_some_and(|(version, rest)| {
                version
                    .parse::<VersionNum>()
                    .is_ok_and(|number| inventory.versions.contains_key(&number))
                    && rest
                        .strip_prefix(content_directory)
                        .is_some_and(|rest| rest.starts_with('/'))
            });
            if !in_content {
                self.add(
                    OcflCode::E042,
                    format!(
                        "the content path `{path}` is not in the `{content_directory}` directory of a version"
                    ),
                );
            }
        }
        // States and manifest are both sorted by digest: each state is
        // walked beside the manifest, not looked up in it.
        let mut used = vec![false; inventory.manifest.len()];
        for (number, version) in &inventory.versions {
            let mut manifest = inventory.manifest.keys().enumerate().peekable();
            for digest in version.state.keys() {
                while manifest.next_if(|(_, key)| *key < digest).is_some() {}
                if let Some((at, _)) = manifest.next_if(|(_, key)| *key == digest) {
                    used[at] = true;
                    continue;
                }
                let near = inventory
                    .manifest
                    .keys()
                    .find(|key| key.eq_ignore_ascii_case(digest));
                let hint = if near.is_some() {
                    " (the manifest has it in another case; the match must be exact)"
                } else {
                    ""
                };
                self.add(
                    OcflCode::E050,
                    format!(
                        "version {number}: the state digest {digest} is not in the manifest{hint}"
                    ),
                );
            }
        }
        for (digest, _) in (inventory.manifest.keys().zip(used)).filter(|(_, used)| !used) {
            self.add(
                OcflCode::E107,
                format!("the manifest digest {digest} is in the state of no version"),
            );
        }
    }

    /// Fixity content paths must be in the manifest: a fixity digest of a
    /// file the object does not hold can match nothing (E093).
    pub(super) fn fixity_paths(&mut self, inventory: &Inventory) {
        let manifest_paths: BTreeSet<&str> = inventory.manifest.values().flatten().collect();
        for (algorithm, block) in &inventory.fixity {
            for path in block.values().flatten() {
                if !manifest_paths.contains(path) {
                    self.add(
                        OcflCode::E093,
                        format!("`fixity.{algorithm}` gives a digest of `{path}`, which is not in the manifest"),
                    );
                }
            }
        }
    }
}

/// The digests of a map read so far that have upper-case letters, by their
/// lower-case form: a digest written twice in two cases is found where the
/// second comes, keys coming sorted. Of digests equal but for case, one in
/// lower case sorts after the others, so it need not be kept: in an object
/// of lower-case digests, nothing is.
#[derive(Default)]
struct CaseSpellings(HashMap<String, String>);

impl CaseSpellings {
    /// The digest read last that is `digest` in another case, if any;
    /// notes `digest`.
    fn earlier(&mut self, digest: &str) -> Option<String> {
        if !digest.bytes().any(|b| b.is_ascii_uppercase()) {
            return self.0.get(digest).cloned();
        }
        self.0
            .insert(digest.to_ascii_lowercase(), digest.to_string())
    }
}

/// The code of the specification's requirement that digests of
/// `algorithm` be its digests hex-encoded (§3.4), so of its hex length,
/// for the algorithms that have one.
fn hex_form(algorithm: &str) -> Option<(OcflCode, DigestAlgorithm)> {
    let code = match algorithm {
        "sha1" => OcflCode::E029,
        "sha256" => OcflCode::E030,
        "sha512" => OcflCode::E031,
        "blake2b-512" => OcflCode::E032,
        _ => return None,
    };
    Some((code, algorithm.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_in_another_case_names_the_one_read_last() {
        let mut spellings = CaseSpellings::default();
        // Sorted, as a map's keys come.
        let earlier: Vec<Option<String>> = ["AA", "Aa", "aA", "aa", "bb"]
            .into_iter()
            .map(|digest| spellings.earlier(digest))
            .collect();
        let name = |digest: &str| Some(digest.to_string());
        assert_eq!(earlier, [None, name("AA"), name("Aa"), name("aA"), None]);
        assert!(spellings.0.len() == 1, "lower-case digests are not kept");
    }

    /// Fixity names and size values are quoted as JSON strings.
    #[test]
    fn fixity_names_and_sizes_are_named_as_written() {
        use super::super::testutil::{DIGEST, valid};
        use crate::ocfl::validate::Findings;

        let mut json = valid();
        json["fixity"] = serde_json::json!({
            "MD5": {},
            "size": {"01": ["v1/content/a.txt"], "0": ["v1/content/a.txt"]},
        });
        json["manifest"][DIGEST] = serde_json::json!(["v1/content/a.txt"]);
        let mut findings = Findings::default();
        super::super::parse(
            json.to_string().into_bytes(),
            "inventory.json",
            &mut findings,
        );
        let found: Vec<(String, &str)> = (findings.0.iter())
            .map(|f| (f.code.to_string(), f.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "E056".to_string(),
                    "`fixity.MD5`: \"MD5\" is no digest algorithm of the specification or \
                     extension 0009"
                ),
                (
                    "E057".to_string(),
                    "`fixity.size`: \"01\" is no size: extension 0009 gives a decimal number of \
                     bytes, unpadded"
                ),
            ]
        );
    }
}
