//! Reading one `inventory.json` and checking it on its own (OCFL 1.1 §3.5):
//! its JSON structure, keys and values, version names, paths, and the
//! agreement of manifest, states and fixity. What needs the object's files
//! or other inventories is checked by the caller.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::Findings;
use crate::ocfl::code::OcflCode;
use crate::ocfl::digest::DigestAlgorithm;
use crate::ocfl::inventory::{
    DigestMap, Inventory, User, Version, VersionNum, path_conflicts, path_problem,
};
use crate::ocfl::{SpecVersion, is_uri};

/// The keys an inventory may have (E102).
const INVENTORY_KEYS: [&str; 8] = [
    "id",
    "type",
    "digestAlgorithm",
    "head",
    "contentDirectory",
    "manifest",
    "versions",
    "fixity",
];
/// The keys a version block may have (E102).
const VERSION_KEYS: [&str; 4] = ["created", "state", "message", "user"];
/// The keys a user block may have (E102).
const USER_KEYS: [&str; 2] = ["name", "address"];

/// An inventory as read: the typed inventory when its essentials could be
/// read, and the specification version its `type` names.
pub struct Parsed {
    /// `None` when the JSON, the digest algorithm or the versions are
    /// unusable (the findings say why).
    pub inventory: Option<Inventory>,
    /// From `type`, when it is a known inventory type.
    pub spec: Option<SpecVersion>,
    /// The `digestAlgorithm` as written, to find the sidecar by.
    pub digest_algorithm_name: Option<String>,
}

/// Reads and checks the inventory `bytes` found at `path` (relative to the
/// object root), adding findings.
pub fn parse(bytes: &[u8], path: &str, findings: &mut Findings) -> Parsed {
    let mut parsed = Parsed {
        inventory: None,
        spec: None,
        digest_algorithm_name: None,
    };
    let json: Value = match std::str::from_utf8(bytes)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(text).map_err(|e| e.to_string()))
    {
        Ok(json) => json,
        Err(error) => {
            findings.add(OcflCode::E033, path, format!("not UTF-8 JSON: {error}"));
            return parsed;
        }
    };
    let Value::Object(object) = json else {
        findings.add(OcflCode::E033, path, "not a JSON object");
        return parsed;
    };
    let mut check = Checker { path, findings };
    check.unknown_keys(&object, &INVENTORY_KEYS, "the inventory");
    let id = check.id(&object);
    let (inventory_type, spec) = check.inventory_type(&object);
    parsed.spec = spec;
    parsed.digest_algorithm_name = object
        .get("digestAlgorithm")
        .and_then(Value::as_str)
        .map(str::to_string);
    let algorithm = check.digest_algorithm(&object);
    let content_directory = check.content_directory(&object);
    let versions = check.versions(&object);
    let head = check.head(&object, versions.as_ref());
    let manifest = check.digest_map(&object, "manifest", OcflCode::E106, OcflCode::E092);
    let fixity = check.fixity(&object);
    let (Some(algorithm), Some(versions), Some(manifest)) = (algorithm, versions, manifest) else {
        return parsed;
    };
    let inventory = Inventory {
        content_directory,
        digest_algorithm: algorithm,
        fixity,
        head: head.unwrap_or_else(|| versions.keys().last().copied().unwrap_or(VersionNum::FIRST)),
        id: id.unwrap_or_default(),
        manifest,
        inventory_type: inventory_type.unwrap_or_default(),
        versions,
    };
    check.manifest_against_versions(&inventory);
    check.fixity_paths(&inventory);
    parsed.inventory = Some(inventory);
    parsed
}

struct Checker<'a> {
    path: &'a str,
    findings: &'a mut Findings,
}

