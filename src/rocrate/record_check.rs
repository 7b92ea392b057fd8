//! Judging the records of a crate corpack wrote as they stream past, for
//! `verify`: every document must read back as a record (an EDTF date, a
//! known status, a licence, a name for each author, …) and the records
//! must keep the rules of `collection.toml`, as the exports ask before
//! they write anything ([`super::read_collection`] reads them whole).
//!
//! A crate that does not map some term into corpack's namespace is
//! another tool's, and its entities are not corpack's records: it is not
//! judged.
//!
//! The crate streams past twice. The first time keeps what documents link
//! to: every entity that is not a document, as compact JSON, and the
//! `@id`s of what some entity names as disputing it. The second reads each
//! document as it comes and drops it once the rules have seen it; the rules
//! keep each record's id and file. A document named as disputing another is
//! kept in the few properties that say so, and a document disputed by one
//! that has not come yet waits, as compact JSON, until the end.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use serde_json::Value;

use super::elements::{self, Part};
use super::graph::{has_type, ids, text};
use super::id_list::{IdIndex, IdList};
use super::ids::decode_path;
use super::read::uses_corpack_terms;
use super::records::{Entities, Entity, Reader};
use super::stream::Asked;
use super::terms::{CREDIT_TEXT, HELD, IS_DISPUTED_BY, METADATA_ID, PAYLOAD_PATH};
use crate::collection::validate::{RuleError, Rules};

/// What documents link to, and which entities are documents.
pub struct RecordLinks {
    /// Every entity but documents, as compact JSON by `@id`.
    kept: HashMap<Box<str>, Box<str>>,
    /// What some entity names as disputing it.
    disputing: HashSet<Box<str>>,
    root: Entity,
    /// The root's `hasPart` and `mentions`: a held document is a `File`
    /// of the first, a catalogued one an entity of the second.
    held: IdIndex,
    catalogued: IdIndex,
}

/// The entities a document's record is read from: those kept, and the
/// documents named as disputing others that have come so far.
struct Linked<'c> {
    kept: &'c HashMap<Box<str>, Box<str>>,
    disputing_documents: &'c HashMap<Box<str>, Box<str>>,
}

impl Linked<'_> {
    fn has(&self, id: &str) -> bool {
        self.kept.contains_key(id) || self.disputing_documents.contains_key(id)
    }
}

impl Entities for Linked<'_> {
    fn entity(&self, id: &str) -> Option<Entity> {
        let json = self.kept.get(id).or(self.disputing_documents.get(id))?;
        serde_json::from_str(json).ok()
    }
}

/// The properties of a document that another document's record needs of
/// it when it names it as disputing it.
const DISPUTING_DOCUMENT: &[&str] = &["@id", "@type", "identifier", HELD, CREDIT_TEXT];

/// What says whether an entity is a document, and what it names as
/// disputing it.
const SORTING: &[&str] = &[
    "@id",
    "@type",
    "identifier",
    HELD,
    CREDIT_TEXT,
    IS_DISPUTED_BY,
    "about",
];

/// Whether an entity is one a reader takes for a document, if the root
/// lists it.
fn is_document(entity: &Entity) -> bool {
    (has_type(entity, "File") && entity.contains_key("identifier"))
        || entity.get(HELD) == Some(&Value::Bool(false))
}

/// What records link to: the first pass. `None` when the crate is not
/// corpack's, or not one that can be read (the reading that found the
/// crate's files has said why).
pub fn record_links(json: impl Read) -> Option<RecordLinks> {
    let mut gathering = Gathering::default();
    let context = elements::walk_elements(json, |part| match part {
        Part::Element(bytes) => gathering.element(bytes),
        _ => gathering = Gathering::default(),
    })
    .ok()?;
    if !uses_corpack_terms(context.as_ref()) {
        return None;
    }
    let Gathering {
        kept,
        disputing,
        mut lists,
        root,
    } = gathering;
    let root_id = root?;
    let root: Entity = serde_json::from_str(kept.get(root_id.as_str())?).ok()?;
    let (has_part, mentions) = lists.remove(root_id.as_str()).unwrap_or_default();
    Some(RecordLinks {
        kept,
        disputing,
        root,
        held: has_part.into_index(),
        catalogued: mentions.into_index(),
    })
}

