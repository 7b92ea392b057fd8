//! Judging the records of a crate corpack wrote as they stream past, for
//! `verify`: every document must read back as a record (an EDTF date, a
//! known status, a licence, a name for each author, …) and the records
//! must keep the rules of `collection.toml`, as the exports ask before
//! they write anything. The exports take the records read here, kept if
//! asked for ([`Wanted`]); [`super::read_collection`], which reads them
//! whole, gives the same records and finds fault with the same crates (a
//! fuzz target checks both).
//!
//! Only a crate that maps some term into corpack's namespace holds
//! corpack's records: the caller asks for a judgement of those alone
//! ([`super::CrateFiles::corpack_terms`] says which they are).
//!
//! The crate streams past twice. The first time keeps what records are
//! read from: every entity that is not a document, as compact JSON, and
//! the hashes of the `@id`s entities link to by the properties a reader
//! follows ([`HashedIds`]: a document whose id shares a hash with one
//! linked to is kept too, to no harm). The second reads each document as
//! it comes and drops it once the rules have seen it, unless an export
//! keeps it (as compact JSON, past 8 MiB in a temporary file of its own,
//! [`KeptRecords`], which bounds them); the rules keep each record's id
//! and file. A document that another entity links to (one disputing
//! another) is kept too, and a document that links to one that has not
//! come yet waits, as compact JSON, until the end. All that is kept (past
//! its first 8 MiB in a temporary file, [`super::kept_texts`]) counts
//! towards [`MAX_KEPT_BYTES`], past which the records are not judged; the
//! records an export asks for do not count.

use std::cell::Cell;
use std::collections::HashMap;
use std::io::{self, Read};

use serde_json::Value;

use super::elements::{self, Part, StreamedLists};
use super::graph::{has_type, ids, text};
use super::hashed_ids::HashedIds;
use super::id_list::{KeyedIds, KeyedIndex, PayloadFiles};
use super::ids::file_path;
use super::kept_records::{BundleRecords, KeptRecords};
use super::kept_texts::{KeptById, KeptText, MAX_HELD_BYTES};
use super::records::{Entities, Entity, Reader, follows};
use super::stream;
use super::terms::{HELD, METADATA_ID, PAYLOAD_PATH};
use crate::collection::CollectionInfo;
use crate::collection::validate::{RuleError, Rules};

/// What records are read from, and which entities are documents.
pub struct RecordLinks<'f> {
    /// Every entity but documents, as compact JSON by `@id`.
    kept: KeptById,
    /// What entities link to: the documents among them are kept as they
    /// come.
    wanted: HashedIds,
    root: Entity,
    /// The root's `hasPart` and `mentions`: a held document is a `File`
    /// of the first, a catalogued one an entity of the second.
    held: KeyedIndex<'f>,
    catalogued: KeyedIndex<'f>,
    /// The text of `kept`, which counts towards [`MAX_KEPT_BYTES`] with
    /// what the second pass keeps.
    kept_bytes: usize,
}

/// The entities a record is read from: those kept, and the documents
/// linked to that have come so far. `missed` says whether an entity was
/// asked for and not there; `failed`, why one kept could not be read
/// back.
struct Linked<'c> {
    kept: &'c KeptById,
    documents: &'c KeptById,
    missed: Cell<bool>,
    failed: Cell<Option<io::Error>>,
}

impl Entities for Linked<'_> {
    fn entity(&self, id: &str) -> Option<Entity> {
        let json = match self.kept.get(id) {
            Ok(None) => self.documents.get(id),
            kept => kept,
        };
        let json = json.unwrap_or_else(|error| {
            self.failed.set(Some(error));
            None
        });
        let entity = json.and_then(|json| serde_json::from_str(&json).ok());
        self.missed.set(self.missed.get() || entity.is_none());
        entity
    }
}

/// Whether an entity is one a reader takes for a document, if the root
/// lists it.
fn is_document(entity: &Entity) -> bool {
    (has_type(entity, "File") && entity.contains_key("identifier"))
        || entity.get(HELD) == Some(&Value::Bool(false))
}

/// The element in `bytes`, with its `@id`, if it is an object that has
/// one; with its `hasPart` and `mentions` if `lists`.
fn identified(bytes: &[u8], lists: bool) -> Option<(Box<str>, stream::Entity)> {
    let entity = elements::parse_element(bytes, lists)?;
    let id = entity.properties.get("@id")?.as_str()?.into();
    Some((id, entity))
}

