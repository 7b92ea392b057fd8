//! The documents of a crate: the entities that may be documents, kept as
//! the graph streams past, and their summaries once the root says which
//! are.

use std::collections::HashMap;
use std::str::FromStr;

use serde_json::{Map, Value};

use super::DocumentSummary;
use super::walk::Dataset;
use crate::collection::{Aspect, Status};
use crate::rocrate::document::PEOPLE_PROPERTIES;
use crate::rocrate::graph::{ids, text, values};
use crate::rocrate::id_list::{IdIndex, IdList};
use crate::rocrate::terms::{CORPACK_NAMESPACE, DATE_CREATED_INTERVAL};

/// An entity that is a document if the root lists it: in `hasPart` when
/// it is a payload `File` with an `identifier`, in `mentions` when it is
/// `held: false`.
pub(super) struct Candidate {
    id: String,
    /// Its path, when it is a payload `File` with an `identifier`.
    held_file: Option<String>,
    /// `held: false`.
    catalogued: bool,
    pub(super) identifier: Option<String>,
    /// `creativeWorkStatus`, or the word that is none.
    pub(super) status: Option<Result<Status, String>>,
    /// The `@id`s of its reviews.
    pub(super) reviews: Vec<String>,
    title: Option<String>,
    date: Option<String>,
    date_interval: Option<String>,
    people: Vec<Person>,
}

/// One of a document's people: a name, or the entity that has it.
enum Person {
    Name(String),
    Entity(String),
}

impl Candidate {
    pub(super) fn new(
        id: &str,
        entity: &Map<String, Value>,
        held_file: Option<String>,
        catalogued: bool,
    ) -> Candidate {
        let owned = |key| text(entity, key).map(str::to_string);
        let mut people = Vec::new();
        for property in PEOPLE_PROPERTIES {
            for value in values(entity, property) {
                let person = match value {
                    Value::String(name) => Some(Person::Name(name.clone())),
                    _ => value
                        .get("@id")
                        .and_then(Value::as_str)
                        .map(|id| Person::Entity(id.to_string())),
                };
                people.extend(person);
            }
        }
        Candidate {
            id: id.to_string(),
            held_file,
            catalogued,
            identifier: owned("identifier"),
            status: text(entity, "creativeWorkStatus")
                .map(|word| Status::from_str(word).map_err(|_| word.to_string())),
            reviews: ids(entity, "review")
                .into_iter()
                .map(str::to_string)
                .collect(),
            title: owned("name"),
            date: owned("dateCreated"),
            date_interval: owned(DATE_CREATED_INTERVAL),
            people,
        }
    }
}

/// The aspects an entity's `reviewAspect` names, or the first word that is
/// none; `None` if it names nothing.
pub(super) fn review_aspects(entity: &Map<String, Value>) -> Option<Result<Vec<Aspect>, String>> {
    let words: Vec<&str> = values(entity, "reviewAspect")
        .into_iter()
        .filter_map(Value::as_str)
        .collect();
    if words.is_empty() {
        return None;
    }
    Some(
        words
            .into_iter()
            .map(|word| Aspect::from_str(word).map_err(|_| word.to_string()))
            .collect(),
    )
}

/// Documents kept by their reviews alone, when they are not summarized: by
/// position in the graph, in graph order, whether each is a held file or
/// catalogued, and its reviews' ids.
#[derive(Default)]
pub(super) struct Reviewed {
    /// Position, whether a held file, whether catalogued, and where its
    /// reviews end in `reviews`.
    documents: Vec<(usize, bool, bool, usize)>,
    reviews: IdList,
}

impl Reviewed {
    /// Keeps `candidate`, at `position`, past every one kept so far.
    pub(super) fn push(&mut self, position: usize, candidate: &Candidate) {
        for review in &candidate.reviews {
            self.reviews.push(review);
        }
        let (held, catalogued) = (candidate.held_file.is_some(), candidate.catalogued);
        let end = self.reviews.len();
        self.documents.push((position, held, catalogued, end));
    }

    fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    /// Whether the document at `position` is kept, a held file (or else
    /// catalogued), and its reviews' ids.
    fn get(&self, position: usize, held: bool) -> Option<impl Iterator<Item = &str>> {
        let at = (self.documents)
            .binary_search_by_key(&position, |document| document.0)
            .ok()?;
        let (_, is_held, is_catalogued, end) = self.documents[at];
        if !(if held { is_held } else { is_catalogued }) {
            return None;
        }
        let start = at
            .checked_sub(1)
            .map_or(0, |before| self.documents[before].3);
        Some((start..end).map(|review| self.reviews.get(review)))
    }
}

/// The documents of a graph, once it has streamed past.
pub(super) struct Documents<'g> {
    pub(super) index: &'g IdIndex,
    pub(super) candidates: &'g HashMap<usize, Candidate>,
    pub(super) reviewed: &'g Reviewed,
    pub(super) aspects: &'g HashMap<usize, Result<Vec<Aspect>, String>>,
    pub(super) names: &'g HashMap<usize, String>,
    /// Whether the `@context` defines corpack's terms, as every crate
    /// corpack writes does. Only then are `creativeWorkStatus` and
    /// `reviewAspect` corpack's words: schema.org leaves them free text
    /// ("Draft", "Published"), which in another crate says nothing of a
    /// dispute and is no error.
    pub(super) corpack_terms: bool,
}

