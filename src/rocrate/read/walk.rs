//! One reading of a crate as its graph streams past: each entity checked
//! and what is needed of it kept (its `@id`, the datasets that may be the
//! root, the files, what may be a document), then the crate judged whole.

use std::collections::HashMap;
use std::io::Read;
use std::str::FromStr;

use serde_json::{Map, Value};

use super::documents::{Candidate, Documents, Reviewed, review_aspects, uses_corpack_terms};
use super::{CrateFile, DocumentSummary, ReadError};
use crate::collection::Aspect;
use crate::collection::values::DocumentPath;
use crate::rocrate::document::PEOPLE_PROPERTIES;
use crate::rocrate::graph::{Invalid, check_context, find_root, has_type, ids, not_json, text};
use crate::rocrate::id_list::IdList;
use crate::rocrate::ids::file_path;
use crate::rocrate::stream::{self, Asked, Broken, Element, GraphSink, Top};
use crate::rocrate::terms::{DATE_CREATED_INTERVAL, HELD, METADATA_ID};

/// The properties every reading asks for: what makes a crate, its files,
/// and what can make a document wrong.
const CHECKED: [&str; 11] = [
    "@id",
    "@type",
    "about",
    "conformsTo",
    "contentSize",
    "creativeWorkStatus",
    "identifier",
    HELD,
    "review",
    "reviewAspect",
    "sha256",
];

/// What a document's summary says besides (and its people).
const SUMMARIZED: [&str; 3] = ["name", "dateCreated", DATE_CREATED_INTERVAL];

/// One reading of a crate.
pub(super) struct Walk<T, K> {
    /// Whether documents are summarized, not only checked.
    summarize: bool,
    /// Whether the root's `hasPart` and `mentions` are read: without them,
    /// documents that may be wrong are not read.
    lists: bool,
    keep: K,
    graph: KeptGraph<T>,
}

/// What is kept of the `@graph` until its end.
struct KeptGraph<T> {
    /// Elements seen.
    count: usize,
    /// The first element that is not an entity with an `@id`; none is
    /// looked at after it.
    broken: Option<Invalid>,
    /// The `@id` of each element before it.
    ids: IdList,
    /// The metadata descriptor's `conformsTo` and `about` ids.
    descriptor: Option<(Vec<String>, Vec<String>)>,
    /// The datasets that may be the root.
    datasets: Vec<Dataset>,
    /// The datasets with a path in the payload, by position: directories
    /// it must have, but for the root.
    directories: Vec<(usize, String)>,
    files: Vec<T>,
    /// The first file that cannot be read; no file is kept after it.
    file_error: Option<String>,
    /// Entities that may be documents, by position.
    candidates: HashMap<usize, Candidate>,
    /// Without summaries, the documents that may be wrong by their
    /// reviews alone, kept as their reviews' ids.
    reviewed: Reviewed,
    /// The `reviewAspect`s of entities, by position (the first unknown
    /// word, if any).
    aspects: HashMap<usize, Result<Vec<Aspect>, String>>,
    /// The `name` of entities, by position (only when summarizing).
    names: HashMap<usize, String>,
}

impl<T> Default for KeptGraph<T> {
    fn default() -> KeptGraph<T> {
        KeptGraph {
            count: 0,
            broken: None,
            ids: IdList::default(),
            descriptor: None,
            datasets: Vec::new(),
            directories: Vec::new(),
            files: Vec::new(),
            file_error: None,
            candidates: HashMap::new(),
            reviewed: Reviewed::default(),
            aspects: HashMap::new(),
            names: HashMap::new(),
        }
    }
}

/// What one reading found.
pub(super) struct Walked<T> {
    pub(super) files: Vec<T>,
    /// The paths of the directories the crate describes, in graph order.
    pub(super) directories: Vec<String>,
    pub(super) documents: Vec<DocumentSummary>,
    /// Whether the `@context` maps some term into corpack's namespace.
    pub(super) corpack_terms: bool,
    /// Whether some document may be wrong, and was not read for want of
    /// the root's lists.
    pub(super) documents_unread: bool,
}