/// Whether an entity is kept for records to be read from: all but
/// documents, and any dataset, as the root may be one.
fn is_kept(entity: &Entity) -> bool {
    !is_document(entity) || has_type(entity, "Dataset")
}

/// Why the records of a crate are not judged.
#[derive(Debug, PartialEq, Eq)]
pub enum NotJudged {
    /// It is not one that can be read (the reading that found the crate's
    /// files has said why).
    Unreadable,
    /// What records are read from takes more than [`MAX_KEPT_BYTES`] as
    /// compact JSON: the entities but documents, the documents others
    /// link to, and those waiting for a document that comes later.
    TooLarge,
    /// The temporary file that holds what records are read from failed.
    TempFile(String),
}

impl NotJudged {
    fn temp_file(error: &io::Error) -> NotJudged {
        NotJudged::TempFile(format!(
            "the temporary file that holds what they are read from failed: {error}"
        ))
    }
}

/// The most text of entities the passes keep, past the first 8 MiB in a
/// temporary file: the benchmark's rich-records, each document with
/// people, places, an event and a dispute, has about 1 KB of them a
/// document, so this is about a million such documents; *many-small*, a
/// person and a licence for many documents, has a few KB in all. It bounds
/// what a crate that inflates to gigabytes of entities writes to disk.
#[cfg(not(test))]
pub const MAX_KEPT_BYTES: usize = 1 << 30;
/// In tests, small enough to reach with a few entities.
#[cfg(test)]
pub const MAX_KEPT_BYTES: usize = 64 << 10;

/// What records are read from: the first pass. The root lists the files
/// of `payload`, if given, by their index: a few bytes each rather than
/// their `@id`s.
pub fn record_links<'f>(
    json: impl Read,
    payload: Option<&'f dyn PayloadFiles>,
) -> Result<RecordLinks<'f>, NotJudged> {
    let mut gathering = Gathering::new(payload);
    elements::walk_elements(json, |part| match part {
        Part::Element(bytes) => gathering.element(bytes),
        Part::GraphBegins => gathering = Gathering::new(payload),
        lists => gathering.streamed.take(&lists),
    })
    .map_err(|_| NotJudged::Unreadable)?;
    gathering.keeping.stopped()?;
    let Gathering {
        kept,
        linked,
        mut lists,
        root,
        keeping,
        streamed: _,
    } = gathering;
    let root_id = root.ok_or(NotJudged::Unreadable)?;
    let root = kept
        .get(root_id.as_str())
        .map_err(|error| NotJudged::temp_file(&error))?;
    let root: Entity = root
        .and_then(|json| serde_json::from_str(&json).ok())
        .ok_or(NotJudged::Unreadable)?;
    let [has_part, mentions] = lists
        .remove(root_id.as_str())
        .unwrap_or_else(|| [KeyedIds::new(payload), KeyedIds::new(payload)]);
    // Past 2^31 ids, a list longer than verify keeps.
    if has_part.overflowed() || mentions.overflowed() {
        return Err(NotJudged::TooLarge);
    }
    Ok(RecordLinks {
        kept,
        wanted: linked,
        root,
        held: has_part.into_index(),
        catalogued: mentions.into_index(),
        kept_bytes: keeping.bytes,
    })
}

struct Gathering<'f> {
    /// See [`is_kept`].
    kept: KeptById,
    /// What entities link to by the properties a reader follows.
    linked: HashedIds,
    /// The `hasPart` and `mentions` of entities that have them.
    lists: HashMap<Box<str>, [KeyedIds<'f>; 2]>,
    /// What the metadata descriptor is `about`.
    root: Option<String>,
    /// The text of `kept`, and why it could not keep an entity.
    keeping: Keeping,
    /// The lists of the element being read, as they stream past.
    streamed: StreamedLists<'f>,
}

/// The text a pass has kept, counted towards [`MAX_KEPT_BYTES`], and why a
/// text could not be kept or read back, if one could not: past either,
/// nothing more is kept or judged.
#[derive(Default)]
struct Keeping {
    bytes: usize,
    failed: Option<io::Error>,
}

impl Keeping {
    fn halted(&self) -> bool {
        self.bytes > MAX_KEPT_BYTES || self.failed.is_some()
    }

    /// Why no more is kept, if something stopped it.
    fn stopped(&mut self) -> Result<(), NotJudged> {
        if let Some(error) = self.failed.take() {
            return Err(NotJudged::temp_file(&error));
        }
        if self.halted() {
            return Err(NotJudged::TooLarge);
        }
        Ok(())
    }
}

