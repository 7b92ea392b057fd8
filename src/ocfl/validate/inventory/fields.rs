//! The inventory's own fields: `id`, `type`, `digestAlgorithm`,
//! `contentDirectory` and `head`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Checker;
use crate::ocfl::code::OcflCode;
use crate::ocfl::digest::DigestAlgorithm;
use crate::ocfl::inventory::{Version, VersionNum};
use crate::ocfl::{SpecVersion, is_uri};

impl Checker<'_> {
    pub(super) fn id(&mut self, object: &Map<String, Value>) -> Option<String> {
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

    pub(super) fn inventory_type(
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

    pub(super) fn digest_algorithm(
        &mut self,
        object: &Map<String, Value>,
    ) -> Option<DigestAlgorithm> {
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

    pub(super) fn content_directory(&mut self, object: &Map<String, Value>) -> Option<String> {
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

    pub(super) fn head(
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
}
