//! Writing `ro-crate-metadata.json`: the descriptor, the root dataset, the
//! documents, and the contextual entities they link to.
//!
//! The output is deterministic: documents are taken in file path order
//! whatever their order in the record, ids come from names (see
//! [`super::ids`]), and the graph lists the descriptor, the root, the data
//! entities in path order, then the contextual entities sorted by `@id`.
//! Object keys come out sorted (serde_json's map is ordered by key).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::document::{describe_document, not_held_id};
use super::ids::{encode_path, local_ids, local_ids_of_names};
use super::pretty::{Container, write_at};
use super::terms::{self, METADATA_ID, ROCRATE_SPEC, ROOT_ID};
use crate::bundle::{PackedDocument, PackedDocuments, crate_order, crate_path};
use crate::collection::values::{GeonamesId, License, Orcid, WebUrl, WikidataId};
use crate::collection::{AuthorType, CitedWork, CollectionInfo, DisputingWork, Document, Place};

/// The text of `ro-crate-metadata.json`: pretty-printed, with a final
/// newline. Fails as [`write_metadata_json`] does on records it cannot
/// describe; writing to memory cannot fail otherwise.
pub fn metadata_json(info: &CollectionInfo, documents: &[PackedDocument]) -> io::Result<String> {
    let mut text = Vec::new();
    write_metadata_json(info, &documents, &mut text)?;
    Ok(String::from_utf8(text).expect("serde_json writes UTF-8"))
}

/// Writes the text of `ro-crate-metadata.json` to `out`, a document at a
/// time: what is held in memory is the contextual entities (people,
/// places, works, licences, the documents catalogued but not held), not
/// the data entities. `out` should be buffered.
///
/// Records that break the collection's rules may not be described: one
/// disputed by a document that is not among `documents` is an error of
/// kind [`io::ErrorKind::InvalidInput`], before anything is written.
pub fn write_metadata_json(
    info: &CollectionInfo,
    documents: &dyn PackedDocuments,
    out: &mut dyn Write,
) -> io::Result<()> {
    let order = crate_order(documents);
    let mut ids = EntityIdsBuilder::default();
    for document in documents.documents(&order) {
        ids.add(&document?.record);
    }
    let ids = ids.build(info, documents)?;
    let (held, not_held): (Vec<usize>, Vec<usize>) =
        order.iter().partition(|&&index| documents.is_held(index));
    let mut held_ids = held.iter().map(|&index| document_id(documents, index));
    let mut not_held_ids = not_held.iter().map(|&index| document_id(documents, index));

    let mut top = Container::object(out, 0)?;
    top.member("@context", &terms::context())?;
    let depth = top.inner_depth();
    let mut graph = Container::array(top.key("@graph")?, depth)?;
    graph.element(&descriptor())?;
    // The root's own contextual entities join the others after the
    // documents', as they always have: merging is order-sensitive.
    let mut root_contextual = Contextual::default();
    let root = root_entity(info, &ids, &mut root_contextual);
    let depth = graph.inner_depth();
    let lists = [
        References {
            key: "hasPart",
            count: held.len(),
            ids: &mut held_ids,
        },
        References {
            key: "mentions",
            count: not_held.len(),
            ids: &mut not_held_ids,
        },
    ];
    write_root(graph.slot()?, depth, root, lists)?;
    let mut contextual = Contextual::default();
    for document in documents.documents(&order) {
        let document = document?;
        let entity = describe_document(&document, &ids, &mut contextual);
        if document.held.is_some() {
            graph.element(&entity)?;
        } else {
            contextual.add(entity);
        }
    }
    for entity in root_contextual.entities.into_values() {
        contextual.add(entity);
    }
    for entity in terms::ad_hoc_term_entities() {
        contextual.add(into_map(entity));
    }
    for entity in contextual.entities.values() {
        graph.element(entity)?;
    }
    graph.close()?;
    top.close()?;
    out.write_all(b"\n")
}

/// The `@id` of the document at `index`: the path of its file when it is
/// held, else its `#document-<id>`.
fn document_id(documents: &dyn PackedDocuments, index: usize) -> String {
    if documents.is_held(index) {
        encode_path(&crate_path(documents.file(index)))
    } else {
        not_held_id(documents.id(index))
    }
}

/// References to entities, written as the value of `key`: one reference,
/// or an array of them, as [`one_or_many`] would make; none, no member.
struct References<'a> {
    key: &'static str,
    count: usize,
    ids: &'a mut dyn Iterator<Item = String>,
}