pub(super) struct Dataset {
    position: usize,
    pub(super) has_part: IdList,
    pub(super) mentions: IdList,
}

impl<T, K: FnMut(CrateFile) -> T> Walk<T, K> {
    pub(super) fn new(summarize: bool, keep: K) -> Walk<T, K> {
        Walk {
            summarize,
            lists: true,
            keep,
            graph: KeptGraph::default(),
        }
    }

    /// The same reading, but for the root's `hasPart` and `mentions`, as
    /// long as the crate, which it passes over: documents that may be
    /// wrong are left unread ([`Walked::documents_unread`]).
    pub(super) fn without_lists(self) -> Walk<T, K> {
        Walk {
            lists: false,
            ..self
        }
    }

    pub(super) fn run(mut self, json: impl Read) -> Result<Walked<T>, ReadError> {
        let mut properties = CHECKED.to_vec();
        if self.summarize {
            properties.extend(SUMMARIZED);
            properties.extend(PEOPLE_PROPERTIES);
        }
        let top = stream::walk(json, Asked::Only(&properties), self.lists, &mut self).map_err(
            |broken| match broken {
                Broken::Io(error) => ReadError::Io(error),
                Broken::NotUtf8 => ReadError::NotUtf8,
                Broken::ByteOrderMark => ReadError::Invalid(
                    "not JSON: it starts with a byte-order mark, which JSON text must not \
                     have (RFC 8259 §8.1)"
                        .to_string(),
                ),
                Broken::NotJson(error) => ReadError::Invalid(not_json(&error)),
            },
        )?;
        self.finish(top)
    }

    /// Judges the crate as a whole, once it has streamed past.
    fn finish(self, top: Option<Top>) -> Result<Walked<T>, ReadError> {
        let top = top.ok_or(Invalid::NotAnObject)?;
        check_context(top.context.as_ref())?;
        if top.graph_is_array != Some(true) {
            return Err(Invalid::NoGraph.into());
        }
        let mut graph = self.graph;
        let index = graph.ids.into_index();
        // Every id kept comes before the broken element, if any.
        if let Some(repeat) = index.first_repeat() {
            return Err(Invalid::DuplicateId(index.get(repeat).to_string()).into());
        }
        if let Some(broken) = graph.broken {
            return Err(broken.into());
        }
        let descriptor = graph
            .descriptor
            .as_ref()
            .map(|(conforms_to, about)| (as_strs(conforms_to), as_strs(about)));
        let root_id = find_root(
            descriptor
                .as_ref()
                .map(|(c, a)| (c.as_slice(), a.as_slice())),
            |id| {
                let position = index.position(id)?;
                Some(graph.datasets.iter().any(|d| d.position == position))
            },
        )?;
        if let Some(error) = graph.file_error {
            return Err(ReadError::Invalid(error));
        }
        let root_position = index.position(&root_id).expect("find_root found it");
        let at = graph
            .datasets
            .iter()
            .position(|d| d.position == root_position);
        let root = graph
            .datasets
            .swap_remove(at.expect("find_root found a dataset"));
        let directories = (graph.directories.into_iter())
            .filter(|(position, path)| *position != root_position && !path.is_empty())
            .map(|(_, path)| path)
            .collect();
        let documents = Documents {
            index: &index,
            candidates: &graph.candidates,
            reviewed: &graph.reviewed,
            aspects: &graph.aspects,
            names: &graph.names,
            corpack_terms: uses_corpack_terms(top.context.as_ref()),
        };
        let corpack_terms = documents.corpack_terms;
        // Without summaries, only documents that may be wrong are read.
        let wanted = self.summarize || documents.may_be_wrong();
        let documents_unread = wanted && !self.lists;
        let documents = if wanted && self.lists {
            documents.read(&root).map_err(ReadError::Invalid)?
        } else {
            Vec::new()
        };
        Ok(Walked {
            files: graph.files,
            directories,
            documents,
            corpack_terms,
            documents_unread,
        })
    }
}

impl<T, K: FnMut(CrateFile) -> T> GraphSink for Walk<T, K> {
    fn begin(&mut self) {
        self.graph = KeptGraph::default();
    }

