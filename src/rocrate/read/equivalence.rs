//! The streaming reader against the reader it replaced, which parsed the
//! whole crate into a `Value` first: on crates mutated every way that
//! matters, both give the same summary or the same error.

use std::collections::HashMap;
use std::str::FromStr;

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::super::graph::{Graph, entity_id, has_type, ids, text, values};
use super::documents::{unknown, uses_corpack_terms};
use super::walk::{is_payload_path, read_file};
use super::*;
use crate::rocrate::document::PEOPLE_PROPERTIES;
use crate::rocrate::metadata_json;
use crate::rocrate::terms::{DATE_CREATED_INTERVAL, HELD};
use crate::rocrate::testutil::sample;

/// The reader before it streamed, as it was.
fn read_whole(json: &[u8]) -> Result<CrateSummary, String> {
    let json = std::str::from_utf8(json).map_err(|_| "not UTF-8".to_string())?;
    let graph = Graph::parse(json)?;
    let crate_json: Value = serde_json::from_str(json).expect("Graph::parse checked it");
    let root = graph.root()?;
    let mut files = Vec::new();
    let mut file_paths = HashMap::new();
    for entity in crate_json["@graph"].as_array().unwrap() {
        let entity = entity.as_object().unwrap();
        let id = entity_id(entity);
        if has_type(entity, "File") && is_payload_path(id) {
            let file = read_file(id, entity)?;
            file_paths.insert(id, file.path.clone());
            files.push(file);
        }
    }
    let corpack_terms = uses_corpack_terms(crate_json.get("@context"));
    let mut documents = Vec::new();
    for id in ids(&root, "hasPart") {
        let Some(entity) = graph.get(id) else {
            continue;
        };
        if let (Some(path), Some(_)) = (file_paths.get(id), text(&entity, "identifier")) {
            let file = Some(path.clone());
            documents.push(read_document(&entity, &graph, file, corpack_terms)?);
        }
    }
    for id in ids(&root, "mentions") {
        let Some(entity) = graph.get(id) else {
            continue;
        };
        if entity.get(HELD) == Some(&Value::Bool(false)) {
            documents.push(read_document(&entity, &graph, None, corpack_terms)?);
        }
    }
    Ok(CrateSummary { files, documents })
}

