//! The contextual entities, gathered as documents are described and
//! merged by `@id`.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value};

use super::json::one_or_many;

/// Contextual entities by `@id`: what several documents mention (a person,
/// a place) is described once, two entities with one `@id` merged into one.
///
/// They wait for the end of the crate, so each is kept as its pretty JSON
/// text, as `serde_json::to_string_pretty` writes it alone: a `Map` takes
/// several times that, and a collection with rich records has several
/// contextual entities per document (its claim, its review, its people).
#[derive(Default)]
pub(crate) struct Contextual {
    entities: BTreeMap<String, String>,
    /// The kinds and ids [`Contextual::add_once`] has added.
    added: HashSet<(&'static str, String)>,
}

impl Contextual {
    /// Adds the entity `make` makes, once per `kind` and `id`: for an entity
    /// that is a function of its kind and id (a person, a place, a work),
    /// a second copy would merge into nothing new, so it is not even made.
    /// Most documents of a large collection link to the same few.
    pub(crate) fn add_once(
        &mut self,
        kind: &'static str,
        id: &str,
        make: impl FnOnce() -> Map<String, Value>,
    ) {
        if self.added.insert((kind, id.to_string())) {
            self.add(make());
        }
    }

    /// Adds an entity, merging it into one with the same `@id`: a property
    /// given different values (an event held at two venues) keeps them all,
    /// in the order met.
    pub(crate) fn add(&mut self, entity: Map<String, Value>) {
        let id = entity["@id"]
            .as_str()
            .expect("entities have an @id")
            .to_string();
        match self.entities.entry(id) {
            Entry::Vacant(entry) => {
                entry.insert(pretty(&entity));
            }
            Entry::Occupied(mut entry) => {
                let mut existing = serde_json::from_str(entry.get())
                    .expect("the text of an entity as serde_json wrote it");
                merge(&mut existing, entity);
                entry.insert(pretty(&existing));
            }
        }
    }

    /// Adds the entities of `other`, as [`Contextual::add`] would each.
    pub(crate) fn add_all(&mut self, other: Contextual) {
        for text in other.entities.into_values() {
            self.add(
                serde_json::from_str(&text).expect("the text of an entity as serde_json wrote it"),
            );
        }
    }

    /// Each entity's pretty JSON text, by `@id`.
    pub(crate) fn texts(&self) -> impl Iterator<Item = &str> {
        self.entities.values().map(String::as_str)
    }
}

fn pretty(entity: &Map<String, Value>) -> String {
    serde_json::to_string_pretty(entity).expect("a Map of strings serializes")
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
    use serde_json::json;

    use super::*;
    use crate::rocrate::metadata::into_map;

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
        let texts: Vec<&str> = contextual.texts().collect();
        let merged = json!({"@id": "#x", "@type": ["Person", "Book"], "name": "X"});
        assert_eq!(texts, [serde_json::to_string_pretty(&merged).unwrap()]);
    }
}
