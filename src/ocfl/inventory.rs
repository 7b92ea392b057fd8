//! The OCFL inventory (`inventory.json`, OCFL 1.1 §3.5) as Rust types, its
//! reproducible JSON form and its digest sidecar, and the rules for version
//! names and for logical and content paths.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use serde::{Serialize, Serializer};

use super::code::OcflCode;
use super::digest::DigestAlgorithm;

/// The name of an inventory file.
pub const INVENTORY: &str = "inventory.json";
/// The content directory when the inventory names none.
pub const DEFAULT_CONTENT_DIRECTORY: &str = "content";

pub use super::digest_map::{DigestMap, Paths};

/// An OCFL inventory. It serializes as [`InventoryJson`]: keys in
/// alphabetical order and maps sorted, so the same inventory always gives
/// the same bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inventory {
    /// The content directory's name, when not `content`.
    pub content_directory: Option<String>,
    /// The algorithm of the manifest, the states and the sidecar.
    pub digest_algorithm: DigestAlgorithm,
    /// Further digests of content files: algorithm name → digest → content
    /// paths.
    pub fixity: BTreeMap<String, DigestMap>,
    /// The most recent version.
    pub head: VersionNum,
    /// The object's identifier.
    pub id: String,
    /// Digest → content paths (relative to the object root) of every
    /// content file of every version.
    pub manifest: DigestMap,
    /// The inventory type URI, naming the specification version.
    pub inventory_type: String,
    /// Every version, oldest first.
    pub versions: BTreeMap<VersionNum, Version>,
}

/// One version block (§3.5.3.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    /// When the version was made, RFC 3339.
    pub created: String,
    /// Why the version was made.
    pub message: Option<String>,
    /// Digest → logical paths: the object's files at this version.
    pub state: DigestMap,
    /// Who made it.
    pub user: Option<User>,
}

/// An inventory's JSON form, whatever serializes its maps: an
/// [`Inventory`]'s own, or an export's, made from compact tables as they
/// are written. Its fields set the keys, their order (alphabetical) and
/// which are left out, for both.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryJson<'a, M, F, V> {
    /// The content directory's name, when not `content`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_directory: Option<&'a str>,
    /// The algorithm of the manifest, the states and the sidecar.
    #[serde(serialize_with = "serialize_display")]
    pub digest_algorithm: DigestAlgorithm,
    /// The fixity block, left out when it would be empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixity: Option<F>,
    /// The most recent version.
    pub head: VersionNum,
    /// The object's identifier.
    pub id: &'a str,
    /// Digest → content paths.
    pub manifest: M,
    /// The inventory type URI.
    #[serde(rename = "type")]
    pub inventory_type: &'a str,
    /// Version name → version block.
    pub versions: V,
}

/// A version block's JSON form, whatever serializes its state (see
/// [`InventoryJson`]).
#[derive(Serialize)]
pub struct VersionJson<'a, S> {
    /// When the version was made, RFC 3339.
    pub created: &'a str,
    /// Why the version was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
    /// Digest → logical paths.
    pub state: S,
    /// Who made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<&'a User>,
}

/// The `user` of a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    /// A URI for the user: `mailto:` or a personal identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// A readable name.
    pub name: String,
}

impl Inventory {
    /// The content directory's name.
    pub fn content_directory(&self) -> &str {
        self.content_directory
            .as_deref()
            .unwrap_or(DEFAULT_CONTENT_DIRECTORY)
    }

    /// The head version's block, if the inventory has it.
    pub fn head_version(&self) -> Option<&Version> {
        self.versions.get(&self.head)
    }