/// Writes the root dataset with the lists of references that
/// [`root_entity`] leaves out, each where its key sorts among the others.
fn write_root(
    out: &mut dyn Write,
    depth: usize,
    mut root: Map<String, Value>,
    lists: [References; 2],
) -> io::Result<()> {
    let mut lists: BTreeMap<&str, References> = lists
        .into_iter()
        .filter(|list| list.count > 0)
        .map(|list| (list.key, list))
        .collect();
    for key in lists.keys() {
        root.insert(key.to_string(), Value::Null);
    }
    let mut object = Container::object(out, depth)?;
    for (key, value) in &root {
        let Some(list) = lists.remove(key.as_str()) else {
            object.member(key, value)?;
            continue;
        };
        let depth = object.inner_depth();
        let out = object.key(key)?;
        if list.count == 1 {
            let id = list.ids.next().expect("one id");
            write_at(out, depth, &reference(&id))?;
            continue;
        }
        let mut array = Container::array(out, depth)?;
        for id in list.ids {
            array.element(&reference(&id))?;
        }
        array.close()?;
    }
    object.close()
}

fn descriptor() -> Value {
    json!({
        "@id": METADATA_ID,
        "@type": "CreativeWork",
        "conformsTo": reference(ROCRATE_SPEC),
        "about": reference(ROOT_ID),
    })
}

/// The root dataset, but for the `hasPart` that reaches held documents and
/// the `mentions` that reaches catalogued ones ([`write_root`] streams
/// those). The source organization made the collection, so it
/// is both `author` and `publisher` (RO-Crate recommends both); the contact
/// is a `ContactPoint` of that organization. With no organization, the
/// contact person is the publisher: RO-Crate 1.1 asks for contact details
/// through a `publisher` or `author`, as `Dataset` has no `contactPoint`
/// in schema.org. A lone e-mail goes on the dataset all the same.
fn root_entity(
    info: &CollectionInfo,
    ids: &EntityIds,
    contextual: &mut Contextual,
) -> Map<String, Value> {
    let license_url = info.license.url();
    contextual.add(license_entity(&info.license));
    let mut root = into_map(json!({
        "@id": ROOT_ID,
        "@type": "Dataset",
        "name": info.title,
        "description": info.description,
        "datePublished": info.date.to_string(),
        "license": reference(&license_url),
        "identifier": info.id.as_str(),
    }));

    let contact = contact_point(info, contextual).map(|id| reference(&id));
    if let Some(name) = &info.source_organization {
        let id = ids.organization(name, None);
        let mut organization = into_map(json!({"@id": id, "@type": "Organization", "name": name}));
        set(&mut organization, "contactPoint", contact);
        contextual.add(organization);
        root.insert("author".into(), reference(id));
        root.insert("publisher".into(), reference(id));
    } else if let Some(name) = &info.contact_name {
        let id = ids.person(name, None, None);
        let mut person = into_map(json!({"@id": id, "@type": "Person", "name": name}));
        set(&mut person, "contactPoint", contact);
        contextual.add(person);
        root.insert("publisher".into(), reference(&id));
    } else {
        // Only an e-mail: nobody to hang it on but the dataset itself.
        set(&mut root, "contactPoint", contact);
    }
    root
}

/// The `@id` of the statement that a document has no licence recorded.
pub(super) const NO_LICENSE_ID: &str = "#no-license-recorded";

/// A licence as a contextual entity: its URL (the SPDX page of an SPDX id)
/// as `@id`, its SPDX id or URL as `identifier`, and the name and
/// description RO-Crate 1.1 asks of the root's licence ("Root Data Entity":
/// it SHOULD link to a contextual entity with both): the full name from the
/// SPDX licence list when it is there, else the id or URL.
pub(super) fn license_entity(license: &License) -> Map<String, Value> {
    let id = license.as_str();
    let (name, description) = match license.spdx_name() {
        Some(name) => (name, format!("{name} (SPDX licence identifier {id}).")),
        None if id.contains(':') => (id, format!("The licence published at {id}.")),
        None => (id, format!("The licence identified as {id}.")),
    };
    into_map(json!({
        "@id": license.url(),
        "@type": "CreativeWork",
        "name": name,
        "description": description,
        "identifier": id,
    }))
}

/// The collection's contact as a `ContactPoint` entity, returning its id:
/// `mailto:` the e-mail when there is one, else a local id from the name.
fn contact_point(info: &CollectionInfo, contextual: &mut Contextual) -> Option<String> {
    let name = info.contact_name.as_deref();
    let email = info.contact_email.as_deref();
    let id = match (email, name) {
        (Some(email), _) => format!("mailto:{email}"),
        (None, Some(name)) => local_ids_of_names("contact", [name]).remove(name)?,
        (None, None) => return None,
    };
    let mut entity = into_map(json!({"@id": id, "@type": "ContactPoint"}));
    set(&mut entity, "name", name.map(Value::from));
    set(&mut entity, "email", email.map(Value::from));
    contextual.add(entity);
    Some(id)
}

/// The ids of the people, organizations, places, origins, events and
/// disputing works of a collection, settled once so that every mention of
/// one thing gets one entity.
///
/// A thing with an identifier the web resolves (an ORCID iD, a DOI) has it
/// as its `@id`; anything else gets a local `#<kind>-<slug>` id from its
/// name, told apart from others of the same name by its identifiers (see
/// [`entity_key`]). A document of the collection that disputes another is
/// its own entity, which the other links to.
pub(super) struct EntityIds {
    local: PerKind<BTreeMap<String, String>>,
    /// The documents that dispute others, by record id.
    disputing: HashMap<String, DisputingDocument>,
}

