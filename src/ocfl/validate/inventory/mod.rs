//! Reading one `inventory.json` and checking it on its own (OCFL 1.1 §3.5):
//! its JSON structure, keys and values, version names, paths, and the
//! agreement of manifest, states and fixity. What needs the object's files
//! or other inventories is checked by the caller.
//!
//! `parse` reads the JSON and builds the inventory; its top object is read
//! by `top`, and its long values, when each is checked, by `long`. The
//! checks of its own fields are in `fields`, of its versions and their
//! states in `versions`, and of its manifest and fixity blocks in
//! `manifest`.

mod fields;
mod long;
mod manifest;
mod object;
#[cfg(test)]
mod testutil;
mod top;
mod versions;

use std::fs::File;
use std::io;

use serde_json::Value;

use self::long::{LongValues, read_again};
use self::top::read_top;
use super::Findings;
use crate::bundle::reader::READ_ALL_LIMIT;
use crate::ocfl::SpecVersion;
use crate::ocfl::code::OcflCode;
use crate::ocfl::digest::{DigestAlgorithm, digest_bytes};
use crate::ocfl::inventory::{Inventory, VersionNum};

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
    /// The inventory's digest with that algorithm, for its sidecar, when
    /// corpack knows the algorithm.
    pub digest: Option<String>,
}

/// Reads and checks the inventory `bytes` found at `path` (relative to the
/// object root), adding findings.
pub fn parse(bytes: Vec<u8>, path: &str, findings: &mut Findings) -> Parsed {
    parse_text(bytes, None, path, findings).expect("held text is not read again")
}

/// The largest inventory read, in bytes: its text is held whole while it
/// is judged JSON, so an object's inventory, which is untrusted input, is
/// held to what corpack reads whole of any file
/// ([`READ_ALL_LIMIT`], 256 MiB: a bag's tag files, its RO-Crate metadata).
/// The inventory of 160,000 files is 95 MB, less than their crate's 120 MB.
pub const INVENTORY_LIMIT: u64 = READ_ALL_LIMIT;

/// Reads and checks the inventory in `file`, found at `path` (relative to
/// the object root), adding findings. Its text is held whole only while it
/// is judged JSON and its top object is read; each long value is then read
/// again from the file when it is checked, so that no more than one is held
/// beside what is read from them (for 160,000 files, a 95 MB inventory
/// and values of 26 to 35 MB). A file that changes meanwhile is an error,
/// and so is one larger than [`INVENTORY_LIMIT`].
pub fn parse_file(file: &File, path: &str, findings: &mut Findings) -> io::Result<Parsed> {
    parse_file_within(file, path, INVENTORY_LIMIT, findings)
}

/// [`parse_file`], reading an inventory of at most `limit` bytes.
fn parse_file_within(
    file: &File,
    path: &str,
    limit: u64,
    findings: &mut Findings,
) -> io::Result<Parsed> {
    let len = file.metadata()?.len();
    if len > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the inventory is {len} bytes, larger than corpack reads ({limit} bytes, \
                 {} MiB): it holds an inventory's text whole while it judges it",
                limit >> 20
            ),
        ));
    }
    let len = usize::try_from(len).map_err(io::Error::other)?;
    let mut bytes = vec![0; len];
    read_again(file, &mut bytes, 0)?;
    parse_text(bytes, Some(file), path, findings)
}

