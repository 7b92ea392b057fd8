//! Reading the records back: the [`Collection`] an `ro-crate-metadata.json`
//! written by corpack describes, every field of every document, held or
//! not. Exporters read bundles through this, so the crate is the one
//! source of truth of a bundle.
//!
//! It is the inverse of [`super::metadata_json`], with two orders the
//! crate does not keep (JSON-LD values are sets; corpack keeps the order of
//! each JSON array, and no more):
//!
//! - documents come in file path order, as the bag stores them;
//! - a document's people come in the order of the schema.org properties
//!   that link them (`author` for authors and speakers, `editor`,
//!   `translator`, `contributor` for transcribers and interviewers), each
//!   property's people in record order, each role's always; of a person
//!   with two roles linked by one property, only the first place is
//!   known, and the roles follow [`Role`]'s order there.
//!
//! And it states what the crate states: a document's media type (given or
//! guessed from its file name when packed) and, for a held document, the
//! SHA-256 of the bytes (which any declared one matched).

use std::collections::VecDeque;
use std::str::FromStr;

use serde_json::{Map, Value};
use strum::IntoEnumIterator;

use super::document::{
    PEOPLE_PROPERTIES, WEB_ORIGIN_KIND, doi_name, relator_property, role_property, web_id,
};
use super::graph::{Graph, entity_id, has_type, ids, text, values};
use super::ids::file_path;
use super::metadata::NO_LICENSE_ID;
use super::terms::{
    COPYRIGHT_NOTICE, CREDIT_TEXT, DATE_CREATED_INTERVAL, DATE_NOTE, HELD, IS_DISPUTED_BY,
    PAYLOAD_PATH,
};
use crate::bundle::DOCUMENTS_DIR;
use crate::collection::values::{GeonamesId, License, Orcid, WikidataId};
use crate::collection::{
    Aspect, Assessor, Author, AuthorType, CitedWork, Collection, CollectionInfo, Contested,
    DisputingWork, Document, NameOrTable, Place, Provenance, Role, WorkType,
};
use crate::edtf::EdtfDate;

pub(super) type Entity = Map<String, Value>;

/// Reads the records of a crate corpack wrote (see the module docs for
/// what comes back in which order).
pub fn read_collection(json: &str) -> Result<Collection, String> {
    let graph = Graph::parse(json)?;
    let root = graph.root()?;
    let reader = Reader { graph: &graph };
    let info = reader
        .info(&root)
        .map_err(|e| format!("the root dataset: {e}"))?;

    // The root's `Map` takes about 600 bytes a reference: it goes before
    // the documents are read.
    let owned_ids = |key| ids(&root, key).into_iter().map(str::to_string);
    let (held, catalogued): (Vec<_>, Vec<_>) = (
        owned_ids("hasPart").collect(),
        owned_ids("mentions").collect(),
    );
    drop(root);
    // Sized once, and sorted by a key beside them: documents are large, and
    // growing the list or a stable sort's scratch would hold them twice.
    let mut documents = Vec::with_capacity(held.len() + catalogued.len());
    for id in &held {
        let entity = reader.entity(id)?;
        if has_type(&entity, "File") && entity.contains_key("identifier") {
            let path = file_path(id).map_err(|e| format!("File @id {e}"))?;
            documents.push(reader.document(&entity, &path)?);
        }
    }
    for id in &catalogued {
        let entity = reader.entity(id)?;
        if entity.get(HELD) == Some(&Value::Bool(false)) {
            let path = required(&entity, PAYLOAD_PATH)
                .map_err(|e| format!("catalogued document {id:?}: {e}"))?;
            documents.push(reader.document(&entity, path)?);
        }
    }
    documents.sort_by_cached_key(|document| document.file.clone());
    Ok(Collection { info, documents })
}

/// The properties whose links a [`Reader`] follows, but the marcrel
/// relators (see [`follows`]).
const FOLLOWED: &[&str] = &[
    "license",
    "author",
    "contactPoint",
    "publisher",
    "isBasedOn",
    "locationCreated",
    "recordedAt",
    IS_DISPUTED_BY,
    "review",
];

/// Whether a [`Reader`] follows the links of the property `key`: a record
/// is read from the entities these link to.
pub(super) fn follows(key: &str) -> bool {
    FOLLOWED.contains(&key) || Role::iter().any(|role| relator_property(role) == key)
}

/// Where a [`Reader`] finds the entities records link to.
pub(super) trait Entities {
    /// The entity whose `@id` is `id`, if there is one.
    fn entity(&self, id: &str) -> Option<Entity>;
}

impl Entities for Graph<'_> {
    fn entity(&self, id: &str) -> Option<Entity> {
        self.get(id)
    }
}

/// Makes records of entities.
pub(super) struct Reader<'g> {
    pub(super) graph: &'g dyn Entities,
}