/// A document that disputes others: its entity, and the citation the
/// records that name it give.
struct DisputingDocument {
    id: String,
    citation: Option<String>,
}

/// One of something for each kind of entity documents link to.
#[derive(Default)]
struct PerKind<T> {
    people: T,
    organizations: T,
    places: T,
    origins: T,
    events: T,
    works: T,
}

/// The keys and names of the entities documents link to, gathered a
/// record at a time; each distinct key is kept once.
#[derive(Default)]
struct EntityIdsBuilder {
    names: PerKind<BTreeMap<String, String>>,
    /// The record id of each document that disputes another, and its
    /// citation (one wherever it is named: a rule of the records).
    disputing: BTreeMap<String, Option<String>>,
}

impl EntityIdsBuilder {
    fn add(&mut self, record: &Document) {
        let keep = |map: &mut BTreeMap<String, String>, key: String, name: &str| {
            map.entry(key).or_insert_with(|| name.to_string());
        };
        for author in record.provenance.authors.iter() {
            let key = agent_key(&author.name, author.wikidata.as_ref());
            match author.kind {
                AuthorType::Organization => keep(&mut self.names.organizations, key, &author.name),
                AuthorType::Person if author.orcid.is_none() => {
                    keep(&mut self.names.people, key, &author.name)
                }
                AuthorType::Person => {}
            }
        }
        if let Some(assessor) = &record.contested.assessed_by {
            let kind = match assessor.kind {
                AuthorType::Person => &mut self.names.people,
                AuthorType::Organization => &mut self.names.organizations,
            };
            keep(kind, agent_key(&assessor.name, None), &assessor.name);
        }
        if let Some(publisher) = &record.provenance.publisher {
            keep(&mut self.names.organizations, publisher.clone(), publisher);
        }
        if let Some(place) = &record.provenance.venue {
            keep(&mut self.names.places, place_key(place), &place.name);
        }
        if let Some(origin) = record
            .provenance
            .origin
            .as_ref()
            .filter(|o| o.is_identified())
        {
            keep(&mut self.names.origins, place_key(origin), &origin.name);
        }
        if let Some(event) = &record.provenance.event {
            keep(&mut self.names.events, event.clone(), event);
        }
        for work in &record.contested.disputed_by {
            match work {
                DisputingWork::Cited(work) if work.doi.is_none() => {
                    keep(&mut self.names.works, work_key(work), &work.citation);
                }
                DisputingWork::Cited(_) => {}
                DisputingWork::Document { id, citation } => {
                    let entry = self.disputing.entry(id.to_string());
                    entry.or_insert_with(|| citation.clone());
                }
            }
        }
    }

    /// The ids, once every record of `documents` is added; an error if a
    /// record names a document that disputes it that is not among them.
    fn build(
        mut self,
        info: &CollectionInfo,
        documents: &dyn PackedDocuments,
    ) -> io::Result<EntityIds> {
        if let Some(name) = &info.contact_name {
            self.names
                .people
                .entry(agent_key(name, None))
                .or_insert_with(|| name.clone());
        }
        if let Some(name) = &info.source_organization {
            self.names
                .organizations
                .entry(name.clone())
                .or_insert_with(|| name.clone());
        }
        let ids = |kind: &str, entries: &BTreeMap<String, String>| {
            local_ids(
                kind,
                entries
                    .iter()
                    .map(|(key, name)| (key.as_str(), name.as_str())),
            )
        };
        let names = &self.names;
        let local = PerKind {
            people: ids("person", &names.people),
            organizations: ids("organization", &names.organizations),
            places: ids("place", &names.places),
            origins: ids("origin", &names.origins),
            events: ids("event", &names.events),
            works: ids("work", &names.works),
        };
        // Found by their record ids, which the documents' index has
        // without reading the records again.
        let mut disputing = HashMap::new();
        for index in 0..documents.count() {
            let id = documents.id(index);
            let Some(citation) = self.disputing.remove(id) else {
                continue;
            };
            let document = DisputingDocument {
                id: document_id(documents, index),
                citation,
            };
            disputing.insert(id.to_string(), document);
        }
        if let Some(id) = self.disputing.keys().next() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "a record is disputed by the document `{id}`, which is not in the collection"
                ),
            ));
        }
        Ok(EntityIds { local, disputing })
    }
}

impl EntityIds {
    pub(super) fn person(
        &self,
        name: &str,
        orcid: Option<&Orcid>,
        wikidata: Option<&WikidataId>,
    ) -> String {
        match orcid {
            Some(orcid) => orcid.url(),
            None => self.local.people[&agent_key(name, wikidata)].clone(),
        }
    }