/// [`parse`] of `bytes`, which are the text of `file` if one is given.
fn parse_text(
    bytes: Vec<u8>,
    file: Option<&File>,
    path: &str,
    findings: &mut Findings,
) -> io::Result<Parsed> {
    let mut parsed = Parsed {
        inventory: None,
        spec: None,
        digest_algorithm_name: None,
        digest: None,
    };
    // A number past what a reader holds (`1e400`) is JSON by its grammar,
    // and does not read all the same: "not JSON" would be wrong.
    let top = match std::str::from_utf8(&bytes)
        .map_err(|e| format!("not UTF-8: {e}"))
        .and_then(|text| read_top(text).map_err(|e| format!("does not read as JSON: {e}")))
    {
        Ok(top) => top,
        Err(message) => {
            findings.add(OcflCode::E033, path, message);
            return Ok(parsed);
        }
    };
    let Some((object, long)) = top else {
        findings.add(OcflCode::E033, path, "not a JSON object");
        return Ok(parsed);
    };
    parsed.digest_algorithm_name = object
        .get("digestAlgorithm")
        .and_then(Value::as_str)
        .map(str::to_string);
    parsed.digest = (parsed.digest_algorithm_name.as_deref())
        .and_then(|name| name.parse::<DigestAlgorithm>().ok())
        .map(|algorithm| digest_bytes(algorithm, &bytes));
    let long = LongValues::new(bytes, file, long, "versions");
    let mut check = Checker { path, findings };
    check.unknown_keys(
        (object.keys().map(String::as_str)).chain(long.keys()),
        &INVENTORY_KEYS,
        "the inventory",
    );
    let id = check.id(&object);
    let (inventory_type, spec) = check.inventory_type(&object);
    parsed.spec = spec;
    let algorithm = check.digest_algorithm(&object);
    let content_directory = check.content_directory(&object);
    // The manifest is read before the versions, whose states take their
    // digests from its text, and reported after them.
    let mut manifest_findings = Findings::default();
    let manifest = long.read("manifest", |text| {
        let mut check = Checker {
            path,
            findings: &mut manifest_findings,
        };
        check.digest_map(
            text,
            "manifest",
            parsed.digest_algorithm_name.as_deref(),
            OcflCode::E106,
            OcflCode::E092,
        )
    })?;
    let versions = long.read_members("versions", |blocks| {
        check.versions(blocks, manifest.as_ref())
    })?;
    let head = check.head(&object, versions.as_ref());
    check.findings.0.append(&mut manifest_findings.0);
    let fixity = long.read("fixity", |text| check.fixity(text))?;
    let (Some(algorithm), Some(versions), Some(manifest)) = (algorithm, versions, manifest) else {
        return Ok(parsed);
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
    Ok(parsed)
}

struct Checker<'a> {
    path: &'a str,
    findings: &'a mut Findings,
}

impl Checker<'_> {
    fn add(&mut self, code: OcflCode, message: impl Into<String>) {
        self.findings.add(code, self.path, message);
    }

    /// The object `text` holds; if it holds another value, a finding of
    /// `code` whose message `not_object` makes of that value, and `None`.
    fn object<'t>(
        &mut self,
        text: &'t str,
        code: OcflCode,
        not_object: impl FnOnce(&Value) -> String,
    ) -> Option<object::Object<'t>> {
        self.entries(object::object(text), code, not_object)
    }

    /// The entries of an object as `read`; if it held another value, a
    /// finding of `code` whose message `not_object` makes of that value,
    /// and `None`.
    fn entries<T>(
        &mut self,
        read: Result<T, Value>,
        code: OcflCode,
        not_object: impl FnOnce(&Value) -> String,
    ) -> Option<T> {
        match read {
            Ok(entries) => Some(entries),
            Err(other) => {
                self.add(code, not_object(&other));
                None
            }
        }
    }

    fn unknown_keys<'k>(
        &mut self,
        keys: impl IntoIterator<Item = &'k str>,
        known: &[&str],
        what: &str,
    ) {
        let mut keys: Vec<&str> = keys.into_iter().collect();
        keys.sort();
        for key in keys {
            if !known.contains(&key) {
                self.add(
                    OcflCode::E102,
                    format!("{what} has the key `{key}`, which the specification does not define"),
                );
            }
        }
    }
}