/// Whether a crate's `@context` maps some term into corpack's namespace.
pub(super) fn uses_corpack_terms(context: Option<&Value>) -> bool {
    let is_corpack_iri = |value: &Value| {
        let iri = value.get("@id").unwrap_or(value);
        iri.as_str()
            .is_some_and(|iri| iri.starts_with(CORPACK_NAMESPACE))
    };
    let definitions = |value: &Value| match value {
        Value::Object(terms) => terms.values().any(is_corpack_iri),
        _ => false,
    };
    match context {
        Some(Value::Array(items)) => items.iter().any(definitions),
        Some(other) => definitions(other),
        None => false,
    }
}

impl Documents<'_> {
    /// Whether some document can be wrong: cheaper to know than to read
    /// them.
    pub(super) fn may_be_wrong(&self) -> bool {
        let bad_review = self.corpack_terms && !self.aspects.is_empty();
        (bad_review && !self.reviewed.is_empty())
            || self.candidates.values().any(|c| {
                (self.corpack_terms && matches!(c.status, Some(Err(_))))
                    || (c.catalogued && c.identifier.is_none())
                    || (bad_review && !c.reviews.is_empty())
            })
    }

    /// The documents `root` lists: `File`s it has as parts that carry an
    /// `identifier`, then entities it mentions with `held: false`; each
    /// group in its order. References to entities the graph does not
    /// describe name no document.
    pub(super) fn read(&self, root: &Dataset) -> Result<Vec<DocumentSummary>, String> {
        let mut documents = Vec::new();
        for id in root.has_part.iter() {
            if let Some(candidate) = self.candidate(id)
                && let Some(path) = &candidate.held_file
            {
                documents.push(self.summary(candidate, Some(path.clone()))?);
            }
            self.check_reviewed(id, true)?;
        }
        for id in root.mentions.iter() {
            if let Some(candidate) = self.candidate(id)
                && candidate.catalogued
            {
                documents.push(self.summary(candidate, None)?);
            }
            self.check_reviewed(id, false)?;
        }
        Ok(documents)
    }

    /// The error [`Documents::summary`] would find in the document `id`,
    /// a held file if `held` (else catalogued), kept by its reviews alone:
    /// a review of an unknown aspect, its only possible fault.
    fn check_reviewed(&self, id: &str, held: bool) -> Result<(), String> {
        let Some(reviews) = (self.index.position(id)).and_then(|at| self.reviewed.get(at, held))
        else {
            return Ok(());
        };
        (self.aspects_of(reviews))
            .map(drop)
            .map_err(|error| format!("document {id:?}: {error}"))
    }

    /// The aspects `reviews` name, in order; in a crate that defines
    /// corpack's terms, an unknown word is an error.
    fn aspects_of<'r>(
        &self,
        reviews: impl Iterator<Item = &'r str>,
    ) -> Result<Vec<Aspect>, String> {
        let mut aspects = Vec::new();
        for review in reviews {
            let Some(position) = self.index.position(review) else {
                continue;
            };
            match self.aspects.get(&position) {
                Some(Ok(named)) => aspects.extend(named),
                Some(Err(word)) if self.corpack_terms => return Err(unknown("aspect", word)),
                Some(Err(_)) | None => {}
            }
        }
        Ok(aspects)
    }

    fn candidate(&self, id: &str) -> Option<&Candidate> {
        self.candidates.get(&self.index.position(id)?)
    }

    fn summary(
        &self,
        candidate: &Candidate,
        file: Option<String>,
    ) -> Result<DocumentSummary, String> {
        let in_document = |e: String| format!("document {:?}: {e}", candidate.id);
        let authors = candidate.people.iter().filter_map(|person| match person {
            Person::Name(name) => Some(name.clone()),
            Person::Entity(id) => self.names.get(&self.index.position(id)?).cloned(),
        });
        let authors = authors.collect();
        let status = match &candidate.status {
            Some(Err(word)) if self.corpack_terms => {
                return Err(in_document(unknown("status", word)));
            }
            Some(Ok(status)) => Some(*status),
            Some(Err(_)) | None => None,
        };
        let reviews = candidate.reviews.iter().map(String::as_str);
        let aspects = self.aspects_of(reviews).map_err(in_document)?;
        Ok(DocumentSummary {
            id: candidate
                .identifier
                .clone()
                .ok_or_else(|| in_document("no identifier".into()))?,
            title: candidate.title.clone(),
            authors,
            date: candidate.date.clone(),
            date_interval: candidate.date_interval.clone(),
            status,
            aspects,
            file,
        })
    }
}

pub(super) fn unknown(what: &str, word: &str) -> String {
    format!("unknown contested {what} {word:?}")
}