impl<'f> Gathering<'f> {
    fn new(payload: Option<&'f dyn PayloadFiles>) -> Gathering<'f> {
        Gathering {
            kept: KeptById::default(),
            linked: HashedIds::default(),
            lists: HashMap::new(),
            root: None,
            keeping: Keeping::default(),
            streamed: StreamedLists::new(payload),
        }
    }

    fn element(&mut self, bytes: &[u8]) {
        let read = (!self.keeping.halted())
            .then(|| identified(bytes, true))
            .flatten();
        let lists = self.streamed.end(read.as_ref().map(|(_, entity)| entity));
        let Some((id, entity)) = read else {
            return;
        };
        let properties = entity.properties;
        if &*id == METADATA_ID {
            self.root = match ids(&properties, "about").as_slice() {
                [root] => Some(root.to_string()),
                _ => None,
            };
        }
        for key in properties.keys().filter(|key| follows(key)) {
            for linked in ids(&properties, key) {
                self.linked.insert(linked);
            }
        }
        if lists.iter().any(|list| list.len() > 0) {
            self.lists.insert(id.clone(), lists);
        }
        if is_kept(&properties) {
            let json = Value::Object(properties).to_string();
            self.keeping.bytes += json.len();
            if !self.keeping.halted()
                && let Err(error) = self.kept.insert(&id, &json)
            {
                self.keeping.failed = Some(error);
            }
        }
        if self.keeping.halted() {
            self.kept = KeptById::default();
            self.linked = HashedIds::default();
            self.lists = HashMap::new();
        }
    }
}

/// What the second pass finds.
#[derive(Debug)]
pub struct Judgement {
    /// What is wrong with the records, in `@graph` order, each as a
    /// message naming the document and the field.
    pub broken: Vec<String>,
    /// The collection's description, if it reads.
    pub info: Option<CollectionInfo>,
    /// The documents judged, one for each time the root lists one, as
    /// [`super::read_collection`] reads them (when none is broken, the
    /// records it reads).
    pub documents: usize,
    /// Of the records read, how many have a file the bag holds, if
    /// [`Wanted::stored`] was given.
    pub held: usize,
    /// The records read, when they are asked for, as
    /// [`super::read_collection`] gives them: in file path order. Past
    /// their first 8 MiB they are kept on disk, a few dozen bytes of each
    /// in memory. An error keeping them fails the export that asked for
    /// them, not the judgement.
    pub records: Option<io::Result<BundleRecords>>,
}

/// Where a document's file, by its path under `documents/`, is among a
/// bag's stored files, if the bag holds it.
pub type StoredIndex<'a> = dyn Fn(&str) -> Option<usize> + 'a;

/// What the second pass is asked for beside its judgement.
#[derive(Clone, Copy)]
pub struct Wanted<'a> {
    /// Where a document's file is among the bag's stored files, by its
    /// path under `documents/`, if the bag holds it: given, the records
    /// whose file it holds are counted, and the rules keep which record
    /// first named each by that index rather than by its text. Two paths
    /// must never give one index.
    pub stored: Option<&'a StoredIndex<'a>>,
    /// Whether to keep the records read, for an export, which then does
    /// not read the crate whole.
    pub records: bool,
}

/// The second pass: judges each record as it comes.
pub fn judge_records(
    links: &RecordLinks<'_>,
    json: impl Read,
    wanted: Wanted<'_>,
) -> Result<Judgement, NotJudged> {
    let mut checking = Checking::new(links, wanted);
    let walked = elements::walk_elements(json, |part| match part {
        Part::Element(bytes) => checking.element(bytes),
        // The root's lists, as long as the crate, were read by the first
        // pass: read again here, they were held twice.
        Part::ListBegins(_) | Part::ListItem(..) => {}
        Part::GraphBegins => checking = Checking::new(links, wanted),
    });
    if walked.is_err() {
        return Err(NotJudged::Unreadable);
    }
    checking.keeping.stopped()?;
    for (index, path, kept) in std::mem::take(&mut checking.waiting) {
        let json = checking.documents.text(kept).map(|json| json.into_owned());
        match json {
            Ok(json) => {
                if let Ok(entity) = serde_json::from_str(&json) {
                    checking.judge(index, path, &entity, true, &mut None);
                }
            }
            Err(error) => checking.keeping.failed = Some(error),
        }
    }
    // The root may link to a document, as anything may: it is read last.
    let linked = checking.linked();
    let info = (Reader { graph: &linked }).info(&links.root);
    if let Some(error) = linked.failed.take() {
        checking.keeping.failed = Some(error);
    }
    checking.keeping.stopped()?;
    let mut collection = match &info {
        Ok(info) => Rules::default()
            .collection(info)
            .into_iter()
            .map(|error| Found::Broken {
                record: "the collection".to_string(),
                error,
            })
            .collect(),
        Err(message) => vec![Found::Unread(format!("the root dataset: {message}"))],
    };
    let Checking {
        rules,
        mut found,
        listed,
        count,
        held,
        records,
        ..
    } = checking;
    let lists = [&links.held, &links.catalogued];
    let ids = lists
        .into_iter()
        .flat_map(|list| (0..list.len()).map(|at| list.get(at)));
    for (id, seen) in ids.zip(listed) {
        if !seen {
            collection.push(Found::Unread(format!(
                "{id:?} is referenced but not in the @graph"
            )));
        }
    }
    found.sort_by_key(|(index, _)| *index);
    let broken = collection
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
        .collect();
    let records = records.map(|records| records.map(KeptRecords::finish));
    Ok(Judgement {
        broken,
        info: info.ok(),
        documents: count,
        held,
        records,
    })
}

