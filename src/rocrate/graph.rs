//! What makes JSON an RO-Crate 1.1 (an object whose `@context` names the
//! 1.1 context, a `@graph` of entities with distinct `@id`s, a metadata
//! descriptor conforming to 1.1 whose `about` is a `Dataset`), shared by
//! the two readers: [`super::read()`] streams the graph, and [`Graph`] keeps
//! it whole, as text, for [`super::read_collection`], which needs every
//! entity.
//! Both say what is wrong with the same [`Invalid`].

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::terms::{METADATA_ID, ROCRATE_CONTEXT, ROCRATE_SPEC};
use crate::checked_json::Checked;

/// Why JSON is not an RO-Crate 1.1, in the order the checks are made: a
/// crate with several faults is judged by the first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Invalid {
    NotAnObject,
    NoContext,
    /// The `@context` does not name RO-Crate 1.1's; `other_version`: it
    /// names another RO-Crate version's (`…/crate/1.2/context`).
    OtherContext {
        other_version: bool,
    },
    NoGraph,
    ElementNotAnObject(usize),
    ElementWithoutId(usize),
    DuplicateId(String),
    NoDescriptor,
    NotConforming(Vec<String>),
    NoSingleAbout,
    RootNotInGraph(String),
    RootNotADataset(String),
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::NotAnObject => f.write_str("not an RO-Crate: the JSON is not an object"),
            Invalid::NoContext => f.write_str("not an RO-Crate: no @context"),
            Invalid::OtherContext { .. } => write!(
                f,
                "not an RO-Crate 1.1: the @context does not name {ROCRATE_CONTEXT} \
                 (nor give a context by value)"
            ),
            Invalid::NoGraph => f.write_str("not an RO-Crate: no @graph array"),
            Invalid::ElementNotAnObject(index) => write!(f, "@graph[{index}] is not an object"),
            Invalid::ElementWithoutId(index) => write!(f, "@graph[{index}] has no @id"),
            Invalid::DuplicateId(id) => write!(f, "@graph has two entities with @id {id:?}"),
            Invalid::NoDescriptor => f.write_str(
                "not an RO-Crate: no metadata descriptor (an entity with @id \"ro-crate-metadata.json\")",
            ),
            Invalid::NotConforming(conforms_to) if conforms_to.is_empty() => write!(
                f,
                "not an RO-Crate 1.1: the metadata descriptor has no conformsTo naming \
                 {{\"@id\": \"{ROCRATE_SPEC}\"}}"
            ),
            Invalid::NotConforming(conforms_to) => write!(
                f,
                "not an RO-Crate 1.1: the metadata descriptor conforms to {conforms_to:?}, \
                 not {ROCRATE_SPEC}"
            ),
            Invalid::NoSingleAbout => f.write_str("the metadata descriptor has no single `about` root"),
            Invalid::RootNotInGraph(id) => write!(f, "the root {id:?} is not in the @graph"),
            Invalid::RootNotADataset(id) => write!(f, "the root {id:?} is not a Dataset"),
        }
    }
}

/// The beginning of every RO-Crate specification's permalink, whatever its
/// version: `https://w3id.org/ro/crate/1.2`, `…/1.2/context`.
const ROCRATE_PERMALINKS: &str = "https://w3id.org/ro/crate/";

impl Invalid {
    /// Whether the JSON is an RO-Crate of another version than 1.1: its
    /// `@context`, or its metadata descriptor's `conformsTo`, names another
    /// version of the specification. Such a crate is not wrong, only not
    /// one corpack reads.
    pub(super) fn is_other_version(&self) -> bool {
        match self {
            Invalid::OtherContext { other_version } => *other_version,
            Invalid::NotConforming(conforms_to) => conforms_to
                .iter()
                .any(|id| id.starts_with(ROCRATE_PERMALINKS)),
            _ => false,
        }
    }
}

impl From<Invalid> for String {
    fn from(invalid: Invalid) -> String {
        invalid.to_string()
    }
}

