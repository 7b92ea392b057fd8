//! The contextual entities, gathered as documents are described and
//! merged by `@id`.

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value};

use super::json::one_or_many;

/// Contextual entities by `@id`: what several documents mention (a person,
/// a place) is described once, two entities with one `@id` merged into one.
#[derive(Default)]
pub(crate) struct Contextual {
    pub(super) entities: BTreeMap<String, Map<String, Value>>,
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
        let Some(existing) = self.entities.get_mut(&id) else {
            self.entities.insert(id, entity);
            return;
        };
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
        assert_eq!(
            Value::Object(contextual.entities["#x"].clone()),
            json!({"@id": "#x", "@type": ["Person", "Book"], "name": "X"})
        );
    }
}