/// What was found wrong.
enum Found {
    /// A record that does not read.
    Unread(String),
    /// A rule it breaks; `record` names it.
    Broken { record: String, error: RuleError },
}

struct Checking<'l> {
    links: &'l RecordLinks<'l>,
    wanted: Wanted<'l>,
    /// For each position of the root's `hasPart`, then of its `mentions`:
    /// whether the graph has the entity.
    listed: Vec<bool>,
    /// The documents some entity links to, as compact JSON by `@id`, and
    /// the text of those `waiting`.
    documents: KeptById,
    /// Documents that link to one that has not come yet: index, path and
    /// compact JSON.
    waiting: Vec<(usize, Result<String, String>, KeptText)>,
    rules: Rules,
    /// By the index of the document.
    found: Vec<(usize, Found)>,
    /// Documents come so far.
    count: usize,
    /// Of those read, the ones whose file the bag holds.
    held: usize,
    /// The records read, if [`Wanted::records`], or why they could not
    /// all be kept.
    records: Option<io::Result<KeptRecords>>,
    /// The text kept (the first pass's, `documents` and `waiting`), and
    /// why a text could not be kept or read back.
    keeping: Keeping,
}

impl<'l> Checking<'l> {
    fn new(links: &'l RecordLinks<'l>, wanted: Wanted<'l>) -> Checking<'l> {
        Checking {
            links,
            wanted,
            listed: vec![false; links.held.len() + links.catalogued.len()],
            // Held in memory when the temporary file fails: what the
            // first pass left of the bound they share.
            documents: KeptById::with_memory_limit(
                MAX_HELD_BYTES.saturating_sub(links.kept.held()),
            ),
            waiting: Vec::new(),
            rules: Rules::default(),
            found: Vec::new(),
            count: 0,
            held: 0,
            records: wanted.records.then(|| Ok(KeptRecords::default())),
            keeping: Keeping {
                bytes: links.kept_bytes,
                failed: None,
            },
        }
    }

    /// Counts `json`, about to be kept, towards [`MAX_KEPT_BYTES`]; past
    /// it, lets go of what waits and judges no more.
    fn keeps(&mut self, json: &str) -> bool {
        self.keeping.bytes += json.len();
        if self.keeping.halted() {
            self.documents = KeptById::default();
            self.waiting = Vec::new();
        }
        !self.keeping.halted()
    }

    /// The paths in the crate of a document's file, one for each time the
    /// root lists it as a document (a reader reads it each time): in
    /// `hasPart` if it is a `File`, in `mentions` if it is not held.
    fn document_paths(&self, id: &str, entity: &Entity) -> Vec<Result<String, String>> {
        let mut paths = Vec::new();
        if has_type(entity, "File") && entity.contains_key("identifier") {
            let path = file_path(id).map_err(|e| format!("File @id {e}"));
            let times = self.links.held.positions(id).len();
            paths.extend(std::iter::repeat_n(path, times));
        }
        if entity.get(HELD) == Some(&Value::Bool(false)) {
            let path = text(entity, PAYLOAD_PATH)
                .map(str::to_string)
                .ok_or_else(|| format!("catalogued document {id:?}: {id:?} has no {PAYLOAD_PATH}"));
            let times = self.links.catalogued.positions(id).len();
            paths.extend(std::iter::repeat_n(path, times));
        }
        paths
    }

    /// The entities records are read from so far.
    fn linked(&self) -> Linked<'_> {
        Linked {
            kept: &self.links.kept,
            documents: &self.documents,
            missed: Cell::new(false),
            failed: Cell::new(None),
        }
    }