/// What is wrong with a crate that does not parse, as `serde_json` says;
/// its one limit, 128 levels of nesting, is named as corpack's (RFC 8259
/// §9 lets a reader set one), not as a fault of the JSON.
pub(super) fn not_json(error: &serde_json::Error) -> String {
    let message = error.to_string();
    if message.starts_with("recursion limit exceeded") {
        format!(
            "not read: it nests arrays and objects more than 128 deep, past corpack's limit \
             ({message})"
        )
    } else {
        format!("not JSON: {message}")
    }
}

/// Whether a crate's `@context` (`None`: it has none) may be RO-Crate
/// 1.1's: it names it, or it names no RO-Crate context and gives one by
/// value (an object), which RO-Crate 1.1 allows; the version is then the
/// one the metadata descriptor's `conformsTo` names, which clients are to
/// check "rather than the value of `@context`".
pub(super) fn check_context(context: Option<&Value>) -> Result<(), Invalid> {
    let items = match context.ok_or(Invalid::NoContext)? {
        Value::Array(items) => items.iter().collect(),
        item => vec![item],
    };
    let urls: Vec<&str> = items.iter().filter_map(|item| item.as_str()).collect();
    if urls.contains(&ROCRATE_CONTEXT) {
        return Ok(());
    }
    let other_version = urls
        .iter()
        .any(|url| url.starts_with(ROCRATE_PERMALINKS) && url.ends_with("/context"));
    if !other_version && items.iter().any(|item| item.is_object()) {
        return Ok(());
    }
    Err(Invalid::OtherContext { other_version })
}

/// The `@id` of the root data entity, found through the metadata
/// descriptor (its `conformsTo` and `about` ids; `None`: the graph has
/// none). `is_dataset` says whether the graph has an entity of that `@id`
/// (`None` if not) and whether it is a `Dataset`.
pub(super) fn find_root(
    descriptor: Option<(&[&str], &[&str])>,
    is_dataset: impl FnOnce(&str) -> Option<bool>,
) -> Result<String, Invalid> {
    let (conforms_to, about) = descriptor.ok_or(Invalid::NoDescriptor)?;
    if !conforms_to
        .iter()
        .any(|id| id.trim_end_matches('/') == ROCRATE_SPEC)
    {
        let conforms_to = conforms_to.iter().map(|id| id.to_string()).collect();
        return Err(Invalid::NotConforming(conforms_to));
    }
    let [root_id] = about else {
        return Err(Invalid::NoSingleAbout);
    };
    match is_dataset(root_id) {
        None => Err(Invalid::RootNotInGraph(root_id.to_string())),
        Some(false) => Err(Invalid::RootNotADataset(root_id.to_string())),
        Some(true) => Ok(root_id.to_string()),
    }
}

/// The `@graph` of a crate, its entities found by `@id`. Each is kept as
/// its JSON text and parsed when asked for: a `Value` of a whole graph
/// takes about seven times the memory of its text.
pub(super) struct Graph<'a> {
    by_id: HashMap<String, &'a RawValue>,
}

impl<'a> Graph<'a> {
    /// Reads the JSON of a crate, which must be an object whose
    /// `@context` is RO-Crate 1.1's, with a `@graph` of objects with
    /// distinct `@id`s.
    pub(super) fn parse(json: &'a str) -> Result<Graph<'a>, String> {
        // Checked whole first, so that a crate is judged JSON or not as a
        // `Value` would judge it, and every entity then parses.
        serde_json::from_str::<Checked>(json).map_err(|e| not_json(&e))?;
        let top: HashMap<String, &RawValue> =
            serde_json::from_str(json).map_err(|_| Invalid::NotAnObject)?;
        let context = top.get("@context").map(|raw| parse_checked::<Value>(raw));
        check_context(context.as_ref())?;
        let items: Vec<&RawValue> = top
            .get("@graph")
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .ok_or(Invalid::NoGraph)?;
        let mut by_id = HashMap::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            let EntityId(id) =
                serde_json::from_str(item.get()).map_err(|_| Invalid::ElementNotAnObject(index))?;
            let id = id.ok_or(Invalid::ElementWithoutId(index))?;
            match by_id.entry(id) {
                Entry::Occupied(entry) => {
                    return Err(Invalid::DuplicateId(entry.key().clone()).into());
                }
                Entry::Vacant(entry) => entry.insert(item),
            };
        }
        Ok(Graph { by_id })
    }

