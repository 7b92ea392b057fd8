//! The contextual entities, gathered as documents are described and
//! merged by `@id`.
//!
//! Each entity added is kept as a record of its `@id`, what
//! [`Contextual::add_once`] knew it by and its pretty JSON text, in
//! [`SortedRuns`]: in an unnamed file when there is a directory for it,
//! merged at the crate's end, the records of one `@id` in the order they
//! came. A collection of rich records has several entities per document
//! (its claim, its review, its people), and a table of their ids took 46
//! MB for 64,000 such documents.

use std::collections::HashSet;
use std::io;
use std::path::Path;

use serde_json::{Map, Value};

use super::json::one_or_many;
use super::runs::{Record, SortedRuns};
use crate::text_table::RecentTexts;

/// How many kinds and ids one generation of what [`Contextual::add_once`]
/// remembers holds (see [`RecentTexts`]).
const REMEMBERED: usize = if cfg!(test) { 2 } else { 1 << 14 };

/// Contextual entities by `@id`: what several documents mention (a person,
/// a place) is described once, two entities with one `@id` merged into one,
/// each written as `serde_json::to_string_pretty` writes it alone.
pub(crate) struct Contextual {
    runs: SortedRuns,
    /// The kinds and ids [`Contextual::add_once`] has added lately, each as
    /// the kind, a NUL and the id, so that documents linking to the same
    /// few (a licence, a place, a prolific author) make their entity once.
    /// One not met for a while is made and kept again, and left out as the
    /// runs are merged.
    remembered: RecentTexts<()>,
    /// The text of the kind and id being looked for.
    scratch: String,
}

impl Default for Contextual {
    fn default() -> Contextual {
        Contextual::with_runs(SortedRuns::default())
    }
}

impl Contextual {
    fn with_runs(runs: SortedRuns) -> Contextual {
        Contextual {
            runs,
            remembered: RecentTexts::new(REMEMBERED),
            scratch: String::new(),
        }
    }

    /// Contextual entities whose runs wait in an unnamed file in `dir`.
    pub(crate) fn spilled_in(dir: &Path) -> io::Result<Contextual> {
        Ok(Contextual::with_runs(SortedRuns::in_file_in(dir)?))
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
        let once_key = &mut self.scratch;
        once_key.clear();
        once_key.extend([kind, "\0", id]);
        if self.remembered.get(once_key).is_none() {
            self.remembered.insert(once_key, ());
            let entity = make();
            self.runs
                .push(entity_id(&entity), once_key, &pretty(&entity));
        }
    }

    /// Adds an entity, to be merged into any with the same `@id`: a
    /// property given different values (an event held at two venues)
    /// keeps them all, in the order met.
    pub(crate) fn add(&mut self, entity: Map<String, Value>) {
        self.runs.push(entity_id(&entity), "", &pretty(&entity));
    }

    /// Adds the entities of `other`, as [`Contextual::add`] would each.
    pub(crate) fn add_all(&mut self, other: Contextual) -> io::Result<()> {
        other.write_each(&mut |text| {
            self.add(parse(text));
            Ok(())
        })
    }

    /// Gives each entity's pretty JSON text to `write`, by `@id`; the
    /// first error met keeping them, if any.
    pub(crate) fn write_each(
        self,
        write: &mut dyn FnMut(&str) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut group: Option<Group> = None;
        self.runs.merge(&mut |record| {
            match &mut group {
                Some(group) if group.id == record.key => group.add(record),
                _ => {
                    if let Some(done) = group.replace(Group::new(record)) {
                        write(&done.into_text())?;
                    }
                }
            }
            Ok(())
        })?;
        match group {
            Some(done) => write(&done.into_text()),
            None => Ok(()),
        }
    }
}

fn entity_id(entity: &Map<String, Value>) -> &str {
    entity["@id"].as_str().expect("entities have an @id")
}

/// The records of one `@id` met so far, merged.
struct Group {
    id: String,
    merged: Merged,
    /// The kinds and ids they were added once by.
    once_keys: HashSet<String>,
}

/// What the records of a [`Group`] merge into.
enum Merged {
    /// One entity's text, as it came.
    Text(String),
    Entity(Map<String, Value>),
}

impl Group {
    fn new(record: Record) -> Group {
        let once_key = Some(record.copy_key).filter(|key| !key.is_empty());
        Group {
            id: record.key,
            merged: Merged::Text(record.text),
            once_keys: once_key.into_iter().collect(),
        }
    }

    /// Merges in a record of the group's `@id`, unless one added once by
    /// the same kind and id came before.
    fn add(&mut self, record: Record) {
        if !record.copy_key.is_empty() && !self.once_keys.insert(record.copy_key) {
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

    fn texts(contextual: Contextual) -> Vec<String> {
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
        let texts = texts(spilled);
        assert_eq!(texts, self::texts(in_memory));
        assert_eq!(texts.len(), 3);
        assert!(texts[0].contains("\"A2\""), "{texts:?}");
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
            texts(contextual),
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
        assert_eq!(texts(contextual).len(), 10 + 1 + 34);
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
            let mut contextual = if spilled {
                Contextual::spilled_in(dir.path()).unwrap()
            } else {
                Contextual::default()
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
            prop_assert_eq!(texts(contextual), expected);
        }
    }
}