#[derive(Default)]
struct Gathering {
    /// Every entity but documents.
    kept: HashMap<Box<str>, Box<str>>,
    /// What some entity names as disputing it.
    disputing: HashSet<Box<str>>,
    /// The `hasPart` and `mentions` of entities that have them.
    lists: HashMap<Box<str>, (IdList, IdList)>,
    /// What the metadata descriptor is `about`.
    root: Option<String>,
}

impl Gathering {
    fn element(&mut self, bytes: &[u8]) {
        let Some(entity) = elements::parse_element(bytes, Asked::Only(SORTING)) else {
            return;
        };
        let properties = entity.properties;
        let Some(id) = properties.get("@id").and_then(Value::as_str) else {
            return;
        };
        let id: Box<str> = id.into();
        if &*id == METADATA_ID {
            self.root = match ids(&properties, "about").as_slice() {
                [root] => Some(root.to_string()),
                _ => None,
            };
        }
        self.disputing
            .extend(ids(&properties, IS_DISPUTED_BY).into_iter().map(Box::from));
        if entity.has_part.len() + entity.mentions.len() > 0 {
            self.lists
                .insert(id.clone(), (entity.has_part, entity.mentions));
        }
        if !is_document(&properties)
            && let Some(entity) = elements::parse_element(bytes, Asked::Every)
        {
            let json = Value::Object(entity.properties).to_string();
            self.kept.insert(id, json.into());
        }
    }
}

/// The second pass: what is wrong with the records of the crate, in
/// `@graph` order, each as a message naming the document and the field.
pub fn broken_records(links: &RecordLinks, json: impl Read) -> Vec<String> {
    let no_documents = HashMap::new();
    let linked = Linked {
        kept: &links.kept,
        disputing_documents: &no_documents,
    };
    let collection = match (Reader { graph: &linked }).info(&links.root) {
        Ok(info) => Rules::default()
            .collection(&info)
            .into_iter()
            .map(|error| Found::Broken {
                record: "the collection".to_string(),
                error,
            })
            .collect(),
        Err(message) => vec![Found::Unread(format!("the root dataset: {message}"))],
    };
    let mut checking = Checking {
        links,
        disputing_documents: HashMap::new(),
        waiting: Vec::new(),
        rules: Rules::default(),
        found: Vec::new(),
        documents: 0,
    };
    let walked = elements::walk_elements(json, |part| match part {
        Part::Element(bytes) => checking.element(bytes),
        _ => checking.begin(),
    });
    if walked.is_err() {
        return Vec::new();
    }
    for (index, path, json) in std::mem::take(&mut checking.waiting) {
        if let Ok(entity) = serde_json::from_str(&json) {
            checking.judge(index, path, &entity);
        }
    }
    let Checking {
        rules, mut found, ..
    } = checking;
    found.sort_by_key(|(index, _)| *index);
    collection
        .into_iter()
        .chain(found.into_iter().map(|(_, found)| found))
        .filter_map(|found| match found {
            Found::Unread(message) => Some(message),
            Found::Broken { record, error } => rules.stands(&error).then(|| {
                format!(
                    "{record}: {}: {}; documents are numbered in @graph order",
                    error.field, error.message
                )
            }),
        })
        .collect()
}

/// What was found wrong.
enum Found {
    /// A record that does not read.
    Unread(String),
    /// A rule it breaks; `record` names it.
    Broken { record: String, error: RuleError },
}

