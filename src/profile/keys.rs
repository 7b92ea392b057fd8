//! The keys a profile may have. One the specification does not define is
//! ignored, as bagit-profile and bdbag ignore it, but said: a misspelt key
//! (`Manifest-Required`) would leave its rule unchecked, and a key of a
//! community's own (APTrust's `Other-Info`) asks for rules corpack does
//! not know.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::error::shown;

/// The keys of a profile (BagIt Profiles 1.3.0, and the `Payload-Files-*`
/// of 1.4.0).
const PROFILE_KEYS: &[&str] = &[
    "BagIt-Profile-Info",
    "Bag-Info",
    "Manifests-Required",
    "Manifests-Allowed",
    "Allow-Fetch.txt",
    "Fetch.txt-Required",
    "Data-Empty",
    "Serialization",
    "Accept-Serialization",
    "Accept-BagIt-Version",
    "Tag-Manifests-Required",
    "Tag-Manifests-Allowed",
    "Tag-Files-Required",
    "Tag-Files-Allowed",
    "Payload-Files-Required",
    "Payload-Files-Allowed",
];

/// The keys of a `Bag-Info` element's rule; `recommended`, which the
/// specification does not define, is common (the Beyond the Repository
/// profile has it) and changes no verdict.
const RULE_KEYS: &[&str] = &[
    "required",
    "values",
    "repeatable",
    "description",
    "recommended",
];

/// A key the specification does not define: where it is (`Other-Info`,
/// `Bag-Info.Title.requried`) and the defined key it may be a misspelling
/// of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownKey {
    /// The key's path in the profile, its parents' keys joined by `.`.
    pub path: String,
    /// A defined key in its place that it is close to.
    pub meant: Option<&'static str>,
    /// Where it is: the profile's file, and the key's line and column
    /// when found (`p.json:3:5`).
    pub at: String,
}

/// The keys of a profile's JSON text, its values skipped unread: a
/// number too large for a float is no fault of a key.
type Keys = BTreeMap<String, IgnoredAny>;

/// The keys of each `Bag-Info` element's rule.
#[derive(Deserialize)]
struct BagInfoKeys {
    #[serde(rename = "Bag-Info", default)]
    bag_info: BTreeMap<String, Keys>,
}

/// The keys of `profile`, a profile's JSON text that reads as one, from
/// `file`, that the specification does not define, at the top and in
/// `Bag-Info`'s rules, in the order of their names.
pub fn unknown_keys(profile: &str, file: &Path) -> Vec<UnknownKey> {
    // Placed only where one member has its name: of several (a label of
    // Bag-Info and a key at the top, or one key in two rules), which one
    // is meant is not known here.
    let place = |key: &str| match super::only_key_place(profile, key) {
        Some((line, column)) => format!("{}:{line}:{column}", shown(file)),
        None => shown(file),
    };
    let top: Keys = serde_json::from_str(profile).unwrap_or_default();
    let mut unknown = unknown_among(&top, PROFILE_KEYS, "", &place);
    if let Ok(rules) = serde_json::from_str::<BagInfoKeys>(profile) {
        for (label, rule) in &rules.bag_info {
            let parent = format!("Bag-Info.{label}.");
            unknown.extend(unknown_among(rule, RULE_KEYS, &parent, &place));
        }
    }
    unknown
}

fn unknown_among(
    keys: &Keys,
    known: &[&'static str],
    parent: &str,
    place: &dyn Fn(&str) -> String,
) -> Vec<UnknownKey> {
    (keys.keys())
        .filter(|key| !known.contains(&key.as_str()))
        .map(|key| UnknownKey {
            path: format!("{parent}{key}"),
            meant: crate::spelling::meant(key, known.iter().copied()),
            at: place(key),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(json: &str) -> Vec<(String, Option<&'static str>)> {
        (unknown_keys(json, Path::new("p.json")).into_iter())
            .map(|key| (key.path, key.meant))
            .collect()
    }

    #[test]
    fn keys_the_specification_does_not_define_are_found_with_what_they_may_mean() {
        let json = r#"{
            "BagIt-Profile-Info": {"Contact-Name": "kept: info is free"},
            "Manifest-Required": ["sha256"],
            "tag-files-allowed": ["*"],
            "Other-Info": [1e400],
            "Bag-Info": {
                "Title": {"requried": true, "recommended": true, "description": "d"},
                "Contact-Name": {"values": ["A"], "Values": ["B"]}
            },
            "Accept-BagIt-Version": ["1.0"]
        }"#;
        assert_eq!(
            unknown(json),
            [
                ("Manifest-Required".to_string(), Some("Manifests-Required")),
                ("Other-Info".to_string(), None),
                ("tag-files-allowed".to_string(), Some("Tag-Files-Allowed")),
                ("Bag-Info.Contact-Name.Values".to_string(), Some("values")),
                ("Bag-Info.Title.requried".to_string(), Some("required")),
            ]
        );
    }

    #[test]
    fn an_unknown_key_is_placed_at_its_line_and_column_when_its_name_is_its_own() {
        let keys = unknown_keys("{\n  \"Other-Info\": []\n}", Path::new("p.json"));
        assert_eq!(keys[0].at, "p.json:2:3");
        let json = r#"{
            "Bag-Info": {"Contact-Name": {"requird": true}, "Title": {"requird": true}},
            "Contact-Name": "misplaced"
        }"#;
        let places: Vec<String> = (unknown_keys(json, Path::new("p.json")).into_iter())
            .map(|key| key.at)
            .collect();
        assert_eq!(places, ["p.json", "p.json", "p.json"]);
    }

    #[test]
    fn corpack_s_own_profile_has_no_unknown_key() {
        let own = super::super::CORPACK_PROFILE_JSON;
        assert_eq!(unknown_keys(own, Path::new("p.json")), []);
    }
}
