//! The contextual entities, gathered as documents are described and
//! merged by `@id`.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use serde_json::{Map, Value};

use super::json::one_or_many;
use crate::positional::read_exact_at;

/// Contextual entities by `@id`: what several documents mention (a person,
/// a place) is described once, two entities with one `@id` merged into one.
///
/// They wait for the end of the crate, sorted by `@id`, each kept as its
/// pretty JSON text, as `serde_json::to_string_pretty` writes it alone: a
/// collection with rich records has several per document (its claim, its
/// review, its people), 4 KB of text for a document recorded with three
/// people and a dispute. The texts go to an unnamed file when there is a
/// directory for it, and only their places stay in memory.
#[derive(Default)]
pub(crate) struct Contextual {
    /// Where each entity's text is in `texts`.
    entities: BTreeMap<String, Span>,
    texts: Texts,
    /// The kinds and ids [`Contextual::add_once`] has added.
    added: HashSet<(&'static str, String)>,
}

/// Where a text is in [`Texts`].
#[derive(Clone, Copy)]
struct Span {
    start: u64,
    len: usize,
}

/// The texts, one after another: in memory, or in an unnamed file. A text
/// merged into another is left where it was, and the merge written after.
enum Texts {
    Memory(Vec<u8>),
    /// The file, its length, and the first error met writing it, which
    /// [`Contextual::write_each`] returns.
    Spilled {
        file: io::BufWriter<File>,
        len: u64,
        error: Option<io::Error>,
    },
}

impl Default for Texts {
    fn default() -> Texts {
        Texts::Memory(Vec::new())
    }
}

impl Texts {
    fn append(&mut self, text: &str) -> Span {
        let start = match self {
            Texts::Memory(bytes) => {
                let start = bytes.len() as u64;
                bytes.extend_from_slice(text.as_bytes());
                start
            }
            Texts::Spilled { file, len, error } => {
                let start = *len;
                if error.is_none()
                    && let Err(failed) = file.write_all(text.as_bytes())
                {
                    *error = Some(failed);
                }
                *len += text.len() as u64;
                start
            }
        };
        Span {
            start,
            len: text.len(),
        }
    }

    /// The text at `span`, in `buffer`.
    fn read<'b>(&mut self, span: Span, buffer: &'b mut Vec<u8>) -> io::Result<&'b str> {
        buffer.clear();
        match self {
            Texts::Memory(bytes) => {
                let start = span.start as usize;
                buffer.extend_from_slice(&bytes[start..start + span.len]);
            }
            Texts::Spilled { file, error, .. } => {
                if error.is_none() {
                    buffer.resize(span.len, 0);
                    let read = (file.flush())
                        .and_then(|()| read_exact_at(file.get_ref(), buffer, span.start));
                    *error = read.err();
                }
                // Kept for every later read, and for the crate's end.
                if let Some(error) = error {
                    return Err(io::Error::new(error.kind(), error.to_string()));
                }
            }
        }
        std::str::from_utf8(buffer).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

impl Contextual {
    /// Contextual entities whose texts wait in an unnamed file in `dir`.
    pub(crate) fn spilled_in(dir: &Path) -> io::Result<Contextual> {
        Ok(Contextual {
            texts: Texts::Spilled {
                file: io::BufWriter::new(tempfile::tempfile_in(dir)?),
                len: 0,
                error: None,
            },
            ..Contextual::default()
        })
    }

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
    /// in the order met. An entity that cannot be read back to be merged
    /// (its file failed) is left as it was; the failure is
    /// [`Contextual::write_each`]'s.
    pub(crate) fn add(&mut self, entity: Map<String, Value>) {
        let id = entity["@id"]
            .as_str()
            .expect("entities have an @id")
            .to_string();
        match self.entities.entry(id) {
            Entry::Vacant(entry) => {
                entry.insert(self.texts.append(&pretty(&entity)));
            }
            Entry::Occupied(mut entry) => {
                let mut buffer = Vec::new();
                let Ok(text) = self.texts.read(*entry.get(), &mut buffer) else {
                    return;
                };
                let mut existing = parse(text);
                merge(&mut existing, entity);
                entry.insert(self.texts.append(&pretty(&existing)));
            }
        }
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
        let mut buffer = Vec::new();
        for span in self.entities.values() {
            write(self.texts.read(*span, &mut buffer)?)?;
        }
        Ok(())
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
        let texts = texts(&mut spilled);
        assert_eq!(texts, self::texts(&mut in_memory));
        assert_eq!(texts.len(), 3);
        assert!(texts[0].contains("\"A2\""), "{texts:?}");
        assert!(matches!(spilled.texts, Texts::Spilled { len, .. } if len > 0));
    }

    #[test]
    fn a_spill_that_cannot_be_written_fails_the_crate() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("read-only");
        std::fs::write(&path, "").unwrap();
        let mut contextual = Contextual {
            texts: Texts::Spilled {
                file: io::BufWriter::new(File::open(&path).unwrap()),
                len: 0,
                error: None,
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
}