    /// The entity of `@id` `id`, parsed.
    pub(super) fn get(&self, id: &str) -> Option<Map<String, Value>> {
        self.by_id.get(id).map(|raw| parse_checked(raw))
    }

    /// The root data entity, found through a metadata descriptor that
    /// conforms to RO-Crate 1.1.
    pub(super) fn root(&self) -> Result<Map<String, Value>, String> {
        let descriptor = self.get(METADATA_ID);
        let descriptor_ids = descriptor
            .as_ref()
            .map(|d| (ids(d, "conformsTo"), ids(d, "about")));
        // Parsed once: the root lists every file, the largest entity.
        let mut root = None;
        find_root(
            descriptor_ids
                .as_ref()
                .map(|(conforms_to, about)| (conforms_to.as_slice(), about.as_slice())),
            |id| {
                let is_dataset = has_type(root.insert(self.get(id)?), "Dataset");
                Some(is_dataset)
            },
        )?;
        Ok(root.expect("find_root found it"))
    }
}

/// Parses a part of a crate [`Graph::parse`] checked as JSON, which cannot
/// fail: the part nests less deeply than the whole did.
fn parse_checked<T: DeserializeOwned>(raw: &RawValue) -> T {
    serde_json::from_str(raw.get()).expect("Graph::parse checked the crate as JSON")
}

/// An entity's `@id` (`None`: it has none, or not as text), read without
/// the rest of it; the last given counts, as in a [`Map`].
struct EntityId(Option<String>);

impl<'de> Deserialize<'de> for EntityId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<EntityId, D::Error> {
        deserializer.deserialize_map(EntityIdVisitor)
    }
}

struct EntityIdVisitor;

impl<'de> Visitor<'de> for EntityIdVisitor {
    type Value = EntityId;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EntityId, A::Error> {
        let mut id = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "@id" {
                id = match map.next_value::<Value>()? {
                    Value::String(text) => Some(text),
                    _ => None,
                };
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(EntityId(id))
    }
}

pub(super) fn entity_id(entity: &Map<String, Value>) -> &str {
    entity["@id"]
        .as_str()
        .expect("Graph::new checked every @id")
}

/// A property's values: none, one, or the items of an array.
pub(super) fn values<'a>(entity: &'a Map<String, Value>, key: &str) -> Vec<&'a Value> {
    match entity.get(key) {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(value) => vec![value],
    }
}

/// The `@id`s a property refers to.
pub(super) fn ids<'a>(entity: &'a Map<String, Value>, key: &str) -> Vec<&'a str> {
    let referenced = values(entity, key).into_iter();
    referenced.filter_map(|v| v.get("@id")?.as_str()).collect()
}

/// A property's first text value.
pub(super) fn text<'a>(entity: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    values(entity, key).into_iter().find_map(Value::as_str)
}