    /// The JSON text: pretty-printed (two spaces) with a final newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        self.write_json(&mut bytes).expect("a Vec takes every byte");
        bytes
    }

    /// Writes [`Inventory::to_json`]'s text to `writer`, which an
    /// inventory of many files is better not held whole for (about 800
    /// bytes a file).
    pub fn write_json(&self, writer: impl Write) -> io::Result<()> {
        self.json_form().write(writer)
    }

    fn json_form(
        &self,
    ) -> InventoryJson<'_, &DigestMap, &BTreeMap<String, DigestMap>, &BTreeMap<VersionNum, Version>>
    {
        InventoryJson {
            content_directory: self.content_directory.as_deref(),
            digest_algorithm: self.digest_algorithm,
            fixity: (!self.fixity.is_empty()).then_some(&self.fixity),
            head: self.head,
            id: &self.id,
            manifest: &self.manifest,
            inventory_type: &self.inventory_type,
            versions: &self.versions,
        }
    }
}

impl Serialize for Inventory {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json_form().serialize(serializer)
    }
}

impl<M: Serialize, F: Serialize, V: Serialize> InventoryJson<'_, M, F, V> {
    /// Writes the JSON text: pretty-printed (two spaces) with a final
    /// newline.
    pub fn write(&self, mut writer: impl Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut writer, self)?;
        writer.write_all(b"\n")
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        VersionJson {
            created: &self.created,
            message: self.message.as_deref(),
            state: &self.state,
            user: self.user.as_ref(),
        }
        .serialize(serializer)
    }
}

impl Version {
    /// Each logical path and its digest, as written, sorted by path: the
    /// state turned around, borrowed, where a map of lowercase copies held
    /// a string a file.
    pub fn logical_state(&self) -> Vec<(&str, &str)> {
        let mut paths: Vec<(&str, &str)> = (self.state.iter())
            .flat_map(|(digest, paths)| paths.iter().map(move |path| (path, digest)))
            .collect();
        paths.sort_unstable();
        paths
    }
}

/// The text of an inventory's sidecar file `inventory.json.<algorithm>`:
/// `<digest> inventory.json` and a newline (§3.6), given the inventory's
/// digest.
pub fn sidecar_text(digest: &str) -> String {
    format!("{digest} {INVENTORY}\n")
}

/// The name of the sidecar for an algorithm.
pub fn sidecar_name(algorithm: DigestAlgorithm) -> String {
    format!("{INVENTORY}.{algorithm}")
}

fn serialize_display<T: fmt::Display, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// A version directory name: `v` and a positive number, either plain
/// (`v1`, `v12`) or zero-padded to a fixed width (`v001`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VersionNum {
    /// The version number, from 1.
    pub number: u32,
    /// The digit count of a zero-padded name; 0 for a plain one.
    pub padding: usize,
}

impl VersionNum {
    /// The first version, `v1`.
    pub const FIRST: VersionNum = VersionNum {
        number: 1,
        padding: 0,
    };

    /// The version after this one, named the same way; `None` when no such
    /// name exists: a zero-padded name keeps its leading zero (E011) and
    /// its width (E012, E013), so `v09` is the last of width 2.
    pub fn next(self) -> Option<VersionNum> {
        let number = self.number.checked_add(1)?;
        let fits = self.padding == 0 || number.to_string().len() < self.padding;
        fits.then_some(VersionNum {
            number,
            padding: self.padding,
        })
    }
}

impl Ord for VersionNum {
    fn cmp(&self, other: &VersionNum) -> Ordering {
        (self.number, self.padding).cmp(&(other.number, other.padding))
    }
}

impl PartialOrd for VersionNum {
    fn partial_cmp(&self, other: &VersionNum) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for VersionNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{:0width$}", self.number, width = self.padding)
    }
}

impl FromStr for VersionNum {
    type Err = (OcflCode, String);