    fn element(&mut self, element: Element) {
        let graph = &mut self.graph;
        let position = graph.count;
        graph.count += 1;
        if graph.broken.is_some() {
            return;
        }
        let Element::Entity(entity) = element else {
            graph.broken = Some(Invalid::ElementNotAnObject(position));
            return;
        };
        let properties = &entity.properties;
        let Some(id) = properties.get("@id").and_then(Value::as_str) else {
            graph.broken = Some(Invalid::ElementWithoutId(position));
            return;
        };
        graph.ids.push(id);
        if id == METADATA_ID {
            let owned = |key| {
                ids(properties, key)
                    .into_iter()
                    .map(str::to_string)
                    .collect()
            };
            graph.descriptor = Some((owned("conformsTo"), owned("about")));
        }
        let may_be_root = match &graph.descriptor {
            Some((_, about)) => about.len() == 1 && about[0] == id,
            None => true,
        };
        if may_be_root && has_type(properties, "Dataset") {
            graph.datasets.push(Dataset {
                position,
                has_part: entity.has_part,
                mentions: entity.mentions,
            });
        }
        if has_type(properties, "Dataset") && is_payload_path(id) {
            // A directory's id ends with `/`; one that does not resolve is
            // kept as written, and is then found absent.
            let path = id.trim_end_matches('/');
            let path = file_path(path).unwrap_or_else(|_| path.to_string());
            graph.directories.push((position, path));
        }
        let is_payload_file = has_type(properties, "File") && is_payload_path(id);
        let mut file_path = None;
        if is_payload_file && graph.file_error.is_none() {
            match read_file(id, properties) {
                Ok(file) => {
                    file_path = Some(file.path.clone());
                    graph.files.push((self.keep)(file));
                }
                Err(error) => {
                    graph.file_error = Some(error);
                    graph.files = Vec::new();
                }
            }
        }
        let identifier = text(properties, "identifier");
        let held_file = file_path.filter(|_| identifier.is_some());
        let catalogued = properties.get(HELD) == Some(&Value::Bool(false));
        if held_file.is_some() || catalogued {
            let candidate = Candidate::new(id, properties, held_file, catalogued);
            let may_be_wrong = matches!(candidate.status, Some(Err(_)))
                || (catalogued && candidate.identifier.is_none());
            if self.summarize || may_be_wrong {
                graph.candidates.insert(position, candidate);
            } else if !candidate.reviews.is_empty() {
                // A review of an unknown aspect is rare: a document kept
                // whole for it took 400 bytes, one each of 160,000.
                graph.reviewed.push(position, &candidate);
            }
        }
        if let Some(aspects) = review_aspects(properties)
            && (self.summarize || aspects.is_err())
        {
            graph.aspects.insert(position, aspects);
        }
        if self.summarize
            && let Some(name) = text(properties, "name")
        {
            graph.names.insert(position, name.to_string());
        }
    }
}

pub(super) fn read_file(id: &str, entity: &Map<String, Value>) -> Result<CrateFile, String> {
    let path = file_path(id).map_err(|e| format!("File @id {e}"))?;
    DocumentPath::from_str(&path).map_err(|e| format!("File @id {id:?}: {e}"))?;
    // schema.org's contentSize is text, "File size in (mega/kilo) bytes":
    // `"12 kB"` is as valid as corpack's `"12000"`, and only a number of
    // bytes can be compared with the file.
    let content_size = match entity.get("contentSize") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()
        }
        _ => None,
    };
    Ok(CrateFile {
        path,
        sha256: text(entity, "sha256").map(str::to_string),
        content_size,
    })
}

fn as_strs(ids: &[String]) -> Vec<&str> {
    ids.iter().map(String::as_str).collect()
}

/// Whether an `@id` is a path in the payload: not an absolute URI, a
/// network-path reference (`//host/…`) or a fragment (`#…`).
pub(super) fn is_payload_path(id: &str) -> bool {
    !is_absolute(id) && !id.starts_with("//") && !id.starts_with('#')
}

/// Whether an `@id` is an absolute URI (has a scheme), not a payload path.
fn is_absolute(id: &str) -> bool {
    match id.split_once(':') {
        Some((scheme, _)) => {
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}