impl Checker<'_> {
    fn add(&mut self, code: OcflCode, message: impl Into<String>) {
        self.findings.add(code, self.path, message);
    }

    fn unknown_keys(&mut self, object: &Map<String, Value>, known: &[&str], what: &str) {
        for key in object.keys() {
            if !known.contains(&key.as_str()) {
                self.add(
                    OcflCode::E102,
                    format!("{what} has the key `{key}`, which the specification does not define"),
                );
            }
        }
    }

    fn id(&mut self, object: &Map<String, Value>) -> Option<String> {
        match object.get("id") {
            None => self.add(OcflCode::E036, "no `id`"),
            Some(Value::String(id)) if !id.is_empty() => {
                if !is_uri(id) {
                    self.add(OcflCode::W005, format!("`id` `{id}` is not a URI"));
                }
                return Some(id.clone());
            }
            Some(other) => self.add(
                OcflCode::E037,
                format!("`id` must be a non-empty string, not {other}"),
            ),
        }
        None
    }

    fn inventory_type(
        &mut self,
        object: &Map<String, Value>,
    ) -> (Option<String>, Option<SpecVersion>) {
        match object.get("type") {
            None => self.add(OcflCode::E036, "no `type`"),
            Some(Value::String(text)) => {
                let spec = SpecVersion::from_inventory_type(text);
                if spec.is_none() {
                    self.add(
                        OcflCode::E038,
                        format!("`type` `{text}` is not the inventory type of an OCFL version"),
                    );
                }
                return (Some(text.clone()), spec);
            }
            Some(other) => self.add(
                OcflCode::E038,
                format!("`type` must be a string, not {other}"),
            ),
        }
        (None, None)
    }

    fn digest_algorithm(&mut self, object: &Map<String, Value>) -> Option<DigestAlgorithm> {
        let name = match object.get("digestAlgorithm") {
            None => {
                self.add(OcflCode::E036, "no `digestAlgorithm`");
                return None;
            }
            Some(Value::String(name)) => name,
            Some(other) => {
                self.add(
                    OcflCode::E025,
                    format!("`digestAlgorithm` must be a string, not {other}"),
                );
                return None;
            }
        };
        let algorithm = name.parse::<DigestAlgorithm>().ok();
        if !algorithm.is_some_and(DigestAlgorithm::addresses_content) {
            self.add(
                OcflCode::E025,
                format!("`digestAlgorithm` `{name}` is neither sha512 nor sha256"),
            );
        } else if algorithm == Some(DigestAlgorithm::Sha256) {
            self.add(
                OcflCode::W004,
                "`digestAlgorithm` is sha256; sha512 is recommended",
            );
        }
        algorithm
    }

    fn content_directory(&mut self, object: &Map<String, Value>) -> Option<String> {
        match object.get("contentDirectory")? {
            Value::String(name) if name == "." || name == ".." => {
                self.add(OcflCode::E018, format!("`contentDirectory` is `{name}`"));
            }
            Value::String(name) if name.contains('/') => {
                self.add(
                    OcflCode::E017,
                    format!("`contentDirectory` `{name}` contains /"),
                );
            }
            Value::String(name) if name.is_empty() => {
                self.add(OcflCode::E108, "`contentDirectory` is empty");
            }
            Value::String(name) => return Some(name.clone()),
            other => self.add(
                OcflCode::E017,
                format!("`contentDirectory` must be a string, not {other}"),
            ),
        }
        None
    }

    fn versions(&mut self, object: &Map<String, Value>) -> Option<BTreeMap<VersionNum, Version>> {
        let blocks = match object.get("versions") {
            None => {
                self.add(OcflCode::E041, "no `versions`");
                return None;
            }
            Some(Value::Object(blocks)) => blocks,
            Some(other) => {
                self.add(
                    OcflCode::E045,
                    format!("`versions` must be a JSON object, not {other}"),
                );
                return None;
            }
        };
        if blocks.is_empty() {
            self.add(
                OcflCode::E008,
                "`versions` is empty: the object has no version",
            );
        }
        let mut versions = BTreeMap::new();
        for (name, block) in blocks {
            let number = match name.parse::<VersionNum>() {
                Ok(number) => number,
                Err((code, message)) => {
                    self.add(code, format!("`versions`: {message}"));
                    continue;
                }
            };
            if let Some(version) = self.version(name, block) {
                versions.insert(number, version);
            }
        }
        self.version_sequence(&versions);
        Some(versions)
    }

    /// The names of the versions: a sequence from 1 without gaps (E009,
    /// E010), named the same way (E011, E012, E013), unpadded (W001).
    fn version_sequence(&mut self, versions: &BTreeMap<VersionNum, Version>) {
        let numbers: Vec<VersionNum> = versions.keys().copied().collect();
        let Some(first) = numbers.first() else { return };
        if first.number != 1 {
            self.add(
                OcflCode::E009,
                format!("the first version is {first}, not version 1"),
            );
        }
        for pair in numbers.windows(2) {
            if pair[1].number != pair[0].number + 1 {
                self.add(
                    OcflCode::E010,
                    format!("versions skip from {} to {}", pair[0], pair[1]),
                );
            }
        }
        let width = first.padding;
        for number in &numbers[1..] {
            let length = number.to_string().len() - 1;
            if width > 0 && number.padding == 0 && length == width {
                self.add(
                    OcflCode::E011,
                    format!(
                        "{number} is not zero-padded like {first}: zero-padded names must start with v0, so {width} digits end at v{}",
                        "9".repeat(width - 1)
                    ),
                );
                self.add(
                    OcflCode::E013,
                    format!(
                        "{number} does not follow the naming of the earlier versions ({first})"
                    ),
                );
            } else if number.padding != width {
                self.add(
                    OcflCode::E012,
                    format!("{number} and {first} are not named the same way"),
                );
            }
        }
        if width > 0 {
            self.add(
                OcflCode::W001,
                format!("version names are zero-padded ({first}); v1, v2, ... are recommended"),
            );
        }
    }

    fn version(&mut self, name: &str, block: &Value) -> Option<Version> {
        let Value::Object(block) = block else {
            self.add(
                OcflCode::E047,
                format!("version {name} must be a JSON object, not {block}"),
            );
            return None;
        };
        self.unknown_keys(block, &VERSION_KEYS, &format!("version {name}"));
        let created = match block.get("created") {
            None => {
                self.add(OcflCode::E048, format!("version {name} has no `created`"));
                None
            }
            Some(Value::String(created)) if is_rfc3339_to_seconds(created) => Some(created.clone()),
            Some(other) => {
                self.add(
                    OcflCode::E049,
                    format!(
                        "version {name}: `created` {other} is not an RFC 3339 date-time with seconds and a time zone"
                    ),
                );
                None
            }
        };
        let state = match block.get("state") {
            None => {
                self.add(OcflCode::E048, format!("version {name} has no `state`"));
                None
            }
            Some(state) => self.state(name, state),
        };
        let message = match block.get("message") {
            None => None,
            Some(Value::String(message)) => Some(message.clone()),
            Some(other) => {
                self.add(
                    OcflCode::E094,
                    format!("version {name}: `message` must be a string, not {other}"),
                );
                None
            }
        };
        let user = block.get("user").and_then(|user| self.user(name, user));
        let missing: Vec<&str> = ["message", "user"]
            .into_iter()
            .filter(|key| !block.contains_key(*key))
            .collect();
        if !missing.is_empty() {
            self.add(
                OcflCode::W007,
                format!("version {name} has no `{}`", missing.join("` and no `")),
            );
        }
        Some(Version {
            created: created.unwrap_or_default(),
            message,
            state: state.unwrap_or_default(),
            user,
        })
    }

    fn state(&mut self, name: &str, state: &Value) -> Option<DigestMap> {
        let Value::Object(entries) = state else {
            self.add(
                OcflCode::E050,
                format!("version {name}: `state` must be a JSON object of digests, not {state}"),
            );
            return None;
        };
        let mut map = DigestMap::new();
        for (digest, paths) in entries {
            let Some(paths) = string_array(paths) else {
                self.add(
                    OcflCode::E050,
                    format!(
                        "version {name}: the state of {digest} must be an array of logical paths"
                    ),
                );
                continue;
            };
            for path in &paths {
                if let Some((code, message)) = path_problem(path, true) {
                    self.add(code, format!("version {name}: logical path {message}"));
                }
            }
            map.insert(digest.clone(), paths);
        }
        for (path, why) in path_conflicts(map.values().flatten().map(String::as_str)) {
            self.add(
                OcflCode::E095,
                format!("version {name}: logical path `{path}` {why}"),
            );
        }
        Some(map)
    }

    fn user(&mut self, name: &str, user: &Value) -> Option<User> {
        let Value::Object(fields) = user else {
            self.add(
                OcflCode::E054,
                format!("version {name}: `user` must be a JSON object, not {user}"),
            );
            return None;
        };
        self.unknown_keys(fields, &USER_KEYS, &format!("version {name}'s user"));
        let Some(Value::String(user_name)) = fields.get("name") else {
            self.add(
                OcflCode::E054,
                format!("version {name}: `user` has no string `name`"),
            );
            return None;
        };
        let address = match fields.get("address") {
            None => {
                self.add(
                    OcflCode::W008,
                    format!("version {name}: `user` has no `address`"),
                );
                None
            }
            Some(Value::String(address)) => {
                if !is_uri(address) {
                    self.add(
                        OcflCode::W009,
                        format!("version {name}: the user address `{address}` is not a URI"),
                    );
                }
                Some(address.clone())
            }
            Some(other) => {
                self.add(
                    OcflCode::W009,
                    format!("version {name}: the user address {other} is not a URI"),
                );
                None
            }
        };
        Some(User {
            address,
            name: user_name.clone(),
        })
    }

    fn head(
        &mut self,
        object: &Map<String, Value>,
        versions: Option<&BTreeMap<VersionNum, Version>>,
    ) -> Option<VersionNum> {
        let head = match object.get("head") {
            None => {
                self.add(OcflCode::E036, "no `head`");
                return None;
            }
            Some(Value::String(head)) => head,
            Some(other) => {
                self.add(
                    OcflCode::E040,
                    format!("`head` must be a version name, not {other}"),
                );
                return None;
            }
        };
        let Ok(number) = head.parse::<VersionNum>() else {
            self.add(
                OcflCode::E040,
                format!("`head` `{head}` is not a version name"),
            );
            return None;
        };
        let highest = versions.and_then(|versions| versions.keys().last());
        match highest {
            Some(highest) if *highest != number => self.add(
                OcflCode::E040,
                format!("`head` is {head} but the highest version is {highest}"),
            ),
            None if versions.is_some() => self.add(
                OcflCode::E040,
                format!("`head` is {head} but there is no version"),
            ),
            _ => {}
        }
        Some(number)
    }

    /// A manifest-like map (digest → content paths): the manifest, or one
    /// algorithm's fixity block.
    fn digest_map(
        &mut self,
        object: &Map<String, Value>,
        key: &str,
        not_object: OcflCode,
        bad_entry: OcflCode,
    ) -> Option<DigestMap> {
        let entries = match object.get(key) {
            None => {
                self.add(OcflCode::E041, format!("no `{key}`"));
                return None;
            }
            Some(Value::Object(entries)) => entries,
            Some(other) => {
                self.add(
                    not_object,
                    format!("`{key}` must be a JSON object, not {other}"),
                );
                return None;
            }
        };
        self.content_paths(key, entries, bad_entry, OcflCode::E096)
    }

    fn content_paths(
        &mut self,
        what: &str,
        entries: &Map<String, Value>,
        bad_entry: OcflCode,
        duplicate_digest: OcflCode,
    ) -> Option<DigestMap> {
        let mut map = DigestMap::new();
        let mut lowercase = BTreeMap::new();
        for (digest, paths) in entries {
            let Some(paths) = string_array(paths) else {
                self.add(
                    bad_entry,
                    format!("`{what}`: the value of {digest} must be an array of content paths"),
                );
                continue;
            };
            if let Some(other) = lowercase.insert(digest.to_ascii_lowercase(), digest) {
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
            map.insert(digest.clone(), paths);
        }
        // Conflicts matter where content paths name files: the manifest. A
        // path twice in a fixity block is the duplicate digest above.
        if what == "manifest" {
            for (path, why) in path_conflicts(map.values().flatten().map(String::as_str)) {
                self.add(
                    OcflCode::E101,
                    format!("`{what}`: content path `{path}` {why}"),
                );
            }
        }
        Some(map)
    }

    fn fixity(&mut self, object: &Map<String, Value>) -> BTreeMap<String, DigestMap> {
        let mut fixity = BTreeMap::new();
        let blocks = match object.get("fixity") {
            None => return fixity,
            Some(Value::Object(blocks)) => blocks,
            Some(other) => {
                self.add(
                    OcflCode::E111,
                    format!("`fixity` must be a JSON object, not {other}"),
                );
                return fixity;
            }
        };
        for (algorithm, block) in blocks {
            let what = format!("fixity.{algorithm}");
            let Value::Object(entries) = block else {
                self.add(
                    OcflCode::E057,
                    format!("`{what}` must be a JSON object of digests, not {block}"),
                );
                continue;
            };
            if let Some(map) = self.content_paths(&what, entries, OcflCode::E057, OcflCode::E097) {
                fixity.insert(algorithm.clone(), map);
            }
        }
        fixity
    }

    /// Manifest, states and versions agree: every content path in a version
    /// directory's content directory (E042), every state digest in the
    /// manifest exactly (E050), every manifest digest in some state (E107).
    fn manifest_against_versions(&mut self, inventory: &Inventory) {
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
        let mut used = BTreeSet::new();
        for (number, version) in &inventory.versions {
            for digest in version.state.keys() {
                used.insert(digest.as_str());
                if !inventory.manifest.contains_key(digest) {
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
                        format!("version {number}: the state digest {digest} is not in the manifest{hint}"),
                    );
                }
            }
        }
        for digest in inventory.manifest.keys() {
            if !used.contains(digest.as_str()) {
                self.add(
                    OcflCode::E107,
                    format!("the manifest digest {digest} is in the state of no version"),
                );
            }
        }
    }

    /// Fixity content paths must be in the manifest: a fixity digest of a
    /// file the object does not hold can match nothing (E093).
    fn fixity_paths(&mut self, inventory: &Inventory) {
        let manifest_paths: BTreeSet<&str> = inventory
            .manifest
            .values()
            .flatten()
            .map(String::as_str)
            .collect();
        for (algorithm, block) in &inventory.fixity {
            for path in block.values().flatten() {
                if !manifest_paths.contains(path.as_str()) {
                    self.add(
                        OcflCode::E093,
                        format!("`fixity.{algorithm}` gives a digest of `{path}`, which is not in the manifest"),
                    );
                }
            }
        }
    }
}