struct Checking<'l> {
    links: &'l RecordLinks,
    /// The documents named as disputing others, as [`DISPUTING_DOCUMENT`]
    /// keeps them.
    disputing_documents: HashMap<Box<str>, Box<str>>,
    /// Documents disputed by one that has not come yet: index, path and
    /// compact JSON.
    waiting: Vec<(usize, Result<String, String>, String)>,
    rules: Rules,
    /// By the index of the document.
    found: Vec<(usize, Found)>,
    /// Documents come so far.
    documents: usize,
}

impl Checking<'_> {
    /// The path in the crate of a document's file, if the entity is a
    /// document.
    fn document_path(&self, id: &str, entity: &Entity) -> Option<Result<String, String>> {
        if !is_document(entity) {
            None
        } else if self.links.held.position(id).is_some() && has_type(entity, "File") {
            Some(decode_path(id).map_err(|e| format!("File @id {e}")))
        } else if self.links.catalogued.position(id).is_some()
            && entity.get(HELD) == Some(&Value::Bool(false))
        {
            let path = text(entity, PAYLOAD_PATH);
            Some(
                path.map(str::to_string).ok_or_else(|| {
                    format!("catalogued document {id:?}: {id:?} has no {PAYLOAD_PATH}")
                }),
            )
        } else {
            None
        }
    }

    fn linked(&self) -> Linked<'_> {
        Linked {
            kept: &self.links.kept,
            disputing_documents: &self.disputing_documents,
        }
    }

    /// Reads the document at `index` and puts its record to the rules.
    fn judge(&mut self, index: usize, path: Result<String, String>, entity: &Entity) {
        let linked = self.linked();
        let reader = Reader { graph: &linked };
        let read = path.and_then(|path| Ok((reader.document(entity, &path)?, path)));
        match read {
            Ok((document, path)) => {
                let record = format!("document[{}] (`{}`, data/{path})", index + 1, document.id);
                let broken = self.rules.document(index, &document);
                let found = broken.into_iter().map(|error| {
                    let record = record.clone();
                    (index, Found::Broken { record, error })
                });
                self.found.extend(found);
            }
            Err(message) => {
                if let Some(identifier) = text(entity, "identifier") {
                    self.rules.unread(identifier);
                }
                self.found.push((index, Found::Unread(message)));
            }
        }
    }
}

