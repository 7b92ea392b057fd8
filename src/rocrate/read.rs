//! Reading `ro-crate-metadata.json` back, for `show` and `verify`.
//!
//! The reader checks what makes JSON an RO-Crate 1.1 (a `@graph`, the 1.1
//! context, a metadata descriptor conforming to 1.1 whose `about` is a
//! `Dataset`) and summarizes the payload files and the documents. It takes
//! single values and arrays alike, as JSON-LD allows, so it also reads
//! crates corpack did not write; there, files that are not documents are
//! listed as files only.

use std::collections::HashMap;
use std::str::FromStr;

use serde_json::{Map, Value};

use super::document::PEOPLE_PROPERTIES;
use super::ids::decode_path;
use super::terms::{DATE_CREATED_INTERVAL, HELD, METADATA_ID, ROCRATE_CONTEXT, ROCRATE_SPEC};
use crate::collection::values::DocumentPath;
use crate::collection::{Aspect, Status};

/// What an RO-Crate holds and describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrateSummary {
    /// The payload files (`File` entities with a relative `@id`), in graph
    /// order. Web-based files (absolute URLs) and local `#…` ids are not
    /// payload and are left out.
    pub files: Vec<CrateFile>,
    /// The documents: `File`s the root lists in `hasPart` that carry an
    /// `identifier`, then entities the root `mentions` with `held: false`;
    /// each group in graph order.
    pub documents: Vec<DocumentSummary>,
}

/// A payload file as the metadata describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrateFile {
    /// The path relative to the crate root (`data/` in a bag), decoded from
    /// the percent-encoded `@id`; checked to stay inside the crate.
    pub path: String,
    /// The `sha256` property, if any.
    pub sha256: Option<String>,
    /// The `contentSize` property, in bytes, if any.
    pub content_size: Option<u64>,
}

/// One document, held or only catalogued.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct DocumentSummary {
    /// The record id (`identifier`).
    pub id: String,
    /// The title (`name`).
    pub title: Option<String>,
    /// The names of its authors, editors, translators and contributors, in
    /// that order (the record's `provenance.authors`, whatever their role).
    pub authors: Vec<String>,
    /// The date as written, in EDTF (`dateCreated`).
    pub date: Option<String>,
    /// The ISO 8601 interval the date can mean (`dateCreatedInterval`).
    pub date_interval: Option<String>,
    /// The contested status (`creativeWorkStatus`).
    pub status: Option<Status>,
    /// What is disputed (`reviewAspect` of its `review`).
    pub aspects: Vec<Aspect>,
    /// The payload path of its file when it is held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl DocumentSummary {
    /// Whether the document's file is in the crate.
    pub fn is_held(&self) -> bool {
        self.file.is_some()
    }
}

/// Reads the text of an `ro-crate-metadata.json`.
pub fn read(json: &str) -> Result<CrateSummary, String> {
    let crate_json = parse(json)?;
    let graph = Graph::new(&crate_json)?;
    let root = graph.root()?;

    let mut files = Vec::new();
    let mut file_paths = HashMap::new();
    for entity in &graph.entities {
        let id = entity_id(entity);
        if has_type(entity, "File") && !is_absolute(id) && !id.starts_with('#') {
            let file = read_file(entity)?;
            file_paths.insert(id, file.path.clone());
            files.push(file);
        }
    }

    let mut documents = Vec::new();
    // References to entities the graph does not describe name no document.
    for id in ids(root, "hasPart") {
        let Some(entity) = graph.get(id) else {
            continue;
        };
        if let (Some(path), Some(_)) = (file_paths.get(id), text(entity, "identifier")) {
            documents.push(read_document(entity, &graph, Some(path.clone()))?);
        }
    }
    for id in ids(root, "mentions") {
        let Some(entity) = graph.get(id) else {
            continue;
        };
        if entity.get(HELD) == Some(&Value::Bool(false)) {
            documents.push(read_document(entity, &graph, None)?);
        }
    }
    Ok(CrateSummary { files, documents })
}