fn string_array(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_string))
        .collect()
}

/// RFC 3339 `date-time`: a date, `T`, a time to the second (optional
/// fraction) and a time zone (`Z` or an offset).
fn is_rfc3339_to_seconds(text: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DIGEST: &str = "ab";

    fn valid() -> Value {
        json!({
            "id": "urn:x:1",
            "type": "https://ocfl.io/1.1/spec/#inventory",
            "digestAlgorithm": "sha512",
            "head": "v1",
            "manifest": {DIGEST: ["v1/content/a.txt"]},
            "versions": {"v1": {
                "created": "2026-11-25T00:00:00Z",
                "state": {DIGEST: ["a.txt"]},
                "message": "m",
                "user": {"name": "n", "address": "mailto:n@example.org"}
            }}
        })
    }

    fn codes(json: &Value) -> Vec<String> {
        let mut findings = Findings::default();
        parse(json.to_string().as_bytes(), "inventory.json", &mut findings);
        findings.0.iter().map(|f| f.code.to_string()).collect()
    }

    #[test]
    fn a_valid_inventory_has_no_finding() {
        assert_eq!(codes(&valid()), Vec::<String>::new());
        let mut findings = Findings::default();
        let parsed = parse(
            valid().to_string().as_bytes(),
            "inventory.json",
            &mut findings,
        );
        let inventory = parsed.inventory.unwrap();
        assert_eq!(inventory.head, VersionNum::FIRST);
        assert_eq!(parsed.spec, Some(SpecVersion::V1_1));
        assert_eq!(inventory.content_directory(), "content");
    }

    /// Sets (or with `None` removes) the value at a JSON pointer whose
    /// parent exists.
    fn set(json: &mut Value, pointer: &str, value: Option<Value>) {
        if pointer.is_empty() {
            *json = value.unwrap_or(Value::Null);
            return;
        }
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let parent = json.pointer_mut(parent).unwrap().as_object_mut().unwrap();
        match value {
            Some(value) => parent.insert(key.to_string(), value),
            None => parent.remove(key),
        };
    }

    #[test]
    fn each_broken_rule_gives_its_code() {
        let block = valid()["versions"]["v1"].clone();
        let v1 = "/versions/v1";
        let state = "/versions/v1/state/ab";
        let content = "/manifest/ab";
        let cases = [
            ("E033", "", Some(json!([1]))),
            ("E036", "/id", None),
            ("E102", "/extra", Some(json!(1))),
            ("E025", "/digestAlgorithm", Some(json!("md5"))),
            ("W004", "/digestAlgorithm", Some(json!("sha256"))),
            ("W005", "/id", Some(json!("not a uri"))),
            (
                "E038",
                "/type",
                Some(json!("https://ocfl.io/9.9/spec/#inventory")),
            ),
            ("E017", "/contentDirectory", Some(json!("a/b"))),
            ("E018", "/contentDirectory", Some(json!(".."))),
            ("E040", "/head", Some(json!("v2"))),
            ("E041", "/manifest", None),
            ("E106", "/manifest", Some(json!([]))),
            ("E008", "/versions", Some(json!({}))),
            ("E104", "/versions/1", Some(block)),
            ("E049", "/versions/v1/created", Some(json!("2026-11-25"))),
            (
                "E049",
                "/versions/v1/created",
                Some(json!("2026-11-25T00:00Z")),
            ),
            ("E050", "/versions/v1/state", Some(json!({"AB": ["a.txt"]}))),
            ("E107", "/manifest/cd", Some(json!(["v1/content/b.txt"]))),
            ("E096", "/manifest/AB", Some(json!(["v1/content/b.txt"]))),
            (
                "E101",
                content,
                Some(json!(["v1/content/a", "v1/content/a/b"])),
            ),
            ("E100", content, Some(json!(["/v1/content/a.txt"]))),
            ("E099", content, Some(json!(["v1/content//a.txt"]))),
            ("E042", content, Some(json!(["v1/a.txt"]))),
            ("E052", state, Some(json!(["../a.txt"]))),
            ("E053", state, Some(json!(["a.txt/"]))),
            ("E095", state, Some(json!(["a", "a/b"]))),
            ("E094", "/versions/v1/message", Some(json!(1))),
            ("W007", "/versions/v1/user", None),
            (
                "E054",
                "/versions/v1/user",
                Some(json!({"address": "mailto:a@b"})),
            ),
            ("W008", "/versions/v1/user", Some(json!({"name": "n"}))),
            (
                "W009",
                "/versions/v1/user/address",
                Some(json!("1 Main St")),
            ),
            ("E047", v1, Some(json!("a version"))),
            ("E111", "/fixity", Some(json!([]))),
            ("E057", "/fixity", Some(json!({"md5": []}))),
            (
                "E097",
                "/fixity",
                Some(json!({"md5": {"aa": ["v1/content/a.txt"], "AA": ["v1/content/a.txt"]}})),
            ),
            (
                "E093",
                "/fixity",
                Some(json!({"md5": {"aa": ["v1/content/z.txt"]}})),
            ),
        ];
        for (code, pointer, value) in cases {
            let mut json = valid();
            set(&mut json, pointer, value);
            let found = codes(&json);
            assert!(
                found.contains(&code.to_string()),
                "{code}: {found:?} for {json}"
            );
        }
    }

    #[test]
    fn version_names_must_form_one_sequence() {
        let block = valid()["versions"]["v1"].clone();
        let with_versions = |names: &[&str]| {
            let mut json = valid();
            json["versions"] = json!({});
            for name in names {
                json["versions"][*name] = block.clone();
            }
            json["head"] = json!(names.last().unwrap());
            json["manifest"]["ab"] = json!([format!("{}/content/a.txt", names[0])]);
            codes(&json)
        };
        assert_eq!(with_versions(&["v1", "v2", "v3"]), Vec::<String>::new());
        assert!(with_versions(&["v2"]).contains(&"E009".to_string()));
        assert!(with_versions(&["v1", "v3"]).contains(&"E010".to_string()));
        assert!(with_versions(&["v1", "v02"]).contains(&"E012".to_string()));
        let padded = with_versions(&["v01", "v02"]);
        assert_eq!(padded, ["W001"]);
        let overflow = with_versions(&[
            "v01", "v02", "v03", "v04", "v05", "v06", "v07", "v08", "v09", "v10",
        ]);
        assert!(overflow.contains(&"E011".to_string()), "{overflow:?}");
    }
}
