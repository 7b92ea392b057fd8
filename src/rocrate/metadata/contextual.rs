//! The contextual entities, gathered as documents are described and
//! merged by `@id`.
//!
//! Each entity added is kept as a record (its `@id`, what
//! [`Contextual::add_once`] knew it by, its pretty JSON text), in runs
//! sorted by `@id` of at most [`RUN_BYTES`] each: in an unnamed file when
//! there is a directory for it. The runs are merged at the crate's end,
//! the records of one `@id` merged in the order they came. Memory holds
//! the run being filled, and a buffer per run while they are merged,
//! however many entities there are: a collection of rich records has
//! several per document (its claim, its review, its people), and a table
//! of their ids took 46 MB for 64,000 such documents.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use serde_json::{Map, Value};

use super::json::one_or_many;
use crate::positional::read_exact_at;
use crate::text_table::TextTable;

/// The most record bytes held before they are sorted into a run.
const RUN_BYTES: usize = if cfg!(test) { 100 } else { 8 << 20 };
/// A run's records are written, and read while runs are merged, this much
/// at a time; fewer when there are many runs, so that their buffers take
/// at most [`MERGE_BYTES`] in all, but never under [`MIN_READ_BYTES`].
const READ_BYTES: usize = if cfg!(test) { 16 } else { 64 << 10 };
const MERGE_BYTES: usize = if cfg!(test) { 64 } else { 8 << 20 };
const MIN_READ_BYTES: usize = if cfg!(test) { 4 } else { 4 << 10 };
/// How many kinds and ids one generation of what [`Contextual::add_once`]
/// remembers holds (see [`Remembered`]).
const GENERATION: usize = if cfg!(test) { 2 } else { 1 << 14 };

/// Contextual entities by `@id`: what several documents mention (a person,
/// a place) is described once, two entities with one `@id` merged into one,
/// each written as `serde_json::to_string_pretty` writes it alone.
#[derive(Default)]
pub(crate) struct Contextual {
    /// Records not yet in a run, one after another.
    pending: Vec<u8>,
    /// Where each record of `pending` starts.
    starts: Vec<usize>,
    runs: Runs,
    remembered: Remembered,
}

/// The kinds and ids [`Contextual::add_once`] has added lately, each as the
/// kind, a NUL and the id, so that documents linking to the same few (a
/// licence, a place, a prolific author) make their entity once: in two
/// generations of at most [`GENERATION`], the older let go when the newer
/// is full, what is met again in it kept in the newer. An entity not met
/// for a generation's time is made and kept again, to be left out as the
/// runs are merged; the memory stays bounded however many there are.
#[derive(Default)]
struct Remembered {
    newer: TextTable<()>,
    newer_count: usize,
    older: TextTable<()>,
}

impl Remembered {
    /// Whether `once` was remembered; it is from now on.
    fn remember(&mut self, once: &str) -> bool {
        if self.newer.get(once).is_some() {
            return true;
        }
        let known = self.older.get(once).is_some();
        if self.newer_count == GENERATION {
            self.older = std::mem::take(&mut self.newer);
            self.newer_count = 0;
        }
        self.newer.get_or_insert(once, || ());
        self.newer_count += 1;
        known
    }
}

/// The sorted runs, one after another, and where each is.
#[derive(Default)]
struct Runs {
    store: Store,
    bounds: Vec<(u64, u64)>,
    /// The first error met writing or reading the file, which
    /// [`Contextual::write_each`] returns.
    error: Option<io::Error>,
}

enum Store {
    Memory(Vec<u8>),
    /// The file and its length.
    File(File, u64),
}

impl Default for Store {
    fn default() -> Store {
        Store::Memory(Vec::new())
    }
}

impl Store {
    fn len(&self) -> u64 {
        match self {
            Store::Memory(bytes) => bytes.len() as u64,
            Store::File(_, len) => *len,
        }
    }

