//! The `versions` blocks: their names as one sequence, and each version's
//! `created`, `state`, `message` and `user`.

use std::collections::BTreeMap;
use std::io;

use chrono::Timelike;
use serde_json::Value;

use super::long::Members;
use super::object::value;
use super::{Checker, string_array};
use crate::ocfl::code::OcflCode;
use crate::ocfl::inventory::{DigestMap, User, Version, VersionNum, path_conflicts, path_problem};
use crate::ocfl::is_uri;

/// The keys a version block may have (E102).
const VERSION_KEYS: [&str; 4] = ["created", "state", "message", "user"];
/// The keys a user block may have (E102).
const USER_KEYS: [&str; 2] = ["name", "address"];

impl Checker<'_> {
    /// The versions, read from the entries of `versions` a version, and in
    /// each state an entry, at a time; each state takes the digests it
    /// shares with `manifest` from its text.
    pub(super) fn versions(
        &mut self,
        blocks: Option<Result<Members<'_>, Value>>,
        manifest: Option<&DigestMap>,
    ) -> io::Result<Option<BTreeMap<VersionNum, Version>>> {
        let Some(blocks) = blocks else {
            self.add(OcflCode::E041, "no `versions`");
            return Ok(None);
        };
        let Some(blocks) = self.entries(blocks, OcflCode::E045, |other| {
            format!("`versions` must be a JSON object, not {other}")
        }) else {
            return Ok(None);
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
            if let Some(version) = self.version(&name, &block.text()?, manifest) {
                versions.insert(number, version);
            }
        }
        self.version_sequence(&versions);
        Ok(Some(versions))
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

    fn version(&mut self, name: &str, text: &str, manifest: Option<&DigestMap>) -> Option<Version> {
        let block = self.object(text, OcflCode::E047, |block| {
            format!("version {name} must be a JSON object, not {block}")
        })?;
        self.unknown_keys(
            block.keys().map(|key| &**key),
            &VERSION_KEYS,
            &format!("version {name}"),
        );
        let field = |key: &str| block.get(key).map(|raw| value(raw.get()));
        let created = match field("created") {
            None => {
                self.add(OcflCode::E048, format!("version {name} has no `created`"));
                None
            }
            Some(Value::String(created)) if is_rfc3339_to_seconds(&created) => Some(created),
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
            Some(state) => self.state(name, state.get(), manifest),
        };
        let message = match field("message") {
            None => None,
            Some(Value::String(message)) => Some(message),
            Some(other) => {
                self.add(
                    OcflCode::E094,
                    format!("version {name}: `message` must be a string, not {other}"),
                );
                None
            }
        };
        let user = field("user").and_then(|user| self.user(name, &user));
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

    fn state(&mut self, name: &str, text: &str, manifest: Option<&DigestMap>) -> Option<DigestMap> {
        let entries = self.object(text, OcflCode::E050, |state| {
            format!("version {name}: `state` must be a JSON object of digests, not {state}")
        })?;
        let mut map = DigestMap::new();
        for (digest, paths) in entries {
            let Some(paths) = string_array(value(paths.get())) else {
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
            map.insert_sharing(&digest, &paths, manifest);
        }
        for (path, why) in path_conflicts(map.values().flatten()) {
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
        self.unknown_keys(
            fields.keys().map(String::as_str),
            &USER_KEYS,
            &format!("version {name}'s user"),
        );
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
                    OcflCode::E054,
                    format!("version {name}: the user address must be a string, not {other}"),
                );
                None
            }
        };
        Some(User {
            address,
            name: user_name.clone(),
        })
    }
}

/// RFC 3339 `date-time` (§5.6): a date, `T`, a time to the second
/// (optional fraction) and a time zone (`Z` or an offset); `t` and `z` may
/// be lower case. chrono also reads the space that §5.6's note lets
/// applications write, which is not the grammar's, and a leap second at any
/// minute, where §5.7 has it only at 23:59:60 UTC.
fn is_rfc3339_to_seconds(text: &str) -> bool {
    let Ok(datetime) = chrono::DateTime::parse_from_rfc3339(text) else {
        return false;
    };
    let time = datetime.naive_utc().time();
    let leap_second = time.nanosecond() >= 1_000_000_000;
    matches!(text.as_bytes().get(10), Some(b'T' | b't'))
        && (!leap_second || (time.hour(), time.minute()) == (23, 59))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::ocfl::validate::inventory::testutil::{DIGEST, codes, valid};

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
            json["manifest"][DIGEST] = json!([format!("{}/content/a.txt", names[0])]);
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