impl Reader<'_> {
    fn entity(&self, id: &str) -> Result<Entity, String> {
        self.graph
            .entity(id)
            .ok_or_else(|| format!("{id:?} is referenced but not in the @graph"))
    }

    /// The entities a property of `entity` refers to.
    fn linked(&self, entity: &Entity, key: &str) -> Result<Vec<Entity>, String> {
        ids(entity, key)
            .into_iter()
            .map(|id| self.entity(id))
            .collect()
    }

    /// The one entity a property refers to, if any.
    fn linked_one(&self, entity: &Entity, key: &str) -> Result<Option<Entity>, String> {
        let mut linked = self.linked(entity, key)?;
        match linked.len() {
            0 | 1 => Ok(linked.pop()),
            _ => Err(format!("{key} has several values")),
        }
    }

    /// The `name` of the one entity a property refers to, if any.
    fn linked_name(&self, entity: &Entity, key: &str) -> Result<Option<String>, String> {
        self.linked_one(entity, key)?
            .map(|linked| required(&linked, "name").map(str::to_string))
            .transpose()
            .map_err(|e| format!("{key}: {e}"))
    }

    pub(super) fn info(&self, root: &Entity) -> Result<CollectionInfo, String> {
        let license = self.linked_one(root, "license")?.ok_or("no license")?;
        let license = text(&license, "identifier").unwrap_or(entity_id(&license));
        let organization = self
            .linked_one(root, "author")?
            .filter(|author| has_type(author, "Organization"));
        let contact = match &organization {
            Some(organization) => self.linked_one(organization, "contactPoint")?,
            None => match self.linked_one(root, "publisher")? {
                Some(publisher) => self.linked_one(&publisher, "contactPoint")?,
                // Where corpack put a contact given by e-mail alone until
                // it made a publisher of it.
                None => self.linked_one(root, "contactPoint")?,
            },
        };
        Ok(CollectionInfo {
            id: parsed(root, "identifier")?,
            title: required(root, "name")?.to_string(),
            description: required(root, "description")?.to_string(),
            license: license.parse().map_err(|e| format!("license: {e}"))?,
            date: parsed(root, "datePublished")?,
            source_organization: organization
                .map(|o| required(&o, "name").map(str::to_string))
                .transpose()?,
            contact_name: contact
                .as_ref()
                .and_then(|c| text(c, "name"))
                .map(str::to_string),
            contact_email: contact
                .as_ref()
                .and_then(|c| text(c, "email"))
                .map(str::to_string),
        })
    }

    /// One document; `path` is its path in the crate, `documents/<file>`.
    /// An error names it by its identifier and its path in the bag, which
    /// tells two apart when their identifier is what is wrong.
    pub(super) fn document(&self, entity: &Entity, path: &str) -> Result<Document, String> {
        let id = text(entity, "identifier").unwrap_or(entity_id(entity));
        let in_document = |e: String| format!("document {id:?} (data/{path}): {e}");
        let file = path
            .strip_prefix(DOCUMENTS_DIR.trim_start_matches("data/"))
            .and_then(|file| file.strip_prefix('/'))
            .ok_or_else(|| in_document(format!("{path:?} is not under documents/")))?;
        // pack writes every path in NFC, and refuses two that NFC makes one:
        // a path in another form could name the file of another record.
        if crate::names::nfc(file) != file {
            return Err(in_document(format!(
                "file: {file:?} is not in Unicode NFC, the form corpack writes every path in"
            )));
        }
        Ok(Document {
            id: parsed(entity, "identifier").map_err(in_document)?,
            title: required(entity, "name").map_err(in_document)?.to_string(),
            file: file
                .parse()
                .map_err(|e: String| in_document(format!("file: {e}")))?,
            media_type: optional(entity, "encodingFormat").map_err(in_document)?,
            language: optional(entity, "inLanguage").map_err(in_document)?,
            sha256: optional(entity, "sha256").map_err(in_document)?,
            license: self.license(entity).map_err(in_document)?,
            rights: text(entity, COPYRIGHT_NOTICE).map(str::to_string),
            provenance: self.provenance(entity).map_err(in_document)?,
            contested: self.contested(entity).map_err(in_document)?,
        })
    }

    fn provenance(&self, entity: &Entity) -> Result<Provenance, String> {
        let mut authors = Vec::new();
        for property in PEOPLE_PROPERTIES {
            authors.extend(self.people_linked_by(entity, property)?);
        }
        let origin = match values(entity, "isBasedOn").as_slice() {
            [] => None,
            [Value::String(origin)] => Some(Place::from_name(origin.clone())),
            [_] => {
                let source = self.linked_one(entity, "isBasedOn")?.ok_or("isBasedOn")?;
                let id = entity_id(&source);
                if id.starts_with(&format!("#{WEB_ORIGIN_KIND}-")) {
                    // A URL whose IRI something else is known by: its
                    // `url` is that IRI, not an identifier of the origin.
                    Some(Place::from_name(required(&source, "name")?.to_string()))
                } else if id.starts_with('#') {
                    Some(place(&source)?)
                } else {
                    // A DOI written `doi:` is linked by its URL, and a URL
                    // by its IRI (escaped where an IRI must be), named as
                    // written.
                    let written = names(&source).find(|name| {
                        is_doi_form_of(name, id) || web_id(name).as_deref() == Some(id)
                    });
                    Some(Place::from_name(written.unwrap_or(id).to_string()))
                }
            }
            _ => return Err("isBasedOn has several values".into()),
        };
        // Extended a property at a time, the list may hold spare room.
        authors.shrink_to_fit();
        let date: Option<EdtfDate> = optional(entity, "dateCreated")?;
        // Beside the date, corpack writes the span of days it can mean, for
        // tools that do not read EDTF: another span misleads them.
        if let (Some(date), Some(written)) = (&date, text(entity, DATE_CREATED_INTERVAL)) {
            let span = date.interval().to_string();
            if written != span {
                return Err(format!(
                    "{DATE_CREATED_INTERVAL}: {written:?} is not {span}, the span of dateCreated \
                     {:?}",
                    date.as_str()
                ));
            }
        }
        Ok(Provenance {
            authors,
            date,
            date_note: text(entity, DATE_NOTE).map(str::to_string),
            origin,
            venue: self
                .linked_one(entity, "locationCreated")?
                .map(|venue| place(&venue))
                .transpose()?,
            event: self.linked_name(entity, "recordedAt")?,
            publisher: self.linked_name(entity, "publisher")?,
            context: text(entity, "description").map(str::to_string),
        })
    }

    /// The people `property` links, in the order they were written: each
    /// role it stands for lists its people in order (its MARC relator),
    /// and the property lists them in the order each was first named, so
    /// the roles' lists are merged taking first the person it names
    /// first; a person of two roles there, by role.
    fn people_linked_by(&self, entity: &Entity, property: &str) -> Result<Vec<Author>, String> {
        let written = ids(entity, property);
        let named_at = |agent: &Entity| {
            let id = entity_id(agent);
            written.iter().position(|w| *w == id).unwrap_or(usize::MAX)
        };
        let mut roles = Vec::new();
        for role in Role::iter().filter(|role| role_property(*role) == property) {
            let people: VecDeque<Entity> = self.linked(entity, relator_property(role))?.into();
            roles.push((role, people));
        }
        let mut people = Vec::new();
        while let Some((_, next)) = (roles.iter().enumerate())
            .filter_map(|(at, (_, people))| people.front().map(|agent| (named_at(agent), at)))
            .min()
        {
            let (role, waiting) = &mut roles[next];
            let agent = waiting.pop_front().expect("a person was first in line");
            people.push(author(&agent, *role)?);
        }
        Ok(people)
    }

    /// The document's licence; `None` when it links to the statement that
    /// none is recorded.
    fn license(&self, entity: &Entity) -> Result<Option<License>, String> {
        let license = self.linked_one(entity, "license")?.ok_or("no license")?;
        if entity_id(&license) == NO_LICENSE_ID {
            return Ok(None);
        }
        let license = text(&license, "identifier").unwrap_or(entity_id(&license));
        license
            .parse()
            .map(Some)
            .map_err(|e| format!("license: {e}"))
    }

    fn contested(&self, entity: &Entity) -> Result<Contested, String> {
        let mut contested = Contested {
            status: parsed(entity, "creativeWorkStatus")?,
            ..Contested::default()
        };
        for work in self.linked(entity, IS_DISPUTED_BY)? {
            let work = disputing_work(&work).map_err(|e| format!("{IS_DISPUTED_BY}: {e}"))?;
            contested.disputed_by.push(work);
        }
        let Some(review) = self.linked_one(entity, "review")? else {
            return Ok(contested);
        };
        for word in values(&review, "reviewAspect") {
            let word = word.as_str().ok_or("reviewAspect is not text")?;
            let aspect =
                Aspect::from_str(word).map_err(|_| format!("unknown contested aspect {word:?}"))?;
            contested.aspects.push(aspect);
        }
        contested.summary = text(&review, "reviewBody").map(str::to_string);
        contested.assessed_by = match self.linked_one(&review, "author")? {
            Some(assessor) => Some(Assessor {
                name: required(&assessor, "name")
                    .map_err(|e| format!("author: {e}"))?
                    .to_string(),
                kind: if has_type(&assessor, "Organization") {
                    AuthorType::Organization
                } else {
                    AuthorType::Person
                },
            }),
            None => None,
        };
        contested.assessed_on = optional(&review, "datePublished")?;
        Ok(contested)
    }
}