    fn append<'a>(&mut self, pieces: impl Iterator<Item = &'a [u8]>) -> io::Result<()> {
        match self {
            Store::Memory(kept) => pieces.for_each(|piece| kept.extend_from_slice(piece)),
            Store::File(file, len) => {
                let mut writer = io::BufWriter::with_capacity(READ_BYTES, &*file);
                for piece in pieces {
                    writer.write_all(piece)?;
                    *len += piece.len() as u64;
                }
                writer.flush()?;
            }
        }
        Ok(())
    }

    fn read_at(&self, buffer: &mut [u8], at: u64) -> io::Result<()> {
        match self {
            Store::Memory(kept) => {
                let at = usize::try_from(at).map_err(io::Error::other)?;
                let bytes = kept.get(at..at + buffer.len());
                buffer.copy_from_slice(bytes.ok_or(io::ErrorKind::UnexpectedEof)?);
                Ok(())
            }
            Store::File(file, _) => read_exact_at(file, buffer, at),
        }
    }
}

/// One record: an entity's `@id`, the kind and id it was added once by
/// (empty if it was not), and its text.
struct Record {
    id: String,
    once: String,
    text: String,
}

/// The length of a record's header: three lengths.
const HEADER: usize = 12;

fn encode(into: &mut Vec<u8>, id: &str, once: &str, text: &str) {
    for part in [id, once, text] {
        let len = u32::try_from(part.len()).expect("an entity's text under 4 GiB");
        into.extend_from_slice(&len.to_le_bytes());
    }
    for part in [id, once, text] {
        into.extend_from_slice(part.as_bytes());
    }
}

/// The lengths in a record's header.
fn lengths(header: &[u8]) -> [usize; 3] {
    let len = |at: usize| {
        let bytes: [u8; 4] = header[at..at + 4].try_into().expect("four bytes");
        u32::from_le_bytes(bytes) as usize
    };
    [len(0), len(4), len(8)]
}

/// Where a run is read from while runs are merged.
struct Cursor {
    at: u64,
    end: u64,
    /// How much is read at a time.
    read_bytes: usize,
    buffer: Vec<u8>,
    /// Where `buffer` starts in the store.
    buffer_at: u64,
}

impl Cursor {
    fn new((start, len): (u64, u64), read_bytes: usize) -> Cursor {
        Cursor {
            at: start,
            end: start + len,
            read_bytes,
            buffer: Vec::new(),
            buffer_at: start,
        }
    }

    /// The next `len` bytes of the run.
    fn take(&mut self, store: &Store, len: usize) -> io::Result<&[u8]> {
        // `at` never goes back before `buffer_at`.
        let from = (self.at - self.buffer_at) as usize;
        if from + len > self.buffer.len() {
            let want = (len.max(self.read_bytes) as u64).min(self.end - self.at);
            if (want as usize) < len {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            self.buffer.resize(want as usize, 0);
            store.read_at(&mut self.buffer, self.at)?;
            self.buffer_at = self.at;
        }
        let from = (self.at - self.buffer_at) as usize;
        self.at += len as u64;
        Ok(&self.buffer[from..from + len])
    }

    fn next(&mut self, store: &Store) -> io::Result<Option<Record>> {
        if self.at == self.end {
            return Ok(None);
        }
        let [id, once, text] = lengths(self.take(store, HEADER)?);
        let body = self.take(store, id + once + text)?;
        let part = |bytes: &[u8]| {
            String::from_utf8(bytes.to_vec())
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
        };
        Ok(Some(Record {
            id: part(&body[..id])?,
            once: part(&body[id..id + once])?,
            text: part(&body[id + once..])?,
        }))
    }
}

impl Contextual {
    /// Contextual entities whose runs wait in an unnamed file in `dir`.
    pub(crate) fn spilled_in(dir: &Path) -> io::Result<Contextual> {
        Ok(Contextual {
            runs: Runs {
                store: Store::File(tempfile::tempfile_in(dir)?, 0),
                ..Runs::default()
            },
            ..Contextual::default()
        })
    }