    /// An organization's local id. One named alike as a publisher, as the
    /// source organization and as an author without a Wikidata id is one
    /// entity.
    pub(super) fn organization(&self, name: &str, wikidata: Option<&WikidataId>) -> &str {
        &self.local.organizations[&agent_key(name, wikidata)]
    }

    pub(super) fn place(&self, place: &Place) -> &str {
        &self.local.places[&place_key(place)]
    }

    /// The local id of an origin given with identifiers.
    pub(super) fn origin(&self, origin: &Place) -> &str {
        &self.local.origins[&place_key(origin)]
    }

    pub(super) fn event(&self, name: &str) -> &str {
        &self.local.events[name]
    }

    /// A cited work's id: its DOI URL, else a local `#work-…` id.
    pub(super) fn work(&self, work: &CitedWork) -> String {
        match &work.doi {
            Some(doi) => doi.url(),
            None => self.local.works[&work_key(work)].clone(),
        }
    }

    /// The id of a disputing work: a cited work's (see [`EntityIds::work`]),
    /// or the entity of a document of the collection.
    pub(super) fn disputing(&self, work: &DisputingWork) -> String {
        match work {
            DisputingWork::Cited(work) => self.work(work),
            DisputingWork::Document { id, .. } => self.disputing[id.as_str()].id.clone(),
        }
    }

    /// How the records that name the document `id` as disputing another
    /// cite it, if they do.
    pub(super) fn citation_of(&self, id: &str) -> Option<&str> {
        self.disputing.get(id)?.citation.as_deref()
    }
}

/// What tells apart two entities of one name: the name alone when nothing
/// else is given, else the name and each identifier, `\u{1f}`-separated.
fn entity_key(name: &str, identifiers: &[Option<&str>]) -> String {
    if identifiers.iter().all(Option::is_none) {
        return name.to_string();
    }
    let mut key = name.to_string();
    for identifier in identifiers {
        key.push('\u{1f}');
        key.push_str(identifier.unwrap_or_default());
    }
    key
}

/// The key of a person or organization.
fn agent_key(name: &str, wikidata: Option<&WikidataId>) -> String {
    entity_key(name, &[wikidata.map(WikidataId::as_str)])
}

fn place_key(place: &Place) -> String {
    entity_key(
        &place.name,
        &[
            place.url.as_ref().map(WebUrl::as_str),
            place.wikidata.as_ref().map(WikidataId::as_str),
            place.geonames.as_ref().map(GeonamesId::as_str),
        ],
    )
}

fn work_key(work: &CitedWork) -> String {
    entity_key(
        &work.citation,
        &[
            work.kind.map(<&str>::from),
            work.url.as_ref().map(WebUrl::as_str),
        ],
    )
}

/// Contextual entities by `@id`: what several documents mention (a person,
/// a place) is described once.
/// The contextual entities, by `@id`; two entities with one `@id` are
/// merged into one.
#[derive(Default)]
pub(super) struct Contextual {
    entities: BTreeMap<String, Map<String, Value>>,
    /// The kinds and ids [`Contextual::add_once`] has added.
    added: HashSet<(&'static str, String)>,
}

impl Contextual {
    /// Adds the entity `make` makes, once per `kind` and `id`: for an entity
    /// that is a function of its kind and id (a person, a place, a work),
    /// a second copy would merge into nothing new, so it is not even made.
    /// Most documents of a large collection link to the same few.
    pub(super) fn add_once(
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
    pub(super) fn add(&mut self, entity: Map<String, Value>) {
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

/// `{"@id": id}`.
pub(super) fn reference(id: &str) -> Value {
    json!({ "@id": id })
}

/// Nothing, the value, or an array: RO-Crate 1.1 asks for single values
/// rather than one-element arrays.
pub(super) fn one_or_many(mut values: Vec<Value>) -> Option<Value> {
    match values.len() {
        0 => None,
        1 => values.pop(),
        _ => Some(Value::Array(values)),
    }
}

/// Sets `key` when there is a value.
pub(super) fn set(entity: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        entity.insert(key.to_string(), value);
    }
}

/// The object of a `json!({...})`.
pub(super) fn into_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;
    use crate::rocrate::testutil::sample;

    /// The terms corpack uses that the RO-Crate 1.1 context defines, each
    /// checked against that context as ro-crate-py 0.15.1 ships it
    /// (`rocrate/data/ro-crate.jsonld`, sha256 bb5dd0a7…2222a): all map to
    /// `http://schema.org/` but `conformsTo` (Dublin Core) and the `rdf`
    /// and `rdfs` prefixes.
    const ROCRATE_1_1_TERMS: &[&str] = &[
        "Claim",
        "ClaimReview",
        "ContactPoint",
        "CreativeWork",
        "Dataset",
        "Event",
        "File",
        "Organization",
        "Person",
        "Place",
        "about",
        "appearance",
        "author",
        "citation",
        "conformsTo",
        "contactPoint",
        "contentSize",
        "contributor",
        "creativeWorkStatus",
        "Book",
        "Chapter",
        "Report",
        "ScholarlyArticle",
        "Thesis",
        "WebPage",
        "sameAs",
        "url",
        "dateCreated",
        "datePublished",
        "description",
        "editor",
        "email",
        "encodingFormat",
        "hasPart",
        "identifier",
        "inLanguage",
        "isBasedOn",
        "itemReviewed",
        "license",
        "location",
        "locationCreated",
        "mentions",
        "name",
        "publisher",
        "rdf",
        "rdfs",
        "recordedAt",
        "review",
        "reviewAspect",
        "reviewBody",
        "translator",
    ];

    fn sample_json() -> Value {
        let (info, documents) = sample();
        serde_json::from_str(&metadata_json(&info, &documents).unwrap()).unwrap()
    }

    fn entity<'a>(crate_json: &'a Value, id: &str) -> &'a Value {
        let graph = crate_json["@graph"].as_array().unwrap();
        graph
            .iter()
            .find(|e| e["@id"] == id)
            .unwrap_or_else(|| panic!("no entity {id}"))
    }