/// The author `agent` is, in `role`.
fn author(agent: &Entity, role: Role) -> Result<Author, String> {
    let agent_id = entity_id(agent);
    let kind = if has_type(agent, "Organization") {
        AuthorType::Organization
    } else {
        AuthorType::Person
    };
    let orcid = match agent_id.strip_prefix("https://orcid.org/") {
        Some(_) if kind == AuthorType::Organization => {
            return Err(format!(
                "{agent_id:?} is an Organization, and an ORCID iD identifies a person"
            ));
        }
        Some(_) => Some(Orcid::from_str(agent_id)?),
        None => None,
    };
    Ok(Author {
        name: required(agent, "name")?.to_string(),
        kind,
        role,
        orcid,
        wikidata: same_as(agent)?.wikidata,
    })
}

/// The Wikidata and GeoNames ids among an entity's `sameAs` links.
struct SameAs {
    wikidata: Option<WikidataId>,
    geonames: Option<GeonamesId>,
}

fn same_as(entity: &Entity) -> Result<SameAs, String> {
    let mut found = SameAs {
        wikidata: None,
        geonames: None,
    };
    for url in ids(entity, "sameAs") {
        if url.starts_with("https://www.wikidata.org/") {
            found.wikidata = Some(url.parse()?);
        } else if url.starts_with("https://sws.geonames.org/") {
            found.geonames = Some(url.parse()?);
        }
    }
    Ok(found)
}

/// A venue or origin entity.
fn place(entity: &Entity) -> Result<Place, String> {
    let same_as = same_as(entity)?;
    Ok(Place {
        name: required(entity, "name")?.to_string(),
        url: optional(entity, "url")?,
        wikidata: same_as.wikidata,
        geonames: same_as.geonames,
    })
}