    /// Parses a version directory name; the error carries the code of the
    /// rule it breaks (E104: not `v` and digits, E105: not a positive
    /// number).
    fn from_str(name: &str) -> Result<VersionNum, Self::Err> {
        let digits = name
            .strip_prefix('v')
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| {
                (
                    OcflCode::E104,
                    format!("`{name}` is not a version directory name (v and a number)"),
                )
            })?;
        let number: u32 = digits.parse().map_err(|_| {
            (
                OcflCode::E105,
                format!("`{name}`: the version number is too large"),
            )
        })?;
        if number == 0 {
            return Err((
                OcflCode::E105,
                format!("`{name}`: version numbers start at 1"),
            ));
        }
        let padding = if digits.starts_with('0') {
            digits.len()
        } else {
            0
        };
        Ok(VersionNum { number, padding })
    }
}

impl Serialize for VersionNum {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What is wrong with a logical or content path, if anything: the element
/// rule (E052/E099) or the slash rule (E053/E100). `logical` picks the
/// logical-path codes.
pub fn path_problem(path: &str, logical: bool) -> Option<(OcflCode, String)> {
    let (element_code, slash_code) = if logical {
        (OcflCode::E052, OcflCode::E053)
    } else {
        (OcflCode::E099, OcflCode::E100)
    };
    if path.starts_with('/') || path.ends_with('/') {
        return Some((slash_code, format!("`{path}` begins or ends with /")));
    }
    if path
        .split('/')
        .any(|element| element.is_empty() || element == "." || element == "..")
    {
        return Some((
            element_code,
            format!("`{path}` has an empty, `.` or `..` element"),
        ));
    }
    None
}

/// Paths of `paths` that are not unique or that conflict (one a directory
/// prefix of another, §3.5.2, §3.5.3.1): `(path, why)`, sorted.
pub fn path_conflicts<'a>(paths: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
    let mut sorted: Vec<&str> = paths.into_iter().collect();
    sorted.sort_unstable();
    let mut conflicts = Vec::new();
    for pair in sorted.windows(2) {
        if pair[0] == pair[1] {
            conflicts.push((pair[0].to_string(), "is listed twice".to_string()));
        }
    }
    let files: std::collections::BTreeSet<&str> = sorted.iter().copied().collect();
    for path in &files {
        let mut prefix = *path;
        while let Some((parent, _)) = prefix.rsplit_once('/') {
            if files.contains(parent) {
                conflicts.push((
                    parent.to_string(),
                    format!("is a file and also a directory of `{path}`"),
                ));
            }
            prefix = parent;
        }
    }
    conflicts.sort();
    conflicts.dedup();
    conflicts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocfl::digest::digest_bytes;
    use proptest::prelude::*;

    fn sample() -> Inventory {
        let digest = digest_bytes(DigestAlgorithm::Sha512, b"hello\n");
        let mut state = DigestMap::new();
        state.insert(&digest, ["a/hello.txt"]);
        let mut manifest = DigestMap::new();
        manifest.insert(&digest, ["v1/content/a/hello.txt"]);
        let mut versions = BTreeMap::new();
        versions.insert(
            VersionNum::FIRST,
            Version {
                created: "2026-11-25T00:00:00Z".into(),
                message: Some("First".into()),
                state,
                user: Some(User {
                    address: None,
                    name: "corpack".into(),
                }),
            },
        );
        Inventory {
            content_directory: None,
            digest_algorithm: DigestAlgorithm::Sha512,
            fixity: BTreeMap::new(),
            head: VersionNum::FIRST,
            id: "urn:corpack:sample".into(),
            manifest,
            inventory_type: "https://ocfl.io/1.1/spec/#inventory".into(),
            versions,
        }
    }

    #[test]
    fn json_keys_are_sorted_and_optional_ones_omitted() {
        let json = String::from_utf8(sample().to_json()).unwrap();
        let keys: Vec<usize> = [
            "\"digestAlgorithm\"",
            "\"head\"",
            "\"id\"",
            "\"manifest\"",
            "\"type\"",
            "\"versions\"",
        ]
        .iter()
        .map(|key| json.find(key).unwrap_or_else(|| panic!("{key} in {json}")))
        .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{json}");
        assert!(!json.contains("contentDirectory") && !json.contains("fixity"));
        assert!(!json.contains("address"));
        assert!(json.contains("\"head\": \"v1\""));
        assert!(json.ends_with("}\n"));
    }