    /// Adds the entity `make` makes, once per `kind` and `id`: for an entity
    /// that is a function of its kind and id (a person, a place, a work),
    /// a second copy is left out, and not even made if this remembers the
    /// first.
    pub(crate) fn add_once(
        &mut self,
        kind: &'static str,
        id: &str,
        make: impl FnOnce() -> Map<String, Value>,
    ) {
        let once = format!("{kind}\0{id}");
        if !self.remembered.remember(&once) {
            self.push(&make(), &once);
        }
    }

    /// Adds an entity, to be merged into any with the same `@id`: a
    /// property given different values (an event held at two venues)
    /// keeps them all, in the order met.
    pub(crate) fn add(&mut self, entity: Map<String, Value>) {
        self.push(&entity, "");
    }

    /// Keeps `entity`, added once as `once` if that is not empty.
    fn push(&mut self, entity: &Map<String, Value>, once: &str) {
        let id = entity["@id"].as_str().expect("entities have an @id");
        self.starts.push(self.pending.len());
        encode(&mut self.pending, id, once, &pretty(entity));
        if self.pending.len() >= RUN_BYTES {
            self.end_run();
        }
    }

    /// Sorts the pending records by `@id`, keeping the order of those of
    /// one, into a run.
    fn end_run(&mut self) {
        if self.starts.is_empty() {
            return;
        }
        let pending = &self.pending;
        let id = |start: usize| {
            let [len, ..] = lengths(&pending[start..start + HEADER]);
            &pending[start + HEADER..start + HEADER + len]
        };
        self.starts.sort_by_key(|&start| id(start));
        let whole = |start: usize| {
            let [id, once, text] = lengths(&pending[start..start + HEADER]);
            &pending[start..start + HEADER + id + once + text]
        };
        let runs = &mut self.runs;
        let start = runs.store.len();
        if let Err(error) = runs
            .store
            .append(self.starts.iter().map(|&record| whole(record)))
        {
            runs.error.get_or_insert(error);
        }
        runs.bounds.push((start, runs.store.len() - start));
        self.pending.clear();
        self.starts.clear();
    }

    /// Adds the entities of `other`, as [`Contextual::add`] would each.
    pub(crate) fn add_all(&mut self, mut other: Contextual) -> io::Result<()> {
        other.write_each(&mut |text| {
            self.add(parse(text));
            Ok(())
        })
    }

    /// Gives each entity's pretty JSON text to `write`, by `@id`.
    pub(crate) fn write_each(
        &mut self,
        write: &mut dyn FnMut(&str) -> io::Result<()>,
    ) -> io::Result<()> {
        self.end_run();
        let runs = std::mem::take(&mut self.runs);
        if let Some(error) = runs.error {
            return Err(error);
        }
        let store = &runs.store;
        let read_bytes = (MERGE_BYTES / runs.bounds.len().max(1)).clamp(MIN_READ_BYTES, READ_BYTES);
        let mut cursors: Vec<Cursor> = (runs.bounds.iter())
            .map(|&bounds| Cursor::new(bounds, read_bytes))
            .collect();
        let mut next: Vec<Option<Record>> = Vec::with_capacity(cursors.len());
        let mut heap = BinaryHeap::new();
        for (run, cursor) in cursors.iter_mut().enumerate() {
            let record = cursor.next(store)?;
            if let Some(record) = &record {
                heap.push(Reverse((record.id.clone(), run)));
            }
            next.push(record);
        }
        let mut group: Option<Group> = None;
        while let Some(Reverse((_, run))) = heap.pop() {
            let record = next[run].take().expect("a record for each run in the heap");
            next[run] = cursors[run].next(store)?;
            if let Some(following) = &next[run] {
                heap.push(Reverse((following.id.clone(), run)));
            }
            match &mut group {
                Some(group) if group.id == record.id => group.add(record),
                _ => {
                    if let Some(done) = group.replace(Group::new(record)) {
                        write(&done.into_text())?;
                    }
                }
            }
        }
        match group {
            Some(done) => write(&done.into_text()),
            None => Ok(()),
        }
    }
}

/// The records of one `@id` met so far, merged.
struct Group {
    id: String,
    merged: Merged,
    /// The kinds and ids they were added once by.
    onces: HashSet<String>,
}

/// What the records of a [`Group`] merge into.
enum Merged {
    /// One entity's text, as it came.
    Text(String),
    Entity(Map<String, Value>),
}

impl Group {
    fn new(record: Record) -> Group {
        let once = Some(record.once).filter(|once| !once.is_empty());
        Group {
            id: record.id,
            merged: Merged::Text(record.text),
            onces: once.into_iter().collect(),
        }
    }