/// Parses the JSON of a crate and checks that its `@context` is RO-Crate
/// 1.1's.
pub(super) fn parse(json: &str) -> Result<Value, String> {
    let crate_json: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    let top = crate_json
        .as_object()
        .ok_or("not an RO-Crate: the JSON is not an object")?;
    let context = top.get("@context").ok_or("not an RO-Crate: no @context")?;
    let names_rocrate = match context {
        Value::String(url) => url == ROCRATE_CONTEXT,
        Value::Array(items) => items.iter().any(|i| i.as_str() == Some(ROCRATE_CONTEXT)),
        _ => false,
    };
    if !names_rocrate {
        return Err(format!(
            "not an RO-Crate 1.1: the @context does not name {ROCRATE_CONTEXT}"
        ));
    }
    Ok(crate_json)
}

/// The `@graph`, with its entities found by `@id`.
pub(super) struct Graph<'a> {
    pub(super) entities: Vec<&'a Map<String, Value>>,
    by_id: HashMap<&'a str, &'a Map<String, Value>>,
}

impl<'a> Graph<'a> {
    /// The graph of a crate [`parse`] accepted.
    pub(super) fn new(crate_json: &'a Value) -> Result<Graph<'a>, String> {
        let items = crate_json
            .get("@graph")
            .and_then(Value::as_array)
            .ok_or("not an RO-Crate: no @graph array")?;
        let mut graph = Graph {
            entities: Vec::with_capacity(items.len()),
            by_id: HashMap::with_capacity(items.len()),
        };
        for (index, item) in items.iter().enumerate() {
            let entity = item
                .as_object()
                .ok_or_else(|| format!("@graph[{index}] is not an object"))?;
            let Some(id) = entity.get("@id").and_then(Value::as_str) else {
                return Err(format!("@graph[{index}] has no @id"));
            };
            if graph.by_id.insert(id, entity).is_some() {
                return Err(format!("@graph has two entities with @id {id:?}"));
            }
            graph.entities.push(entity);
        }
        Ok(graph)
    }

    pub(super) fn get(&self, id: &str) -> Option<&'a Map<String, Value>> {
        self.by_id.get(id).copied()
    }

    /// The root data entity, found through a metadata descriptor that
    /// conforms to RO-Crate 1.1.
    pub(super) fn root(&self) -> Result<&'a Map<String, Value>, String> {
        let descriptor = self.get(METADATA_ID).ok_or(
            "not an RO-Crate: no metadata descriptor (an entity with @id \"ro-crate-metadata.json\")",
        )?;
        let conforms_to = ids(descriptor, "conformsTo");
        if !conforms_to
            .iter()
            .any(|id| id.trim_end_matches('/') == ROCRATE_SPEC)
        {
            return Err(format!(
                "not an RO-Crate 1.1: the metadata descriptor conforms to {conforms_to:?}, \
                 not {ROCRATE_SPEC}"
            ));
        }
        let root_id = match ids(descriptor, "about").as_slice() {
            [id] => id.to_string(),
            _ => return Err("the metadata descriptor has no single `about` root".into()),
        };
        let root = self
            .get(&root_id)
            .ok_or_else(|| format!("the root {root_id:?} is not in the @graph"))?;
        if !has_type(root, "Dataset") {
            return Err(format!("the root {root_id:?} is not a Dataset"));
        }
        Ok(root)
    }
}

fn read_file(entity: &Map<String, Value>) -> Result<CrateFile, String> {
    let id = entity_id(entity);
    let path = decode_path(id).map_err(|e| format!("File @id {e}"))?;
    DocumentPath::from_str(&path).map_err(|e| format!("File @id {id:?}: {e}"))?;
    let content_size = match entity.get("contentSize") {
        None => None,
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        Some(_) => None,
    };
    if entity.contains_key("contentSize") && content_size.is_none() {
        return Err(format!(
            "File {id:?}: contentSize {} is not a number of bytes",
            entity["contentSize"]
        ));
    }
    Ok(CrateFile {
        path,
        sha256: text(entity, "sha256").map(str::to_string),
        content_size,
    })
}