/// A disputing work entity: a document of the crate (a `File`, or an
/// entity catalogued with `held: false`), by its `identifier`, cited by
/// its `creditText` if it has one; else a cited work, whose type says its
/// kind (`CreativeWork`: none given).
fn disputing_work(entity: &Entity) -> Result<DisputingWork, String> {
    if has_type(entity, "File") || entity.get(HELD) == Some(&Value::Bool(false)) {
        return Ok(DisputingWork::Document {
            id: parsed(entity, "identifier")?,
            citation: text(entity, CREDIT_TEXT).map(str::to_string),
        });
    }
    let kind = WorkType::iter().find(|kind| has_type(entity, kind.schema_type()));
    // An origin written as the same DOI's `doi:` form names the entity too.
    let id = entity_id(entity);
    let citation = match names(entity).find(|name| !is_doi_form_of(name, id)) {
        Some(citation) => citation,
        None => required(entity, "name")?,
    };
    Ok(DisputingWork::Cited(CitedWork {
        citation: citation.to_string(),
        kind,
        doi: optional(entity, "identifier")?,
        url: optional(entity, "url")?,
    }))
}

/// An entity's names, in the order given.
fn names(entity: &Entity) -> impl Iterator<Item = &str> {
    values(entity, "name").into_iter().filter_map(Value::as_str)
}

/// Whether a name is the `doi:` form of the DOI whose URL is `id`, which
/// an origin written so is linked by and named.
fn is_doi_form_of(name: &str, id: &str) -> bool {
    doi_name(name).is_some_and(|doi| doi.url() == id)
}

/// A property's text, which must be there.
fn required<'a>(entity: &'a Entity, key: &str) -> Result<&'a str, String> {
    text(entity, key).ok_or_else(|| format!("{:?} has no {key}", entity_id(entity)))
}

/// A property's text parsed as a record value, which must be there.
fn parsed<T: FromStr<Err: std::fmt::Display>>(entity: &Entity, key: &str) -> Result<T, String> {
    required(entity, key)?
        .parse()
        .map_err(|e| format!("{key}: {e}"))
}

