//! What makes JSON an RO-Crate 1.1 (an object whose `@context` names the
//! 1.1 context, a `@graph` of entities with distinct `@id`s, a metadata
//! descriptor conforming to 1.1 whose `about` is a `Dataset`), shared by
//! the two readers: [`super::read()`] streams the graph, and [`Graph`] holds
//! it whole for [`super::read_collection`], which needs every entity.
//! Both say what is wrong with the same [`Invalid`].

use std::collections::HashMap;
use std::fmt;

use serde_json::{Map, Value};

use super::terms::{METADATA_ID, ROCRATE_CONTEXT, ROCRATE_SPEC};

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
                "not an RO-Crate 1.1: the @context does not name {ROCRATE_CONTEXT}"
            ),
            Invalid::NoGraph => f.write_str("not an RO-Crate: no @graph array"),
            Invalid::ElementNotAnObject(index) => write!(f, "@graph[{index}] is not an object"),
            Invalid::ElementWithoutId(index) => write!(f, "@graph[{index}] has no @id"),
            Invalid::DuplicateId(id) => write!(f, "@graph has two entities with @id {id:?}"),
            Invalid::NoDescriptor => f.write_str(
                "not an RO-Crate: no metadata descriptor (an entity with @id \"ro-crate-metadata.json\")",
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

/// Whether a crate's `@context` (`None`: it has none) names RO-Crate 1.1's.
pub(super) fn check_context(context: Option<&Value>) -> Result<(), Invalid> {
    let urls: Vec<&str> = match context.ok_or(Invalid::NoContext)? {
        Value::String(url) => vec![url],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if urls.contains(&ROCRATE_CONTEXT) {
        return Ok(());
    }
    let other_version = urls
        .iter()
        .any(|url| url.starts_with(ROCRATE_PERMALINKS) && url.ends_with("/context"));
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

/// Parses the JSON of a crate and checks that its `@context` is RO-Crate
/// 1.1's.
pub(super) fn parse(json: &str) -> Result<Value, String> {
    let crate_json: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    let top = crate_json.as_object().ok_or(Invalid::NotAnObject)?;
    check_context(top.get("@context"))?;
    Ok(crate_json)
}

/// The `@graph`, with its entities found by `@id`.
pub(super) struct Graph<'a> {
    by_id: HashMap<&'a str, &'a Map<String, Value>>,
}

impl<'a> Graph<'a> {
    /// The graph of a crate [`parse`] accepted.
    pub(super) fn new(crate_json: &'a Value) -> Result<Graph<'a>, String> {
        let items = crate_json
            .get("@graph")
            .and_then(Value::as_array)
            .ok_or(Invalid::NoGraph)?;
        let mut graph = Graph {
            by_id: HashMap::with_capacity(items.len()),
        };
        for (index, item) in items.iter().enumerate() {
            let entity = item.as_object().ok_or(Invalid::ElementNotAnObject(index))?;
            let Some(id) = entity.get("@id").and_then(Value::as_str) else {
                return Err(Invalid::ElementWithoutId(index).into());
            };
            if graph.by_id.insert(id, entity).is_some() {
                return Err(Invalid::DuplicateId(id.to_string()).into());
            }
        }
        Ok(graph)
    }

    pub(super) fn get(&self, id: &str) -> Option<&'a Map<String, Value>> {
        self.by_id.get(id).copied()
    }

    /// The root data entity, found through a metadata descriptor that
    /// conforms to RO-Crate 1.1.
    pub(super) fn root(&self) -> Result<&'a Map<String, Value>, String> {
        let descriptor = self.get(METADATA_ID);
        let descriptor_ids = descriptor.map(|d| (ids(d, "conformsTo"), ids(d, "about")));
        let root_id = find_root(
            descriptor_ids
                .as_ref()
                .map(|(conforms_to, about)| (conforms_to.as_slice(), about.as_slice())),
            |id| self.get(id).map(|root| has_type(root, "Dataset")),
        )?;
        Ok(self.get(&root_id).expect("find_root found it"))
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