    #[test]
    fn written_through_a_digest_writer_the_inventory_hashes_as_its_text() {
        use crate::ocfl::digest::DigestWriter;
        let mut writer = DigestWriter::new(DigestAlgorithm::Sha256, Vec::new());
        sample().write_json(&mut writer).unwrap();
        let (written, digest) = writer.finish();
        assert_eq!(written, sample().to_json());
        assert_eq!(digest, digest_bytes(DigestAlgorithm::Sha256, &written));
    }

    #[test]
    fn the_sidecar_states_the_digest_of_the_inventory() {
        let json = sample().to_json();
        let text = sidecar_text(&digest_bytes(DigestAlgorithm::Sha512, &json));
        let (digest, name) = text.trim_end().split_once(' ').unwrap();
        assert_eq!(digest, digest_bytes(DigestAlgorithm::Sha512, &json));
        assert_eq!(name, "inventory.json");
        assert_eq!(
            sidecar_name(DigestAlgorithm::Sha512),
            "inventory.json.sha512"
        );
    }

    #[test]
    fn version_names_parse_plain_and_padded() {
        let v = |name: &str| name.parse::<VersionNum>();
        assert_eq!(v("v1").unwrap(), VersionNum::FIRST);
        assert_eq!(v("v012").unwrap().to_string(), "v012");
        assert_eq!(v("v012").unwrap().number, 12);
        assert_eq!(v("v9").unwrap().next().unwrap().to_string(), "v10");
        assert_eq!(v("v08").unwrap().next().unwrap().to_string(), "v09");
        assert_eq!(v("v09").unwrap().next(), None, "v10 has no leading zero");
        assert_eq!(v("v0999").unwrap().next(), None);
        assert_eq!(v(&format!("v{}", u32::MAX)).unwrap().next(), None);
        assert_eq!(v("1").unwrap_err().0, OcflCode::E104);
        assert_eq!(v("v").unwrap_err().0, OcflCode::E104);
        assert_eq!(v("v1a").unwrap_err().0, OcflCode::E104);
        assert_eq!(v("v0").unwrap_err().0, OcflCode::E105);
        assert!(v("v2").unwrap() < v("v10").unwrap());
    }

    #[test]
    fn path_rules_name_their_codes() {
        assert_eq!(path_problem("a/b.txt", true), None);
        assert_eq!(path_problem("/a", true).unwrap().0, OcflCode::E053);
        assert_eq!(path_problem("a/", false).unwrap().0, OcflCode::E100);
        assert_eq!(path_problem("a//b", false).unwrap().0, OcflCode::E099);
        assert_eq!(path_problem("a/../b", true).unwrap().0, OcflCode::E052);
        assert_eq!(path_problem("./a", true).unwrap().0, OcflCode::E052);
    }

    #[test]
    fn conflicting_paths_are_found() {
        assert!(path_conflicts(["a", "b/c", "bc"]).is_empty());
        let conflicts = path_conflicts(["a", "a/b", "c", "c", "a-b"]);
        let paths: Vec<&str> = conflicts.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["a", "c"]);
    }

    proptest! {
        #[test]
        fn version_names_round_trip(number in 1u32..100_000, padding in prop::sample::select(vec![0usize, 6, 7])) {
            let padding = if padding > 0 && number.to_string().len() >= padding { 0 } else { padding };
            let name = VersionNum { number, padding };
            prop_assert_eq!(name.to_string().parse::<VersionNum>().unwrap(), name);
        }

        #[test]
        fn safe_paths_have_no_problem(elements in prop::collection::vec("[a-zA-Z0-9 _-][a-zA-Z0-9 ._-]{0,8}", 1..5)) {
            let path = elements.join("/");
            prop_assume!(elements.iter().all(|e| e != "." && e != ".."));
            prop_assert_eq!(path_problem(&path, true), None);
        }
    }
}