/// A property's text parsed as a record value, if there.
fn optional<T: FromStr<Err: std::fmt::Display>>(
    entity: &Entity,
    key: &str,
) -> Result<Option<T>, String> {
    text(entity, key)
        .map(|t| t.parse().map_err(|e| format!("{key}: {e}")))
        .transpose()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use std::borrow::Cow;
    use std::collections::BTreeMap;
    use std::path::Path;

    use crate::bundle::{HeldFile, PackedDocument};
    use crate::collection::testutil;
    use crate::digest::Digests;
    use crate::rocrate::metadata_json;
    use crate::rocrate::testutil::sample;

    /// The collection as packed: `held[i]` says whether document `i` is
    /// held, with bytes whose SHA-256 its record then declares.
    fn packed(collection: &mut Collection, held: &[bool]) -> Vec<PackedDocument<'static>> {
        let mut packed = Vec::new();
        for (document, &held) in collection.documents.iter_mut().zip(held.iter().cycle()) {
            let held = held.then(|| {
                let bytes = document.id.as_str().as_bytes();
                let digests = Digests::of(bytes);
                document.sha256 = Some(digests.sha256.parse().unwrap());
                Cow::Owned(HeldFile {
                    size: bytes.len() as u64,
                    digests,
                })
            });
            packed.push(PackedDocument {
                record: Cow::Owned(document.clone()),
                held,
                original_name: None,
            });
        }
        packed
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn reads_back_every_record_held_or_not(
            mut collection in testutil::collection(5),
            held in proptest::collection::vec(any::<bool>(), 1..6),
        ) {
            let packed = packed(&mut collection, &held);
            let json = metadata_json(&collection.info, &packed).unwrap();
            let read = read_collection(&json).map_err(TestCaseError::fail)?;
            prop_assert_eq!(read, collection);
        }
    }

    #[test]
    fn people_come_back_in_the_order_their_property_lists_them() {
        // Transcriber and interviewer are both `contributor`s, which keeps
        // their order; author and speaker are both `author`s.
        let toml = r#"
[collection]
id = "order"
title = "Order"
description = "People in the order written."
license = "CC-BY-4.0"
date = "2026-01-01"

[[document]]
id = "talk"
title = "A talk"
file = "talk.txt"
media_type = "text/plain"
[document.provenance]
authors = [
    { name = "Speaker", role = "speaker" },
    { name = "Writer" },
    { name = "Interviewer", role = "interviewer" },
    { name = "Transcriber", role = "transcriber" },
    { name = "Editor", role = "editor" },
]

[[document]]
id = "twice"
title = "One person in two roles"
file = "twice.txt"
media_type = "text/plain"
[document.provenance]
authors = [
    { name = "Ann", role = "speaker" },
    { name = "Bob" },
    { name = "Ann" },
    { name = "Cy", role = "transcriber" },
    { name = "Di", role = "interviewer" },
    { name = "Cy", role = "interviewer" },
]
"#;
        let loaded = crate::collection::parse(toml, Path::new("."), Path::new("c.toml"));
        let mut collection = loaded.unwrap().to_collection().unwrap();
        let packed = packed(&mut collection, &[false, false]);
        let json = metadata_json(&collection.info, &packed).unwrap();
        let read = read_collection(&json).unwrap();
        let names: Vec<&str> = (read.documents[0].provenance.authors.iter())
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["Speaker", "Writer", "Editor", "Interviewer", "Transcriber"]
        );
        // Each role's people keep their order, and so do the roles' lists
        // merged where the property names each person first.
        let twice = &collection
            .documents
            .iter()
            .find(|d| d.id.as_str() == "twice");
        assert_eq!(
            read.documents[1].provenance.authors,
            twice.unwrap().provenance.authors
        );
    }

    #[test]
    fn a_doi_origin_and_a_cited_work_of_that_doi_share_an_entity() {
        // The copy's entity comes before the speech's, then after it.
        for copy in ["a copy.txt", "c copy.txt"] {
            let toml = format!(
                r#"
[collection]
id = "shared"
title = "Shared"
description = "A DOI both an origin and a disputing work."
license = "CC-BY-4.0"
date = "2026-01-01"

[[document]]
id = "copy"
title = "A copy"
file = "{copy}"
media_type = "text/plain"
[document.provenance]
origin = "doi:10.1000/182"

[[document]]
id = "speech"
title = "A speech"
file = "b speech.txt"
media_type = "text/plain"
[document.contested]
status = "contested"
disputed_by = [{{ citation = "A. Reviewer, A review (2011)", doi = "10.1000/182" }}]
"#
            );
            let loaded = crate::collection::parse(&toml, Path::new("."), Path::new("c.toml"));
            let mut collection = loaded.unwrap().to_collection().unwrap();
            let packed = packed(&mut collection, &[false]);
            let json = metadata_json(&collection.info, &packed).unwrap();
            collection
                .documents
                .sort_by(|a, b| a.file.as_str().cmp(b.file.as_str()));
            assert_eq!(read_collection(&json).unwrap(), collection, "{copy}");
        }
    }

    #[test]
    fn dois_and_an_e_mail_a_uri_must_escape_are_iris_and_read_back() {
        // A DOI may hold any printable character; its resolver URL must
        // escape those a URI may not hold (`<`, `>`, `%`) or reads another
        // way (`#` starts a fragment, `?` a query), and so must a mailto:.
        let toml = r#"
[collection]
id = "escaped"
title = "Escaped"
description = "DOIs and an e-mail that an @id must escape."
license = "CC-BY-4.0"
date = "2026-01-01"
source_organization = "Org"
contact_email = "Ada Archivist <ada#1%x@example.org>"

[[document]]
id = "copy"
title = "A copy"
file = "copy.txt"
media_type = "text/plain"
[document.provenance]
origin = "doi:10.1000/x#y"
[document.contested]
status = "contested"
disputed_by = [
    { citation = "SICI", doi = "10.1002/(SICI)1097-4636(199706)35:4<459::AID-JBM6>3.0.CO;2-K" },
    { citation = "Hash", doi = "https://doi.org/10.1000/a%23b%3Fc%25d%C3%BC" },
]
"#;
        let loaded = crate::collection::parse(toml, Path::new("."), Path::new("c.toml"));
        let mut collection = loaded.unwrap().to_collection().unwrap();
        let packed = packed(&mut collection, &[false]);
        let json = metadata_json(&collection.info, &packed).unwrap();
        let crate_json: Value = serde_json::from_str(&json).unwrap();
        let ids: Vec<&str> = crate_json["@graph"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["@id"].as_str())
            .filter(|id| id.starts_with("https://doi.org/") || id.starts_with("mailto:"))
            .collect();
        assert_eq!(
            ids,
            [
                "https://doi.org/10.1000/a%23b%3Fc%25dü",
                "https://doi.org/10.1000/x%23y",
                "https://doi.org/10.1002/(SICI)1097-4636(199706)35:4%3C459::AID-JBM6%3E3.0.CO;2-K",
                "mailto:Ada%20Archivist%20%3Cada%231%25x@example.org%3E",
            ]
        );
        assert_eq!(read_collection(&json).unwrap(), collection);
    }

    #[test]
    fn web_origins_an_iri_must_escape_are_iris_and_read_back() {
        // A URL may be written with a `%` that starts no escape, or `[`
        // and `]` outside an IP-literal host, which no IRI holds there.
        let origins = [
            "https://example.org/50%/[draft]?q[]=1#a#b",
            "http://[2001:db8::1]:8080/box%7/a%20b",
            "https://example.org/plain",
        ];
        let mut toml = String::from(
            r#"
[collection]
id = "escaped"
title = "Escaped"
description = "Web origins that an @id must escape."
license = "CC-BY-4.0"
date = "2026-01-01"
source_organization = "Org"
"#,
        );
        for (n, origin) in origins.iter().enumerate() {
            toml.push_str(&format!(
                "[[document]]\nid = \"copy-{n}\"\ntitle = \"A copy\"\nfile = \"copy-{n}.txt\"\n\
                 media_type = \"text/plain\"\n[document.provenance]\norigin = {origin:?}\n"
            ));
        }
        let loaded = crate::collection::parse(&toml, Path::new("."), Path::new("c.toml"));
        let mut collection = loaded.unwrap().to_collection().unwrap();
        let packed = packed(&mut collection, &[false, false, false]);
        let json = metadata_json(&collection.info, &packed).unwrap();
        let crate_json: Value = serde_json::from_str(&json).unwrap();
        let based_on: Vec<&str> = crate_json["@graph"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["isBasedOn"]["@id"].as_str())
            .collect();
        assert_eq!(
            based_on,
            [
                "https://example.org/50%25/%5Bdraft%5D?q%5B%5D=1#a%23b",
                "http://[2001:db8::1]:8080/box%257/a%20b",
                "https://example.org/plain",
            ]
        );
        assert_eq!(read_collection(&json).unwrap(), collection);
    }

    /// Origins (as TOML values) that making IRIs of cannot tell apart:
    /// a URL that is an IRI and another that becomes it once escaped, a
    /// DOI's resolver URL and its `doi:` form; beside them, what keeps its
    /// own IRI, a table and text.
    const ORIGINS_ALIKE: &[&str] = &[
        r#""https://example.org/a%""#,
        r#""https://example.org/a%25""#,
        r#""https://example.org/b[""#,
        r#""https://example.org/b%5B""#,
        r#""https://example.org/b[%5B""#,
        r#""https://example.org/b%5B[""#,
        r#""https://doi.org/10.1000/182""#,
        r#""doi:10.1000/182""#,
        r#""http://dx.doi.org/10.1000/182""#,
        r#""doi:10.1000/x%""#,
        r#""https://doi.org/10.1000/x%""#,
        r#""https://doi.org/10.1000/x%25""#,
        r#""https://example.org/c%""#,
        r#"{ name = "https://example.org/a%", url = "https://example.org/a%25" }"#,
        r#""An archive, box 7""#,
    ];

    /// A collection with a document of each origin, in that order, and
    /// one by a person with an ORCID iD, disputed by the work of DOI
    /// 10.1000/182; packed, its crate.
    fn origins_crate(origins: &[&str]) -> (Collection, Value) {
        works_crate(origins, &[])
    }

    /// [`origins_crate`], with a document disputed by each of `works` (as
    /// TOML values), in that order, after them.
    fn works_crate(origins: &[&str], works: &[&str]) -> (Collection, Value) {
        let mut toml = String::from(
            r#"
[collection]
id = "origins"
title = "Origins"
description = "Origins alike."
license = "CC-BY-4.0"
date = "2026-01-01"

[[document]]
id = "disputed"
title = "Disputed"
file = "disputed.txt"
media_type = "text/plain"
[document.provenance]
authors = [{ name = "Josiah Carberry", orcid = "0000-0002-1825-0097" }]
[document.contested]
status = "contested"
disputed_by = [{ citation = "A. Reviewer, A review (2011)", doi = "10.1000/182" }]
"#,
        );
        for (n, origin) in origins.iter().enumerate() {
            toml.push_str(&format!(
                "[[document]]\nid = \"copy-{n}\"\ntitle = \"A copy\"\nfile = \"copy-{n:02}.txt\"\n\
                 media_type = \"text/plain\"\n[document.provenance]\norigin = {origin}\n"
            ));
        }
        for (n, work) in works.iter().enumerate() {
            toml.push_str(&format!(
                "[[document]]\nid = \"cited-{n}\"\ntitle = \"Cited\"\nfile = \"cited-{n:02}.txt\"\n\
                 media_type = \"text/plain\"\n[document.contested]\nstatus = \"contested\"\n\
                 disputed_by = [{work}]\n"
            ));
        }
        let loaded = crate::collection::parse(&toml, Path::new("."), Path::new("c.toml"));
        let mut collection = loaded.unwrap().to_collection().unwrap();
        collection.documents.sort_by(|a, b| a.file.cmp(&b.file));
        let packed = packed(&mut collection, &[false, true]);
        let json = metadata_json(&collection.info, &packed).unwrap();
        (collection, serde_json::from_str(&json).unwrap())
    }

    /// The `@id` each document's origin is linked by, by record id.
    fn origin_ids(crate_json: &Value) -> BTreeMap<String, String> {
        let graph = crate_json["@graph"].as_array().unwrap();
        let linked = graph.iter().filter_map(|entity| {
            let id = entity["isBasedOn"]["@id"].as_str()?;
            Some((entity["identifier"].as_str()?.to_string(), id.to_string()))
        });
        linked.collect()
    }

    /// Two origins are never one entity, and each reads back as written.
    fn check_origins_apart(origins: &[&str]) -> Result<(), TestCaseError> {
        let (collection, crate_json) = origins_crate(origins);
        let mut origin_of_id: BTreeMap<String, &Place> = BTreeMap::new();
        for (record, id) in origin_ids(&crate_json) {
            let document = collection
                .documents
                .iter()
                .find(|d| d.id.as_str() == record);
            let origin = document.unwrap().provenance.origin.as_ref().unwrap();
            let first = origin_of_id.entry(id.clone()).or_insert(origin);
            prop_assert_eq!(*first, origin, "two origins share the @id {}", id);
        }
        let read = read_collection(&crate_json.to_string()).map_err(TestCaseError::fail)?;
        prop_assert_eq!(read, collection);
        Ok(())
    }

    #[test]
    fn origins_that_would_share_an_iri_get_ids_of_their_own() {
        check_origins_apart(ORIGINS_ALIKE).unwrap();
        let (_, crate_json) = origins_crate(ORIGINS_ALIKE);
        let ids = origin_ids(&crate_json);
        let id = |n: usize| ids[&format!("copy-{n}")].as_str();
        // An IRI that two origins would have is neither's; a DOI's URL is
        // the DOI's.
        for n in [0, 1, 2, 3, 4, 5, 6, 10, 11] {
            assert!(id(n).starts_with("#web-origin-"), "{n}: {}", id(n));
        }
        assert_eq!(id(7), "https://doi.org/10.1000/182");
        assert_eq!(id(9), "https://doi.org/10.1000/x%25");
        // An IRI no other origin has is the origin's, escaped or not.
        assert_eq!(id(8), "http://dx.doi.org/10.1000/182");
        assert_eq!(id(12), "https://example.org/c%25");
        let graph = crate_json["@graph"].as_array().unwrap();
        let entity = |id: &str| graph.iter().find(|e| e["@id"] == id).unwrap();
        let escaped = entity(id(0));
        assert_eq!(escaped["name"], "https://example.org/a%");
        assert_eq!(escaped["url"], "https://example.org/a%25");
        assert_eq!(entity(id(1))["url"], "https://example.org/a%25");
        assert!(entity(id(12)).get("url").is_none());
        let doi = entity("https://doi.org/10.1000/182");
        assert_eq!(
            doi["name"],
            json!(["doi:10.1000/182", "A. Reviewer, A review (2011)"])
        );
    }

    proptest! {
        #[test]
        fn two_origins_never_share_an_id(
            picked in proptest::collection::vec(0..ORIGINS_ALIKE.len(), 1..8),
        ) {
            let origins: Vec<&str> = picked.iter().map(|&n| ORIGINS_ALIKE[n]).collect();
            check_origins_apart(&origins)?;
        }
    }

    /// Cited works (as TOML values) with URLs: one its own (which an IRI
    /// must escape), two that share one, one whose URL a web origin is
    /// written as, one whose URL is a DOI's, the same work again, one
    /// without a URL, and two whose URLs are a licence's page and a
    /// person's ORCID iD.
    const WORKS: &[&str] = &[
        r#"{ citation = "A book", type = "book", url = "https://example.org/book[1]" }"#,
        r#"{ citation = "Chapter 1", type = "chapter", url = "https://example.org/shared" }"#,
        r#"{ citation = "Chapter 2", type = "chapter", url = "https://example.org/shared" }"#,
        r#"{ citation = "A page", url = "https://example.org/a%25" }"#,
        r#"{ citation = "A review", url = "https://doi.org/10.1000/182" }"#,
        r#"{ citation = "Chapter 1", type = "chapter", url = "https://example.org/shared" }"#,
        r#""A letter, 1937""#,
        r#"{ citation = "CC BY 4.0, legal code", url = "https://spdx.org/licenses/CC-BY-4.0" }"#,
        r#"{ citation = "J. Carberry's record", url = "https://orcid.org/0000-0002-1825-0097" }"#,
    ];

    #[test]
    fn a_cited_work_is_known_by_its_url_unless_another_thing_is() {
        let (collection, crate_json) = works_crate(&[r#""https://example.org/a%""#], WORKS);
        let read = read_collection(&crate_json.to_string()).unwrap();
        assert_eq!(read, collection);
        let graph = crate_json["@graph"].as_array().unwrap();
        let work_id = |n: usize| {
            let cited = graph
                .iter()
                .find(|e| e["identifier"] == format!("cited-{n}"));
            cited.unwrap()["cito:isDisputedBy"]["@id"].as_str().unwrap()
        };
        // RO-Crate 1.1: a publication's @id is a URL where it has one.
        assert_eq!(work_id(0), "https://example.org/book%5B1%5D");
        let book = graph.iter().find(|e| e["@id"] == work_id(0)).unwrap();
        assert_eq!(book["@type"], "Book");
        assert_eq!(book["url"], "https://example.org/book[1]");
        // The same work cited twice is one entity; two works of one URL,
        // a URL a web origin has too and a DOI's URL are not the work's.
        assert_eq!(work_id(5), work_id(1));
        assert!(work_id(1).starts_with("#work-chapter-1"), "{}", work_id(1));
        assert!(work_id(2).starts_with("#work-chapter-2"), "{}", work_id(2));
        assert!(work_id(3).starts_with("#work-a-page"), "{}", work_id(3));
        assert!(work_id(4).starts_with("#work-a-review"), "{}", work_id(4));
        assert!(work_id(6).starts_with("#work-a-letter"), "{}", work_id(6));
        // Nor is a licence's page or a person's ORCID iD.
        assert!(work_id(7).starts_with("#work-cc-by"), "{}", work_id(7));
        assert!(work_id(8).starts_with("#work-j-carberry"), "{}", work_id(8));
        let origin = graph.iter().find(|e| e["identifier"] == "copy-0").unwrap();
        let origin = origin["isBasedOn"]["@id"].as_str().unwrap();
        assert!(origin.starts_with("#web-origin-"), "{origin}");
        // And the DOI keeps its URL.
        assert!(
            graph
                .iter()
                .any(|e| e["@id"] == "https://doi.org/10.1000/182")
        );
    }

    proptest! {
        #[test]
        fn two_works_or_origins_never_share_an_id(
            origins in proptest::collection::vec(0..ORIGINS_ALIKE.len(), 0..5),
            works in proptest::collection::vec(0..WORKS.len(), 1..5),
        ) {
            let origins: Vec<&str> = origins.iter().map(|&n| ORIGINS_ALIKE[n]).collect();
            let works: Vec<&str> = works.iter().map(|&n| WORKS[n]).collect();
            let (collection, crate_json) = works_crate(&origins, &works);
            let graph = crate_json["@graph"].as_array().unwrap();
            let origin_ids = origin_ids(&crate_json);
            let mut work_of_id: BTreeMap<&str, &DisputingWork> = BTreeMap::new();
            for document in &collection.documents {
                // Each document is disputed by one work.
                let Some(work) = document.contested.disputed_by.first() else {
                    continue;
                };
                let entity = graph.iter().find(|e| e["identifier"] == document.id.as_str());
                let id = entity.unwrap()["cito:isDisputedBy"]["@id"].as_str().unwrap();
                let first = work_of_id.entry(id).or_insert(work);
                prop_assert_eq!(*first, work, "two works share the @id {}", id);
                // But for a DOI's URL, which a doi: origin shares.
                prop_assert!(
                    id.starts_with("https://doi.org/") || origin_ids.values().all(|o| o != id),
                    "an origin and a work share the @id {}", id
                );
            }
            let read = read_collection(&crate_json.to_string()).map_err(TestCaseError::fail)?;
            prop_assert_eq!(read, collection);
        }
    }

    #[test]
    fn states_what_the_crate_states() {
        let (info, documents) = sample();
        let read = read_collection(&metadata_json(&info, &documents).unwrap()).unwrap();
        assert_eq!(read.info, info);
        let files: Vec<&str> = read.documents.iter().map(|d| d.file.as_str()).collect();
        assert_eq!(
            files,
            [
                "furr talk.txt",
                "letters/lost letter.pdf",
                "notes/Überblick.md",
                "plain.txt"
            ]
        );
        let by_id = |id: &str| {
            let record = documents.iter().find(|d| d.record.id.as_str() == id);
            let read = read.documents.iter().find(|d| d.id.as_str() == id);
            (&record.unwrap().record, read.unwrap())
        };
        // A guessed media type and the SHA-256 of held bytes become explicit.
        let (record, read_back) = by_id("plain");
        assert_eq!(read_back.provenance, record.provenance, "organizations");
        assert_eq!(record.media_type, None);
        assert_eq!(
            read_back.media_type.as_ref().unwrap().as_str(),
            "text/plain"
        );
        assert_eq!(record.sha256, None);
        assert_eq!(
            read_back.sha256.as_ref().unwrap().as_str(),
            Digests::of(b"plain\n").sha256
        );
        // People come in the order of the schema.org properties that link
        // them; everything else as written.
        let (record, read_back) = by_id("ueberblick");
        let roles: Vec<Role> = read_back
            .provenance
            .authors
            .iter()
            .map(|a| a.role)
            .collect();
        assert_eq!(roles, [Role::Author, Role::Editor, Role::Translator]);
        assert_eq!(read_back.provenance.origin, record.provenance.origin);
        let (record, read_back) = by_id("furr-2014");
        assert_eq!(read_back.provenance, record.provenance);
        assert_eq!(read_back.contested, record.contested);
        let (record, read_back) = by_id("lost-letter");
        assert_eq!(read_back.sha256, record.sha256);
        assert_eq!(read_back.provenance, record.provenance);
    }

    #[test]
    fn a_crate_that_misses_a_record_field_is_an_error() {
        let (info, documents) = sample();
        let good: Value = serde_json::from_str(&metadata_json(&info, &documents).unwrap()).unwrap();
        let edit = |change: &dyn Fn(&mut Value)| {
            let mut bad = good.clone();
            change(&mut bad);
            read_collection(&bad.to_string()).unwrap_err()
        };
        let entity_index = |id: &str| {
            let graph = good["@graph"].as_array().unwrap();
            graph.iter().position(|e| e["@id"] == id).unwrap()
        };
        let letter = entity_index("#document-lost-letter");
        let talk = entity_index("documents/furr%20talk.txt");
        for (error, expected) in [
            (
                edit(&|v| {
                    drop(
                        v["@graph"][letter]
                            .as_object_mut()
                            .unwrap()
                            .remove("payloadPath"),
                    )
                }),
                "has no payloadPath",
            ),
            (
                edit(&|v| v["@graph"][talk]["dateCreated"] = json!("June 2014")),
                "document \"furr-2014\" (data/documents/furr talk.txt): dateCreated: invalid EDTF \
                 date",
            ),
            (
                edit(&|v| {
                    v["@graph"][talk]["dateCreatedInterval"] = json!("2014-06-20/2014-06-21")
                }),
                "document \"furr-2014\" (data/documents/furr talk.txt): dateCreatedInterval: \
                 \"2014-06-20/2014-06-21\" is not 2014-06-20/2014-06-20, the span of dateCreated \
                 \"2014-06-20?\"",
            ),
            (
                edit(&|v| v["@graph"][talk]["locationCreated"] = json!({"@id": "#nowhere"})),
                "\"#nowhere\" is referenced but not in the @graph",
            ),
            (
                edit(&|v| drop(v["@graph"][1].as_object_mut().unwrap().remove("identifier"))),
                "the root dataset: \"./\" has no identifier",
            ),
            (
                edit(&|v| {
                    let carberry = entity_index("https://orcid.org/0000-0002-1825-0097");
                    v["@graph"][carberry]["@type"] = json!("Organization");
                }),
                "document \"furr-2014\" (data/documents/furr talk.txt): \
                 \"https://orcid.org/0000-0002-1825-0097\" is an Organization, and an ORCID iD \
                 identifies a person",
            ),
        ] {
            assert!(error.contains(expected), "{error:?} lacks {expected:?}");
        }
    }
}