    /// Every property key and `@type` value, recursively.
    fn terms_used(value: &Value, terms: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    if !key.starts_with('@') {
                        terms.insert(key.clone());
                    }
                    if key == "@type" {
                        for t in value.as_array().map_or(vec![value], |a| a.iter().collect()) {
                            terms.insert(t.as_str().unwrap().to_string());
                        }
                    }
                    terms_used(value, terms);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| terms_used(item, terms)),
            _ => {}
        }
    }

    #[test]
    fn every_term_is_in_the_context() {
        let crate_json = sample_json();
        let extension = crate_json["@context"][1].as_object().unwrap();
        let mut terms = BTreeSet::new();
        terms_used(&crate_json["@graph"], &mut terms);
        for term in &terms {
            // A compact IRI needs its prefix defined; a term, itself.
            let defined = term
                .split_once(':')
                .map_or(term.as_str(), |(prefix, _)| prefix);
            assert!(
                ROCRATE_1_1_TERMS.contains(&defined) || extension.contains_key(defined),
                "{term} is in neither the RO-Crate 1.1 context nor the extension"
            );
        }
        // The extension declares nothing 1.1 already has, and nothing unused.
        for key in extension.keys() {
            assert!(
                !ROCRATE_1_1_TERMS.contains(&key.as_str()),
                "{key} redeclared"
            );
            assert!(
                terms
                    .iter()
                    .any(|t| t == key || t.starts_with(&format!("{key}:"))),
                "{key} declared but unused"
            );
        }
    }

    /// The README's mapping table is the one description of the mapping:
    /// every term the crate uses is in it, but the descriptor's.
    #[test]
    fn every_term_is_in_the_readme_mapping() {
        let readme = include_str!("../../README.md");
        let mapping = readme
            .split_once("## Metadata mapping")
            .expect("README has a Metadata mapping section")
            .1;
        let mut terms = BTreeSet::new();
        terms_used(&sample_json()["@graph"], &mut terms);
        let descriptor = [
            "about",
            "conformsTo",
            "rdf:Property",
            "rdfs:comment",
            "rdfs:label",
        ];
        for term in terms.iter().filter(|t| !descriptor.contains(&t.as_str())) {
            assert!(
                mapping.contains(&format!("`{term}`")),
                "{term} is not in the README's mapping table"
            );
        }
    }

    #[test]
    fn output_is_deterministic_and_ignores_record_order() {
        let (info, mut documents) = sample();
        let text = metadata_json(&info, &documents).unwrap();
        assert!(text.ends_with("}\n"));
        assert_eq!(metadata_json(&info, &documents).unwrap(), text);
        documents.reverse();
        assert_eq!(metadata_json(&info, &documents).unwrap(), text);
    }

    #[test]
    fn graph_order_is_descriptor_root_data_then_contextual_by_id() {
        let crate_json = sample_json();
        let ids: Vec<&str> = crate_json["@graph"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["@id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids[..5],
            [
                "ro-crate-metadata.json",
                "./",
                "documents/furr%20talk.txt",
                "documents/notes/Überblick.md",
                "documents/plain.txt",
            ]
        );
        let contextual = &ids[5..];
        assert!(contextual.is_sorted(), "{contextual:?}");
    }

    #[test]
    fn root_reaches_every_document() {
        let crate_json = sample_json();
        let root = entity(&crate_json, "./");
        assert_eq!(root["hasPart"].as_array().unwrap().len(), 3);
        assert_eq!(root["mentions"], json!({"@id": "#document-lost-letter"}));
        assert_eq!(root["identifier"], "sample");
        assert_eq!(root["datePublished"], "2026-11-25");
        assert_eq!(
            root["license"],
            json!({"@id": "https://spdx.org/licenses/CC-BY-4.0"})
        );
        let license = entity(&crate_json, "https://spdx.org/licenses/CC-BY-4.0");
        assert_eq!(license["identifier"], "CC-BY-4.0");
        let organization = entity(&crate_json, "#organization-corpus-workshop");
        assert_eq!(root["publisher"]["@id"], organization["@id"]);
        assert_eq!(
            organization["contactPoint"]["@id"],
            "mailto:ada@example.org"
        );
        let contact = entity(&crate_json, "mailto:ada@example.org");
        assert_eq!(contact["@type"], "ContactPoint");
        assert_eq!(contact["name"], "Ada Archivist");
    }

    #[test]
    fn held_and_catalogued_documents() {
        let crate_json = sample_json();
        let held = entity(&crate_json, "documents/notes/Überblick.md");
        assert_eq!(held["@type"], "File");
        assert_eq!(held["identifier"], "ueberblick");
        assert_eq!(held["contentSize"], "13");
        assert_eq!(held["encodingFormat"], "text/markdown");
        assert_eq!(held["dateCreated"], "193X");
        assert_eq!(held["dateCreatedInterval"], "1930-01-01/1939-12-31");
        assert_eq!(
            held["isBasedOn"]["@id"],
            "https://example.org/archive/item?id=7"
        );
        assert!(held.get("held").is_none());

        let catalogued = entity(&crate_json, "#document-lost-letter");
        assert_eq!(catalogued["@type"], "CreativeWork");
        assert_eq!(catalogued["held"], false);
        assert_eq!(
            catalogued["sha256"],
            "972962436953c9ea6eecd3eed1bc013f6e43803f40ed42985ea46f3eb969bfa7"
        );
        assert!(catalogued.get("contentSize").is_none());
        assert_eq!(catalogued["creativeWorkStatus"], "unassessed");
    }

    #[test]
    fn people_are_one_entity_per_person_with_roles_as_properties() {
        let crate_json = sample_json();
        let orcid = "https://orcid.org/0000-0002-1825-0097";
        let talk = entity(&crate_json, "documents/furr%20talk.txt");
        assert_eq!(talk["author"]["@id"], "#person-grover-furr");
        assert_eq!(talk["marcrel:spk"]["@id"], "#person-grover-furr");
        assert_eq!(talk["contributor"]["@id"], orcid);
        assert_eq!(talk["marcrel:trc"]["@id"], orcid);
        // The same name without the ORCID iD is not given it: the record
        // does not say they are one person.
        let overview = entity(&crate_json, "documents/notes/Überblick.md");
        assert_eq!(overview["author"]["@id"], "#person-josiah-carberry");
        assert_eq!(overview["marcrel:aut"]["@id"], "#person-josiah-carberry");
        assert_eq!(overview["editor"]["@id"], "#person-erika-editor");
        assert_eq!(overview["marcrel:edt"]["@id"], "#person-erika-editor");
        assert_eq!(overview["translator"]["@id"], "#person-tom-translator");
        assert_eq!(overview["marcrel:trl"]["@id"], "#person-tom-translator");
        let letter = entity(&crate_json, "#document-lost-letter");
        assert_eq!(letter["contributor"]["@id"], "#person-ian-interviewer");
        assert_eq!(letter["marcrel:ivr"]["@id"], "#person-ian-interviewer");
        assert_eq!(entity(&crate_json, orcid)["name"], "Josiah Carberry");
        let graph = crate_json["@graph"].as_array().unwrap();
        let adas = graph
            .iter()
            .filter(|e| e["name"] == "Ada Archivist")
            .count();
        assert_eq!(adas, 2, "one Person and one ContactPoint");
    }

    #[test]
    fn organizations_are_organization_entities() {
        let crate_json = sample_json();
        let plain = entity(&crate_json, "documents/plain.txt");
        // Named as the source organization, without a Wikidata id: the
        // root's author and publisher, one entity.
        let workshop = "#organization-corpus-workshop";
        assert_eq!(plain["author"]["@id"], workshop);
        assert_eq!(plain["marcrel:aut"]["@id"], workshop);
        assert_eq!(entity(&crate_json, "./")["author"]["@id"], workshop);
        assert_eq!(entity(&crate_json, workshop)["@type"], "Organization");
        let united_nations = entity(&crate_json, plain["editor"]["@id"].as_str().unwrap());
        assert_eq!(united_nations["@id"], "#organization-united-nations");
        assert_eq!(plain["marcrel:edt"], plain["editor"]);
        assert_eq!(united_nations["@type"], "Organization");
        assert_eq!(united_nations["name"], "United Nations");
        assert_eq!(
            united_nations["sameAs"]["@id"],
            "https://www.wikidata.org/wiki/Q1065"
        );
    }

    #[test]
    fn provenance_links_places_events_and_publishers() {
        let crate_json = sample_json();
        let talk = entity(&crate_json, "documents/furr%20talk.txt");
        let place = "#place-lucas-arms-grays-inn-road-london";
        assert_eq!(talk["locationCreated"]["@id"], place);
        assert_eq!(talk["isBasedOn"], "A periodical, not named in the text");
        assert_eq!(
            talk["dateNote"],
            "The year is inferred: 20 June was a Friday in 2014."
        );
        assert_eq!(
            talk["description"],
            "Transcript of a public talk, with an editorial introduction."
        );
        let event = entity(&crate_json, talk["recordedAt"]["@id"].as_str().unwrap());
        assert_eq!(event["@type"], "Event");
        assert_eq!(event["location"]["@id"], place);
        let publisher = entity(&crate_json, talk["publisher"]["@id"].as_str().unwrap());
        assert_eq!(publisher["@type"], "Organization");
        assert_eq!(publisher["name"], "Unnamed periodical");
    }

    #[test]
    fn a_dispute_is_a_claim_review_without_verdict() {
        let crate_json = sample_json();
        let talk = entity(&crate_json, "documents/furr%20talk.txt");
        assert_eq!(talk["creativeWorkStatus"], "contested");
        let disputing = talk["cito:isDisputedBy"].as_array().unwrap();
        assert_eq!(disputing.len(), 3);
        let work = entity(&crate_json, disputing[0]["@id"].as_str().unwrap());
        assert_eq!(work["@type"], "CreativeWork");
        assert_eq!(
            work["name"],
            "Matthew E. Lenoe, The Kirov Murder and Soviet History, Yale University Press, 2010"
        );
        let book = entity(&crate_json, disputing[1]["@id"].as_str().unwrap());
        assert_eq!(book["@type"], "Book");
        assert_eq!(book["url"], "https://example.org/bloodlands");
        assert!(
            book["@id"]
                .as_str()
                .unwrap()
                .starts_with("#work-timothy-snyder")
        );
        // A work with a DOI is known by it.
        assert_eq!(disputing[2]["@id"], "https://doi.org/10.1000/182");
        let article = entity(&crate_json, "https://doi.org/10.1000/182");
        assert_eq!(article["@type"], "ScholarlyArticle");
        assert_eq!(article["identifier"], "https://doi.org/10.1000/182");

        let review = entity(&crate_json, "#review-furr-2014");
        assert_eq!(talk["review"]["@id"], "#review-furr-2014");
        assert_eq!(review["@type"], "ClaimReview");
        assert_eq!(review["reviewAspect"], json!(["claims", "date"]));
        assert_eq!(review["author"]["@id"], "#person-ada-archivist");
        assert_eq!(review["datePublished"], "2026-11-20");
        assert_eq!(review["citation"].as_array().unwrap(), disputing);
        assert!(review.get("reviewRating").is_none());
        let claim = entity(&crate_json, review["itemReviewed"]["@id"].as_str().unwrap());
        assert_eq!(claim["@type"], "Claim");
        assert_eq!(claim["appearance"]["@id"], "documents/furr%20talk.txt");

        // Nothing recorded, nothing reviewed.
        let letter = entity(&crate_json, "#document-lost-letter");
        assert!(letter.get("review").is_none());
    }

    #[test]
    fn a_document_of_the_collection_disputes_as_its_own_entity() {
        let crate_json = sample_json();
        let plain = entity(&crate_json, "documents/plain.txt");
        // The held document's File and the catalogued one's entity, not
        // works made for them.
        let disputing = json!([
            {"@id": "documents/notes/Überblick.md"},
            {"@id": "#document-lost-letter"},
        ]);
        assert_eq!(plain["cito:isDisputedBy"], disputing);
        let review = entity(&crate_json, "#review-plain");
        assert_eq!(review["citation"], disputing);
        let overview = entity(&crate_json, "documents/notes/Überblick.md");
        assert_eq!(overview["@type"], "File");
        assert!(
            overview.get("creditText").is_none(),
            "named without a citation"
        );
        let letter = entity(&crate_json, "#document-lost-letter");
        assert_eq!(letter["creditText"], "A letter & its answer, 2001");
        let graph = crate_json["@graph"].as_array().unwrap();
        assert!(
            graph
                .iter()
                .all(|e| !e["@id"].as_str().unwrap().starts_with("#work-a-letter")),
            "no work is made for a document"
        );
    }

    #[test]
    fn identifiers_become_same_as_links() {
        let crate_json = sample_json();
        let overview = entity(&crate_json, "documents/notes/Überblick.md");
        let carberry = entity(&crate_json, overview["author"]["@id"].as_str().unwrap());
        assert_eq!(carberry["name"], "Josiah Carberry");
        assert_eq!(
            carberry["sameAs"]["@id"],
            "https://www.wikidata.org/wiki/Q1"
        );
        let london = entity(
            &crate_json,
            overview["locationCreated"]["@id"].as_str().unwrap(),
        );
        assert_eq!(london["@type"], "Place");
        assert_eq!(
            london["sameAs"],
            json!([
                {"@id": "https://www.wikidata.org/wiki/Q84"},
                {"@id": "https://sws.geonames.org/2643743/"}
            ])
        );
        let plain = entity(&crate_json, "documents/plain.txt");
        let origin = entity(&crate_json, plain["isBasedOn"]["@id"].as_str().unwrap());
        assert_eq!(origin["@type"], "CreativeWork");
        assert_eq!(origin["name"], "Example archive, box 7");
        assert_eq!(origin["url"], "https://example.org/archive");
        assert_eq!(origin["sameAs"]["@id"], "https://www.wikidata.org/wiki/Q42");
    }

    #[test]
    fn a_licence_has_a_name_and_a_description() {
        let entity = |text: &str| license_entity(&text.parse().unwrap());
        let spdx = entity("CC-BY-4.0");
        assert_eq!(spdx["@id"], "https://spdx.org/licenses/CC-BY-4.0");
        assert_eq!(
            spdx["name"],
            "Creative Commons Attribution 4.0 International"
        );
        assert_eq!(
            spdx["description"],
            "Creative Commons Attribution 4.0 International (SPDX licence identifier CC-BY-4.0)."
        );
        assert_eq!(spdx["identifier"], "CC-BY-4.0");
        let url = entity("https://example.org/terms");
        assert_eq!(url["name"], "https://example.org/terms");
        assert_eq!(
            url["description"],
            "The licence published at https://example.org/terms."
        );
        let unlisted = entity("LicenseRef-archive-terms");
        assert_eq!(unlisted["name"], "LicenseRef-archive-terms");
        assert_eq!(
            unlisted["description"],
            "The licence identified as LicenseRef-archive-terms."
        );
    }

    #[test]
    fn the_collection_licence_is_not_the_documents() {
        let crate_json = sample_json();
        let root = entity(&crate_json, "./");
        assert_eq!(
            root["license"]["@id"],
            "https://spdx.org/licenses/CC-BY-4.0"
        );
        let overview = entity(&crate_json, "documents/notes/Überblick.md");
        assert_eq!(
            overview["license"]["@id"],
            "https://spdx.org/licenses/CC-BY-4.0"
        );
        let plain = entity(&crate_json, "documents/plain.txt");
        assert_eq!(plain["license"]["@id"], "https://example.org/licence");
        assert_eq!(
            entity(&crate_json, "https://example.org/licence")["identifier"],
            "https://example.org/licence"
        );
        // No licence of its own: a statement that none is recorded, so that
        // RO-Crate readers do not take the root's for it.
        let talk = entity(&crate_json, "documents/furr%20talk.txt");
        assert_eq!(talk["license"]["@id"], NO_LICENSE_ID);
        assert_eq!(
            entity(&crate_json, NO_LICENSE_ID)["name"],
            "No licence recorded"
        );
        assert_eq!(
            talk["copyrightNotice"],
            "Third-party text: rights remain with its author."
        );
    }

    #[test]
    fn no_one_element_arrays() {
        fn check(value: &Value) {
            match value {
                Value::Array(items) => {
                    assert_ne!(items.len(), 1, "one-element array {value}");
                    items.iter().for_each(check);
                }
                Value::Object(map) => map.values().for_each(check),
                _ => {}
            }
        }
        check(&sample_json()["@graph"]);
    }

    #[test]
    fn contact_without_organization_is_the_publisher() {
        let (mut info, documents) = sample();
        info.source_organization = None;
        let crate_json: Value =
            serde_json::from_str(&metadata_json(&info, &documents).unwrap()).unwrap();
        let root = entity(&crate_json, "./");
        assert_eq!(root["publisher"]["@id"], "#person-ada-archivist");
        assert!(root.get("author").is_none());
        let person = entity(&crate_json, "#person-ada-archivist");
        assert_eq!(person["contactPoint"]["@id"], "mailto:ada@example.org");

        info.contact_name = None;
        let crate_json: Value =
            serde_json::from_str(&metadata_json(&info, &documents).unwrap()).unwrap();
        let root = entity(&crate_json, "./");
        assert!(root.get("publisher").is_none());
        assert_eq!(root["contactPoint"]["@id"], "mailto:ada@example.org");
    }

    // Records that did not pass the collection's rules are the caller's
    // mistake, not a reason for the library to panic.
    #[test]
    fn records_that_break_the_rules_are_an_error_or_written_never_a_panic() {
        let (info, documents) = sample();
        let without_ueberblick: Vec<_> = (documents.iter())
            .filter(|d| d.record.id.as_str() != "ueberblick")
            .cloned()
            .collect();
        let error = metadata_json(&info, &without_ueberblick).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert!(error.to_string().contains("`ueberblick`"), "{error}");
        let error = super::super::preview_html(&info, &without_ueberblick).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);

        let mut broken = documents.clone();
        let plain = broken.iter_mut().find(|d| d.record.id.as_str() == "plain");
        let plain = plain.unwrap().record.to_mut();
        let own_id = plain.id.clone();
        (plain.contested.disputed_by).push(DisputingWork::Document {
            id: own_id,
            citation: None,
        });
        broken.push(documents[0].clone());
        metadata_json(&info, &broken).unwrap();
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
        assert_eq!(
            Value::Object(contextual.entities["#x"].clone()),
            json!({"@id": "#x", "@type": ["Person", "Book"], "name": "X"})
        );
    }
}