    /// Reads the document at `index` and puts its record to the rules;
    /// one that links to an entity not come yet waits, unless `last`.
    /// `kept` is where the entity's text is kept, if it is: one that waits
    /// is kept once, however many times the root lists it.
    fn judge(
        &mut self,
        index: usize,
        path: Result<String, String>,
        entity: &Entity,
        last: bool,
        kept: &mut Option<KeptText>,
    ) {
        let linked = self.linked();
        let reader = Reader { graph: &linked };
        let read = (path.clone()).and_then(|path| Ok((reader.document(entity, &path)?, path)));
        let missed = linked.missed.get();
        if let Some(error) = linked.failed.take() {
            self.keeping.failed = Some(error);
            return;
        }
        match read {
            Err(_) if missed && !last => {
                if kept.is_none() {
                    let json = Value::Object(entity.clone()).to_string();
                    if !self.keeps(&json) {
                        return;
                    }
                    match self.documents.keep(&json) {
                        Ok(text) => *kept = Some(text),
                        Err(error) => {
                            self.keeping.failed = Some(error);
                            return;
                        }
                    }
                }
                if let Some(text) = *kept {
                    self.waiting.push((index, path, text));
                }
            }
            Ok((document, path)) => {
                let stored = (self.wanted.stored).and_then(|stored| stored(document.file.as_str()));
                self.held += usize::from(stored.is_some());
                for error in self.rules.document_stored(index, &document, stored) {
                    let record =
                        format!("document[{}] (`{}`, data/{path})", index + 1, document.id);
                    self.found.push((index, Found::Broken { record, error }));
                }
                if let Some(Ok(records)) = &mut self.records
                    && let Err(error) = records.push(&document)
                {
                    self.records = Some(Err(error));
                }
            }
            Err(message) => {
                if let Some(identifier) = text(entity, "identifier") {
                    self.rules.unread(identifier);
                }
                self.found.push((index, Found::Unread(message)));
            }
        }
    }