/// A document; without `corpack_terms`, a status or a review's aspect
/// that is not corpack's word is none.
fn read_document(
    entity: &Map<String, Value>,
    graph: &Graph<'_>,
    file: Option<String>,
    corpack_terms: bool,
) -> Result<DocumentSummary, String> {
    let id = entity_id(entity);
    let in_document = |e: String| format!("document {id:?}: {e}");
    let mut authors = Vec::new();
    for property in PEOPLE_PROPERTIES {
        for value in values(entity, property) {
            let name = match value {
                Value::String(name) => Some(name.clone()),
                _ => value
                    .get("@id")
                    .and_then(Value::as_str)
                    .and_then(|person| graph.get(person))
                    .and_then(|person| text(&person, "name").map(str::to_string)),
            };
            authors.extend(name);
        }
    }
    let status = match text(entity, "creativeWorkStatus").map(|w| (w, Status::from_str(w))) {
        Some((word, Err(_))) if corpack_terms => {
            return Err(in_document(unknown("status", word)));
        }
        Some((_, status)) => status.ok(),
        None => None,
    };
    let mut aspects = Vec::new();
    for review in ids(entity, "review")
        .into_iter()
        .filter_map(|r| graph.get(r))
    {
        let mut named = Vec::new();
        for word in values(&review, "reviewAspect")
            .into_iter()
            .filter_map(Value::as_str)
        {
            match Aspect::from_str(word) {
                Ok(aspect) => named.push(aspect),
                Err(_) if corpack_terms => {
                    return Err(in_document(unknown("aspect", word)));
                }
                // A review naming another word names no aspect.
                Err(_) => {
                    named.clear();
                    break;
                }
            }
        }
        aspects.extend(named);
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

/// Checks that both readers, and [`read_files`], agree on `json`.
fn agree(json: &[u8]) -> Result<(), TestCaseError> {
    let whole = read_whole(json).map_err(|e| unplaced(&e));
    let streamed = read(json).map_err(|e| unplaced(&e.to_string()));
    prop_assert_eq!(&streamed, &whole, "{}", String::from_utf8_lossy(json));
    let files = read_files(json, |file| file)
        .map(|read| read.files)
        .map_err(|e| unplaced(&e.to_string()));
    prop_assert_eq!(files, whole.map(|summary| summary.files));
    Ok(())
}

/// The one message that differs: `serde_json` places a number out of
/// range at its last byte in a text, at the byte after it in a stream.
fn unplaced(message: &str) -> String {
    match message.split_once(" at line ") {
        Some((what, _)) if what == "not JSON: number out of range" => what.to_string(),
        _ => message.to_string(),
    }
}

/// One change to a crate's graph, at entity `at` (modulo its length).
#[derive(Clone, Debug)]
enum Change {
    /// Moves an entity to the end (the root, the descriptor, a file).
    ToEnd(usize),
    Swap(usize, usize),
    CopyTo(usize, usize),
    Set(usize, &'static str, Value),
    Remove(usize, &'static str),
    Replace(usize, Value),
    /// Adds a reference from one entity to another's `@id`.
    Refer(usize, &'static str, usize),
    SetTop(&'static str, Value),
}

fn change() -> impl Strategy<Value = Change> {
    let at = 0..32usize;
    let property = prop::sample::select(vec![
        "@id",
        "@type",
        "about",
        "conformsTo",
        "contentSize",
        "creativeWorkStatus",
        "identifier",
        "held",
        "review",
        "reviewAspect",
        "sha256",
        "name",
        "author",
        "hasPart",
        "mentions",
    ]);
    let value = prop::sample::select(vec![
        json!("File"),
        json!(["File", "Dataset"]),
        json!("Dataset"),
        json!(false),
        json!(true),
        json!(12),
        json!("12"),
        json!("12 kB"),
        json!([1, 2]),
        json!(null),
        json!({}),
        json!("disputed"),
        json!("contested"),
        json!(["claims", "bogus"]),
        json!(["date"]),
        json!("../../etc/passwd"),
        json!("a%zz"),
        json!("https://example.org/x"),
        json!("#local"),
        json!("documents/new%20file.txt"),
        json!({"@id": "./"}),
        json!([{"@id": "./"}, {"@id": "#x"}]),
        json!({"@id": "https://w3id.org/ro/crate/1.1/"}),
        json!({"@id": "https://w3id.org/ro/crate/1.2"}),
        json!([{"@id": 5}, "plain", {"@id": "#review-furr-2014"}]),
        json!(["https://w3id.org/ro/crate/1.1/context", {"x": "y"}]),
        json!("https://w3id.org/ro/crate/1.2/context"),
        json!(1e300),
        json!(-3),
    ]);
    // Weighted so that most crates stay crates and get as far as their
    // files and documents.
    prop_oneof![
        3 => at.clone().prop_map(Change::ToEnd),
        2 => (at.clone(), at.clone()).prop_map(|(a, b)| Change::Swap(a, b)),
        1 => (at.clone(), at.clone()).prop_map(|(a, b)| Change::CopyTo(a, b)),
        8 => (at.clone(), property.clone(), value.clone())
            .prop_map(|(a, p, v)| Change::Set(a, p, v)),
        3 => (at.clone(), property).prop_map(|(a, p)| Change::Remove(a, p)),
        1 => (at.clone(), value.clone()).prop_map(|(a, v)| Change::Replace(a, v)),
        4 => (
            at.clone(),
            prop::sample::select(vec!["review", "author", "hasPart", "mentions"]),
            at
        )
            .prop_map(|(a, p, b)| Change::Refer(a, p, b)),
        1 => (prop::sample::select(vec!["@context", "@graph"]), value)
            .prop_map(|(k, v)| Change::SetTop(k, v)),
    ]
}

fn apply(crate_json: &mut Value, change: &Change) {
    let graph = crate_json["@graph"].as_array_mut();
    let Some(graph) = graph.filter(|g| !g.is_empty()) else {
        return;
    };
    let n = graph.len();
    match change {
        Change::ToEnd(a) => {
            let entity = graph.remove(a % n);
            graph.push(entity);
        }
        Change::Swap(a, b) => graph.swap(a % n, b % n),
        Change::CopyTo(a, b) => graph.insert(b % n, graph[a % n].clone()),
        Change::Set(a, key, value) => {
            if let Some(entity) = graph[a % n].as_object_mut() {
                entity.insert(key.to_string(), value.clone());
            }
        }
        Change::Remove(a, key) => {
            if let Some(entity) = graph[a % n].as_object_mut() {
                entity.remove(*key);
            }
        }
        Change::Replace(a, value) => graph[a % n] = value.clone(),
        Change::Refer(a, key, b) => {
            let id = graph[b % n].get("@id").cloned().unwrap_or(json!("#none"));
            if let Some(entity) = graph[a % n].as_object_mut() {
                let mut refs = match entity.remove(*key) {
                    Some(Value::Array(items)) => items,
                    Some(one) => vec![one],
                    None => Vec::new(),
                };
                refs.push(json!({ "@id": id }));
                entity.insert(key.to_string(), Value::Array(refs));
            }
        }
        Change::SetTop(key, value) => crate_json[*key] = value.clone(),
    }
}

/// Changes to the text: cut, a byte that is not UTF-8, keys given
/// twice, a number out of range.
#[derive(Clone, Debug)]
enum Edit {
    None,
    Cut(usize),
    Insert(usize, &'static [u8]),
    GraphAgainFirst,
    GraphAgainLast(&'static str),
}

fn edit() -> impl Strategy<Value = Edit> {
    let bytes: &[&'static [u8]] = &[b"\xff", b"\xc3", b" 1e400 ", b"\\ud800", b"]", b"\""];
    prop_oneof![
        8 => Just(Edit::None),
        1 => (0..100_000usize).prop_map(Edit::Cut),
        1 => (0..100_000usize, prop::sample::select(bytes.to_vec()))
            .prop_map(|(at, b)| Edit::Insert(at, b)),
        1 => Just(Edit::GraphAgainFirst),
        1 => prop::sample::select(vec!["5", "[]", "[{\"@id\": \"x\"}]"])
            .prop_map(Edit::GraphAgainLast),
    ]
}

fn edited(json: String, edit: &Edit) -> Vec<u8> {
    let mut bytes = json.into_bytes();
    match edit {
        Edit::None => {}
        Edit::Cut(at) => bytes.truncate(at % bytes.len()),
        Edit::Insert(at, inserted) => {
            let at = at % bytes.len();
            bytes.splice(at..at, inserted.iter().copied());
        }
        Edit::GraphAgainFirst => {
            bytes.splice(1..1, *b"\"@graph\": [{\"@id\": \"first\"}], ");
        }
        Edit::GraphAgainLast(value) => {
            let end = bytes.len() - 1;
            bytes.splice(end..end, format!(", \"@graph\": {value}").into_bytes());
        }
    }
    bytes
}

fn sample_crate() -> Value {
    let (info, documents) = sample();
    serde_json::from_str(&metadata_json(&info, &documents).unwrap()).unwrap()
}

/// A crate of few entities, so that changes hit documents often.
fn small_crate() -> Value {
    json!({
        "@context": "https://w3id.org/ro/crate/1.1/context",
        "@graph": [
            {"@id": "ro-crate-metadata.json", "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"},
             "about": {"@id": "./"}},
            {"@id": "./", "@type": "Dataset",
             "hasPart": [{"@id": "a.txt"}, {"@id": "b%20c.txt"}, {"@id": "#gone"}],
             "mentions": [{"@id": "#document-d"}]},
            {"@id": "a.txt", "@type": "File", "identifier": "a", "sha256": "00",
             "contentSize": "3", "creativeWorkStatus": "contested",
             "review": {"@id": "#review-a"}, "author": [{"@id": "#p"}, "Plain"]},
            {"@id": "#review-a", "@type": "ClaimReview", "reviewAspect": ["claims", "date"]},
            {"@id": "#p", "@type": "Person", "name": "P. Erson"},
            {"@id": "b%20c.txt", "@type": ["File"], "contentSize": 4},
            {"@id": "#document-d", "@type": "CreativeWork", "held": false, "identifier": "d",
             "name": "D", "dateCreated": "2001"},
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn streams_to_what_the_whole_graph_gives(
        small in any::<bool>(),
        changes in prop::collection::vec(change(), 0..6),
        edit in edit(),
        pretty in any::<bool>(),
    ) {
        let mut crate_json = if small { small_crate() } else { sample_crate() };
        for change in &changes {
            apply(&mut crate_json, change);
        }
        let json = if pretty {
            serde_json::to_string_pretty(&crate_json).unwrap()
        } else {
            crate_json.to_string()
        };
        agree(&edited(json, &edit))?;
    }
}

#[test]
fn agrees_on_json_that_is_not_a_crate() {
    let cases: &[&[u8]] = &[
        b"",
        b" ",
        b"{",
        b"[]",
        b"[1, {\"@graph\": []}]",
        b"\"text\"",
        b"null",
        b"{} {}",
        b"{}\n\n x",
        b"{\"@context\": \"https://w3id.org/ro/crate/1.1/context\", \"@graph\": [1e400]}",
        b"{\"@graph\": [], \"x\": \"\\ud800\"}",
        b"{\"@graph\": [], \"x\": \"\\u00e9\\ud83d\\ude00\"}",
        b"{\"@context\": [\"https://w3id.org/ro/crate/1.1/context\"], \"@graph\": {}}",
        b"{\"x\": \"\xe2\x82\"}",
        b"{\"x\": \"\xe2\x82\xac\"}\xe2",
    ];
    for json in cases {
        agree(json).unwrap();
    }
    let out_of_range = b"{\"@graph\": [1e400]}";
    let placed = |e: String| e.rsplit_once(' ').map(|(_, column)| column.to_string());
    assert_eq!(placed(read_whole(out_of_range).unwrap_err()).unwrap(), "17");
    assert_eq!(
        placed(read(&out_of_range[..]).unwrap_err().to_string()).unwrap(),
        "18"
    );
    let deep = format!(
        "{{\"@graph\": [{{\"x\": {}{}}}]}}",
        "[".repeat(130),
        "]".repeat(130)
    );
    agree(deep.as_bytes()).unwrap();
}