impl Checking<'_> {
    fn begin(&mut self) {
        self.disputing_documents.clear();
        self.waiting.clear();
        self.rules = Rules::default();
        self.found.clear();
        self.documents = 0;
    }

    fn element(&mut self, bytes: &[u8]) {
        let Some(sorted) = elements::parse_element(bytes, Asked::Only(SORTING)) else {
            return;
        };
        let mut sorted = sorted.properties;
        let Some(id) = sorted.get("@id").and_then(Value::as_str) else {
            return;
        };
        let id: Box<str> = id.into();
        if !is_document(&sorted) {
            return;
        }
        if self.links.disputing.contains(&id) {
            sorted.retain(|key, _| DISPUTING_DOCUMENT.contains(&key.as_str()));
            let json = Value::Object(sorted).to_string();
            self.disputing_documents.insert(id.clone(), json.into());
        }
        let Some(entity) = elements::parse_element(bytes, Asked::Every) else {
            return;
        };
        let entity = entity.properties;
        let Some(path) = self.document_path(&id, &entity) else {
            return;
        };
        let index = self.documents;
        self.documents += 1;
        let linked = self.linked();
        if ids(&entity, IS_DISPUTED_BY).iter().all(|id| linked.has(id)) {
            self.judge(index, path, &entity);
        } else {
            let json = Value::Object(entity).to_string();
            self.waiting.push((index, path, json));
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::collection::testutil;
    use crate::rocrate::metadata_json;
    use crate::rocrate::testutil::sample;

    /// What is wrong with the records of `json`; `None` if it is not
    /// judged.
    fn broken(json: &str) -> Option<Vec<String>> {
        let links = record_links(json.as_bytes())?;
        Some(broken_records(&links, json.as_bytes()))
    }

    /// The sample crate, its `@graph` edited.
    fn edited(edit: impl FnOnce(&mut Vec<Value>)) -> String {
        let (info, documents) = sample();
        let json = metadata_json(&info, &documents).unwrap();
        let mut crate_json: Value = serde_json::from_str(&json).unwrap();
        edit(crate_json["@graph"].as_array_mut().unwrap());
        serde_json::to_string_pretty(&crate_json).unwrap()
    }

    fn entity<'g>(graph: &'g mut [Value], id: &str) -> &'g mut Value {
        graph.iter_mut().find(|e| e["@id"] == id).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]

        #[test]
        fn records_corpack_wrote_break_nothing_in_any_order(
            collection in testutil::collection(5),
            reversed in any::<bool>(),
        ) {
            let mut documents = Vec::new();
            for document in &collection.documents {
                documents.push(crate::bundle::PackedDocument {
                    record: std::borrow::Cow::Borrowed(document),
                    held: None,
                    original_name: None,
                });
            }
            let json = metadata_json(&collection.info, &documents).unwrap();
            let mut crate_json: Value = serde_json::from_str(&json).unwrap();
            if reversed {
                crate_json["@graph"].as_array_mut().unwrap().reverse();
            }
            let broken = broken(&crate_json.to_string());
            prop_assert_eq!(broken, Some(Vec::new()));
        }
    }

    #[test]
    fn the_sample_breaks_nothing_whatever_the_order_of_its_graph() {
        assert_eq!(broken(&edited(|_| {})), Some(Vec::new()));
        assert_eq!(broken(&edited(|graph| graph.reverse())), Some(Vec::new()));
    }

    #[test]
    fn what_the_exports_refuse_is_found() {
        type Edit = fn(&mut Vec<Value>);
        let edits: [(&str, Edit); 6] = [
            (
                "document \"furr-2014\": dateCreated: invalid EDTF date \"not-a-date\"",
                |graph| {
                    entity(graph, "documents/furr%20talk.txt")["dateCreated"] = json!("not-a-date")
                },
            ),
            (
                "document[3] (`furr-2014`, data/documents/plain.txt): id: duplicate id `furr-2014`: document[1] already uses it; documents are numbered in @graph order",
                |graph| entity(graph, "documents/plain.txt")["identifier"] = json!("furr-2014"),
            ),
            (
                "no document of the collection has the id `ueberblick`",
                |graph| {
                    let root = entity(graph, "./");
                    let parts = root["hasPart"].as_array_mut().unwrap();
                    parts.retain(|part| part["@id"] != "documents/notes/Überblick.md");
                },
            ),
            ("`plain` is this document's own id", |graph| {
                entity(graph, "documents/plain.txt")[IS_DISPUTED_BY] =
                    json!({"@id": "documents/plain.txt"});
            }),
            ("has no name", |graph| {
                let person = graph.iter_mut().find(|e| e["@type"] == "Person").unwrap();
                person.as_object_mut().unwrap().remove("name");
            }),
            ("the root dataset: \"./\" has no name", |graph| {
                entity(graph, "./").as_object_mut().unwrap().remove("name");
            }),
        ];
        for (message, edit) in edits {
            let json = edited(edit);
            let exported = crate::rocrate::read_collection(&json)
                .map(|collection| crate::collection::validate::rule_errors(&collection));
            assert!(
                exported.is_err() || exported.is_ok_and(|errors| !errors.is_empty()),
                "{message}: the exports take it"
            );
            let broken = broken(&json).unwrap();
            assert!(
                broken.iter().any(|found| found.contains(message)),
                "{message}: {broken:#?}"
            );
        }
    }

    #[test]
    fn a_crate_of_another_tool_is_not_judged() {
        let mut crate_json: Value = serde_json::from_str(&edited(|graph| {
            entity(graph, "documents/furr%20talk.txt")["dateCreated"] = json!("not-a-date");
        }))
        .unwrap();
        crate_json["@context"] = json!("https://w3id.org/ro/crate/1.1/context");
        assert_eq!(broken(&crate_json.to_string()), None);
    }
}