fn read_document(
    entity: &Map<String, Value>,
    graph: &Graph<'_>,
    file: Option<String>,
) -> Result<DocumentSummary, String> {
    let id = entity_id(entity);
    let in_document = |e: String| format!("document {id:?}: {e}");
    let mut authors = Vec::new();
    for property in PEOPLE_PROPERTIES {
        for value in values(entity, property) {
            let name = match value {
                Value::String(name) => Some(name.as_str()),
                _ => value
                    .get("@id")
                    .and_then(Value::as_str)
                    .and_then(|person| graph.get(person))
                    .and_then(|person| text(person, "name")),
            };
            if let Some(name) = name {
                authors.push(name.to_string());
            }
        }
    }
    let status = text(entity, "creativeWorkStatus")
        .map(|word| Status::from_str(word).map_err(|_| in_document(unknown("status", word))))
        .transpose()?;
    let mut aspects = Vec::new();
    for review in ids(entity, "review")
        .into_iter()
        .filter_map(|r| graph.get(r))
    {
        for word in values(review, "reviewAspect")
            .into_iter()
            .filter_map(Value::as_str)
        {
            let aspect =
                Aspect::from_str(word).map_err(|_| in_document(unknown("aspect", word)))?;
            aspects.push(aspect);
        }
    }
    Ok(DocumentSummary {
        id: text(entity, "identifier")
            .ok_or_else(|| in_document("no identifier".into()))?
            .to_string(),
        title: text(entity, "name").map(str::to_string),
        authors,
        date: text(entity, "dateCreated").map(str::to_string),
        date_interval: text(entity, DATE_CREATED_INTERVAL).map(str::to_string),
        status,
        aspects,
        file,
    })
}