pub(super) fn has_type(entity: &Map<String, Value>, wanted: &str) -> bool {
    values(entity, "@type")
        .into_iter()
        .any(|t| t.as_str() == Some(wanted))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The error `serde_json` gives reading `json` as `T`, if any.
    fn error_as<T: DeserializeOwned>(json: &str) -> Option<String> {
        serde_json::from_str::<T>(json).err().map(|e| e.to_string())
    }

    proptest! {
        /// `Checked` takes what a `Value` takes and refuses the rest with
        /// the same error, on texts near JSON: escapes, surrogates,
        /// numbers out of range, nesting.
        #[test]
        fn checked_judges_json_as_a_value_does(
            pieces in prop::collection::vec(prop::sample::select(vec![
                "[", "]", "{", "}", ",", ":", "\"a\"", "\"\\ud800\"", "\"\\udc00\"",
                "\"\\ud83d\\ude00\"", "\"\\x\"", "\"\\u12\"", "1e400", "-0", "01", "1.5e3",
                "18446744073709551616", "true", "nul", "null", " ", "\"\u{1}\"",
            ]), 0..24)
        ) {
            let json = pieces.concat();
            prop_assert_eq!(error_as::<Checked>(&json), error_as::<Value>(&json), "{}", json);
        }
    }

    /// serde_json reads an object whose first key is its `RawValue`
    /// marker as the JSON in its value: `Checked` does too, so that a
    /// crate holding one is judged as a `Value` judges it and never parsed
    /// as one after it passed (a crate of the first case made the fuzz
    /// target `rocrate_records` panic).
    #[test]
    fn checked_reads_serde_json_s_raw_value_marker_as_a_value_does() {
        let key = "\"$serde_json::private::RawValue\"";
        for json in [
            format!("{{\"@context\": {{{key}: {{}}}}}}"),
            format!("{{{key}: \"{{}}\"}}"),
            format!("{{{key}: \"[1\"}}"),
            format!("{{{key}: \"1\", \"b\": 2}}"),
            format!("{{\"a\": 1, {key}: {{}}}}"),
            format!("[{{{key}: 5}}]"),
        ] {
            assert_eq!(
                error_as::<Checked>(&json),
                error_as::<Value>(&json),
                "{json}"
            );
        }
        let crate_json = format!("{{\"@context\": {{{key}: {{}}}}, \"@graph\": []}}");
        assert!(Graph::parse(&crate_json).is_err());
    }

    #[test]
    fn checked_refuses_what_a_value_refuses_beyond_the_nesting_limit() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let error = error_as::<Checked>(&deep).expect("refused");
        assert_eq!(Some(error.clone()), error_as::<Value>(&deep));
        assert!(error.starts_with("recursion limit exceeded"), "{error}");
    }

    /// A crate whose entity `#bad` is `bad`, referenced by nothing.
    fn crate_with(bad: &str) -> String {
        format!(
            r##"{{"@context": "{ROCRATE_CONTEXT}", "@graph": [
                {{"@id": "{METADATA_ID}", "conformsTo": {{"@id": "{ROCRATE_SPEC}"}},
                  "about": {{"@id": "./"}}}},
                {{"@id": "./", "@type": "Dataset"}},
                {{"@id": "#bad", "name": {bad}}}]}}"##
        )
    }

    #[test]
    fn an_entity_nothing_refers_to_is_checked_as_json_too() {
        let good = crate_with("\"fine\"");
        let graph = Graph::parse(&good).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(graph.get("#bad").unwrap()["name"], "fine");
        assert!(graph.root().is_ok());
        for (bad, said) in [
            ("\"\\ud800\"".to_string(), "not JSON: "),
            ("1e400".to_string(), "not JSON: "),
            (
                format!("{}{}", "[".repeat(130), "]".repeat(130)),
                "not read: it nests arrays and objects more than 128 deep",
            ),
        ] {
            let error = Graph::parse(&crate_with(&bad)).err().expect("refused");
            assert!(error.starts_with(said), "{error}");
        }
    }

    #[test]
    fn a_key_given_twice_counts_as_its_last() {
        let json = crate_with("1").replacen(
            r#""@context""#,
            r#""@graph": 5, "@context": 7, "@context""#,
            1,
        );
        assert!(Graph::parse(&json).is_ok());
        let twice = crate_with("1").replace(r##""@id": "#bad""##, r##""@id": "#x", "@id": "#y""##);
        let graph = Graph::parse(&twice).unwrap();
        assert!(graph.get("#x").is_none());
        assert_eq!(graph.get("#y").unwrap()["@id"], "#y");
    }
}