    fn element(&mut self, bytes: &[u8]) {
        if self.keeping.halted() {
            return;
        }
        // The root's lists, as long as the crate, were read by the first
        // pass: read again here, they were held twice.
        let Some((id, entity)) = identified(bytes, false) else {
            return;
        };
        let entity = entity.properties;
        let held = self.links.held.positions(&id);
        let catalogued = self.links.catalogued.positions(&id);
        let after_held = self.links.held.len();
        let positions = held.iter().map(|&at| at as usize);
        for at in positions.chain(catalogued.iter().map(|&at| at as usize + after_held)) {
            self.listed[at] = true;
        }
        if !is_document(&entity) {
            return;
        }
        let paths = self.document_paths(&id, &entity);
        // A document that is kept as an entity too (a dataset) is found
        // there.
        let wanted = if self.links.wanted.may_hold(&id) {
            self.links.kept.contains_key(&id).map(|kept| !kept)
        } else {
            Ok(false)
        };
        let wanted = match wanted {
            Ok(wanted) => wanted,
            Err(error) => {
                self.keeping.failed = Some(error);
                return;
            }
        };
        if paths.is_empty() && !wanted {
            return;
        }
        let mut kept = None;
        if wanted {
            let json = Value::Object(entity.clone()).to_string();
            if !self.keeps(&json) {
                return;
            }
            match self.documents.insert(&id, &json) {
                Ok(text) => kept = Some(text),
                Err(error) => {
                    self.keeping.failed = Some(error);
                    return;
                }
            }
        }
        for path in paths {
            if self.keeping.halted() {
                return;
            }
            let index = self.count;
            self.count += 1;
            self.judge(index, path, &entity, false, &mut kept);
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::collection::{Document, testutil};
    use crate::fuzzing::{PayloadPaths, stored_where};
    use crate::rocrate::metadata_json;
    use crate::rocrate::terms::IS_DISPUTED_BY;
    use crate::rocrate::testutil::sample;

    /// What is wrong with the records of `json`, judged as verify judges
    /// them; `None` if it is not.
    fn broken(json: &str) -> Option<Vec<String>> {
        let read = crate::rocrate::read_files(json.as_bytes(), |file| file.path).ok()?;
        if !read.corpack_terms {
            return None;
        }
        // The payload holds every file described.
        let payload = PayloadPaths::new(read.files);
        let links = record_links(json.as_bytes(), Some(&payload)).ok()?;
        let stored = stored_where(|_| true);
        let judged = judge_records(&links, json.as_bytes(), wanted(&stored, false)).ok()?;
        Some(judged.broken)
    }

    /// The records kept, read back in file path order, as the exports
    /// read them.
    fn by_path(records: Option<io::Result<BundleRecords>>) -> Vec<Document> {
        (records.expect("the records were asked for").unwrap())
            .to_vec()
            .unwrap()
    }

    fn wanted<'a>(stored: &'a StoredIndex<'a>, records: bool) -> Wanted<'a> {
        Wanted {
            stored: Some(stored),
            records,
        }
    }

    /// The judgement reads what the exports take from the records, as
    /// reading them whole does, whatever the order of the graph, and from
    /// the last `@graph` of a crate that has two.
    #[test]
    fn the_records_are_those_read_whole() {
        let holds = |file: &str| file.ends_with(".txt");
        let stored = stored_where(holds);
        let json = edited(|_| {});
        let graph = serde_json::from_str::<Value>(&json).unwrap()["@graph"].to_string();
        let twice = json.replacen('{', &format!("{{\"@graph\": {graph},"), 1);
        for json in [json, edited(|graph| graph.reverse()), twice] {
            let collection = crate::rocrate::read_collection(&json).unwrap();
            let links = record_links(json.as_bytes(), None).unwrap();
            let judged = judge_records(&links, json.as_bytes(), wanted(&stored, true)).unwrap();
            assert_eq!(judged.info.as_ref(), Some(&collection.info));
            assert_eq!(by_path(judged.records), collection.documents);
            assert_eq!(judged.documents, collection.documents.len());
            let held = (collection.documents.iter())
                .filter(|document| holds(document.file.as_str()))
                .count();
            assert!(0 < held && held < judged.documents, "{held}");
            assert_eq!(judged.held, held);
            let counted = judge_records(&links, json.as_bytes(), wanted(&stored, false)).unwrap();
            assert!(counted.records.is_none());
            assert_eq!((counted.documents, counted.held), (judged.documents, held));
        }
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
        let edits: [(&str, Edit); 10] = [
            (
                "\"#document-gone\" is referenced but not in the @graph",
                |graph| {
                    let root = entity(graph, "./");
                    let mentioned = root["mentions"].take();
                    root["mentions"] = json!([mentioned, {"@id": "#document-gone"}]);
                },
            ),
            (
                "duplicate id `plain`: document[3] already uses it",
                |graph| {
                    let parts = entity(graph, "./")["hasPart"].as_array_mut().unwrap();
                    parts.push(json!({"@id": "documents/plain.txt"}));
                },
            ),
            (
                "document \"furr-2014\" (data/documents/furr talk.txt): dateCreated: invalid EDTF \
                 date \"not-a-date\"",
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
            (
                "document[3] (`plain`, data/documents/plain.txt): file: file \"plain.txt\" is \
                 also the file of document[5]",
                |graph| {
                    // Another `@id` for the same file, under another id.
                    let mut again = entity(graph, "documents/plain.txt").clone();
                    again["@id"] = json!("documents/pl%61in.txt");
                    again["identifier"] = json!("plain-again");
                    graph.push(again);
                    let parts = entity(graph, "./")["hasPart"].as_array_mut().unwrap();
                    parts.push(json!({"@id": "documents/pl%61in.txt"}));
                },
            ),
            (
                "is not in Unicode NFC, the form corpack writes every path in",
                |graph| {
                    let catalogued = graph
                        .iter_mut()
                        .find(|e| e.get(PAYLOAD_PATH).is_some())
                        .unwrap();
                    catalogued[PAYLOAD_PATH] = json!("documents/cafe\u{301}.txt");
                },
            ),
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

    /// A file the payload holds that the root lists and the graph does
    /// not describe is named by its `@id`, though the list kept its index.
    #[test]
    fn a_payload_file_listed_and_not_described_is_named_by_its_id() {
        let json = edited(|graph| {
            let parts = entity(graph, "./")["hasPart"].as_array_mut().unwrap();
            parts.push(json!({"@id": "documents/gone%20away.txt"}));
        });
        let payload = PayloadPaths::new(["documents/gone away.txt".to_string()]);
        let links = record_links(json.as_bytes(), Some(&payload)).unwrap();
        let stored = stored_where(|_| true);
        let judged = judge_records(&links, json.as_bytes(), wanted(&stored, false)).unwrap();
        assert_eq!(
            judged.broken,
            ["\"documents/gone%20away.txt\" is referenced but not in the @graph"]
        );
    }

    #[test]
    fn what_records_link_to_is_kept_up_to_a_bound() {
        let grown = |count: usize| {
            edited(|graph| {
                for i in 0..count {
                    graph.push(
                        json!({"@id": format!("#note-{i}"), "description": "x".repeat(1000)}),
                    );
                }
            })
        };
        assert!(record_links(grown(10).as_bytes(), None).is_ok());
        let json = grown(MAX_KEPT_BYTES / 1000);
        assert_eq!(
            record_links(json.as_bytes(), None).err(),
            Some(NotJudged::TooLarge)
        );
    }

    #[test]
    fn documents_waiting_for_a_later_one_are_kept_up_to_the_bound() {
        // Copies of a document, each disputed by one that comes after
        // them all: each waits for it, to the end of the pass.
        let waiting = |count: usize| {
            edited(|graph| {
                let model = entity(graph, "documents/furr%20talk.txt").clone();
                for i in 0..count {
                    let mut copy = model.clone();
                    copy["@id"] = json!(format!("documents/copy-{i}.txt"));
                    copy["identifier"] = json!(format!("copy-{i}"));
                    copy["description"] = json!("x".repeat(1000));
                    copy[IS_DISPUTED_BY] = json!({"@id": "documents/plain.txt"});
                    graph.insert(0, copy);
                    let root = entity(graph, "./");
                    let parts = root["hasPart"].as_array_mut().unwrap();
                    parts.push(json!({"@id": format!("documents/copy-{i}.txt")}));
                }
            })
        };
        let judge = |json: String| {
            let links = record_links(json.as_bytes(), None).unwrap();
            judge_records(
                &links,
                json.as_bytes(),
                wanted(&stored_where(|_| true), false),
            )
        };
        // Past the tests' 1 KiB kept in memory: most wait in the file.
        let judged = judge(waiting(10)).unwrap();
        assert_eq!(judged.broken, Vec::<String>::new());
        let copies = judge(waiting(0)).unwrap().documents;
        assert_eq!(judged.documents, copies + 10);
        assert_eq!(
            judge(waiting(MAX_KEPT_BYTES / 1000)).err(),
            Some(NotJudged::TooLarge)
        );
    }

    /// The root's lists as a reader of the whole element has them, though
    /// they stream past an item at a time: a repeated key's last value
    /// counts, whether it streamed or not, and lists that streamed past an
    /// element without an `@id` go with it.
    #[test]
    fn the_root_s_lists_are_those_of_its_last_keys() {
        let lists = |root: &str| {
            let json = format!(
                r#"{{"@graph": [
                    {{"@id": "ro-crate-metadata.json", "about": {{"@id": "./"}}}},
                    {{"mentions": [{{"@id": "leak"}}], "hasPart": [{{"@id": "leak"}}]}},
                    {{"@id": "./", "@type": "Dataset", {root}}}
                ]}}"#
            );
            // Ids of files the payload holds are kept as their indexes.
            let payload = PayloadPaths::new(["b", "c", "leak"].map(String::from));
            let links = record_links(json.as_bytes(), Some(&payload)).unwrap();
            let ids = |index: &KeyedIndex| -> Vec<String> {
                (0..index.len())
                    .map(|at| index.get(at).into_owned())
                    .collect()
            };
            (ids(&links.held), ids(&links.catalogued))
        };
        let (none, b) = (Vec::<String>::new(), vec!["b".to_string()]);
        let cd = vec!["c".to_string(), "d".to_string()];
        let long: String = (0..40)
            .map(|i| format!(r#"{{"@id": "{i:0>60}"}},"#))
            .collect();
        for (root, held, catalogued) in [
            (
                r#""hasPart": [{"@id": "a"}], "hasPart": {"@id": "b"}"#,
                &b,
                &none,
            ),
            (
                r#""hasPart": {"@id": "a"}, "has\u0050art": [{"@id": "b"}]"#,
                &b,
                &none,
            ),
            (
                r#""hasPart": [{"@id": "a"}], "hasPart": [{"@id": "c"}, {"@id": "d"}]"#,
                &cd,
                &none,
            ),
            (
                r#""hasPart": [{"@id": "a"}], "hasPart": {"name": "x"}"#,
                &none,
                &none,
            ),
            (
                r#""mentions": [{"@id": "a"}], "mentions": "b", "hasPart": [{"@id": "b"}]"#,
                &b,
                &none,
            ),
            (
                r#""mentions": [{"@id": "c"}, 7, [{"@id": "x"}], {"@id": "d"}]"#,
                &none,
                &cd,
            ),
        ] {
            assert_eq!(lists(root), (held.clone(), catalogued.clone()), "{root}");
        }
        let (held, _) = lists(&format!(r#""hasPart": [{}{{"@id": "b"}}]"#, long));
        assert_eq!((held.len(), held.last()), (41, Some(&"b".to_string())));
    }

    /// A document that is a dataset too is kept with the entities, and
    /// found there when another links to it: not kept a second time, which
    /// would count its text twice towards the bound.
    #[test]
    fn a_document_kept_as_an_entity_is_not_kept_again() {
        let json = edited(|graph| {
            let talk = entity(graph, "documents/furr%20talk.txt");
            talk["@type"] = json!(["File", "Dataset"]);
            talk["description"] = json!("x".repeat(MAX_KEPT_BYTES * 3 / 5));
            let plain = entity(graph, "documents/plain.txt");
            plain[IS_DISPUTED_BY] = json!({"@id": "documents/furr%20talk.txt"});
        });
        let links = record_links(json.as_bytes(), None).unwrap();
        let stored = stored_where(|_| true);
        let judged = judge_records(&links, json.as_bytes(), wanted(&stored, false));
        assert!(judged.is_ok(), "{:?}", judged.err());
    }

    /// Documents other documents link to are kept as they come and read
    /// back as later ones are judged: reads from the temporary file come
    /// between writes to it, and the records are those read whole.
    #[test]
    fn documents_linked_to_are_read_back_between_writes() {
        let json = edited(|graph| {
            let model = entity(graph, "documents/plain.txt").clone();
            for i in 0..40 {
                let mut copy = model.clone();
                copy["@id"] = json!(format!("documents/copy-{i}.txt"));
                copy["identifier"] = json!(format!("copy-{i}"));
                copy["description"] = json!("x".repeat(400));
                // Ten back: in the file by the time it is read.
                if i >= 10 {
                    let before = format!("documents/copy-{}.txt", i - 10);
                    copy[IS_DISPUTED_BY] = json!({"@id": before});
                    copy["creativeWorkStatus"] = json!("contested");
                }
                graph.push(copy);
                let root = entity(graph, "./");
                let parts = root["hasPart"].as_array_mut().unwrap();
                parts.push(json!({"@id": format!("documents/copy-{i}.txt")}));
            }
        });
        let collection = crate::rocrate::read_collection(&json).unwrap();
        let links = record_links(json.as_bytes(), None).unwrap();
        let stored = stored_where(|_| true);
        let judged = judge_records(&links, json.as_bytes(), wanted(&stored, true)).unwrap();
        assert_eq!(judged.broken, Vec::<String>::new());
        assert_eq!(by_path(judged.records), collection.documents);
    }

    /// A document that waits for a later one is kept once, however many
    /// times the root lists it: listed 200 times, it is judged, and its
    /// listings are found to repeat its id, where its copies passed the
    /// bound and nothing was judged.
    #[test]
    fn a_document_listed_many_times_waits_once() {
        let json = edited(|graph| {
            let talk = entity(graph, "documents/furr%20talk.txt");
            talk["description"] = json!("x".repeat(1000));
            talk[IS_DISPUTED_BY] = json!({"@id": "documents/plain.txt"});
            let root = entity(graph, "./");
            let parts = root["hasPart"].as_array_mut().unwrap();
            for _ in 0..200 {
                parts.push(json!({"@id": "documents/furr%20talk.txt"}));
            }
            let talk = graph
                .iter()
                .position(|e| e["@id"] == "documents/furr%20talk.txt");
            let plain = graph.iter().position(|e| e["@id"] == "documents/plain.txt");
            assert!(talk < plain, "the talk must come first, to wait");
        });
        let broken = broken(&json).expect("judged");
        assert!(
            broken.iter().any(|found| found.contains("duplicate id")),
            "{broken:#?}"
        );
    }

    #[test]
    fn entities_kept_in_the_temporary_file_give_the_records_read_whole() {
        let json = edited(|graph| {
            for entity in graph.iter_mut() {
                if !is_document(entity.as_object().unwrap()) {
                    entity["disambiguatingDescription"] = json!("x".repeat(1000));
                }
            }
        });
        let collection = crate::rocrate::read_collection(&json).unwrap();
        let links = record_links(json.as_bytes(), None).unwrap();
        assert!(links.kept.on_disk());
        let stored = stored_where(|_| true);
        let judged = judge_records(&links, json.as_bytes(), wanted(&stored, true)).unwrap();
        assert_eq!(judged.info.as_ref(), Some(&collection.info));
        let records = by_path(judged.records);
        assert_eq!(records, collection.documents);
        assert!((records.iter()).any(|document| !document.provenance.authors.is_empty()));
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