fn unknown(what: &str, word: &str) -> String {
    format!("unknown contested {what} {word:?}")
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

/// Whether an `@id` is an absolute URI (has a scheme), not a payload path.
pub(super) fn is_absolute(id: &str) -> bool {
    match id.split_once(':') {
        Some((scheme, _)) => {
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::rocrate::metadata_json;
    use crate::rocrate::testutil::{HELD_FILES, sample};

    #[test]
    fn reads_what_metadata_json_writes() {
        let (info, documents) = sample();
        let summary = read(&metadata_json(&info, &documents)).unwrap_or_else(|e| panic!("{e}"));

        let paths: Vec<&str> = summary.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "documents/furr talk.txt",
                "documents/notes/Überblick.md",
                "documents/plain.txt"
            ]
        );
        for (file, (_, bytes)) in summary.files.iter().zip(HELD_FILES) {
            assert_eq!(file.content_size, Some(bytes.len() as u64));
            assert_eq!(file.sha256, Some(crate::digest::Digests::of(bytes).sha256));
        }

        let talk = &summary.documents[0];
        assert_eq!(
            *talk,
            DocumentSummary {
                id: "furr-2014".into(),
                title: Some("The Continuing Revolution in Stalin-Era Soviet History".into()),
                authors: vec!["Grover Furr".into(), "Josiah Carberry".into()],
                date: Some("2014-06-20?".into()),
                date_interval: Some("2014-06-20/2014-06-20".into()),
                status: Some(Status::Contested),
                aspects: vec![Aspect::Claims, Aspect::Date],
                file: Some("documents/furr talk.txt".into()),
            }
        );
        let overview = &summary.documents[1];
        assert_eq!(overview.id, "ueberblick");
        assert_eq!(
            overview.authors,
            ["Josiah Carberry", "Erika Editor", "Tom Translator"]
        );
        assert_eq!(overview.status, Some(Status::Uncontested));
        assert!(overview.aspects.is_empty());
        assert_eq!(
            overview.file.as_deref(),
            Some("documents/notes/Überblick.md")
        );
        assert_eq!(summary.documents[2].id, "plain");
        assert_eq!(summary.documents[2].status, Some(Status::Unassessed));

        let letter = &summary.documents[3];
        assert_eq!(letter.id, "lost-letter");
        assert!(!letter.is_held());
        assert_eq!(letter.authors, ["Timothy Snyder", "Ian Interviewer"]);
        assert_eq!(letter.date.as_deref(), Some("2001-24"));
        assert_eq!(summary.documents.len(), 4);
    }

    /// A small crate someone else might write: single values, a numeric
    /// size, a file that is not a document, a web-based file.
    #[test]
    fn reads_single_values_and_foreign_files() {
        let crate_json = json!({
            "@context": "https://w3id.org/ro/crate/1.1/context",
            "@graph": [
                {"@id": "ro-crate-metadata.json", "@type": "CreativeWork",
                 "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"}, "about": {"@id": "./"}},
                {"@id": "./", "@type": ["Dataset"], "hasPart": [
                    {"@id": "a%20b.csv"}, {"@id": "doc.txt"}, {"@id": "https://example.org/x.pdf"},
                    {"@id": "missing.txt"}]},
                {"@id": "a%20b.csv", "@type": "File", "contentSize": 12},
                {"@id": "doc.txt", "@type": ["File", "ScholarlyArticle"], "identifier": "d1",
                 "author": [{"@id": "#p"}, "Plain Name"]},
                {"@id": "#p", "@type": "Person", "name": "P. Erson"},
                {"@id": "https://example.org/x.pdf", "@type": "File"},
            ]
        });
        let summary = read(&crate_json.to_string()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            summary.files,
            [
                CrateFile {
                    path: "a b.csv".into(),
                    sha256: None,
                    content_size: Some(12)
                },
                CrateFile {
                    path: "doc.txt".into(),
                    sha256: None,
                    content_size: None
                },
            ]
        );
        assert_eq!(summary.documents.len(), 1);
        assert_eq!(summary.documents[0].authors, ["P. Erson", "Plain Name"]);
        assert_eq!(summary.documents[0].status, None);
    }

    #[test]
    fn rejects_what_is_not_an_rocrate_1_1() {
        let (info, documents) = sample();
        let good: Value = serde_json::from_str(&metadata_json(&info, &documents)).unwrap();
        let edit = |change: &dyn Fn(&mut Value)| {
            let mut bad = good.clone();
            change(&mut bad);
            bad.to_string()
        };
        let cases: Vec<(String, &str)> = vec![
            ("{".into(), "not JSON"),
            ("[]".into(), "not an object"),
            (
                edit(&|v| drop(v.as_object_mut().unwrap().remove("@graph"))),
                "no @graph",
            ),
            (
                edit(&|v| drop(v.as_object_mut().unwrap().remove("@context"))),
                "no @context",
            ),
            (
                edit(&|v| v["@context"] = json!("https://w3id.org/ro/crate/1.2/context")),
                "does not name https://w3id.org/ro/crate/1.1/context",
            ),
            (
                edit(&|v| v["@graph"][0]["@id"] = json!("other.json")),
                "no metadata descriptor",
            ),
            (
                edit(&|v| {
                    v["@graph"][0]["conformsTo"] = json!({"@id": "https://w3id.org/ro/crate/1.2"})
                }),
                "not an RO-Crate 1.1",
            ),
            (
                edit(&|v| v["@graph"][0]["about"] = json!({"@id": "#nowhere"})),
                "not in the @graph",
            ),
            (
                edit(&|v| v["@graph"][1]["@type"] = json!("CreativeWork")),
                "is not a Dataset",
            ),
            (
                edit(&|v| v["@graph"][3] = v["@graph"][2].clone()),
                "two entities",
            ),
            (
                edit(&|v| drop(v["@graph"][2].as_object_mut().unwrap().remove("@id"))),
                "has no @id",
            ),
            (
                edit(&|v| v["@graph"][2]["@id"] = json!("../../etc/passwd")),
                "unsafe file path",
            ),
            (
                edit(&|v| v["@graph"][2]["contentSize"] = json!("12 kB")),
                "not a number of bytes",
            ),
            (
                edit(&|v| v["@graph"][2]["creativeWorkStatus"] = json!("disputed")),
                "unknown contested status \"disputed\"",
            ),
        ];
        for (json, expected) in cases {
            match read(&json) {
                Ok(_) => panic!("accepted, expected {expected:?}"),
                Err(message) => {
                    assert!(message.contains(expected), "{message:?} lacks {expected:?}")
                }
            }
        }
    }
}