/// The strings of an array of strings, taken from it. Into a list of
/// their own: collected in place, they kept the array's room for four
/// `Value`s, 128 bytes, where one path is usual.
fn string_array(value: Value) -> Option<Vec<String>> {
    let Value::Array(items) = value else {
        return None;
    };
    let mut strings = Vec::with_capacity(items.len());
    for item in items {
        let Value::String(text) = item else {
            return None;
        };
        strings.push(text);
    }
    Some(strings)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::testutil::{DIGEST, codes, valid};
    use super::*;

    /// An inventory past the limit is not read, and the error says how
    /// large it is and what the limit is; one at the limit is read.
    #[test]
    fn an_inventory_past_the_limit_is_not_read() {
        let text = valid().to_string();
        let file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut &file, text.as_bytes()).unwrap();
        let len = text.len() as u64;
        let mut findings = Findings::default();
        let Err(error) = parse_file_within(&file, "inventory.json", len - 1, &mut findings) else {
            panic!("an inventory past the limit was read");
        };
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        let message = error.to_string();
        assert!(
            message.contains(&format!(
                "is {len} bytes, larger than corpack reads ({} bytes",
                len - 1
            )),
            "{message}"
        );
        assert!(findings.0.is_empty());
        let read = parse_file_within(&file, "inventory.json", len, &mut findings).unwrap();
        assert!(read.inventory.is_some(), "{:?}", findings.0);
    }

    /// `CaseSpellings` finds a digest written twice in two cases, and
    /// `DigestMap` takes the entries without sorting them again, only if
    /// an object's keys come sorted.
    #[test]
    fn json_objects_give_their_keys_sorted() {
        let entries = object::object(r#"{"ab": 1, "AB": 2, "Ab": 3}"#).unwrap();
        let keys: Vec<&str> = entries.keys().map(|key| &**key).collect();
        assert_eq!(keys, ["AB", "Ab", "ab"]);
    }

    #[test]
    fn a_list_of_paths_has_the_room_of_its_paths() {
        let paths = string_array(json!(["a", "b", "c"])).unwrap();
        assert_eq!((paths.len(), paths.capacity()), (3, 3));
        assert_eq!(string_array(json!(["a", 1])), None);
        assert_eq!(string_array(json!("a")), None);
    }

    #[test]
    fn a_valid_inventory_has_no_finding() {
        assert_eq!(codes(&valid()), Vec::<String>::new());
        let mut findings = Findings::default();
        let parsed = parse(
            valid().to_string().into_bytes(),
            "inventory.json",
            &mut findings,
        );
        let inventory = parsed.inventory.unwrap();
        assert_eq!(inventory.head, VersionNum::FIRST);
        assert_eq!(parsed.spec, Some(SpecVersion::V1_1));
        assert_eq!(inventory.content_directory(), "content");
    }

    #[test]
    fn json_a_value_does_not_read_is_not_json_wherever_it_is() {
        // A number too large for a `Value`, in a long value and in a short
        // one: the finding is the whole text's, where it is.
        for (key, value) in [("manifest", "{\"a\": [1e400]}"), ("id", "1e400")] {
            let mut json = valid();
            json.as_object_mut().unwrap().remove(key);
            let text = json
                .to_string()
                .replacen('{', &format!("{{\"{key}\": {value}, "), 1);
            let whole = serde_json::from_str::<Value>(&text).unwrap_err();
            let mut findings = Findings::default();
            let parsed = parse(text.into_bytes(), "inventory.json", &mut findings);
            assert!(parsed.inventory.is_none());
            let found: Vec<String> = findings.0.iter().map(|f| f.message.clone()).collect();
            assert_eq!(found, [format!("does not read as JSON: {whole}")]);
        }
    }

    /// serde_json's raw-value marker, which a `Value` reads as the JSON in
    /// its string, is a key like any other in an inventory: an `id` written
    /// as an object of it is no string, and the inventory is JSON whatever
    /// the string holds.
    #[test]
    fn the_raw_value_marker_is_a_key_in_the_top_object() {
        let marker = "$serde_json::private::RawValue";
        for string in ["\"urn:example:x\"", "not JSON"] {
            let mut json = valid();
            json["id"] = json!({marker: string});
            assert_eq!(codes(&json), ["E037"], "{json}");
        }
        let mut json = valid();
        json[marker] = json!("not JSON");
        assert_eq!(codes(&json), ["E102"], "{json}");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_said_to_be_so() {
        let mut text = valid().to_string().into_bytes();
        text.insert(1, 0xff);
        let mut findings = Findings::default();
        assert!(
            parse(text, "inventory.json", &mut findings)
                .inventory
                .is_none()
        );
        let found: Vec<(String, &str)> = (findings.0.iter())
            .map(|f| (f.code.to_string(), f.message.as_str()))
            .collect();
        let [(ref code, message)] = found[..] else {
            panic!("{found:?}");
        };
        assert_eq!(code, "E033");
        assert!(message.starts_with("not UTF-8: invalid utf-8"), "{message}");
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
    fn what_the_specification_allows_has_no_finding() {
        let cases = [
            // RFC 3339 §5.6: `T` and `Z` may be lower case; §5.7: a leap
            // second is 23:59:60 in UTC, whatever the offset.
            ("/versions/v1/created", json!("2026-11-25t00:00:00z")),
            ("/versions/v1/created", json!("2016-12-31T23:59:60Z")),
            ("/versions/v1/created", json!("2017-01-01T05:29:60+05:30")),
            // Fixity algorithms of extension 0009's table, supported or not.
            (
                "/fixity",
                json!({"blake2b-160": {"aa": ["v1/content/a.txt"]}}),
            ),
            ("/fixity", json!({"size": {"0": ["v1/content/a.txt"]}})),
        ];
        for (pointer, value) in cases {
            let mut json = valid();
            set(&mut json, pointer, Some(value));
            assert_eq!(codes(&json), Vec::<String>::new(), "{json}");
        }
    }

    #[test]
    fn each_broken_rule_gives_its_code() {
        let block = valid()["versions"]["v1"].clone();
        let v1 = "/versions/v1";
        let state = &format!("/versions/v1/state/{DIGEST}");
        let content = &format!("/manifest/{DIGEST}");
        let upper = DIGEST.to_ascii_uppercase();
        let other = format!("/manifest/{}", "c".repeat(128));
        let short_manifest_digest = format!("/manifest/{}", "a".repeat(126));
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
            // RFC 3339's grammar has `T` (or `t`) between date and time, not
            // the space its note lets applications read; a leap second is
            // 23:59:60 in UTC.
            (
                "E049",
                "/versions/v1/created",
                Some(json!("2026-11-25 00:00:00Z")),
            ),
            (
                "E049",
                "/versions/v1/created",
                Some(json!("2026-11-25T12:00:60Z")),
            ),
            (
                "E050",
                "/versions/v1/state",
                Some(json!({&upper: ["a.txt"]})),
            ),
            ("E107", &other, Some(json!(["v1/content/b.txt"]))),
            (
                "E096",
                &format!("/manifest/{upper}"),
                Some(json!(["v1/content/b.txt"])),
            ),
            // §3.4: the specification's algorithms are hex-encoded.
            ("E031", "/manifest/zz", Some(json!(["v1/content/b.txt"]))),
            (
                "E029",
                "/fixity",
                Some(json!({"sha1": {"a-b": ["v1/content/a.txt"]}})),
            ),
            // And of their length: 126 hex digits are no SHA-512 digest.
            (
                "E031",
                &short_manifest_digest,
                Some(json!(["v1/content/b.txt"])),
            ),
            (
                "E029",
                "/fixity",
                Some(json!({"sha1": {"a".repeat(39): ["v1/content/a.txt"]}})),
            ),
            (
                "E030",
                "/fixity",
                Some(json!({"sha256": {"a".repeat(63): ["v1/content/a.txt"]}})),
            ),
            (
                "E032",
                "/fixity",
                Some(json!({"blake2b-512": {"a".repeat(130): ["v1/content/a.txt"]}})),
            ),
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
            ("E054", "/versions/v1/user/address", Some(json!(1))),
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
                "E056",
                "/fixity",
                Some(json!({"foo512": {"aa": ["v1/content/a.txt"]}})),
            ),
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
}