    /// Merges in a record of the group's `@id`, unless one added once by
    /// the same kind and id came before.
    fn add(&mut self, record: Record) {
        if !record.once.is_empty() && !self.onces.insert(record.once) {
            return;
        }
        let mut entity = match std::mem::replace(&mut self.merged, Merged::Entity(Map::new())) {
            Merged::Text(text) => parse(&text),
            Merged::Entity(entity) => entity,
        };
        merge(&mut entity, parse(&record.text));
        self.merged = Merged::Entity(entity);
    }

    fn into_text(self) -> String {
        match self.merged {
            Merged::Text(text) => text,
            Merged::Entity(entity) => pretty(&entity),
        }
    }
}

fn pretty(entity: &Map<String, Value>) -> String {
    serde_json::to_string_pretty(entity).expect("a Map of strings serializes")
}

/// The entity whose text [`pretty`] wrote.
fn parse(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).expect("the text of an entity as serde_json wrote it")
}

/// Merges `entity` into `existing`: each value of a property both have
/// that `existing` lacks is added after its own.
fn merge(existing: &mut Map<String, Value>, entity: Map<String, Value>) {
    for (key, value) in entity {
        let Some(old) = existing.get_mut(&key) else {
            existing.insert(key, value);
            continue;
        };
        let mut values = match old.take() {
            Value::Array(values) => values,
            single => vec![single],
        };
        let new = match value {
            Value::Array(values) => values,
            single => vec![single],
        };
        for value in new {
            if !values.contains(&value) {
                values.push(value);
            }
        }
        *old = one_or_many(values).expect("at least the old value");
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::rocrate::metadata::into_map;

    fn texts(contextual: &mut Contextual) -> Vec<String> {
        let mut texts = Vec::new();
        contextual
            .write_each(&mut |text| {
                texts.push(text.to_string());
                Ok(())
            })
            .unwrap();
        texts
    }

    /// Entities with ids in another order than they come, one given twice.
    fn fill(contextual: &mut Contextual) {
        for (id, name) in [("#b", "B"), ("#a", "A"), ("#c", "C"), ("#a", "A2")] {
            contextual.add(into_map(
                json!({"@id": id, "@type": "Person", "name": name}),
            ));
        }
    }

    #[test]
    fn spilled_entities_are_the_same_texts_in_the_same_order() {
        let mut in_memory = Contextual::default();
        fill(&mut in_memory);
        let dir = tempfile::tempdir().unwrap();
        let mut spilled = Contextual::spilled_in(dir.path()).unwrap();
        fill(&mut spilled);
        assert!(spilled.runs.bounds.len() > 1, "runs were written");
        assert!(matches!(spilled.runs.store, Store::File(_, len) if len > 0));
        let texts = texts(&mut spilled);
        assert_eq!(texts, self::texts(&mut in_memory));
        assert_eq!(texts.len(), 3);
        assert!(texts[0].contains("\"A2\""), "{texts:?}");
    }

    #[test]
    fn a_spill_that_cannot_be_written_fails_the_crate() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("read-only");
        std::fs::write(&path, "").unwrap();
        let mut contextual = Contextual {
            runs: Runs {
                store: Store::File(File::open(&path).unwrap(), 0),
                ..Runs::default()
            },
            ..Contextual::default()
        };
        fill(&mut contextual);
        assert!(contextual.write_each(&mut |_| Ok(())).is_err());
    }

    #[test]
    fn an_entity_added_once_per_kind_still_merges_with_other_kinds() {
        let made = std::cell::Cell::new(0);
        let person = || {
            made.set(made.get() + 1);
            into_map(json!({"@id": "#x", "@type": "Person", "name": "X"}))
        };
        let mut contextual = Contextual::default();
        contextual.add_once("person", "#x", person);
        contextual.add_once("person", "#x", person);
        assert_eq!(made.get(), 1, "the second copy is not made");
        contextual.add_once("work", "#x", || {
            into_map(json!({"@id": "#x", "@type": "Book", "name": "X"}))
        });
        let merged = json!({"@id": "#x", "@type": ["Person", "Book"], "name": "X"});
        assert_eq!(
            texts(&mut contextual),
            [serde_json::to_string_pretty(&merged).unwrap()]
        );
    }

    /// One entity met again and again among many met once is made once
    /// a generation at most, however many others come before it.
    #[test]
    fn an_entity_met_often_is_made_rarely_whatever_came_before() {
        let mut contextual = Contextual::default();
        let made = std::cell::Cell::new(0);
        for i in 0..10 {
            contextual.add_once("person", &format!("#early-{i}"), || {
                into_map(json!({"@id": format!("#early-{i}")}))
            });
        }
        for i in 0..100 {
            contextual.add_once("person", "#often", || {
                made.set(made.get() + 1);
                into_map(json!({"@id": "#often"}))
            });
            if i % 3 == 0 {
                contextual.add_once("person", &format!("#once-{i}"), || {
                    into_map(json!({"@id": format!("#once-{i}")}))
                });
            }
        }
        assert_eq!(made.get(), 1);
        assert_eq!(texts(&mut contextual).len(), 10 + 1 + 34);
    }

    /// An addition: once by a kind, or not, of an entity with an id and a
    /// name.
    type Addition = (Option<usize>, usize, usize);

    proptest! {
        /// Runs and their merge give what one table of entities by id, each
        /// merged as it comes, gives.
        #[test]
        fn runs_merge_as_one_table_would(
            additions in proptest::collection::vec((proptest::option::of(0..2usize), 0..5usize, 0..3usize), 0..40),
            spilled in any::<bool>(),
        ) {
            let kinds = ["person", "work"];
            let entity = |(kind, id, name): Addition| {
                // Added once, an entity is a function of its kind and id.
                // A one-element array, which a merge makes one value: a copy
                // merged in would change it.
                let name = match kind {
                    Some(kind) => json!([format!("{}{id}", kinds[kind])]),
                    None => json!(format!("n{name}")),
                };
                into_map(json!({"@id": format!("#e{id}"), "name": name}))
            };
            let mut table: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
            let mut added = HashSet::new();
            let dir = tempfile::tempdir().unwrap();
            let mut contextual = match spilled {
                true => Contextual::spilled_in(dir.path()).unwrap(),
                false => Contextual::default(),
            };
            for addition in additions {
                let (kind, id, _) = addition;
                if let Some(kind) = kind {
                    contextual.add_once(kinds[kind], &format!("#e{id}"), || entity(addition));
                    if !added.insert((kind, id)) {
                        continue;
                    }
                } else {
                    contextual.add(entity(addition));
                }
                let made = entity(addition);
                match table.get_mut(&format!("#e{id}")) {
                    Some(existing) => merge(existing, made),
                    None => {
                        table.insert(format!("#e{id}"), made);
                    }
                }
            }
            let expected: Vec<String> = table.values().map(pretty).collect();
            prop_assert_eq!(texts(&mut contextual), expected);
        }
    }
}
